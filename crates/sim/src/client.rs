//! Clients of the key-value service and the history of what they saw.
//!
//! A client sends one operation at a time. It sends to the leader it
//! believes in, follows a follower's redirect (seeds 000 and 003), and when
//! no answer comes within its timeout it sends the same operation again with
//! the same sequence number, so the store applies it at most once.

use crate::kv::{ClientId, KvOp, KvOutput};
use raft::{Chunked, NodeId, Time};
use serde::{Deserialize, Serialize};

/// Where a client sends a new operation first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// Whoever currently leads (the page's default).
    Leader,
    /// This server, leader or not, so a redirect can be watched.
    Server(NodeId),
}

/// An operation a client has sent and not yet seen answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Its sequence number.
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
    /// Where the latest attempt went.
    pub to: NodeId,
    /// When to try again if nothing useful has come back.
    pub retry_at: Time,
    /// How many times it has been sent.
    pub attempts: u32,
    /// Redirects followed since the last timeout: servers with stale
    /// leader hints can point at each other, so a client follows only a
    /// few in a row before it waits and tries the next server.
    pub redirects: u32,
    /// Its row in the [`History`].
    pub history_row: usize,
}

/// A client: a queue of operations and at most one in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// Operations waiting for the one in progress to finish, in shared
    /// chunks: a client that keeps typing builds a long queue, and every
    /// checkpoint of the world copies it.
    pub queue: Chunked<(KvOp, Target)>,
    /// The operation in progress.
    pub pending: Option<Pending>,
    /// The server it last heard was leader.
    pub leader_guess: Option<NodeId>,
    next_seq: u64,
    /// Where its own round robin over the servers stands.
    rotation: u8,
}

impl Client {
    /// A client with nothing to do.
    pub fn new(id: ClientId) -> Self {
        Client {
            id,
            queue: Chunked::default(),
            pending: None,
            leader_guess: None,
            next_seq: 1,
            rotation: 0,
        }
    }

    /// The next server in this client's round robin over `servers`.
    pub fn next_in_rotation(&mut self, servers: u8) -> NodeId {
        self.rotation = self.rotation % servers.max(1) + 1;
        NodeId(self.rotation)
    }

    /// Take the next sequence number.
    pub fn take_seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }
}

/// One operation as the outside world saw it: when it was invoked and when
/// (if ever) it returned, with what. The input of a linearizability check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Who invoked it.
    pub client: ClientId,
    /// Its sequence number.
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
    /// When the client first sent it.
    pub invoked_at: Time,
    /// When and with what it returned; `None` while in progress (or if it
    /// never will).
    pub returned: Option<(Time, KvOutput)>,
}

/// Every operation every client invoked, in invocation order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The operations, in shared chunks: a checkpoint of the world copies
    /// one pointer per 64 operations and the newest few, however long the
    /// session (a put every 10 ms makes 60,000 in ten minutes).
    pub ops: Chunked<Operation>,
    /// How many have returned.
    completed: usize,
}

impl History {
    /// Record an invocation; returns its row.
    pub fn invoke(&mut self, client: ClientId, seq: u64, op: KvOp, now: Time) -> usize {
        self.ops.push(Operation { client, seq, op, invoked_at: now, returned: None });
        self.ops.len() - 1
    }

    /// Record a return.
    pub fn complete(&mut self, row: usize, now: Time, output: KvOutput) {
        if self.ops[row].returned.replace((now, output)).is_none() {
            self.completed += 1;
        }
    }

    /// How many operations have returned.
    pub fn completed(&self) -> usize {
        self.completed
    }
}

impl From<Vec<Operation>> for History {
    /// A history of these operations (for tests of history checkers).
    fn from(ops: Vec<Operation>) -> Self {
        let completed = ops.iter().filter(|o| o.returned.is_some()).count();
        History { ops: ops.into_iter().collect(), completed }
    }
}
