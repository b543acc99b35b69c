//! The rule behind each decision: events carry the values Figure 2's rules
//! compared, and name the rule (`Event::rule`), so the page can say "my
//! term 2, votedFor none, my last log (index 2, term 1): the candidate's
//! (1, 1) is behind (§5.4.1) → vote denied" without reading narration text.

use super::harness::*;
use crate::event::{CommitBy, VoteCheck};
use crate::rule::Rule;

fn events(c: &Cluster, i: u8) -> Vec<Event> {
    c.events[i as usize - 1].clone()
}

#[test]
fn a_refused_vote_carries_both_logs_the_votedfor_and_its_rule() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    // S3 has only the no-op, [1]; S2 has [1, 1]. S3 campaigns for term 2.
    c.time_out(3);
    c.deliver_all();
    let refused = events(&c, 2)
        .into_iter()
        .find(|e| matches!(e, Event::VoteRejected { candidate, .. } if *candidate == s(3)))
        .expect("S2 refused S3");
    let Event::VoteRejected { term, check, .. } = &refused else { unreachable!() };
    assert_eq!(*term, 2, "S2 adopted the candidate's term first (§5.1)");
    assert_eq!(
        *check,
        VoteCheck { candidate_term: 2, candidate_last: (1, 1), voted_for: None, my_last: (2, 1) }
    );
    assert_eq!(refused.rule(), Some(Rule::VoteOnceUpToDate));
    let bump = events(&c, 2)
        .into_iter()
        .find(|e| matches!(e, Event::SawHigherTerm { from, .. } if *from == s(3)));
    assert_eq!(bump, Some(Event::SawHigherTerm { from: s(3), term: 2, previous: 1 }));
    assert_eq!(bump.unwrap().rule(), Some(Rule::HigherTerm));
}

#[test]
fn a_granted_vote_carries_what_it_compared() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.deliver_all();
    let granted = events(&c, 2).into_iter().find(|e| matches!(e, Event::VoteGranted { .. }));
    let Some(Event::VoteGranted { candidate, term: 1, check }) = granted else {
        panic!("S2 granted its vote: {:?}", events(&c, 2))
    };
    assert_eq!(candidate, s(1));
    assert_eq!(check.voted_for, None, "nobody had S2's vote in term 1");
    assert_eq!(check.candidate_last, check.my_last, "equal logs are up to date (§5.4.1)");
}

#[test]
fn commits_say_which_rule_let_them_advance() {
    let mut c = Cluster::led_by_s1(3);
    c.propose(1, "x=1").unwrap();
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    let leader = events(&c, 1);
    let term = c.node(1).current_term();
    assert!(leader.contains(&Event::CommitAdvanced {
        commit_index: 2,
        by: CommitBy::Majority { entry_term: term, current_term: term }
    }));
    let follower = events(&c, 2);
    let commit = follower
        .iter()
        .find(|e| matches!(e, Event::CommitAdvanced { commit_index: 2, .. }))
        .expect("S2 learns the commit");
    assert!(matches!(
        commit,
        Event::CommitAdvanced { by: CommitBy::LeaderCommit { leader_commit: 2, .. }, .. }
    ));
    assert_eq!(commit.rule(), Some(Rule::AppendNew));
    let leader_commit = leader.iter().find(|e| matches!(e, Event::CommitAdvanced { .. })).unwrap();
    assert_eq!(leader_commit.rule(), Some(Rule::LeaderCommit));
}

#[test]
fn a_refused_append_carries_the_request_prev_log_and_the_consistency_rule() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.deliver_if(|e| e.to != s(3));
    c.with_node(1, |n, now| {
        n.propose(now, "x=2").unwrap();
    });
    let to3: Vec<_> = c.queue.iter().filter(|e| e.to == s(3)).cloned().collect();
    c.queue.clear();
    for env in to3 {
        c.with_node(3, |n, now| n.step(now, env.from, env.msg));
    }
    let rejected = events(&c, 3)
        .into_iter()
        .find(|e| matches!(e, Event::AppendRejected { .. }))
        .expect("S3 cannot attach the entry to its log");
    let Event::AppendRejected { prev_log, reason: AppendRejectReason::NoEntryAt { index }, .. } =
        &rejected
    else {
        panic!("{rejected:?}")
    };
    assert_eq!(prev_log.0, *index);
    assert!(prev_log.0 > c.node(3).log().last_index());
    assert_eq!(rejected.rule(), Some(Rule::AppendConsistency));
}

#[test]
fn figure_2s_rules_are_data_with_a_name_a_section_and_a_text() {
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Rule::ALL.len(), "each rule has its own name");
    for r in Rule::ALL {
        assert!(r.section().starts_with('§'), "{r:?}");
        assert!(r.text().len() > 20, "{r:?}");
    }
    assert!(Rule::LeaderCommit.text().contains("log[N].term == currentTerm"));
}
