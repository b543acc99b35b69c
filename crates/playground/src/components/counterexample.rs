//! "Find a counterexample": with one deliberate mistake switched on, run
//! swarm seeds (the verification tests' fault schedules) until one breaks
//! a property of Raft, shrink that run (`sim::shrink`), and open the
//! shortest run at its violation. The search runs in its own Web Worker
//! (`worker::search`), so the page keeps drawing while it works.

use crate::components::controls::bug_text;
use crate::worker::search::SearchReport;
use crate::worker::{ToWorker, WorkerJob};
use raft::Bug;
use sim::shrink::{Progress, Size, Stage};
use sim::RunRecord;
use yew::prelude::*;

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
    /// The worker reported, or failed.
    Report(Result<SearchReport, String>),
}

/// A search under way: its worker, the switch and what it last reported.
struct Running {
    /// Held while the search runs: dropping it stops the worker.
    _worker: WorkerJob,
    bug: Bug,
    /// When the search started (wall clock, ms).
    started: f64,
    progress: Progress,
}

/// What was found, to keep showing once the run is open.
struct Found {
    progress: Progress,
}

/// The search control and its progress line.
pub struct CounterexampleSearch {
    running: Option<Running>,
    found: Option<Found>,
    /// Seeds tried when the search was stopped.
    stopped: Option<u64>,
    problem: Option<String>,
}

impl Component for CounterexampleSearch {
    type Message = CexMsg;
    type Properties = CounterexampleProps;

    fn create(_ctx: &Context<Self>) -> Self {
        CounterexampleSearch { running: None, found: None, stopped: None, problem: None }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: CexMsg) -> bool {
        match msg {
            CexMsg::Start => self.start(ctx),
            CexMsg::Stop => self.stopped = self.running.take().map(|r| r.progress.tried),
            CexMsg::Report(report) => self.heard(ctx, report),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let running = self.running.is_some();
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
        let on_report = ctx.link().callback(CexMsg::Report);
        match WorkerJob::start(ToWorker::Search(bug), on_report) {
            Ok(worker) => {
                let progress = Progress { seed: 0, tried: 0, shrink: None };
                let started = js_sys::Date::now();
                self.running = Some(Running { _worker: worker, bug, started, progress });
            }
            Err(e) => self.problem = Some(e),
        }
    }

    /// A report from the worker: show it; open the run when it is found.
    fn heard(&mut self, ctx: &Context<Self>, report: Result<SearchReport, String>) {
        let Some(running) = self.running.as_mut() else { return };
        match report {
            Ok(SearchReport::Progress(progress)) => running.progress = progress,
            Ok(SearchReport::Found(progress, link)) => {
                self.running = None;
                match sim::share::read_link(&link) {
                    Ok(record) => {
                        self.found = Some(Found { progress });
                        ctx.props().on_found.emit(record);
                    }
                    Err(e) => {
                        self.problem =
                            Some(format!("The search found a run the page cannot open: {e}"))
                    }
                }
            }
            Err(why) => {
                self.running = None;
                self.problem = Some(why);
            }
        }
    }

    /// The run's size before and after shrinking, once known.
    fn sizes(&self) -> (Option<Size>, Option<Size>) {
        let progress = match (&self.found, &self.running) {
            (Some(f), _) => &f.progress,
            (None, Some(r)) => &r.progress,
            (None, None) => return (None, None),
        };
        match &progress.shrink {
            Some(s) => (Some(s.original), Some(s.current)),
            None => (None, None),
        }
    }

    /// The progress line, in Raft words.
    fn status(&self) -> String {
        if let Some(Found { progress: Progress { seed, tried, shrink: Some(s) } }) = &self.found {
            return format!(
                "Found after {tried} seeds: seed {seed} breaks {} ({}). Shrunk from {} events and \
                 {} faults to {} events and {} faults; the run is open at the violation.",
                s.property,
                s.why,
                s.original.events,
                s.original.actions,
                s.current.events,
                s.current.actions
            );
        }
        if let Some(tried) = self.stopped {
            return format!("Stopped after {tried} seeds.");
        }
        let Some(Running { bug, started, progress, .. }) = &self.running else {
            return String::new();
        };
        let (label, _) = bug_text(*bug);
        let Progress { seed, tried, shrink } = progress;
        match shrink {
            None => {
                let elapsed = (js_sys::Date::now() - started).max(1.0) as u64;
                format!(
                    "Searching for “{label}”: {tried} seeds tried, {} seeds/s, now seed {seed}.",
                    tried * 1000 / elapsed,
                )
            }
            Some(s) => {
                let what = match s.stage {
                    Stage::Replaying => "replaying it",
                    Stage::Removing => "dropping faults",
                    Stage::Moving => "moving faults earlier",
                    Stage::Done => "done",
                };
                format!(
                    "Shrinking seed {seed}'s run ({} broke, {what}): {} events → {}, {} faults → {}.",
                    s.property, s.original.events, s.current.events, s.original.actions, s.current.actions
                )
            }
        }
    }
}
