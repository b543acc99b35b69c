//! Model checking of the very same `crates/raft` code with stateright: three
//! [`raft::RaftNode`]s and the multiset of messages in flight between them,
//! explored breadth-first over every interleaving of
//!
//! - delivering any message in flight (in any order: reordering is free),
//! - dropping one (a bounded number of times),
//! - a server's election timeout firing (`time_out`),
//! - a leader's heartbeat (`tick` at its deadline),
//! - a client proposal at the leader (a bounded number),
//! - a crash and restart from the persistent state (a bounded number),
//!
//! within a bound on terms and on messages in flight, checking Election
//! Safety, Log Matching and State Machine Safety in every state, and that a
//! leader is elected and a command committed in some state (so the check is
//! not vacuous).
//!
//! **Time.** The nodes take virtual time as input. The model keeps one
//! clock that jumps [`STEP`] ms — longer than any timeout — at every action,
//! so every timer set before an action has expired by the next one: a
//! leader's heartbeat fires whenever the model says so (`tick`) and resends
//! whatever is unacknowledged, and no follower is still inside the §6 window
//! in which it ignores RequestVote. (Ignoring a message is the same, for the
//! rest of the system, as that message never being delivered, which the
//! model explores anyway.) Election timeouts fire when the model says so
//! (`time_out`). Behaviour then depends only on the state, never on the
//! clock's value, which is why the clock (and each node's timeout
//! generator) is left out of a state's fingerprint.
//!
//! **Scope.** The servers run the default configuration (reads through the
//! log, no PreVote, no CheckQuorum, no membership change, no snapshots);
//! the heartbeat-round counter that AppendEntries carries for ReadIndex and
//! leases is left out of a message's fingerprint, since with reads through
//! the log it decides nothing the properties look at.
//!
//! **Fingerprints.** `RaftNode` is neither `Hash` nor `Eq`; a state is
//! fingerprinted through a canonical projection of each node built from its
//! public getters (role, currentTerm, votedFor, leader, log, commitIndex,
//! lastApplied, votes, per-follower progress), the sorted messages in
//! flight, the bounds used and the ghost history the properties need.

use raft::{Config, Entry, Envelope, Message, NodeId, ProgressState, RaftNode, Role, Term, Time};
use stateright::{Model, Property};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

/// How far the model's clock jumps at each action, ms: more than any
/// timeout, so every timer set earlier has expired.
pub const STEP: Time = 10_000;

/// A client command: a small number, enough to tell proposals apart.
pub type Cmd = u8;
/// One server.
pub type Node = RaftNode<Cmd>;

/// How far the exploration goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Servers (the issue asks for 3).
    pub servers: u8,
    /// No election timeout fires once a server has reached this term.
    pub max_term: Term,
    /// Client proposals, over the whole run.
    pub max_proposals: u8,
    /// Messages dropped, over the whole run.
    pub max_drops: u8,
    /// Crash-and-restarts, over the whole run.
    pub max_crashes: u8,
    /// Most messages in flight; a heartbeat that would exceed it waits, and
    /// states beyond it are not explored.
    pub max_in_flight: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            servers: 3,
            max_term: 2,
            max_proposals: 1,
            max_drops: 0,
            max_crashes: 0,
            max_in_flight: 3,
        }
    }
}

/// The model: bounds plus a hook on each server's configuration (to turn a
/// bug switch on).
#[derive(Clone)]
pub struct RaftModel {
    /// The bounds.
    pub bounds: Bounds,
    /// Applied to every server's configuration.
    pub configure: fn(&mut Config),
}

impl RaftModel {
    /// The correct protocol within `bounds`.
    pub fn new(bounds: Bounds) -> Self {
        RaftModel { bounds, configure: |_| {} }
    }

    fn config(&self, id: NodeId) -> Config {
        let mut c = Config::new(id, (1..=self.bounds.servers).map(NodeId).collect());
        (self.configure)(&mut c);
        c
    }
}

