//! The clients' history as a space-time diagram: a lane per client and a
//! bar per operation from its invocation to its response, up to the moment
//! shown. As in Porcupine's visualizer, the x-axis is the order of the
//! invocations and responses, not their times (an operation of 10 ms and a
//! quiet second would not both fit): each gets its own column, responses
//! before invocations at equal times, so a bar that ends left of another's
//! start is exactly "returned before the other was invoked" — the real-time
//! order linearizability must respect.

use crate::history_check::CheckState;
use sim::linearizability::{events, Conflict, Verdict};
use sim::{History, KvOp, KvOutput};
use std::rc::Rc;

/// Operations drawn at most (the latest, and any marked ones before them).
pub const BARS: usize = 16;

/// One operation's bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpBar {
    /// Its row in the history (`data-op`).
    pub row: usize,
    /// Its client's lane (index into [`HistoryView::lanes`]).
    pub lane: usize,
    /// `C1` (`data-client`).
    pub client: String,
    /// `put`, `get` or `delete` (`data-kind`).
    pub kind: &'static str,
    /// The short text on the bar: `x=3` written, `x→3` read.
    pub label: String,
    /// Its invocation's column.
    pub from: usize,
    /// Its response's column; `None` while it has not returned (drawn to
    /// the cursor).
    pub to: Option<usize>,
    /// In words, with its times (its tooltip).
    pub title: String,
    /// One of the operations that cannot be ordered.
    pub marked: bool,
}

/// The diagram.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HistoryView {
    /// The clients, one lane each, in id order (`C1`, `C2`, …).
    pub lanes: Vec<String>,
    /// The bars, oldest first.
    pub bars: Vec<OpBar>,
    /// Columns, the last of which is now (the cursor).
    pub columns: usize,
    /// Earlier operations left out.
    pub hidden: usize,
}

/// The verdict line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictView {
    /// `linearizable`, `not-linearizable`, `checking` (`data-verdict`), or
    /// `unchecked` for a history the checker refuses (never one the
    /// simulator recorded).
    pub kind: &'static str,
    /// What it says: "not linearizable: key x: C2's Get(x) → 1 cannot be
    /// ordered after C1's Put(x, 2)".
    pub text: Rc<str>,
}

/// The verdict line for `history` whose check stands at `state`.
pub fn verdict_view(history: &History, state: &CheckState) -> VerdictView {
    let (kind, text) = match state {
        CheckState::Checking => ("checking", String::from("checking…")),
        CheckState::Done(Verdict::Linearizable) => ("linearizable", String::from("linearizable")),
        CheckState::Done(Verdict::NotLinearizable(c)) => {
            ("not-linearizable", format!("not linearizable: {}", c.describe(history)))
        }
        CheckState::Malformed(why) => ("unchecked", format!("cannot be checked: {why}")),
    };
    VerdictView { kind, text: text.into() }
}

/// The operations `state` marks as impossible to order, if any.
pub fn conflict(state: &CheckState) -> Option<&Conflict> {
    match state {
        CheckState::Done(Verdict::NotLinearizable(c)) => Some(c),
        _ => None,
    }
}

