//! Leader election (§5.2) with the election restriction (§5.4.1).

use super::role::{own_vote, LeaderState, RoleState};
use super::RaftNode;
use crate::event::{Event, VoteCheck, VoteRejectReason};
use crate::log::Payload;
use crate::message::{Message, RequestVote, RequestVoteReply};
use crate::peers::PeerMap;
use crate::quorum::VoteResult;
use crate::types::{NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// The election timeout fired: campaign, or with PreVote first ask
    /// whether a campaign could succeed.
    pub(super) fn start_election(&mut self, now: Time) {
        if !self.may_campaign() {
            // Not a voter (removed, or not yet added): nothing to campaign
            // for. Keep the timer running quietly.
            self.reset_election_timer(now);
            return;
        }
        let term = self.current_term() + 1;
        self.ready.events.push(Event::ElectionTimeout { term });
        if self.config.pre_vote {
            self.start_pre_vote(now);
        } else {
            self.campaign(now, false);
        }
    }

    /// PreVote (thesis §9.6): ask for pre-votes for the next term without
    /// incrementing our own, so a server that cannot win leaves no trace.
    fn start_pre_vote(&mut self, now: Time) {
        let term = self.current_term() + 1;
        let votes = own_vote(self.config.id);
        self.enter_role(self.current_term(), RoleState::PreCandidate { votes });
        self.volatile.leader = None;
        self.reset_election_timer(now);
        self.ready.events.push(Event::BecamePreCandidate { term });
        if self.conf.quorum.vote_result(self.votes()) == VoteResult::Won {
            self.campaign(now, false);
            return;
        }
        let request = RequestVote {
            term,
            last_log_index: self.persistent.log.last_index(),
            last_log_term: self.persistent.log.last_term(),
            leadership_transfer: false,
        };
        for peer in self.voting_peers() {
            self.send(peer, Message::PreVote(request.clone()));
        }
    }

    /// §5.2: "To begin an election, a follower increments its current term
    /// and transitions to candidate state. It then votes for itself and
    /// issues RequestVote RPCs in parallel to each of the other servers."
    pub(super) fn campaign(&mut self, now: Time, leadership_transfer: bool) {
        let term = self.current_term() + 1;
        self.enter_role(term, RoleState::Candidate { votes: own_vote(self.config.id) });
        self.persistent.hard_state.voted_for = Some(self.config.id);
        self.persist_hard_state();
        self.reset_election_timer(now);
        self.ready.events.push(Event::BecameCandidate { term });
        if self.conf.quorum.vote_result(self.votes()) == VoteResult::Won {
            // A cluster of one elects itself.
            self.become_leader(now);
            return;
        }
        let request = RequestVote {
            term,
            last_log_index: self.persistent.log.last_index(),
            last_log_term: self.persistent.log.last_term(),
            leadership_transfer,
        };
        for peer in self.voting_peers() {
            self.send(peer, Message::RequestVote(request.clone()));
        }
    }

    /// Answer a PreVote: grant it if the asker's proposed term is ahead of
    /// ours, we have not heard from a live leader within the minimum election
    /// timeout, and its log is at least as up-to-date as ours. Nothing is
    /// persisted: a pre-vote binds nobody.
    pub(super) fn handle_pre_vote(&mut self, now: Time, from: NodeId, m: RequestVote) {
        let term = self.current_term();
        let heard_from_leader = match self.role() {
            Role::Leader => None,
            _ => self.volatile.leader.filter(|_| self.in_lease(now)),
        };
        let refused = if m.term <= term {
            Some(VoteRejectReason::StaleTerm { current_term: term })
        } else if self.role() == Role::Leader {
            Some(VoteRejectReason::VoterLeads)
        } else if let Some(leader) = heard_from_leader {
            Some(VoteRejectReason::LeaderIsAlive { leader })
        } else {
            self.log_behind(&m)
        };
        let vote_granted = refused.is_none();
        self.ready.events.push(Event::PreVoteAnswered { candidate: from, term: m.term, refused });
        let term = if vote_granted { m.term } else { term };
        self.send(from, Message::PreVoteReply(RequestVoteReply { term, vote_granted }));
    }

    /// A pre-candidate counts a pre-vote; a majority lets it campaign for
    /// real.
    pub(super) fn handle_pre_vote_reply(&mut self, now: Time, from: NodeId, m: RequestVoteReply) {
        let asked = self.current_term() + 1;
        let relevant = if m.vote_granted { m.term == asked } else { m.term <= asked };
        if self.role() != Role::PreCandidate || !relevant || !self.conf.quorum.contains(from) {
            return;
        }
        let (votes, needed, won) = self.tally(from, m.vote_granted);
        self.ready.events.push(Event::PreVoteReceived {
            from,
            granted: m.vote_granted,
            votes,
            needed,
        });
        if won {
            self.campaign(now, false);
        }
    }

    /// Record a (pre-)vote and count: votes granted so far, votes needed
    /// (in C_new), and whether the election is won (in both halves while
    /// joint).
    fn tally(&mut self, from: NodeId, granted: bool) -> (usize, usize, bool) {
        if let RoleState::PreCandidate { votes } | RoleState::Candidate { votes } = &mut self.role {
            votes.insert(from, granted);
        }
        let (votes, needed) = self.vote_count();
        let won = self.conf.quorum.vote_result(self.votes()) == VoteResult::Won;
        (votes, needed, won)
    }

    /// This election so far: (votes granted by voters, votes needed). A
    /// server outside its own configuration may campaign (thesis §4.2.2)
    /// but its own vote does not count. (While joint, both halves must be
    /// won; "needed" is C_new's majority.)
    pub fn vote_count(&self) -> (usize, usize) {
        let granted =
            self.votes().iter().filter(|(v, &g)| g && self.conf.quorum.contains(**v)).count();
        (granted, self.conf.quorum.quorum())
    }

    /// CheckQuorum (thesis §6.2): every minimum election timeout, a leader
    /// that has not heard from a majority (itself included) steps down, so a
    /// leader cut off in a minority stops acting as one.
    pub(super) fn check_quorum(&mut self, now: Time) {
        let next_check = now + self.config.election_timeout_min;
        let Some(l) = self.leader_state_mut() else { return };
        let mut heard = std::mem::take(&mut l.recent_active);
        l.check_quorum_deadline = next_check;
        heard.insert(self.config.id);
        // While joint, a majority of each half must have been heard (§6).
        let mut tally = PeerMap::new();
        tally.extend(self.conf.quorum.voters().into_iter().map(|v| (v, heard.contains(&v))));
        let active = tally.values().filter(|&&h| h).count();
        let needed = self.conf.quorum.quorum();
        if self.conf.quorum.vote_result(&tally) != VoteResult::Won {
            self.ready.events.push(Event::LostQuorum { active, needed });
            let term = self.current_term();
            self.become_follower(now, term);
        }
    }

    /// A voter campaigns. So does a server that was a voter before its newest
    /// configuration, while that configuration is not known to be committed:
    /// until C_new commits, the cluster may still need it to elect a leader
    /// that can commit C_new (thesis §4.2.2) — a leader that removed itself
    /// and restarted is the classic case.
    fn may_campaign(&self) -> bool {
        let id = self.config.id;
        if self.conf.quorum.contains(id) {
            return true;
        }
        self.conf.index > self.volatile.commit_index
            && self.membership_at(self.conf.index - 1).is_voter(id)
    }

    /// The §5.4.1 check: refuse a candidate whose log is behind ours.
    fn log_behind(&self, m: &RequestVote) -> Option<VoteRejectReason> {
        if self.config.bugs.vote_without_log_check
            || self.persistent.log.is_up_to_date(m.last_log_index, m.last_log_term)
        {
            return None;
        }
        Some(VoteRejectReason::LogBehind {
            candidate_last: (m.last_log_index, m.last_log_term),
            voter_last: (self.persistent.log.last_index(), self.persistent.log.last_term()),
        })
    }

    /// Figure 2, RequestVote receiver: refuse a stale term; grant at most one
    /// vote per term, and only to a candidate whose log is at least as
    /// up-to-date as ours (§5.4.1).
    pub(super) fn handle_request_vote(&mut self, now: Time, from: NodeId, m: RequestVote) {
        let term = self.current_term();
        let log = &self.persistent.log;
        let check = VoteCheck {
            candidate_term: m.term,
            candidate_last: (m.last_log_index, m.last_log_term),
            voted_for: self.persistent.hard_state.voted_for,
            my_last: (log.last_index(), log.last_term()),
        };
        let reject = if m.term < term {
            Some(VoteRejectReason::StaleTerm { current_term: term })
        } else if let Some(voted_for) = self.persistent.hard_state.voted_for.filter(|&v| v != from)
        {
            Some(VoteRejectReason::AlreadyVoted { voted_for })
        } else {
            self.log_behind(&m)
        };
        let vote_granted = reject.is_none();
        match reject {
            Some(reason) => {
                self.ready.events.push(Event::VoteRejected { candidate: from, term, reason, check })
            }
            None => {
                self.persistent.hard_state.voted_for = Some(from);
                self.persist_hard_state();
                // §5.2: granting a vote restarts the election timer.
                self.reset_election_timer(now);
                self.ready.events.push(Event::VoteGranted { candidate: from, term, check });
            }
        }
        self.send(from, Message::RequestVoteReply(RequestVoteReply { term, vote_granted }));
    }

    /// A candidate counts a vote; a majority of all voters makes it leader.
    /// A split vote simply waits for the next election timeout (§5.2).
    pub(super) fn handle_vote_reply(&mut self, now: Time, from: NodeId, m: RequestVoteReply) {
        if self.role() != Role::Candidate
            || m.term != self.current_term()
            || !self.conf.quorum.contains(from)
        {
            return;
        }
        let (votes, needed, won) = self.tally(from, m.vote_granted);
        self.ready.events.push(Event::VoteReceived {
            from,
            granted: m.vote_granted,
            votes,
            needed,
        });
        if won {
            self.become_leader(now);
        }
    }

    /// Take office: fresh nextIndex/matchIndex for every follower (§5.3),
    /// append a no-op so entries from earlier terms can commit (§8), and
    /// announce leadership with AppendEntries at once (§5.2).
    fn become_leader(&mut self, now: Time) {
        let leader = LeaderState::new(
            self.peers(),
            self.persistent.log.last_index(),
            now + self.config.heartbeat_interval,
            now + self.config.election_timeout_min,
        );
        self.enter_role(self.current_term(), RoleState::Leader(Box::new(leader)));
        self.volatile.leader = Some(self.config.id);
        self.ready.events.push(Event::BecameLeader { term: self.current_term() });
        let index = self.append_as_leader(Payload::Noop);
        self.ready.events.push(Event::AppendedNoop { index });
        self.maybe_commit(now);
        self.broadcast_entries(now);
    }
}
