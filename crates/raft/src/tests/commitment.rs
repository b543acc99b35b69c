//! Commitment (§5.3, §5.4.2): when a leader may call an entry
//! committed, and how followers learn it.

use super::harness::*;
use crate::message::MessageKind;

#[test]
fn leader_commits_once_a_majority_stores_an_entry_of_its_term() {
    let mut c = Cluster::led_by_s1(5);
    c.propose(1, "x=1").unwrap();
    // Only S2 acknowledges: 2 of 5 is not enough.
    c.deliver_if(|e| e.to == s(2) || e.from == s(2));
    assert_eq!(c.node(1).commit_index(), 1);
    c.queue.clear();
    c.heartbeat(1);
    c.deliver_if(|e| e.to.0 <= 3 || e.to == s(1) && e.from.0 <= 3);
    assert_eq!(c.node(1).commit_index(), 2, "S1, S2, S3 are 3 of 5");
    assert_eq!(c.applied_commands(1), vec!["x=1"]);
}

#[test]
fn leader_never_commits_an_earlier_term_entry_by_counting_replicas() {
    // §5.4.2 and Figure 8: an entry from an earlier term that is stored on a
    // majority is still not known to be committed; only entries of the
    // leader's current term are committed by counting replicas.
    let mut c = Cluster::led_by_s1(5);
    c.propose(1, "fig8").unwrap(); // index 2, term 1, on S1 only
    c.queue.clear();
    c.crash(1);
    c.restart(1);
    c.time_out(1); // term 2: S1's log is the most up-to-date, so it wins
    c.deliver_holding(|e| {
        matches!(e.msg.kind(), MessageKind::RequestVote | MessageKind::RequestVoteReply)
    });
    assert_eq!(c.node(1).role(), Role::Leader);
    c.queue.clear();
    let leader_term = c.node(1).current_term();
    // S1's log: [1: noop t1, 2: fig8 t1, 3: noop t2]. S2 and S3 report that
    // their logs now match through index 2: "fig8" is on 3 of 5 servers.
    let ack = |from: u8, index: LogIndex| Envelope {
        from: s(from),
        to: s(1),
        msg: Message::AppendEntriesReply(crate::message::AppendEntriesReply {
            term: leader_term,
            success: true,
            index,
            conflict_hint: 0,
            round: 0,
        }),
    };
    c.queue.extend([ack(2, 2), ack(3, 2)]);
    c.deliver_holding(|e| e.to == s(1));
    assert_eq!(c.node(1).commit_index(), 0, "a majority holds index 2, but it is from term 1");
    // Once the leader's own term-2 entry is on a majority, it commits, and
    // "fig8" with it.
    c.queue.extend([ack(2, 3), ack(3, 3)]);
    c.deliver_holding(|e| e.to == s(1));
    assert_eq!(c.node(1).commit_index(), 3);
    assert_eq!(c.applied_commands(1), vec!["fig8"]);
}

#[test]
fn followers_learn_the_commit_index_from_append_entries_and_apply_in_order() {
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    assert!(c.node(2).commit_index() < c.node(1).commit_index());
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 4);
    assert_eq!(c.applied_commands(2), vec!["a", "b", "c"]);
    let idx: Vec<u64> = c.applied[1].iter().map(|e| e.index).collect();
    assert_eq!(idx, vec![1, 2, 3, 4], "applied exactly once, in index order");
}

#[test]
fn a_single_server_cluster_elects_itself_and_commits_alone() {
    let mut c = Cluster::new(1);
    c.time_out(1);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.propose(1, "solo").unwrap();
    assert_eq!(c.node(1).commit_index(), 2);
    assert_eq!(c.applied_commands(1), vec!["solo"]);
}
