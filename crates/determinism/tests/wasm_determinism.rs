//! In headless Chromium: the swarm seeds give the same trace hashes in wasm
//! as natively (computed by build.rs on the host while this was built).
#![cfg(target_arch = "wasm32")]

use determinism::{native_trace_hashes, trace_hashes, SEEDS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_trace_hashes_equal_the_native_ones() {
    let native = native_trace_hashes();
    assert_eq!(native.len(), SEEDS.len());
    let wasm = trace_hashes();
    for ((seed, n), (_, w)) in native.iter().zip(&wasm) {
        assert_eq!(n, w, "seed {seed}: native trace hash {n:016x}, wasm {w:016x}");
    }
}
