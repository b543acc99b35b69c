//! Page-wide keys: Space plays or pauses (unless the person is typing or
//! is on a control that Space already activates), Escape closes the server
//! menu, → and ← go to a tour's next and previous step (unless the focus is
//! in a field that takes arrows).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::Callback;

/// A key the page reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKey {
    /// Space: play/pause.
    PlayPause,
    /// Escape: close whatever is open.
    Escape,
    /// →: a tour's next step.
    Next,
    /// ←: a tour's previous step.
    Back,
}

/// A `keydown` listener on the document; removed when dropped.
pub struct KeyListener {
    closure: Closure<dyn FnMut(KeyboardEvent)>,
}

/// Would Space (or typing) mean something else where the focus is?
fn focus_takes_keys(target: Option<&Element>) -> bool {
    let Some(el) = target else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    if tag == "input" {
        // A slider has no use for Space; text boxes and checkboxes do.
        return el.get_attribute("type").as_deref() != Some("range");
    }
    matches!(tag.as_str(), "textarea" | "select" | "button" | "a" | "summary")
        || el.get_attribute("role").as_deref() == Some("button")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}

/// Would an arrow key mean something else where the focus is (a text box,
/// a slider, a menu)?
fn takes_arrows(target: Option<&Element>) -> bool {
    let Some(el) = target else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}

impl KeyListener {
    /// Listen for the page's keys and report them to `on_key`.
    pub fn start(on_key: Callback<PageKey>) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let closure = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            match e.key().as_str() {
                " " | "Spacebar" if !focus_takes_keys(target.as_ref()) => {
                    e.prevent_default();
                    on_key.emit(PageKey::PlayPause);
                }
                "Escape" => on_key.emit(PageKey::Escape),
                "ArrowRight" | "ArrowLeft" if !takes_arrows(target.as_ref()) => {
                    let right = e.key() == "ArrowRight";
                    on_key.emit(if right { PageKey::Next } else { PageKey::Back });
                }
                _ => {}
            }
        });
        document
            .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(KeyListener { closure })
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
