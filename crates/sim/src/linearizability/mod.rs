//! Is the clients' history linearizable — could every operation have taken
//! effect at one instant between its invocation and its response, in an
//! order a single key-value store would explain? (Herlihy & Wing,
//! "Linearizability: A Correctness Condition for Concurrent Objects", 1990.)
//!
//! Linearizability is *local* (ibid., Theorem 1): a history is linearizable
//! iff its sub-history on each object is, and every key is an object here,
//! so each key is searched alone (`search`: Wing & Gong's algorithm with
//! Lowe's just-in-time linearization and Porcupine's memo). An operation
//! that never returned may take effect at any point after its invocation,
//! or never; a Get that never returned constrains nothing and is left out.
//!
//! [`Checker`] runs in slices of a step budget, so the page can check a
//! history a few milliseconds per frame; [`check`] runs it to the end.
//! crates/check tests it against stateright's `LinearizabilityTester` on
//! the swarm's histories.

mod blame;
pub mod by_hand;
mod entries;
mod search;

use crate::client::{History, Operation};
use crate::kv::{KvOp, KvOutput};
use raft::Time;
use search::{Effect, KeyOp, KeySearch, Outcome, Value};

/// An invocation or a response, as real-time order sees it. Sorted, events
/// are in time order with responses before invocations at equal times: an
/// operation invoked at t cannot take effect before t + 1 (every message
/// takes at least 1 ms), so a response at t precedes an invocation at t.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    /// When, virtual ms.
    pub time: Time,
    /// An invocation (`true`) or a response.
    pub invocation: bool,
    /// Whose: an index into the operations given to [`events`].
    pub op: usize,
}

/// The invocations and responses of operations given as (invoked, returned
/// if ever), in real-time order. The search and the page's space-time
/// diagram both follow it.
pub fn events(spans: impl IntoIterator<Item = (Time, Option<Time>)>) -> Vec<Event> {
    let mut events = Vec::new();
    for (op, (invoked, returned)) in spans.into_iter().enumerate() {
        events.push(Event { time: invoked, invocation: true, op });
        if let Some(time) = returned {
            events.push(Event { time, invocation: false, op });
        }
    }
    // Insertion sort: the events come nearly in order (invocations are, and
    // each response is a few places late), and it is far smaller wasm than
    // the standard library's sorts.
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 && events[j - 1] > events[j] {
            events.swap(j - 1, j);
            j -= 1;
        }
    }
    events
}

/// The answer for a whole history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some order of the operations explains every answer and respects
    /// real time.
    Linearizable,
    /// No such order exists for one key's operations.
    NotLinearizable(Conflict),
}

/// Why a key's operations cannot be ordered: the operation no order could
/// place, and the operations it contradicts. Rows are indices into the
/// history's [`History::ops`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The key (the first, in key order, whose operations cannot be
    /// ordered).
    pub key: String,
    /// The operation the deepest attempt could not place before its
    /// response: typically a stale read.
    pub unplaceable: usize,
    /// The operations that must take effect before it and contradict what
    /// it returned (the writes it missed), ascending.
    pub conflicting: Vec<usize>,
}

impl Conflict {
    /// Whether history row `row` is one of the operations that cannot be
    /// ordered.
    pub fn marks(&self, row: usize) -> bool {
        row == self.unplaceable || self.conflicting.contains(&row)
    }

    /// A sentence naming the key and the operations, for a person:
    /// "key x: C2's Get(x) → 1 cannot be ordered after C1's Put(x, 2)".
    pub fn describe(&self, history: &History) -> String {
        let name = |row: usize| {
            let op = &history.ops[row];
            match &op.returned {
                Some((_, out @ KvOutput::Value(_))) => format!("{}'s {} → {out}", op.client, op.op),
                _ => format!("{}'s {}", op.client, op.op),
            }
        };
        let mut text = format!("key {}: {} cannot be ordered", self.key, name(self.unplaceable));
        for (i, &row) in self.conflicting.iter().enumerate() {
            text.push_str(if i == 0 { " after " } else { ", " });
            text.push_str(&name(row));
        }
        text
    }
}

/// How far a check has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Keys found linearizable so far.
    pub keys_checked: usize,
    /// Keys in the history.
    pub keys: usize,
    /// Search steps taken so far.
    pub steps: u64,
}

/// What a slice of checking ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The budget ran out; call [`Checker::step`] again.
    Checking(Progress),
    /// The check is over.
    Done(Verdict),
}

