//! The "Settings" panel: the protocol extensions of the Raft thesis
//! (PreVote, CheckQuorum, fast backtracking), how reads are served (thesis
//! §6.4), when servers snapshot (§7), and batching and flow control of
//! AppendEntries. Each choice applies to the running cluster at once and
//! carries over to the next Reset. Every switch has its explanation as a
//! visible line under it (no hover needed), linked by `aria-describedby`.

use crate::components::controls::on_checked;
use crate::components::disclosure::use_opened;
use raft::{Feature, ReadMode};
use sim::{Action, SimConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Snapshot thresholds offered (log entries kept before a server compacts).
const SNAPSHOT_THRESHOLDS: [u64; 4] = [8, 16, 32, 64];
/// Entries-per-AppendEntries limits offered.
const BATCH_SIZES: [usize; 6] = [1, 2, 4, 8, 16, 64];
/// In-flight limits offered.
const INFLIGHT: [usize; 5] = [1, 2, 4, 8, 16];
/// Read modes offered.
const READ_MODES: [ReadMode; 3] = [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease];

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// The cluster's settings now.
    pub config: Rc<SimConfig>,
    /// A setting changed.
    pub on_act: Callback<Action>,
}

/// What each protocol extension does: the id of its explanation, its
/// checkbox's label and the explanation shown under it.
fn feature_text(feature: Feature) -> (&'static str, &'static str, &'static str) {
    match feature {
        Feature::PreVote => (
            "about-prevote",
            "PreVote",
            "Thesis §9.6: ask whether you could win before raising your term.",
        ),
        Feature::CheckQuorum => (
            "about-checkquorum",
            "CheckQuorum",
            "Thesis §6.2: a leader that stops hearing from a majority steps down.",
        ),
        Feature::FastBacktrack => (
            "about-backtrack",
            "Fast backtrack",
            "A rejection names the conflicting term and its first index, so the leader \
             skips a whole term per round trip instead of one entry (§5.3).",
        ),
    }
}

/// A setting's explanation, always shown under it; `id` is what the
/// control's `aria-describedby` names.
fn about(id: &'static str, text: &'static str) -> Html {
    html! { <small class="about" {id}>{ text }</small> }
}

/// A checkbox for each protocol extension, with its explanation under it.
fn feature_toggles(config: &SimConfig, cb: &Callback<Action>) -> Html {
    html! {
        <div class="features" role="group" aria-label="Protocol extensions">
            { for Feature::ALL.iter().map(|&feature| {
                let on = config.raft.feature(feature);
                let onchange = on_checked(move |on| Action::SetFeature { feature, on }, cb);
                let (id, label, text) = feature_text(feature);
                html! {
                    <div class="setting-row">
                        <label class="check">
                            <input type="checkbox" checked={on} {onchange} aria-describedby={id} />
                            { label }
                        </label>
                        { about(id, text) }
                    </div>
                }
            }) }
        </div>
    }
}

/// A labelled select whose options are `(value, text)`, with its
/// explanation `text` under it (element id `id`); `make` turns the chosen
/// option's index into the action to take.
fn select(
    label: &'static str,
    (id, text): (&'static str, &'static str),
    options: Vec<String>,
    selected: Option<usize>,
    make: impl Fn(usize) -> Action + 'static,
    cb: &Callback<Action>,
) -> Html {
    let cb = cb.clone();
    let onchange = Callback::from(move |e: Event| {
        let chosen = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .and_then(|s| usize::try_from(s.selected_index()).ok());
        if let Some(i) = chosen {
            cb.emit(make(i));
        }
    });
    html! {
        <div class="setting-row">
            <label class="select setting">
                <span class="caption">{ label }</span>
                <select aria-label={label} aria-describedby={id} {onchange}>
                    { for options.iter().enumerate().map(|(i, text)| html! {
                        <option value={i.to_string()} selected={selected == Some(i)}>{ text }</option>
                    }) }
                </select>
            </label>
            { about(id, text) }
        </div>
    }
}

/// The Settings disclosure; its list is built the first time it opens.
#[function_component(SettingsPanel)]
pub fn settings_panel(p: &SettingsProps) -> Html {
    let (opened, ontoggle) = use_opened();
    html! {
        <details class="settings-panel" {ontoggle}>
            <summary>{ "Settings" }</summary>
            if opened { { settings_list(p) } }
        </details>
    }
}

/// Protocol extensions, read mode, snapshots, batching and flow control.
fn settings_list(p: &SettingsProps) -> Html {
    let c = &p.config;
    let flow = (c.raft.max_entries_per_append, c.raft.max_inflight);
    let read_mode = select(
        "Reads",
        (
            "about-reads",
            "How a Get is answered: as a log entry like a write, by ReadIndex (the leader \
             confirms it still leads with a heartbeat round), or under a leader lease \
             (thesis §6.4).",
        ),
        READ_MODES.iter().map(|m| m.name().to_string()).collect(),
        READ_MODES.iter().position(|&m| m == c.raft.read_mode),
        |i| Action::SetReadMode(READ_MODES[i]),
        &p.on_act,
    );
    let snapshots = {
        let mut options = vec!["only by the button".to_string()];
        options.extend(SNAPSHOT_THRESHOLDS.iter().map(|n| format!("after {n} entries")));
        let selected = match c.snapshot_threshold {
            None => Some(0),
            Some(n) => SNAPSHOT_THRESHOLDS.iter().position(|&t| t == n).map(|i| i + 1),
        };
        select(
            "Snapshots",
            (
                "about-snapshots",
                "When a server compacts its log into a snapshot of its state (§7).",
            ),
            options,
            selected,
            |i| Action::SetSnapshotThreshold(i.checked_sub(1).map(|i| SNAPSHOT_THRESHOLDS[i])),
            &p.on_act,
        )
    };
    let batch = select(
        "Entries per AppendEntries",
        ("about-batch", "Most log entries one AppendEntries carries (batching)."),
        BATCH_SIZES.iter().map(|n| n.to_string()).collect(),
        BATCH_SIZES.iter().position(|&n| n == flow.0),
        move |i| Action::SetFlowControl {
            max_entries_per_append: BATCH_SIZES[i],
            max_inflight: flow.1,
        },
        &p.on_act,
    );
    let inflight = select(
        "AppendEntries in flight",
        (
            "about-inflight",
            "Most AppendEntries a leader has outstanding to one follower while replicating \
             (flow control; a follower being probed gets one at a time).",
        ),
        INFLIGHT.iter().map(|n| n.to_string()).collect(),
        INFLIGHT.iter().position(|&n| n == flow.1),
        move |i| Action::SetFlowControl {
            max_entries_per_append: flow.0,
            max_inflight: INFLIGHT[i],
        },
        &p.on_act,
    );
    html! {
        <div class="settings-list" role="group" aria-label="Settings">
            { feature_toggles(c, &p.on_act) }
            { read_mode }
            { snapshots }
            { batch }
            { inflight }
        </div>
    }
}
