//! Heavy checkers that stay out of the wasm page: the linearizability of a
//! run's client history ([`linearizability`], with stateright's
//! `LinearizabilityTester`), and the swarm hooks that plug it into every
//! seed. The `soak` binary runs swarm seeds for a given time.

pub mod linearizability;

pub use linearizability::{check_history, KvSpec, LinearizabilityReport};

use sim::swarm::SwarmOptions;

/// Swarm options that check every finished history for linearizability.
pub fn linearizable_swarm() -> SwarmOptions {
    SwarmOptions {
        check_history: Some(|h| check_history(h).map(|_| ())),
        ..SwarmOptions::default()
    }
}

/// Linearizable swarm options with raft's bug switch `name` turned on (and
/// whatever the bug needs to show: for `stale_leader_serves_reads`, reads
/// served by ReadIndex, the mode the bug breaks; for
/// `commit_by_counting_old_terms`, one entry per AppendEntries). The replay command carries `--bug NAME`. `None` if there is
/// no such switch.
pub fn bug_swarm(name: &str) -> Option<SwarmOptions> {
    let configure: fn(&mut sim::SimConfig) = match name {
        "vote_without_log_check" => |c| c.bugs.vote_without_log_check = true,
        "commit_by_counting_old_terms" => |c| {
            c.bugs.commit_by_counting_old_terms = true;
            // Figure 8 needs an old entry to reach a majority without the
            // new leader's no-op riding along in the same AppendEntries.
            c.max_entries_per_append = 1;
        },
        "forget_voted_for_on_restart" => |c| c.bugs.forget_voted_for_on_restart = true,
        "keep_commit_index_on_restart" => |c| c.bugs.keep_commit_index_on_restart = true,
        "append_without_truncating_conflicts" => {
            |c| c.bugs.append_without_truncating_conflicts = true
        }
        "stale_leader_serves_reads" => |c| {
            c.bugs.stale_leader_serves_reads = true;
            c.read_mode = raft::ReadMode::ReadIndex;
        },
        _ => return None,
    };
    let replay_args = BUG_REPLAY_ARGS.iter().find(|a| a.ends_with(name) && a[6..] == *name)?;
    let adjust_mix: Option<fn(&mut sim::FaultMix)> = match name {
        // Figure 8 is a story of leaders crashing right after they are
        // elected and of old entries spreading one at a time.
        "commit_by_counting_old_terms" => Some(|m| {
            use sim::FaultKind::*;
            m.triggers.insert(CrashNewLeader, 40);
            m.triggers.insert(CrashAfterCommit, 50);
            m.weights.insert(Crash, 5);
            m.weights.insert(Restart, 5);
            m.downtime = (0, 400);
        }),
        _ => None,
    };
    Some(SwarmOptions {
        configure: Some(configure),
        adjust_mix,
        replay_args,
        ..linearizable_swarm()
    })
}

/// `--bug NAME` for each bug switch (the replay command needs a
/// `&'static str`).
const BUG_REPLAY_ARGS: [&str; 6] = [
    "--bug vote_without_log_check",
    "--bug commit_by_counting_old_terms",
    "--bug forget_voted_for_on_restart",
    "--bug stale_leader_serves_reads",
    "--bug keep_commit_index_on_restart",
    "--bug append_without_truncating_conflicts",
];
