//! Linearizable reads without log entries: ReadIndex and leases (thesis
//! §6.4).

use super::harness::*;
use crate::message::MessageKind;

#[test]
fn read_index_waits_for_a_heartbeat_round_acknowledged_by_a_majority() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.read(1, 7).unwrap();
    assert!(c.reads_ready(1).is_empty(), "not before a majority confirms leadership");
    assert_eq!(c.kinds_in_queue(), vec![(1, 2, "AppendEntries"), (1, 3, "AppendEntries")]);
    c.deliver_all();
    assert_eq!(c.reads_ready(1), vec![(7, 2)], "read index = commitIndex when the read arrived");
}

#[test]
fn a_stale_leader_in_a_minority_never_answers_a_read_index_read() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.elect(1);
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    // S1 and S2 are cut off; S3 wins term 2 among S3, S4, S5.
    c.elect_within(3, &[3, 4, 5]);
    c.read(1, 1).unwrap();
    for _ in 0..5 {
        c.heartbeat(1);
        c.deliver_within(&[1, 2]);
    }
    assert_eq!(c.node(1).role(), Role::Leader, "it still believes it leads");
    assert!(c.reads_ready(1).is_empty(), "but it never answers");
}

#[test]
fn a_leader_left_out_of_a_one_voter_configuration_does_not_read_alone() {
    // S1 moves the cluster to C_new = {S2} and keeps leading until C_new
    // commits (§6). That configuration has one voter, but it is not S1:
    // S1 must not answer reads as if it alone were the cluster. (The
    // swarm's soak caught a stale read this way.)
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.change(1, MembershipChange::ChangeVoters([s(2)].into_iter().collect())).unwrap();
    // C_old,new commits with S2 and S3; S1 appends C_new, which S2 never gets.
    c.deliver_if(|e| !(e.to == s(2) && c_new_in(e)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(!c.node(1).membership().is_joint(), "S1 uses C_new");
    assert!(!c.node(1).membership().is_voter(s(1)));
    c.read(1, 9).unwrap();
    assert!(c.reads_ready(1).is_empty(), "S1 is not a quorum of {{S2}}");
}

#[test]
fn a_removed_server_that_forwards_a_read_is_refused_not_left_waiting() {
    // S3 was removed but never heard of it, so it still forwards reads to
    // S1. S1 sends it no entries, so a read index would never be applied
    // there: S1 refuses, and S3 can send its client to the leader.
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.change(1, MembershipChange::RemoveServer(s(3))).unwrap();
    c.deliver_if(|e| e.to != s(3));
    assert!(!c.node(1).membership().members().contains(&s(3)));
    c.read(3, 5).unwrap();
    c.deliver_all();
    assert!(c.reads_ready(3).is_empty(), "no read index for a server outside the configuration");
    assert!(c.events[2].iter().any(|e| matches!(e, Event::ReadRefused { ctx: 5 })));
    // A member's forwarded read is still served.
    c.read(2, 6).unwrap();
    c.deliver_all();
    assert_eq!(c.reads_ready(2).len(), 1);
}

#[test]
fn the_stale_reads_bug_switch_answers_without_confirmation() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.bugs.stale_leader_serves_reads = true);
    c.elect(1);
    c.deliver_all();
    c.elect_within(3, &[3, 4, 5]);
    c.read(1, 1).unwrap();
    assert_eq!(c.reads_ready(1).len(), 1, "the deposed leader answered at once");
}

#[test]
fn a_new_leader_holds_reads_until_it_commits_an_entry_of_its_term() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.time_out(1);
    c.deliver_holding(|e| {
        matches!(e.msg.kind(), MessageKind::RequestVote | MessageKind::RequestVoteReply)
    });
    assert_eq!(c.node(1).role(), Role::Leader);
    c.read(1, 3).unwrap();
    c.deliver_all(); // the no-op commits, then the read's heartbeat round
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.reads_ready(1), vec![(3, 1)]);
}

#[test]
fn a_lease_answers_at_once_while_a_majority_recently_acknowledged() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::Lease);
    assert!(c.node(1).lease_until() > c.now);
    c.read(1, 9).unwrap();
    assert_eq!(c.reads_ready(1), vec![(9, 2)], "no round trip needed");
    // Once the lease runs out without acknowledgements, reads need a round.
    c.now = c.node(1).lease_until();
    c.read(1, 10).unwrap();
    assert_eq!(c.reads_ready(1).len(), 1);
}

#[test]
fn a_follower_forwards_a_read_and_serves_it_at_the_leaders_read_index() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.read(2, 5).unwrap();
    assert_eq!(c.kinds_in_queue(), vec![(2, 1, "ReadIndex")]);
    c.deliver_all();
    assert_eq!(c.reads_ready(2), vec![(5, 2)]);
    assert!(c.node(2).last_applied() >= 2, "it can answer from its own state machine");
}
