//! Is a client history linearizable? Checked with stateright's
//! `LinearizabilityTester` against [`KvSpec`], a sequential key-value store.
//!
//! Linearizability is *local* (Herlihy & Wing 1990, Theorem 1): a history is
//! linearizable iff its sub-history on each object is. Every key is an
//! object here, so the history is split by key and each key checked alone,
//! which keeps the tester's search small.
//!
//! Real-time order comes from virtual time. An operation that never returned
//! is left in flight: it may take effect at any point after its invocation,
//! or never. At equal times returns are fed before invocations; that adds no
//! order a correct run could break, because an operation invoked at time t
//! cannot take effect before t + 1 (every message takes at least 1 ms).

use sim::{ClientId, History, KvOp, KvOutput, Operation, Token};
use stateright::semantics::{ConsistencyTester, LinearizabilityTester, SequentialSpec};
use std::collections::BTreeMap;

/// The sequential specification: a map from keys to values, with Put, Get
/// and Delete as the simulator's store runs them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KvSpec(pub BTreeMap<Token, Token>);

impl SequentialSpec for KvSpec {
    type Op = KvOp;
    type Ret = KvOutput;

    fn invoke(&mut self, op: &KvOp) -> KvOutput {
        match op {
            KvOp::Put { key, value } => {
                self.0.insert(key.clone(), value.clone());
                KvOutput::Done
            }
            KvOp::Get { key } => KvOutput::Value(self.0.get(key).cloned()),
            KvOp::Delete { key } => {
                self.0.remove(key);
                KvOutput::Done
            }
        }
    }

    fn is_valid_step(&mut self, op: &KvOp, ret: &KvOutput) -> bool {
        // Cheaper than invoke + compare for reads: no clone.
        match (op, ret) {
            (KvOp::Get { key }, KvOutput::Value(v)) => self.0.get(key) == v.as_ref(),
            (KvOp::Get { .. }, _) => false,
            _ => &self.invoke(op) == ret,
        }
    }
}

/// What a successful check covered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinearizabilityReport {
    /// Operations checked.
    pub ops: usize,
    /// Of which never returned (left in flight).
    pub in_flight: usize,
    /// Keys, each checked as its own object.
    pub keys: usize,
}

/// Check a history; `Err` says which key's operations cannot be ordered.
pub fn check_history(history: &History) -> Result<LinearizabilityReport, String> {
    let mut by_key: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in history.ops.iter() {
        by_key.entry(op.op.key()).or_default().push(op);
    }
    for (key, ops) in &by_key {
        check_object(ops).map_err(|e| format!("operations on key {key:?}: {e}"))?;
    }
    Ok(LinearizabilityReport {
        ops: history.ops.len(),
        in_flight: history.ops.iter().filter(|o| o.returned.is_none()).count(),
        keys: by_key.len(),
    })
}

