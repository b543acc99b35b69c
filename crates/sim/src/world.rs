//! The world: a discrete-event simulation over virtual time of N Raft
//! servers, their disks, the network between them, and clients. Same seed
//! and same actions give the same run, bit for bit, on every platform.

use crate::cause::Cause;
use crate::checker::{Checker, Invariant, Touched, Violation};
use crate::client::{Client, History, Pending, Target};
use crate::config::SimConfig;
use crate::kv::{ClientId, KvCommand, KvStore};
use crate::network::{ClientReply, ClientRequest, Endpoint, InFlight, Network, Packet, PacketKind};
use crate::server::Server;
use crate::trace::{Trace, TraceEvent};
use raft::{LogIndex, NodeId, PersistentState, Ready, Rng, Role, SortedMap, SortedSet, Time};

mod actions;
mod steer;

/// Redirects a client follows in a row before it waits a heartbeat and
/// tries the next server in its rotation.
const MAX_REDIRECTS: u32 = 3;

/// A simulated cluster.
#[derive(Clone, Debug)]
pub struct Sim {
    config: SimConfig,
    now: Time,
    rng: Rng,
    servers: Vec<Option<Server>>,
    disks: Vec<PersistentState<KvCommand>>,
    network: Network,
    clients: SortedMap<ClientId, Client>,
    history: History,
    checker: Checker,
    violations: Vec<Violation>,
    /// (property, servers, index) of every violation reported, so that a
    /// break is reported once, when it first happens, and not again at
    /// every later event that looks at the same servers.
    reported: SortedSet<(Invariant, Vec<NodeId>, Option<LogIndex>)>,
    trace: Trace,
    /// What the world is handling now, so that what is sent knows why.
    input: Input,
    /// The last server output's emptied buffers, for the next one to fill
    /// (so an event allocates nothing for its output).
    spare: Ready<KvCommand>,
}

/// The input being handled: what a message sent now is a consequence of.
#[derive(Clone, Copy, Debug)]
enum Input {
    /// A message of this type from this sender arrived.
    Received(PacketKind, Endpoint),
    /// Anything else.
    Other(Cause),
}

/// What the next event is.
enum Next {
    Deliver,
    Timer(NodeId),
    Client(ClientId),
}

impl Sim {
    /// A fresh cluster: every server up, empty logs, term 0.
    pub fn new(config: SimConfig) -> Result<Self, String> {
        let disks = vec![PersistentState::default(); usize::from(config.servers)];
        Sim::from_disks(config, disks)
    }

