//! Moments of a run and the actions recorded at them.
//!
//! A run of the simulator is a sequence of events (a message delivered, a
//! timer fired, a client retrying) separated by actions a person took. A
//! moment names a point in that sequence by how many events had been
//! processed and what the virtual clock read; an action is recorded at the
//! moment it was taken, so a replay puts it back between the same two
//! events at the same time.

use crate::action::Action;
use raft::Time;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A point of a run: `event` events processed, the clock at `time`.
///
/// Along one branch both numbers only grow, so moments compare in the order
/// they happen (event count first, then time). The state "at" a moment
/// includes every action recorded at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moment {
    /// Events processed so far (0 before the first).
    pub event: u64,
    /// Virtual time, ms.
    pub time: Time,
}

impl Moment {
    /// The start of every run: no event yet, time 0.
    pub const START: Moment = Moment { event: 0, time: 0 };
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {} at {} ms", self.event, self.time)
    }
}

/// An action a person took, and when: after `at.event` events, at
/// `at.time`. The marks of the page's time strip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// When it was taken.
    pub at: Moment,
    /// What was done.
    pub action: Action,
}
