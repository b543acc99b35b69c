//! Scenario tests that read like the seeds' walkthroughs, on the full world:
//! real timers, a real (simulated) network, clients and the KV store.

use raft::{NodeId, Role};
use sim::{parse_command, Action, ClientId, KvOutput, Sim, SimConfig, Target};

fn s(i: u8) -> NodeId {
    NodeId(i)
}

fn cluster(servers: u8, seed: u64) -> Sim {
    Sim::new(SimConfig { servers, seed, ..SimConfig::default() }).unwrap()
}

/// Run until `pred` holds, at most `limit` ms of virtual time.
fn run_until(sim: &mut Sim, limit: u64, pred: impl Fn(&Sim) -> bool) -> bool {
    let end = sim.now() + limit;
    while sim.now() < end {
        if pred(sim) {
            return true;
        }
        if !sim.step() {
            break;
        }
    }
    pred(sim)
}

fn submit(sim: &mut Sim, text: &str, target: Target) {
    let op = parse_command(text).unwrap();
    sim.act(Action::Submit { client: ClientId(1), op, target }).unwrap();
}

fn kv(sim: &Sim, id: u8, key: &str) -> Option<String> {
    sim.server(s(id))?.kv.data().get(key).map(|v| v.to_string())
}

#[test]
fn a_leader_is_elected_and_every_follower_learns_of_it() {
    let mut sim = cluster(5, 7);
    assert!(run_until(&mut sim, 2000, |w| w.leader().is_some()));
    let leader = sim.leader().unwrap();
    let term = sim.server(leader).unwrap().raft.current_term();
    // Heartbeats spread the news within a few intervals.
    sim.run_until(sim.now() + 200);
    for id in sim.ids() {
        let r = &sim.server(id).unwrap().raft;
        assert_eq!(r.current_term(), term);
        if id != leader {
            assert_eq!(r.role(), Role::Follower);
            assert_eq!(r.leader(), Some(leader));
        }
    }
    assert!(sim.violations().is_empty());
}

#[test]
fn put_commits_on_a_majority_and_every_server_applies_it() {
    let mut sim = cluster(5, 11);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    submit(&mut sim, "put x 3", Target::Leader);
    assert!(run_until(&mut sim, 2000, |w| w.history().ops[0].returned.is_some()));
    assert_eq!(sim.history().ops[0].returned.as_ref().unwrap().1, KvOutput::Done);
    // The leader answered after a majority stored it; heartbeats carry the
    // commitIndex to the rest (the "closer look at Raft internals"
    // walkthrough).
    sim.run_until(sim.now() + 200);
    for id in 1..=5 {
        assert_eq!(kv(&sim, id, "x").as_deref(), Some("3"), "S{id}");
    }
    submit(&mut sim, "get x", Target::Leader);
    assert!(run_until(&mut sim, 2000, |w| w.history().ops[1].returned.is_some()));
    assert_eq!(
        sim.history().ops[1].returned.as_ref().unwrap().1,
        KvOutput::Value(Some("3".into()))
    );
}

#[test]
fn a_follower_redirects_the_client_to_the_leader() {
    // Seeds 000 and 003: followers redirect clients to the leader.
    let mut sim = cluster(3, 5);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    sim.run_until(sim.now() + 100);
    let leader = sim.leader().unwrap();
    let follower = sim.ids().find(|&i| i != leader).unwrap();
    submit(&mut sim, "put y 2", Target::Server(follower));
    assert!(run_until(&mut sim, 2000, |w| w.history().ops[0].returned.is_some()));
    let redirected = sim.trace().recent().any(|e| {
        matches!(&e.event, sim::TraceEvent::Retrying { to, why: "was redirected", .. } if *to == leader)
    });
    assert!(redirected, "the client followed a redirect to {leader}");
}

#[test]
fn crashing_the_leader_brings_a_new_leader_with_a_higher_term() {
    let mut sim = cluster(5, 3);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    let old = sim.leader().unwrap();
    let old_term = sim.server(old).unwrap().raft.current_term();
    sim.act(Action::Crash(old)).unwrap();
    assert!(run_until(&mut sim, 3000, |w| w.leader().is_some()));
    let new = sim.leader().unwrap();
    assert_ne!(new, old);
    assert!(sim.server(new).unwrap().raft.current_term() > old_term);
}

