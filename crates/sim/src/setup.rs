//! Ready-made situations the page and the tests can open: worlds started
//! from chosen disks ([`Sim::from_disks`]) and run up to the moment worth
//! watching, and the disks themselves, written the way the paper draws logs
//! (one term per entry).

use crate::action::Action;
use crate::config::SimConfig;
use crate::kv::{parse_command, ClientId, KvCommand, KvOp};
use crate::world::Sim;
use raft::{Entry, HardState, NodeId, Payload, PersistentState, Term};
use serde::{Deserialize, Serialize};

/// Entries the cut-off leader appended that nobody else stores.
pub const DIVERGENT_ENTRIES: u64 = 8;

/// A disk holding currentTerm `term`, votedFor `voted_for`, and a log with
/// one entry per item of `entries` (its term and payload), numbered from 1.
pub fn disk(
    term: Term,
    voted_for: Option<NodeId>,
    entries: impl IntoIterator<Item = (Term, Payload<KvCommand>)>,
) -> PersistentState<KvCommand> {
    let mut disk = PersistentState {
        hard_state: HardState { current_term: term, voted_for },
        ..PersistentState::default()
    };
    for (i, (term, payload)) in entries.into_iter().enumerate() {
        disk.log.push(Entry { term, index: i as u64 + 1, payload });
    }
    disk
}

/// A disk whose log holds entries of these terms, as the paper's figures
/// draw a log (each entry a Put of `x`, so applying it shows), with
/// currentTerm `term` and no vote.
pub fn disk_of_terms(term: Term, log_terms: &[Term]) -> PersistentState<KvCommand> {
    disk(term, None, log_terms.iter().enumerate().map(|(i, &t)| (t, put(i as u64 + 1, "x"))))
}

/// The command of entry `index` in a made-up disk: a Put of `key`, from a
/// client of its own so that no session mistakes it for a retry.
fn put(index: u64, key: &str) -> Payload<KvCommand> {
    command(index, KvOp::Put { key: key.into(), value: format!("v{index}").into() })
}

/// Entry `index` of a made-up disk carrying `op`, as if a client of its own
/// (C100 + index, sequence number 1) had sent it, so that the store's
/// session table never takes two made-up entries for one retried command.
pub fn command(index: u64, op: KvOp) -> Payload<KvCommand> {
    Payload::Command(KvCommand { client: ClientId(100 + index as u32), seq: 1, op })
}

/// One server's disk as an article or the paper draws it (and as a tour
/// writes it): currentTerm, votedFor, and the log as (term, command)
/// pairs. A share link of a run started from such disks carries them in
/// this compact form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskImage {
    /// currentTerm.
    pub term: Term,
    /// votedFor in that term, if any.
    #[serde(default)]
    pub voted_for: Option<NodeId>,
    /// The log, from index 1: each entry's term and command, in the
    /// Command box's words or the articles' notation (`"Put(x, 1)"`,
    /// `"get x"`), or `"no-op"` for a leader's empty entry (§8).
    #[serde(default)]
    pub log: Vec<(Term, String)>,
}

/// The word for a leader's no-op entry in a tour's logs and claims.
pub const NOOP: &str = "no-op";

