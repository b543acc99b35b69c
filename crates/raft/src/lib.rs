//! One server's Raft, as a pure and deterministic state machine.
//!
//! This crate is the protocol and nothing else: no clock, no threads, no
//! network, no global randomness. The caller hands a [`RaftNode`] its inputs
//! — a received [`Message`], the current virtual time, a client proposal, an
//! admin request — and drains a [`Ready`] that says what must be made durable,
//! which messages to send, which committed entries to apply, and typed
//! [`Event`]s that explain each decision. The caller performs the effects.
//!
//! Rules are cited by section of the Raft paper (Ongaro & Ousterhout, "In
//! Search of an Understandable Consensus Algorithm", 2014): §5.2 leader
//! election, §5.3 log replication, §5.4 safety, Figure 2 the summary.
//!
//! Layout, in the manner of etcd-io/raft: [`log`] holds the log, [`quorum`]
//! the majority arithmetic, [`progress`] the leader's per-follower tracking,
//! [`peers`] the per-server maps and sets,
//! [`message`] the RPCs, [`event`] the narration, and [`node`] the role logic
//! that ties them together.

pub mod chunked;
pub mod config;
pub mod event;
pub mod family;
pub mod log;
pub mod membership;
pub mod message;
pub mod node;
pub mod peers;
pub mod progress;
pub mod quorum;
pub mod rng;
pub mod rule;
pub mod storage;
pub mod types;

pub use chunked::{Chunked, Memory, CHUNK_LEN};
pub use config::{Bug, BugSwitches, Config, Feature, ReadMode};
pub use event::{AppendRejectReason, CommitBy, Event, VoteCheck, VoteRejectReason};
pub use family::Family;
pub use log::{Entry, Payload, RaftLog};
pub use membership::{Membership, MembershipChange};
pub use message::{
    AppendEntries, AppendEntriesReply, Envelope, Message, MessageKind, ReadIndex, ReadIndexReply,
    RequestVote, RequestVoteReply, TimeoutNow,
};
pub use node::{Committed, LogWrite, ProposeError, RaftNode, ReadState, Ready};
pub use peers::{PeerMap, PeerSet, SortedMap, SortedSet};
pub use progress::{Progress, ProgressState};
pub use rng::Rng;
pub use rule::Rule;
pub use storage::{HardState, Persisted, PersistentState, Snapshot};
pub use types::{LogIndex, NodeId, Role, Term, Time};

#[cfg(test)]
mod tests;
