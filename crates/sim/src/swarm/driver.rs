//! Driving a run: one event at a time, with timed faults striking at drawn
//! moments and triggered faults at moments seen in the trace.

use super::plan::{FaultKind, Plan};
use super::report::{Failure, SwarmRun};
use super::SwarmOptions;
use crate::action::Action;
use crate::client::Target;
use crate::kv::{ClientId, KvOp, Token};
use crate::share::{RunRecord, VERSION};
use crate::timeline::{Moment, Origin, Recorded};
use crate::trace::TraceEvent;
use crate::world::Sim;
use raft::{Event, LogIndex, NodeId, Payload, PeerMap, Rng, Role, SortedMap, Time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Faults strike; safety is checked after every event.
    Safety,
    /// Everything healed; waiting for a leader and for every client
    /// operation to complete.
    Healing,
    /// The probe write, then waiting for every server to hold the same
    /// committed log and state.
    Settling,
    /// Converged and checked.
    Done,
}

/// Most events a run may take (a livelock guard).
pub const MAX_STEPS: u64 = 5_000_000;

/// Whether the world may refuse an injected fault.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The driver built an action the world always accepts; a refusal is a
    /// bug in the driver. The action's own trace entries strike no
    /// triggered fault.
    Impossible,
    /// The world may refuse (no leader, one change at a time, nothing new to
    /// snapshot …); a refused fault changes nothing and is not counted. An
    /// accepted one's trace entries are looked at with the step's.
    Allowed,
}

/// A swarm run in progress, driven one event at a time.
#[derive(Clone, Debug)]
pub struct Swarm {
    /// What the seed chose.
    pub(super) plan: Plan,
    /// The hooks.
    pub(super) options: SwarmOptions,
    /// The world.
    pub(super) sim: Sim,
    /// The driver's own random sequence (which fault, where, when).
    rng: Rng,
    /// Where the run is.
    pub(super) phase: Phase,
    /// When the next timed fault strikes.
    next_fault_at: Time,
    /// When each crashed server restarts by itself.
    pub(super) restart_at: PeerMap<Time>,
    /// The last trace entry looked at.
    trace_seen: u64,
    /// How often each kind of fault struck.
    pub(super) injected: SortedMap<FaultKind, u32>,
    /// Values written so far (each Put writes a new one).
    values: u64,
    /// Steps taken.
    pub(super) steps: u64,
    /// When the liveness phase gives up waiting for progress.
    pub(super) deadline: Time,
    /// Client operations completed when the deadline was last moved.
    pub(super) completed: usize,
    /// (client, seq) of every command applied anywhere.
    pub(super) applied: BTreeSet<(ClientId, u64)>,
    /// Operations applied anywhere whose entry was compacted before it
    /// could be looked at.
    pub(super) applied_ops: BTreeSet<String>,
    /// Events the world has processed.
    events: u64,
    /// Every action the world accepted, at the moment it was taken: with
    /// the settings, all a timeline needs to replay the run
    /// ([`Swarm::record`]).
    recorded: Vec<Recorded>,
    /// The moment each phase after the first began.
    phase_changes: Vec<(Moment, Phase)>,
}

impl Swarm {
    /// Set up the run for `seed`.
    pub fn new(seed: u64, options: SwarmOptions) -> Result<Swarm, String> {
        let mut plan = Plan::from_seed(seed);
        if let Some(f) = options.configure {
            f(&mut plan.config);
        }
        if let Some(f) = options.adjust_mix {
            f(&mut plan.mix);
        }
        let sim = Sim::new(plan.config.clone())?;
        let mut rng = Rng::new(seed ^ 0xfa17_5eed_0bad_d00d);
        let first = rng.range_inclusive(0, 2 * plan.mix.mean_gap);
        Ok(Swarm {
            plan,
            options,
            sim,
            rng,
            phase: Phase::Safety,
            next_fault_at: first,
            restart_at: PeerMap::new(),
            trace_seen: 0,
            injected: SortedMap::new(),
            values: 0,
            steps: 0,
            deadline: 0,
            completed: 0,
            applied: Default::default(),
            applied_ops: Default::default(),
            events: 0,
            recorded: Vec::new(),
            phase_changes: Vec::new(),
        })
    }

