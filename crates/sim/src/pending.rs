//! The events the world has scheduled — deliveries and timers — so a person
//! can choose which happens next ([`Action::Fire`](crate::Action::Fire)),
//! as in DSLabs' debugger and Spectacle. That makes textbook interleavings
//! such as the paper's Figure 8 (§5.4.2) reproducible by hand.

use crate::kv::ClientId;
use crate::network::{Endpoint, PacketKind};
use raft::{NodeId, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Names a scheduled event independently of when it is due, so the same id
/// names the same event when a run is replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PendingId {
    /// The delivery of the message with this id.
    Delivery(u64),
    /// This server's timer: the election timeout, or a leader's heartbeat.
    Timer(NodeId),
    /// This client's retry of the operation it waits on.
    ClientRetry(ClientId),
}

/// What a scheduled event does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    /// A message arrives.
    Deliver {
        /// The message's id.
        id: u64,
        /// Its type.
        kind: PacketKind,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// The network already lost it: it arrives only to be dropped.
        doomed: bool,
    },
    /// A follower's or candidate's election timeout fires (§5.2).
    ElectionTimeout(NodeId),
    /// A leader's heartbeat timer fires (§5.2).
    HeartbeatTimer(NodeId),
    /// A client gives up waiting and sends its request again.
    ClientRetry(ClientId),
}

/// One scheduled event: when it is due and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingEvent {
    /// When it is due, ms of virtual time.
    pub at: Time,
    /// What it does.
    pub what: Happening,
}

impl PendingEvent {
    /// The id that [`Action::Fire`](crate::Action::Fire) takes.
    pub fn id(&self) -> PendingId {
        match self.what {
            Happening::Deliver { id, .. } => PendingId::Delivery(id),
            Happening::ElectionTimeout(n) | Happening::HeartbeatTimer(n) => PendingId::Timer(n),
            Happening::ClientRetry(c) => PendingId::ClientRetry(c),
        }
    }
}

impl fmt::Display for PendingEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.what {
            Happening::Deliver { kind, from, to, doomed, .. } => {
                write!(f, "deliver {kind} {from}→{to}")?;
                if doomed {
                    f.write_str(" (lost)")?;
                }
                Ok(())
            }
            Happening::ElectionTimeout(n) => write!(f, "{n}'s election timeout"),
            Happening::HeartbeatTimer(n) => write!(f, "{n}'s heartbeat timer"),
            Happening::ClientRetry(c) => write!(f, "{c}'s retry"),
        }
    }
}

impl fmt::Display for PendingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PendingId::Delivery(id) => write!(f, "the delivery of message {id}"),
            PendingId::Timer(n) => write!(f, "{n}'s timer"),
            PendingId::ClientRetry(c) => write!(f, "{c}'s retry"),
        }
    }
}