#[test]
fn a_restarted_server_catches_up_with_the_others_commit_index() {
    let mut sim = cluster(5, 9);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    sim.act(Action::Crash(s(5))).ok();
    let down = if sim.server(s(5)).is_none() { s(5) } else { s(4) };
    for (i, cmd) in ["put a 1", "put b 2", "put c 3"].iter().enumerate() {
        submit(&mut sim, cmd, Target::Leader);
        assert!(run_until(&mut sim, 3000, |w| w.history().ops[i].returned.is_some()));
    }
    sim.act(Action::Restart(down)).unwrap();
    assert_eq!(sim.server(down).unwrap().raft.commit_index(), 0, "commitIndex is volatile");
    let leader = sim.leader().unwrap();
    assert!(run_until(&mut sim, 2000, |w| {
        let target = w.server(leader).unwrap().raft.commit_index();
        w.server(down).unwrap().raft.commit_index() == target
    }));
    assert_eq!(kv(&sim, down.0, "c").as_deref(), Some("3"));
}

#[test]
fn seed_003_a_minority_cannot_commit_and_a_lone_survivor_cannot_lead() {
    // "With only a single server remaining, we cannot form a majority."
    let mut sim = cluster(3, 21);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    let leader = sim.leader().unwrap();
    for id in sim.ids().collect::<Vec<_>>() {
        if id != leader {
            sim.act(Action::Crash(id)).unwrap();
        }
    }
    let commit = sim.server(leader).unwrap().raft.commit_index();
    submit(&mut sim, "put x 9", Target::Server(leader));
    sim.run_until(sim.now() + 2000);
    assert_eq!(sim.server(leader).unwrap().raft.commit_index(), commit, "no majority, no commit");
    assert!(sim.history().ops[0].returned.is_none());
    sim.act(Action::Crash(leader)).unwrap();
    sim.act(Action::Restart(leader)).unwrap();
    sim.run_until(sim.now() + 3000);
    assert_eq!(sim.leader(), None, "one of three cannot win an election");
}

#[test]
fn a_retried_command_is_applied_once() {
    // C1's Put(n, 1) commits but the leader crashes before answering. C2
    // then writes n = 2. When C1 retries with the same sequence number, the
    // store must recognise it and not set n back to 1 (the "closer look at
    // Raft internals" walkthrough's note on re-execution).
    let config = SimConfig { servers: 3, seed: 4, client_timeout: 1500, ..SimConfig::default() };
    let mut sim = Sim::new(config).unwrap();
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    sim.run_until(sim.now() + 100);
    let leader = sim.leader().unwrap();
    submit(&mut sim, "put n 1", Target::Server(leader));
    // Crash the leader the moment the entry is on a majority of disks, before
    // the acknowledgement reaches it: the entry will commit, but not by it,
    // and C1's answer is lost with it.
    let is_put = |e: &raft::Entry<sim::KvCommand>| matches!(&e.payload, raft::Payload::Command(c) if c.op.to_string() == "Put(n, 1)");
    let on_majority = |w: &Sim| w.ids().filter(|&i| w.disk(i).log.iter().any(is_put)).count() >= 2;
    assert!(run_until(&mut sim, 2000, on_majority));
    sim.act(Action::Crash(leader)).unwrap();
    assert!(run_until(&mut sim, 3000, |w| w.leader().is_some()));
    let op = parse_command("put n 2").unwrap();
    sim.act(Action::Submit { client: ClientId(2), op, target: Target::Leader }).unwrap();
    assert!(run_until(&mut sim, 3000, |w| w.history().ops[1].returned.is_some()));
    assert!(sim.history().ops[0].returned.is_none(), "C1 is still waiting for its answer");
    assert!(run_until(&mut sim, 5000, |w| w.history().ops[0].returned.is_some()));
    sim.run_until(sim.now() + 300);
    for id in sim.ids().filter(|&i| i != leader) {
        assert_eq!(
            kv(&sim, id.0, "n").as_deref(),
            Some("2"),
            "{id}: the retry was not re-executed"
        );
    }
    assert!(sim.violations().is_empty());
}

