//! The hand-driven cluster every scenario test runs on. [`Cluster`] is a
//! network whose messages wait in a queue until a test delivers them, so
//! every interleaving in a test is chosen on purpose; each server's disk is
//! a [`PersistentState`] written from its Ready with
//! [`PersistentState::apply`], and checked against the server's own view
//! after every step.

pub(super) use crate::event::{AppendRejectReason, Event, VoteRejectReason};
pub(super) use crate::log::{Entry, Payload};
pub(super) use crate::membership::MembershipChange;
pub(super) use crate::message::{Envelope, Message};
pub(super) use crate::node::{ProposeError, RaftNode};
pub(super) use crate::storage::PersistentState;
pub(super) use crate::types::{LogIndex, NodeId, Role, Term, Time};
pub(super) use crate::Config;

pub(super) type Cmd = &'static str;

pub(super) struct Cluster {
    /// Applied to every server's config (protocol options).
    pub(super) tweak: Box<dyn Fn(&mut Config)>,
    /// Servers S1..=bootstrap start as the voters; later ones join empty.
    pub(super) bootstrap: u8,
    pub(super) nodes: Vec<Option<RaftNode<Cmd>>>,
    pub(super) disks: Vec<PersistentState<Cmd>>,
    pub(super) applied: Vec<Vec<Entry<Cmd>>>,
    pub(super) events: Vec<Vec<Event>>,
    /// Every event of every server, in the order they happened.
    pub(super) timeline: Vec<(u8, Event)>,
    pub(super) queue: Vec<Envelope<Cmd>>,
    pub(super) now: Time,
}

pub(super) fn s(i: u8) -> NodeId {
    NodeId(i)
}

impl Cluster {
    pub(super) fn new(n: u8) -> Self {
        Self::with(n, false)
    }

    pub(super) fn with(n: u8, fast_backtrack: bool) -> Self {
        Self::tweaked(n, move |c| {
            if fast_backtrack {
                c.fast_backtrack = true;
            }
        })
    }

    /// A cluster of `n` in which S1 won the first election and everyone
    /// holds its no-op.
    pub(super) fn led_by_s1(n: u8) -> Self {
        let mut c = Cluster::new(n);
        c.elect(1);
        c.deliver_all();
        c
    }

    /// A cluster whose every server's config passes through `tweak`.
    pub(super) fn tweaked(n: u8, tweak: impl Fn(&mut Config) + 'static) -> Self {
        let mut c = Cluster {
            tweak: Box::new(tweak),
            bootstrap: n,
            nodes: Vec::new(),
            disks: vec![PersistentState::default(); n as usize],
            applied: vec![Vec::new(); n as usize],
            events: vec![Vec::new(); n as usize],
            timeline: Vec::new(),
            queue: Vec::new(),
            now: 0,
        };
        for i in 1..=n {
            let node = RaftNode::new(c.config(i), u64::from(i), 0).unwrap();
            c.nodes.push(Some(node));
        }
        c
    }

    pub(super) fn config(&self, i: u8) -> Config {
        let voters =
            if i <= self.bootstrap { (1..=self.bootstrap).map(s).collect() } else { vec![] };
        let mut cfg = Config::new(s(i), voters);
        (self.tweak)(&mut cfg);
        cfg
    }

    pub(super) fn node(&self, i: u8) -> &RaftNode<Cmd> {
        self.nodes[i as usize - 1].as_ref().expect("server is up")
    }

    pub(super) fn with_node(&mut self, i: u8, f: impl FnOnce(&mut RaftNode<Cmd>, Time)) {
        let now = self.now;
        let node = self.nodes[i as usize - 1].as_mut().expect("server is up");
        f(node, now);
        self.drain(i);
    }

    /// Persist, queue messages, record applied entries and events — checking
    /// on the way that the disk always equals the node's persistent state.
    pub(super) fn drain(&mut self, i: u8) {
        let k = i as usize - 1;
        let node = self.nodes[k].as_mut().unwrap();
        let mut ready = node.take_ready();
        self.disks[k].apply(&mut ready, node.log());
        assert_eq!(self.disks[k], node.persistent_state(), "disk out of step with {}", node.id());
        self.queue.extend(ready.messages);
        self.applied[k].extend(ready.committed.iter(node.log()).cloned());
        self.timeline.extend(ready.events.iter().map(|e| (i, e.clone())));
        self.events[k].extend(ready.events);
    }

    /// `i`'s election timeout fires. A timeout means time passed: the
    /// clock moves on past the longest election timeout, so nobody is still
    /// within a leader's lease (§6).
    pub(super) fn time_out(&mut self, i: u8) {
        self.now += 301;
        self.time_out_early(i);
    }

