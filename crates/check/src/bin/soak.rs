//! The soak tier: run swarm seeds (safety, liveness and linearizability)
//! until time is up, or replay one seed.
//!
//! ```text
//! cargo run -p raft-check --bin soak -- --seconds 600
//! cargo run -p raft-check --bin soak -- --seed 1234 --verbose
//! ```
//!
//! Exits non-zero if any seed fails, after printing the seed and the one
//! command that replays it.

use check::linearizable_swarm;
use sim::swarm::{run_seed_with, Failure, SwarmOptions, SwarmRun};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: soak [--seconds N] [--start SEED] [--jobs N]     run seeds until N seconds have passed
       soak --seed SEED [--verbose]                    replay one seed
options:
  --seconds N   how long to soak (default 60)
  --start SEED  first seed (default: drawn from the clock, and printed)
  --jobs N      threads (default: the machine's cores)
  --seed SEED   run this one seed; with --verbose print its trace tail
  --verbose     print the mix, the outcome and the last events
  --bug NAME    turn on one of raft's bug switches (to watch the checkers catch it)";

struct Args {
    seconds: u64,
    start: Option<u64>,
    jobs: usize,
    seed: Option<u64>,
    verbose: bool,
    bug: Option<raft::Bug>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        seconds: 60,
        start: None,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        seed: None,
        verbose: false,
        bug: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let v = it.next().ok_or(format!("{name} needs a number"))?;
            v.parse().map_err(|_| format!("{name} needs a number, not '{v}'"))
        };
        match flag.as_str() {
            "--seconds" => a.seconds = value("--seconds")?,
            "--start" => a.start = Some(value("--start")?),
            "--jobs" => a.jobs = value("--jobs")?.max(1) as usize,
            "--seed" => a.seed = Some(value("--seed")?),
            "--verbose" | "-v" => a.verbose = true,
            "--bug" => {
                let name = it.next().ok_or("--bug needs a switch name")?;
                a.bug = Some(name.parse()?);
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok(a)
}

fn options(bug: Option<raft::Bug>) -> SwarmOptions {
    match bug {
        Some(bug) => check::bug_swarm(bug),
        None => linearizable_swarm(),
    }
}

fn print_failure(f: &Failure, verbose: bool) {
    eprintln!("FAILED {f}");
    eprintln!("  mix:    {}", f.mix);
    if verbose {
        eprintln!("  last {} events:", f.trace_tail.len());
        for line in &f.trace_tail {
            eprintln!("    {line}");
        }
        if let Some(v) = &f.violation {
            eprintln!("  violation: {} (servers {:?}, index {:?})", v, v.nodes, v.index);
        }
        eprintln!("  reason: {}", f.reason);
    }
}

fn print_run(run: &SwarmRun, verbose: bool) {
    let o = &run.outcome;
    println!(
        "seed {} ok: {} servers, {} events, {} ms virtual, {} ops ({} acknowledged writes), \
         commitIndex {}, term {}, trace hash {:016x}",
        o.seed,
        o.servers,
        o.steps,
        o.end_time,
        o.ops,
        o.acked_writes,
        o.commit_index,
        o.max_term,
        o.trace_hash
    );
    if verbose {
        println!("  mix:      {}", o.mix.summary());
        println!("  injected: {:?}", o.injected);
        println!("  last events:");
        let recent: Vec<_> = run.sim.trace().recent().collect();
        for e in &recent[recent.len().saturating_sub(40)..] {
            println!("    {:>7} ms  #{:<6} {}", e.time, e.seq, e.event);
        }
    }
}

fn replay(seed: u64, verbose: bool, bug: Option<raft::Bug>) -> ExitCode {
    match run_seed_with(seed, options(bug)) {
        Ok(run) => {
            print_run(&run, verbose);
            ExitCode::SUCCESS
        }
        Err(f) => {
            print_failure(&f, true);
            ExitCode::FAILURE
        }
    }
}

fn soak(args: &Args) -> ExitCode {
    let start = args.start.unwrap_or_else(|| {
        let t =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        (t.as_nanos() as u64) & 0xffff_ffff_ffff
    });
    println!(
        "soak: {} s from seed {start} on {} thread(s) (resume with --start {start})",
        args.seconds, args.jobs
    );
    let next = AtomicU64::new(start);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let failures: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let began = Instant::now();
    let limit = Duration::from_secs(args.seconds);
    std::thread::scope(|s| {
        for _ in 0..args.jobs {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) && began.elapsed() < limit {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if let Err(f) = run_seed_with(seed, options(args.bug)) {
                        print_failure(&f, false);
                        failures.lock().unwrap().push(f);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        s.spawn(|| {
            let mut last = 0;
            while began.elapsed() < limit {
                std::thread::sleep(Duration::from_millis(200));
                let secs = began.elapsed().as_secs();
                if secs >= last + 10 {
                    last = secs;
                    let n = done.load(Ordering::Relaxed);
                    println!(
                        "  {secs:>5} s: {n} seeds, {:.0} seeds/s",
                        n as f64 / began.elapsed().as_secs_f64()
                    );
                }
            }
            stop.store(true, Ordering::Relaxed);
        });
    });
    let elapsed = began.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    let failures = failures.into_inner().unwrap();
    println!(
        "soak: {n} seeds in {elapsed:.1} s, {:.0} seeds/s, {} failed",
        n as f64 / elapsed,
        failures.len()
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            println!(
                "  seed {}: {}\n    replay: {}\n    page:   {}",
                f.seed,
                f.reason.lines().next().unwrap_or(""),
                f.replay,
                f.page_link
            );
        }
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("soak: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    match args.seed {
        Some(seed) => replay(seed, args.verbose, args.bug),
        None => soak(&args),
    }
}