/// A message in flight, with the canonical text it is sorted and hashed by
/// (computed once, when it is sent).
#[derive(Clone, Debug)]
pub struct Packet {
    key: String,
    /// The message.
    pub env: Envelope<Cmd>,
}

/// One state of the whole system.
#[derive(Clone, Debug)]
pub struct State {
    /// The servers, S1 at index 0.
    pub nodes: Vec<Node>,
    /// Virtual time (not part of the fingerprint).
    clock: Time,
    /// Messages in flight, sorted by key (a multiset).
    pub net: Vec<Packet>,
    /// Proposals, drops and crashes used so far.
    pub used: (u8, u8, u8),
    /// Ghost: every (term, server) that was ever leader.
    pub leaders: BTreeSet<(Term, NodeId)>,
    /// Ghost: the longest committed prefix any server ever had.
    pub committed: Vec<Entry<Cmd>>,
    /// Ghost: a server once committed an entry that differs from one
    /// committed before at the same index.
    pub commit_conflict: Option<String>,
}

/// What a state is, for fingerprints and equality.
#[derive(Hash, PartialEq, Eq)]
struct Canon<'a> {
    nodes: Vec<NodeCanon<'a>>,
    net: Vec<&'a str>,
    used: (u8, u8, u8),
    leaders: &'a BTreeSet<(Term, NodeId)>,
    committed: &'a [Entry<Cmd>],
    conflict: bool,
}

#[derive(Hash, PartialEq, Eq)]
struct NodeCanon<'a> {
    role: Role,
    term: Term,
    voted_for: Option<NodeId>,
    leader: Option<NodeId>,
    log: Vec<&'a Entry<Cmd>>,
    commit: u64,
    applied: u64,
    votes: &'a raft::PeerMap<bool>,
    /// peer, nextIndex, matchIndex, probing?, probe sent, indexes in flight
    progress: Vec<(NodeId, u64, u64, bool, bool, Vec<u64>)>,
}

fn canon_node(n: &Node) -> NodeCanon<'_> {
    NodeCanon {
        role: n.role(),
        term: n.current_term(),
        voted_for: n.voted_for(),
        leader: n.leader(),
        log: n.log().iter().collect(),
        commit: n.commit_index(),
        applied: n.last_applied(),
        votes: n.votes(),
        progress: n
            .progress()
            .iter()
            .map(|(&p, pr)| {
                (
                    p,
                    pr.next_index,
                    pr.match_index,
                    matches!(pr.state, ProgressState::Probe),
                    pr.probe_sent,
                    pr.inflight.iter().map(|&(i, _)| i).collect(),
                )
            })
            .collect(),
    }
}

impl State {
    fn canon(&self) -> Canon<'_> {
        Canon {
            nodes: self.nodes.iter().map(canon_node).collect(),
            net: self.net.iter().map(|p| p.key.as_str()).collect(),
            used: self.used,
            leaders: &self.leaders,
            committed: &self.committed,
            conflict: self.commit_conflict.is_some(),
        }
    }

    /// The committed prefix of server `i`.
    pub fn committed_prefix(&self, i: usize) -> impl Iterator<Item = &Entry<Cmd>> + Clone {
        let n = &self.nodes[i];
        n.log().iter_range(1..=n.commit_index())
    }

    fn send_all(&mut self, messages: Vec<Envelope<Cmd>>) {
        for env in messages {
            let key = message_key(&env);
            let at = self.net.partition_point(|p| p.key < key);
            self.net.insert(at, Packet { key, env });
        }
    }

    /// Drain node `i`'s Ready: messages go on the wire; the ghost records
    /// leaders and committed entries.
    fn settle(&mut self, i: usize) {
        let ready = self.nodes[i].take_ready();
        self.send_all(ready.messages);
        let n = &self.nodes[i];
        if n.role() == Role::Leader {
            self.leaders.insert((n.current_term(), n.id()));
        }
        let prefix: Vec<_> = n.log().cloned_range(1..=n.commit_index());
        let common = prefix.len().min(self.committed.len());
        if self.commit_conflict.is_none() {
            if let Some(k) = (0..common).find(|&k| prefix[k] != self.committed[k]) {
                self.commit_conflict = Some(format!(
                    "{} committed index {} with term {}, but term {} was committed there before",
                    n.id(),
                    k + 1,
                    prefix[k].term,
                    self.committed[k].term
                ));
            }
        }
        if prefix.len() > self.committed.len() {
            self.committed = prefix;
        }
    }
}

