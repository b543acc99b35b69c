//! Browser tests for the playground, run in headless Chromium by
//! `wasm-bindgen-test-runner` (see scripts/test.sh). Each test mounts a
//! paused cluster with a fixed seed into a fresh element and drives it the
//! way a person would: clicks (bubbling events, as Yew delegates them),
//! typing, and buttons found by their text.
#![cfg(target_arch = "wasm32")]

use raft_playground::Options;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement, MouseEvent,
    MouseEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element attached to the document, to mount one app into.
fn fresh_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// A paused five-server cluster with a fixed seed.
fn paused(seed: u64) -> Options {
    Options { seed: Some(seed), servers: 5, autoplay: false, ..Options::default() }
}

/// Lets Yew's scheduler render what the last event changed.
async fn settle() {
    for _ in 0..2 {
        yew::platform::time::sleep(std::time::Duration::ZERO).await;
    }
}

fn query(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn query_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()).collect()
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// Every server's (data-node, data-role, data-term, data-commit, data-log-len).
fn servers(root: &Element) -> Vec<[String; 5]> {
    query_all(root, "[data-node]")
        .iter()
        .map(|n| {
            ["data-node", "data-role", "data-term", "data-commit", "data-log-len"]
                .map(|a| attr(n, a))
        })
        .collect()
}

/// A bubbling click, as a mouse would send it (works on SVG elements too).
fn click(el: &Element) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// The button whose text is exactly `text`.
fn button(root: &Element, text: &str) -> HtmlElement {
    query_all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button named {text:?}"))
        .dyn_into()
        .unwrap()
}

/// Types `text` into an input as a person would (value, then an input event).
fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

fn command_input(root: &Element) -> HtmlInputElement {
    // The box is found through its label, as assistive technology finds it.
    let label = query_all(root, "label")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default().trim() == "Command")
        .expect("a label 'Command'");
    let id = attr(&label, "for");
    query(root, &format!("#{id}")).expect("the label points at the input").dyn_into().unwrap()
}

