//! Which part of Raft a message or an event belongs to, for colouring and
//! filtering: the paper's own division into leader election (§5.2), log
//! replication (§5.3), and the extensions of the Raft thesis — reads (§6.4),
//! log compaction (§7 of the paper) and membership changes (§6 of the paper,
//! thesis ch. 4) — plus the clients outside the cluster.

use serde::{Deserialize, Serialize};

/// A part of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Timeouts, (pre-)votes, terms, leadership and its transfer.
    Election,
    /// Entries appended, accepted, rejected, truncated; commitIndex.
    Replication,
    /// Linearizable reads without log entries (ReadIndex, lease).
    Read,
    /// Snapshots and InstallSnapshot.
    Snapshot,
    /// Configuration changes: learners, joint consensus, removal.
    Membership,
    /// A client's requests and the answers to them.
    Client,
}

impl Family {
    /// Its name in lower case, as CSS classes and `data-` attributes use it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Election => "election",
            Family::Replication => "replication",
            Family::Read => "read",
            Family::Snapshot => "snapshot",
            Family::Membership => "membership",
            Family::Client => "client",
        }
    }
}