impl Hash for State {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.canon().hash(h)
    }
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.canon() == other.canon()
    }
}

/// A step of the model.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Deliver this message (one copy).
    Deliver(Envelope<Cmd>),
    /// Lose this message (one copy).
    Drop(Envelope<Cmd>),
    /// The server's election timeout fires.
    Timeout(NodeId),
    /// The leader's heartbeat fires.
    Heartbeat(NodeId),
    /// A client proposes a command at the leader.
    Propose(NodeId, Cmd),
    /// The server crashes and restarts from its persistent state.
    CrashRestart(NodeId),
}

impl Model for RaftModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        let nodes = (1..=self.bounds.servers)
            .map(|i| Node::new(self.config(NodeId(i)), u64::from(i), 0).expect("valid config"))
            .collect::<Vec<_>>();
        vec![State {
            clock: 0,
            nodes,
            net: Vec::new(),
            used: (0, 0, 0),
            leaders: BTreeSet::new(),
            committed: Vec::new(),
            commit_conflict: None,
        }]
    }

    fn actions(&self, s: &State, actions: &mut Vec<Action>) {
        let b = &self.bounds;
        let mut last: Option<&str> = None;
        for p in &s.net {
            // One action per distinct message: copies give the same state.
            if last == Some(p.key.as_str()) {
                continue;
            }
            last = Some(&p.key);
            actions.push(Action::Deliver(p.env.clone()));
            if s.used.1 < b.max_drops {
                actions.push(Action::Drop(p.env.clone()));
            }
        }
        let peers = usize::from(b.servers) - 1;
        for n in &s.nodes {
            let id = n.id();
            match n.role() {
                Role::Leader => {
                    if s.net.len() + peers <= b.max_in_flight {
                        actions.push(Action::Heartbeat(id));
                    }
                    if s.used.0 < b.max_proposals {
                        actions.push(Action::Propose(id, s.used.0 + 1));
                    }
                }
                _ => {
                    if n.current_term() < b.max_term {
                        actions.push(Action::Timeout(id));
                    }
                }
            }
            if s.used.2 < b.max_crashes {
                actions.push(Action::CrashRestart(id));
            }
        }
    }

    fn next_state(&self, s: &State, action: Action) -> Option<State> {
        let mut s = s.clone();
        s.clock += STEP;
        let now = s.clock;
        let take = |s: &mut State, env: &Envelope<Cmd>| {
            let at = s.net.iter().position(|p| &p.env == env).expect("the message is in flight");
            s.net.remove(at);
        };
        let i = match &action {
            Action::Deliver(env) => {
                take(&mut s, env);
                let i = usize::from(env.to.0) - 1;
                s.nodes[i].step(now, env.from, env.msg.clone());
                i
            }
            Action::Drop(env) => {
                take(&mut s, env);
                s.used.1 += 1;
                return Some(s);
            }
            Action::Timeout(id) => {
                let i = usize::from(id.0) - 1;
                s.nodes[i].time_out(now);
                i
            }
            Action::Heartbeat(id) => {
                let i = usize::from(id.0) - 1;
                s.nodes[i].tick(now);
                i
            }
            Action::Propose(id, cmd) => {
                let i = usize::from(id.0) - 1;
                s.nodes[i].propose(now, *cmd).ok()?;
                s.used.0 += 1;
                i
            }
            Action::CrashRestart(id) => {
                let i = usize::from(id.0) - 1;
                let disk = s.nodes[i].persistent_state();
                let seed = u64::from(id.0) + 100 * u64::from(s.used.2 + 1);
                s.nodes[i] = Node::restart(self.config(*id), disk, seed, now).ok()?;
                s.used.2 += 1;
                i
            }
        };
        s.settle(i);
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::always("Election Safety", |_, s: &State| {
                let mut terms = BTreeSet::new();
                s.leaders.iter().all(|(t, _)| terms.insert(*t))
            }),
            Property::always("Log Matching", |_, s: &State| {
                for a in 0..s.nodes.len() {
                    for b in a + 1..s.nodes.len() {
                        if log_matching_break(s.nodes[a].log(), s.nodes[b].log()) {
                            return false;
                        }
                    }
                }
                true
            }),
            Property::always("State Machine Safety", |_, s: &State| {
                if s.commit_conflict.is_some() {
                    return false;
                }
                for a in 0..s.nodes.len() {
                    for b in a + 1..s.nodes.len() {
                        let (x, y) = (s.committed_prefix(a), s.committed_prefix(b));
                        // Where both have committed, they agree.
                        if !x.zip(y).all(|(p, q)| p == q) {
                            return false;
                        }
                    }
                }
                true
            }),
            Property::sometimes("a leader is elected", |_, s: &State| {
                s.nodes.iter().any(|n| n.role() == Role::Leader)
            }),
            Property::sometimes("a client command commits", |_, s: &State| {
                s.committed.iter().any(|e| matches!(e.payload, raft::Payload::Command(_)))
            }),
        ]
    }

    fn within_boundary(&self, s: &State) -> bool {
        s.net.len() <= self.bounds.max_in_flight
    }
}

