//! An append-mostly list whose copies share storage: items live in sealed
//! chunks of [`CHUNK_LEN`] behind an `Arc`, plus a short owned tail.
//! Cloning copies one pointer per sealed chunk and the tail only, which is
//! what lets a simulator keep many copies of a world whose logs (§5.3) grow
//! with every command. Sealed chunks are never written in place: cutting
//! into one copies its kept part into a new tail, dropping a prefix only
//! moves the start within the first chunk, and [`Chunked::get_mut`] copies
//! a shared chunk before writing to it.

use std::ops::Index;
use std::sync::Arc;

/// How many items a sealed chunk holds: a clone copies at most this many
/// items (the tail) and one pointer per sealed chunk.
pub const CHUNK_LEN: usize = 64;

/// A list of `T` stored as shared sealed chunks and an owned tail.
#[derive(Clone)]
pub struct Chunked<T> {
    /// Full chunks of exactly [`CHUNK_LEN`] items, oldest first, shared
    /// with every copy.
    sealed: Vec<Arc<[T]>>,
    /// How many items at the start of `sealed[0]` were dropped (always 0
    /// when `sealed` is empty).
    skip: usize,
    /// The newest items, fewer than [`CHUNK_LEN`], owned by this copy.
    tail: Vec<T>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { sealed: Vec::new(), skip: 0, tail: Vec::new() }
    }
}

impl<T> Chunked<T> {
    /// How many items there are.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK_LEN + self.tail.len() - self.skip
    }

    /// Are there none?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at position `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        let pos = i.checked_add(self.skip)?;
        match self.sealed.get(pos / CHUNK_LEN) {
            Some(chunk) => Some(&chunk[pos % CHUNK_LEN]),
            None => self.tail.get(pos - self.sealed.len() * CHUNK_LEN),
        }
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Every item, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.range(0, self.len())
    }

    /// The items at positions `lo..hi` (`lo ≤ hi ≤ len`).
    pub fn range(&self, lo: usize, hi: usize) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.slices(lo, hi).flat_map(|s| s.iter())
    }

    /// The items from position `lo` up to `hi` or the end of the chunk (or
    /// tail) `lo` falls in, whichever is first (`lo < hi ≤ len`): the first
    /// of [`slices`](Self::slices), without building the rest.
    #[inline]
    pub fn run_at(&self, lo: usize, hi: usize) -> &[T] {
        debug_assert!(lo < hi && hi <= self.len());
        let pos = lo + self.skip;
        let sealed_end = self.sealed.len() * CHUNK_LEN;
        if pos >= sealed_end {
            let start = pos - sealed_end;
            return &self.tail[start..start + (hi - lo)];
        }
        let start = pos % CHUNK_LEN;
        &self.sealed[pos / CHUNK_LEN][start..CHUNK_LEN.min(start + (hi - lo))]
    }

    /// The items at positions `lo..hi` (`lo ≤ hi ≤ len`) as contiguous
    /// runs, first to last.
    pub fn slices(
        &self,
        lo: usize,
        hi: usize,
    ) -> impl DoubleEndedIterator<Item = &[T]> + Clone + '_ {
        debug_assert!(lo <= hi && hi <= self.len());
        let (lo, hi) = (lo + self.skip, hi + self.skip);
        let sealed_end = self.sealed.len() * CHUNK_LEN;
        let last = hi.min(sealed_end).div_ceil(CHUNK_LEN);
        let first = (lo / CHUNK_LEN).min(last);
        let chunks = self.sealed[first..last].iter().zip(first..last).map(move |(c, k)| {
            let start = k * CHUNK_LEN;
            &c[lo.max(start) - start..hi.min(start + CHUNK_LEN) - start]
        });
        let tail = &self.tail[lo.max(sealed_end) - sealed_end..hi.max(sealed_end) - sealed_end];
        chunks.chain(std::iter::once(tail))
    }

    /// How many leading items satisfy `pred`, which must hold for a prefix
    /// and fail for the rest (a binary search).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&mut pred) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Append `item`; the tail is sealed into a shared chunk once full.
    /// Inlined where it is called: every entry of every log comes through
    /// here, and the rare work (growing and sealing) is out of line.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.tail.len() == self.tail.capacity() {
            self.make_room();
        }
        self.tail.push(item);
        if self.tail.len() == CHUNK_LEN {
            self.seal();
        }
    }

    /// The tail fills to a chunk and is sealed: make room for the whole
    /// chunk once rather than growing it step by step.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) {
        self.tail.reserve_exact(CHUNK_LEN - self.tail.len());
    }

    /// Turn the full tail into a sealed chunk.
    #[cold]
    #[inline(never)]
    fn seal(&mut self) {
        self.sealed.push(Arc::from(std::mem::take(&mut self.tail)));
    }

    /// Identities of the sealed chunks this list points at, each holding
    /// [`CHUNK_LEN`] items: two lists that list the same identity share
    /// those items in memory. For memory accounting only; an identity is
    /// valid while some list holds the chunk.
    pub fn shared_chunks(&self) -> impl Iterator<Item = usize> + '_ {
        self.sealed.iter().map(|c| Arc::as_ptr(c) as *const T as usize)
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        *self = Chunked::default();
    }
}

