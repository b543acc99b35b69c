//! This repo's protocol core (`crates/raft`) against tikv/raft-rs 0.7 on one
//! workload, in one process: 3 servers in memory, every message delivered in
//! the order it was sent (FIFO), 16-byte entries proposed on the leader
//! `batch` at a time, each entry committed and applied on all three servers.
//! Both cores run alternately, best of 3, at batch 1 and batch 100; the
//! program prints entries per second for each and the ratio, by the wall
//! clock and by the thread's CPU time (steadier on a shared machine).
//!
//! Run from the repo root with
//! `cargo run --release --manifest-path bench/raft-rs/Cargo.toml`
//! (optional arguments: entries per run; then `ours`, `raft-rs` or `both`;
//! then a batch size to run only it, as a profiler wants; then how often,
//! in entries, both sides compact their logs — 0, the default, never).
//! By default a run is 200,000 entries at batch 1 and 2,000,000 at batch
//! 100: at least half a second per side on a 2-core machine, so that one
//! run's figures repeat (a 50 ms run did not). `bench/raft-rs/count.sh`
//! counts instructions per entry for both with callgrind, which repeats
//! exactly whatever else runs.
//!
//! Both harnesses do the same work per round: propose the batch, then until
//! no server has anything to do, deliver every message queued so far (in
//! order) and drain each server that has output — persist its log writes
//! and currentTerm/votedFor to its own disk, queue its messages, apply its
//! committed entries (each checked to be 16 bytes and counted). Each entry's
//! command is one fresh allocation on both sides: here an `Arc<[u8]>`, one
//! allocation of 32 bytes (its two reference counts, then the 16 bytes);
//! there a 16-byte `Vec<u8>` made into `bytes::Bytes`. Each side keeps
//! one copy of each server's log in memory: raft-rs's `MemStorage` is both
//! its log and its disk; this core's server keeps its log and the disk
//! shares the server's memory for the entries they hold alike
//! (`PersistentState::apply_sharing`, which copies a Ready's appended
//! entries from the server's log and points at its full chunks); the
//! committed entries are read in place (`ready.committed.iter(node.log())`).
//! With a compaction interval, every that many entries each server discards
//! the entries every server has applied (`RaftNode::compact` here,
//! `MemStorage::compact` there, §7), so the logs stop growing. Neither core
//! is ticked during a run; at the end each gets heartbeats until every
//! server has applied every entry.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One entry's command: 16 bytes.
const ENTRY: [u8; 16] = *b"0123456789abcdef";

/// A 3-server cluster under one of the two cores.
trait Cluster {
    /// The core's name, for the table.
    const NAME: &'static str;
    /// Three servers, server 1 elected leader, nothing proposed yet.
    fn elected() -> Self;
    /// Propose `n` entries on the leader.
    fn propose(&mut self, n: usize);
    /// Deliver and drain until no server has anything to do.
    fn settle(&mut self);
    /// Send heartbeats (so followers learn the last commitIndex) and settle.
    fn heartbeat(&mut self);
    /// The fewest entries any server has applied.
    fn applied_everywhere(&self) -> u64;
    /// Each server discards the log entries every server has applied (§7).
    fn compact(&mut self);
}

/// What one run does: how many entries, how many per proposal, and how
/// often (in entries proposed; 0 never) the logs are compacted.
#[derive(Clone, Copy)]
struct Workload {
    entries: u64,
    batch: usize,
    compact_every: u64,
}

/// Entries per second for `entries` entries proposed `batch` at a time,
/// by the wall clock and by this thread's CPU time (which leaves out the
/// time other processes had the core: steadier on a shared machine).
/// Electing the leader before and dropping the cluster after are not timed.
fn run<C: Cluster>(w: Workload) -> Rates {
    let mut c = C::elected();
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    drive(&mut c, w);
    let cpu = thread_cpu_time() - cpu;
    Rates {
        wall: w.entries as f64 / wall.elapsed().as_secs_f64(),
        cpu: w.entries as f64 / cpu.as_secs_f64(),
    }
}

