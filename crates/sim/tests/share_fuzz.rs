//! The run format's decoders against hostile input: random and mutated
//! links and files (flipped bytes, cuts, splices, huge numbers, unknown
//! fields, a million actions) never panic; each is either a valid record
//! or an error that says something. Records that decode are sometimes
//! replayed too, which must also end in a timeline or an error. And the
//! round trips: a recorded run comes back identical through both
//! encodings and replays to the same trace.

#![cfg(not(target_arch = "wasm32"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use raft::NodeId;
use sim::share::{from_json, from_link, to_json, to_link, RunRecord, MAX_ACTIONS};
use sim::{Action, ClientId, KvOp, SimConfig, Target, Timeline};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Cases of each decoder fuzz test (four of them: 100,000 in all).
const CASES: u32 = 25_000;

/// Most decoded records replayed per test run: replaying costs
/// milliseconds where decoding costs microseconds.
const REPLAYS: usize = 300;

fn put(i: u64) -> Action {
    Action::Submit {
        client: ClientId(1),
        op: KvOp::Put { key: format!("k{}", i % 5).into(), value: i.to_string().into() },
        target: Target::Leader,
    }
}

/// Actions a person can take, picked by number.
fn action(kind: u8, n: u8) -> Action {
    let node = NodeId(1 + n % 5);
    match kind % 10 {
        0 => Action::Crash(node),
        1 => Action::Restart(node),
        2 => Action::TimeOut(node),
        3 => Action::Isolate(node),
        4 => Action::Reconnect(node),
        5 => Action::HealAll,
        6 => Action::SetLoss(f64::from(n % 50) / 3.0),
        7 => Action::SetLink { a: node, b: NodeId(1 + (n / 5) % 5), cut: n.is_multiple_of(2) },
        8 => Action::TransferLeadership(node),
        _ => put(u64::from(n)),
    }
}

/// A run: acts at the given times (ms apart), skipping refused actions,
/// then plays `tail` ms on and looks back `back` ms.
fn run(config: SimConfig, steps: &[(u16, u8, u8)], tail: u16, back: u16) -> Timeline {
    let mut tl = Timeline::new(config).unwrap();
    for &(gap, kind, n) in steps {
        let t = tl.moment().time + u64::from(gap);
        tl.run_until(t).unwrap();
        if n % 3 == 0 {
            let _ = tl.step();
        }
        let _ = tl.act(action(kind, n));
    }
    let end = tl.moment().time + u64::from(tail);
    tl.run_until(end).unwrap();
    tl.seek(end.saturating_sub(u64::from(back))).unwrap();
    tl
}

/// Valid records to mutate: an empty run, a few short sessions.
fn bases() -> &'static [RunRecord] {
    static BASES: OnceLock<Vec<RunRecord>> = OnceLock::new();
    BASES.get_or_init(|| {
        let three = SimConfig { servers: 3, seed: 99, ..SimConfig::default() };
        vec![
            Timeline::new(SimConfig::default()).unwrap().record(),
            run(SimConfig::default(), &[(400, 9, 1), (300, 0, 2), (200, 1, 2)], 800, 300).record(),
            run(three, &[(500, 3, 0), (10, 9, 4), (700, 4, 0), (50, 6, 7)], 600, 0).record(),
        ]
    })
}

/// Replay a decoded record, now and then, and insist it ends cleanly.
fn maybe_replay(record: &RunRecord, replays: &AtomicUsize) {
    if record.end.time > 5_000 || replays.fetch_add(1, Ordering::Relaxed) >= REPLAYS {
        return;
    }
    if let Err(e) = Timeline::from_record(record) {
        assert!(!e.is_empty());
    }
}

/// A decoder's answer is a record or a message a person can read.
fn judge(result: Result<RunRecord, String>, replays: &AtomicUsize) {
    match result {
        Ok(record) => {
            record.validate().expect("a decoded record is valid");
            maybe_replay(&record, replays);
        }
        Err(e) => {
            assert!(e.len() > 10, "{e}");
            assert!(e.len() < 2_000, "an error message of {} characters", e.len());
        }
    }
}

/// A mutation of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, bits: u8 },
    Set { at: usize, byte: u8 },
    Cut { at: usize },
    Splice { at: usize, other: usize, from: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Remove { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, bits)| Mutation::Flip { at, bits }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Cut { at }),
        (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(at, other, from)| Mutation::Splice { at, other, from }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1..20usize).prop_map(|(at, len)| Mutation::Remove { at, len }),
    ]
}

/// Apply `mutations` to `bytes`; `others` are encodings to splice from.
fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation], others: &[Vec<u8>]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip { at, bits } => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b ^= bits;
                }
            }
            Mutation::Set { at, byte } => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b = *byte;
                }
            }
            Mutation::Cut { at } => bytes.truncate(at % len),
            Mutation::Splice { at, other, from } => {
                let other = &others[other % others.len()];
                bytes.truncate(at % len);
                bytes.extend_from_slice(&other[from % other.len().max(1)..]);
            }
            Mutation::Insert { at, bytes: new } => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::Remove { at, len: n } => {
                let at = (at % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

fn postcards() -> &'static [Vec<u8>] {
    static P: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    P.get_or_init(|| bases().iter().map(|r| postcard::to_allocvec(r).unwrap()).collect())
}

fn links() -> &'static [Vec<u8>] {
    static L: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    L.get_or_init(|| bases().iter().map(|r| to_link(r).into_bytes()).collect())
}

fn files() -> &'static [Vec<u8>] {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| bases().iter().map(|r| to_json(r).into_bytes()).collect())
}

