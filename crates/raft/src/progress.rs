//! The leader's view of each follower: nextIndex and matchIndex (Figure 2,
//! "Volatile state on leaders"), plus the flow-control state etcd-io/raft
//! calls probe and replicate.

use crate::types::{LogIndex, Time};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the leader is currently sending to one follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgressState {
    /// The leader does not know where the follower's log matches its own: it
    /// sends one AppendEntries at a time and waits for the answer (or the
    /// next heartbeat) before trying again, walking nextIndex back on each
    /// rejection (§5.3).
    Probe,
    /// The logs are known to match up to matchIndex: the leader streams
    /// entries, advancing nextIndex as soon as it sends, with a bounded
    /// number of AppendEntries in flight.
    Replicate,
}

/// One follower's replication progress, as the leader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Index of the next entry to send to this follower (initialised to the
    /// leader's last index + 1, §5.3).
    pub next_index: LogIndex,
    /// Highest index known to be replicated on this follower (initialised to
    /// 0, increases monotonically).
    pub match_index: LogIndex,
    /// Probe or replicate.
    pub state: ProgressState,
    /// In probe state: an AppendEntries is out and unanswered.
    pub probe_sent: bool,
    /// In replicate state: for each AppendEntries in flight, oldest first,
    /// the last index it carries and when it was sent.
    pub inflight: VecDeque<(LogIndex, Time)>,
}

impl Progress {
    /// A fresh progress for a new leader whose last index is `last_index`.
    pub fn new(last_index: LogIndex) -> Self {
        Progress {
            next_index: last_index + 1,
            match_index: 0,
            state: ProgressState::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
        }
    }

    /// May the leader send this follower another AppendEntries carrying
    /// entries right now?
    pub fn can_send(&self, max_inflight: usize) -> bool {
        match self.state {
            ProgressState::Probe => !self.probe_sent,
            ProgressState::Replicate => self.inflight.len() < max_inflight.max(1),
        }
    }

    /// Record that an AppendEntries ending at `last` was sent at `now`.
    pub fn sent(&mut self, last: LogIndex, now: Time) {
        match self.state {
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Replicate => {
                self.next_index = last + 1;
                self.inflight.push_back((last, now));
            }
        }
    }

    /// When the oldest unanswered AppendEntries in flight was sent.
    pub fn oldest_inflight_sent(&self) -> Option<Time> {
        self.inflight.front().map(|&(_, t)| t)
    }

    /// The follower acknowledged everything up to `index` (an
    /// AppendEntries or InstallSnapshot succeeded). Returns true if this
    /// taught the leader something new (matchIndex moved).
    pub fn maybe_update(&mut self, index: LogIndex) -> bool {
        while self.inflight.front().is_some_and(|&(i, _)| i <= index) {
            self.inflight.pop_front();
        }
        let updated = index > self.match_index;
        if updated {
            self.match_index = index;
        }
        if self.state == ProgressState::Probe {
            // The probe found where the logs agree: stream from there.
            self.become_replicate();
        } else {
            self.next_index = self.next_index.max(index + 1);
        }
        updated
    }

    /// The logs are known to match through matchIndex: stream entries from
    /// just past it.
    pub fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
        self.inflight.clear();
        self.next_index = self.match_index + 1;
    }

    /// Where the logs match is unknown again (a rejection, or entries in
    /// flight presumed lost): probe one AppendEntries at a time from
    /// `next_index` (never below matchIndex + 1).
    pub fn become_probe(&mut self, next_index: LogIndex) {
        self.next_index = next_index.max(self.match_index + 1);
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.inflight.clear();
    }

    /// The follower rejected an AppendEntries whose prevLogIndex was
    /// `rejected`: probe again from `rejected` (one entry back, §5.3), or,
    /// with fast backtracking, from the follower's `hint` (kept within
    /// 1..=`rejected`). A rejection at or below matchIndex, or (while
    /// probing) of anything but the latest probe, is stale, since replies
    /// can arrive late or twice: it is ignored and this returns false.
    pub fn maybe_decr_to(&mut self, rejected: LogIndex, hint: Option<LogIndex>) -> bool {
        let stale = rejected <= self.match_index
            || (self.state == ProgressState::Probe && rejected + 1 != self.next_index);
        if stale {
            return false;
        }
        self.become_probe(hint.map_or(rejected, |h| h.clamp(1, rejected)));
        true
    }

    /// The leader sent its snapshot (§7): wait for the answer (or the next
    /// heartbeat) before sending more.
    pub fn sent_snapshot(&mut self) {
        self.state = ProgressState::Probe;
        self.probe_sent = true;
        self.inflight.clear();
    }

    /// A heartbeat interval passed: a probe that got no answer may be sent
    /// again (it or its reply may have been lost).
    pub fn heartbeat_elapsed(&mut self) {
        self.probe_sent = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_rejection_is_ignored_and_a_fresh_one_probes_from_the_hint() {
        let mut pr = Progress::new(5);
        assert!(pr.maybe_update(3), "the probe found the logs agree through 3");
        assert_eq!((pr.state, pr.next_index), (ProgressState::Replicate, 4));
        // A late rejection at or below matchIndex (here of prevLogIndex 0,
        // where a hint could not even be clamped) changes nothing.
        assert!(!pr.maybe_decr_to(0, Some(0)));
        assert!(!pr.maybe_decr_to(3, None));
        assert_eq!((pr.state, pr.next_index), (ProgressState::Replicate, 4));
        // A rejection past matchIndex goes back to probing; the hint is kept
        // within 1..=rejected and never below matchIndex + 1.
        pr.sent(6, 0);
        assert!(pr.maybe_decr_to(6, Some(9)));
        assert_eq!((pr.state, pr.next_index), (ProgressState::Probe, 6));
        assert!(pr.maybe_decr_to(5, Some(1)));
        assert_eq!(pr.next_index, 4);
        // While probing, only the answer to the latest probe counts.
        assert!(!pr.maybe_decr_to(5, None));
    }
}
