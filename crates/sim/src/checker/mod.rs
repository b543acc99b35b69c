//! Raft's safety properties (Figure 3 of the paper), checked after every
//! event of a run, one property per module. A violation names the property,
//! the servers and the log index involved, so the page can highlight them
//! and a test can fail with a reason.
//!
//! Each event is checked for what it changed only (the entries it wrote, the
//! commits it learned, a new leader), against compact summaries of the logs
//! and of the committed entries (`log_summary`), so a check costs the same
//! after a minute of virtual time as after an hour.

mod committed_entries;
mod election_safety;
mod leader_append_only;
mod leader_completeness;
mod log_matching;
mod log_summary;
mod state_machine_safety;

use crate::kv::KvCommand;
use committed_entries::CommittedRecord;
use election_safety::ElectionSafety;
use leader_append_only::LeaderAppendOnly;
use log_summary::LogSummary;
use raft::PeerMap;
use raft::{Entry, LogIndex, LogWrite, Memory, NodeId, PersistentState, RaftNode, Role, Time};
use serde::{Deserialize, Serialize};
use state_machine_safety::StateMachineSafety;
use std::fmt;

/// A safety property of Raft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// At most one leader can be elected in a given term.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only
    /// appends new entries.
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs
    /// are identical in all entries up through that index.
    LogMatching,
    /// If an entry is committed in a term, it is present in the logs of the
    /// leaders of all higher terms.
    LeaderCompleteness,
    /// If a server has applied an entry at an index, no other server ever
    /// applies a different entry at that index.
    StateMachineSafety,
    /// A committed entry stays committed: it never changes on any server and
    /// stays on the disks of a majority.
    CommittedEntryNeverLost,
}

impl Invariant {
    /// The property's name as the paper gives it.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "Election Safety",
            Invariant::LeaderAppendOnly => "Leader Append-Only",
            Invariant::LogMatching => "Log Matching",
            Invariant::LeaderCompleteness => "Leader Completeness",
            Invariant::StateMachineSafety => "State Machine Safety",
            Invariant::CommittedEntryNeverLost => "Committed entries are never lost",
        }
    }
}

/// A broken property: what, when, where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property.
    pub invariant: Invariant,
    /// When it was noticed.
    pub time: Time,
    /// The servers involved.
    pub nodes: Vec<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// What exactly is wrong, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated at {} ms: {}", self.invariant.name(), self.time, self.detail)
    }
}

/// What changed on a server during one event, as far as the checker cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct Touched {
    /// The lowest log index written (appended, overwritten or cut off), if
    /// the log changed at all.
    pub written_from: Option<LogIndex>,
    /// Entries were deleted from its log.
    pub truncated: bool,
}

impl Touched {
    /// Note a write to the server's log.
    pub fn record(&mut self, write: &LogWrite) {
        let from = match write {
            LogWrite::TruncateFrom(i) => *i,
            LogWrite::Append { first, last } if first <= last => *first,
            LogWrite::Append { .. } => return,
            // Compaction keeps what follows the snapshot, installing one
            // may drop it: counted as rewritten either way.
            LogWrite::Snapshot(s) => s.last_included_index + 1,
        };
        self.truncated |= !matches!(write, LogWrite::Append { .. });
        self.written_from = Some(self.written_from.map_or(from, |f| f.min(from)));
    }
}

/// The checker's memory across a run.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// The voters the cluster started with.
    bootstrap: Vec<NodeId>,
    election: ElectionSafety,
    append_only: LeaderAppendOnly,
    /// Every server's log, summarized.
    logs: PeerMap<LogSummary>,
    /// Per server, the index up to which its committed entries were
    /// compared with the record and not written since.
    agreed: PeerMap<LogIndex>,
    committed: CommittedRecord,
    applied: StateMachineSafety,
}

type Node = RaftNode<KvCommand>;

