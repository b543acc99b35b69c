//! Steering by hand: why each message was sent, dropping, duplicating and
//! delivering single messages, and choosing which scheduled event happens
//! next — enough to play the paper's Figure 8 (§5.4.2) step by step.

use raft::{MessageKind, NodeId, Role, Term};
use sim::setup::disk_of_terms;
use sim::swarm::{run_seed_with, SwarmOptions};
use sim::{
    Action, Cause, DropReason, Endpoint, Happening, InFlight, Invariant, Packet, PacketKind,
    PendingId, Sim, SimConfig, Timeline, TraceEvent,
};
use std::sync::atomic::{AtomicU64, Ordering};

fn s(i: u8) -> NodeId {
    NodeId(i)
}

fn cluster(seed: u64) -> Sim {
    Sim::new(SimConfig { seed, ..SimConfig::default() }).unwrap()
}

fn in_flight(sim: &Sim) -> Vec<InFlight> {
    sim.network().in_flight().cloned().collect()
}

fn raft_kind(m: &InFlight) -> Option<MessageKind> {
    match &m.packet {
        Packet::Raft(msg) => Some(msg.kind()),
        _ => None,
    }
}

fn fire(sim: &mut Sim, p: PendingId) {
    sim.act(Action::Fire(p)).unwrap();
}

/// Deliver, one at a time and by hand, every message on the wire that
/// `keep` accepts, dropping the others, until nothing flies or `stop` holds.
fn settle(sim: &mut Sim, keep: impl Fn(&InFlight) -> bool, stop: impl Fn(&Sim) -> bool) {
    while !stop(sim) {
        let Some(m) = in_flight(sim).into_iter().next() else { return };
        if m.dropped.is_some() || keep(&m) {
            fire(sim, PendingId::Delivery(m.id));
        } else {
            sim.act(Action::DropMessage(m.id)).unwrap();
        }
    }
}

fn between(m: &InFlight, servers: &[u8]) -> bool {
    let on = |e: Endpoint| matches!(e, Endpoint::Server(n) if servers.contains(&n.0));
    on(m.from) && on(m.to)
}

fn log_terms(sim: &Sim, id: u8) -> Vec<Term> {
    sim.disk(s(id)).log.iter().map(|e| e.term).collect()
}

// ----- why a message was sent -----

#[test]
fn every_message_knows_the_event_that_made_its_sender_send_it() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(2))).unwrap();
    let votes = in_flight(&sim);
    assert_eq!(votes.len(), 4);
    assert!(votes.iter().all(|m| m.cause == Cause::ElectionTimeout(s(2))));
    assert_eq!(votes[0].cause.to_string(), "S2's election timeout");
    let first = votes[0].id;
    sim.act(Action::DeliverNow(first)).unwrap();
    let reply = in_flight(&sim).into_iter().find(|m| m.to == Endpoint::Server(s(2))).unwrap();
    let request = PacketKind::Raft(MessageKind::RequestVote);
    assert_eq!(reply.cause, Cause::ReplyTo { kind: request, from: Endpoint::Server(s(2)) });
    assert_eq!(reply.cause.to_string(), "reply to RequestVote from S2");
    // Once S2 leads, its heartbeat timer sends AppendEntries.
    settle(&mut sim, |_| true, |w| w.leader() == Some(s(2)));
    settle(&mut sim, |_| true, |_| false);
    fire(&mut sim, PendingId::Timer(s(2)));
    let beats = in_flight(&sim);
    assert!(!beats.is_empty());
    assert!(beats.iter().all(|m| m.cause == Cause::HeartbeatTimer(s(2))), "{beats:?}");
    assert_eq!(beats[0].cause.to_string(), "S2's heartbeat timer");
}

// ----- drop, duplicate, deliver now -----

#[test]
fn dropping_a_message_takes_it_off_the_wire_and_says_so() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(1))).unwrap();
    let m = in_flight(&sim)[1].clone();
    sim.act(Action::DropMessage(m.id)).unwrap();
    assert!(sim.network().get(m.id).is_none(), "it is gone");
    assert_eq!(in_flight(&sim).len(), 3);
    let last = sim.trace().recent().last().unwrap();
    assert!(
        matches!(last.event, TraceEvent::Dropped { id, reason: DropReason::ByHand, .. } if id == m.id)
    );
    // The receiver never heard of the election.
    sim.run_until(sim.now() + 40);
    let Endpoint::Server(to) = m.to else { panic!("a vote goes to a server") };
    assert_eq!(sim.server(to).unwrap().raft.voted_for(), None);
}

