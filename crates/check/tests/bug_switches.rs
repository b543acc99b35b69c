//! Proof that the checkers work: with each of raft's bug switches on, the
//! swarm (safety checkers after every event, linearizability of the
//! history) finds a violation within a bounded number of seeds, and names
//! the seed and the command that replays it. The model checker's side of
//! this is in crates/model/tests.

use check::bug_swarm;
use raft::Bug;
use sim::swarm::{run_seed_with, Failure};

/// Seeds tried per switch before the test gives up.
const LIMIT: u64 = 10_000;

/// The first seed the swarm fails on with switch `name` on.
fn first_failure(name: Bug) -> (Failure, u64) {
    let options = bug_swarm(name);
    for seed in 0..LIMIT {
        if let Err(f) = run_seed_with(seed, options) {
            return (f, seed + 1);
        }
    }
    panic!("no seed in 0..{LIMIT} caught {name}: the checkers cannot see this bug");
}

/// Assert the failure is a safety or linearizability finding (not merely a
/// cluster that failed to converge), print it, and return it.
fn caught(name: Bug, kinds: &[&str]) -> Failure {
    let (f, tried) = first_failure(name);
    assert!(
        kinds.iter().any(|k| f.reason.contains(k)),
        "{name}: seed {} failed, but not as expected ({kinds:?}): {}",
        f.seed,
        f.reason
    );
    assert!(
        f.replay.ends_with(&format!("--seed {} --verbose --bug {name}", f.seed)),
        "{}",
        f.replay
    );
    eprintln!(
        "{name}: caught by seed {} after {tried} seeds: {}\n  replay: {}",
        f.seed,
        f.reason.lines().next().unwrap_or(""),
        f.replay
    );
    f
}

const SAFETY: [&str; 6] = [
    "Election Safety",
    "Leader Append-Only",
    "Log Matching",
    "Leader Completeness",
    "State Machine Safety",
    "Committed entries are never lost",
];

fn safety_or_linearizability() -> Vec<&'static str> {
    let mut v = SAFETY.to_vec();
    v.push("not linearizable");
    v
}

#[test]
fn vote_without_log_check_is_caught() {
    caught(Bug::VoteWithoutLogCheck, &safety_or_linearizability());
}

#[test]
fn commit_by_counting_old_terms_is_caught() {
    caught(Bug::CommitByCountingOldTerms, &safety_or_linearizability());
}

#[test]
fn forget_voted_for_on_restart_is_caught() {
    caught(Bug::ForgetVotedForOnRestart, &safety_or_linearizability());
}

#[test]
fn keep_commit_index_on_restart_is_caught() {
    caught(Bug::KeepCommitIndexOnRestart, &safety_or_linearizability());
}

#[test]
fn append_without_truncating_conflicts_is_caught() {
    caught(Bug::AppendWithoutTruncatingConflicts, &safety_or_linearizability());
}

#[test]
fn stale_leader_serves_reads_is_caught_by_linearizability() {
    caught(Bug::StaleLeaderServesReads, &["not linearizable"]);
}

#[test]
fn the_correct_protocol_passes_the_same_seeds() {
    // The control: with every switch off, the seeds that catch the bugs pass.
    for seed in 0..40 {
        if let Err(f) = run_seed_with(seed, check::linearizable_swarm()) {
            panic!("{f}");
        }
    }
}
