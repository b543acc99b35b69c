//! Heavy checkers that stay out of the wasm page: the linearizability of a
//! run's client history ([`linearizability`], with stateright's
//! `LinearizabilityTester`), and the swarm hooks that plug it into every
//! seed. The `soak` binary runs swarm seeds for a given time.

pub mod linearizability;

pub use linearizability::{check_history, KvSpec, LinearizabilityReport};

use sim::swarm::{bug_options, SwarmOptions};

/// Swarm options that check every finished history for linearizability.
pub fn linearizable_swarm() -> SwarmOptions {
    SwarmOptions {
        check_history: Some(|h| check_history(h).map(|_| ())),
        ..SwarmOptions::default()
    }
}

/// Linearizable swarm options with raft's bug switch `bug` turned on (see
/// [`sim::swarm::bug_options`]); the replay command carries `--bug NAME`.
/// `None` if there is no such switch.
pub fn bug_swarm(bug: raft::Bug) -> SwarmOptions {
    SwarmOptions { check_history: linearizable_swarm().check_history, ..bug_options(bug) }
}
