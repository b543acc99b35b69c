//! Time travel: a run that can be rewound, replayed and forked.
//!
//! A [`Timeline`] owns the current [`Sim`] and records what is needed to
//! rebuild any earlier moment of it: the actions a person took, each at the
//! [`Moment`] it was taken (how many events had been processed, and the
//! virtual time), and [checkpoints](Spacing) — whole copies of the world
//! taken every so many events while the run goes forward. Seeking back
//! restores the nearest checkpoint at or before the target and replays the
//! same events and actions up to it; the simulator is deterministic, so the
//! state is exactly the one the run had. Playing forward from the end runs
//! the simulator on (live) and never re-simulates.
//!
//! Acting while looking at the past does not rewrite history: it starts a
//! new [`Branch`] from that moment and the abandoned future stays, so the
//! timeline holds a tree of futures, each with its parent and fork point,
//! and can switch back to any of them.
//!
//! # What it costs
//!
//! A seek costs one copy of a checkpoint plus the replay of the events
//! between it and the target (at most [`Spacing::every`] near the present,
//! at most [`Spacing::longest`] further back); playing forward costs
//! nothing extra. Memory is the running world, the recorded actions and
//! the checkpoints: at most [`Spacing::max_checkpoints`] per branch, each
//! a whole [`Sim`], and at most [`Spacing::budget`] bytes in all (by
//! [`Timeline::bytes_held`], an estimate that stays a few percent above
//! the real bytes: `tests/timeline_memory.rs` checks it with a counting
//! allocator). `timeline-bench` measures both.
//!
//! Copies are cheap because they share: logs, the safety checker's
//! per-entry records, the client history and queues keep their items in
//! sealed chunks behind `Arc` (see [`raft::Chunked`]), so a copy copies
//! chunk pointers and each list's short tail, and a chunk shared by
//! several copies of a branch is counted once. What a checkpoint owns
//! alone is mostly those pointer lists (16 bytes per 64 items per list,
//! growing with the session), the 400 recent trace entries and each
//! server's key-value store: 0.2 MB at a put every 100 ms, 0.4 MB at a put
//! every 10 ms, after 10 minutes.

mod branch;
mod checkpoints;
mod footprint;
pub mod heap;
mod marks;
mod moment;
mod origin;
mod record;
mod replay;
#[cfg(test)]
mod tests;

pub use branch::{Arrival, Branch, BranchId};
pub use checkpoints::{Spacing, DEFAULT_BUDGET};
pub use footprint::footprint;
pub use marks::{Mark, MarkKind, Marks, TermBand, MAX_CLIENT_MARKS};
pub use moment::{Moment, Recorded};
pub use origin::Origin;

use crate::action::Action;
use crate::config::SimConfig;
use crate::world::Sim;
use checkpoints::{Checkpoint, Checkpoints};
use raft::Time;
use replay::{Cursor, Goal};
use std::cell::Cell;
use std::mem::size_of;

/// Heap bytes of a typical recorded action besides its inline size (a
/// Put's key and value).
const ACTION_HEAP: usize = 32;

/// A rewindable, forkable run of the simulator.
#[derive(Clone, Debug)]
pub struct Timeline {
    cursor: Cursor,
    /// How the world was made before the first event.
    origin: Origin,
    branch: BranchId,
    branches: Vec<Branch>,
    /// The time strip's marks of each branch, by id.
    marks: Vec<Marks>,
    spacing: Spacing,
    /// How many times a checkpoint was copied to replay from.
    restores: Cell<u64>,
    /// How many recorded events were processed again, in all.
    replayed_events: Cell<u64>,
}

impl Timeline {
    /// A fresh cluster at the start of its first branch, with the default
    /// checkpoint [`Spacing`].
    pub fn new(config: SimConfig) -> Result<Self, String> {
        Self::with_spacing(config, Spacing::default())
    }

    /// A fresh cluster whose checkpoints follow `spacing`.
    pub fn with_spacing(config: SimConfig, spacing: Spacing) -> Result<Self, String> {
        Self::begin(Origin::Fresh, config, spacing)
    }

    /// A run whose world `origin` makes with `config`, with the default
    /// checkpoint [`Spacing`]. A ready-made situation's run begins at the
    /// virtual time its set-up reached, with no event counted yet: its
    /// moments before that are not part of the run.
    pub fn from_origin(origin: Origin, config: SimConfig) -> Result<Self, String> {
        Self::begin(origin, config, Spacing::default())
    }

