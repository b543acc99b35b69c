//! The postMessage API for a page that embeds the playground in an
//! iframe. The host sends `{type: "raft-playground", action: …}` (crash,
//! restart, timeOut, put, get, partition, heal, seek, play, pause, speed)
//! and receives `{type: "raft-playground", event: …}` (leaderElected,
//! entryCommitted, serverCrashed, violation, momentChanged, error). Only
//! messages from the parent window are read, and events go to the parent
//! only; with `?host=ORIGIN` the parent must also be of that origin: its
//! messages are read only if they come from it, and events are posted
//! for that origin only (the browser drops them if the parent page has
//! navigated to another). A message that cannot be used is answered with an `error` event
//! and changes nothing. Values cross with serde-wasm-bindgen. README.md,
//! "Embedding it in a blog post", documents both directions.

use serde::{Deserialize, Serialize};
use sim::Sim;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// The `type` of every message of the API, both ways.
pub const MESSAGE_TYPE: &str = "raft-playground";

/// What a host asks of the playground: the message's `action` names the
/// variant, its other fields are the variant's (fields it does not name,
/// such as `type`, are ignored). [`read`] hands serde the message as
/// `{ACTION: message}`, so serde decodes it as an externally tagged enum:
/// an internally tagged one (`#[serde(tag = "action")]`) would buffer the
/// message in serde's catch-all `Content` first, which costs the page
/// about 20 KB of code.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HostAction {
    /// Crash server `server` (1 for S1).
    Crash { server: u8 },
    /// Restart a crashed server from its disk.
    Restart { server: u8 },
    /// Fire a server's election timeout now (§5.2).
    TimeOut { server: u8 },
    /// The client puts `value` at `key`, through the leader.
    Put { key: String, value: String },
    /// The client reads `key`, through the leader.
    Get { key: String },
    /// Cut the network into these groups of servers.
    Partition { groups: Vec<Vec<u8>> },
    /// Heal every cut link.
    Heal {},
    /// Show virtual time `time` (ms) of the run, paused.
    Seek { time: u64 },
    /// Play.
    Play {},
    /// Pause.
    Pause {},
    /// Playback speed, virtual ms per wall ms.
    Speed { value: f64 },
    /// Open the guided tour `id` at `step` (from 1; 1 if absent), as
    /// `?tour=ID&step=N` does.
    Tour { id: String, step: Option<usize> },
}

/// What the playground tells its host.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum HostEvent {
    /// A server became leader of `term` (§5.2).
    LeaderElected { server: String, term: u64 },
    /// The highest commitIndex of any server reached `index` (§5.3).
    EntryCommitted { index: u64 },
    /// A server crashed.
    ServerCrashed { server: String },
    /// A safety property broke.
    Violation { property: String },
    /// The virtual time shown moved (at most every 100 ms of it, and on
    /// every seek).
    MomentChanged { time: u64 },
    /// A message could not be used; nothing changed.
    Error { message: String },
}

/// An event with the API's `type`, as posted.
#[derive(Serialize)]
struct Outgoing<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    event: &'a HostEvent,
}

/// Read one message's data: `Ok(None)` if it is not for this API (other
/// scripts post messages too), `Err` naming what is wrong with one that is.
pub fn read(data: &JsValue) -> Result<Option<HostAction>, String> {
    let kind = js_sys::Reflect::get(data, &"type".into()).ok().and_then(|t| t.as_string());
    if kind.as_deref() != Some(MESSAGE_TYPE) {
        return Ok(None);
    }
    let action = js_sys::Reflect::get(data, &"action".into()).ok().and_then(|a| a.as_string());
    let action = action.ok_or("the message cannot be used: it has no \"action\" string")?;
    let tagged = js_sys::Object::new();
    js_sys::Reflect::set(&tagged, &action.into(), data)
        .map_err(|_| "the message cannot be used: it cannot be read".to_string())?;
    serde_wasm_bindgen::from_value(tagged.into())
        .map(Some)
        .map_err(|e| format!("the message cannot be used: {e}"))
}

/// What to tell the host, last told `before`, now that the world is
/// `now`: the events, and what it has then been told (the time it was
/// told moves only with a momentChanged event).
pub fn tell(before: &Seen, mut now: Seen) -> (Vec<HostEvent>, Seen) {
    let events = events(before, &now);
    if !events.iter().any(|e| matches!(e, HostEvent::MomentChanged { .. })) {
        now.time = before.time;
    }
    (events, now)
}

