//! The time strip under the cluster: the run's terms as coloured bands, a
//! mark for every election, crash, restart, network change, client
//! operation and broken safety property (as the simulator's marks say),
//! and the "Time" slider that shows any moment of it. On the slider the
//! arrows move one event, Shift+arrows 100 ms, Home and End to either end.

use crate::components::info::{info_toggle, Info};
use crate::frame_feed::{use_moving, FrameFeed, Moving};
use crate::playback::SEEK_JUMP_MS;
use crate::view_model::strip::StripView;
use sim::decimal::fixed;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// The strip's drawing height, in its own units.
const HEIGHT: u32 = 36;

/// Props of [`TimeStrip`].
#[derive(Properties, PartialEq)]
pub struct TimeStripProps {
    /// What to draw.
    pub strip: Rc<StripView>,
    /// The virtual time shown and the latest moment recorded on the
    /// branch (the strip's length), followed by themselves.
    pub feed: FrameFeed,
    /// Is there another future to go back to?
    pub other_future: bool,
    /// Is quiet time skipped at slow speeds?
    pub skip_quiet: bool,
    /// Show this time (ms).
    pub on_seek: Callback<u64>,
    /// One event on.
    pub on_step: Callback<()>,
    /// One event back.
    pub on_step_back: Callback<()>,
    /// "Back to the other future" pressed.
    pub on_other_future: Callback<()>,
    /// "Skip quiet time" changed.
    pub on_skip_quiet: Callback<bool>,
}

/// A term's hue: neighbouring terms far apart on the colour wheel
/// (style.css makes it light or deep, for the light or the dark theme).
fn term_hue(term: u64) -> String {
    format!("--hue:{}", (term * 137) % 360)
}

/// Where time `t` of a strip `end` ms long is, as a percentage of its
/// width (the cursor, drawn in percent over the marks' stretched
/// drawing).
fn pct(t: u64, end: u64) -> String {
    format!("{}%", fixed(t as f64 * 100.0 / end.max(1) as f64, 3))
}

/// Where on the strip a mark of this kind sits: (top, bottom).
fn mark_span(kind: &str) -> (u32, u32) {
    match kind {
        "elected" => (6, 30),
        "crash" | "restart" => (0, 10),
        "cut" | "heal" => (26, HEIGHT),
        "client" => (30, HEIGHT),
        _ => (0, HEIGHT),
    }
}

/// The bands and marks, drawn in virtual milliseconds: the strip's length
/// changes every frame of a live run, and only the viewBox follows it
/// ([`strip_scale`]), so the marks themselves are redrawn only when they
/// change.
#[derive(Properties, PartialEq)]
struct MarksProps {
    strip: Rc<StripView>,
}

#[function_component(StripMarks)]
fn strip_marks(p: &MarksProps) -> Html {
    let s = &p.strip;
    // A term still running reaches past any end; the viewBox clips it.
    let open_to = u64::from(u32::MAX);
    // Bands and marks are only ever added at the end of a run's lists:
    // keyed by their place, in fragments of their own, they are matched
    // from the start and a new one is added, not every one rewritten.
    html! {
        <g class="strip-marks">
            <>{ for s.bands.iter().enumerate().map(|(i, b)| html! {
                <rect key={i} class="band" data-term={b.term.to_string()} x={b.from.to_string()} y="12"
                      width={b.to.unwrap_or(open_to).saturating_sub(b.from).to_string()} height="12" style={term_hue(b.term)}>
                    <title>{ format!("term {} from {} ms", b.term, b.from) }</title>
                </rect>
            }) }</>
            if let Some(fork) = s.fork {
                <line class="fork" data-mark="fork" x1={fork.to_string()} x2={fork.to_string()} y1="0" y2={HEIGHT.to_string()}>
                    <title>{ format!("this future forked at {fork} ms") }</title>
                </line>
            }
            <>{ for s.marks.iter().enumerate().map(|(i, m)| {
                let (y1, y2) = mark_span(m.kind);
                html! {
                    <line key={i} class={classes!("tick", m.kind)} data-mark={m.kind} x1={m.at.to_string()} x2={m.at.to_string()}
                          y1={y1.to_string()} y2={y2.to_string()}>
                        <title>{ format!("{} ms: {}", m.at, m.title) }</title>
                    </line>
                }
            }) }</>
        </g>
    }
}