    fn begin(origin: Origin, config: SimConfig, spacing: Spacing) -> Result<Self, String> {
        spacing.validate()?;
        let sim = origin.build(config)?;
        let start = Moment { event: 0, time: sim.now() };
        let mut checkpoints = Checkpoints::default();
        checkpoints.push(Checkpoint::new(start, sim.clone()), spacing);
        let first = Branch {
            id: BranchId(0),
            parent: None,
            fork: start,
            actions: Vec::new(),
            inherited: 0,
            checkpoints,
            end: start,
        };
        Ok(Timeline {
            cursor: Cursor::start(sim),
            origin,
            branch: first.id,
            branches: vec![first],
            marks: vec![Marks::default()],
            spacing,
            restores: Cell::new(0),
            replayed_events: Cell::new(0),
        })
    }

    // ----- reading -----

    /// The world at the current moment.
    pub fn sim(&self) -> &Sim {
        &self.cursor.sim
    }

    /// The current moment: events processed and virtual time.
    pub fn moment(&self) -> Moment {
        self.cursor.at
    }

    /// The branch being looked at.
    pub fn branch(&self) -> &Branch {
        &self.branches[self.branch.0 as usize]
    }

    /// Every branch, by id (the first run is branch 0).
    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    /// How the run's world was made before its first event.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The run's first moment: no event yet, at time 0 for a fresh cluster
    /// or where a ready-made situation's set-up left the clock.
    pub fn start(&self) -> Moment {
        self.branches[0].fork
    }

    /// The latest moment recorded on the current branch: the page's time
    /// range runs from `start().time` to `end().time`.
    pub fn end(&self) -> Moment {
        self.branch().end
    }

    /// Is the current moment the end of its branch, so that acting extends
    /// it instead of forking?
    pub fn is_live(&self) -> bool {
        self.cursor.at == self.end()
    }

    /// The actions taken on the current branch, oldest first, with when
    /// they were taken (the time strip's marks).
    pub fn actions(&self) -> &[Recorded] {
        &self.branch().actions
    }

    /// What happened along the current branch, for the time strip: term
    /// bands, elections, crashes, network changes, client operations and
    /// broken safety properties, from the start to its end.
    pub fn marks(&self) -> &Marks {
        &self.marks[self.branch.0 as usize]
    }

    /// The marks of branch `id`, if there is one.
    pub fn marks_of(&self, id: BranchId) -> Option<&Marks> {
        self.marks.get(id.0 as usize)
    }

    /// How many of the current branch's actions the current moment
    /// includes (those taken at or before it).
    pub fn applied(&self) -> usize {
        self.cursor.applied
    }

    /// The checkpoint settings.
    pub fn spacing(&self) -> Spacing {
        self.spacing
    }

    /// How many checkpoints all branches hold.
    pub fn checkpoint_count(&self) -> usize {
        self.branches.iter().map(|b| b.checkpoints.len()).sum()
    }

    /// How many times a checkpoint has been copied to replay from: seeking
    /// back does it, playing forward never does.
    pub fn restores(&self) -> u64 {
        self.restores.get()
    }

    /// How many recorded events have been processed again, by seeks and
    /// steps through recorded history, in all: what moving through the
    /// past costs (a live step is not counted).
    pub fn events_replayed(&self) -> u64 {
        self.replayed_events.get()
    }

    /// Estimated bytes the checkpoints of all branches hold (by
    /// [`footprint`]).
    pub fn checkpoint_bytes(&self) -> usize {
        self.branches.iter().map(|b| b.checkpoints.bytes()).sum()
    }

    /// Estimated bytes held: every checkpoint and the current world (by
    /// [`footprint`], a chunk the world shares with its branch's
    /// checkpoints counted once) plus the recorded actions — what
    /// [`Spacing::budget`] bounds.
    pub fn bytes_held(&self) -> usize {
        let world = self.branch().checkpoints.beyond(&footprint::memory(&self.cursor.sim));
        self.checkpoint_bytes() + world + self.records_bytes()
    }

