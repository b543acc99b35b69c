//! Log Matching: if two logs contain an entry with the same index and term,
//! the logs are identical in all entries up through that index (§5.3).

use super::log_summary::{first_difference, LogSummary};
use super::{Invariant, Violation};
use raft::{LogIndex, NodeId, PeerMap, Time};

/// `id`'s log was written from index `from` on; every pair of logs agreed
/// before. A new break needs an entry shared with another log (same index
/// and term) at `from` or later, so only the written part is searched for
/// the highest shared entry, and the two logs are compared up to it by
/// their sums. Logs may start after a snapshot: they are compared where
/// both store.
pub(super) fn check(
    now: Time,
    id: NodeId,
    from: LogIndex,
    logs: &PeerMap<LogSummary>,
) -> Vec<Violation> {
    let a = &logs[&id];
    logs.iter()
        .filter(|(&other, _)| other != id)
        .filter_map(|(&other, b)| {
            let i = break_between(a, b, from)?;
            Some(Violation {
                invariant: Invariant::LogMatching,
                time: now,
                nodes: vec![id, other],
                index: Some(i),
                detail: format!("{id} and {other} agree on a later entry but differ at index {i}"),
            })
        })
        .collect()
}

/// If `a` (written from `from` on) and `b` share an entry at `from` or later
/// but differ somewhere before it, the first index where they differ.
fn break_between(a: &LogSummary, b: &LogSummary, from: LogIndex) -> Option<LogIndex> {
    let lo = a.first_index().max(b.first_index());
    let bottom = from.max(lo);
    let mut hi = a.last_index().min(b.last_index());
    while hi >= bottom && a.term_at(hi) != b.term_at(hi) {
        hi -= 1;
    }
    if hi < bottom {
        return None;
    }
    first_difference(a, b, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::KvCommand;
    use raft::{Entry, Payload, RaftLog, Term};

    fn log(terms: &[Term]) -> LogSummary {
        let mut l = RaftLog::<KvCommand>::default();
        for (i, &term) in terms.iter().enumerate() {
            l.push(Entry { term, index: i as u64 + 1, payload: Payload::Noop });
        }
        LogSummary::of(&l)
    }

    #[test]
    fn a_difference_below_a_shared_entry_is_a_break() {
        assert_eq!(break_between(&log(&[1, 1, 2]), &log(&[1, 1, 2, 3]), 1), None);
        assert_eq!(
            break_between(&log(&[1, 1, 3]), &log(&[1, 2]), 1),
            None,
            "no shared entry past 1"
        );
        assert_eq!(break_between(&log(&[1, 2, 3]), &log(&[1, 1, 3]), 1), Some(2));
        assert_eq!(
            break_between(&log(&[1, 2, 3]), &log(&[1, 1, 3]), 3),
            Some(2),
            "written at 3, compared from the start"
        );
    }
}
