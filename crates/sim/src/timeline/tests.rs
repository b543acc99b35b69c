//! The timeline's own rules: where it records, when it forks, when it
//! replays from a checkpoint and when it simply goes on.

use super::*;
use crate::client::Target;
use crate::kv::{ClientId, KvOp};
use raft::NodeId;

fn put(i: u32) -> Action {
    Action::Submit {
        client: ClientId(1),
        op: KvOp::Put { key: format!("k{}", i % 7).into(), value: i.to_string().into() },
        target: Target::Leader,
    }
}

fn timeline() -> Timeline {
    Timeline::with_spacing(
        SimConfig::default(),
        Spacing { every: 20, recent: 4, longest: u64::MAX, budget: None },
    )
    .unwrap()
}

#[test]
fn acting_at_the_end_records_and_acting_in_the_past_forks() {
    let mut tl = timeline();
    tl.run_until(1000).unwrap();
    assert!(tl.is_live());
    assert_eq!(tl.act(put(1)).unwrap(), None, "at the end an action extends the branch");
    assert_eq!(tl.actions().len(), 1);
    assert_eq!(tl.actions()[0].at, Moment { event: tl.moment().event, time: 1000 });
    tl.run_until(2000).unwrap();
    tl.seek(1500).unwrap();
    assert!(!tl.is_live());
    let fork_at = tl.moment();
    let forked = tl.act(Action::Crash(NodeId(2))).unwrap().expect("in the past an action forks");
    assert_eq!(forked, BranchId(1));
    let b = tl.branch();
    assert_eq!(
        (b.id(), b.parent(), b.fork_point(), b.end()),
        (forked, Some(BranchId(0)), fork_at, fork_at)
    );
    assert_eq!(b.actions().len(), 2, "the parent's action before the fork is shared");
    assert_eq!(b.own_actions().len(), 1);
    assert!(tl.is_live(), "a new branch ends where it forked");
    assert_eq!(tl.branches()[0].end().time, 2000, "the abandoned future is kept");
}

#[test]
fn playing_forward_never_restores_a_checkpoint_and_seeking_back_does() {
    let mut tl = timeline();
    tl.run_until(3000).unwrap();
    for _ in 0..50 {
        tl.step().unwrap();
    }
    assert_eq!(tl.restores(), 0, "live play goes on from the current world");
    tl.seek(500).unwrap();
    assert_eq!(tl.restores(), 1);
    let start = tl.moment();
    tl.step().unwrap();
    tl.run_until(510).unwrap();
    assert_eq!(tl.restores(), 1, "a short step forward in the past replays from where it is");
    assert!(tl.moment() > start);
    tl.seek(2900).unwrap();
    assert_eq!(tl.restores(), 2, "a long jump forward starts from the closest checkpoint");
    tl.run_until(tl.end().time + 100).unwrap();
    assert_eq!(tl.restores(), 2, "playing past the end runs live");
    assert!(tl.is_live());
}

#[test]
fn step_back_goes_to_the_last_event_then_the_one_before() {
    let mut tl = timeline();
    tl.run_until(400).unwrap();
    let last = tl.moment().event;
    let last_time = tl.event_time(last).unwrap();
    assert!(last_time < 400, "the clock moved on past the last event");
    tl.step_back().unwrap();
    assert_eq!(tl.moment(), Moment { event: last, time: last_time });
    tl.step_back().unwrap();
    assert_eq!(tl.moment().event, last - 1);
    tl.step().unwrap();
    assert_eq!(tl.moment(), Moment { event: last, time: last_time });
    tl.seek_event(0).unwrap();
    assert_eq!(tl.moment(), Moment::START);
    let e = tl.step_back().unwrap_err();
    assert!(e.contains("start of the run"), "{e}");
}

#[test]
fn a_refused_action_changes_nothing_and_forks_nothing() {
    let mut tl = timeline();
    tl.run_until(1000).unwrap();
    tl.act(Action::Crash(NodeId(3))).unwrap();
    tl.run_until(2000).unwrap();
    tl.seek(1500).unwrap();
    let (hash, moment) = (tl.sim().trace().hash(), tl.moment());
    let e = tl.act(Action::Crash(NodeId(3))).unwrap_err();
    assert!(e.contains("already down"), "{e}");
    assert_eq!((tl.sim().trace().hash(), tl.moment()), (hash, moment));
    assert_eq!(tl.branches().len(), 1);

    // The simulator narrates a snapshot before finding there is nothing
    // new to fold in; the timeline puts the moment back as it was.
    tl.run_until(2000).unwrap();
    tl.act(Action::Snapshot(NodeId(1))).unwrap();
    let (hash, moment) = (tl.sim().trace().hash(), tl.moment());
    assert!(tl.act(Action::Snapshot(NodeId(1))).is_err());
    assert_eq!((tl.sim().trace().hash(), tl.moment()), (hash, moment));
    assert_eq!(tl.actions().len(), 2);
}

#[test]
fn seeking_to_the_end_time_stops_at_the_recorded_end_even_with_events_due_then() {
    let mut tl = timeline();
    tl.run_until(500).unwrap();
    // Step live until another event is due at the very same time.
    while tl.sim().next_event_time() != Some(tl.moment().time) {
        tl.step().unwrap();
    }
    let end = tl.end();
    assert_eq!(tl.moment(), end);
    let hash = tl.sim().trace().hash();
    tl.seek(0).unwrap();
    tl.seek(end.time).unwrap();
    assert_eq!(tl.moment(), end, "nothing past the recorded end is replayed");
    assert_eq!(tl.sim().trace().hash(), hash);
    assert!(tl.is_live());
}
