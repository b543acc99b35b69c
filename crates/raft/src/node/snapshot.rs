//! Snapshots and log compaction (§7, Figure 13). A server folds its applied
//! prefix into a snapshot of the state machine and discards those entries;
//! a leader whose follower needs an entry it has discarded sends the
//! snapshot instead.

use super::{LogWrite, RaftNode};
use crate::event::Event;
use crate::message::{InstallSnapshot, InstallSnapshotReply, Message};
use crate::progress::ProgressState;
use crate::storage::Snapshot;
use crate::types::{LogIndex, NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// Fold every entry up to `index` (which must be applied) into a
    /// snapshot whose state-machine contents are `data`, and discard those
    /// entries from the log.
    pub fn compact(&mut self, index: LogIndex, data: Vec<u8>) -> Result<(), String> {
        let (from, _) = self.log.snapshot_point();
        if index > self.last_applied {
            return Err(format!(
                "only applied entries can go into a snapshot: index {index} is past lastApplied {}",
                self.last_applied
            ));
        }
        if index == 0 {
            return Err("nothing has been applied yet, so there is nothing to snapshot".into());
        }
        if index <= from {
            return Err(format!("the log is already compacted through index {from}"));
        }
        let term = self.log.term_at(index).expect("an applied entry past the snapshot is stored");
        let membership = self.membership_at(index);
        let snapshot =
            Snapshot { last_included_index: index, last_included_term: term, membership, data };
        self.log.compact_to(index, term);
        self.snapshot = Some(snapshot.clone());
        self.ready.log_writes.push(LogWrite::Snapshot(snapshot));
        self.ready.events.push(Event::SnapshotTaken { index, discarded: (index - from) as usize });
        Ok(())
    }

    /// The configuration in effect as of `index`: the newest configuration
    /// entry at or below it, else the snapshot's, else the bootstrap one.
    pub(super) fn membership_at(&self, index: LogIndex) -> crate::membership::Membership {
        match self.log.last_config(index) {
            Some((_, m)) => m.clone(),
            None => self.base_membership(),
        }
    }

    /// The configuration before any entry still in the log.
    pub(super) fn base_membership(&self) -> crate::membership::Membership {
        match &self.snapshot {
            Some(s) => s.membership.clone(),
            None => crate::membership::Membership::of_voters(self.config.voters.iter().copied()),
        }
    }

    /// The latest snapshot, if the log was ever compacted.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// Send `peer` our snapshot: it needs entries we no longer have.
    pub(super) fn send_snapshot(&mut self, peer: NodeId) {
        let Some(snapshot) = self.snapshot.clone() else { return };
        if let Some(pr) = self.progress.get_mut(&peer) {
            // Wait for the answer (or the next heartbeat) before more.
            pr.state = ProgressState::Probe;
            pr.probe_sent = true;
            pr.inflight.clear();
        }
        let index = snapshot.last_included_index;
        self.ready.events.push(Event::SnapshotSent { peer, index });
        let term = self.hard_state.current_term;
        self.send(peer, Message::InstallSnapshot(InstallSnapshot { term, snapshot }));
    }

    /// Figure 13, InstallSnapshot receiver.
    pub(super) fn handle_install_snapshot(&mut self, now: Time, from: NodeId, m: InstallSnapshot) {
        let term = self.hard_state.current_term;
        if m.term < term {
            let reply = InstallSnapshotReply { term, last_index: 0 };
            self.send(from, Message::InstallSnapshotReply(reply));
            return;
        }
        self.follow(now, from);
        let s = m.snapshot;
        let index = s.last_included_index;
        if index > self.commit_index {
            // Keep the log after the snapshot if it agrees at its last
            // entry; otherwise the snapshot replaces the whole log.
            self.log.compact_to(index, s.last_included_term);
            self.commit_index = index;
            self.last_applied = index;
            self.snapshot = Some(s.clone());
            self.ready.log_writes.push(LogWrite::Snapshot(s.clone()));
            self.ready.install_snapshot = Some(s);
            self.ready.events.push(Event::SnapshotInstalled { index, leader: from });
            self.refresh_membership();
        }
        // Everything through our commitIndex matches the leader's log.
        let reply = InstallSnapshotReply { term, last_index: self.commit_index };
        self.send(from, Message::InstallSnapshotReply(reply));
    }

    /// The follower has the snapshot: continue from there.
    pub(super) fn handle_install_snapshot_reply(
        &mut self,
        now: Time,
        from: NodeId,
        m: InstallSnapshotReply,
    ) {
        if self.role != Role::Leader || m.term != self.hard_state.current_term {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else { return };
        if pr.acknowledge(m.last_index) {
            self.maybe_commit(now);
        }
        self.send_entries(now, from);
    }
}
