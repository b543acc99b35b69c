//! Where a run begins: the world before its first event. Most runs begin
//! with a fresh cluster; a ready-made situation begins from chosen disks,
//! already run up to the moment worth watching (`crate::setup`); a tour
//! begins from the disks its story draws. A [`Timeline`](super::Timeline)
//! keeps its origin so that a shared run (`RunRecord::origin`) rebuilds the
//! same world before replaying its actions.

use crate::config::SimConfig;
use crate::setup::{self, DiskImage};
use crate::world::Sim;
use serde::{Deserialize, Serialize};

/// How the world of a run was made before its first recorded event.
///
/// New variants go last: a share link names a variant by its index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Every server a follower in term 0 with an empty log (Figure 2's
    /// initial state).
    #[default]
    Fresh,
    /// A cut-off old leader with a long divergent log, S2 just elected for
    /// term 5 (§5.3; [`setup::divergent_follower`]).
    DivergentFollower,
    /// Every server booted from its own disk, drawn as the articles draw
    /// one, in id order: currentTerm, votedFor and log as given, nothing
    /// committed yet
    /// ([`Sim::from_disks`]). A tour that starts from the paper's or an
    /// article's logs (Figure 7) begins here, so its share link carries the
    /// disks and opens without the tour file.
    Disks(Vec<DiskImage>),
}

impl Origin {
    /// The world this origin makes with `config`, ready for the run's first
    /// event.
    pub fn build(&self, config: SimConfig) -> Result<Sim, String> {
        match self {
            Origin::Fresh => Sim::new(config),
            Origin::DivergentFollower => setup::divergent_follower(config),
            Origin::Disks(images) => Sim::from_disks(config, setup::disks(images)?),
        }
    }
}