    /// Estimated bytes of the branches' own records: their actions and
    /// bookkeeping.
    fn records_bytes(&self) -> usize {
        let actions: usize = self.branches.iter().map(|b| b.actions.len()).sum();
        actions * (size_of::<Recorded>() + ACTION_HEAP) + self.branches.len() * size_of::<Branch>()
    }

    /// The virtual time of event `n` of the current branch (0 for event 0,
    /// the start), found by replaying on the side: the current moment does
    /// not change.
    pub fn event_time(&self, n: u64) -> Result<Time, String> {
        self.check_event(n)?;
        if n == self.cursor.at.event {
            return Ok(self.cursor.event_time);
        }
        Ok(self.replayed(Goal::Event(n), false)?.0.event_time)
    }

    // ----- moving through recorded history -----

    /// Go to virtual time `time` of the current branch,
    /// `start().time..=end().time` (earlier is the start): the state after
    /// every event at or before it and every action taken at or before it,
    /// as [`Sim::run_until`] would leave it.
    pub fn seek(&mut self, time: Time) -> Result<(), String> {
        let time = time.max(self.start().time);
        let end = self.end();
        if time > end.time {
            return Err(format!(
                "{time} ms is after the end of {} ({} ms): play forward to go further",
                self.branch, end.time
            ));
        }
        self.go(Goal::Time(time))
    }

    /// Go to the moment right after event `n` of the current branch,
    /// `0..=end().event` (0 is the start), with the actions taken at that
    /// same moment.
    pub fn seek_event(&mut self, n: u64) -> Result<(), String> {
        self.check_event(n)?;
        self.go(Goal::Event(n))
    }

    /// Go to exactly moment `at` of the current branch with exactly the
    /// first `applied` of its actions taken — the state a person saw there
    /// before taking the next one (a tour's step ends at the moment the
    /// next step's actions are recorded). `at` and `applied` are what
    /// [`Timeline::moment`] and [`Timeline::applied`] said then.
    pub fn seek_to(&mut self, at: Moment, applied: usize) -> Result<(), String> {
        self.check_event(at.event)?;
        let branch = self.branch;
        let not_a_moment =
            || format!("{at} with {applied} actions taken is not a moment of {branch}");
        let goal = match self.branch().actions.get(applied) {
            Some(next) if next.at == at => Goal::Before { index: applied, at },
            Some(next) if next.at < at => return Err(not_a_moment()),
            _ => Goal::At(at),
        };
        self.go(goal)?;
        if self.cursor.at != at || self.cursor.applied != applied {
            return Err(not_a_moment());
        }
        Ok(())
    }

    /// Go back one event: to the last event's moment if the clock has moved
    /// on since it, else to the event before. A chosen event
    /// ([`Action::Fire`]) taken since the last event is undone first: the
    /// world goes back to right before it.
    pub fn step_back(&mut self) -> Result<(), String> {
        let at = self.cursor.at;
        if let Some(index) = self.cursor.applied.checked_sub(1) {
            let r = &self.branch().actions[index];
            if r.at.event == at.event && matches!(r.action, Action::Fire(_)) {
                let at = r.at;
                return self.go(Goal::Before { index, at });
            }
        }
        if !self.cursor.at_event() {
            return self.go(Goal::Event(at.event));
        }
        match at.event.checked_sub(1) {
            Some(n) => self.go(Goal::Event(n)),
            None => Err("this is the start of the run: there is nothing before it".into()),
        }
    }

    /// Go forward one event: replayed if the branch has recorded it, else
    /// run live (which extends the branch). Fails, after reaching the end,
    /// if nothing at all is scheduled.
    pub fn step(&mut self) -> Result<(), String> {
        let end = self.end();
        if self.cursor.at.event < end.event {
            return self.go(Goal::Event(self.cursor.at.event + 1));
        }
        self.go(Goal::At(end))?;
        if self.live_step() {
            Ok(())
        } else {
            Err("nothing is scheduled: every server is down and nothing is in flight".into())
        }
    }

    /// Play forward to `time` (not before now): through the branch's
    /// recorded future, re-applying its actions, then live past its end.
    pub fn run_until(&mut self, time: Time) -> Result<(), String> {
        self.play(time, false).map(|_| ())
    }

