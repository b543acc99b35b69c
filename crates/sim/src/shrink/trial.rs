//! One try of a candidate: replay a fresh world with a list of placed
//! actions and watch for the property to break, a bounded number of
//! events at a time so the page can spread a try over frames.

use super::{Placed, Property};
use crate::config::SimConfig;
use crate::timeline::{Moment, Origin, Recorded};
use crate::world::Sim;
use raft::Time;

/// What a finished try found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The property broke (first of all properties) at this moment, by
    /// the time limit; what exactly is wrong, in words.
    Broke(Moment, String),
    /// It did not: nothing broke by the limit, or another property broke
    /// first.
    Held,
}

/// A replay in progress.
#[derive(Clone, Debug)]
pub(super) struct Trial {
    sim: Sim,
    actions: Vec<Placed>,
    /// The next action to take.
    next: usize,
    /// Events processed so far.
    events: u64,
    /// Events processed at the clock's current time.
    at_now: u32,
    /// The actions the world accepted, at the moments they were taken.
    pub(super) taken: Vec<Recorded>,
    /// Which of `actions` the world accepted (a refused one changed
    /// nothing, so it is left out of the result).
    pub(super) accepted: Vec<usize>,
    /// Operations completed when the history was last checked.
    completed: usize,
    /// Latest virtual time the property may break at.
    limit: Time,
    /// Most events the try may take (a guard against a world that keeps
    /// busy without the clock moving).
    max_events: u64,
    /// For the first replay of a recorded run: the event count each action
    /// was recorded at (followed exactly; each action's rank is then
    /// measured). Empty for a candidate, which goes by time and rank.
    exact: Vec<u64>,
}

impl Trial {
    /// A try of `actions` (in order, times not decreasing) in the world
    /// `origin` makes from `config`.
    pub(super) fn new(
        origin: &Origin,
        config: &SimConfig,
        actions: Vec<Placed>,
        limit: Time,
        max_events: u64,
    ) -> Result<Trial, String> {
        Ok(Trial {
            sim: origin.build(config.clone())?,
            actions,
            next: 0,
            events: 0,
            at_now: 0,
            taken: Vec::new(),
            accepted: Vec::new(),
            completed: 0,
            limit,
            max_events,
            exact: Vec::new(),
        })
    }

    /// The first replay of a recorded run: each action after exactly the
    /// number of events it was recorded after; the ranks in `actions` are
    /// measured on the way ([`Trial::placed`]).
    pub(super) fn exact(
        origin: &Origin,
        config: &SimConfig,
        recorded: &[Recorded],
        limit: Time,
        max_events: u64,
    ) -> Result<Trial, String> {
        let actions = recorded
            .iter()
            .map(|r| Placed { time: r.at.time, rank: 0, action: r.action.clone() })
            .collect();
        let mut trial = Trial::new(origin, config, actions, limit, max_events)?;
        trial.exact = recorded.iter().map(|r| r.at.event).collect();
        Ok(trial)
    }

    /// The accepted actions as placed (by time and rank).
    pub(super) fn placed(&self) -> Vec<Placed> {
        self.accepted.iter().map(|&i| self.actions[i].clone()).collect()
    }

    fn moment(&self) -> Moment {
        Moment { event: self.events, time: self.sim.now() }
    }

    /// Is the next action due before the next event? An action placed
    /// with rank `k > 0` comes after the first `k` events at its time,
    /// one with rank 0 after every event at or before its time.
    fn action_due(&self, next_event: Option<Time>) -> Option<usize> {
        let p = self.actions.get(self.next)?;
        if let Some(&event) = self.exact.get(self.next) {
            return (self.events >= event).then_some(self.next);
        }
        let due = match next_event {
            None => true,
            Some(t) if t > p.time => true,
            Some(t) if t == p.time => p.rank > 0 && self.sim.now() == t && self.at_now >= p.rank,
            Some(_) => false,
        };
        (due && p.time <= self.limit).then_some(self.next)
    }

    /// Go on for at most `*budget` events (spent from it); `None` if the
    /// try is not finished.
    pub(super) fn advance(&mut self, property: &Property, budget: &mut u64) -> Option<Verdict> {
        loop {
            if let Some(verdict) = self.look(property) {
                return Some(verdict);
            }
            let next_event = self.sim.next_event_time();
            if let Some(i) = self.action_due(next_event) {
                let p = &self.actions[i];
                // The clock moves on only when no event is due by the
                // action's time (checked above; a recorded run has none).
                if self.sim.now() < p.time {
                    self.sim.run_until(p.time);
                    self.at_now = 0;
                }
                if !self.exact.is_empty() {
                    self.actions[i].rank = self.at_now;
                }
                let p = &self.actions[i];
                let at = self.moment();
                if self.sim.act(p.action.clone()).is_ok() {
                    self.taken.push(Recorded { at, action: p.action.clone() });
                    self.accepted.push(i);
                }
                self.next += 1;
                continue;
            }
            match next_event {
                Some(t) if t <= self.limit && self.events < self.max_events => {}
                _ => return Some(Verdict::Held),
            }
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            let before = self.sim.now();
            self.sim.step();
            self.events += 1;
            self.at_now = if self.sim.now() == before { self.at_now + 1 } else { 1 };
        }
    }

    /// Has a property broken? The try ends at the first one.
    fn look(&mut self, property: &Property) -> Option<Verdict> {
        if let Some(v) = self.sim.violations().first() {
            let same = matches!(property, Property::Safety(i) if *i == v.invariant);
            return Some(if same {
                Verdict::Broke(self.moment(), v.detail.clone())
            } else {
                Verdict::Held
            });
        }
        let history = self.sim.history();
        if history.completed() > self.completed {
            self.completed = history.completed();
            if let Some(why) = property.history_broken(history) {
                return Some(Verdict::Broke(self.moment(), why));
            }
        }
        None
    }
}
