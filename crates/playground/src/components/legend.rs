//! A key to the cluster view's shapes and colours.

use yew::prelude::*;

/// What the colours and shapes mean.
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend" aria-label="Legend">
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-follower" r="6" /></svg>{ "follower" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-candidate" r="6" /></svg>{ "candidate" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-leader" r="5.5" /></svg>{ "leader" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-crashed" r="6" /><path class="lg-cross" d="M-4,-4L4,4M4,-4L-4,4" /></svg>{ "crashed" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-timer" r="6" /></svg>{ "election timer" }</span>
            <span class="sep" aria-hidden="true"></span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg vote" r="5" /></svg>{ "RequestVote" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg append" r="4" /></svg>{ "heartbeat" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg append" r="7" /></svg>{ "AppendEntries with entries" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg client" r="5" /></svg>{ "client" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg reply" r="5" /></svg>{ "reply (hollow)" }</span>
            <span class="key"><svg viewBox="-8 -8 16 16" aria-hidden="true"><circle class="lg-msg dropped" r="5" /></svg>{ "lost" }</span>
        </div>
    }
}
