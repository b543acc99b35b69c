//! Why a server refused a proposal or an admin request.

use crate::types::{LogIndex, NodeId};
use std::fmt;

/// Why a proposal (or an admin request) was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposeError {
    /// Only the leader accepts commands (§5.1); this is who we think leads.
    NotLeader {
        /// The leader this server last heard from in its term, if any.
        leader_hint: Option<NodeId>,
    },
    /// The leader is handing over to `target` and takes no new commands
    /// until that finishes or times out (thesis §3.10).
    TransferInProgress {
        /// The chosen successor.
        target: NodeId,
    },
    /// Leadership cannot go to this server (itself, or not a voter).
    InvalidTransferTarget {
        /// The server asked for.
        target: NodeId,
    },
    /// An earlier configuration change is not committed yet: one at a time
    /// (thesis §4.1).
    ConfigChangeInProgress {
        /// Index of the uncommitted configuration entry.
        index: LogIndex,
    },
    /// A new leader has not yet committed an entry of its own term (its
    /// no-op), so it may not change the configuration yet: otherwise two
    /// leaders of different terms, each with an uncommitted single-server
    /// change, can commit with disjoint majorities (the fix Ongaro posted
    /// to raft-dev in 2015 for the dissertation's single-server changes,
    /// §4.1; etcd-io/raft has the same rule).
    NotCommittedInTerm,
    /// The change makes no sense for the current configuration.
    InvalidConfigChange {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ProposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProposeError::NotLeader { leader_hint: Some(l) } => {
                write!(f, "not the leader; the leader is {l}")
            }
            ProposeError::NotLeader { leader_hint: None } => {
                write!(f, "not the leader, and no leader is known")
            }
            ProposeError::TransferInProgress { target } => {
                write!(f, "handing leadership to {target}; try again shortly")
            }
            ProposeError::InvalidTransferTarget { target } => {
                write!(f, "leadership cannot be handed to {target}: it must be another voter")
            }
            ProposeError::ConfigChangeInProgress { index } => write!(
                f,
                "the configuration change at index {index} is not committed yet; one change at a time"
            ),
            ProposeError::NotCommittedInTerm => f.write_str(
                "the leader has not committed an entry of its own term yet; \
                 a configuration change must wait for its no-op to commit",
            ),
            ProposeError::InvalidConfigChange { reason } => f.write_str(reason),
        }
    }
}
