//! A seed's run prepared for the page's replay (`#seed=N[&bug=NAME]`, the
//! link [`super::page_link`] prints): run to its end with the same hooks
//! the tests use for its bug switch, then handed over as a shared run shown
//! from its start, with a [`ReplaySummary`] of what the run was. The page's
//! Web Worker prepares it and sends both across (the record as a run file,
//! the summary as a value), so the swarm driver is not in the page's own
//! code.

use super::driver::{Phase, Swarm};
use super::report::Failure;
use super::{bug_options, SwarmOptions};
use crate::checker::Invariant;
use crate::share::RunRecord;
use crate::timeline::Moment;
use raft::{Bug, Time};
use serde::{Deserialize, Serialize};

/// What a seed's run was, beside its record: what the page's replay banner
/// says about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplaySummary {
    /// The seed's fault mix, summarised.
    pub mix: String,
    /// Why the seed failed, if it did: the run ends at the failure.
    pub failure: Option<ReplayFailure>,
    /// When each phase after [`Phase::Safety`] began, in order.
    pub phases: Vec<(Moment, Phase)>,
}

/// Why a replayed seed failed: a safety violation, or a cluster that did
/// not converge in its liveness phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplayFailure {
    /// What went wrong, in words.
    pub reason: String,
    /// Virtual time of the failure, ms.
    pub time: Time,
    /// The safety property that broke, if that is what went wrong (the
    /// page's violation banner then tells it).
    pub violation: Option<Invariant>,
}

impl From<&Failure> for ReplayFailure {
    fn from(f: &Failure) -> Self {
        ReplayFailure {
            reason: f.reason.clone(),
            time: f.time,
            violation: f.violation.as_ref().map(|v| v.invariant),
        }
    }
}

/// A seed's run, ready to replay.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedReplay {
    /// The run as a shared run: the seed's settings and faults, shown from
    /// its start, ending where the run ended.
    pub record: RunRecord,
    /// What the run was.
    pub summary: ReplaySummary,
}

/// Run swarm seed `seed` (with bug switch `bug`'s hooks, if any) to its end:
/// converged and checked, or failed.
pub fn prepare_replay(seed: u64, bug: Option<Bug>) -> Result<PreparedReplay, String> {
    let options = bug.map_or_else(SwarmOptions::default, bug_options);
    let mut swarm = Swarm::new(seed, options)?;
    let mut failure = None;
    while failure.is_none() && swarm.phase() != Phase::Done {
        failure = swarm.step().err();
    }
    let mut record = swarm.record();
    record.at = Moment { event: 0, time: 0 };
    let summary = ReplaySummary {
        mix: swarm.plan().mix.summary(),
        failure: failure.as_ref().map(ReplayFailure::from),
        phases: swarm.phase_changes().to_vec(),
    };
    Ok(PreparedReplay { record, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_replay_ends_where_the_seeds_run_ends_and_is_shown_from_its_start() {
        let expected = super::super::run_seed(3).expect("seed 3 passes");
        let prepared = prepare_replay(3, None).unwrap();
        assert_eq!(prepared.record.at, Moment { event: 0, time: 0 });
        assert_eq!(prepared.record.end.time, expected.end_time);
        assert_eq!(prepared.summary.failure, None);
        let phases: Vec<Phase> = prepared.summary.phases.iter().map(|p| p.1).collect();
        assert_eq!(phases, [Phase::Healing, Phase::Settling, Phase::Done]);
        assert!(!prepared.summary.mix.is_empty());
    }

    #[test]
    fn a_failing_seed_names_the_property_it_broke() {
        let bug = Bug::VoteWithoutLogCheck;
        let prepared = prepare_replay(4, Some(bug)).unwrap();
        let failure = prepared.summary.failure.expect("seed 4 fails with this switch");
        assert_eq!(failure.violation, Some(Invariant::LeaderCompleteness));
        assert_eq!(prepared.record.end.time, failure.time);
        assert!(failure.reason.contains("Leader Completeness"), "{}", failure.reason);
    }
}
