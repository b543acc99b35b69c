//! Every swarm seed's client history, checked for linearizability with
//! stateright's `LinearizabilityTester` (crates/check/src/linearizability.rs).
//! The histories have retries, redirects, timeouts, crashed leaders and
//! partitions in them; every operation completes in the healed phase.

use check::{check_history, linearizable_swarm};
use sim::swarm::run_seed_with;
use sim::{KvOp, KvOutput};

/// Histories checked in plain `cargo test`.
const SEEDS: u64 = 2000;

#[test]
fn every_swarm_history_is_linearizable() {
    let mut failures = Vec::new();
    let (mut ops, mut reads_of_values, mut histories) = (0, 0, 0);
    for seed in 0..SEEDS {
        match run_seed_with(seed, linearizable_swarm()) {
            Ok(run) => {
                // The hook ran; run it again here to count what it covered.
                let report = check_history(run.sim.history()).expect("the hook passed it");
                histories += 1;
                ops += report.ops;
                reads_of_values += run
                    .sim
                    .history()
                    .ops
                    .iter()
                    .filter(|o| {
                        matches!(o.op, KvOp::Get { .. })
                            && matches!(o.returned, Some((_, KvOutput::Value(Some(_)))))
                    })
                    .count();
            }
            Err(f) => failures.push(f.to_string()),
        }
    }
    assert!(failures.is_empty(), "{} seeds failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(histories, SEEDS);
    // Not vacuous: many operations, and many reads that saw a written value.
    assert!(ops as u64 > 5 * SEEDS, "only {ops} operations in {SEEDS} histories");
    // (The fault mix is harsh — partitions, loss, membership changes — so
    // not every seed gets a read in; half as many as seeds is the floor.)
    assert!(reads_of_values as u64 > SEEDS / 2, "only {reads_of_values} reads saw a value");
    eprintln!("linearizability: {histories} histories, {ops} operations, {reads_of_values} reads of a value");
}
