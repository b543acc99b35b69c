//! The page client's operations, as the client saw them.

use raft::Time;
use sim::{ClientId, Sim};

/// The client the page's command box speaks for (C1, drawn at the centre).
pub const PAGE_CLIENT: ClientId = ClientId(1);

/// One client operation, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    /// Its row in the history (a stable key).
    pub row: usize,
    /// `C1`.
    pub client: String,
    /// `Put(x, 3)`.
    pub op: String,
    /// When it was sent.
    pub invoked_at: Time,
    /// When it returned and with what (`ok`, `3`, `(not found)`).
    pub outcome: Option<(Time, String)>,
}

/// The latest `limit` client operations, newest first.
pub fn op_rows(sim: &Sim, limit: usize) -> Vec<OpRow> {
    let ops = &sim.history().ops;
    (0..ops.len())
        .rev()
        .take(limit)
        .map(|row| (row, &ops[row]))
        .map(|(row, o)| OpRow {
            row,
            client: o.client.to_string(),
            op: o.op.to_string(),
            invoked_at: o.invoked_at,
            outcome: o.returned.as_ref().map(|(t, out)| (*t, out.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::{Action, Target};

    #[test]
    fn operations_are_listed_newest_first_with_their_outcome() {
        let mut sim = cluster(5, 3);
        elect(&mut sim);
        for cmd in ["put x 3", "get x"] {
            let op = sim::parse_command(cmd).unwrap();
            sim.act(Action::Submit { client: PAGE_CLIENT, op, target: Target::Leader }).unwrap();
            let t = sim.now() + 300;
            sim.run_until(t);
        }
        let ops = op_rows(&sim, 10);
        assert_eq!(ops.len(), 2);
        assert_eq!((ops[0].op.as_str(), ops[1].op.as_str()), ("Get(x)", "Put(x, 3)"));
        assert_eq!(ops[1].outcome.as_ref().map(|o| o.1.as_str()), Some("ok"));
        assert_eq!(ops[0].outcome.as_ref().map(|o| o.1.as_str()), Some("3"));
        assert!(ops[1].outcome.as_ref().is_some_and(|(t, _)| *t > ops[1].invoked_at));
        assert_eq!(op_rows(&sim, 1).len(), 1, "at most the limit");
    }
}
