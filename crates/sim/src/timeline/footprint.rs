//! How many bytes a copy of the world holds, estimated cheaply from what
//! grows during a run: log entries (each server's log in memory and on
//! disk, and the safety checker's record of committed entries), the
//! checker's per-entry columns, client operations, messages in flight,
//! snapshots. Counting is O(servers + chunks + messages), not a walk of
//! every entry; the per-item sizes below are `size_of` plus typical heap
//! (a Put's key and value, an AppendEntries' entries), checked against a
//! counting allocator by `timeline-bench`.
//!
//! Logs keep their entries in sealed chunks shared by every copy of the
//! world (see [`raft::RaftLog`]): a copy owns only each log's short tail.
//! A [`Share`] therefore says what a copy owns alone and which chunks it
//! points at, so that memory held by many copies counts each chunk once.

use crate::client::Operation;
use crate::kv::KvCommand;
use crate::network::{InFlight, Packet};
use crate::trace::{TraceEntry, TRACE_KEEP};
use crate::world::Sim;
use raft::{Entry, Message, RaftLog, CHUNK_LEN};
use std::mem::size_of;

/// Heap bytes of a typical entry besides its inline size: a Put's key and
/// value strings.
const ENTRY_HEAP: usize = 16;
/// Heap bytes of a typical client operation besides its inline size.
const OPERATION_HEAP: usize = 16;
/// Heap bytes of a trace entry (its narration strings are mostly static).
const TRACE_HEAP: usize = 16;
/// One key-value pair in a server's store, with its tree node.
const KV_PAIR: usize = 96;
/// A running server's fixed state: Raft's volatile state, progress per
/// peer, timers, its client bookkeeping.
const SERVER_FIXED: usize = 2048;
/// The safety checker's columns per committed entry (the term it was
/// committed in, the running maximum, a running hash).
const COMMITTED_COLUMNS: usize = 24;
/// The safety checker's summary of each disk's log per entry (term and
/// running hash).
const SUMMARY_PER_ENTRY: usize = 16;

/// Bytes of one entry with its heap.
const fn entry_bytes() -> usize {
    size_of::<Entry<KvCommand>>() + ENTRY_HEAP
}

/// Bytes of one sealed log chunk: its entries and the `Arc` counts.
pub(super) const CHUNK_BYTES: usize = CHUNK_LEN * entry_bytes() + 16;

/// What one copy of the world holds.
#[derive(Clone, Debug, Default)]
pub(super) struct Share {
    /// Estimated bytes this copy owns alone.
    pub(super) own: usize,
    /// Identities of the shared log chunks it points at, each
    /// [`CHUNK_BYTES`] (see [`RaftLog::shared_chunks`]).
    pub(super) chunks: Vec<usize>,
}

impl Share {
    /// Count `log`: its tail is owned, its sealed chunks are shared.
    fn add_log(&mut self, log: &RaftLog<KvCommand>) {
        self.own += log.unshared_len() * entry_bytes();
        self.chunks.extend(log.shared_chunks());
    }
}

/// Estimated bytes held by `sim` and everything it owns, counting its
/// shared log chunks in full: what it would hold were it the only copy.
pub fn footprint(sim: &Sim) -> usize {
    let share = share(sim);
    share.own + share.chunks.len() * CHUNK_BYTES
}

/// What `sim` owns alone and which shared chunks it points at.
pub(super) fn share(sim: &Sim) -> Share {
    let mut share = Share {
        own: size_of::<Sim>() + TRACE_KEEP * (size_of::<TraceEntry>() + TRACE_HEAP),
        chunks: Vec::new(),
    };
    for id in sim.ids() {
        let disk = sim.disk(id);
        share.add_log(&disk.log);
        share.own += disk.log.len() * SUMMARY_PER_ENTRY;
        share.own += disk.snapshot.as_ref().map_or(0, |s| s.data.len());
        if let Some(server) = sim.server(id) {
            share.add_log(server.raft.log());
            share.own += SERVER_FIXED + server.kv.data().len() * KV_PAIR;
        }
    }
    share.add_log(sim.committed());
    share.own += sim.committed().len() * COMMITTED_COLUMNS;
    for m in sim.network().in_flight() {
        share.own += size_of::<InFlight>();
        if let Packet::Raft(Message::AppendEntries(ae)) = &m.packet {
            share.own += ae.entries.len() * entry_bytes();
        }
    }
    share.own += sim.history().ops.len() * (size_of::<Operation>() + OPERATION_HEAP);
    share
}