impl DiskImage {
    /// The disk this image draws; the message names the entry that cannot
    /// be read.
    pub fn disk(&self) -> Result<PersistentState<KvCommand>, String> {
        let entries = self
            .log
            .iter()
            .enumerate()
            .map(|(i, (term, text))| {
                let index = i as u64 + 1;
                let payload = if text == NOOP {
                    Payload::Noop
                } else {
                    let op = parse_command(text).map_err(|e| format!("entry {index}: {e}"))?;
                    command(index, op)
                };
                Ok((*term, payload))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(disk(self.term, self.voted_for, entries))
    }
}

/// The disks these images draw, S1 first; the message names the server
/// and the entry that cannot be read.
pub fn disks(images: &[DiskImage]) -> Result<Vec<PersistentState<KvCommand>>, String> {
    images
        .iter()
        .enumerate()
        .map(|(i, d)| d.disk().map_err(|e| format!("S{}'s disk: {e}", i + 1)))
        .collect()
}

/// A follower with a long divergent log (§5.3, Figure 7's followers (d)–(f)):
/// S1 led term 2 while cut off and appended [`DIVERGENT_ENTRIES`] entries
/// nobody else stores; the others stored entries of term 3 at the same
/// indexes, and one of term 4 after them. S2 is elected for term 5, and the
/// world is returned at that moment: the new leader is about to find where
/// S1's log agrees with its own, starting with nextIndex just past its own
/// log — one entry per round trip, or a whole term per round trip with fast
/// backtracking on.
pub fn divergent_follower(config: SimConfig) -> Result<Sim, String> {
    if config.servers < 2 {
        return Err("a divergent follower needs at least 2 servers".into());
    }
    let shared = [(1, put(1, "a")), (1, put(2, "b"))];
    let diverged = (0..DIVERGENT_ENTRIES).map(|k| (2, put(3 + k, "d")));
    let old = disk(2, Some(NodeId(1)), shared.iter().cloned().chain(diverged));
    let others = (0..DIVERGENT_ENTRIES).map(|k| (3, put(3 + k, "c")));
    let tail = [(4, put(3 + DIVERGENT_ENTRIES, "c"))];
    let new = disk(4, None, shared.iter().cloned().chain(others).chain(tail.iter().cloned()));
    let mut disks = vec![old];
    disks.resize(usize::from(config.servers), new);
    let mut sim = Sim::from_disks(config, disks)?;
    let leader = NodeId(2);
    sim.act(Action::TimeOut(leader))?;
    let deadline = sim.now() + 2_000;
    while sim.leader() != Some(leader) {
        if sim.now() >= deadline || !sim.step() {
            return Err("the situation could not be set up: S2 was not elected".into());
        }
    }
    Ok(sim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::Event;

    /// Rejected AppendEntries replies until the old leader's log matches.
    fn rejections_until_repaired(fast_backtrack: bool) -> usize {
        let mut config = SimConfig { seed: 3, ..SimConfig::default() };
        config.raft.fast_backtrack = fast_backtrack;
        let mut sim = divergent_follower(config).unwrap();
        let leader = sim.leader().unwrap();
        let old = sim.ids().find(|&id| id != leader && diverged(&sim, id, leader)).unwrap();
        let end = sim.now() + 5_000;
        let mut rejections = 0;
        let mut seen = sim.trace().len();
        while sim.now() < end && sim.step() {
            let new = (sim.trace().len() - seen) as usize;
            seen = sim.trace().len();
            rejections += sim
                .trace()
                .recent()
                .rev()
                .take(new)
                .filter(|e| {
                    matches!(&e.event, crate::TraceEvent::Raft { node, event: Event::AppendRejected { .. } } if *node == old)
                })
                .count();
        }
        assert!(!diverged(&sim, old, leader), "the old leader's log was repaired");
        assert!(sim.violations().is_empty());
        rejections
    }

    fn diverged(sim: &Sim, a: NodeId, b: NodeId) -> bool {
        let (Some(a), Some(b)) = (sim.server(a), sim.server(b)) else { return false };
        let (la, lb) = (a.raft.log(), b.raft.log());
        (1..=la.last_index()).any(|i| la.term_at(i) != lb.term_at(i))
    }

    #[test]
    fn the_old_leader_holds_a_long_divergent_suffix() {
        let sim = divergent_follower(SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
        let leader = sim.leader().unwrap();
        let old = sim.ids().find(|&id| id != leader && diverged(&sim, id, leader));
        let old = old.expect("a server whose log conflicts with the leader's");
        let r = &sim.server(old).unwrap().raft;
        assert!(r.log().last_index() - r.commit_index() >= DIVERGENT_ENTRIES);
        assert_eq!(old, NodeId(1));
    }

    #[test]
    fn fast_backtracking_needs_far_fewer_rejections() {
        let slow = rejections_until_repaired(false);
        let fast = rejections_until_repaired(true);
        assert!(slow >= DIVERGENT_ENTRIES as usize, "one entry per round trip: {slow}");
        // A short log, then a conflicting term: a round trip or so for each.
        assert!(fast <= 3, "one term per round trip: {fast}");
        assert!(slow >= 3 * fast, "slow {slow}, fast {fast}");
    }
}
