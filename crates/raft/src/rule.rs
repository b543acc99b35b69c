//! The rules of the paper's Figure 2 ("Raft consensus algorithm, condensed
//! summary"), as data: each with a short name, the section it comes from
//! and its text, so the page can show the rule behind each decision
//! ([`Event::rule`](crate::Event::rule)) without parsing narration.

use serde::{Deserialize, Serialize};

/// One rule of Figure 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// All servers: a higher term seen makes a server adopt it (§5.1).
    HigherTerm,
    /// Followers: no word from a leader within the election timeout (§5.2).
    ElectionTimeout,
    /// Candidates: a majority of votes makes a leader (§5.2).
    MajorityVotes,
    /// Leaders: heartbeats on election and when idle (§5.2).
    Heartbeat,
    /// RequestVote receiver 1: refuse a stale term (§5.1).
    VoteStaleTerm,
    /// RequestVote receiver 2: one vote per term, to an up-to-date log
    /// (§5.2, §5.4).
    VoteOnceUpToDate,
    /// AppendEntries receiver 1: refuse a stale term (§5.1).
    AppendStaleTerm,
    /// AppendEntries receiver 2: the consistency check on prevLogIndex and
    /// prevLogTerm (§5.3).
    AppendConsistency,
    /// AppendEntries receiver 3: delete conflicting entries (§5.3).
    AppendTruncate,
    /// AppendEntries receiver 4 and 5: append new entries, then follow the
    /// leader's commitIndex.
    AppendNew,
    /// Leaders: back nextIndex off and retry after a refused AppendEntries
    /// (§5.3).
    NextIndexBackoff,
    /// Leaders: commit N once a majority's matchIndex reaches it and it is of
    /// the current term (§5.3, §5.4).
    LeaderCommit,
}

impl Rule {
    /// Every rule, in Figure 2's order, for the page's "Figure 2" panel.
    pub const ALL: [Rule; 12] = [
        Rule::HigherTerm,
        Rule::ElectionTimeout,
        Rule::MajorityVotes,
        Rule::Heartbeat,
        Rule::NextIndexBackoff,
        Rule::LeaderCommit,
        Rule::VoteStaleTerm,
        Rule::VoteOnceUpToDate,
        Rule::AppendStaleTerm,
        Rule::AppendConsistency,
        Rule::AppendTruncate,
        Rule::AppendNew,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        self.data().0
    }

    /// The section of the paper it comes from.
    pub fn section(self) -> &'static str {
        self.data().1
    }

    /// Its text, as Figure 2 words it.
    pub fn text(self) -> &'static str {
        self.data().2
    }

    fn data(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Rule::HigherTerm => (
                "higher term",
                "§5.1",
                "If RPC request or response contains term T > currentTerm: set currentTerm = T, convert to follower",
            ),
            Rule::ElectionTimeout => (
                "election timeout",
                "§5.2",
                "If election timeout elapses without receiving AppendEntries RPC from current leader or granting vote to candidate: convert to candidate",
            ),
            Rule::MajorityVotes => (
                "majority of votes",
                "§5.2",
                "If votes received from majority of servers: become leader",
            ),
            Rule::Heartbeat => (
                "heartbeat",
                "§5.2",
                "Upon election: send initial empty AppendEntries RPCs (heartbeat) to each server; repeat during idle periods to prevent election timeouts",
            ),
            Rule::VoteStaleTerm => (
                "RequestVote: stale term",
                "§5.1",
                "Reply false if term < currentTerm",
            ),
            Rule::VoteOnceUpToDate => (
                "RequestVote: one vote, up-to-date log",
                "§5.2, §5.4",
                "If votedFor is null or candidateId, and candidate's log is at least as up-to-date as receiver's log, grant vote",
            ),
            Rule::AppendStaleTerm => (
                "AppendEntries: stale term",
                "§5.1",
                "Reply false if term < currentTerm",
            ),
            Rule::AppendConsistency => (
                "AppendEntries: consistency check",
                "§5.3",
                "Reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm",
            ),
            Rule::AppendTruncate => (
                "AppendEntries: delete conflicts",
                "§5.3",
                "If an existing entry conflicts with a new one (same index but different terms), delete the existing entry and all that follow it",
            ),
            Rule::AppendNew => (
                "AppendEntries: append and commit",
                "§5.3",
                "Append any new entries not already in the log; if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)",
            ),
            Rule::NextIndexBackoff => (
                "decrement nextIndex",
                "§5.3",
                "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry",
            ),
            Rule::LeaderCommit => (
                "commit by majority, own term",
                "§5.3, §5.4",
                "If there exists an N such that N > commitIndex, a majority of matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N",
            ),
        }
    }
}
