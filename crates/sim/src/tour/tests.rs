use super::*;
use crate::Sim;

/// A small tour: S1 elected in term 1 from a fresh cluster of three, then
/// a Put committed everywhere.
const SMALL: &str = r#"{
  "id": "small", "title": "Small", "source": "the paper, §5.2",
  "settings": {"servers": 3, "seed": 4},
  "steps": [
    {"actions": [{"TimeOut": 1}],
     "run": {"Until": {"condition": {"Leader": {"server": 1}}, "within": 1000}},
     "narration": "S1 is elected.",
     "claims": [{"Leader": {"server": 1, "term": 1}}]},
    {"actions": [{"Submit": {"client": 1, "op": {"Put": {"key": "x", "value": "1"}}, "target": "Leader"}}],
     "run": {"Until": {"condition": {"Applied": {"index": 2}}, "within": 1000}},
     "narration": "x is 1 everywhere.",
     "claims": [{"Value": {"server": 3, "key": "x", "value": "1"}}, {"Violation": null}]},
    {"run": {"For": 200}, "narration": "Heartbeats.",
     "claims": [{"CommitIndex": {"server": 2, "index": 2}}]}
  ]
}"#;

fn small() -> Tour {
    Tour::from_json("small", SMALL).unwrap()
}

/// What a step shows, to compare two visits of it.
fn seen(sim: &Sim) -> (raft::Time, u64, u64) {
    (sim.now(), sim.trace().len(), sim.trace().hash())
}

#[test]
fn back_is_a_seek_to_exactly_the_state_the_step_had() {
    let (mut runner, mut tl) = Runner::open(small()).unwrap();
    let first = seen(tl.sim());
    runner.next(&mut tl).unwrap();
    let second = seen(tl.sim());
    runner.next(&mut tl).unwrap();
    assert!(runner.at_end() && runner.next(&mut tl).is_err());
    let restores = tl.restores();
    runner.back(&mut tl).unwrap();
    assert_eq!((runner.shown(), seen(tl.sim())), (2, second));
    assert!(tl.restores() > restores, "a seek, not a replay of the tour's actions");
    runner.back(&mut tl).unwrap();
    assert_eq!(seen(tl.sim()), first);
    assert!(runner.back(&mut tl).is_err(), "nothing before step 1");
    // Next over a played step is a seek too: the branch does not grow.
    let end = tl.end();
    runner.next(&mut tl).unwrap();
    assert_eq!((seen(tl.sim()), tl.end()), (second, end));
    check_claims(tl.sim(), &small().steps[1].claims).unwrap();
}

#[test]
fn a_step_that_includes_the_next_steps_moment_shows_none_of_its_actions() {
    // Step 2's Submit is recorded at step 1's end: back at step 1 no client
    // has asked anything.
    let (mut runner, mut tl) = Runner::open_at(small(), 2).unwrap();
    runner.back(&mut tl).unwrap();
    assert!(tl.sim().history().completed() == 0 && tl.sim().clients().is_empty());
}

#[test]
fn open_at_plays_every_step_before() {
    let (runner, tl) = Runner::open_at(small(), 3).unwrap();
    assert_eq!(runner.shown(), 3);
    assert!(tl.sim().now() >= 200);
    let e = Runner::open_at(small(), 4).unwrap_err();
    assert!(e.contains("small") && e.contains("1 to 3"), "{e}");
}

#[test]
fn a_false_claim_names_the_tour_the_step_the_claim_and_what_was_seen() {
    let text = SMALL.replace(r#""term": 1}}]"#, r#""term": 7}}]"#);
    let e = Runner::open(Tour::from_json("small", &text).unwrap()).unwrap_err();
    assert_eq!(e, "tour small, step 1: claim 1 (S1 leads term 7) does not hold: S1 leads term 1");
}

#[test]
fn a_condition_that_never_holds_fails_at_its_time_limit() {
    let text = SMALL.replace(r#"{"Leader": {"server": 1}}"#, r#"{"Leader": {"server": 2}}"#);
    let e = Runner::open(Tour::from_json("small", &text).unwrap()).unwrap_err();
    assert!(e.starts_with("tour small, step 1: S2 is elected did not happen within"), "{e}");
}

#[test]
fn bad_data_is_refused_with_the_tour_step_and_problem() {
    let cases = [
        (SMALL.replace(r#""narration": "Heartbeats.""#, r#""narration": "x", "colour": 1"#), "unknown field `colour`"),
        (SMALL.replace(r#""servers": 3"#, r#""servers": 12"#), "tour small: its settings: the cluster needs 1 to 9 servers, not 12"),
        (SMALL.replace(r#""id": "small""#, r#""id": "Small One""#), "its id"),
        (SMALL.replace(r#""narration": "Heartbeats.""#, r#""narration": "", "highlight": {"servers": [4]}"#), "step 3: its narration is empty"),
        (SMALL.replace(r#""narration": "Heartbeats.""#, r#""narration": "h", "highlight": {"servers": [4]}"#), "tour small: step 3: a highlighted server: there is no S4"),
        (SMALL.replace(r#""run": {"For": 200}"#, r#""run": {"For": 0}"#), "step 3: its run: it must last"),
        (SMALL.replace(r#""narration": "Heartbeats.""#, r#""narration": "h", "question": {"prompt": "?", "choices": ["a", "b"], "answer": 2, "explanation": "."}"#), "its question's answer is choice 2"),
        (SMALL.replace(r#""settings""#, r#""start": {"Disks": [{"term": 1}]}, "settings""#), "its start: 1 disks for 3 servers"),
    ];
    for (text, want) in cases {
        let e = Tour::from_json("small", &text).unwrap_err();
        assert!(e.contains(want), "{want:?} not in {e:?}");
    }
    // An action the world refuses fails when the step plays.
    let text = SMALL.replace(r#"{"TimeOut": 1}"#, r#"{"Crash": 8}"#);
    let e = Runner::open(Tour::from_json("small", &text).unwrap()).unwrap_err();
    assert!(e.starts_with("tour small, step 1: action 1 (crash S8) was refused"), "{e}");
}

#[test]
fn a_start_from_disks_boots_each_server_from_the_log_it_draws() {
    let start = Start::Disks(vec![
        DiskImage {
            term: 2,
            voted_for: Some(raft::NodeId(1)),
            log: vec![(1, "Put(x, 1)".into()), (2, "no-op".into())],
        },
        DiskImage { term: 1, voted_for: None, log: vec![(1, "put x 1".into())] },
    ]);
    let origin = start.origin().unwrap();
    let config = Settings { servers: 2, ..Settings::default() }.config().unwrap();
    let sim = origin.build(config).unwrap();
    let claims = [
        Claim::LogTerms { server: raft::NodeId(1), terms: vec![1, 2] },
        Claim::Commands {
            server: raft::NodeId(1),
            commands: vec!["Put(x, 1)".into(), "no-op".into()],
        },
        Claim::VotedFor { server: raft::NodeId(1), voted_for: Some(raft::NodeId(1)) },
        Claim::Term { server: raft::NodeId(2), term: 1 },
        Claim::CommitIndex { server: raft::NodeId(2), index: 0 },
    ];
    check_claims(&sim, &claims).unwrap();
    let bad =
        Start::Disks(vec![DiskImage { term: 1, voted_for: None, log: vec![(1, "jump x".into())] }]);
    assert!(bad.origin().unwrap_err().starts_with("S1's disk: entry 1:"));
}
