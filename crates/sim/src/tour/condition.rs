//! How a step runs the world after its actions: for a while, or until
//! something happens, within a time limit.

use super::claim::{holds, Claim};
use crate::checker::Invariant;
use crate::network::{Endpoint, PacketKind};
use crate::world::Sim;
use raft::{LogIndex, MessageKind, NodeId, Term, Time};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest a step may run, ms of virtual time.
pub const MAX_RUN_MS: Time = 60_000;

/// How a step runs the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Run {
    /// For this many ms of virtual time.
    For(Time),
    /// Until `condition` holds (checked after every event), failing if it
    /// does not within `within` ms.
    Until {
        /// What to wait for.
        condition: Condition,
        /// The time limit, ms.
        within: Time,
    },
}

/// Something a step waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// A leader is elected: any, or this server, or in this term.
    Leader {
        /// Which server, if it matters.
        #[serde(default)]
        server: Option<NodeId>,
        /// Which term, if it matters.
        #[serde(default)]
        term: Option<Term>,
    },
    /// Entry `index` is committed on `server`, or on every running server.
    Committed {
        /// The entry.
        index: LogIndex,
        /// The server; absent: every running server.
        #[serde(default)]
        server: Option<NodeId>,
    },
    /// Entry `index` is applied on `server`, or on every running server.
    Applied {
        /// The entry.
        index: LogIndex,
        /// The server; absent: every running server.
        #[serde(default)]
        server: Option<NodeId>,
    },
    /// A safety property breaks: any, or this one.
    Violation(Option<Invariant>),
    /// A message of this type arrives (from, to these servers if given).
    Delivered {
        /// The message type.
        kind: MessageKind,
        /// Its sender, if it matters.
        #[serde(default)]
        from: Option<NodeId>,
        /// Its receiver, if it matters.
        #[serde(default)]
        to: Option<NodeId>,
    },
    /// Every one of these claims holds.
    Claims(Vec<Claim>),
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |s: &Option<NodeId>| s.map_or("every running server".into(), |s| s.to_string());
        match self {
            Condition::Leader { server, term } => {
                write!(f, "{} is elected", server.map_or("a leader".into(), |s| s.to_string()))?;
                term.map_or(Ok(()), |t| write!(f, " in term {t}"))
            }
            Condition::Committed { index, server } => {
                write!(f, "entry {index} is committed on {}", on(server))
            }
            Condition::Applied { index, server } => {
                write!(f, "entry {index} is applied on {}", on(server))
            }
            Condition::Violation(None) => write!(f, "a safety property breaks"),
            Condition::Violation(Some(i)) => write!(f, "{} breaks", i.name()),
            Condition::Delivered { kind, from, to } => {
                let name = kind.name();
                let a = if name.starts_with(['A', 'I']) { "an" } else { "a" };
                write!(f, "{a} {name} arrives")?;
                if let Some(s) = from {
                    write!(f, " from {s}")?;
                }
                to.map_or(Ok(()), |s| write!(f, " at {s}"))
            }
            Condition::Claims(claims) => {
                let c: Vec<String> = claims.iter().map(|c| c.to_string()).collect();
                write!(f, "{}", c.join(" and "))
            }
        }
    }
}

impl Run {
    pub(super) fn validate(&self) -> Result<(), String> {
        let ms = match self {
            Run::For(ms) | Run::Until { within: ms, .. } => *ms,
        };
        if ms == 0 || ms > MAX_RUN_MS {
            return Err(format!("it must last 1 to {MAX_RUN_MS} ms, not {ms}"));
        }
        Ok(())
    }
}

impl Condition {
    /// Does the condition hold in `sim`, where the last event delivered
    /// `arrived` (type, sender, receiver) if it was a Raft message?
    pub(super) fn holds(&self, sim: &Sim, arrived: Option<(MessageKind, NodeId, NodeId)>) -> bool {
        let every = |server: &Option<NodeId>, f: &dyn Fn(&raft::RaftNode<_>) -> bool| match server {
            Some(id) => sim.server(*id).is_some_and(|s| f(&s.raft)),
            None => sim.ids().filter_map(|id| sim.server(id)).all(|s| f(&s.raft)),
        };
        match self {
            Condition::Leader { server, term } => sim.leader().is_some_and(|l| {
                let t = sim.server(l).map(|s| s.raft.current_term());
                server.is_none_or(|s| s == l) && term.is_none_or(|want| t == Some(want))
            }),
            Condition::Committed { index, server } => {
                every(server, &|r| r.commit_index() >= *index)
            }
            Condition::Applied { index, server } => every(server, &|r| r.last_applied() >= *index),
            Condition::Violation(want) => {
                sim.violations().iter().any(|v| want.is_none_or(|w| v.invariant == w))
            }
            Condition::Delivered { kind, from, to } => arrived.is_some_and(|(k, f, t)| {
                k == *kind && from.is_none_or(|s| s == f) && to.is_none_or(|s| s == t)
            }),
            Condition::Claims(claims) => claims.iter().all(|c| holds(sim, c).is_ok()),
        }
    }
}

/// The Raft message the next event delivers to a running server, if the
/// next event is such a delivery (type, sender, receiver).
pub(super) fn next_arrival(sim: &Sim) -> Option<(MessageKind, NodeId, NodeId)> {
    let next = sim.network().in_flight().next()?;
    let lost = next.dropped.is_some() || sim.network().is_cut(next.from, next.to);
    if lost || sim.next_event_time() != Some(next.deliver_at) {
        return None;
    }
    match (next.packet.kind(), next.from, next.to) {
        (PacketKind::Raft(k), Endpoint::Server(f), Endpoint::Server(t)) => {
            sim.server(t).map(|_| (k, f, t))
        }
        _ => None,
    }
}
