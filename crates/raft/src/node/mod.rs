//! One Raft server: its persistent and volatile state, its inputs, and the
//! [`Ready`] it hands back. Elections live in [`election`], log replication
//! and commitment in [`replication`].

mod election;
mod read;
mod replication;
mod snapshot;
mod transfer;

pub use read::ReadState;

use crate::config::Config;
use crate::event::Event;
use crate::log::{Entry, RaftLog};
use crate::membership::{Membership, MembershipChange};
use crate::message::{Envelope, Message};
use crate::progress::Progress;
use crate::quorum::JointConfig;
use crate::rng::Rng;
use crate::storage::{HardState, PersistentState, Snapshot};
use crate::types::{LogIndex, NodeId, Role, Term, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A change to the persisted log, in the order it must be applied to disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogWrite<C> {
    /// Delete the entry at this index and all after it.
    TruncateFrom(LogIndex),
    /// Append these entries at the end.
    Append(Vec<Entry<C>>),
    /// Store this snapshot and discard the log entries it covers (§7).
    Snapshot(Snapshot),
}

/// What the caller must do after handing the node an input, in this order:
/// write `hard_state` and `log_writes` to stable storage, then send
/// `messages`, then apply `committed` to the state machine. Figure 2: servers
/// persist currentTerm, votedFor and the log "before responding to RPCs".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ready<C> {
    /// New currentTerm/votedFor to persist, if they changed.
    pub hard_state: Option<HardState>,
    /// Log changes to persist, in order.
    pub log_writes: Vec<LogWrite<C>>,
    /// Messages to send once the above is durable.
    pub messages: Vec<Envelope<C>>,
    /// Newly committed entries, in index order, to apply (lastApplied moves
    /// past them as they are handed out).
    pub committed: Vec<Entry<C>>,
    /// Reads that may be answered once lastApplied reaches their index.
    pub read_states: Vec<ReadState>,
    /// A snapshot from the leader: replace the state machine with it
    /// (before applying `committed`, which follow it).
    pub install_snapshot: Option<Snapshot>,
    /// What the server decided, and why, for narration.
    pub events: Vec<Event>,
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            read_states: Vec::new(),
            install_snapshot: None,
            hard_state: None,
            log_writes: Vec::new(),
            messages: Vec::new(),
            committed: Vec::new(),
            events: Vec::new(),
        }
    }
}

impl<C> Ready<C> {
    /// Nothing to do.
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.log_writes.is_empty()
            && self.messages.is_empty()
            && self.committed.is_empty()
            && self.read_states.is_empty()
            && self.install_snapshot.is_none()
            && self.events.is_empty()
    }
}

/// Why a proposal (or an admin request) was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposeError {
    /// Only the leader accepts commands (§5.1); this is who we think leads.
    NotLeader {
        /// The leader this server last heard from in its term, if any.
        leader_hint: Option<NodeId>,
    },
    /// The leader is handing over to `target` and takes no new commands
    /// until that finishes or times out (thesis §3.10).
    TransferInProgress {
        /// The chosen successor.
        target: NodeId,
    },
    /// Leadership cannot go to this server (itself, or not a voter).
    InvalidTransferTarget {
        /// The server asked for.
        target: NodeId,
    },
    /// An earlier configuration change is not committed yet: one at a time
    /// (thesis §4.1).
    ConfigChangeInProgress {
        /// Index of the uncommitted configuration entry.
        index: LogIndex,
    },
    /// A new leader has not yet committed an entry of its own term (its
    /// no-op), so it may not change the configuration yet: otherwise two
    /// leaders of different terms, each with an uncommitted single-server
    /// change, can commit with disjoint majorities (the fix Ongaro posted
    /// to raft-dev in 2015 for the dissertation's single-server changes,
    /// §4.1; etcd-io/raft has the same rule).
    NotCommittedInTerm,
    /// The change makes no sense for the current configuration.
    InvalidConfigChange {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ProposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProposeError::NotLeader { leader_hint: Some(l) } => {
                write!(f, "not the leader; the leader is {l}")
            }
            ProposeError::NotLeader { leader_hint: None } => {
                write!(f, "not the leader, and no leader is known")
            }
            ProposeError::TransferInProgress { target } => {
                write!(f, "handing leadership to {target}; try again shortly")
            }
            ProposeError::InvalidTransferTarget { target } => {
                write!(f, "leadership cannot be handed to {target}: it must be another voter")
            }
            ProposeError::ConfigChangeInProgress { index } => write!(
                f,
                "the configuration change at index {index} is not committed yet; one change at a time"
            ),
            ProposeError::NotCommittedInTerm => f.write_str(
                "the leader has not committed an entry of its own term yet; \
                 a configuration change must wait for its no-op to commit",
            ),
            ProposeError::InvalidConfigChange { reason } => f.write_str(reason),
        }
    }
}

