//! A compact stand-in for a log that the checkers compare instead of the
//! entries themselves: per index the entry's term and a running sum of entry
//! hashes, so that "are these two logs identical over indexes a..=b" costs
//! two subtractions, and the first index where they differ a binary search.

use crate::fnv::{fnv_extend, FNV_OFFSET};
use crate::kv::KvCommand;
use raft::{Chunked, Entry, LogIndex, Memory, RaftLog, Term};

/// A deterministic 64-bit hash of an entry (its index, term and payload),
/// the same on every platform: FNV-1a over the entry's postcard encoding,
/// finished with a mixer so that the sums of hashes below spread well.
pub(super) fn entry_hash(entry: &Entry<KvCommand>) -> u64 {
    let fnv = fnv_extend(FNV_OFFSET, entry);
    // splitmix64's finalizer.
    let mut z = fnv;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Anything that can say, for a range of log indexes, the sum of the hashes
/// of its entries there: a server's log, or the record of committed entries.
pub(super) trait RangeHash {
    /// The wrapping sum of `entry_hash` over indexes `a..=b`; the caller
    /// keeps the range within what is stored.
    fn range(&self, a: LogIndex, b: LogIndex) -> u64;
}

/// The first index in `lo..=hi` where `x` and `y` hold different entries,
/// if any: equal sums over `lo..=j` mean equal entries there (up to a 2⁻⁶⁴
/// chance), so the first difference is found by bisection.
pub(super) fn first_difference(
    x: &impl RangeHash,
    y: &impl RangeHash,
    lo: LogIndex,
    hi: LogIndex,
) -> Option<LogIndex> {
    if hi < lo || x.range(lo, hi) == y.range(lo, hi) {
        return None;
    }
    // Invariant: lo..=hi differs, lo..=below does not.
    let (mut below, mut hi) = (lo - 1, hi);
    while hi - below > 1 {
        let mid = below + (hi - below) / 2;
        if x.range(lo, mid) == y.range(lo, mid) {
            below = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// One server's log as the checkers remember it. Position 0 stands for the
/// snapshot point (the entry just before the first stored one, §7), so a log
/// that starts after a snapshot is summarized from there.
#[derive(Clone, Debug)]
pub(super) struct LogSummary {
    prev_index: LogIndex,
    /// `terms[k]` is the term at index `prev_index + k`.
    terms: Chunked<Term>,
    /// `sums[k]` is the sum of entry hashes up to index `prev_index + k`
    /// (from an arbitrary base at the snapshot point).
    sums: Chunked<u64>,
}

impl LogSummary {
    /// Count what it holds in `memory`.
    pub(super) fn memory(&self, memory: &mut Memory) {
        memory.add(&self.terms, 0);
        memory.add(&self.sums, 0);
    }

    /// The summary of a whole log.
    pub(super) fn of(log: &RaftLog<KvCommand>) -> Self {
        let (prev_index, prev_term) = log.snapshot_point();
        let mut s = LogSummary {
            prev_index,
            terms: std::iter::once(prev_term).collect(),
            sums: std::iter::once(0).collect(),
        };
        s.extend(log.iter());
        s
    }

    /// Bring the summary up to date with `log` after a change in which
    /// nothing below index `from` was written (a new snapshot point
    /// resummarizes what the log still stores).
    pub(super) fn sync(&mut self, log: &RaftLog<KvCommand>, from: LogIndex) {
        if log.snapshot_point().0 != self.prev_index {
            *self = LogSummary::of(log);
            return;
        }
        let keep = from.saturating_sub(1).clamp(self.prev_index, self.last_index());
        let len = (keep - self.prev_index) as usize + 1;
        self.terms.truncate(len);
        self.sums.truncate(len);
        self.extend(log.iter_range(keep + 1..=log.last_index()));
    }

    fn extend<'a>(&mut self, entries: impl IntoIterator<Item = &'a Entry<KvCommand>>) {
        for e in entries {
            let sum = self.sums.last().copied().unwrap_or(0).wrapping_add(entry_hash(e));
            self.terms.push(e.term);
            self.sums.push(sum);
        }
    }

    /// The first index stored.
    pub(super) fn first_index(&self) -> LogIndex {
        self.prev_index + 1
    }

    /// The last index stored (the snapshot point if none).
    pub(super) fn last_index(&self) -> LogIndex {
        self.prev_index + self.terms.len() as LogIndex - 1
    }

    /// The term of the entry stored at `index`, if one is.
    pub(super) fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index < self.first_index() {
            return None;
        }
        self.terms.get((index - self.prev_index) as usize).copied()
    }

    /// The hash of the entry stored at `index`, if one is.
    pub(super) fn hash_at(&self, index: LogIndex) -> Option<u64> {
        self.term_at(index)?;
        Some(self.range(index, index))
    }
}

impl RangeHash for LogSummary {
    fn range(&self, a: LogIndex, b: LogIndex) -> u64 {
        let at = |i: LogIndex| self.sums[(i - self.prev_index) as usize];
        at(b).wrapping_sub(at(a - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::Payload;

    fn log(terms: &[Term]) -> RaftLog<KvCommand> {
        let mut l = RaftLog::default();
        for (i, &term) in terms.iter().enumerate() {
            l.push(Entry { term, index: i as u64 + 1, payload: Payload::Noop });
        }
        l
    }

    #[test]
    fn a_synced_summary_equals_a_fresh_one() {
        let mut s = LogSummary::of(&log(&[1, 1, 2]));
        let mut l = log(&[1, 1, 3, 3]);
        s.sync(&l, 3);
        let fresh = LogSummary::of(&l);
        assert_eq!((s.terms.clone(), s.sums.clone()), (fresh.terms, fresh.sums));
        l.compact_to(2, 1);
        s.sync(&l, 3);
        assert_eq!((s.first_index(), s.last_index(), s.term_at(3)), (3, 4, Some(3)));
        assert_eq!(s.term_at(2), None);
    }

    #[test]
    fn first_difference_finds_the_lowest_differing_index() {
        let a = LogSummary::of(&log(&[1, 1, 2, 2, 2, 3]));
        let b = LogSummary::of(&log(&[1, 1, 2, 4, 4, 4]));
        assert_eq!(first_difference(&a, &b, 1, 6), Some(4));
        assert_eq!(first_difference(&a, &b, 1, 3), None);
        assert_eq!(first_difference(&a, &b, 5, 6), Some(5));
        assert_ne!(a.hash_at(4), b.hash_at(4));
        assert_eq!(a.hash_at(3), b.hash_at(3));
    }
}
