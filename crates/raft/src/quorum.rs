//! Majority arithmetic, kept apart from the role logic as etcd-io/raft keeps
//! its `quorum/` package.
//!
//! "A majority" always means a majority of *all* voting servers in the
//! configuration, not of those currently reachable (seed 003: "majority
//! refers to the total number of all Raft peers").

use crate::types::{LogIndex, NodeId};
use std::collections::BTreeMap;

/// The outcome of counting votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// A majority granted.
    Won,
    /// A majority refused: this election cannot be won.
    Lost,
    /// Not decided yet.
    Pending,
}

/// The set of servers whose votes count in elections and commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MajorityConfig {
    voters: Vec<NodeId>,
}

impl MajorityConfig {
    /// A configuration of the given voters (duplicates are ignored).
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> Self {
        let mut voters: Vec<NodeId> = voters.into_iter().collect();
        voters.sort();
        voters.dedup();
        MajorityConfig { voters }
    }

    /// The voters, in id order.
    pub fn voters(&self) -> &[NodeId] {
        &self.voters
    }

    /// Is `id` a voter here?
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok()
    }

    /// How many voters make a majority: ⌊n/2⌋ + 1.
    pub fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// The highest log index stored on a majority of voters, given each
    /// voter's matchIndex (missing voters count as 0). The leader may commit
    /// up to this index, subject to the current-term rule of §5.4.2.
    pub fn committed_index(&self, match_index: &BTreeMap<NodeId, LogIndex>) -> LogIndex {
        if self.voters.is_empty() {
            return 0;
        }
        let mut acked: Vec<LogIndex> =
            self.voters.iter().map(|v| match_index.get(v).copied().unwrap_or(0)).collect();
        acked.sort_unstable_by(|a, b| b.cmp(a));
        acked[self.quorum() - 1]
    }

    /// Count the votes recorded so far (`true` = granted).
    pub fn vote_result(&self, votes: &BTreeMap<NodeId, bool>) -> VoteResult {
        let (mut yes, mut no) = (0, 0);
        for v in &self.voters {
            match votes.get(v) {
                Some(true) => yes += 1,
                Some(false) => no += 1,
                None => {}
            }
        }
        if yes >= self.quorum() {
            VoteResult::Won
        } else if no > self.voters.len() - self.quorum() {
            VoteResult::Lost
        } else {
            VoteResult::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u8) -> MajorityConfig {
        MajorityConfig::new((1..=n).map(NodeId))
    }

    #[test]
    fn majority_of_all_servers_not_of_reachable_ones() {
        assert_eq!(ids(1).quorum(), 1);
        assert_eq!(ids(2).quorum(), 2);
        assert_eq!(ids(3).quorum(), 2);
        assert_eq!(ids(4).quorum(), 3);
        assert_eq!(ids(5).quorum(), 3);
        assert_eq!(ids(9).quorum(), 5);
    }

    #[test]
    fn committed_index_is_the_quorum_th_highest_match() {
        let c = ids(5);
        let m: BTreeMap<_, _> =
            [(NodeId(1), 7), (NodeId(2), 5), (NodeId(3), 9), (NodeId(4), 1)].into_iter().collect();
        // Sorted descending: 9, 7, 5, 1, 0 → the third is 5.
        assert_eq!(c.committed_index(&m), 5);
    }

    #[test]
    fn votes_win_lose_or_wait() {
        let c = ids(5);
        let mut v = BTreeMap::new();
        v.insert(NodeId(1), true);
        v.insert(NodeId(2), true);
        assert_eq!(c.vote_result(&v), VoteResult::Pending);
        v.insert(NodeId(3), true);
        assert_eq!(c.vote_result(&v), VoteResult::Won);
        let mut no = BTreeMap::new();
        for i in 1..=3 {
            no.insert(NodeId(i), false);
        }
        assert_eq!(c.vote_result(&no), VoteResult::Lost);
    }
}
