//! The replicated log (§5.3): entries numbered from 1, each stamped with the
//! term in which a leader created it.
//!
//! The log keeps the index and term of the entry just before its first stored
//! entry (`prev_index`, `prev_term`), so that entries compacted into a snapshot
//! later still answer "which term is at this index" for the consistency check.
//! Until compaction exists that point is (0, 0), which matches every log.
//!
//! Entries are stored in a [`Chunked`] list, so that copies of a log (the
//! simulator copies whole worlds to rewind) share them. Equality, `Debug`
//! and serde see the entries alone, as if they were one contiguous list.

use crate::chunked::Chunked;
use crate::membership::Membership;
use crate::types::{LogIndex, Term};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::RangeInclusive;

/// What an entry carries.
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload<C> {
    /// The empty entry a new leader appends so that it can commit entries
    /// from earlier terms (§8, and the §5.4.2 rule it works around).
    Noop,
    /// A state-machine command from a client, opaque to Raft.
    Command(C),
    /// A new cluster configuration (§6), in effect on each server as soon as
    /// it is in that server's log. Boxed: configurations are rare, and an
    /// entry that holds one inline is three times the size of a command's,
    /// which every copy of every entry would pay for.
    Config(Box<Membership>),
}

impl<C: Clone> Clone for Payload<C> {
    /// A command is copied in line, a configuration out of line: entries
    /// are copied into every AppendEntries, log and list of committed
    /// entries (§5.3), nearly all of them commands, and a copy that holds
    /// the rare configuration's code is too big to inline there.
    #[inline]
    fn clone(&self) -> Self {
        match self {
            Payload::Noop => Payload::Noop,
            Payload::Command(c) => Payload::Command(c.clone()),
            Payload::Config(m) => Payload::Config(copy_config(m)),
        }
    }
}

/// A configuration entry's copy, kept out of [`Payload::clone`]'s line.
#[cold]
#[inline(never)]
fn copy_config(m: &Membership) -> Box<Membership> {
    Box::new(m.clone())
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
#[derive(Clone)]
pub struct RaftLog<C> {
    prev_index: LogIndex,
    prev_term: Term,
    /// The stored entries, oldest first: position `k` holds index
    /// `prev_index + 1 + k`.
    entries: Chunked<Entry<C>>,
}

impl<C> Default for RaftLog<C> {
    fn default() -> Self {
        RaftLog { prev_index: 0, prev_term: 0, entries: Chunked::default() }
    }
}

impl<C> RaftLog<C> {
    /// How many entries are stored (those after the snapshot point).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Does the log store no entry (past the snapshot point)?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index of the last entry (0 when empty).
    pub fn last_index(&self) -> LogIndex {
        self.prev_index + self.len() as LogIndex
    }

    /// Index of the first entry still stored.
    pub fn first_index(&self) -> LogIndex {
        self.prev_index + 1
    }

    /// Every stored entry, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry<C>> + Clone + '_ {
        self.entries.iter()
    }

    /// The stored entries in `range`, oldest first, clipped to what is
    /// stored.
    pub fn iter_range(
        &self,
        range: RangeInclusive<LogIndex>,
    ) -> impl DoubleEndedIterator<Item = &Entry<C>> + Clone + '_ {
        let (lo, hi) = self.positions(range);
        self.entries.range(lo, hi)
    }

    /// Copies of the stored entries in `range`, clipped to what is stored:
    /// what an AppendEntries carries (§5.3).
    pub fn cloned_range(&self, range: RangeInclusive<LogIndex>) -> Vec<Entry<C>>
    where
        C: Clone,
    {
        let mut out = Vec::new();
        self.clone_range_into(range, &mut out);
        out
    }

    /// Append copies of the stored entries in `range`, clipped to what is
    /// stored, to `out`: committed entries copied out of the log before a
    /// truncation or a snapshot removes them (see
    /// [`Committed`](crate::Committed)).
    pub fn clone_range_into(&self, range: RangeInclusive<LogIndex>, out: &mut Vec<Entry<C>>)
    where
        C: Clone,
    {
        let (lo, hi) = self.positions(range);
        out.reserve(hi - lo);
        self.entries.slices(lo, hi).for_each(|s| out.extend_from_slice(s));
    }

    /// The stored entries from index `from` up to `end` (not included) or
    /// the end of the run of storage `from` lies in, whichever is first
    /// (`first_index() ≤ from < end ≤ last_index() + 1`): a step of a walk
    /// that reads a range a run at a time.
    pub(crate) fn run_at(&self, from: LogIndex, end: LogIndex) -> &[Entry<C>] {
        let first = self.prev_index + 1;
        self.entries.run_at((from - first) as usize, (end - first) as usize)
    }

    /// The storage positions of the stored entries in `range`.
    fn positions(&self, range: RangeInclusive<LogIndex>) -> (usize, usize) {
        let first = self.prev_index + 1;
        let end = first + self.len() as LogIndex;
        let lo = (*range.start()).clamp(first, end);
        let hi = range.end().saturating_add(1).min(end);
        ((lo - first) as usize, (hi.max(lo) - first) as usize)
    }

    /// The entry at `index`, if stored.
    pub fn get(&self, index: LogIndex) -> Option<&Entry<C>> {
        if index <= self.prev_index {
            return None;
        }
        self.entries.get((index - self.prev_index - 1).try_into().ok()?)
    }

    /// The stored entries as kept in memory, shared between copies (for
    /// memory accounting).
    pub fn storage(&self) -> &Chunked<Entry<C>> {
        &self.entries
    }

    /// Append one entry at the end. The caller guarantees `entry.index` is
    /// `last_index() + 1`.
    pub fn push(&mut self, entry: Entry<C>) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }
}

