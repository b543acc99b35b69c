//! Announcements: a refused action's message, and the banner that stops
//! the run when a safety property of Raft is broken.

use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ActionError`].
#[derive(Properties, PartialEq)]
pub struct ActionErrorProps {
    /// The simulator's reason for refusing, e.g. "S2 is already running".
    pub message: String,
    /// Hide the message.
    pub on_dismiss: Callback<()>,
}

/// Why the last action was refused (the simulator changed nothing).
#[function_component(ActionError)]
pub fn action_error(p: &ActionErrorProps) -> Html {
    let dismiss = p.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="action-error" role="alert">
            <span>{ "Not done: " }{ &p.message }</span>
            <button type="button" class="dismiss" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}

/// Props of [`ViolationBanner`].
#[derive(Properties, PartialEq)]
pub struct ViolationProps {
    /// Each violation in words; empty in a correct run.
    pub violations: Rc<Vec<String>>,
}

/// A broken safety property (Figure 3): the run is paused where it broke.
#[function_component(ViolationBanner)]
pub fn violation_banner(p: &ViolationProps) -> Html {
    if p.violations.is_empty() {
        return html! {};
    }
    html! {
        <div class="violation-banner" role="alert">
            <strong>{ "Safety violation — the run is paused where it happened." }</strong>
            <span class="hint">{ " Step to look closer, or Reset to start a fresh cluster." }</span>
            <ul>
                { for p.violations.iter().map(|v| html! { <li>{ v }</li> }) }
            </ul>
        </div>
    }
}
