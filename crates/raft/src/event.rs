//! Typed events: every decision a server makes, with its reason, so the page
//! can narrate it ("S3 rejected AppendEntries: no entry at index 7").

use crate::family::Family;
use crate::rule::Rule;
use crate::types::{LogIndex, NodeId, Role, Term};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a vote was refused (§5.2, §5.4.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteRejectReason {
    /// The candidate's term is older than the voter's currentTerm.
    StaleTerm {
        /// The voter's currentTerm.
        current_term: Term,
    },
    /// The voter already voted for someone else in this term.
    AlreadyVoted {
        /// Who got the vote.
        voted_for: NodeId,
    },
    /// PreVote: the voter heard from a leader within the minimum election
    /// timeout, so it sees no reason for an election (thesis §9.6).
    LeaderIsAlive {
        /// The leader it heard from.
        leader: NodeId,
    },
    /// The voter is the leader itself, alive and well (PreVote, thesis §9.6).
    VoterLeads,
    /// The candidate's log is behind the voter's (§5.4.1).
    LogBehind {
        /// The candidate's last (index, term).
        candidate_last: (LogIndex, Term),
        /// The voter's last (index, term).
        voter_last: (LogIndex, Term),
    },
}

impl fmt::Display for VoteRejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoteRejectReason::StaleTerm { current_term } => {
                write!(f, "candidate's term is behind (voter is in term {current_term})")
            }
            VoteRejectReason::AlreadyVoted { voted_for } => {
                write!(f, "already voted for {voted_for} in this term")
            }
            VoteRejectReason::LeaderIsAlive { leader } => {
                write!(f, "it heard from leader {leader} less than an election timeout ago")
            }
            VoteRejectReason::VoterLeads => write!(f, "it is the leader and still leads"),
            VoteRejectReason::LogBehind { candidate_last, voter_last } => write!(
                f,
                "candidate's log is behind (its last entry is index {} term {}, ours is index {} term {})",
                candidate_last.0, candidate_last.1, voter_last.0, voter_last.1
            ),
        }
    }
}

/// What a voter compared when it answered a RequestVote (Figure 2,
/// RequestVote receiver; §5.2, §5.4.1). The voter's own currentTerm is the
/// event's `term`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCheck {
    /// The candidate's term.
    pub candidate_term: Term,
    /// The candidate's last log entry, (index, term).
    pub candidate_last: (LogIndex, Term),
    /// Whom the voter had voted for in its term, before answering.
    pub voted_for: Option<NodeId>,
    /// The voter's last log entry, (index, term).
    pub my_last: (LogIndex, Term),
}

/// How commitIndex was allowed to advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitBy {
    /// A leader: a majority's matchIndex reached the index, whose entry has
    /// `entry_term`; Figure 2 commits it only if that is `current_term`
    /// (§5.4.2; the `commit_by_counting_old_terms` bug switch skips that).
    Majority {
        /// The term of the entry at the new commitIndex.
        entry_term: Term,
        /// The leader's currentTerm.
        current_term: Term,
    },
    /// A follower: min(leaderCommit, index of the last new entry) (Figure
    /// 2, AppendEntries receiver rule 5).
    LeaderCommit {
        /// The request's leaderCommit.
        leader_commit: LogIndex,
        /// The last index the request vouched for.
        last_new: LogIndex,
    },
    /// The `keep_commit_index_on_restart` bug switch: the whole log on disk
    /// counted as committed at restart.
    WholeLogOnRestart,
}

/// Why an AppendEntries was refused (§5.1, §5.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppendRejectReason {
    /// The sender's term is older: it is not the current leader.
    StaleTerm {
        /// The receiver's currentTerm.
        current_term: Term,
    },
    /// The follower's log is too short to hold prevLogIndex.
    NoEntryAt {
        /// The request's prevLogIndex.
        index: LogIndex,
    },
    /// The follower has an entry at prevLogIndex but from another term.
    TermMismatch {
        /// The request's prevLogIndex.
        index: LogIndex,
        /// The follower's term there.
        ours: Term,
        /// The leader's term there (prevLogTerm).
        theirs: Term,
    },
}

