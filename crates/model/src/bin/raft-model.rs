//! Model-check crates/raft for three servers and print what was explored.
//!
//! ```text
//! cargo run -p raft-model --release -- --max-term 3
//! cargo run -p raft-model --release -- --max-term 2 --proposals 2 --drops 1 --crashes 1
//! cargo run -p raft-model --release -- --bug vote_without_log_check
//! ```

use model::{check, describe_action, Bounds, RaftModel};
use std::process::ExitCode;

const USAGE: &str = "\
usage: raft-model [--max-term N] [--proposals N] [--drops N] [--crashes N] [--in-flight N]
                  [--threads N] [--bug NAME]
  --max-term N    no election timeout once a server reaches term N (default 2)
  --proposals N   client proposals (default 1)
  --drops N       messages the network may lose (default 0)
  --crashes N     crash-and-restarts (default 0)
  --in-flight N   most messages in flight (default 3)
  --threads N     checker threads (default: the machine's cores)
  --bug NAME      turn on one of raft's bug switches and stop at the first violation";

fn main() -> ExitCode {
    let mut bounds = Bounds::default();
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut bug: Option<raft::Bug> = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next();
        let num = |v: &Option<String>| -> Option<u64> { v.as_ref()?.parse().ok() };
        let ok = match flag.as_str() {
            "--max-term" => num(&value).map(|n| bounds.max_term = n),
            "--proposals" => num(&value).map(|n| bounds.max_proposals = n as u8),
            "--drops" => num(&value).map(|n| bounds.max_drops = n as u8),
            "--crashes" => num(&value).map(|n| bounds.max_crashes = n as u8),
            "--in-flight" => num(&value).map(|n| bounds.max_in_flight = n as usize),
            "--threads" => num(&value).map(|n| threads = n.max(1) as usize),
            "--bug" => match value.as_deref().map(str::parse::<raft::Bug>) {
                Some(Err(e)) => {
                    eprintln!("raft-model: {e}");
                    return ExitCode::from(2);
                }
                parsed => parsed.map(|b| bug = b.ok()),
            },
            _ => None,
        };
        if ok.is_none() {
            eprintln!("raft-model: bad option {flag} {}\n{USAGE}", value.unwrap_or_default());
            return ExitCode::from(2);
        }
    }
    let mut model = RaftModel::new(bounds.clone());
    if let Some(bug) = bug {
        model.configure = model::bug_hook(bug);
    }
    println!(
        "raft-model: {bounds:?}, {threads} thread(s){}",
        bug.as_ref().map(|b| format!(", bug {b}")).unwrap_or_default()
    );
    let report = check(model, threads, bug.is_some(), true);
    println!(
        "explored {} unique states ({} generated, depth {}) in {:.2} s",
        report.unique_states,
        report.states,
        report.max_depth,
        report.elapsed.as_secs_f64()
    );
    for (name, path, state) in &report.violations {
        println!("VIOLATED {name} after {} steps:", path.len());
        for (i, a) in path.iter().enumerate() {
            println!("  {:>3}. {}", i + 1, describe_action(a));
        }
        println!("  final state:\n    {}", state.replace('\n', "\n    "));
    }
    for name in &report.unwitnessed {
        println!("never seen: {name} (the bounds are too small for the check to mean much)");
    }
    if report.violations.is_empty() && report.unwitnessed.is_empty() {
        println!("Election Safety, Log Matching and State Machine Safety hold in every state");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
