//! Interaction scripts, in the manner of etcd-io/raft's testdata: each file
//! in `testdata/` is a story told as commands, each followed by `----` and
//! the output it must produce (the events the servers narrate, or their
//! state). A failing script prints the whole expected-versus-actual text;
//! `REWRITE=1 cargo test -p raft-core interaction` rewrites the files after
//! a deliberate change in narration. A script that misuses a command (an
//! unknown command or flag, a flag given twice, a missing or bad argument)
//! fails with the file and line, rewrite or not.
//!
//! Commands (a server is `I` or `SI`; a group is `1,2,3`):
//! - `cluster N [prevote] [checkquorum] [fast] [lease]`: a fresh cluster of
//!   N with those protocol options (`lease`: leader-lease reads).
//! - `timeout I` / `timeout-early I`: I's election timeout fires (after a
//!   full election timeout passed, or with the clock standing still).
//! - `heartbeat I`: the clock moves to I's next deadline and I's timer runs.
//! - `advance MS`: the clock moves on MS milliseconds; no timer runs.
//! - `deliver [within=GROUP]`: deliver messages (only among those servers),
//!   and the messages they cause, until none is left; messages over a cut
//!   link are lost.
//! - `deliver-queued [within=GROUP]`: the same, but only the messages in
//!   flight now; the messages they cause stay queued.
//! - `cut GROUP GROUP` / `heal`: cut every link between the two groups, both
//!   ways (a partition) / restore every link.
//! - `drop`: the network loses every message in flight.
//! - `propose I CMD`, `crash I`, `restart I`, `transfer I J`.
//! - `add I J`: leader I adds server J (as a learner first, §4.2.1); J
//!   starts empty if it is the next server not yet started; `remove I J`: leader I removes J; `change-voters I
//!   GROUP`: leader I moves to the voters GROUP through joint consensus (§6)
//!   (servers not yet started join empty).
//! - `compact I [INDEX]`: I folds its log through INDEX (default: through
//!   lastApplied) into a snapshot (§7). A follower that needs the discarded
//!   entries is sent InstallSnapshot on the next `deliver`.
//! - `read I CTX`: I starts a linearizable read tagged CTX (thesis §6.4).
//! - `status`: every server's role, term, commitIndex and log (and its
//!   snapshot and configuration, once it has them).

use super::harness::*;
use crate::membership::MembershipChange;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// A script's cluster and the links it has cut.
#[derive(Default)]
struct Runner {
    cluster: Option<Cluster>,
    /// Cut links, as (from, to).
    cut: BTreeSet<(u8, u8)>,
}

/// The protocol options `cluster` takes, by name.
const CLUSTER_FLAGS: [&str; 4] = ["prevote", "checkquorum", "fast", "lease"];

/// Parse `cluster`'s flags: each must be known and given at most once.
fn cluster_flags(words: &[&str]) -> Result<Vec<&'static str>, String> {
    let mut flags = Vec::new();
    for w in words {
        let Some(&flag) = CLUSTER_FLAGS.iter().find(|f| *f == w) else {
            return Err(format!("unknown cluster flag {w:?}; known: {}", CLUSTER_FLAGS.join(" ")));
        };
        if flags.contains(&flag) {
            return Err(format!("cluster flag {flag:?} given twice"));
        }
        flags.push(flag);
    }
    Ok(flags)
}

/// Turn on the options `flags` name.
fn configure(cfg: &mut Config, flags: &[&str]) {
    for flag in flags {
        match *flag {
            "prevote" => cfg.pre_vote = true,
            "checkquorum" => cfg.check_quorum = true,
            "fast" => cfg.fast_backtrack = true,
            "lease" => cfg.read_mode = crate::config::ReadMode::Lease,
            other => unreachable!("cluster_flags admits only known flags, not {other}"),
        }
    }
}

/// The `k`-th word as a number.
fn number<T: std::str::FromStr>(words: &[&str], k: usize, what: &str) -> Result<T, String> {
    let w = words.get(k).ok_or_else(|| format!("{} needs {what}", words[0]))?;
    w.trim_start_matches('S').parse().map_err(|_| format!("{what} expected, got {w:?}"))
}