impl fmt::Display for AppendRejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppendRejectReason::StaleTerm { current_term } => {
                write!(f, "sender's term is behind (we are in term {current_term})")
            }
            AppendRejectReason::NoEntryAt { index } => write!(f, "no entry at index {index}"),
            AppendRejectReason::TermMismatch { index, ours, theirs } => {
                write!(f, "entry at index {index} has term {ours}, leader expected term {theirs}")
            }
        }
    }
}

/// Something a server decided or noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// No word from a leader within the election timeout: start an election
    /// for `term` (§5.2).
    ElectionTimeout {
        /// The new term.
        term: Term,
    },
    /// The server became a candidate in `term` and voted for itself.
    BecameCandidate {
        /// Its term.
        term: Term,
    },
    /// The server won a majority of votes and leads `term`.
    BecameLeader {
        /// Its term.
        term: Term,
    },
    /// The server became (or stayed) a follower.
    BecameFollower {
        /// Its term.
        term: Term,
        /// The role it had before.
        previous: Role,
    },
    /// A message carried a higher term, so the server adopted it (§5.1).
    SawHigherTerm {
        /// Who sent it.
        from: NodeId,
        /// The new currentTerm.
        term: Term,
        /// The currentTerm before.
        previous: Term,
    },
    /// PreVote: the server asks whether it could win `term` before starting
    /// an election (thesis §9.6).
    BecamePreCandidate {
        /// The term it would campaign in.
        term: Term,
    },
    /// The server answered a PreVote.
    PreVoteAnswered {
        /// The asking server.
        candidate: NodeId,
        /// The term asked about.
        term: Term,
        /// Why not, if refused.
        refused: Option<VoteRejectReason>,
    },
    /// A pre-candidate counted a pre-vote.
    PreVoteReceived {
        /// The voter.
        from: NodeId,
        /// Granted or not.
        granted: bool,
        /// Pre-votes granted so far, including its own.
        votes: usize,
        /// Pre-votes needed.
        needed: usize,
    },
    /// A follower ignored a RequestVote because it heard from its leader
    /// within the minimum election timeout (§6, CheckQuorum).
    VoteIgnoredLeaderAlive {
        /// The candidate.
        candidate: NodeId,
        /// The leader it heard from.
        leader: NodeId,
    },
    /// CheckQuorum: the leader heard from too few servers in an election
    /// timeout and stepped down (thesis §6.2).
    LostQuorum {
        /// Servers heard from, itself included.
        active: usize,
        /// Servers needed.
        needed: usize,
    },
    /// The leader began handing leadership to `target` (thesis §3.10).
    TransferStarted {
        /// The chosen successor.
        target: NodeId,
    },
    /// The target is caught up: the leader told it to time out now.
    TimeoutNowSent {
        /// The chosen successor.
        target: NodeId,
    },
    /// The transfer did not finish within an election timeout; the leader
    /// accepts commands again.
    TransferAborted {
        /// The chosen successor.
        target: NodeId,
    },
    /// The server got TimeoutNow and starts an election at once.
    TimeoutNowReceived {
        /// The leader handing over.
        from: NodeId,
    },
    /// A read arrived; it waits for a heartbeat round to confirm leadership
    /// (ReadIndex) or for this leader's first commit in its term.
    ReadQueued {
        /// The read's tag.
        ctx: u64,
        /// Its read index (the commitIndex when it arrived).
        index: LogIndex,
    },
    /// A read may be answered once lastApplied reaches `index`.
    ReadReady {
        /// The read's tag.
        ctx: u64,
        /// Its read index.
        index: LogIndex,
        /// How it was confirmed: "heartbeat round", "leader lease", or "not
        /// confirmed" (a bug switch).
        how: &'static str,
    },
    /// The leader refused a forwarded read: this server is not in its
    /// configuration and would never catch up to a read index.
    ReadRefused {
        /// The read's tag.
        ctx: u64,
    },
    /// A follower forwarded a read to the leader.
    ReadForwarded {
        /// The read's tag.
        ctx: u64,
        /// The leader.
        leader: NodeId,
    },
    /// A configuration entry took effect on this server (§6: as soon as it
    /// is in the log).
    ConfigurationInEffect {
        /// Its log index.
        index: LogIndex,
        /// The configuration.
        membership: crate::membership::Membership,
    },
    /// The leader appended a configuration change.
    ConfigChangeProposed {
        /// Its log index.
        index: LogIndex,
        /// What changes.
        change: crate::membership::MembershipChange,
    },
    /// C_old,new is committed: the leader appends C_new.
    LeavingJoint {
        /// Index of the C_new entry.
        index: LogIndex,
    },
    /// C_new, which leaves this leader out, is committed: it steps down.
    RemovedFromCluster,
    /// The server compacted its log into a snapshot (§7).
    SnapshotTaken {
        /// The last index the snapshot covers.
        index: LogIndex,
        /// Entries discarded from the log.
        discarded: usize,
    },
    /// A follower's nextIndex is below the leader's first stored entry: the
    /// leader sends its snapshot instead (§7).
    SnapshotSent {
        /// The follower.
        peer: NodeId,
        /// The snapshot's last index.
        index: LogIndex,
    },
    /// The server installed the leader's snapshot, replacing its state
    /// machine and the log it covers.
    SnapshotInstalled {
        /// The snapshot's last index.
        index: LogIndex,
        /// The leader.
        leader: NodeId,
    },
    /// The server granted its vote.
    VoteGranted {
        /// The candidate.
        candidate: NodeId,
        /// The term of the vote.
        term: Term,
        /// What was compared.
        check: VoteCheck,
    },
    /// The server refused a vote.
    VoteRejected {
        /// The candidate.
        candidate: NodeId,
        /// The voter's term.
        term: Term,
        /// Why.
        reason: VoteRejectReason,
        /// What was compared.
        check: VoteCheck,
    },
    /// A candidate counted a vote.
    VoteReceived {
        /// The voter.
        from: NodeId,
        /// Granted or not.
        granted: bool,
        /// Votes granted so far, including its own.
        votes: usize,
        /// Votes needed to win.
        needed: usize,
    },
    /// A leader accepted a client command at `index`.
    Proposed {
        /// Its log index.
        index: LogIndex,
    },
    /// A new leader appended its no-op entry (§8).
    AppendedNoop {
        /// Its log index.
        index: LogIndex,
    },
    /// A follower stored entries from the leader.
    AppendAccepted {
        /// The leader.
        leader: NodeId,
        /// The follower now agrees with the leader through this index.
        match_index: LogIndex,
        /// Entries newly written to the log.
        appended: usize,
        /// The request's (prevLogIndex, prevLogTerm), which matched.
        prev_log: (LogIndex, Term),
    },
    /// A follower refused an AppendEntries.
    AppendRejected {
        /// The sender.
        leader: NodeId,
        /// Why.
        reason: AppendRejectReason,
        /// The request's (prevLogIndex, prevLogTerm).
        prev_log: (LogIndex, Term),
    },
    /// A follower deleted a suffix of its log that conflicted with the
    /// leader's (§5.3).
    ConflictTruncated {
        /// The first deleted index.
        from_index: LogIndex,
        /// How many entries were deleted.
        removed: usize,
    },
    /// A leader moved a follower's nextIndex back after a rejection.
    NextIndexBackedOff {
        /// The follower.
        peer: NodeId,
        /// Its new nextIndex.
        next_index: LogIndex,
    },
    /// commitIndex advanced.
    CommitAdvanced {
        /// The new commitIndex.
        commit_index: LogIndex,
        /// Which rule allowed it, with the values it compared.
        by: CommitBy,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::ElectionTimeout { term } => {
                write!(f, "election timeout: starting an election for term {term}")
            }
            Event::BecameCandidate { term } => write!(f, "became candidate for term {term}"),
            Event::BecamePreCandidate { term } => {
                write!(f, "asks for pre-votes: could it win term {term}?")
            }
            Event::PreVoteAnswered { candidate, term, refused: None } => {
                write!(f, "granted its pre-vote to {candidate} for term {term}")
            }
            Event::PreVoteAnswered { candidate, refused: Some(r), .. } => {
                write!(f, "refused its pre-vote to {candidate}: {r}")
            }
            Event::PreVoteReceived { from, granted, votes, needed } => write!(
                f,
                "{} pre-vote from {from} ({votes} of {needed} needed)",
                if *granted { "got a" } else { "was refused a" }
            ),
            Event::VoteIgnoredLeaderAlive { candidate, leader } => write!(
                f,
                "ignored {candidate}'s RequestVote: it heard from leader {leader} less than an election timeout ago"
            ),
            Event::LostQuorum { active, needed } => write!(
                f,
                "heard from only {active} of the {needed} servers it needs: stepping down (CheckQuorum)"
            ),
            Event::TransferStarted { target } => {
                write!(f, "is handing leadership to {target}; new commands wait")
            }
            Event::TimeoutNowSent { target } => {
                write!(f, "{target} is caught up: sent it TimeoutNow")
            }
            Event::TransferAborted { target } => {
                write!(f, "gave up handing leadership to {target}")
            }
            Event::ConfigurationInEffect { index, membership } => {
                write!(f, "now uses the configuration at index {index}: {membership}")
            }
            Event::ConfigChangeProposed { index, change } => {
                write!(f, "appended a configuration change at index {index}: {change}")
            }
            Event::LeavingJoint { index } => {
                write!(f, "C_old,new is committed: appended C_new at index {index}")
            }
            Event::RemovedFromCluster => {
                write!(f, "is not in the committed configuration: stepping down")
            }
            Event::SnapshotTaken { index, discarded } => write!(
                f,
                "took a snapshot through index {index} and discarded {}",
                entries(*discarded as u64)
            ),
            Event::SnapshotSent { peer, index } => write!(
                f,
                "{peer} needs entries already compacted: sent it the snapshot through index {index}"
            ),
            Event::SnapshotInstalled { index, leader } => {
                write!(f, "installed {leader}'s snapshot through index {index}")
            }
            Event::ReadQueued { index, .. } => write!(
                f,
                "holds a read at index {index} until a majority confirms it still leads"
            ),
            Event::ReadReady { index, how, .. } => {
                write!(f, "may answer a read once it has applied index {index} ({how})")
            }
            Event::ReadForwarded { leader, .. } => write!(f, "forwarded a read to leader {leader}"),
            Event::ReadRefused { .. } => {
                write!(f, "had a read refused: it is not in the leader's configuration")
            }
            Event::TimeoutNowReceived { from } => {
                write!(f, "got TimeoutNow from {from}: starting an election now")
            }
            Event::BecameLeader { term } => write!(f, "won the election: leader for term {term}"),
            Event::BecameFollower { term, previous } => {
                write!(f, "became follower in term {term} (was {})", previous.name())
            }
            Event::SawHigherTerm { from, term, .. } => {
                write!(f, "saw term {term} from {from}: adopting it")
            }
            Event::VoteGranted { candidate, term, .. } => {
                write!(f, "granted its vote to {candidate} for term {term}")
            }
            Event::VoteRejected { candidate, reason, .. } => {
                write!(f, "refused its vote to {candidate}: {reason}")
            }
            Event::VoteReceived { from, granted, votes, needed } => write!(
                f,
                "{} vote from {from} ({votes} of {needed} needed)",
                if *granted { "got a" } else { "was refused a" }
            ),
            Event::Proposed { index } => write!(f, "appended a client command at index {index}"),
            Event::AppendedNoop { index } => write!(f, "appended its no-op entry at index {index}"),
            Event::AppendAccepted { leader, match_index, appended, .. } => {
                if *appended == 0 {
                    write!(
                        f,
                        "accepted AppendEntries from {leader} (log matches through {match_index})"
                    )
                } else {
                    let n = entries(*appended as u64);
                    write!(f, "stored {n} from {leader} (log matches through {match_index})")
                }
            }
            Event::AppendRejected { leader, reason, .. } => {
                write!(f, "rejected AppendEntries from {leader}: {reason}")
            }
            Event::ConflictTruncated { from_index, removed } => {
                let n = entries(*removed as u64);
                write!(f, "deleted {n} from index {from_index} on: they conflict with the leader's log")
            }
            Event::NextIndexBackedOff { peer, next_index } => {
                write!(f, "moved nextIndex for {peer} back to {next_index}")
            }
            Event::CommitAdvanced { commit_index, .. } => {
                write!(f, "commitIndex advanced to {commit_index}")
            }
        }
    }
}

