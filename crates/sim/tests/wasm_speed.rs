//! In headless Chromium: how fast the simulator runs in wasm, for the page.
//! Five servers, one client putting every 10 virtual ms, 30 virtual
//! seconds, in fresh runs: the rates (virtual s per wall s) go to the
//! console. No timing is asserted (timed tests flake); the runs must be
//! safe.
//!
//! The first run starts on V8's baseline compiler (Liftoff) and is moved to
//! optimized code (TurboFan) as its functions get hot, so it measures a
//! page's first seconds; the runs after it have optimized code from their
//! start, as a session left running has. The best of those is printed: on
//! a machine shared with other work, the fastest run is the one least
//! slowed by it.
#![cfg(target_arch = "wasm32")]

use sim::workload::SteadyPuts;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VIRTUAL_S: u64 = 30;
/// Runs after the first.
const WARM_RUNS: usize = 5;

/// Virtual seconds per wall second of one fresh safe run.
fn rate() -> f64 {
    let mut w = SteadyPuts::new(5, 10).unwrap();
    let start = js_sys::Date::now();
    w.run_until(VIRTUAL_S * 1000).unwrap();
    let wall_s = (js_sys::Date::now() - start) / 1000.0;
    assert!(w.sim().violations().is_empty(), "{:?}", w.sim().violations());
    assert!(w.sim().history().completed() > 100);
    VIRTUAL_S as f64 / wall_s
}

#[wasm_bindgen_test]
fn the_steady_workload_runs_safely_and_reports_its_rate() {
    let cold = rate();
    let warm = (0..WARM_RUNS).map(|_| rate()).fold(0.0, f64::max);
    console_log!(
        "wasm: 5 servers, {VIRTUAL_S} virtual s: {cold:.0}x from a cold start, \
         {warm:.0}x warm (best of {WARM_RUNS})"
    );
}
