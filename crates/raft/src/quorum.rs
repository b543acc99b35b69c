//! Majority arithmetic, kept apart from the role logic as etcd-io/raft keeps
//! its `quorum/` package.
//!
//! "A majority" always means a majority of *all* voting servers in the
//! configuration, not of those currently reachable (the "closer look at
//! Raft internals" walkthrough: "majority refers to the total number of all
//! Raft peers").

use crate::peers::PeerMap;
use crate::types::{LogIndex, NodeId};

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
        voters.sort_unstable();
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
    pub fn committed_index(&self, match_index: &PeerMap<LogIndex>) -> LogIndex {
        self.committed_index_by(|v| match_index.get(&v).copied().unwrap_or(0))
    }

    /// [`committed_index`](Self::committed_index) with each voter's
    /// matchIndex given by `index_of`, so a caller need not build a map
    /// (the leader's own index lives apart from its followers' progress).
    /// Clusters of up to 16 voters sort on the stack: this runs at every
    /// acknowledgement a leader receives.
    pub fn committed_index_by(&self, index_of: impl Fn(NodeId) -> LogIndex) -> LogIndex {
        const ON_STACK: usize = 16;
        let n = self.voters.len();
        if n == 0 {
            return 0;
        }
        if n <= ON_STACK {
            let mut acked = [0; ON_STACK];
            for (a, &v) in acked.iter_mut().zip(&self.voters) {
                *a = index_of(v);
            }
            self.quorum_th_highest(&mut acked[..n])
        } else {
            let mut acked: Vec<LogIndex> = self.voters.iter().map(|&v| index_of(v)).collect();
            self.quorum_th_highest(&mut acked)
        }
    }

    /// The quorum-th highest of the voters' indexes.
    fn quorum_th_highest(&self, acked: &mut [LogIndex]) -> LogIndex {
        // Ascending, by insertion: a handful of voters are sorted in a few
        // comparisons, where the standard library's sort spends more on
        // choosing a strategy than on sorting. The quorum-th highest is then
        // `quorum` places from the end.
        for i in 1..acked.len() {
            let mut j = i;
            while j > 0 && acked[j - 1] > acked[j] {
                acked.swap(j - 1, j);
                j -= 1;
            }
        }
        acked[acked.len() - self.quorum()]
    }

    /// Count the votes recorded so far (`true` = granted).
    pub fn vote_result(&self, votes: &PeerMap<bool>) -> VoteResult {
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
        } else if no > self.voters.len().saturating_sub(self.quorum()) {
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
        let m: PeerMap<_> =
            [(NodeId(1), 7), (NodeId(2), 5), (NodeId(3), 9), (NodeId(4), 1)].into_iter().collect();
        // Sorted descending: 9, 7, 5, 1, 0 → the third is 5.
        assert_eq!(c.committed_index(&m), 5);
    }

    /// Every cluster size, on the stack and past it: the same index as
    /// sorting all of them and counting a quorum down from the highest.
    #[test]
    fn committed_index_agrees_with_a_full_sort_at_every_size() {
        let mut x = 0x2545_f491_u64;
        for n in 1..=20u8 {
            let c = ids(n);
            for _ in 0..50 {
                let m: PeerMap<LogIndex> = (1..=n)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (NodeId(i), x % 8)
                    })
                    .collect();
                let mut sorted: Vec<LogIndex> = m.iter().map(|(_, &i)| i).collect();
                sorted.sort_by(|a, b| b.cmp(a));
                assert_eq!(c.committed_index(&m), sorted[c.quorum() - 1], "{n} voters");
            }
        }
    }

    #[test]
    fn votes_win_lose_or_wait() {
        let c = ids(5);
        let mut v = PeerMap::new();
        v.insert(NodeId(1), true);
        v.insert(NodeId(2), true);
        assert_eq!(c.vote_result(&v), VoteResult::Pending);
        v.insert(NodeId(3), true);
        assert_eq!(c.vote_result(&v), VoteResult::Won);
        let mut no = PeerMap::new();
        for i in 1..=3 {
            no.insert(NodeId(i), false);
        }
        assert_eq!(c.vote_result(&no), VoteResult::Lost);
    }
}

/// A joint configuration (§6): while C_old,new is in effect, elections and
/// commitment need separate majorities of both C_old and C_new. With an
/// empty C_old it is a plain majority of C_new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointConfig {
    incoming: MajorityConfig,
    outgoing: MajorityConfig,
}