/// The `k`-th word as a list of servers like `1,2,3`.
fn group(words: &[&str], k: usize) -> Result<Vec<u8>, String> {
    let w = words.get(k).ok_or_else(|| format!("{} needs a group like 1,2,3", words[0]))?;
    parse_group(w)
}

fn parse_group(w: &str) -> Result<Vec<u8>, String> {
    w.split(',')
        .map(|x| {
            x.trim_start_matches('S').parse().map_err(|_| format!("bad server {x:?} in {w:?}"))
        })
        .collect()
}

/// What a command did: nothing to add to the narration, or a refusal (a
/// `ProposeError` and the like), which is part of the story, not a script
/// error.
type Outcome = Result<Option<String>, String>;

fn refused(e: impl std::fmt::Display) -> Outcome {
    Ok(Some(e.to_string()))
}

/// Exactly `n` words, the command's name included.
fn expect_words(words: &[&str], n: usize) -> Result<(), String> {
    match words.len() == n {
        true => Ok(()),
        false => Err(format!("{} takes {} argument(s)", words[0], n - 1)),
    }
}

/// The `k`-th word as one of the cluster's servers.
fn server(c: &Cluster, words: &[&str], k: usize) -> Result<u8, String> {
    let known = c.nodes.len() as u8;
    let i: u8 = number(words, k, "a server")?;
    if i == 0 || i > known {
        return Err(format!("no server S{i}: the cluster has S1..S{known}"));
    }
    Ok(i)
}

impl Runner {
    fn run(&mut self, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words[0] == "cluster" {
            let n: u8 = number(&words, 1, "a cluster size")?;
            let flags = cluster_flags(&words[2..])?;
            self.cluster = Some(Cluster::tweaked(n, move |cfg| configure(cfg, &flags)));
            self.cut.clear();
            return Ok(String::new());
        }
        let c = self.cluster.as_ref().ok_or("start with `cluster N`")?;
        if words[0] == "status" {
            expect_words(&words, 1)?;
            return Ok(status(c));
        }
        let before = c.timeline.len();
        let outcome = match words[0] {
            "drop" | "cut" | "heal" | "deliver" | "deliver-queued" => self.network(&words),
            _ => {
                let c = self.cluster.as_mut().expect("checked above");
                match words[0] {
                    "add" | "remove" | "change-voters" => membership(c, &words),
                    _ => server_command(c, &words),
                }
            }
        }?;
        if let Some(refusal) = outcome {
            return Ok(format!("error: {refusal}\n"));
        }
        // Everything the servers narrated because of this command, in order.
        let c = self.cluster.as_ref().expect("checked above");
        let mut out = String::new();
        for (k, e) in &c.timeline[before..] {
            writeln!(out, "S{k} {e}").unwrap();
        }
        Ok(out)
    }

    /// `drop`, `cut`, `heal`, `deliver`, `deliver-queued`.
    fn network(&mut self, words: &[&str]) -> Outcome {
        let c = self.cluster.as_mut().expect("a cluster exists");
        match words[0] {
            "drop" => {
                expect_words(words, 1)?;
                c.queue.clear();
            }
            "heal" => {
                expect_words(words, 1)?;
                self.cut.clear();
            }
            "cut" => {
                expect_words(words, 3)?;
                let (a, b) = (group(words, 1)?, group(words, 2)?);
                for &x in &a {
                    for &y in &b {
                        self.cut.insert((x, y));
                        self.cut.insert((y, x));
                    }
                }
            }
            _ => {
                let within = match words.get(1) {
                    None => None,
                    Some(w) => match w.strip_prefix("within=") {
                        Some(list) => Some(parse_group(list)?),
                        None => return Err(format!("{} takes within=GROUP, not {w:?}", words[0])),
                    },
                };
                let cut = &self.cut;
                let through = |e: &Envelope<Cmd>| {
                    let (from, to) = (e.from.0, e.to.0);
                    !cut.contains(&(from, to))
                        && within.as_ref().is_none_or(|g| g.contains(&from) && g.contains(&to))
                };
                if words[0] == "deliver" {
                    c.deliver_if(through);
                } else {
                    c.deliver_queued(through);
                }
            }
        }
        Ok(None)
    }
}

