//! Words for what the page draws: short labels for log entries, the
//! accessible names of servers, tooltips of messages in flight, and a
//! server's key-value state. Plain functions of simulator values, so they
//! can be tested on the host.

use raft::{Entry, Membership, Message, NodeId, Payload, SortedMap};
use sim::network::ClientReply;
use sim::{InFlight, KvCommand, KvOp, Packet, Token};
use std::fmt::Write;

/// How a log entry's command is written in its box: `x←3`, `get x`,
/// `del x`, or `no-op` for a new leader's empty entry (§8).
pub fn entry_label(payload: &Payload<KvCommand>) -> String {
    match payload {
        Payload::Noop => "no-op".to_string(),
        Payload::Command(cmd) => op_label(&cmd.op),
        Payload::Config(m) if m.is_joint() => "joint".to_string(),
        Payload::Config(m) if !m.learners.is_empty() => {
            format!("cfg{}+{}", m.voters.len(), m.learners.len())
        }
        Payload::Config(m) => format!("cfg {}", m.voters.len()),
    }
}

/// A set of servers: "S1 S2 S3".
fn servers(ids: impl IntoIterator<Item = NodeId>) -> String {
    let v: Vec<String> = ids.into_iter().map(|n| n.to_string()).collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(" ")
    }
}

/// A cluster configuration in words (§6): its voters, and while joint
/// (C_old,new) the outgoing voters, and any learners.
pub fn membership_text(m: &Membership) -> String {
    let mut s = format!("voters {}", servers(m.voters.iter().copied()));
    if !m.outgoing.is_empty() {
        let _ = write!(s, " joint with old voters {}", servers(m.outgoing.iter().copied()));
    }
    if !m.learners.is_empty() {
        let _ = write!(s, ", learners {}", servers(m.learners.iter().copied()));
    }
    s
}

/// A key-value operation in the log's short notation.
pub fn op_label(op: &KvOp) -> String {
    match op {
        KvOp::Put { key, value } => format!("{key}←{value}"),
        KvOp::Get { key } => format!("get {key}"),
        KvOp::Delete { key } => format!("del {key}"),
    }
}

/// The tooltip of a log entry box.
pub fn entry_title(entry: &Entry<KvCommand>, committed: bool) -> String {
    let what = match &entry.payload {
        Payload::Noop => "no-op (appended by the new leader)".to_string(),
        Payload::Command(cmd) => format!("{} from {} (seq {})", cmd.op, cmd.client, cmd.seq),
        Payload::Config(m) => format!("new configuration: {}", membership_text(m)),
    };
    format!(
        "index {}, term {}: {what}{}",
        entry.index,
        entry.term,
        if committed { ", committed" } else { ", not yet committed on this server" }
    )
}

/// The accessible name of a server: "S1, leader, term 3, commit index 5,
/// 6 log entries".
pub fn server_label(id: NodeId, role: &str, term: u64, commit: u64, log_len: u64) -> String {
    format!(
        "{id}, {role}, term {term}, commit index {commit}, {log_len} log entr{}",
        if log_len == 1 { "y" } else { "ies" }
    )
}

/// A server's key-value state as "x = 3" pairs, in key order.
pub fn kv_pairs(data: &SortedMap<Token, Token>) -> Vec<String> {
    data.iter().map(|(k, v)| format!("{k} = {v}")).collect()
}

/// The tooltip of a message in flight: its type, ends, contents and fate.
pub fn message_title(m: &InFlight) -> String {
    let mut s = format!("{} {} → {}\n", m.packet.kind(), m.from, m.to);
    match &m.packet {
        Packet::Raft(Message::RequestVote(rv) | Message::PreVote(rv)) => {
            let _ = write!(
                s,
                "term {}, lastLogIndex {}, lastLogTerm {}",
                rv.term, rv.last_log_index, rv.last_log_term
            );
        }
        Packet::Raft(Message::RequestVoteReply(r) | Message::PreVoteReply(r)) => {
            let _ = write!(
                s,
                "term {}, vote {}",
                r.term,
                if r.vote_granted { "granted" } else { "refused" }
            );
        }
        Packet::Raft(Message::AppendEntries(ae)) => {
            let _ = writeln!(
                s,
                "term {}, prevLogIndex {}, prevLogTerm {}, leaderCommit {}",
                ae.term, ae.prev_log_index, ae.prev_log_term, ae.leader_commit
            );
            if ae.entries.is_empty() {
                s.push_str("no entries (heartbeat)");
            } else {
                s.push_str("entries: ");
                for (i, e) in ae.entries.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "{} {} (term {})", e.index, entry_label(&e.payload), e.term);
                }
            }
        }
        Packet::Raft(Message::AppendEntriesReply(r)) => {
            if r.success {
                let _ = write!(s, "term {}, success: log matches through {}", r.term, r.index);
            } else {
                let _ = write!(
                    s,
                    "term {}, rejected (prevLogIndex {}), hint: retry from {}",
                    r.term, r.index, r.conflict_hint
                );
            }
        }
        Packet::Raft(Message::InstallSnapshot(is)) => {
            let snap = &is.snapshot;
            let _ = write!(
                s,
                "term {}, snapshot through index {} (term {}), {}",
                is.term,
                snap.last_included_index,
                snap.last_included_term,
                membership_text(&snap.membership)
            );
        }
        Packet::Raft(Message::InstallSnapshotReply(r)) => {
            let _ = write!(s, "term {}, log now matches through {}", r.term, r.last_index);
        }
        Packet::Raft(Message::TimeoutNow(t)) => {
            let _ = write!(s, "term {}: start an election now (leadership transfer)", t.term);
        }
        // Message types added to the protocol later still get a tooltip.
        #[allow(unreachable_patterns)]
        Packet::Raft(other) => {
            let _ = write!(s, "term {}", other.term());
        }
        Packet::Request(req) => {
            let _ = write!(s, "{} (seq {})", req.op, req.seq);
        }
        Packet::Reply(ClientReply::Done { seq, output }) => {
            let _ = write!(s, "done: {output} (seq {seq})");
        }
        Packet::Reply(ClientReply::Redirect { seq, leader }) => match leader {
            Some(l) => {
                let _ = write!(s, "not the leader: try {l} (seq {seq})");
            }
            None => {
                let _ = write!(s, "not the leader, and no leader known (seq {seq})");
            }
        },
    }
    let _ = write!(s, "\nsent at {} ms, arrives at {} ms", m.sent_at, m.deliver_at);
    if let Some(reason) = m.dropped {
        let _ = write!(s, "\nwill not arrive: {reason}");
    }
    s
}

