//! Who is in the cluster, as the simulator answers it for every viewer: the
//! page draws learners and removed servers from this, never from rules of
//! its own.
//!
//! A configuration takes effect on a server as soon as it is in its log (§6
//! of the paper, thesis §4.1), so servers can disagree for a while. The one
//! that decides is the leader's, since it decides commitment; with no leader,
//! the newest configuration held by a running server that is a member of it
//! (a removed server may not have heard of its removal, thesis §4.2.3, and
//! an added one may not have heard of its addition).

use crate::world::Sim;
use raft::{LogIndex, Membership, NodeId};

/// The configuration that decides who is in the cluster, and where it was
/// read.
#[derive(Clone, Copy, Debug)]
pub struct Configuration<'a> {
    /// The voters, learners and (while joint) outgoing voters.
    pub membership: &'a Membership,
    /// The server whose configuration it is.
    pub source: NodeId,
    /// True if that server is the leader.
    pub from_leader: bool,
    /// The log index of its configuration entry (0: the bootstrap one).
    pub index: LogIndex,
    /// Its configuration entry is committed on that server, so a new
    /// change may start (thesis §4.1).
    pub committed: bool,
}

impl Sim {
    /// The configuration in force (see the module's doc), or `None` while
    /// no running server is a member of its own configuration.
    pub fn configuration(&self) -> Option<Configuration<'_>> {
        let leader = self.leader();
        let source = leader.or_else(|| {
            self.ids()
                .filter_map(|id| self.server(id).map(|s| (id, &s.raft)))
                .filter(|(id, r)| r.membership().members().contains(id))
                .map(|(id, r)| (r.membership_index(), id))
                .max()
                .map(|(_, id)| id)
        })?;
        let r = &self.server(source)?.raft;
        Some(Configuration {
            membership: r.membership(),
            source,
            from_leader: leader == Some(source),
            index: r.membership_index(),
            committed: r.membership_index() <= r.commit_index(),
        })
    }

    /// Is `id` in the configuration in force, as voter or learner? With no
    /// configuration to ask (every member down), every server counts.
    pub fn is_member(&self, id: NodeId) -> bool {
        self.configuration().is_none_or(|c| c.membership.members().contains(&id))
    }

    /// Does the configuration in force list `id` as a learner (it receives
    /// the log but does not vote, thesis §4.2.1)?
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.configuration().is_some_and(|c| c.membership.is_learner(id))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Action, Sim, SimConfig};
    use raft::NodeId;

    fn elected(servers: u8) -> Sim {
        let mut sim = Sim::new(SimConfig { servers, seed: 7, ..SimConfig::default() }).unwrap();
        while sim.leader().is_none() {
            assert!(sim.step(), "something is scheduled");
        }
        sim
    }

    #[test]
    fn the_leader_decides_and_an_added_server_is_a_learner_first() {
        let mut sim = elected(3);
        let leader = sim.leader().unwrap();
        let c = sim.configuration().unwrap();
        assert_eq!((c.source, c.from_leader), (leader, true));
        assert!(sim.is_member(NodeId(2)) && !sim.is_learner(NodeId(2)));
        assert!(!sim.is_member(NodeId(4)), "no S4 yet");
        let now = sim.now();
        sim.run_until(now + 100);
        sim.act(Action::AddServer).unwrap();
        assert!(sim.is_member(NodeId(4)), "in the leader's configuration at once (§6)");
        assert!(sim.is_learner(NodeId(4)), "it joins as a learner");
    }

    #[test]
    fn a_removed_server_is_no_member_even_before_it_hears_of_it() {
        let mut sim = elected(3);
        let leader = sim.leader().unwrap();
        let victim = sim.ids().find(|&i| i != leader).unwrap();
        let now = sim.now();
        sim.run_until(now + 100);
        sim.act(Action::Isolate(victim)).unwrap();
        sim.act(Action::RemoveServer(victim)).unwrap();
        assert!(!sim.is_member(victim));
        let own = sim.server(victim).unwrap().raft.membership();
        assert!(own.members().contains(&victim), "cut off, it never heard");
    }

    #[test]
    fn with_no_leader_the_newest_member_configuration_decides() {
        let mut sim = elected(3);
        let leader = sim.leader().unwrap();
        sim.act(Action::Crash(leader)).unwrap();
        let c = sim.configuration().expect("two members still run");
        assert!(!c.from_leader && c.source != leader);
        assert!(sim.is_member(leader), "a crashed member is still a member");
        for id in sim.ids().collect::<Vec<_>>() {
            if sim.server(id).is_some() {
                sim.act(Action::Crash(id)).unwrap();
            }
        }
        assert!(sim.configuration().is_none());
        assert!(sim.is_member(NodeId(2)), "nobody says otherwise");
    }
}
