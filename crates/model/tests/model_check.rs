//! The model checker on the real crates/raft code: within small bounds the
//! correct protocol keeps Election Safety, Log Matching and State Machine
//! Safety in every reachable state (and does elect a leader and commit a
//! command, so the check is not vacuous); with a bug switch on, the checker
//! finds the violation and the path to it.

use model::{bug_hook, check, describe_action, Bounds, RaftModel};
use raft::Bug;

/// The bound plain `cargo test` explores: 3 servers, terms up to 2, one
/// client proposal, at most 3 messages in flight.
fn small() -> Bounds {
    Bounds { max_term: 2, max_proposals: 1, max_in_flight: 3, ..Bounds::default() }
}

#[test]
fn the_correct_protocol_is_safe_in_every_state_within_the_bound() {
    let report = check(RaftModel::new(small()), 2, false, false);
    eprintln!(
        "model: {} unique states ({} generated, depth {}) in {:.1} s",
        report.unique_states,
        report.states,
        report.max_depth,
        report.elapsed.as_secs_f64()
    );
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert!(report.unwitnessed.is_empty(), "never seen: {:?}", report.unwitnessed);
    // The exploration is not trivially small.
    assert!(report.unique_states > 50_000, "only {} states", report.unique_states);
    assert!(report.max_depth > 20);
}

/// Check with switch `name` on; the first violation must be one of
/// `expected`. Returns the path's length.
fn caught(name: Bug, bounds: Bounds, expected: &[&str]) -> usize {
    let mut model = RaftModel::new(bounds);
    model.configure = bug_hook(name);
    let report = check(model, 2, true, false);
    let Some((property, path, state)) = report.violations.first() else {
        panic!("{name}: no violation in {} states", report.unique_states);
    };
    assert!(expected.contains(property), "{name}: {property} failed, expected one of {expected:?}");
    let steps: Vec<String> = path.iter().map(describe_action).collect();
    eprintln!(
        "{name}: {property} violated after {} steps ({} states explored):\n  {}\n{state}",
        path.len(),
        report.unique_states,
        steps.join("\n  ")
    );
    path.len()
}

#[test]
fn voting_without_the_log_check_breaks_state_machine_safety() {
    let steps = caught(
        Bug::VoteWithoutLogCheck,
        small(),
        &["State Machine Safety", "Log Matching", "Election Safety"],
    );
    assert!(steps <= 20);
}

#[test]
fn forgetting_voted_for_on_restart_elects_two_leaders_in_one_term() {
    let bounds = Bounds { max_in_flight: 4, max_crashes: 1, ..small() };
    caught(Bug::ForgetVotedForOnRestart, bounds, &["Election Safety"]);
}

#[test]
fn keeping_commit_index_on_restart_commits_what_was_never_committed() {
    let bounds = Bounds { max_in_flight: 4, max_crashes: 1, ..small() };
    caught(Bug::KeepCommitIndexOnRestart, bounds, &["State Machine Safety"]);
}

#[test]
fn every_bug_switch_has_a_hook_that_turns_on_that_switch_alone() {
    for bug in Bug::ALL {
        let mut c = raft::Config::new(raft::NodeId(1), vec![raft::NodeId(1)]);
        bug_hook(bug)(&mut c);
        assert_eq!(c.bugs.on().collect::<Vec<_>>(), [bug], "{bug}'s hook");
    }
}
