//! One server: its persistent and volatile state, its role, its inputs, and
//! the [`Ready`] it hands back. Elections live in [`election`], log
//! replication and commitment in [`replication`], configuration changes in
//! [`membership`], the per-role state in [`role`].

mod committed;
mod election;
mod error;
mod membership;
mod read;
mod ready;
mod replication;
mod role;
mod snapshot;
mod transfer;

pub use committed::Committed;
pub use error::ProposeError;
pub use read::ReadState;
pub use ready::{LogWrite, Ready};

use crate::config::Config;
use crate::event::Event;
use crate::log::RaftLog;
use crate::membership::Membership;
use crate::message::{Envelope, Message};
use crate::peers::PeerMap;
use crate::progress::Progress;
use crate::quorum::JointConfig;
use crate::rng::Rng;
use crate::storage::PersistentState;
use crate::types::{LogIndex, NodeId, Role, Term, Time};
use role::{LeaderState, RoleState};
use std::ops::RangeInclusive;

/// One server's Raft state machine.
#[derive(Clone, Debug)]
pub struct RaftNode<C> {
    config: Config,
    rng: Rng,
    /// Figure 2's persistent state: currentTerm, votedFor, the log (and the
    /// snapshot, §7). Survives crashes.
    persistent: PersistentState<C>,
    /// Figure 2's volatile state on all servers. Lost in a crash.
    volatile: Volatile,
    /// The configuration in effect, derived from the log.
    conf: InEffect,
    /// Follower, (pre-)candidate or leader, with what only that role keeps.
    role: RoleState,
    ready: Ready<C>,
}

/// Volatile state every server keeps whatever its role; rebuilt from
/// nothing after a restart.
#[derive(Clone, Debug, Default)]
struct Volatile {
    /// The leader of the current term, if known.
    leader: Option<NodeId>,
    /// commitIndex: highest entry known to be committed.
    commit_index: LogIndex,
    /// lastApplied: highest entry handed to the state machine.
    last_applied: LogIndex,
    /// The election timeout drawn at the last reset, and when it fires.
    election_timeout: Time,
    election_deadline: Time,
    /// When this server last heard from the leader of its term.
    last_leader_contact: Option<Time>,
    /// The number of this server's latest heartbeat round (ReadIndex,
    /// leases). Only a leader sends rounds; the counter runs on across its
    /// terms so every round this server sends has its own number.
    round: u64,
}

/// The configuration in effect: the newest in the log, committed or not
/// (§6), the index of its entry (0 for the bootstrap configuration), and its
/// quorum rules.
#[derive(Clone, Debug)]
struct InEffect {
    membership: Membership,
    index: LogIndex,
    quorum: JointConfig,
    /// Every other member, learners included: whom a leader replicates to.
    peers: Vec<NodeId>,
}

/// The empty tally [`RaftNode::votes`] shows outside an election.
static NO_VOTES: PeerMap<bool> = PeerMap::new();
/// The empty progress [`RaftNode::progress`] shows on a server that does
/// not lead.
static NO_PROGRESS: PeerMap<Progress> = PeerMap::new();

impl<C: Clone> RaftNode<C> {
    /// A server booting for the first time: empty log, term 0, follower.
    pub fn new(config: Config, seed: u64, now: Time) -> Result<Self, String> {
        Self::restart(config, PersistentState::default(), seed, now)
    }

