//! The replicated application: a key-value store with Put(K, V), Get(K) and
//! Delete(K) (the running example of the "closer look at Raft internals"
//! walkthrough), applied from committed entries.
//!
//! Every command carries its client's id and sequence number, and the store
//! remembers each client's last answer, so a command that reaches the log
//! twice (a client retried after a timeout) is executed once and the
//! duplicate gets the saved answer (the walkthrough: "operations can have attached
//! IDs ... so that the state machine's code can recognize whether a
//! particular operation was executed before").

use raft::SortedMap;
use serde::{Deserialize, Serialize};
use std::fmt;

mod token;
pub use token::Token;

/// A client's identity, drawn as C1, C2, ….
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct ClientId(pub u32);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{}", self.0)
    }
}

/// An operation on the key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvOp {
    /// Put(K, V): set `key` to `value`.
    Put {
        /// The key.
        key: Token,
        /// The new value.
        value: Token,
    },
    /// Get(K): read `key`.
    Get {
        /// The key.
        key: Token,
    },
    /// Delete(K): remove `key`.
    Delete {
        /// The key.
        key: Token,
    },
}

impl KvOp {
    /// The key it reads or writes: each key is one object of the store, so
    /// a linearizability check can take the keys one at a time.
    pub fn key(&self) -> &str {
        match self {
            KvOp::Put { key, .. } | KvOp::Get { key } | KvOp::Delete { key } => key,
        }
    }
}

/// `Put(x, 3)`, `Get(x)`, `Delete(x)`: the seeds' notation. Written piece
/// by piece, not through a format string, as every command's words are
/// put together for the trace.
impl fmt::Display for KvOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, key) = match self {
            KvOp::Put { key, .. } => ("Put(", key),
            KvOp::Get { key } => ("Get(", key),
            KvOp::Delete { key } => ("Delete(", key),
        };
        f.write_str(verb)?;
        f.write_str(key)?;
        if let KvOp::Put { value, .. } = self {
            f.write_str(", ")?;
            f.write_str(value)?;
        }
        f.write_str(")")
    }
}

/// The store's answer to an operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvOutput {
    /// A Put or Delete was applied.
    Done,
    /// A Get's answer: the value, or `None` if the key is absent.
    Value(Option<Token>),
}

impl fmt::Display for KvOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOutput::Done => write!(f, "ok"),
            KvOutput::Value(Some(v)) => write!(f, "{v}"),
            KvOutput::Value(None) => write!(f, "(not found)"),
        }
    }
}

/// What goes into a log entry: the operation with its client session
/// stamp.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KvCommand {
    /// Who sent it.
    pub client: ClientId,
    /// The client's sequence number for it, starting at 1.
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
}

impl fmt::Display for KvCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.op)
    }
}

/// The state machine on one server: the key-value map plus each client's
/// last sequence number and answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    data: SortedMap<Token, Token>,
    sessions: SortedMap<ClientId, (u64, KvOutput)>,
}

impl KvStore {
    /// Apply a committed command, at most once per (client, seq). Returns the
    /// answer, and whether this was a duplicate answered from the session.
    pub fn apply(&mut self, cmd: &KvCommand) -> (KvOutput, bool) {
        if let Some((seq, out)) = self.sessions.get(&cmd.client) {
            if cmd.seq <= *seq {
                return (out.clone(), true);
            }
        }
        let out = match &cmd.op {
            KvOp::Put { key, value } => {
                self.data.insert(key.clone(), value.clone());
                KvOutput::Done
            }
            KvOp::Get { key } => KvOutput::Value(self.data.get(key).cloned()),
            KvOp::Delete { key } => {
                self.data.remove(key);
                KvOutput::Done
            }
        };
        self.sessions.insert(cmd.client, (cmd.seq, out.clone()));
        (out, false)
    }

    /// The saved answer if `client` already had `seq` applied.
    pub fn saved_answer(&self, client: ClientId, seq: u64) -> Option<&KvOutput> {
        self.sessions.get(&client).filter(|(s, _)| *s == seq).map(|(_, o)| o)
    }

    /// The store as bytes, for a Raft snapshot (§7).
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("a KvStore always encodes")
    }

    /// The store a snapshot holds.
    pub fn decode(bytes: &[u8]) -> Result<KvStore, String> {
        postcard::from_bytes(bytes)
            .map_err(|e| format!("the snapshot is not a key-value store: {e}"))
    }

    /// The key-value pairs, in key order.
    pub fn data(&self) -> &SortedMap<Token, Token> {
        &self.data
    }
}

/// The key-value pairs in key order, `{x: 3, y: 4}` (keys and values are
/// single words, so they need no quotes).
impl fmt::Display for KvStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (key, value)) in self.data.iter().enumerate() {
            write!(f, "{}{key}: {value}", if i == 0 { "" } else { ", " })?;
        }
        f.write_str("}")
    }
}

/// Longest key or value the command box accepts.
pub const MAX_TOKEN_LEN: usize = 16;

