//! The narration: the latest trace events in words, newest first, each
//! with the colour of what it is about; routine chatter hidden unless asked.

use raft::{Family, Time};
use sim::{Sim, TraceEvent};
use std::collections::VecDeque;
use std::rc::Rc;

/// What kind of event a narration line tells of (its colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Timeouts, candidacies, votes, term changes.
    Election,
    /// A server won an election.
    Leader,
    /// Entries appended, accepted, rejected, truncated.
    Replication,
    /// commitIndex advanced, entries applied.
    Commit,
    /// Client operations.
    Client,
    /// Crashes, restarts and cut links.
    Fault,
    /// Something a person did (the action as they asked for it).
    Action,
    /// A safety property broke.
    Violation,
    /// Messages sent and dropped.
    Network,
    /// Reads served without log entries (ReadIndex, lease).
    Read,
    /// Snapshots taken, sent and installed.
    Snapshot,
    /// Configuration changes.
    Membership,
}

impl Tone {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            Tone::Election => "election",
            Tone::Leader => "leader",
            Tone::Replication => "replication",
            Tone::Commit => "commit",
            Tone::Client => "client",
            Tone::Fault => "fault",
            Tone::Action => "action",
            Tone::Violation => "violation",
            Tone::Network => "network",
            Tone::Read => "read",
            Tone::Snapshot => "snapshot",
            Tone::Membership => "membership",
        }
    }
}

/// One line of narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NarrationLine {
    /// The trace's sequence number (a stable key).
    pub seq: u64,
    /// Virtual time, ms.
    pub time: Time,
    /// What happened, in the trace's words.
    pub text: Rc<str>,
    /// Its colour.
    pub tone: Tone,
    /// The Figure 2 rule a server's decision applied and the values it
    /// compared, in words.
    pub rule: Option<(raft::Rule, Rc<str>)>,
    /// Every other line is shaded, by its place among all lines added, so
    /// a line keeps its shade as newer ones push it down (shading by
    /// position would restyle and repaint the whole list per new line).
    pub shaded: bool,
}

/// The tone of a trace event, and whether it is routine chatter that the
/// narration hides unless "show every event" is ticked: messages sent and
/// dropped, and followers acknowledging heartbeats.
pub fn classify(event: &TraceEvent) -> (Tone, bool) {
    use raft::Event as E;
    match event {
        TraceEvent::Raft { event, .. } => match event {
            E::BecameLeader { .. } => (Tone::Leader, false),
            E::CommitAdvanced { .. } => (Tone::Commit, false),
            E::AppendAccepted { appended: 0, .. } => (Tone::Replication, true),
            other => match other.family() {
                Family::Election => (Tone::Election, false),
                Family::Replication => (Tone::Replication, false),
                Family::Read => (Tone::Read, false),
                Family::Snapshot => (Tone::Snapshot, false),
                Family::Membership => (Tone::Membership, false),
                Family::Client => (Tone::Client, false),
            },
        },
        TraceEvent::Sent { .. } | TraceEvent::Dropped { .. } => (Tone::Network, true),
        TraceEvent::Applied { .. } => (Tone::Commit, false),
        TraceEvent::Invoked { .. } | TraceEvent::Retrying { .. } | TraceEvent::Returned { .. } => {
            (Tone::Client, false)
        }
        TraceEvent::Crashed(_) | TraceEvent::Restarted(_) => (Tone::Fault, false),
        TraceEvent::Action(_) => (Tone::Action, false),
        TraceEvent::Violation(_) => (Tone::Violation, false),
    }
}

/// The narration: the latest trace events, newest first, kept up to date
/// incrementally (each event is put into words once).
pub struct Narration {
    limit: usize,
    show_all: bool,
    last_seq: u64,
    added: u64,
    lines: VecDeque<Rc<NarrationLine>>,
}

impl Narration {
    /// An empty narration keeping at most `limit` lines.
    pub fn new(limit: usize, show_all: bool) -> Self {
        Narration { limit, show_all, last_seq: 0, added: 0, lines: VecDeque::new() }
    }

    /// Does it include routine chatter?
    pub fn show_all(&self) -> bool {
        self.show_all
    }

    /// Add the events recorded since the last call. Returns true if any
    /// line was added.
    pub fn refresh(&mut self, sim: &Sim) -> bool {
        let mut added = false;
        let fresh: Vec<_> =
            sim.trace().recent().rev().take_while(|e| e.seq > self.last_seq).collect();
        for entry in fresh.into_iter().rev() {
            self.last_seq = entry.seq;
            let (tone, chatter) = classify(&entry.event);
            if chatter && !self.show_all {
                continue;
            }
            self.lines.push_front(Rc::new(NarrationLine {
                seq: entry.seq,
                time: entry.time,
                text: entry.event.to_string().into(),
                tone,
                rule: match &entry.event {
                    TraceEvent::Raft { event, .. } => {
                        super::decision::decision(event).map(|(rule, values)| (rule, values.into()))
                    }
                    _ => None,
                },
                shaded: self.added % 2 == 1,
            }));
            self.added += 1;
            added = true;
        }
        self.lines.truncate(self.limit);
        added
    }

    /// Start again from what the trace still holds, with or without chatter.
    pub fn rebuild(&mut self, sim: &Sim, show_all: bool) {
        self.show_all = show_all;
        self.last_seq = 0;
        self.added = 0;
        self.lines.clear();
        self.refresh(sim);
    }

    /// The lines, newest first.
    pub fn lines(&self) -> Vec<Rc<NarrationLine>> {
        self.lines.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};

    #[test]
    fn narration_hides_chatter_unless_asked() {
        let mut sim = cluster(5, 2);
        elect(&mut sim);
        let t = sim.now() + 200;
        sim.run_until(t);
        let mut quiet = Narration::new(500, false);
        quiet.refresh(&sim);
        let mut all = Narration::new(500, true);
        all.refresh(&sim);
        assert!(quiet.lines().iter().all(|l| !l.text.contains(" sent ")));
        assert!(all.lines().iter().any(|l| l.text.contains(" sent ")));
        assert!(quiet.lines().iter().any(|l| l.tone == Tone::Leader));
        let lines = quiet.lines();
        assert!(lines.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        assert!(!quiet.refresh(&sim), "no new events, nothing added");
    }

    #[test]
    fn a_line_keeps_its_shade_as_newer_lines_arrive() {
        let mut sim = cluster(5, 2);
        elect(&mut sim);
        let mut narration = Narration::new(500, false);
        narration.refresh(&sim);
        let before = narration.lines();
        assert!(before.windows(2).all(|w| w[0].shaded != w[1].shaded), "alternating");
        let t = sim.now() + 500;
        sim.run_until(t);
        assert!(narration.refresh(&sim));
        let after = narration.lines();
        assert!(after.len() > before.len());
        assert!(after.windows(2).all(|w| w[0].shaded != w[1].shaded), "still alternating");
        for old in &before {
            let now = after.iter().find(|l| l.seq == old.seq).expect("kept");
            assert_eq!(now.shaded, old.shaded, "line {} kept its shade", old.seq);
        }
    }
}