/// One server's Raft state machine.
#[derive(Clone, Debug)]
pub struct RaftNode<C> {
    config: Config,
    /// The configuration in effect: the newest in the log, committed or not
    /// (§6), the index of its entry (0 for the bootstrap configuration), and
    /// its quorum rules.
    membership: Membership,
    membership_index: LogIndex,
    quorum: JointConfig,
    /// Learners the leader will promote once they have caught up.
    promote_when_caught_up: BTreeSet<NodeId>,
    rng: Rng,
    // Persistent (Figure 2): survives crashes.
    hard_state: HardState,
    log: RaftLog<C>,
    snapshot: Option<Snapshot>,
    // Volatile on all servers.
    role: Role,
    leader: Option<NodeId>,
    commit_index: LogIndex,
    last_applied: LogIndex,
    election_timeout: Time,
    election_deadline: Time,
    /// When this server last heard from the leader of its term.
    last_leader_contact: Option<Time>,
    // Volatile on candidates and leaders.
    votes: BTreeMap<NodeId, bool>,
    progress: BTreeMap<NodeId, Progress>,
    heartbeat_deadline: Time,
    /// CheckQuorum: followers heard from since the last check, and when the
    /// next check is due.
    recent_active: BTreeSet<NodeId>,
    check_quorum_deadline: Time,
    /// A leadership transfer in progress: the target and when to give up.
    transfer: Option<(NodeId, Time)>,
    /// Heartbeat rounds (ReadIndex, leases): the current round, when recent
    /// rounds were sent, the highest round each follower acknowledged, and
    /// the lease they add up to.
    round: u64,
    round_sent: std::collections::VecDeque<(u64, Time)>,
    acked_rounds: BTreeMap<NodeId, u64>,
    lease_until: Time,
    pending_reads: Vec<read::PendingRead>,
    reads_awaiting_commit: Vec<(NodeId, u64)>,
    ready: Ready<C>,
}

impl<C: Clone> RaftNode<C> {
    /// A server booting for the first time: empty log, term 0, follower.
    pub fn new(config: Config, seed: u64, now: Time) -> Result<Self, String> {
        Self::restart(config, PersistentState::default(), seed, now)
    }

    /// A server rebuilt from what it had persisted, after a crash. Only the
    /// persistent state comes back: it restarts as a follower with
    /// commitIndex and lastApplied at 0 (seed 003: "Only the persistent
    /// variables have survived").
    pub fn restart(
        config: Config,
        persistent: PersistentState<C>,
        seed: u64,
        now: Time,
    ) -> Result<Self, String> {
        config.validate()?;
        let mut persistent = persistent;
        if config.bugs.forget_voted_for_on_restart {
            persistent.hard_state.voted_for = None;
        }
        let mut node = RaftNode {
            membership: Membership::default(),
            membership_index: 0,
            quorum: JointConfig::new([], []),
            promote_when_caught_up: BTreeSet::new(),
            config,
            rng: Rng::new(seed),
            hard_state: persistent.hard_state,
            log: persistent.log,
            snapshot: persistent.snapshot,
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            election_timeout: 0,
            election_deadline: 0,
            last_leader_contact: None,
            votes: BTreeMap::new(),
            progress: BTreeMap::new(),
            heartbeat_deadline: 0,
            recent_active: BTreeSet::new(),
            check_quorum_deadline: 0,
            transfer: None,
            round: 0,
            round_sent: std::collections::VecDeque::new(),
            acked_rounds: BTreeMap::new(),
            lease_until: 0,
            pending_reads: Vec::new(),
            reads_awaiting_commit: Vec::new(),
            ready: Ready::default(),
        };
        // Entries in a snapshot are committed and applied by definition.
        let snapshot_index = node.snapshot.as_ref().map_or(0, |s| s.last_included_index);
        node.commit_index = snapshot_index;
        node.last_applied = snapshot_index;
        node.refresh_membership();
        node.reset_election_timer(now);
        if node.config.bugs.keep_commit_index_on_restart {
            // The bug: treat the whole log on disk as committed.
            let last = node.log.last_index();
            if last > 0 {
                node.advance_commit(last);
            }
        }
        Ok(node)
    }

    // ----- inputs -----

