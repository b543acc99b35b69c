//! Is the playground on screen? Hidden (a background tab: the Page
//! Visibility API) or scrolled out of view (an iframe further down a blog
//! post: an IntersectionObserver on the playground's root), it should cost
//! nothing: the page stops its animation loop and starts it again, where
//! it was, once it is seen again.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

type Listener = Closure<dyn FnMut()>;
type Observed = Closure<dyn FnMut(js_sys::Array)>;

/// Watches the page's visibility and the root's place on screen; dropping
/// it stops watching.
pub struct VisibilityWatch {
    document: web_sys::Document,
    on_change: Listener,
    observer: Option<(web_sys::IntersectionObserver, Observed)>,
}

impl VisibilityWatch {
    /// Call `on_visible` with whether the playground can be seen, each
    /// time that changes: the tab shown and `root` at least partly on
    /// screen.
    pub fn start(root: &web_sys::Element, on_visible: Callback<bool>) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let on_screen = Rc::new(Cell::new(true));
        let shown = Rc::new(Cell::new(!document.hidden()));
        let tell = {
            let (on_screen, shown) = (Rc::clone(&on_screen), Rc::clone(&shown));
            move || on_visible.emit(shown.get() && on_screen.get())
        };
        let on_change: Listener = {
            let (document, tell) = (document.clone(), tell.clone());
            Closure::new(move || {
                shown.set(!document.hidden());
                tell();
            })
        };
        document
            .add_event_listener_with_callback(
                "visibilitychange",
                on_change.as_ref().unchecked_ref(),
            )
            .ok()?;
        let observed: Observed = Closure::new(move |entries: js_sys::Array| {
            let last =
                entries.iter().last().map(web_sys::IntersectionObserverEntry::unchecked_from_js);
            if let Some(entry) = last {
                on_screen.set(entry.is_intersecting());
                tell();
            }
        });
        let observer =
            web_sys::IntersectionObserver::new(observed.as_ref().unchecked_ref()).ok().map(|o| {
                o.observe(root);
                (o, observed)
            });
        Some(VisibilityWatch { document, on_change, observer })
    }
}

impl Drop for VisibilityWatch {
    fn drop(&mut self) {
        let _ = self.document.remove_event_listener_with_callback(
            "visibilitychange",
            self.on_change.as_ref().unchecked_ref(),
        );
        if let Some((o, _)) = &self.observer {
            o.disconnect();
        }
    }
}
