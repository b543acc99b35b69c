//! What the page animates: a cluster a person plays with, or a swarm run
//! replayed from a link (`#seed=N[&bug=NAME]`, the link a failing seed
//! prints: `sim::swarm::page_link`), event for event as the verification
//! tests ran it, so a failing seed can be watched. A cluster of one's own
//! is a [`Timeline`]: it can be rewound, stepped back and forked.

use sim::swarm::{bug_options, Failure, Phase, Swarm, SwarmOptions};
use sim::timeline::{BranchId, Timeline};
use sim::{Action, Sim, SimConfig};

/// Most swarm steps taken for one animation frame, so a frame never
/// freezes the page however far virtual time jumps.
const MAX_STEPS_PER_FRAME: u32 = 20_000;

/// A swarm run to replay: its seed and the bug switch it was run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayLink {
    /// The swarm seed.
    pub seed: u64,
    /// The bug switch, if the run was a break-Raft run.
    pub bug: Option<raft::Bug>,
}

impl ReplayLink {
    /// Read a fragment such as `#seed=1186&bug=commit_by_counting_old_terms`.
    /// `Ok(None)` if the fragment names no run; `Err` says what is wrong
    /// with one that tries to.
    pub fn from_fragment(fragment: &str) -> Result<Option<Self>, String> {
        let mut seed = None;
        let mut bug = None;
        for pair in fragment.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "seed" => {
                    seed =
                        Some(value.parse::<u64>().map_err(|_| {
                            format!("the link's seed '{value}' is not a whole number")
                        })?)
                }
                "bug" => {
                    bug = Some(value.parse::<raft::Bug>().map_err(|e| format!("the link: {e}"))?)
                }
                _ => {}
            }
        }
        match (seed, bug) {
            (Some(seed), bug) => Ok(Some(ReplayLink { seed, bug })),
            (None, Some(_)) => Err("the link names a bug switch but no seed".to_string()),
            (None, None) => Ok(None),
        }
    }
}

/// A cluster on the page.
pub enum Run {
    /// A cluster a person drives with clicks, from its start: every moment
    /// of it can be gone back to.
    Free(Box<Timeline>),
    /// A cluster a person drives, set up by running the world into a
    /// ready-made situation: it plays on but has no past to go back to.
    Situation(Box<Sim>),
    /// A swarm seed replayed: the seed's own faults drive it, a person
    /// watches.
    Replay(Box<Replay>),
}

/// A swarm seed being replayed.
pub struct Replay {
    /// The run, one swarm step at a time.
    pub swarm: Swarm,
    /// Which seed and bug switch.
    pub link: ReplayLink,
    /// Why the seed failed, once it has: a safety violation, a cluster
    /// that did not converge.
    pub failure: Option<Failure>,
}

impl Replay {
    /// Has the run ended, safe and converged or failed?
    pub fn finished(&self) -> bool {
        self.failure.is_some() || self.swarm.phase() == Phase::Done
    }

    /// One swarm step (an event, a fault, or a phase change).
    fn step(&mut self) {
        if !self.finished() {
            if let Err(f) = self.swarm.step() {
                self.failure = Some(f);
            }
        }
    }
}

impl Run {
    /// A fresh cluster to play with.
    pub fn free(config: SimConfig) -> Result<Run, String> {
        Timeline::new(config).map(|t| Run::Free(Box::new(t)))
    }

    /// A cluster to play with, as it is now (without its past).
    pub fn of(sim: Sim) -> Run {
        Run::Situation(Box::new(sim))
    }

    /// The run of swarm seed `link.seed`, with the same hooks the tests use
    /// for its bug switch.
    pub fn replay(link: ReplayLink) -> Result<Run, String> {
        let options = match link.bug {
            Some(bug) => bug_options(bug),
            None => SwarmOptions::default(),
        };
        let swarm = Swarm::new(link.seed, options)?;
        Ok(Run::Replay(Box::new(Replay { swarm, link, failure: None })))
    }

    /// The simulated world.
    pub fn sim(&self) -> &Sim {
        match self {
            Run::Free(t) => t.sim(),
            Run::Situation(sim) => sim,
            Run::Replay(r) => r.swarm.sim(),
        }
    }

    /// The run's history, if it keeps one (a cluster of one's own from
    /// its start).
    pub fn timeline(&self) -> Option<&Timeline> {
        match self {
            Run::Free(t) => Some(t),
            _ => None,
        }
    }

