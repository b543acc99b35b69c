//! Branches of the tree of futures. Acting while looking at the past starts
//! a new branch from that moment; the abandoned future stays, so a person
//! can go back to it.

use super::checkpoints::Checkpoints;
use super::moment::{Moment, Recorded};
use std::fmt;

/// A branch's number: 0 is the run as first played, later forks count up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BranchId(pub u32);

impl fmt::Display for BranchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "branch {}", self.0)
    }
}

/// Where to arrive on a branch one switches to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// The same virtual time as now (it must not be after the branch's end).
    SameTime,
    /// The latest moment the branch recorded.
    End,
}

/// One line of history: every action taken on it from the start, and the
/// latest moment it reached.
#[derive(Clone, Debug)]
pub struct Branch {
    pub(super) id: BranchId,
    pub(super) parent: Option<BranchId>,
    pub(super) fork: Moment,
    /// Every action of this line from the start, in the order taken: the
    /// parent's up to the fork point, then its own.
    pub(super) actions: Vec<Recorded>,
    /// How many of `actions` came from the parent.
    pub(super) inherited: usize,
    /// States taken on this branch after its fork point (the parent's serve
    /// before it).
    pub(super) checkpoints: Checkpoints,
    pub(super) end: Moment,
}

impl Branch {
    /// Its id.
    pub fn id(&self) -> BranchId {
        self.id
    }
    /// The branch it forked from (`None` for the first run).
    pub fn parent(&self) -> Option<BranchId> {
        self.parent
    }
    /// The moment it forked from its parent: everything up to and including
    /// it is shared. The run's start for the first run.
    pub fn fork_point(&self) -> Moment {
        self.fork
    }
    /// The latest moment recorded on it: the page's time range is
    /// `0..=end().time`.
    pub fn end(&self) -> Moment {
        self.end
    }
    /// Every action taken on this line, oldest first, including those it
    /// shares with its parent.
    pub fn actions(&self) -> &[Recorded] {
        &self.actions
    }
    /// The actions taken on this branch itself, after forking (the first
    /// of them at the fork point).
    pub fn own_actions(&self) -> &[Recorded] {
        &self.actions[self.inherited..]
    }
}
