//! The page's side of a worker: one job running in its own worker.

use super::{FromWorker, ToWorker, WORKER_SCRIPT};
use crate::run_file;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// A job running in its worker. Dropping it stops the job (the worker is
/// terminated, and nothing it still sends is heard).
pub struct WorkerJob {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerJob {
    /// Start a worker on `job`; each of its reports `R`, or why the worker
    /// cannot go on, goes to `on_report`.
    pub fn start<R: DeserializeOwned + 'static>(
        job: ToWorker,
        on_report: Callback<Result<R, String>>,
    ) -> Result<Self, String> {
        let name = job.name();
        let worker = web_sys::Worker::new(WORKER_SCRIPT).map_err(|e| {
            format!(
                "{name} cannot start: the browser would not start its worker ({})",
                run_file::message(&e)
            )
        })?;
        let (asked, report, called) = (worker.clone(), on_report.clone(), name.clone());
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match serde_wasm_bindgen::from_value::<FromWorker<R>>(e.data()) {
                    Ok(FromWorker::Ready) => {
                        if let Err(e) = send(&asked, &job) {
                            report.emit(Err(format!("{called} cannot start: {e}")));
                        }
                    }
                    Ok(FromWorker::Report(r)) => report.emit(Ok(r)),
                    Ok(FromWorker::Failed(why)) => report.emit(Err(why)),
                    Err(e) => report
                        .emit(Err(format!("{called} sent a report the page cannot read: {e}"))),
                }
            });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let why = match e.dyn_ref::<web_sys::ErrorEvent>() {
                Some(error) if !error.message().is_empty() => error.message(),
                _ => format!("{WORKER_SCRIPT} could not be loaded"),
            };
            on_report.emit(Err(format!("{name} stopped: its worker failed ({why}).")));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerJob { worker, _on_message: on_message, _on_error: on_error })
    }
}

/// Post `job` to its worker (seeds past 2^53 as BigInts, read exactly).
fn send(worker: &web_sys::Worker, job: &ToWorker) -> Result<(), String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible()
        .serialize_large_number_types_as_bigints(true);
    let value = job.serialize(&serializer).map_err(|e| e.to_string())?;
    worker.post_message(&value).map_err(|e| run_file::message(&e))
}

impl Drop for WorkerJob {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
