//! Helpers for the host unit tests: a cluster and a way to wait for its
//! first leader.

use raft::NodeId;
use sim::{Sim, SimConfig};

/// A fresh cluster of `servers` with `seed`.
pub fn cluster(servers: u8, seed: u64) -> Sim {
    Sim::new(SimConfig { servers, seed, ..SimConfig::default() }).unwrap()
}

/// Run until a leader is elected (at most 10 s of virtual time) and return it.
pub fn elect(sim: &mut Sim) -> NodeId {
    let mut t = sim.now();
    while sim.leader().is_none() {
        t += 10;
        sim.run_until(t);
        assert!(t < 10_000, "no leader after 10 s");
    }
    sim.leader().unwrap()
}
