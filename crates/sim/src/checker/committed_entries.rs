//! Committed entries are never lost: once an entry is committed it never
//! changes on any server (§5.4, what commitment promises), and it stays on
//! enough disks that no leader can be elected without it.

use super::log_summary::{entry_hash, first_difference, LogSummary, RangeHash};
use super::{Invariant, Violation};
use crate::kv::KvCommand;
use raft::PeerMap;
use raft::{
    Chunked, Entry, LogIndex, Membership, Memory, NodeId, PersistentState, RaftLog, Term, Time,
};

/// Every entry known to be committed anywhere, by index, with what the
/// other checks need to compare against it without walking it.
#[derive(Clone, Debug, Default)]
pub(super) struct CommittedRecord {
    /// Index i is the i-th committed entry; a chunked log, so that copies
    /// of the world share it.
    entries: RaftLog<KvCommand>,
    /// The term in which each was committed: the term of the server that
    /// first counted it committed (the leader learns before anyone).
    committed_in: Chunked<Term>,
    /// The highest of `committed_in` up to each position: a
    /// non-decreasing column to bisect.
    max_committed_in: Chunked<Term>,
    /// `sums[i]` is the sum of entry hashes over indexes 1..=i.
    sums: Chunked<u64>,
    /// The newest committed configuration entry's membership.
    membership: Option<Membership>,
}

impl CommittedRecord {
    /// Count what it holds in `memory`; `entry_heap` is an entry's heap
    /// bytes besides its inline size.
    pub(super) fn memory(&self, memory: &mut Memory, entry_heap: usize) {
        memory.add(self.entries.storage(), entry_heap);
        memory.add(&self.committed_in, 0);
        memory.add(&self.max_committed_in, 0);
        memory.add(&self.sums, 0);
    }

    /// The highest committed index known.
    pub(super) fn last_index(&self) -> LogIndex {
        self.entries.last_index()
    }

    /// The committed entry at `index`.
    pub(super) fn get(&self, index: LogIndex) -> Option<&Entry<KvCommand>> {
        self.entries.get(index)
    }

    /// The term in which the entry at `index` (which must exist) was
    /// committed.
    pub(super) fn committed_in(&self, index: LogIndex) -> Term {
        self.committed_in[index as usize - 1]
    }

    /// How many leading entries were all committed in terms before `term`.
    pub(super) fn prefix_committed_before(&self, term: Term) -> LogIndex {
        self.max_committed_in.partition_point(|&t| t < term) as LogIndex
    }

    /// The newest committed configuration, if any entry committed one.
    pub(super) fn membership(&self) -> Option<&Membership> {
        self.membership.as_ref()
    }

    fn push(&mut self, entry: &Entry<KvCommand>, term: Term) {
        if let raft::Payload::Config(m) = &entry.payload {
            self.membership = Some((**m).clone());
        }
        let sum = self.sums.last().copied().unwrap_or(0).wrapping_add(entry_hash(entry));
        self.sums.push(sum);
        let max = self.max_committed_in.last().copied().unwrap_or(0).max(term);
        self.max_committed_in.push(max);
        self.committed_in.push(term);
        self.entries.push(entry.clone());
    }
}

impl RangeHash for CommittedRecord {
    fn range(&self, a: LogIndex, b: LogIndex) -> u64 {
        let at = |i: LogIndex| if i == 0 { 0 } else { self.sums[i as usize - 1] };
        at(b).wrapping_sub(at(a - 1))
    }
}

/// What each server says is committed must agree with what anyone ever
/// committed, and extends the record. `agreed` is the index up to which
/// this server's log was already compared and has not been written since:
/// only the entries after it are looked at.
pub(super) fn agreement(
    now: Time,
    id: NodeId,
    node: &raft::RaftNode<KvCommand>,
    agreed: &mut LogIndex,
    record: &mut CommittedRecord,
) -> Vec<Violation> {
    let mut found = Vec::new();
    let log = node.log();
    let mut i = (*agreed + 1).max(log.first_index());
    while i <= node.commit_index() {
        let Some(entry) = log.get(i) else {
            break;
        };
        match record.get(i) {
            Some(known) if known != entry => found.push(Violation {
                invariant: Invariant::CommittedEntryNeverLost,
                time: now,
                nodes: vec![id],
                index: Some(i),
                detail: format!(
                    "{id} has committed index {i} as term {} but it was committed as term {}",
                    entry.term, known.term
                ),
            }),
            Some(_) => {}
            // Only a contiguous extension: a server whose log starts
            // after a snapshot cannot fill a gap in the record (and is
            // looked at again once the gap is filled).
            None if record.last_index() == i - 1 => record.push(entry, node.current_term()),
            None => break,
        }
        i += 1;
    }
    *agreed = (*agreed).max(i - 1);
    found
}

