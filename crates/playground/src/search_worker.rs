//! "Find a counterexample" runs in a Web Worker of its own: the swarm
//! seeds and the shrinker (`sim::shrink::Search`) work flat out on the
//! machine's other core while the page goes on drawing, and their code is
//! a second wasm file (the `counterexample-worker` binary) that the page
//! fetches only when a reader starts a search.
//!
//! The two sides talk by messages. The page starts the worker and, once
//! it says [`FromSearch::Ready`], sends the bug switch's name; the worker
//! then reports [`FromSearch::Progress`] a few times a second and ends with
//! [`FromSearch::Found`] (the shortest failing run, as a run file) or
//! [`FromSearch::Failed`]. Stopping the search is terminating the worker.

use crate::run_file;
use raft::Bug;
use serde::{Deserialize, Serialize};
use sim::shrink::{linearizable, Progress, Search};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// The worker's loader script (Trunk's shim for the `counterexample-worker`
/// binary), beside the page.
pub const WORKER_SCRIPT: &str = "./counterexample-worker_loader.js";

/// Events of work between looks at the clock.
const SLICE: u64 = 2_000;

/// Wall-clock time between progress reports, ms.
const REPORT_EVERY_MS: f64 = 100.0;

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromSearch {
    /// Loaded, and waiting for the switch to search with.
    Ready,
    /// Where the search is.
    Progress(Progress),
    /// A counterexample found and shrunk: where the search ended, and the
    /// shortest failing run as a run file (docs/run-format.md).
    Found(Progress, String),
    /// The search cannot go on; the message says why.
    Failed(String),
}

/// The worker's side: answer the page's first message (a bug switch's
/// name) with a search, reported as it goes. What the
/// `counterexample-worker` binary runs.
pub fn serve() {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let name = e.data().as_string().unwrap_or_default();
            search(&reply, &name);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    tell(&scope, &FromSearch::Ready);
}

/// Run the search for switch `name` to its end, telling the page.
fn search(scope: &web_sys::DedicatedWorkerGlobalScope, name: &str) {
    let failed = |why: String| tell(scope, &FromSearch::Failed(why));
    let bug = match name.parse::<Bug>() {
        Ok(bug) => bug,
        Err(e) => return failed(format!("The search cannot start: {e}.")),
    };
    let mut search = match Search::new(bug, 0, Some(linearizable)) {
        Ok(search) => search,
        Err(e) => return failed(format!("The search cannot start: {e}")),
    };
    let mut told = js_sys::Date::now();
    while !search.is_done() {
        if let Err(e) = search.step(SLICE) {
            return failed(format!("The search stopped: {e}"));
        }
        let now = js_sys::Date::now();
        if now - told >= REPORT_EVERY_MS {
            tell(scope, &FromSearch::Progress(search.progress()));
            told = now;
        }
    }
    match search.result().map(|record| run_file::to_file(&record)) {
        Some(Ok(file)) => tell(scope, &FromSearch::Found(search.progress(), file)),
        Some(Err(e)) => failed(format!("The search found a run but could not hand it over: {e}")),
        None => failed("The search ended without a run to show.".into()),
    }
}

/// Post `message` to the page.
fn tell(scope: &web_sys::DedicatedWorkerGlobalScope, message: &FromSearch) {
    if let Ok(value) = serde_wasm_bindgen::to_value(message) {
        let _ = scope.post_message(&value);
    }
}

/// The page's side: a search running in its worker. Dropping it stops the
/// search (the worker is terminated).
pub struct SearchWorker {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl SearchWorker {
    /// Start a worker searching with switch `bug` on; each report, or why
    /// the worker cannot go on, goes to `on_report`.
    pub fn start(
        bug: Bug,
        on_report: Callback<Result<FromSearch, String>>,
    ) -> Result<Self, String> {
        let worker = web_sys::Worker::new(WORKER_SCRIPT).map_err(|e| {
            format!(
                "The search cannot start: the browser would not start its worker ({})",
                run_file::message(&e)
            )
        })?;
        let (asked, name, report) = (worker.clone(), bug.to_string(), on_report.clone());
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match serde_wasm_bindgen::from_value::<FromSearch>(e.data()) {
                    Ok(FromSearch::Ready) => {
                        let _ = asked.post_message(&JsValue::from_str(&name));
                    }
                    Ok(message) => report.emit(Ok(message)),
                    Err(e) => report
                        .emit(Err(format!("The search sent a report the page cannot read: {e}"))),
                }
            });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let why = match e.dyn_ref::<web_sys::ErrorEvent>() {
                Some(error) if !error.message().is_empty() => error.message(),
                _ => format!("{WORKER_SCRIPT} could not be loaded"),
            };
            on_report.emit(Err(format!("The search stopped: its worker failed ({why}).")));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(SearchWorker { worker, _on_message: on_message, _on_error: on_error })
    }
}

impl Drop for SearchWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
