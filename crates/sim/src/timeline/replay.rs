//! Replaying recorded history: from a checkpoint (or from where the
//! timeline stands), process the same events and re-apply the same actions
//! at the same moments. The simulator is deterministic, so this rebuilds
//! exactly the state the run had.

use super::checkpoints::Checkpoint;
use super::moment::{Moment, Recorded};
use crate::world::Sim;
use raft::Time;

/// Where a replay stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Goal {
    /// Right after event `n`, with the actions recorded at that moment.
    Event(u64),
    /// The clock at this time: every recorded event at or before it (up to
    /// the branch's end) and every action recorded at or before it — what
    /// [`Sim::run_until`] would give.
    Time(Time),
    /// Exactly this recorded moment, with the actions recorded at it.
    At(Moment),
    /// Right before the branch's action `index`, at the moment `at` it was
    /// recorded (to undo a chosen event, which is an action, not an event).
    Before {
        /// The action's index in the branch.
        index: usize,
        /// Its moment.
        at: Moment,
    },
}

impl Goal {
    /// Does the branch's action `index`, recorded at `action` (at the
    /// cursor's event count), happen before the goal, when the cursor
    /// stands at `now`?
    fn admits(self, index: usize, action: Moment, now: Moment) -> bool {
        match self {
            Goal::Before { index: before, .. } => index < before,
            Goal::Event(n) => now.event < n || action.time <= now.time,
            Goal::Time(t) => action.time <= t,
            Goal::At(m) => action <= m,
        }
    }

    /// Is the goal reached at `now`, with the next event due at `next`, on
    /// a branch that recorded up to `end`?
    fn reached(self, now: Moment, next: Option<Time>, end: Moment) -> bool {
        match self {
            Goal::Event(n) => now.event == n,
            Goal::Time(t) => now.event == end.event || next.is_none_or(|n| n > t),
            Goal::At(m) | Goal::Before { at: m, .. } => now.event == m.event,
        }
    }

    /// Is the goal at or after `now`, so a replay can go on from there
    /// instead of from a checkpoint? `now_is_event` says the clock stands
    /// at the time of the last event.
    pub(super) fn not_before(self, now: Moment, now_is_event: bool) -> bool {
        match self {
            Goal::Event(n) => n > now.event || (n == now.event && now_is_event),
            Goal::Time(t) => t >= now.time,
            Goal::At(m) => m >= now,
            // Replayed from a checkpoint: the cursor may already be past
            // the action.
            Goal::Before { .. } => false,
        }
    }
}

/// The world at a recorded moment of a branch, and how far along that
/// branch's actions it is.
#[derive(Clone, Debug)]
pub(super) struct Cursor {
    pub(super) sim: Sim,
    /// Where it stands: `at.time == sim.now()`.
    pub(super) at: Moment,
    /// The time of event `at.event` (0 before the first).
    pub(super) event_time: Time,
    /// How many of the branch's actions are applied: those recorded at or
    /// before `at`.
    pub(super) applied: usize,
}

impl Cursor {
    /// The start of a run: no event yet, the clock where the world's
    /// making left it.
    pub(super) fn start(sim: Sim) -> Self {
        let now = sim.now();
        Cursor { sim, at: Moment { event: 0, time: now }, event_time: now, applied: 0 }
    }

    /// A copy of the world at `checkpoint`, on a branch with `actions`.
    pub(super) fn from_checkpoint(checkpoint: &Checkpoint, actions: &[Recorded]) -> Self {
        Cursor {
            sim: checkpoint.sim.clone(),
            at: checkpoint.at,
            event_time: checkpoint.at.time,
            // A checkpoint is taken right after its event, before the
            // actions recorded at that moment.
            applied: actions.partition_point(|r| r.at.event < checkpoint.at.event),
        }
    }

    /// Does the clock stand at the last event's time?
    pub(super) fn at_event(&self) -> bool {
        self.at.time == self.event_time
    }

    /// Process the next event, whenever it is; false if nothing is
    /// scheduled.
    pub(super) fn step_event(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        self.at = Moment { event: self.at.event + 1, time: self.sim.now() };
        self.event_time = self.at.time;
        true
    }

    /// Move the clock forward to `time` without processing an event. On
    /// recorded ground no event can be due before it (the run recorded no
    /// event there); if one is, the replay has diverged.
    pub(super) fn clock_to(&mut self, time: Time) -> Result<(), String> {
        if time <= self.at.time {
            return Ok(());
        }
        if let Some(next) = self.sim.next_event_time().filter(|&n| n <= time) {
            return Err(diverged(self.at, &format!("an event is due at {next} ms")));
        }
        self.sim.run_until(time);
        self.at.time = time;
        Ok(())
    }

    /// Replay a branch's recorded `actions` forward to `goal`, never past
    /// the branch's `end`. With `stop_at_violation`, stop right after an
    /// event that broke a safety property (with the actions recorded at
    /// that moment) and return its time.
    pub(super) fn replay(
        &mut self,
        actions: &[Recorded],
        end: Moment,
        mut goal: Goal,
        stop_at_violation: bool,
    ) -> Result<Option<Time>, String> {
        let known = self.sim.violations().len();
        let mut stopped = None;
        loop {
            while let Some(r) = actions
                .get(self.applied)
                .filter(|r| r.at.event == self.at.event && goal.admits(self.applied, r.at, self.at))
            {
                self.clock_to(r.at.time)?;
                self.sim.act(r.action.clone()).map_err(|e| diverged(self.at, &e))?;
                self.at.time = self.sim.now();
                self.applied += 1;
            }
            if goal.reached(self.at, self.sim.next_event_time(), end) {
                break;
            }
            if !self.step_event() {
                return Err(diverged(self.at, "nothing was scheduled"));
            }
            if stop_at_violation && stopped.is_none() && self.sim.violations().len() > known {
                stopped = Some(self.at.time);
                goal = Goal::Event(self.at.event);
            }
        }
        match goal {
            Goal::Time(t) => self.clock_to(t)?,
            Goal::At(m) | Goal::Before { at: m, .. } => self.clock_to(m.time)?,
            Goal::Event(_) => {}
        }
        Ok(stopped)
    }
}

/// The message for a replay that did not find what the run recorded: the
/// simulator was not deterministic, which is a bug.
fn diverged(at: Moment, what: &str) -> String {
    format!("replaying the recorded run went differently at {at} ({what}): the simulator is not deterministic")
}
