//! How a tour's world begins: a fresh cluster, or every server booted from
//! a disk drawn the way the source draws it (currentTerm, votedFor, and the
//! log as (term, command) pairs).

use crate::kv::{parse_command, KvCommand};
use crate::setup;
use crate::timeline::Origin;
use raft::{NodeId, Payload, PersistentState, Term};
use serde::{Deserialize, Serialize};

/// The world before a tour's first step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Start {
    /// Every server a follower in term 0 with an empty log.
    #[default]
    Fresh,
    /// One disk per server, S1 first ([`Sim::from_disks`](crate::Sim::from_disks)):
    /// each boots as after a crash, a follower with commitIndex 0.
    Disks(Vec<DiskImage>),
}

/// One server's disk as a tour writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskImage {
    /// currentTerm.
    pub term: Term,
    /// votedFor in that term, if any.
    #[serde(default)]
    pub voted_for: Option<NodeId>,
    /// The log, from index 1: each entry's term and command, in the
    /// Command box's words or the articles' notation (`"Put(x, 1)"`,
    /// `"get x"`), or `"no-op"` for a leader's empty entry (§8).
    #[serde(default)]
    pub log: Vec<(Term, String)>,
}

/// The word for a leader's no-op entry in a tour's logs and claims.
pub const NOOP: &str = "no-op";

impl DiskImage {
    /// The disk this image draws; the message names the entry that cannot
    /// be read.
    pub fn disk(&self) -> Result<PersistentState<KvCommand>, String> {
        let entries = self
            .log
            .iter()
            .enumerate()
            .map(|(i, (term, text))| {
                let index = i as u64 + 1;
                let payload = if text == NOOP {
                    Payload::Noop
                } else {
                    let op = parse_command(text).map_err(|e| format!("entry {index}: {e}"))?;
                    setup::command(index, op)
                };
                Ok((*term, payload))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(setup::disk(self.term, self.voted_for, entries))
    }
}

impl Start {
    /// The timeline's origin for this start: what a share link carries.
    pub fn origin(&self) -> Result<Origin, String> {
        match self {
            Start::Fresh => Ok(Origin::Fresh),
            Start::Disks(images) => images
                .iter()
                .enumerate()
                .map(|(i, d)| d.disk().map_err(|e| format!("S{}'s disk: {e}", i + 1)))
                .collect::<Result<_, _>>()
                .map(Origin::Disks),
        }
    }

    /// Does the start fit a cluster of `servers`? (The disks' own shape —
    /// terms never falling, none past currentTerm — is checked when the
    /// world boots from them.)
    pub(super) fn check(&self, servers: u8) -> Result<(), String> {
        if let Start::Disks(images) = self {
            if images.len() != usize::from(servers) {
                return Err(format!(
                    "{} disks for {servers} servers: give each server one disk",
                    images.len()
                ));
            }
        }
        self.origin().map(|_| ())
    }
}
