//! Snapshots and log compaction (§7, Figure 13). A server folds its applied
//! prefix into a snapshot of the state machine and discards those entries;
//! a leader whose follower needs an entry it has discarded sends the
//! snapshot instead.

use super::{LogWrite, RaftNode};
use crate::event::Event;
use crate::message::{InstallSnapshot, InstallSnapshotReply, Message};
use crate::storage::Snapshot;
use crate::types::{LogIndex, NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// Fold every entry up to `index` (which must be applied) into a
    /// snapshot whose state-machine contents are `data`, and discard those
    /// entries from the log.
    pub fn compact(&mut self, index: LogIndex, data: Vec<u8>) -> Result<(), String> {
        let (from, _) = self.persistent.log.snapshot_point();
        if index > self.volatile.last_applied {
            return Err(format!(
                "only applied entries can go into a snapshot: index {index} is past lastApplied {}",
                self.volatile.last_applied
            ));
        }
        if index == 0 {
            return Err("nothing has been applied yet, so there is nothing to snapshot".into());
        }
        if index <= from {
            return Err(format!("the log is already compacted through index {from}"));
        }
        let term = self
            .persistent
            .log
            .term_at(index)
            .expect("an applied entry past the snapshot is stored");
        let membership = self.membership_at(index);
        let snapshot =
            Snapshot { last_included_index: index, last_included_term: term, membership, data };
        // Entries committed in this Ready are still handed out to apply.
        self.ready.committed.before_cut(&self.persistent.log, 0..=index);
        self.persistent.log.compact_to(index, term);
        self.persistent.snapshot = Some(snapshot.clone());
        self.ready.log_writes.push(LogWrite::Snapshot(snapshot));
        self.ready.events.push(Event::SnapshotTaken { index, discarded: (index - from) as usize });
        Ok(())
    }

    /// The latest snapshot, if the log was ever compacted.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.persistent.snapshot.as_ref()
    }

    /// Send `peer` our snapshot: it needs entries we no longer have.
    pub(super) fn send_snapshot(&mut self, peer: NodeId) {
        let Some(snapshot) = self.persistent.snapshot.clone() else { return };
        if let Some(pr) = self.progress_mut(peer) {
            pr.sent_snapshot();
        }
        let index = snapshot.last_included_index;
        self.ready.events.push(Event::SnapshotSent { peer, index });
        let term = self.current_term();
        self.send(peer, Message::InstallSnapshot(InstallSnapshot { term, snapshot }));
    }

    /// Figure 13, InstallSnapshot receiver.
    pub(super) fn handle_install_snapshot(&mut self, now: Time, from: NodeId, m: InstallSnapshot) {
        let term = self.current_term();
        if m.term < term {
            let reply = InstallSnapshotReply { term, last_index: 0 };
            self.send(from, Message::InstallSnapshotReply(reply));
            return;
        }
        self.follow(now, from);
        let s = m.snapshot;
        let index = s.last_included_index;
        if index > self.volatile.commit_index {
            // Keep the log after the snapshot if it agrees at its last
            // entry; otherwise the snapshot replaces the whole log. Either
            // way the entries committed in this Ready are handed out still.
            self.ready.committed.before_cut(&self.persistent.log, 0..=LogIndex::MAX);
            self.persistent.log.compact_to(index, s.last_included_term);
            self.volatile.commit_index = index;
            self.volatile.last_applied = index;
            self.persistent.snapshot = Some(s.clone());
            self.ready.log_writes.push(LogWrite::Snapshot(s.clone()));
            self.ready.install_snapshot = Some(s);
            self.ready.events.push(Event::SnapshotInstalled { index, leader: from });
            self.refresh_membership();
        }
        // Everything through our commitIndex matches the leader's log.
        let reply = InstallSnapshotReply { term, last_index: self.volatile.commit_index };
        self.send(from, Message::InstallSnapshotReply(reply));
    }

    /// The follower has the snapshot: continue from there.
    pub(super) fn handle_install_snapshot_reply(
        &mut self,
        now: Time,
        from: NodeId,
        m: InstallSnapshotReply,
    ) {
        if self.role() != Role::Leader || m.term != self.current_term() {
            return;
        }
        let Some(pr) = self.progress_mut(from) else { return };
        if pr.maybe_update(m.last_index) {
            self.maybe_commit(now);
        }
        self.send_entries(now, from);
    }
}