/// Is this message a refusal (a vote refused, an AppendEntries rejected, a
/// client redirected)? Drawn with a slash.
pub fn is_refusal(p: &Packet) -> bool {
    match p {
        Packet::Raft(Message::RequestVoteReply(r) | Message::PreVoteReply(r)) => !r.vote_granted,
        Packet::Raft(Message::AppendEntriesReply(r)) => !r.success,
        Packet::Raft(Message::ReadIndexReply(r)) => r.index.is_none(),
        Packet::Reply(ClientReply::Redirect { .. }) => true,
        _ => false,
    }
}

/// How many log entries a message carries (AppendEntries only).
pub fn entry_count(p: &Packet) -> usize {
    match p {
        Packet::Raft(Message::AppendEntries(ae)) => ae.entries.len(),
        _ => 0,
    }
}

/// Does the message carry a snapshot (InstallSnapshot, §7)?
pub fn carries_snapshot(p: &Packet) -> bool {
    matches!(p, Packet::Raft(Message::InstallSnapshot(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::{AppendEntries, Entry};
    use sim::{ClientId, Endpoint};

    fn put(k: &str, v: &str) -> KvCommand {
        KvCommand { client: ClientId(1), seq: 1, op: KvOp::Put { key: k.into(), value: v.into() } }
    }

    #[test]
    fn entry_labels_are_short() {
        assert_eq!(entry_label(&Payload::Noop), "no-op");
        assert_eq!(entry_label(&Payload::Command(put("x", "3"))), "x←3");
        assert_eq!(op_label(&KvOp::Get { key: "x".into() }), "get x");
        assert_eq!(op_label(&KvOp::Delete { key: "x".into() }), "del x");
    }

    #[test]
    fn server_label_says_the_data_attributes_in_words() {
        assert_eq!(
            server_label(NodeId(1), "leader", 3, 5, 6),
            "S1, leader, term 3, commit index 5, 6 log entries"
        );
        assert_eq!(
            server_label(NodeId(2), "follower", 1, 0, 1),
            "S2, follower, term 1, commit index 0, 1 log entry"
        );
    }

    #[test]
    fn kv_pairs_are_in_key_order() {
        let mut m = SortedMap::new();
        assert!(kv_pairs(&m).is_empty());
        m.insert("y".into(), "2".into());
        m.insert("x".into(), "3".into());
        assert_eq!(kv_pairs(&m), vec!["x = 3", "y = 2"]);
    }

    #[test]
    fn append_entries_tooltip_shows_its_fields_and_entries() {
        let ae = AppendEntries {
            term: 3,
            prev_log_index: 4,
            prev_log_term: 2,
            entries: vec![Entry { term: 3, index: 5, payload: Payload::Command(put("x", "3")) }],
            leader_commit: 4,
            round: 0,
        };
        let m = InFlight {
            id: 7,
            from: Endpoint::Server(NodeId(1)),
            to: Endpoint::Server(NodeId(3)),
            packet: Packet::Raft(Message::AppendEntries(ae)),
            sent_at: 100,
            deliver_at: 115,
            dropped: Some(sim::DropReason::Lost),
            cause: sim::Cause::HeartbeatTimer(NodeId(1)),
        };
        let t = message_title(&m);
        assert!(t.starts_with("AppendEntries S1 → S3\n"), "{t}");
        assert!(t.contains("prevLogIndex 4, prevLogTerm 2, leaderCommit 4"), "{t}");
        assert!(t.contains("5 x←3 (term 3)"), "{t}");
        assert!(t.contains("will not arrive: lost by the network"), "{t}");
        assert_eq!(entry_count(&m.packet), 1);
        assert!(!is_refusal(&m.packet));
    }
}
