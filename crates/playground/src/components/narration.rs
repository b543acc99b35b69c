//! The narration: what just happened, newest first, in the trace's own
//! words ("S3 became candidate for term 2"), stamped with virtual time.

use crate::view_model::narration::NarrationLine;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`NarrationPanel`].
#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    /// The lines, newest first.
    pub lines: Rc<Vec<Rc<NarrationLine>>>,
    /// Routine events (messages sent/dropped, heartbeat acks) are shown.
    pub show_all: bool,
    /// The "every event" box was ticked or unticked.
    pub on_show_all: Callback<bool>,
}

/// The list of recent events.
#[function_component(NarrationPanel)]
pub fn narration_panel(p: &NarrationProps) -> Html {
    let onchange = {
        let cb = p.on_show_all.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                cb.emit(input.checked());
            }
        })
    };
    html! {
        <section class="narration panel" aria-label="What happened">
            <div class="panel-head">
                <h2>{ "What happened" }</h2>
                <label class="check">
                    <input type="checkbox" checked={p.show_all} {onchange} />
                    { "show every message" }
                </label>
            </div>
            if p.lines.is_empty() {
                <p class="events-empty">{ "Nothing has happened yet. Press Play (or Step) and the servers' decisions appear here, newest first." }</p>
            }
            <ol class="events">
                { for p.lines.iter().map(|l| html! {
                    <li key={l.seq} class={l.tone.name()}>
                        <span class="at">{ format!("{} ms", l.time) }</span>
                        if let Some((rule, values)) = &l.rule {
                            <details class="what">
                                <summary>{ AttrValue::from(Rc::clone(&l.text)) }</summary>
                                <p class="rule" data-rule={rule.name()}>
                                    { rule.name() }{ " (" }{ rule.section() }{ "): " }{ AttrValue::from(Rc::clone(values)) }
                                </p>
                            </details>
                        } else {
                            <span class="what">{ AttrValue::from(Rc::clone(&l.text)) }</span>
                        }
                    </li>
                }) }
            </ol>
        </section>
    }
}