    /// The history to move through, or why this run has none.
    pub fn timeline_mut(&mut self) -> Result<&mut Timeline, String> {
        match self {
            Run::Free(t) => Ok(t),
            Run::Situation(_) => Err("a ready-made situation starts part-way through a run \
                 and has no earlier moments to go back to; press Reset for a fresh cluster"
                .into()),
            Run::Replay(r) => Err(format!(
                "this replay of swarm seed {} plays forward only; press Reset for a \
                 cluster of your own to go back in time",
                r.link.seed
            )),
        }
    }

    /// The replay, if this is one.
    pub fn as_replay(&self) -> Option<&Replay> {
        match self {
            Run::Replay(r) => Some(r),
            _ => None,
        }
    }

    /// Do something to the cluster; in the past of a timeline this forks
    /// it (the new branch is returned). A replay refuses: the seed alone
    /// decides what happens in it, or it would no longer be that run.
    pub fn act(&mut self, action: Action) -> Result<Option<BranchId>, String> {
        match self {
            Run::Free(t) => t.act(action),
            Run::Situation(sim) => sim.act(action).map(|()| None),
            Run::Replay(r) => Err(format!(
                "this is a replay of swarm seed {}, which the seed alone drives; \
                 press Reset for a cluster of your own",
                r.link.seed
            )),
        }
    }

    /// Process the next event (in a replay, the next swarm step). False if
    /// there is nothing left to do.
    pub fn step(&mut self) -> bool {
        match self {
            Run::Free(t) => t.step().is_ok(),
            Run::Situation(sim) => sim.step(),
            Run::Replay(r) => {
                let more = !r.finished();
                r.step();
                more
            }
        }
    }

    /// Process everything up to virtual time `until`, stopping right after
    /// an event that broke a safety property (or, in a replay, ended the
    /// run) so the page pauses exactly there. Returns the virtual time
    /// reached if it stopped early.
    pub fn advance_to(&mut self, until: u64) -> Option<u64> {
        match self {
            // `until` is never before now: the page asks for the shown
            // time or later.
            Run::Free(t) => t.run_until_violation(until.max(t.moment().time)).unwrap_or(None),
            Run::Situation(sim) => sim.run_until_violation(until),
            Run::Replay(r) => {
                for _ in 0..MAX_STEPS_PER_FRAME {
                    // With no event queued the swarm's next step is a timed
                    // fault or a restart, which moves time on by itself.
                    let due = r.swarm.sim().next_event_time().is_none_or(|t| t <= until);
                    if r.finished() || !due {
                        break;
                    }
                    r.step();
                }
                r.finished().then(|| r.swarm.sim().now())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(seed: u64, bug: Option<raft::Bug>) -> ReplayLink {
        ReplayLink { seed, bug }
    }

    #[test]
    fn a_replay_follows_the_seed_exactly() {
        // The page's frame-by-frame advance reaches the same end as the
        // tests' run of the seed: same trace hash.
        let expected = sim::swarm::run_seed(3).expect("seed 3 passes");
        let mut run = Run::replay(link(3, None)).unwrap();
        let mut until = 0;
        while !run.as_replay().unwrap().finished() {
            until += 16;
            run.advance_to(until);
        }
        assert!(run.as_replay().unwrap().failure.is_none());
        assert_eq!(run.sim().trace().hash(), expected.trace_hash);
    }

    #[test]
    fn a_replayed_bug_stops_at_its_violation() {
        let name = raft::Bug::VoteWithoutLogCheck;
        let seed = (0..200)
            .find(|&s| sim::swarm::run_seed_with(s, bug_options(name)).is_err())
            .expect("the swarm catches the bug");
        let mut run = Run::replay(link(seed, Some(name))).unwrap();
        let mut until = 0;
        let stopped = loop {
            until += 16;
            if let Some(t) = run.advance_to(until) {
                break t;
            }
        };
        let failure = run.as_replay().unwrap().failure.clone().expect("it failed");
        assert_eq!(stopped, failure.time);
        assert_eq!(failure.page_link, format!("index.html#seed={seed}&bug={name}"));
    }

    #[test]
    fn a_replay_refuses_actions_and_changes_nothing() {
        let mut run = Run::replay(link(5, None)).unwrap();
        let before = run.sim().trace().hash();
        let err = run.act(Action::Crash(raft::NodeId(1))).unwrap_err();
        assert!(err.contains("replay of swarm seed 5"), "{err}");
        assert_eq!(run.sim().trace().hash(), before);
    }
}
