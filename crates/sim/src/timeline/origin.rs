//! Where a run begins: the world before its first event. Most runs begin
//! with a fresh cluster; a ready-made situation begins from chosen disks,
//! already run up to the moment worth watching (`crate::setup`). A
//! [`Timeline`](super::Timeline) keeps its origin so that a shared run
//! (`RunRecord::origin`) rebuilds the same world before replaying its
//! actions.

use crate::config::SimConfig;
use crate::setup;
use crate::world::Sim;
use serde::{Deserialize, Serialize};

/// How the world of a run was made before its first recorded event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Every server a follower in term 0 with an empty log (Figure 2's
    /// initial state).
    #[default]
    Fresh,
    /// A cut-off old leader with a long divergent log, S2 just elected for
    /// term 5 (§5.3; [`setup::divergent_follower`]).
    DivergentFollower,
}

impl Origin {
    /// The world this origin makes with `config`, ready for the run's first
    /// event.
    pub fn build(self, config: SimConfig) -> Result<Sim, String> {
        match self {
            Origin::Fresh => Sim::new(config),
            Origin::DivergentFollower => setup::divergent_follower(config),
        }
    }
}
