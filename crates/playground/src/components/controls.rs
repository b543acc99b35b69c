//! Playback and cluster controls: Play/Pause, Step back, Step, Speed, cluster size,
//! Reset, healing cut links; and the clock showing virtual time and the leader.

use crate::components::counterexample::CounterexampleSearch;
use crate::components::disclosure::use_opened;
use crate::components::info::{info_toggle, Info};
use crate::frame_feed::{use_moving, FrameFeed, Moving};
use crate::playback::speed;
use crate::start::Start;
use raft::{Bug, NodeId, Term};
use sim::{Action, SimConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Is virtual time running?
    pub playing: bool,
    /// The Speed slider's position (log scale, see [`speed`]).
    pub speed_pos: u32,
    /// Servers in the cluster.
    pub servers: u8,
    /// The cluster's seed.
    pub seed: u64,
    /// Play/Pause pressed.
    pub on_toggle: Callback<()>,
    /// Step pressed.
    pub on_step: Callback<()>,
    /// Step back pressed.
    pub on_step_back: Callback<()>,
    /// Is there an event to step back over (a run with a history, not at
    /// its start)?
    pub can_step_back: bool,
    /// Speed slider moved.
    pub on_speed: Callback<u32>,
    /// Cluster size chosen.
    pub on_servers: Callback<u8>,
    /// Reset pressed.
    pub on_reset: Callback<()>,
    /// What new clusters start as.
    pub start: Start,
    /// Another start chosen.
    pub on_start: Callback<Start>,
    /// Some link between servers is cut.
    pub links_cut: bool,
    /// Heal links pressed.
    pub on_heal: Callback<()>,
    /// Add server pressed (a membership change through the leader, §6).
    pub on_add: Callback<()>,
}

/// A checkbox's change handler: `make` turns its new state into an action.
pub(crate) fn on_checked(
    make: impl Fn(bool) -> Action + 'static,
    cb: &Callback<Action>,
) -> Callback<Event> {
    let cb = cb.clone();
    Callback::from(move |e: Event| {
        if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            cb.emit(make(input.checked()));
        }
    })
}

/// A select's change handler: `parse` turns the chosen value into what `cb`
/// takes; values it cannot read are ignored.
fn on_select<T: 'static>(
    cb: &Callback<T>,
    parse: impl Fn(&str) -> Option<T> + 'static,
) -> Callback<Event> {
    let cb = cb.clone();
    Callback::from(move |e: Event| {
        let value =
            e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value());
        if let Some(v) = value.as_deref().and_then(&parse) {
            cb.emit(v);
        }
    })
}

fn input_value(e: &InputEvent) -> Option<u32> {
    e.target()?.dyn_into::<HtmlInputElement>().ok()?.value().parse().ok()
}

/// A small filled icon for a button (hidden from assistive technology: the
/// button's text names it).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}

fn reset_icon() -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path class="stroke" d="M12.9 9.6A5.2 5.2 0 1 1 11.4 4" />
            <path d="M9.2 1.6 14 2.3l-1.6 4.5z" />
        </svg>
    }
}

/// What the toolbar's controls do, `(id, control, explanation)`: the
/// lines of its info toggle, each named by its control's
/// `aria-describedby`.
const NOTES: &[(&str, &str, &str)] = &[
    ("note-play", "Play", "Play or pause virtual time (Space)."),
    ("note-step-back", "Step back", "Go back one event, then pause."),
    ("note-step", "Step", "Process the next event, then pause."),
    (
        "note-speed",
        "Speed",
        "How fast virtual time runs, as a multiple of real time (the readout beside it).",
    ),
    ("note-servers", "Servers", "Changing the size starts a fresh cluster."),
    ("note-reset", "Reset", "Start a new cluster with a new random seed."),
    (
        "note-start",
        "Start",
        "What a new cluster starts as: fresh, or a ready-made situation to watch.",
    ),
    (
        "note-add",
        "Add server",
        "Add a server to the running cluster: it joins as a learner and is promoted once \
         caught up (§6).",
    ),
    ("note-seed", "seed", "A link that starts this same cluster again."),
    ("note-heal", "Heal links", "Shown while a link is cut: reconnect every cut link."),
    ("note-clock", "t = … ms", "Virtual time since the cluster started."),
];

