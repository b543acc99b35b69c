//! Leader Append-Only: a leader never overwrites or deletes entries in its
//! log; it only appends new entries (§5.3).

use super::log_summary::LogSummary;
use super::{Invariant, Violation};
use raft::{LogIndex, NodeId, PeerMap, Term, Time};

/// The hashes, by index, of the entries a leader held before an event that
/// wrote its log.
pub(super) type Before = Vec<(LogIndex, u64)>;

/// The term each server led at its last check.
#[derive(Clone, Debug, Default)]
pub(super) struct LeaderAppendOnly {
    leading: PeerMap<Term>,
}

impl LeaderAppendOnly {
    /// Did `id` already lead `term` at its last check? (If not, it has
    /// just taken office.)
    pub(super) fn led(&self, id: NodeId, term: Term) -> bool {
        self.leading.get(&id) == Some(&term)
    }

    /// Remember whether `id` leads (and which term) as of this check.
    pub(super) fn record(&mut self, id: NodeId, leading: Option<Term>) {
        match leading {
            Some(term) => self.leading.insert(id, term),
            None => self.leading.remove(&id),
        };
    }
}

/// What a leader's log held from index `from` on, before an event writes
/// there: all that the event can have overwritten or deleted.
pub(super) fn before(summary: &LogSummary, from: LogIndex) -> Before {
    (from.max(summary.first_index())..=summary.last_index())
        .filter_map(|i| Some((i, summary.hash_at(i)?)))
        .collect()
}

/// The leader's log after the event must still hold each of those entries
/// unchanged. Entries folded into a snapshot are not removed: only the ones
/// still stored are compared.
pub(super) fn check(
    now: Time,
    id: NodeId,
    term: Term,
    before: &Before,
    after: &LogSummary,
) -> Option<Violation> {
    let (at, _) = before
        .iter()
        .filter(|(i, _)| *i >= after.first_index())
        .find(|&&(i, h)| after.hash_at(i) != Some(h))?;
    Some(Violation {
        invariant: Invariant::LeaderAppendOnly,
        time: now,
        nodes: vec![id],
        index: Some(*at),
        detail: format!("leader {id} of term {term} changed or removed its entry at index {at}"),
    })
}
