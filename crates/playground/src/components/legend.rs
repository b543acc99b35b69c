//! A key to the cluster view's shapes and colours.

use yew::prelude::*;

fn key(shape: Html, text: &'static str) -> Html {
    html! {
        <span class="key">
            <svg viewBox="-8 -8 16 16" aria-hidden="true" focusable="false">{ shape }</svg>
            { text }
        </span>
    }
}

/// What the colours and shapes mean (drawn once: it has no props).
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend" role="note" aria-label="Legend">
            <div class="legend-row">
                { key(html! { <circle class="lg-follower" r="6" /> }, "follower") }
                { key(html! { <circle class="lg-candidate" r="6" /> }, "candidate") }
                { key(html! { <circle class="lg-leader" r="5.5" /> }, "leader") }
                { key(html! { <circle class="lg-learner" r="6" /> }, "learner") }
                { key(html! { <><circle class="lg-crashed" r="6" /><path class="lg-cross" d="M-4,-4L4,4M4,-4L-4,4" /></> }, "crashed") }
                { key(html! { <circle class="lg-timer" r="6" /> }, "election timer") }
            </div>
            <div class="legend-row">
                { key(html! { <circle class="lg-msg vote" r="5" /> }, "RequestVote") }
                { key(html! { <circle class="lg-msg append" r="4" /> }, "heartbeat") }
                { key(html! { <><circle class="lg-msg append" r="7" /><text class="lg-count" y="3">{ "1" }</text></> }, "entries") }
                { key(html! { <circle class="lg-msg client" r="5" /> }, "client") }
                { key(html! { <circle class="lg-msg reply" r="5" /> }, "reply") }
                { key(html! { <><circle class="lg-msg reply" r="5" /><path class="lg-slash" d="M-4,4L4,-4" /></> }, "refused") }
                { key(html! { <circle class="lg-msg dropped" r="5" /> }, "lost") }
            </div>
            <div class="legend-row">
                { key(html! { <circle class="lg-msg prevote" r="5" /> }, "PreVote") }
                { key(html! { <circle class="lg-msg transfer" r="5" /> }, "TimeoutNow") }
                { key(html! { <circle class="lg-msg snapshot" r="6" /> }, "InstallSnapshot") }
                { key(html! { <circle class="lg-msg read" r="5" /> }, "ReadIndex") }
            </div>
            <p class="how">
                { "Click a server (or Tab to it and press Enter) to crash, restart, inspect or isolate it. \
                   Click a message to read, drop or deliver it. Space plays and pauses." }
            </p>
        </div>
    }
}