/// "1 entry", "3 entries": a count of log entries in words.
fn entries(n: u64) -> String {
    if n == 1 {
        "1 entry".to_string()
    } else {
        format!("{n} entries")
    }
}

impl Event {
    /// The rule of Figure 2 the decision applied, if it is one of them
    /// (PreVote, CheckQuorum, reads, membership and snapshots are beyond
    /// Figure 2).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Event::SawHigherTerm { .. } => Rule::HigherTerm,
            Event::ElectionTimeout { .. } | Event::BecameCandidate { .. } => Rule::ElectionTimeout,
            Event::BecameLeader { .. } | Event::VoteReceived { .. } => Rule::MajorityVotes,
            Event::VoteRejected { reason: VoteRejectReason::StaleTerm { .. }, .. } => {
                Rule::VoteStaleTerm
            }
            Event::VoteGranted { .. } | Event::VoteRejected { .. } => Rule::VoteOnceUpToDate,
            Event::AppendRejected { reason: AppendRejectReason::StaleTerm { .. }, .. } => {
                Rule::AppendStaleTerm
            }
            Event::AppendRejected { .. } => Rule::AppendConsistency,
            Event::ConflictTruncated { .. } => Rule::AppendTruncate,
            Event::AppendAccepted { .. } => Rule::AppendNew,
            Event::NextIndexBackedOff { .. } => Rule::NextIndexBackoff,
            Event::CommitAdvanced { by: CommitBy::LeaderCommit { .. }, .. } => Rule::AppendNew,
            Event::CommitAdvanced { .. } => Rule::LeaderCommit,
            _ => return None,
        })
    }

    /// The part of Raft the decision belongs to.
    pub fn family(&self) -> Family {
        match self {
            Event::ElectionTimeout { .. }
            | Event::BecameCandidate { .. }
            | Event::BecameLeader { .. }
            | Event::BecameFollower { .. }
            | Event::SawHigherTerm { .. }
            | Event::BecamePreCandidate { .. }
            | Event::PreVoteAnswered { .. }
            | Event::PreVoteReceived { .. }
            | Event::VoteIgnoredLeaderAlive { .. }
            | Event::LostQuorum { .. }
            | Event::TransferStarted { .. }
            | Event::TimeoutNowSent { .. }
            | Event::TransferAborted { .. }
            | Event::TimeoutNowReceived { .. }
            | Event::VoteGranted { .. }
            | Event::VoteRejected { .. }
            | Event::VoteReceived { .. } => Family::Election,
            Event::ReadQueued { .. }
            | Event::ReadReady { .. }
            | Event::ReadRefused { .. }
            | Event::ReadForwarded { .. } => Family::Read,
            Event::ConfigurationInEffect { .. }
            | Event::ConfigChangeProposed { .. }
            | Event::LeavingJoint { .. }
            | Event::RemovedFromCluster => Family::Membership,
            Event::SnapshotTaken { .. }
            | Event::SnapshotSent { .. }
            | Event::SnapshotInstalled { .. } => Family::Snapshot,
            Event::Proposed { .. }
            | Event::AppendedNoop { .. }
            | Event::AppendAccepted { .. }
            | Event::AppendRejected { .. }
            | Event::ConflictTruncated { .. }
            | Event::NextIndexBackedOff { .. }
            | Event::CommitAdvanced { .. } => Family::Replication,
        }
    }
}
