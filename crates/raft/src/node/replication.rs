//! Log replication (§5.3) and commitment (§5.3, §5.4.2).

use super::{LogWrite, RaftNode};
use crate::event::{AppendRejectReason, CommitBy, Event};
use crate::log::{Entry, Payload};
use crate::message::{AppendEntries, AppendEntriesReply, Message};
use crate::progress::ProgressState;
use crate::types::{LogIndex, NodeId, Role, Time};

impl<C: Clone> RaftNode<C> {
    /// Append an entry of the leader's current term to its own log.
    pub(super) fn append_as_leader(&mut self, payload: Payload<C>) -> LogIndex {
        let index = self.leader_entry(payload);
        self.ready.log_writes.push(LogWrite::Append { first: index, last: index });
        index
    }

    /// Put an entry of the leader's current term at the end of its own log;
    /// returns its index, for the log write that persists it.
    pub(super) fn leader_entry(&mut self, payload: Payload<C>) -> LogIndex {
        let index = self.persistent.log.last_index() + 1;
        self.persistent.log.push(Entry { term: self.current_term(), index, payload });
        index
    }

    /// Send new entries to every follower that flow control allows.
    pub(super) fn broadcast_entries(&mut self, now: Time) {
        for k in 0..self.conf.peers.len() {
            self.send_entries(now, self.conf.peers[k]);
        }
    }

    /// Every heartbeat interval the leader contacts every follower, so none
    /// times out (§5.2). Each contact is also a retry point: an unanswered
    /// probe is re-sent, and entries in flight for a whole interval are
    /// presumed lost and sent again from matchIndex + 1.
    pub(super) fn broadcast_heartbeat(&mut self, now: Time) {
        let interval = self.config.heartbeat_interval;
        let max_inflight = self.config.max_inflight;
        self.volatile.round += 1;
        let round = self.volatile.round;
        let Some(l) = self.leader_state_mut() else { return };
        l.heartbeat_deadline = now + interval;
        l.reads.round_sent.push_back((round, now));
        for k in 0..self.conf.peers.len() {
            let peer = self.conf.peers[k];
            let last = self.persistent.log.last_index();
            let Some(pr) = self.progress_mut(peer) else {
                continue;
            };
            match pr.state {
                ProgressState::Probe => {
                    pr.heartbeat_elapsed();
                    self.send_entries(now, peer);
                }
                ProgressState::Replicate => {
                    if pr.oldest_inflight_sent().is_some_and(|t| t + interval <= now) {
                        let next = pr.match_index + 1;
                        pr.become_probe(next);
                        self.send_entries(now, peer);
                    } else if pr.can_send(max_inflight) && pr.next_index <= last {
                        self.send_entries(now, peer);
                    } else {
                        // An empty AppendEntries anchored at matchIndex: it
                        // always matches, so it only asserts leadership and
                        // carries the commitIndex.
                        let prev = pr.match_index;
                        self.send_append(peer, prev, Vec::new());
                    }
                }
            }
        }
    }

    /// Send `peer` the entries from its nextIndex on, if flow control allows.
    /// In probe state this sends a (possibly empty) probe; in replicate state
    /// it sends only when there is something new.
    pub(super) fn send_entries(&mut self, now: Time, peer: NodeId) {
        let last = self.persistent.log.last_index();
        let max_inflight = self.config.max_inflight;
        let max_entries = self.config.max_entries_per_append as LogIndex;
        let Some(pr) = self.progress_mut(peer) else {
            return;
        };
        if !pr.can_send(max_inflight)
            || (pr.state == ProgressState::Replicate && pr.next_index > last)
        {
            return;
        }
        let next = pr.next_index;
        let upto = last.min(next + max_entries - 1);
        pr.sent(upto.max(next - 1), now);
        let entries = self.persistent.log.cloned_range(next..=upto);
        self.send_append(peer, next - 1, entries);
    }

    fn send_append(&mut self, peer: NodeId, prev_log_index: LogIndex, entries: Vec<Entry<C>>) {
        let Some(prev_log_term) = self.persistent.log.term_at(prev_log_index) else {
            // §7: the entry is compacted away; only the snapshot can help.
            self.send_snapshot(peer);
            return;
        };
        let msg = AppendEntries {
            term: self.current_term(),
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.volatile.commit_index,
            round: self.volatile.round,
        };
        self.send(peer, Message::AppendEntries(msg));
    }

