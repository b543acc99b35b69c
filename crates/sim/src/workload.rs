//! A steady load for measuring how fast the simulator runs: a cluster with
//! default settings (no faults) and one client putting a fresh value every
//! few virtual milliseconds, as a page left running would. Used by the
//! `sim-bench` binary and by the wasm speed test.

use crate::action::Action;
use crate::client::Target;
use crate::config::SimConfig;
use crate::kv::{ClientId, KvOp};
use crate::world::Sim;
use raft::Time;

/// The keys the client writes in turn: eight, so the store stays small
/// however long the run.
const KEYS: [&str; 8] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"];

/// A cluster under a steady stream of puts from one client.
#[derive(Clone, Debug)]
pub struct SteadyPuts {
    sim: Sim,
    every: Time,
    puts: u64,
}

impl SteadyPuts {
    /// `servers` servers (seed 1), one client that sends a put every
    /// `every` ms (queued behind its pending one, as a client that keeps
    /// typing would).
    pub fn new(servers: u8, every: Time) -> Result<Self, String> {
        if every == 0 {
            return Err("the client needs at least 1 ms between puts".into());
        }
        let sim = Sim::new(SimConfig { servers, ..SimConfig::default() })?;
        Ok(SteadyPuts { sim, every, puts: 0 })
    }

    /// Run until virtual time `until`, putting on schedule.
    pub fn run_until(&mut self, until: Time) -> Result<(), String> {
        while self.sim.now() + self.every <= until {
            let next = self.sim.now() + self.every;
            self.sim.run_until(next);
            self.puts += 1;
            let key = KEYS[(self.puts % KEYS.len() as u64) as usize];
            let op = KvOp::Put { key: key.into(), value: self.puts.into() };
            self.sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader })?;
        }
        self.sim.run_until(until);
        Ok(())
    }

    /// The world as it is now.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_puts_commit_and_the_run_is_safe() {
        let mut w = SteadyPuts::new(3, 10).unwrap();
        w.run_until(2_000).unwrap();
        assert!(w.sim().violations().is_empty());
        assert!(w.sim().history().completed() > 20, "{}", w.sim().history().completed());
        assert!(SteadyPuts::new(3, 0).is_err());
    }
}
