//! What a server hands its caller after each input: the durable writes, the
//! messages, the committed entries and the narration (Figure 2's order:
//! persist, then send, then apply).

use super::{Committed, ReadState};
use crate::event::Event;
use crate::message::Envelope;
use crate::storage::{HardState, Snapshot};
use crate::types::LogIndex;

/// A change to the persisted log, in the order it must be applied to disk.
///
/// An append names entries of the server's own log rather than carrying
/// copies: the disk copies them from that log
/// ([`PersistentState::apply`](crate::PersistentState::apply)), which
/// must still hold them as appended when the Ready is applied: a caller
/// that applies each Ready before the server's next input is sure of it.
/// Within one input, a truncation before an append (a follower replacing
/// a conflicting suffix, §5.3) is written in order: the disk cuts, then
/// copies the new entries from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogWrite {
    /// Delete the entry at this index and all after it (§5.3).
    TruncateFrom(LogIndex),
    /// Append the server's entries `first..=last` at the end.
    Append {
        /// The first entry appended.
        first: LogIndex,
        /// The last entry appended.
        last: LogIndex,
    },
    /// Store this snapshot and discard the log entries it covers (§7).
    Snapshot(Snapshot),
}

/// What the caller must do after handing the node an input, in this order:
/// write `hard_state` and `log_writes` to stable storage, then send
/// `messages`, then apply `committed` to the state machine. Figure 2: servers
/// persist currentTerm, votedFor and the log "before responding to RPCs".
/// The log writes and the committed entries name entries of the server's
/// log ([`RaftNode::log`](crate::RaftNode::log)) rather than copying them:
/// the caller carries out a Ready while the log still holds them as they
/// were, as it does when it takes and carries out each Ready before the
/// server's next input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ready<C> {
    /// New currentTerm/votedFor to persist, if they changed.
    pub hard_state: Option<HardState>,
    /// Log changes to persist, in order.
    pub log_writes: Vec<LogWrite>,
    /// Messages to send once the above is durable.
    pub messages: Vec<Envelope<C>>,
    /// Newly committed entries, in index order, to apply (lastApplied moves
    /// past them as they are handed out): read them with
    /// `committed.iter(node.log())`.
    pub committed: Committed<C>,
    /// Reads that may be answered once lastApplied reaches their index.
    pub read_states: Vec<ReadState>,
    /// A snapshot from the leader: replace the state machine with it
    /// (before applying `committed`, which follow it).
    pub install_snapshot: Option<Snapshot>,
    /// What the server decided, and why, for narration.
    pub events: Vec<Event>,
}

impl<C> Ready<C> {
    /// Is there nothing to persist, send, apply or narrate?
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.log_writes.is_empty()
            && self.messages.is_empty()
            && self.committed.is_empty()
            && self.read_states.is_empty()
            && self.install_snapshot.is_none()
            && self.events.is_empty()
    }

    /// Empty it, keeping the buffers' room for the next one.
    pub fn clear(&mut self) {
        self.hard_state = None;
        self.log_writes.clear();
        self.messages.clear();
        self.committed.clear();
        self.read_states.clear();
        self.install_snapshot = None;
        self.events.clear();
    }
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            read_states: Vec::new(),
            install_snapshot: None,
            hard_state: None,
            log_writes: Vec::new(),
            messages: Vec::new(),
            committed: Committed::default(),
            events: Vec::new(),
        }
    }
}
