//! Swarm fault schedules: one seed decides both *which* faults a run suffers
//! (the fault mix, in the manner of swarm testing — Groce et al., "Swarm
//! Testing", ISSTA 2012: leaving some kinds of fault out of a run often finds
//! more than always mixing all of them) and *when* (the timing). A run has a
//! safety phase, in which faults strike and every checker runs after every
//! event, and a liveness phase, in which everything is healed and the cluster
//! must converge: one leader, equal committed logs and equal key-value state
//! on every server, every acknowledged write present, every client operation
//! completed.
//!
//! [`Swarm`] drives a run one event at a time, so the page can animate a
//! seed exactly as the tests ran it; [`run_seed`] and [`run_seed_with`] run
//! it to the end. A failing seed comes back as a [`Failure`] that names the
//! seed, the reason, and one command that replays it.
//!
//! Some faults DESIGN.md asks for need network support the simulator does
//! not have yet; they are listed in [`FaultKind`]'s documentation and are
//! never faked here.

// A `Failure` is big (it carries the trace tail) but rare: returning it by
// value keeps `run_seed(seed) -> Result<Outcome, Failure>` plain.
#![allow(clippy::result_large_err)]

use crate::checker::Violation;
use crate::client::{History, Target};
use crate::config::SimConfig;
use crate::kv::{ClientId, KvOp};
use crate::scenario::Action;
use crate::trace::TraceEvent;
use crate::world::Sim;
use raft::{Bug, Event, LogIndex, NodeId, Payload, Rng, Role, Term, Time};
use std::collections::BTreeMap;
use std::fmt;

/// The command that replays a seed; `{seed}` is replaced.
pub const REPLAY_COMMAND: &str = "cargo run -p raft-check --bin soak -- --seed {seed} --verbose";

/// A kind of fault (or stimulus) a swarm run can inject. Timed kinds strike
/// at moments drawn from the seed; *triggered* kinds strike at a moment the
/// driver sees in the trace (right after a vote, an append, …).
///
/// Besides faults, the seed also switches protocol options on or off
/// ([`Plan::from_seed`]): PreVote, CheckQuorum, fast backtracking, how reads
/// are served, automatic snapshots.
///
/// The network faults include one-way cuts, duplicated messages and long
/// delays (messages overtaken by later ones); membership changes add,
/// remove and replace servers while all of this goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// Cut the link between two servers, both ways.
    CutLink,
    /// Heal one cut link.
    HealLink,
    /// Cut the leader off together with a minority of the others (the
    /// leader keeps leading its old term but cannot commit).
    IsolateLeader,
    /// Split the cluster into a majority and a minority, picked anew each
    /// time, so the partition moves.
    MovingPartition,
    /// Heal every link.
    HealAll,
    /// Change the chance that a message is lost.
    Loss,
    /// Crash a random running server.
    Crash,
    /// Restart a random crashed server early.
    Restart,
    /// Make a random server's election timeout fire now.
    TimeOut,
    /// A client invokes Put, Get or Delete.
    ClientOp,
    /// The leader hands leadership to another server (thesis §3.10).
    TransferLeadership,
    /// A server snapshots its state machine and compacts its log (§7).
    Snapshot,
    /// Cut the link from one server to another in one direction only.
    OneWayCut,
    /// Change the chance that a message is delivered twice.
    Duplicate,
    /// Change the chance that a message is held up far longer than others.
    LongDelay,
    /// A new server joins: a learner first, then a voter (thesis §4.2.1).
    AddServer,
    /// The leader removes a server (thesis §4.1).
    RemoveServer,
    /// The leader replaces the voters through joint consensus (§6).
    ChangeVoters,
    /// Triggered: a server crashes right after granting a vote (the vote is
    /// on its disk and the reply in flight).
    CrashAfterVote,
    /// Triggered: a follower crashes right after storing entries from the
    /// leader.
    CrashAfterAppend,
    /// Triggered: a server crashes right as it becomes a candidate, in the
    /// middle of an election.
    CrashCandidate,
    /// Triggered: a server crashes right after winning an election, before
    /// its first AppendEntries arrive anywhere.
    CrashNewLeader,
    /// Triggered: a leader crashes right after advancing its commitIndex,
    /// before any follower has heard of it.
    CrashAfterCommit,
}