/// After a server lost entries (a truncation or a snapshot): the servers
/// that lack a committed entry must never be able to elect a leader on their
/// own: they must not include a quorum of the committed configuration's
/// voters. (Not "the holders are a majority": with a single-server change a
/// leader may commit with the majority of its newer configuration, and in an
/// even configuration half is enough to meet every quorum, §4.1.)
///
/// Each voter holds the committed entries up to some index, found by
/// bisecting its summary against the record; the first entry a quorum lacks
/// is at one of those indexes, since the set of voters lacking an entry only
/// grows with the index while every disk holds a prefix of the record (a
/// disk that holds entry i+1 but not i breaks Log Matching, which is
/// checked on its own).
pub(super) fn never_lost(
    now: Time,
    id: NodeId,
    membership: &Membership,
    record: &CommittedRecord,
    disks: &PeerMap<&PersistentState<KvCommand>>,
    summaries: &PeerMap<LogSummary>,
) -> Option<Violation> {
    // Once C_old,new is committed, C_old alone can decide nothing: every
    // entry committed so far is on a majority of C_new, and that is what
    // keeps it (a leader may already commit with C_new alone once it has
    // appended C_new, §6).
    let quorum = if membership.is_joint() {
        Membership::of_voters(membership.voters.iter().copied()).quorum()
    } else {
        membership.quorum()
    };
    let voters = quorum.voters();
    let mut candidates: Vec<LogIndex> = voters
        .iter()
        .filter_map(|v| first_not_held(disks.get(v).copied(), summaries.get(v), record))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates.into_iter().find_map(|i| {
        let e = record.get(i).expect("candidates are committed indexes");
        let mut lacking = PeerMap::new();
        lacking.extend(voters.iter().map(|&v| (v, !disks.get(&v).is_some_and(|d| holds(d, e)))));
        (quorum.vote_result(&lacking) == raft::quorum::VoteResult::Won).then(|| Violation {
            invariant: Invariant::CommittedEntryNeverLost,
            time: now,
            nodes: vec![id],
            index: Some(e.index),
            detail: format!(
                "committed entry {} (term {}) is missing from {:?}, a quorum of {membership}: they could elect a leader without it",
                e.index,
                e.term,
                lacking.iter().filter(|(_, &l)| l).map(|(v, _)| *v).collect::<Vec<_>>()
            ),
        })
    })
}

/// The first committed index a disk does not hold (in its log or folded
/// into its snapshot), if any.
fn first_not_held(
    disk: Option<&PersistentState<KvCommand>>,
    summary: Option<&LogSummary>,
    record: &CommittedRecord,
) -> Option<LogIndex> {
    let (Some(disk), Some(summary)) = (disk, summary) else {
        return (record.last_index() > 0).then_some(1);
    };
    let start = disk.snapshot.as_ref().map_or(0, |s| s.last_included_index) + 1;
    if start > record.last_index() {
        return None;
    }
    if summary.first_index() > start {
        return Some(start);
    }
    let top = record.last_index().min(summary.last_index());
    first_difference(record, summary, start, top)
        .or_else(|| (top < record.last_index()).then_some(top.max(start - 1) + 1))
}

/// Does this disk hold committed entry `e`, in its log or folded into its
/// snapshot?
fn holds(d: &PersistentState<KvCommand>, e: &Entry<KvCommand>) -> bool {
    d.log.get(e.index) == Some(e)
        || d.snapshot.as_ref().is_some_and(|s| s.last_included_index >= e.index)
}
