//! Run the seeds natively at build time, so the wasm test has native hashes
//! to compare with, without anyone copying numbers into the source.

include!("src/seeds.rs");

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/seeds.rs");
    let pairs: Vec<String> = SEEDS
        .iter()
        .map(|&seed| {
            let outcome = sim::swarm::run_seed(seed)
                .unwrap_or_else(|f| panic!("seed {seed} fails natively: {f}"));
            format!("{seed}:{:016x}", outcome.trace_hash)
        })
        .collect();
    println!("cargo:rustc-env=NATIVE_TRACE_HASHES={}", pairs.join(","));
}
