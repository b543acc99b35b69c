//! The servers on the ring: role, term, indexes, votes and election timer.

use super::roles::RoleView;
use raft::{LogIndex, NodeId, Term};
use sim::Sim;

/// Resolution of the election-timer arc: one step per 3°, about 2 px of
/// arc in a 1280 px wide window and 1 px on a phone. Each step repaints
/// the ring, and with the run playing the timers are what changes in most
/// frames: at 5 servers, default speed, 360 steps (one per degree, under
/// a pixel) repainted the ring in nearly every frame (main thread 22.8–24.5%
/// busy), 120 steps in half of them (20.5–22.0%).
pub const TIMER_STEPS: u16 = 120;

/// One server on the ring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// S1…Sn.
    pub id: NodeId,
    /// Its role, or crashed.
    pub role: RoleView,
    /// currentTerm (a crashed server's from its disk).
    pub term: Term,
    /// commitIndex (0 when crashed: it is volatile).
    pub commit: LogIndex,
    /// Index of its last log entry (a crashed server's on its disk).
    pub log_len: LogIndex,
    /// votedFor in the current term.
    pub voted_for: Option<NodeId>,
    /// A candidate's tally: (votes granted by voters, its own included if it
    /// is one; votes needed).
    pub votes: Option<(usize, usize)>,
    /// In the cluster's configuration ([`Sim::is_member`]). False once removed — even while the removed server, which may
    /// never learn of its removal, still campaigns (thesis §4.2.3).
    pub member: bool,
    /// While its configuration is joint (C_old,new, §6): which side it
    /// votes on — "C_old only", "C_new only" or "C_old + C_new".
    pub joint_side: Option<&'static str>,
    /// Election timer: remaining fraction in steps of [`TIMER_STEPS`]
    /// (none for a leader or a crashed server). A step is a pixel or two of
    /// arc, so the arc is redrawn only when it visibly moves.
    pub timer_steps: Option<u16>,
}

/// Reads server `id` at display time `now` (virtual ms, fractional).
pub fn node_view(sim: &Sim, id: NodeId, now: f64) -> NodeView {
    match sim.server(id) {
        Some(server) => {
            let r = &server.raft;
            let role = RoleView::of_server(sim, r);
            let m = r.membership();
            let member = sim.is_member(id);
            let joint_side =
                m.is_joint().then(|| match (m.outgoing.contains(&id), m.voters.contains(&id)) {
                    (true, false) => "C_old only",
                    (false, true) => "C_new only",
                    (true, true) => "C_old + C_new",
                    (false, false) => "learner",
                });
            let votes = role.campaigning().then(|| r.vote_count());
            let timer_steps = (role != RoleView::Leader && r.election_timeout() > 0).then(|| {
                let left = (r.election_deadline() as f64 - now) / r.election_timeout() as f64;
                (left.clamp(0.0, 1.0) * f64::from(TIMER_STEPS)).round() as u16
            });
            NodeView {
                id,
                role,
                term: r.current_term(),
                commit: r.commit_index(),
                log_len: r.log().last_index(),
                voted_for: r.voted_for(),
                votes,
                member,
                joint_side,
                timer_steps,
            }
        }
        None => {
            let disk = sim.disk(id);
            NodeView {
                id,
                role: RoleView::Crashed,
                term: disk.hard_state.current_term,
                commit: 0,
                log_len: disk.log.last_index(),
                voted_for: disk.hard_state.voted_for,
                votes: None,
                member: true,
                joint_side: None,
                timer_steps: None,
            }
        }
    }
}

/// Every server, S1 first.
pub fn node_views(sim: &Sim, now: f64) -> Vec<NodeView> {
    sim.ids().map(|id| node_view(sim, id, now)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::Action;

    #[test]
    fn a_fresh_cluster_is_five_followers_with_running_timers() {
        let sim = cluster(5, 1);
        let nodes = node_views(&sim, 0.0);
        assert_eq!(nodes.len(), 5);
        for n in &nodes {
            assert_eq!(n.role, RoleView::Follower);
            assert_eq!((n.term, n.commit, n.log_len), (0, 0, 0));
            assert_eq!(n.timer_steps, Some(TIMER_STEPS), "a timer just reset is full");
        }
    }

    #[test]
    fn a_leader_has_no_timer_and_a_crashed_server_shows_its_disk() {
        let mut sim = cluster(5, 7);
        let leader = elect(&mut sim);
        let now = sim.now() as f64;
        let v = node_view(&sim, leader, now);
        assert_eq!(v.role, RoleView::Leader);
        assert_eq!(v.timer_steps, None);
        assert!(v.term >= 1 && v.log_len >= 1, "a leader has its no-op");
        let t = sim.now() + 100;
        sim.run_until(t);
        let before = node_view(&sim, leader, t as f64);
        assert!(before.commit >= 1);
        sim.act(Action::Crash(leader)).unwrap();
        let after = node_view(&sim, leader, t as f64);
        assert_eq!(after.role, RoleView::Crashed);
        assert_eq!(after.term, before.term, "currentTerm survives on disk");
        assert_eq!(after.log_len, before.log_len, "the log survives on disk");
        assert_eq!(after.commit, 0, "commitIndex is volatile");
    }

    #[test]
    fn a_removed_server_is_drawn_as_removed_while_it_still_campaigns() {
        let mut sim = cluster(5, 6);
        let leader = elect(&mut sim);
        let victim = sim.ids().find(|&id| id != leader).unwrap();
        sim.act(Action::Crash(victim)).unwrap();
        sim.act(Action::RemoveServer(victim)).unwrap();
        let t = sim.now() + 2_000;
        sim.run_until(t);
        sim.act(Action::Restart(victim)).unwrap();
        // It never hears of C_new, so its own configuration still lists it.
        let own = sim.server(victim).unwrap().raft.membership().members();
        assert!(own.contains(&victim));
        let t = sim.now() + 1_000;
        sim.run_until(t);
        let view = node_view(&sim, victim, sim.now() as f64);
        assert!(!view.member, "the leader's configuration decides: {view:?}");
    }
}
