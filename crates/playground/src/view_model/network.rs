//! The network editor's partitions: the groups a person puts servers in,
//! and the ready-made splits around the leader that teach §5.2 and §5.4
//! (who can still elect, who can still commit). Majorities come from the
//! configuration in force ([`Sim::configuration`]), never from a count of
//! our own.

use raft::NodeId;
use sim::{Action, Sim};

/// Groups a server can be put in (group 0, 1, 2: "A", "B", "C").
pub const GROUPS: [&str; 3] = ["A", "B", "C"];

/// A ready-made partition around the current leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The leader alone: the others elect a new leader (§5.2), the old one
    /// cannot commit anything more.
    IsolateLeader,
    /// The leader with a minority of the voters: the majority elects a new
    /// leader of a higher term, the old one keeps leading but cannot
    /// commit (§5.4).
    LeaderWithMinority,
    /// The leader with a majority: it keeps committing, while the minority
    /// times out again and again without winning.
    MajorityMinority,
}

impl Preset {
    /// Every preset, in the order offered.
    pub const ALL: [Preset; 3] =
        [Preset::IsolateLeader, Preset::LeaderWithMinority, Preset::MajorityMinority];

    /// The button's name.
    pub fn label(self) -> &'static str {
        match self {
            Preset::IsolateLeader => "Isolate the leader",
            Preset::LeaderWithMinority => "Leader with a minority",
            Preset::MajorityMinority => "Majority / minority",
        }
    }

    /// The id of its explanation in the network editor's notes.
    pub fn note(self) -> &'static str {
        match self {
            Preset::IsolateLeader => "note-isolate-leader",
            Preset::LeaderWithMinority => "note-leader-minority",
            Preset::MajorityMinority => "note-majority-minority",
        }
    }

    /// The groups of server ids, the leader's first; every server not in
    /// the leader's group goes to the other. The leader's companions are
    /// the voters that follow it round the ring.
    pub fn groups(self, sim: &Sim) -> Result<Vec<Vec<NodeId>>, String> {
        let leader = sim.leader().ok_or("there is no leader to partition around")?;
        let quorum = sim
            .configuration()
            .map(|c| c.membership.quorum())
            .ok_or("no server knows the configuration")?;
        let voters = quorum.voters();
        let companions = match self {
            Preset::IsolateLeader => 0,
            Preset::LeaderWithMinority => (voters.len() - quorum.quorum()).saturating_sub(1),
            Preset::MajorityMinority => quorum.quorum().saturating_sub(1),
        };
        let ids: Vec<NodeId> = sim.ids().collect();
        let at = ids.iter().position(|&id| id == leader).unwrap_or(0);
        let mut with_leader = vec![leader];
        with_leader.extend(
            ids.iter()
                .cycle()
                .skip(at + 1)
                .take(ids.len() - 1)
                .filter(|id| voters.contains(id))
                .take(companions),
        );
        let rest: Vec<NodeId> = ids.into_iter().filter(|id| !with_leader.contains(id)).collect();
        Ok(vec![with_leader, rest])
    }
}

/// The partition that puts server number `i` (0 for S1) in group
/// `groups[i]`, empty groups left out.
pub fn partition(groups: &[usize]) -> Action {
    let mut out: Vec<Vec<NodeId>> = vec![Vec::new(); GROUPS.len()];
    for (i, &g) in groups.iter().enumerate() {
        out[g.min(GROUPS.len() - 1)].push(NodeId(i as u8 + 1));
    }
    out.retain(|g| !g.is_empty());
    Action::Partition(out)
}

/// The group each server is in now (by index, S1 first): a server goes
/// with the first earlier server it can reach both ways, else in a group
/// of its own (capped at the last group).
pub fn current_groups(sim: &Sim) -> Vec<usize> {
    let ids: Vec<NodeId> = sim.ids().collect();
    let mut groups: Vec<usize> = Vec::with_capacity(ids.len());
    let mut next = 0;
    for (i, &id) in ids.iter().enumerate() {
        let joined = (0..i).find(|&j| !super::links::link_cut(sim, ids[j], id));
        groups.push(match joined {
            Some(j) => groups[j],
            None => {
                let g = next.min(GROUPS.len() - 1);
                next += 1;
                g
            }
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};

    #[test]
    fn presets_split_the_voters_around_the_leader() {
        let mut sim = cluster(5, 7);
        let leader = elect(&mut sim);
        let isolate = Preset::IsolateLeader.groups(&sim).unwrap();
        assert_eq!(isolate[0], vec![leader]);
        assert_eq!(isolate[1].len(), 4);
        let minority = Preset::LeaderWithMinority.groups(&sim).unwrap();
        assert_eq!((minority[0].len(), minority[1].len()), (2, 3));
        let majority = Preset::MajorityMinority.groups(&sim).unwrap();
        assert_eq!((majority[0].len(), majority[1].len()), (3, 2));
        assert_eq!(majority[0][0], leader);
    }

    #[test]
    fn a_preset_needs_a_leader() {
        let sim = cluster(3, 1);
        assert!(Preset::IsolateLeader.groups(&sim).unwrap_err().contains("no leader"));
    }

    #[test]
    fn groups_round_trip_through_a_partition() {
        let mut sim = cluster(5, 2);
        assert_eq!(current_groups(&sim), vec![0; 5], "no cuts: one group");
        sim.act(partition(&[0, 1, 0, 2, 1])).unwrap();
        assert_eq!(current_groups(&sim), vec![0, 1, 0, 2, 1]);
        assert!(super::super::links::link_cut(&sim, NodeId(1), NodeId(2)));
        assert!(!super::super::links::link_cut(&sim, NodeId(2), NodeId(5)));
    }
}
