//! Cluster membership (§6 of the paper, thesis chapter 4): which servers
//! vote, which only listen (learners), and how the set changes — one server
//! at a time, or through a joint configuration C_old,new in which every
//! decision needs a majority of both C_old and C_new.
//!
//! A configuration travels as a log entry and takes effect on a server as
//! soon as the entry is in its log, committed or not (§6: "a server always
//! uses the latest configuration in its log").

use crate::peers::PeerSet;
use crate::quorum::JointConfig;
use crate::types::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A cluster configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// The voters (C_new while joint).
    pub voters: PeerSet,
    /// While joint, the voters of C_old; empty otherwise.
    pub outgoing: PeerSet,
    /// Servers that receive the log but neither vote nor count toward
    /// commitment (thesis §4.2.1: new servers catch up as learners first).
    pub learners: PeerSet,
}

impl Membership {
    /// A plain configuration of these voters.
    pub fn of_voters(voters: impl IntoIterator<Item = NodeId>) -> Self {
        let mut m = Membership::default();
        m.voters.extend(voters);
        m
    }

    /// Is this C_old,new?
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Does `id` vote (in either half while joint)?
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.outgoing.contains(&id)
    }

    /// Is `id` a learner?
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(&id)
    }

    /// Every server in the configuration: voters of both halves and
    /// learners.
    pub fn members(&self) -> PeerSet {
        let mut all = self.voters.clone();
        all.extend(&self.outgoing);
        all.extend(&self.learners);
        all
    }

    /// The quorum rules of this configuration.
    pub fn quorum(&self) -> JointConfig {
        JointConfig::new(self.voters.iter().copied(), self.outgoing.iter().copied())
    }

    /// The configuration after leaving the joint state: C_new alone.
    pub fn leave_joint(&self) -> Membership {
        Membership {
            voters: self.voters.clone(),
            outgoing: PeerSet::new(),
            learners: self.learners.clone(),
        }
    }

    /// The configuration `change` leads to, or why it is not allowed.
    pub fn apply(&self, change: &MembershipChange) -> Result<Membership, String> {
        if self.is_joint() {
            return Err("the cluster is still in a joint configuration".into());
        }
        let mut next = self.clone();
        match change {
            MembershipChange::AddLearner(id) | MembershipChange::AddServer(id) => {
                if self.members().contains(id) {
                    return Err(format!("{id} is already in the cluster"));
                }
                next.learners.insert(*id);
            }
            MembershipChange::PromoteLearner(id) => {
                if !next.learners.remove(id) {
                    return Err(format!("{id} is not a learner"));
                }
                next.voters.insert(*id);
            }
            MembershipChange::RemoveServer(id) => {
                if !next.voters.remove(id) && !next.learners.remove(id) {
                    return Err(format!("{id} is not in the cluster"));
                }
                if next.voters.is_empty() {
                    return Err("the cluster needs at least one voter".into());
                }
            }
            MembershipChange::ChangeVoters(voters) => {
                if voters.is_empty() {
                    return Err("the new configuration needs at least one voter".into());
                }
                if *voters == self.voters {
                    return Err("that is already the configuration".into());
                }
                next.outgoing = self.voters.clone();
                next.voters = voters.clone();
                next.learners.retain(|l| !voters.contains(l));
            }
        }
        Ok(next)
    }
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |s: &PeerSet| s.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ");
        if self.is_joint() {
            write!(f, "C_old,new: {{{}}} and {{{}}}", list(&self.outgoing), list(&self.voters))?;
        } else {
            write!(f, "voters {{{}}}", list(&self.voters))?;
        }
        if !self.learners.is_empty() {
            write!(f, ", learners {{{}}}", list(&self.learners))?;
        }
        Ok(())
    }
}

/// A change a leader can be asked to make.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipChange {
    /// Add a server: it joins as a learner and the leader promotes it to a
    /// voter once it has caught up (thesis §4.2.1).
    AddServer(NodeId),
    /// Add a server that stays a learner.
    AddLearner(NodeId),
    /// Make a learner a voter.
    PromoteLearner(NodeId),
    /// Remove a voter or learner, one server at a time (thesis §4.1).
    RemoveServer(NodeId),
    /// Replace the voters through joint consensus C_old,new → C_new (§6).
    ChangeVoters(PeerSet),
}

impl fmt::Display for MembershipChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MembershipChange::AddServer(id) => write!(f, "add {id}"),
            MembershipChange::AddLearner(id) => write!(f, "add {id} as a learner"),
            MembershipChange::PromoteLearner(id) => write!(f, "promote {id} to voter"),
            MembershipChange::RemoveServer(id) => write!(f, "remove {id}"),
            MembershipChange::ChangeVoters(v) => write!(
                f,
                "change the voters to {{{}}} through joint consensus",
                v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u8]) -> PeerSet {
        v.iter().map(|&i| NodeId(i)).collect()
    }

    #[test]
    fn add_goes_through_a_learner_and_remove_keeps_a_voter() {
        let c = Membership::of_voters(ids(&[1, 2, 3]));
        let added = c.apply(&MembershipChange::AddServer(NodeId(4))).unwrap();
        assert!(added.is_learner(NodeId(4)) && !added.is_voter(NodeId(4)));
        let promoted = added.apply(&MembershipChange::PromoteLearner(NodeId(4))).unwrap();
        assert_eq!(promoted.voters, ids(&[1, 2, 3, 4]));
        assert!(c.apply(&MembershipChange::AddServer(NodeId(2))).unwrap_err().contains("already"));
        let one = Membership::of_voters(ids(&[1]));
        assert!(one.apply(&MembershipChange::RemoveServer(NodeId(1))).is_err());
    }

    #[test]
    fn change_voters_enters_a_joint_configuration_and_leaves_it() {
        let c = Membership::of_voters(ids(&[1, 2, 3]));
        let joint = c.apply(&MembershipChange::ChangeVoters(ids(&[3, 4, 5]))).unwrap();
        assert!(joint.is_joint());
        assert_eq!(
            (joint.outgoing.clone(), joint.voters.clone()),
            (ids(&[1, 2, 3]), ids(&[3, 4, 5]))
        );
        assert!(
            joint.apply(&MembershipChange::RemoveServer(NodeId(1))).is_err(),
            "one change at a time"
        );
        let new = joint.leave_joint();
        assert!(!new.is_joint());
        assert_eq!(new.voters, ids(&[3, 4, 5]));
    }
}
