//! The cluster's configuration as the page draws it (§6, thesis ch. 4):
//! which servers vote, which are learners, and whether the cluster is in
//! the joint configuration C_old,new — read from the leader, whose view is
//! the one that decides commitment.

use raft::NodeId;
use sim::Sim;

/// The configuration a server follows, with the servers that exist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigView {
    /// Every server in the world, S1 first (members or not).
    pub servers: Vec<NodeId>,
    /// Whose view this is: the leader's, or with no leader the running
    /// member with the newest configuration entry.
    pub from: Option<NodeId>,
    /// That server leads.
    pub from_leader: bool,
    /// Voters (C_new while joint).
    pub voters: Vec<NodeId>,
    /// While joint, the voters of C_old; empty otherwise.
    pub outgoing: Vec<NodeId>,
    /// Learners: receive the log, do not vote.
    pub learners: Vec<NodeId>,
    /// Its configuration entry is committed (a new change may start).
    pub committed: bool,
}

impl ConfigView {
    /// Is the cluster between C_old and C_new?
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }
}

/// Read the configuration to draw.
pub fn config_view(sim: &Sim) -> ConfigView {
    let servers: Vec<NodeId> = sim.ids().collect();
    let Some(c) = sim.configuration() else {
        return ConfigView { servers, ..ConfigView::default() };
    };
    let m = c.membership;
    ConfigView {
        servers,
        from: Some(c.source),
        from_leader: c.from_leader,
        voters: m.voters.iter().copied().collect(),
        outgoing: m.outgoing.iter().copied().collect(),
        learners: m.learners.iter().copied().collect(),
        committed: c.committed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::Action;

    #[test]
    fn a_change_of_voters_shows_the_joint_configuration_then_the_new_one() {
        let mut sim = cluster(3, 4);
        let leader = elect(&mut sim);
        let v = config_view(&sim);
        assert_eq!((v.from, v.from_leader), (Some(leader), true));
        assert_eq!(v.voters, vec![NodeId(1), NodeId(2), NodeId(3)]);
        assert!(!v.is_joint() && v.committed);

        let keep: Vec<NodeId> =
            [NodeId(1), NodeId(2), NodeId(3)].into_iter().filter(|&id| id != leader).collect();
        sim.act(Action::ChangeVoters(keep.clone())).unwrap();
        let v = config_view(&sim);
        assert!(v.is_joint(), "C_old,new is appended at once: {v:?}");
        assert_eq!(v.voters, keep);
        assert!(!v.committed);

        let mut t = sim.now();
        // The old leader steps down once C_new commits (§6); wait for the
        // leader the new voters elect.
        while config_view(&sim).is_joint() || sim.leader().is_none_or(|l| l == leader) {
            t += 10;
            sim.run_until(t);
            assert!(t < 20_000, "C_new never committed: {:?}", config_view(&sim));
        }
        let v = config_view(&sim);
        assert_eq!(v.voters, keep, "C_new without the old leader");
        assert!(v.from_leader && v.from.is_some_and(|id| keep.contains(&id)), "{v:?}");
    }

    #[test]
    fn an_added_server_is_a_learner_before_it_votes() {
        let mut sim = cluster(3, 2);
        elect(&mut sim);
        sim.act(Action::AddServer).unwrap();
        let v = config_view(&sim);
        assert_eq!(v.servers.len(), 4);
        assert_eq!(v.learners, vec![NodeId(4)], "{v:?}");
        assert!(!v.voters.contains(&NodeId(4)));
    }
}
