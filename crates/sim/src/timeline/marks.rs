//! The marks of the page's time strip: what happened along a branch, kept
//! for the whole run although the trace keeps only its latest entries.
//!
//! The timeline fills a branch's marks as the run goes forward live (never
//! while replaying, so seeking loses and duplicates nothing): a band per
//! term (the highest currentTerm any server holds, §5.1), a tick per leader
//! elected (§5.2), a mark per crash and restart, per change to the network
//! (partition, isolation, a cut link and their heals), per client
//! operation and per broken safety property. A fork shares its parent's
//! marks up to the fork point.
//!
//! Memory stays bounded: a band is one entry per term, not per event, and
//! client operations (the one kind a busy run makes thousands of) are
//! capped at [`MAX_CLIENT_MARKS`] per branch, later ones only counted.

use crate::action::Action;
use crate::trace::{TraceEntry, TraceEvent};
use crate::world::Sim;
use raft::{Event, NodeId, Term, Time};
use std::fmt;

/// Most client-operation marks a branch keeps; later operations are
/// counted in [`Marks::unmarked_client_ops`] instead.
pub const MAX_CLIENT_MARKS: usize = 2_000;

/// Most violation marks a branch keeps (the first breaks the run; later
/// ones say nothing new).
const MAX_VIOLATION_MARKS: usize = 8;

/// From `from` on, the highest term any server holds is `term`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermBand {
    /// Virtual time the term was first reached, ms.
    pub from: Time,
    /// The term (§5.1).
    pub term: Term,
    /// The trace entry after which it was reached: orders bands and marks
    /// along a branch, so a fork can keep what precedes it.
    seq: u64,
}

/// What a mark on the strip stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A server won an election: leader for `term` (§5.2).
    Elected {
        /// The new leader.
        node: NodeId,
        /// Its term.
        term: Term,
    },
    /// A server crashed (it keeps only its disk).
    Crashed(NodeId),
    /// A crashed server restarted from its disk.
    Restarted(NodeId),
    /// Links were cut: a partition, an isolated server, a cut link.
    Cut(String),
    /// Links were healed.
    Healed(String),
    /// A client invoked an operation.
    ClientOp(String),
    /// A safety property broke (its name).
    Violation(String),
}

impl MarkKind {
    /// A short stable name for the kind (the page's `data-mark`).
    pub fn name(&self) -> &'static str {
        match self {
            MarkKind::Elected { .. } => "elected",
            MarkKind::Crashed(_) => "crash",
            MarkKind::Restarted(_) => "restart",
            MarkKind::Cut(_) => "cut",
            MarkKind::Healed(_) => "heal",
            MarkKind::ClientOp(_) => "client",
            MarkKind::Violation(_) => "violation",
        }
    }
}

impl fmt::Display for MarkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkKind::Elected { node, term } => write!(f, "{node} elected leader for term {term}"),
            MarkKind::Crashed(n) => write!(f, "{n} crashed"),
            MarkKind::Restarted(n) => write!(f, "{n} restarted"),
            MarkKind::Cut(what) | MarkKind::Healed(what) | MarkKind::ClientOp(what) => {
                write!(f, "{what}")
            }
            MarkKind::Violation(v) => write!(f, "broken: {v}"),
        }
    }
}

/// One mark: what, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Virtual time, ms.
    pub at: Time,
    /// What happened.
    pub kind: MarkKind,
    seq: u64,
}

/// Every mark of one branch, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    bands: Vec<TermBand>,
    marks: Vec<Mark>,
    client_marks: usize,
    unmarked_client_ops: u64,
    violation_marks: usize,
    /// The last trace entry read.
    seen: u64,
}

impl Marks {
    /// The term bands, oldest first; each lasts until the next one starts
    /// (the last until the branch's end). Empty while every term is 0.
    pub fn bands(&self) -> &[TermBand] {
        &self.bands
    }