/// The text a message is sorted and fingerprinted by: its Debug form, with
/// the heartbeat-round counter (ReadIndex and leases only) set to 0.
fn message_key(env: &Envelope<Cmd>) -> String {
    let mut env = env.clone();
    match &mut env.msg {
        Message::AppendEntries(m) => m.round = 0,
        Message::AppendEntriesReply(m) => m.round = 0,
        _ => {}
    }
    format!("{env:?}")
}

/// Do two logs hold an entry with the same index and term but differ
/// somewhere up to it?
fn log_matching_break(a: &raft::RaftLog<Cmd>, b: &raft::RaftLog<Cmd>) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    let mut i = a.len().min(b.len());
    while i > 0 && a[i - 1].term != b[i - 1].term {
        i -= 1;
    }
    a[..i] != b[..i]
}

/// The properties that must never fail.
pub const SAFETY: [&str; 3] = ["Election Safety", "Log Matching", "State Machine Safety"];
/// The properties that must hold somewhere, or the check proves nothing.
pub const LIVENESS_WITNESSES: [&str; 2] = ["a leader is elected", "a client command commits"];

/// What a finished check found.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// Unique states explored.
    pub unique_states: usize,
    /// States generated, repeats included.
    pub states: usize,
    /// Deepest path explored.
    pub max_depth: usize,
    /// Wall time.
    pub elapsed: std::time::Duration,
    /// Safety properties that failed, with the path (actions) to the
    /// failing state.
    pub violations: Vec<(&'static str, Vec<Action>, String)>,
    /// Witness properties that were never seen.
    pub unwitnessed: Vec<&'static str>,
}

