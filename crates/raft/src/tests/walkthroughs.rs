//! The seed articles' walkthroughs, step by step: "Raft consensus in
//! 2,000 words" and the "closer look at Raft internals" walkthrough.

use super::harness::*;

/// "Raft consensus in 2,000 words" lists four situations a leader meets in
/// a follower's log. Build each one and check the leader repairs it to
/// equal its own.
#[test]
fn raft_in_2000_words_the_four_follower_log_cases_all_converge_on_the_leaders_log() {
    // Missing entries: S3 was down while S1 replicated.
    let mut missing = Cluster::led_by_s1(3);
    missing.crash(3);
    for cmd in ["x=1", "y=2"] {
        missing.propose(1, cmd).unwrap();
    }
    missing.deliver_all();
    missing.restart(3);
    // The same: S2 already holds everything.
    // Past inconsistent entries / future inconsistent entries: see below.
    for _ in 0..6 {
        missing.heartbeat(1);
        missing.deliver_all();
    }
    assert_eq!(missing.terms(3), missing.terms(1), "missing entries are filled in");
    assert_eq!(missing.terms(2), missing.terms(1), "an in-sync log stays the same");

    // Inconsistent entries: S1 (term 1) wrote entries only it holds, S2 leads
    // term 2 and writes others. When S1 returns, both its past (entries where
    // S2 has different ones) and future (entries beyond S2's log)
    // inconsistent entries must go.
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["p1", "p2", "p3", "p4"] {
        c.propose(1, cmd).unwrap();
    }
    c.queue.clear();
    c.elect_within(2, &[2, 3]);
    c.propose(2, "q1").unwrap();
    c.deliver_within(&[2, 3]);
    assert!(c.node(1).log().last_index() > c.node(2).log().last_index(), "S1 has future entries");
    for _ in 0..10 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.terms(1), c.terms(2));
    assert_eq!(c.commands(1), vec!["q1"]);
}

/// The "closer look at Raft internals" walkthrough, step by step. Our leaders append a no-op when
/// elected (§8), so each term's entries sit one index later than the article's
/// pictures; the story is the same.
#[test]
fn closer_look_walkthrough_put_crash_reelection_and_reconciliation() {
    let mut c = Cluster::new(3);
    // "S1 is the leader for term 1."
    c.elect(1);
    c.deliver_all();
    // "The client initiates the Put(x, 1) operation." S2 answers first.
    c.propose(1, "Put(x, 1)").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    assert_eq!(c.node(1).commit_index(), 2, "on 2 of 3 servers: committed");
    assert_eq!(c.applied_commands(1), vec!["Put(x, 1)"]);
    c.heartbeat(1);
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    assert_eq!(c.applied_commands(2), vec!["Put(x, 1)"], "S2 learns commitIndex");
    // "After a short network lag, S3 catches up."
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.applied_commands(3), vec!["Put(x, 1)"]);
    // "Put(y, 2) and Put(x, 3) ... once again, S3 remains unresponsive."
    c.propose(1, "Put(y, 2)").unwrap();
    c.propose(1, "Put(x, 3)").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    c.queue.clear();
    // "The client requests Put(x, 4). S1 appends it ... but crashes."
    c.propose(1, "Put(x, 4)").unwrap();
    c.crash(1);
    c.queue.clear();
    // "S3 was the first to start a new election for term 2, but it cannot
    // become a leader": S2's log is more up-to-date.
    c.time_out(3);
    c.deliver_all();
    assert_eq!(c.node(3).current_term(), 2);
    assert_ne!(c.node(3).role(), Role::Leader);
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::LogBehind { .. }, .. }
    )));
    // "This occurs for term 3": S2 wins, then the client's Put(x, 5).
    c.elect(2);
    assert_eq!(c.node(2).current_term(), 3);
    c.propose(2, "Put(x, 5)").unwrap();
    c.deliver_all();
    c.heartbeat(2);
    c.deliver_all();
    assert_eq!(c.commands(3), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"]);
    // "S1 comes back": only persistent state survived.
    c.restart(1);
    assert_eq!(c.node(1).commit_index(), 0);
    assert_eq!(c.commands(1), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 4)"]);
    // "After noticing S2's messages, S1 will update its term to 3 ... replace
    // its log entry ... only after the logs are reconciled, increase the
    // commitIndex ... then apply all those operations."
    for _ in 0..6 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.node(1).current_term(), 3);
    assert_eq!(c.commands(1), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"]);
    assert_eq!(c.node(1).commit_index(), c.node(2).commit_index());
    assert_eq!(
        c.applied_commands(1),
        vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"],
        "Put(x, 4) was never committed, so it was never applied"
    );
}
