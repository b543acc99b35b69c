//! The RPCs of Figure 2, as typed messages. Every message carries the
//! sender's currentTerm: a higher term seen anywhere makes the receiver step
//! down (§5.1).

use crate::family::Family;
use crate::log::Entry;
use crate::storage::Snapshot;
use crate::types::{LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::fmt;

/// RequestVote: a candidate asks for a vote (§5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVote {
    /// The candidate's term.
    pub term: Term,
    /// Index of the candidate's last log entry (§5.4.1).
    pub last_log_index: LogIndex,
    /// Term of the candidate's last log entry (§5.4.1).
    pub last_log_term: Term,
    /// The election was started by the old leader's TimeoutNow (leadership
    /// transfer, thesis §3.10): voters grant it even if they heard from that
    /// leader a moment ago.
    #[serde(default)]
    pub leadership_transfer: bool,
}

/// The answer to a RequestVote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVoteReply {
    /// The voter's currentTerm, for the candidate to update itself.
    pub term: Term,
    /// True means the candidate received this vote.
    pub vote_granted: bool,
}

/// AppendEntries: the leader replicates entries, or sends none as a
/// heartbeat (§5.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntries<C> {
    /// The leader's term.
    pub term: Term,
    /// Index of the entry immediately preceding the new ones.
    pub prev_log_index: LogIndex,
    /// Term of the entry at `prev_log_index`.
    pub prev_log_term: Term,
    /// Entries to store (empty for a heartbeat).
    pub entries: Vec<Entry<C>>,
    /// The leader's commitIndex.
    pub leader_commit: LogIndex,
    /// The leader's heartbeat round when it sent this; echoed in the reply
    /// so the leader knows which rounds a majority acknowledged (ReadIndex
    /// and leases, thesis §6.4).
    #[serde(default)]
    pub round: u64,
}

/// The answer to an AppendEntries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntriesReply {
    /// The follower's currentTerm, for the leader to update itself.
    pub term: Term,
    /// True if the follower held an entry matching prevLogIndex and
    /// prevLogTerm and stored the entries.
    pub success: bool,
    /// On success, the index of the last entry the request made the
    /// follower's log agree on (prevLogIndex + entries). On failure, the
    /// request's prevLogIndex, so the leader can discard stale rejections.
    pub index: LogIndex,
    /// On failure, where the leader may retry from: one past the follower's
    /// last index if its log is too short, else the first index of the conflicting
    /// term (the optimization at the end of §5.3). A leader that walks back
    /// one entry at a time ignores it.
    pub conflict_hint: LogIndex,
    /// The request's heartbeat round: any reply in the leader's term shows
    /// the follower still recognised it then.
    #[serde(default)]
    pub round: u64,
}

/// InstallSnapshot (§7, Figure 13), sent in one piece.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshot {
    /// The leader's term.
    pub term: Term,
    /// The snapshot.
    pub snapshot: Snapshot,
}

/// The answer to InstallSnapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshotReply {
    /// The follower's currentTerm.
    pub term: Term,
    /// The follower's log now matches the leader's through this index.
    pub last_index: LogIndex,
}

/// A follower asks the leader for a read index on behalf of a client's Get
/// (thesis §6.4: followers can serve reads this way too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadIndex {
    /// The follower's term.
    pub term: Term,
    /// The follower's tag for the read.
    pub ctx: u64,
}

/// The leader's answer: once the follower has applied through `index`, it
/// may answer the read from its own state machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadIndexReply {
    /// The leader's term.
    pub term: Term,
    /// The follower's tag for the read.
    pub ctx: u64,
    /// The leader's commitIndex when the read arrived, confirmed by a
    /// majority's heartbeat acknowledgements; `None` if the leader refuses:
    /// the asking server is not in its configuration, gets no entries, and
    /// would never apply that far (a removed server that has not heard of
    /// its removal, thesis §4.2.3).
    pub index: Option<LogIndex>,
}

/// A Raft message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message<C> {
    /// A candidate asks for a vote.
    RequestVote(RequestVote),
    /// A vote, granted or refused.
    RequestVoteReply(RequestVoteReply),
    /// Entries or a heartbeat from the leader.
    AppendEntries(AppendEntries<C>),
    /// A follower's answer to AppendEntries.
    AppendEntriesReply(AppendEntriesReply),
    /// PreVote (thesis §9.6): "would you vote for me in `term`?" Its term is
    /// the term the sender would campaign in; nobody adopts it.
    PreVote(RequestVote),
    /// The answer to a PreVote. A grant carries the proposed term; a refusal
    /// the voter's own currentTerm.
    PreVoteReply(RequestVoteReply),
    /// The leader tells a caught-up follower to start an election at once
    /// (leadership transfer, thesis §3.10).
    TimeoutNow(TimeoutNow),
    /// The leader sends its snapshot to a follower that needs entries it has
    /// already compacted away (§7).
    InstallSnapshot(InstallSnapshot),
    /// The follower installed (or already had) the snapshot.
    InstallSnapshotReply(InstallSnapshotReply),
    /// A follower forwards a read to the leader.
    ReadIndex(ReadIndex),
    /// The leader's confirmed read index for a follower's read.
    ReadIndexReply(ReadIndexReply),
}

