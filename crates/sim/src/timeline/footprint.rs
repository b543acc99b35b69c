//! How many bytes a copy of the world holds, estimated cheaply from what
//! grows during a run: log entries (each server's log in memory and on
//! disk, and the safety checker's records), client operations, messages in
//! flight, snapshots. Counting is O(servers + messages), not a walk of
//! every entry; the per-item sizes below are `size_of` plus typical heap
//! (a Put's key and value, an AppendEntries' entries), checked against a
//! counting allocator by `timeline-bench`.

use crate::client::Operation;
use crate::kv::KvCommand;
use crate::network::{InFlight, Packet};
use crate::trace::{TraceEntry, TRACE_KEEP};
use crate::world::Sim;
use raft::{Entry, Message};
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

/// Estimated bytes held by `sim` and everything it owns.
pub fn footprint(sim: &Sim) -> usize {
    let entry = size_of::<Entry<KvCommand>>() + ENTRY_HEAP;
    let mut entries = 0;
    let mut bytes = size_of::<Sim>() + TRACE_KEEP * (size_of::<TraceEntry>() + TRACE_HEAP);
    for id in sim.ids() {
        let disk = sim.disk(id);
        entries += disk.log.entries().len();
        bytes += disk.snapshot.as_ref().map_or(0, |s| s.data.len());
        if let Some(server) = sim.server(id) {
            entries += server.raft.log().entries().len();
            bytes += SERVER_FIXED + server.kv.data().len() * KV_PAIR;
        }
    }
    // The checker records every committed entry twice: as committed and as
    // applied.
    entries += 2 * sim.checker().committed().len();
    for m in sim.network().in_flight() {
        bytes += size_of::<InFlight>();
        if let Packet::Raft(Message::AppendEntries(ae)) = &m.packet {
            entries += ae.entries.len();
        }
    }
    bytes += sim.history().ops.len() * (size_of::<Operation>() + OPERATION_HEAP);
    bytes + entries * entry
}
