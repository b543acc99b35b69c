//! The shrinker on real failures: a bug switch's first failing seed.

use super::*;
use crate::swarm::{bug_options, Swarm};
use crate::timeline::Timeline;
use raft::Bug;

/// The first seed from `from` that breaks a safety property with `bug`
/// on, and its run up to the violation.
fn failing_run(bug: Bug, from: u64) -> (u64, RunRecord, Invariant) {
    for seed in from..from + 2_000 {
        let mut swarm = Swarm::new(seed, bug_options(bug)).unwrap();
        loop {
            match swarm.step() {
                Ok(()) if swarm.phase() == crate::swarm::Phase::Done => break,
                Ok(()) => {}
                Err(f) => match f.violation {
                    Some(v) => return (seed, swarm.record(), v.invariant),
                    None => break,
                },
            }
        }
    }
    panic!("no seed breaks a safety property with {bug}");
}

fn shrink(record: &RunRecord, property: Property) -> Shrinker {
    let mut s = Shrinker::new(record, property).unwrap();
    while s.step(10_000).unwrap() != &Stage::Done {}
    s
}

/// The first property `record` breaks when the page replays it.
fn broken_on_replay(record: &RunRecord) -> Option<Invariant> {
    let tl = Timeline::from_record(record).unwrap();
    assert_eq!(tl.moment(), record.at, "the page shows the run at the violation");
    tl.sim().violations().first().map(|v| v.invariant)
}

#[test]
fn a_shrunk_run_breaks_the_same_property_sooner_and_is_one_minimal() {
    let (seed, record, invariant) = failing_run(Bug::VoteWithoutLogCheck, 0);
    let s = shrink(&record, Property::Safety(invariant));
    let (before, after) = (s.original(), s.current());
    assert_eq!(before.actions, record.actions.len(), "seed {seed}");
    assert!(after.actions < before.actions, "{before:?} → {after:?}");
    assert!(after.events <= before.events, "{before:?} → {after:?}");
    let shrunk = s.record().unwrap();
    assert_eq!(broken_on_replay(&shrunk), Some(invariant));
    // 1-minimal: without any single action, the replay no longer breaks
    // it by the same time.
    let placed = s.best.as_ref().unwrap().placed.clone();
    for i in 0..placed.len() {
        let mut fewer = placed.clone();
        fewer.remove(i);
        let mut trial =
            Trial::new(&Origin::Fresh, &record.config, fewer, shrunk.end.time, u64::MAX).unwrap();
        assert_eq!(
            trial.advance(&Property::Safety(invariant), &mut u64::MAX.clone()),
            Some(Verdict::Held),
            "action {i} ({}) is not needed",
            placed[i].action
        );
    }
}

#[test]
fn shrinking_is_deterministic_and_works_in_slices() {
    let (_, record, invariant) = failing_run(Bug::ForgetVotedForOnRestart, 0);
    let whole = shrink(&record, Property::Safety(invariant));
    let mut sliced = Shrinker::new(&record, Property::Safety(invariant)).unwrap();
    let mut slices = 0;
    while sliced.step(500).unwrap() != &Stage::Done {
        slices += 1;
    }
    assert!(slices > 1, "a slice of 500 events does not finish it");
    assert_eq!(sliced.record(), whole.record());
    assert_eq!(sliced.tries(), whole.tries());
}