    /// A server rebuilt from what it had persisted, after a crash. Only the
    /// persistent state comes back: it restarts as a follower with
    /// commitIndex and lastApplied at 0 (the "closer look at Raft internals"
    /// walkthrough: "Only the persistent variables have survived").
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
        // Entries in a snapshot are committed and applied by definition.
        let snapshot_index = persistent.snapshot.as_ref().map_or(0, |s| s.last_included_index);
        let mut node = RaftNode {
            config,
            rng: Rng::new(seed),
            persistent,
            volatile: Volatile {
                commit_index: snapshot_index,
                last_applied: snapshot_index,
                ..Volatile::default()
            },
            conf: InEffect {
                membership: Membership::default(),
                index: 0,
                quorum: JointConfig::new([], []),
                peers: Vec::new(),
            },
            role: RoleState::Follower,
            ready: Ready::default(),
        };
        node.refresh_membership();
        node.reset_election_timer(now);
        if node.config.bugs.keep_commit_index_on_restart {
            // The bug: treat the whole log on disk as committed.
            let last = node.persistent.log.last_index();
            if last > 0 {
                node.advance_commit(last, crate::event::CommitBy::WholeLogOnRestart);
            }
        }
        Ok(node)
    }

    // ----- inputs -----

    /// Let time pass to `now`: fire the election timeout or the leader's
    /// heartbeat if due.
    pub fn tick(&mut self, now: Time) {
        let RoleState::Leader(l) = &self.role else {
            if now >= self.volatile.election_deadline {
                self.start_election(now);
            }
            return;
        };
        let transfer_expired = l.transfer.is_some_and(|(_, until)| now >= until);
        let heartbeat_due = now >= l.heartbeat_deadline;
        if self.config.check_quorum && now >= l.check_quorum_deadline {
            self.check_quorum(now);
            if self.role() != Role::Leader {
                return;
            }
        }
        if transfer_expired {
            self.abort_transfer();
        }
        if heartbeat_due {
            self.broadcast_heartbeat(now);
        }
    }

    /// The earliest time at which [`tick`](Self::tick) has something to do.
    pub fn next_deadline(&self) -> Time {
        let RoleState::Leader(l) = &self.role else {
            return self.volatile.election_deadline;
        };
        let mut t = l.heartbeat_deadline;
        if self.config.check_quorum {
            t = t.min(l.check_quorum_deadline);
        }
        if let Some((_, until)) = l.transfer {
            t = t.min(until);
        }
        t
    }

    /// Make the election timeout fire now (the page's "Time out" button).
    /// A leader ignores it: it has no election timer.
    pub fn time_out(&mut self, now: Time) {
        if self.role() != Role::Leader {
            self.start_election(now);
        }
    }

    /// Make a leader's heartbeat timer fire now (§5.2: AppendEntries to
    /// every follower), as when a person chooses it as the next event.
    /// Others ignore it: only a leader sends heartbeats.
    pub fn heartbeat_now(&mut self, now: Time) {
        if self.role() == Role::Leader {
            self.broadcast_heartbeat(now);
        }
    }

    /// Handle a message from `from`.
    pub fn step(&mut self, now: Time, from: NodeId, msg: Message<C>) {
        if msg.term() > self.current_term() {
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
                        && (self.role() == Role::Leader || self.in_lease(now)) =>
                {
                    let leader =
                        self.volatile.leader.expect("a leader or a follower in lease knows one");
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
                let previous = self.current_term();
                self.ready.events.push(Event::SawHigherTerm { from, term: msg.term(), previous });
                self.become_follower(now, msg.term());
            }
        }
        let term = self.current_term();
        if let RoleState::Leader(l) = &mut self.role {
            if msg.term() == term {
                l.recent_active.insert(from);
            }
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
        let indexes = self.propose_batch(now, std::iter::once(command))?;
        Ok(*indexes.end())
    }

    /// Several client commands at once: the leader appends them all to its
    /// log, then replicates them together — one AppendEntries per follower
    /// for the batch instead of one per command (§5.3; etcd batches
    /// proposals the same way). Returns the indexes they will have if they
    /// commit; no commands change nothing.
    pub fn propose_batch(
        &mut self,
        now: Time,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<RangeInclusive<LogIndex>, ProposeError> {
        self.check_accepting_proposals()?;
        let first = self.persistent.log.last_index() + 1;
        for command in commands {
            let index = self.leader_entry(crate::log::Payload::Command(command));
            self.ready.events.push(Event::Proposed { index });
        }
        let last = self.persistent.log.last_index();
        if last >= first {
            self.ready.log_writes.push(LogWrite::Append { first, last });
            self.maybe_commit(now);
            self.broadcast_entries(now);
        }
        Ok(first..=last)
    }

    /// Has anything happened since the last [`take_ready`](Self::take_ready)
    /// that the caller must persist, send, apply or narrate? A caller that
    /// polls idle servers can skip them.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Take what the caller must now persist, send and apply.
    pub fn take_ready(&mut self) -> Ready<C> {
        std::mem::take(&mut self.ready)
    }

    /// [`take_ready`](Self::take_ready) for a caller that drains each
    /// `Ready` and hands it back: `spent` is emptied and becomes the
    /// buffers the node fills next, so a steady stream of inputs allocates
    /// nothing for its outputs.
    pub fn take_ready_reusing(&mut self, mut spent: Ready<C>) -> Ready<C> {
        spent.clear();
        std::mem::replace(&mut self.ready, spent)
    }

    /// [`take_ready_reusing`](Self::take_ready_reusing) in place: `out` is
    /// emptied and exchanged with the node's buffers, so the caller finds
    /// the new `Ready` in `out` and nothing is moved but the buffers'
    /// handles.
    pub fn take_ready_into(&mut self, out: &mut Ready<C>) {
        out.clear();
        std::mem::swap(&mut self.ready, out);
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
        self.role.role()
    }
    /// currentTerm.
    pub fn current_term(&self) -> Term {
        self.persistent.hard_state.current_term
    }
    /// votedFor in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.persistent.hard_state.voted_for
    }
    /// The leader of the current term, if this server knows it.
    pub fn leader(&self) -> Option<NodeId> {
        self.volatile.leader
    }
    /// commitIndex: highest entry known to be committed.
    pub fn commit_index(&self) -> LogIndex {
        self.volatile.commit_index
    }
    /// lastApplied: highest entry handed to the state machine.
    pub fn last_applied(&self) -> LogIndex {
        self.volatile.last_applied
    }
    /// The log.
    pub fn log(&self) -> &RaftLog<C> {
        &self.persistent.log
    }
    /// The persistent state, as it must be on disk after the last Ready.
    pub fn persistent_state(&self) -> PersistentState<C> {
        self.persistent.clone()
    }
    /// When the election timer fires (meaningless for a leader).
    pub fn election_deadline(&self) -> Time {
        self.volatile.election_deadline
    }
    /// The length of the election timeout drawn at the last reset.
    pub fn election_timeout(&self) -> Time {
        self.volatile.election_timeout
    }
    /// A (pre-)candidate's tally: voter → granted (empty in other roles).
    pub fn votes(&self) -> &PeerMap<bool> {
        match &self.role {
            RoleState::PreCandidate { votes } | RoleState::Candidate { votes } => votes,
            RoleState::Follower | RoleState::Leader(_) => &NO_VOTES,
        }
    }
    /// Until when a leader holds a lease (0 if none).
    pub fn lease_until(&self) -> Time {
        self.leader_state().map_or(0, |l| l.reads.lease_until)
    }
    /// A leader's nextIndex/matchIndex per follower (empty on other roles).
    pub fn progress(&self) -> &PeerMap<Progress> {
        self.leader_state().map_or(&NO_PROGRESS, |l| &l.progress)
    }
    /// The voting servers (of both halves while joint).
    pub fn voters(&self) -> Vec<NodeId> {
        self.conf.quorum.voters()
    }
    /// The configuration in effect: the newest in the log (§6).
    pub fn membership(&self) -> &Membership {
        &self.conf.membership
    }
    /// Index of the entry that holds the configuration in effect (0 for the
    /// configuration the cluster started with).
    pub fn membership_index(&self) -> LogIndex {
        self.conf.index
    }

    // ----- shared helpers -----

    /// What only a leader keeps, if this server leads.
    fn leader_state(&self) -> Option<&LeaderState> {
        match &self.role {
            RoleState::Leader(l) => Some(l),
            _ => None,
        }
    }

    fn leader_state_mut(&mut self) -> Option<&mut LeaderState> {
        match &mut self.role {
            RoleState::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// The leader's progress for `peer`.
    fn progress_mut(&mut self, peer: NodeId) -> Option<&mut Progress> {
        self.leader_state_mut().and_then(|l| l.progress.get_mut(&peer))
    }

    /// Only a leader that is not handing over takes commands (§5.1, thesis
    /// §3.10).
    fn check_accepting_proposals(&self) -> Result<(), ProposeError> {
        let Some(l) = self.leader_state() else {
            return Err(ProposeError::NotLeader { leader_hint: self.volatile.leader });
        };
        match l.transfer {
            Some((target, _)) => Err(ProposeError::TransferInProgress { target }),
            None => Ok(()),
        }
    }

    /// Every other member, learners included: whom a leader replicates to.
    fn peers(&self) -> Vec<NodeId> {
        self.conf.peers.clone()
    }

    /// Every other voter: whom a candidate asks for votes.
    fn voting_peers(&self) -> Vec<NodeId> {
        self.conf.quorum.voters().into_iter().filter(|&p| p != self.config.id).collect()
    }

    fn send(&mut self, to: NodeId, msg: Message<C>) {
        self.ready.messages.push(Envelope { from: self.config.id, to, msg });
    }

    fn persist_hard_state(&mut self) {
        self.ready.hard_state = Some(self.persistent.hard_state.clone());
    }

    /// Draw a fresh election timeout (§5.2: randomized "to ensure that split
    /// votes are rare and that they are resolved quickly").
    fn reset_election_timer(&mut self, now: Time) {
        self.volatile.election_timeout = self
            .rng
            .range_inclusive(self.config.election_timeout_min, self.config.election_timeout_max);
        self.volatile.election_deadline = now + self.volatile.election_timeout;
    }

    /// `from` leads our current term (it sent AppendEntries or a snapshot
    /// in it): a candidate concedes (§5.2), everyone notes the contact and
    /// restarts its election timer.
    fn follow(&mut self, now: Time, from: NodeId) {
        if self.role() != Role::Follower {
            let term = self.current_term();
            self.become_follower(now, term);
        }
        self.volatile.leader = Some(from);
        self.volatile.last_leader_contact = Some(now);
        self.reset_election_timer(now);
    }

    /// Has this follower heard from its leader within the minimum election
    /// timeout? Then the leader is presumed alive (§6, thesis §9.6).
    fn in_lease(&self, now: Time) -> bool {
        self.role() == Role::Follower
            && self.volatile.leader.is_some()
            && self
                .volatile
                .last_leader_contact
                .is_some_and(|t| now < t + self.config.election_timeout_min)
    }

    // ----- role transitions -----

    /// The one place a server changes role, and with it, if `term` is
    /// newer, its term: a new term forgets votedFor (one vote per term,
    /// §5.2) and the leader it knew (§5.1). Whatever the old role kept
    /// (votes, progress, lease, reads, a transfer) goes with it. Returns the
    /// role left.
    fn enter_role(&mut self, term: Term, role: RoleState) -> Role {
        if term > self.persistent.hard_state.current_term {
            self.persistent.hard_state.current_term = term;
            self.persistent.hard_state.voted_for = None;
            self.persist_hard_state();
            self.volatile.leader = None;
        }
        std::mem::replace(&mut self.role, role).role()
    }

    /// Revert to follower in `term` (§5.1). votedFor is cleared only when
    /// the term actually changes: one vote per term.
    fn become_follower(&mut self, now: Time, term: Term) {
        let previous = self.enter_role(term, RoleState::Follower);
        if previous == Role::Leader {
            // A deposed leader had no election timer running, and is no
            // longer anyone's leader, not even in its own eyes.
            self.reset_election_timer(now);
            self.volatile.leader = None;
        }
        if previous != Role::Follower {
            self.ready.events.push(Event::BecameFollower { term, previous });
        }
    }
}
