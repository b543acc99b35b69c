//! The simulator's ready-made situations (`sim::setup`), each a cluster run
//! up to the moment worth watching.

use sim::timeline::Origin;

/// A ready-made situation a new cluster can start in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Situation {
    /// A cut-off old leader with a long divergent log is about to be
    /// repaired by the new leader (§5.3): compare the backtracking with and
    /// without fast backtracking.
    DivergentFollower,
}

impl Situation {
    /// Every situation, in menu order.
    pub const ALL: [Situation; 1] = [Situation::DivergentFollower];

    /// Its name in the address (`?start=divergent`).
    pub fn name(self) -> &'static str {
        match self {
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
            Situation::DivergentFollower => "a divergent follower",
        }
    }

    /// What the person is looking at, once it is set up.
    pub fn note(self) -> &'static str {
        match self {
            Situation::DivergentFollower => {
                "S1 led term 2 while cut off and appended 8 entries no one else stored; the \
                 others stored entries of terms 3 and 4 at the same indexes, and S2 has just \
                 been elected for term 5. \
                 Press Play and watch the leader's nextIndex for the old leader walk back until \
                 the logs agree — one entry per round trip, or one term per round trip with \
                 Fast backtrack on (then Reset to see it again)."
            }
        }
    }

    /// How the simulator makes its world (run into this situation).
    pub fn origin(self) -> Origin {
        match self {
            Situation::DivergentFollower => Origin::DivergentFollower,
        }
    }

    /// The situation a run's world was made as, if it is one.
    pub fn of_origin(origin: &Origin) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.origin() == *origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_origins_round_trip_and_every_situation_is_set_up_by_running_the_world() {
        for s in Situation::ALL {
            assert_eq!(Situation::from_name(s.name()), Some(s));
            assert_eq!(Situation::of_origin(&s.origin()), Some(s));
            let config = sim::SimConfig { seed: 9, ..sim::SimConfig::default() };
            let sim = s.origin().build(config).unwrap();
            assert_eq!(sim.ids().count(), 5);
            assert!(sim.violations().is_empty());
            assert!(sim.now() > 0, "{s:?} is set up by running the world");
        }
        assert_eq!(Situation::from_name("nope"), None);
        assert_eq!(Situation::of_origin(&Origin::Fresh), None);
    }
}
