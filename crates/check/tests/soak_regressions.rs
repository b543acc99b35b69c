//! Seeds the soak once failed on, kept green. Each found a real bug or a
//! checker mistake (docs/verification.md, "What the soak found"); the code
//! has moved on since, so a seed no longer replays the exact run that
//! failed, but it still draws the same cluster and fault mix.

use sim::swarm::run_seed_with;

const SEEDS: [u64; 13] = [
    192_932_855_792_175, // a committed entry "lost" under a single-server change
    192_932_855_794_307, // Leader Completeness: membership change before the no-op
    192_932_855_795_576, // the same, with joint consensus in the mix
    192_932_855_796_256, // a stale read: a leader outside a one-voter C_new
    192_932_855_788_601, // liveness: a removed server forwarding reads
    192_898_813_401_666, // livelock: redirects doubling on duplicated messages
    192_898_813_403_658, // checker: holders of an entry in an even configuration
    193_462_338_047_890, // liveness: a long client queue after healing
    193_462_338_069_335, // liveness: reads waiting on a removed server
    193_462_338_085_328, // liveness after healing
    193_462_338_087_043, // liveness after healing
    194_664_786_834_950, // checker: Leader Completeness and late votes
    196_052_599_402_986, // liveness: removed servers' terms depose the leader
];

#[test]
fn seeds_the_soak_found_stay_green() {
    for seed in SEEDS {
        if let Err(f) = run_seed_with(seed, check::linearizable_swarm()) {
            panic!("{f}");
        }
    }
}
