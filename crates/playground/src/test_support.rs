//! Helpers for the host unit tests: a cluster and a way to wait for its
//! first leader.

use crate::run::{ReplayLink, Run};
use raft::NodeId;
use sim::{Sim, SimConfig};

/// Swarm seed `link`'s run as the page replays it, prepared here rather
/// than in the page's worker.
pub fn replayed(link: ReplayLink) -> Run {
    let prepared = sim::swarm::prepare_replay(link.seed, link.bug).expect("the seed runs");
    Run::replayed(link, &prepared.record, prepared.summary).expect("its record replays")
}

/// A fresh cluster of `servers` with `seed`.
pub fn cluster(servers: u8, seed: u64) -> Sim {
    Sim::new(SimConfig { servers, seed, ..SimConfig::default() }).unwrap()
}

/// Run until a leader is elected and has committed its no-op (so it may
/// change the configuration), at most 10 s of virtual time; return it.
pub fn elect(sim: &mut Sim) -> NodeId {
    let mut t = sim.now();
    let settled = |sim: &Sim| {
        sim.leader().and_then(|l| sim.server(l)).is_some_and(|s| s.raft.commit_index() > 0)
    };
    while !settled(sim) {
        t += 10;
        sim.run_until(t);
        assert!(t < 10_000, "no leader after 10 s");
    }
    sim.leader().unwrap()
}
