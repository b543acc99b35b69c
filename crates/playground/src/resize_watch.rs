//! Calls back after the browser has laid the page out and some watched
//! element's box changed size (a ResizeObserver). Reading sizes there costs
//! no extra layout, unlike reading them straight after each redraw.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A running watch; dropping it stops watching.
pub struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    _on_resize: Closure<dyn FnMut()>,
}

impl ResizeWatch {
    /// Call `on_resize` once the first layout of `targets` is known, then
    /// after each layout in which one of them changed size.
    pub fn start<'a>(
        targets: impl IntoIterator<Item = &'a web_sys::Element>,
        on_resize: impl FnMut() + 'static,
    ) -> Option<Self> {
        let on_resize: Closure<dyn FnMut()> = Closure::new(on_resize);
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        for target in targets {
            observer.observe(target);
        }
        Some(ResizeWatch { observer, _on_resize: on_resize })
    }
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
