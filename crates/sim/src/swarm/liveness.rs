//! The liveness phase: heal every fault, then the cluster must make
//! progress and converge — one leader, equal committed logs and key-value
//! state on every member, every client operation completed, every
//! acknowledged write applied.

use super::driver::{Phase, Swarm};
use super::plan::FaultKind;
use super::report::Failure;
use crate::action::Action;
use crate::client::Target;
use crate::kv::{ClientId, KvOp};
use raft::{NodeId, Role, Time};

/// How long, after healing, the cluster may go without progress: for a
/// leader to appear, for the next client operation to complete (clients
/// may still have a long queue, and a request sent to a removed server
/// costs a timeout), and for every server to converge (virtual ms).
pub const LIVENESS_DEADLINE: Time = 15_000;
/// The client that writes the probe after healing.
pub const PROBE_CLIENT: ClientId = ClientId(1000);

impl Swarm {
    pub(super) fn heal(&mut self) {
        self.act(Action::HealAll);
        self.act(Action::SetLoss(0.0));
        self.act(Action::SetDuplication(0.0));
        self.act(Action::SetLongDelays { percent: 0.0, ms: 0 });
        self.restart_at.clear();
        for id in self.down() {
            self.act(Action::Restart(id));
        }
        // Servers removed without hearing of it keep campaigning, and their
        // ever higher terms, in replies to AppendEntries, depose a leader
        // that needs one of them back as a voter: without PreVote, Raft
        // does not promise progress then (thesis §4.2.3, §9.6). Liveness is
        // checked for the protocol that promises it.
        let removed = [FaultKind::RemoveServer, FaultKind::ChangeVoters]
            .iter()
            .any(|k| self.injected.get(k).is_some_and(|&n| n > 0));
        if removed && !self.sim.config().raft.pre_vote {
            self.act(Action::SetFeature { feature: raft::Feature::PreVote, on: true });
        }
        self.phase = Phase::Healing;
        self.deadline = self.sim.now() + LIVENESS_DEADLINE;
    }

    fn clients_idle(&self) -> bool {
        self.sim.clients().values().all(|c| c.pending.is_none() && c.queue.is_empty())
    }

    pub(super) fn step_healing(&mut self) -> Result<(), Failure> {
        // Liveness is progress: each completed operation restarts the clock.
        let completed = self.sim.history().completed();
        if completed > self.completed {
            self.completed = completed;
            self.deadline = self.sim.now() + LIVENESS_DEADLINE;
        }
        if self.sim.leader().is_some() && self.clients_idle() {
            let probe =
                KvOp::Put { key: "probe".into(), value: format!("seed{}", self.plan.seed).into() };
            self.act(Action::Submit { client: PROBE_CLIENT, op: probe, target: Target::Leader });
            self.phase = Phase::Settling;
            return Ok(());
        }
        if self.sim.now() > self.deadline || !self.sim_step() {
            let why = match self.sim.leader() {
                None => "no leader".to_string(),
                Some(_) => {
                    let op = self.sim.history().ops.iter().find(|o| o.returned.is_none());
                    match op {
                        Some(op) => format!("{}'s {} never completed", op.client, op.op),
                        None => "clients never went idle".to_string(),
                    }
                }
            };
            return Err(self.fail(format!(
                "liveness: {why}: no operation completed for {LIVENESS_DEADLINE} ms after every fault was healed"
            )));
        }
        Ok(())
    }

    pub(super) fn step_settling(&mut self) -> Result<(), Failure> {
        if self.clients_idle() && self.converged().is_ok() {
            if let Some(check) = self.options.check_history {
                check(self.sim.history()).map_err(|e| {
                    self.fail(format!("the client history is not linearizable: {e}"))
                })?;
            }
            self.phase = Phase::Done;
            return Ok(());
        }
        if self.sim.now() > self.deadline || !self.sim_step() {
            if !self.clients_idle() {
                return Err(self.fail(format!(
                    "liveness: the probe write after healing did not complete within {LIVENESS_DEADLINE} ms"
                )));
            }
            self.converged()?;
        }
        Ok(())
    }

    /// One leader; every member of its configuration in its term with the
    /// same committed log and the same key-value state (servers removed from
    /// the cluster no longer receive the log); every operation completed;
    /// every acknowledged write in the committed log.
    fn converged(&self) -> Result<(), Failure> {
        let sim = &self.sim;
        // Leaders among the members of the newest leader's configuration (a
        // server removed while cut off may still believe in its old term).
        let members = sim
            .leader()
            .and_then(|l| sim.server(l))
            .map(|s| s.raft.membership().members())
            .unwrap_or_default();
        let leaders: Vec<NodeId> = members
            .iter()
            .copied()
            .filter(|&i| sim.server(i).is_some_and(|s| s.raft.role() == Role::Leader))
            .collect();
        let [leader] = leaders[..] else {
            return Err(self
                .fail(format!("after healing there are {} leaders: {leaders:?}", leaders.len())));
        };
        let l = sim.server(leader).expect("leader is up");
        let term = l.raft.current_term();
        let commit = l.raft.commit_index();
        for id in l.raft.membership().members() {
            let Some(s) = sim.server(id) else {
                return Err(self.fail(format!("{id} is down after healing")));
            };
            if s.raft.current_term() != term {
                return Err(self.fail(format!(
                    "{id} is in term {}, the leader {leader} in term {term}",
                    s.raft.current_term()
                )));
            }
            // Compare the committed entries both still hold (snapshots
            // compact a prefix away).
            let from = s.raft.log().first_index().max(l.raft.log().first_index());
            if s.raft.commit_index() != commit
                || !s
                    .raft
                    .log()
                    .iter_range(from..=commit)
                    .eq(l.raft.log().iter_range(from..=commit))
            {
                return Err(self.fail(format!(
                    "{id} has commitIndex {}, the leader {leader} {commit}, or their committed logs differ",
                    s.raft.commit_index()
                )));
            }
            if s.kv != l.kv {
                return Err(self.fail(format!(
                    "{id}'s key-value state {} differs from the leader {leader}'s {}",
                    s.kv, l.kv
                )));
            }
        }
        if let Some(op) = sim.history().ops.iter().find(|o| o.returned.is_none()) {
            return Err(self.fail(format!("{}'s {} never completed", op.client, op.op)));
        }
        // Every acknowledged write was applied (its entry is committed; equal
        // state everywhere then means it is present on every server).
        for op in sim.history().ops.iter() {
            if matches!(op.op, KvOp::Get { .. }) {
                continue;
            }
            if !self.applied.contains(&(op.client, op.seq))
                && !self.applied_ops.contains(&op.op.to_string())
            {
                return Err(self.fail(format!(
                    "{}'s acknowledged {} (seq {}) was never applied by any server",
                    op.client, op.op, op.seq
                )));
            }
        }
        Ok(())
    }
}
