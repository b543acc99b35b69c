//! One simulated server: a Raft node, its key-value state machine, and the
//! client requests it is waiting to answer. Everything here is volatile; the
//! disk lives in the world and survives a crash.

use crate::kv::{ClientId, KvCommand, KvOutput, KvStore};
use crate::network::{ClientReply, ClientRequest};
use raft::{Entry, LogIndex, Payload, RaftNode, Time};
use std::collections::BTreeMap;

/// A running server.
#[derive(Clone, Debug)]
pub struct Server {
    /// Its Raft state machine.
    pub raft: RaftNode<KvCommand>,
    /// Its copy of the replicated key-value store.
    pub kv: KvStore,
    /// Log index → the client request that put it there, answered once the
    /// entry is applied here.
    waiting: BTreeMap<LogIndex, (ClientId, u64)>,
}

/// The outcome of applying one committed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Its index.
    pub index: LogIndex,
    /// The command and its answer (`None` for a no-op), and whether the
    /// session recognised it as a duplicate.
    pub command: Option<(KvCommand, KvOutput, bool)>,
    /// The client to answer now, if this server accepted the request.
    pub reply_to: Option<(ClientId, ClientReply)>,
}

impl Server {
    /// A server around a Raft node, with an empty state machine (it is
    /// rebuilt by re-applying committed entries, seed 003).
    pub fn new(raft: RaftNode<KvCommand>) -> Self {
        Server { raft, kv: KvStore::default(), waiting: BTreeMap::new() }
    }

    /// A client request arrived. The leader proposes it (or answers a
    /// duplicate it already applied); anyone else redirects to the leader.
    pub fn handle_request(
        &mut self,
        now: Time,
        client: ClientId,
        req: ClientRequest,
    ) -> Option<ClientReply> {
        if let Some(out) = self.kv.saved_answer(client, req.seq) {
            return Some(ClientReply::Done { seq: req.seq, output: out.clone() });
        }
        let cmd = KvCommand { client, seq: req.seq, op: req.op };
        match self.raft.propose(now, cmd) {
            Ok(index) => {
                self.waiting.insert(index, (client, req.seq));
                None
            }
            Err(raft::ProposeError::NotLeader { leader_hint }) => {
                Some(ClientReply::Redirect { seq: req.seq, leader: leader_hint })
            }
            // Leadership is moving to `target`: send the client there.
            Err(raft::ProposeError::TransferInProgress { target }) => {
                Some(ClientReply::Redirect { seq: req.seq, leader: Some(target) })
            }
            Err(raft::ProposeError::InvalidTransferTarget { .. }) => {
                unreachable!("propose never refuses a transfer target")
            }
        }
    }

    /// Apply one committed entry to the state machine.
    pub fn apply(&mut self, entry: &Entry<KvCommand>) -> Applied {
        let waiting = self.waiting.remove(&entry.index);
        let Payload::Command(cmd) = &entry.payload else {
            return Applied { index: entry.index, command: None, reply_to: None };
        };
        let (output, duplicate) = self.kv.apply(cmd);
        let reply_to = waiting
            .filter(|&(c, s)| c == cmd.client && s == cmd.seq)
            .map(|(c, seq)| (c, ClientReply::Done { seq, output: output.clone() }));
        Applied { index: entry.index, command: Some((cmd.clone(), output, duplicate)), reply_to }
    }
}