#[test]
fn impossible_actions_are_refused_and_change_nothing() {
    let mut sim = cluster(3, 1);
    let hash = sim.trace().hash();
    assert_eq!(sim.act(Action::Restart(s(1))), Err("S1 is already running".into()));
    assert!(sim.act(Action::Crash(s(7))).unwrap_err().contains("no server S7"));
    assert!(sim.act(Action::SetLoss(140.0)).is_err());
    assert_eq!(sim.trace().hash(), hash);
    assert!(Sim::new(SimConfig { servers: 0, ..SimConfig::default() }).is_err());
    assert!(Sim::new(SimConfig { servers: 10, ..SimConfig::default() }).is_err());
}

#[test]
fn set_latency_changes_how_long_every_later_message_flies() {
    let mut sim = cluster(3, 2);
    sim.act(Action::SetLatency { min: 40, max: 40 }).unwrap();
    assert_eq!((sim.config().latency_min, sim.config().latency_max), (40, 40));
    assert!(run_until(&mut sim, 3000, |w| w.leader().is_some()));
    let flights: Vec<u64> = sim.network().in_flight().map(|m| m.deliver_at - m.sent_at).collect();
    assert!(!flights.is_empty());
    assert!(flights.iter().all(|&f| f == 40), "every flight takes 40 ms: {flights:?}");
    // A range that is empty or absurd is refused, and nothing changes.
    let hash = sim.trace().hash();
    let empty = sim.act(Action::SetLatency { min: 30, max: 20 }).unwrap_err();
    assert!(empty.contains("below its minimum"), "{empty}");
    assert!(sim.act(Action::SetLatency { min: 0, max: 1_000_000 }).is_err());
    assert_eq!((sim.config().latency_min, sim.config().latency_max), (40, 40));
    assert_eq!(sim.trace().hash(), hash);
}

#[test]
fn prevote_keeps_a_healed_partition_from_deposing_the_leader() {
    // Thesis §9.6: a server cut off from the others keeps timing out. Without
    // PreVote it returns with a huge term and forces an election; with
    // PreVote its term never moved, and the leader stays.
    fn leader_changes_after_partition(pre_vote: bool) -> (bool, u64) {
        let mut config = SimConfig { servers: 5, seed: 12, ..SimConfig::default() };
        config.raft.pre_vote = pre_vote;
        let mut sim = Sim::new(config).unwrap();
        run_until(&mut sim, 2000, |w| w.leader().is_some());
        sim.run_until(sim.now() + 200);
        let leader = sim.leader().unwrap();
        let lonely = sim.ids().find(|&i| i != leader).unwrap();
        let rest: Vec<NodeId> = sim.ids().filter(|&i| i != lonely).collect();
        sim.act(Action::Partition(vec![vec![lonely], rest])).unwrap();
        sim.run_until(sim.now() + 2000);
        let lonely_term = sim.server(lonely).unwrap().raft.current_term();
        sim.act(Action::HealAll).unwrap();
        sim.run_until(sim.now() + 2000);
        assert!(sim.violations().is_empty());
        (sim.leader() != Some(leader) || sim.trace().recent().any(|e| matches!(&e.event,
            sim::TraceEvent::Raft { node, event: raft::Event::BecameFollower { .. } } if *node == leader)), lonely_term)
    }
    let (deposed, term_without) = leader_changes_after_partition(false);
    assert!(deposed, "without PreVote the leader is deposed");
    let (deposed, term_with) = leader_changes_after_partition(true);
    assert!(!deposed, "with PreVote the leader stays");
    assert!(
        term_without > term_with + 3,
        "terms: {term_without} without PreVote, {term_with} with"
    );
}

#[test]
fn check_quorum_makes_a_leader_in_a_minority_step_down() {
    fn minority_leader_role(check_quorum: bool) -> Role {
        let mut config = SimConfig { servers: 5, seed: 8, ..SimConfig::default() };
        config.raft.check_quorum = check_quorum;
        let mut sim = Sim::new(config).unwrap();
        run_until(&mut sim, 2000, |w| w.leader().is_some());
        let leader = sim.leader().unwrap();
        let buddy = sim.ids().find(|&i| i != leader).unwrap();
        let rest: Vec<NodeId> = sim.ids().filter(|&i| i != leader && i != buddy).collect();
        sim.act(Action::Partition(vec![vec![leader, buddy], rest])).unwrap();
        sim.run_until(sim.now() + 1500);
        sim.server(leader).unwrap().raft.role()
    }
    assert_eq!(minority_leader_role(false), Role::Leader, "without CheckQuorum it never notices");
    assert_ne!(minority_leader_role(true), Role::Leader);
}