/// TimeoutNow: "start an election now", from the leader to the server it is
/// handing leadership to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutNow {
    /// The leader's term.
    pub term: Term,
}

impl<C> Message<C> {
    /// The sender's term.
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote(m) => m.term,
            Message::RequestVoteReply(m) => m.term,
            Message::AppendEntries(m) => m.term,
            Message::AppendEntriesReply(m) => m.term,
            Message::PreVote(m) => m.term,
            Message::PreVoteReply(m) => m.term,
            Message::TimeoutNow(m) => m.term,
            Message::InstallSnapshot(m) => m.term,
            Message::InstallSnapshotReply(m) => m.term,
            Message::ReadIndex(m) => m.term,
            Message::ReadIndexReply(m) => m.term,
        }
    }

    /// The message's type, without its fields.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote(_) => MessageKind::RequestVote,
            Message::RequestVoteReply(_) => MessageKind::RequestVoteReply,
            Message::AppendEntries(_) => MessageKind::AppendEntries,
            Message::AppendEntriesReply(_) => MessageKind::AppendEntriesReply,
            Message::PreVote(_) => MessageKind::PreVote,
            Message::PreVoteReply(_) => MessageKind::PreVoteReply,
            Message::TimeoutNow(_) => MessageKind::TimeoutNow,
            Message::InstallSnapshot(_) => MessageKind::InstallSnapshot,
            Message::InstallSnapshotReply(_) => MessageKind::InstallSnapshotReply,
            Message::ReadIndex(_) => MessageKind::ReadIndex,
            Message::ReadIndexReply(_) => MessageKind::ReadIndexReply,
        }
    }

    /// Is this an answer to another message (drawn differently on the page)?
    pub fn is_reply(&self) -> bool {
        self.kind().is_reply()
    }
}

/// The type of a Raft message, without its fields: the catalogue the page
/// colours, the trace names and tests filter by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// RequestVote (§5.2).
    RequestVote,
    /// The answer to a RequestVote.
    RequestVoteReply,
    /// AppendEntries: entries or a heartbeat (§5.3).
    AppendEntries,
    /// The answer to an AppendEntries.
    AppendEntriesReply,
    /// PreVote: "would you vote for me?" (thesis §9.6).
    PreVote,
    /// The answer to a PreVote.
    PreVoteReply,
    /// TimeoutNow: a leader handing over (thesis §3.10).
    TimeoutNow,
    /// InstallSnapshot (§7).
    InstallSnapshot,
    /// The answer to an InstallSnapshot.
    InstallSnapshotReply,
    /// A follower forwarding a read to the leader (thesis §6.4).
    ReadIndex,
    /// The leader's confirmed read index.
    ReadIndexReply,
}

impl MessageKind {
    /// The type's name, as the paper writes it and the page's `data-kind`
    /// shows it.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteReply => "RequestVoteReply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::AppendEntriesReply => "AppendEntriesReply",
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteReply => "PreVoteReply",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotReply => "InstallSnapshotReply",
            MessageKind::ReadIndex => "ReadIndex",
            MessageKind::ReadIndexReply => "ReadIndexReply",
        }
    }

    /// The part of Raft the message serves.
    pub fn family(self) -> Family {
        match self {
            MessageKind::RequestVote
            | MessageKind::RequestVoteReply
            | MessageKind::PreVote
            | MessageKind::PreVoteReply
            | MessageKind::TimeoutNow => Family::Election,
            MessageKind::AppendEntries | MessageKind::AppendEntriesReply => Family::Replication,
            MessageKind::InstallSnapshot | MessageKind::InstallSnapshotReply => Family::Snapshot,
            MessageKind::ReadIndex | MessageKind::ReadIndexReply => Family::Read,
        }
    }

    /// Is it an answer to another message?
    pub fn is_reply(self) -> bool {
        match self {
            MessageKind::RequestVoteReply
            | MessageKind::AppendEntriesReply
            | MessageKind::PreVoteReply
            | MessageKind::ReadIndexReply
            | MessageKind::InstallSnapshotReply => true,
            MessageKind::RequestVote
            | MessageKind::AppendEntries
            | MessageKind::PreVote
            | MessageKind::TimeoutNow
            | MessageKind::InstallSnapshot
            | MessageKind::ReadIndex => false,
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A message with its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<C> {
    /// The sending server.
    pub from: NodeId,
    /// The receiving server.
    pub to: NodeId,
    /// The message.
    pub msg: Message<C>,
}