    /// Let time pass to `now`: fire the election timeout or the leader's
    /// heartbeat if due.
    pub fn tick(&mut self, now: Time) {
        match self.role {
            Role::Leader => {
                if self.config.check_quorum && now >= self.check_quorum_deadline {
                    self.check_quorum(now);
                    if self.role != Role::Leader {
                        return;
                    }
                }
                if self.transfer.is_some_and(|(_, until)| now >= until) {
                    self.abort_transfer();
                }
                if now >= self.heartbeat_deadline {
                    self.broadcast_heartbeat(now);
                }
            }
            Role::Follower | Role::PreCandidate | Role::Candidate => {
                if now >= self.election_deadline {
                    self.start_election(now);
                }
            }
        }
    }

    /// The earliest time at which [`tick`](Self::tick) has something to do.
    pub fn next_deadline(&self) -> Time {
        match self.role {
            Role::Leader => {
                let mut t = self.heartbeat_deadline;
                if self.config.check_quorum {
                    t = t.min(self.check_quorum_deadline);
                }
                if let Some((_, until)) = self.transfer {
                    t = t.min(until);
                }
                t
            }
            Role::Follower | Role::PreCandidate | Role::Candidate => self.election_deadline,
        }
    }

    /// Make the election timeout fire now (the page's "Time out" button).
    /// A leader ignores it: it has no election timer.
    pub fn time_out(&mut self, now: Time) {
        if self.role != Role::Leader {
            self.start_election(now);
        }
    }

    /// Handle a message from `from`.
    pub fn step(&mut self, now: Time, from: NodeId, msg: Message<C>) {
        if msg.term() > self.hard_state.current_term {
            let adopt = match &msg {
                // A pre-vote only asks about a future term; a granted
                // pre-vote echoes it. Neither changes anyone's term (§9.6).
                Message::PreVote(_) => false,
                Message::PreVoteReply(r) => !r.vote_granted,
                // §6: a server that heard from its leader within the minimum
                // election timeout disregards RequestVote, so a server that
                // was cut off (or removed) cannot disrupt the cluster.
                Message::RequestVote(rv)
                    if !rv.leadership_transfer
                        && (self.role == Role::Leader || self.in_lease(now)) =>
                {
                    let leader = self.leader.expect("a leader or a follower in lease knows one");
                    self.ready
                        .events
                        .push(Event::VoteIgnoredLeaderAlive { candidate: from, leader });
                    return;
                }
                _ => true,
            };
            if adopt {
                // §5.1: "If a server receives a request or response with a
                // higher term, it updates its term to that value and reverts
                // to follower."
                self.ready.events.push(Event::SawHigherTerm { from, term: msg.term() });
                self.become_follower(now, msg.term());
            }
        }
        if self.role == Role::Leader && msg.term() == self.hard_state.current_term {
            self.recent_active.insert(from);
        }
        match msg {
            Message::RequestVote(m) => self.handle_request_vote(now, from, m),
            Message::RequestVoteReply(m) => self.handle_vote_reply(now, from, m),
            Message::AppendEntries(m) => self.handle_append_entries(now, from, m),
            Message::AppendEntriesReply(m) => self.handle_append_reply(now, from, m),
            Message::PreVote(m) => self.handle_pre_vote(now, from, m),
            Message::PreVoteReply(m) => self.handle_pre_vote_reply(now, from, m),
            Message::TimeoutNow(_) => self.handle_timeout_now(now, from),
            Message::InstallSnapshot(m) => self.handle_install_snapshot(now, from, m),
            Message::InstallSnapshotReply(m) => self.handle_install_snapshot_reply(now, from, m),
            Message::ReadIndex(m) => self.handle_read_index(now, from, m),
            Message::ReadIndexReply(m) => self.handle_read_index_reply(m),
        }
    }

