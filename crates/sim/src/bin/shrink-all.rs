//! For each of raft's bug switches: find the first swarm seed that breaks
//! a property with it on, shrink that run, and print its size before and
//! after (`cargo run -p raft-sim --bin shrink-all`).

use raft::Bug;
use sim::shrink::Search;
use std::time::Instant;

/// Events of work per call, as the page does it per frame.
const SLICE: u64 = 20_000;

fn main() {
    println!("switch | seed (seeds run) | property | events before → after | actions before → after | replays | time");
    for bug in Bug::ALL {
        let start = Instant::now();
        let mut search = match Search::new(bug, 0, Some(sim::shrink::linearizable)) {
            Ok(s) => s,
            Err(e) => {
                println!("{bug}: {e}");
                continue;
            }
        };
        while !search.is_done() {
            if let Err(e) = search.step(SLICE) {
                println!("{bug}: {e}");
                break;
            }
        }
        let (Some(s), Some((before, after))) = (search.shrinker(), search.sizes()) else {
            continue;
        };
        println!(
            "{bug} | {} ({}) | {} | {} → {} | {} → {} | {} | {:.1} s",
            search.seed(),
            search.tried(),
            s.property().name(),
            before.events,
            after.events,
            before.actions,
            after.actions,
            s.tries(),
            start.elapsed().as_secs_f64()
        );
    }
}