#[wasm_bindgen_test]
async fn a_fresh_cluster_draws_five_followers_with_the_dom_contract() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(7));
    settle().await;

    let nodes = query_all(&root, "[data-node]");
    assert_eq!(nodes.len(), 5, "five servers by default");
    for (i, n) in nodes.iter().enumerate() {
        let name = format!("S{}", i + 1);
        assert_eq!(attr(n, "data-node"), name);
        assert_eq!(attr(n, "data-role"), "follower");
        assert_eq!(attr(n, "data-term"), "0");
        assert_eq!(attr(n, "data-commit"), "0");
        assert_eq!(attr(n, "data-log-len"), "0");
        assert_eq!(attr(n, "tabindex"), "0");
        assert_eq!(attr(n, "role"), "button");
        assert_eq!(
            attr(n, "aria-label"),
            format!("{name}, follower, term 0, commit index 0, 0 log entries")
        );
    }
    assert_eq!(query_all(&root, "[data-kv-node]").len(), 5, "each server's key-value state");
    assert!(query(&root, "[data-client=\"C1\"]").is_some(), "the client sits in the middle");
    // Paused at start: the toggle offers to play.
    button(&root, "Play");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_server_then_crash_takes_it_down_and_restart_brings_it_back() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(11));
    settle().await;

    let s2 = query(&root, "[data-node=\"S2\"]").unwrap();
    // Click the circle inside the server's <g>: the click bubbles up to it.
    click(&query(&s2, "circle.body").unwrap());
    settle().await;
    assert!(query(&root, "[role=dialog]").is_some(), "the server menu opened");
    assert_eq!(attr(&s2, "aria-expanded"), "true");
    assert!(button(&root, "Restart").has_attribute("disabled"), "S2 is running");

    button(&root, "Crash").click();
    settle().await;
    assert_eq!(attr(&s2, "data-role"), "crashed");
    assert_eq!(attr(&s2, "data-commit"), "0");
    assert!(button(&root, "Crash").has_attribute("disabled"));
    assert!(button(&root, "Time out").has_attribute("disabled"), "a crashed server has no timer");
    let others: Vec<String> = servers(&root).iter().map(|s| s[1].clone()).collect();
    assert_eq!(others.iter().filter(|r| *r == "crashed").count(), 1, "only S2 crashed: {others:?}");

    button(&root, "Restart").click();
    settle().await;
    assert_eq!(attr(&s2, "data-role"), "follower");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn time_out_makes_a_follower_stand_for_election() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(3));
    settle().await;

    let s4 = query(&root, "[data-node=\"S4\"]").unwrap();
    click(&s4);
    settle().await;
    button(&root, "Time out").click();
    settle().await;
    assert_eq!(attr(&s4, "data-role"), "candidate");
    assert_eq!(attr(&s4, "data-term"), "1", "a candidate increments its term");
    let before = query_all(&root, "[data-msg][data-kind=\"RequestVote\"]").len();
    assert_eq!(before, 4, "RequestVote to each of the other four servers");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_malformed_command_is_announced_and_changes_nothing() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(5));
    settle().await;
    let before = servers(&root);
    let input = command_input(&root);
    assert_ne!(attr(&input, "aria-invalid"), "true");

    type_into(&input, "put x");
    button(&root, "Send").click();
    settle().await;

    let alert = query(&root, "[role=alert]").expect("the error is announced");
    let text = alert.text_content().unwrap_or_default();
    assert!(text.contains("put takes 2 arguments"), "{text}");
    assert_eq!(attr(&input, "aria-invalid"), "true");
    assert_eq!(servers(&root), before, "the cluster did not change");
    assert!(query(&root, "[data-msg]").is_none(), "nothing was sent");
    assert!(query(&root, ".ops li").is_none(), "no operation was recorded");

    // Fixing the command clears the error; sending it starts an operation.
    type_into(&input, "put x 3");
    settle().await;
    assert_ne!(attr(&input, "aria-invalid"), "true");
    assert!(query(&root, ".field-error").is_none());
    button(&root, "Send").click();
    settle().await;
    let ops = query(&root, ".ops").expect("the operation is listed").text_content().unwrap();
    assert!(ops.contains("Put(x, 3)") && ops.contains("pending"), "{ops}");
    assert_eq!(query_all(&root, "[data-msg][data-kind=\"ClientRequest\"]").len(), 1);
    assert_eq!(input.value(), "", "the box is cleared for the next command");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn step_advances_to_the_next_event_and_play_toggles() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(9));
    settle().await;
    let clock = || query(&root, ".clock .time").unwrap().text_content().unwrap();
    assert_eq!(clock(), "t = 0 ms");

    // The first event is the earliest election timeout: 150–300 ms.
    button(&root, "Step").click();
    settle().await;
    let t: f64 = clock().trim_start_matches("t = ").trim_end_matches(" ms").parse().unwrap();
    assert!((150.0..=300.0).contains(&t), "first event at {t} ms");
    let candidates = query_all(&root, "[data-role=\"candidate\"]");
    assert_eq!(candidates.len(), 1, "its server became a candidate");

    button(&root, "Play").click();
    settle().await;
    button(&root, "Pause").click();
    settle().await;
    button(&root, "Play");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_three_servers_starts_a_fresh_three_server_cluster() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(13));
    settle().await;
    button(&root, "Step").click();
    settle().await;
    assert_eq!(query_all(&root, "[data-role=\"candidate\"]").len(), 1);

    let select: HtmlSelectElement =
        query(&root, "select[aria-label=\"Servers\"]").unwrap().dyn_into().unwrap();
    select.set_value("3");
    let init = EventInit::new();
    init.set_bubbles(true);
    select.dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    settle().await;

    let nodes = servers(&root);
    assert_eq!(nodes.len(), 3);
    for n in &nodes {
        assert_eq!((n[1].as_str(), n[2].as_str()), ("follower", "0"), "a fresh cluster: {n:?}");
    }
    assert_eq!(query_all(&root, "[data-kv-node]").len(), 3);
    assert_eq!(query(&root, ".clock .time").unwrap().text_content().unwrap(), "t = 0 ms");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn isolating_a_server_cuts_its_links_until_they_are_healed() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(17));
    settle().await;
    assert!(query(&root, ".cut-link").is_none());

    click(&query(&root, "[data-node=\"S1\"]").unwrap());
    settle().await;
    button(&root, "Isolate").click();
    settle().await;
    assert_eq!(query_all(&root, ".cut-link").len(), 4, "S1's links to the four others are cut");
    button(&root, "Reconnect");
    let events = query(&root, ".events").unwrap().text_content().unwrap();
    assert!(events.contains("isolate S1"), "one action cuts every link: {events}");

    button(&root, "Heal links").click();
    settle().await;
    assert!(query(&root, ".cut-link").is_none(), "every link healed");
    button(&root, "Isolate");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_closed_panel_is_built_when_first_opened_and_kept_once_closed() {
    let root = fresh_root();
    let app = raft_playground::mount_with(root.clone(), paused(7));
    settle().await;
    let summary: HtmlElement =
        query(&root, ".network-editor > summary").unwrap().dyn_into().unwrap();
    assert!(query(&root, ".network-list").is_none(), "not built while closed");

    summary.click();
    settle().await;
    let loss: HtmlInputElement = query(&root, "input[aria-label=\"Message loss\"]")
        .expect("built once opened")
        .dyn_into()
        .unwrap();
    assert_eq!(loss.value(), "0", "it shows the cluster's settings from the start");

    loss.set_value("25");
    summary.click();
    settle().await;
    let details = query(&root, ".network-editor").unwrap();
    assert!(!details.has_attribute("open"));
    assert_eq!(loss.value(), "25", "closing keeps the panel and what was typed in it");
    assert!(loss.is_connected());

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
fn a_panic_message_is_shown_in_the_fatal_error_box() {
    let document = web_sys::window().unwrap().document().unwrap();
    let box_ = document.create_element("div").unwrap();
    box_.set_id("fatal-error");
    box_.set_attribute("hidden", "").unwrap();
    document.body().unwrap().append_child(&box_).unwrap();
    raft_playground::panic_hook::show("index out of bounds");
    assert!(!box_.has_attribute("hidden"), "the box is visible");
    let text = box_.text_content().unwrap_or_default();
    assert!(text.contains("index out of bounds") && text.contains("Reload"), "{text}");
    box_.remove();
}