    /// `i` times out without the clock moving: as if it alone stopped
    /// hearing from the leader (it is cut off, or its timer is forced).
    pub(super) fn time_out_early(&mut self, i: u8) {
        self.with_node(i, |n, now| n.time_out(now));
    }

    pub(super) fn heartbeat(&mut self, i: u8) {
        self.now = self.node(i).next_deadline().max(self.now);
        self.with_node(i, |n, now| n.tick(now));
    }

    pub(super) fn propose(&mut self, i: u8, cmd: Cmd) -> Result<LogIndex, ProposeError> {
        let mut out = None;
        self.with_node(i, |n, now| out = Some(n.propose(now, cmd)));
        out.unwrap()
    }

    /// Deliver queued messages (and the messages they cause) until the queue
    /// is empty, dropping those `keep` refuses. Returns how many were
    /// delivered.
    pub(super) fn deliver_if(&mut self, mut keep: impl FnMut(&Envelope<Cmd>) -> bool) -> usize {
        let mut delivered = 0;
        while !self.queue.is_empty() {
            let batch = std::mem::take(&mut self.queue);
            for env in batch {
                let to = env.to.0;
                if !keep(&env) || self.nodes[to as usize - 1].is_none() {
                    continue;
                }
                delivered += 1;
                self.with_node(to, |n, now| n.step(now, env.from, env.msg));
            }
        }
        delivered
    }

    /// Deliver the messages queued now that `keep` accepts, dropping the
    /// others; the messages they cause stay queued.
    pub(super) fn deliver_queued(&mut self, mut keep: impl FnMut(&Envelope<Cmd>) -> bool) {
        for env in std::mem::take(&mut self.queue) {
            let to = env.to.0;
            if keep(&env) && self.nodes[to as usize - 1].is_some() {
                self.with_node(to, |n, now| n.step(now, env.from, env.msg));
            }
        }
    }

    pub(super) fn deliver_all(&mut self) -> usize {
        self.deliver_if(|_| true)
    }

    /// Deliver only among the servers in `group`.
    pub(super) fn deliver_within(&mut self, group: &[u8]) -> usize {
        self.deliver_if(|e| group.contains(&e.from.0) && group.contains(&e.to.0))
    }

    pub(super) fn crash(&mut self, i: u8) {
        self.nodes[i as usize - 1] = None;
        self.queue.retain(|e| e.to != s(i));
    }

    pub(super) fn restart(&mut self, i: u8) {
        let k = i as usize - 1;
        let node =
            RaftNode::restart(self.config(i), self.disks[k].clone(), 100 + u64::from(i), self.now)
                .unwrap();
        self.nodes[k] = Some(node);
        self.applied[k].clear();
    }

    /// Deliver queued messages that `pred` accepts, leaving the others
    /// queued, until none is accepted.
    pub(super) fn deliver_holding(&mut self, mut pred: impl FnMut(&Envelope<Cmd>) -> bool) {
        loop {
            let (now, later): (Vec<_>, Vec<_>) =
                std::mem::take(&mut self.queue).into_iter().partition(|e| pred(e));
            self.queue = later;
            if now.is_empty() {
                return;
            }
            for env in now {
                if self.nodes[env.to.0 as usize - 1].is_some() {
                    let to = env.to.0;
                    self.with_node(to, |n, t| n.step(t, env.from, env.msg));
                }
            }
        }
    }

    pub(super) fn elect(&mut self, i: u8) {
        let all: Vec<u8> = (1..=self.nodes.len() as u8).collect();
        self.elect_within(i, &all);
    }

    /// Elect `i` with messages flowing only inside `group`.
    pub(super) fn elect_within(&mut self, i: u8, group: &[u8]) {
        let before = self.node(i).current_term();
        self.time_out(i);
        self.deliver_within(group);
        assert_eq!(self.node(i).role(), Role::Leader, "S{i} should have won");
        assert!(self.node(i).current_term() > before, "S{i} won a new term");
    }

    pub(super) fn terms(&self, i: u8) -> Vec<Term> {
        self.node(i).log().iter().map(|e| e.term).collect()
    }

    pub(super) fn commands(&self, i: u8) -> Vec<Cmd> {
        self.node(i)
            .log()
            .iter()
            .filter_map(|e| match e.payload {
                Payload::Command(c) => Some(c),
                Payload::Noop | Payload::Config(_) => None,
            })
            .collect()
    }

    pub(super) fn applied_commands(&self, i: u8) -> Vec<Cmd> {
        self.applied[i as usize - 1]
            .iter()
            .filter_map(|e| match e.payload {
                Payload::Command(c) => Some(c),
                Payload::Noop | Payload::Config(_) => None,
            })
            .collect()
    }

