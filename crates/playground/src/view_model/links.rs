//! Cut links between servers (a network partition drawn at a glance).

use raft::{NodeId, SortedSet};
use sim::{Endpoint, Sim};

/// Is the link between servers `a` and `b` cut in either direction?
pub fn link_cut(sim: &Sim, a: NodeId, b: NodeId) -> bool {
    let net = sim.network();
    net.is_cut(Endpoint::Server(a), Endpoint::Server(b))
        || net.is_cut(Endpoint::Server(b), Endpoint::Server(a))
}

/// A cut link between two servers, as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutLink {
    /// One end; for a one-way cut, the sender that can no longer reach `b`.
    pub a: NodeId,
    /// The other end.
    pub b: NodeId,
    /// Only `a` → `b` is cut: `b` still reaches `a`.
    pub one_way: bool,
}

/// Every cut link between servers, each pair once (lower id first unless
/// only the higher one's way is cut).
pub fn cut_links(sim: &Sim) -> Vec<CutLink> {
    let net = sim.network();
    let pairs: SortedSet<(NodeId, NodeId)> = net
        .cut_links()
        .filter_map(|&(a, b)| match (a, b) {
            (Endpoint::Server(a), Endpoint::Server(b)) => Some((a.min(b), a.max(b))),
            _ => None,
        })
        .collect();
    let cut = |a, b| net.is_cut(Endpoint::Server(a), Endpoint::Server(b));
    pairs
        .into_iter()
        .map(|(lo, hi)| match (cut(lo, hi), cut(hi, lo)) {
            (true, true) => CutLink { a: lo, b: hi, one_way: false },
            (true, false) => CutLink { a: lo, b: hi, one_way: true },
            _ => CutLink { a: hi, b: lo, one_way: true },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::cluster;
    use sim::Action;

    #[test]
    fn cut_links_are_listed_once_per_pair_and_both_ways() {
        let mut sim = cluster(5, 4);
        for b in [1, 2, 4, 5] {
            sim.act(Action::SetLink { a: NodeId(3), b: NodeId(b), cut: true }).unwrap();
        }
        let links = cut_links(&sim);
        assert_eq!(links.len(), 4);
        assert!(links
            .iter()
            .all(|l| l.a < l.b && !l.one_way && (l.a == NodeId(3) || l.b == NodeId(3))));
        assert!(link_cut(&sim, NodeId(1), NodeId(3)) && link_cut(&sim, NodeId(3), NodeId(1)));
        assert!(!link_cut(&sim, NodeId(1), NodeId(2)));
        sim.act(Action::HealAll).unwrap();
        assert!(cut_links(&sim).is_empty());
    }

    #[test]
    fn a_one_way_cut_names_the_sender_that_lost_its_way() {
        let mut sim = cluster(3, 4);
        sim.act(Action::SetOneWay { from: NodeId(3), to: NodeId(1), cut: true }).unwrap();
        assert_eq!(cut_links(&sim), vec![CutLink { a: NodeId(3), b: NodeId(1), one_way: true }]);
    }
}
