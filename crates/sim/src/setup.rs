//! Ready-made situations the page can open, each a world run up to the
//! moment worth watching.

use crate::action::Action;
use crate::client::Target;
use crate::config::SimConfig;
use crate::kv::{ClientId, KvOp};
use crate::world::Sim;
use raft::NodeId;

/// Entries the cut-off leader appends that nobody else stores.
pub const DIVERGENT_ENTRIES: u64 = 8;

/// A follower with a long divergent log (§5.3, Figure 7's followers (d)–(f)):
/// the first leader is cut off and appends [`DIVERGENT_ENTRIES`] entries
/// nobody else stores, the others elect a new leader and commit entries of
/// their own at the same indexes, and then the links heal. The world is
/// returned at that moment: the new leader is about to find where the old
/// leader's log agrees with its own — one entry per round trip, or a whole
/// term per round trip with fast backtracking on.
pub fn divergent_follower(config: SimConfig) -> Result<Sim, String> {
    let mut sim = Sim::new(config)?;
    let old = committed_leader(&mut sim, |_, _| true)?;
    for b in sim.ids().filter(|&b| b != old).collect::<Vec<_>>() {
        sim.act(Action::SetLink { a: old, b, cut: true })?;
    }
    // One client per command, so all of them reach the cut-off leader at once.
    for k in 0..DIVERGENT_ENTRIES {
        let op = KvOp::Put { key: "d".into(), value: format!("v{k}") };
        let client = ClientId(100 + k as u32);
        sim.act(Action::Submit { client, op, target: Target::Server(old) })?;
    }
    let wanted = sim.server(old).map_or(0, |s| s.raft.log().last_index()) + DIVERGENT_ENTRIES;
    let first = committed_leader(&mut sim, |id, r| id != old && r.commit_index() >= wanted)?;
    // A second election among the others: the leader that meets the old
    // one starts with nextIndex just past its own long log (§5.3).
    let term = sim.server(first).map_or(0, |s| s.raft.current_term());
    let next = sim.ids().find(|&id| id != old && id != first).ok_or("too few servers")?;
    sim.act(Action::TimeOut(next))?;
    committed_leader(&mut sim, |id, r| id != old && r.current_term() > term)?;
    sim.act(Action::HealAll)?;
    Ok(sim)
}

/// Run until a leader that `ok` accepts has committed an entry of its own
/// term; at most 20 s of virtual time.
fn committed_leader(
    sim: &mut Sim,
    ok: impl Fn(NodeId, &raft::RaftNode<crate::KvCommand>) -> bool,
) -> Result<NodeId, String> {
    let deadline = sim.now() + 20_000;
    loop {
        let ready = sim.ids().find(|&id| {
            sim.server(id).is_some_and(|s| {
                let r = &s.raft;
                r.role() == raft::Role::Leader
                    && r.log().term_at(r.commit_index()) == Some(r.current_term())
                    && ok(id, r)
            })
        });
        if let Some(id) = ready {
            return Ok(id);
        }
        if sim.now() >= deadline {
            return Err("the situation could not be set up: no leader committed in time".into());
        }
        let t = sim.now() + 10;
        sim.run_until(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::Event;

    /// Rejected AppendEntries replies until the old leader's log matches.
    fn rejections_until_repaired(fast_backtrack: bool) -> usize {
        let mut config = SimConfig { seed: 3, ..SimConfig::default() };
        config.raft.fast_backtrack = fast_backtrack;
        let mut sim = divergent_follower(config).unwrap();
        let leader = sim.leader().unwrap();
        let old = sim.ids().find(|&id| id != leader && diverged(&sim, id, leader)).unwrap();
        let end = sim.now() + 5_000;
        let mut rejections = 0;
        let mut seen = sim.trace().len();
        while sim.now() < end && sim.step() {
            let new = (sim.trace().len() - seen) as usize;
            seen = sim.trace().len();
            rejections += sim
                .trace()
                .recent()
                .rev()
                .take(new)
                .filter(|e| {
                    matches!(&e.event, crate::TraceEvent::Raft { node, event: Event::AppendRejected { .. } } if *node == old)
                })
                .count();
        }
        assert!(!diverged(&sim, old, leader), "the old leader's log was repaired");
        assert!(sim.violations().is_empty());
        rejections
    }

    fn diverged(sim: &Sim, a: NodeId, b: NodeId) -> bool {
        let (Some(a), Some(b)) = (sim.server(a), sim.server(b)) else { return false };
        let (la, lb) = (a.raft.log(), b.raft.log());
        (1..=la.last_index()).any(|i| la.term_at(i) != lb.term_at(i))
    }

    #[test]
    fn the_old_leader_holds_a_long_divergent_suffix() {
        let sim = divergent_follower(SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
        let leader = sim.leader().unwrap();
        let old = sim.ids().find(|&id| id != leader && diverged(&sim, id, leader));
        let old = old.expect("a server whose log conflicts with the leader's");
        let r = &sim.server(old).unwrap().raft;
        assert!(r.log().last_index() - r.commit_index() >= DIVERGENT_ENTRIES);
    }

    #[test]
    fn fast_backtracking_needs_far_fewer_rejections() {
        let slow = rejections_until_repaired(false);
        let fast = rejections_until_repaired(true);
        assert!(slow >= DIVERGENT_ENTRIES as usize, "one entry per round trip: {slow}");
        // A short log, then a conflicting term: a round trip or so for each.
        assert!(fast <= 3, "one term per round trip: {fast}");
        assert!(slow >= 3 * fast, "slow {slow}, fast {fast}");
    }
}
