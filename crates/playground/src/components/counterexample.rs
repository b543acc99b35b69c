//! "Find a counterexample": with one deliberate mistake switched on, run
//! swarm seeds (the verification tests' fault schedules) a few
//! milliseconds per frame until one breaks a property of Raft, shrink that
//! run (`sim::shrink`), and open the shortest run at its violation.

use crate::animation::AnimationLoop;
use crate::components::controls::bug_text;
use raft::Bug;
use sim::shrink::{linearizable, Search, Size, Stage};
use sim::RunRecord;
use yew::prelude::*;

/// Wall-clock time the search may take per frame, ms: with the page's own
/// drawing, a frame stays within 60 fps.
const FRAME_BUDGET_MS: f64 = 7.0;
/// Events of work between looks at the clock.
const SLICE: u64 = 200;

/// Props of [`CounterexampleSearch`].
#[derive(Properties, PartialEq)]
pub struct CounterexampleProps {
    /// The mistakes switched on now.
    pub bugs: Vec<Bug>,
    /// The shortest failing run, found and shrunk: open it.
    pub on_found: Callback<RunRecord>,
}

/// What the search control does.
pub enum CexMsg {
    /// "Find a counterexample" pressed.
    Start,
    /// "Stop" pressed.
    Stop,
    /// An animation frame: work a slice.
    Frame,
}

/// What was found, to keep showing once the run is open.
struct Found {
    seed: u64,
    tried: u64,
    property: &'static str,
    /// How the shortest run breaks it, in words.
    why: String,
    before: Size,
    after: Size,
}

/// The search control and its progress line.
pub struct CounterexampleSearch {
    search: Option<Search>,
    /// When the search started (wall clock, ms).
    started: f64,
    found: Option<Found>,
    /// Seeds tried when the search was stopped.
    stopped: Option<u64>,
    problem: Option<String>,
    _frames: Option<AnimationLoop>,
}

impl Component for CounterexampleSearch {
    type Message = CexMsg;
    type Properties = CounterexampleProps;

    fn create(_ctx: &Context<Self>) -> Self {
        CounterexampleSearch {
            search: None,
            started: 0.0,
            found: None,
            stopped: None,
            problem: None,
            _frames: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: CexMsg) -> bool {
        match msg {
            CexMsg::Start => self.start(ctx),
            CexMsg::Stop => {
                self.stopped = self.search.take().map(|s| s.tried());
                self._frames = None;
            }
            CexMsg::Frame => self.work(ctx),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let running = self.search.is_some();
        let (before, after) = self.sizes();
        html! {
            <div class="counterexample">
                <p class="hint" id="cex-about">
                    { "Runs swarm seeds with the mistake until one breaks a property of Raft, then shrinks that run to the fewest faults and events." }
                </p>
                <button type="button" class="find-counterexample" disabled={running}
                        aria-describedby="cex-about"
                        onclick={link.callback(|_| CexMsg::Start)}>{ "Find a counterexample" }</button>
                if running {
                    <button type="button" onclick={link.callback(|_| CexMsg::Stop)}>{ "Stop" }</button>
                }
                <p class="cex-status" role="status"
                   data-events-before={before.map(|s| s.events.to_string())}
                   data-events-after={after.map(|s| s.events.to_string())}
                   data-actions-before={before.map(|s| s.actions.to_string())}
                   data-actions-after={after.map(|s| s.actions.to_string())}>
                    { self.status() }
                </p>
                if let Some(problem) = &self.problem {
                    <p class="cex-problem" role="alert">{ problem }</p>
                }
            </div>
        }
    }
}

impl CounterexampleSearch {
    fn start(&mut self, ctx: &Context<Self>) {
        self.found = None;
        self.stopped = None;
        self.problem = None;
        let bug = match ctx.props().bugs[..] {
            [bug] => bug,
            [] => {
                self.problem = Some(
                    "Switch on one of the mistakes above first: the search looks for a run that \
                     breaks Raft with it."
                        .into(),
                );
                return;
            }
            _ => {
                self.problem = Some(
                    "Switch on only one mistake: the search looks for a counterexample to one at \
                     a time."
                        .into(),
                );
                return;
            }
        };
        match Search::new(bug, 0, Some(linearizable)) {
            Ok(search) => {
                self.search = Some(search);
                self.started = js_sys::Date::now();
                self._frames = Some(AnimationLoop::start(ctx.link().callback(|_| CexMsg::Frame)));
            }
            Err(e) => self.problem = Some(format!("The search cannot start: {e}")),
        }
    }

    /// Work on the search for a frame's budget; open the result when done.
    fn work(&mut self, ctx: &Context<Self>) {
        let Some(search) = self.search.as_mut() else { return };
        let until = js_sys::Date::now() + FRAME_BUDGET_MS;
        while !search.is_done() && js_sys::Date::now() < until {
            if let Err(e) = search.step(SLICE) {
                self.problem = Some(format!("The search stopped: {e}"));
                self.search = None;
                self._frames = None;
                return;
            }
        }
        if !search.is_done() {
            return;
        }
        let (Some(record), Some((before, after)), Some(shrinker)) =
            (search.result(), search.sizes(), search.shrinker())
        else {
            return;
        };
        self.found = Some(Found {
            seed: search.seed(),
            tried: search.tried(),
            property: shrinker.property().name(),
            why: shrinker.why().to_string(),
            before,
            after,
        });
        self.search = None;
        self._frames = None;
        ctx.props().on_found.emit(record);
    }

    /// The run's size before and after shrinking, once known.
    fn sizes(&self) -> (Option<Size>, Option<Size>) {
        if let Some(f) = &self.found {
            return (Some(f.before), Some(f.after));
        }
        match self.search.as_ref().and_then(Search::sizes) {
            Some((before, after)) => (Some(before), Some(after)),
            None => (None, None),
        }
    }

    /// The progress line, in Raft words.
    fn status(&self) -> String {
        if let Some(f) = &self.found {
            return format!(
                "Found after {} seeds: seed {} breaks {} ({}). Shrunk from {} events and {} \
                 faults to {} events and {} faults; the run is open at the violation.",
                f.tried,
                f.seed,
                f.property,
                f.why,
                f.before.events,
                f.before.actions,
                f.after.events,
                f.after.actions
            );
        }
        if let Some(tried) = self.stopped {
            return format!("Stopped after {tried} seeds.");
        }
        let Some(search) = &self.search else { return String::new() };
        let (label, _) = bug_text(search.bug());
        match search.shrinker() {
            None => {
                let elapsed = (js_sys::Date::now() - self.started).max(1.0) as u64;
                format!(
                    "Searching for “{label}”: {} seeds tried, {} seeds/s, now seed {}.",
                    search.tried(),
                    search.tried() * 1000 / elapsed,
                    search.seed()
                )
            }
            Some(s) => {
                let what = match s.stage() {
                    Stage::Replaying => "replaying it",
                    Stage::Removing => "dropping faults",
                    Stage::Moving => "moving faults earlier",
                    Stage::Done => "done",
                };
                format!(
                    "Shrinking seed {}'s run ({} broke, {what}): {} events → {}, {} faults → {}.",
                    search.seed(),
                    s.property().name(),
                    s.original().events,
                    s.current().events,
                    s.original().actions,
                    s.current().actions
                )
            }
        }
    }
}
