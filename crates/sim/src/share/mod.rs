//! Sharing a run: the [`RunRecord`] that says everything needed to rebuild
//! what a person was looking at, and its two encodings — a link
//! ([`to_link`]: postcard bytes in URL-safe base64, for the address's
//! fragment) and a file ([`RunFile`], JSON, to download and load back:
//! `to_json` with the `json` feature).
//! docs/run-format.md describes both, with their limits.
//!
//! A record is small because the simulator is deterministic: the settings
//! (seed included) and the actions a person took, each at the [`Moment`]
//! it was taken, rebuild every event of the run bit for bit.
//! [`Timeline::record`](crate::Timeline::record) makes one and
//! [`Timeline::from_record`](crate::Timeline::from_record) replays it.
//! Decoding checks the shape and the limits ([`RunRecord::validate`]);
//! only a replay can tell whether every action is accepted where it was
//! recorded.

mod bounded;
mod file;
mod link;

pub use file::{check_header, check_text, RunFile, FILE_FORMAT, MAX_FILE_BYTES};
#[cfg(feature = "json")]
pub use file::{from_json, to_json};
pub use link::{from_link, read_link, to_link, LINK_KEY, MAX_LINK_CHARS};

use crate::config::SimConfig;
use crate::timeline::{Moment, Origin, Recorded};
use raft::Time;
use serde::Serialize;

/// The version of the run format this playground writes. Version 2 added
/// the run's [`Origin`]; version 1 records (every one a fresh cluster) are
/// still read.
pub const VERSION: u32 = 2;

/// The oldest version this playground reads.
pub const OLDEST_VERSION: u32 = 1;

/// The message for a record of a version this playground cannot read.
fn unreadable_version(what: &str, version: impl std::fmt::Display) -> String {
    format!(
        "this {what} is version {version}; this playground reads versions {OLDEST_VERSION} to \
         {VERSION}"
    )
}

/// Most actions a record may hold.
pub const MAX_ACTIONS: usize = 100_000;

/// Latest virtual time a record may name, ms: 24 hours. A replay runs the
/// whole run again, so a run much longer than a person's session is not
/// one to share.
pub const MAX_TIME: Time = 24 * 60 * 60 * 1000;

/// One run of the playground, as shared: the cluster's settings, the
/// actions taken on the branch being looked at (from the start, in the
/// order taken), the moment shown and how far that branch was played.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunRecord {
    /// The format's version, [`VERSION`].
    pub version: u32,
    /// The settings the cluster started with, seed included.
    pub config: SimConfig,
    /// Every action of the branch, oldest first, each at the moment it was
    /// taken.
    pub actions: Vec<Recorded>,
    /// The moment shown.
    pub at: Moment,
    /// The latest moment the branch reached (at or after `at` and every
    /// action).
    pub end: Moment,
    /// How the world was made before the first event (version 1: always
    /// fresh).
    pub origin: Origin,
}

impl RunRecord {
    /// Check what can be checked without replaying: the version, the
    /// settings, the limits, and that the moments are in order. The message
    /// says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(OLDEST_VERSION..=VERSION).contains(&self.version) {
            return Err(unreadable_version("run", self.version));
        }
        self.config.validate().map_err(|e| format!("the run's settings cannot be used: {e}"))?;
        if self.actions.len() > MAX_ACTIONS {
            return Err(too_many_actions(self.actions.len()));
        }
        check_time("the run's end", self.end)?;
        let mut before = Moment::START;
        for (i, r) in self.actions.iter().enumerate() {
            if later(before, r.at) {
                return Err(format!(
                    "action {} ({}) is recorded at {}, before the action ahead of it ({before}): \
                     the actions are out of order",
                    i + 1,
                    r.action,
                    r.at
                ));
            }
            before = r.at;
        }
        if later(before, self.end) {
            return Err(format!(
                "the last action ({before}) is after the run's end ({})",
                self.end
            ));
        }
        if later(self.at, self.end) {
            return Err(format!(
                "the moment shown ({}) is past the run's end ({})",
                self.at, self.end
            ));
        }
        Ok(())
    }
}

/// Is `a` after `b` in event count or in time? Along a run neither goes
/// back.
fn later(a: Moment, b: Moment) -> bool {
    a.event > b.event || a.time > b.time
}

/// Refuse a moment past [`MAX_TIME`].
fn check_time(what: &str, m: Moment) -> Result<(), String> {
    if m.time > MAX_TIME {
        return Err(format!(
            "{what} is at {} ms; a shared run lasts at most {} ms (24 hours)",
            thousands(m.time),
            thousands(MAX_TIME)
        ));
    }
    Ok(())
}

/// The message for a record with `n` actions, more than [`MAX_ACTIONS`].
fn too_many_actions(n: usize) -> String {
    format!("{} actions: at most {}", thousands(n as u64), thousands(MAX_ACTIONS as u64))
}

/// `n` with a comma between each group of three digits: 1,000,001.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
