//! Leader election (§5.2) and the election restriction (§5.4.1).

use super::harness::*;

#[test]
fn election_timeout_makes_follower_a_candidate_that_votes_for_itself_in_the_next_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let n = c.node(1);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 1);
    assert_eq!(n.voted_for(), Some(s(1)));
    assert_eq!(c.disks[0].hard_state.voted_for, Some(s(1)), "the self-vote is persisted");
    assert_eq!(
        c.kinds_in_queue(),
        vec![(1, 2, "RequestVote"), (1, 3, "RequestVote")],
        "RequestVote goes to every other server"
    );
}

#[test]
fn candidate_with_votes_from_a_majority_of_all_servers_becomes_leader() {
    let mut c = Cluster::new(5);
    c.time_out(1);
    // Two granted votes (S2, S3) plus its own make 3 of 5.
    c.deliver_if(|e| e.to.0 <= 3 || e.from.0 <= 3 && e.to.0 == 1 && e.from.0 != 4);
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(c.saw(1, |e| matches!(e, Event::BecameLeader { term: 1 })));
}

#[test]
fn votes_from_a_minority_do_not_elect_even_when_the_rest_are_down() {
    let mut c = Cluster::new(5);
    c.crash(3);
    c.crash(4);
    c.crash(5);
    c.time_out(1);
    c.deliver_all();
    // S1 and S2 are 2 of 5: not a majority of all servers (the "closer look at Raft
    // internals" walkthrough).
    assert_eq!(c.node(1).role(), Role::Candidate);
}

#[test]
fn a_server_grants_at_most_one_vote_per_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.time_out(2); // S2 is now a candidate in term 1 too, and voted for itself.
    let to_s3: Vec<_> = c.queue.iter().filter(|e| e.to == s(3)).cloned().collect();
    c.queue.clear();
    for env in to_s3 {
        c.with_node(3, |n, now| n.step(now, env.from, env.msg));
    }
    assert_eq!(c.node(3).voted_for(), Some(s(1)), "first come, first served");
    assert!(c.saw(3, |e| matches!(
        e,
        Event::VoteRejected { candidate, reason: VoteRejectReason::AlreadyVoted { voted_for }, .. }
            if *candidate == s(2) && *voted_for == s(1)
    )));
}

#[test]
fn vote_refused_to_a_candidate_whose_log_is_behind() {
    // §5.4.1: a higher last term wins; with equal last terms, the longer log.
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    // S3 has an empty log; S2 has [1, 1].
    c.time_out(3);
    c.deliver_all();
    assert_ne!(c.node(3).role(), Role::Leader);
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::LogBehind { .. }, .. }
    )));
}

#[test]
fn vote_refused_for_a_stale_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let old_request = c.queue.iter().find(|e| e.to == s(2)).cloned().unwrap();
    c.queue.clear();
    c.time_out(2);
    c.time_out(2); // S2 is now in term 2.
    c.queue.clear();
    c.with_node(2, |n, now| n.step(now, old_request.from, old_request.msg));
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::StaleTerm { current_term: 2 }, .. }
    )));
}

#[test]
fn any_message_with_a_higher_term_makes_a_leader_step_down() {
    let mut c = Cluster::led_by_s1(3);
    // S3 is cut off and times out twice: term 3.
    c.time_out_early(3);
    c.time_out_early(3);
    let vote_req = c.queue.iter().rev().find(|e| e.to == s(1)).cloned().unwrap();
    c.queue.clear();
    // §6: a leader disregards the RequestVote itself …
    c.with_node(1, |n, now| n.step(now, vote_req.from, vote_req.msg));
    assert_eq!(c.node(1).role(), Role::Leader);
    // … but S3's answer to its next heartbeat carries term 3 (§5.1).
    c.heartbeat(1);
    c.deliver_if(|e| e.to == s(3) || e.from == s(3));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).current_term(), 3);
    assert_eq!(c.node(1).voted_for(), None, "a new term clears votedFor");
}

#[test]
fn candidate_concedes_to_a_leader_of_its_own_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.time_out(2);
    // S1 wins with S3's vote; S2 hears S1's AppendEntries for term 1.
    c.deliver_if(|e| !(e.from == s(2) && e.to == s(3)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).role(), Role::Follower);
    assert_eq!(c.node(2).leader(), Some(s(1)));
}

#[test]
fn a_split_vote_is_retried_in_a_new_term() {
    let mut c = Cluster::new(4);
    // S1 and S2 split S3 and S4: 2 votes each, 3 needed.
    c.time_out(1);
    c.time_out(2);
    c.deliver_if(|e| !matches!((e.from.0, e.to.0), (1, 4) | (2, 3) | (1, 2) | (2, 1)));
    assert_eq!(c.node(1).role(), Role::Candidate);
    assert_eq!(c.node(2).role(), Role::Candidate);
    // The next timeout starts term 2, which can be won.
    c.elect(1);
    assert_eq!(c.node(1).current_term(), 2);
}

#[test]
fn the_election_timeout_is_redrawn_within_its_range_at_every_reset() {
    let mut c = Cluster::new(3);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        c.time_out(1);
        let t = c.node(1).election_timeout();
        assert!((150..=300).contains(&t));
        seen.insert(t);
    }
    assert!(seen.len() > 10, "timeouts vary: {seen:?}");
}
