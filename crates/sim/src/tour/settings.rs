//! A tour's cluster settings: the few that matter to a story, each with the
//! playground's default when absent. Settings a story changes part-way
//! (message loss, PreVote…) are actions of its steps instead.

use crate::config::SimConfig;
use raft::{Bug, Feature, ReadMode, Time};
use serde::{Deserialize, Serialize};

/// The cluster a tour runs on. Absent fields keep [`SimConfig`]'s defaults
/// (five servers, election timeout 150–300 ms, heartbeat 50 ms, latency
/// 10–20 ms), except `servers`, which tours most often set to 3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Number of servers, 1 to 9.
    pub servers: u8,
    /// Seed of every random choice (election timeouts, latencies).
    pub seed: u64,
    /// Election timeout range, ms: `[min, max]` (§5.2).
    pub election_timeout: Option<[Time; 2]>,
    /// Heartbeat interval, ms.
    pub heartbeat: Option<Time>,
    /// One-way latency range, ms: `[min, max]`.
    pub latency: Option<[Time; 2]>,
    /// How long a client waits before retrying, ms.
    pub client_timeout: Option<Time>,
    /// Protocol features switched on from the start.
    pub features: Vec<Feature>,
    /// Deliberate mistakes switched on from the start (by their snake_case
    /// names, e.g. `commit_by_counting_old_terms`).
    pub bugs: Vec<Bug>,
    /// How Gets are served.
    pub read_mode: Option<ReadMode>,
    /// Automatic snapshot threshold, applied entries (§7).
    pub snapshot_threshold: Option<u64>,
    /// Most entries per AppendEntries.
    pub max_entries_per_append: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            servers: 3,
            seed: 1,
            election_timeout: None,
            heartbeat: None,
            latency: None,
            client_timeout: None,
            features: Vec::new(),
            bugs: Vec::new(),
            read_mode: None,
            snapshot_threshold: None,
            max_entries_per_append: None,
        }
    }
}

impl Settings {
    /// The simulator's settings these make, checked; the message says what
    /// to change.
    pub fn config(&self) -> Result<SimConfig, String> {
        let mut c = SimConfig { servers: self.servers, seed: self.seed, ..SimConfig::default() };
        if let Some([min, max]) = self.election_timeout {
            (c.raft.election_timeout_min, c.raft.election_timeout_max) = (min, max);
        }
        if let Some(h) = self.heartbeat {
            c.raft.heartbeat_interval = h;
        }
        if let Some([min, max]) = self.latency {
            (c.latency_min, c.latency_max) = (min, max);
        }
        if let Some(t) = self.client_timeout {
            c.client_timeout = t;
        }
        for &f in &self.features {
            c.raft.set_feature(f, true);
        }
        for &b in &self.bugs {
            c.raft.bugs.set(b, true);
        }
        if let Some(m) = self.read_mode {
            c.raft.read_mode = m;
        }
        c.snapshot_threshold = self.snapshot_threshold;
        if let Some(n) = self.max_entries_per_append {
            c.raft.max_entries_per_append = n;
        }
        c.validate()?;
        Ok(c)
    }
}
