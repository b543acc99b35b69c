//! The world's settings: cluster size, timings, network behaviour.

use raft::Time;
use serde::{Deserialize, Serialize};

/// Most servers the playground draws.
pub const MAX_SERVERS: u8 = 9;

/// Settings of a simulated cluster and its network. Defaults are DESIGN.md's:
/// five servers, election timeout 150–300 ms, heartbeat 50 ms, one-way
/// latency 10–20 ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// Number of servers the cluster starts with, 1 to 9 (more can be
    /// added while it runs, up to 9).
    pub servers: u8,
    /// Seed of every random choice in the run.
    pub seed: u64,
    /// Election timeout range, ms.
    pub election_timeout_min: Time,
    /// Election timeout range, ms.
    pub election_timeout_max: Time,
    /// Leader heartbeat interval, ms.
    pub heartbeat_interval: Time,
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
    /// Leaders jump back a whole term on rejection (§5.3's optimization).
    pub fast_backtrack: bool,
    /// How Gets are served: through the log, by ReadIndex, or by lease.
    pub read_mode: raft::ReadMode,
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2).
    pub check_quorum: bool,
    /// Take a snapshot when this many applied entries sit in a server's log
    /// since its last snapshot; `None` never compacts on its own (§7).
    pub snapshot_threshold: Option<u64>,
    /// Most entries one AppendEntries carries (batching).
    pub max_entries_per_append: usize,
    /// Most AppendEntries with entries in flight to one follower once the
    /// leader knows where its log matches (flow control).
    pub max_inflight: usize,
    /// Deliberate protocol mistakes ("break Raft" experiments); all off by
    /// default.
    pub bugs: raft::BugSwitches,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            servers: 5,
            seed: 1,
            election_timeout_min: 150,
            election_timeout_max: 300,
            heartbeat_interval: 50,
            latency_min: 10,
            latency_max: 20,
            loss_percent: 0.0,
            duplicate_percent: 0.0,
            long_delay_percent: 0.0,
            long_delay_ms: 500,
            client_timeout: 500,
            fast_backtrack: false,
            read_mode: raft::ReadMode::Log,
            pre_vote: false,
            check_quorum: false,
            snapshot_threshold: None,
            max_entries_per_append: 16,
            max_inflight: 4,
            bugs: raft::BugSwitches::default(),
        }
    }
}

impl SimConfig {
    /// Is a protocol feature on for the cluster?
    pub fn feature(&self, feature: raft::Feature) -> bool {
        self.raft_config(raft::NodeId(1)).feature(feature)
    }

    /// Switch a protocol feature for the cluster.
    pub fn set_feature(&mut self, feature: raft::Feature, on: bool) {
        match feature {
            raft::Feature::PreVote => self.pre_vote = on,
            raft::Feature::CheckQuorum => self.check_quorum = on,
            raft::Feature::FastBacktrack => self.fast_backtrack = on,
        }
    }

    /// Check the settings; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_SERVERS).contains(&self.servers) {
            return Err(format!(
                "the cluster needs 1 to {MAX_SERVERS} servers, not {}",
                self.servers
            ));
        }
        if self.latency_max < self.latency_min {
            return Err("the latency range is empty: its maximum is below its minimum".into());
        }
        for (what, p) in [
            ("message loss", self.loss_percent),
            ("message duplication", self.duplicate_percent),
            ("long delays", self.long_delay_percent),
        ] {
            if !(0.0..=100.0).contains(&p) || p.is_nan() {
                return Err(format!("{what} must be between 0% and 100%"));
            }
        }
        if self.snapshot_threshold == Some(0) {
            return Err("the snapshot threshold must be at least 1 entry".into());
        }
        if self.client_timeout == 0 {
            return Err("the client timeout must be above 0 ms".into());
        }
        self.raft_config(raft::NodeId(1)).validate()
    }

    /// The Raft settings of server `id` in this cluster. The first
    /// `servers` start as its voters; a server added later starts knowing no
    /// configuration and learns it from the leader's log.
    pub fn raft_config(&self, id: raft::NodeId) -> raft::Config {
        let voters = if id.0 <= self.servers {
            (1..=self.servers).map(raft::NodeId).collect()
        } else {
            Vec::new()
        };
        let mut c = raft::Config::new(id, voters);
        c.election_timeout_min = self.election_timeout_min;
        c.election_timeout_max = self.election_timeout_max;
        c.heartbeat_interval = self.heartbeat_interval;
        c.fast_backtrack = self.fast_backtrack;
        c.read_mode = self.read_mode;
        c.pre_vote = self.pre_vote;
        c.check_quorum = self.check_quorum;
        c.max_entries_per_append = self.max_entries_per_append;
        c.max_inflight = self.max_inflight;
        c.bugs = self.bugs.clone();
        c
    }
}
