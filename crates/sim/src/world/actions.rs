//! What each [`Action`] checks and what it does, side by side: an action is
//! refused with a message (changing nothing) before its entry goes into the
//! trace, then carried out. Adding an action means one arm in [`Sim::act`]
//! and one function here.

use super::{Input, Sim};
use crate::action::Action;
use crate::cause::Cause;
use crate::client::{Client, Target};
use crate::config::{check_chance, check_latency, MAX_SERVERS};
use crate::kv::{ClientId, KvOp};
use crate::network::Endpoint;
use crate::server::Server;
use crate::trace::TraceEvent;
use raft::{NodeId, PersistentState, RaftNode};
use std::fmt::Write;

/// An action that passed its checks and is about to be carried out: its
/// words, for the trace.
struct Accepted(String);

impl Sim {
    /// Do something to the world now. An impossible action (restarting a
    /// running server, an unknown server …) is refused with a message and
    /// changes nothing.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        // Room for a typical action's words, so writing them rarely grows
        // the string (a client's put every few ms comes through here).
        let mut words = String::with_capacity(64);
        write!(words, "{action}").expect("writing to a String cannot fail");
        let said = Accepted(words);
        self.input = Input::Other(Cause::Action);
        match action {
            Action::Crash(id) => self.crash(id, said),
            Action::Restart(id) => self.restart(id, said),
            Action::TimeOut(id) => {
                self.running(id)?;
                self.accept(said);
                self.input = Input::Other(Cause::ElectionTimeout(id));
                self.with_server(id, |s, now| s.raft.time_out(now));
                Ok(())
            }
            Action::Submit { client, op, target } => self.submit(client, op, target, said),
            Action::SetLink { a, b, cut } => {
                self.link(a, b)?;
                self.accept(said);
                self.set_cut(a, b, cut);
                self.set_cut(b, a, cut);
                Ok(())
            }
            Action::SetOneWay { from, to, cut } => {
                self.link(from, to)?;
                self.accept(said);
                self.set_cut(from, to, cut);
                Ok(())
            }
            Action::Isolate(id) | Action::Reconnect(id) => {
                self.known(id)?;
                self.accept(said);
                self.set_links_of(id, matches!(action, Action::Isolate(_)));
                Ok(())
            }
            Action::Partition(groups) => self.partition(groups, said),
            Action::HealAll => {
                self.accept(said);
                self.network.heal_all();
                Ok(())
            }
            Action::SetLoss(p) => {
                check_chance("message loss", p)?;
                self.accept(said);
                self.config.loss_percent = p;
                Ok(())
            }
            Action::SetDuplication(p) => {
                check_chance("message duplication", p)?;
                self.accept(said);
                self.config.duplicate_percent = p;
                Ok(())
            }
            Action::SetLongDelays { percent, ms } => {
                check_chance("long delays", percent)?;
                self.accept(said);
                self.config.long_delay_percent = percent;
                self.config.long_delay_ms = ms;
                Ok(())
            }
            Action::SetLatency { min, max } => {
                check_latency(min, max)?;
                self.accept(said);
                self.config.latency_min = min;
                self.config.latency_max = max;
                Ok(())
            }
            Action::SetFeature { .. }
            | Action::SetReadMode(_)
            | Action::SetFlowControl { .. }
            | Action::SetBug { .. } => self.set_protocol(action, said),
            Action::Snapshot(id) => {
                self.known(id)?;
                if self.server(id).is_none() {
                    return Err(format!("{id} is down"));
                }
                self.accept(said);
                let mut result = Ok(());
                self.with_server(id, |s, _| result = s.try_compact());
                result
            }
            Action::SetSnapshotThreshold(n) => {
                if n == Some(0) {
                    return Err("the snapshot threshold must be at least 1 entry".into());
                }
                self.accept(said);
                self.config.snapshot_threshold = n;
                Ok(())
            }
            Action::AddServer => self.add_server(said),
            Action::RemoveServer(id) => {
                self.known(id)?;
                self.leader_for("remove a server through")?;
                self.accept(said);
                self.change_membership(raft::MembershipChange::RemoveServer(id))
            }
            Action::ChangeVoters(voters) => {
                for &id in &voters {
                    self.known(id)?;
                }
                self.leader_for("change the configuration through")?;
                self.accept(said);
                let mut set = raft::PeerSet::new();
                set.extend(voters);
                self.change_membership(raft::MembershipChange::ChangeVoters(set))
            }
            Action::TransferLeadership(to) => self.transfer_leadership(to, said),
            Action::DropMessage(id) | Action::DuplicateMessage(id) | Action::DeliverNow(id) => {
                self.deliverable(id)?;
                self.accept(said);
                match action {
                    Action::DropMessage(_) => self.drop_message(id),
                    Action::DuplicateMessage(_) => self.duplicate_message(id),
                    _ => self.deliver_now(id),
                }
                Ok(())
            }
            Action::Fire(p) => {
                self.scheduled(p)?;
                self.accept(said);
                self.fire(p);
                Ok(())
            }
        }
    }

    /// The action passed its checks: into the trace with it.
    fn accept(&mut self, said: Accepted) {
        self.trace.push(self.now, TraceEvent::Action(said.0));
    }

    // ----- checks shared by several actions -----

    /// Is `id` one of the servers?
    fn known(&self, id: NodeId) -> Result<(), String> {
        if (1..=self.servers.len() as u8).contains(&id.0) {
            Ok(())
        } else {
            Err(format!("there is no server {id}: the cluster has S1 to S{}", self.servers.len()))
        }
    }

    /// Is `id` a server that is up?
    fn running(&self, id: NodeId) -> Result<(), String> {
        self.known(id)?;
        match self.server(id) {
            Some(_) => Ok(()),
            None => Err(format!("{id} is already down")),
        }
    }

    /// Do `a` and `b` name a link between two different servers?
    fn link(&self, a: NodeId, b: NodeId) -> Result<(), String> {
        self.known(a)?;
        self.known(b)?;
        if a == b {
            return Err("a link joins two different servers".into());
        }
        Ok(())
    }

    /// The leader, which membership changes and hand-overs go through.
    fn leader_for(&self, what: &str) -> Result<NodeId, String> {
        self.leader().ok_or_else(|| format!("there is no leader to {what}"))
    }

    // ----- servers -----

    /// Stop a server: it loses everything but its disk.
    fn crash(&mut self, id: NodeId, said: Accepted) -> Result<(), String> {
        self.running(id)?;
        self.accept(said);
        self.servers[id.0 as usize - 1] = None;
        self.network.drop_inbox(id);
        self.trace.push(self.now, TraceEvent::Crashed(id));
        Ok(())
    }

    /// Start a crashed server from its disk (Figure 2's persistent state).
    fn restart(&mut self, id: NodeId, said: Accepted) -> Result<(), String> {
        self.known(id)?;
        if self.server(id).is_some() {
            return Err(format!("{id} is already running"));
        }
        self.accept(said);
        let seed = self.rng.next_u64();
        let disk = self.disk(id).clone();
        let server = Server::boot(self.config.raft_config(id), disk, seed, self.now)?;
        self.servers[id.0 as usize - 1] = Some(server);
        self.trace.push(self.now, TraceEvent::Restarted(id));
        Ok(())
    }

    /// Start a new server and ask the leader to add it (thesis §4.2.1).
    fn add_server(&mut self, said: Accepted) -> Result<(), String> {
        if self.servers.len() >= usize::from(MAX_SERVERS) {
            return Err(format!("the playground holds at most {MAX_SERVERS} servers"));
        }
        self.leader_for("add a server through")?;
        self.accept(said);
        let id = NodeId(self.servers.len() as u8 + 1);
        self.change_membership(raft::MembershipChange::AddServer(id))?;
        let seed = self.rng.next_u64();
        let node = RaftNode::new(self.config.raft_config(id), seed, self.now)?;
        self.servers.push(Some(Server::new(node)));
        self.disks.push(PersistentState::default());
        Ok(())
    }

    /// Ask the current leader for a membership change.
    fn change_membership(&mut self, change: raft::MembershipChange) -> Result<(), String> {
        let leader = self.leader_for("change the configuration through")?;
        let mut result = Ok(0);
        self.with_server(leader, |s, now| result = s.raft.propose_membership(now, change));
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    /// Ask the leader to hand leadership to `to` (thesis §3.10).
    fn transfer_leadership(&mut self, to: NodeId, said: Accepted) -> Result<(), String> {
        self.known(to)?;
        let leader = self.leader_for("hand over from")?;
        if leader == to {
            return Err(format!("{to} is already the leader"));
        }
        self.accept(said);
        let mut result = Ok(());
        self.with_server(leader, |s, now| result = s.raft.transfer_leadership(now, to));
        result.map_err(|e| e.to_string())
    }

    /// Switch a protocol setting in the cluster's settings and on every
    /// running server (a restarted or added server reads the settings).
    fn set_protocol(&mut self, action: Action, said: Accepted) -> Result<(), String> {
        if let Action::SetFlowControl { max_entries_per_append: 0, .. }
        | Action::SetFlowControl { max_inflight: 0, .. } = action
        {
            return Err(
                "entries per AppendEntries and AppendEntries in flight must be at least 1".into()
            );
        }
        self.accept(said);
        let raft = &mut self.config.raft;
        let running = self.servers.iter_mut().flatten().map(|s| &mut s.raft);
        match action {
            Action::SetFeature { feature, on } => {
                raft.set_feature(feature, on);
                running.for_each(|r| r.set_feature(feature, on));
            }
            Action::SetReadMode(mode) => {
                raft.read_mode = mode;
                running.for_each(|r| r.set_read_mode(mode));
            }
            Action::SetFlowControl { max_entries_per_append, max_inflight } => {
                raft.max_entries_per_append = max_entries_per_append;
                raft.max_inflight = max_inflight;
                running.for_each(|r| r.set_flow_control(max_entries_per_append, max_inflight));
            }
            Action::SetBug { bug, on } => {
                raft.bugs.set(bug, on);
                let bugs = raft.bugs.clone();
                running.for_each(|r| r.set_bugs(bugs.clone()));
            }
            _ => unreachable!("act sends only protocol settings here"),
        }
        Ok(())
    }

    // ----- clients -----

    /// A client invokes an operation; it waits its turn behind the
    /// client's earlier ones.
    fn submit(
        &mut self,
        client: ClientId,
        op: KvOp,
        target: Target,
        said: Accepted,
    ) -> Result<(), String> {
        if let Target::Server(id) = target {
            self.known(id)?;
        }
        self.accept(said);
        let c = self.clients.get_or_insert_with(client, || Client::new(client));
        c.queue.push((op, target));
        if c.pending.is_none() {
            self.client_start_next(client);
        }
        Ok(())
    }

    // ----- network -----

    /// Cut the cluster into groups that cannot reach each other.
    fn partition(&mut self, groups: Vec<Vec<NodeId>>, said: Accepted) -> Result<(), String> {
        for &id in groups.iter().flatten() {
            self.known(id)?;
        }
        self.accept(said);
        self.network.heal_all();
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        for a in self.ids() {
            for b in self.ids() {
                if a != b && group_of(a) != group_of(b) {
                    self.set_cut(a, b, true);
                }
            }
        }
        Ok(())
    }

    /// Cut (or heal) the link from `from` to `to`, one way.
    fn set_cut(&mut self, from: NodeId, to: NodeId, cut: bool) {
        self.network.set_cut(Endpoint::Server(from), Endpoint::Server(to), cut);
    }

    /// Cut (or heal) every link between `id` and the other servers, both
    /// ways.
    fn set_links_of(&mut self, id: NodeId, cut: bool) {
        for other in self.ids().filter(|&o| o != id) {
            self.set_cut(id, other, cut);
            self.set_cut(other, id, cut);
        }
    }
}