    /// The world.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }
    /// The plan the seed chose.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
    /// The phase the run is in.
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// How often each kind of fault has struck so far.
    pub fn injected(&self) -> &SortedMap<FaultKind, u32> {
        &self.injected
    }
    /// Where the run is: events processed and the virtual time.
    pub fn moment(&self) -> Moment {
        Moment { event: self.events, time: self.sim.now() }
    }
    /// The moment each phase after [`Phase::Safety`] began, in order.
    pub fn phase_changes(&self) -> &[(Moment, Phase)] {
        &self.phase_changes
    }

    /// The run so far as a shared run: a fresh cluster with the seed's
    /// settings and every fault the world accepted, at its moment, up to
    /// now (also the moment shown). `Timeline::from_record` replays it to
    /// the same world, so the page can scrub, step back and fork a seed's
    /// run. (A request the world refused changed nothing but a line of
    /// narration, so it is left out.)
    pub fn record(&self) -> RunRecord {
        RunRecord {
            version: VERSION,
            config: self.plan.config.clone(),
            actions: self.recorded.clone(),
            at: self.moment(),
            end: self.moment(),
            origin: Origin::Fresh,
        }
    }

    /// Run to the end: `Ok` if the seed stayed safe and converged.
    pub fn run(mut self) -> Result<SwarmRun, Failure> {
        while self.phase != Phase::Done {
            self.step()?;
        }
        let outcome = self.outcome();
        Ok(SwarmRun { outcome, sim: self.sim })
    }

