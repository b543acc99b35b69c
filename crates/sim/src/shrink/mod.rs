//! Shrinking a counterexample: given a run that breaks a property of Raft
//! (a swarm seed's faults, a person's actions), find a shorter run that
//! breaks the same property — fewer actions, fewer events before it
//! breaks — so a person can follow the failure step by step.
//!
//! 1. The recorded run is replayed once, exactly as recorded, to find
//!    where the property breaks; each action is then placed by virtual
//!    time and *rank* (how many events at that time came before it), so
//!    that it still has a place when the actions around it are gone.
//! 2. Delta debugging (`ddmin`) drops chunks of actions, then single
//!    actions, keeping a smaller list whenever its replay still breaks the
//!    same property — and breaks it no later than the shortest run so far.
//! 3. Each remaining action is tried earlier (right after the one before
//!    it, or halfway there): the failure then comes sooner. Single
//!    removals are tried again after a move, a few rounds at most.
//!
//! The result ends right at the violation; it is 1-minimal (no single
//! action can go). Every try is a replay of a deterministic world, so the
//! shrinker is deterministic too, and its work is bounded
//! ([`MAX_TRIES`] replays of at most the original run's length each).
//! [`Shrinker::step`] does a slice of that work, for the page.

mod ddmin;
mod search;
#[cfg(test)]
mod tests;
mod trial;

pub use search::{Progress, Search, SearchStage, ShrinkProgress};

use crate::action::Action;
use crate::checker::Invariant;
use crate::config::SimConfig;
use crate::share::{RunRecord, VERSION};
use crate::swarm::HistoryCheck;
use crate::timeline::{Moment, Origin, Recorded};
use ddmin::Ddmin;
use raft::Time;
use trial::{Trial, Verdict};

/// Most replays one shrink tries.
pub const MAX_TRIES: u32 = 3_000;
/// Rounds of moving actions earlier, each followed by single removals.
const MOVE_ROUNDS: u32 = 3;

/// The property a counterexample breaks, which its shrunk run must break
/// too.
#[derive(Clone, Copy, Debug)]
pub enum Property {
    /// A safety property of Figure 3, checked after every event; it must
    /// be the first one to break.
    Safety(Invariant),
    /// The client history must stay linearizable (§8 of the paper: reads
    /// must not return stale data); checked each time an operation
    /// completes, by this check of the history.
    Linearizability(HistoryCheck),
}

impl Property {
    /// The property's name, for the page and the figures.
    pub fn name(&self) -> &'static str {
        match self {
            Property::Safety(i) => i.name(),
            Property::Linearizability(_) => "Linearizability",
        }
    }

    /// How the client history `h` breaks it, if it does.
    fn history_broken(&self, h: &crate::client::History) -> Option<String> {
        match self {
            Property::Linearizability(check) => check(h).err(),
            Property::Safety(_) => None,
        }
    }
}

/// The history check of the page and the shrinker: `Err` names the
/// operations that cannot be ordered ([`crate::linearizability`], per key).
pub fn linearizable(history: &crate::client::History) -> Result<(), String> {
    use crate::linearizability::{check, Verdict};
    match check(history)? {
        Verdict::Linearizable => Ok(()),
        Verdict::NotLinearizable(c) => Err(c.describe(history)),
    }
}

/// An action of a run being shrunk, placed by virtual time rather than by
/// event count (which changes as soon as another action goes).
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// When it is taken, ms.
    pub time: Time,
    /// After how many of the events at `time`; 0: after every event at or
    /// before `time` (where the swarm's timed faults strike).
    pub rank: u32,
    /// What is done.
    pub action: Action,
}

/// What the shrinker is doing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stage {
    /// Replaying the run as recorded, to find where it breaks.
    Replaying,
    /// Dropping chunks of actions, then single actions.
    Removing,
    /// Trying actions earlier.
    Moving,
    /// Finished: the shortest run is [`Shrinker::record`].
    Done,
}

/// A run's size: events processed up to the violation, actions taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Size {
    /// Events processed when the property broke.
    pub events: u64,
    /// Actions taken before it broke.
    pub actions: usize,
}