/// A linearizability check of one history, run in slices.
#[derive(Clone, Debug)]
pub struct Checker {
    /// Each key with its search, in key order.
    keys: Vec<(String, KeySearch)>,
    /// The first key not yet found linearizable.
    at: usize,
    steps: u64,
    verdict: Option<Verdict>,
}

impl Checker {
    /// A check of `history` (a snapshot: later operations are not seen).
    /// `Err` if the history is malformed: an operation that returned before
    /// it was invoked, or an answer its kind of operation cannot give.
    pub fn new<'h>(history: &'h History) -> Result<Checker, String> {
        // Each key with its operations and its distinct values, in key
        // order (a few keys: a list is smaller code than a map in wasm).
        type KeyOps<'h> = (&'h str, Vec<KeyOp>, Vec<&'h str>);
        let mut by_key: Vec<KeyOps<'h>> = Vec::new();
        for (row, op) in history.ops.iter().enumerate() {
            let key = op.op.key();
            let at = match by_key.iter().position(|k| k.0 >= key) {
                Some(at) if by_key[at].0 == key => at,
                at => {
                    let at = at.unwrap_or(by_key.len());
                    by_key.insert(at, (key, Vec::new(), Vec::new()));
                    at
                }
            };
            let (_, ops, values) = &mut by_key[at];
            let mut intern = |v: Option<&'h str>| -> Value {
                let v = v?;
                let i = values.iter().position(|&w| w == v).unwrap_or_else(|| {
                    values.push(v);
                    values.len() - 1
                });
                Some(i as u32)
            };
            if let Some(key_op) = key_op(row, op, &mut intern)? {
                ops.push(key_op);
            }
        }
        let keys = by_key
            .into_iter()
            .map(|(key, ops, _)| (key.to_string(), KeySearch::new(ops)))
            .collect();
        Ok(Checker { keys, at: 0, steps: 0, verdict: None })
    }

    /// Search for at most `budget` steps (one step looks at one entry of a
    /// key's history; a step takes well under a microsecond natively).
    pub fn step(&mut self, budget: u64) -> Step {
        let mut left = budget;
        while self.verdict.is_none() {
            let Some((key, search)) = self.keys.get_mut(self.at) else {
                self.verdict = Some(Verdict::Linearizable);
                break;
            };
            let before = left;
            let outcome = search.run(&mut left);
            self.steps += before - left;
            match outcome {
                Outcome::Running => break,
                Outcome::Linearizable => self.at += 1,
                Outcome::Stuck { op } => {
                    let ops = search.ops();
                    let conflicting = blame::conflicts(ops, op).into_iter().map(|i| ops[i].row);
                    self.verdict = Some(Verdict::NotLinearizable(Conflict {
                        key: key.clone(),
                        unplaceable: ops[op].row,
                        conflicting: conflicting.collect(),
                    }));
                }
            }
        }
        match &self.verdict {
            Some(v) => Step::Done(v.clone()),
            None => Step::Checking(Progress {
                keys_checked: self.at,
                keys: self.keys.len(),
                steps: self.steps,
            }),
        }
    }
}

/// Check `history` to the end.
pub fn check(history: &History) -> Result<Verdict, String> {
    let mut checker = Checker::new(history)?;
    loop {
        if let Step::Done(verdict) = checker.step(u64::MAX) {
            return Ok(verdict);
        }
    }
}

/// Operation `op` (history row `row`) as its key's search sees it; `None`
/// for a Get that never returned.
fn key_op<'h>(
    row: usize,
    op: &'h Operation,
    intern: &mut impl FnMut(Option<&'h str>) -> Value,
) -> Result<Option<KeyOp>, String> {
    let returned = match &op.returned {
        Some((t, _)) if *t <= op.invoked_at => {
            return Err(format!(
                "{}'s {} returned at {t} ms, not after its invocation at {} ms",
                op.client, op.op, op.invoked_at
            ));
        }
        Some((t, _)) => Some(*t),
        None => None,
    };
    let effect = match (&op.op, &op.returned) {
        (KvOp::Get { .. }, None) => return Ok(None),
        (KvOp::Get { .. }, Some((_, KvOutput::Value(v)))) => Effect::Read(intern(v.as_deref())),
        (KvOp::Put { value, .. }, None | Some((_, KvOutput::Done))) => {
            Effect::Write(intern(Some(value)))
        }
        (KvOp::Delete { .. }, None | Some((_, KvOutput::Done))) => Effect::Write(None),
        (_, Some((_, out))) => {
            return Err(format!("{}'s {} answered {out}, which it cannot", op.client, op.op));
        }
    };
    Ok(Some(KeyOp { row, effect, invoked: op.invoked_at, returned }))
}

#[cfg(test)]
mod tests;
