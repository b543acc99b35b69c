//! Settings of one server. Defaults are the paper's: an election timeout
//! drawn from 150–300 ms and a heartbeat well below it (§5.6, §9.3).

use crate::types::{NodeId, Time};
use serde::{Deserialize, Serialize};

/// One server's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// This server.
    pub id: NodeId,
    /// Every voting server in the cluster, including this one.
    pub voters: Vec<NodeId>,
    /// Lower bound of the election timeout, in ms.
    pub election_timeout_min: Time,
    /// Upper bound of the election timeout, in ms. A fresh timeout is drawn
    /// uniformly from `min..=max` at every reset (§5.2).
    pub election_timeout_max: Time,
    /// How often an idle leader sends empty AppendEntries (heartbeats).
    pub heartbeat_interval: Time,
    /// Most entries carried by one AppendEntries.
    pub max_entries_per_append: usize,
    /// Most AppendEntries carrying entries in flight to one follower once
    /// the leader knows where its log matches.
    pub max_inflight: usize,
    /// On a rejected AppendEntries, jump nextIndex back by a whole term using
    /// the follower's hint instead of one entry per round trip (§5.3).
    pub fast_backtrack: bool,
}

impl Config {
    /// A configuration with the paper's default timings for server `id` in a
    /// cluster of `voters`.
    pub fn new(id: NodeId, voters: Vec<NodeId>) -> Self {
        Config {
            id,
            voters,
            election_timeout_min: 150,
            election_timeout_max: 300,
            heartbeat_interval: 50,
            max_entries_per_append: 16,
            max_inflight: 4,
            fast_backtrack: false,
        }
    }

    /// Check the settings make sense; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if !self.voters.contains(&self.id) {
            return Err(format!("{} is not among the voters", self.id));
        }
        if self.election_timeout_min == 0 || self.election_timeout_max < self.election_timeout_min {
            return Err("the election timeout range must be non-empty and above 0 ms".into());
        }
        if self.heartbeat_interval == 0 || self.heartbeat_interval >= self.election_timeout_min {
            return Err(
                "the heartbeat interval must be above 0 and below the election timeout".into()
            );
        }
        if self.max_entries_per_append == 0 || self.max_inflight == 0 {
            return Err(
                "entries per AppendEntries and AppendEntries in flight must be at least 1".into()
            );
        }
        Ok(())
    }
}
