//! The run format's rules: what round-trips, what is refused and what the
//! refusals say.

use super::*;
use crate::action::Action;
use crate::client::Target;
use crate::kv::{ClientId, KvOp};
use crate::timeline::Timeline;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as URL_SAFE;
use raft::NodeId;

fn put(i: u32) -> Action {
    Action::Submit {
        client: ClientId(1),
        op: KvOp::Put { key: format!("k{}", i % 7).into(), value: i.to_string().into() },
        target: Target::Leader,
    }
}

/// A short run with a crash, a restart, puts and a look back in time.
fn session() -> Timeline {
    let mut tl = Timeline::new(SimConfig { seed: 7, ..SimConfig::default() }).unwrap();
    tl.run_until(800).unwrap();
    tl.act(put(1)).unwrap();
    tl.step().unwrap();
    tl.act(Action::Crash(NodeId(2))).unwrap();
    tl.act(Action::SetLoss(5.0)).unwrap();
    tl.run_until(1500).unwrap();
    tl.act(Action::Restart(NodeId(2))).unwrap();
    tl.act(put(2)).unwrap();
    tl.run_until(3000).unwrap();
    tl.seek(2100).unwrap();
    tl
}

#[test]
fn a_run_replays_from_its_record_to_the_same_moment_and_trace() {
    let tl = session();
    let record = tl.record();
    assert_eq!(record.actions.len(), 5);
    assert_eq!(record.config.loss_percent, 0.0, "the record keeps the starting settings");
    let back = Timeline::from_record(&record).unwrap();
    assert_eq!(back.moment(), tl.moment());
    assert_eq!(back.end(), tl.end());
    assert_eq!(back.actions(), tl.actions());
    assert_eq!(back.sim().trace().hash(), tl.sim().trace().hash());
    assert_eq!(back.record(), record);
}

#[test]
fn both_encodings_round_trip() {
    let record = session().record();
    let link = to_link(&record);
    assert!(link.starts_with("2."), "{link}");
    assert_eq!(from_link(&link).unwrap(), record);
    assert_eq!(from_link(&format!("#run={link}")).unwrap(), record);
    let json = to_json(&record);
    assert!(json.trim_start().starts_with("{\n  \"format\": \"raft-playground-run\""), "{json}");
    assert_eq!(from_json(&json).unwrap(), record);
}

#[test]
fn a_refused_action_is_named_with_its_number_and_time() {
    let mut record = session().record();
    record.actions[2].action = Action::Crash(NodeId(12));
    let e = Timeline::from_record(&record).unwrap_err();
    assert!(e.starts_with("action 3 (crash S12) at "), "{e}");
    assert!(e.contains("was refused"), "{e}");
}

#[test]
fn moments_out_of_order_or_past_the_end_are_refused() {
    let record = session().record();
    let mut swapped = record.clone();
    swapped.actions.swap(0, 4);
    assert!(swapped.validate().unwrap_err().contains("out of order"));
    let mut late = record.clone();
    late.at.time = late.end.time + 1;
    assert!(late.validate().unwrap_err().contains("past the run's end"));
    let mut shifted = record.clone();
    shifted.actions[0].at.time += 1;
    let e = Timeline::from_record(&shifted).unwrap_err();
    assert!(e.contains("action 1") && e.contains("does not fit"), "{e}");
    let mut long = record;
    long.end.time = MAX_TIME + 1;
    assert!(long.validate().unwrap_err().contains("at most 86,400,000 ms"));
}

#[test]
fn a_damaged_link_says_how() {
    let link = to_link(&session().record());
    for (bad, says) in [
        (
            format!("7.{}", &link[2..]),
            "this link is version 7; this playground reads versions 1 to 2",
        ),
        (link[..link.len() - 8].to_string(), "cut short in"),
        (format!("{link}AAAA"), "bytes more than the run"),
        (format!("{}*{}", &link[..10], &link[11..]), "character that cannot be in it, '*'"),
        ("hello".to_string(), "not a run link"),
        ("x.AAAA".to_string(), "not a run link"),
        ("1.".to_string() + &"A".repeat(MAX_LINK_CHARS), "at most 2,000,000"),
    ] {
        let e = from_link(&bad).unwrap_err();
        assert!(e.contains(says), "{bad:.40}: {e}");
    }
}

