//! What a screen reader hears without looking: a polite live region that
//! says when a leader is elected (§5.2), when entries commit (§5.3) and
//! when a safety property breaks. It speaks at most once every two
//! seconds of wall time, merging what happened in between into one
//! sentence, and says nothing of moments reached by moving through the
//! run's history (scrubbing the timeline is not news).

use crate::host_api::{self, HostEvent, Seen};

/// The least wall time between two announcements, ms.
const QUIET_MS: f64 = 2_000.0;

/// The live region's words and what is still to be said.
#[derive(Default)]
pub struct Announcer {
    /// The run as last observed.
    seen: Seen,
    /// `seen` is the run as it goes on; when false (at first, and after
    /// a jump) the next observation is only taken in, not news.
    settled: bool,
    /// The newest leader and its term, not yet announced.
    leader: Option<(String, u64)>,
    /// The highest commitIndex reached, not yet announced.
    commit: Option<u64>,
    /// Safety properties broken, not yet announced.
    broken: Vec<String>,
    /// When the last announcement was made (wall ms), if ever.
    spoke_at: Option<f64>,
    /// The last announcement.
    text: String,
}

impl Announcer {
    /// The run jumped (a seek, a step back, a fresh cluster): take it as
    /// it is at the next observation and drop what was still to be said.
    pub fn hush(&mut self) {
        self.settled = false;
    }

    /// Take in the run as it is now, at wall time `wall` (ms); whether
    /// the announcement changed.
    pub fn observe(&mut self, now: Seen, wall: f64) -> bool {
        if !self.settled {
            self.settled = true;
            self.seen = now;
            self.leader = None;
            self.commit = None;
            self.broken.clear();
            return false;
        }
        let (events, seen) = host_api::tell(&self.seen, now);
        self.seen = seen;
        for event in events {
            match event {
                HostEvent::LeaderElected { server, term } => self.leader = Some((server, term)),
                HostEvent::EntryCommitted { index } => self.commit = Some(index),
                HostEvent::Violation { property } => self.broken.push(property),
                _ => {}
            }
        }
        let quiet = self.spoke_at.is_some_and(|at| wall - at < QUIET_MS);
        if quiet || (self.leader.is_none() && self.commit.is_none() && self.broken.is_empty()) {
            return false;
        }
        let mut said = Vec::new();
        if let Some((server, term)) = self.leader.take() {
            said.push(format!("{server} is the leader of term {term}."));
        }
        if let Some(index) = self.commit.take() {
            said.push(format!("Entries up to {index} are committed."));
        }
        for property in self.broken.drain(..) {
            said.push(format!("{property} is broken."));
        }
        self.text = said.join(" ");
        self.spoke_at = Some(wall);
        true
    }

    /// The latest announcement.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use crate::view_model::ops::PAGE_CLIENT;
    use sim::{Action, KvOp, Target};

    #[test]
    fn leaders_and_commits_are_announced_at_most_every_two_seconds_merged() {
        let mut sim = cluster(5, 7);
        let mut a = Announcer::default();
        assert!(!a.observe(Seen::of(&sim, 0), 0.0), "the start is not news");
        assert!(!a.observe(Seen::of(&sim, 0), 0.0), "nothing happened");
        elect(&mut sim);
        assert!(a.observe(Seen::of(&sim, 0), 10.0));
        let leader = sim.leader().unwrap();
        assert!(a.text().starts_with(&format!("{leader} is the leader of term ")), "{}", a.text());
        let op = KvOp::Put { key: "x".into(), value: "1".into() };
        sim.act(Action::Submit { client: PAGE_CLIENT, op, target: Target::Leader }).unwrap();
        sim.run_until(sim.now() + 500);
        assert!(!a.observe(Seen::of(&sim, 0), 1_000.0), "too soon after the last");
        sim.act(Action::Crash(leader)).unwrap();
        sim.run_until(sim.now() + 2_000);
        assert!(a.observe(Seen::of(&sim, 0), 2_500.0), "what waited is said now");
        let text = a.text().to_string();
        assert!(
            text.contains("is the leader of term ") && text.contains("are committed."),
            "{text}"
        );
        assert!(!text.contains(&format!("{leader} is")), "only the newest leader: {text}");
    }

    #[test]
    fn a_jump_through_history_is_not_news() {
        let mut sim = cluster(5, 8);
        let mut a = Announcer::default();
        a.observe(Seen::of(&sim, 0), 0.0);
        elect(&mut sim);
        a.hush();
        assert!(!a.observe(Seen::of(&sim, 0), 0.0), "the jump is not news");
        assert!(!a.observe(Seen::of(&sim, 0), 5_000.0));
        assert_eq!(a.text(), "");
    }
}