#[test]
fn leadership_transfer_hands_over_to_the_chosen_server() {
    let mut sim = cluster(5, 30);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    sim.run_until(sim.now() + 200);
    let old = sim.leader().unwrap();
    let target = sim.ids().find(|&i| i != old).unwrap();
    assert_eq!(
        sim.act(Action::TransferLeadership(old)),
        Err(format!("{old} is already the leader"))
    );
    sim.act(Action::TransferLeadership(target)).unwrap();
    assert!(run_until(&mut sim, 1000, |w| w.leader() == Some(target)));
    assert!(sim.violations().is_empty());
}

#[test]
fn gets_are_served_without_log_entries_by_read_index_and_by_lease() {
    for mode in [raft::ReadMode::ReadIndex, raft::ReadMode::Lease] {
        let mut config = SimConfig { servers: 3, seed: 2, ..SimConfig::default() };
        config.raft.read_mode = mode;
        let mut sim = Sim::new(config).unwrap();
        run_until(&mut sim, 2000, |w| w.leader().is_some());
        submit(&mut sim, "put x 5", Target::Leader);
        assert!(run_until(&mut sim, 2000, |w| w.history().ops[0].returned.is_some()));
        let log_len = sim.server(sim.leader().unwrap()).unwrap().raft.log().last_index();
        let follower = sim.ids().find(|&i| Some(i) != sim.leader()).unwrap();
        // Once from the leader, once from a follower (forwarded, thesis §6.4).
        submit(&mut sim, "get x", Target::Leader);
        submit(&mut sim, "get x", Target::Server(follower));
        assert!(run_until(&mut sim, 2000, |w| w
            .history()
            .ops
            .iter()
            .all(|o| o.returned.is_some())));
        for op in sim.history().ops.iter().skip(1) {
            assert_eq!(
                op.returned.as_ref().unwrap().1,
                KvOutput::Value(Some("5".into())),
                "{mode:?}"
            );
        }
        let after = sim.server(sim.leader().unwrap()).unwrap().raft.log().last_index();
        assert_eq!(after, log_len, "{mode:?}: no log entries for reads");
        assert!(sim.violations().is_empty());
    }
}

#[test]
fn adding_a_server_makes_it_a_learner_that_catches_up_then_a_voter() {
    let mut sim = cluster(3, 40);
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    submit(&mut sim, "put x 1", Target::Leader);
    assert!(run_until(&mut sim, 2000, |w| w.history().ops[0].returned.is_some()));
    sim.act(Action::AddServer).unwrap();
    let new = s(4);
    assert!(run_until(&mut sim, 3000, |w| {
        let l = w.leader().and_then(|l| w.server(l)).map(|s| s.raft.membership().clone());
        l.is_some_and(|m| m.voters.contains(&new))
    }));
    sim.run_until(sim.now() + 300);
    assert_eq!(kv(&sim, 4, "x").as_deref(), Some("1"), "the new server applied the log");
    assert!(sim.violations().is_empty());
}

