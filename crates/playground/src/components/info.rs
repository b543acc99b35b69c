//! An info toggle for controls too dense for a visible line under each: a
//! real button (`aria-expanded`) that shows their explanations inline, so
//! nothing is reachable by hover alone. The explanations stay in the DOM
//! while hidden, so each control's `aria-describedby` can name its own.

use yew::prelude::*;

/// What [`info_toggle`] draws.
pub struct Info {
    /// The button's name ("About …").
    pub label: &'static str,
    /// The id of the explanations' list.
    pub id: &'static str,
    /// The explanations: `(id, control, text)`; the control names its
    /// `id` in `aria-describedby`.
    pub notes: &'static [(&'static str, &'static str, &'static str)],
    /// Are the explanations shown? The owner keeps this
    /// (`use_state(bool::default)`), so it redraws, and can re-place
    /// itself, when they open.
    pub open: UseStateHandle<bool>,
}

/// An "i" button and the explanations it shows or hides.
pub fn info_toggle(p: Info) -> Html {
    let open = *p.open;
    let onclick = Callback::from(move |_: MouseEvent| p.open.set(!open));
    html! {
        <>
            <button type="button" class="info-toggle" aria-expanded={if open { "true" } else { "false" }}
                    aria-controls={p.id} aria-label={p.label}
                    {onclick}>
                { "i" }
            </button>
            <ul class="notes" id={p.id} hidden={!open}>
                { for p.notes.iter().map(|&(id, control, text)| html! {
                    <li {id}><strong>{ control }</strong>{ ": " }{ text }</li>
                }) }
            </ul>
        </>
    }
}