/// The toolbar.
#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let open = use_state(bool::default);
    let speed = speed::speed_at(p.speed_pos);
    let on_speed = {
        let cb = p.on_speed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = input_value(&e) {
                cb.emit(v);
            }
        })
    };
    let on_servers = on_select(&p.on_servers, |v| v.parse::<u8>().ok());
    let on_start = on_select(&p.on_start, Start::from_name);
    let toggle = p.on_toggle.reform(|_: MouseEvent| ());
    let step = p.on_step.reform(|_: MouseEvent| ());
    let step_back = p.on_step_back.reform(|_: MouseEvent| ());
    let reset = p.on_reset.reform(|_: MouseEvent| ());
    let mut link = format!("?seed={}&servers={}", p.seed, p.servers);
    if let Start::Situation(s) = p.start {
        link.push_str("&start=");
        link.push_str(s.name());
    }
    html! {
        <div class="controls">
            <div class="group playback" role="group" aria-label="Playback">
                <button type="button" class={classes!("play", p.playing.then_some("playing"))} onclick={toggle}
                        aria-describedby="note-play">
                    { if p.playing { icon("M3.5 2h3.2v12H3.5zM9.3 2h3.2v12H9.3z") } else { icon("M4 2.2 13.5 8 4 13.8z") } }
                    { if p.playing { "Pause" } else { "Play" } }
                </button>
                <button type="button" onclick={step_back} disabled={!p.can_step_back}
                        aria-describedby="note-step-back">
                    { icon("M13.5 2.2 6 8l7.5 5.8zM2.2 2.2H5v11.6H2.2z") }{ "Step back" }
                </button>
                <button type="button" onclick={step} aria-describedby="note-step">
                    { icon("M2.5 2.2 10 8l-7.5 5.8zM11 2.2h2.8v11.6H11z") }{ "Step" }
                </button>
                <label class="range">
                    <span class="caption">{ "Speed" }</span>
                    <input type="range" aria-label="Speed" min="0" max={speed::SLIDER_MAX.to_string()}
                           step="1" value={p.speed_pos.to_string()} oninput={on_speed}
                           aria-valuetext={speed::describe(speed)}
                           aria-describedby="note-speed"
                           title={speed::describe_stretch(speed)} />
                    <output class="readout">{ speed::describe(speed) }</output>
                </label>
            </div>
            <div class="group cluster-settings" role="group" aria-label="Cluster">
                <label class="select">
                    <span class="caption">{ "Servers" }</span>
                    <select aria-label="Servers" onchange={on_servers}
                            aria-describedby="note-servers">
                        { for (1..=sim::MAX_SERVERS).map(|n| html! {
                            <option value={n.to_string()} selected={n == p.servers}>{ n }</option>
                        }) }
                    </select>
                </label>
                <button type="button" onclick={reset} aria-describedby="note-reset">
                    { reset_icon() }{ "Reset" }
                </button>
                <label class="select">
                    <span class="caption">{ "Start" }</span>
                    <select aria-label="Start" onchange={on_start}
                            aria-describedby="note-start">
                        { for Start::menu().map(|s| html! {
                            <option value={s.name()} selected={s == p.start}>{ s.label() }</option>
                        }) }
                        // A replay is opened by a link, not chosen: the menu
                        // names it while it is shown, and cannot start one.
                        if matches!(p.start, Start::Replay(_)) {
                            <option value={p.start.name()} selected=true disabled=true>
                                { p.start.label() }
                            </option>
                        }
                    </select>
                </label>
                <button type="button" onclick={p.on_add.reform(|_: MouseEvent| ())}
                        aria-describedby="note-add">
                    { "Add server" }
                </button>
                <a class="seed" href={link} aria-describedby="note-seed">
                    { format!("seed {}", p.seed) }
                </a>
                if p.links_cut {
                    <button type="button" class="heal" onclick={p.on_heal.reform(|_: MouseEvent| ())}
                            aria-describedby="note-heal">{ "Heal links" }</button>
                }
            </div>
            { info_toggle(Info { label: "About the controls", id: "control-notes", notes: NOTES, open }) }
        </div>
    }
}

