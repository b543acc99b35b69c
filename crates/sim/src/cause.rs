//! Why a message was sent: the input its sender was handling when it
//! produced it. The simulator knows that input (it hands every input to a
//! server), so the cause is exact, not guessed from the message.

use crate::kv::ClientId;
use crate::network::{Endpoint, PacketKind};
use raft::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The event that made a server (or a client) send a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    /// A follower's or candidate's election timer fired (§5.2): it
    /// campaigns, sending RequestVote (or PreVote).
    ElectionTimeout(NodeId),
    /// A leader's heartbeat timer fired (§5.2): AppendEntries to every
    /// follower, which also resends what a lost reply left unacknowledged.
    HeartbeatTimer(NodeId),
    /// The answer to a request the sender received.
    ReplyTo {
        /// The request's type.
        kind: PacketKind,
        /// Who sent the request.
        from: Endpoint,
    },
    /// Sent on receiving another message that is not answered by it, e.g. the
    /// next AppendEntries after a follower's reply, or a leader replicating a
    /// client's command (§5.3).
    After {
        /// The received message's type.
        kind: PacketKind,
        /// Who sent it.
        from: Endpoint,
    },
    /// A client invoked a new operation.
    Invoke(ClientId),
    /// A client heard nothing useful in time and sends its request again.
    ClientRetry(ClientId),
    /// A person (or a scenario) acted on the world: a proposal through the
    /// leader, a leadership transfer, a membership change, a restart.
    Action,
    /// A copy of message `0`, made by the network (duplication).
    Duplicate(u64),
}

impl Cause {
    /// The cause of what a server sends while handling a message of type
    /// `kind` from `from`: `sent_reply` says whether the sent message is
    /// an answer.
    pub fn on_receipt(kind: PacketKind, from: Endpoint, sent_reply: bool) -> Self {
        if sent_reply && !kind.is_reply() {
            Cause::ReplyTo { kind, from }
        } else {
            Cause::After { kind, from }
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::ElectionTimeout(n) => write!(f, "{n}'s election timeout"),
            Cause::HeartbeatTimer(n) => write!(f, "{n}'s heartbeat timer"),
            Cause::ReplyTo { kind, from } => write!(f, "reply to {kind} from {from}"),
            Cause::After { kind, from } => write!(f, "on receiving {kind} from {from}"),
            Cause::Invoke(c) => write!(f, "{c}'s new operation"),
            Cause::ClientRetry(c) => write!(f, "{c}'s retry after no answer in time"),
            Cause::Action => f.write_str("an action on the world"),
            Cause::Duplicate(id) => write!(f, "a duplicate of message {id}"),
        }
    }
}