    /// The marks, oldest first.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// Client operations past [`MAX_CLIENT_MARKS`] that got no mark.
    pub fn unmarked_client_ops(&self) -> u64 {
        self.unmarked_client_ops
    }

    /// Read what `sim` did since the last call: its new trace entries and
    /// the highest term now held. Entries the trace no longer keeps (more
    /// than it holds at once happened in one go) are missed.
    pub(super) fn record(&mut self, sim: &Sim) {
        let trace = sim.trace();
        let new = trace.len().saturating_sub(self.seen) as usize;
        let entries: Vec<&TraceEntry> = trace.recent().rev().take(new).collect();
        for entry in entries.into_iter().rev() {
            self.read(entry);
        }
        self.seen = trace.len();
        let term = sim.ids().map(|id| sim.disk(id).hard_state.current_term).max().unwrap_or(0);
        if term > self.bands.last().map_or(0, |b| b.term) {
            self.bands.push(TermBand { from: sim.now(), term, seq: self.seen });
        }
    }

    /// The marks up to trace entry `seq` (a fork point), for a branch that
    /// shares the history before it.
    pub(super) fn until(&self, seq: u64) -> Marks {
        let marks: Vec<Mark> = self.marks.iter().filter(|m| m.seq <= seq).cloned().collect();
        let count = |kind: &str| marks.iter().filter(|m| m.kind.name() == kind).count();
        let client_marks = count("client");
        // Unmarked operations all came after the cap was reached; which of
        // them precede `seq` is not kept, so a fork past the cap keeps the
        // parent's count.
        let unmarked = if client_marks == MAX_CLIENT_MARKS { self.unmarked_client_ops } else { 0 };
        Marks {
            bands: self.bands.iter().filter(|b| b.seq <= seq).copied().collect(),
            client_marks,
            violation_marks: count("violation"),
            unmarked_client_ops: unmarked,
            marks,
            seen: seq,
        }
    }

    fn read(&mut self, entry: &TraceEntry) {
        let kind = match &entry.event {
            TraceEvent::Raft { node, event: Event::BecameLeader { term } } => {
                MarkKind::Elected { node: *node, term: *term }
            }
            TraceEvent::Crashed(n) => MarkKind::Crashed(*n),
            TraceEvent::Restarted(n) => MarkKind::Restarted(*n),
            TraceEvent::Invoked { client, op } => {
                if self.client_marks == MAX_CLIENT_MARKS {
                    self.unmarked_client_ops += 1;
                    return;
                }
                self.client_marks += 1;
                MarkKind::ClientOp(format!("{client} sent {op}"))
            }
            TraceEvent::Violation(v) => {
                if self.violation_marks == MAX_VIOLATION_MARKS {
                    return;
                }
                self.violation_marks += 1;
                MarkKind::Violation(v.invariant.name().to_string())
            }
            _ => return,
        };
        self.marks.push(Mark { at: entry.time, kind, seq: entry.seq });
    }

