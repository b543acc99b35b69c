//! One server's whole Figure 2 state, for the "Inspect" dialog: what its
//! menu shows ([`NodeDetails`]) plus its election deadline, a window of its
//! log with every entry's index and term, and its full key-value state.
//! Everything is read from the server (or, when it is down, its disk) at
//! the moment shown.

use super::details::{node_details, NodeDetails};
use super::roles::RoleView;
use crate::describe;
use raft::{LogIndex, NodeId, Term, Time};
use sim::Sim;

/// Most log entries the dialog lists at once; a longer log is paged.
pub const LOG_WINDOW: LogIndex = 40;

/// One entry of the inspected log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectedEntry {
    /// Its index.
    pub index: LogIndex,
    /// The term it was created in.
    pub term: Term,
    /// Its command (`x←3`, `no-op`, `cfg 5` …).
    pub label: String,
    /// index ≤ this server's commitIndex.
    pub committed: bool,
}

/// The part of a log the dialog lists: entries `from..=to` of a log whose
/// stored entries run from `first` to `last` (those before `first` are in
/// the snapshot, §7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogWindow {
    /// The last index and term the snapshot covers ((0, 0) if none).
    pub snapshot: (LogIndex, Term),
    /// The first stored index.
    pub first: LogIndex,
    /// The last index.
    pub last: LogIndex,
    /// The entries listed, oldest first.
    pub entries: Vec<InspectedEntry>,
}

impl LogWindow {
    /// There are stored entries before the listed ones.
    pub fn has_older(&self) -> bool {
        self.entries.first().is_some_and(|e| e.index > self.first)
    }

    /// There are entries after the listed ones.
    pub fn has_newer(&self) -> bool {
        self.entries.last().is_some_and(|e| e.index < self.last)
    }
}

/// Everything the "Inspect" dialog shows about one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// Its state as the menu shows it: currentTerm, votedFor, commitIndex,
    /// lastApplied, role, timer, votes, the leader's progress per follower.
    pub details: NodeDetails,
    /// When its election timer fires, virtual ms (none for a leader or a
    /// crashed server).
    pub deadline: Option<Time>,
    /// The listed part of its log.
    pub log: LogWindow,
    /// Its key-value state as "x = 3" pairs (none when crashed: it is
    /// rebuilt from the log after a restart).
    pub kv: Option<Vec<String>>,
}

impl Inspection {
    /// How the cluster's configuration counts it, when it is not a plain
    /// member: a learner (receives the log, no vote, thesis §4.2.1) or
    /// removed (outside the leader's configuration, §6).
    pub fn standing(&self) -> Option<&'static str> {
        if !self.details.member {
            Some("removed: not in the leader's configuration, so its votes and log do not count")
        } else if self.details.role == RoleView::Learner {
            Some("learner: it receives the log but does not vote until it is promoted")
        } else {
            None
        }
    }
}

/// Reads server `id` at display time `now`, listing the [`LOG_WINDOW`]
/// entries that end at `end` (the newest ones when `end` is `None`).
pub fn inspect(sim: &Sim, id: NodeId, now: f64, end: Option<LogIndex>) -> Inspection {
    let details = node_details(sim, id, now);
    let (log, commit, deadline, kv) = match sim.server(id) {
        Some(s) => {
            let r = &s.raft;
            let deadline = (details.role != RoleView::Leader).then(|| r.election_deadline());
            (r.log(), r.commit_index(), deadline, Some(describe::kv_pairs(s.kv.data())))
        }
        None => (&sim.disk(id).log, 0, None, None),
    };
    let (first, last) = (log.first_index(), log.last_index());
    let to = end.unwrap_or(last).clamp(first.min(last), last);
    let from = to.saturating_sub(LOG_WINDOW - 1).max(first);
    let entries = log
        .iter_range(from..=to)
        .map(|e| InspectedEntry {
            index: e.index,
            term: e.term,
            label: describe::entry_label(&e.payload),
            committed: e.index <= commit,
        })
        .collect();
    Inspection {
        details,
        deadline,
        log: LogWindow { snapshot: log.snapshot_point(), first, last, entries },
        kv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::{Action, ClientId, Target};

    fn put_many(sim: &mut Sim, n: usize) {
        for i in 0..n {
            let op = sim::parse_command(&format!("put k{i} {i}")).unwrap();
            sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
        }
        let t = sim.now() + 3_000;
        sim.run_until(t);
    }

    #[test]
    fn a_follower_shows_its_deadline_log_and_every_key() {
        let mut sim = cluster(5, 7);
        let leader = elect(&mut sim);
        put_many(&mut sim, 8);
        let follower = sim.ids().find(|&id| id != leader).unwrap();
        let i = inspect(&sim, follower, sim.now() as f64, None);
        let r = &sim.server(follower).unwrap().raft;
        assert_eq!(i.deadline, Some(r.election_deadline()));
        assert!(i.deadline.unwrap() > sim.now(), "a follower's timer is running");
        assert_eq!(i.log.last, r.log().last_index());
        assert_eq!(i.log.entries.len() as u64, r.log().last_index(), "a short log is listed whole");
        assert_eq!(i.log.entries[0].label, "no-op");
        assert!(i.log.entries.iter().all(|e| e.term == r.log().term_at(e.index).unwrap()));
        assert_eq!(i.kv.as_ref().map(Vec::len), Some(8), "the full map, not a summary");
        assert_eq!(i.standing(), None);
        let l = inspect(&sim, leader, sim.now() as f64, None);
        assert_eq!(l.deadline, None, "a leader has no election timer");
        assert_eq!(l.details.progress.len(), 4);
    }

    #[test]
    fn a_long_log_is_listed_a_window_at_a_time() {
        let mut sim = cluster(3, 4);
        let leader = elect(&mut sim);
        put_many(&mut sim, 60);
        let now = sim.now() as f64;
        let newest = inspect(&sim, leader, now, None);
        let last = newest.log.last;
        assert!(last > LOG_WINDOW);
        assert_eq!(newest.log.entries.len() as u64, LOG_WINDOW);
        assert_eq!(newest.log.entries.last().unwrap().index, last);
        assert!(newest.log.has_older() && !newest.log.has_newer());
        let oldest = inspect(&sim, leader, now, Some(1));
        assert_eq!(oldest.log.entries.first().unwrap().index, 1);
        assert_eq!(oldest.log.entries.len(), 1, "the window ends where it was asked to");
        let middle = inspect(&sim, leader, now, Some(LOG_WINDOW + 5));
        assert_eq!(middle.log.entries.first().unwrap().index, 6);
        assert!(middle.log.has_older() && middle.log.has_newer());
    }

    #[test]
    fn a_crashed_server_shows_its_disk_and_no_state_machine() {
        let mut sim = cluster(3, 5);
        let leader = elect(&mut sim);
        sim.act(Action::Crash(leader)).unwrap();
        let i = inspect(&sim, leader, sim.now() as f64, None);
        assert_eq!(i.details.role, RoleView::Crashed);
        assert_eq!((i.deadline, i.kv), (None, None));
        assert!(!i.log.entries.is_empty(), "the log survives on disk");
    }
}