    /// Figure 2, AppendEntries receiver.
    pub(super) fn handle_append_entries(&mut self, now: Time, from: NodeId, m: AppendEntries<C>) {
        let term = self.current_term();
        if m.term < term {
            // Rule 1: reply false if term < currentTerm. The reply's term
            // tells the stale leader to step down.
            let reason = AppendRejectReason::StaleTerm { current_term: term };
            self.reject_append(from, &m, 0, reason);
            return;
        }
        self.follow(now, from);

        // Entries up to our snapshot are committed, so they match the
        // leader's: say how far we are and let it continue from there.
        let (snapshot_index, _) = self.persistent.log.snapshot_point();
        if m.prev_log_index < snapshot_index {
            let reply = AppendEntriesReply {
                term: self.current_term(),
                success: true,
                index: self.volatile.commit_index,
                conflict_hint: 0,
                round: m.round,
            };
            self.send(from, Message::AppendEntriesReply(reply));
            return;
        }

        // Rule 2: reply false if the log has no entry at prevLogIndex whose
        // term matches prevLogTerm.
        match self.persistent.log.term_at(m.prev_log_index) {
            None => {
                let hint = self.persistent.log.last_index() + 1;
                let reason = AppendRejectReason::NoEntryAt { index: m.prev_log_index };
                self.reject_append(from, &m, hint, reason);
                return;
            }
            Some(ours) if ours != m.prev_log_term => {
                let hint = self.persistent.log.first_index_of_term_at(m.prev_log_index);
                let reason = AppendRejectReason::TermMismatch {
                    index: m.prev_log_index,
                    ours,
                    theirs: m.prev_log_term,
                };
                self.reject_append(from, &m, hint, reason);
                return;
            }
            Some(_) => {}
        }

        // Rules 3 and 4.
        let match_index = m.prev_log_index + m.entries.len() as LogIndex;
        let round = m.round;
        let prev_log = (m.prev_log_index, m.prev_log_term);
        let appended = self.store_entries(m.prev_log_index, m.entries);
        let accepted = Event::AppendAccepted { leader: from, match_index, appended, prev_log };
        self.ready.events.push(accepted);

        // Rule 5: commitIndex = min(leaderCommit, index of last new entry).
        // Only the prefix this request vouched for may be committed: entries
        // past it could still be a stale leader's leftovers.
        let commit = m.leader_commit.min(match_index);
        if commit > self.volatile.commit_index {
            let leader_commit = m.leader_commit;
            self.advance_commit(
                commit,
                CommitBy::LeaderCommit { leader_commit, last_new: match_index },
            );
        }
        let reply = AppendEntriesReply {
            term: self.current_term(),
            success: true,
            index: match_index,
            conflict_hint: 0,
            round,
        };
        self.send(from, Message::AppendEntriesReply(reply));
    }

    /// Figure 2, AppendEntries receiver rules 3 and 4: delete an existing
    /// entry that conflicts with a new one (same index, different term) and
    /// all that follow; append any new entries not already in the log.
    /// Entries that already match are kept, so a delayed or duplicated
    /// AppendEntries never shortens the log. Returns how many were appended.
    fn store_entries(&mut self, prev_log_index: LogIndex, mut entries: Vec<Entry<C>>) -> usize {
        let old_suffix = if self.config.bugs.append_without_truncating_conflicts {
            self.persistent.log.cloned_range(prev_log_index + 1..=self.persistent.log.last_index())
        } else {
            Vec::new()
        };
        // The entries the log already holds are a prefix of the request:
        // everything from the first one it lacks (or holds with another
        // term) on is new. Usually that is all of them, and the request's
        // list becomes the log write as it is.
        let log = &self.persistent.log;
        let held = entries.iter().take_while(|e| log.term_at(e.index) == Some(e.term)).count();
        let mut new_entries = if held == 0 { entries } else { entries.split_off(held) };
        let mut truncated_any = false;
        if let Some(first) = new_entries.first() {
            if self.persistent.log.term_at(first.index).is_some() {
                let from_index = first.index;
                let removed = (self.persistent.log.last_index() - from_index + 1) as usize;
                self.ready.committed.before_cut(&self.persistent.log, from_index..=LogIndex::MAX);
                self.persistent.log.truncate_from(from_index);
                truncated_any = true;
                self.ready.log_writes.push(LogWrite::TruncateFrom(from_index));
                self.ready.events.push(Event::ConflictTruncated { from_index, removed });
            }
        }
        if self.config.bugs.append_without_truncating_conflicts && !new_entries.is_empty() {
            // The bug: the entries after the ones the leader sent survive.
            let after = new_entries.last().map_or(0, |e| e.index) + 1;
            new_entries.extend(old_suffix.into_iter().filter(|e| e.index >= after));
        }
        let appended = new_entries.len();
        let config_changed = truncated_any
            || new_entries.iter().any(|e| matches!(e.payload, crate::log::Payload::Config(_)));
        if let Some(first) = new_entries.first().map(|e| e.index) {
            new_entries.into_iter().for_each(|e| self.persistent.log.push(e));
            let last = self.persistent.log.last_index();
            self.ready.log_writes.push(LogWrite::Append { first, last });
        }
        if config_changed {
            // §6: the newest configuration in the log is the one in effect,
            // committed or not; a truncation can bring an older one back.
            self.refresh_membership();
        }
        appended
    }