/// Parse what a person types in the Command box: `put x 3`, `get x`,
/// `delete x` (or `del x`), case-insensitive, or the seeds' own notation
/// `Put(x, 3)` / `Get(x)` / `Delete(x)`.
pub fn parse_command(text: &str) -> Result<KvOp, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("type a command, such as put x 3 or get x".into());
    }
    // Accept Put(x, 3) by turning the punctuation into spaces.
    let spaced: String =
        text.chars().map(|c| if matches!(c, '(' | ')' | ',') { ' ' } else { c }).collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let verb = words[0].to_ascii_lowercase();
    let args = &words[1..];
    for w in args {
        if w.len() > MAX_TOKEN_LEN {
            return Err(format!(
                "'{w}' is too long: keys and values are at most {MAX_TOKEN_LEN} characters"
            ));
        }
        if !w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') {
            return Err(format!(
                "'{w}' has characters other than letters, digits, '_', '-' and '.'"
            ));
        }
    }
    let want = |n: usize, usage: &str| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("{verb} takes {n} argument{}: {usage}", if n == 1 { "" } else { "s" }))
        }
    };
    match verb.as_str() {
        "put" | "set" => {
            want(2, "put x 3")?;
            Ok(KvOp::Put { key: args[0].into(), value: args[1].into() })
        }
        "get" => {
            want(1, "get x")?;
            Ok(KvOp::Get { key: args[0].into() })
        }
        "delete" | "del" => {
            want(1, "delete x")?;
            Ok(KvOp::Delete { key: args[0].into() })
        }
        _ => Err(format!("unknown command '{}': try put x 3, get x or delete x", words[0])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(client: u32, seq: u64, op: KvOp) -> KvCommand {
        KvCommand { client: ClientId(client), seq, op }
    }

    #[test]
    fn a_store_is_written_as_its_pairs_in_key_order() {
        let mut kv = KvStore::default();
        assert_eq!(kv.to_string(), "{}");
        for (seq, (key, value)) in [("y", "4"), ("x", "3")].into_iter().enumerate() {
            kv.apply(&cmd(1, seq as u64 + 1, KvOp::Put { key: key.into(), value: value.into() }));
        }
        assert_eq!(kv.to_string(), "{x: 3, y: 4}");
    }

    #[test]
    fn a_store_survives_encoding_for_a_snapshot() {
        let mut kv = KvStore::default();
        kv.apply(&cmd(1, 1, KvOp::Put { key: "x".into(), value: "3".into() }));
        assert_eq!(KvStore::decode(&kv.encode()), Ok(kv));
        assert!(KvStore::decode(&[0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn operations_are_written_in_the_seeds_notation() {
        let (x, three) = (Token::from("x"), Token::from("3"));
        assert_eq!(KvOp::Put { key: x.clone(), value: three }.to_string(), "Put(x, 3)");
        assert_eq!(KvOp::Get { key: x.clone() }.to_string(), "Get(x)");
        assert_eq!(KvOp::Delete { key: x }.to_string(), "Delete(x)");
    }

    #[test]
    fn parses_plain_and_seed_notation() {
        let put = KvOp::Put { key: "x".into(), value: "3".into() };
        assert_eq!(parse_command("put x 3"), Ok(put.clone()));
        assert_eq!(parse_command("  PUT x 3 "), Ok(put.clone()));
        assert_eq!(parse_command("Put(x, 3)"), Ok(put));
        assert_eq!(parse_command("get x"), Ok(KvOp::Get { key: "x".into() }));
        assert_eq!(parse_command("Get(x)"), Ok(KvOp::Get { key: "x".into() }));
        assert_eq!(parse_command("del x"), Ok(KvOp::Delete { key: "x".into() }));
    }

    #[test]
    fn malformed_commands_say_what_is_wrong() {
        assert!(parse_command("").unwrap_err().contains("type a command"));
        assert!(parse_command("put x").unwrap_err().contains("put takes 2 arguments"));
        assert!(parse_command("get").unwrap_err().contains("get takes 1 argument"));
        assert!(parse_command("frobnicate x").unwrap_err().contains("unknown command"));
        assert!(parse_command("put x <b>").unwrap_err().contains("characters"));
        assert!(parse_command("put x 12345678901234567").unwrap_err().contains("too long"));
    }

    #[test]
    fn a_duplicate_command_is_applied_once_and_answered_from_the_session() {
        let mut kv = KvStore::default();
        let put = cmd(1, 1, KvOp::Put { key: "x".into(), value: "1".into() });
        assert_eq!(kv.apply(&put), (KvOutput::Done, false));
        kv.apply(&cmd(2, 1, KvOp::Put { key: "x".into(), value: "2".into() }));
        // C1's retry of seq 1 must not set x back to 1.
        assert_eq!(kv.apply(&put), (KvOutput::Done, true));
        assert_eq!(kv.data().get("x").map(Token::as_str), Some("2"));
        let get = cmd(1, 2, KvOp::Get { key: "x".into() });
        assert_eq!(kv.apply(&get).0, KvOutput::Value(Some("2".into())));
        assert_eq!(kv.saved_answer(ClientId(1), 2), Some(&KvOutput::Value(Some("2".into()))));
    }
}