impl<T: Clone> Chunked<T> {
    /// Append copies of `other`'s items at positions `lo..hi`
    /// (`lo ≤ hi ≤ other.len()`), a run at a time.
    #[inline]
    pub fn copy_from(&mut self, other: &Chunked<T>, mut lo: usize, hi: usize) {
        while lo < hi {
            if self.tail.len() == self.tail.capacity() {
                self.make_room();
            }
            // Up to the end of `other`'s run and of this list's tail.
            let run = other.run_at(lo, hi);
            let run = &run[..run.len().min(CHUNK_LEN - self.tail.len())];
            self.tail.extend_from_slice(run);
            lo += run.len();
            if self.tail.len() == CHUNK_LEN {
                self.seal();
            }
        }
    }

    /// [`copy_from`](Self::copy_from) for a list written alike with
    /// `other` (a disk's copy of its server's log) and as long as `lo`:
    /// each chunk that the copy completes and that `other` holds sealed,
    /// this list points at instead of copying its items, when `same` says
    /// that the items this list's tail already holds (a prefix of the
    /// chunk) are the chunk's. The tail is then emptied, keeping its
    /// buffer: one chunk in memory for the two, no allocation, and no copy
    /// of the items `other` holds sealed.
    pub(crate) fn copy_sharing(
        &mut self,
        other: &Chunked<T>,
        lo: usize,
        hi: usize,
        same: impl Fn(&[T], &[T]) -> bool,
    ) {
        let end = (self.sealed.len() + 1) * CHUNK_LEN - self.skip;
        if hi < end || self.skip != other.skip || self.len() != lo {
            // No chunk to complete (the common case for a short append), or
            // none that lies alike in both lists.
            return self.copy_from(other, lo, hi);
        }
        let mut pos = lo;
        while pos < hi {
            // `pos` falls in chunk `k` of both lists (numbered alike, as
            // their positions and skips are), which ends before `end`.
            let k = self.sealed.len();
            let end = (k + 1) * CHUNK_LEN - self.skip;
            let held = self.tail.len();
            let chunk = other
                .sealed
                .get(k)
                .filter(|chunk| end <= hi && (held == 0 || same(&chunk[..held], &self.tail)));
            match chunk {
                Some(chunk) => {
                    self.sealed.push(Arc::clone(chunk));
                    self.tail.clear();
                    pos = end;
                }
                None => {
                    let upto = hi.min(end);
                    self.copy_from(other, pos, upto);
                    pos = upto;
                }
            }
        }
    }

