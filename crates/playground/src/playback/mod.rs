//! Playback: the run on the page, the virtual time shown, playing or
//! paused, the speed, and stepping one event at a time. Every animation
//! frame moves virtual time on by wall time × speed; a broken safety
//! property, or a replay that has ended, pauses the run where it happened
//! and keeps it paused.
//!
//! Every run keeps its history ([`sim::Timeline`]): the page
//! can seek to any moment of it, step back, and act in the past, which
//! forks the run; the abandoned future stays and can be returned to. At
//! slow speeds the page can skip quiet time, when nothing is in flight and
//! no timer is about to fire, so a newcomer does not wait for the first
//! election.
//!
//! The rest of the page reaches the run only through [`Playback`]: what
//! the world looks like now ([`Playback::sim`], [`Playback::replay`]) and
//! what can be done to it ([`Playback::frame`], [`Playback::step`],
//! [`Playback::act`], [`Playback::seek`], [`Playback::restart`]).

pub mod speed;

use crate::run::{Replay, Run};
use sim::timeline::{Arrival, BranchId, Timeline};
use sim::{Action, Sim};

/// Skipping quiet time applies at this speed and slower (virtual ms per
/// wall ms): faster, the wait for an election is short anyway.
pub const SKIP_QUIET_MAX_SPEED: f64 = 0.05;
/// How long before the next event a skip lands, in virtual ms, so the
/// event is seen coming (at the default speed, about a second of wall
/// time).
const SKIP_LEAD_MS: f64 = 15.0;
/// Shift+arrow on the time strip moves this far, virtual ms.
pub const SEEK_JUMP_MS: u64 = 100;

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
    /// Fast-forward over quiet time at slow speeds.
    skip_quiet: bool,
    /// The branch looked at before the last fork or switch: "the other
    /// future" to go back to.
    other: Option<BranchId>,
}

impl Playback {
    /// Play `run` from its present moment (a ready-made situation starts
    /// with time already run), at `speed` virtual ms per wall ms.
    pub fn new(run: Run, playing: bool, speed: f64) -> Self {
        let shown = run.sim().now() as f64;
        Playback {
            run,
            shown,
            playing,
            speed_pos: speed::position_of(speed),
            last_frame: None,
            skip_quiet: true,
            other: None,
        }
    }

    /// The run's history.
    pub fn timeline(&self) -> &Timeline {
        self.run.timeline()
    }

    /// The branch "Back to the other future" returns to, if there is one.
    pub fn other_future(&self) -> Option<BranchId> {
        self.other
    }

    /// Does quiet time get skipped at slow speeds?
    pub fn skips_quiet(&self) -> bool {
        self.skip_quiet
    }

    /// Skip quiet time (at [`SKIP_QUIET_MAX_SPEED`] and slower) or not.
    pub fn set_skip_quiet(&mut self, on: bool) {
        self.skip_quiet = on;
    }

    /// Show virtual time `time` of the current branch exactly as it was
    /// (and pause; before the run's start is its start). `Err` (past the
    /// end) says why and changes nothing.
    pub fn seek(&mut self, time: u64) -> Result<(), String> {
        self.travel(|t| t.seek(time))
    }

    /// Go back one event (and pause).
    pub fn step_back(&mut self) -> Result<(), String> {
        self.travel(Timeline::step_back)
    }

    /// Go back to the other future: the branch looked at before the last
    /// fork (or switch), at its end, where the person left it before going
    /// back in time. Pressed again, it returns to the fork.
    pub fn back_to_other_future(&mut self) -> Result<(), String> {
        let Some(other) = self.other else {
            return Err(
                "there is no other future: act while looking at the past to make one".into()
            );
        };
        let here = self.timeline().branch().id();
        self.travel(|t| t.switch_branch(other, Arrival::End))?;
        self.other = Some(here);
        Ok(())
    }

    /// Pause and move through the history with `go` (a seek, a tour's
    /// step); the shown time follows the moment reached.
    pub fn travel(
        &mut self,
        go: impl FnOnce(&mut Timeline) -> Result<(), String>,
    ) -> Result<(), String> {
        self.pause();
        go(self.run.timeline_mut())?;
        self.shown = self.sim().now() as f64;
        Ok(())
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
        !self.sim().violations().is_empty() || self.run.replay_finished()
    }

    /// Play or pause. A run that is over stays paused.
    pub fn toggle(&mut self) {
        self.playing = !self.playing && !self.is_over();
        self.last_frame = None;
    }

    /// Forget the last frame's wall-clock time: the next frame starts a
    /// new interval, so time spent with the page hidden does not count.
    pub fn forget_frame_clock(&mut self) {
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
        let target = self.skip_quiet_time((self.shown + advance).max(self.sim().now() as f64));
        self.shown = match self.run.advance_to(target.floor() as u64) {
            Some(stopped) => stopped as f64,
            None => target.max(self.sim().now() as f64),
        };
        self.pause_if_over();
        true
    }

    /// At slow speeds with skipping on: when nothing is in flight and the
    /// next event is further off than a short lead, jump to just before it.
    fn skip_quiet_time(&self, target: f64) -> f64 {
        let sim = self.sim();
        if !self.skip_quiet
            || speed::speed_at(self.speed_pos) > SKIP_QUIET_MAX_SPEED
            || sim.network().in_flight().next().is_some()
        {
            return target;
        }
        match sim.next_event_time() {
            Some(next) => target.max(next as f64 - SKIP_LEAD_MS),
            None => target,
        }
    }