/// Explore every state within the model's bounds, breadth-first, on
/// `threads` threads. With `stop_at_first_violation`, stop as soon as a
/// safety property fails (for bug switches). With `progress`, print the
/// count every 10 s to stderr.
pub fn check(
    model: RaftModel,
    threads: usize,
    stop_at_first_violation: bool,
    progress: bool,
) -> CheckReport {
    use stateright::{Checker, HasDiscoveries};
    let began = std::time::Instant::now();
    let mut builder = model.checker().threads(threads);
    if stop_at_first_violation {
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    let checker = builder.spawn_bfs();
    let mut last_report = began;
    while !checker.is_done() {
        std::thread::sleep(std::time::Duration::from_millis(20));
        if progress && last_report.elapsed().as_secs() >= 10 {
            last_report = std::time::Instant::now();
            eprintln!(
                "  … {} unique states, depth {}, {:.0} s",
                checker.unique_state_count(),
                checker.max_depth(),
                began.elapsed().as_secs_f64()
            );
        }
    }
    let checker = checker.join();
    let mut violations = Vec::new();
    for name in SAFETY {
        if let Some(path) = checker.discovery(name) {
            let last = path.last_state().clone();
            let detail = describe(&last);
            violations.push((name, path.into_actions(), detail));
        }
    }
    let unwitnessed =
        LIVENESS_WITNESSES.into_iter().filter(|n| checker.discovery(n).is_none()).collect();
    CheckReport {
        unique_states: checker.unique_state_count(),
        states: checker.state_count(),
        max_depth: checker.max_depth(),
        elapsed: began.elapsed(),
        violations,
        unwitnessed,
    }
}

/// A state in a few lines: each server's role, term, log terms and
/// commitIndex.
pub fn describe(s: &State) -> String {
    let mut out = Vec::new();
    for n in &s.nodes {
        let log: Vec<String> = n
            .log()
            .iter()
            .map(|e| match &e.payload {
                raft::Payload::Command(c) => format!("{}:c{c}", e.term),
                _ => format!("{}", e.term),
            })
            .collect();
        out.push(format!(
            "{} {:?} term {} votedFor {:?} commit {} log [{}]",
            n.id(),
            n.role(),
            n.current_term(),
            n.voted_for(),
            n.commit_index(),
            log.join(" ")
        ));
    }
    if let Some(c) = &s.commit_conflict {
        out.push(c.clone());
    }
    out.join("\n")
}

/// An action in the words of the paper.
pub fn describe_action(a: &Action) -> String {
    match a {
        Action::Deliver(e) => {
            format!("deliver {} {}→{} {}", e.msg.kind(), e.from, e.to, short(&e.msg))
        }
        Action::Drop(e) => format!("drop {} {}→{}", e.msg.kind(), e.from, e.to),
        Action::Timeout(n) => format!("{n} times out"),
        Action::Heartbeat(n) => format!("{n} heartbeat"),
        Action::Propose(n, c) => format!("client proposes c{c} at {n}"),
        Action::CrashRestart(n) => format!("{n} crashes and restarts"),
    }
}

fn short(m: &Message<Cmd>) -> String {
    match m {
        Message::AppendEntries(a) => format!(
            "(term {}, prev {}/{}, {} entries, commit {})",
            a.term,
            a.prev_log_index,
            a.prev_log_term,
            a.entries.len(),
            a.leader_commit
        ),
        other => format!("(term {})", other.term()),
    }
}

/// A configuration hook that turns on raft's bug switch `bug`.
pub fn bug_hook(bug: raft::Bug) -> fn(&mut Config) {
    use raft::Bug;
    match bug {
        Bug::VoteWithoutLogCheck => |c: &mut Config| c.bugs.vote_without_log_check = true,
        Bug::CommitByCountingOldTerms => {
            |c: &mut Config| c.bugs.commit_by_counting_old_terms = true
        }
        Bug::ForgetVotedForOnRestart => |c: &mut Config| c.bugs.forget_voted_for_on_restart = true,
        Bug::KeepCommitIndexOnRestart => {
            |c: &mut Config| c.bugs.keep_commit_index_on_restart = true
        }
        Bug::StaleLeaderServesReads => |c: &mut Config| c.bugs.stale_leader_serves_reads = true,
        Bug::AppendWithoutTruncatingConflicts => {
            |c: &mut Config| c.bugs.append_without_truncating_conflicts = true
        }
    }
}
