//! Settings of one server. Defaults are the paper's: an election timeout
//! drawn from 150–300 ms and a heartbeat well below it (§5.6, §9.3).

use crate::types::{NodeId, Time};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One server's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// This server.
    pub id: NodeId,
    /// The voters the cluster starts with, including this one; empty for a
    /// server that joins later and learns the configuration from the log.
    pub voters: Vec<NodeId>,
    /// Lower bound of the election timeout, in ms.
    pub election_timeout_min: Time,
    /// Upper bound of the election timeout, in ms. A fresh timeout is drawn
    /// uniformly from `min..=max` at every reset (§5.2).
    pub election_timeout_max: Time,
    /// How often an idle leader sends empty AppendEntries (heartbeats).
    pub heartbeat_interval: Time,
    /// Most entries carried by one AppendEntries.
    pub max_entries_per_append: usize,
    /// Most AppendEntries carrying entries in flight to one follower once
    /// the leader knows where its log matches.
    pub max_inflight: usize,
    /// On a rejected AppendEntries, jump nextIndex back by a whole term using
    /// the follower's hint instead of one entry per round trip (§5.3).
    pub fast_backtrack: bool,
    /// PreVote (Raft thesis §9.6): before incrementing its term, a server
    /// asks whether it could win; a server cut off from the cluster then
    /// cannot come back with a huge term and depose a healthy leader.
    #[serde(default)]
    pub pre_vote: bool,
    /// CheckQuorum (Raft thesis §6.2): a leader that has not heard from a
    /// majority within the minimum election timeout steps down.
    #[serde(default)]
    pub check_quorum: bool,
    /// How reads are made linearizable (thesis §6.4).
    #[serde(default)]
    pub read_mode: ReadMode,
    /// Deliberate mistakes, all off by default: "break Raft" experiments that
    /// show the safety checkers catching each one.
    #[serde(default)]
    pub bugs: BugSwitches,
}

/// How a read (Get) is served so that it never returns stale data
/// (Raft thesis §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMode {
    /// Reads go through the log like writes: simple, one log entry each.
    #[default]
    Log,
    /// ReadIndex: the leader notes its commitIndex, confirms with a round of
    /// heartbeats that it still leads, waits until it has applied that far,
    /// then answers. No log entry.
    ReadIndex,
    /// Leader lease: after a majority acknowledged a heartbeat sent at time
    /// t, no other leader can be elected before t + the minimum election
    /// timeout, so until then the leader answers at once. Relies on bounded
    /// clock drift; followers ignore RequestVote during the lease.
    Lease,
}

impl ReadMode {
    /// Its name as the page shows it.
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "through the log",
            ReadMode::ReadIndex => "ReadIndex",
            ReadMode::Lease => "leader lease",
        }
    }
}

/// A protocol option that can be switched while the cluster runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    /// PreVote (thesis §9.6).
    PreVote,
    /// CheckQuorum (thesis §6.2).
    CheckQuorum,
    /// Skip a whole conflicting term per AppendEntries rejection (§5.3).
    FastBacktrack,
}

impl Feature {
    /// Every feature.
    pub const ALL: [Feature; 3] = [Feature::PreVote, Feature::CheckQuorum, Feature::FastBacktrack];

    /// Its name as the page shows it.
    pub fn name(self) -> &'static str {
        match self {
            Feature::PreVote => "PreVote",
            Feature::CheckQuorum => "CheckQuorum",
            Feature::FastBacktrack => "Fast log backtracking",
        }
    }
}

impl Config {
    /// Is `feature` on?
    pub fn feature(&self, feature: Feature) -> bool {
        match feature {
            Feature::PreVote => self.pre_vote,
            Feature::CheckQuorum => self.check_quorum,
            Feature::FastBacktrack => self.fast_backtrack,
        }
    }

    /// Switch `feature` on or off.
    pub fn set_feature(&mut self, feature: Feature, on: bool) {
        match feature {
            Feature::PreVote => self.pre_vote = on,
            Feature::CheckQuorum => self.check_quorum = on,
            Feature::FastBacktrack => self.fast_backtrack = on,
        }
    }
}

/// Ways people get Raft wrong, each a switch that breaks one rule on purpose.
/// Every one is off unless a test or the page's "break Raft" experiment turns
/// it on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BugSwitches {
    /// Grant votes without the up-to-date-log check of §5.4.1, so a server
    /// missing committed entries can win an election.
    pub vote_without_log_check: bool,
    /// Commit the highest entry stored on a majority even when it is from an
    /// earlier term: the mistake Figure 8 of the paper warns about (§5.4.2).
    pub commit_by_counting_old_terms: bool,
    /// Lose votedFor in a crash, so a restarted server can vote twice in one
    /// term (Figure 2 lists votedFor as persistent state).
    pub forget_voted_for_on_restart: bool,
    /// Let a leader answer reads from its own state without confirming it
    /// still leads, so a deposed leader cut off in a minority serves stale
    /// data (thesis §6.4).
    pub stale_leader_serves_reads: bool,
    /// Come back from a crash believing everything on disk is committed: a
    /// commitIndex the log does not back (Figure 2 lists commitIndex as
    /// volatile, rebuilt from the leader).
    pub keep_commit_index_on_restart: bool,
    /// On a conflict, overwrite only the entries the leader sent and keep the
    /// follower's suffix after them, instead of deleting it (Figure 2,
    /// AppendEntries receiver rule 3).
    pub append_without_truncating_conflicts: bool,
}

