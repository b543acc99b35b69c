//! Playing a tour on a timeline. Each step's actions are taken at the
//! current moment and its run plays the world on; the moment it ends at
//! (and how many actions it includes) is recorded, so going back to a step,
//! or forward over one already played, is a seek and costs no
//! re-simulation beyond the timeline's own.

use super::claim::check_claims;
use super::condition::{next_arrival, Run};
use super::Tour;
use crate::timeline::{BranchId, Moment, Timeline};

/// Where a step ended: the moment, and how many of the branch's actions
/// it includes (the next step's actions are recorded at the same moment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StepEnd {
    at: Moment,
    applied: usize,
}

/// A tour being played: which step is shown and where every step played
/// so far ended. The timeline is the caller's (the page's run), handed to
/// each call.
#[derive(Clone, Debug)]
pub struct Runner {
    tour: Tour,
    /// The branch the tour plays on.
    branch: BranchId,
    /// The end of each step played, in order.
    ends: Vec<StepEnd>,
    /// The step shown, counted from 1.
    shown: usize,
}

impl Runner {
    /// Start `tour`: a new timeline of its world with step 1 played.
    pub fn open(tour: Tour) -> Result<(Runner, Timeline), String> {
        let config = tour.settings.config().map_err(|e| format!("tour {}: {e}", tour.id))?;
        let origin = tour.start.origin().map_err(|e| format!("tour {}: {e}", tour.id))?;
        let mut timeline = Timeline::from_origin(origin, config)
            .map_err(|e| format!("tour {}: its world cannot be made: {e}", tour.id))?;
        let mut runner =
            Runner { tour, branch: timeline.branch().id(), ends: Vec::new(), shown: 0 };
        runner.next(&mut timeline)?;
        Ok((runner, timeline))
    }

    /// Open `tour` at step `n` (counted from 1), playing every step before
    /// it; the message names a step that does not exist or does not play.
    pub fn open_at(tour: Tour, n: usize) -> Result<(Runner, Timeline), String> {
        if n == 0 || n > tour.steps.len() {
            return Err(format!("tour {} has steps 1 to {}, not {n}", tour.id, tour.steps.len()));
        }
        let (mut runner, mut timeline) = Runner::open(tour)?;
        while runner.shown < n {
            runner.next(&mut timeline)?;
        }
        Ok((runner, timeline))
    }

    /// The tour.
    pub fn tour(&self) -> &Tour {
        &self.tour
    }

    /// The step shown, counted from 1.
    pub fn shown(&self) -> usize {
        self.shown
    }

    /// How many steps the tour has.
    pub fn len(&self) -> usize {
        self.tour.steps.len()
    }

    /// Is the tour stepless? (Never: [`Tour::validate`] refuses that.)
    pub fn is_empty(&self) -> bool {
        self.tour.steps.is_empty()
    }

    /// Is the last step shown?
    pub fn at_end(&self) -> bool {
        self.shown == self.len()
    }

    /// Show the next step: a seek if it was played before, else play it.
    pub fn next(&mut self, timeline: &mut Timeline) -> Result<(), String> {
        if self.at_end() {
            return Err(format!("tour {}: this is its last step", self.tour.id));
        }
        self.on_branch(timeline)?;
        if self.shown < self.ends.len() {
            self.show(timeline, self.shown + 1)
        } else {
            self.play(timeline)
        }
    }

    /// Show the step before: a seek.
    pub fn back(&mut self, timeline: &mut Timeline) -> Result<(), String> {
        if self.shown <= 1 {
            return Err(format!("tour {}: this is its first step", self.tour.id));
        }
        self.on_branch(timeline)?;
        self.show(timeline, self.shown - 1)
    }

    /// Is `timeline` still the tour's run (a person acting on it would have
    /// changed its story)?
    fn on_branch(&self, timeline: &Timeline) -> Result<(), String> {
        if timeline.branch().id() != self.branch {
            return Err(format!("tour {}: the run was changed; take over to go on", self.tour.id));
        }
        Ok(())
    }

    /// Seek to the end of step `n`, already played.
    fn show(&mut self, timeline: &mut Timeline, n: usize) -> Result<(), String> {
        let end = self.ends[n - 1];
        timeline.seek_to(end.at, end.applied)?;
        self.shown = n;
        Ok(())
    }

    /// Play the next step at the end of the run: its actions, its run, a
    /// check of its claims.
    fn play(&mut self, timeline: &mut Timeline) -> Result<(), String> {
        let n = self.ends.len() + 1;
        let fail = |e: String| format!("tour {}, step {n}: {e}", self.tour.id);
        if let Some(last) = self.ends.last() {
            if (timeline.moment(), timeline.applied()) != (last.at, last.applied) {
                timeline.seek_to(last.at, last.applied).map_err(fail)?;
            }
        }
        let step = &self.tour.steps[n - 1];
        for (i, action) in step.actions.iter().enumerate() {
            let forked = timeline
                .act(action.clone())
                .map_err(|e| fail(format!("action {} ({action}) was refused: {e}", i + 1)))?;
            // Played on after the tour's last step: the tour's story goes
            // on in a branch of its own from there.
            self.branch = forked.unwrap_or(self.branch);
        }
        match &step.run {
            None => {}
            Some(Run::For(ms)) => timeline.run_until(timeline.moment().time + ms).map_err(fail)?,
            Some(Run::Until { condition, within }) => {
                let deadline = timeline.moment().time + within;
                let mut arrived = None;
                while !condition.holds(timeline.sim(), arrived) {
                    let next = timeline.sim().next_event_time();
                    if next.is_none_or(|t| t > deadline) {
                        return Err(fail(format!("{condition} did not happen within {within} ms")));
                    }
                    arrived = next_arrival(timeline.sim());
                    timeline.step().map_err(fail)?;
                }
            }
        }
        check_claims(timeline.sim(), &step.claims).map_err(fail)?;
        self.ends.push(StepEnd { at: timeline.moment(), applied: timeline.applied() });
        self.shown = n;
        Ok(())
    }
}
