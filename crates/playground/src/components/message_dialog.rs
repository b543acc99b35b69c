//! The dialog of one message in flight: its Figure 2 fields, when it left
//! and arrives, why it was sent, and what a person can do to it (drop,
//! duplicate, deliver now — each a simulator action, so it replays and, in
//! the past, forks).

use crate::view_model::message_fields::MessageFields;
use sim::Action;
use yew::prelude::*;

/// Props of [`MessageDialog`].
#[derive(Properties, PartialEq)]
pub struct MessageDialogProps {
    /// What the message is.
    pub message: MessageFields,
    /// Take an action on the world.
    pub on_act: Callback<Action>,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// A `role="dialog"` named after the message's kind and route.
#[function_component(MessageDialog)]
pub fn message_dialog(p: &MessageDialogProps) -> Html {
    let m = &p.message;
    let id = m.id;
    let act = |action: fn(u64) -> Action| p.on_act.reform(move |_: MouseEvent| action(id));
    let close = p.on_close.reform(|_: MouseEvent| ());
    let field = |name: &'static str, value: String| {
        html! { <><dt>{ name }</dt><dd data-field={name}>{ value }</dd></> }
    };
    html! {
        <div class="message-dialog" role="dialog" aria-label={format!("{} {}", m.kind, m.route)}>
            <header>
                <h2>{ m.kind }{ " " }{ &m.route }</h2>
                <button type="button" class="close" aria-label="Close" onclick={close}>{ "×" }</button>
            </header>
            <p class="why">{ "Why: " }{ &m.why }</p>
            if let Some(lost) = &m.lost {
                <p class="lost">{ "Will not arrive: " }{ lost }</p>
            }
            <dl>
                { for m.fields.iter().map(|(name, value)| field(name, value.clone())) }
                { field("sent", format!("{} ms", m.sent)) }
                { field("arrives", format!("{} ms", m.arrives)) }
            </dl>
            <div class="actions">
                <button type="button" onclick={act(Action::DropMessage)}>{ "Drop" }</button>
                <button type="button" onclick={act(Action::DuplicateMessage)}>{ "Duplicate" }</button>
                <button type="button" onclick={act(Action::DeliverNow)}>{ "Deliver now" }</button>
            </div>
        </div>
    }
}
