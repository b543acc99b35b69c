//! How fast a [`Timeline`] seeks and how much it holds, for the page's
//! time strip: a long session of a five-server cluster with a client
//! writing at a steady rate, then random seeks across it.
//!
//! ```text
//! cargo run -p raft-sim --bin timeline-bench -- [--minutes 10] [--put-every 100]
//!     [--seeks 200] [--every 100] [--recent 16] [--longest 1600]
//!     [--budget-mb 128 (0: none)]
//! ```
//!
//! Bytes are counted twice: the timeline's own estimate
//! ([`Timeline::bytes_held`]) and the heap actually in use (and its peak),
//! from a counting allocator, so the estimate can be checked.

use sim::timeline::heap::{self, in_use, Counting};
use sim::{Action, ClientId, KvOp, SimConfig, Spacing, Target, Timeline};
use std::time::Instant;

#[global_allocator]
static HEAP: Counting = Counting;

/// The value after `--name`, or `default`.
fn arg(name: &str, default: u64) -> Result<u64, String> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a whole number after it")),
    }
}

/// Bytes in MiB, the unit of `--budget-mb`.
fn mb(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// Median and maximum of some durations, ms.
fn summary(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!("median {:.2} ms, max {:.2} ms", ms[ms.len() / 2], ms[ms.len() - 1])
}

fn main() -> Result<(), String> {
    let minutes = arg("--minutes", 10)?;
    let put_every = arg("--put-every", 100)?.max(1);
    let seeks = arg("--seeks", 200)?.max(1);
    let budget_mb = arg("--budget-mb", (sim::timeline::DEFAULT_BUDGET >> 20) as u64)?;
    let spacing = Spacing {
        every: arg("--every", Spacing::default().every)?,
        recent: arg("--recent", Spacing::default().recent)?,
        longest: arg("--longest", Spacing::default().longest)?,
        budget: (budget_mb > 0).then_some((budget_mb as usize) << 20),
    };
    let session = minutes * 60_000;

    let heap_before = in_use();
    heap::reset_peak();
    let mut tl = Timeline::with_spacing(SimConfig::default(), spacing)?;
    let started = Instant::now();
    let mut i = 0u64;
    for t in (put_every..=session).step_by(put_every as usize) {
        tl.run_until(t)?;
        i += 1;
        tl.act(Action::Submit {
            client: ClientId(1 + (i % 3) as u32),
            op: KvOp::Put { key: format!("k{}", i % 100).into(), value: i.to_string().into() },
            target: Target::Leader,
        })?;
    }
    let live = started.elapsed().as_secs_f64();
    let end = tl.end();
    let heap = in_use() - heap_before;
    let peak = heap::peak() - heap_before;
    let (one, clone_ms) = {
        let before = in_use();
        let started = Instant::now();
        let copy = tl.sim().clone();
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let bytes = in_use() - before;
        drop(copy);
        (bytes, ms)
    };
    println!(
        "session: {minutes} min virtual, 5 servers, a put every {put_every} ms: {} events, {} actions, {} committed entries, ran live in {live:.1} s ({:.0} events/s)",
        end.event,
        tl.actions().len(),
        committed(tl.sim()),
        end.event as f64 / live
    );
    println!(
        "checkpoints: every {} events, {} recent kept, at most {} apart, budget {budget_mb} MiB: {} held (count bound {}), {} restores so far",
        spacing.every,
        spacing.recent,
        spacing.longest,
        tl.checkpoint_count(),
        spacing.max_checkpoints(end.event),
        tl.restores()
    );
    println!(
        "bytes: estimated {} held, heap in use {} (peak {}); one copy of the final world: estimated {}, heap {}",
        mb(tl.bytes_held()),
        mb(heap),
        mb(peak),
        mb(sim::timeline::footprint(tl.sim())),
        mb(one)
    );
    // Where a copy's bytes go: every log entry is held once per place.
    let s = tl.sim();
    let logs: usize = s.ids().filter_map(|id| s.server(id)).map(|v| v.raft.log().len()).sum();
    let disks: usize = s.ids().map(|id| s.disk(id).log.len()).sum();
    println!(
        "entries held by one world: {logs} in the servers' logs, {disks} on their disks, ~{} in the safety checker, {} client operations; copying it takes {clone_ms:.1} ms",
        2 * committed(s),
        s.history().ops.len()
    );

    breakdown(tl.sim());

    let mut rng = raft::Rng::new(7);
    let mut seek_ms = Vec::new();
    let mut back_ms = Vec::new();
    let (mut seek_events, mut back_events) = (0, 0);
    for _ in 0..seeks {
        let t = rng.range_inclusive(0, end.time);
        let (started, replayed) = (Instant::now(), tl.events_replayed());
        tl.seek(t)?;
        seek_ms.push(started.elapsed().as_secs_f64() * 1e3);
        seek_events = seek_events.max(tl.events_replayed() - replayed);
        let (started, replayed) = (Instant::now(), tl.events_replayed());
        tl.step_back()?;
        back_ms.push(started.elapsed().as_secs_f64() * 1e3);
        back_events = back_events.max(tl.events_replayed() - replayed);
    }
    println!("{seeks} random seeks: {}, at most {seek_events} events replayed", summary(seek_ms));
    println!("step back after each: {}, at most {back_events} events replayed", summary(back_ms));
    let started = Instant::now();
    tl.seek(end.time)?;
    println!("seek to the end: {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    Ok(())
}

/// The highest commitIndex of any running server: how many entries are
/// committed.
fn committed(sim: &sim::Sim) -> u64 {
    sim.ids().filter_map(|id| sim.server(id)).map(|s| s.raft.commit_index()).max().unwrap_or(0)
}

/// Heap bytes a copy of `make()`'s result allocates.
fn copied<T>(make: impl FnOnce() -> T) -> usize {
    let before = in_use();
    let copy = make();
    let bytes = in_use() - before;
    drop(copy);
    bytes
}

/// What a copy of each part of the world allocates: where a checkpoint's
/// own bytes go.
fn breakdown(s: &sim::Sim) {
    let servers: usize = s.ids().filter_map(|id| s.server(id)).map(|v| copied(|| v.clone())).sum();
    let rafts: usize =
        s.ids().filter_map(|id| s.server(id)).map(|v| copied(|| v.raft.clone())).sum();
    let kvs: usize = s.ids().filter_map(|id| s.server(id)).map(|v| copied(|| v.kv.clone())).sum();
    let logs: usize =
        s.ids().filter_map(|id| s.server(id)).map(|v| copied(|| v.raft.log().clone())).sum();
    let disks: usize = s.ids().map(|id| copied(|| s.disk(id).clone())).sum();
    println!(
        "copy breakdown: servers {servers} (raft {rafts}, of which logs {logs}; kv {kvs}), disks {disks}, trace {}, history {}, clients {}, network {}, violations {}",
        copied(|| s.trace().clone()),
        copied(|| s.history().clone()),
        copied(|| s.clients().clone()),
        copied(|| s.network().clone()),
        copied(|| s.violations().to_vec()),
    );
}