impl<C: Clone> RaftLog<C> {
    /// Term of the last entry (0 when empty): with `last_index`, what a
    /// candidate advertises for the up-to-date check (§5.4.1).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.prev_term, |e| e.term)
    }

    /// The term of the entry at `index`, or `None` if the log has no entry
    /// there. Index 0 (and the compaction point) have a known term.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.prev_index {
            return Some(self.prev_term);
        }
        self.get(index).map(|e| e.term)
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
        self.iter_range(self.first_index()..=upto).rev().find_map(|e| match &e.payload {
            Payload::Config(m) => Some((e.index, &**m)),
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
            self.entries.drop_front((index - self.prev_index) as usize);
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

impl<C: Clone> RaftLog<C> {
    /// Append copies of `other`'s entries in `range`, clipped to what
    /// `other` stores; they must be the entries that follow this log's
    /// last (a disk copying from its server's log what a Ready appended).
    pub fn copy_from(&mut self, other: &RaftLog<C>, range: RangeInclusive<LogIndex>) {
        let (lo, hi) = other.positions(range);
        debug_assert!(lo == hi || other.entries[lo].index == self.last_index() + 1);
        self.entries.copy_from(&other.entries, lo, hi);
    }
}

impl<C: Clone + PartialEq> RaftLog<C> {
    /// [`copy_from`](Self::copy_from) into a log written alike with
    /// `other` (a disk's copy of its server's log): each full chunk of
    /// entries that `other` holds sealed is kept in `other`'s memory rather
    /// than copied, so a disk is not a second copy in memory. A chunk this
    /// log has begun counts as the same when its last entry so far has the
    /// same index and term as `other`'s at that index: two logs with an
    /// entry of the same index and term are identical up to it (§5.3, the
    /// Log Matching Property), and a disk written from its server's Ready
    /// holds what the server holds.
    pub(crate) fn copy_sharing(&mut self, other: &RaftLog<C>, range: RangeInclusive<LogIndex>) {
        if self.snapshot_point() != other.snapshot_point() {
            return self.copy_from(other, range);
        }
        let (lo, hi) = other.positions(range);
        debug_assert!(lo == hi || other.entries[lo].index == self.last_index() + 1);
        self.entries.copy_sharing(&other.entries, lo, hi, |theirs, mine| {
            let (a, b) = (&theirs[theirs.len() - 1], &mine[mine.len() - 1]);
            let same = (a.index, a.term) == (b.index, b.term);
            debug_assert!(!same || theirs == mine, "the Log Matching Property holds");
            same
        });
    }
}

impl<C: PartialEq> PartialEq for RaftLog<C> {
    fn eq(&self, other: &Self) -> bool {
        self.prev_index == other.prev_index
            && self.prev_term == other.prev_term
            && self.len() == other.len()
            && self.iter().eq(other.iter())
    }
}

impl<C: Eq> Eq for RaftLog<C> {}

/// The stored entries as one list, for `Debug` and serde.
struct Entries<'a, C>(&'a RaftLog<C>);

impl<C: fmt::Debug> fmt::Debug for Entries<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<C: Serialize> Serialize for Entries<'_, C> {
    /// With its length up front: formats such as postcard (the share
    /// link's) write a list's length before its items.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0.iter() {
            seq.serialize_element(e)?;
        }
        seq.end()
    }
}

impl<C: fmt::Debug> fmt::Debug for RaftLog<C> {
    /// As if derived over `{prev_index, prev_term, entries}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RaftLog")
            .field("prev_index", &self.prev_index)
            .field("prev_term", &self.prev_term)
            .field("entries", &Entries(self))
            .finish()
    }
}

impl<C: Serialize> Serialize for RaftLog<C> {
    /// As a struct `{prev_index, prev_term, entries: [...]}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RaftLog", 3)?;
        st.serialize_field("prev_index", &self.prev_index)?;
        st.serialize_field("prev_term", &self.prev_term)?;
        st.serialize_field("entries", &Entries(self))?;
        st.end()
    }
}

