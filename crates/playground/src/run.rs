//! What the page animates: a cluster a person plays with (fresh or a
//! ready-made situation), or a swarm run replayed from a link
//! (`#seed=N[&bug=NAME]`, the link a failing seed prints:
//! `sim::swarm::page_link`), event for event as the verification tests ran
//! it, so a failing seed can be watched. Every run is a [`Timeline`]: it
//! can be rewound, stepped back and forked. A replay's timeline is the
//! seed's run recorded up front by the page's worker
//! (`crate::worker::replay`; its faults are the timeline's actions);
//! acting in it forks a run of one's own from that moment.

use serde::{Deserialize, Serialize};
use sim::swarm::{Phase, ReplayFailure, ReplaySummary};
use sim::timeline::{BranchId, Moment, Origin, Timeline};
use sim::{Action, RunRecord, Sim, SimConfig};

/// A swarm run to replay: its seed and the bug switch it was run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// A cluster on the page: its history, and what it replays if it is a
/// swarm seed.
pub struct Run {
    timeline: Box<Timeline>,
    replay: Option<Box<Replay>>,
}

/// A swarm seed being replayed: what the seed's run was, found by running
/// it to its end (in the page's worker) before the page shows it.
pub struct Replay {
    /// Which seed and bug switch.
    pub link: ReplayLink,
    /// The seed's fault mix, summarised.
    pub mix: String,
    /// Why the seed failed, if it did: a safety violation, a cluster that
    /// did not converge. The run ends at the failure.
    pub failure: Option<ReplayFailure>,
    /// When each phase after the first began.
    phases: Vec<(Moment, Phase)>,
    /// The seed's own actions (its faults): a timeline holding more on its
    /// first branch has been acted on at the end.
    actions: usize,
    /// Where the seed's run ended.
    end: Moment,
}

impl Replay {
    /// Is `timeline` looking at the seed's own run (its first branch, not
    /// acted on since)?
    fn shows_its_run(&self, timeline: &Timeline) -> bool {
        timeline.branch().id() == BranchId(0) && timeline.actions().len() == self.actions
    }

    /// Has the seed's run ended (safe and converged, or failed) at the
    /// moment `timeline` shows?
    pub fn finished(&self, timeline: &Timeline) -> bool {
        self.shows_its_run(timeline) && timeline.moment() >= self.end
    }

    /// The phase the seed's run was in at `at`.
    pub fn phase_at(&self, at: Moment) -> Phase {
        self.phases.iter().take_while(|(m, _)| *m <= at).last().map_or(Phase::Safety, |p| p.1)
    }
}

impl Run {
    /// A fresh cluster to play with.
    pub fn free(config: SimConfig) -> Result<Run, String> {
        Run::begin(Origin::Fresh, config)
    }

    /// A cluster to play with whose world `origin` makes (a ready-made
    /// situation starts part-way through its set-up's run).
    pub fn begin(origin: Origin, config: SimConfig) -> Result<Run, String> {
        let timeline = Timeline::from_origin(origin, config)?;
        Ok(Run { timeline: Box::new(timeline), replay: None })
    }

    /// A run already made (a tour's, played to the step it opens at).
    pub fn from_timeline(timeline: Timeline) -> Run {
        Run { timeline: Box::new(timeline), replay: None }
    }

    /// A shared run, rebuilt at the moment it was shown (see
    /// [`Timeline::from_record`]).
    pub fn from_record(record: &RunRecord) -> Result<Run, String> {
        let timeline = Timeline::from_record(record)?;
        Ok(Run { timeline: Box::new(timeline), replay: None })
    }

    /// The run of swarm seed `link.seed` as the worker prepared it
    /// (`sim::swarm::prepare_replay`): its record, shown from its start,
    /// and what the run was.
    pub fn replayed(
        link: ReplayLink,
        record: &RunRecord,
        summary: ReplaySummary,
    ) -> Result<Run, String> {
        let timeline = Timeline::from_record(record)?;
        let ReplaySummary { mix, failure, phases } = summary;
        let (actions, end) = (record.actions.len(), record.end);
        let replay = Replay { link, mix, failure, phases, actions, end };
        Ok(Run { timeline: Box::new(timeline), replay: Some(Box::new(replay)) })
    }

    /// The simulated world.
    pub fn sim(&self) -> &Sim {
        self.timeline.sim()
    }

    /// The run's history.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The history, to move through.
    pub fn timeline_mut(&mut self) -> &mut Timeline {
        &mut self.timeline
    }