/// The diagram of `history` (as it stands at the moment shown), marking
/// the operations of `conflict`.
pub fn history_view(history: &History, conflict: Option<&Conflict>) -> HistoryView {
    let ops = &history.ops;
    let first_marked = conflict.map(|c| c.conflicting.iter().fold(c.unplaceable, |a, &b| a.min(b)));
    let start = first_marked.unwrap_or(usize::MAX).min(ops.len().saturating_sub(BARS));
    let shown: Vec<&sim::Operation> = ops.range(start, ops.len()).collect();
    let events = events(shown.iter().map(|o| (o.invoked_at, o.returned.as_ref().map(|r| r.0))));
    let (mut from, mut to) = (vec![0; shown.len()], vec![None; shown.len()]);
    for (column, e) in events.iter().enumerate() {
        if e.invocation {
            from[e.op] = column;
        } else {
            to[e.op] = Some(column);
        }
    }
    // The clients in id order (kept sorted as they come: no sort code).
    let mut lanes: Vec<sim::ClientId> = Vec::new();
    for op in &shown {
        if let Err(at) = lanes.binary_search(&op.client) {
            lanes.insert(at, op.client);
        }
    }
    let bars = shown
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let row = start + i;
            let (kind, label) = match (&op.op, &op.returned) {
                (KvOp::Put { key, value }, _) => ("put", format!("{key}={value}")),
                (KvOp::Delete { key }, _) => ("delete", format!("del {key}")),
                (KvOp::Get { key }, Some((_, out @ KvOutput::Value(_)))) => {
                    ("get", format!("{key}→{out}"))
                }
                (KvOp::Get { key }, _) => ("get", format!("{key}→?")),
            };
            let title = match &op.returned {
                Some((t, out)) => {
                    format!("{} {} {}–{t} ms → {out}", op.client, op.op, op.invoked_at)
                }
                None => format!("{} {} from {} ms, no answer yet", op.client, op.op, op.invoked_at),
            };
            OpBar {
                row,
                lane: lanes.binary_search(&op.client).unwrap_or(0),
                client: op.client.to_string(),
                kind,
                label,
                from: from[i],
                to: to[i],
                title,
                marked: conflict.is_some_and(|c| c.marks(row)),
            }
        })
        .collect();
    HistoryView {
        lanes: lanes.iter().map(|c| c.to_string()).collect(),
        bars,
        columns: events.len() + 1,
        hidden: start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::linearizability::by_hand::op;

    fn stale_read() -> History {
        let put = |v: &str| KvOp::Put { key: "x".into(), value: v.into() };
        History::from(vec![
            op(1, put("1"), 0, Some((10, KvOutput::Done))),
            op(1, put("2"), 10, Some((30, KvOutput::Done))),
            op(3, KvOp::Get { key: "x".into() }, 40, Some((50, KvOutput::Value(Some("1".into()))))),
            op(1, KvOp::Get { key: "x".into() }, 45, None),
        ])
    }

    #[test]
    fn bars_follow_the_order_of_events_with_responses_first() {
        let v = history_view(&stale_read(), None);
        assert_eq!(v.lanes, ["C1", "C3"]);
        let spans: Vec<_> = v.bars.iter().map(|b| (b.lane, b.from, b.to)).collect();
        // Put(x, 1) returns at 10 before Put(x, 2) is invoked at 10.
        assert_eq!(spans, [(0, 0, Some(1)), (0, 2, Some(3)), (1, 4, Some(6)), (0, 5, None)]);
        assert_eq!(v.columns, 8, "seven events and the cursor");
        let labels: Vec<_> = v.bars.iter().map(|b| (b.kind, b.label.as_str())).collect();
        assert_eq!(labels, [("put", "x=1"), ("put", "x=2"), ("get", "x→1"), ("get", "x→?")]);
        assert_eq!(v.bars[3].title, "C1 Get(x) from 45 ms, no answer yet");
        assert!(v.bars.iter().all(|b| !b.marked));
    }

    #[test]
    fn the_operations_that_cannot_be_ordered_are_marked() {
        let h = stale_read();
        let Ok(sim::linearizability::Verdict::NotLinearizable(c)) = sim::linearizability::check(&h)
        else {
            panic!("a stale read");
        };
        let v = history_view(&h, Some(&c));
        let marked: Vec<_> = v.bars.iter().filter(|b| b.marked).map(|b| b.row).collect();
        assert_eq!(marked, [1, 2], "the stale read and the write it missed");
    }

    #[test]
    fn only_the_latest_operations_are_drawn_and_marked_ones_are_kept() {
        let get = || KvOp::Get { key: "y".into() };
        let mut ops: Vec<_> = (0..30)
            .map(|i| op(2, get(), 10 * i, Some((10 * i + 5, KvOutput::Value(None)))))
            .collect();
        ops[3].returned = Some((35, KvOutput::Value(Some("9".into()))));
        let h = History::from(ops);
        let plain = history_view(&h, None);
        assert_eq!(
            (plain.bars.len(), plain.hidden, plain.bars[0].row),
            (BARS, 30 - BARS, 30 - BARS)
        );
        let conflict = Conflict { key: "y".into(), unplaceable: 3, conflicting: vec![] };
        let v = history_view(&h, Some(&conflict));
        assert_eq!((v.hidden, v.bars.len()), (3, 27));
        assert!(v.bars[0].marked);
    }
}
