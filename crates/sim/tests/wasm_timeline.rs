//! In headless Chromium: a timeline session with a client load, then random
//! seeks across it. Each seek must give the state a straight run has at
//! that time; the seek times are printed (not asserted: timed tests flake).
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p raft-sim --target wasm32-unknown-unknown --test wasm_timeline`
#![cfg(target_arch = "wasm32")]

use raft::{Rng, Time};
use sim::{Action, ClientId, KvOp, Sim, SimConfig, Target, Timeline};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Virtual length of the session, ms.
const SESSION: Time = 600_000;
/// A client writes this often, ms.
const PUT_EVERY: Time = 100;

fn put(i: u64) -> Action {
    Action::Submit {
        client: ClientId(1 + (i % 3) as u32),
        op: KvOp::Put { key: format!("k{}", i % 100), value: i.to_string() },
        target: Target::Leader,
    }
}

/// A straight run of the same session up to `t`.
fn straight(t: Time) -> Sim {
    let mut sim = Sim::new(SimConfig::default()).unwrap();
    for (i, at) in (PUT_EVERY..=t).step_by(PUT_EVERY as usize).enumerate() {
        sim.run_until(at);
        sim.act(put(i as u64 + 1)).unwrap();
    }
    sim.run_until(t);
    sim
}

fn median_max(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

#[wasm_bindgen_test]
fn seeks_in_the_browser_give_the_recorded_states() {
    let started = js_sys::Date::now();
    let mut tl = Timeline::new(SimConfig::default()).unwrap();
    for (i, at) in (PUT_EVERY..=SESSION).step_by(PUT_EVERY as usize).enumerate() {
        tl.run_until(at).unwrap();
        tl.act(put(i as u64 + 1)).unwrap();
    }
    let live = js_sys::Date::now() - started;
    let end = tl.end();

    let mut rng = Rng::new(11);
    let mut seeks = Vec::new();
    let mut backs = Vec::new();
    for _ in 0..60 {
        let t = rng.range_inclusive(0, end.time);
        let before = js_sys::Date::now();
        tl.seek(t).unwrap();
        seeks.push(js_sys::Date::now() - before);
        assert_eq!(tl.moment().time, t);
        let before = js_sys::Date::now();
        tl.step_back().unwrap();
        backs.push(js_sys::Date::now() - before);
    }
    for t in [0, 1, 33_333, 77_777, SESSION] {
        tl.seek(t).unwrap();
        let want = straight(t);
        assert_eq!(tl.sim().trace().hash(), want.trace().hash(), "at {t} ms");
        assert_eq!(tl.sim().now(), want.now());
        assert_eq!(tl.sim().history().ops.len(), want.history().ops.len());
    }
    let (seek_median, seek_max) = median_max(seeks);
    let (back_median, back_max) = median_max(backs);
    console_log!(
        "timeline in wasm: {} s virtual, {} events, live in {live:.0} ms; {} checkpoints, {:.1} MB estimated",
        SESSION / 1000,
        end.event,
        tl.checkpoint_count(),
        tl.bytes_held() as f64 / 1e6
    );
    console_log!(
        "60 random seeks: median {seek_median:.1} ms, max {seek_max:.1} ms; step back: median {back_median:.1} ms, max {back_max:.1} ms"
    );
}