    /// Keep the first `len` items and drop the rest.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let pos = len + self.skip;
        let sealed_end = self.sealed.len() * CHUNK_LEN;
        if pos >= sealed_end {
            self.tail.truncate(pos - sealed_end);
            return;
        }
        // Copy on write: the kept part of the chunk the cut falls in
        // becomes this copy's own tail; other copies keep the whole chunk.
        let k = pos / CHUNK_LEN;
        let start = if k == 0 { self.skip } else { 0 };
        self.tail = self.sealed[k][start..pos % CHUNK_LEN].to_vec();
        self.sealed.truncate(k);
        if k == 0 {
            self.skip = 0;
        }
    }

    /// Drop the first `n` items (all of them if there are fewer).
    pub fn drop_front(&mut self, n: usize) {
        if n >= self.len() {
            self.clear();
            return;
        }
        let pos = self.skip + n;
        let sealed_end = self.sealed.len() * CHUNK_LEN;
        if pos >= sealed_end {
            self.sealed.clear();
            self.skip = 0;
            self.tail.drain(..pos - sealed_end);
        } else {
            self.sealed.drain(..pos / CHUNK_LEN);
            self.skip = pos % CHUNK_LEN;
        }
    }

    /// Take the first item out (a queue's front); the rest stay shared.
    pub fn pop_front(&mut self) -> Option<T> {
        let first = self.get(0).cloned()?;
        self.drop_front(1);
        Some(first)
    }

    /// The item at position `i`, to change: a sealed chunk other copies
    /// share is copied first, so they keep seeing the old item.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let pos = i.checked_add(self.skip)?;
        if i >= self.len() {
            return None;
        }
        let sealed_end = self.sealed.len() * CHUNK_LEN;
        match self.sealed.get_mut(pos / CHUNK_LEN) {
            Some(chunk) => Some(&mut Arc::make_mut(chunk)[pos % CHUNK_LEN]),
            None => self.tail.get_mut(pos - sealed_end),
        }
    }
}

/// Bytes some lists hold in memory: what one copy owns alone, and each
/// sealed chunk it points at, so that memory held by many copies can count
/// a shared chunk once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    /// Bytes owned by this copy alone (tails and chunk pointers).
    pub own: usize,
    /// Each sealed chunk's identity (see [`Chunked::shared_chunks`]) and
    /// bytes.
    pub chunks: Vec<(usize, usize)>,
}

impl Memory {
    /// Count `list`, at `size_of::<T>() + heap` bytes per item.
    pub fn add<T>(&mut self, list: &Chunked<T>, heap: usize) {
        let item = std::mem::size_of::<T>() + heap;
        // A chunk is its items plus the `Arc`'s two counts.
        let chunk = CHUNK_LEN * item + 2 * std::mem::size_of::<usize>();
        self.own += list.tail.len() * item + list.sealed.len() * std::mem::size_of::<Arc<[T]>>();
        self.chunks.extend(list.shared_chunks().map(|id| (id, chunk)));
    }

    /// Every byte counted, as if this copy were the only one.
    pub fn total(&self) -> usize {
        self.own + self.chunks.iter().map(|&(_, b)| b).sum::<usize>()
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for a list of {}", self.len()),
        }
    }
}

