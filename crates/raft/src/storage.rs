//! What survives a crash (Figure 2, "Persistent state on all servers").
//!
//! currentTerm, votedFor and the log are written to stable storage before the
//! server answers any RPC. Everything else — commitIndex, lastApplied, the
//! role, votes, nextIndex and matchIndex — is volatile and is rebuilt after a
//! restart. Keeping the two apart in the types is what stops a restart from
//! "remembering" a commitIndex it has no right to.

use crate::log::RaftLog;
use crate::membership::Membership;
use crate::node::{LogWrite, Ready};
use crate::types::{LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// currentTerm and votedFor: the two persistent scalars.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    /// Latest term this server has seen (§5.1).
    pub current_term: Term,
    /// The candidate this server voted for in `current_term`, if any (§5.2).
    pub voted_for: Option<NodeId>,
}

/// A snapshot (§7): the state machine as of `last_included_index`, which
/// replaces every log entry up to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last entry the snapshot covers.
    pub last_included_index: LogIndex,
    /// That entry's term, for the consistency check of the entry after it.
    pub last_included_term: Term,
    /// The configuration as of that entry (§7: snapshots carry it, since the
    /// entries that held it are gone).
    pub membership: Membership,
    /// The state machine's own encoding of its state; opaque to Raft.
    pub data: Vec<u8>,
}

/// Everything a server keeps on disk: enough, and only enough, to restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState<C> {
    /// currentTerm and votedFor.
    pub hard_state: HardState,
    /// The log of entries after the snapshot.
    pub log: RaftLog<C>,
    /// The latest snapshot, if the log was ever compacted.
    pub snapshot: Option<Snapshot>,
}

impl<C> Default for PersistentState<C> {
    fn default() -> Self {
        PersistentState {
            hard_state: HardState::default(),
            log: RaftLog::default(),
            snapshot: None,
        }
    }
}

/// What [`PersistentState::apply`] changed on disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Persisted {
    /// The log (or the snapshot) was written.
    pub log_changed: bool,
    /// Entries left the log: a conflicting suffix was truncated (§5.3) or a
    /// prefix was folded into a snapshot (§7).
    pub entries_removed: bool,
}

impl<C: Clone> PersistentState<C> {
    /// Write the durable part of `ready` — currentTerm/votedFor and the log
    /// writes, in order — as a disk must before any of its messages leave
    /// (Figure 2). `log` is the server's log after the input that made
    /// `ready` ([`RaftNode::log`](crate::RaftNode::log)): an append names
    /// entries of it, and the disk copies them from there. A truncation
    /// before an append in the same Ready (§5.3) cuts the disk first, so
    /// the copy takes the entries that replaced the cut ones; entries the
    /// server compacted into a snapshot (§7) after appending them in the
    /// same Ready are not copied, and the disk takes that snapshot's point
    /// at once. The log writes are done afterwards: `ready.log_writes` is
    /// empty, so a caller that looks at them does so before. Returns what
    /// changed.
    pub fn apply(&mut self, ready: &mut Ready<C>, log: &RaftLog<C>) -> Persisted {
        self.write(ready, log, RaftLog::copy_from)
    }

    /// [`apply`](Self::apply), copying each append's entries with `copy`.
    fn write(
        &mut self,
        ready: &mut Ready<C>,
        log: &RaftLog<C>,
        copy: impl Fn(&mut RaftLog<C>, &RaftLog<C>, RangeInclusive<LogIndex>),
    ) -> Persisted {
        if let Some(hs) = &ready.hard_state {
            self.hard_state = hs.clone();
        }
        let mut persisted = Persisted::default();
        for write in ready.log_writes.drain(..) {
            persisted.log_changed = true;
            match write {
                LogWrite::TruncateFrom(index) => {
                    persisted.entries_removed = true;
                    self.log.truncate_from(index);
                }
                LogWrite::Append { first, last } => {
                    if first < log.first_index() {
                        // Compacted since: a snapshot write later in this
                        // Ready discards them, and the entries after it
                        // follow the snapshot's point.
                        let (index, term) = log.snapshot_point();
                        self.log.compact_to(index, term);
                    }
                    copy(&mut self.log, log, first..=last);
                }
                LogWrite::Snapshot(snapshot) => {
                    persisted.entries_removed = true;
                    self.log.compact_to(snapshot.last_included_index, snapshot.last_included_term);
                    self.snapshot = Some(snapshot);
                }
            }
        }
        persisted
    }
}

impl<C: Clone + PartialEq> PersistentState<C> {
    /// [`apply`](Self::apply) for a disk kept in memory beside its server:
    /// the disk holds the same entries, but each full chunk of them in the
    /// server's memory, so the two do not each hold a copy of every entry,
    /// and the entries of those chunks are not copied at all.
    pub fn apply_sharing(&mut self, ready: &mut Ready<C>, log: &RaftLog<C>) -> Persisted {
        self.write(ready, log, RaftLog::copy_sharing)
    }
}
