//! Raft's safety properties (Figure 3 of the paper), checked after every
//! event of a run. A violation names the property, the servers and the log
//! index involved, so the page can highlight them and a test can fail with a
//! reason.

use crate::kv::KvCommand;
use raft::{Entry, LogIndex, NodeId, PersistentState, RaftNode, Role, Term, Time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A safety property of Raft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// At most one leader can be elected in a given term.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only
    /// appends new entries.
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs
    /// are identical in all entries up through that index.
    LogMatching,
    /// If an entry is committed in a term, it is present in the logs of the
    /// leaders of all higher terms.
    LeaderCompleteness,
    /// If a server has applied an entry at an index, no other server ever
    /// applies a different entry at that index.
    StateMachineSafety,
    /// A committed entry stays committed: it never changes on any server and
    /// stays on the disks of a majority.
    CommittedEntryNeverLost,
}

impl Invariant {
    /// The property's name as the paper gives it.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "Election Safety",
            Invariant::LeaderAppendOnly => "Leader Append-Only",
            Invariant::LogMatching => "Log Matching",
            Invariant::LeaderCompleteness => "Leader Completeness",
            Invariant::StateMachineSafety => "State Machine Safety",
            Invariant::CommittedEntryNeverLost => "Committed entries are never lost",
        }
    }
}

/// A broken property: what, when, where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property.
    pub invariant: Invariant,
    /// When it was noticed.
    pub time: Time,
    /// The servers involved.
    pub nodes: Vec<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// What exactly is wrong, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated at {} ms: {}", self.invariant.name(), self.time, self.detail)
    }
}

/// What changed on a server during one event, as far as the checker cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct Touched {
    /// Its log grew or changed.
    pub log_changed: bool,
    /// Entries were deleted from its log.
    pub truncated: bool,
}

/// The checker's memory across a run.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// The voters the cluster started with.
    bootstrap: Vec<NodeId>,
    leaders: BTreeMap<Term, NodeId>,
    /// Each current leader's log as of the last check, with its term.
    leader_logs: BTreeMap<NodeId, (Term, Vec<Entry<KvCommand>>)>,
    /// Every entry known to be committed, by index (position i = index i+1).
    committed: Vec<Entry<KvCommand>>,
    /// The term in which each of them was committed: the term of the
    /// leader that first counted it committed (it learns before anyone).
    committed_in: Vec<Term>,
    /// Every entry applied anywhere, by index.
    applied: Vec<Entry<KvCommand>>,
}

type Node = RaftNode<KvCommand>;

impl Checker {
    /// A checker for a cluster that starts with these voters.
    pub fn new(bootstrap: impl IntoIterator<Item = NodeId>) -> Self {
        Checker { bootstrap: bootstrap.into_iter().collect(), ..Checker::default() }
    }

    /// Entries known committed so far, oldest first.
    pub fn committed(&self) -> &[Entry<KvCommand>] {
        &self.committed
    }

    /// Check everything that can have changed after an event in which
    /// `id` (running as `node`) was touched. `disks` holds every server's
    /// persistent state, up or down.
    pub fn after_event(
        &mut self,
        now: Time,
        id: NodeId,
        node: &Node,
        touched: Touched,
        disks: &BTreeMap<NodeId, &PersistentState<KvCommand>>,
    ) -> Vec<Violation> {
        let mut found = Vec::new();
        let mut v = |invariant, nodes, index, detail| {
            found.push(Violation { invariant, time: now, nodes, index, detail })
        };
        let term = node.current_term();
        let log = node.log().entries();

        if node.role() == Role::Leader {
            // Election Safety.
            let first = *self.leaders.entry(term).or_insert(id);
            if first != id {
                v(
                    Invariant::ElectionSafety,
                    vec![first, id],
                    None,
                    format!("{first} and {id} are both leaders of term {term}"),
                );
            }
            // Leader Append-Only, and Leader Completeness on taking office.
            match self.leader_logs.get(&id) {
                Some((t, old)) if *t == term => {
                    // Entries folded into a snapshot are not removed: only
                    // the ones still stored are compared.
                    let first = node.log().first_index();
                    let changed = old
                        .iter()
                        .filter(|e| e.index >= first)
                        .find(|e| node.log().get(e.index) != Some(*e))
                        .map(|e| e.index);
                    if let Some(at) = changed {
                        v(
                            Invariant::LeaderAppendOnly,
                            vec![id],
                            Some(at),
                            format!("leader {id} of term {term} changed or removed its entry at index {at}"),
                        );
                    }
                }
                _ => {
                    // Only entries committed in earlier terms: a leader of
                    // term 10 elected before term 11 committed an entry may
                    // lack it (it steps down on hearing term 11).
                    let missing = self.committed.iter().zip(&self.committed_in).find(|(e, &t)| {
                        t < term
                            && e.index >= node.log().first_index()
                            && node.log().get(e.index) != Some(*e)
                    });
                    if let Some((missing, _)) = missing {
                        v(
                            Invariant::LeaderCompleteness,
                            vec![id],
                            Some(missing.index),
                            format!(
                                "{id} became leader of term {term} without committed entry {} (term {})",
                                missing.index, missing.term
                            ),
                        );
                    }
                }
            }
            if touched.log_changed || !self.leader_logs.contains_key(&id) {
                self.leader_logs.insert(id, (term, log.to_vec()));
            }
        } else {
            self.leader_logs.remove(&id);
        }

        // What this server says is committed must agree with what anyone
        // ever committed, and extends the record.
        for i in node.log().first_index()..=node.commit_index() {
            let Some(entry) = node.log().get(i) else {
                break;
            };
            match self.committed.get(i as usize - 1) {
                Some(known) if known != entry => v(
                    Invariant::CommittedEntryNeverLost,
                    vec![id],
                    Some(i),
                    format!(
                        "{id} has committed index {i} as term {} but it was committed as term {}",
                        entry.term, known.term
                    ),
                ),
                Some(_) => {}
                // Only a contiguous extension: a server whose log starts
                // after a snapshot cannot fill a gap in the record.
                None if self.committed.len() as LogIndex == i - 1 => {
                    self.committed.push(entry.clone());
                    self.committed_in.push(node.current_term());
                }
                None => {}
            }
        }

        if touched.log_changed {
            // Log Matching against every other server's log.
            for (&other, disk) in disks {
                if other == id {
                    continue;
                }
                if let Some(i) = log_matching_break(node.log().entries(), disk.log.entries()) {
                    v(
                        Invariant::LogMatching,
                        vec![id, other],
                        Some(i),
                        format!("{id} and {other} agree on a later entry but differ at index {i}"),
                    );
                }
            }
        }

        if touched.truncated {
            // The servers that lack a committed entry must never be able to
            // elect a leader on their own: they must not include a quorum of
            // the committed configuration's voters. (Not "the holders are a
            // majority": with a single-server change a leader may commit
            // with the majority of its newer configuration, and in an even
            // configuration half is enough to meet every quorum, §4.1.)
            let membership = self.committed_membership(disks);
            // Once C_old,new is committed, C_old alone can decide nothing:
            // every entry committed so far is on a majority of C_new, and
            // that is what keeps it (a leader may already commit with C_new
            // alone once it has appended C_new, §6).
            let quorum = if membership.is_joint() {
                raft::Membership::of_voters(membership.voters.iter().copied()).quorum()
            } else {
                membership.quorum()
            };
            for e in &self.committed {
                let lacking: BTreeMap<NodeId, bool> = quorum
                    .voters()
                    .into_iter()
                    .map(|v| (v, !disks.get(&v).is_some_and(|d| holds(d, e))))
                    .collect();
                if quorum.vote_result(&lacking) == raft::quorum::VoteResult::Won {
                    v(
                        Invariant::CommittedEntryNeverLost,
                        vec![id],
                        Some(e.index),
                        format!(
                            "committed entry {} (term {}) is missing from {:?}, a quorum of {membership}: they could elect a leader without it",
                            e.index,
                            e.term,
                            lacking.iter().filter(|(_, &l)| l).map(|(v, _)| *v).collect::<Vec<_>>()
                        ),
                    );
                    break;
                }
            }
        }
        found
    }