impl<T: Clone> std::ops::IndexMut<usize> for Chunked<T> {
    /// The item at `i`, to change: a shared chunk is copied first.
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len();
        match self.get_mut(i) {
            Some(item) => item,
            None => panic!("index {i} out of range for a list of {len}"),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Chunked<T> {
    /// As a sequence, the way serde writes a `Vec` or a `VecDeque`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Chunked<T> {
    /// From a sequence, as a `Vec` is read.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(d)?.into_iter().collect())
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    /// Equal items in order, however they are chunked.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Chunked<T> {
    /// As a list of the items.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut list = Chunked::default();
        items.into_iter().for_each(|x| list.push(x));
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_pops_in_order_across_chunks_and_copies_keep_theirs() {
        let mut q: Chunked<u32> = (0..150).collect();
        let copy = q.clone();
        let popped: Vec<u32> = std::iter::from_fn(|| q.pop_front()).take(130).collect();
        assert_eq!(popped, (0..130).collect::<Vec<_>>());
        q.push(150);
        assert_eq!(q.iter().copied().collect::<Vec<_>>(), (130..=150).collect::<Vec<_>>());
        q[0] += 1000;
        assert_eq!((q[0], copy[130], copy.len()), (1130, 130, 150));
        let mut empty: Chunked<u32> = Chunked::default();
        assert_eq!(empty.pop_front(), None);
    }

    #[test]
    fn a_write_to_a_shared_chunk_is_not_seen_by_other_copies() {
        let mut a: Chunked<u32> = (0..200).collect();
        let b = a.clone();
        *a.get_mut(5).unwrap() = 99;
        *a.get_mut(190).unwrap() = 98;
        assert_eq!((a[5], a[190], b[5], b[190]), (99, 98, 5, 190));
        assert!(a.get_mut(200).is_none());
        assert_eq!(
            a.shared_chunks().nth(1),
            b.shared_chunks().nth(1),
            "untouched chunks stay shared"
        );
        assert_ne!(a.shared_chunks().next(), b.shared_chunks().next());
    }

    #[test]
    fn a_list_written_alike_shares_the_others_chunks_and_stays_apart_when_written() {
        let same = |a: &[u32], b: &[u32]| a == b;
        let node: Chunked<u32> = (0..330).collect();
        let mut disk = Chunked::default();
        disk.copy_sharing(&node, 0, 100, same);
        disk.copy_sharing(&node, 100, 330, same);
        let ids = |l: &Chunked<u32>| l.shared_chunks().collect::<Vec<_>>();
        assert_eq!((ids(&disk), disk.len()), (ids(&node), 330), "all five chunks are shared");
        assert!(disk.iter().eq(node.iter()));
        // A write to a shared chunk is the writer's alone.
        disk[70] = 7;
        assert_eq!((disk[70], node[70]), (7, 70));
        // A list whose tail differs seals a chunk of its own, and shares
        // the later ones it copies whole.
        let mut other: Chunked<u32> = (1000..1010).collect();
        other.copy_sharing(&node, 10, 330, same);
        assert_eq!(ids(&other).len(), 5);
        assert_ne!(ids(&other)[0], ids(&node)[0]);
        assert_eq!(ids(&other)[1..], ids(&node)[1..]);
        assert!(other.iter().copied().eq((1000..1010).chain(10..330)));
        // A list that is not as long as the copy's start, or not cut
        // alike, copies every item.
        let mut short = Chunked::default();
        short.copy_sharing(&node, 1, 330, same);
        let mut cut: Chunked<u32> = (0..70).collect();
        cut.drop_front(3);
        cut.copy_sharing(&node, 67, 330, same);
        for list in [&short, &cut] {
            assert!(ids(list).iter().all(|id| !ids(&node).contains(id)));
        }
        assert!(short.iter().copied().eq(1..330));
        assert!(cut.iter().copied().eq((3..70).chain(67..330)));
    }

    #[test]
    fn a_copy_of_a_range_crosses_chunks_and_the_tail() {
        let mut node: Chunked<u32> = (0..300).collect();
        node.drop_front(5);
        let mut copy: Chunked<u32> = (0..3).collect();
        copy.copy_from(&node, 50, 290);
        copy.copy_from(&node, 290, 295);
        assert!(copy.iter().copied().eq((0..3).chain(55..300)));
        assert!(node.run_at(50, 290).iter().copied().eq(55..64), "to the chunk's end");
        assert!(node.run_at(60, 62).iter().copied().eq(65..67), "to the end asked for");
        assert!(node.run_at(290, 295).iter().copied().eq(295..300), "in the tail");
        assert_eq!(copy.shared_chunks().count(), 3);
    }

    #[test]
    fn partition_point_bisects_across_chunks() {
        let mut a: Chunked<u32> = (0..300).collect();
        a.drop_front(70);
        assert_eq!(a.partition_point(|&x| x < 150), 80);
        assert_eq!(a.partition_point(|_| true), 230);
        assert_eq!(a.partition_point(|_| false), 0);
    }
}
