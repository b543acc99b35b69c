//! How fast the simulator runs natively: virtual seconds per wall second
//! for 5 and 9 servers under a steady load (one client putting every 10
//! virtual ms), over 15 s and over 600 s of virtual time, and over the last
//! 15 s of the long run, which should be as fast as the first 15 s if no
//! cost grows with the run's history.
//!
//! Run with `cargo run -p raft-sim --profile soak --bin sim-bench` (the
//! release profile is tuned for wasm size). Optional arguments: the long
//! run's length in virtual seconds, then the server counts.

use sim::workload::SteadyPuts;
use std::time::Instant;

const PUT_EVERY_MS: u64 = 10;
const SHORT_S: u64 = 15;

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
    println!("one client putting every {PUT_EVERY_MS} virtual ms; rate = virtual s per wall s");
    for n in servers {
        let short = rate(n, 0, SHORT_S)?;
        let (long, last) = long_run(n, long_s)?;
        println!(
            "{n} servers: first {SHORT_S} s {short:.0}x, {long_s} s {long:.0}x, last {SHORT_S} s of it {last:.0}x ({:.0}% of the first)",
            100.0 * last / short
        );
    }
    Ok(())
}

/// The rate over virtual seconds `from..to` of a fresh run.
fn rate(servers: u8, from: u64, to: u64) -> Result<f64, String> {
    let mut w = SteadyPuts::new(servers, PUT_EVERY_MS)?;
    w.run_until(from * 1000)?;
    let t = Instant::now();
    w.run_until(to * 1000)?;
    safe(&w)?;
    Ok((to - from) as f64 / t.elapsed().as_secs_f64())
}

/// The rate over the whole long run, and over its last 15 s.
fn long_run(servers: u8, long_s: u64) -> Result<(f64, f64), String> {
    let mut w = SteadyPuts::new(servers, PUT_EVERY_MS)?;
    let t = Instant::now();
    w.run_until((long_s - SHORT_S) * 1000)?;
    let tail = Instant::now();
    w.run_until(long_s * 1000)?;
    safe(&w)?;
    Ok((long_s as f64 / t.elapsed().as_secs_f64(), SHORT_S as f64 / tail.elapsed().as_secs_f64()))
}

fn safe(w: &SteadyPuts) -> Result<(), String> {
    match w.sim().violations().first() {
        Some(v) => Err(format!("the run broke a safety property: {v}")),
        None => Ok(()),
    }
}
