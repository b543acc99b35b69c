//! The build script's hashes (a build-dependency copy of raft-sim, built
//! with the build profile) equal the test's own (the dev profile), and a
//! second run gives them again.
#![cfg(not(target_arch = "wasm32"))]

use determinism::{format, native_trace_hashes, parse, trace_hashes, SEEDS};

#[test]
fn build_time_and_test_time_runs_give_the_same_trace_hashes() {
    let native = native_trace_hashes();
    assert_eq!(native.len(), SEEDS.len());
    assert_eq!(trace_hashes(), native);
    assert_eq!(trace_hashes(), native, "a second run differs");
    let distinct: std::collections::BTreeSet<u64> = native.iter().map(|p| p.1).collect();
    assert_eq!(distinct.len(), SEEDS.len(), "two seeds gave the same trace");
}

#[test]
fn the_hash_list_round_trips() {
    let pairs = vec![(0, 1), (u64::MAX, 0xdead_beef)];
    assert_eq!(parse(&format(&pairs)), pairs);
}
