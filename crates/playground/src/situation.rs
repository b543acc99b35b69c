//! What a cluster starts as: fresh, or one of the simulator's ready-made
//! situations (`sim::setup`), run up to the moment worth watching.

use crate::run::Run;
use sim::SimConfig;

/// A starting point for the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Situation {
    /// Every server a follower in term 0 with an empty log.
    #[default]
    Fresh,
    /// A cut-off old leader with a long divergent log is about to be
    /// repaired by the new leader (§5.3): compare the backtracking with and
    /// without fast backtracking.
    DivergentFollower,
}

impl Situation {
    /// Every situation, in menu order.
    pub const ALL: [Situation; 2] = [Situation::Fresh, Situation::DivergentFollower];

    /// Its name in the address (`?start=divergent`).
    pub fn name(self) -> &'static str {
        match self {
            Situation::Fresh => "fresh",
            Situation::DivergentFollower => "divergent",
        }
    }

    /// The situation called `name` in the address.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its menu text.
    pub fn label(self) -> &'static str {
        match self {
            Situation::Fresh => "a fresh cluster",
            Situation::DivergentFollower => "a divergent follower",
        }
    }

    /// What the person is looking at, once it is set up.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Situation::Fresh => None,
            Situation::DivergentFollower => Some(
                "The first leader was cut off and appended 8 entries no one else stored; the \
                 others elected new leaders and committed entries of their own at the same \
                 indexes. The links just healed. \
                 Press Play and watch the leader's nextIndex for the old leader walk back until \
                 the logs agree — one entry per round trip, or one term per round trip with \
                 Fast backtrack on (then Reset to see it again).",
            ),
        }
    }

    /// A cluster in this situation with these settings.
    pub fn start(self, config: SimConfig) -> Result<Run, String> {
        match self {
            Situation::Fresh => Run::free(config),
            Situation::DivergentFollower => {
                sim::setup::divergent_follower(config).map(|sim| Run::Free(Box::new(sim)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_situation_starts() {
        for s in Situation::ALL {
            assert_eq!(Situation::from_name(s.name()), Some(s));
            let run = s.start(SimConfig { seed: 9, ..SimConfig::default() }).unwrap();
            assert_eq!(run.sim().ids().count(), 5);
            assert!(run.sim().violations().is_empty());
        }
        assert_eq!(Situation::from_name("nope"), None);
        let divergent = Situation::DivergentFollower.start(SimConfig::default()).unwrap();
        assert!(divergent.sim().now() > 0, "set up by running the world");
    }
}
