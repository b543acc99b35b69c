//! One simulated server: a Raft node, its key-value state machine, and the
//! client requests it is waiting to answer. Everything here is volatile; the
//! disk lives in the world and survives a crash.

use crate::kv::{ClientId, KvCommand, KvOp, KvOutput, KvStore, Token};
use crate::network::{ClientReply, ClientRequest};
use raft::{Committed, Entry, LogIndex, Payload, RaftNode, SortedMap, Time};

/// A running server.
#[derive(Clone, Debug)]
pub struct Server {
    /// Its Raft state machine.
    pub raft: RaftNode<KvCommand>,
    /// Its copy of the replicated key-value store.
    pub kv: KvStore,
    /// Log index → the client request that put it there, answered once the
    /// entry is applied here.
    waiting: SortedMap<LogIndex, (ClientId, u64)>,
    /// Gets served without the log (ReadIndex, lease): tag → (client, seq,
    /// key, read index once confirmed).
    reads: SortedMap<u64, (ClientId, u64, Token, Option<LogIndex>)>,
    next_read: u64,
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
    /// rebuilt by re-applying committed entries, as the "closer look at Raft
    /// internals" walkthrough describes).
    pub fn new(raft: RaftNode<KvCommand>) -> Self {
        Server {
            raft,
            kv: KvStore::default(),
            waiting: SortedMap::new(),
            reads: SortedMap::new(),
            next_read: 0,
        }
    }

    /// A server coming up from its disk, as after a crash: the state
    /// machine comes back from the snapshot, and the entries after it are
    /// re-applied as they commit again (Figure 2: only persistent state
    /// survives).
    pub fn boot(
        config: raft::Config,
        disk: raft::PersistentState<KvCommand>,
        seed: u64,
        now: Time,
    ) -> Result<Server, String> {
        let kv = match &disk.snapshot {
            Some(s) => KvStore::decode(&s.data)?,
            None => KvStore::default(),
        };
        let mut server = Server::new(RaftNode::restart(config, disk, seed, now)?);
        server.kv = kv;
        Ok(server)
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
        if let (KvOp::Get { key }, false) =
            (&req.op, self.raft.config().read_mode == raft::ReadMode::Log)
        {
            // Thesis §6.4: a read needs no log entry, only a confirmed read
            // index (a follower asks the leader for one).
            self.next_read += 1;
            let ctx = self.next_read;
            return match self.raft.read_index(now, ctx) {
                Ok(()) => {
                    self.reads.insert(ctx, (client, req.seq, key.clone(), None));
                    None
                }
                Err(_) => Some(ClientReply::Redirect { seq: req.seq, leader: self.raft.leader() }),
            };
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
            Err(
                e @ (raft::ProposeError::InvalidTransferTarget { .. }
                | raft::ProposeError::ConfigChangeInProgress { .. }
                | raft::ProposeError::NotCommittedInTerm
                | raft::ProposeError::InvalidConfigChange { .. }),
            ) => unreachable!("propose never refuses a command with {e}"),
        }
    }

    /// Snapshot everything applied so far (§7).
    pub fn try_compact(&mut self) -> Result<(), String> {
        let index = self.raft.last_applied();
        self.raft.compact(index, self.kv.encode())
    }

    /// Snapshot everything applied so far, if there is anything new.
    pub fn compact(&mut self, _now: raft::Time) {
        let _ = self.try_compact();
    }

    /// Raft confirmed these reads: each may be answered once lastApplied
    /// reaches its read index. Reads the leader refused go back to their
    /// clients as redirects to the leader.
    pub fn reads_confirmed(&mut self, states: &[raft::ReadState]) -> Vec<(ClientId, ClientReply)> {
        let mut refused = Vec::new();
        for st in states {
            match st.index {
                Some(index) => {
                    if let Some(read) = self.reads.get_mut(&st.ctx) {
                        read.3 = Some(index);
                    }
                }
                None => {
                    if let Some((client, seq, _, _)) = self.reads.remove(&st.ctx) {
                        let leader = self.raft.leader();
                        refused.push((client, ClientReply::Redirect { seq, leader }));
                    }
                }
            }
        }
        refused
    }

    /// Answer every confirmed read whose read index is applied here, from
    /// this server's own state machine.
    pub fn answer_applied_reads(&mut self) -> Vec<(ClientId, ClientReply)> {
        let applied = self.raft.last_applied();
        let done: Vec<u64> = self
            .reads
            .iter()
            .filter(|(_, r)| r.3.is_some_and(|i| i <= applied))
            .map(|(&ctx, _)| ctx)
            .collect();
        done.into_iter()
            .filter_map(|ctx| self.reads.remove(&ctx))
            .map(|(client, seq, key, _)| {
                let output = KvOutput::Value(self.kv.data().get(key.as_str()).cloned());
                (client, ClientReply::Done { seq, output })
            })
            .collect()
    }

    /// Apply the `n`th of a Ready's committed entries to the state machine,
    /// once `check` has seen it. The entry is read where the Ready names
    /// it, in this server's log (see [`raft::Committed`]), not copied out.
    /// Panics past the last.
    pub fn apply_committed<T>(
        &mut self,
        committed: &Committed<KvCommand>,
        n: usize,
        check: impl FnOnce(&Entry<KvCommand>) -> T,
    ) -> (T, Applied) {
        let entry = committed.get(n, self.raft.log()).expect("a committed entry to apply");
        let seen = check(entry);
        (seen, apply_to(&mut self.kv, &mut self.waiting, entry))
    }
}

/// Apply `entry` to `kv`, answering the client in `waiting` that put it
/// in the log here, if any.
fn apply_to(
    kv: &mut KvStore,
    waiting: &mut SortedMap<LogIndex, (ClientId, u64)>,
    entry: &Entry<KvCommand>,
) -> Applied {
    let waiting = waiting.remove(&entry.index);
    let Payload::Command(cmd) = &entry.payload else {
        return Applied { index: entry.index, command: None, reply_to: None };
    };
    let (output, duplicate) = kv.apply(cmd);
    let reply_to = waiting
        .filter(|&(c, s)| c == cmd.client && s == cmd.seq)
        .map(|(c, seq)| (c, ClientReply::Done { seq, output: output.clone() }));
    Applied { index: entry.index, command: Some((cmd.clone(), output, duplicate)), reply_to }
}