#[test]
fn removing_a_server_and_joint_consensus_keep_the_cluster_safe_and_live() {
    let mut sim = cluster(5, 41);
    // A leader changes the configuration only once its no-op has committed.
    run_until(&mut sim, 2000, |w| {
        w.leader().and_then(|l| w.server(l)).is_some_and(|s| s.raft.commit_index() > 0)
    });
    let leader = sim.leader().unwrap();
    let victim = sim.ids().find(|&i| i != leader).unwrap();
    sim.act(Action::RemoveServer(victim)).unwrap();
    assert!(run_until(&mut sim, 2000, |w| {
        w.server(leader).is_some_and(|s| {
            !s.raft.membership().members().contains(&victim)
                && s.raft.commit_index() >= s.raft.membership_index()
        })
    }));
    // Joint consensus to three voters that leave the leader out.
    let keep: Vec<NodeId> = sim.ids().filter(|&i| i != leader && i != victim).take(3).collect();
    sim.act(Action::ChangeVoters(keep.clone())).unwrap();
    assert!(run_until(&mut sim, 4000, |w| w.leader().is_some_and(|l| keep.contains(&l))));
    let new_leader = sim.leader().unwrap();
    let m = sim.server(new_leader).unwrap().raft.membership().clone();
    assert!(!m.is_joint());
    assert_eq!(m.voters, keep.iter().copied().collect());
    // The old leader and the removed server stay quiet; commands still commit.
    submit(&mut sim, "put y 2", Target::Leader);
    assert!(run_until(&mut sim, 3000, |w| w.history().ops.last().unwrap().returned.is_some()));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    assert!(sim.act(Action::RemoveServer(NodeId(9))).unwrap_err().contains("no server S9"));
}

#[test]
fn snapshots_compact_logs_and_bring_a_far_behind_server_back_by_install_snapshot() {
    let config =
        SimConfig { servers: 3, seed: 50, snapshot_threshold: Some(4), ..SimConfig::default() };
    let mut sim = Sim::new(config).unwrap();
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    let leader = sim.leader().unwrap();
    let lagger = sim.ids().find(|&i| i != leader).unwrap();
    sim.act(Action::Crash(lagger)).unwrap();
    for i in 0..10 {
        submit(&mut sim, &format!("put k{i} {i}"), Target::Leader);
    }
    assert!(run_until(&mut sim, 5000, |w| w.history().ops.iter().all(|o| o.returned.is_some())));
    let (compacted, _) = sim.server(leader).unwrap().raft.log().snapshot_point();
    assert!(compacted >= 4, "the leader compacted its log (through {compacted})");
    sim.act(Action::Restart(lagger)).unwrap();
    assert!(run_until(&mut sim, 3000, |w| {
        let l = w.server(leader).unwrap();
        w.server(lagger)
            .is_some_and(|s| s.raft.commit_index() == l.raft.commit_index() && s.kv == l.kv)
    }));
    assert!(sim.trace().recent().any(|e| matches!(&e.event,
        sim::TraceEvent::Raft { event: raft::Event::SnapshotInstalled { .. }, node } if *node == lagger)));
    // A restart rebuilds the store from snapshot + log.
    sim.act(Action::Crash(lagger)).unwrap();
    sim.act(Action::Restart(lagger)).unwrap();
    assert_eq!(
        kv(&sim, lagger.0, "k0").as_deref(),
        Some("0"),
        "restored from the snapshot at once"
    );
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    assert!(sim.act(Action::SetSnapshotThreshold(Some(0))).is_err());
}

/// With votes granted without the up-to-date check, a server that missed a
/// committed entry is elected; run until the checkers notice. Returns the
/// world and that server.
fn elect_a_server_that_missed_a_commit() -> (Sim, NodeId) {
    let mut sim = cluster(3, 60);
    sim.act(Action::SetBug { bug: raft::Bug::VoteWithoutLogCheck, on: true }).unwrap();
    run_until(&mut sim, 2000, |w| w.leader().is_some());
    let leader = sim.leader().unwrap();
    let behind = sim.ids().find(|&i| i != leader).unwrap();
    sim.act(Action::Crash(behind)).unwrap();
    submit(&mut sim, "put x 1", Target::Leader);
    assert!(run_until(&mut sim, 2000, |w| w.history().ops[0].returned.is_some()));
    sim.act(Action::Restart(behind)).unwrap();
    sim.act(Action::Crash(leader)).unwrap();
    sim.act(Action::TimeOut(behind)).unwrap();
    run_until(&mut sim, 2000, |w| !w.violations().is_empty());
    (sim, behind)
}

#[test]
fn a_bug_switch_turned_on_mid_run_is_caught_by_the_checkers() {
    // "Break Raft": votes without the up-to-date check let a server that
    // missed committed entries win, and Leader Completeness fires.
    assert!("no_such_bug".parse::<raft::Bug>().is_err());
    let (sim, behind) = elect_a_server_that_missed_a_commit();
    let v = sim.violations().first().expect("the checkers notice");
    assert_eq!(v.invariant, sim::Invariant::LeaderCompleteness);
    assert_eq!(v.nodes, vec![behind]);
}