/// `add`, `remove`, `change-voters`: a leader proposes a configuration
/// change; servers it names that have not started yet start empty.
fn membership(c: &mut Cluster, words: &[&str]) -> Outcome {
    expect_words(words, 3)?;
    let leader = server(c, words, 1)?;
    let known = c.nodes.len() as u8;
    let change = match words[0] {
        "add" => {
            let j: u8 = number(words, 2, "a server")?;
            if j == 0 || j > known + 1 {
                return Err(format!("the next server to start is S{}", known + 1));
            }
            if j == known + 1 {
                c.join();
            }
            MembershipChange::AddServer(s(j))
        }
        "remove" => MembershipChange::RemoveServer(s(server(c, words, 2)?)),
        _ => {
            let voters = group(words, 2)?;
            let max = voters.iter().copied().max().unwrap_or(0);
            while (c.nodes.len() as u8) < max {
                c.join();
            }
            MembershipChange::ChangeVoters(voters.into_iter().map(s).collect())
        }
    };
    c.change(leader, change).err().map_or(Ok(None), refused)
}

/// The commands that act on one server (or the clock).
fn server_command(c: &mut Cluster, words: &[&str]) -> Outcome {
    const KNOWN: [&str; 10] = [
        "advance",
        "timeout",
        "timeout-early",
        "heartbeat",
        "crash",
        "restart",
        "propose",
        "transfer",
        "read",
        "compact",
    ];
    if !KNOWN.contains(&words[0]) {
        return Err(format!("unknown command {:?}", words[0]));
    }
    if words[0] == "advance" {
        expect_words(words, 2)?;
        c.now += number::<Time>(words, 1, "milliseconds")?;
        return Ok(None);
    }
    let i = server(c, words, 1)?;
    let single = ["timeout", "timeout-early", "heartbeat", "crash", "restart"];
    if single.contains(&words[0]) {
        expect_words(words, 2)?;
        match words[0] {
            "timeout" => c.time_out(i),
            "timeout-early" => c.time_out_early(i),
            "heartbeat" => c.heartbeat(i),
            "crash" => c.crash(i),
            _ => c.restart(i),
        }
        return Ok(None);
    }
    let result: Result<(), String> = match words[0] {
        "propose" => {
            if words.len() < 3 {
                return Err("propose takes a server and a command".into());
            }
            let cmd: &'static str = Box::leak(words[2..].join(" ").into_boxed_str());
            c.propose(i, cmd).map(|_| ()).map_err(|e| e.to_string())
        }
        "transfer" => {
            expect_words(words, 3)?;
            let target = s(server(c, words, 2)?);
            let mut out = Ok(());
            c.with_node(i, |n, now| out = n.transfer_leadership(now, target));
            out.map_err(|e| e.to_string())
        }
        "read" => {
            expect_words(words, 3)?;
            let ctx = number(words, 2, "a read tag")?;
            let mut out = Ok(());
            c.with_node(i, |n, now| out = n.read_index(now, ctx));
            out.map_err(|e| e.to_string())
        }
        "compact" => {
            let index = match words.len() {
                2 => c.node(i).last_applied(),
                3 => number(words, 2, "an index")?,
                _ => return Err("compact takes a server and an optional index".into()),
            };
            let data = format!("state through {index}").into_bytes();
            let mut out = Ok(());
            c.with_node(i, |n, _| out = n.compact(index, data));
            out
        }
        other => unreachable!("{other} is not in KNOWN"),
    };
    result.err().map_or(Ok(None), refused)
}