/// The shortest failing run found so far.
#[derive(Clone, Debug)]
struct Best {
    placed: Vec<Placed>,
    taken: Vec<Recorded>,
    broke: Moment,
    /// What exactly is wrong at `broke`, in words.
    why: String,
}

/// What is being tried now.
#[derive(Clone, Debug)]
struct Attempt {
    trial: Trial,
    /// For a move: which action went where (kept if the try fails, to
    /// try the next place).
    moved: Option<(usize, u8)>,
}

/// A shrink in progress: [`Shrinker::step`] it until [`Stage::Done`].
#[derive(Clone, Debug)]
pub struct Shrinker {
    origin: Origin,
    config: SimConfig,
    property: Property,
    stage: Stage,
    original: Size,
    best: Option<Best>,
    attempt: Option<Attempt>,
    ddmin: Ddmin,
    /// For [`Stage::Moving`]: the action tried earlier now, and which of
    /// its places.
    moving: (usize, u8),
    /// Whether this round of moves moved anything.
    moved_any: bool,
    rounds: u32,
    tries: u32,
    max_events: u64,
}

impl Shrinker {
    /// Start shrinking `record`, a run that breaks `property` by its end.
    pub fn new(record: &RunRecord, property: Property) -> Result<Shrinker, String> {
        record.validate()?;
        let max_events = 2 * record.end.event + 10_000;
        let trial = Trial::exact(
            &record.origin,
            &record.config,
            &record.actions,
            record.end.time,
            max_events,
        )?;
        Ok(Shrinker {
            origin: record.origin.clone(),
            config: record.config.clone(),
            property,
            stage: Stage::Replaying,
            original: Size::default(),
            best: None,
            attempt: Some(Attempt { trial, moved: None }),
            ddmin: Ddmin::new(0),
            moving: (0, 0),
            moved_any: false,
            rounds: 0,
            tries: 0,
            max_events,
        })
    }

    /// What it is doing.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// The property being kept broken.
    pub fn property(&self) -> Property {
        self.property
    }

    /// How long the recorded run was up to the violation (known once the
    /// first replay is done).
    pub fn original(&self) -> Size {
        self.original
    }

    /// How long the shortest failing run found so far is.
    pub fn current(&self) -> Size {
        self.best
            .as_ref()
            .map_or(Size::default(), |b| Size { events: b.broke.event, actions: b.taken.len() })
    }

    /// How the shortest run so far breaks the property, in words (empty
    /// before the first replay is done).
    pub fn why(&self) -> &str {
        self.best.as_ref().map_or("", |b| &b.why)
    }

    /// How many replays it has tried.
    pub fn tries(&self) -> u32 {
        self.tries
    }

    /// The shortest failing run found so far, as a shared run that ends,
    /// and is shown, at the moment the property breaks (`None` before the
    /// first replay is done).
    pub fn record(&self) -> Option<RunRecord> {
        let best = self.best.as_ref()?;
        Some(RunRecord {
            version: VERSION,
            config: self.config.clone(),
            actions: best.taken.clone(),
            at: best.broke,
            end: best.broke,
            origin: self.origin.clone(),
        })
    }

    /// Work for at most `budget` events of replay. `Err` if the recorded
    /// run does not break the property when replayed.
    pub fn step(&mut self, mut budget: u64) -> Result<&Stage, String> {
        while self.stage != Stage::Done && budget > 0 {
            let Some(attempt) = self.attempt.as_mut() else {
                self.next_attempt()?;
                continue;
            };
            let Some(verdict) = attempt.trial.advance(&self.property, &mut budget) else {
                break;
            };
            let attempt = self.attempt.take().expect("an attempt is under way");
            self.tries += 1;
            self.judge(attempt, verdict)?;
        }
        Ok(&self.stage)
    }