#[test]
fn a_wrong_file_says_how() {
    let json = to_json(&session().record());
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        f(&mut v);
        from_json(&v.to_string()).unwrap_err()
    };
    assert!(with(&|v| v["version"] = 7.into())
        .contains("this file is version 7; this playground reads versions 1 to 2"));
    assert!(with(&|v| v["foo"] = 1.into()).contains("unknown field `foo`"));
    assert!(with(&|v| v["at"]["foo"] = 1.into()).contains("unknown field `foo`"));
    assert!(with(&|v| v["format"] = "x".into()).contains("format is \"x\""));
    assert!(with(&|v| v["config"]["servers"] = 0.into()).contains("1 to 9 servers"));
    let first = value["actions"][0].clone();
    value["actions"] = serde_json::Value::Array(vec![first; MAX_ACTIONS + 1]);
    let e = from_json(&value.to_string()).unwrap_err();
    assert!(e.contains("100,001 actions: at most 100,000"), "{e}");
    assert!(from_json("[1, 2]").unwrap_err().contains("a run file is a JSON object"));
    assert!(from_json(&json[..json.len() / 2]).unwrap_err().contains("not valid JSON"));
}

#[test]
fn a_ten_minute_session_with_fifty_actions_makes_a_short_link() {
    let mut tl = Timeline::new(SimConfig::default()).unwrap();
    for i in 0..50u32 {
        tl.run_until(Time::from(i) * 12_000 + 500).unwrap();
        let action = match i % 5 {
            0 => Action::Crash(NodeId(1 + (i / 5 % 5) as u8)),
            1 => Action::Restart(NodeId(1 + (i / 5 % 5) as u8)),
            _ => put(i),
        };
        tl.act(action).unwrap();
    }
    tl.run_until(600_000).unwrap();
    let link = to_link(&tl.record());
    let json = to_json(&tl.record());
    eprintln!("10 min, 50 actions: link {} characters, file {} bytes", link.len(), json.len());
    assert!(link.len() < 1000, "{}", link.len());
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(1_000_001), "1,000,001");
}

#[test]
fn version_1_links_and_files_still_open_as_fresh_clusters() {
    let record = session().record();
    // Version 1 is version 2 without the origin at the end.
    let mut bytes = postcard::to_allocvec(&record).unwrap();
    assert_eq!(bytes.pop(), Some(0), "a fresh origin is one zero byte");
    bytes[0] = 1;
    let v1 = format!("1.{}", base64::Engine::encode(&URL_SAFE, bytes));
    let read = from_link(&v1).unwrap();
    assert_eq!((read.version, read.origin.clone()), (1, crate::timeline::Origin::Fresh));
    assert_eq!(RunRecord { version: VERSION, ..read }, record);
    let mut file: serde_json::Value = serde_json::from_str(&to_json(&record)).unwrap();
    file["version"] = 1.into();
    file.as_object_mut().unwrap().remove("origin");
    assert_eq!(from_json(&file.to_string()).unwrap().origin, crate::timeline::Origin::Fresh);
}

#[test]
fn peer_maps_and_sets_encode_byte_for_byte_as_btree_collections() {
    use raft::{Membership, PeerMap, PeerSet};
    use std::collections::{BTreeMap, BTreeSet};
    let pairs = [(NodeId(7), 30u64), (NodeId(2), 10), (NodeId(5), 20)];
    let map: PeerMap<u64> = pairs.into_iter().collect();
    let tree: BTreeMap<NodeId, u64> = pairs.into_iter().collect();
    let bytes = postcard::to_allocvec(&map).unwrap();
    assert_eq!(bytes, postcard::to_allocvec(&tree).unwrap());
    assert_eq!(postcard::from_bytes::<PeerMap<u64>>(&bytes).unwrap(), map);

    let set: PeerSet = pairs.iter().map(|p| p.0).collect();
    let tree: BTreeSet<NodeId> = pairs.iter().map(|p| p.0).collect();
    let bytes = postcard::to_allocvec(&set).unwrap();
    assert_eq!(bytes, postcard::to_allocvec(&tree).unwrap());
    // A set written out of order or with repeats reads as BTreeSet reads it.
    let unsorted = postcard::to_allocvec(&vec![NodeId(7), NodeId(2), NodeId(7)]).unwrap();
    let read: PeerSet = postcard::from_bytes(&unsorted).unwrap();
    assert_eq!(read.as_slice(), [NodeId(2), NodeId(7)]);

    let m = Membership { voters: set, outgoing: PeerSet::new(), learners: [NodeId(9)].into() };
    let back: Membership = postcard::from_bytes(&postcard::to_allocvec(&m).unwrap()).unwrap();
    assert_eq!(back, m);
}