/// Check the operations on one object.
fn check_object(ops: &[&Operation]) -> Result<(), String> {
    // (time, 0 = return / 1 = invoke, row): returns first at equal times.
    let mut events: Vec<(u64, u8, usize)> = Vec::new();
    for (row, op) in ops.iter().enumerate() {
        events.push((op.invoked_at, 1, row));
        if let Some((t, _)) = &op.returned {
            if *t < op.invoked_at {
                return Err(format!("{}'s {} returned before it was invoked", op.client, op.op));
            }
            events.push((*t, 0, row));
        }
    }
    events.sort_unstable();
    let mut tester: LinearizabilityTester<ClientId, KvSpec> =
        LinearizabilityTester::new(KvSpec::default());
    for (_, kind, row) in events {
        let op = ops[row];
        let fed = if kind == 1 {
            tester.on_invoke(op.client, op.op.clone()).map(|_| ())
        } else {
            let out = op.returned.as_ref().expect("a return event has an output").1.clone();
            tester.on_return(op.client, out).map(|_| ())
        };
        fed.map_err(|e| format!("malformed history: {e}"))?;
    }
    if tester.is_consistent() {
        return Ok(());
    }
    let listing: Vec<String> = ops
        .iter()
        .map(|o| match &o.returned {
            Some((t, out)) => {
                format!("{} {} [{}–{} ms] → {}", o.client, o.op, o.invoked_at, t, out)
            }
            None => format!("{} {} [{} ms –) never returned", o.client, o.op, o.invoked_at),
        })
        .collect();
    Err(format!("no linearization exists for:\n    {}", listing.join("\n    ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::linearizability::by_hand::{get, op, put, read as val};

    fn history(ops: Vec<Operation>) -> History {
        History::from(ops)
    }

    #[test]
    fn a_read_of_a_value_overwritten_before_it_began_is_rejected() {
        // C1 writes 1 then 2, both acknowledged; C2 then reads 1.
        let h = history(vec![
            op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
            op(1, put("x", "2"), 20, Some((30, KvOutput::Done))),
            op(2, get("x"), 40, Some((50, val(Some("1"))))),
        ]);
        let err = check_history(&h).unwrap_err();
        assert!(err.contains("key \"x\"") && err.contains("no linearization"), "{err}");
    }

    #[test]
    fn a_read_concurrent_with_a_write_may_see_either_value() {
        for seen in [Some("1"), Some("2")] {
            let h = history(vec![
                op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
                op(1, put("x", "2"), 20, Some((40, KvOutput::Done))),
                op(2, get("x"), 25, Some((35, val(seen)))),
            ]);
            assert_eq!(check_history(&h).unwrap().ops, 3, "reading {seen:?}");
        }
    }

    #[test]
    fn a_read_cannot_see_a_value_no_one_wrote_or_go_back_in_time() {
        let made_up = history(vec![op(1, get("x"), 0, Some((5, val(Some("7")))))]);
        assert!(check_history(&made_up).is_err());
        // C2 sees 2, then C3 (starting after C2 finished) sees 1 again.
        let back = history(vec![
            op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
            op(1, put("x", "2"), 20, Some((100, KvOutput::Done))),
            op(2, get("x"), 30, Some((40, val(Some("2"))))),
            op(3, get("x"), 50, Some((60, val(Some("1"))))),
        ]);
        assert!(check_history(&back).is_err());
    }

    #[test]
    fn a_write_that_never_returned_may_or_may_not_have_happened() {
        let took_effect = history(vec![
            op(1, put("x", "1"), 0, None),
            op(2, get("x"), 100, Some((110, val(Some("1"))))),
            op(3, get("x"), 120, Some((130, val(Some("1"))))),
        ]);
        assert_eq!(check_history(&took_effect).unwrap().in_flight, 1);
        let did_not = history(vec![
            op(1, put("x", "1"), 0, None),
            op(2, get("x"), 100, Some((110, val(None)))),
        ]);
        assert!(check_history(&did_not).is_ok());
        // But once seen it cannot be unseen.
        let flicker = history(vec![
            op(1, put("x", "1"), 0, None),
            op(2, get("x"), 100, Some((110, val(Some("1"))))),
            op(3, get("x"), 120, Some((130, val(None)))),
        ]);
        assert!(check_history(&flicker).is_err());
    }

    #[test]
    fn keys_are_independent_objects_and_deletes_count() {
        let h = history(vec![
            op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
            op(2, put("y", "9"), 0, Some((10, KvOutput::Done))),
            op(1, KvOp::Delete { key: "x".into() }, 20, Some((30, KvOutput::Done))),
            op(2, get("x"), 40, Some((50, val(None)))),
            op(2, get("y"), 60, Some((70, val(Some("9"))))),
        ]);
        assert_eq!(check_history(&h).unwrap().keys, 2);
        let mut stale = h.clone();
        stale.ops[3].returned = Some((50, val(Some("1"))));
        assert!(check_history(&stale).is_err(), "read x=1 after its delete was acknowledged");
    }

    #[test]
    fn a_client_with_two_operations_in_flight_is_a_malformed_history() {
        let h = history(vec![op(1, put("x", "1"), 0, None), op(1, put("x", "2"), 5, None)]);
        assert!(check_history(&h).unwrap_err().contains("malformed"));
    }
}
