//! The replicated log (§5.3): entries numbered from 1, each stamped with the
//! term in which a leader created it.
//!
//! The log keeps the index and term of the entry just before its first stored
//! entry (`prev_index`, `prev_term`), so that entries compacted into a snapshot
//! later still answer "which term is at this index" for the consistency check.
//! Until compaction exists that point is (0, 0), which matches every log.

use crate::membership::Membership;
use crate::types::{LogIndex, Term};
use serde::{Deserialize, Serialize};

/// What an entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload<C> {
    /// The empty entry a new leader appends so that it can commit entries
    /// from earlier terms (§8, and the §5.4.2 rule it works around).
    Noop,
    /// A state-machine command from a client, opaque to Raft.
    Command(C),
    /// A new cluster configuration (§6), in effect on each server as soon as
    /// it is in that server's log.
    Config(Membership),
}

/// One log entry: a command, the term in which it was received by the leader,
/// and its position (§5.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry<C> {
    /// The leader's term when the entry was created.
    pub term: Term,
    /// The entry's position in the log.
    pub index: LogIndex,
    /// The command (or a leader's no-op).
    pub payload: Payload<C>,
}

/// A server's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog<C> {
    prev_index: LogIndex,
    prev_term: Term,
    entries: Vec<Entry<C>>,
}

impl<C> Default for RaftLog<C> {
    fn default() -> Self {
        RaftLog { prev_index: 0, prev_term: 0, entries: Vec::new() }
    }
}

impl<C: Clone> RaftLog<C> {
    /// Index of the last entry (0 when empty).
    pub fn last_index(&self) -> LogIndex {
        self.prev_index + self.entries.len() as LogIndex
    }

    /// Term of the last entry (0 when empty): with `last_index`, what a
    /// candidate advertises for the up-to-date check (§5.4.1).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.prev_term, |e| e.term)
    }

    /// Index of the first entry still stored.
    pub fn first_index(&self) -> LogIndex {
        self.prev_index + 1
    }

    /// The term of the entry at `index`, or `None` if the log has no entry
    /// there. Index 0 (and the compaction point) have a known term.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.prev_index {
            return Some(self.prev_term);
        }
        self.get(index).map(|e| e.term)
    }

    /// The entry at `index`, if stored.
    pub fn get(&self, index: LogIndex) -> Option<&Entry<C>> {
        if index <= self.prev_index {
            return None;
        }
        self.entries.get((index - self.prev_index - 1) as usize)
    }

    /// Entries in `from..=to`, clipped to what is stored.
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> &[Entry<C>] {
        let lo = from.max(self.first_index());
        let hi = to.min(self.last_index());
        if lo > hi {
            return &[];
        }
        let base = self.prev_index + 1;
        &self.entries[(lo - base) as usize..=(hi - base) as usize]
    }

    /// Every stored entry, oldest first.
    pub fn entries(&self) -> &[Entry<C>] {
        &self.entries
    }

    /// Append one entry at the end. The caller guarantees `entry.index` is
    /// `last_index() + 1`.
    pub fn push(&mut self, entry: Entry<C>) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }

    /// Delete the entry at `index` and every entry after it: a follower's
    /// answer to a conflict with the leader (§5.3, Figure 2 receiver rule 3).
    pub fn truncate_from(&mut self, index: LogIndex) {
        let keep = index.saturating_sub(self.prev_index + 1) as usize;
        self.entries.truncate(keep);
    }

    /// Does this log hold an entry at `index` with term `term`? The
    /// AppendEntries consistency check (§5.3).
    pub fn matches(&self, index: LogIndex, term: Term) -> bool {
        self.term_at(index) == Some(term)
    }

    /// The first index of the term of the entry at `index`: the hint a
    /// follower returns so that a leader can skip a whole conflicting term
    /// per round trip (§5.3, the optimization at the end of the section).
    pub fn first_index_of_term_at(&self, index: LogIndex) -> LogIndex {
        let Some(term) = self.term_at(index) else {
            return index;
        };
        let mut i = index;
        while i > self.first_index() && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// The newest configuration entry at or below `upto`, with its index.
    pub fn last_config(&self, upto: LogIndex) -> Option<(LogIndex, &Membership)> {
        self.slice(self.first_index(), upto).iter().rev().find_map(|e| match &e.payload {
            Payload::Config(m) => Some((e.index, m)),
            _ => None,
        })
    }

    /// The index and term of the last entry folded into a snapshot (0, 0 if
    /// none): the point every stored entry follows.
    pub fn snapshot_point(&self) -> (LogIndex, Term) {
        (self.prev_index, self.prev_term)
    }

    /// Discard every entry up to and including `index`, which a snapshot
    /// now covers (§7). Later entries stay. If the log does not reach
    /// `index` (a follower installing the leader's snapshot), it is emptied.
    pub fn compact_to(&mut self, index: LogIndex, term: Term) {
        if index <= self.prev_index {
            return;
        }
        // §7: if the log has the snapshot's last entry, keep what follows;
        // otherwise discard the whole log.
        if self.term_at(index) == Some(term) {
            let drop = (index - self.prev_index) as usize;
            self.entries.drain(..drop);
        } else {
            self.entries.clear();
        }
        self.prev_index = index;
        self.prev_term = term;
    }

    /// Is a log ending at (`last_index`, `last_term`) at least as up-to-date as
    /// this one? Compare the last terms; if equal, the longer log wins
    /// (§5.4.1).
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[Term]) -> RaftLog<u32> {
        let mut l = RaftLog::default();
        for (i, &t) in terms.iter().enumerate() {
            l.push(Entry { term: t, index: i as u64 + 1, payload: Payload::Noop });
        }
        l
    }

    #[test]
    fn index_zero_matches_every_log() {
        assert!(log(&[]).matches(0, 0));
        assert!(log(&[1, 2]).matches(0, 0));
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let l = log(&[1, 1, 2]);
        assert!(l.is_up_to_date(1, 3), "higher last term wins even if shorter");
        assert!(l.is_up_to_date(3, 2), "same last term, same length");
        assert!(!l.is_up_to_date(2, 2), "same last term, shorter loses");
        assert!(!l.is_up_to_date(9, 1), "lower last term loses even if longer");
    }

    #[test]
    fn truncate_and_slice() {
        let mut l = log(&[1, 1, 2, 3]);
        assert_eq!(l.slice(2, 3).iter().map(|e| e.index).collect::<Vec<_>>(), vec![2, 3]);
        assert!(l.slice(5, 9).is_empty());
        l.truncate_from(3);
        assert_eq!(l.last_index(), 2);
        assert_eq!(l.last_term(), 1);
    }

    #[test]
    fn first_index_of_term_walks_back_over_one_term() {
        let l = log(&[1, 2, 2, 2, 3]);
        assert_eq!(l.first_index_of_term_at(4), 2);
        assert_eq!(l.first_index_of_term_at(5), 5);
        assert_eq!(l.first_index_of_term_at(1), 1);
    }
}
