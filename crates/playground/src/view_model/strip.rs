//! The time strip under the cluster: what the simulator's marks say
//! happened along the branch being looked at, as times and names to draw.
//! Nothing is worked out here; every band and mark comes from
//! [`sim::timeline::Marks`].

use sim::timeline::Timeline;
use std::rc::Rc;

/// A stretch of the run in one term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BandView {
    /// Where it starts, virtual ms.
    pub from: u64,
    /// Where it ends: the next band's start, or `None` for the last band,
    /// which lasts to the branch's end.
    pub to: Option<u64>,
    /// The term.
    pub term: u64,
}

/// A mark on the strip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkView {
    /// When, virtual ms.
    pub at: u64,
    /// Its kind's name (`data-mark`: elected, crash, restart, cut, heal,
    /// client, violation).
    pub kind: &'static str,
    /// What happened, in words (its tooltip).
    pub title: Rc<str>,
}

/// Everything drawn on the strip except its length (the branch's end,
/// which moves every frame while the run plays) and the shown time.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StripView {
    /// The term bands, oldest first.
    pub bands: Vec<BandView>,
    /// The marks, oldest first.
    pub marks: Vec<MarkView>,
    /// Where this branch forked from its parent, ms (none for the first
    /// run).
    pub fork: Option<u64>,
    /// Client operations too many to mark.
    pub unmarked_ops: u64,
}

/// What identifies a strip's contents: the branch and how many bands and
/// marks it has. A strip whose key did not change is the same.
pub type StripKey = (u32, usize, usize);

/// The key of `timeline`'s current strip.
pub fn strip_key(timeline: &Timeline) -> StripKey {
    let marks = timeline.marks();
    (timeline.branch().id().0, marks.bands().len(), marks.marks().len())
}

/// The strip of `timeline`'s current branch.
pub fn strip_view(timeline: &Timeline) -> StripView {
    let marks = timeline.marks();
    let bands = marks.bands();
    let bands = bands
        .iter()
        .enumerate()
        .map(|(i, b)| BandView {
            from: b.from,
            to: bands.get(i + 1).map(|next| next.from),
            term: b.term,
        })
        .collect();
    let marks_view = marks
        .marks()
        .iter()
        .map(|m| MarkView { at: m.at, kind: m.kind.name(), title: Rc::from(m.kind.to_string()) })
        .collect();
    let branch = timeline.branch();
    StripView {
        bands,
        marks: marks_view,
        fork: branch.parent().map(|_| branch.fork_point().time),
        unmarked_ops: marks.unmarked_client_ops(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{Action, SimConfig};

    #[test]
    fn bands_tile_the_run_and_a_fork_is_shown_where_it_happened() {
        let mut t = Timeline::new(SimConfig { seed: 6, ..SimConfig::default() }).unwrap();
        t.run_until(1_500).unwrap();
        let strip = strip_view(&t);
        assert!(!strip.bands.is_empty(), "an election raised the term");
        assert!(strip.bands.windows(2).all(|w| w[0].to == Some(w[1].from)));
        assert_eq!(strip.bands.last().unwrap().to, None, "the last term lasts to the end");
        t.run_until(1_600).unwrap();
        assert_eq!(strip_view(&t), strip, "playing on without news changes nothing");
        assert!(strip.marks.iter().any(|m| m.kind == "elected"));
        assert_eq!(strip.fork, None);
        t.seek(700).unwrap();
        t.act(Action::Crash(raft::NodeId(2))).unwrap();
        let forked = strip_view(&t);
        assert_eq!(forked.fork, Some(700));
        assert_eq!(forked.marks.last().unwrap().kind, "crash");
        assert_ne!(strip_key(&t).0, 0);
    }
}
