//! Membership changes (§6, thesis ch. 4): learners, joint consensus,
//! one change at a time, removed servers.

use super::harness::*;

#[test]
fn a_learner_receives_the_log_but_does_not_count_toward_commitment() {
    let mut c = Cluster::led_by_s1(3);
    let l = c.join();
    c.change(1, MembershipChange::AddLearner(s(l))).unwrap();
    c.settle(1, 3);
    assert!(c.node(l).membership().is_learner(s(l)));
    // With S2 and S3 silent, S1 and the learner are not a majority.
    let before = c.node(1).commit_index();
    c.propose(1, "x").unwrap();
    c.deliver_if(|e| e.to == s(l) || e.from == s(l));
    assert_eq!(c.node(1).commit_index(), before);
    assert_eq!(c.commands(l), vec!["x"], "the learner has the entry all the same");
    // A learner never campaigns.
    c.time_out(l);
    assert_eq!(c.node(l).role(), Role::Follower);
}

/// "Raft consensus in 2,000 words", "Scaling out".
#[test]
fn scaling_out_a_new_server_catches_up_as_a_learner_then_becomes_a_voter() {
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.settle(1, 2);
    let new = c.join();
    c.change(1, MembershipChange::AddServer(s(new))).unwrap();
    c.settle(1, 6);
    let m = c.node(1).membership().clone();
    assert!(m.voters.contains(&s(new)), "promoted once caught up: {m}");
    assert_eq!(c.commands(new), vec!["a", "b", "c"]);
    assert!(c.saw(1, |e| matches!(
        e,
        Event::ConfigChangeProposed { change: MembershipChange::PromoteLearner(_), .. }
    )));
    // Four voters now: commitment needs three.
    let before = c.node(1).commit_index();
    c.propose(1, "d").unwrap();
    c.deliver_if(|e| e.to.0 <= 2 && e.from.0 <= 2);
    assert_eq!(c.node(1).commit_index(), before, "two of four is not a majority");
}

#[test]
fn a_server_uses_the_newest_configuration_in_its_log_even_uncommitted() {
    let mut c = Cluster::led_by_s1(5);
    let new = c.join();
    c.change(1, MembershipChange::AddLearner(s(new))).unwrap();
    // S2 gets the entry; nobody acknowledges back, so it is uncommitted.
    c.deliver_if(|e| e.to == s(2));
    assert!(c.node(2).membership().is_learner(s(new)));
    assert!(c.node(2).commit_index() < c.node(2).membership_index());
    // S2 then loses it to a leader that never had it (S3, elected by S3, S4
    // and S5), and goes back to the configuration before it.
    c.queue.clear();
    c.crash(1);
    c.elect_within(3, &[3, 4, 5]);
    c.settle(3, 3);
    assert!(!c.node(2).membership().is_learner(s(new)), "the truncated configuration is gone");
}

#[test]
fn joint_consensus_needs_majorities_of_both_configurations_then_moves_to_c_new() {
    let mut c = Cluster::led_by_s1(3);
    let (a, b) = (c.join(), c.join());
    c.change(1, MembershipChange::ChangeVoters(voters(&[1, a, b]))).unwrap();
    assert!(c.node(1).membership().is_joint());
    // Only C_old's S2 and S3 acknowledge: C_new = {S1, S4, S5} has no majority.
    let joint_index = c.node(1).membership_index();
    c.deliver_if(|e| e.to.0 <= 3 && e.from.0 <= 3);
    assert!(c.node(1).commit_index() < joint_index, "a majority of C_old alone is not enough");
    c.settle(1, 6);
    let m = c.node(1).membership().clone();
    assert!(!m.is_joint(), "C_new follows once C_old,new commits: {m}");
    assert_eq!(m.voters, voters(&[1, a, b]));
    assert!(c.node(1).commit_index() >= c.node(1).membership_index());
    assert!(c.saw(1, |e| matches!(e, Event::LeavingJoint { .. })));
}

