//! Linearizable reads without log entries (Raft thesis §6.4).
//!
//! ReadIndex: the leader records its commitIndex as the read index, then
//! confirms it is still the leader by a heartbeat round that a majority
//! acknowledges; once it has applied through the read index it may answer.
//! A follower can serve a read the same way by asking the leader for the
//! read index. With a lease, a leader whose heartbeat sent at time t was
//! acknowledged by a majority knows no other leader can exist before
//! t + the minimum election timeout (followers ignore RequestVote that
//! long), and answers at once.

use super::role::RoleState;
use super::ProposeError;
use super::RaftNode;
use crate::config::ReadMode;
use crate::event::Event;
use crate::message::{Message, ReadIndex, ReadIndexReply};
use crate::peers::PeerMap;
use crate::quorum::{JointConfig, VoteResult};
use crate::types::{LogIndex, NodeId, Role, Time};
use std::collections::VecDeque;

/// "You may answer read `ctx` once lastApplied ≥ `index`."
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadState {
    /// The caller's tag for the read.
    pub ctx: u64,
    /// The read index; `None` if the leader refused the read (this server
    /// is outside its configuration): send the client to the leader.
    pub index: Option<LogIndex>,
}

/// A read the leader holds until a heartbeat round confirms it still leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PendingRead {
    origin: NodeId,
    ctx: u64,
    index: LogIndex,
    round: u64,
}

/// A leader's reads in progress and the lease its heartbeat rounds earned.
#[derive(Clone, Debug, Default)]
pub(super) struct LeaderReads {
    /// Recent heartbeat rounds not yet confirmed, oldest first, with when
    /// each was sent.
    pub(super) round_sent: VecDeque<(u64, Time)>,
    /// The highest round each follower acknowledged.
    acked_rounds: PeerMap<u64>,
    /// Until when no other leader can exist (0 if no lease).
    pub(super) lease_until: Time,
    /// Reads waiting for a heartbeat round to confirm leadership.
    pending: Vec<PendingRead>,
    /// Reads waiting for this leader's first commit in its term: (origin,
    /// ctx).
    awaiting_commit: Vec<(NodeId, u64)>,
}

impl LeaderReads {
    /// `from` acknowledged round `round`; `me` is the leader and its latest
    /// round. Extends the lease to `lease` past the send time of the newest
    /// round a quorum confirmed, and returns the reads that round confirms.
    fn acknowledge(
        &mut self,
        from: NodeId,
        round: u64,
        me: (NodeId, u64),
        quorum: &JointConfig,
        lease: Time,
    ) -> Vec<PendingRead> {
        let acked = self.acked_rounds.get_or_insert_with(from, || 0);
        *acked = (*acked).max(round);
        let acked_rounds = &self.acked_rounds;
        let confirmed = quorum.committed_index_by(|p| {
            if p == me.0 {
                me.1
            } else {
                acked_rounds.get(&p).copied().unwrap_or(0)
            }
        });
        while self.round_sent.front().is_some_and(|&(r, _)| r < confirmed) {
            self.round_sent.pop_front();
        }
        if let Some(&(r, sent)) = self.round_sent.front() {
            if r == confirmed {
                self.lease_until = self.lease_until.max(sent + lease);
            }
        }
        if self.pending.iter().all(|p| p.round > confirmed) {
            return Vec::new();
        }
        let (ready, waiting) =
            std::mem::take(&mut self.pending).into_iter().partition(|p| p.round <= confirmed);
        self.pending = waiting;
        ready
    }
}

impl<C: Clone> RaftNode<C> {
    /// Start a linearizable read tagged `ctx`. The answer comes later as a
    /// [`ReadState`] in [`Ready::read_states`](super::Ready): on a leader
    /// after confirmation, on a follower after asking the leader.
    pub fn read_index(&mut self, now: Time, ctx: u64) -> Result<(), ProposeError> {
        if self.role() == Role::Leader {
            self.leader_read(now, self.config.id, ctx);
            return Ok(());
        }
        match self.volatile.leader {
            Some(leader) if self.role() == Role::Follower => {
                self.ready.events.push(Event::ReadForwarded { ctx, leader });
                let term = self.current_term();
                self.send(leader, Message::ReadIndex(ReadIndex { term, ctx }));
                Ok(())
            }
            _ => Err(ProposeError::NotLeader { leader_hint: None }),
        }
    }

