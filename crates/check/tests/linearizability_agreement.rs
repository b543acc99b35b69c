//! The page's linearizability checker (`sim::linearizability`, written for
//! wasm) against stateright's `LinearizabilityTester` (crates/check) on the
//! same swarm histories: the default swarm, whose histories are
//! linearizable, and the swarm with `stale_leader_serves_reads` on, whose
//! histories often are not. Both must give the same verdict on every one,
//! and name the same key when they say no.

use check::check_history;
use raft::Bug;
use sim::linearizability::{check, Verdict};
use sim::swarm::{bug_options, Phase, Swarm, SwarmOptions};
use sim::{History, KvOp, KvOutput};
use std::time::{Duration, Instant};

/// Seeds per swarm (two histories each).
const SEEDS: u64 = 2000;

/// What the two checkers said over one swarm's histories.
#[derive(Default)]
struct Tally {
    linearizable: u64,
    not: u64,
    pending: usize,
    sim_time: Duration,
    stateright_time: Duration,
}

/// Two client histories of `seed`'s run: as it stood when the faults
/// stopped (with operations still pending in it), and at the end of the run
/// (or where it failed).
fn histories(seed: u64, options: SwarmOptions) -> [History; 2] {
    let mut swarm = Swarm::new(seed, options).expect("swarm settings are valid");
    let mut healed = None;
    while swarm.phase() != Phase::Done && swarm.step().is_ok() {
        if healed.is_none() && swarm.phase() != Phase::Safety {
            healed = Some(swarm.sim().history().clone());
        }
    }
    let end = swarm.sim().history().clone();
    [healed.unwrap_or_else(|| end.clone()), end]
}

/// Operations on one key that stateright's tester (no memo: it tries every
/// order) still checks quickly when the answer is no.
const PLANTED_KEY_OPS: usize = 10;

/// `h` with its last read answered with the first value written to its key
/// instead: a stale read planted by hand (linearizable or not, depending
/// on what came between). `None` if no read follows a write of its key, or
/// the key has more than [`PLANTED_KEY_OPS`] operations.
fn plant_stale_read(h: &History) -> Option<History> {
    let mut h = h.clone();
    let read = (0..h.ops.len()).rev().find(|&i| {
        let o = &h.ops[i];
        matches!(o.op, KvOp::Get { .. }) && matches!(o.returned, Some((_, KvOutput::Value(_))))
    })?;
    let key = h.ops[read].op.key();
    if h.ops.iter().filter(|o| o.op.key() == key).count() > PLANTED_KEY_OPS {
        return None;
    }
    let first = h.ops.range(0, read).find_map(|o| match &o.op {
        KvOp::Put { key: k, value } if k == key => Some(value.clone()),
        _ => None,
    })?;
    h.ops[read].returned.as_mut()?.1 = KvOutput::Value(Some(first));
    Some(h)
}

fn agree(name: &str, options: SwarmOptions, plant: bool) -> Tally {
    let mut tally = Tally::default();
    let mut disagreements = Vec::new();
    let all = (0..SEEDS).flat_map(|seed| histories(seed, options).map(move |h| (seed, h)));
    let all = all.filter_map(|(seed, h)| {
        if plant { plant_stale_read(&h) } else { Some(h) }.map(|h| (seed, h))
    });
    for (seed, h) in all {
        tally.pending += h.ops.len() - h.completed();
        let started = Instant::now();
        let theirs = check_history(&h);
        tally.stateright_time += started.elapsed();
        let started = Instant::now();
        let ours = check(&h).expect("a simulated history is well formed");
        tally.sim_time += started.elapsed();
        match (&ours, &theirs) {
            (Verdict::Linearizable, Ok(_)) => tally.linearizable += 1,
            (Verdict::NotLinearizable(c), Err(e)) if e.contains(&format!("key {:?}", c.key)) => {
                assert!(h.ops[c.unplaceable].returned.is_some(), "seed {seed}: {c:?}");
                tally.not += 1;
            }
            _ => disagreements
                .push(format!("{name} seed {seed}: sim says {ours:?}, stateright {theirs:?}")),
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    eprintln!(
        "{name}: {} linearizable, {} not, {} pending ops; sim {:?}, stateright {:?}",
        tally.linearizable, tally.not, tally.pending, tally.sim_time, tally.stateright_time
    );
    tally
}

#[test]
fn the_default_swarm_gets_equal_verdicts() {
    let t = agree("default", SwarmOptions::default(), false);
    assert_eq!(t.linearizable, 2 * SEEDS, "the correct protocol's histories are linearizable");
    assert!(t.pending > 0, "some histories end with operations pending");
}

#[test]
fn the_stale_read_swarm_gets_equal_verdicts_and_both_occur() {
    let t = agree("stale_leader_serves_reads", bug_options(Bug::StaleLeaderServesReads), false);
    assert!(t.linearizable > 0 && t.not > 0, "{} linearizable, {} not", t.linearizable, t.not);
}

#[test]
fn histories_with_a_planted_stale_read_get_equal_verdicts() {
    let t = agree("default, stale read planted", SwarmOptions::default(), true);
    assert!(t.linearizable > 100 && t.not > 100, "{} linearizable, {} not", t.linearizable, t.not);
}

/// The seed web/e2e/linearizability.spec.mjs replays on the page: its
/// history stops being linearizable early, on a stale Get of key z.
#[test]
fn the_pages_stale_read_seed_shows_it_early() {
    let mut swarm = Swarm::new(2383, bug_options(Bug::StaleLeaderServesReads)).unwrap();
    while swarm.sim().now() < 1_500 && swarm.step().is_ok() {}
    let h = swarm.sim().history();
    let Verdict::NotLinearizable(c) = check(h).unwrap() else {
        panic!("seed 2383's history at 1.5 s is linearizable");
    };
    assert_eq!(c.key, "z");
    assert!(matches!(h.ops[c.unplaceable].op, KvOp::Get { .. }), "{c:?}");
    assert!(c.conflicting.iter().any(|&r| matches!(h.ops[r].op, KvOp::Put { .. })), "{c:?}");
}
