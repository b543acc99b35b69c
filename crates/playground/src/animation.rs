//! The animation clock: calls back once per display frame
//! (`requestAnimationFrame`) with the frame's timestamp, so the page can
//! advance virtual time by wall time × speed and redraw; and how messages
//! move between sender and receiver ([`Motion`]): gliding, or jumping for
//! a reader who asked for reduced motion (`prefers-reduced-motion`).

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

/// How a message in flight is drawn between its send and its delivery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Motion {
    /// Glides from the sender to the receiver.
    #[default]
    Glide,
    /// The reader asked for reduced motion: drawn at the sender for the
    /// first half of its flight and at the receiver for the second, never
    /// in between (nothing moves smoothly across the screen).
    Jump,
}

impl Motion {
    /// Where along its way a message `progress` (0 to 1) through its
    /// flight is drawn.
    pub fn place(self, progress: f64) -> f64 {
        match self {
            Motion::Glide => progress,
            Motion::Jump if progress < 0.5 => 0.0,
            Motion::Jump => 1.0,
        }
    }
}

/// The media query a reader sets to ask pages not to animate.
const REDUCED_MOTION: &str = "(prefers-reduced-motion: reduce)";

/// Follows the reader's reduced-motion setting; dropping it stops.
pub struct MotionWatch {
    query: web_sys::MediaQueryList,
    on_change: Closure<dyn FnMut()>,
}

impl MotionWatch {
    /// Read the setting once now (the returned [`Motion`]) and call
    /// `on_motion` each time the reader changes it.
    pub fn start(on_motion: Callback<Motion>) -> Option<(Self, Motion)> {
        let query = web_sys::window()?.match_media(REDUCED_MOTION).ok()??;
        let motion = |q: &web_sys::MediaQueryList| {
            if q.matches() {
                Motion::Jump
            } else {
                Motion::Glide
            }
        };
        let now = motion(&query);
        let on_change: Closure<dyn FnMut()> = {
            let query = query.clone();
            Closure::new(move || on_motion.emit(motion(&query)))
        };
        query
            .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref())
            .ok()?;
        Some((MotionWatch { query, on_change }, now))
    }
}

impl Drop for MotionWatch {
    fn drop(&mut self) {
        let _ = self
            .query
            .remove_event_listener_with_callback("change", self.on_change.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jumping_message_is_never_between_its_ends() {
        assert_eq!(Motion::Glide.place(0.3), 0.3);
        assert_eq!(Motion::Jump.place(0.0), 0.0);
        assert_eq!(Motion::Jump.place(0.49), 0.0);
        assert_eq!(Motion::Jump.place(0.5), 1.0);
        assert_eq!(Motion::Jump.place(1.0), 1.0);
    }
}
