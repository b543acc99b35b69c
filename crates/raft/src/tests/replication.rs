//! Log replication (§5.3): consistency check, repair of diverging
//! followers, backtracking, flow control and batching.

use super::harness::*;
use crate::message::MessageKind;

#[test]
fn a_new_leader_appends_a_noop_and_sends_it_at_once() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.deliver_holding(|e| e.msg.kind() != MessageKind::AppendEntries);
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).log().last_index(), 1);
    assert_eq!(c.node(1).log().get(1).unwrap().payload, Payload::Noop);
    assert_eq!(c.kinds_in_queue(), vec![(1, 2, "AppendEntries"), (1, 3, "AppendEntries")]);
}

#[test]
fn heartbeats_are_empty_append_entries_that_restart_follower_timers() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let before = c.node(2).election_deadline();
    c.heartbeat(1);
    let hb: Vec<_> = c
        .queue
        .iter()
        .map(|e| match &e.msg {
            Message::AppendEntries(a) => a.entries.len(),
            other => panic!("unexpected {}", other.kind()),
        })
        .collect();
    assert_eq!(hb, vec![0, 0]);
    c.deliver_all();
    assert!(c.node(2).election_deadline() > before);
}

#[test]
fn append_entries_rejected_when_the_log_has_no_matching_entry_at_prev_log_index() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.propose(1, "x=2").unwrap();
    // S3 misses everything; a later append cannot attach to its empty log.
    c.deliver_if(|e| e.to != s(3));
    c.with_node(1, |n, now| {
        n.propose(now, "x=3").unwrap();
    });
    let to3: Vec<_> = c.queue.iter().filter(|e| e.to == s(3)).cloned().collect();
    c.queue.clear();
    for env in to3 {
        c.with_node(3, |n, now| n.step(now, env.from, env.msg));
    }
    assert!(c.saw(3, |e| matches!(
        e,
        Event::AppendRejected { reason: AppendRejectReason::NoEntryAt { .. }, .. }
    )));
    assert_eq!(c.node(3).log().last_index(), 1, "only the no-op: nothing appended on a mismatch");
}

#[test]
fn leader_walks_next_index_back_until_the_logs_match_then_fills_the_gap() {
    let mut c = Cluster::led_by_s1(3);
    for cmd in ["a", "b", "c", "d"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    // S3 is behind by four entries; heartbeats and probes bring it level.
    for _ in 0..8 {
        c.heartbeat(1);
        c.deliver_all();
    }
    assert_eq!(c.terms(3), c.terms(1));
    assert_eq!(c.node(3).commit_index(), c.node(1).commit_index());
}

#[test]
fn follower_deletes_a_conflicting_suffix_and_appends_the_leaders_entries() {
    let mut c = diverged();
    c.heartbeat(2);
    c.deliver_all();
    for _ in 0..4 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.commands(1), vec!["kept"]);
    assert!(c.saw(1, |e| matches!(e, Event::ConflictTruncated { removed: 2, .. })));
}

#[test]
fn a_delayed_duplicate_append_entries_never_shortens_the_log() {
    let mut c = Cluster::led_by_s1(3);
    c.propose(1, "a").unwrap();
    let first = c.queue.iter().find(|e| e.to == s(2)).cloned().unwrap();
    c.deliver_all();
    c.propose(1, "b").unwrap();
    c.deliver_all();
    let len = c.node(2).log().last_index();
    c.with_node(2, |n, now| n.step(now, first.from, first.msg));
    assert_eq!(c.node(2).log().last_index(), len);
}

#[test]
fn a_follower_refuses_proposals_and_names_the_leader() {
    let mut c = Cluster::new(3);
    c.elect(1);
    assert_eq!(c.propose(2, "x=1"), Err(ProposeError::NotLeader { leader_hint: Some(s(1)) }));
}

#[test]
fn fast_backtracking_skips_a_whole_term_per_round_trip() {
    fn round_trips(fast: bool) -> usize {
        let mut c = Cluster::with(3, fast);
        c.elect(1);
        c.deliver_all();
        // S1 piles up 10 entries of term 1 that nobody else gets.
        for _ in 0..10 {
            c.propose(1, "stale").unwrap();
        }
        c.queue.clear();
        // S2 leads term 2 with S3 and writes 10 entries S1 never sees, then
        // is re-elected in term 3, so its nextIndex for S1 starts at the end
        // of its long log.
        c.elect_within(2, &[2, 3]);
        for _ in 0..10 {
            c.propose(2, "fresh").unwrap();
        }
        c.deliver_within(&[2, 3]);
        c.crash(2);
        c.restart(2);
        c.elect_within(2, &[2, 3]);
        // S1 comes back: count its rejections until its log matches.
        let mut rejections = 0;
        for _ in 0..40 {
            c.heartbeat(2);
            c.deliver_if(|e| {
                if let Message::AppendEntriesReply(r) = &e.msg {
                    rejections += usize::from(!r.success && e.from == s(1));
                }
                true
            });
            if c.terms(1) == c.terms(2) {
                break;
            }
        }
        assert_eq!(c.terms(1), c.terms(2));
        rejections
    }
    let slow = round_trips(false);
    let fast = round_trips(true);
    assert!(slow >= 10, "one entry per round trip: {slow}");
    assert!(fast <= 2, "one term per round trip: {fast}");
}

#[test]
fn flow_control_probes_one_append_at_a_time_then_pipelines_up_to_max_inflight() {
    // etcd-io/raft's progress states: a follower whose log position is
    // unknown is probed with one AppendEntries at a time; once one succeeds
    // the leader pipelines, at most max_inflight unacknowledged at once.
    let mut c = Cluster::tweaked(2, |cfg| {
        cfg.max_inflight = 2;
        cfg.max_entries_per_append = 1;
    });
    c.time_out(1);
    c.deliver_holding(|e| matches!(e.msg, Message::RequestVote(_) | Message::RequestVoteReply(_)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(appends_to(&c, 2), vec![1], "the no-op goes out as the one probe");
    for _ in 0..3 {
        c.propose(1, "x").unwrap();
    }
    assert_eq!(appends_to(&c, 2).len(), 1, "nothing more while the probe is unanswered");

    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 4, "the probe succeeded and the rest followed");
    for _ in 0..5 {
        c.propose(1, "y").unwrap();
    }
    assert_eq!(appends_to(&c, 2), vec![1, 1], "replicating: max_inflight of one entry each");
    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 9, "acknowledgements open the window again");
}

#[test]
fn several_entries_ride_in_one_append_entries_up_to_the_batch_limit() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.max_entries_per_append = 3);
    c.elect(1);
    c.deliver_all();
    // S2 misses 7 entries while S1 and S3 commit them.
    c.crash(2);
    for _ in 0..7 {
        c.propose(1, "z").unwrap();
    }
    c.deliver_all();
    c.restart(2);
    let mut batches = Vec::new();
    for _ in 0..20 {
        c.heartbeat(1);
        c.deliver_if(|e| {
            if let Message::AppendEntries(a) = &e.msg {
                if e.to == s(2) && !a.entries.is_empty() {
                    batches.push(a.entries.len());
                }
            }
            true
        });
        if c.node(2).log().last_index() == c.node(1).log().last_index() {
            break;
        }
    }
    assert_eq!(c.node(2).log().last_index(), c.node(1).log().last_index());
    assert!(batches.iter().all(|&n| n <= 3), "never more than the limit: {batches:?}");
    assert_eq!(batches.iter().max(), Some(&3), "several entries per message: {batches:?}");
    assert!(batches.iter().sum::<usize>() >= 7, "{batches:?}");
}
