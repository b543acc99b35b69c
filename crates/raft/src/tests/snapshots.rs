//! Snapshots and log compaction (§7).

use super::harness::*;

#[test]
fn compaction_discards_applied_entries_and_keeps_the_rest() {
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    c.snapshot(1, b"abc").unwrap();
    let n = c.node(1);
    assert_eq!(n.log().snapshot_point(), (4, 1));
    assert!(n.log().is_empty());
    assert_eq!(
        c.disks[0].snapshot.as_ref().unwrap().data,
        b"abc".to_vec(),
        "the snapshot is on disk"
    );
    assert!(c.snapshot(1, b"again").unwrap_err().contains("already compacted"));
    // Entries after the snapshot point still replicate normally.
    c.propose(1, "d").unwrap();
    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 5);
}

#[test]
fn a_follower_behind_the_leaders_snapshot_receives_install_snapshot() {
    let mut c = Cluster::led_by_s1(3);
    c.crash(3);
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    c.snapshot(1, b"state-after-abc").unwrap();
    c.propose(1, "d").unwrap();
    c.deliver_all();
    c.restart(3);
    c.settle(1, 4);
    assert!(c.saw(1, |e| matches!(e, Event::SnapshotSent { peer, index: 4 } if *peer == s(3))));
    assert!(c.saw(3, |e| matches!(e, Event::SnapshotInstalled { index: 4, .. })));
    let n3 = c.node(3);
    assert_eq!(n3.log().snapshot_point(), (4, 1));
    assert_eq!(n3.log().last_index(), c.node(1).log().last_index());
    assert_eq!(n3.commit_index(), c.node(1).commit_index());
    assert_eq!(c.applied_commands(3), vec!["d"], "the snapshot stood in for a, b and c");
}

#[test]
fn a_restart_rebuilds_from_snapshot_plus_log() {
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["a", "b"] {
        c.propose(1, cmd).unwrap();
    }
    c.settle(1, 1);
    c.snapshot(2, b"ab").unwrap();
    c.propose(1, "c").unwrap();
    c.settle(1, 1);
    c.crash(2);
    c.restart(2);
    let n = c.node(2);
    let snap = n.snapshot().unwrap().clone();
    assert_eq!(n.commit_index(), snap.last_included_index, "what the snapshot covers is committed");
    assert_eq!(n.log().last_index(), 4);
    c.settle(1, 1);
    let reapplied: Vec<u64> = c.applied[1].iter().map(|e| e.index).collect();
    let expected: Vec<u64> = (snap.last_included_index + 1..=4).collect();
    assert_eq!(reapplied, expected, "only entries after the snapshot are re-applied");
}

#[test]
fn a_snapshot_carries_the_configuration_its_entries_held() {
    let mut c = Cluster::led_by_s1(3);
    let l = c.join();
    c.change(1, MembershipChange::AddLearner(s(l))).unwrap();
    c.settle(1, 3);
    c.snapshot(1, b"").unwrap();
    assert!(c.node(1).snapshot().unwrap().membership.is_learner(s(l)));
    c.crash(1);
    c.restart(1);
    assert!(c.node(1).membership().is_learner(s(l)), "the configuration survives compaction");
}

/// Within one Ready a server commits entries and then folds one of them
/// into a snapshot (§7), before the caller takes the Ready: the entries
/// are still handed out to apply, though the log no longer holds the
/// first, and the disk takes the append and the snapshot alike.
#[test]
fn a_committed_entry_cut_before_the_ready_is_taken_is_applied_as_committed() {
    let mut c = Cluster::new(1);
    c.elect(1);
    let now = c.now;
    let node = c.nodes[0].as_mut().unwrap();
    // A single voter is a majority: the entries commit as they are appended.
    let indexes = node.propose_batch(now, ["a", "b"]).unwrap();
    assert_eq!(node.last_applied(), *indexes.end());
    node.compact(*indexes.start(), b"a".to_vec()).unwrap();
    assert_eq!(node.log().first_index(), *indexes.end(), "the log holds \"b\" alone");
    let mut ready = node.take_ready();
    let applied: Vec<_> = ready.committed.iter(node.log()).map(|e| (e.index, &e.payload)).collect();
    let (a, b) = (*indexes.start(), *indexes.end());
    assert_eq!(applied, [(a, &Payload::Command("a")), (b, &Payload::Command("b"))]);
    assert_eq!(ready.committed.len(), 2);
    let mut disk = c.disks[0].clone();
    disk.apply(&mut ready, node.log());
    assert_eq!(disk, node.persistent_state());
}
