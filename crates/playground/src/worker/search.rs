//! The search job: "Find a counterexample" with one bug switch on — swarm
//! seeds until one breaks a property of Raft, then the shrinker
//! (`sim::shrink::Search`), reported a few times a second.

use super::{tell, FromWorker};
use raft::Bug;
use serde::{Deserialize, Serialize};
use sim::share::to_link;
use sim::shrink::{linearizable, Progress, Search};

/// Events of work between looks at the clock.
const SLICE: u64 = 2_000;

/// Wall-clock time between progress reports, ms.
const REPORT_EVERY_MS: f64 = 100.0;

/// What the search reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SearchReport {
    /// Where the search is.
    Progress(Progress),
    /// A counterexample found and shrunk: where the search ended, and the
    /// shortest failing run as a share link's text (`sim::share::to_link`).
    Found(Progress, String),
}

/// Run the search for switch `bug` to its end, telling the page.
pub fn run(scope: &web_sys::DedicatedWorkerGlobalScope, bug: Bug) {
    let say = |report: SearchReport| tell(scope, &FromWorker::Report(report));
    let failed = |why: String| tell::<SearchReport>(scope, &FromWorker::Failed(why));
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
            say(SearchReport::Progress(search.progress()));
            told = now;
        }
    }
    match search.result() {
        Some(record) => say(SearchReport::Found(search.progress(), to_link(&record))),
        None => failed("The search ended without a run to show.".into()),
    }
}