#[test]
fn a_leader_left_out_of_c_new_steps_down_once_c_new_commits() {
    let mut c = Cluster::led_by_s1(3);
    let d = c.join();
    c.change(1, MembershipChange::ChangeVoters(voters(&[2, 3, d]))).unwrap();
    c.settle(1, 8);
    assert_eq!(c.node(1).role(), Role::Follower);
    assert!(c.saw(1, |e| matches!(e, Event::RemovedFromCluster)));
    // The remaining servers elect a leader among themselves, and the removed
    // S1 never campaigns.
    c.now += 400;
    c.time_out(1);
    assert_eq!(c.node(1).role(), Role::Follower);
    c.elect(2);
    assert!(!c.node(2).voters().contains(&s(1)));
}

#[test]
fn membership_changes_go_one_at_a_time() {
    let mut c = Cluster::led_by_s1(3);
    let (a, b) = (c.join(), c.join());
    let first = c.change(1, MembershipChange::AddLearner(s(a))).unwrap();
    assert_eq!(
        c.change(1, MembershipChange::AddLearner(s(b))),
        Err(ProposeError::ConfigChangeInProgress { index: first })
    );
    assert!(matches!(
        c.change(1, MembershipChange::RemoveServer(s(9))),
        Err(ProposeError::ConfigChangeInProgress { .. })
    ));
    c.settle(1, 2);
    assert!(matches!(
        c.change(1, MembershipChange::RemoveServer(s(9))),
        Err(ProposeError::InvalidConfigChange { .. })
    ));
}

#[test]
fn a_new_leader_changes_membership_only_after_committing_an_entry_of_its_term() {
    // Without this rule, a leader of term 1 can commit entry 1 with the
    // majority of its own uncommitted single-server change ({S1 S2 S3}: S1
    // and S3) while a leader of term 2 is elected under the old
    // configuration ({S1 S2 S3 S4}: S3, S2, S4) — two quorums that need
    // not meet. The swarm's soak found exactly that.
    let mut c = Cluster::new(4);
    c.time_out(1);
    c.deliver_holding(|e| matches!(e.msg, Message::RequestVote(_) | Message::RequestVoteReply(_)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).commit_index(), 0, "its no-op is not committed yet");
    assert_eq!(
        c.change(1, MembershipChange::RemoveServer(s(4))),
        Err(ProposeError::NotCommittedInTerm)
    );
    assert_eq!(c.node(1).log().last_index(), 1, "a refused change appends nothing");
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 1);
    assert!(c.change(1, MembershipChange::RemoveServer(s(4))).is_ok());
}

#[test]
fn a_removed_server_that_missed_its_removal_does_not_disrupt_the_cluster() {
    let mut c = Cluster::led_by_s1(4);
    c.change(1, MembershipChange::RemoveServer(s(4))).unwrap();
    // S4 never hears of its removal.
    c.deliver_if(|e| e.to != s(4));
    c.settle(1, 2);
    let term = c.node(1).current_term();
    // Its timer fires again and again; the others are hearing from S1.
    for _ in 0..3 {
        c.time_out_early(4);
        c.deliver_all();
    }
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).current_term(), term, "no term inflation reached the cluster");
}

#[test]
fn a_leader_that_removed_itself_and_restarted_before_c_new_committed_can_still_be_elected() {
    // Thesis §4.2.2: until C_new commits, a server left out of it may still
    // be needed to elect a leader. Two servers: S1 removes itself, the entry
    // never reaches S2, S1 restarts. S2 cannot win without S1's vote (S1's
    // log is ahead), so S1 must campaign to finish the change.
    let mut c = Cluster::led_by_s1(2);
    c.change(1, MembershipChange::RemoveServer(s(1))).unwrap();
    c.queue.clear();
    c.crash(1);
    c.restart(1);
    c.time_out(1);
    c.deliver_all();
    // It won, replicated C_new to S2, saw it commit, and stepped down.
    assert!(c.saw(1, |e| matches!(e, Event::BecameLeader { .. })));
    assert!(c.saw(1, |e| matches!(e, Event::RemovedFromCluster)));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(2).membership().voters, voters(&[2]));
    c.elect(2);
}
