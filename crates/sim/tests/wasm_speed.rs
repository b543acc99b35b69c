//! In headless Chromium: how fast the simulator runs in wasm, for the page.
//! Five servers, one client putting every 10 virtual ms, 30 virtual
//! seconds; the rate (virtual s per wall s) goes to the console. No timing
//! is asserted (timed tests flake); the run must be safe.
#![cfg(target_arch = "wasm32")]

use sim::workload::SteadyPuts;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_steady_workload_runs_safely_and_reports_its_rate() {
    let virtual_s = 30;
    let mut w = SteadyPuts::new(5, 10).unwrap();
    let start = js_sys::Date::now();
    w.run_until(virtual_s * 1000).unwrap();
    let wall_s = (js_sys::Date::now() - start) / 1000.0;
    assert!(w.sim().violations().is_empty(), "{:?}", w.sim().violations());
    assert!(w.sim().history().completed() > 100);
    console_log!(
        "wasm: 5 servers, {virtual_s} virtual s in {wall_s:.3} wall s = {:.0}x",
        virtual_s as f64 / wall_s
    );
}
