//! A message's fields for its dialog: each under its Figure 2 name (the
//! DOM contract's `data-field`), with its value as text, plus when it left,
//! when it arrives and why it was sent.

use crate::describe::entry_label;
use raft::Message;
use sim::network::ClientReply;
use sim::{InFlight, Packet};

/// What the message dialog shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageFields {
    /// The network's id (`data-msg`).
    pub id: u64,
    /// The message type's name.
    pub kind: &'static str,
    /// "S1 → S3".
    pub route: String,
    /// (Figure 2 name, value), in the paper's order.
    pub fields: Vec<(&'static str, String)>,
    /// Sent at, ms.
    pub sent: u64,
    /// Arrives at, ms.
    pub arrives: u64,
    /// Why it was sent, in Raft words.
    pub why: String,
    /// Why it will not arrive, if it will not.
    pub lost: Option<String>,
}

/// The fields of message `m`.
pub fn message_fields(m: &InFlight) -> MessageFields {
    let from = m.from.to_string();
    let mut f: Vec<(&'static str, String)> = Vec::new();
    match &m.packet {
        Packet::Raft(msg) => {
            f.push(("term", msg.term().to_string()));
            match msg {
                Message::RequestVote(rv) | Message::PreVote(rv) => {
                    f.push(("candidateId", from));
                    f.push(("lastLogIndex", rv.last_log_index.to_string()));
                    f.push(("lastLogTerm", rv.last_log_term.to_string()));
                }
                Message::RequestVoteReply(r) | Message::PreVoteReply(r) => {
                    f.push(("voteGranted", r.vote_granted.to_string()));
                }
                Message::AppendEntries(ae) => {
                    f.push(("leaderId", from));
                    f.push(("prevLogIndex", ae.prev_log_index.to_string()));
                    f.push(("prevLogTerm", ae.prev_log_term.to_string()));
                    let entries: Vec<String> = ae
                        .entries
                        .iter()
                        .map(|e| {
                            format!("{} {} (term {})", e.index, entry_label(&e.payload), e.term)
                        })
                        .collect();
                    f.push((
                        "entries",
                        if entries.is_empty() {
                            "none (heartbeat)".into()
                        } else {
                            entries.join(", ")
                        },
                    ));
                    f.push(("leaderCommit", ae.leader_commit.to_string()));
                }
                Message::AppendEntriesReply(r) => {
                    f.push(("success", r.success.to_string()));
                    f.push(("matchIndex", r.index.to_string()));
                }
                Message::InstallSnapshot(s) => {
                    f.push(("leaderId", from));
                    let (index, term) =
                        (s.snapshot.last_included_index, s.snapshot.last_included_term);
                    f.push(("lastIncludedIndex", index.to_string()));
                    f.push(("lastIncludedTerm", term.to_string()));
                }
                Message::InstallSnapshotReply(r) => f.push(("lastIndex", r.last_index.to_string())),
                Message::ReadIndex(r) => f.push(("ctx", r.ctx.to_string())),
                Message::ReadIndexReply(r) => {
                    f.push(("ctx", r.ctx.to_string()));
                    f.push((
                        "readIndex",
                        r.index.map(|i| i.to_string()).unwrap_or_else(|| "refused".into()),
                    ));
                }
                Message::TimeoutNow(_) => f.push(("leaderId", from)),
            }
        }
        Packet::Request(r) => {
            f.push(("seq", r.seq.to_string()));
            f.push(("op", r.op.to_string()));
        }
        Packet::Reply(ClientReply::Done { seq, output }) => {
            f.push(("seq", seq.to_string()));
            f.push(("output", output.to_string()));
        }
        Packet::Reply(ClientReply::Redirect { seq, leader }) => {
            f.push(("seq", seq.to_string()));
            f.push(("leaderHint", leader.map(|l| l.to_string()).unwrap_or_else(|| "none".into())));
        }
    }
    MessageFields {
        id: m.id,
        kind: m.packet.kind().name(),
        route: format!("{} → {}", m.from, m.to),
        fields: f,
        sent: m.sent_at,
        arrives: m.deliver_at,
        why: m.cause.to_string(),
        lost: m.dropped.map(|d| d.to_string()),
    }
}