    pub(super) fn saw(&self, i: u8, pred: impl Fn(&Event) -> bool) -> bool {
        self.events[i as usize - 1].iter().any(pred)
    }

    pub(super) fn kinds_in_queue(&self) -> Vec<(u8, u8, &'static str)> {
        self.queue.iter().map(|e| (e.from.0, e.to.0, e.msg.kind().name())).collect()
    }
}

/// The AppendEntries queued for `to`, as the number of entries each carries.
pub(super) fn appends_to(c: &Cluster, to: u8) -> Vec<usize> {
    c.queue
        .iter()
        .filter(|e| e.to == s(to))
        .filter_map(|e| match &e.msg {
            Message::AppendEntries(a) => Some(a.entries.len()),
            _ => None,
        })
        .collect()
}

/// Cut `i` off: it times out `times` times on its own, as in a partition.
pub(super) fn isolate_and_time_out(c: &mut Cluster, i: u8, times: usize) {
    for _ in 0..times {
        c.time_out(i);
        c.queue.retain(|e| e.from != s(i));
    }
}

impl Cluster {
    pub(super) fn read(&mut self, i: u8, ctx: u64) -> Result<(), ProposeError> {
        let mut out = None;
        self.with_node(i, |n, now| out = Some(n.read_index(now, ctx)));
        out.unwrap()
    }

    /// Read states handed out by server `i` so far, as (ctx, index).
    pub(super) fn reads_ready(&self, i: u8) -> Vec<(u64, LogIndex)> {
        self.events[i as usize - 1]
            .iter()
            .filter_map(|e| match e {
                Event::ReadReady { ctx, index, .. } => Some((*ctx, *index)),
                _ => None,
            })
            .collect()
    }
}

/// Three servers led by S1, which committed "x=1", and every follower knows
/// it is committed.
pub(super) fn settled(tweak: fn(&mut Config)) -> Cluster {
    let mut c = Cluster::tweaked(3, tweak);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "x=1").unwrap();
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    c
}

/// Three servers whose logs diverge: S1 (term 1) appended "lost-1" and
/// "lost-2" after the no-op all hold, and was cut off before sending them;
/// S2 then won term 2 with S3's vote and holds its no-op and "kept", on S3
/// too. Nothing is queued.
pub(super) fn diverged() -> Cluster {
    let mut c = Cluster::led_by_s1(3);
    c.propose(1, "lost-1").unwrap();
    c.propose(1, "lost-2").unwrap();
    c.queue.clear();
    c.elect_within(2, &[2, 3]);
    c.propose(2, "kept").unwrap();
    c.deliver_within(&[2, 3]);
    c.queue.clear();
    c
}

/// Does the message carry a configuration that is not joint (a C_new)?
pub(super) fn c_new_in(e: &Envelope<Cmd>) -> bool {
    match &e.msg {
        Message::AppendEntries(a) => {
            a.entries.iter().any(|en| matches!(&en.payload, Payload::Config(m) if !m.is_joint()))
        }
        _ => false,
    }
}

impl Cluster {
    /// Start a new, empty server that knows no configuration yet.
    pub(super) fn join(&mut self) -> u8 {
        let i = self.nodes.len() as u8 + 1;
        self.disks.push(PersistentState::default());
        self.applied.push(Vec::new());
        self.events.push(Vec::new());
        let node = RaftNode::new(self.config(i), u64::from(i), self.now).unwrap();
        self.nodes.push(Some(node));
        i
    }

    pub(super) fn change(
        &mut self,
        leader: u8,
        change: MembershipChange,
    ) -> Result<LogIndex, ProposeError> {
        let mut out = None;
        self.with_node(leader, |n, now| out = Some(n.propose_membership(now, change)));
        out.unwrap()
    }

    pub(super) fn settle(&mut self, leader: u8, rounds: usize) {
        for _ in 0..rounds {
            self.heartbeat(leader);
            self.deliver_all();
        }
    }
}

pub(super) fn voters(ids: &[u8]) -> crate::peers::PeerSet {
    ids.iter().map(|&i| s(i)).collect()
}

impl Cluster {
    /// Server `i` snapshots everything it has applied, with `data` standing
    /// for its state machine.
    pub(super) fn snapshot(&mut self, i: u8, data: &[u8]) -> Result<(), String> {
        let mut out = None;
        let index = self.node(i).last_applied();
        self.with_node(i, |n, _| out = Some(n.compact(index, data.to_vec())));
        out.unwrap()
    }
}