impl FaultKind {
    /// Kinds that strike at drawn moments.
    pub const TIMED: [FaultKind; 18] = [
        FaultKind::CutLink,
        FaultKind::HealLink,
        FaultKind::IsolateLeader,
        FaultKind::MovingPartition,
        FaultKind::HealAll,
        FaultKind::Loss,
        FaultKind::Crash,
        FaultKind::Restart,
        FaultKind::TimeOut,
        FaultKind::ClientOp,
        FaultKind::TransferLeadership,
        FaultKind::Snapshot,
        FaultKind::OneWayCut,
        FaultKind::Duplicate,
        FaultKind::LongDelay,
        FaultKind::AddServer,
        FaultKind::RemoveServer,
        FaultKind::ChangeVoters,
    ];
    /// Kinds that strike at moments seen in the trace.
    pub const TRIGGERED: [FaultKind; 5] = [
        FaultKind::CrashAfterVote,
        FaultKind::CrashAfterAppend,
        FaultKind::CrashCandidate,
        FaultKind::CrashNewLeader,
        FaultKind::CrashAfterCommit,
    ];
}

/// What a seed's run suffers and how often: the swarm's choice for one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultMix {
    /// Relative weight of each timed kind; a kind absent or at 0 never
    /// strikes.
    pub weights: BTreeMap<FaultKind, u32>,
    /// For each triggered kind, the chance in percent that it strikes when
    /// its moment comes; absent or 0 means never.
    pub triggers: BTreeMap<FaultKind, u32>,
    /// Timed faults come every 0..=2×`mean_gap` ms.
    pub mean_gap: Time,
    /// Highest message loss, in percent, a `Loss` fault sets.
    pub max_loss: u32,
    /// How long a crashed server stays down before it restarts by itself,
    /// ms (drawn from this range at each crash).
    pub downtime: (Time, Time),
    /// How many clients invoke operations.
    pub clients: u32,
    /// How many distinct keys they use (fewer keys, more conflicts).
    pub keys: u32,
    /// How long the safety phase lasts, ms of virtual time.
    pub fault_phase: Time,
}

impl FaultMix {
    /// Is this kind of fault part of the mix?
    pub fn enabled(&self, kind: FaultKind) -> bool {
        self.weights.get(&kind).or(self.triggers.get(&kind)).is_some_and(|&w| w > 0)
    }

    /// A one-line summary, e.g. `CutLink×3 Crash×7 CrashAfterVote@20%`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .weights
            .iter()
            .filter(|(_, &w)| w > 0)
            .map(|(k, w)| format!("{k:?}×{w}"))
            .collect();
        parts.extend(
            self.triggers.iter().filter(|(_, &p)| p > 0).map(|(k, p)| format!("{k:?}@{p}%")),
        );
        format!(
            "{} | gap {} ms, loss ≤{}%, down {}–{} ms, {} clients, {} keys, {} ms of faults",
            parts.join(" "),
            self.mean_gap,
            self.max_loss,
            self.downtime.0,
            self.downtime.1,
            self.clients,
            self.keys,
            self.fault_phase
        )
    }
}

/// Everything one seed decides before the run starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The seed.
    pub seed: u64,
    /// The world's settings (cluster size, latency, timeouts, …).
    pub config: SimConfig,
    /// The faults and their timing.
    pub mix: FaultMix,
}

