//! What moves with every animation frame — the moment shown, the servers'
//! election timers and the messages in flight — handed straight to the
//! parts of the page that draw it. A frame in which the simulator produced
//! no event redraws only those parts (the ring, the clock, the time strip's
//! cursor, the history's "now"), not the whole page: the App redraws only
//! when something else changed.

use crate::playback::Playback;
use crate::view_cache::ViewCache;
use crate::view_model::messages::MsgView;
use crate::view_model::nodes::NodeView;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The values that change from one frame to the next while the run plays.
#[derive(Clone, Default, PartialEq)]
pub struct Moving {
    /// The virtual time shown, ms (between events while a run glides).
    pub shown: f64,
    /// The latest moment recorded on the branch, ms (the time strip's
    /// length).
    pub end: u64,
    /// Every server, S1 first, with its timer at the shown time.
    pub nodes: Rc<Vec<NodeView>>,
    /// Every message in flight, at its place at the shown time.
    pub messages: Rc<Vec<MsgView>>,
    /// How many times the servers or the messages changed (set by the
    /// feed): the ring redraws when this does.
    pub scene: u64,
}

impl Moving {
    /// The moving values of `playback` as `cache` has read them.
    pub fn of(cache: &ViewCache, playback: &Playback) -> Self {
        Moving {
            shown: playback.shown(),
            end: playback.timeline().end().time,
            nodes: Rc::clone(&cache.nodes),
            messages: Rc::clone(&cache.messages),
            scene: 0,
        }
    }

    /// The whole millisecond shown (the clock's and `data-now`'s
    /// resolution).
    pub fn now_ms(&self) -> u64 {
        self.shown.floor() as u64
    }

    /// The ring's drawing number ([`Moving::scene`]).
    pub fn scene(&self) -> u64 {
        self.scene
    }

    /// A number that changes when the time shown (whole ms) or the end of
    /// the recorded branch does: the time strip's cursor and readout.
    pub fn strip_key(&self) -> u64 {
        (self.end << 32) ^ self.now_ms()
    }
}

type Watcher = Rc<dyn Fn(&Moving)>;

struct Inner {
    value: RefCell<Rc<Moving>>,
    watchers: RefCell<Vec<(u64, Watcher)>>,
    next_id: Cell<u64>,
}

/// The page's one source of [`Moving`] values: the App sets them after
/// each message, and each part that draws them watches with
/// [`use_moving`]. Two handles are equal when they are the same feed, so
/// passing one as a prop never redraws a component by itself.
#[derive(Clone)]
pub struct FrameFeed(Rc<Inner>);

impl PartialEq for FrameFeed {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl FrameFeed {
    /// A feed that starts at `value`.
    pub fn new(value: Moving) -> Self {
        FrameFeed(Rc::new(Inner {
            value: RefCell::new(Rc::new(value)),
            watchers: RefCell::default(),
            next_id: Cell::new(0),
        }))
    }

    /// The values as last set.
    pub fn get(&self) -> Rc<Moving> {
        Rc::clone(&self.0.value.borrow())
    }

    /// Take `value`; when it differs from the last one, tell every watcher.
    pub fn set(&self, value: Moving) {
        let old = self.get();
        let same_scene = old.nodes == value.nodes && old.messages == value.messages;
        let scene = if same_scene { old.scene } else { old.scene + 1 };
        let value = Moving { scene, ..value };
        if *old == value {
            return;
        }
        let value = Rc::new(value);
        *self.0.value.borrow_mut() = Rc::clone(&value);
        let watchers: Vec<Watcher> =
            self.0.watchers.borrow().iter().map(|(_, w)| Rc::clone(w)).collect();
        for watch in watchers {
            watch(&value);
        }
    }

    /// Call `watch` with every new value until [`FrameFeed::unwatch`] is
    /// called with the returned id.
    fn watch(&self, watch: Watcher) -> u64 {
        let id = self.0.next_id.get();
        self.0.next_id.set(id + 1);
        self.0.watchers.borrow_mut().push((id, watch));
        id
    }

    fn unwatch(&self, id: u64) {
        self.0.watchers.borrow_mut().retain(|(w, _)| *w != id);
    }

    /// How many parts of the page watch the feed.
    #[cfg(test)]
    fn watchers(&self) -> usize {
        self.0.watchers.borrow().len()
    }
}

/// The feed's values, for a component that redraws when `key` of them
/// changes and not for other changes in the feed.
#[hook]
pub fn use_moving(feed: &FrameFeed, key: fn(&Moving) -> u64) -> Rc<Moving> {
    let redraw = use_force_update();
    let value = feed.get();
    let drawn = use_mut_ref(|| key(&value));
    *drawn.borrow_mut() = key(&value);
    use_effect_with(feed.clone(), move |feed| {
        let id = feed.watch(Rc::new(move |m: &Moving| {
            if *drawn.borrow() != key(m) {
                redraw.force_update();
            }
        }));
        let feed = feed.clone();
        move || feed.unwatch(id)
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::speed;
    use crate::run::Run;
    use sim::SimConfig;

    fn at(shown: f64) -> Moving {
        Moving { shown, end: shown as u64, ..Moving::default() }
    }

    #[test]
    fn watchers_hear_of_a_change_and_not_of_the_same_values() {
        let feed = FrameFeed::new(at(1.0));
        let heard = Rc::new(Cell::new(0));
        let count = Rc::clone(&heard);
        let id = feed.watch(Rc::new(move |m: &Moving| {
            assert_eq!(m.now_ms(), 2, "the new value is handed over");
            count.set(count.get() + 1);
        }));
        feed.set(at(1.0));
        assert_eq!(heard.get(), 0, "nothing changed");
        feed.set(at(2.5));
        assert_eq!(heard.get(), 1);
        assert_eq!(feed.get().shown, 2.5);
        feed.unwatch(id);
        assert_eq!(feed.watchers(), 0);
        feed.set(at(3.0));
        assert_eq!(heard.get(), 1, "an unwatched part hears nothing");
    }

    #[test]
    fn the_scene_counts_changes_of_the_servers_or_messages_only() {
        let feed = FrameFeed::new(at(1.0));
        feed.set(at(2.0));
        assert_eq!(feed.get().scene, 0, "only the time moved");
        let run = Run::free(SimConfig { seed: 1, ..SimConfig::default() }).unwrap();
        let playback = Playback::new(run, false, speed::DEFAULT_SPEED);
        let mut cache = ViewCache::new(false);
        cache.refresh(&playback);
        let nodes = Moving::of(&cache, &playback).nodes;
        assert_eq!(nodes.len(), 5);
        feed.set(Moving { nodes: Rc::clone(&nodes), ..at(2.0) });
        assert_eq!(feed.get().scene, 1);
        feed.set(Moving { nodes: Rc::new(nodes.to_vec()), ..at(3.0) });
        assert_eq!(feed.get().scene, 1, "equal servers, another Rc");
        assert_ne!(feed.get().strip_key(), at(2.0).strip_key());
    }

    #[test]
    fn handles_are_equal_only_to_the_same_feed() {
        let feed = FrameFeed::new(at(0.0));
        assert!(feed == feed.clone());
        assert!(feed != FrameFeed::new(at(0.0)), "same values, another feed");
    }
}
