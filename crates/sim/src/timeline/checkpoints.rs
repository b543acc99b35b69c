//! Checkpoints: whole copies of the world taken every so many events, so a
//! seek replays only from the nearest one before its target. Older ones are
//! thinned out so that a long session holds a logarithmic number of them.
//!
//! Spacing is counted in events, not in virtual time: what a seek costs is
//! the number of events it replays (each runs Raft and every safety check),
//! and a busy cluster (a client writing every 10 ms) has many more events
//! per second than an idle one that only sends heartbeats.

use super::footprint::memory;
use super::moment::Moment;
use crate::world::Sim;
use raft::{Memory, Time};
use std::collections::BTreeMap;

/// The default [`Spacing::budget`]: 128 MiB, measured with a counting
/// allocator (`timeline-bench`): a 10-minute session of five servers with
/// a client putting every 10 ms holds about 45 MiB in its running world
/// alone and 0.4 MiB more per checkpoint; within this budget it keeps
/// about 290 checkpoints (123 MiB in use natively, 86 MiB in wasm, where
/// pointers are half the size). A put every 100 ms stays far under it.
pub const DEFAULT_BUDGET: usize = 128 << 20;

/// How often checkpoints are taken and how they thin out with age.
///
/// A checkpoint is taken after every `every`-th event (event `k·every` is
/// slot `k`). The newest `recent` slots of a branch keep every checkpoint;
/// a checkpoint `age` slots older than the branch's newest is kept only if
/// its slot is a multiple of `2^level`, `level = ⌊log2(age / recent)⌋ + 1`,
/// but never more than `longest` events apart: every 2nd slot beyond
/// `recent`, every 4th beyond `2·recent`, and so on, until kept slots are
/// `longest` events apart, and from there on every checkpoint that far
/// apart stays. A seek replays at most about `longest` events (what a
/// seek costs is the events it replays), and a branch never holds more
/// than [`Spacing::max_checkpoints`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spacing {
    /// Events between two checkpoints.
    pub every: u64,
    /// How many of the newest slots keep every checkpoint.
    pub recent: u64,
    /// Most events thinning leaves between two kept checkpoints (rounded
    /// down to `every` times a power of two, at least `every`).
    pub longest: u64,
    /// Most bytes the timeline may hold (by [`Timeline::bytes_held`]: its
    /// checkpoints, the running world and the recorded actions, a log
    /// chunk shared by several copies of a branch counted once); beyond
    /// it the checkpoint whose removal leaves the shortest gap goes, until
    /// they fit. The start and each branch's newest checkpoint always
    /// stay. `None`: no limit but the count.
    ///
    /// [`Timeline::bytes_held`]: super::Timeline::bytes_held
    pub budget: Option<usize>,
}

impl Default for Spacing {
    /// A checkpoint every 100 events (under half a virtual second of a
    /// five-server cluster with a client writing every 100 ms), the newest
    /// 16 of them at full spacing, then thinning to at most 1,600 events
    /// apart, within [`DEFAULT_BUDGET`] bytes. A replayed event costs a
    /// few microseconds (every safety check runs again), so a seek replays
    /// at most a few milliseconds' worth: measured in headless Chromium
    /// (`tests/wasm_timeline.rs`), a 10-minute session seeks in under
    /// 25 ms at most with a put every 10 ms or 100 ms. A checkpoint of
    /// such a session owns 0.2–0.4 MB; at a put every 10 ms the budget,
    /// not `longest`, sets the spacing natively near the end (pointers
    /// are twice wasm's size there).
    fn default() -> Self {
        Spacing { every: 100, recent: 16, longest: 1600, budget: Some(DEFAULT_BUDGET) }
    }
}