    /// Mark a change to the network a person made (the trace names it only
    /// in words).
    pub(super) fn network(&mut self, action: &Action, sim: &Sim) {
        let kind = match action {
            Action::Partition(_)
            | Action::Isolate(_)
            | Action::SetLink { cut: true, .. }
            | Action::SetOneWay { cut: true, .. } => MarkKind::Cut(action.to_string()),
            Action::HealAll
            | Action::Reconnect(_)
            | Action::SetLink { cut: false, .. }
            | Action::SetOneWay { cut: false, .. } => MarkKind::Healed(action.to_string()),
            _ => return,
        };
        self.marks.push(Mark { at: sim.now(), kind, seq: sim.trace().len() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Target;
    use crate::config::SimConfig;
    use crate::kv::{ClientId, KvOp};
    use crate::timeline::Timeline;

    fn timeline(seed: u64) -> Timeline {
        Timeline::new(SimConfig { seed, ..SimConfig::default() }).unwrap()
    }

    fn put(n: u32) -> Action {
        Action::Submit {
            client: ClientId(1),
            op: KvOp::Put { key: "x".into(), value: n.to_string().into() },
            target: Target::Leader,
        }
    }

    fn kinds(t: &Timeline) -> Vec<&'static str> {
        t.marks().marks().iter().map(|m| m.kind.name()).collect()
    }

    #[test]
    fn an_election_gives_a_term_band_and_a_tick() {
        let mut t = timeline(1);
        t.run_until(2_000).unwrap();
        let leader = t.sim().leader().expect("a leader within 2 s");
        let term = t.sim().disk(leader).hard_state.current_term;
        let m = t.marks();
        assert_eq!(m.bands().last().unwrap().term, term);
        assert!(m.bands().windows(2).all(|w| w[0].term < w[1].term && w[0].from <= w[1].from));
        let elected = m.marks().iter().find(|m| m.kind.name() == "elected").expect("a tick");
        assert!(matches!(elected.kind, MarkKind::Elected { term: t, .. } if t <= term));
    }

    #[test]
    fn crashes_restarts_network_and_client_ops_are_marked_and_seeking_keeps_them() {
        let mut t = timeline(2);
        t.run_until(1_000).unwrap();
        t.act(Action::Crash(NodeId(1))).unwrap();
        t.act(Action::Isolate(NodeId(2))).unwrap();
        t.act(put(1)).unwrap();
        t.run_until(1_500).unwrap();
        t.act(Action::HealAll).unwrap();
        t.act(Action::Restart(NodeId(1))).unwrap();
        t.run_until(2_000).unwrap();
        let ours: Vec<_> = kinds(&t).into_iter().filter(|k| *k != "elected").collect();
        assert_eq!(ours, ["crash", "cut", "client", "heal", "restart"]);
        let before = t.marks().marks().to_vec();
        t.seek(500).unwrap();
        t.seek(2_000).unwrap();
        assert_eq!(t.marks().marks(), &before[..], "replaying adds and loses nothing");
    }

    #[test]
    fn a_fork_shares_its_parents_marks_up_to_the_fork_point() {
        let mut t = timeline(3);
        t.run_until(1_000).unwrap();
        t.act(Action::Crash(NodeId(1))).unwrap();
        t.run_until(2_000).unwrap();
        let parent = t.marks().marks().to_vec();
        t.seek(800).unwrap();
        let fork = t.act(Action::Crash(NodeId(3))).unwrap().expect("acting in the past forks");
        let shared: Vec<_> = parent.iter().filter(|m| m.at <= 800).cloned().collect();
        let mine = t.marks().marks();
        assert_eq!(&mine[..shared.len()], &shared[..]);
        assert_eq!(mine[shared.len()].kind, MarkKind::Crashed(NodeId(3)));
        assert_eq!(mine.len(), shared.len() + 1);
        assert!(t.marks_of(fork).is_some());
        t.switch_branch(t.branch().parent().unwrap(), crate::timeline::Arrival::End).unwrap();
        assert_eq!(t.marks().marks(), &parent[..], "the old future keeps its marks");
    }

    #[test]
    fn client_marks_are_capped_and_the_rest_counted() {
        let mut m = Marks::default();
        let extra = 5;
        for seq in 1..=(MAX_CLIENT_MARKS + extra) as u64 {
            let op = KvOp::Put { key: "x".into(), value: seq.to_string().into() };
            let event = TraceEvent::Invoked { client: ClientId(1), op };
            m.read(&TraceEntry { seq, time: seq, event });
        }
        assert_eq!(m.marks().len(), MAX_CLIENT_MARKS);
        assert_eq!(m.unmarked_client_ops(), extra as u64);
        let early = m.until(10);
        assert_eq!((early.marks().len(), early.unmarked_client_ops()), (10, 0));
    }
}
