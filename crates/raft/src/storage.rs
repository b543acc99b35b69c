//! What survives a crash (Figure 2, "Persistent state on all servers").
//!
//! currentTerm, votedFor and the log are written to stable storage before the
//! server answers any RPC. Everything else — commitIndex, lastApplied, the
//! role, votes, nextIndex and matchIndex — is volatile and is rebuilt after a
//! restart. Keeping the two apart in the types is what stops a restart from
//! "remembering" a commitIndex it has no right to.

use crate::log::RaftLog;
use crate::types::{NodeId, Term};
use serde::{Deserialize, Serialize};

/// currentTerm and votedFor: the two persistent scalars.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    /// Latest term this server has seen (§5.1).
    pub current_term: Term,
    /// The candidate this server voted for in `current_term`, if any (§5.2).
    pub voted_for: Option<NodeId>,
}

/// Everything a server keeps on disk: enough, and only enough, to restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState<C> {
    /// currentTerm and votedFor.
    pub hard_state: HardState,
    /// The log of entries.
    pub log: RaftLog<C>,
}

impl<C> Default for PersistentState<C> {
    fn default() -> Self {
        PersistentState { hard_state: HardState::default(), log: RaftLog::default() }
    }
}
