//! What a seed decides before its run starts: the cluster's settings and the
//! fault mix (which kinds of fault strike, how often, how long servers stay
//! down).

use crate::config::SimConfig;
use raft::{Rng, SortedMap, Time};

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
    /// Kinds that strike at drawn moments: [`FaultKind::DRAWN_FIRST`] then
    /// [`FaultKind::DRAWN_LAST`].
    pub const TIMED: [FaultKind; 18] = {
        let mut all = [FaultKind::CutLink; 18];
        let mut i = 0;
        while i < all.len() {
            all[i] = if i < 12 { Self::DRAWN_FIRST[i] } else { Self::DRAWN_LAST[i - 12] };
            i += 1;
        }
        all
    };
    /// The timed kinds the plan draws *before* the triggered kinds and the
    /// timing: the first twelve kinds there were. Order matters: each draw
    /// consumes the seed's random sequence, so changing this list (or
    /// [`FaultKind::DRAWN_LAST`]) changes what every seed runs.
    pub const DRAWN_FIRST: [FaultKind; 12] = [
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
    ];
    /// The timed kinds added later, drawn *after* everything else in the
    /// plan, so that older seeds kept the rest of their plan when they came;
    /// a new kind goes at the end of this list.
    pub const DRAWN_LAST: [FaultKind; 6] = [
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
    pub weights: SortedMap<FaultKind, u32>,
    /// For each triggered kind, the chance in percent that it strikes when
    /// its moment comes; absent or 0 means never.
    pub triggers: SortedMap<FaultKind, u32>,
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
        // Drawn in this order, whatever the fields' order: the seed's
        // random sequence fixes what each seed runs.
        let client_timeout = [200, 500, 1000][r.range_inclusive(0, 2) as usize];
        let mut protocol = SimConfig::default().raft;
        protocol.fast_backtrack = r.chance(50.0);
        protocol.pre_vote = r.chance(50.0);
        protocol.check_quorum = r.chance(50.0);
        protocol.read_mode =
            [raft::ReadMode::Log, raft::ReadMode::ReadIndex, raft::ReadMode::Lease]
                [r.range_inclusive(0, 2) as usize];
        let config = SimConfig {
            servers,
            seed,
            raft: protocol,
            latency_min,
            latency_max,
            loss_percent: 0.0,
            client_timeout,
            snapshot_threshold: r.chance(33.0).then(|| r.range_inclusive(3, 40)),
            ..SimConfig::default()
        };
        let mut weights = SortedMap::new();
        for kind in FaultKind::DRAWN_FIRST {
            if kind == FaultKind::ClientOp || r.chance(50.0) {
                weights.insert(kind, r.range_inclusive(1, 10) as u32);
            }
        }
        let mut triggers = SortedMap::new();
        for kind in FaultKind::TRIGGERED {
            if r.chance(33.0) {
                triggers.insert(kind, r.range_inclusive(5, 60) as u32);
            }
        }
        let down_min = r.range_inclusive(0, 300);
        let mut mix = FaultMix {
            weights,
            triggers,
            mean_gap: r.range_inclusive(10, 150),
            max_loss: r.range_inclusive(0, 30) as u32,
            downtime: (down_min, down_min + r.range_inclusive(0, 1500)),
            clients: r.range_inclusive(1, 4) as u32,
            keys: r.range_inclusive(1, 3) as u32,
            fault_phase: r.range_inclusive(1000, 4000),
        };
        for kind in FaultKind::DRAWN_LAST {
            if r.chance(50.0) {
                mix.weights.insert(kind, r.range_inclusive(1, 10) as u32);
            }
        }
        Plan { seed, config, mix }
    }
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
    fn every_timed_kind_is_drawn_once() {
        let mut kinds = FaultKind::TIMED.to_vec();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), FaultKind::TIMED.len());
    }
}
