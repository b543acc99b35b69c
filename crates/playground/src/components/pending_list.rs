//! "Choose the next event": while on, the page's clock stands still and the
//! scheduled events are listed as buttons; a click makes that one happen
//! next ([`Action::Fire`]), so a person plays an interleaving by hand.

use sim::{Action, PendingId};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`PendingList`].
#[derive(Properties, PartialEq)]
pub struct PendingListProps {
    /// Is choosing on?
    pub choosing: bool,
    /// The scheduled events, earliest first: their ids and names.
    pub pending: Rc<Vec<(PendingId, String)>>,
    /// Turn choosing on or off.
    pub on_choose: Callback<bool>,
    /// Take an action on the world.
    pub on_act: Callback<Action>,
}

/// The checkbox and, while it is on, the list.
#[function_component(PendingList)]
pub fn pending_list(p: &PendingListProps) -> Html {
    let toggle = p
        .on_choose
        .reform(|e: Event| e.target_unchecked_into::<web_sys::HtmlInputElement>().checked());
    html! {
        <section class="pending" aria-label="Next event">
            <label>
                <input type="checkbox" checked={p.choosing} onchange={toggle} />
                { " Choose the next event" }
            </label>
            if p.choosing {
                <ol class="pending-list">
                    { for p.pending.iter().map(|(id, name)| {
                        let (id, act) = (*id, p.on_act.clone());
                        let fire = Callback::from(move |_: MouseEvent| act.emit(Action::Fire(id)));
                        html! { <li><button type="button" data-pending="" onclick={fire}>{ name }</button></li> }
                    }) }
                </ol>
            }
        </section>
    }
}
