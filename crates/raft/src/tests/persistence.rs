//! Persistence and restart (Figure 2): only currentTerm, votedFor and
//! the log survive a crash, and they are on disk before a reply leaves.

use super::harness::*;

#[test]
fn a_restart_keeps_only_the_persistent_state() {
    let mut c = settled(|_| {});
    let (term, log) = (c.node(2).current_term(), c.terms(2));
    assert_eq!(c.node(2).commit_index(), 2);
    c.crash(2);
    c.restart(2);
    let n = c.node(2);
    assert_eq!((n.current_term(), c.terms(2)), (term, log), "term and log survive");
    assert_eq!(n.voted_for(), Some(s(1)), "votedFor survives");
    assert_eq!((n.commit_index(), n.last_applied()), (0, 0), "commitIndex does not");
    assert_eq!(n.role(), Role::Follower);
    // The next heartbeat teaches it the commit index again, and it re-applies.
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 2);
    assert_eq!(c.applied_commands(2), vec!["x=1"]);
}

#[test]
fn a_vote_is_on_disk_before_the_reply_leaves() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let req = c.queue.remove(0);
    let node = c.nodes[1].as_mut().unwrap();
    node.step(0, req.from, req.msg);
    let ready = node.take_ready();
    assert_eq!(ready.messages.len(), 1);
    assert_eq!(ready.hard_state.unwrap().voted_for, Some(s(1)));
}