/// Entries per second, measured two ways.
#[derive(Clone, Copy, Default)]
struct Rates {
    wall: f64,
    cpu: f64,
}

impl Rates {
    /// The better of each.
    fn best(self, other: Rates) -> Rates {
        Rates { wall: self.wall.max(other.wall), cpu: self.cpu.max(other.cpu) }
    }
}

/// The CPU time this thread has used so far.
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a timespec the call may write to; the clock exists on
    // every Linux.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(status, 0, "the thread CPU clock is readable");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The timed part of [`run`]: propose the entries a batch at a time
/// (compacting every `compact_every`), then heartbeat until every server
/// has applied them all. Kept out of line so that an instruction count can
/// cover it alone
/// (`valgrind --tool=callgrind --toggle-collect='raft_rs_bench::drive*'`).
#[inline(never)]
fn drive<C: Cluster>(c: &mut C, w: Workload) {
    let entries = w.entries;
    let (mut proposed, mut compacted) = (0, 0);
    while proposed < entries {
        let n = w.batch.min((entries - proposed) as usize);
        c.propose(n);
        c.settle();
        proposed += n as u64;
        if w.compact_every > 0 && proposed - compacted >= w.compact_every {
            c.compact();
            compacted = proposed;
        }
    }
    let mut beats = 0;
    while c.applied_everywhere() < entries {
        c.heartbeat();
        beats += 1;
        assert!(
            beats < 100,
            "{}: only {} of {entries} applied everywhere",
            C::NAME,
            c.applied_everywhere()
        );
    }
}

/// Entries per run when none are given: at least half a second per side.
fn default_entries(batch: usize) -> u64 {
    if batch == 1 {
        200_000
    } else {
        2_000_000
    }
}

/// The `n`th argument parsed as a number, if given.
fn number_arg<T: std::str::FromStr>(n: usize, what: &str) -> Result<Option<T>, String> {
    match std::env::args().nth(n) {
        Some(a) => a.parse().map(Some).map_err(|_| format!("'{a}' is not {what}")),
        None => Ok(None),
    }
}

fn main() -> Result<(), String> {
    let entries: Option<u64> = number_arg(1, "a number of entries")?;
    if entries == Some(0) {
        return Err("give at least one entry per run".into());
    }
    let only = std::env::args().nth(2);
    let (with_ours, with_theirs) = match only.as_deref() {
        None | Some("both") => (true, true),
        Some("ours") => (true, false),
        Some("raft-rs") => (false, true),
        Some(other) => return Err(format!("'{other}' is none of 'ours', 'raft-rs' and 'both'")),
    };
    let batches = match number_arg(3, "a batch size")? {
        Some(0) => return Err("a batch holds at least one entry".into()),
        Some(b) => vec![b],
        None => vec![1, 100],
    };
    let compact_every = number_arg(4, "a number of entries between compactions")?.unwrap_or(0);
    let compaction = match compact_every {
        0 => "logs kept whole".to_string(),
        n => format!("logs compacted every {n} entries"),
    };
    println!("3 servers in memory, FIFO delivery, 16-byte entries, {compaction}, best of 3");
    println!(
        "| batch | entries per run | clock | this core (entries/s) | raft-rs 0.7 (entries/s) | ratio |"
    );
    println!("|---|---|---|---|---|---|");
    for batch in batches {
        let entries = entries.unwrap_or(default_entries(batch));
        let w = Workload { entries, batch, compact_every };
        let (mut ours, mut theirs) = (Rates::default(), Rates::default());
        for _ in 0..3 {
            if with_ours {
                ours = ours.best(run::<ours::Ours>(w));
            }
            if with_theirs {
                theirs = theirs.best(run::<theirs::RaftRs>(w));
            }
        }
        let rate = |r: f64| if r > 0.0 { format!("{:.2} M", r / 1e6) } else { "—".into() };
        for (clock, a, b) in [("wall", ours.wall, theirs.wall), ("CPU", ours.cpu, theirs.cpu)] {
            let ratio = if a > 0.0 && b > 0.0 { format!("{:.2}×", a / b) } else { "—".into() };
            println!("| {batch} | {entries} | {clock} | {} | {} | {ratio} |", rate(a), rate(b));
        }
    }
    Ok(())
}

