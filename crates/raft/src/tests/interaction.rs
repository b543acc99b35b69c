//! Interaction scripts, in the manner of etcd-io/raft's testdata: each file
//! in `testdata/` is a story told as commands, each followed by `----` and
//! the output it must produce (the events the servers narrate, or their
//! state). A failing script prints the whole expected-versus-actual text;
//! `REWRITE=1 cargo test -p raft-core interaction` rewrites the files after
//! a deliberate change in narration.
//!
//! Commands:
//! - `cluster N [prevote] [checkquorum] [fast]`: a fresh cluster of N.
//! - `timeout I` / `timeout-early I`: I's election timeout fires (after a
//!   full election timeout passed, or with the clock standing still).
//! - `deliver [within=1,2,3]`: deliver messages (only among those servers).
//! - `heartbeat I`, `propose I CMD`, `crash I`, `restart I`, `transfer I J`.
//! - `drop`: the network loses every message in flight.
//! - `status`: every server's role, term, commitIndex and log.

use super::harness::*;
use std::fmt::Write as _;

fn run_command(c: &mut Option<Cluster>, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let id = |k: usize| words[k].trim_start_matches('S').parse::<u8>().expect("a server number");
    if words[0] == "cluster" {
        let n = id(1);
        let flags: Vec<&str> = words[2..].to_vec();
        let mut cl = Cluster::tweaked(n, |_| {});
        cl.tweak = match (flags.contains(&"prevote"), flags.contains(&"checkquorum")) {
            (true, true) => |cfg| {
                cfg.pre_vote = true;
                cfg.check_quorum = true
            },
            (true, false) => |cfg| cfg.pre_vote = true,
            (false, true) => |cfg| cfg.check_quorum = true,
            (false, false) => |_| {},
        };
        if flags.contains(&"fast") {
            cl.tweak = |cfg| cfg.fast_backtrack = true;
        }
        // Rebuild the servers with the chosen settings.
        *c = Some(Cluster { nodes: Vec::new(), ..cl });
        let cl = c.as_mut().unwrap();
        for i in 1..=n {
            cl.nodes.push(Some(RaftNode::new(cl.config(i), u64::from(i), 0).unwrap()));
        }
        return String::new();
    }
    let c = c.as_mut().expect("start with `cluster N`");
    let before = c.timeline.len();
    match words[0] {
        "drop" => c.queue.clear(),
        "timeout" => c.time_out(id(1)),
        "timeout-early" => c.time_out_early(id(1)),
        "heartbeat" => c.heartbeat(id(1)),
        "crash" => c.crash(id(1)),
        "restart" => c.restart(id(1)),
        "propose" => {
            let cmd: &'static str = Box::leak(words[2..].join(" ").into_boxed_str());
            if let Err(e) = c.propose(id(1), cmd) {
                return format!("error: {e}\n");
            }
        }
        "transfer" => {
            let target = s(id(2));
            let mut out = Ok(());
            c.with_node(id(1), |n, now| out = n.transfer_leadership(now, target));
            if let Err(e) = out {
                return format!("error: {e}\n");
            }
        }
        "deliver" => {
            match words.get(1).and_then(|w| w.strip_prefix("within=")) {
                Some(list) => {
                    let group: Vec<u8> = list.split(',').map(|x| x.parse().unwrap()).collect();
                    c.deliver_within(&group);
                }
                None => {
                    c.deliver_all();
                }
            };
        }
        "status" => {
            let mut out = String::new();
            for (k, n) in c.nodes.iter().enumerate() {
                let Some(n) = n else {
                    writeln!(out, "S{}: down", k + 1).unwrap();
                    continue;
                };
                let log: Vec<String> = n
                    .log()
                    .entries()
                    .iter()
                    .map(|e| match &e.payload {
                        Payload::Noop => format!("{}:noop", e.term),
                        Payload::Command(cmd) => format!("{}:{cmd}", e.term),
                        Payload::Config(m) => format!("{}:config({m})", e.term),
                    })
                    .collect();
                writeln!(
                    out,
                    "S{}: {} term={} commit={} log=[{}]",
                    k + 1,
                    n.role().name(),
                    n.current_term(),
                    n.commit_index(),
                    log.join(" ")
                )
                .unwrap();
            }
            return out;
        }
        other => panic!("unknown command {other:?}"),
    }
    // Everything the servers narrated because of this command, in order.
    let mut out = String::new();
    for (k, e) in &c.timeline[before..] {
        writeln!(out, "S{k} {e}").unwrap();
    }
    out
}

/// Run one script; returns it with every output block recomputed.
fn replay(script: &str) -> String {
    let mut cluster = None;
    let mut out = String::new();
    let mut lines = script.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        assert_eq!(lines.next(), Some("----"), "a command is followed by ----: {line}");
        out.push_str("----\n");
        // Skip the expected block, up to a blank line or the end.
        while lines.peek().is_some_and(|l| !l.trim().is_empty()) {
            lines.next();
        }
        out.push_str(&run_command(&mut cluster, line));
        if lines.peek().is_some() {
            lines.next();
            out.push('\n');
        }
    }
    out
}

#[test]
fn interaction_scripts_tell_the_expected_story() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 3, "the scripts are in {}", dir.display());
    for path in files {
        let script = std::fs::read_to_string(&path).unwrap();
        let actual = replay(&script);
        if std::env::var("REWRITE").is_ok() {
            std::fs::write(&path, &actual).unwrap();
        } else {
            assert!(actual == script, "{} differs:\n{actual}", path.display());
        }
    }
}
