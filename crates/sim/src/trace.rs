//! The trace: every event of a run, stamped with virtual time. The page
//! keeps the most recent entries for its narration; the whole run is
//! summarised by a hash so that two runs can be compared bit for bit.

use crate::checker::Violation;
use crate::fnv::{fnv_extend, FNV_OFFSET};
use crate::kv::{ClientId, KvOp, KvOutput};
use crate::network::{DropReason, Endpoint, PacketKind};
use raft::{Event, LogIndex, NodeId, Time};
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;

/// Something that happened in the world.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TraceEvent {
    /// A server's Raft decision.
    Raft {
        /// The server.
        node: NodeId,
        /// What it decided.
        event: Event,
    },
    /// A message left.
    Sent {
        /// Message id.
        id: u64,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Message type.
        kind: PacketKind,
    },
    /// A message did not arrive.
    Dropped {
        /// Message id.
        id: u64,
        /// Message type.
        kind: PacketKind,
        /// Why.
        reason: DropReason,
    },
    /// A server crashed.
    Crashed(NodeId),
    /// A server restarted from its disk.
    Restarted(NodeId),
    /// A server applied a committed entry to its key-value store.
    Applied {
        /// The server.
        node: NodeId,
        /// The entry's index.
        index: LogIndex,
        /// The command and its answer, if not a no-op.
        command: Option<(KvOp, KvOutput)>,
    },
    /// A client invoked an operation.
    Invoked {
        /// The client.
        client: ClientId,
        /// The operation.
        op: KvOp,
    },
    /// A client was redirected or timed out and is trying another server.
    Retrying {
        /// The client.
        client: ClientId,
        /// The server it tries next.
        to: NodeId,
        /// Why it retries.
        why: &'static str,
    },
    /// A client got its answer.
    Returned {
        /// The client.
        client: ClientId,
        /// The operation.
        op: KvOp,
        /// The answer.
        output: KvOutput,
    },
    /// A person or a scenario changed the world (crash, cut, setting …).
    Action(String),
    /// A safety checker fired.
    Violation(Violation),
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceEvent::Raft { node, event } => write!(f, "{node} {event}"),
            TraceEvent::Sent { from, to, kind, .. } => write!(f, "{from} sent {kind} to {to}"),
            TraceEvent::Dropped { kind, reason, .. } => write!(f, "a {kind} was dropped: {reason}"),
            TraceEvent::Crashed(n) => write!(f, "{n} crashed"),
            TraceEvent::Restarted(n) => write!(f, "{n} restarted from its disk"),
            TraceEvent::Applied { node, index, command: Some((op, out)) } => {
                write!(f, "{node} applied {op} at index {index} → {out}")
            }
            TraceEvent::Applied { node, index, command: None } => {
                write!(f, "{node} applied the no-op at index {index}")
            }
            TraceEvent::Invoked { client, op } => write!(f, "{client} sent {op}"),
            TraceEvent::Retrying { client, to, why } => write!(f, "{client} {why}: trying {to}"),
            TraceEvent::Returned { client, op, output } => {
                write!(f, "{client} got {op} → {output}")
            }
            TraceEvent::Action(a) => write!(f, "{a}"),
            TraceEvent::Violation(v) => write!(f, "{v}"),
        }
    }
}

/// A trace entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEntry {
    /// Sequence number in the run, from 1.
    pub seq: u64,
    /// Virtual time.
    pub time: Time,
    /// What happened.
    pub event: TraceEvent,
}

/// How many recent entries a trace keeps for reading back.
pub const TRACE_KEEP: usize = 400;

/// The run's trace: a running hash of everything plus the latest entries.
#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    hash: u64,
    len: u64,
    recent: VecDeque<TraceEntry>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace { hash: FNV_OFFSET, len: 0, recent: VecDeque::new() }
    }
}

impl Trace {
    /// Record an event.
    pub fn push(&mut self, time: Time, event: TraceEvent) {
        self.len += 1;
        let entry = TraceEntry { seq: self.len, time, event };
        // FNV-1a over the entry's postcard encoding: stable across
        // platforms, and far fewer bytes than its Debug text.
        self.hash = fnv_extend(self.hash, &entry);
        if self.recent.len() == TRACE_KEEP {
            self.recent.pop_front();
        }
        self.recent.push_back(entry);
    }

    /// A hash of every entry so far, in order.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// How many entries were ever recorded.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True before anything happened.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most recent entries, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &TraceEntry> {
        self.recent.iter()
    }
}