    /// Like [`Timeline::run_until`], but stop right after an event that
    /// broke a safety property and return its time, as
    /// [`Sim::run_until_violation`] does.
    pub fn run_until_violation(&mut self, time: Time) -> Result<Option<Time>, String> {
        self.play(time, true)
    }

    // ----- changing history -----

    /// Do something to the world at the current moment. At the end of the
    /// branch it is recorded there; in the past it starts a new branch
    /// from this moment (returned), keeping the old future. A refused
    /// action changes nothing.
    pub fn act(&mut self, action: Action) -> Result<Option<BranchId>, String> {
        let trace_before = self.cursor.sim.trace().len();
        if let Err(e) = self.cursor.sim.act(action.clone()) {
            // The simulator refuses most actions before touching anything;
            // a few it refuses after narrating them: rebuild the moment.
            if self.cursor.sim.trace().len() != trace_before {
                self.cursor = self.replayed(Goal::At(self.cursor.at), false)?.0;
            }
            return Err(e);
        }
        let at = self.cursor.at;
        let live = at == self.end();
        // Firing a chosen event moves the clock (to the earliest scheduled
        // time): the moment after the action is later than the one it was
        // taken at.
        self.cursor.at.time = self.cursor.sim.now();
        let mut marks = if live {
            std::mem::take(&mut self.marks[self.branch.0 as usize])
        } else {
            self.marks().until(trace_before)
        };
        marks.network(&action, &self.cursor.sim);
        marks.record(&self.cursor.sim);
        let recorded = Recorded { at, action };
        let applied = self.cursor.applied;
        self.cursor.applied += 1;
        if live {
            let b = &mut self.branches[self.branch.0 as usize];
            b.actions.push(recorded);
            b.end = self.cursor.at;
            self.marks[self.branch.0 as usize] = marks;
            return Ok(None);
        }
        let id = BranchId(self.branches.len() as u32);
        let mut actions = self.branch().actions[..applied].to_vec();
        actions.push(recorded);
        self.branches.push(Branch {
            id,
            parent: Some(self.branch),
            fork: at,
            actions,
            inherited: applied,
            checkpoints: Checkpoints::default(),
            end: self.cursor.at,
        });
        self.marks.push(marks);
        self.branch = id;
        Ok(Some(id))
    }

    /// Look at another branch ("back to the other future"), at the same
    /// virtual time or at its end.
    pub fn switch_branch(&mut self, id: BranchId, arrival: Arrival) -> Result<(), String> {
        let Some(target) = self.branches.get(id.0 as usize) else {
            return Err(format!(
                "there is no {id}: the branches are 0 to {}",
                self.branches.len() - 1
            ));
        };
        let goal = match arrival {
            Arrival::End => Goal::At(target.end),
            Arrival::SameTime => {
                let now = self.cursor.at.time;
                if now > target.end.time {
                    return Err(format!(
                        "{id} ends at {} ms, before now ({now} ms): switch to its end instead",
                        target.end.time
                    ));
                }
                Goal::Time(now)
            }
        };
        let before = self.branch;
        self.branch = id;
        match self.replayed(goal, false) {
            Ok((cursor, _)) => {
                self.cursor = cursor;
                Ok(())
            }
            Err(e) => {
                self.branch = before;
                Err(e)
            }
        }
    }

    // ----- inside -----

    fn check_event(&self, n: u64) -> Result<(), String> {
        let end = self.end();
        if n > end.event {
            return Err(format!(
                "event {n} is after the end of {} (event {}): play forward to go further",
                self.branch, end.event
            ));
        }
        Ok(())
    }

    /// Move to a recorded `goal` of the current branch: on from the current
    /// moment if the goal is ahead and no checkpoint is closer, else from
    /// the nearest checkpoint before it.
    fn go(&mut self, goal: Goal) -> Result<(), String> {
        let checkpoint = self.checkpoint_before(goal);
        let ahead = goal.not_before(self.cursor.at, self.cursor.at_event());
        if ahead && checkpoint.at <= self.cursor.at {
            let b = &self.branches[self.branch.0 as usize];
            let from = self.cursor.at.event;
            self.cursor.replay(&b.actions, b.end, goal, false)?;
            self.count_replayed(from, self.cursor.at.event);
        } else {
            self.cursor = self.replayed(goal, false)?.0;
        }
        Ok(())
    }