    /// A follower's forwarded read.
    pub(super) fn handle_read_index(&mut self, now: Time, from: NodeId, m: ReadIndex) {
        if self.role() != Role::Leader || m.term != self.current_term() {
            return;
        }
        if self.conf.membership.members().contains(&from) {
            self.leader_read(now, from, m.ctx);
        } else {
            let term = self.current_term();
            let reply = ReadIndexReply { term, ctx: m.ctx, index: None };
            self.send(from, Message::ReadIndexReply(reply));
        }
    }

    /// The leader's confirmed read index for one of our reads.
    pub(super) fn handle_read_index_reply(&mut self, m: ReadIndexReply) {
        if m.term != self.current_term() || self.role() != Role::Follower {
            return;
        }
        match m.index {
            Some(index) => self.ready_read(m.ctx, index, "the leader's confirmed read index"),
            None => {
                self.ready.events.push(Event::ReadRefused { ctx: m.ctx });
                self.ready.read_states.push(ReadState { ctx: m.ctx, index: None });
            }
        }
    }

    fn leader_read(&mut self, now: Time, origin: NodeId, ctx: u64) {
        let index = self.volatile.commit_index;
        if self.config.bugs.stale_leader_serves_reads {
            // The bug: answer without confirming leadership.
            self.answer_read(origin, ctx, index, "not confirmed");
            return;
        }
        // §8 / thesis §6.4: a new leader does not know the commitIndex
        // until it has committed an entry of its own term (its no-op).
        if self.persistent.log.term_at(index) != Some(self.current_term()) {
            self.ready.events.push(Event::ReadQueued { ctx, index });
            if let Some(l) = self.leader_state_mut() {
                l.reads.awaiting_commit.push((origin, ctx));
            }
            return;
        }
        // Alone a quorum: no one else can be leader. (Not "one voter": a
        // leader left out of C_new keeps leading until C_new commits, §6,
        // and the one voter may then be another server.)
        let alone = PeerMap::from([(self.config.id, true)]);
        if self.conf.quorum.vote_result(&alone) == VoteResult::Won {
            self.answer_read(origin, ctx, index, "single-server cluster");
        } else if self.config.read_mode == ReadMode::Lease && now < self.lease_until() {
            self.answer_read(origin, ctx, index, "leader lease");
        } else {
            // A fresh heartbeat round: only acknowledgements of AppendEntries
            // sent from now on prove leadership after the read arrived.
            self.broadcast_heartbeat(now);
            let round = self.volatile.round;
            self.ready.events.push(Event::ReadQueued { ctx, index });
            if let Some(l) = self.leader_state_mut() {
                l.reads.pending.push(PendingRead { origin, ctx, index, round });
            }
        }
    }

    /// A follower acknowledged heartbeat round `round`: confirm the reads
    /// a majority has now vouched for, and extend the lease.
    pub(super) fn acknowledge_round(&mut self, from: NodeId, round: u64) {
        let me = (self.config.id, self.volatile.round);
        let lease = self.config.election_timeout_min;
        let RoleState::Leader(l) = &mut self.role else { return };
        let ready = l.reads.acknowledge(from, round, me, &self.conf.quorum, lease);
        for p in ready {
            self.answer_read(p.origin, p.ctx, p.index, "heartbeat round");
        }
    }

    /// The leader committed an entry of its own term: reads that waited for
    /// that can proceed.
    pub(super) fn release_reads_awaiting_commit(&mut self, now: Time) {
        let Some(l) = self.leader_state_mut() else { return };
        for (origin, ctx) in std::mem::take(&mut l.reads.awaiting_commit) {
            self.leader_read(now, origin, ctx);
        }
    }

    fn answer_read(&mut self, origin: NodeId, ctx: u64, index: LogIndex, how: &'static str) {
        if origin == self.config.id {
            self.ready_read(ctx, index, how);
        } else {
            let term = self.current_term();
            let reply = ReadIndexReply { term, ctx, index: Some(index) };
            self.send(origin, Message::ReadIndexReply(reply));
        }
    }

    fn ready_read(&mut self, ctx: u64, index: LogIndex, how: &'static str) {
        self.ready.events.push(Event::ReadReady { ctx, index, how });
        self.ready.read_states.push(ReadState { ctx, index: Some(index) });
    }
}