/// This repo's core.
mod ours {
    use super::{Cluster, VecDeque, ENTRY};
    use raft::{Config, Envelope, NodeId, Payload, PersistentState, RaftNode, Ready, Role};
    use std::sync::Arc;

    /// A command: shared bytes, as raft-rs's entries hold `bytes::Bytes`
    /// (a copy is a reference count, not the bytes).
    type Command = Arc<[u8]>;

    pub struct Ours {
        nodes: Vec<RaftNode<Command>>,
        disks: Vec<PersistentState<Command>>,
        applied: Vec<u64>,
        queue: VecDeque<Envelope<Command>>,
        /// Each server's latest output, exchanged for its next one.
        ready: Vec<Ready<Command>>,
    }

    impl Ours {
        /// Persist, queue the messages, apply: Figure 2's order.
        fn drain(&mut self) -> bool {
            let mut busy = false;
            for (k, node) in self.nodes.iter_mut().enumerate() {
                if !node.has_ready() {
                    continue;
                }
                let ready = &mut self.ready[k];
                node.take_ready_into(ready);
                // The disk holds what the server's log holds, in the
                // server's memory: one copy, as raft-rs's MemStorage is both
                // its log and its disk.
                self.disks[k].apply_sharing(ready, node.log());
                busy |= !ready.messages.is_empty();
                self.queue.extend(ready.messages.drain(..));
                for e in ready.committed.iter(node.log()) {
                    if let Payload::Command(c) = &e.payload {
                        assert_eq!(c.len(), ENTRY.len());
                        self.applied[k] += 1;
                    }
                }
            }
            busy
        }
    }

    impl Cluster for Ours {
        const NAME: &'static str = "this core";

        fn elected() -> Self {
            let voters: Vec<NodeId> = (1..=3).map(NodeId).collect();
            let nodes = voters
                .iter()
                .map(|&id| {
                    let mut config = Config::new(id, voters.clone());
                    config.max_entries_per_append = 4096;
                    config.max_inflight = 256;
                    RaftNode::new(config, u64::from(id.0), 0).expect("a valid configuration")
                })
                .collect();
            let mut c = Ours {
                nodes,
                disks: vec![PersistentState::default(); 3],
                applied: vec![0; 3],
                queue: VecDeque::new(),
                ready: vec![Ready::default(), Ready::default(), Ready::default()],
            };
            c.nodes[0].time_out(0);
            c.settle();
            assert_eq!(c.nodes[0].role(), Role::Leader);
            c
        }

        fn propose(&mut self, n: usize) {
            let commands = (0..n).map(|_| Command::from(&ENTRY[..]));
            self.nodes[0].propose_batch(0, commands).expect("server 1 leads");
        }

        fn settle(&mut self) {
            while self.drain() || !self.queue.is_empty() {
                for _ in 0..self.queue.len() {
                    let env = self.queue.pop_front().expect("counted");
                    self.nodes[usize::from(env.to.0) - 1].step(0, env.from, env.msg);
                }
            }
        }

        fn heartbeat(&mut self) {
            self.nodes[0].heartbeat_now(0);
            self.settle();
        }

        fn applied_everywhere(&self) -> u64 {
            self.applied.iter().copied().min().unwrap_or(0)
        }

        fn compact(&mut self) {
            let through = self.nodes.iter().map(|n| n.last_applied()).min().unwrap_or(0);
            for node in &mut self.nodes {
                if through > node.log().snapshot_point().0 {
                    node.compact(through, Vec::new()).expect("applied everywhere");
                }
            }
            // The disks take the snapshots' log writes.
            self.settle();
        }
    }
}