    /// A cluster whose servers start from the given disks, one per server in
    /// id order: each comes up as after a crash, with its currentTerm,
    /// votedFor and log (Figure 2's persistent state) and nothing else —
    /// commitIndex 0, a follower. So textbook situations (the paper's
    /// Figure 7 logs, Figure 8) can be set up exactly. Nothing on the disks
    /// counts as committed until a leader commits it; crash a server with
    /// [`Action::Crash`](crate::Action::Crash) to start with it down.
    pub fn from_disks(
        config: SimConfig,
        disks: Vec<PersistentState<KvCommand>>,
    ) -> Result<Self, String> {
        config.validate()?;
        if disks.len() != usize::from(config.servers) {
            return Err(format!(
                "{} disks for {} servers: give each server one disk",
                disks.len(),
                config.servers
            ));
        }
        for (i, disk) in disks.iter().enumerate() {
            check_disk(NodeId(i as u8 + 1), disk)?;
        }
        let bootstrap: Vec<NodeId> = (1..=config.servers).map(NodeId).collect();
        let mut rng = Rng::new(config.seed);
        let servers = disks
            .iter()
            .enumerate()
            .map(|(i, disk)| {
                let (id, seed) = (NodeId(i as u8 + 1), rng.next_u64());
                Server::boot(config.raft_config(id), disk.clone(), seed, 0).map(Some)
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Sim {
            disks,
            config,
            now: 0,
            rng,
            servers,
            network: Network::default(),
            clients: SortedMap::new(),
            history: History::default(),
            checker: Checker::new(bootstrap),
            violations: Vec::new(),
            reported: SortedSet::new(),
            trace: Trace::default(),
            input: Input::Other(Cause::Action),
            spare: Ready::default(),
        })
    }

    // ----- reading the world -----

    /// The settings.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// Virtual time now, ms.
    pub fn now(&self) -> Time {
        self.now
    }
    /// The server ids, S1…Sn.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        (1..=self.servers.len() as u8).map(NodeId)
    }
    /// A running server, or `None` if it is down.
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get(id.0 as usize - 1)?.as_ref()
    }
    /// What a server has on disk (kept across crashes).
    pub fn disk(&self, id: NodeId) -> &PersistentState<KvCommand> {
        &self.disks[id.0 as usize - 1]
    }
    /// The network and everything in flight.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The clients.
    pub fn clients(&self) -> &SortedMap<ClientId, Client> {
        &self.clients
    }
    /// Every client operation and its outcome.
    pub fn history(&self) -> &History {
        &self.history
    }
    /// Safety violations found so far (empty in a correct run).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// The safety checkers' memory (the timeline counts its size).
    pub(crate) fn checker(&self) -> &Checker {
        &self.checker
    }
    /// The running server that leads the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.ids()
            .filter_map(|id| self.server(id).map(|s| (id, &s.raft)))
            .filter(|(_, r)| r.role() == Role::Leader)
            .max_by_key(|(_, r)| r.current_term())
            .map(|(id, _)| id)
    }

    // ----- running -----

    /// When the next event happens, if anything is scheduled.
    pub fn next_event_time(&self) -> Option<Time> {
        self.next_event().map(|(t, _)| t)
    }

    fn next_event(&self) -> Option<(Time, Next)> {
        let mut best: Option<(Time, Next)> =
            self.network.next_delivery().map(|t| (t, Next::Deliver));
        let mut consider = |t: Time, n: Next| {
            if best.as_ref().is_none_or(|(b, _)| t < *b) {
                best = Some((t, n));
            }
        };
        for id in self.ids() {
            if let Some(s) = self.server(id) {
                consider(s.raft.next_deadline(), Next::Timer(id));
            }
        }
        for (&id, c) in &self.clients {
            if let Some(p) = &c.pending {
                consider(p.retry_at, Next::Client(id));
            }
        }
        best
    }

    /// Process the next event, whenever it is. Returns false if nothing is
    /// scheduled.
    pub fn step(&mut self) -> bool {
        let Some((t, next)) = self.next_event() else {
            return false;
        };
        self.handle(t, next);
        true
    }

    /// Process event `next`, due at `t`.
    fn handle(&mut self, t: Time, next: Next) {
        self.now = self.now.max(t);
        match next {
            Next::Deliver => {
                if let Some(m) = self.network.pop_next() {
                    self.deliver(m);
                }
            }
            Next::Timer(id) => {
                self.input = Input::Other(self.timer_cause(id));
                self.with_server(id, |s, now| s.raft.tick(now));
            }
            Next::Client(id) => self.client_retry(id),
        }
    }

    /// Process every event up to and including `until`, then set the clock
    /// to `until`.
    pub fn run_until(&mut self, until: Time) {
        self.run_to(until, false);
    }

    /// Like [`Sim::run_until`], but stop right after an event that broke a
    /// safety property, so a viewer can pause exactly there; returns the
    /// time it stopped at if it did.
    pub fn run_until_violation(&mut self, until: Time) -> Option<Time> {
        self.run_to(until, true)
    }

    fn run_to(&mut self, until: Time, stop_at_violation: bool) -> Option<Time> {
        let known = self.violations().len();
        while let Some((t, next)) = self.next_event().filter(|(t, _)| *t <= until) {
            self.handle(t, next);
            if stop_at_violation && self.violations().len() > known {
                return Some(self.now);
            }
        }
        self.now = self.now.max(until);
        None
    }

    // ----- servers -----

    /// Snapshot a server whose log holds more applied entries than the
    /// threshold since its last snapshot.
    fn maybe_compact(&mut self, id: NodeId) {
        let Some(threshold) = self.config.snapshot_threshold else { return };
        let Some(s) = self.server(id) else { return };
        let (from, _) = s.raft.log().snapshot_point();
        if s.raft.last_applied() >= from + threshold {
            self.with_server(id, Server::compact);
        }
    }

    /// Run `f` on a live server, then carry out its Ready: persist, send,
    /// apply, narrate, and check every safety property.
    fn with_server(&mut self, id: NodeId, f: impl FnOnce(&mut Server, Time)) {
        let now = self.now;
        let Some(server) = self.servers[id.0 as usize - 1].as_mut() else {
            return;
        };
        f(server, now);
        let mut ready = server.raft.take_ready_reusing(std::mem::take(&mut self.spare));
        self.process_ready(id, &mut ready);
        self.spare = ready;
    }

    fn process_ready(&mut self, id: NodeId, ready: &mut Ready<KvCommand>) {
        let k = id.0 as usize - 1;
        let mut touched = Touched::default();
        // 1. Persist, before anything leaves (Figure 2).
        for w in &ready.log_writes {
            touched.record(w);
        }
        let raft = &self.servers[k].as_ref().expect("a server with a Ready is up").raft;
        self.disks[k].apply(ready, raft.log());
        for event in ready.events.drain(..) {
            self.trace.push(self.now, TraceEvent::Raft { node: id, event });
        }
        // 2. Send.
        for env in ready.messages.drain(..) {
            self.send(Endpoint::Server(env.from), Endpoint::Server(env.to), Packet::Raft(env.msg));
        }
        // 3. Apply, answering clients whose requests this server accepted,
        // then any reads whose read index is now applied.
        if let Some(server) = self.servers[k].as_mut() {
            if let Some(snap) = &ready.install_snapshot {
                server.kv = KvStore::decode(&snap.data).expect("snapshots hold what encode wrote");
            }
            for (client, reply) in server.reads_confirmed(&ready.read_states) {
                self.send(Endpoint::Server(id), Endpoint::Client(client), Packet::Reply(reply));
            }
        }
        for n in 0..ready.committed.len() {
            let Some(server) = self.servers[k].as_mut() else {
                return;
            };
            let (checker, now) = (&mut self.checker, self.now);
            let (found, applied) =
                server.apply_committed(&ready.committed, n, |e| checker.on_apply(now, id, e));
            if let Some(v) = found {
                self.violation(v);
            }
            let command = applied.command.map(|(cmd, out, _)| (cmd.op, out));
            self.trace
                .push(self.now, TraceEvent::Applied { node: id, index: applied.index, command });
            if let Some((client, reply)) = applied.reply_to {
                self.send(Endpoint::Server(id), Endpoint::Client(client), Packet::Reply(reply));
            }
        }
        self.maybe_compact(id);
        let answers =
            self.servers[k].as_mut().map(Server::answer_applied_reads).unwrap_or_default();
        for (client, reply) in answers {
            self.send(Endpoint::Server(id), Endpoint::Client(client), Packet::Reply(reply));
        }
        // 4. Check.
        let Some(server) = self.servers[k].as_ref() else {
            return;
        };
        let found = self.checker.after_event(self.now, id, &server.raft, touched, &self.disks);
        for v in found {
            self.violation(v);
        }
    }

    fn violation(&mut self, v: Violation) {
        let mut nodes = v.nodes.clone();
        nodes.sort_unstable();
        if !self.reported.insert((v.invariant, nodes, v.index)) {
            return;
        }
        self.trace.push(self.now, TraceEvent::Violation(v.clone()));
        self.violations.push(v);
    }

    // ----- network -----

    fn send(&mut self, from: Endpoint, to: Endpoint, packet: Packet) {
        let mut cause = match self.input {
            Input::Received(kind, sender) => Cause::on_receipt(kind, sender, packet.is_reply()),
            Input::Other(cause) => cause,
        };
        // A chance of 0 draws nothing, so runs without these faults keep
        // their exact random sequence.
        let copies = if self.rng.chance(self.config.duplicate_percent) { 2 } else { 1 };
        let kind = packet.kind();
        // Only a duplicate costs a copy of the packet: the last send takes it.
        let mut packet = Some(packet);
        for left in (0..copies).rev() {
            let mut latency =
                self.rng.range_inclusive(self.config.latency_min, self.config.latency_max);
            if self.rng.chance(self.config.long_delay_percent) {
                latency += self.config.long_delay_ms;
            }
            let lost = self.rng.chance(self.config.loss_percent);
            let this = if left == 0 { packet.take() } else { packet.clone() };
            let this = this.expect("the packet is taken by its last copy only");
            let id = self.network.send(from, to, this, self.now, latency, lost, cause);
            self.trace.push(self.now, TraceEvent::Sent { id, from, to, kind });
            cause = Cause::Duplicate(id);
        }
    }

    fn deliver(&mut self, m: InFlight) {
        self.input = Input::Received(m.packet.kind(), m.from);
        let receiver_up = match m.to {
            Endpoint::Server(id) => self.server(id).is_some(),
            Endpoint::Client(_) => true,
        };
        let dropped =
            m.dropped.or((!receiver_up).then_some(crate::network::DropReason::ReceiverDown));
        if let Some(reason) = dropped {
            self.trace
                .push(self.now, TraceEvent::Dropped { id: m.id, kind: m.packet.kind(), reason });
            return;
        }
        match (m.from, m.to, m.packet) {
            (Endpoint::Server(from), Endpoint::Server(to), Packet::Raft(msg)) => {
                self.with_server(to, |s, now| s.raft.step(now, from, msg));
            }
            (Endpoint::Client(client), Endpoint::Server(to), Packet::Request(req)) => {
                let mut reply = None;
                self.with_server(to, |s, now| reply = s.handle_request(now, client, req));
                if let Some(reply) = reply {
                    self.send(Endpoint::Server(to), Endpoint::Client(client), Packet::Reply(reply));
                }
            }
            (Endpoint::Server(from), Endpoint::Client(client), Packet::Reply(reply)) => {
                self.client_reply(client, from, reply);
            }
            _ => {}
        }
    }

    // ----- clients -----

    /// Where a client sends a new operation: the named server, or the
    /// current leader (the page's default), or its best guess.
    fn resolve(&mut self, client: ClientId, target: Target) -> NodeId {
        match target {
            Target::Server(id) => id,
            Target::Leader => {
                self.leader().or(self.clients[&client].leader_guess).unwrap_or(NodeId(1))
            }
        }
    }

    fn client_start_next(&mut self, client: ClientId) {
        let Some((op, target)) = self.clients.get_mut(&client).and_then(|c| c.queue.pop_front())
        else {
            return;
        };
        let to = self.resolve(client, target);
        let c = self.clients.get_mut(&client).expect("client exists");
        let seq = c.take_seq();
        let history_row = self.history.invoke(client, seq, op.clone(), self.now);
        let retry_at = self.now + self.config.client_timeout;
        c.pending = Some(Pending {
            seq,
            op: op.clone(),
            to,
            retry_at,
            attempts: 1,
            redirects: 0,
            history_row,
        });
        self.trace.push(self.now, TraceEvent::Invoked { client, op: op.clone() });
        let input = std::mem::replace(&mut self.input, Input::Other(Cause::Invoke(client)));
        self.send(
            Endpoint::Client(client),
            Endpoint::Server(to),
            Packet::Request(ClientRequest { seq, op }),
        );
        self.input = input;
    }

    /// Send the pending operation again, to `to`.
    fn client_resend(&mut self, client: ClientId, to: NodeId, why: &'static str) {
        let timeout = self.config.client_timeout;
        let now = self.now;
        let Some(p) = self.clients.get_mut(&client).and_then(|c| c.pending.as_mut()) else {
            return;
        };
        p.to = to;
        p.attempts += 1;
        p.retry_at = now + timeout;
        let req = ClientRequest { seq: p.seq, op: p.op.clone() };
        self.trace.push(now, TraceEvent::Retrying { client, to, why });
        self.send(Endpoint::Client(client), Endpoint::Server(to), Packet::Request(req));
    }

    /// A client that heard nothing useful tries its hint once (then
    /// forgets it: a hint that led nowhere is stale), else the next server
    /// in its own round robin, which stale redirects cannot steer into a
    /// loop between servers that no longer know the leader.
    fn client_retry(&mut self, client: ClientId) {
        self.input = Input::Other(Cause::ClientRetry(client));
        let n = self.servers.len() as u8;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_mut() else { return };
        p.redirects = 0;
        let to = match c.leader_guess.take().filter(|&g| g != p.to) {
            Some(g) => g,
            None => c.next_in_rotation(n),
        };
        self.client_resend(client, to, "got no answer in time");
    }

    fn client_reply(&mut self, client: ClientId, from: NodeId, reply: ClientReply) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_ref() else { return };
        match reply {
            ClientReply::Done { seq, output } if seq == p.seq => {
                let row = p.history_row;
                let op = p.op.clone();
                c.pending = None;
                c.leader_guess = Some(from);
                self.history.complete(row, self.now, output.clone());
                self.trace.push(self.now, TraceEvent::Returned { client, op, output });
                self.client_start_next(client);
            }
            // Only the answer to the latest attempt counts: a duplicated or
            // late redirect must not send the request out again.
            ClientReply::Redirect { seq, leader } if seq == p.seq && from == p.to => {
                // A redirect back to the sender names nobody useful.
                c.leader_guess = leader.filter(|&l| l != from);
                let follow = leader.filter(|&l| l != from && p.redirects < MAX_REDIRECTS);
                match follow {
                    Some(l) => {
                        if let Some(p) = c.pending.as_mut() {
                            p.redirects += 1;
                        }
                        self.client_resend(client, l, "was redirected")
                    }
                    None => {
                        // No leader known: wait a heartbeat, then try the
                        // next server in rotation rather than spin.
                        let wait = self.config.raft.heartbeat_interval;
                        if let Some(p) =
                            self.clients.get_mut(&client).and_then(|c| c.pending.as_mut())
                        {
                            p.to = from;
                            p.retry_at = self.now + wait;
                        }
                    }
                }
            }
            _ => {} // an answer to an older attempt
        }
    }
}

/// Does a disk hold what a Raft server could have written? Entries numbered
/// 1, 2, 3 … after the snapshot, terms never falling, none above
/// currentTerm (a server adopts a term before it stores entries of it,
/// §5.1).
fn check_disk(id: NodeId, disk: &PersistentState<KvCommand>) -> Result<(), String> {
    let term = disk.hard_state.current_term;
    let (mut index, mut last_term) = disk.log.snapshot_point();
    for e in disk.log.iter() {
        if e.index != index + 1 {
            return Err(format!("{id}'s log has entry {} after entry {index}", e.index));
        }
        if e.term < last_term || e.term > term {
            return Err(format!(
                "{id}'s entry {} has term {}: terms in a log never fall and never pass \
                 currentTerm ({term})",
                e.index, e.term
            ));
        }
        (index, last_term) = (e.index, e.term);
    }
    Ok(())
}