    /// The newest configuration among committed entries; before any, the
    /// servers the cluster started with (every server with a non-empty
    /// bootstrap is one of them: they are the ones present at the start).
    fn committed_membership(
        &self,
        disks: &BTreeMap<NodeId, &PersistentState<KvCommand>>,
    ) -> raft::Membership {
        self.committed
            .iter()
            .rev()
            .find_map(|e| match &e.payload {
                raft::Payload::Config(m) => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_else(|| {
                raft::Membership::of_voters(
                    self.bootstrap.iter().copied().filter(|v| disks.contains_key(v)),
                )
            })
    }

    /// A server applied `entry` to its state machine.
    pub fn on_apply(
        &mut self,
        now: Time,
        id: NodeId,
        entry: &Entry<KvCommand>,
    ) -> Option<Violation> {
        let i = entry.index as usize;
        if i == self.applied.len() + 1 {
            self.applied.push(entry.clone());
            return None;
        }
        let known = self.applied.get(i - 1)?;
        (known != entry).then(|| Violation {
            invariant: Invariant::StateMachineSafety,
            time: now,
            nodes: vec![id],
            index: Some(entry.index),
            detail: format!(
                "{id} applied a different entry at index {} (term {}) than was applied before (term {})",
                entry.index, entry.term, known.term
            ),
        })
    }
}

/// If two logs share an entry (same index and term) but differ somewhere
/// before it, the first index where they differ.
fn log_matching_break(a: &[Entry<KvCommand>], b: &[Entry<KvCommand>]) -> Option<LogIndex> {
    // Logs may start after a snapshot: compare by index where both store.
    fn get(l: &[Entry<KvCommand>], i: LogIndex) -> Option<&Entry<KvCommand>> {
        l.get(i.checked_sub(l.first()?.index)? as usize)
    }
    let lo = a.first()?.index.max(b.first()?.index);
    let mut hi = a.last()?.index.min(b.last()?.index);
    while hi >= lo && get(a, hi).map(|e| e.term) != get(b, hi).map(|e| e.term) {
        hi -= 1;
    }
    (lo..=hi).find(|&i| get(a, i) != get(b, i))
}

/// Does this disk hold committed entry `e`, in its log or folded into its
/// snapshot?
fn holds(d: &PersistentState<KvCommand>, e: &Entry<KvCommand>) -> bool {
    d.log.get(e.index) == Some(e)
        || d.snapshot.as_ref().is_some_and(|s| s.last_included_index >= e.index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::Payload;

    fn log(terms: &[Term]) -> Vec<Entry<KvCommand>> {
        terms
            .iter()
            .enumerate()
            .map(|(i, &term)| Entry { term, index: i as u64 + 1, payload: Payload::Noop })
            .collect()
    }

    #[test]
    fn log_matching_break_finds_a_difference_below_a_shared_entry() {
        assert_eq!(log_matching_break(&log(&[1, 1, 2]), &log(&[1, 1, 2, 3])), None);
        assert_eq!(
            log_matching_break(&log(&[1, 1, 3]), &log(&[1, 2])),
            None,
            "no shared entry past 1"
        );
        assert_eq!(log_matching_break(&log(&[1, 2, 3]), &log(&[1, 1, 3])), Some(2));
    }
}