    /// A new cursor at `goal` of the current branch, replayed from the
    /// nearest checkpoint before it.
    fn replayed(
        &self,
        goal: Goal,
        stop_at_violation: bool,
    ) -> Result<(Cursor, Option<Time>), String> {
        let b = self.branch();
        self.restores.set(self.restores.get() + 1);
        let mut cursor = Cursor::from_checkpoint(self.checkpoint_before(goal), &b.actions);
        let from = cursor.at.event;
        let stopped = cursor.replay(&b.actions, b.end, goal, stop_at_violation)?;
        self.count_replayed(from, cursor.at.event);
        Ok((cursor, stopped))
    }

    /// Count the recorded events from `from` to `to` as replayed.
    fn count_replayed(&self, from: u64, to: u64) {
        self.replayed_events.set(self.replayed_events.get() + to - from);
    }

    /// The latest checkpoint of the current branch at or before `goal`:
    /// its own after its fork point, else its ancestors' before it.
    fn checkpoint_before(&self, goal: Goal) -> &Checkpoint {
        let (mut event, time) = match goal {
            Goal::Event(n) => (n, Time::MAX),
            Goal::Time(t) => (u64::MAX, t),
            Goal::At(m) | Goal::Before { at: m, .. } => (m.event, m.time),
        };
        let mut b = self.branch();
        loop {
            if let Some(c) = b.checkpoints.latest(event, time) {
                return c;
            }
            event = event.min(b.fork.event);
            let parent = b.parent.expect("the first branch keeps its checkpoint at the start");
            b = &self.branches[parent.0 as usize];
        }
    }

    /// Process the next event live, at the end of the branch, and take a
    /// checkpoint if it is one's place.
    fn live_step(&mut self) -> bool {
        if !self.cursor.step_event() {
            return false;
        }
        let at = self.cursor.at;
        self.marks[self.branch.0 as usize].record(&self.cursor.sim);
        let b = &mut self.branches[self.branch.0 as usize];
        b.end = at;
        if self.spacing.is_slot(at.event) {
            b.checkpoints.push(Checkpoint::new(at, self.cursor.sim.clone()), self.spacing);
            if let Some(budget) = self.spacing.budget {
                // The running world is a copy of the newest checkpoint.
                let world = self.branch().checkpoints.newest_own();
                self.keep_within(budget.saturating_sub(world + self.records_bytes()));
            }
        }
        true
    }

    /// Drop checkpoints, the one leaving the shortest gap first, until all
    /// of them hold at most `budget` bytes or only the protected ones are
    /// left.
    fn keep_within(&mut self, budget: usize) {
        let mut held = self.checkpoint_bytes();
        while held > budget {
            let shortest = self
                .branches
                .iter()
                .enumerate()
                .flat_map(|(k, b)| {
                    b.checkpoints.merged_gaps(b.fork.event).map(move |(i, gap)| (gap, k, i))
                })
                .min();
            let Some((_, k, i)) = shortest else { return };
            let before = self.branches[k].checkpoints.bytes();
            self.branches[k].checkpoints.remove(i);
            held -= before - self.branches[k].checkpoints.bytes();
        }
    }

    fn play(&mut self, time: Time, stop_at_violation: bool) -> Result<Option<Time>, String> {
        let now = self.cursor.at.time;
        if time < now {
            return Err(format!("{time} ms is before now ({now} ms): seek goes back"));
        }
        let end = self.end();
        let b = &self.branches[self.branch.0 as usize];
        let goal = if time <= end.time { Goal::Time(time) } else { Goal::At(end) };
        let from = self.cursor.at.event;
        let stopped = self.cursor.replay(&b.actions, b.end, goal, stop_at_violation)?;
        self.count_replayed(from, self.cursor.at.event);
        if let Some(t) = stopped {
            return Ok(Some(t));
        }
        if time <= end.time {
            return Ok(None);
        }
        let known = self.cursor.sim.violations().len();
        while self.cursor.sim.next_event_time().is_some_and(|t| t <= time) {
            self.live_step();
            if stop_at_violation && self.cursor.sim.violations().len() > known {
                return Ok(Some(self.cursor.at.time));
            }
        }
        self.cursor.clock_to(time)?;
        self.branches[self.branch.0 as usize].end = self.cursor.at;
        Ok(None)
    }
}