impl Plan {
    /// Derive a plan from a seed: cluster size, network timing and the fault
    /// mix. Each timed kind is in the mix with probability ½ and a weight of
    /// 1–10; each triggered kind with probability ⅓ and a chance of 5–60%.
    /// Clients always invoke operations (a run without any would check
    /// nothing of the history).
    pub fn from_seed(seed: u64) -> Plan {
        let mut r = Rng::new(seed ^ 0x5377_a2d1_f00d_cafe);
        let servers = [1, 2, 3, 3, 3, 4, 5, 5, 5, 7][r.range_inclusive(0, 9) as usize];
        let latency_min = r.range_inclusive(1, 15);
        let latency_max = latency_min + r.range_inclusive(0, 30);
        let config = SimConfig {
            servers,
            seed,
            latency_min,
            latency_max,
            loss_percent: 0.0,
            client_timeout: [200, 500, 1000][r.range_inclusive(0, 2) as usize],
            fast_backtrack: r.chance(50.0),
            pre_vote: r.chance(50.0),
            check_quorum: r.chance(50.0),
            read_mode: [raft::ReadMode::Log, raft::ReadMode::ReadIndex, raft::ReadMode::Lease]
                [r.range_inclusive(0, 2) as usize],
            snapshot_threshold: r.chance(33.0).then(|| r.range_inclusive(3, 40)),
            ..SimConfig::default()
        };
        let mut weights = BTreeMap::new();
        // The kinds added later are drawn last (below), so that earlier
        // seeds keep the rest of their plan.
        for kind in &FaultKind::TIMED[..12] {
            let kind = *kind;
            if kind == FaultKind::ClientOp || r.chance(50.0) {
                weights.insert(kind, r.range_inclusive(1, 10) as u32);
            }
        }
        let mut triggers = BTreeMap::new();
        for kind in FaultKind::TRIGGERED {
            if r.chance(33.0) {
                triggers.insert(kind, r.range_inclusive(5, 60) as u32);
            }
        }
        let down_min = r.range_inclusive(0, 300);
        let mix = FaultMix {
            weights,
            triggers,
            mean_gap: r.range_inclusive(10, 150),
            max_loss: r.range_inclusive(0, 30) as u32,
            downtime: (down_min, down_min + r.range_inclusive(0, 1500)),
            clients: r.range_inclusive(1, 4) as u32,
            keys: r.range_inclusive(1, 3) as u32,
            fault_phase: r.range_inclusive(1000, 4000),
        };
        let mut mix = mix;
        for kind in &FaultKind::TIMED[12..] {
            if r.chance(50.0) {
                mix.weights.insert(*kind, r.range_inclusive(1, 10) as u32);
            }
        }
        Plan { seed, config, mix }
    }
}

/// A check of a finished client history (`Err` says what is wrong).
pub type HistoryCheck = fn(&History) -> Result<(), String>;

/// Hooks a test or tool can set: change the settings (turn on a bug switch),
/// change the mix (force the fault a bug needs), and check the finished
/// history (linearizability, in `raft-check`).
#[derive(Clone, Copy, Default)]
pub struct SwarmOptions {
    /// Applied to the world's settings after the swarm chose them.
    pub configure: Option<fn(&mut SimConfig)>,
    /// Applied to the fault mix after the swarm chose it.
    pub adjust_mix: Option<fn(&mut FaultMix)>,
    /// Run on the complete client history once the run has converged; an
    /// `Err` fails the seed.
    pub check_history: Option<HistoryCheck>,
    /// The bug switch the run is about (see [`bug_options`]): named in the
    /// replay command (`--bug NAME`) and the page link (`&bug=NAME`), so
    /// that both replay with the same hooks.
    pub bug: Option<Bug>,
}

impl fmt::Debug for SwarmOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwarmOptions")
            .field("configure", &self.configure.is_some())
            .field("adjust_mix", &self.adjust_mix.is_some())
            .field("check_history", &self.check_history.is_some())
            .field("bug", &self.bug)
            .finish()
    }
}

