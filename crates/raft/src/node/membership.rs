//! Configuration changes (§6, thesis ch. 4): the configuration in effect is
//! the newest in the log, committed or not; a leader changes it one entry at
//! a time, through a joint configuration when voters change, and brings new
//! servers in as learners first.

use super::{ProposeError, RaftNode};
use crate::event::Event;
use crate::log::Payload;
use crate::membership::{Membership, MembershipChange};
use crate::progress::Progress;
use crate::types::{LogIndex, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// Adopt the newest configuration in the log (or the bootstrap one).
    /// Called whenever the log changes in a way that can change it.
    pub(super) fn refresh_membership(&mut self) {
        let log = &self.persistent.log;
        let (index, m) = match log.last_config(log.last_index()) {
            Some((i, m)) => (i, m.clone()),
            None => (log.snapshot_point().0, self.base_membership()),
        };
        if index == self.conf.index && m == self.conf.membership {
            return;
        }
        self.conf.quorum = m.quorum();
        let me = self.config.id;
        self.conf.peers = m.members().into_iter().filter(|&p| p != me).collect();
        self.conf.membership = m;
        self.conf.index = index;
        if index > 0 {
            let membership = self.conf.membership.clone();
            self.ready.events.push(Event::ConfigurationInEffect { index, membership });
        }
        let last = self.persistent.log.last_index();
        let members = self.conf.membership.members();
        let peers = self.peers();
        if let Some(l) = self.leader_state_mut() {
            l.progress.retain(|p, _| members.contains(p));
            for p in peers {
                l.progress.get_or_insert_with(p, || Progress::new(last));
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
        self.check_accepting_proposals()?;
        if self.conf.index > self.volatile.commit_index {
            return Err(ProposeError::ConfigChangeInProgress { index: self.conf.index });
        }
        if self.persistent.log.term_at(self.volatile.commit_index) != Some(self.current_term()) {
            return Err(ProposeError::NotCommittedInTerm);
        }
        let next = self
            .conf
            .membership
            .apply(&change)
            .map_err(|reason| ProposeError::InvalidConfigChange { reason })?;
        if let (MembershipChange::AddServer(id), Some(l)) = (&change, self.leader_state_mut()) {
            l.promote_when_caught_up.insert(*id);
        }
        let index = self.append_as_leader(Payload::Config(Box::new(next)));
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
        if self.role() != Role::Leader || self.conf.index > self.volatile.commit_index {
            return;
        }
        if self.conf.membership.is_joint() {
            let next = self.conf.membership.leave_joint();
            let index = self.append_as_leader(Payload::Config(Box::new(next)));
            self.ready.events.push(Event::LeavingJoint { index });
            self.refresh_membership();
            self.maybe_commit(now);
            self.broadcast_entries(now);
        } else if !self.conf.membership.is_voter(self.config.id) {
            self.ready.events.push(Event::RemovedFromCluster);
            let term = self.current_term();
            self.become_follower(now, term);
        } else {
            self.maybe_promote(now);
        }
    }

    /// Promote the first learner that was added as a server and now holds
    /// every committed entry.
    pub(super) fn maybe_promote(&mut self, now: Time) {
        let commit = self.volatile.commit_index;
        let Some(l) = self.leader_state() else { return };
        let ready = l.promote_when_caught_up.iter().copied().find(|id| {
            self.conf.membership.is_learner(*id)
                && l.progress.get(id).is_some_and(|p| p.match_index >= commit)
        });
        if let Some(id) = ready {
            if self.propose_membership(now, MembershipChange::PromoteLearner(id)).is_ok() {
                if let Some(l) = self.leader_state_mut() {
                    l.promote_when_caught_up.remove(&id);
                }
            }
        }
    }

    /// The configuration in effect as of `index`: the newest configuration
    /// entry at or below it, else the snapshot's, else the bootstrap one.
    pub(super) fn membership_at(&self, index: LogIndex) -> Membership {
        // The configuration in effect is the newest in the log (§6): at or
        // past its entry there is no newer one to look for.
        if index >= self.conf.index {
            debug_assert_eq!(self.conf.membership, self.membership_in_log_at(index));
            return self.conf.membership.clone();
        }
        self.membership_in_log_at(index)
    }

    /// [`membership_at`](Self::membership_at), found by walking the log
    /// back from `index`.
    fn membership_in_log_at(&self, index: LogIndex) -> Membership {
        match self.persistent.log.last_config(index) {
            Some((_, m)) => m.clone(),
            None => self.base_membership(),
        }
    }

    /// The configuration before any entry still in the log.
    pub(super) fn base_membership(&self) -> Membership {
        match &self.persistent.snapshot {
            Some(s) => s.membership.clone(),
            None => Membership::of_voters(self.config.voters.iter().copied()),
        }
    }
}
