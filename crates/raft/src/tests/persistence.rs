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

/// The in-place hand-over: `has_ready` says whether there is anything,
/// `take_ready_into` swaps it into the caller's buffer (emptying what was
/// there), and the disk takes the log writes, leaving them empty.
#[test]
fn ready_is_handed_over_in_place_and_the_disk_takes_the_log_writes() {
    let mut c = settled(|_| {});
    let node = c.nodes[0].as_mut().unwrap();
    assert!(!node.has_ready(), "a settled leader has nothing to hand over");
    node.propose(0, "y=2").unwrap();
    assert!(node.has_ready());
    let mut ready = node.take_ready();
    assert!(ready.messages.len() == 2 && ready.log_writes.len() == 1);
    // Handing back a full buffer: it is emptied, not mixed into the next.
    node.take_ready_into(&mut ready);
    assert!(ready.is_empty() && !node.has_ready());
    node.propose(0, "z=3").unwrap();
    node.take_ready_into(&mut ready);
    assert!(!node.has_ready());
    assert_eq!(ready.messages.len(), 2);
    let mut disk = node.persistent_state();
    disk.log.truncate_from(4);
    disk.apply(&mut ready, node.log());
    assert!(ready.log_writes.is_empty(), "the entries are on disk");
    assert_eq!(disk, node.persistent_state());
}

/// A disk that shares its server's memory holds the same entries, and the
/// entries of each full chunk once in memory.
#[test]
fn a_disk_sharing_its_servers_log_holds_the_same_entries_once() {
    let mut c = settled(|_| {});
    let node = c.nodes[0].as_mut().unwrap();
    let mut disk = node.persistent_state();
    let chunks = |l: &crate::log::RaftLog<Cmd>| l.storage().shared_chunks().collect::<Vec<_>>();
    assert!(chunks(&disk.log).is_empty(), "no chunk sealed yet");
    for _ in 0..150 {
        node.propose(0, "y=1").unwrap();
        let mut ready = node.take_ready();
        disk.apply_sharing(&mut ready, node.log());
        assert_eq!(chunks(&disk.log), chunks(node.log()));
    }
    assert_eq!(disk, node.persistent_state());
    assert_eq!(chunks(&disk.log).len(), 2, "152 entries: two sealed chunks and a tail");
    // Cut into a shared chunk: the disk copies what it keeps, the server's
    // log is untouched.
    disk.log.truncate_from(100);
    assert_eq!((disk.log.last_index(), node.log().last_index()), (99, 152));
    assert_eq!(chunks(&disk.log), chunks(node.log())[..1]);
}

/// A follower replaces a conflicting suffix (§5.3) in one Ready: the
/// truncation comes first, and the append that follows names the leader's
/// entries, which the disk copies from the log after the cut.
#[test]
fn a_disk_copies_the_entries_that_replaced_a_conflicting_suffix_in_the_same_ready() {
    use crate::message::AppendEntries;
    use crate::node::LogWrite;
    let mut c = diverged();
    // S2's entries after the one the two share, as its AppendEntries
    // carries them.
    let n2 = c.node(2);
    let (term, entries) = (n2.current_term(), n2.log().cloned_range(2..=3));
    let msg = AppendEntries {
        term,
        prev_log_index: 1,
        prev_log_term: 1,
        entries,
        leader_commit: 1,
        round: 0,
    };
    let now = c.now;
    let node = c.nodes[0].as_mut().unwrap();
    node.step(now, s(2), Message::AppendEntries(msg));
    let mut ready = node.take_ready();
    let writes = [LogWrite::TruncateFrom(2), LogWrite::Append { first: 2, last: 3 }];
    assert_eq!(ready.log_writes, writes);
    let mut disk = c.disks[0].clone();
    disk.apply(&mut ready, node.log());
    assert_eq!(disk, node.persistent_state());
    assert_eq!(disk.log.iter().map(|e| e.term).collect::<Vec<_>>(), [1, 2, 2]);
}