/// tikv/raft-rs 0.7, driven as its `five_mem_node` example drives it.
mod theirs {
    use super::{Cluster, VecDeque, ENTRY};
    use raft_rs::prelude::{ConfState, Entry, Message, MessageType};
    use raft_rs::storage::MemStorage;
    use raft_rs::{Config, RawNode, StateRole};

    pub struct RaftRs {
        nodes: Vec<RawNode<MemStorage>>,
        applied: Vec<u64>,
        queue: VecDeque<Message>,
    }

    impl RaftRs {
        fn drain(&mut self) -> bool {
            let mut busy = false;
            for (k, node) in self.nodes.iter_mut().enumerate() {
                if !node.has_ready() {
                    continue;
                }
                busy = true;
                let mut applied = 0;
                let mut apply = |entries: Vec<Entry>| {
                    for e in entries {
                        if !e.data.is_empty() {
                            assert_eq!(e.data.len(), ENTRY.len());
                            applied += 1;
                        }
                    }
                };
                let store = node.store().clone();
                let mut ready = node.ready();
                self.queue.extend(ready.take_messages());
                apply(ready.take_committed_entries());
                if !ready.entries().is_empty() {
                    store.wl().append(ready.entries()).expect("memory storage appends");
                }
                if let Some(hs) = ready.hs() {
                    store.wl().set_hardstate(hs.clone());
                }
                self.queue.extend(ready.take_persisted_messages());
                let mut light = node.advance(ready);
                if let Some(commit) = light.commit_index() {
                    store.wl().mut_hard_state().set_commit(commit);
                }
                self.queue.extend(light.take_messages());
                apply(light.take_committed_entries());
                node.advance_apply();
                self.applied[k] += applied;
            }
            busy
        }
    }

    impl Cluster for RaftRs {
        const NAME: &'static str = "raft-rs";

        fn elected() -> Self {
            let logger = slog::Logger::root(slog::Discard, slog::o!());
            let nodes = (1..=3u64)
                .map(|id| {
                    let config = Config {
                        id,
                        election_tick: 10,
                        heartbeat_tick: 3,
                        max_size_per_msg: 1024 * 1024,
                        max_inflight_msgs: 256,
                        ..Default::default()
                    };
                    let storage =
                        MemStorage::new_with_conf_state(ConfState::from((vec![1, 2, 3], vec![])));
                    RawNode::new(&config, storage, &logger).expect("a valid configuration")
                })
                .collect();
            let mut c = RaftRs { nodes, applied: vec![0; 3], queue: VecDeque::new() };
            c.nodes[0].campaign().expect("server 1 campaigns");
            c.settle();
            assert_eq!(c.nodes[0].raft.state, StateRole::Leader);
            c
        }

        fn propose(&mut self, n: usize) {
            // One MsgPropose carrying the batch, as `RawNode::propose`
            // builds one for a single entry.
            let mut m = Message::default();
            m.set_msg_type(MessageType::MsgPropose);
            m.from = 1;
            let entries: Vec<Entry> = (0..n)
                .map(|_| Entry { data: ENTRY.to_vec().into(), ..Default::default() })
                .collect();
            m.set_entries(entries.into());
            self.nodes[0].step(m).expect("server 1 leads");
        }

        fn settle(&mut self) {
            while self.drain() || !self.queue.is_empty() {
                for _ in 0..self.queue.len() {
                    let m = self.queue.pop_front().expect("counted");
                    let to = m.to as usize - 1;
                    self.nodes[to].step(m).expect("a message for this group");
                }
            }
        }

        fn heartbeat(&mut self) {
            self.nodes[0].ping();
            self.settle();
        }

        fn applied_everywhere(&self) -> u64 {
            self.applied.iter().copied().min().unwrap_or(0)
        }

        fn compact(&mut self) {
            let through = self.nodes.iter().map(|n| n.raft.raft_log.applied).min().unwrap_or(0);
            for node in &self.nodes {
                // Keeps the entry at `through` (its term answers the next
                // append's check); this core keeps only that term.
                node.store().wl().compact(through).expect("applied everywhere");
            }
        }
    }
}