    /// Take in the verdict of a try.
    fn judge(&mut self, attempt: Attempt, verdict: Verdict) -> Result<(), String> {
        let broke = match verdict {
            Verdict::Broke(at, why) => Some((at, why)),
            Verdict::Held => None,
        };
        if self.stage == Stage::Replaying {
            let Some(broke) = broke else {
                return Err(format!(
                    "replayed, the run does not break {} by its end: there is nothing to shrink",
                    self.property.name()
                ));
            };
            self.keep(attempt.trial, broke);
            self.original = self.current();
            self.stage = Stage::Removing;
            self.ddmin = Ddmin::new(self.original.actions);
            return Ok(());
        }
        let len = self.best.as_ref().map_or(0, |b| b.placed.len());
        match (broke, attempt.moved) {
            (Some(at), None) => {
                self.keep(attempt.trial, at);
                let len = self.best.as_ref().map_or(0, |b| b.placed.len());
                self.ddmin.kept(len);
            }
            (None, None) => self.ddmin.rejected(len),
            (Some(at), Some((index, _))) => {
                self.keep(attempt.trial, at);
                self.moved_any = true;
                self.moving = (index + 1, 0);
            }
            (None, Some((index, place))) => self.moving = (index, place + 1),
        }
        Ok(())
    }

    /// The try broke the property no later than the best so far: it is
    /// the best now.
    fn keep(&mut self, trial: Trial, (broke, why): (Moment, String)) {
        let (placed, taken) = (trial.placed(), trial.taken);
        self.best = Some(Best { placed, taken, broke, why });
    }

    /// Start the next try, or move on to the next stage.
    fn next_attempt(&mut self) -> Result<(), String> {
        let best = self.best.clone().expect("the first replay found the violation");
        if self.tries >= MAX_TRIES {
            self.stage = Stage::Done;
            return Ok(());
        }
        let candidate = match self.stage {
            Stage::Removing => match self.ddmin.candidate(best.placed.len()) {
                Some(keep) => Some((keep.iter().map(|&i| best.placed[i].clone()).collect(), None)),
                None => {
                    self.start_moving();
                    None
                }
            },
            Stage::Moving => match earlier(&best.placed, self.moving) {
                Some(placed) => Some((placed, Some(self.moving))),
                None if self.moving.0 < best.placed.len() => {
                    self.moving = (self.moving.0 + 1, 0);
                    None
                }
                None => {
                    self.end_round();
                    None
                }
            },
            Stage::Replaying | Stage::Done => None,
        };
        if let Some((placed, moved)) = candidate {
            let limit = self.best.as_ref().map_or(0, |b| b.broke.time);
            let trial = Trial::new(&self.origin, &self.config, placed, limit, self.max_events)?;
            self.attempt = Some(Attempt { trial, moved });
        }
        Ok(())
    }

    fn start_moving(&mut self) {
        if self.rounds >= MOVE_ROUNDS {
            self.stage = Stage::Done;
            return;
        }
        self.rounds += 1;
        self.stage = Stage::Moving;
        self.moving = (0, 0);
        self.moved_any = false;
    }

    /// Every action was tried earlier: if one moved, single removals may
    /// work again.
    fn end_round(&mut self) {
        if !self.moved_any {
            self.stage = Stage::Done;
            return;
        }
        let len = self.best.as_ref().map_or(0, |b| b.placed.len());
        self.ddmin = Ddmin::singles(len);
        self.stage = Stage::Removing;
    }
}

/// The list with action `index` moved to its `place`-th earlier place:
/// 0 right after the action before it, 1 halfway back to there. `None`
/// if there is no such place (or it is where the action already is).
fn earlier(placed: &[Placed], (index, place): (usize, u8)) -> Option<Vec<Placed>> {
    let this = placed.get(index)?;
    let (time, rank) = match index.checked_sub(1) {
        Some(i) => (placed[i].time, placed[i].rank),
        None => (0, 0),
    };
    let to = match place {
        0 => Placed { time, rank, action: this.action.clone() },
        1 => Placed { time: time + (this.time - time) / 2, rank: 0, action: this.action.clone() },
        _ => return None,
    };
    if (to.time, to.rank) == (this.time, this.rank) || (place == 1 && to.time <= time) {
        return None;
    }
    let mut moved = placed.to_vec();
    moved[index] = to;
    Some(moved)
}
