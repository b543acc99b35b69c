//! Leader election (§5.2) with the election restriction (§5.4.1).

use super::RaftNode;
use crate::event::{Event, VoteRejectReason};
use crate::log::Payload;
use crate::message::{Message, RequestVote, RequestVoteReply};
use crate::progress::Progress;
use crate::quorum::VoteResult;
use crate::types::{NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// §5.2: "To begin an election, a follower increments its current term
    /// and transitions to candidate state. It then votes for itself and
    /// issues RequestVote RPCs in parallel to each of the other servers."
    pub(super) fn start_election(&mut self, now: Time) {
        let term = self.hard_state.current_term + 1;
        self.ready.events.push(Event::ElectionTimeout { term });
        self.hard_state.current_term = term;
        self.hard_state.voted_for = Some(self.config.id);
        self.persist_hard_state();
        self.role = Role::Candidate;
        self.leader = None;
        self.progress.clear();
        self.votes.clear();
        self.votes.insert(self.config.id, true);
        self.reset_election_timer(now);
        self.ready.events.push(Event::BecameCandidate { term });
        if self.quorum.vote_result(&self.votes) == VoteResult::Won {
            // A cluster of one elects itself.
            self.become_leader(now);
            return;
        }
        let request = RequestVote {
            term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        for peer in self.peers() {
            self.send(peer, Message::RequestVote(request.clone()));
        }
    }

    /// Figure 2, RequestVote receiver: refuse a stale term; grant at most one
    /// vote per term, and only to a candidate whose log is at least as
    /// up-to-date as ours (§5.4.1).
    pub(super) fn handle_request_vote(&mut self, now: Time, from: NodeId, m: RequestVote) {
        let term = self.hard_state.current_term;
        let reject = if m.term < term {
            Some(VoteRejectReason::StaleTerm { current_term: term })
        } else if let Some(voted_for) = self.hard_state.voted_for.filter(|&v| v != from) {
            Some(VoteRejectReason::AlreadyVoted { voted_for })
        } else if !self.config.bugs.vote_without_log_check
            && !self.log.is_up_to_date(m.last_log_index, m.last_log_term)
        {
            Some(VoteRejectReason::LogBehind {
                candidate_last: (m.last_log_index, m.last_log_term),
                voter_last: (self.log.last_index(), self.log.last_term()),
            })
        } else {
            None
        };
        let vote_granted = reject.is_none();
        match reject {
            Some(reason) => {
                self.ready.events.push(Event::VoteRejected { candidate: from, term, reason })
            }
            None => {
                self.hard_state.voted_for = Some(from);
                self.persist_hard_state();
                // §5.2: granting a vote restarts the election timer.
                self.reset_election_timer(now);
                self.ready.events.push(Event::VoteGranted { candidate: from, term });
            }
        }
        self.send(from, Message::RequestVoteReply(RequestVoteReply { term, vote_granted }));
    }

    /// A candidate counts a vote; a majority of all voters makes it leader.
    /// A split vote simply waits for the next election timeout (§5.2).
    pub(super) fn handle_vote_reply(&mut self, now: Time, from: NodeId, m: RequestVoteReply) {
        if self.role != Role::Candidate
            || m.term != self.hard_state.current_term
            || !self.quorum.contains(from)
        {
            return;
        }
        self.votes.insert(from, m.vote_granted);
        let votes = self.votes.values().filter(|&&g| g).count();
        self.ready.events.push(Event::VoteReceived {
            from,
            granted: m.vote_granted,
            votes,
            needed: self.quorum.quorum(),
        });
        if self.quorum.vote_result(&self.votes) == VoteResult::Won {
            self.become_leader(now);
        }
    }

    /// Take office: fresh nextIndex/matchIndex for every follower (§5.3),
    /// append a no-op so entries from earlier terms can commit (§8), and
    /// announce leadership with AppendEntries at once (§5.2).
    fn become_leader(&mut self, now: Time) {
        self.role = Role::Leader;
        self.leader = Some(self.config.id);
        self.votes.clear();
        let last = self.log.last_index();
        self.progress = self.peers().into_iter().map(|p| (p, Progress::new(last))).collect();
        self.ready.events.push(Event::BecameLeader { term: self.hard_state.current_term });
        let index = self.append_as_leader(Payload::Noop);
        self.ready.events.push(Event::AppendedNoop { index });
        self.maybe_commit();
        self.broadcast_entries(now);
        self.heartbeat_deadline = now + self.config.heartbeat_interval;
    }
}