#[test]
fn a_duplicated_message_arrives_twice_and_the_copy_says_whose_copy_it_is() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(1))).unwrap();
    let m = in_flight(&sim)[0].clone();
    sim.act(Action::DuplicateMessage(m.id)).unwrap();
    let copies: Vec<InFlight> =
        in_flight(&sim).into_iter().filter(|c| c.packet == m.packet && c.to == m.to).collect();
    assert_eq!(copies.len(), 2);
    let copy = copies.iter().find(|c| c.id != m.id).unwrap();
    assert_eq!(copy.cause, Cause::Duplicate(m.id));
    assert_eq!(copy.deliver_at, m.deliver_at);
    // Both arrive: the voter answers each (the second grant repeats the first, §5.2).
    sim.act(Action::DeliverNow(m.id)).unwrap();
    sim.act(Action::DeliverNow(copy.id)).unwrap();
    let replies = in_flight(&sim)
        .into_iter()
        .filter(|r| r.from == m.to && raft_kind(r) == Some(MessageKind::RequestVoteReply))
        .count();
    assert_eq!(replies, 2);
}

#[test]
fn deliver_now_hands_a_message_over_at_once_without_moving_the_clock() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(1))).unwrap();
    let now = sim.now();
    let last = in_flight(&sim).last().unwrap().clone();
    sim.act(Action::DeliverNow(last.id)).unwrap();
    assert_eq!(sim.now(), now);
    let Endpoint::Server(to) = last.to else { panic!("a vote goes to a server") };
    assert_eq!(sim.server(to).unwrap().raft.voted_for(), Some(s(1)));
}

#[test]
fn an_unknown_or_finished_message_is_refused_and_nothing_changes() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(1))).unwrap();
    let id = in_flight(&sim)[0].id;
    sim.act(Action::DeliverNow(id)).unwrap();
    let (hash, flying) = (sim.trace().hash(), in_flight(&sim));
    for action in [Action::DropMessage(id), Action::DuplicateMessage(id), Action::DeliverNow(id)] {
        let e = sim.act(action).unwrap_err();
        assert!(e.contains("already arrived"), "{e}");
    }
    let e = sim.act(Action::DropMessage(999)).unwrap_err();
    assert!(e.contains("there is no message 999"), "{e}");
    let e = sim.act(Action::Fire(PendingId::Delivery(id))).unwrap_err();
    assert!(e.contains("not on its way"), "{e}");
    assert_eq!(sim.trace().hash(), hash, "nothing was recorded");
    assert_eq!(in_flight(&sim), flying, "nothing on the wire changed");
    // A lost message cannot be delivered, copied or dropped again.
    sim.act(Action::Crash(s(4))).unwrap();
    let to_s4 = in_flight(&sim).into_iter().find(|m| m.to == Endpoint::Server(s(4))).unwrap();
    let e = sim.act(Action::DeliverNow(to_s4.id)).unwrap_err();
    assert!(e.contains("will not arrive: the receiver is down"), "{e}");
}

// ----- choosing the next event -----

#[test]
fn pending_lists_every_delivery_and_timer_by_name() {
    let mut sim = cluster(3);
    sim.act(Action::TimeOut(s(1))).unwrap();
    let pending = sim.pending();
    let names: Vec<String> = pending.iter().map(|p| p.to_string()).collect();
    assert!(names.contains(&"deliver RequestVote S1→S3".to_string()), "{names:?}");
    assert!(names.contains(&"S2's election timeout".to_string()), "{names:?}");
    assert_eq!(pending.len(), 4 + 5, "four votes asked, five timers");
    assert!(pending.windows(2).all(|w| w[0].at <= w[1].at), "earliest first");
    assert_eq!(sim.next_event_time(), Some(pending[0].at));
}