/// A seed that failed: which, why, and how to see it again.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// What went wrong, in words.
    pub reason: String,
    /// The safety property that broke, if that is what went wrong.
    pub violation: Option<Violation>,
    /// Virtual time of the failure, ms.
    pub time: Time,
    /// One command that replays the seed, printing the trace tail and the
    /// violation.
    pub replay: String,
    /// A link that opens the run in the page.
    pub page_link: String,
    /// The last events before the failure, oldest first.
    pub trace_tail: Vec<String>,
    /// The seed's fault mix, summarised.
    pub mix: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {} failed at {} ms: {}\n  replay: {}\n  page:   {}",
            self.seed, self.time, self.reason, self.replay, self.page_link
        )
    }
}

/// What a seed's run did, for the tests' and the soak's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The seed.
    pub seed: u64,
    /// Cluster size.
    pub servers: u8,
    /// The fault mix.
    pub mix: FaultMix,
    /// How many times each kind of fault actually struck.
    pub injected: BTreeMap<FaultKind, u32>,
    /// Events processed.
    pub steps: u64,
    /// Virtual time at the end, ms.
    pub end_time: Time,
    /// Client operations invoked (all completed).
    pub ops: usize,
    /// Puts and Deletes acknowledged to their clients.
    pub acked_writes: usize,
    /// The final commitIndex on every server.
    pub commit_index: LogIndex,
    /// The highest term reached.
    pub max_term: Term,
    /// Hash of the whole trace (same seed ⇒ same hash, on every platform).
    pub trace_hash: u64,
}

/// A finished run: its figures and the world as it ended.
#[derive(Clone, Debug)]
pub struct SwarmRun {
    /// The figures.
    pub outcome: Outcome,
    /// The world at the end (history, trace, servers).
    pub sim: Sim,
}

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// How long, after healing, the cluster may go without progress: for a
/// leader to appear, for the next client operation to complete (clients
/// may still have a long queue, and a request sent to a removed server
/// costs a timeout), and for every server to converge (virtual ms).
pub const LIVENESS_DEADLINE: Time = 15_000;
/// The client that writes the probe after healing.
pub const PROBE_CLIENT: ClientId = ClientId(1000);
/// Most events a run may take (a livelock guard).
pub const MAX_STEPS: u64 = 5_000_000;