/// What has happened between `before` and `after`.
fn events(before: &Seen, after: &Seen) -> Vec<HostEvent> {
    let mut out = Vec::new();
    if after.leader != before.leader {
        if let Some((id, term)) = &after.leader {
            out.push(HostEvent::LeaderElected { server: id.clone(), term: *term });
        }
    }
    if after.commit > before.commit {
        out.push(HostEvent::EntryCommitted { index: after.commit });
    }
    for id in after.crashed.iter().filter(|id| !before.crashed.contains(id)) {
        out.push(HostEvent::ServerCrashed { server: id.clone() });
    }
    if after.violations > before.violations {
        out.push(HostEvent::Violation { property: after.violation.clone() });
    }
    if after.time.abs_diff(before.time) >= 100 || after.time < before.time {
        out.push(HostEvent::MomentChanged { time: after.time });
    }
    out
}

/// What the host's events are read from: the leader, the highest commit,
/// the crashed servers, the violations and the time shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seen {
    leader: Option<(String, u64)>,
    commit: u64,
    crashed: Vec<String>,
    violations: usize,
    violation: String,
    /// Virtual time last told, ms.
    time: u64,
}

impl Seen {
    /// Read the world at virtual time `time`.
    pub fn of(sim: &Sim, time: u64) -> Self {
        let leader = sim
            .leader()
            .and_then(|id| sim.server(id).map(|s| (id.to_string(), s.raft.current_term())));
        let commit = sim.ids().filter_map(|id| sim.server(id)).map(|s| s.raft.commit_index());
        Seen {
            leader,
            commit: commit.max().unwrap_or(0),
            crashed: sim
                .ids()
                .filter(|&id| sim.server(id).is_none())
                .map(|id| id.to_string())
                .collect(),
            violations: sim.violations().len(),
            violation: sim
                .violations()
                .last()
                .map(|v| v.invariant.name().to_string())
                .unwrap_or_default(),
            time,
        }
    }
}

/// Listens for the parent's messages and posts events to it; dropping it
/// stops listening. `None` when the page is not in a frame.
pub struct HostLink {
    window: web_sys::Window,
    parent: web_sys::Window,
    /// The origin events are posted for: the one `?host=` names, or any.
    target: String,
    listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl HostLink {
    /// Start listening: each message from the parent (of origin `host`,
    /// if given) for this API is read and given to `on_message` (an
    /// action, or what is wrong with it).
    pub fn start(
        host: Option<String>,
        on_message: Callback<Result<HostAction, String>>,
    ) -> Option<Self> {
        let window = web_sys::window()?;
        let parent = window.parent().ok()??;
        if parent == window {
            return None;
        }
        let from = parent.clone();
        let target = host.clone().unwrap_or_else(|| "*".into());
        let listener = Closure::new(move |e: web_sys::MessageEvent| {
            let from_parent = e.source().is_some_and(|s| JsValue::from(s) == JsValue::from(&from));
            let from_host = host.as_ref().is_none_or(|h| *h == e.origin());
            if !(from_parent && from_host) {
                return;
            }
            match read(&e.data()) {
                Ok(Some(action)) => on_message.emit(Ok(action)),
                Ok(None) => {}
                Err(why) => on_message.emit(Err(why)),
            }
        });
        window
            .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())
            .ok()?;
        Some(HostLink { window, parent, target, listener })
    }

    /// Tell the parent that `event` happened.
    pub fn post(&self, event: &HostEvent) {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        if let Ok(value) = (Outgoing { kind: MESSAGE_TYPE, event }).serialize(&ser) {
            let _ = self.parent.post_message(&value, &self.target);
        }
    }
}

impl Drop for HostLink {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("message", self.listener.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_what_changed() {
        let sim = Sim::new(sim::SimConfig::default()).unwrap();
        let before = Seen::of(&sim, 0);
        let mut after = before.clone();
        after.leader = Some(("S2".into(), 1));
        after.commit = 3;
        after.crashed = vec!["S4".into()];
        after.time = 150;
        assert_eq!(
            events(&before, &after),
            vec![
                HostEvent::LeaderElected { server: "S2".into(), term: 1 },
                HostEvent::EntryCommitted { index: 3 },
                HostEvent::ServerCrashed { server: "S4".into() },
                HostEvent::MomentChanged { time: 150 },
            ]
        );
        assert!(events(&after, &after).is_empty());
        let nearly = Seen { time: 199, ..after.clone() };
        let (said, told) = tell(&after, nearly);
        assert!(said.is_empty());
        assert_eq!(told.time, 150, "less than 100 ms on: the time told stays");
    }
}