/// The serde form of a log.
#[derive(Deserialize)]
#[serde(rename = "RaftLog")]
struct LogForm<C> {
    prev_index: LogIndex,
    prev_term: Term,
    entries: Vec<Entry<C>>,
}

impl<'de, C: Deserialize<'de>> Deserialize<'de> for RaftLog<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let form = LogForm::<C>::deserialize(d)?;
        let mut log = RaftLog {
            prev_index: form.prev_index,
            prev_term: form.prev_term,
            ..Default::default()
        };
        for (i, e) in form.entries.into_iter().enumerate() {
            if e.index != form.prev_index + 1 + i as LogIndex {
                return Err(serde::de::Error::custom(format!(
                    "log entry {} is numbered {}; entries must follow index {} without gaps",
                    i, e.index, form.prev_index
                )));
            }
            log.push(e);
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunked::CHUNK_LEN;

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
    fn truncate_and_range() {
        let mut l = log(&[1, 1, 2, 3]);
        assert_eq!(l.iter_range(2..=3).map(|e| e.index).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(l.iter_range(5..=9).count(), 0);
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

    /// The same edits on a chunked log and on a plain `Vec`, with clones
    /// taken along the way: every read agrees, and the clones do not see
    /// later edits of the original (sealed chunks are copied on write).
    #[test]
    fn chunked_log_reads_like_a_vec_across_chunk_boundaries() {
        let mut rng = 0x2545_f491_u64;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut l = RaftLog::<u32>::default();
        let mut model: Vec<Entry<u32>> = Vec::new();
        let mut prev = (0, 0);
        let mut clones = Vec::new();
        let mut most_chunks = 0;
        for step in 0..4000u32 {
            match next(100) {
                0 => {
                    // Cut up to 70 entries back: into the tail or a sealed chunk.
                    let keep = model.len().saturating_sub(next(70) as usize);
                    l.truncate_from(prev.0 + 1 + keep as u64);
                    model.truncate(keep);
                }
                1 if !model.is_empty() => {
                    let k = next(model.len().min(70) as u64) as usize;
                    prev = (model[k].index, model[k].term);
                    l.compact_to(prev.0, prev.1);
                    model.drain(..=k);
                }
                2 => clones.push((l.clone(), model.clone(), prev)),
                _ => {
                    let e = Entry {
                        term: 1 + u64::from(step / 100),
                        index: prev.0 + 1 + model.len() as u64,
                        payload: Payload::Command(step),
                    };
                    l.push(e.clone());
                    model.push(e);
                }
            }
            most_chunks = most_chunks.max(l.storage().shared_chunks().count());
            assert_eq!(l.len(), model.len(), "step {step}");
            assert!(l.iter().eq(model.iter()), "step {step}");
            assert!(l.iter().rev().eq(model.iter().rev()), "step {step}");
            assert_eq!(l.last_index(), prev.0 + model.len() as u64);
            assert_eq!(l.last_term(), model.last().map_or(prev.1, |e| e.term));
            let (a, b) = (prev.0 + next(90), prev.0 + next(90));
            let want: Vec<_> = model.iter().filter(|e| (a..=b).contains(&e.index)).collect();
            assert!(l.iter_range(a..=b).eq(want.iter().copied()), "step {step}: {a}..={b}");
            assert!(l.cloned_range(a..=b).iter().eq(want.iter().copied()), "step {step}");
            let i = prev.0 + next(90);
            assert_eq!(l.get(i), model.iter().find(|e| e.index == i), "step {step}: get {i}");
        }
        for (c, m, (pi, pt)) in &clones {
            assert!(c.iter().eq(m.iter()));
            assert_eq!(c.snapshot_point(), (*pi, *pt));
        }
        assert!(clones.len() > 20 && most_chunks > 3, "the run crossed chunks and cloned");
    }

    #[test]
    fn equality_and_debug_see_entries_not_chunks() {
        let terms: Vec<Term> = (1..=200).map(|i| i / 30 + 1).collect();
        let a = log(&terms);
        let mut b = log(&terms[..CHUNK_LEN + 3]);
        for (i, &t) in terms.iter().enumerate().skip(CHUNK_LEN + 3) {
            b.push(Entry { term: t, index: i as u64 + 1, payload: Payload::Noop });
        }
        let mut c = a.clone();
        c.truncate_from(10);
        for (i, &t) in terms.iter().enumerate().skip(9) {
            c.push(Entry { term: t, index: i as u64 + 1, payload: Payload::Noop });
        }
        assert_eq!(a, b);
        assert_eq!(a, c);
        c.truncate_from(1);
        assert_ne!(a, c);
        assert!(format!("{a:?}")
            .starts_with("RaftLog { prev_index: 0, prev_term: 0, entries: [Entry {"));
    }
}
