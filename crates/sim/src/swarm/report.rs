//! What a run reports: its figures when it passes, and when it fails, a
//! [`Failure`] that names the seed, the reason, one command that replays it
//! and a link that opens it in the page.

use super::driver::Swarm;
use super::plan::{FaultKind, FaultMix};
use crate::checker::Violation;
use crate::kv::KvOp;
use crate::world::Sim;
use raft::{Bug, LogIndex, SortedMap, Term, Time};
use std::fmt;

/// The command that replays a seed; `{seed}` is replaced.
pub const REPLAY_COMMAND: &str = "cargo run -p raft-check --bin soak -- --seed {seed} --verbose";

/// How many of the last trace entries a failure carries.
const TRACE_TAIL: usize = 60;

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

impl Failure {
    /// A failure of `seed`, run with bug switch `bug` if any, before any
    /// event (no time, trace or mix yet).
    pub fn new(seed: u64, reason: String, bug: Option<Bug>) -> Failure {
        Failure {
            seed,
            reason,
            violation: None,
            time: 0,
            replay: replay_command(seed, bug),
            page_link: page_link(seed, bug),
            trace_tail: Vec::new(),
            mix: String::new(),
        }
    }
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
    pub injected: SortedMap<FaultKind, u32>,
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

impl Swarm {
    /// The first safety violation, if any, as a failure.
    pub(super) fn check_safety(&self) -> Result<(), Failure> {
        match self.sim.violations().first() {
            Some(v) => {
                let mut f = self.fail(v.to_string());
                f.violation = Some(v.clone());
                Err(f)
            }
            None => Ok(()),
        }
    }

    /// The run failed now, for `reason`.
    pub(super) fn fail(&self, reason: String) -> Failure {
        let mut f = Failure::new(self.plan.seed, reason, self.options.bug);
        let tail: Vec<String> = self
            .sim
            .trace()
            .recent()
            .rev()
            .take(TRACE_TAIL)
            .map(|e| format!("{:>7} ms  #{:<6} {}", e.time, e.seq, e.event))
            .collect();
        f.time = self.sim.now();
        f.trace_tail = tail.into_iter().rev().collect();
        f.mix = self.plan.mix.summary();
        f
    }

    pub(super) fn outcome(&self) -> Outcome {
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

/// The command that replays `seed` with bug switch `bug`, if any.
pub fn replay_command(seed: u64, bug: Option<Bug>) -> String {
    let mut replay = REPLAY_COMMAND.replace("{seed}", &seed.to_string());
    if let Some(bug) = bug {
        replay.push_str(" --bug ");
        replay.push_str(bug.name());
    }
    replay
}

/// The page link that opens a seed's run in the playground, with the bug
/// switch the run was about, if any: `index.html#seed=N[&bug=NAME]`.
pub fn page_link(seed: u64, bug: Option<Bug>) -> String {
    match bug {
        Some(bug) => format!("index.html#seed={seed}&bug={bug}"),
        None => format!("index.html#seed={seed}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;
    use crate::swarm::bug_options;

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
            assert_eq!(
                config.raft.bugs.on().collect::<Vec<_>>(),
                [bug],
                "{bug} alone is switched on"
            );
        }
        let text = f.to_string();
        assert!(text.contains("seed 1234") && text.contains("because") && text.contains(&f.replay));
    }
}
