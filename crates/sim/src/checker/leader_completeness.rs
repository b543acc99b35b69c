//! Leader Completeness: if an entry is committed in a term, it is present
//! in the logs of the leaders of all higher terms (§5.4.1).

use super::committed_entries::CommittedRecord;
use super::log_summary::{first_difference, LogSummary, RangeHash};
use super::{Invariant, Violation};
use raft::{LogIndex, NodeId, Term, Time};

/// `id` has just become leader of `term` with the log summarized by `log`:
/// it must hold every entry committed in an earlier term. Only those: a
/// leader of term 10 elected before term 11 committed an entry may lack it
/// (it steps down on hearing term 11). Entries folded into its snapshot are
/// not compared.
pub(super) fn check(
    now: Time,
    id: NodeId,
    term: Term,
    log: &LogSummary,
    record: &CommittedRecord,
) -> Option<Violation> {
    let missing = first_missing(term, log, record)?;
    let e = record.get(missing).expect("a committed index");
    Some(Violation {
        invariant: Invariant::LeaderCompleteness,
        time: now,
        nodes: vec![id],
        index: Some(missing),
        detail: format!(
            "{id} became leader of term {term} without committed entry {missing} (term {})",
            e.term
        ),
    })
}

/// The lowest committed index, from the log's first stored one, that was
/// committed before `term` and that the log does not hold.
fn first_missing(term: Term, log: &LogSummary, record: &CommittedRecord) -> Option<LogIndex> {
    let lo = log.first_index();
    // The leading entries all committed before `term`: one comparison of
    // sums, then a bisection if they differ.
    let prefix = record.prefix_committed_before(term);
    let shared = prefix.min(log.last_index());
    if let Some(i) = first_difference(record, log, lo, shared) {
        return Some(i);
    }
    if shared < prefix && lo <= prefix {
        return Some(shared.max(lo - 1) + 1);
    }
    // After them, the few committed later and then some in earlier terms
    // (a slow leader's late count), one by one.
    ((prefix + 1).max(lo)..=record.last_index())
        .find(|&i| record.committed_in(i) < term && log.hash_at(i) != Some(record.range(i, i)))
}
