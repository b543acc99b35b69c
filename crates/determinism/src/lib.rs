//! Same seed, same run, bit for bit, natively and in wasm.
//!
//! `build.rs` runs the swarm seeds in [`SEEDS`] natively while this crate is
//! built (raft-sim is also a build-dependency) and hands their trace hashes
//! to the code as the `NATIVE_TRACE_HASHES` environment variable. The tests
//! run the same seeds again — natively in `cargo test`, and in headless
//! Chromium in `cargo test --target wasm32-unknown-unknown` — and compare.

include!("seeds.rs");

/// Run each seed through the swarm (safety phase, healing, convergence) and
/// return `(seed, trace hash)`. Panics if a seed fails: a failing seed is the
/// randomized tests' business, not this crate's.
pub fn trace_hashes() -> Vec<(u64, u64)> {
    SEEDS
        .iter()
        .map(|&seed| match sim::swarm::run_seed(seed) {
            Ok(outcome) => (seed, outcome.trace_hash),
            Err(f) => panic!("{f}"),
        })
        .collect()
}

/// The hashes `build.rs` computed natively, as `(seed, trace hash)`.
pub fn native_trace_hashes() -> Vec<(u64, u64)> {
    parse(env!("NATIVE_TRACE_HASHES"))
}

/// Parse `seed:hash,seed:hash,…` (hashes in hex).
pub fn parse(text: &str) -> Vec<(u64, u64)> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (seed, hash) = pair.split_once(':').expect("seed:hash");
            (seed.parse().expect("a seed"), u64::from_str_radix(hash, 16).expect("a hex hash"))
        })
        .collect()
}

/// Format `(seed, hash)` pairs as `parse` reads them.
pub fn format(hashes: &[(u64, u64)]) -> String {
    hashes.iter().map(|(s, h)| format!("{s}:{h:016x}")).collect::<Vec<_>>().join(",")
}