    /// Do the next thing: process one event, or inject one fault, or move
    /// to the next phase. Every checker has run when this returns.
    pub fn step(&mut self) -> Result<(), Failure> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(self.fail(format!("still running after {MAX_STEPS} events (livelock?)")));
        }
        let phase = self.phase;
        match self.phase {
            Phase::Safety => self.step_safety()?,
            Phase::Healing => self.step_healing()?,
            Phase::Settling => self.step_settling()?,
            Phase::Done => {}
        }
        if self.phase != phase {
            self.phase_changes.push((self.moment(), self.phase));
        }
        self.check_safety()
    }

    // ----- safety phase -----

    fn step_safety(&mut self) -> Result<(), Failure> {
        if self.sim.now() >= self.plan.mix.fault_phase {
            self.heal();
            return Ok(());
        }
        let restart = self.restart_at.iter().map(|(&id, &t)| (t, id)).min();
        let next_timed = self.next_fault_at.min(restart.map_or(Time::MAX, |(t, _)| t));
        let event = self.sim.next_event_time();
        if event.is_some_and(|t| t <= next_timed) {
            self.sim_step();
            if let Some(action) =
                self.options.steer.and_then(|f| f(&self.sim, self.plan.seed, self.steps))
            {
                self.act(action);
            }
            return Ok(());
        }
        // No event is due before `next_timed`: this only moves the clock.
        self.sim.run_until(next_timed);
        match restart {
            Some((t, id)) if t == next_timed => {
                self.restart_at.remove(&id);
                self.act(Action::Restart(id));
            }
            _ => {
                self.timed_fault();
                self.next_fault_at =
                    self.sim.now() + self.rng.range_inclusive(0, 2 * self.plan.mix.mean_gap);
            }
        }
        self.watch_trace();
        Ok(())
    }

    /// Do something the world must accept.
    pub(super) fn act(&mut self, action: Action) {
        // The driver only builds actions the world accepts; a refusal is a
        // bug in the driver, not in Raft.
        if let Err(e) = self.sim.act(action.clone()) {
            panic!("swarm built an impossible action ({action}): {e}");
        }
        self.note(action);
        self.trace_seen_after_act();
    }

    /// An action's own trace entries (a restart may apply entries) are
    /// looked at, but strike no triggered fault.
    fn trace_seen_after_act(&mut self) {
        let phase = self.phase;
        self.phase = Phase::Healing;
        self.watch_trace();
        self.phase = phase;
    }

    fn node(&mut self) -> NodeId {
        let n = self.sim.ids().count() as u64;
        NodeId(self.rng.range_inclusive(1, n) as u8)
    }

    fn live(&self) -> Vec<NodeId> {
        self.sim.ids().filter(|&i| self.sim.server(i).is_some()).collect()
    }

    pub(super) fn down(&self) -> Vec<NodeId> {
        self.sim.ids().filter(|&i| self.sim.server(i).is_none()).collect()
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> Option<T> {
        if from.is_empty() {
            return None;
        }
        Some(from[self.rng.range_inclusive(0, from.len() as u64 - 1) as usize])
    }

    fn shuffled_ids(&mut self) -> Vec<NodeId> {
        let mut ids: Vec<NodeId> = self.sim.ids().collect();
        for i in (1..ids.len()).rev() {
            let j = self.rng.range_inclusive(0, i as u64) as usize;
            ids.swap(i, j);
        }
        ids
    }

    /// Strike with the next timed fault: draw its kind by the mix's
    /// weights, build it, inject it.
    fn timed_fault(&mut self) {
        use FaultKind::*;
        let Some(kind) = self.draw_kind() else { return };
        let (action, refusal) = match kind {
            CutLink | HealLink | IsolateLeader | MovingPartition | HealAll | Loss | OneWayCut
            | Duplicate | LongDelay => (self.network_fault(kind), Refusal::Impossible),
            Crash | Restart | TimeOut | ClientOp => (self.server_fault(kind), Refusal::Impossible),
            TransferLeadership | Snapshot | AddServer | RemoveServer | ChangeVoters => {
                (self.request(kind), Refusal::Allowed)
            }
            CrashAfterVote | CrashAfterAppend | CrashCandidate | CrashNewLeader
            | CrashAfterCommit => (None, Refusal::Impossible),
        };
        if let Some(action) = action {
            self.inject(kind, action, refusal);
        }
    }

    /// A timed kind, drawn by the mix's weights (`None` if every weight is
    /// 0).
    fn draw_kind(&mut self) -> Option<FaultKind> {
        let total: u64 = self.plan.mix.weights.values().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return None;
        }
        let mut x = self.rng.range_inclusive(0, total - 1);
        for (&k, &w) in &self.plan.mix.weights {
            if x < u64::from(w) {
                return Some(k);
            }
            x -= u64::from(w);
        }
        Some(FaultKind::ClientOp)
    }

    /// A fault of the network (`None` when the cluster is too small for it
    /// or nothing is cut to heal).
    fn network_fault(&mut self, kind: FaultKind) -> Option<Action> {
        let n = self.plan.config.servers;
        match kind {
            FaultKind::CutLink if n >= 2 => {
                let a = self.node();
                let b =
                    NodeId((a.0 + self.rng.range_inclusive(1, u64::from(n) - 1) as u8 - 1) % n + 1);
                Some(Action::SetLink { a, b, cut: true })
            }
            FaultKind::HealLink => {
                let cut: Vec<(NodeId, NodeId)> = self
                    .sim
                    .network()
                    .cut_links()
                    .filter_map(|&(a, b)| match (a, b) {
                        (
                            crate::network::Endpoint::Server(a),
                            crate::network::Endpoint::Server(b),
                        ) => Some((a, b)),
                        _ => None,
                    })
                    .collect();
                self.pick(&cut).map(|(a, b)| Action::SetLink { a, b, cut: false })
            }
            FaultKind::IsolateLeader if n >= 3 => {
                let leader = self.sim.leader().unwrap_or_else(|| self.node());
                // The leader plus up to (n-1)/2 - 1 others: a minority.
                let extra = self.rng.range_inclusive(0, u64::from((n - 1) / 2 - 1)) as usize;
                let mut minority = vec![leader];
                let others: Vec<NodeId> =
                    self.shuffled_ids().into_iter().filter(|&i| i != leader).collect();
                minority.extend(&others[..extra]);
                let rest = others[extra..].to_vec();
                Some(Action::Partition(vec![minority, rest]))
            }
            FaultKind::MovingPartition if n >= 2 => {
                let ids = self.shuffled_ids();
                let small = self.rng.range_inclusive(1, u64::from(n / 2)) as usize;
                Some(Action::Partition(vec![ids[..small].to_vec(), ids[small..].to_vec()]))
            }
            FaultKind::HealAll => Some(Action::HealAll),
            FaultKind::Loss => {
                let p = self.rng.range_inclusive(0, u64::from(self.plan.mix.max_loss));
                Some(Action::SetLoss(p as f64))
            }
            FaultKind::OneWayCut if n >= 2 => {
                let (from, to) = (self.node(), self.node());
                (from != to).then_some(Action::SetOneWay { from, to, cut: true })
            }
            FaultKind::Duplicate => {
                Some(Action::SetDuplication(self.rng.range_inclusive(0, 30) as f64))
            }
            FaultKind::LongDelay => Some(Action::SetLongDelays {
                percent: self.rng.range_inclusive(0, 20) as f64,
                ms: self.rng.range_inclusive(100, 1500),
            }),
            _ => None,
        }
    }

    /// A crash, restart or timeout of a server, or a client's operation.
    fn server_fault(&mut self, kind: FaultKind) -> Option<Action> {
        match kind {
            FaultKind::Crash => {
                let live = self.live();
                let id = self.pick(&live);
                id.map(|id| {
                    self.schedule_restart(id);
                    Action::Crash(id)
                })
            }
            FaultKind::Restart => {
                let down = self.down();
                let id = self.pick(&down);
                id.map(|id| {
                    self.restart_at.remove(&id);
                    Action::Restart(id)
                })
            }
            FaultKind::TimeOut => {
                let live = self.live();
                self.pick(&live).map(Action::TimeOut)
            }
            FaultKind::ClientOp => Some(self.client_op()),
            _ => None,
        }
    }

    /// Something asked of the cluster that it may refuse: a hand-over, a
    /// snapshot, a membership change.
    fn request(&mut self, kind: FaultKind) -> Option<Action> {
        let n = self.plan.config.servers;
        match kind {
            FaultKind::TransferLeadership => {
                // Only to a server that is up and not the leader; the
                // leader may still refuse (a transfer already under way).
                let leader = self.sim.leader();
                let others: Vec<NodeId> =
                    self.live().into_iter().filter(|&i| Some(i) != leader).collect();
                match (leader, self.pick(&others)) {
                    (Some(_), Some(to)) => Some(Action::TransferLeadership(to)),
                    _ => None,
                }
            }
            FaultKind::AddServer | FaultKind::RemoveServer | FaultKind::ChangeVoters => {
                // The leader may refuse (one change at a time, no leader …);
                // a refused change changes nothing.
                Some(match kind {
                    FaultKind::AddServer => Action::AddServer,
                    FaultKind::RemoveServer => Action::RemoveServer(self.node()),
                    _ => {
                        let mut voters: Vec<NodeId> =
                            self.shuffled_ids().into_iter().take(n.max(1) as usize).collect();
                        voters.truncate(self.rng.range_inclusive(1, voters.len() as u64) as usize);
                        Action::ChangeVoters(voters)
                    }
                })
            }
            FaultKind::Snapshot => {
                // Refused (and nothing changes) when the server has applied
                // nothing new since its last snapshot.
                let live = self.live();
                self.pick(&live).map(Action::Snapshot)
            }
            _ => None,
        }
    }

    /// Strike with a fault of `kind`, counting it if the world takes it:
    /// the one path every fault goes through.
    fn inject(&mut self, kind: FaultKind, action: Action, refusal: Refusal) {
        if refusal == Refusal::Impossible {
            self.act(action);
        } else if self.sim.act(action.clone()).is_err() {
            return;
        } else {
            self.note(action);
        }
        *self.injected.get_or_insert_with(kind, || 0) += 1;
    }

    fn client_op(&mut self) -> Action {
        let client = ClientId(self.rng.range_inclusive(1, u64::from(self.plan.mix.clients)) as u32);
        let key = Token::from(
            ["x", "y", "z"]
                [self.rng.range_inclusive(0, u64::from(self.plan.mix.keys) - 1) as usize],
        );
        let op = match self.rng.range_inclusive(0, 9) {
            0..=3 => {
                // Every value written is unique, so a read names its write.
                self.values += 1;
                KvOp::Put { key, value: format!("v{}", self.values).into() }
            }
            4..=7 => KvOp::Get { key },
            _ => KvOp::Delete { key },
        };
        let target =
            if self.rng.chance(50.0) { Target::Leader } else { Target::Server(self.node()) };
        Action::Submit { client, op, target }
    }

    fn schedule_restart(&mut self, id: NodeId) {
        let (lo, hi) = self.plan.mix.downtime;
        let at = self.sim.now() + self.rng.range_inclusive(lo, hi);
        self.restart_at.insert(id, at);
    }

    /// Look at what happened since the last look: note the commands
    /// applied (for the acknowledged-write check at the end) and, in the
    /// safety phase, strike if a triggered fault's moment has come.
    fn watch_trace(&mut self) {
        let seen = self.trace_seen;
        let mut moments: Vec<(FaultKind, NodeId)> = Vec::new();
        let mut applied: Vec<(NodeId, LogIndex, Option<KvOp>)> = Vec::new();
        for e in self.sim.trace().recent().rev().take_while(|e| e.seq > seen) {
            match &e.event {
                TraceEvent::Raft { node, event } => {
                    let kind = match event {
                        Event::VoteGranted { .. } => FaultKind::CrashAfterVote,
                        Event::AppendAccepted { appended, .. } if *appended > 0 => {
                            FaultKind::CrashAfterAppend
                        }
                        Event::BecameCandidate { .. } => FaultKind::CrashCandidate,
                        Event::BecameLeader { .. } => FaultKind::CrashNewLeader,
                        Event::CommitAdvanced { .. }
                            if self
                                .sim
                                .server(*node)
                                .is_some_and(|s| s.raft.role() == Role::Leader) =>
                        {
                            FaultKind::CrashAfterCommit
                        }
                        _ => continue,
                    };
                    moments.push((kind, *node));
                }
                TraceEvent::Applied { node, index, command } => {
                    applied.push((*node, *index, command.as_ref().map(|(op, _)| op.clone())))
                }
                _ => {}
            }
        }
        self.trace_seen = self.sim.trace().len();
        for (node, index, op) in applied {
            let entry = self.sim.server(node).and_then(|s| s.raft.log().get(index));
            match entry.map(|e| &e.payload) {
                Some(Payload::Command(c)) => {
                    self.applied.insert((c.client, c.seq));
                }
                // Compacted into a snapshot in the same event: fall back to
                // the operation itself (every Put writes a unique value).
                None => {
                    if let Some(op) = op {
                        self.applied_ops.insert(op.to_string());
                    }
                }
                Some(_) => {}
            }
        }
        if self.phase != Phase::Safety {
            return;
        }
        for (kind, node) in moments.into_iter().rev() {
            let chance = self.plan.mix.triggers.get(&kind).copied().unwrap_or(0);
            if chance == 0 || self.sim.server(node).is_none() {
                continue;
            }
            if self.rng.chance(f64::from(chance)) {
                self.schedule_restart(node);
                self.inject(kind, Action::Crash(node), Refusal::Impossible);
            }
        }
        self.trace_seen = self.sim.trace().len();
    }

    /// Record an action the world accepted, at the moment it was taken.
    fn note(&mut self, action: Action) {
        self.recorded.push(Recorded { at: self.moment(), action });
    }

    /// Process the next event and look at what it did.
    pub(super) fn sim_step(&mut self) -> bool {
        let stepped = self.sim.step();
        self.events += u64::from(stepped);
        self.watch_trace();
        stepped
    }
}
