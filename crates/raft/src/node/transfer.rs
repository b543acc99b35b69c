//! Leadership transfer (Raft thesis §3.10): the leader stops taking
//! commands, brings the chosen server's log up to date, then tells it to
//! time out at once with TimeoutNow; it wins the election that follows
//! because its log is as up-to-date as anyone's.

use super::{ProposeError, RaftNode};
use crate::event::Event;
use crate::message::{Message, TimeoutNow};
use crate::types::{NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// Ask this leader to hand leadership to `target`. It gives up if the
    /// transfer has not finished within an election timeout.
    pub fn transfer_leadership(&mut self, now: Time, target: NodeId) -> Result<(), ProposeError> {
        let until = now + self.config.election_timeout_max;
        let invalid = target == self.config.id || !self.conf.quorum.contains(target);
        let leader_hint = self.volatile.leader;
        let Some(l) = self.leader_state_mut() else {
            return Err(ProposeError::NotLeader { leader_hint });
        };
        if invalid {
            return Err(ProposeError::InvalidTransferTarget { target });
        }
        l.transfer = Some((target, until));
        self.ready.events.push(Event::TransferStarted { target });
        self.send_entries(now, target);
        self.maybe_send_timeout_now(target);
        Ok(())
    }

    /// If `peer` is the transfer target and holds the leader's whole log,
    /// tell it to start an election now.
    pub(super) fn maybe_send_timeout_now(&mut self, peer: NodeId) {
        let Some((target, _)) = self.leader_state().and_then(|l| l.transfer) else { return };
        let caught_up = self
            .progress()
            .get(&peer)
            .is_some_and(|p| p.match_index == self.persistent.log.last_index());
        if target == peer && caught_up {
            self.ready.events.push(Event::TimeoutNowSent { target });
            let term = self.current_term();
            self.send(target, Message::TimeoutNow(TimeoutNow { term }));
        }
    }

    pub(super) fn abort_transfer(&mut self) {
        if let Some((target, _)) = self.leader_state_mut().and_then(|l| l.transfer.take()) {
            self.ready.events.push(Event::TransferAborted { target });
        }
    }

    /// The leader of our term says: campaign now, skipping PreVote.
    pub(super) fn handle_timeout_now(&mut self, now: Time, from: NodeId) {
        if self.role() != Role::Follower
            || self.volatile.leader != Some(from)
            || !self.conf.quorum.contains(self.config.id)
        {
            return;
        }
        self.ready.events.push(Event::TimeoutNowReceived { from });
        self.campaign(now, true);
    }
}
