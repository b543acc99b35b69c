//! The narration: what just happened, newest first, in the trace's own
//! words ("S3 became candidate for term 2"), stamped with virtual time.
//!
//! While the run plays, the list is redrawn at most every [`PACE_MS`]:
//! each redraw pushes every line down, so it is repainted whole, and at 9
//! servers under load a few hundred lines a second arrive, faster than
//! anyone reads. The lines are the same, only drawn in batches; paused or
//! stepping, each new line is drawn at once.

use crate::view_model::narration::NarrationLine;
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The shortest time between two redraws of the list while the run plays,
/// ms (10 a second).
pub const PACE_MS: f64 = 100.0;

/// How long to wait before drawing new lines, ms, or `None` to draw them
/// now: at once when paused, else once [`PACE_MS`] has passed since the
/// list was last drawn at `drawn_at` (`now` on the same clock).
pub fn wait_before_drawing(playing: bool, drawn_at: f64, now: f64) -> Option<u32> {
    let left = drawn_at + PACE_MS - now;
    (playing && left > 0.0).then(|| left.ceil() as u32)
}

/// Props of [`NarrationPanel`].
#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    /// The lines, newest first.
    pub lines: Rc<Vec<Rc<NarrationLine>>>,
    /// Routine events (messages sent/dropped, heartbeat acks) are shown.
    pub show_all: bool,
    /// The run is playing (new lines are drawn in batches).
    pub playing: bool,
    /// The "every event" box was ticked or unticked.
    pub on_show_all: Callback<bool>,
}

/// The list of recent events.
pub struct NarrationPanel {
    /// The lines drawn.
    shown: Rc<Vec<Rc<NarrationLine>>>,
    /// When they were drawn (`Date.now()`, ms).
    drawn_at: f64,
    /// Draws the lines that arrived too soon after the last redraw.
    later: Option<Timeout>,
}

/// The lines that arrived since the last redraw are due.
pub struct DrawDue;

impl NarrationPanel {
    /// Draw the newest lines.
    fn draw(&mut self, ctx: &Context<Self>) {
        self.shown = Rc::clone(&ctx.props().lines);
        self.drawn_at = js_sys::Date::now();
        self.later = None;
    }
}

impl Component for NarrationPanel {
    type Message = DrawDue;
    type Properties = NarrationProps;

    fn create(ctx: &Context<Self>) -> Self {
        NarrationPanel {
            shown: Rc::clone(&ctx.props().lines),
            drawn_at: js_sys::Date::now(),
            later: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, _: DrawDue) -> bool {
        self.draw(ctx);
        true
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &NarrationProps) -> bool {
        let p = ctx.props();
        if Rc::ptr_eq(&p.lines, &self.shown) {
            return p.show_all != old.show_all;
        }
        // A new choice of lines ("show every message") is drawn at once.
        let wait = if p.show_all == old.show_all {
            wait_before_drawing(p.playing, self.drawn_at, js_sys::Date::now())
        } else {
            None
        };
        match wait {
            None => {
                self.draw(ctx);
                true
            }
            Some(wait) => {
                if self.later.is_none() {
                    let link = ctx.link().clone();
                    self.later = Some(Timeout::new(wait, move || link.send_message(DrawDue)));
                }
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let p = ctx.props();
        let onchange = {
            let cb = p.on_show_all.clone();
            Callback::from(move |e: Event| {
                if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                {
                    cb.emit(input.checked());
                }
            })
        };
        html! {
            <section class="narration panel" aria-label="What happened">
                <div class="panel-head">
                    <h2>{ "What happened" }</h2>
                    <label class="check">
                        <input type="checkbox" checked={p.show_all} {onchange} />
                        { "show every message" }
                    </label>
                </div>
                if self.shown.is_empty() {
                    <p class="events-empty">{ "Nothing has happened yet. Press Play (or Step) and the servers' decisions appear here, newest first." }</p>
                }
                <ol class="events">
                    { for self.shown.iter().map(|l| html! { <LineView key={l.seq} line={Rc::clone(l)} /> }) }
                </ol>
            </section>
        }
    }
}

/// Props of [`LineView`].
#[derive(Properties, PartialEq)]
struct LineProps {
    line: Rc<NarrationLine>,
}

/// One line: its time, its words and, for a server's decision, the
/// Figure 2 rule it applied. A line is drawn once, when it arrives: as
/// newer lines push it down, it keeps its element and is not redrawn.
#[function_component(LineView)]
fn line_view(p: &LineProps) -> Html {
    let l = &p.line;
    html! {
        <li class={classes!(l.tone.name(), l.shaded.then_some("shaded"))}>
            <span class="at">{ format!("{} ms", l.time) }</span>
            if let Some((rule, values)) = &l.rule {
                <details class="what">
                    <summary>{ AttrValue::from(Rc::clone(&l.text)) }</summary>
                    <p class="rule" data-rule={rule.name()}>
                        { format!("{} ({}): {values}", rule.name(), rule.section()) }
                    </p>
                </details>
            } else {
                <span class="what">{ AttrValue::from(Rc::clone(&l.text)) }</span>
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_lines_wait_for_the_pace_only_while_playing() {
        assert_eq!(wait_before_drawing(false, 1000.0, 1001.0), None, "paused: at once");
        assert_eq!(
            wait_before_drawing(true, 1000.0, 1030.5),
            Some(70),
            "playing: the rest of the 100 ms"
        );
        assert_eq!(wait_before_drawing(true, 1000.0, 1100.0), None, "the pace has passed");
        assert_eq!(wait_before_drawing(true, 1000.0, 5000.0), None);
    }
}
