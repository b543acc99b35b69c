//! A `<details>` disclosure whose body is mounted the first time it is
//! opened and kept from then on. The page's closed panels (Settings,
//! Network, Break Raft, Figure 2) hold about a third of its elements: not
//! building them until asked for keeps them out of the first render, and
//! once built they stay, so anything typed or found in them survives
//! closing and opening again.

use web_sys::Element;
use yew::prelude::*;

/// Has the `<details>` element given the returned `ontoggle` handler ever
/// been opened? Its owner mounts the body only once it has.
#[hook]
pub fn use_opened() -> (bool, Callback<Event>) {
    let opened = use_state(bool::default);
    let handle = opened.clone();
    // Made once, so the listener is not replaced at every redraw.
    let ontoggle = use_memo((), move |_| {
        Callback::from(move |e: Event| {
            if e.target_dyn_into::<Element>().is_some_and(|d| d.has_attribute("open")) {
                handle.set(true);
            }
        })
    });
    (*opened, (*ontoggle).clone())
}