#[test]
fn a_run_that_does_not_break_the_property_is_an_error() {
    let (_, record, invariant) = failing_run(Bug::VoteWithoutLogCheck, 0);
    let other = if invariant == Invariant::ElectionSafety {
        Invariant::LeaderAppendOnly
    } else {
        Invariant::ElectionSafety
    };
    let mut s = Shrinker::new(&record, Property::Safety(other)).unwrap();
    let err = loop {
        match s.step(100_000) {
            Ok(Stage::Done) => panic!("shrunk a run that does not break {other:?}"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert!(err.contains("does not break") && err.contains(other.name()), "{err}");
}

#[test]
fn moving_an_action_earlier() {
    let a = |time, rank| Placed { time, rank, action: Action::HealAll };
    let list = [a(10, 2), a(50, 0)];
    assert_eq!(earlier(&list, (1, 0)).unwrap()[1], a(10, 2), "right after the one before");
    assert_eq!(earlier(&list, (1, 1)).unwrap()[1], a(30, 0), "halfway back");
    assert_eq!(earlier(&list, (0, 0)).unwrap()[0], a(0, 0), "to the start");
    assert_eq!(earlier(&list, (1, 2)), None);
    assert_eq!(earlier(&[a(0, 0)], (0, 0)), None, "already there");
}

/// The first failing seed of each switch (`shrink-all` finds them from 0).
const FIRST_FAILING: [(Bug, u64); 6] = [
    (Bug::StaleLeaderServesReads, 238),
    (Bug::VoteWithoutLogCheck, 4),
    (Bug::CommitByCountingOldTerms, 3345),
    (Bug::ForgetVotedForOnRestart, 217),
    (Bug::KeepCommitIndexOnRestart, 38),
    (Bug::AppendWithoutTruncatingConflicts, 7),
];

#[test]
fn every_switch_has_a_shrunk_counterexample_the_page_replays() {
    for (bug, seed) in FIRST_FAILING {
        let mut search = Search::new(bug, seed, Some(linearizable)).unwrap();
        while !search.is_done() {
            search.step(50_000).unwrap();
        }
        assert_eq!((search.seed(), search.tried()), (seed, 1), "{bug}");
        let (before, after) = search.sizes().unwrap();
        assert!(after.actions < before.actions && after.events <= before.events, "{bug}");
        let record = search.result().unwrap();
        let tl = Timeline::from_record(&record).unwrap();
        assert_eq!(tl.moment(), record.at, "{bug}: shown at the violation");
        let why = search.shrinker().unwrap().why();
        match search.shrinker().unwrap().property() {
            Property::Safety(invariant) => {
                let first = tl.sim().violations().first().unwrap();
                assert_eq!((first.invariant, first.detail.as_str()), (invariant, why));
            }
            Property::Linearizability(check) => {
                assert!(tl.sim().violations().is_empty(), "{bug}");
                assert_eq!(check(tl.sim().history()), Err(why.to_string()), "{bug}: a stale read");
                assert!(why.contains("Get("), "{why}");
            }
        }
    }
}

#[test]
fn a_search_reports_its_progress_as_plain_data_that_crosses_to_the_page() {
    let (bug, seed) = FIRST_FAILING[0];
    let mut search = Search::new(bug, seed, Some(linearizable)).unwrap();
    assert_eq!(search.progress(), Progress { seed, tried: 0, shrink: None });
    let mut stages = Vec::new();
    while !search.is_done() {
        search.step(2_000).unwrap();
        let progress = search.progress();
        assert_eq!((progress.seed, progress.tried), (search.seed(), search.tried()));
        if let Some(shrink) = &progress.shrink {
            if stages.last() != Some(&shrink.stage) {
                stages.push(shrink.stage.clone());
            }
        }
    }
    assert_eq!(stages.last(), Some(&Stage::Done), "the last report says the shrink is done");
    let done = search.progress();
    let shrink = done.shrink.clone().unwrap();
    let shrinker = search.shrinker().unwrap();
    assert_eq!((shrink.original, shrink.current), search.sizes().unwrap());
    assert_eq!(shrink.property, shrinker.property().name());
    assert_eq!(shrink.why, shrinker.why());
    assert!(!shrink.why.is_empty());
    // It crosses to the page and back unchanged.
    let text = serde_json::to_string(&done).unwrap();
    assert_eq!(serde_json::from_str::<Progress>(&text).unwrap(), done);
}