    fn reject_append(
        &mut self,
        to: NodeId,
        m: &AppendEntries<C>,
        conflict_hint: LogIndex,
        reason: AppendRejectReason,
    ) {
        let prev_log = (m.prev_log_index, m.prev_log_term);
        self.ready.events.push(Event::AppendRejected { leader: to, reason, prev_log });
        let reply = AppendEntriesReply {
            term: self.current_term(),
            success: false,
            index: m.prev_log_index,
            conflict_hint,
            round: m.round,
        };
        self.send(to, Message::AppendEntriesReply(reply));
    }

    /// The leader learns how far a follower's log matches. On success it
    /// advances matchIndex/nextIndex and tries to commit; on rejection it
    /// moves nextIndex back and probes again (§5.3).
    pub(super) fn handle_append_reply(&mut self, now: Time, from: NodeId, m: AppendEntriesReply) {
        if self.role() != Role::Leader || m.term != self.current_term() {
            return;
        }
        let fast = self.config.fast_backtrack;
        // Success or not, the reply shows `from` recognised this leader.
        self.acknowledge_round(from, m.round);
        let Some(pr) = self.progress_mut(from) else {
            return;
        };
        if m.success {
            if pr.maybe_update(m.index) {
                self.maybe_commit(now);
            }
            self.send_entries(now, from);
            self.maybe_send_timeout_now(from);
            self.maybe_promote(now);
            return;
        }
        // Walk back one entry, or with fast backtracking jump to the
        // follower's hint.
        if !pr.maybe_decr_to(m.index, fast.then_some(m.conflict_hint)) {
            return;
        }
        let next_index = pr.next_index;
        self.ready.events.push(Event::NextIndexBackedOff { peer: from, next_index });
        self.send_entries(now, from);
    }

    /// §5.3/§5.4.2: the leader commits the highest index stored on a
    /// majority of voters, but only if that entry is from its current term;
    /// earlier entries then commit indirectly (the Figure 8 lesson).
    pub(super) fn maybe_commit(&mut self, now: Time) {
        let (me, last) = (self.config.id, self.persistent.log.last_index());
        let progress = self.progress();
        let n = self.conf.quorum.committed_index_by(|p| {
            if p == me {
                last
            } else {
                progress.get(&p).map_or(0, |pr| pr.match_index)
            }
        });
        let entry_term = self.persistent.log.term_at(n);
        let current_term = entry_term == Some(self.current_term());
        if n > self.volatile.commit_index
            && (current_term || self.config.bugs.commit_by_counting_old_terms)
        {
            let current_term = self.current_term();
            let entry_term = entry_term.unwrap_or_default();
            self.advance_commit(n, CommitBy::Majority { entry_term, current_term });
        }
        if current_term && n == self.volatile.commit_index {
            self.release_reads_awaiting_commit(now);
            self.after_leader_commit(now);
        }
    }

    /// Raise commitIndex and hand the newly committed entries to the caller
    /// to apply, in order (Figure 2: "If commitIndex > lastApplied: increment
    /// lastApplied, apply log[lastApplied] to state machine").
    pub(super) fn advance_commit(&mut self, commit_index: LogIndex, by: CommitBy) {
        self.volatile.commit_index = commit_index;
        self.ready.events.push(Event::CommitAdvanced { commit_index, by });
        let newly = self.volatile.last_applied + 1..=commit_index;
        self.ready.committed.extend(&self.persistent.log, newly);
        self.volatile.last_applied = commit_index;
    }
}
