//! The fast tier of the swarm: thousands of seeds, each with its own fault
//! mix and timing (crates/sim/src/swarm.rs), every safety checker run after
//! every event, then a healed phase that must converge — one leader, equal
//! committed logs and key-value state everywhere, every acknowledged write
//! present, every client operation completed. A failing seed prints the one
//! command that replays it.
//!
//! The linearizability of every history is checked over the same swarm in
//! `crates/check` (it needs stateright, which stays out of the page).

use sim::swarm::{run_seed, run_seed_with, FaultKind, Outcome, SwarmOptions};
use std::collections::BTreeMap;

/// Seeds in plain `cargo test`.
const SEEDS: u64 = 10_000;

fn run_all(seeds: std::ops::Range<u64>) -> (Vec<Outcome>, Vec<String>) {
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for seed in seeds {
        match run_seed(seed) {
            Ok(o) => outcomes.push(o),
            Err(f) => failures.push(f.to_string()),
        }
    }
    (outcomes, failures)
}

#[test]
fn thousands_of_swarm_seeds_stay_safe_and_converge_after_healing() {
    let (outcomes, failures) = run_all(0..SEEDS);
    assert!(
        failures.is_empty(),
        "{} of {SEEDS} seeds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The swarm must really vary the mix, and every kind of fault must
    // really strike somewhere — otherwise the seeds test less than they
    // claim to.
    let mut struck: BTreeMap<FaultKind, u64> = BTreeMap::new();
    let mut enabled: BTreeMap<FaultKind, u64> = BTreeMap::new();
    for o in &outcomes {
        for (&k, &n) in &o.injected {
            *struck.entry(k).or_default() += u64::from(n);
        }
        for k in FaultKind::TIMED.iter().chain(&FaultKind::TRIGGERED) {
            if o.mix.enabled(*k) {
                *enabled.entry(*k).or_default() += 1;
            }
        }
    }
    for k in FaultKind::TIMED.iter().chain(&FaultKind::TRIGGERED) {
        assert!(struck.get(k).copied().unwrap_or(0) > 0, "{k:?} never struck in {SEEDS} seeds");
        if *k != FaultKind::ClientOp {
            let on = enabled.get(k).copied().unwrap_or(0);
            assert!(on > SEEDS / 5 && on < SEEDS * 4 / 5, "{k:?} is on in {on} of {SEEDS} mixes");
        }
    }
    // Not trivial: clients got answers, writes were acknowledged, elections
    // went past the first term.
    let ops: usize = outcomes.iter().map(|o| o.ops).sum();
    let writes: usize = outcomes.iter().map(|o| o.acked_writes).sum();
    assert!(ops as u64 > 5 * SEEDS, "only {ops} operations over {SEEDS} seeds");
    assert!(writes as u64 > SEEDS, "only {writes} acknowledged writes over {SEEDS} seeds");
    let busy = outcomes.iter().filter(|o| o.max_term >= 5).count();
    assert!(busy as u64 > SEEDS / 4, "only {busy} seeds went past term 5");
}

#[test]
fn a_seed_run_twice_gives_the_same_trace_hash_and_seeds_differ() {
    let mut hashes = Vec::new();
    for seed in [0, 1, 42, 977, 31_337, u64::MAX] {
        let a = run_seed(seed).unwrap();
        let b = run_seed(seed).unwrap();
        assert_eq!(a.trace_hash, b.trace_hash, "seed {seed} is not deterministic");
        assert_eq!(a, b, "seed {seed}: same hash but different figures");
        hashes.push(a.trace_hash);
    }
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 6, "different seeds gave the same trace");
}

#[test]
fn the_history_hook_sees_every_complete_history_and_can_fail_a_seed() {
    // A hook that refuses every history must fail the seed, naming it and
    // the replay command; one that accepts lets it pass.
    let refuse = SwarmOptions {
        check_history: Some(|h| {
            assert!(h.ops.iter().all(|o| o.returned.is_some()), "history handed over incomplete");
            Err(format!("{} ops refused", h.ops.len()))
        }),
        ..SwarmOptions::default()
    };
    let f = run_seed_with(5, refuse).unwrap_err();
    assert_eq!(f.seed, 5);
    assert!(f.reason.contains("ops refused"), "{}", f.reason);
    assert!(f.to_string().contains("--seed 5 --verbose"));
    let accept = SwarmOptions { check_history: Some(|_| Ok(())), ..SwarmOptions::default() };
    assert!(run_seed_with(5, accept).is_ok());
}

#[test]
fn the_config_hook_reaches_the_world() {
    // The entry point for bug switches: the hook's settings are the ones
    // the world runs with.
    let five = SwarmOptions { configure: Some(|c| c.servers = 5), ..SwarmOptions::default() };
    for seed in 0..20 {
        let run = run_seed_with(seed, five).unwrap();
        assert_eq!(run.sim.config().servers, 5);
        assert_eq!(run.outcome.servers, 5);
    }
}
