//! The committed entries a [`Ready`](super::Ready) hands out to apply
//! (Figure 2: "If commitIndex > lastApplied: increment lastApplied, apply
//! log[lastApplied] to state machine"), named by their indices in the
//! server's log rather than copied out of it.

use crate::log::{Entry, RaftLog};
use crate::types::LogIndex;
use std::ops::RangeInclusive;

/// Newly committed entries, in index order: a range of the server's log,
/// read from the log once the Ready is taken
/// ([`iter`](Self::iter)`(node.log())`), so that handing an entry out
/// copies nothing.
///
/// The range holds while the log does: the caller applies a Ready before
/// the server's next input (the input after which it took it). Within one
/// Ready, an entry that commits and is then cut from the log — compacted
/// into a snapshot (§7), replaced by a leader's snapshot, or truncated
/// (§5.3, which Raft never does to a committed entry, but a deliberately
/// broken server may) — is copied out before it goes, and still handed
/// out, first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed<C> {
    /// Entries copied out of the log before a cut, handed out before the
    /// range.
    saved: Vec<Entry<C>>,
    /// The entries `start..end` of the log, all of them stored when they
    /// committed.
    start: LogIndex,
    end: LogIndex,
}

impl<C> Default for Committed<C> {
    fn default() -> Self {
        Committed { saved: Vec::new(), start: 0, end: 0 }
    }
}

impl<C> Committed<C> {
    /// Is there nothing to apply?
    pub fn is_empty(&self) -> bool {
        self.saved.is_empty() && self.start == self.end
    }

    /// How many entries there are to apply.
    pub fn len(&self) -> usize {
        self.saved.len() + (self.end - self.start) as usize
    }

    /// Hand nothing out, keeping the room for entries copied out.
    pub fn clear(&mut self) {
        self.saved.clear();
        (self.start, self.end) = (0, 0);
    }

    /// The entries to apply, oldest first. `log` is the server's log as it
    /// was when the Ready was taken ([`RaftNode::log`](crate::RaftNode::log)).
    pub fn iter<'a>(&'a self, log: &'a RaftLog<C>) -> impl Iterator<Item = &'a Entry<C>> + 'a {
        debug_assert!(
            self.start == self.end
                || (log.first_index() <= self.start && self.end <= log.last_index() + 1),
            "the log still holds the committed range"
        );
        Iter {
            saved: self.saved.iter(),
            run: [].iter(),
            log,
            next: self.start.max(log.first_index()),
            end: self.end.min(log.last_index() + 1),
        }
    }

    /// The `n`th entry to apply (from 0), read from `log` as
    /// [`iter`](Self::iter) does: for a caller that applies an entry while
    /// it holds the rest of the server.
    pub fn get<'a>(&'a self, n: usize, log: &'a RaftLog<C>) -> Option<&'a Entry<C>> {
        match n.checked_sub(self.saved.len()) {
            None => self.saved.get(n),
            Some(k) if (k as LogIndex) < self.end - self.start => {
                log.get(self.start + k as LogIndex)
            }
            Some(_) => None,
        }
    }
}

/// [`Committed::iter`]: the entries copied out, then the range, read from
/// the log a run of its storage at a time.
struct Iter<'a, C> {
    saved: std::slice::Iter<'a, Entry<C>>,
    run: std::slice::Iter<'a, Entry<C>>,
    log: &'a RaftLog<C>,
    /// The range's entries not yet in `run`: `next..end`.
    next: LogIndex,
    end: LogIndex,
}

impl<'a, C> Iterator for Iter<'a, C> {
    type Item = &'a Entry<C>;

    #[inline]
    fn next(&mut self) -> Option<&'a Entry<C>> {
        if let Some(e) = self.saved.next().or_else(|| self.run.next()) {
            return Some(e);
        }
        if self.next >= self.end {
            return None;
        }
        let run = self.log.run_at(self.next, self.end);
        self.next += run.len() as LogIndex;
        self.run = run.iter();
        self.run.next()
    }
}

