//! The page's Web Worker: work that runs flat out on the machine's other
//! core while the page goes on drawing, and whose code is a second wasm
//! file (the `playground-worker` binary) that the page fetches only when a
//! reader asks for that work. Each worker does one job, one per kind of
//! message the page sends ([`ToWorker`]):
//!
//! - [`search`]: "Find a counterexample" — the swarm seeds and the
//!   shrinker (`sim::shrink::Search`);
//! - [`replay`]: a swarm seed's run for a `#seed=N` link, run to its end
//!   (`sim::swarm::prepare_replay`), so the swarm driver is not in the
//!   page's own wasm;
//! - [`open_file`]: a run file read ([`crate::run_file::from_file`]), so
//!   the page holds one set of run decoders, the link's.
//!
//! A job's run comes back as the text of a share link
//! (`sim::share::to_link`), which the page reads with `sim::share::read_link`.
//!
//! The two sides talk by messages. The page starts a worker ([`WorkerJob`])
//! and, once it says [`FromWorker::Ready`], sends its job; the worker
//! answers with the job's reports ([`FromWorker::Report`]) or says why it
//! cannot go on ([`FromWorker::Failed`]). Stopping a job is terminating
//! its worker.

mod job;
pub mod open_file;
pub mod replay;
pub mod search;

pub use job::WorkerJob;

use crate::run::ReplayLink;
use raft::Bug;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The worker's loader script (Trunk's shim for the `playground-worker`
/// binary), beside the page.
pub const WORKER_SCRIPT: &str = "./playground-worker_loader.js";

/// What the page asks of a worker: its one job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Search for a counterexample to this bug switch ([`search`]).
    Search(Bug),
    /// Run this swarm seed to its end for the page to replay ([`replay`]).
    Replay(ReplayLink),
    /// Read this run file's text and hand its run back ([`open_file`]).
    Open(String),
}

impl ToWorker {
    /// The job, as the page's messages about it name it.
    pub fn name(&self) -> String {
        match self {
            ToWorker::Search(_) => "The search".into(),
            ToWorker::Replay(link) => format!("The replay of swarm seed {}", link.seed),
            ToWorker::Open(_) => "The file reader".into(),
        }
    }
}

/// What a worker tells the page; `R` is its job's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker<R> {
    /// Loaded, and waiting for its job.
    Ready,
    /// How the job goes, or what it made.
    Report(R),
    /// The job cannot go on; the message says why.
    Failed(String),
}

/// The worker's side: answer the page's job with its reports. What the
/// `playground-worker` binary runs.
pub fn serve() {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<ToWorker>(e.data()) {
                Ok(ToWorker::Search(bug)) => search::run(&reply, bug),
                Ok(ToWorker::Replay(link)) => replay::run(&reply, link),
                Ok(ToWorker::Open(text)) => open_file::run(&reply, &text),
                Err(e) => tell::<()>(
                    &reply,
                    &FromWorker::Failed(format!("The worker cannot read its job: {e}")),
                ),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    tell::<()>(&scope, &FromWorker::Ready);
}

/// Post `message` to the page.
fn tell<R: Serialize>(scope: &web_sys::DedicatedWorkerGlobalScope, message: &FromWorker<R>) {
    if let Ok(value) = serde_wasm_bindgen::to_value(message) {
        let _ = scope.post_message(&value);
    }
}
