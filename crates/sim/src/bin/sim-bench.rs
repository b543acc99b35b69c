//! How fast the simulator runs natively: virtual seconds per wall second
//! for 5 and 9 servers under a steady load (one client putting every 10
//! virtual ms), over the first 15 s, over a long run (600 s by default),
//! and over the last 15 s of that long run, which should be as fast as the
//! first 15 s if no cost grows with the run's history.
//!
//! A 15 s window is only milliseconds of wall time, so one timing of it
//! swings by tens of percent. Each 15 s figure is therefore timed
//! [`REPEATS`] times, each on a fresh world built outside the timed part:
//! the first 15 s from a new cluster each time, the last 15 s from a copy
//! of the long run's world as it was 15 s before its end. The bench prints
//! the median, the best and the middle half (25th to 75th percentile) of
//! those timings. The long run is a fraction of a second of wall time, so
//! it too swings by ±15% between timings: it is timed [`LONG_REPEATS`]
//! times, each from a new cluster, and the bench prints the median and the
//! slowest and fastest, and the median's share of the first 15 s.
//!
//! Run with `cargo run -p raft-sim --profile soak --bin sim-bench` (the
//! release profile is tuned for wasm size). Optional arguments: the long
//! run's length in virtual seconds, then the server counts.

use sim::workload::SteadyPuts;
use std::time::Instant;

const PUT_EVERY_MS: u64 = 10;
const SHORT_S: u64 = 15;
/// How many times each 15 s window is timed (odd, so the median is one of
/// the timings).
const REPEATS: usize = 31;
/// How many times the long run is timed (odd, for the same reason).
const LONG_REPEATS: usize = 5;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let long_s: u64 = match args.first() {
        Some(a) => a.parse().map_err(|_| format!("'{a}' is not a number of virtual seconds"))?,
        None => 600,
    };
    let servers: Vec<u8> = if args.len() > 1 {
        args[1..]
            .iter()
            .map(|a| a.parse().map_err(|_| format!("'{a}' is not a number of servers")))
            .collect::<Result<_, _>>()?
    } else {
        vec![5, 9]
    };
    if long_s < SHORT_S {
        return Err(format!("the long run must be at least {SHORT_S} virtual seconds"));
    }
    println!(
        "one client putting every {PUT_EVERY_MS} virtual ms; rate = virtual s per wall s; \
         each {SHORT_S} s window timed {REPEATS} times: median (best, middle half)"
    );
    for n in servers {
        let first = Rates::of(repeat(|| SteadyPuts::new(n, PUT_EVERY_MS), 0)?);
        let mut longs = Vec::with_capacity(LONG_REPEATS);
        let mut before_end = None;
        for _ in 0..LONG_REPEATS {
            let (rate, world) = long_run(n, long_s)?;
            longs.push(rate);
            before_end = Some(world);
        }
        let long = Rates::of(longs);
        let before_end = before_end.expect("the long run is timed at least once");
        let last = Rates::of(repeat(|| Ok(before_end.clone()), long_s - SHORT_S)?);
        println!(
            "{n} servers: first {SHORT_S} s {first}; {long_s} s {:.0}x ({:.0}–{:.0}x over \
             {LONG_REPEATS} runs, {:.0}% of the first); last {SHORT_S} s of it {last} ({:.0}% of \
             the first)",
            long.median,
            long.slowest,
            long.best,
            100.0 * long.median / first.median,
            100.0 * last.median / first.median
        );
    }
    Ok(())
}

/// [`REPEATS`] rates over the 15 virtual seconds after `from`, each of a
/// fresh world from `fresh` (built before its timing starts).
fn repeat(fresh: impl Fn() -> Result<SteadyPuts, String>, from: u64) -> Result<Vec<f64>, String> {
    (0..REPEATS)
        .map(|_| {
            let mut w = fresh()?;
            let t = Instant::now();
            w.run_until((from + SHORT_S) * 1000)?;
            let rate = SHORT_S as f64 / t.elapsed().as_secs_f64();
            safe(&w)?;
            Ok(rate)
        })
        .collect()
}

/// The rate over the whole long run, and its world 15 s before its end
/// (copied outside the timed parts).
fn long_run(servers: u8, long_s: u64) -> Result<(f64, SteadyPuts), String> {
    let mut w = SteadyPuts::new(servers, PUT_EVERY_MS)?;
    let t = Instant::now();
    w.run_until((long_s - SHORT_S) * 1000)?;
    let head = t.elapsed();
    let before_end = w.clone();
    let t = Instant::now();
    w.run_until(long_s * 1000)?;
    let wall = head + t.elapsed();
    safe(&w)?;
    Ok((long_s as f64 / wall.as_secs_f64(), before_end))
}

/// A set of timings of one window, summarised.
struct Rates {
    median: f64,
    best: f64,
    slowest: f64,
    /// The 25th and 75th percentiles.
    middle: (f64, f64),
}

impl Rates {
    fn of(mut rates: Vec<f64>) -> Rates {
        rates.sort_by(f64::total_cmp);
        let at = |q: usize| rates[(rates.len() - 1) * q / 4];
        Rates { median: at(2), best: at(4), slowest: at(0), middle: (at(1), at(3)) }
    }
}

impl std::fmt::Display for Rates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0}x (best {:.0}x, middle half {:.0}–{:.0}x)",
            self.median, self.best, self.middle.0, self.middle.1
        )
    }
}

fn safe(w: &SteadyPuts) -> Result<(), String> {
    match w.sim().violations().first() {
        Some(v) => Err(format!("the run broke a safety property: {v}")),
        None => Ok(()),
    }
}
