//! One server in detail, for its menu: its whole Figure 2 state, its
//! timer, votes, the leader's progress per follower, and its links.

use super::links::link_cut;
use super::roles::RoleView;
use crate::describe;
use raft::{LogIndex, NodeId, Term};
use sim::Sim;

/// The leader's view of one follower (Figure 2, volatile state on leaders).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressRow {
    /// The follower.
    pub peer: NodeId,
    /// nextIndex.
    pub next_index: LogIndex,
    /// matchIndex.
    pub match_index: LogIndex,
    /// `probe` or `replicate`.
    pub state: &'static str,
}

/// Everything the server menu shows about one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDetails {
    /// The server.
    pub id: NodeId,
    /// Role or crashed.
    pub role: RoleView,
    /// currentTerm (from disk when crashed).
    pub term: Term,
    /// votedFor (from disk when crashed).
    pub voted_for: Option<NodeId>,
    /// commitIndex and lastApplied (none when crashed: volatile).
    pub commit_applied: Option<(LogIndex, LogIndex)>,
    /// Last log index (from disk when crashed).
    pub log_len: LogIndex,
    /// The leader this server knows of.
    pub leader: Option<NodeId>,
    /// Election timer: whole ms left, and the timeout drawn at its reset.
    pub timer: Option<(u64, u64)>,
    /// A candidate's votes so far: voter → granted.
    pub votes: Vec<(NodeId, bool)>,
    /// A leader's nextIndex/matchIndex per follower.
    pub progress: Vec<ProgressRow>,
    /// How many of the other servers it cannot reach or hear from (a cut
    /// link in either direction).
    pub cut_from: usize,
    /// How many other servers there are.
    pub peers: usize,
    /// Some other running server leads (so leadership can be handed here).
    pub other_leader: bool,
    /// The configuration it follows, in words (none when crashed).
    pub membership: Option<String>,
    /// The last index its snapshot covers (0 if none).
    pub snapshot_index: LogIndex,
    /// In the leader's configuration (as voter or learner), so the leader
    /// can be asked to remove it; true when there is no leader to ask.
    pub member: bool,
}

impl NodeDetails {
    /// Every link to the other servers is cut.
    pub fn isolated(&self) -> bool {
        self.peers > 0 && self.cut_from == self.peers
    }
}
/// Reads server `id` in detail at display time `now`.
pub fn node_details(sim: &Sim, id: NodeId, now: f64) -> NodeDetails {
    let membership = sim.server(id).map(|s| describe::membership_text(s.raft.membership()));
    let peers = sim.ids().filter(|&p| p != id).count();
    let cut_from = sim.ids().filter(|&p| p != id && link_cut(sim, id, p)).count();
    let other_leader = sim.leader().is_some_and(|l| l != id);
    let member = sim.is_member(id);
    match sim.server(id) {
        Some(s) => {
            let r = &s.raft;
            let role = RoleView::of_server(sim, r);
            let timer = (role != RoleView::Leader).then(|| {
                ((r.election_deadline() as f64 - now).max(0.0).ceil() as u64, r.election_timeout())
            });
            NodeDetails {
                id,
                role,
                term: r.current_term(),
                voted_for: r.voted_for(),
                commit_applied: Some((r.commit_index(), r.last_applied())),
                log_len: r.log().last_index(),
                leader: r.leader(),
                timer,
                votes: r.votes().iter().map(|(&v, &g)| (v, g)).collect(),
                progress: r
                    .progress()
                    .iter()
                    .map(|(&peer, p)| ProgressRow {
                        peer,
                        next_index: p.next_index,
                        match_index: p.match_index,
                        state: match p.state {
                            raft::ProgressState::Probe => "probe",
                            raft::ProgressState::Replicate => "replicate",
                        },
                    })
                    .collect(),
                cut_from,
                peers,
                other_leader,
                membership,
                snapshot_index: r.log().snapshot_point().0,
                member,
            }
        }
        None => {
            let disk = sim.disk(id);
            NodeDetails {
                id,
                role: RoleView::Crashed,
                term: disk.hard_state.current_term,
                voted_for: disk.hard_state.voted_for,
                commit_applied: None,
                log_len: disk.log.last_index(),
                leader: None,
                timer: None,
                votes: Vec::new(),
                progress: Vec::new(),
                cut_from,
                peers,
                other_leader,
                membership,
                snapshot_index: disk.log.snapshot_point().0,
                member,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::{Action, ClientId, Target};

    #[test]
    fn a_leader_lists_its_followers_and_a_crashed_server_only_its_disk() {
        let mut sim = cluster(5, 7);
        let leader = elect(&mut sim);
        let d = node_details(&sim, leader, sim.now() as f64);
        assert_eq!(d.role, RoleView::Leader);
        assert_eq!(d.timer, None, "a leader has no election timer");
        assert_eq!(d.progress.len(), 4, "nextIndex/matchIndex for each follower");
        assert!(d.commit_applied.is_some_and(|(c, a)| c >= 1 && a <= c));
        let follower = sim.ids().find(|&id| id != leader).unwrap();
        let f = node_details(&sim, follower, sim.now() as f64);
        assert_eq!(f.leader, Some(leader));
        assert!(f.other_leader && f.timer.is_some() && f.progress.is_empty());
        sim.act(Action::Crash(leader)).unwrap();
        let d = node_details(&sim, leader, sim.now() as f64);
        assert_eq!(d.role, RoleView::Crashed);
        assert_eq!(d.commit_applied, None, "commitIndex and lastApplied are volatile");
        assert_eq!((d.membership, d.timer), (None, None));
    }

    #[test]
    fn details_show_a_snapshot_and_an_isolated_server() {
        let mut sim = cluster(5, 6);
        let leader = elect(&mut sim);
        let op = sim::parse_command("put x 1").unwrap();
        sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
        let t = sim.now() + 300;
        sim.run_until(t);
        sim.act(Action::Snapshot(leader)).unwrap();
        let d = node_details(&sim, leader, sim.now() as f64);
        assert!(d.snapshot_index >= 2, "the no-op and the Put: {}", d.snapshot_index);
        assert!(!d.isolated());
        sim.act(Action::Isolate(leader)).unwrap();
        let d = node_details(&sim, leader, sim.now() as f64);
        assert!(d.isolated() && d.cut_from == d.peers && d.peers == 4);
    }
}