    /// The replay, if this is one.
    pub fn as_replay(&self) -> Option<&Replay> {
        self.replay.as_deref()
    }

    /// Has a replayed seed's run ended at the moment shown?
    pub fn replay_finished(&self) -> bool {
        self.replay.as_ref().is_some_and(|r| r.finished(&self.timeline))
    }

    /// Do something to the cluster; in the past this forks it (the new
    /// branch is returned). In a replay the seed's own run stays as it
    /// was, on its branch.
    pub fn act(&mut self, action: Action) -> Result<Option<BranchId>, String> {
        self.timeline.act(action)
    }

    /// Process the next event. False if there is nothing left to do (or
    /// the replayed seed's run has ended).
    pub fn step(&mut self) -> bool {
        !self.replay_finished() && self.timeline.step().is_ok()
    }

    /// Process everything up to virtual time `until`, stopping right after
    /// an event that broke a safety property (or at the end of a replayed
    /// seed's run) so the page pauses exactly there. Returns the virtual
    /// time reached if it stopped early.
    pub fn advance_to(&mut self, until: u64) -> Option<u64> {
        let t = &mut self.timeline;
        // `until` is never before now: the page asks for the shown time or
        // later.
        let until = until.max(t.moment().time);
        match self.replay.as_ref().filter(|r| r.shows_its_run(t)) {
            Some(r) if until >= r.end.time => {
                t.seek(r.end.time).ok()?;
                Some(r.end.time)
            }
            _ => t.run_until_violation(until).unwrap_or(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::replayed;
    use sim::swarm::bug_options;

    fn link(seed: u64, bug: Option<raft::Bug>) -> ReplayLink {
        ReplayLink { seed, bug }
    }

    #[test]
    fn a_replay_follows_the_seed_exactly() {
        // The page's frame-by-frame advance reaches the same end as the
        // tests' run of the seed: same trace hash.
        let expected = sim::swarm::run_seed(3).expect("seed 3 passes");
        let mut run = replayed(link(3, None));
        assert_eq!(run.sim().now(), 0, "shown from its start");
        let mut until = 0;
        while !run.replay_finished() {
            until += 16;
            run.advance_to(until);
        }
        assert!(run.as_replay().unwrap().failure.is_none());
        assert_eq!(
            (run.sim().now(), run.sim().history().ops.len()),
            (expected.end_time, expected.ops)
        );
        assert_eq!(run.as_replay().unwrap().phase_at(run.timeline().moment()), Phase::Done);
        assert!(!run.step(), "the seed's run has ended");
        // Scrub back into the fault phase: the same run, from the start.
        run.timeline_mut().seek(until / 4).unwrap();
        assert_eq!(run.as_replay().unwrap().phase_at(run.timeline().moment()), Phase::Safety);
        assert!(!run.replay_finished());
    }

    #[test]
    fn a_replayed_bug_stops_at_its_violation() {
        let name = raft::Bug::VoteWithoutLogCheck;
        let seed = (0..200)
            .find(|&s| sim::swarm::run_seed_with(s, bug_options(name)).is_err())
            .expect("the swarm catches the bug");
        let mut run = replayed(link(seed, Some(name)));
        let mut until = 0;
        let stopped = loop {
            until += 16;
            if let Some(t) = run.advance_to(until) {
                break t;
            }
        };
        let failure = run.as_replay().unwrap().failure.clone().expect("it failed");
        assert_eq!(stopped, failure.time);
        assert!(failure.violation.is_some(), "a safety property broke: {}", failure.reason);
    }

    #[test]
    fn acting_in_a_replay_forks_a_run_of_ones_own_and_the_seeds_run_stays() {
        let mut run = replayed(link(5, None));
        let end = run.timeline().end();
        run.advance_to(2_000);
        let fork = run.act(Action::SetLoss(10.0)).unwrap();
        assert!(fork.is_some_and(|b| b.0 > 0), "the seed's run goes on past here: a fork");
        assert!(!run.replay_finished() && run.step(), "a run of one's own plays on");
        let seeds = &run.timeline().branches()[0];
        assert_eq!(seeds.end(), end, "the seed's run stays as it was");
        run.timeline_mut().switch_branch(BranchId(0), sim::Arrival::End).unwrap();
        assert!(run.replay_finished());
        run.act(Action::HealAll).unwrap();
        assert!(!run.replay_finished(), "acted on at its end, it is a run of one's own");
    }
}
