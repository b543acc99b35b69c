//! How many bytes a copy of the world holds, estimated cheaply from what
//! grows during a run: log entries (each server's log in memory and on
//! disk), the safety checker's per-entry records, client operations,
//! messages in flight, snapshots. Counting is O(servers + chunks +
//! messages), not a walk of every entry; the per-item sizes below are
//! `size_of` plus typical heap (a Put's key and value, an AppendEntries'
//! entries), checked against a counting allocator by `timeline-bench`
//! and `tests/timeline_memory.rs` (a copy's own bytes within 5%, a
//! session's total a few percent above the real bytes).
//!
//! Logs, the checker's records, the client history and the clients' queues
//! keep their items in sealed chunks shared
//! by every copy of the world (see [`raft::Chunked`]): a copy owns only
//! each list's short tail. A [`Memory`] therefore says what a copy owns
//! alone and which chunks it points at, so that memory held by many copies
//! counts each chunk once.

use crate::kv::KvCommand;
use crate::network::{InFlight, Packet};
use crate::trace::{TraceEntry, TRACE_KEEP};
use crate::world::Sim;
use raft::{Entry, Memory, Message};
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

/// Estimated bytes held by `sim` and everything it owns, counting its
/// shared chunks in full: what it would hold were it the only copy.
pub fn footprint(sim: &Sim) -> usize {
    memory(sim).total()
}

/// What `sim` owns alone and which shared chunks it points at.
pub(super) fn memory(sim: &Sim) -> Memory {
    let entry = size_of::<Entry<KvCommand>>() + ENTRY_HEAP;
    let mut memory = Memory {
        own: size_of::<Sim>() + TRACE_KEEP * (size_of::<TraceEntry>() + TRACE_HEAP),
        chunks: Vec::new(),
    };
    for id in sim.ids() {
        let disk = sim.disk(id);
        memory.add(disk.log.storage(), ENTRY_HEAP);
        memory.own += disk.snapshot.as_ref().map_or(0, |s| s.data.len());
        if let Some(server) = sim.server(id) {
            memory.add(server.raft.log().storage(), ENTRY_HEAP);
            memory.own += SERVER_FIXED + server.kv.data().len() * KV_PAIR;
        }
    }
    sim.checker().memory(&mut memory, ENTRY_HEAP);
    for m in sim.network().in_flight() {
        memory.own += size_of::<InFlight>();
        if let Packet::Raft(Message::AppendEntries(ae)) = &m.packet {
            memory.own += ae.entries.len() * entry;
        }
    }
    memory.add(&sim.history().ops, OPERATION_HEAP);
    for c in sim.clients().values() {
        memory.add(&c.queue, OPERATION_HEAP);
    }
    memory
}