/// A person-readable name and explanation for each of raft's "break
/// Raft" switches.
pub fn bug_text(bug: Bug) -> (&'static str, &'static str) {
    match bug {
        Bug::VoteWithoutLogCheck => (
            "Vote without the log check",
            "Grant votes to candidates whose logs are behind (breaks §5.4.1).",
        ),
        Bug::CommitByCountingOldTerms => (
            "Commit old-term entries by counting",
            "Commit entries of earlier terms once on a majority (Figure 8, §5.4.2).",
        ),
        Bug::ForgetVotedForOnRestart => (
            "Forget votedFor in a crash",
            "A restarted server may vote twice in one term (Figure 2).",
        ),
        Bug::KeepCommitIndexOnRestart => (
            "Keep commitIndex across a crash",
            "Trust a volatile commitIndex the log does not back (Figure 2).",
        ),
        Bug::AppendWithoutTruncatingConflicts => (
            "Keep conflicting entries",
            "Overwrite only what the leader sent, keep the rest (AppendEntries rule 3).",
        ),
        Bug::StaleLeaderServesReads => (
            "Stale leader serves reads",
            "A deposed leader answers Gets from its own state (thesis §6.4).",
        ),
    }
}

/// Props of [`BreakRaft`].
#[derive(Properties, PartialEq)]
pub struct BreakProps {
    /// The cluster's settings now (its bug switches).
    pub config: Rc<SimConfig>,
    /// A switch was flipped (a `SetBug` action).
    pub on_act: Callback<Action>,
    /// A counterexample was found and shrunk: open its run.
    pub on_found: Callback<sim::RunRecord>,
}

/// "Break Raft": switch on a deliberate mistake and watch the safety
/// checkers catch it (redrawn only when the settings change).
#[function_component(BreakRaft)]
pub fn break_raft(p: &BreakProps) -> Html {
    let bugs = &p.config.raft.bugs;
    let count = bugs.on().count();
    let (opened, ontoggle) = use_opened();
    html! {
        <details class={classes!("break-raft", (count > 0).then_some("broken"))} {ontoggle}>
            <summary>{ if count > 0 { format!("Raft broken ({count})") } else { "Break Raft".to_string() } }</summary>
            if opened {
                <div class="break-list" role="group" aria-label="Deliberate protocol mistakes">
                    <p class="hint">{ "Switch on a mistake, then crash servers and send commands: the safety checkers stop the run when a property of Figure 3 breaks." }</p>
                    { for Bug::ALL.into_iter().map(|bug| {
                        let (label, why) = bug_text(bug);
                        let on = bugs.is_on(bug);
                        let onchange = on_checked(move |on| Action::SetBug { bug, on }, &p.on_act);
                        html! {
                            <label class="bug" data-bug={bug.name()}>
                                <input type="checkbox" checked={on} {onchange} />
                                <span class="bug-name">{ label.to_string() }</span>
                                <span class="bug-why">{ why }</span>
                            </label>
                        }
                    }) }
                    <CounterexampleSearch bugs={bugs.on().collect::<Vec<_>>()} on_found={p.on_found.clone()} />
                </div>
            }
        </details>
    }
}

/// Props of [`Clock`].
#[derive(Properties, PartialEq, Clone)]
pub struct ClockProps {
    /// The moment shown, drawn in whole milliseconds (the simulator's
    /// resolution); the clock redraws by itself as it moves.
    pub feed: FrameFeed,
    /// The current leader and its term, if there is one.
    pub leader: Option<(NodeId, Term)>,
}

/// Virtual time and who leads.
#[function_component(Clock)]
pub fn clock(p: &ClockProps) -> Html {
    let time_ms = use_moving(&p.feed, Moving::now_ms).now_ms();
    html! {
        <p class="clock">
            <span class="time" aria-describedby="note-clock">
                { format!("t = {time_ms} ms") }
            </span>
            <span class={classes!("who-leads", p.leader.is_none().then_some("none"))}>
                { match p.leader {
                    Some((id, term)) => format!("leader {id}, term {term}"),
                    None => "no leader".to_string(),
                } }
            </span>
        </p>
    }
}
