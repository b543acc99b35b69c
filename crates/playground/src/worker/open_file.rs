//! The file job: a run file's text (docs/run-format.md) read and checked in
//! the worker ([`run_file::from_file`]) and its run handed to the page as
//! a share link's text, which the page reads with the decoders it already
//! has for `#run=` links. The page so holds no second set of run decoders.

use super::{tell, FromWorker, ToWorker, WorkerJob};
use crate::run_file;
use sim::share::{read_link, to_link};
use sim::RunRecord;
use yew::Callback;

/// Read run file `text` and send its run, or what is wrong with the file,
/// to the page (the worker's side).
pub fn run(scope: &web_sys::DedicatedWorkerGlobalScope, text: &str) {
    let message = match run_file::from_file(text) {
        Ok(record) => FromWorker::Report(to_link(&record)),
        Err(e) => FromWorker::Failed(e),
    };
    tell(scope, &message);
}

/// Ask a worker to read run file `text` (the page's side); the run, or
/// what is wrong with the file, goes to `on_read`. Dropping the job
/// abandons the reading.
pub fn start(
    text: String,
    on_read: Callback<Result<RunRecord, String>>,
) -> Result<WorkerJob, String> {
    let on_report = Callback::from(move |link: Result<String, String>| {
        on_read.emit(link.and_then(|link| read_link(&link)))
    });
    WorkerJob::start(ToWorker::Open(text), on_report)
}
