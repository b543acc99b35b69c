//! Leadership transfer (thesis §3.10).

use super::harness::*;

#[test]
fn leadership_transfer_brings_the_target_up_to_date_then_it_wins() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "a").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3)); // S3 is behind
    let mut result = None;
    c.with_node(1, |n, now| result = Some(n.transfer_leadership(now, s(3))));
    assert_eq!(result, Some(Ok(())));
    assert_eq!(c.propose(1, "b"), Err(ProposeError::TransferInProgress { target: s(3) }));
    for _ in 0..4 {
        c.heartbeat(1);
        c.deliver_all();
        if c.node(3).role() == Role::Leader {
            break;
        }
    }
    assert_eq!(c.node(3).role(), Role::Leader, "even though S2 heard from S1 a moment ago");
    assert!(c.saw(1, |e| matches!(e, Event::TimeoutNowSent { target } if *target == s(3))));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.commands(3), vec!["a"]);
}

#[test]
fn leadership_transfer_is_abandoned_after_an_election_timeout() {
    let mut c = Cluster::led_by_s1(3);
    c.crash(3);
    c.with_node(1, |n, now| n.transfer_leadership(now, s(3)).unwrap());
    for _ in 0..10 {
        c.heartbeat(1);
        c.deliver_all();
    }
    assert!(c.saw(1, |e| matches!(e, Event::TransferAborted { .. })));
    assert!(c.propose(1, "after").is_ok(), "commands are accepted again");
}

#[test]
fn leadership_cannot_be_handed_to_itself_or_a_stranger() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let mut results = Vec::new();
    c.with_node(1, |n, now| {
        results.push(n.transfer_leadership(now, s(1)));
        results.push(n.transfer_leadership(now, s(9)));
    });
    assert!(results.iter().all(|r| matches!(r, Err(ProposeError::InvalidTransferTarget { .. }))));
}