    /// A client command: the leader appends it to its log and replicates it
    /// (§5.3). Returns the index it will have if it commits.
    pub fn propose(&mut self, now: Time, command: C) -> Result<LogIndex, ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader { leader_hint: self.leader });
        }
        if let Some((target, _)) = self.transfer {
            return Err(ProposeError::TransferInProgress { target });
        }
        let index = self.append_as_leader(crate::log::Payload::Command(command));
        self.ready.events.push(Event::Proposed { index });
        self.maybe_commit(now);
        self.broadcast_entries(now);
        Ok(index)
    }

    /// Take what the caller must now persist, send and apply.
    pub fn take_ready(&mut self) -> Ready<C> {
        std::mem::take(&mut self.ready)
    }

    // ----- state, read-only -----

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.config.id
    }
    /// The settings this server runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Switch a protocol option while running. Each takes effect at the
    /// server's next decision that depends on it.
    pub fn set_feature(&mut self, feature: crate::config::Feature, on: bool) {
        self.config.set_feature(feature, on);
    }
    /// Change batching and flow control while running: at most
    /// `max_entries` per AppendEntries, `max_inflight` in flight per
    /// follower.
    pub fn set_flow_control(&mut self, max_entries: usize, max_inflight: usize) {
        self.config.max_entries_per_append = max_entries.max(1);
        self.config.max_inflight = max_inflight.max(1);
    }
    /// Turn deliberate protocol mistakes on or off ("break Raft").
    pub fn set_bugs(&mut self, bugs: crate::config::BugSwitches) {
        self.config.bugs = bugs;
    }
    /// Change how reads are served while running.
    pub fn set_read_mode(&mut self, mode: crate::config::ReadMode) {
        self.config.read_mode = mode;
    }
    /// Follower, candidate or leader.
    pub fn role(&self) -> Role {
        self.role
    }
    /// currentTerm.
    pub fn current_term(&self) -> Term {
        self.hard_state.current_term
    }
    /// votedFor in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.hard_state.voted_for
    }
    /// The leader of the current term, if this server knows it.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// commitIndex: highest entry known to be committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    /// lastApplied: highest entry handed to the state machine.
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }
    /// The log.
    pub fn log(&self) -> &RaftLog<C> {
        &self.log
    }
    /// The persistent state, as it must be on disk after the last Ready.
    pub fn persistent_state(&self) -> PersistentState<C> {
        PersistentState {
            hard_state: self.hard_state.clone(),
            log: self.log.clone(),
            snapshot: self.snapshot.clone(),
        }
    }
    /// When the election timer fires (meaningless for a leader).
    pub fn election_deadline(&self) -> Time {
        self.election_deadline
    }
    /// The length of the election timeout drawn at the last reset.
    pub fn election_timeout(&self) -> Time {
        self.election_timeout
    }
    /// A candidate's tally: voter → granted.
    pub fn votes(&self) -> &BTreeMap<NodeId, bool> {
        &self.votes
    }
    /// Until when a leader holds a lease (0 if none).
    pub fn lease_until(&self) -> Time {
        self.lease_until
    }
    /// The server a leadership transfer is handing over to, if one is under
    /// way.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.transfer.map(|(t, _)| t)
    }
    /// A leader's nextIndex/matchIndex per follower.
    pub fn progress(&self) -> &BTreeMap<NodeId, Progress> {
        &self.progress
    }
    /// The voting servers (of both halves while joint).
    pub fn voters(&self) -> Vec<NodeId> {
        self.quorum.voters()
    }
    /// The configuration in effect: the newest in the log (§6).
    pub fn membership(&self) -> &Membership {
        &self.membership
    }
    /// Index of the entry that holds the configuration in effect (0 for the
    /// configuration the cluster started with).
    pub fn membership_index(&self) -> LogIndex {
        self.membership_index
    }

    // ----- shared helpers -----

    /// Every other member, learners included: whom a leader replicates to.
    fn peers(&self) -> Vec<NodeId> {
        self.membership.members().into_iter().filter(|&p| p != self.config.id).collect()
    }

    /// Every other voter: whom a candidate asks for votes.
    fn voting_peers(&self) -> Vec<NodeId> {
        self.quorum.voters().into_iter().filter(|&p| p != self.config.id).collect()
    }

    /// Adopt the newest configuration in the log (or the bootstrap one).
    /// Called whenever the log changes in a way that can change it.
    fn refresh_membership(&mut self) {
        let (index, m) = match self.log.last_config(self.log.last_index()) {
            Some((i, m)) => (i, m.clone()),
            None => (self.log.snapshot_point().0, self.base_membership()),
        };
        if index == self.membership_index && m == self.membership {
            return;
        }
        self.quorum = m.quorum();
        self.membership = m;
        self.membership_index = index;
        if index > 0 {
            self.ready
                .events
                .push(Event::ConfigurationInEffect { index, membership: self.membership.clone() });
        }
        if self.role == Role::Leader {
            let last = self.log.last_index();
            let members = self.membership.members();
            self.progress.retain(|p, _| members.contains(p));
            for p in self.peers() {
                self.progress.entry(p).or_insert_with(|| crate::progress::Progress::new(last));
            }
        }
    }

    /// A leader asks for a membership change; it goes into the log as a
    /// configuration entry.
    pub fn propose_membership(
        &mut self,
        now: Time,
        change: MembershipChange,
    ) -> Result<LogIndex, ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader { leader_hint: self.leader });
        }
        if let Some((target, _)) = self.transfer {
            return Err(ProposeError::TransferInProgress { target });
        }
        if self.membership_index > self.commit_index {
            return Err(ProposeError::ConfigChangeInProgress { index: self.membership_index });
        }
        if self.log.term_at(self.commit_index) != Some(self.hard_state.current_term) {
            return Err(ProposeError::NotCommittedInTerm);
        }
        let next = self
            .membership
            .apply(&change)
            .map_err(|reason| ProposeError::InvalidConfigChange { reason })?;
        if let MembershipChange::AddServer(id) = change {
            self.promote_when_caught_up.insert(id);
        }
        let index = self.append_as_leader(crate::log::Payload::Config(next));
        self.ready.events.push(Event::ConfigChangeProposed { index, change });
        self.refresh_membership();
        self.maybe_commit(now);
        self.broadcast_entries(now);
        Ok(index)
    }

    /// After commitIndex moved on a leader: finish a joint change (append
    /// C_new once C_old,new is committed), step down if C_new left this
    /// server out (§6), and promote learners that have caught up.
    pub(super) fn after_leader_commit(&mut self, now: Time) {
        if self.role != Role::Leader || self.membership_index > self.commit_index {
            return;
        }
        if self.membership.is_joint() {
            let next = self.membership.leave_joint();
            let index = self.append_as_leader(crate::log::Payload::Config(next));
            self.ready.events.push(Event::LeavingJoint { index });
            self.refresh_membership();
            self.maybe_commit(now);
            self.broadcast_entries(now);
        } else if !self.membership.is_voter(self.config.id) {
            self.ready.events.push(Event::RemovedFromCluster);
            let term = self.hard_state.current_term;
            self.become_follower(now, term);
        } else {
            self.maybe_promote(now);
        }
    }

    /// Promote the first learner that was added as a server and now holds
    /// every committed entry.
    pub(super) fn maybe_promote(&mut self, now: Time) {
        let commit = self.commit_index;
        let ready = self.promote_when_caught_up.iter().copied().find(|id| {
            self.membership.is_learner(*id)
                && self.progress.get(id).is_some_and(|p| p.match_index >= commit)
        });
        if let Some(id) = ready {
            if self.propose_membership(now, MembershipChange::PromoteLearner(id)).is_ok() {
                self.promote_when_caught_up.remove(&id);
            }
        }
    }

    fn send(&mut self, to: NodeId, msg: Message<C>) {
        self.ready.messages.push(Envelope { from: self.config.id, to, msg });
    }

    fn persist_hard_state(&mut self) {
        self.ready.hard_state = Some(self.hard_state.clone());
    }

    /// Draw a fresh election timeout (§5.2: randomized "to ensure that split
    /// votes are rare and that they are resolved quickly").
    fn reset_election_timer(&mut self, now: Time) {
        self.election_timeout = self
            .rng
            .range_inclusive(self.config.election_timeout_min, self.config.election_timeout_max);
        self.election_deadline = now + self.election_timeout;
    }

    /// Revert to follower in `term` (§5.1). votedFor is cleared only when
    /// the term actually changes: one vote per term.
    /// `from` leads our current term (it sent AppendEntries or a snapshot
    /// in it): a candidate concedes (§5.2), everyone notes the contact and
    /// restarts its election timer.
    fn follow(&mut self, now: Time, from: NodeId) {
        if self.role != Role::Follower {
            let term = self.hard_state.current_term;
            self.become_follower(now, term);
        }
        self.leader = Some(from);
        self.last_leader_contact = Some(now);
        self.reset_election_timer(now);
    }

    /// Has this follower heard from its leader within the minimum election
    /// timeout? Then the leader is presumed alive (§6, thesis §9.6).
    fn in_lease(&self, now: Time) -> bool {
        self.role == Role::Follower
            && self.leader.is_some()
            && self.last_leader_contact.is_some_and(|t| now < t + self.config.election_timeout_min)
    }

    fn become_follower(&mut self, now: Time, term: Term) {
        let previous = self.role;
        if term > self.hard_state.current_term {
            self.hard_state.current_term = term;
            self.hard_state.voted_for = None;
            self.persist_hard_state();
            self.leader = None;
        }
        self.role = Role::Follower;
        self.votes.clear();
        self.progress.clear();
        self.recent_active.clear();
        self.transfer = None;
        self.promote_when_caught_up.clear();
        self.drop_reads();
        if previous == Role::Leader {
            // A deposed leader had no election timer running, and is no
            // longer anyone's leader, not even in its own eyes.
            self.reset_election_timer(now);
            self.leader = None;
        }
        if previous != Role::Follower {
            self.ready.events.push(Event::BecameFollower { term, previous });
        }
    }
}
