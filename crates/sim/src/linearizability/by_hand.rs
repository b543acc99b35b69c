//! Histories written by hand, the way papers on linearizability draw them
//! (Herlihy & Wing 1990): the tests of this checker, of the stateright
//! checker in crates/check and of the page's client-history diagram build
//! theirs from these.

use crate::client::Operation;
use crate::kv::{ClientId, KvOp, KvOutput, Token};
use raft::Time;

/// `Put(key, value)`.
pub fn put(key: &str, value: &str) -> KvOp {
    KvOp::Put { key: key.into(), value: value.into() }
}

/// `Get(key)`.
pub fn get(key: &str) -> KvOp {
    KvOp::Get { key: key.into() }
}

/// A Get's answer: `value`, or not found.
pub fn read(value: Option<&str>) -> KvOutput {
    KvOutput::Value(value.map(Token::from))
}

/// Client `client`'s operation `op`, invoked at `invoked_at`, answered
/// as `returned` (or still in progress). Its sequence number is 0: client
/// sessions play no part in whether a history is linearizable.
pub fn op(
    client: u32,
    op: KvOp,
    invoked_at: Time,
    returned: Option<(Time, KvOutput)>,
) -> Operation {
    Operation { client: ClientId(client), seq: 0, op, invoked_at, returned }
}
