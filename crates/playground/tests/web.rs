//! Browser tests for the playground, run in headless Chromium by
//! `wasm-bindgen-test-runner` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element attached to the document, to mount one app into.
fn fresh_root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// Lets Yew's scheduler run the first render.
async fn next_tick() {
    yew::platform::time::sleep(std::time::Duration::ZERO).await;
}

#[wasm_bindgen_test]
async fn mounting_the_app_draws_a_server() {
    let root = fresh_root();
    let app = raft_playground::mount(root.clone());
    next_tick().await;

    let server = root
        .query_selector("[data-node]")
        .unwrap()
        .expect("the page draws at least one server as [data-node]");
    assert_eq!(server.get_attribute("data-node").as_deref(), Some("S1"));
    assert_eq!(server.get_attribute("data-role").as_deref(), Some("follower"));

    app.destroy();
    root.remove();
}
