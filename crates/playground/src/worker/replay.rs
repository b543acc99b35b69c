//! The replay job: a swarm seed's run for a `#seed=N[&bug=NAME]` link,
//! run to its end in the worker (`sim::swarm::prepare_replay`) and sent to
//! the page as a share link's text (read back with `sim::share::read_link`)
//! and the run's [`ReplaySummary`]. Meanwhile the page shows a fresh
//! cluster and a line saying that the replay is being prepared
//! ([`ReplayRequest`]).

use super::{tell, FromWorker, ToWorker, WorkerJob};
use crate::run::{ReplayLink, Run};
use serde::{Deserialize, Serialize};
use sim::share::{read_link, to_link};
use sim::swarm::{prepare_replay, ReplaySummary};
use yew::Callback;

/// A seed's run, prepared: what the worker sends the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replayed {
    /// The run as a share link's text (docs/run-format.md), shown from its
    /// start.
    pub link: String,
    /// What the run was.
    pub summary: ReplaySummary,
}

impl Replayed {
    /// Run swarm seed `link` to its end (the worker's side).
    pub fn prepare(link: ReplayLink) -> Result<Replayed, String> {
        let prepared = prepare_replay(link.seed, link.bug)?;
        Ok(Replayed { link: to_link(&prepared.record), summary: prepared.summary })
    }

    /// The run to show for `link` (the page's side).
    pub fn open(self, link: ReplayLink) -> Result<Run, String> {
        let record = read_link(&self.link)?;
        Run::replayed(link, &record, self.summary)
    }
}

/// Prepare seed `link`'s run and send it to the page (the worker's side).
pub fn run(scope: &web_sys::DedicatedWorkerGlobalScope, link: ReplayLink) {
    let message = match Replayed::prepare(link) {
        Ok(replayed) => FromWorker::Report(replayed),
        Err(e) => {
            FromWorker::Failed(format!("{} cannot be prepared: {e}", ToWorker::Replay(link).name()))
        }
    };
    tell(scope, &message);
}

/// The page's side: a replay being prepared in its worker. Dropping it
/// abandons the replay.
pub struct ReplayRequest {
    link: ReplayLink,
    _job: WorkerJob,
}

impl ReplayRequest {
    /// Ask a worker for seed `link`'s run; the run to show, or why there is
    /// none, goes to `on_done`.
    pub fn start(link: ReplayLink, on_done: Callback<Result<Run, String>>) -> Result<Self, String> {
        let on_report = Callback::from(move |report: Result<Replayed, String>| {
            on_done.emit(report.and_then(|replayed| replayed.open(link)))
        });
        let job = WorkerJob::start(ToWorker::Replay(link), on_report)?;
        Ok(ReplayRequest { link, _job: job })
    }

    /// What the page says while it waits.
    pub fn status(&self) -> String {
        format!("Preparing the replay of swarm seed {}: running it to its end…", self.link.seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_seed_opens_as_its_replay_from_its_start() {
        let link = ReplayLink { seed: 4, bug: Some(raft::Bug::VoteWithoutLogCheck) };
        let run = Replayed::prepare(link).unwrap().open(link).unwrap();
        let replay = run.as_replay().expect("a replay");
        assert_eq!((replay.link, run.sim().now()), (link, 0));
        let failure = replay.failure.as_ref().expect("seed 4 fails with this switch");
        assert_eq!(run.timeline().end().time, failure.time);
        assert_eq!(failure.violation, Some(sim::Invariant::LeaderCompleteness));
    }
}
