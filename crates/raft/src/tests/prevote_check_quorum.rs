//! PreVote (thesis §9.6) and CheckQuorum (thesis §6.2): a partitioned
//! server cannot disrupt a healthy cluster, and a leader cut off from a
//! majority steps down.

use super::harness::*;

#[test]
fn without_prevote_a_partitioned_server_returns_with_a_huge_term_and_deposes_the_leader() {
    let mut c = Cluster::led_by_s1(3);
    isolate_and_time_out(&mut c, 3, 5);
    assert_eq!(c.node(3).current_term(), 6, "each timeout raised its term");
    // The partition heals; the leader's next heartbeat meets S3's huge term.
    c.heartbeat(1);
    c.deliver_all();
    assert_ne!(c.node(1).role(), Role::Leader, "the healthy leader was deposed");
    assert!(c.node(1).current_term() >= 6);
}

#[test]
fn with_prevote_a_partitioned_server_keeps_its_term_and_the_leader_stays() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    let term = c.node(1).current_term();
    isolate_and_time_out(&mut c, 3, 5);
    assert_eq!(c.node(3).role(), Role::PreCandidate);
    assert_eq!(c.node(3).current_term(), term, "pre-votes do not raise the term");
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).current_term(), term);
    assert_eq!(c.node(3).role(), Role::Follower, "S3 rejoined as a follower");
}

#[test]
fn prevote_is_refused_while_the_voter_hears_from_a_live_leader() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    c.time_out_early(3);
    c.deliver_all();
    assert!(c.saw(2, |e| matches!(
        e,
        Event::PreVoteAnswered { refused: Some(VoteRejectReason::LeaderIsAlive { leader }), .. } if *leader == s(1)
    )));
    assert!(c.saw(1, |e| matches!(
        e,
        Event::PreVoteAnswered { refused: Some(VoteRejectReason::VoterLeads), .. }
    )));
    assert_eq!(c.node(1).role(), Role::Leader);
}

#[test]
fn prevote_majority_leads_to_a_real_election_when_the_leader_is_gone() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    c.crash(1);
    c.now += 400; // longer than any election timeout: nobody is in contact
    c.elect(2);
    assert!(c.saw(2, |e| matches!(e, Event::BecamePreCandidate { .. })));
    assert!(c.saw(3, |e| matches!(e, Event::PreVoteAnswered { refused: None, .. })));
}

#[test]
fn check_quorum_makes_a_leader_cut_off_from_the_majority_step_down() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    // S1 keeps only S2: two of five.
    for _ in 0..6 {
        c.heartbeat(1);
        c.deliver_if(|e| e.from.0 <= 2 && e.to.0 <= 2);
    }
    assert_eq!(c.node(1).role(), Role::Follower);
    assert!(c.saw(1, |e| matches!(e, Event::LostQuorum { active: 2, needed: 3 })));
}

#[test]
fn without_check_quorum_a_cut_off_leader_keeps_believing_it_leads() {
    let mut c = Cluster::led_by_s1(5);
    for _ in 0..6 {
        c.heartbeat(1);
        c.deliver_if(|e| e.from.0 <= 2 && e.to.0 <= 2);
    }
    assert_eq!(c.node(1).role(), Role::Leader);
}

#[test]
fn followers_ignore_request_vote_while_their_leader_is_alive() {
    // §6: "servers disregard RequestVote RPCs when they believe a current
    // leader exists", so a server cut off from the leader cannot disrupt.
    let mut c = Cluster::led_by_s1(3);
    let term = c.node(2).current_term();
    c.time_out_early(3);
    c.deliver_if(|e| e.to == s(2));
    assert!(c.saw(2, |e| matches!(e, Event::VoteIgnoredLeaderAlive { .. })));
    assert_eq!(c.node(2).current_term(), term, "the disruptive term was not adopted");
}

#[test]
fn a_leader_that_steps_down_in_its_own_term_names_no_leader() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    // Two CheckQuorum windows: the first still counts the election replies.
    for _ in 0..8 {
        c.heartbeat(1);
        c.queue.clear();
        if c.node(1).role() != Role::Leader {
            break;
        }
    }
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).leader(), None, "it must not redirect clients to itself");
    assert_eq!(c.propose(1, "x"), Err(ProposeError::NotLeader { leader_hint: None }));
}
