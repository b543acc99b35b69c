//! Playback: the run on the page, the virtual time shown, playing or
//! paused, the speed, and stepping one event at a time. Every animation
//! frame moves virtual time on by wall time × speed; a broken safety
//! property, or a replay that has ended, pauses the run where it happened
//! and keeps it paused.
//!
//! The rest of the page reaches the run only through [`Playback`]: what
//! the world looks like now ([`Playback::sim`], [`Playback::replay`]) and
//! what can be done to it ([`Playback::frame`], [`Playback::step`],
//! [`Playback::act`], [`Playback::restart`]).

pub mod speed;

use crate::run::{Replay, Run};
use sim::{Action, Sim};

/// The run on the page and how it plays.
pub struct Playback {
    run: Run,
    /// Virtual time shown, ms. The simulator has processed every event up
    /// to its whole part; messages are drawn at the fractional time.
    shown: f64,
    playing: bool,
    speed_pos: u32,
    /// The previous animation frame's wall-clock timestamp, while playing.
    last_frame: Option<f64>,
}

impl Playback {
    /// Play `run` from its present moment (a ready-made situation starts
    /// with time already run), at `speed` virtual ms per wall ms.
    pub fn new(run: Run, playing: bool, speed: f64) -> Self {
        let shown = run.sim().now() as f64;
        Playback { run, shown, playing, speed_pos: speed::position_of(speed), last_frame: None }
    }

    /// The simulated world as it is now.
    pub fn sim(&self) -> &Sim {
        self.run.sim()
    }

    /// The replayed swarm seed, if the run is one.
    pub fn replay(&self) -> Option<&Replay> {
        self.run.as_replay()
    }

    /// Virtual time shown, ms (fractional between events).
    pub fn shown(&self) -> f64 {
        self.shown
    }

    /// Is virtual time running?
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The Speed slider's position (log scale, see [`speed`]).
    pub fn speed_pos(&self) -> u32 {
        self.speed_pos
    }

    /// Move the Speed slider to `pos` (past its end is its end).
    pub fn set_speed_pos(&mut self, pos: u32) {
        self.speed_pos = pos.min(speed::SLIDER_MAX);
    }

    /// Has the run stopped for good: a safety property broke, or the
    /// replayed seed has ended?
    pub fn is_over(&self) -> bool {
        !self.sim().violations().is_empty() || self.replay().is_some_and(|r| r.finished())
    }

    /// Play or pause. A run that is over stays paused.
    pub fn toggle(&mut self) {
        self.playing = !self.playing && !self.is_over();
        self.last_frame = None;
    }

    /// Pause.
    pub fn pause(&mut self) {
        self.playing = false;
        self.last_frame = None;
    }

    /// An animation frame at wall-clock `timestamp` (ms): while playing,
    /// process every event up to the shown time plus the wall time since
    /// the last frame × speed, stopping right after an event that broke a
    /// safety property so the page pauses exactly there. Returns whether
    /// the shown time moved.
    pub fn frame(&mut self, timestamp: f64) -> bool {
        if !self.playing {
            self.last_frame = None;
            return false;
        }
        let wall = self.last_frame.map_or(0.0, |last| timestamp - last);
        self.last_frame = Some(timestamp);
        let advance = speed::advance(wall, speed::speed_at(self.speed_pos));
        if advance <= 0.0 {
            return false;
        }
        let target = (self.shown + advance).max(self.sim().now() as f64);
        self.shown = match self.run.advance_to(target.floor() as u64) {
            Some(stopped) => stopped as f64,
            None => target.max(self.sim().now() as f64),
        };
        self.pause_if_over();
        true
    }

    /// Process the next event (in a replay, the next swarm step) and pause.
    pub fn step(&mut self) {
        self.pause();
        if self.run.step() {
            self.shown = self.shown.max(self.sim().now() as f64);
        }
    }

