//! The animation clock: calls back once per display frame
//! (`requestAnimationFrame`) with the frame's timestamp, so the page can
//! advance virtual time by wall time × speed and redraw.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

type FrameClosure = Closure<dyn FnMut(f64)>;

struct Inner {
    handle: Cell<Option<i32>>,
    closure: RefCell<Option<FrameClosure>>,
    stopped: Cell<bool>,
}

/// A running animation loop; dropping it stops the loop.
pub struct AnimationLoop {
    inner: Rc<Inner>,
}

impl AnimationLoop {
    /// Start calling `on_frame` with each frame's timestamp (ms).
    pub fn start(on_frame: Callback<f64>) -> Self {
        let inner = Rc::new(Inner {
            handle: Cell::new(None),
            closure: RefCell::new(None),
            stopped: Cell::new(false),
        });
        let weak = Rc::downgrade(&inner);
        let closure: FrameClosure = Closure::new(move |timestamp: f64| {
            let Some(inner) = weak.upgrade() else { return };
            if inner.stopped.get() {
                return;
            }
            // Ask for the next frame first, so a slow frame does not skip one.
            request(&inner);
            on_frame.emit(timestamp);
        });
        *inner.closure.borrow_mut() = Some(closure);
        request(&inner);
        AnimationLoop { inner }
    }
}

fn request(inner: &Inner) {
    let Some(window) = web_sys::window() else { return };
    if let Some(closure) = inner.closure.borrow().as_ref() {
        inner.handle.set(window.request_animation_frame(closure.as_ref().unchecked_ref()).ok());
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        self.inner.stopped.set(true);
        if let (Some(window), Some(h)) = (web_sys::window(), self.inner.handle.get()) {
            let _ = window.cancel_animation_frame(h);
        }
        // Yew runs updates from its scheduler, never inside this callback,
        // so the closure is not running now and can be freed.
        self.inner.closure.borrow_mut().take();
    }
}