impl JointConfig {
    /// C_new = `incoming`, C_old = `outgoing` (empty when not joint).
    pub fn new(
        incoming: impl IntoIterator<Item = NodeId>,
        outgoing: impl IntoIterator<Item = NodeId>,
    ) -> Self {
        JointConfig {
            incoming: MajorityConfig::new(incoming),
            outgoing: MajorityConfig::new(outgoing),
        }
    }

    /// Is `id` a voter in either half?
    pub fn contains(&self, id: NodeId) -> bool {
        self.incoming.contains(id) || self.outgoing.contains(id)
    }

    /// Every voter, in id order.
    pub fn voters(&self) -> Vec<NodeId> {
        let mut v: Vec<NodeId> =
            self.incoming.voters().iter().chain(self.outgoing.voters()).copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Votes needed in C_new (for narration; C_old needs its own majority
    /// too while joint).
    pub fn quorum(&self) -> usize {
        self.incoming.quorum()
    }

    /// The highest index stored on a majority of C_new and of C_old.
    pub fn committed_index(&self, match_index: &PeerMap<LogIndex>) -> LogIndex {
        self.committed_index_by(|v| match_index.get(&v).copied().unwrap_or(0))
    }

    /// [`committed_index`](Self::committed_index) with each voter's
    /// matchIndex given by `index_of`.
    pub fn committed_index_by(&self, index_of: impl Fn(NodeId) -> LogIndex) -> LogIndex {
        let new = self.incoming.committed_index_by(&index_of);
        if self.outgoing.voters().is_empty() {
            new
        } else {
            new.min(self.outgoing.committed_index_by(&index_of))
        }
    }

    /// Won only if both halves are won; lost if either is lost.
    pub fn vote_result(&self, votes: &PeerMap<bool>) -> VoteResult {
        let new = self.incoming.vote_result(votes);
        let old = if self.outgoing.voters().is_empty() {
            VoteResult::Won
        } else {
            self.outgoing.vote_result(votes)
        };
        match (new, old) {
            (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
            (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
            _ => VoteResult::Pending,
        }
    }
}

#[cfg(test)]
mod joint_tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain reference: an index is committed if more than half of each
    /// non-empty half has a matchIndex at or above it; take the highest.
    fn reference_committed(new: &[u8], old: &[u8], m: &PeerMap<LogIndex>) -> LogIndex {
        let on_majority = |set: &[u8], idx: LogIndex| {
            let set: std::collections::BTreeSet<u8> = set.iter().copied().collect();
            set.is_empty()
                || set.iter().filter(|&&v| m.get(&NodeId(v)).copied().unwrap_or(0) >= idx).count()
                    * 2
                    > set.len()
        };
        (0..=20).rev().find(|&i| on_majority(new, i) && on_majority(old, i)).unwrap_or(0)
    }

    fn reference_vote(new: &[u8], old: &[u8], votes: &PeerMap<bool>) -> VoteResult {
        let half = |set: &[u8]| {
            let set: std::collections::BTreeSet<u8> = set.iter().copied().collect();
            if set.is_empty() {
                return VoteResult::Won;
            }
            let yes = set.iter().filter(|&&v| votes.get(&NodeId(v)) == Some(&true)).count();
            let no = set.iter().filter(|&&v| votes.get(&NodeId(v)) == Some(&false)).count();
            if yes * 2 > set.len() {
                VoteResult::Won
            } else if (set.len() - no) * 2 <= set.len() {
                VoteResult::Lost
            } else {
                VoteResult::Pending
            }
        };
        match (half(new), half(old)) {
            (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
            (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
            _ => VoteResult::Pending,
        }
    }

    proptest! {
        #[test]
        fn joint_quorum_matches_the_reference(
            new in proptest::collection::vec(1u8..=9, 1..7),
            old in proptest::collection::vec(1u8..=9, 0..7),
            matches in proptest::collection::btree_map(1u8..=9, 0u64..=20, 0..9),
            votes in proptest::collection::btree_map(1u8..=9, any::<bool>(), 0..9),
        ) {
            let m: PeerMap<LogIndex> = matches.into_iter().map(|(k, v)| (NodeId(k), v)).collect();
            let v: PeerMap<bool> = votes.into_iter().map(|(k, v)| (NodeId(k), v)).collect();
            let joint = JointConfig::new(new.iter().map(|&i| NodeId(i)), old.iter().map(|&i| NodeId(i)));
            prop_assert_eq!(joint.committed_index(&m), reference_committed(&new, &old, &m));
            prop_assert_eq!(joint.vote_result(&v), reference_vote(&new, &old, &v));
        }
    }
}