    /// Do something to the cluster; `Err` says why it was refused (and
    /// nothing changed).
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        let done = self.run.act(action);
        self.pause_if_over();
        done
    }

    /// Play `run` instead, from its present moment; playing or paused,
    /// and the speed, stay as they were.
    pub fn restart(&mut self, run: Run) {
        self.shown = run.sim().now() as f64;
        self.run = run;
    }

    fn pause_if_over(&mut self) {
        if self.is_over() {
            self.pause();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ReplayLink;
    use sim::SimConfig;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn fresh(seed: u64, playing: bool) -> Playback {
        let run = Run::free(SimConfig { seed, ..SimConfig::default() }).unwrap();
        Playback::new(run, playing, speed::SPEED_MAX)
    }

    #[test]
    fn frames_move_virtual_time_by_wall_time_times_speed() {
        let mut p = fresh(1, true);
        assert!(!p.frame(1_000.0), "the first frame has no wall time behind it");
        assert_eq!(p.shown(), 0.0);
        assert!(p.frame(1_016.0));
        assert!(close(p.shown(), 16.0), "real time: 16 wall ms are 16 virtual ms");
        p.set_speed_pos(0);
        assert!(p.frame(1_032.0));
        assert!(close(p.shown(), 16.0 + 16.0 * speed::SPEED_MIN));
        p.set_speed_pos(u32::MAX);
        assert_eq!(p.speed_pos(), speed::SLIDER_MAX);
    }

    #[test]
    fn a_paused_run_does_not_move_and_resumes_without_a_jump() {
        let mut p = fresh(2, false);
        assert!(!p.frame(0.0) && !p.frame(5_000.0));
        assert_eq!(p.shown(), 0.0);
        p.toggle();
        assert!(p.is_playing());
        assert!(!p.frame(60_000.0), "the wall time spent paused does not count");
        assert!(p.frame(60_010.0));
        assert!(close(p.shown(), 10.0));
        p.toggle();
        assert!(!p.is_playing());
    }

    #[test]
    fn step_pauses_at_the_next_event() {
        let mut p = fresh(9, true);
        p.step();
        assert!(!p.is_playing());
        // The first event is the earliest election timeout (150–300 ms).
        assert!((150.0..=300.0).contains(&p.shown()), "{}", p.shown());
        assert_eq!(p.shown(), p.sim().now() as f64);
    }

    #[test]
    fn a_refused_action_says_why() {
        let mut p = fresh(3, false);
        p.act(Action::Crash(raft::NodeId(2))).unwrap();
        let err = p.act(Action::Crash(raft::NodeId(2))).unwrap_err();
        assert!(!err.is_empty());
    }

    #[test]
    fn a_broken_safety_property_pauses_the_run_where_it_broke_and_keeps_it_paused() {
        // The seed the browser tests replay: Leader Completeness breaks.
        let link = ReplayLink { seed: 4, bug: Some(raft::Bug::VoteWithoutLogCheck) };
        let mut p = Playback::new(Run::replay(link).unwrap(), true, speed::SPEED_MAX);
        let mut wall = 0.0;
        while p.is_playing() {
            wall += 100.0;
            p.frame(wall);
            assert!(wall < 10_000_000.0, "the replay never stopped");
        }
        let failure = p.replay().and_then(|r| r.failure.clone()).expect("the seed fails");
        assert!(!p.sim().violations().is_empty());
        assert_eq!(p.shown(), failure.time as f64, "paused at the violation");
        p.toggle();
        assert!(!p.is_playing(), "a run that is over stays paused");
    }

    #[test]
    fn restart_plays_a_new_run_from_its_present_moment() {
        let mut p = fresh(5, true);
        p.frame(0.0);
        p.frame(50.0);
        let divergent = crate::situation::Situation::DivergentFollower;
        let sim = divergent.build(SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
        let now = sim.now() as f64;
        p.restart(Run::of(sim));
        assert_eq!(p.shown(), now);
        assert!(p.is_playing());
        assert!(p.frame(66.0));
        assert!(close(p.shown(), now + 16.0), "the new run plays on at the same speed");
    }
}
