//! The client box: C1 sends key-value commands (`put x 3`, `get x`,
//! `delete x`) to the leader or to a chosen server, and lists its
//! operations with their outcome. A malformed command is explained inline
//! and sends nothing.

use crate::view_model::ops::OpRow;
use raft::NodeId;
use sim::{KvOp, Target};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`ClientBox`].
#[derive(Properties, PartialEq)]
pub struct ClientBoxProps {
    /// Servers in the cluster (for "Send to").
    pub servers: u8,
    /// C1's latest operations, newest first.
    pub ops: Rc<Vec<OpRow>>,
    /// A well-formed command to send.
    pub on_submit: Callback<(KvOp, Target)>,
}

/// Ids unique to each client box on the page, for `<label for>`.
fn next_instance() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The command box and C1's operations.
#[function_component(ClientBox)]
pub fn client_box(p: &ClientBoxProps) -> Html {
    let instance = use_state(next_instance);
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let target = use_state(|| 0u8);
    let input_id = format!("command-{}", *instance);
    let target_id = format!("send-to-{}", *instance);
    let error_id = format!("command-error-{}", *instance);
    // A cluster made smaller may no longer have the chosen server.
    let chosen = if *target <= p.servers { *target } else { 0 };

    let oninput = {
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                text.set(input.value());
                if error.is_some() {
                    error.set(None);
                }
            }
        })
    };
    let onchange = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                target.set(select.value().parse().unwrap_or(0));
            }
        })
    };
    let onsubmit = {
        let text = text.clone();
        let error = error.clone();
        let cb = p.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match sim::parse_command(&text) {
                Ok(op) => {
                    let to =
                        if chosen == 0 { Target::Leader } else { Target::Server(NodeId(chosen)) };
                    cb.emit((op, to));
                    text.set(String::new());
                    error.set(None);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    html! {
        <section class="client panel" aria-label="Client C1">
            <div class="panel-head">
                <h2>{ "Client C1" }</h2>
                <p class="hint">{ "put x 3 · get x · delete x" }</p>
            </div>
            <form class="command" {onsubmit} novalidate=true>
                <div class="field command-field">
                    <label for={input_id.clone()}>{ "Command" }</label>
                    <input id={input_id} type="text" value={(*text).clone()} {oninput}
                           placeholder="put x 3" autocomplete="off" spellcheck="false"
                           aria-invalid={if error.is_some() { "true" } else { "false" }}
                           aria-describedby={error.is_some().then(|| error_id.clone())} />
                </div>
                <div class="field send-field">
                    <label for={target_id.clone()}>{ "Send to" }</label>
                    <select id={target_id} {onchange}>
                        <option value="0" selected={chosen == 0}>{ "Leader" }</option>
                        { for (1..=p.servers).map(|n| html! {
                            <option value={n.to_string()} selected={chosen == n}>{ format!("S{n}") }</option>
                        }) }
                    </select>
                    <button type="submit" class="send">{ "Send" }</button>
                </div>
                if let Some(message) = &*error {
                    <p id={error_id} class="field-error" role="alert">{ message }</p>
                }
            </form>
            { ops_list(&p.ops) }
        </section>
    }
}

/// The client's operations, newest first, with their results.
pub fn ops_list(ops: &[OpRow]) -> Html {
    if ops.is_empty() {
        return html! { <p class="ops-empty">{ "No operations yet. A command goes to the leader, which appends it to its log; it returns once a majority stores it and it is applied." }</p> };
    }
    html! {
        <ol class="ops" aria-label="C1's operations">
            { for ops.iter().map(|o| {
                let (status, when) = match &o.outcome {
                    Some((t, out)) => (
                        html! { <span class="result">{ format!("→ {out}") }</span> },
                        format!("{}–{} ms", o.invoked_at, t),
                    ),
                    None => (
                        html! { <span class="pending">{ "pending…" }</span> },
                        format!("sent at {} ms", o.invoked_at),
                    ),
                };
                html! {
                    <li key={o.row} class={if o.outcome.is_some() { "done" } else { "waiting" }}>
                        <span class="op">{ &o.op }</span>{ " " }{ status }
                        <span class="when">{ when }</span>
                    </li>
                }
            }) }
        </ol>
    }
}
