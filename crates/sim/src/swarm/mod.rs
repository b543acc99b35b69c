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
//! [`Swarm`] drives a run one event at a time; [`run_seed`] and
//! [`run_seed_with`] run it to the end, and [`prepare_replay`] runs it to
//! the end for the page, which animates the seed exactly as the tests ran
//! it. A failing seed comes back as a [`Failure`] that names the
//! seed, the reason, and one command that replays it.
//!
//! - `plan`: what the seed decides before the run (settings, fault mix);
//! - `driver`: stepping the world and injecting faults;
//! - `liveness`: healing and the convergence checks;
//! - `report`: failures, figures, replay commands and page links;
//! - `replay`: a seed's run prepared for the page's replay of its link.

// A `Failure` is big (it carries the trace tail) but rare: returning it by
// value keeps `run_seed(seed) -> Result<Outcome, Failure>` plain.
#![allow(clippy::result_large_err)]

mod driver;
mod liveness;
mod plan;
mod replay;
mod report;

pub use driver::{Phase, Swarm, MAX_STEPS};
pub use liveness::{LIVENESS_DEADLINE, PROBE_CLIENT};
pub use plan::{FaultKind, FaultMix, Plan};
pub use replay::{prepare_replay, PreparedReplay, ReplayFailure, ReplaySummary};
pub use report::{page_link, replay_command, Failure, Outcome, SwarmRun, REPLAY_COMMAND};

use crate::client::History;
use crate::config::SimConfig;
use raft::Bug;
use std::fmt;

/// A check of a finished client history (`Err` says what is wrong).
pub type HistoryCheck = fn(&History) -> Result<(), String>;

/// A hand on single messages during the safety phase: after each event,
/// given the world, the seed and the step number, an action to take —
/// [`Action::DropMessage`](crate::Action::DropMessage), `DuplicateMessage`
/// or `DeliverNow` of a message that is on its way — or `None`. It must
/// be a pure function of its arguments, so the seed replays.
pub type Steer = fn(&crate::world::Sim, u64, u64) -> Option<crate::action::Action>;

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
    /// Called after every event of the safety phase; what it returns is
    /// taken like a fault (and must be accepted).
    pub steer: Option<Steer>,
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
            .field("steer", &self.steer.is_some())
            .field("bug", &self.bug)
            .finish()
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
            c.raft.bugs.commit_by_counting_old_terms = true;
            // Figure 8 needs an old entry to reach a majority without the
            // new leader's no-op riding along in the same AppendEntries.
            c.raft.max_entries_per_append = 1;
        },
        Bug::StaleLeaderServesReads => |c| {
            c.raft.bugs.stale_leader_serves_reads = true;
            c.raft.read_mode = raft::ReadMode::ReadIndex;
        },
        Bug::VoteWithoutLogCheck => |c| c.raft.bugs.vote_without_log_check = true,
        Bug::ForgetVotedForOnRestart => |c| c.raft.bugs.forget_voted_for_on_restart = true,
        Bug::KeepCommitIndexOnRestart => |c| c.raft.bugs.keep_commit_index_on_restart = true,
        Bug::AppendWithoutTruncatingConflicts => {
            |c| c.raft.bugs.append_without_truncating_conflicts = true
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
    let swarm = Swarm::new(seed, options).map_err(|e| {
        Failure::new(seed, format!("the seed's settings are invalid: {e}"), options.bug)
    })?;
    swarm.run()
}