/// One line per server: role, term, commitIndex, log, and (once it has
/// them) its snapshot and a configuration from its log.
fn status(c: &Cluster) -> String {
    let mut out = String::new();
    for (k, n) in c.nodes.iter().enumerate() {
        let Some(n) = n else {
            writeln!(out, "S{}: down", k + 1).unwrap();
            continue;
        };
        let log: Vec<String> = n
            .log()
            .iter()
            .map(|e| match &e.payload {
                Payload::Noop => format!("{}:noop", e.term),
                Payload::Command(cmd) => format!("{}:{cmd}", e.term),
                Payload::Config(m) => format!("{}:config({m})", e.term),
            })
            .collect();
        write!(
            out,
            "S{}: {} term={} commit={} log=[{}]",
            k + 1,
            n.role().name(),
            n.current_term(),
            n.commit_index(),
            log.join(" ")
        )
        .unwrap();
        if let Some(snap) = n.snapshot() {
            let (i, t) = (snap.last_included_index, snap.last_included_term);
            write!(out, " snapshot={i}@{t}").unwrap();
        }
        if n.membership_index() > 0 || n.snapshot().is_some() {
            write!(out, " config=({})", n.membership()).unwrap();
        }
        out.push('\n');
    }
    out
}

/// Run one script; returns it with every output block recomputed, or the
/// first misused command with its line number.
fn replay(script: &str) -> Result<String, String> {
    let mut runner = Runner::default();
    let mut out = String::new();
    let mut lines = script.lines().enumerate().peekable();
    while let Some((number, line)) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: String| format!("line {}: {line}: {e}", number + 1);
        if lines.next().map(|(_, l)| l) != Some("----") {
            return Err(at("a command is followed by ----".into()));
        }
        out.push_str("----\n");
        // Skip the expected block, up to a blank line or the end.
        while lines.peek().is_some_and(|(_, l)| !l.trim().is_empty()) {
            lines.next();
        }
        out.push_str(&runner.run(line).map_err(at)?);
        if lines.peek().is_some() {
            lines.next();
            out.push('\n');
        }
    }
    Ok(out)
}

#[test]
fn interaction_scripts_tell_the_expected_story() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 12, "the scripts are in {}", dir.display());
    for path in files {
        let script = std::fs::read_to_string(&path).unwrap();
        let actual = replay(&script).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if std::env::var("REWRITE").is_ok() {
            std::fs::write(&path, &actual).unwrap();
        } else {
            assert!(actual == script, "{} differs:\n{actual}", path.display());
        }
    }
}

#[test]
fn every_cluster_flag_is_honoured_together() {
    let mut r = Runner::default();
    r.run("cluster 3 prevote fast checkquorum lease").unwrap();
    let cfg = r.cluster.as_ref().unwrap().node(2).config().clone();
    assert!(cfg.pre_vote && cfg.fast_backtrack && cfg.check_quorum);
    assert_eq!(cfg.read_mode, crate::config::ReadMode::Lease);
    // The order of the flags does not matter.
    r.run("cluster 3 fast prevote").unwrap();
    let cfg = r.cluster.as_ref().unwrap().node(1).config().clone();
    assert!(cfg.pre_vote && cfg.fast_backtrack && !cfg.check_quorum);
}

#[test]
fn a_misused_command_is_an_error_not_ignored() {
    let mut r = Runner::default();
    assert!(r.run("status").unwrap_err().contains("cluster N"));
    let unknown = r.run("cluster 3 prevote fsat").unwrap_err();
    assert!(unknown.contains("unknown cluster flag \"fsat\""), "{unknown}");
    let twice = r.run("cluster 3 prevote prevote").unwrap_err();
    assert!(twice.contains("given twice"), "{twice}");
    r.run("cluster 3").unwrap();
    assert!(r.run("timeout 4").unwrap_err().contains("no server S4"));
    assert!(r.run("timeout").unwrap_err().contains("needs a server"));
    assert!(r.run("deliver to=1,2").unwrap_err().contains("within="));
    assert!(r.run("partition 1 2").unwrap_err().contains("unknown command"));
    assert!(r.run("split S1").unwrap_err().contains("unknown command"));
    assert!(r.run("timeout 1 2").unwrap_err().contains("takes 1 argument"));
    assert!(r.run("add 1 7").unwrap_err().contains("next server to start is S4"));
    let missing = replay("cluster 3\n----\n\nstatus\n").unwrap_err();
    assert!(missing.starts_with("line 4: status: a command is followed by ----"), "{missing}");
}
