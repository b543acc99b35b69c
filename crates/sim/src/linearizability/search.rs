//! The search for one key: Wing & Gong's backtracking over the history,
//! with Lowe's "just-in-time" linearization (an operation is placed only
//! when the entry list reaches its call, and the search must place it before
//! it reaches its return) and Porcupine's memo of (operations linearized,
//! state) pairs already explored, which turns the exponential search into
//! one that visits each reachable configuration once.
//!
//! It runs in steps so a caller can stop after a budget and resume.

use super::entries::{Entries, Entry};
use raft::Time;

/// A key's value as the search sees it: an index into the key's distinct
/// values, or `None` while the key is absent.
pub(super) type Value = Option<u32>;

/// What an operation does to its key in the sequential specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effect {
    /// Put (`Some`) or Delete (`None`): always allowed, sets the value.
    Write(Value),
    /// A Get that returned this value: allowed only while the key holds it.
    Read(Value),
}

/// One operation on the key.
#[derive(Clone, Debug)]
pub(super) struct KeyOp {
    /// Its row in the history.
    pub row: usize,
    /// What it does.
    pub effect: Effect,
    /// When it was invoked.
    pub invoked: Time,
    /// When it returned; `None` if it never did (it may then take effect at
    /// any point after its invocation, or never).
    pub returned: Option<Time>,
}

impl KeyOp {
    /// Whether it must take effect before `other` does: it returned before
    /// `other` was invoked (real-time order, Herlihy & Wing §3; at equal
    /// times the response comes first, see [`super::Event`]).
    pub fn precedes(&self, other: &KeyOp) -> bool {
        self.returned.is_some_and(|r| r <= other.invoked)
    }
}

/// Where a search stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The budget ran out first.
    Running,
    /// Every operation that returned is placed in a legal order.
    Linearizable,
    /// No order exists; `op` is the operation the deepest attempt could not
    /// place before its return.
    Stuck {
        /// The operation (index into the key's operations).
        op: usize,
    },
}

/// The search over one key's operations.
#[derive(Clone, Debug)]
pub(super) struct KeySearch {
    ops: Vec<KeyOp>,
    list: Entries,
    /// The entry the search looks at next; `None` past the end.
    cursor: Option<Entry>,
    state: Value,
    linearized: Vec<u64>,
    /// The operations placed so far, in order, with the value before each.
    placed: Vec<(usize, Value)>,
    /// The configurations already explored, sorted (a sorted list is far
    /// smaller wasm than a hash set, and fast enough for the page's
    /// histories).
    seen: Vec<(Vec<u64>, Value)>,
    /// The deepest point a search reached: (operations placed, the one it
    /// could not place next).
    deepest: Option<(usize, usize)>,
}

impl KeySearch {
    /// A search over `ops` (in invocation order) from the key absent.
    pub fn new(ops: Vec<KeyOp>) -> Self {
        let order = super::events(ops.iter().map(|o| (o.invoked, o.returned)));
        let list = Entries::new(
            ops.len(),
            order.into_iter().map(|e| {
                if e.invocation {
                    Entry::Call(e.op)
                } else {
                    Entry::Return(e.op)
                }
            }),
        );
        KeySearch {
            cursor: list.first(),
            list,
            state: None,
            linearized: vec![0; ops.len().div_ceil(64)],
            placed: Vec::new(),
            seen: Vec::new(),
            deepest: None,
            ops,
        }
    }

    /// The key's operations.
    pub fn ops(&self) -> &[KeyOp] {
        &self.ops
    }

    /// Search for at most `*budget` steps, taking the steps used from it.
    pub fn run(&mut self, budget: &mut u64) -> Outcome {
        while *budget > 0 {
            *budget -= 1;
            match self.cursor {
                None => return Outcome::Linearizable,
                Some(Entry::Call(i)) => self.try_place(i),
                Some(Entry::Return(i)) => {
                    if let Some(stuck) = self.backtrack(i) {
                        return stuck;
                    }
                }
            }
        }
        Outcome::Running
    }

    /// Place operation `i` now if its effect is legal and the configuration
    /// it leads to is new; otherwise move on to the next entry.
    fn try_place(&mut self, i: usize) {
        let op = &self.ops[i];
        let next = match op.effect {
            Effect::Write(v) => Some(v),
            Effect::Read(v) => (v == self.state).then_some(v),
        };
        if let Some(v) = next {
            let (word, bit) = (i / 64, 1u64 << (i % 64));
            self.linearized[word] |= bit;
            let config = (self.linearized.clone(), v);
            if let Err(at) = self.seen.binary_search(&config) {
                self.seen.insert(at, config);
                self.placed.push((i, self.state));
                self.state = v;
                self.list.lift(i, op.returned.is_some());
                self.cursor = self.list.first();
                return;
            }
            self.linearized[word] &= !bit;
        }
        self.cursor = self.list.next(Entry::Call(i));
    }

    /// The search reached operation `i`'s return without placing it: undo
    /// the last placement and try the entry after it instead. `Some` when
    /// there is nothing left to undo.
    fn backtrack(&mut self, i: usize) -> Option<Outcome> {
        if self.deepest.is_none_or(|(depth, _)| self.placed.len() > depth) {
            self.deepest = Some((self.placed.len(), i));
        }
        let Some((j, before)) = self.placed.pop() else {
            let (_, op) = self.deepest.expect("recorded just above");
            return Some(Outcome::Stuck { op });
        };
        self.state = before;
        self.linearized[j / 64] &= !(1u64 << (j % 64));
        self.list.unlift(j, self.ops[j].returned.is_some());
        self.cursor = self.list.next(Entry::Call(j));
        None
    }
}
