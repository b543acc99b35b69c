//! How a tour's world begins: a fresh cluster, or every server booted from
//! a disk drawn the way the source draws it (currentTerm, votedFor, and the
//! log as (term, command) pairs).

pub use crate::setup::{DiskImage, NOOP};
use crate::timeline::Origin;
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

impl Start {
    /// The timeline's origin for this start: what a share link carries
    /// (the disks as drawn, checked to be readable).
    pub fn origin(&self) -> Result<Origin, String> {
        match self {
            Start::Fresh => Ok(Origin::Fresh),
            Start::Disks(images) => {
                crate::setup::disks(images)?;
                Ok(Origin::Disks(images.clone()))
            }
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
