//! The linearizability check of the history shown, run a slice per
//! animation frame ([`sim::linearizability::Checker`]) so a long search
//! never freezes the page. A history that changed (an operation invoked or
//! answered, a seek) starts a new check.

use sim::linearizability::{Checker, Step, Verdict};
use sim::History;
use std::rc::Rc;

/// Search steps per frame: about a millisecond of wasm.
const STEPS_PER_FRAME: u64 = 2_000;

/// Where the check of the history shown stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// Still searching.
    Checking,
    /// The answer.
    Done(Verdict),
    /// The history cannot be checked (this names why).
    Malformed(Rc<str>),
}

/// The check of the history shown.
pub struct HistoryCheck {
    /// The history checked: (operations, of which answered).
    seen: Option<(usize, usize)>,
    checker: Option<Checker>,
    /// Where it stands.
    pub state: CheckState,
}

impl Default for HistoryCheck {
    fn default() -> Self {
        HistoryCheck { seen: None, checker: None, state: CheckState::Checking }
    }
}

impl HistoryCheck {
    /// Check `history` if it is not the one being checked, taking the first
    /// slice now (most histories need no more).
    pub fn watch(&mut self, history: &History) {
        let seen = Some((history.ops.len(), history.completed()));
        if seen == self.seen {
            return;
        }
        self.seen = seen;
        self.state = CheckState::Checking;
        match Checker::new(history) {
            Ok(checker) => self.checker = Some(checker),
            Err(e) => {
                self.checker = None;
                self.state = CheckState::Malformed(e.into());
            }
        }
        self.advance();
    }

    /// Search one more slice; whether the check ended in it.
    pub fn advance(&mut self) -> bool {
        let Some(checker) = &mut self.checker else { return false };
        match checker.step(STEPS_PER_FRAME) {
            Step::Checking(_) => false,
            Step::Done(verdict) => {
                self.checker = None;
                self.state = CheckState::Done(verdict);
                true
            }
        }
    }
}
