//! The small vocabulary every other module speaks.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A term: Raft's logical clock (§5.1). Each term begins with an election and
/// has at most one leader. Terms start at 0 before any election.
pub type Term = u64;

/// A position in the log, counted from 1 (§5.3). Index 0 means "before the
/// first entry" and always matches, with term 0.
pub type LogIndex = u64;

/// Virtual time in milliseconds, supplied by the caller. The core never reads
/// a clock; it only compares the times it is given.
pub type Time = u64;

/// A server's identity, drawn as S1, S2, … on the page.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u8);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The role a server plays in its current term (§5.1, Figure 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Passive: answers leaders and candidates, never starts an RPC.
    Follower,
    /// Asking whether it could win an election before starting one
    /// (PreVote, Raft thesis §9.6): its term has not changed yet.
    PreCandidate,
    /// Asking for votes to become leader of its term.
    Candidate,
    /// Handles client requests and replicates its log to the others.
    Leader,
}

impl Role {
    /// The lower-case name used in the page's `data-role` attribute.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}