impl Checker {
    /// A checker for a cluster that starts with these voters.
    pub fn new(bootstrap: impl IntoIterator<Item = NodeId>) -> Self {
        Checker { bootstrap: bootstrap.into_iter().collect(), ..Checker::default() }
    }

    /// Count its per-entry records in `memory` (they grow with the log;
    /// everything else it keeps is per term or per server). `entry_heap`
    /// is an entry's heap bytes besides its inline size.
    pub fn memory(&self, memory: &mut Memory, entry_heap: usize) {
        self.logs.values().for_each(|s| s.memory(memory));
        self.committed.memory(memory, entry_heap);
        self.applied.memory(memory, entry_heap);
    }

    /// Check everything that can have changed after an event in which
    /// `id` (running as `node`) was touched. `disks` holds every server's
    /// persistent state, up or down, in id order (S1's first).
    pub fn after_event(
        &mut self,
        now: Time,
        id: NodeId,
        node: &Node,
        touched: Touched,
        disks: &[PersistentState<KvCommand>],
    ) -> Vec<Violation> {
        let mut found = Vec::new();
        let term = node.current_term();
        let leading = node.role() == Role::Leader;
        let led = leading && self.append_only.led(id, term);
        if self.logs.len() < disks.len() {
            for (other, disk) in by_id(disks) {
                self.logs.get_or_insert_with(other, || LogSummary::of(&disk.log));
            }
        }
        // Bring this server's summary up to date, keeping what a leader
        // held where the event wrote.
        let log = self.logs.get_mut(&id).expect("every disk is summarized");
        let mut before = None;
        if let Some(from) = touched.written_from {
            if led {
                before = Some(leader_append_only::before(log, from));
            }
            log.sync(&disks[usize::from(id.0) - 1].log, from);
        }
        let log = &self.logs[&id];

        if leading {
            found.extend(self.election.check(now, id, term));
            if led {
                if let Some(before) = &before {
                    found.extend(leader_append_only::check(now, id, term, before, log));
                }
            } else {
                found.extend(leader_completeness::check(now, id, term, log, &self.committed));
            }
        }
        self.append_only.record(id, leading.then_some(term));

        let agreed = self.agreed.get_or_insert_with(id, LogIndex::default);
        if let Some(from) = touched.written_from {
            *agreed = (*agreed).min(from - 1);
        }
        found.extend(committed_entries::agreement(now, id, node, agreed, &mut self.committed));

        if let Some(from) = touched.written_from {
            found.extend(log_matching::check(now, id, from, &self.logs));
        }

        if touched.truncated {
            let disks: PeerMap<_> = by_id(disks).collect();
            let membership = self.committed_membership(&disks);
            found.extend(committed_entries::never_lost(
                now,
                id,
                &membership,
                &self.committed,
                &disks,
                &self.logs,
            ));
        }
        found
    }

    /// The newest configuration among committed entries; before any, the
    /// servers the cluster started with (every server with a non-empty
    /// bootstrap is one of them: they are the ones present at the start).
    fn committed_membership(
        &self,
        disks: &PeerMap<&PersistentState<KvCommand>>,
    ) -> raft::Membership {
        self.committed.membership().cloned().unwrap_or_else(|| {
            raft::Membership::of_voters(
                self.bootstrap.iter().copied().filter(|v| disks.contains_key(v)),
            )
        })
    }

    /// A server applied `entry` to its state machine.
    pub fn on_apply(
        &mut self,
        now: Time,
        id: NodeId,
        entry: &Entry<KvCommand>,
    ) -> Option<Violation> {
        self.applied.on_apply(now, id, entry)
    }
}

/// The disks with their servers' ids: S1's is first.
fn by_id(
    disks: &[PersistentState<KvCommand>],
) -> impl Iterator<Item = (NodeId, &PersistentState<KvCommand>)> {
    disks.iter().enumerate().map(|(i, d)| (NodeId(i as u8 + 1), d))
}