impl<C: Clone> Committed<C> {
    /// Hand out the entries in `newly` that `log` stores (those it does not
    /// are in a snapshot, which the state machine already holds).
    pub(super) fn extend(&mut self, log: &RaftLog<C>, newly: RangeInclusive<LogIndex>) {
        let lo = (*newly.start()).max(log.first_index());
        let hi = (*newly.end()).min(log.last_index());
        if lo > hi {
            return;
        }
        if self.start != self.end && lo != self.end {
            // Not where the range ends: keep the range apart.
            self.save(log);
        }
        if self.start == self.end {
            self.start = lo;
        }
        self.end = hi + 1;
    }

    /// `log` is about to lose its entries in `cut`: copy out those of the
    /// range among them — all of the range, to keep it one range — so that
    /// they are still handed out.
    pub(super) fn before_cut(&mut self, log: &RaftLog<C>, cut: RangeInclusive<LogIndex>) {
        if self.start < self.end && *cut.start() < self.end && self.start <= *cut.end() {
            self.save(log);
        }
    }

    /// Copy the range's entries out of `log` (the range is not empty).
    fn save(&mut self, log: &RaftLog<C>) {
        debug_assert!(self.start < self.end);
        log.clone_range_into(self.start..=self.end - 1, &mut self.saved);
        (self.start, self.end) = (0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;

    fn entry(index: LogIndex, term: u64, c: u32) -> Entry<u32> {
        Entry { term, index, payload: Payload::Command(c) }
    }

    fn log(entries: impl IntoIterator<Item = Entry<u32>>) -> RaftLog<u32> {
        let mut l = RaftLog::default();
        entries.into_iter().for_each(|e| l.push(e));
        l
    }

    fn handed_out(c: &Committed<u32>, l: &RaftLog<u32>) -> Vec<(LogIndex, u64)> {
        let out: Vec<_> = c.iter(l).map(|e| (e.index, e.term)).collect();
        let by_get: Vec<_> = (0..c.len()).map(|n| c.get(n, l).unwrap()).collect();
        assert!(by_get.iter().map(|e| (e.index, e.term)).eq(out.iter().copied()));
        assert!(c.get(c.len(), l).is_none());
        out
    }

    #[test]
    fn a_range_grows_and_reads_from_the_log() {
        let l = log((1..=6).map(|i| entry(i, 1, i as u32)));
        let mut c = Committed::default();
        assert!(c.is_empty() && handed_out(&c, &l).is_empty());
        c.extend(&l, 2..=3);
        c.extend(&l, 4..=4);
        assert_eq!(handed_out(&c, &l), [(2, 1), (3, 1), (4, 1)]);
        // Only what the log stores is handed out.
        c.extend(&l, 5..=9);
        assert_eq!(c.len(), 5);
        c.clear();
        assert!(c.is_empty() && handed_out(&c, &l).is_empty());
    }

    /// Entries cut from the log while the Ready holds them — by a
    /// truncation (which a broken server may do to committed entries) and
    /// then a compaction — are still handed out, before those that
    /// committed after.
    #[test]
    fn entries_cut_from_the_log_are_kept_and_handed_out_first() {
        let mut l = log((1..=6).map(|i| entry(i, 1, i as u32)));
        let mut c = Committed::default();
        c.extend(&l, 1..=5);
        // A cut after the range leaves it in the log.
        c.before_cut(&l, 6..=LogIndex::MAX);
        l.truncate_from(6);
        c.before_cut(&l, 4..=LogIndex::MAX);
        l.truncate_from(4);
        (4..=7).for_each(|i| l.push(entry(i, 2, 0)));
        c.extend(&l, 6..=7);
        assert_eq!(handed_out(&c, &l), [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (7, 2)]);
        c.before_cut(&l, 0..=6);
        l.compact_to(6, 2);
        assert_eq!(handed_out(&c, &l).len(), 7);
        // A compaction below the range leaves it in the log.
        let mut c = Committed::default();
        c.extend(&l, 7..=7);
        c.before_cut(&l, 0..=6);
        assert_eq!((c.saved.len(), handed_out(&c, &l)), (0, vec![(7, 2)]));
    }
}