impl Spacing {
    /// Check the settings; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if self.every == 0 {
            return Err("checkpoints must be at least 1 event apart".into());
        }
        if self.recent < 2 {
            return Err("at least the 2 newest checkpoints must be kept at full spacing".into());
        }
        Ok(())
    }

    /// The highest thinning level: kept slots are at most `2^top` apart.
    fn top(&self) -> u32 {
        (self.longest / self.every).max(1).ilog2()
    }

    /// The most checkpoints one branch holds once `events` events have
    /// been recorded on it: `recent + L·(⌈recent/2⌉ + 1)`, where
    /// `L = ⌊log2(slots/recent)⌋ + 1` thinned levels exist once there are
    /// `slots = events/every ≥ recent` slots, plus the one at event 0;
    /// with `L` capped at the top level, plus one per `2^top` slots.
    pub fn max_checkpoints(&self, events: u64) -> usize {
        let slots = events / self.every;
        let levels = match slots / self.recent {
            0 => 0,
            n => n.ilog2() + 1,
        };
        let top = self.top();
        let beyond = if levels > top { slots >> top } else { 0 };
        let levels = u64::from(levels.min(top));
        (self.recent + levels * (self.recent.div_ceil(2) + 1) + beyond + 1) as usize
    }

    /// Is event `event` a checkpoint's place?
    pub(super) fn is_slot(&self, event: u64) -> bool {
        event.is_multiple_of(self.every)
    }

    /// Does the checkpoint of slot `slot` stay once slot `newest` exists?
    fn keeps(&self, slot: u64, newest: u64) -> bool {
        let level = match (newest - slot) / self.recent {
            0 => 0,
            n => n.ilog2() + 1,
        };
        // Slot 0 has 64 trailing zeros: the start is always kept.
        slot.trailing_zeros() >= level.min(self.top())
    }
}

/// Bytes [`Checkpoints`] spends counting one shared chunk (its entry in a
/// B-tree map, with the node's spare room).
const CHUNK_COUNT: usize = 40;

/// A copy of the world right after an event, before any action recorded at
/// that moment.
#[derive(Clone, Debug)]
pub(super) struct Checkpoint {
    pub(super) at: Moment,
    pub(super) sim: Sim,
    /// Estimated bytes it owns alone (its shared chunks are counted by
    /// [`Checkpoints`]; their list is not kept here, it would cost 16
    /// bytes a chunk a checkpoint, but found again when it goes).
    own: usize,
}

impl Checkpoint {
    pub(super) fn new(at: Moment, sim: Sim) -> Self {
        Checkpoint { at, sim, own: 0 }
    }
}

/// One branch's checkpoints, oldest first, and the memory they hold
/// together.
///
/// Copies of the world share their logs' sealed chunks, so a checkpoint
/// costs what it owns alone plus the chunks no other checkpoint of the
/// branch points at. The count is per branch: a chunk shared by two
/// branches (a fork copies its parent's world) counts in both, so the
/// total over branches is an upper bound.
#[derive(Clone, Debug, Default)]
pub(super) struct Checkpoints {
    list: Vec<Checkpoint>,
    /// Bytes the checkpoints own alone, summed.
    own: usize,
    /// Each shared chunk pointed at: how many checkpoints point at it, and
    /// its bytes.
    chunks: BTreeMap<usize, (usize, usize)>,
    /// The shared chunks' bytes, summed.
    shared: usize,
}

impl Checkpoints {
    /// Add the newest checkpoint and thin out the older ones.
    pub(super) fn push(&mut self, checkpoint: Checkpoint, spacing: Spacing) {
        debug_assert!(self.list.last().is_none_or(|c| c.at < checkpoint.at));
        let newest = checkpoint.at.event / spacing.every;
        let mut checkpoint = checkpoint;
        checkpoint.own = self.hold(&memory(&checkpoint.sim));
        self.list.push(checkpoint);
        let (kept, dropped) = std::mem::take(&mut self.list)
            .into_iter()
            .partition(|c| spacing.keeps(c.at.event / spacing.every, newest));
        self.list = kept;
        dropped.iter().for_each(|c: &Checkpoint| self.release(c));
    }

    /// Count what `memory` holds; returns what it owns alone.
    fn hold(&mut self, memory: &Memory) -> usize {
        self.own += memory.own;
        for &(id, bytes) in &memory.chunks {
            let (n, _) = self.chunks.entry(id).or_insert_with(|| {
                self.shared += bytes + CHUNK_COUNT;
                (0, bytes)
            });
            *n += 1;
        }
        memory.own
    }

    /// Stop counting what `checkpoint` holds; a chunk goes once no
    /// checkpoint points at it.
    fn release(&mut self, checkpoint: &Checkpoint) {
        self.own -= checkpoint.own;
        for (id, _) in &memory(&checkpoint.sim).chunks {
            if let Some((n, bytes)) = self.chunks.get_mut(id) {
                *n -= 1;
                if *n == 0 {
                    self.shared -= *bytes + CHUNK_COUNT;
                    self.chunks.remove(id);
                }
            }
        }
    }

    /// The latest checkpoint taken at or before event `event` and time
    /// `time`.
    pub(super) fn latest(&self, event: u64, time: Time) -> Option<&Checkpoint> {
        let n = self.list.partition_point(|c| c.at.event <= event && c.at.time <= time);
        n.checked_sub(1).map(|i| &self.list[i])
    }