/// Numbers and fields a hostile file might put in place of a value.
const HOSTILE_VALUES: &[&str] = &[
    "18446744073709551616",
    "-1",
    "1e308",
    "1e999",
    "NaN",
    "null",
    "\"\"",
    "[]",
    "{}",
    "4294967296",
    "255",
    "256",
    "0.5",
];

static LINK_REPLAYS: AtomicUsize = AtomicUsize::new(0);
static BYTE_REPLAYS: AtomicUsize = AtomicUsize::new(0);
static FILE_REPLAYS: AtomicUsize = AtomicUsize::new(0);

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    /// Mutated link text: base64 damage, cuts, splices, stray characters.
    #[test]
    fn mutated_link_text_is_a_record_or_a_clear_error(
        base in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let text = mutate(links()[base].clone(), &mutations, links());
        judge(from_link(&String::from_utf8_lossy(&text)), &LINK_REPLAYS);
    }

    /// Mutated postcard bytes in well-formed base64: gets past the base64
    /// check to the record decoder.
    #[test]
    fn mutated_link_bytes_are_a_record_or_a_clear_error(
        base in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 1..3),
    ) {
        let bytes = mutate(postcards()[base].clone(), &mutations, postcards());
        judge(from_link(&format!("1.{}", URL_SAFE_NO_PAD.encode(bytes))), &BYTE_REPLAYS);
    }

    /// Random bytes, wholly made up, as a link and as a file.
    #[test]
    fn random_input_is_a_clear_error(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let replays = AtomicUsize::new(REPLAYS);
        judge(from_link(&format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes))), &replays);
        judge(from_link(&String::from_utf8_lossy(&bytes)), &replays);
        judge(from_json(&String::from_utf8_lossy(&bytes)), &replays);
    }

    /// Mutated files: damaged bytes, and values swapped for huge numbers
    /// or unknown fields.
    #[test]
    fn mutated_files_are_a_record_or_a_clear_error(
        base in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 0..3),
        hostile in proptest::option::of((any::<usize>(), 0..HOSTILE_VALUES.len())),
        unknown in any::<bool>(),
    ) {
        let mut text = String::from_utf8_lossy(&mutate(files()[base].clone(), &mutations, files())).into_owned();
        if let Some((at, v)) = hostile {
            // Put the value after a colon: in place of a field's value.
            let colons: Vec<usize> = text.match_indices(": ").map(|(i, _)| i + 2).collect();
            if let Some(&i) = colons.get(at % colons.len().max(1)) {
                let end = text[i..].find([',', '\n']).map_or(text.len(), |e| i + e);
                text.replace_range(i..end, HOSTILE_VALUES[v]);
            }
        }
        if unknown {
            if let Some(i) = text.find('{') {
                text.insert_str(i + 1, "\"foo\": 1,");
            }
        }
        let result = from_json(&text);
        if unknown && mutations.is_empty() && hostile.is_none() {
            prop_assert!(result.as_ref().is_err_and(|e| e.contains("unknown field `foo`")), "{result:?}");
        }
        judge(result, &FILE_REPLAYS);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// A recorded run comes back the same through both encodings, and its
    /// replay reaches the same moment with the same trace.
    #[test]
    fn records_round_trip_and_replay_to_the_same_trace(
        servers in 1..=7u8,
        seed in any::<u64>(),
        steps in proptest::collection::vec((0..700u16, any::<u8>(), any::<u8>()), 0..8),
        tail in 0..1000u16,
        back in 0..1500u16,
    ) {
        let config = SimConfig { servers, seed, ..SimConfig::default() };
        let tl = run(config, &steps, tail, back);
        let record = tl.record();
        prop_assert_eq!(&from_link(&to_link(&record)).unwrap(), &record);
        prop_assert_eq!(&from_json(&to_json(&record)).unwrap(), &record);
        let back = Timeline::from_record(&record).unwrap();
        prop_assert_eq!(back.moment(), record.at);
        prop_assert_eq!(back.sim().trace().hash(), tl.sim().trace().hash());
    }
}

/// A million actions are refused before they are read: a link by its
/// length, a file by their count.
#[test]
fn a_million_actions_are_refused_by_count() {
    let mut record = bases()[1].clone();
    let one = record.actions[0].clone();
    record.actions = vec![one; 1_000_000];
    let link = format!("1.{}", URL_SAFE_NO_PAD.encode(postcard::to_allocvec(&record).unwrap()));
    let e = from_link(&link).unwrap_err();
    assert!(e.contains("characters long"), "{e}");
    // Announced but not there: refused by the count alone.
    let mut bytes = postcard::to_allocvec(&bases()[0]).unwrap();
    let config = postcard::to_allocvec(&bases()[0].config).unwrap().len();
    bytes.truncate(1 + config);
    bytes.extend_from_slice(&[0xc0, 0x84, 0x3d]); // 1,000,000 as a varint
    let e = from_link(&format!("1.{}", URL_SAFE_NO_PAD.encode(bytes))).unwrap_err();
    assert!(e.contains("1,000,000 actions: at most 100,000"), "{e}");
    // There and one too many: refused by count too.
    record.actions =
        vec![sim::Recorded { at: record.end, action: Action::HealAll }; MAX_ACTIONS + 1];
    let e = from_link(&to_link(&record)).unwrap_err();
    assert!(e.contains("100,001 actions: at most 100,000"), "{e}");
    let e = from_json(
        &serde_json::to_string(&serde_json::json!({
            "format": "raft-playground-run",
            "version": 1,
            "config": bases()[0].config,
            "actions": vec![&record.actions[0]; MAX_ACTIONS * 10 + 1],
            "at": record.at,
            "end": record.end,
        }))
        .unwrap(),
    )
    .unwrap_err();
    assert!(e.contains("1,000,001 actions: at most 100,000"), "{e}");
}
