//! Election Safety: at most one leader can be elected in a given term
//! (§5.2).

use super::{Invariant, Violation};
use raft::{NodeId, SortedMap, Term, Time};

/// The first leader seen in each term.
#[derive(Clone, Debug, Default)]
pub(super) struct ElectionSafety {
    leaders: SortedMap<Term, NodeId>,
}

impl ElectionSafety {
    /// `id` leads `term` now: it must be the only one that ever did.
    pub(super) fn check(&mut self, now: Time, id: NodeId, term: Term) -> Option<Violation> {
        let first = *self.leaders.get_or_insert_with(term, || id);
        (first != id).then(|| Violation {
            invariant: Invariant::ElectionSafety,
            time: now,
            nodes: vec![first, id],
            index: None,
            detail: format!("{first} and {id} are both leaders of term {term}"),
        })
    }
}
