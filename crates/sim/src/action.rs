//! Actions a person (or the swarm, or a test) takes on the world, as serde
//! data. What each one checks and does is in `world/actions.rs`.

use crate::client::Target;
use crate::decimal::short;
use crate::kv::{ClientId, KvOp};
use crate::pending::PendingId;
use raft::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something done to the world from outside.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Stop a server: it loses everything but its disk.
    Crash(NodeId),
    /// Start a crashed server again from its disk.
    Restart(NodeId),
    /// Make a server's election timeout fire now.
    TimeOut(NodeId),
    /// A client invokes an operation.
    Submit {
        /// The client.
        client: ClientId,
        /// The operation.
        op: KvOp,
        /// Where it goes first.
        target: Target,
    },
    /// Cut (or heal) the link between two servers, both ways.
    SetLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
        /// True cuts, false heals.
        cut: bool,
    },
    /// Cut (or heal) the link from one server to another in one direction
    /// only: `from` can no longer reach `to`, but `to` still reaches `from`.
    SetOneWay {
        /// The sender that loses its way.
        from: NodeId,
        /// The receiver it can no longer reach.
        to: NodeId,
        /// True cuts, false heals.
        cut: bool,
    },
    /// Set the chance that a message is delivered twice, in percent.
    SetDuplication(f64),
    /// Set the chance of a long delay, in percent, and its length in ms.
    SetLongDelays {
        /// Chance per message.
        percent: f64,
        /// Extra delay, ms.
        ms: raft::Time,
    },
    /// Cut every link between a server and the others, both ways, at once:
    /// the server is alone in a partition of its own.
    Isolate(NodeId),
    /// Heal every link between a server and the others, both ways (links
    /// between other servers stay as they are).
    Reconnect(NodeId),
    /// Cut the cluster into groups that cannot reach each other.
    Partition(Vec<Vec<NodeId>>),
    /// Heal every link.
    HealAll,
    /// Set the chance that a message is lost, in percent.
    SetLoss(f64),
    /// Switch a protocol feature on every server, running or not.
    SetFeature {
        /// Which feature.
        feature: raft::Feature,
        /// On or off.
        on: bool,
    },
    /// Ask the current leader to hand leadership to this server.
    TransferLeadership(NodeId),
    /// Change how Gets are served.
    SetReadMode(raft::ReadMode),
    /// Change batching and flow control on every server.
    SetFlowControl {
        /// Most entries per AppendEntries.
        max_entries_per_append: usize,
        /// Most AppendEntries in flight per follower.
        max_inflight: usize,
    },
    /// Turn a deliberate protocol mistake on or off on every server.
    SetBug {
        /// The switch.
        bug: raft::Bug,
        /// On or off.
        on: bool,
    },
    /// Make a server snapshot its state machine and compact its log.
    Snapshot(NodeId),
    /// Set (or with `None` clear) the automatic snapshot threshold.
    SetSnapshotThreshold(Option<u64>),
    /// Start a new server and ask the leader to add it: it catches up as a
    /// learner and becomes a voter (thesis §4.2.1).
    AddServer,
    /// Ask the leader to remove a server from the configuration.
    RemoveServer(NodeId),
    /// Ask the leader to replace the voters through joint consensus (§6).
    ChangeVoters(Vec<NodeId>),
    /// Set the one-way latency range, ms: each message's latency is drawn
    /// uniformly from `min..=max`. (Last in the enum, so links recorded
    /// before it existed still decode.)
    SetLatency {
        /// Shortest latency, ms.
        min: raft::Time,
        /// Longest latency, ms.
        max: raft::Time,
    },
    // New variants go last: a share link names a variant by its index.
    /// Take the message with this id off the wire: it never arrives.
    DropMessage(u64),
    /// Put a second copy of the message with this id on the wire; it
    /// arrives right after the original.
    DuplicateMessage(u64),
    /// Deliver the message with this id now, ahead of its time and of
    /// everything else scheduled.
    DeliverNow(u64),
    /// Make exactly this scheduled event happen next: the clock moves to the
    /// earliest scheduled time and this event happens then, ahead of any
    /// others due ([`Sim::pending`](crate::Sim::pending) lists them).
    Fire(PendingId),
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Crash(n) => write!(f, "crash {n}"),
            Action::Restart(n) => write!(f, "restart {n}"),
            Action::TimeOut(n) => write!(f, "time out {n}"),
            // Written piece by piece, not through one format string: a
            // client's put comes through here every few ms, and its words
            // are put together again for the trace each time.
            Action::Submit { client, op, target } => {
                fmt::Display::fmt(client, f)?;
                f.write_str(" sends ")?;
                fmt::Display::fmt(op, f)?;
                match target {
                    Target::Leader => f.write_str(" to the leader"),
                    Target::Server(s) => write!(f, " to {s}"),
                }
            }
            Action::SetLink { a, b, cut: true } => write!(f, "cut the link {a}–{b}"),
            Action::SetLink { a, b, cut: false } => write!(f, "heal the link {a}–{b}"),
            Action::Partition(groups) => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" "))
                    .collect();
                write!(f, "partition into {{{}}}", g.join("} {"))
            }
            Action::HealAll => write!(f, "heal every link"),
            Action::Isolate(id) => write!(f, "isolate {id}"),
            Action::Reconnect(id) => write!(f, "reconnect {id}"),
            Action::SetOneWay { from, to, cut: true } => write!(f, "cut the link {from}→{to} one way"),
            Action::SetOneWay { from, to, cut: false } => {
                write!(f, "heal the link {from}→{to} one way")
            }
            Action::SetDuplication(p) => write!(f, "set message duplication to {}%", short(*p, 3)),
            Action::SetLongDelays { percent, ms } => {
                write!(f, "delay {}% of messages by {ms} ms", short(*percent, 3))
            }
            Action::SetLoss(p) => write!(f, "set message loss to {}%", short(*p, 3)),
            Action::SetFeature { feature, on } => {
                write!(f, "turn {} {}", feature.name(), if *on { "on" } else { "off" })
            }
            Action::TransferLeadership(to) => write!(f, "hand leadership to {to}"),
            Action::SetReadMode(m) => write!(f, "serve reads {}", m.name()),
            Action::AddServer => write!(f, "add a server"),
            Action::Snapshot(id) => write!(f, "snapshot {id}"),
            Action::SetFlowControl { max_entries_per_append, max_inflight } => write!(
                f,
                "send at most {max_entries_per_append} entries per AppendEntries, {max_inflight} in flight"
            ),
            Action::SetBug { bug, on: true } => write!(f, "break Raft: {bug}"),
            Action::SetBug { bug, on: false } => write!(f, "repair Raft: {bug}"),
            Action::SetSnapshotThreshold(Some(n)) => write!(f, "snapshot every {n} entries"),
            Action::SetSnapshotThreshold(None) => write!(f, "stop automatic snapshots"),
            Action::RemoveServer(id) => write!(f, "remove {id}"),
            Action::SetLatency { min, max } => write!(f, "set message latency to {min}–{max} ms"),
            Action::ChangeVoters(v) => write!(
                f,
                "change the voters to {{{}}}",
                v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ")
            ),
            Action::DropMessage(id) => write!(f, "drop message {id}"),
            Action::DuplicateMessage(id) => write!(f, "duplicate message {id}"),
            Action::DeliverNow(id) => write!(f, "deliver message {id} now"),
            Action::Fire(p) => write!(f, "make {p} happen next"),
        }
    }
}
