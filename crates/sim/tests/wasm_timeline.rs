//! In headless Chromium: a 10-minute timeline session of five servers with
//! a client putting every 10 ms and every 100 ms, then random seeks across
//! it. Each checked seek must give the state a straight run has at that
//! time; seek and step-back times and the real heap bytes (from a counting
//! allocator) are printed, not asserted (timed tests flake).
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 cargo test -p raft-sim \
//!     --target wasm32-unknown-unknown --release --test wasm_timeline -- --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use raft::{Rng, Time};
use sim::timeline::heap::{self, Counting};
use sim::{Action, ClientId, KvOp, Sim, SimConfig, Target, Timeline};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[global_allocator]
static HEAP: Counting = Counting;

/// Virtual length of the session, ms.
const SESSION: Time = 600_000;
/// How many random seeks are timed.
const SEEKS: usize = 100;

fn put(i: u64) -> Action {
    Action::Submit {
        client: ClientId(1 + (i % 3) as u32),
        op: KvOp::Put { key: format!("k{}", i % 100).into(), value: i.to_string().into() },
        target: Target::Leader,
    }
}

/// A straight run of the session with a put every `every` ms, up to `t`.
fn straight(every: Time, t: Time) -> Sim {
    let mut sim = Sim::new(SimConfig::default()).unwrap();
    for (i, at) in (every..=t).step_by(every as usize).enumerate() {
        sim.run_until(at);
        sim.act(put(i as u64 + 1)).unwrap();
    }
    sim.run_until(t);
    sim
}

/// The browser's high-resolution clock, ms (`Date.now()` counts whole
/// milliseconds).
fn now() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now = js_sys::Reflect::get(&performance, &"now".into()).unwrap();
    js_sys::Function::from(now).call0(&performance).unwrap().as_f64().unwrap()
}

fn median_max(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

/// Record the session, time random seeks and step backs across it, check
/// the state at `checked` moments against straight runs, print figures.
fn session(every: Time, checked: &[Time]) {
    let heap_before = heap::in_use();
    let started = now();
    let mut tl = Timeline::new(SimConfig::default()).unwrap();
    for (i, at) in (every..=SESSION).step_by(every as usize).enumerate() {
        tl.run_until(at).unwrap();
        tl.act(put(i as u64 + 1)).unwrap();
    }
    let live = now() - started;
    let held = heap::in_use() - heap_before;
    let end = tl.end();

    let mut rng = Rng::new(11);
    let mut seeks = Vec::new();
    let mut backs = Vec::new();
    for _ in 0..SEEKS {
        let t = rng.range_inclusive(0, end.time);
        let before = now();
        tl.seek(t).unwrap();
        seeks.push(now() - before);
        assert_eq!(tl.moment().time, t);
        let before = now();
        tl.step_back().unwrap();
        backs.push(now() - before);
    }
    for &t in checked {
        tl.seek(t).unwrap();
        let want = straight(every, t);
        assert_eq!(tl.sim().trace().hash(), want.trace().hash(), "at {t} ms");
        assert_eq!(tl.sim().now(), want.now());
        assert_eq!(tl.sim().history().ops.len(), want.history().ops.len());
    }
    let (seek_median, seek_max) = median_max(seeks);
    let (back_median, back_max) = median_max(backs);
    console_log!(
        "timeline in wasm, a put every {every} ms: {} s virtual, {} events, live in {live:.0} ms; {} checkpoints, {:.1} MB estimated, {:.1} MB heap",
        SESSION / 1000,
        end.event,
        tl.checkpoint_count(),
        tl.bytes_held() as f64 / 1e6,
        held as f64 / 1e6
    );
    console_log!(
        "{SEEKS} random seeks: median {seek_median:.2} ms, max {seek_max:.2} ms; step back: median {back_median:.2} ms, max {back_max:.2} ms"
    );
}

#[wasm_bindgen_test]
fn seeks_with_a_put_every_100_ms_give_the_recorded_states() {
    session(100, &[0, 1, 33_333, 77_777, SESSION]);
}

#[wasm_bindgen_test]
fn seeks_with_a_put_every_10_ms_give_the_recorded_states() {
    session(10, &[0, 33_333, 77_777]);
}
