//! State Machine Safety: if a server has applied an entry at an index, no
//! other server ever applies a different entry at that index (§5.4.3).

use super::{Invariant, Violation};
use crate::kv::KvCommand;
use raft::{Chunked, Entry, Memory, NodeId, Time};

/// Every entry applied anywhere, by index (position i = index i+1).
#[derive(Clone, Debug, Default)]
pub(super) struct StateMachineSafety {
    applied: Chunked<Entry<KvCommand>>,
}

impl StateMachineSafety {
    /// Count what it holds in `memory`; `entry_heap` is an entry's heap
    /// bytes besides its inline size.
    pub(super) fn memory(&self, memory: &mut Memory, entry_heap: usize) {
        memory.add(&self.applied, entry_heap);
    }

    /// `id` applied `entry`: the first application at its index sets what
    /// every later one must equal.
    pub(super) fn on_apply(
        &mut self,
        now: Time,
        id: NodeId,
        entry: &Entry<KvCommand>,
    ) -> Option<Violation> {
        let i = entry.index as usize;
        if i == self.applied.len() + 1 {
            self.applied.push(entry.clone());
            return None;
        }
        let known = self.applied.get(i - 1)?;
        (known != entry).then(|| Violation {
            invariant: Invariant::StateMachineSafety,
            time: now,
            nodes: vec![id],
            index: Some(entry.index),
            detail: format!(
                "{id} applied a different entry at index {} (term {}) than was applied before (term {})",
                entry.index, entry.term, known.term
            ),
        })
    }
}