/// The viewBox that stretches a strip `end` ms long over the strip's
/// width (style.css keeps the strokes unstretched).
fn strip_scale(end: u64) -> String {
    format!("0 0 {} {HEIGHT}", end.max(1))
}

/// What a key on the Time slider does, given the shown time and the end.
fn on_key(p: &TimeStripProps, shown: u64, end: u64) -> Callback<KeyboardEvent> {
    let (seek, step, back) = (p.on_seek.clone(), p.on_step.clone(), p.on_step_back.clone());
    Callback::from(move |e: KeyboardEvent| {
        let forward = match e.key().as_str() {
            "ArrowRight" | "ArrowUp" => true,
            "ArrowLeft" | "ArrowDown" => false,
            "Home" => return prevent_then(&e, || seek.emit(0)),
            "End" => return prevent_then(&e, || seek.emit(end)),
            _ => return,
        };
        prevent_then(&e, || match (e.shift_key(), forward) {
            (true, true) => seek.emit((shown + SEEK_JUMP_MS).min(end)),
            (true, false) => seek.emit(shown.saturating_sub(SEEK_JUMP_MS)),
            (false, true) => step.emit(()),
            (false, false) => back.emit(()),
        });
    })
}

fn prevent_then(e: &KeyboardEvent, then: impl FnOnce()) {
    e.prevent_default();
    then();
}

/// What the time-travel controls do, shown by the strip's "i" button.
const NOTES: &[(&str, &str, &str)] = &[
    (
        "note-time",
        "Time",
        "Drag to see any moment; arrows: one event, Shift+arrows: 100 ms, Home/End. \
         Acting in the past starts a new branch from there.",
    ),
    ("note-other-future", "Back to the other future", "Return to the future you left when you acted in the past."),
    (
        "note-skip-quiet",
        "Skip quiet time",
        "At slow speeds, jump over stretches where nothing is in flight and no timer is about to fire.",
    ),
];

/// The strip, the Time slider, and the time-travel buttons.
#[function_component(TimeStrip)]
pub fn time_strip(p: &TimeStripProps) -> Html {
    let open = use_state(bool::default);
    let moving = use_moving(&p.feed, Moving::strip_key);
    let (shown, end) = (moving.now_ms().min(moving.end), moving.end);
    let on_input = {
        let cb = p.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
            if let Some(v) = input.and_then(|i| i.value().parse::<u64>().ok()) {
                cb.emit(v);
            }
        })
    };
    let on_skip = {
        let cb = p.on_skip_quiet.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                cb.emit(input.checked());
            }
        })
    };
    let other = p.on_other_future.reform(|_: MouseEvent| ());
    let unmarked = p.strip.unmarked_ops;
    html! {
        <div class="time-strip" role="group" aria-label="Time travel">
            <div class="strip-track">
                <svg class="strip" height={HEIGHT.to_string()} aria-hidden="true" focusable="false">
                    <svg class="strip-scale" viewBox={strip_scale(end)} preserveAspectRatio="none"
                         width="100%" height={HEIGHT.to_string()}>
                        <StripMarks strip={Rc::clone(&p.strip)} />
                    </svg>
                    <line class="now" x1={pct(shown, end)} x2={pct(shown, end)} y1="0" y2={HEIGHT.to_string()} />
                </svg>
                <input type="range" class="time" aria-label="Time" min="0" max={end.to_string()} step="1"
                       value={shown.to_string()} oninput={on_input} onkeydown={on_key(p, shown, end)}
                       aria-valuetext={format!("{shown} ms of {end} ms")}
                       aria-describedby="note-time" />
            </div>
            <div class="strip-row">
                <span class="caption time-readout">{ format!("Time {shown} / {end} ms") }</span>
                if unmarked > 0 {
                    <span class="caption">{ format!("({unmarked} client operations not marked)") }</span>
                }
                if p.other_future {
                    <button type="button" onclick={other} aria-describedby="note-other-future">
                        { "Back to the other future" }
                    </button>
                }
                <label class="check">
                    <input type="checkbox" checked={p.skip_quiet} onchange={on_skip} aria-describedby="note-skip-quiet" />
                    { "Skip quiet time" }
                </label>
                { info_toggle(Info { label: "About time travel", id: "time-notes", notes: NOTES, open }) }
            </div>
        </div>
    }
}
