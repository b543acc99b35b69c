//! What a new cluster starts as: fresh, one of the simulator's ready-made
//! situations, or a swarm seed replayed. The address is read into a
//! [`Start`], the page starts its first cluster from it, and Reset starts
//! the next one from it again. A replay is prepared in the page's worker
//! (`crate::worker::replay`): the page shows a fresh cluster until it
//! arrives.

use crate::run::{ReplayLink, Run};
use crate::situation::Situation;
use sim::SimConfig;

/// A starting point for the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Every server a follower in term 0 with an empty log.
    #[default]
    Fresh,
    /// A ready-made situation (`?start=divergent`).
    Situation(Situation),
    /// A swarm seed replayed exactly as the tests ran it (`#seed=N`).
    Replay(ReplayLink),
}

impl Start {
    /// The starts the Start menu offers, in its order (a replay is opened
    /// by a link, not chosen).
    pub fn menu() -> impl Iterator<Item = Start> {
        std::iter::once(Start::Fresh).chain(Situation::ALL.map(Start::Situation))
    }

    /// Its name in the Start menu and the address's `start=` parameter.
    pub fn name(self) -> &'static str {
        match self {
            Start::Fresh => "fresh",
            Start::Situation(s) => s.name(),
            Start::Replay(_) => "replay",
        }
    }

    /// The start of the menu called `name` (a replay is named by the
    /// address's fragment instead).
    pub fn from_name(name: &str) -> Option<Start> {
        Start::menu().find(|s| s.name() == name)
    }

    /// Its text in the Start menu.
    pub fn label(self) -> &'static str {
        match self {
            Start::Fresh => "a fresh cluster",
            Start::Situation(s) => s.label(),
            Start::Replay(_) => "a replayed swarm seed",
        }
    }

    /// What the person is looking at once a ready-made situation is set up.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Start::Situation(s) => Some(s.note()),
            Start::Fresh | Start::Replay(_) => None,
        }
    }

    /// What Reset starts: the same again, except that a replay gives way
    /// to a fresh cluster of one's own (the seed alone drives a replay, so
    /// Reset is how a person leaves it).
    pub fn again(self) -> Start {
        match self {
            Start::Replay(_) => Start::Fresh,
            other => other,
        }
    }

    /// A cluster started this way with `config` (a replay: a fresh
    /// cluster with `config` while the worker prepares the seed's run,
    /// which brings the swarm's own settings). If it cannot be, the page
    /// still gets a cluster — a fresh one with `config`, or failing that
    /// the default settings with the same seed — and the reason it could
    /// not.
    pub fn begin(self, config: SimConfig) -> (Run, Option<String>) {
        let started = match self {
            Start::Fresh | Start::Replay(_) => Run::free(config.clone()),
            Start::Situation(s) => Run::begin(s.origin(), config.clone()),
        };
        match started {
            Ok(run) => (run, None),
            Err(why) => {
                let seed = config.seed;
                let run = Run::free(config)
                    .or_else(|_| Run::free(SimConfig { seed, ..SimConfig::default() }))
                    .expect("the default configuration is valid");
                (run, Some(why))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(seed: u64) -> SimConfig {
        SimConfig { seed, ..SimConfig::default() }
    }

    #[test]
    fn the_menu_names_round_trip_and_a_replay_is_not_on_it() {
        for s in Start::menu() {
            assert_eq!(Start::from_name(s.name()), Some(s));
        }
        assert_eq!(Start::from_name("replay"), None);
        assert_eq!(Start::menu().count(), 1 + Situation::ALL.len());
    }

    #[test]
    fn each_start_begins_its_own_kind_of_cluster() {
        let (fresh, error) = Start::Fresh.begin(config(9));
        assert!(error.is_none() && fresh.as_replay().is_none());
        assert_eq!((fresh.sim().now(), fresh.sim().config().seed), (0, 9));

        let divergent = Start::Situation(Situation::DivergentFollower);
        let (set_up, error) = divergent.begin(config(9));
        assert!(error.is_none() && set_up.sim().now() > 0, "set up by running the world");
        assert!(divergent.note().is_some() && Start::Fresh.note().is_none());

        // The seed's run comes from the worker: until then, a fresh cluster.
        let link = ReplayLink { seed: 5, bug: None };
        let (waiting, error) = Start::Replay(link).begin(config(5));
        assert!(error.is_none() && waiting.as_replay().is_none());
        assert_eq!((waiting.sim().now(), waiting.sim().config().seed), (0, 5));
    }

    #[test]
    fn settings_that_cannot_start_still_give_a_cluster_and_say_why() {
        let (run, error) = Start::Fresh.begin(SimConfig { servers: 0, ..config(4) });
        assert!(error.is_some_and(|e| !e.is_empty()));
        assert_eq!(run.sim().config().seed, 4, "the same seed, default settings");
        assert_eq!(run.sim().ids().count(), SimConfig::default().servers as usize);
    }

    #[test]
    fn reset_repeats_a_start_but_leaves_a_replay() {
        let divergent = Start::Situation(Situation::DivergentFollower);
        assert_eq!(divergent.again(), divergent);
        assert_eq!(Start::Fresh.again(), Start::Fresh);
        assert_eq!(Start::Replay(ReplayLink { seed: 1, bug: None }).again(), Start::Fresh);
    }
}
