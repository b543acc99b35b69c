//! The state a server holds only while in one role. Each role's state lives
//! in its variant, so leaving a role drops all of it at once: a deposed
//! leader cannot keep a follower's progress, a lease or a pending read, and
//! a candidate's tally is gone when it concedes (Figure 2 lists these as
//! "reinitialized after election").

use super::read::LeaderReads;
use crate::peers::{PeerMap, PeerSet};
use crate::progress::Progress;
use crate::types::{NodeId, Role, Time};

/// The role and whatever only that role keeps.
#[derive(Clone, Debug)]
pub(super) enum RoleState {
    /// Answers leaders and candidates; keeps nothing of its own.
    Follower,
    /// Asking for pre-votes for the next term (thesis §9.6): voter → granted.
    PreCandidate {
        /// The pre-votes received so far, its own included.
        votes: PeerMap<bool>,
    },
    /// Asking for votes in its term (§5.2): voter → granted.
    Candidate {
        /// The votes received so far, its own included.
        votes: PeerMap<bool>,
    },
    /// Leading its term.
    Leader(Box<LeaderState>),
}

/// A (pre-)candidate's tally as it starts: its own vote.
pub(super) fn own_vote(me: NodeId) -> PeerMap<bool> {
    PeerMap::from([(me, true)])
}

impl RoleState {
    /// Which of the four roles this is.
    pub(super) fn role(&self) -> Role {
        match self {
            RoleState::Follower => Role::Follower,
            RoleState::PreCandidate { .. } => Role::PreCandidate,
            RoleState::Candidate { .. } => Role::Candidate,
            RoleState::Leader(_) => Role::Leader,
        }
    }
}

/// What a leader keeps about its followers and its own duties (Figure 2,
/// "Volatile state on leaders", and the thesis's additions).
#[derive(Clone, Debug)]
pub(super) struct LeaderState {
    /// nextIndex/matchIndex and flow control per follower (§5.3).
    pub(super) progress: PeerMap<Progress>,
    /// When the next heartbeat is due (§5.2).
    pub(super) heartbeat_deadline: Time,
    /// CheckQuorum (thesis §6.2): followers heard from since the last
    /// check, and when the next check is due.
    pub(super) recent_active: PeerSet,
    pub(super) check_quorum_deadline: Time,
    /// A leadership transfer in progress (thesis §3.10): the target and
    /// when to give up.
    pub(super) transfer: Option<(NodeId, Time)>,
    /// Learners this leader will promote once they have caught up.
    pub(super) promote_when_caught_up: PeerSet,
    /// Reads waiting for confirmation, and the lease (thesis §6.4).
    pub(super) reads: LeaderReads,
}

impl LeaderState {
    /// A leader taking office at `now`: every peer's nextIndex just past
    /// `last_index` (§5.3), the first heartbeat and quorum check ahead.
    pub(super) fn new(
        peers: Vec<NodeId>,
        last_index: crate::types::LogIndex,
        heartbeat_deadline: Time,
        check_quorum_deadline: Time,
    ) -> Self {
        let mut progress = PeerMap::new();
        progress.extend(peers.into_iter().map(|p| (p, Progress::new(last_index))));
        LeaderState {
            progress,
            heartbeat_deadline,
            recent_active: PeerSet::new(),
            check_quorum_deadline,
            transfer: None,
            promote_when_caught_up: PeerSet::new(),
            reads: LeaderReads::default(),
        }
    }
}
