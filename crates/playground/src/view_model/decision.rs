//! The rule behind a narrated decision and the values it compared, read
//! from the event's data ([`raft::Event::rule`], [`raft::VoteCheck`], …),
//! never from narration text: "RequestVote from S3 (term 3, last log
//! (index 4, term 2)); my term 3, votedFor none, my last log (index 5,
//! term 2) → vote refused".

use raft::{CommitBy, Event, LogIndex, NodeId, Rule, Term, VoteCheck};

/// "(index 4, term 2)".
fn last(l: (LogIndex, Term)) -> String {
    format!("(index {}, term {})", l.0, l.1)
}

fn vote(candidate: NodeId, term: Term, c: &VoteCheck, outcome: &str) -> String {
    let voted = c.voted_for.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
    format!(
        "RequestVote from {candidate} (term {}, last log {}); my term {term}, votedFor {voted}, my last log {} → {outcome}",
        c.candidate_term,
        last(c.candidate_last),
        last(c.my_last)
    )
}

/// The values a decision compared, in words, if it applied a Figure 2 rule.
pub fn decision(event: &Event) -> Option<(Rule, String)> {
    let rule = event.rule()?;
    let values = match event {
        Event::VoteGranted { candidate, term, check } => vote(*candidate, *term, check, "vote granted"),
        Event::VoteRejected { candidate, term, check, reason } => {
            vote(*candidate, *term, check, &format!("vote refused: {reason}"))
        }
        Event::AppendAccepted { leader, prev_log, match_index, .. } => format!(
            "AppendEntries from {leader} with prevLogIndex {}, prevLogTerm {}: my log has that entry → accepted, matches through {match_index}",
            prev_log.0, prev_log.1
        ),
        Event::AppendRejected { leader, prev_log, reason } => format!(
            "AppendEntries from {leader} with prevLogIndex {}, prevLogTerm {} → rejected: {reason}",
            prev_log.0, prev_log.1
        ),
        Event::CommitAdvanced { commit_index, by: CommitBy::Majority { entry_term, current_term } } => {
            let own = if entry_term == current_term { "its own term" } else { "an earlier term: only the bug switch allows this" };
            format!("a majority's matchIndex ≥ {commit_index}; log[{commit_index}].term = {entry_term}, currentTerm {current_term} ({own}) → commitIndex {commit_index}")
        }
        Event::CommitAdvanced { commit_index, by: CommitBy::LeaderCommit { leader_commit, last_new } } => {
            format!("min(leaderCommit {leader_commit}, last new entry {last_new}) = {commit_index} → commitIndex {commit_index}")
        }
        Event::SawHigherTerm { from, term, previous } => {
            format!("{from}'s term {term} > my currentTerm {previous} → adopt it, become follower")
        }
        other => other.to_string(),
    };
    Some((rule, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_vote_reads_its_values_and_rule() {
        let check = VoteCheck {
            candidate_term: 3,
            candidate_last: (4, 2),
            voted_for: None,
            my_last: (5, 2),
        };
        let reason =
            raft::VoteRejectReason::LogBehind { candidate_last: (4, 2), voter_last: (5, 2) };
        let e = Event::VoteRejected { candidate: NodeId(3), term: 3, reason, check };
        let (rule, text) = decision(&e).unwrap();
        assert_eq!(rule, Rule::VoteOnceUpToDate);
        assert!(text.starts_with("RequestVote from S3 (term 3, last log (index 4, term 2)); my term 3, votedFor none, my last log (index 5, term 2) → vote refused"), "{text}");
        assert!(decision(&Event::RemovedFromCluster).is_none(), "beyond Figure 2");
    }
}