    /// Process the next event (in a replay, the next swarm step) and pause.
    pub fn step(&mut self) {
        self.pause();
        if self.run.step() {
            self.shown = self.shown.max(self.sim().now() as f64);
        }
    }

    /// Do something to the cluster; `Err` says why it was refused (and
    /// nothing changed). Done while looking at the past, it forks the run
    /// there, and the future left behind becomes the other future.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        let from = self.timeline().branch().id();
        let done = self.run.act(action);
        if let Ok(Some(_)) = done {
            self.other = Some(from);
        }
        // Firing a chosen event moves the clock.
        self.shown = self.shown.max(self.sim().now() as f64);
        self.pause_if_over();
        done.map(|_| ())
    }

    /// Play `run` instead, from its present moment; playing or paused,
    /// and the speed, stay as they were.
    pub fn restart(&mut self, run: Run) {
        self.shown = run.sim().now() as f64;
        self.run = run;
        self.other = None;
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
        p.set_skip_quiet(false);
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
        let mut p = Playback::new(crate::test_support::replayed(link), true, speed::SPEED_MAX);
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
        let divergent = crate::situation::Situation::DivergentFollower.origin();
        let run = Run::begin(divergent, SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
        let now = run.sim().now() as f64;
        p.restart(run);
        assert_eq!(p.shown(), now);
        assert!(p.is_playing());
        assert!(p.frame(66.0));
        assert!(close(p.shown(), now + 16.0), "the new run plays on at the same speed");
    }

    /// A playback of a fresh cluster with `seed`, paused, that has played
    /// to `until` ms and been crashed a server at 600 ms on the way.
    fn played(seed: u64, until: u64) -> Playback {
        let mut p = fresh(seed, false);
        p.seek(0).unwrap();
        p.toggle();
        let mut wall = 0.0;
        while p.shown() < 600.0 {
            wall += 10.0;
            p.frame(wall);
        }
        p.act(Action::Crash(raft::NodeId(1))).unwrap();
        while p.shown() < until as f64 {
            wall += 10.0;
            p.frame(wall);
        }
        p.pause();
        p
    }

    #[test]
    fn seeking_back_then_acting_forks_and_the_other_future_comes_back_as_it_was() {
        let mut p = played(11, 2_000);
        let end_hash = p.sim().trace().hash();
        let end = p.timeline().end();
        assert!(p.other_future().is_none(), "acting at the end does not fork");
        p.seek(400).unwrap();
        assert_eq!(p.shown(), 400.0);
        assert_eq!(p.sim().now(), 400);
        assert!(p.sim().server(raft::NodeId(1)).is_some(), "before the crash");
        p.act(Action::Crash(raft::NodeId(3))).unwrap();
        let fork = p.timeline().branch().id();
        assert_ne!(fork.0, 0, "acting in the past forked the run");
        assert_eq!(p.other_future().map(|b| b.0), Some(0));
        p.toggle();
        p.frame(0.0);
        p.frame(50.0);
        p.pause();
        let fork_hash = p.sim().trace().hash();
        p.back_to_other_future().unwrap();
        assert_eq!(p.timeline().branch().id().0, 0);
        assert_eq!(p.sim().trace().hash(), end_hash, "the old future's end, exactly");
        assert_eq!(p.shown(), end.time as f64);
        p.back_to_other_future().unwrap();
        assert_eq!(p.timeline().branch().id(), fork);
        assert_eq!(p.sim().trace().hash(), fork_hash, "and pressed again, the fork's");
    }

    #[test]
    fn step_back_undoes_a_step_and_bad_seeks_change_nothing() {
        let mut p = played(12, 1_000);
        let hash = p.sim().trace().hash();
        let err = p.seek(5_000).unwrap_err();
        assert!(err.contains("after the end"), "{err}");
        assert_eq!((p.sim().trace().hash(), p.shown()), (hash, 1_000.0));
        p.seek(300).unwrap();
        p.step();
        let (after, len) = (p.sim().now(), p.sim().trace().len());
        p.step();
        p.step_back().unwrap();
        assert_eq!((p.sim().now(), p.sim().trace().len()), (after, len));
        let situation = crate::situation::Situation::DivergentFollower.origin();
        let run = Run::begin(situation, SimConfig { seed: 5, ..SimConfig::default() }).unwrap();
        let start = run.sim().now();
        p.restart(run);
        p.step();
        p.step();
        p.step_back().unwrap();
        p.step_back().unwrap();
        assert_eq!(p.sim().now(), start, "a ready-made situation steps back to its start");
        assert!(p.step_back().unwrap_err().contains("start of the run"));
        p.seek(0).unwrap();
        assert_eq!(p.shown(), start as f64, "before the start is the start");
    }

    #[test]
    fn quiet_time_is_skipped_at_slow_speeds_only() {
        let mut slow = fresh(13, true);
        slow.set_speed_pos(speed::position_of(speed::DEFAULT_SPEED));
        let first = slow.sim().next_event_time().unwrap() as f64;
        slow.frame(0.0);
        slow.frame(16.0);
        assert!(close(slow.shown(), first - SKIP_LEAD_MS), "{} vs {first}", slow.shown());
        let mut off = fresh(13, true);
        off.set_speed_pos(speed::position_of(speed::DEFAULT_SPEED));
        off.set_skip_quiet(false);
        off.frame(0.0);
        off.frame(16.0);
        assert!(off.shown() < 1.0, "without skipping, 16 wall ms are a fraction of a virtual ms");
    }
}