/// A swarm run in progress, driven one event at a time.
#[derive(Clone, Debug)]
pub struct Swarm {
    plan: Plan,
    options: SwarmOptions,
    sim: Sim,
    rng: Rng,
    phase: Phase,
    next_fault_at: Time,
    restart_at: BTreeMap<NodeId, Time>,
    trace_seen: u64,
    injected: BTreeMap<FaultKind, u32>,
    values: u64,
    steps: u64,
    deadline: Time,
    /// Client operations completed when the deadline was last moved.
    completed: usize,
    /// (client, seq) of every command applied anywhere.
    applied: std::collections::BTreeSet<(ClientId, u64)>,
    /// Operations applied anywhere whose entry was compacted before it
    /// could be looked at.
    applied_ops: std::collections::BTreeSet<String>,
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
            restart_at: BTreeMap::new(),
            trace_seen: 0,
            injected: BTreeMap::new(),
            values: 0,
            steps: 0,
            deadline: 0,
            completed: 0,
            applied: Default::default(),
            applied_ops: Default::default(),
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
    pub fn injected(&self) -> &BTreeMap<FaultKind, u32> {
        &self.injected
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
        match self.phase {
            Phase::Safety => self.step_safety()?,
            Phase::Healing => self.step_healing()?,
            Phase::Settling => self.step_settling()?,
            Phase::Done => {}
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
            return Ok(());
        }
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

    fn act(&mut self, action: Action) {
        // The driver only builds actions the world accepts; a refusal is a
        // bug in the driver, not in Raft.
        if let Err(e) = self.sim.act(action.clone()) {
            panic!("swarm built an impossible action ({action}): {e}");
        }
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

    fn down(&self) -> Vec<NodeId> {
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

    fn timed_fault(&mut self) {
        let total: u64 = self.plan.mix.weights.values().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return;
        }
        let mut x = self.rng.range_inclusive(0, total - 1);
        let mut kind = FaultKind::ClientOp;
        for (&k, &w) in &self.plan.mix.weights {
            if x < u64::from(w) {
                kind = k;
                break;
            }
            x -= u64::from(w);
        }
        let n = self.plan.config.servers;
        let action = match kind {
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
                        (crate::Endpoint::Server(a), crate::Endpoint::Server(b)) => Some((a, b)),
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
            FaultKind::TransferLeadership => {
                // Only to a server that is up and not the leader; the
                // leader may still refuse (a transfer already under way).
                let leader = self.sim.leader();
                let others: Vec<NodeId> =
                    self.live().into_iter().filter(|&i| Some(i) != leader).collect();
                if let (Some(_), Some(to)) = (leader, self.pick(&others)) {
                    if self.sim.act(Action::TransferLeadership(to)).is_ok() {
                        *self.injected.entry(kind).or_default() += 1;
                    }
                }
                None
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
            FaultKind::AddServer | FaultKind::RemoveServer | FaultKind::ChangeVoters => {
                // The leader may refuse (one change at a time, no leader …);
                // a refused change changes nothing.
                let change = match kind {
                    FaultKind::AddServer => Action::AddServer,
                    FaultKind::RemoveServer => Action::RemoveServer(self.node()),
                    _ => {
                        let mut voters: Vec<NodeId> =
                            self.shuffled_ids().into_iter().take(n.max(1) as usize).collect();
                        voters.truncate(self.rng.range_inclusive(1, voters.len() as u64) as usize);
                        Action::ChangeVoters(voters)
                    }
                };
                if self.sim.act(change).is_ok() {
                    *self.injected.entry(kind).or_default() += 1;
                }
                None
            }
            FaultKind::Snapshot => {
                // Refused (and nothing changes) when the server has applied
                // nothing new since its last snapshot.
                let live = self.live();
                if let Some(id) = self.pick(&live) {
                    if self.sim.act(Action::Snapshot(id)).is_ok() {
                        *self.injected.entry(kind).or_default() += 1;
                    }
                }
                None
            }
            _ => None,
        };
        if let Some(action) = action {
            *self.injected.entry(kind).or_default() += 1;
            self.act(action);
        }
    }

    fn client_op(&mut self) -> Action {
        let client = ClientId(self.rng.range_inclusive(1, u64::from(self.plan.mix.clients)) as u32);
        let key = ["x", "y", "z"]
            [self.rng.range_inclusive(0, u64::from(self.plan.mix.keys) - 1) as usize]
            .to_string();
        let op = match self.rng.range_inclusive(0, 9) {
            0..=3 => {
                // Every value written is unique, so a read names its write.
                self.values += 1;
                KvOp::Put { key, value: format!("v{}", self.values) }
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
                *self.injected.entry(kind).or_default() += 1;
                self.schedule_restart(node);
                self.act(Action::Crash(node));
            }
        }
        self.trace_seen = self.sim.trace().len();
    }

    /// Process the next event and look at what it did.
    fn sim_step(&mut self) -> bool {
        let stepped = self.sim.step();
        self.watch_trace();
        stepped
    }

    // ----- liveness phase -----

    fn heal(&mut self) {
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
        if removed && !self.sim.config().pre_vote {
            self.act(Action::SetFeature { feature: raft::Feature::PreVote, on: true });
        }
        self.phase = Phase::Healing;
        self.deadline = self.sim.now() + LIVENESS_DEADLINE;
    }

    fn clients_idle(&self) -> bool {
        self.sim.clients().values().all(|c| c.pending.is_none() && c.queue.is_empty())
    }

    fn step_healing(&mut self) -> Result<(), Failure> {
        // Liveness is progress: each completed operation restarts the clock.
        let completed = self.sim.history().completed();
        if completed > self.completed {
            self.completed = completed;
            self.deadline = self.sim.now() + LIVENESS_DEADLINE;
        }
        if self.sim.leader().is_some() && self.clients_idle() {
            let probe = KvOp::Put { key: "probe".into(), value: format!("seed{}", self.plan.seed) };
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

    fn step_settling(&mut self) -> Result<(), Failure> {
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
                    "{id}'s key-value state {:?} differs from the leader {leader}'s {:?}",
                    s.kv.data(),
                    l.kv.data()
                )));
            }
        }
        if let Some(op) = sim.history().ops.iter().find(|o| o.returned.is_none()) {
            return Err(self.fail(format!("{}'s {} never completed", op.client, op.op)));
        }
        // Every acknowledged write was applied (its entry is committed; equal
        // state everywhere then means it is present on every server).
        for op in &sim.history().ops {
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

    // ----- results -----

    fn check_safety(&self) -> Result<(), Failure> {
        match self.sim.violations().first() {
            Some(v) => {
                let mut f = self.fail(v.to_string());
                f.violation = Some(v.clone());
                Err(f)
            }
            None => Ok(()),
        }
    }

    fn fail(&self, reason: String) -> Failure {
        let seed = self.plan.seed;
        let mut replay = REPLAY_COMMAND.replace("{seed}", &seed.to_string());
        if let Some(bug) = self.options.bug {
            replay.push_str(" --bug ");
            replay.push_str(bug.name());
        }
        let tail: Vec<String> = self
            .sim
            .trace()
            .recent()
            .rev()
            .take(60)
            .map(|e| format!("{:>7} ms  #{:<6} {}", e.time, e.seq, e.event))
            .collect();
        Failure {
            seed,
            reason,
            violation: None,
            time: self.sim.now(),
            replay,
            page_link: page_link(seed, self.options.bug),
            trace_tail: tail.into_iter().rev().collect(),
            mix: self.plan.mix.summary(),
        }
    }

    fn outcome(&self) -> Outcome {
        let sim = &self.sim;
        let leader = sim.leader().and_then(|l| sim.server(l));
        Outcome {
            seed: self.plan.seed,
            servers: self.plan.config.servers,
            mix: self.plan.mix.clone(),
            injected: self.injected.clone(),
            steps: self.steps,
            end_time: sim.now(),
            ops: sim.history().ops.len(),
            acked_writes: sim
                .history()
                .ops
                .iter()
                .filter(|o| o.returned.is_some() && !matches!(o.op, KvOp::Get { .. }))
                .count(),
            commit_index: leader.map_or(0, |s| s.raft.commit_index()),
            max_term: sim
                .ids()
                .filter_map(|i| sim.server(i))
                .map(|s| s.raft.current_term())
                .max()
                .unwrap_or(0),
            trace_hash: sim.trace().hash(),
        }
    }
}

/// The page link that opens a seed's run in the playground, with the bug
/// switch the run was about, if any: `index.html#seed=N[&bug=NAME]`.
pub fn page_link(seed: u64, bug: Option<Bug>) -> String {
    match bug {
        Some(bug) => format!("index.html#seed={seed}&bug={bug}"),
        None => format!("index.html#seed={seed}"),
    }
}

/// Swarm options that turn on raft's bug switch `name`, with whatever the
/// bug needs to show itself: for `stale_leader_serves_reads`, reads served
/// by ReadIndex (the mode the bug breaks); for
/// `commit_by_counting_old_terms`, one entry per AppendEntries and leaders
/// that crash right after election or commit (Figure 8's story). The
/// tests, the soak runner and the page's replay link all use these, so a
/// seed means the same run everywhere.
pub fn bug_options(bug: Bug) -> SwarmOptions {
    let configure: fn(&mut SimConfig) = match bug {
        Bug::CommitByCountingOldTerms => |c| {
            c.bugs.commit_by_counting_old_terms = true;
            // Figure 8 needs an old entry to reach a majority without the
            // new leader's no-op riding along in the same AppendEntries.
            c.max_entries_per_append = 1;
        },
        Bug::StaleLeaderServesReads => |c| {
            c.bugs.stale_leader_serves_reads = true;
            c.read_mode = raft::ReadMode::ReadIndex;
        },
        Bug::VoteWithoutLogCheck => |c| c.bugs.vote_without_log_check = true,
        Bug::ForgetVotedForOnRestart => |c| c.bugs.forget_voted_for_on_restart = true,
        Bug::KeepCommitIndexOnRestart => |c| c.bugs.keep_commit_index_on_restart = true,
        Bug::AppendWithoutTruncatingConflicts => {
            |c| c.bugs.append_without_truncating_conflicts = true
        }
    };
    let adjust_mix: Option<fn(&mut FaultMix)> = match bug {
        Bug::CommitByCountingOldTerms => Some(|m| {
            use FaultKind::*;
            m.triggers.insert(CrashNewLeader, 40);
            m.triggers.insert(CrashAfterCommit, 50);
            m.weights.insert(Crash, 5);
            m.weights.insert(Restart, 5);
            m.downtime = (0, 400);
        }),
        Bug::StaleLeaderServesReads
        | Bug::VoteWithoutLogCheck
        | Bug::ForgetVotedForOnRestart
        | Bug::KeepCommitIndexOnRestart
        | Bug::AppendWithoutTruncatingConflicts => None,
    };
    SwarmOptions { configure: Some(configure), adjust_mix, bug: Some(bug), ..Default::default() }
}

/// Run one seed with no hooks.
pub fn run_seed(seed: u64) -> Result<Outcome, Failure> {
    run_seed_with(seed, SwarmOptions::default()).map(|r| r.outcome)
}

/// Run one seed with hooks; the finished world comes back with the figures.
pub fn run_seed_with(seed: u64, options: SwarmOptions) -> Result<SwarmRun, Failure> {
    let swarm = Swarm::new(seed, options).map_err(|e| Failure {
        seed,
        reason: format!("the seed's settings are invalid: {e}"),
        violation: None,
        time: 0,
        replay: REPLAY_COMMAND.replace("{seed}", &seed.to_string()),
        page_link: page_link(seed, options.bug),
        trace_tail: Vec::new(),
        mix: String::new(),
    })?;
    swarm.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_decides_the_mix_and_different_seeds_decide_differently() {
        assert_eq!(Plan::from_seed(7), Plan::from_seed(7));
        let plans: Vec<Plan> = (0..200).map(Plan::from_seed).collect();
        for kind in FaultKind::TIMED.iter().chain(&FaultKind::TRIGGERED) {
            let on = plans.iter().filter(|p| p.mix.enabled(*kind)).count();
            if *kind == FaultKind::ClientOp {
                assert_eq!(on, 200, "clients always run");
            } else {
                assert!((20..=180).contains(&on), "{kind:?} is on in {on} of 200 mixes");
            }
        }
        let sizes: std::collections::BTreeSet<u8> =
            plans.iter().map(|p| p.config.servers).collect();
        assert_eq!(sizes.into_iter().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 7]);
    }

    #[test]
    fn a_failure_names_the_seed_and_one_replay_command() {
        let swarm = Swarm::new(1234, bug_options(Bug::VoteWithoutLogCheck)).unwrap();
        let f = swarm.fail("because".into());
        assert_eq!(f.seed, 1234);
        assert_eq!(
            f.replay,
            "cargo run -p raft-check --bin soak -- --seed 1234 --verbose --bug vote_without_log_check"
        );
        assert_eq!(f.page_link, "index.html#seed=1234&bug=vote_without_log_check");
        assert_eq!(page_link(9, None), "index.html#seed=9");
        for bug in Bug::ALL {
            let mut config = SimConfig::default();
            (bug_options(bug).configure.unwrap())(&mut config);
            assert_eq!(config.bugs.on().collect::<Vec<_>>(), [bug], "{bug} alone is switched on");
        }
        let text = f.to_string();
        assert!(text.contains("seed 1234") && text.contains("because") && text.contains(&f.replay));
    }
}
