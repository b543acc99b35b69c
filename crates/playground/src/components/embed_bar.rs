//! The embed layout's only chrome (`?embed`): Play/Pause, Step, the clock
//! and a small "Open in full" link to the same run at the moment shown, so
//! a reader of a blog post can take the cluster to the full playground.

use crate::components::controls::{Clock, ClockProps};
use yew::prelude::*;

/// What the embed bar shows.
pub struct EmbedBarProps {
    /// Is virtual time running?
    pub playing: bool,
    /// The clock and the leader.
    pub clock: ClockProps,
    /// The full playground's link to this run at this moment (`#run=…`).
    pub full: String,
    /// Play/Pause pressed.
    pub on_toggle: Callback<()>,
    /// Step pressed.
    pub on_step: Callback<()>,
}

/// The embed layout's bar.
pub fn embed_bar(p: &EmbedBarProps) -> Html {
    let toggle = p.on_toggle.reform(|_: MouseEvent| ());
    let step = p.on_step.reform(|_: MouseEvent| ());
    html! {
        <header class="embed-bar">
            <button type="button" class="primary" onclick={toggle}>
                { if p.playing { "Pause" } else { "Play" } }
            </button>
            <button type="button" onclick={step}>{ "Step" }</button>
            <Clock ..p.clock.clone() />
            <a class="open-full" href={p.full.clone()} target="_blank" rel="noopener">
                { "Open in full" }
            </a>
        </header>
    }
}