    /// For each checkpoint that may go — not the newest, not the start —
    /// its index and the gap in events its removal would leave, from the
    /// one before it (or `floor`, where the branch forked) to the one after.
    pub(super) fn merged_gaps(&self, floor: u64) -> impl Iterator<Item = (usize, u64)> + '_ {
        (0..self.list.len().saturating_sub(1)).filter(|&i| self.list[i].at.event > 0).map(
            move |i| {
                let before = i.checked_sub(1).map_or(floor, |j| self.list[j].at.event);
                (i, self.list[i + 1].at.event - before)
            },
        )
    }

    /// Drop checkpoint `i`.
    pub(super) fn remove(&mut self, i: usize) {
        let gone = self.list.remove(i);
        self.release(&gone);
    }

    /// How many there are.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Estimated bytes they hold together (see
    /// [`footprint`](super::footprint::footprint)), each shared chunk
    /// counted once.
    pub(super) fn bytes(&self) -> usize {
        self.own + self.shared
    }

    /// Estimated bytes a world whose memory is `memory` holds beyond these
    /// checkpoints: what it owns alone and the chunks none of them points
    /// at.
    pub(super) fn beyond(&self, memory: &Memory) -> usize {
        let unshared = memory.chunks.iter().filter(|(id, _)| !self.chunks.contains_key(id));
        memory.own + unshared.map(|&(_, bytes)| bytes).sum::<usize>()
    }

    /// What the newest checkpoint owns alone: right after it is taken, the
    /// running world is a copy of it and holds that much beyond them all.
    pub(super) fn newest_own(&self) -> usize {
        self.list.last().map_or(0, |c| c.own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slots a branch keeps after checkpoints at slots 0..=newest.
    fn kept(spacing: Spacing, newest: u64) -> Vec<u64> {
        (0..=newest).filter(|&s| spacing.keeps(s, newest)).collect()
    }

    #[test]
    fn recent_slots_are_all_kept_and_older_ones_thin_out_by_doubling() {
        let s = Spacing { every: 10, recent: 4, longest: u64::MAX, budget: None };
        let k = kept(s, 40);
        assert!(k.ends_with(&[37, 38, 39, 40]), "the newest 4 stay: {k:?}");
        // ages 4..8 keep every 2nd slot, 8..16 every 4th, 16..32 every 8th, 32.. every 16th
        assert_eq!(k, vec![0, 16, 24, 28, 32, 34, 36, 37, 38, 39, 40]);
        assert!(k.contains(&0), "the start is always kept");
    }

    #[test]
    fn a_dropped_checkpoint_is_never_needed_again() {
        for longest in [4, u64::MAX] {
            let s = Spacing { every: 1, recent: 3, longest, budget: None };
            for newest in 1..300 {
                let before = kept(s, newest - 1);
                let after = kept(s, newest);
                assert!(
                    after.iter().all(|x| *x == newest || before.contains(x)),
                    "slot newest={newest}: {after:?} keeps something {before:?} had dropped"
                );
            }
        }
    }

    #[test]
    fn the_count_stays_under_the_stated_bound() {
        for recent in [2, 3, 4, 16, 64] {
            for longest in [1, 8, 100, u64::MAX] {
                let s = Spacing { every: 1, recent, longest, budget: None };
                for newest in 0..2000 {
                    let n = kept(s, newest).len();
                    assert!(
                        n <= s.max_checkpoints(newest),
                        "recent={recent} longest={longest} newest={newest}: {n} > {}",
                        s.max_checkpoints(newest)
                    );
                }
            }
        }
    }

    #[test]
    fn thinning_never_leaves_a_gap_longer_than_longest() {
        let s = Spacing { every: 10, recent: 4, longest: 85, budget: None };
        for newest in 1..500 {
            let k = kept(s, newest);
            let widest = k.windows(2).map(|w| (w[1] - w[0]) * s.every).max().unwrap();
            assert!(widest <= 80, "newest={newest}: a gap of {widest} events in {k:?}");
        }
        // Far from the present, kept slots are exactly 8 apart (80 events).
        assert_eq!(kept(s, 400)[..4], [0, 8, 16, 24]);
    }

    #[test]
    fn bad_spacing_is_refused_with_a_reason() {
        assert!(Spacing { every: 0, recent: 4, longest: 100, budget: None }
            .validate()
            .unwrap_err()
            .contains("1 event"));
        assert!(Spacing { every: 5, recent: 1, longest: 100, budget: None }
            .validate()
            .unwrap_err()
            .contains("2 newest"));
        assert!(Spacing::default().validate().is_ok());
    }
}
