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

/// The default [`Spacing::budget`]: 256 MB.
pub const DEFAULT_BUDGET: usize = 256 << 20;

/// How often checkpoints are taken and how they thin out with age.
///
/// A checkpoint is taken after every `every`-th event (event `k·every` is
/// slot `k`). The newest `recent` slots of a branch keep every checkpoint;
/// a checkpoint `age` slots older than the branch's newest is kept only if
/// its slot is a multiple of `2^level`, `level = ⌊log2(age / recent)⌋ + 1`:
/// every 2nd slot beyond `recent`, every 4th beyond `2·recent`, and so on.
/// A seek `age` slots back therefore replays at most about
/// `2·age/recent·every` events, and a branch never holds more than
/// [`Spacing::max_checkpoints`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spacing {
    /// Events between two checkpoints.
    pub every: u64,
    /// How many of the newest slots keep every checkpoint.
    pub recent: u64,
    /// Most bytes all checkpoints may hold together (by
    /// [`Checkpoints::bytes`]: log chunks shared by several checkpoints
    /// of a branch count once); beyond it the checkpoint whose removal leaves the
    /// shortest gap goes, until they fit. The start and each branch's
    /// newest checkpoint always stay. `None`: no limit but the count.
    pub budget: Option<usize>,
}

impl Default for Spacing {
    /// A checkpoint every 100 events (under half a virtual second of a
    /// five-server cluster with a client writing every 100 ms), the newest
    /// 1024 of them (about 7 virtual minutes) at full spacing, at most
    /// [`DEFAULT_BUDGET`] bytes. Copies share their logs (see
    /// [`raft::Chunked`]), so a checkpoint of a 10-minute session owns
    /// about 0.6 MB and the budget holds some 460 of them: the budget, not
    /// the doubling, then sets the spacing, and the longest gap it leaves
    /// in a 10-minute session at a put every 100 ms is under 700 events
    /// (`timeline-bench`: seeks replay at most ~5 ms natively).
    fn default() -> Self {
        Spacing { every: 100, recent: 1024, budget: Some(DEFAULT_BUDGET) }
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

    /// The most checkpoints one branch holds once `events` events have
    /// been recorded on it: `recent + L·(⌈recent/2⌉ + 1)`, where
    /// `L = ⌊log2(slots/recent)⌋ + 1` thinned levels exist once there are
    /// `slots = events/every ≥ recent` slots, plus the one at event 0.
    pub fn max_checkpoints(&self, events: u64) -> usize {
        let slots = events / self.every;
        let levels = match slots / self.recent {
            0 => 0,
            n => u64::from(n.ilog2()) + 1,
        };
        (self.recent + levels * (self.recent.div_ceil(2) + 1) + 1) as usize
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
        slot.trailing_zeros() >= level
    }
}

/// A copy of the world right after an event, before any action recorded at
/// that moment.
#[derive(Clone, Debug)]
pub(super) struct Checkpoint {
    pub(super) at: Moment,
    pub(super) sim: Sim,
    memory: Memory,
}

impl Checkpoint {
    pub(super) fn new(at: Moment, sim: Sim) -> Self {
        let memory = memory(&sim);
        Checkpoint { at, sim, memory }
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
        self.hold(&checkpoint.memory);
        self.list.push(checkpoint);
        let (kept, dropped) = std::mem::take(&mut self.list)
            .into_iter()
            .partition(|c| spacing.keeps(c.at.event / spacing.every, newest));
        self.list = kept;
        dropped.iter().for_each(|c: &Checkpoint| self.release(&c.memory));
    }

    /// Count what `memory` holds.
    fn hold(&mut self, memory: &Memory) {
        self.own += memory.own;
        for &(id, bytes) in &memory.chunks {
            let (n, _) = self.chunks.entry(id).or_insert_with(|| {
                self.shared += bytes;
                (0, bytes)
            });
            *n += 1;
        }
    }

    /// Stop counting what `memory` holds; a chunk goes once no checkpoint
    /// points at it.
    fn release(&mut self, memory: &Memory) {
        self.own -= memory.own;
        for (id, _) in &memory.chunks {
            if let Some((n, bytes)) = self.chunks.get_mut(id) {
                *n -= 1;
                if *n == 0 {
                    self.shared -= *bytes;
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
        self.release(&gone.memory);
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
        let s = Spacing { every: 10, recent: 4, budget: None };
        let k = kept(s, 40);
        assert!(k.ends_with(&[37, 38, 39, 40]), "the newest 4 stay: {k:?}");
        // ages 4..8 keep every 2nd slot, 8..16 every 4th, 16..32 every 8th, 32.. every 16th
        assert_eq!(k, vec![0, 16, 24, 28, 32, 34, 36, 37, 38, 39, 40]);
        assert!(k.contains(&0), "the start is always kept");
    }

    #[test]
    fn a_dropped_checkpoint_is_never_needed_again() {
        let s = Spacing { every: 1, recent: 3, budget: None };
        for newest in 1..300 {
            let before = kept(s, newest - 1);
            let after = kept(s, newest);
            assert!(
                after.iter().all(|x| *x == newest || before.contains(x)),
                "slot newest={newest}: {after:?} keeps something {before:?} had dropped"
            );
        }
    }

    #[test]
    fn the_count_stays_under_the_stated_bound() {
        for recent in [2, 3, 4, 16, 64] {
            let s = Spacing { every: 1, recent, budget: None };
            for newest in 0..2000 {
                let n = kept(s, newest).len();
                assert!(
                    n <= s.max_checkpoints(newest),
                    "recent={recent} newest={newest}: {n} > {}",
                    s.max_checkpoints(newest)
                );
            }
        }
    }

    #[test]
    fn bad_spacing_is_refused_with_a_reason() {
        assert!(Spacing { every: 0, recent: 4, budget: None }
            .validate()
            .unwrap_err()
            .contains("1 event"));
        assert!(Spacing { every: 5, recent: 1, budget: None }
            .validate()
            .unwrap_err()
            .contains("2 newest"));
        assert!(Spacing::default().validate().is_ok());
    }
}
