//! A server's role as the page draws it.

use raft::Role;
use sim::Sim;

/// A server's role as drawn: Figure 4's three roles, the pre-candidate of
/// PreVote, a learner, or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleView {
    /// Passive, answering leaders and candidates.
    Follower,
    /// Asking whether it could win before standing (PreVote, thesis
    /// §9.6); its term has not changed yet.
    PreCandidate,
    /// Asking for votes.
    Candidate,
    /// Leading its term.
    Leader,
    /// Receives the log but does not vote (thesis §4.2.1).
    Learner,
    /// Crashed: only its disk remains.
    Crashed,
}

impl RoleView {
    /// The name in the page's `data-role` attribute.
    pub fn name(self) -> &'static str {
        match self {
            RoleView::Follower => "follower",
            RoleView::PreCandidate => "precandidate",
            RoleView::Candidate => "candidate",
            RoleView::Leader => "leader",
            RoleView::Learner => "learner",
            RoleView::Crashed => "crashed",
        }
    }

    /// Is it collecting votes (pre-votes or real ones)?
    pub fn campaigning(self) -> bool {
        matches!(self, RoleView::PreCandidate | RoleView::Candidate)
    }

    /// The role a running server shows: a follower that the cluster's
    /// configuration ([`Sim::configuration`]) lists as a learner is drawn
    /// as a learner — a new server is one before it has heard so itself.
    pub(super) fn of_server(sim: &Sim, r: &raft::RaftNode<sim::KvCommand>) -> Self {
        let role = Self::of(r.role());
        if role == RoleView::Follower && sim.is_learner(r.id()) {
            RoleView::Learner
        } else {
            role
        }
    }

    fn of(role: Role) -> Self {
        match role {
            Role::Follower => RoleView::Follower,
            Role::PreCandidate => RoleView::PreCandidate,
            Role::Candidate => RoleView::Candidate,
            Role::Leader => RoleView::Leader,
        }
    }
}
