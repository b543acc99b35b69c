//! The world's settings: cluster size, the servers' Raft settings, network
//! behaviour.

use raft::{NodeId, Time};
use serde::{Deserialize, Serialize};

/// Most servers the playground draws.
pub const MAX_SERVERS: u8 = 9;

/// Settings of a simulated cluster and its network. Defaults are DESIGN.md's:
/// five servers, election timeout 150–300 ms, heartbeat 50 ms (the defaults
/// of [`raft::Config::new`]), one-way latency 10–20 ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// Number of servers the cluster starts with, 1 to 9 (more can be
    /// added while it runs, up to 9).
    pub servers: u8,
    /// Seed of every random choice in the run.
    pub seed: u64,
    /// The Raft settings every server shares (timeouts, heartbeat, batching
    /// and flow control, PreVote, CheckQuorum, fast backtracking, read mode,
    /// bug switches). Its `id` and `voters` are not used:
    /// [`SimConfig::raft_config`] fills them in for each server.
    pub raft: raft::Config,
    /// One-way message latency range, ms, drawn uniformly per message.
    pub latency_min: Time,
    /// One-way message latency range, ms.
    pub latency_max: Time,
    /// Chance that a message is lost, in percent.
    pub loss_percent: f64,
    /// Chance that a message is delivered twice, in percent (each copy with
    /// its own latency, so duplicates also arrive out of order).
    pub duplicate_percent: f64,
    /// Chance that a message is held up for `long_delay_ms` on top of its
    /// latency, in percent: it arrives long after later messages.
    pub long_delay_percent: f64,
    /// How long a held-up message is delayed, ms.
    pub long_delay_ms: Time,
    /// How long a client waits for an answer before retrying, ms.
    pub client_timeout: Time,
    /// Take a snapshot when this many applied entries sit in a server's log
    /// since its last snapshot; `None` never compacts on its own (§7).
    pub snapshot_threshold: Option<u64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            servers: 5,
            seed: 1,
            raft: raft::Config::new(NodeId(1), Vec::new()),
            latency_min: 10,
            latency_max: 20,
            loss_percent: 0.0,
            duplicate_percent: 0.0,
            long_delay_percent: 0.0,
            long_delay_ms: 500,
            client_timeout: 500,
            snapshot_threshold: None,
        }
    }
}

/// Longest one-way latency a cluster accepts, ms: ten seconds is far beyond
/// any election timeout already, and keeps arrival times far from overflow.
pub const MAX_LATENCY: Time = 10_000;

/// Is `p` a chance in percent (0 to 100)? `what` names it in the message.
pub fn check_chance(what: &str, p: f64) -> Result<(), String> {
    if !(0.0..=100.0).contains(&p) || p.is_nan() {
        return Err(format!("{what} must be between 0% and 100%"));
    }
    Ok(())
}

/// Is `min..=max` a one-way latency range, ms, the network can draw from?
pub fn check_latency(min: Time, max: Time) -> Result<(), String> {
    if max < min {
        return Err(format!(
            "the latency range is empty: its maximum ({max} ms) is below its minimum ({min} ms)"
        ));
    }
    if max > MAX_LATENCY {
        return Err(format!("latency must be at most {MAX_LATENCY} ms, not {max} ms"));
    }
    Ok(())
}

impl SimConfig {
    /// Check the settings; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_SERVERS).contains(&self.servers) {
            return Err(format!(
                "the cluster needs 1 to {MAX_SERVERS} servers, not {}",
                self.servers
            ));
        }
        check_latency(self.latency_min, self.latency_max)?;
        for (what, p) in [
            ("message loss", self.loss_percent),
            ("message duplication", self.duplicate_percent),
            ("long delays", self.long_delay_percent),
        ] {
            check_chance(what, p)?;
        }
        if self.snapshot_threshold == Some(0) {
            return Err("the snapshot threshold must be at least 1 entry".into());
        }
        if self.client_timeout == 0 {
            return Err("the client timeout must be above 0 ms".into());
        }
        self.raft_config(NodeId(1)).validate()
    }

    /// The Raft settings of server `id` in this cluster: the shared
    /// [`SimConfig::raft`] settings with its own id. The first `servers`
    /// start as its voters; a server added later starts knowing no
    /// configuration and learns it from the leader's log (thesis §4.2.1).
    pub fn raft_config(&self, id: NodeId) -> raft::Config {
        let voters = if id.0 <= self.servers {
            (1..=self.servers).map(NodeId).collect()
        } else {
            Vec::new()
        };
        raft::Config { id, voters, ..self.raft.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_gets_the_shared_settings_and_its_own_id() {
        let mut config = SimConfig { servers: 3, ..SimConfig::default() };
        config.raft.pre_vote = true;
        config.raft.heartbeat_interval = 40;
        let c = config.raft_config(NodeId(2));
        assert_eq!(
            (c.id, c.voters.len(), c.pre_vote, c.heartbeat_interval),
            (NodeId(2), 3, true, 40)
        );
        assert!(config.raft_config(NodeId(4)).voters.is_empty(), "a later server learns them");
    }

    #[test]
    fn a_bad_raft_setting_is_refused_with_its_reason() {
        let mut config = SimConfig::default();
        config.raft.heartbeat_interval = 400;
        assert!(config.validate().unwrap_err().contains("heartbeat"));
    }
}