#[test]
fn a_violation_is_reported_once_when_it_first_happens() {
    // The same broken run as above, watched for a while after the break:
    // every later event that looks at the same servers finds the same
    // break, and it must not be reported again.
    let (mut sim, _) = elect_a_server_that_missed_a_commit();
    let first = sim.violations()[0].clone();
    sim.run_until(sim.now() + 3000);
    assert_eq!(sim.violations()[0], first, "the first report stays first");
    let mut keys: Vec<_> =
        sim.violations().iter().map(|v| (v.invariant, v.nodes.clone(), v.index)).collect();
    let reports = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), reports, "each break reported once: {:?}", sim.violations());
    let traced =
        sim.trace().recent().filter(|e| matches!(e.event, sim::TraceEvent::Violation(_))).count();
    assert_eq!(traced, reports, "the trace narrates each break once");
}

/// §5.3, Figure 7: the leader for term 8 (S1) and followers (a)–(f) (S2–S7)
/// with the logs of the figure, by term. Any of them could have happened:
/// (a) and (b) miss entries, (c) and (d) have extra uncommitted ones, (e)
/// and (f) both miss some and have extra ones.
const FIGURE_7: [&[raft::Term]; 7] = [
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6],
    &[1, 1, 1, 4],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    &[1, 1, 1, 4, 4, 4, 4],
    &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
];

fn figure_7(fast_backtrack: bool) -> Sim {
    let mut config = SimConfig { servers: 7, seed: 7, ..SimConfig::default() };
    config.raft.fast_backtrack = fast_backtrack;
    // Everyone has seen term 7 ((d) stored entries of it); S1 is about to
    // campaign for term 8.
    let disks = FIGURE_7.iter().map(|terms| sim::setup::disk_of_terms(7, terms)).collect();
    Sim::from_disks(config, disks).unwrap()
}

#[test]
fn a_world_started_from_figure_7s_disks_holds_exactly_those_logs() {
    let sim = figure_7(false);
    for (id, terms) in sim.ids().zip(FIGURE_7) {
        let r = &sim.server(id).unwrap().raft;
        let log: Vec<raft::Term> = r.log().iter().map(|e| e.term).collect();
        assert_eq!(log, terms, "{id}'s log");
        assert_eq!((r.current_term(), r.commit_index(), r.role()), (7, 0, Role::Follower));
    }
    let bad = vec![sim::setup::disk_of_terms(3, &[1, 4])];
    let err = Sim::from_disks(SimConfig { servers: 1, ..SimConfig::default() }, bad).unwrap_err();
    assert!(err.contains("never pass currentTerm"), "{err}");
    assert!(Sim::from_disks(SimConfig::default(), Vec::new()).unwrap_err().contains("5 servers"));
}

#[test]
fn figure_7s_leader_repairs_every_follower_log_to_its_own() {
    // §5.3: the leader (votes from (a), (b), (e), (f): its log is at least
    // as up to date as theirs, §5.4.1) finds where each follower's log
    // agrees with its own, deletes what follows and sends its entries.
    for fast_backtrack in [false, true] {
        let mut sim = figure_7(fast_backtrack);
        let leader = NodeId(1);
        sim.act(Action::TimeOut(leader)).unwrap();
        sim.run_until(3000);
        assert_eq!(sim.leader(), Some(leader), "the leader of Figure 7 was elected");
        let l = &sim.server(leader).unwrap().raft;
        assert_eq!(l.current_term(), 8);
        let want: Vec<raft::Term> = l.log().iter().map(|e| e.term).collect();
        assert_eq!(want[..10], *FIGURE_7[0], "the leader never rewrites its own log");
        let every = want.len() as u64;
        assert_eq!(l.commit_index(), every, "its term-8 entry commits, and all before it");
        for id in sim.ids() {
            let r = &sim.server(id).unwrap().raft;
            let log: Vec<raft::Term> = r.log().iter().map(|e| e.term).collect();
            assert_eq!(log, want, "{id} ends with the leader's log (fast: {fast_backtrack})");
            assert_eq!(r.commit_index(), l.commit_index());
        }
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    }
}
