//! Cut links between servers (a network partition drawn at a glance).

use raft::NodeId;
use sim::{Endpoint, Sim};

/// Is the link between servers `a` and `b` cut in either direction?
pub fn link_cut(sim: &Sim, a: NodeId, b: NodeId) -> bool {
    let net = sim.network();
    net.is_cut(Endpoint::Server(a), Endpoint::Server(b))
        || net.is_cut(Endpoint::Server(b), Endpoint::Server(a))
}

/// Pairs of servers whose link is cut (in either direction), each once,
/// lower id first.
pub fn cut_pairs(sim: &Sim) -> Vec<(NodeId, NodeId)> {
    let mut pairs = std::collections::BTreeSet::new();
    pairs.extend(sim.network().cut_links().filter_map(|&(a, b)| match (a, b) {
        (Endpoint::Server(a), Endpoint::Server(b)) => Some((a.min(b), a.max(b))),
        _ => None,
    }));
    pairs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::cluster;
    use sim::Action;

    #[test]
    fn cut_links_are_listed_once_per_pair() {
        let mut sim = cluster(5, 4);
        for b in [1, 2, 4, 5] {
            sim.act(Action::SetLink { a: NodeId(3), b: NodeId(b), cut: true }).unwrap();
        }
        let pairs = cut_pairs(&sim);
        assert_eq!(pairs.len(), 4);
        assert!(pairs.iter().all(|&(a, b)| a < b && (a == NodeId(3) || b == NodeId(3))));
        assert!(link_cut(&sim, NodeId(1), NodeId(3)) && link_cut(&sim, NodeId(3), NodeId(1)));
        assert!(!link_cut(&sim, NodeId(1), NodeId(2)));
        sim.act(Action::HealAll).unwrap();
        assert!(cut_pairs(&sim).is_empty());
    }
}