#[test]
fn firing_a_later_event_moves_the_clock_only_to_the_earliest_one() {
    let mut sim = cluster(3);
    let pending = sim.pending();
    let earliest = pending[0].at;
    let last = pending.last().unwrap();
    assert!(last.at > earliest);
    let Happening::ElectionTimeout(late) = last.what else { panic!("only timers at start") };
    fire(&mut sim, last.id());
    assert_eq!(sim.now(), earliest, "nothing happens before the earliest event");
    let r = &sim.server(late).unwrap().raft;
    assert_eq!((r.role(), r.current_term()), (Role::Candidate, 1), "{late} campaigns first");
    let e = sim.act(Action::Fire(PendingId::Timer(s(9)))).unwrap_err();
    assert!(e.contains("not scheduled"), "{e}");
}

#[test]
fn choices_replay_and_fork_like_every_action() {
    let mut tl = Timeline::new(SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
    for _ in 0..6 {
        let last = tl.sim().pending().last().unwrap().id();
        tl.act(Action::Fire(last)).unwrap();
    }
    let id = tl.sim().network().in_flight().next().unwrap().id;
    tl.act(Action::DuplicateMessage(id)).unwrap();
    tl.act(Action::DropMessage(id)).unwrap();
    tl.run_until(tl.sim().now() + 500).unwrap();
    let (hash, now) = (tl.sim().trace().hash(), tl.sim().now());
    let link = sim::share::to_link(&tl.record());
    let replayed = Timeline::from_record(&sim::share::from_link(&link).unwrap()).unwrap();
    assert_eq!(replayed.sim().trace().hash(), hash, "the link replays the same run");
    let file = sim::share::to_json(&tl.record());
    assert!(file.contains(r#""Fire": {"#), "{file}");
    let replayed = Timeline::from_record(&sim::share::from_json(&file).unwrap()).unwrap();
    assert_eq!(replayed.sim().trace().hash(), hash, "so does the file");
    // Back before the choices, a different choice forks.
    tl.seek(0).unwrap();
    let first = tl.sim().pending()[0].id();
    assert!(tl.act(Action::Fire(first)).unwrap().is_some(), "acting in the past forks");
    tl.run_until(now).unwrap();
    assert_ne!(tl.sim().trace().hash(), hash);
}

// ----- Figure 8 by hand -----

/// Figure 8's five servers, all with the entry of term 1 at index 1, in
/// term 1; one entry per AppendEntries so each step is one entry.
fn figure_8_start(bug: bool) -> Sim {
    let mut config = SimConfig { seed: 8, ..SimConfig::default() };
    config.raft.max_entries_per_append = 1;
    config.raft.bugs.commit_by_counting_old_terms = bug;
    let disks = (0..5).map(|_| disk_of_terms(1, &[1])).collect();
    Sim::from_disks(config, disks).unwrap()
}

/// (a)–(c) of Figure 8. Returns the world at the end of (c): S1 leads term
/// 4 and has sent the term-2 entry at index 2 to S3, so it is on S1, S2 and
/// S3; S1's own term-4 entry (its no-op) is at index 3.
fn figure_8_a_to_c(bug: bool, until_commit: u64) -> Sim {
    let mut sim = figure_8_start(bug);
    // (a) S1 is elected for term 2 and its entry at index 2 (its no-op)
    // reaches S2 only.
    fire(&mut sim, PendingId::Timer(s(1)));
    settle(
        &mut sim,
        |m| raft_kind(m) != Some(MessageKind::AppendEntries) || between(m, &[1, 2]),
        |_| false,
    );
    assert_eq!(sim.leader(), Some(s(1)));
    assert_eq!(log_terms(&sim, 1), [1, 2]);
    assert_eq!(log_terms(&sim, 2), [1, 2]);
    // (b) S1 crashes; S5 is elected for term 3 by S3, S4 and itself, and
    // stores a different entry at index 2 that goes nowhere.
    sim.act(Action::Crash(s(1))).unwrap();
    settle(&mut sim, |_| false, |_| false);
    fire(&mut sim, PendingId::Timer(s(5)));
    settle(&mut sim, |m| raft_kind(m) != Some(MessageKind::AppendEntries), |_| false);
    assert_eq!(sim.server(s(5)).unwrap().raft.role(), Role::Leader);
    assert_eq!(log_terms(&sim, 5), [1, 3]);
    // (c) S5 crashes; S1 restarts and is elected for term 4 (by S2, S3,
    // S4), and replicates the term-2 entry to S3.
    sim.act(Action::Crash(s(5))).unwrap();
    sim.act(Action::Restart(s(1))).unwrap();
    settle(&mut sim, |_| false, |_| false);
    // S1 comes back in term 2: its campaign for term 3 fails (S3 and S4
    // voted for S5 in term 3), the next one, for term 4, wins.
    for _ in 0..2 {
        fire(&mut sim, PendingId::Timer(s(1)));
        let no_entries = |m: &InFlight| raft_kind(m) != Some(MessageKind::AppendEntries);
        settle(&mut sim, no_entries, |w| w.leader() == Some(s(1)));
    }
    assert_eq!(sim.leader(), Some(s(1)));
    assert_eq!(sim.server(s(1)).unwrap().raft.current_term(), 4);
    let committed =
        move |w: &Sim| w.server(s(1)).is_some_and(|r| r.raft.commit_index() >= until_commit);
    settle(&mut sim, |m| between(m, &[1, 2, 3]), committed);
    sim
}

/// (d): S1 crashes; S5 restarts and campaigns until term 5, where S3, S4
/// and itself elect it if their last entries are of term 2 (its own,
/// term 3, is more up to date, §5.4.1); it then replicates its own entry
/// at index 2 over theirs.
fn figure_8_d(sim: &mut Sim) {
    sim.act(Action::Crash(s(1))).unwrap();
    sim.act(Action::Restart(s(5))).unwrap();
    settle(sim, |_| false, |_| false);
    // Its campaign for term 4 fails (S2, S3 and S4 voted for S1 in term
    // 4); the next one is for term 5.
    for _ in 0..2 {
        fire(sim, PendingId::Timer(s(5)));
        let votes = |m: &InFlight| raft_kind(m) != Some(MessageKind::AppendEntries);
        settle(sim, votes, |w| w.leader() == Some(s(5)));
    }
    settle(sim, |m| between(m, &[2, 3, 4, 5]), |_| false);
}

#[test]
fn figure_8_a_leader_counting_old_terms_commits_an_entry_that_is_then_overwritten() {
    // §5.4.2: with the bug, S1 commits the term-2 entry at index 2 as soon
    // as it is on a majority (c), although its own term-4 entry is not.
    let mut sim = figure_8_a_to_c(true, 2);
    let r = &sim.server(s(1)).unwrap().raft;
    assert_eq!(r.commit_index(), 2);
    assert_eq!(r.log().iter().map(|e| e.term).collect::<Vec<_>>(), [1, 2, 4]);
    assert_eq!(log_terms(&sim, 3), [1, 2], "the term-4 entry is on S1 alone");
    figure_8_d(&mut sim);
    // (d) The committed term-2 entry is overwritten by S5's term-3 entry.
    assert_eq!(sim.server(s(5)).unwrap().raft.role(), Role::Leader);
    assert_eq!(log_terms(&sim, 3)[1], 3, "S3's index 2 now holds term 3");
    let v = sim.violations().first().expect("the checkers fire");
    assert_eq!((v.invariant, v.index), (Invariant::LeaderCompleteness, Some(2)), "{v}");
    let applied_twice =
        sim.violations().iter().any(|v| v.invariant == Invariant::StateMachineSafety);
    assert!(applied_twice, "index 2 is applied as term 2 and as term 3: {:?}", sim.violations());
}

#[test]
fn figure_8_with_the_real_rule_the_entry_commits_only_with_one_of_the_leaders_term() {
    // (e): S1 commits nothing until its term-4 entry is on a majority;
    // then index 2 commits with it, and S5 can no longer be elected.
    let mut sim = figure_8_a_to_c(false, 3);
    assert_eq!(sim.server(s(1)).unwrap().raft.commit_index(), 3);
    assert_eq!(log_terms(&sim, 3), [1, 2, 4]);
    figure_8_d(&mut sim);
    assert_ne!(
        sim.server(s(5)).unwrap().raft.role(),
        Role::Leader,
        "S5's log is behind a majority"
    );
    for id in 1..=3 {
        assert_eq!(log_terms(&sim, id)[..2], [1, 2], "S{id} keeps the committed entry");
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

// ----- "Raft consensus in 2,000 words": a follower's log -----

#[test]
fn a_follower_with_future_inconsistent_entries_has_them_overwritten() {
    // "The follower's log has future entries that are inconsistent": S2 led
    // term 2 and stored two entries nobody else has. S1 is elected for
    // term 3 without S2 and, one AppendEntries at a time, finds where S2's
    // log agrees with its own and overwrites the rest.
    let mut config = SimConfig { servers: 3, seed: 2, ..SimConfig::default() };
    config.raft.max_entries_per_append = 1;
    let disks =
        vec![disk_of_terms(2, &[1, 1]), disk_of_terms(2, &[1, 1, 2, 2]), disk_of_terms(2, &[1, 1])];
    let mut sim = Sim::from_disks(config, disks).unwrap();
    fire(&mut sim, PendingId::Timer(s(1)));
    settle(
        &mut sim,
        |m| !between(m, &[1, 2]) || raft_kind(m) != Some(MessageKind::RequestVote),
        |w| w.leader() == Some(s(1)),
    );
    assert_eq!(log_terms(&sim, 2), [1, 1, 2, 2]);
    settle(&mut sim, |_| true, |_| false);
    assert_eq!(log_terms(&sim, 2), [1, 1, 3], "S2's term-2 entries are gone");
    let truncated = sim.trace().recent().any(|e| {
        matches!(e.event, TraceEvent::Raft { node, event: raft::Event::ConflictTruncated { from_index: 3, removed: 2 } } if node == s(2))
    });
    assert!(truncated, "S2 deleted its conflicting entries (§5.3)");
    assert!(sim.violations().is_empty());
}

// ----- safety under a meddling hand (§6 of the issue) -----

/// Hand actions taken over all seeds of the swarm test below.
static STEERED: AtomicU64 = AtomicU64::new(0);

/// After one event in four, drop, duplicate or deliver now one message on
/// its way, chosen from the seed and the step alone.
fn meddle(sim: &Sim, seed: u64, step: u64) -> Option<Action> {
    let mut rng = raft::Rng::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ step);
    if !rng.chance(25.0) {
        return None;
    }
    let on_its_way: Vec<u64> =
        sim.network().in_flight().filter(|m| m.dropped.is_none()).map(|m| m.id).collect();
    let id = *on_its_way.get(rng.range_inclusive(0, on_its_way.len().max(1) as u64 - 1) as usize)?;
    STEERED.fetch_add(1, Ordering::Relaxed);
    Some(match rng.range_inclusive(0, 2) {
        0 => Action::DropMessage(id),
        1 => Action::DuplicateMessage(id),
        _ => Action::DeliverNow(id),
    })
}

#[test]
fn dropping_duplicating_and_delivering_early_by_hand_never_breaks_safety() {
    // The swarm's seeds with a hand on the messages: every checker runs
    // after every event, and once healed the cluster must converge as in
    // the plain swarm.
    const SEEDS: u64 = 500;
    let options = SwarmOptions { steer: Some(meddle), ..SwarmOptions::default() };
    let failures: Vec<String> = (0..SEEDS)
        .filter_map(|seed| run_seed_with(seed, options).err().map(|f| f.to_string()))
        .collect();
    assert!(failures.is_empty(), "{} seeds failed:\n{}", failures.len(), failures.join("\n"));
    let steered = STEERED.load(Ordering::Relaxed);
    assert!(steered > 40 * SEEDS, "only {steered} hand actions over {SEEDS} seeds");
}

#[test]
fn step_back_undoes_one_choice_at_a_time() {
    let mut tl = Timeline::new(SimConfig { seed: 6, ..SimConfig::default() }).unwrap();
    let mut seen = vec![(tl.sim().now(), tl.sim().trace().hash())];
    for _ in 0..4 {
        let next = tl.sim().pending().last().unwrap().id();
        tl.act(Action::Fire(next)).unwrap();
        seen.push((tl.sim().now(), tl.sim().trace().hash()));
    }
    assert_eq!(tl.moment().event, 0, "choices are actions, not events");
    for want in seen.iter().rev().skip(1) {
        tl.step_back().unwrap();
        assert_eq!((tl.sim().now(), tl.sim().trace().hash()), *want);
    }
}