/// One of the deliberate mistakes of [`BugSwitches`], by name: the
/// catalogue that menus, links (`#bug=NAME`), the soak's `--bug` and the
/// tests go through. Every `match` over it is exhaustive, so a new switch
/// makes the compiler list each place to touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bug {
    /// See [`BugSwitches::stale_leader_serves_reads`].
    StaleLeaderServesReads,
    /// See [`BugSwitches::vote_without_log_check`].
    VoteWithoutLogCheck,
    /// See [`BugSwitches::commit_by_counting_old_terms`].
    CommitByCountingOldTerms,
    /// See [`BugSwitches::forget_voted_for_on_restart`].
    ForgetVotedForOnRestart,
    /// See [`BugSwitches::keep_commit_index_on_restart`].
    KeepCommitIndexOnRestart,
    /// See [`BugSwitches::append_without_truncating_conflicts`].
    AppendWithoutTruncatingConflicts,
}

impl Bug {
    /// Every switch, in the order menus and test tables list them.
    pub const ALL: [Bug; 6] = [
        Bug::StaleLeaderServesReads,
        Bug::VoteWithoutLogCheck,
        Bug::CommitByCountingOldTerms,
        Bug::ForgetVotedForOnRestart,
        Bug::KeepCommitIndexOnRestart,
        Bug::AppendWithoutTruncatingConflicts,
    ];

    /// Its name in links, commands and test output: the field's name in
    /// [`BugSwitches`].
    pub fn name(self) -> &'static str {
        match self {
            Bug::StaleLeaderServesReads => "stale_leader_serves_reads",
            Bug::VoteWithoutLogCheck => "vote_without_log_check",
            Bug::CommitByCountingOldTerms => "commit_by_counting_old_terms",
            Bug::ForgetVotedForOnRestart => "forget_voted_for_on_restart",
            Bug::KeepCommitIndexOnRestart => "keep_commit_index_on_restart",
            Bug::AppendWithoutTruncatingConflicts => "append_without_truncating_conflicts",
        }
    }

    /// Every name, comma-separated, for messages that list the choices.
    pub fn names() -> String {
        Bug::ALL.map(Bug::name).join(", ")
    }
}

impl fmt::Display for Bug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Bug {
    type Err = String;

    /// The switch called `name`; the error lists the switches there are.
    fn from_str(name: &str) -> Result<Bug, String> {
        Bug::ALL.into_iter().find(|b| b.name() == name).ok_or_else(|| {
            format!("there is no bug switch called '{name}' (there are {})", Bug::names())
        })
    }
}

impl BugSwitches {
    /// The flag of switch `bug`.
    fn flag(&mut self, bug: Bug) -> &mut bool {
        match bug {
            Bug::VoteWithoutLogCheck => &mut self.vote_without_log_check,
            Bug::StaleLeaderServesReads => &mut self.stale_leader_serves_reads,
            Bug::CommitByCountingOldTerms => &mut self.commit_by_counting_old_terms,
            Bug::ForgetVotedForOnRestart => &mut self.forget_voted_for_on_restart,
            Bug::KeepCommitIndexOnRestart => &mut self.keep_commit_index_on_restart,
            Bug::AppendWithoutTruncatingConflicts => &mut self.append_without_truncating_conflicts,
        }
    }

    /// Turn switch `bug` on or off.
    pub fn set(&mut self, bug: Bug, on: bool) {
        *self.flag(bug) = on;
    }

    /// Is switch `bug` on?
    pub fn is_on(&self, bug: Bug) -> bool {
        *self.clone().flag(bug)
    }

    /// The switches that are on, in [`Bug::ALL`] order.
    pub fn on(&self) -> impl Iterator<Item = Bug> + '_ {
        Bug::ALL.into_iter().filter(|&b| self.is_on(b))
    }

    /// Is any switch on?
    pub fn any(&self) -> bool {
        *self != BugSwitches::default()
    }
}

impl Config {
    /// A configuration with the paper's default timings for server `id` in a
    /// cluster of `voters`.
    pub fn new(id: NodeId, voters: Vec<NodeId>) -> Self {
        Config {
            id,
            voters,
            election_timeout_min: 150,
            election_timeout_max: 300,
            heartbeat_interval: 50,
            max_entries_per_append: 16,
            max_inflight: 4,
            fast_backtrack: false,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::Log,
            bugs: BugSwitches::default(),
        }
    }

    /// Check the settings make sense; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if !self.voters.is_empty() && !self.voters.contains(&self.id) {
            return Err(format!("{} is not among the voters", self.id));
        }
        if self.election_timeout_min == 0 || self.election_timeout_max < self.election_timeout_min {
            return Err("the election timeout range must be non-empty and above 0 ms".into());
        }
        if self.heartbeat_interval == 0 || self.heartbeat_interval >= self.election_timeout_min {
            return Err(
                "the heartbeat interval must be above 0 and below the election timeout".into()
            );
        }
        if self.max_entries_per_append == 0 || self.max_inflight == 0 {
            return Err(
                "entries per AppendEntries and AppendEntries in flight must be at least 1".into()
            );
        }
        Ok(())
    }
}
