//! What the page has read from the simulator for drawing, kept between
//! frames. A value that did not change keeps its identity (the same `Rc`),
//! so the component drawing it compares equal and is not redrawn; what
//! only changes with events (logs, narration, operations, cut links,
//! violations) is re-read only when the trace has grown. While a run
//! plays, the panels beside the cluster follow it at a steady pace
//! ([`PANEL_PACE_MS`]) rather than at every frame's events; the cluster
//! drawing follows every frame.

use crate::animation::Motion;
use crate::config_view::{config_view, ConfigView};
use crate::history_check::HistoryCheck;
use crate::playback::Playback;
use crate::view_model::history::{conflict, history_view, verdict_view, HistoryView, VerdictView};
use crate::view_model::links::{cut_links, CutLink};
use crate::view_model::logs::{LogRow, LogRows};
use crate::view_model::messages::{MessageCache, MsgView};
use crate::view_model::narration::{Narration, NarrationLine};
use crate::view_model::network::current_groups;
use crate::view_model::nodes::{node_views, NodeView};
use crate::view_model::ops::{op_rows, OpRow, PAGE_CLIENT};
use crate::view_model::strip::{strip_key, strip_view, StripKey, StripView};
use raft::{LogIndex, NodeId};
use sim::{PendingId, SimConfig, Violation};
use std::rc::Rc;

/// How many narration lines and client operations the page keeps.
const NARRATION_LINES: usize = 80;
const OP_ROWS: usize = 12;
/// Least time between two readings of the panels' events (the logs, the
/// narration, the client's operations and history, the scheduled events)
/// in the frames of a run that plays, ms of the page's clock: ten a second
/// is as fast as anyone reads a log grow, and at nine servers most frames
/// bring events, which each cost the panels a redraw, a layout and a paint.
/// A paused, stepped or steered run reads them at once.
pub const PANEL_PACE_MS: f64 = 100.0;

/// The servers and log index a broken safety property points at.
pub type Flagged = (Rc<Vec<NodeId>>, Option<LogIndex>);

/// The view values of the cluster on the page.
pub struct ViewCache {
    /// The cluster's settings (features, read mode, snapshots, flow
    /// control, loss, bug switches), as the option panels draw them.
    pub config: Rc<SimConfig>,
    /// Who votes, who learns, and whether the configuration is joint.
    pub membership: ConfigView,
    /// Every server, S1 first, at the shown time.
    pub nodes: Rc<Vec<NodeView>>,
    /// Every message in flight, at its place at the shown time.
    pub messages: Rc<Vec<MsgView>>,
    /// The page client's latest operations, newest first.
    pub ops: Rc<Vec<OpRow>>,
    /// Every client's operations up to the moment shown, as a space-time
    /// diagram.
    pub history: Rc<HistoryView>,
    /// Whether they are linearizable.
    pub verdict: VerdictView,
    /// The page client's operation in progress, if any.
    pub client_pending: Option<Rc<str>>,
    /// Links between servers that are cut (both ways or one way).
    pub cut_links: Rc<Vec<CutLink>>,
    /// The partition group each server is in, S1 first (the network
    /// editor's selectors).
    pub net_groups: Rc<Vec<usize>>,
    /// The narration's lines, newest first.
    pub narration_lines: Rc<Vec<Rc<NarrationLine>>>,
    /// The broken safety properties, oldest first.
    pub violations: Rc<Vec<Violation>>,
    /// Every server a broken property names (outlined in the cluster).
    pub violating: Rc<Vec<NodeId>>,
    /// The first broken property's servers and log index (marked in the
    /// logs).
    pub flagged: Option<Flagged>,
    /// Why a replayed seed failed, when it is not a safety property (a
    /// cluster that did not converge).
    pub replay_failure: Option<Rc<str>>,
    /// The time strip, for a run that keeps its history.
    pub strip: Option<Rc<StripView>>,
    /// The scheduled events, earliest first, named ("S2's election
    /// timeout"), for "Choose the next event".
    pub pending: Rc<Vec<(PendingId, String)>>,
    strip_key: Option<StripKey>,
    /// How messages move (gliding, or jumping for reduced motion).
    motion: Motion,
    /// The clients' history checked for linearizability, a slice per frame.
    history_check: HistoryCheck,
    messages_seen: MessageCache,
    logs: LogRows,
    narration: Narration,
    /// The trace length last read for the cluster drawing; events since
    /// then are still to read.
    trace_len: u64,
    /// The trace length last read for the panels.
    panels_len: u64,
    /// The page's clock, ms, when a playing run's frame last read the
    /// panels.
    panels_read_at: Option<f64>,
}

impl ViewCache {
    /// Nothing read yet; the narration shows routine events if `show_all`.
    pub fn new(show_all: bool) -> Self {
        ViewCache {
            config: Rc::default(),
            membership: ConfigView::default(),
            nodes: Rc::default(),
            messages: Rc::default(),
            ops: Rc::default(),
            history: Rc::default(),
            verdict: VerdictView { kind: "checking", text: Rc::from("checking…") },
            client_pending: None,
            cut_links: Rc::default(),
            net_groups: Rc::default(),
            narration_lines: Rc::default(),
            violations: Rc::default(),
            violating: Rc::default(),
            flagged: None,
            replay_failure: None,
            strip: None,
            pending: Rc::default(),
            strip_key: None,
            motion: Motion::Glide,
            history_check: HistoryCheck::default(),
            messages_seen: MessageCache::default(),
            logs: LogRows::default(),
            narration: Narration::new(NARRATION_LINES, show_all),
            trace_len: u64::MAX,
            panels_len: u64::MAX,
            panels_read_at: None,
        }
    }

    /// Forget everything read from the cluster before (a fresh cluster
    /// reuses message ids and trace numbers, and a seek back or a switch
    /// of branch leaves a future the narration must not tell); the
    /// narration and the motion keep their setting.
    pub fn forget(&mut self) {
        *self = ViewCache {
            config: Rc::clone(&self.config),
            motion: self.motion,
            ..ViewCache::new(self.show_all())
        };
    }

    /// Draw messages moving as `motion` says from the next refresh on.
    pub fn set_motion(&mut self, motion: Motion) {
        self.motion = motion;
    }

    /// The log view's rows, S1 first.
    pub fn log_rows(&self) -> Rc<Vec<Rc<LogRow>>> {
        self.logs.rows()
    }

    /// The Figure 2 rule the latest narrated decision applied.
    pub fn last_rule(&self) -> Option<raft::Rule> {
        self.narration_lines.iter().find_map(|l| l.rule.as_ref().map(|(r, _)| *r))
    }

    /// Does the narration include routine chatter?
    pub fn show_all(&self) -> bool {
        self.narration.show_all()
    }

    /// Show or hide routine chatter in the narration, from what the trace
    /// still holds.
    pub fn show_all_events(&mut self, playback: &Playback, all: bool) {
        self.narration.rebuild(playback.sim(), all);
        self.narration_lines = Rc::new(self.narration.lines());
    }

    /// Re-read the run at its shown time; whether anything changed besides
    /// what moves every frame (the servers' timers, the messages' places,
    /// the time: [`crate::frame_feed::Moving`]).
    pub fn refresh(&mut self, playback: &Playback) -> bool {
        self.read(playback, true)
    }

    /// [`refresh`](Self::refresh) for the frame at `clock` (the page's
    /// clock, ms) of a run that plays: the panels' events are read only if
    /// [`PANEL_PACE_MS`] has passed since the last frame that read them.
    pub fn refresh_playing(&mut self, playback: &Playback, clock: f64) -> bool {
        let due = self.panels_read_at.is_none_or(|t| clock - t >= PANEL_PACE_MS || clock < t);
        if due {
            self.panels_read_at = Some(clock);
        }
        self.read(playback, due)
    }

    /// Do the panels lag behind the run (a playing run's frame left its
    /// latest events for later)?
    pub fn panels_behind(&self, playback: &Playback) -> bool {
        self.panels_len != playback.sim().trace().len()
    }

    /// Re-read the run, the panels too if `panels`; whether anything
    /// changed that is not in the frame feed.
    fn read(&mut self, playback: &Playback, panels: bool) -> bool {
        let sim = playback.sim();
        let mut changed = false;
        if *self.config != *sim.config() {
            self.config = Rc::new(sim.config().clone());
            changed = true;
        }
        let len = sim.trace().len();
        if len != self.trace_len {
            self.trace_len = len;
            changed |= self.read_cluster_events(playback);
        }
        if panels && len != self.panels_len {
            self.panels_len = len;
            self.read_panel_events(playback);
            changed = true;
        }
        let membership = config_view(sim);
        if membership != self.membership {
            self.membership = membership;
            changed = true;
        }
        let now = playback.shown();
        let nodes = node_views(sim, now);
        if *self.nodes != nodes {
            self.nodes = Rc::new(nodes);
        }
        let messages = self.messages_seen.views(sim, now, self.motion);
        if *self.messages != messages {
            self.messages = Rc::new(messages);
        }
        let key = Some(strip_key(playback.timeline()));
        if key != self.strip_key {
            self.strip_key = key;
            self.strip = Some(Rc::new(strip_view(playback.timeline())));
            changed = true;
        }
        changed
    }

    /// Search the history's linearizability one slice further (once per
    /// frame); whether the verdict came in.
    pub fn check_history(&mut self, playback: &Playback) -> bool {
        let done = self.history_check.advance();
        if done {
            self.draw_history(playback);
        }
        done
    }

    /// The diagram and the verdict line, from the check as it stands.
    fn draw_history(&mut self, playback: &Playback) {
        let h = playback.sim().history();
        let state = &self.history_check.state;
        let view = history_view(h, conflict(state));
        if *self.history != view {
            self.history = Rc::new(view);
        }
        self.verdict = verdict_view(h, state);
    }

    /// What the cluster drawing shows that only changes when something
    /// happens: the messages' details, cut links, broken properties and a
    /// replay's failure. Whether any of it changed.
    fn read_cluster_events(&mut self, playback: &Playback) -> bool {
        let sim = playback.sim();
        let mut changed = false;
        self.messages_seen.refresh(sim);
        let cut = cut_links(sim);
        if *self.cut_links != cut {
            self.cut_links = Rc::new(cut);
            changed = true;
        }
        let groups = current_groups(sim);
        if *self.net_groups != groups {
            self.net_groups = Rc::new(groups);
            changed = true;
        }
        let found = sim.violations();
        if found.len() != self.violations.len() {
            self.violations = Rc::new(found.to_vec());
            self.violating = Rc::new(found.iter().flat_map(|v| v.nodes.iter().copied()).collect());
            self.flagged = found.first().map(|v| (Rc::new(v.nodes.clone()), v.index));
            changed = true;
        }
        if let Some(replay) = playback.replay() {
            let ended = replay.finished(playback.timeline());
            let failure = replay.failure.as_ref().filter(|f| ended && f.violation.is_none());
            let failure = failure.map(|f| Rc::from(f.reason.as_str()));
            if self.replay_failure != failure {
                self.replay_failure = failure;
                changed = true;
            }
        }
        changed
    }

    /// What the panels show that only changes when something happens: the
    /// logs, the client's operations and history, the scheduled events and
    /// the narration.
    fn read_panel_events(&mut self, playback: &Playback) {
        let sim = playback.sim();
        self.logs.refresh(sim);
        self.history_check.watch(sim.history());
        self.draw_history(playback);
        let ops = op_rows(sim, OP_ROWS);
        if *self.ops != ops {
            self.ops = Rc::new(ops);
        }
        self.client_pending = sim
            .clients()
            .get(&PAGE_CLIENT)
            .and_then(|c| c.pending.as_ref())
            .map(|p| Rc::<str>::from(p.op.to_string()));
        let pending: Vec<(PendingId, String)> =
            sim.pending().iter().map(|p| (p.id(), p.to_string())).collect();
        if *self.pending != pending {
            self.pending = Rc::new(pending);
        }
        if self.narration.refresh(sim) {
            self.narration_lines = Rc::new(self.narration.lines());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::speed;
    use crate::run::Run;
    use sim::{Action, KvOp, Target};

    fn playback(seed: u64) -> Playback {
        let run = Run::free(SimConfig { seed, ..SimConfig::default() }).unwrap();
        Playback::new(run, false, speed::DEFAULT_SPEED)
    }

    #[test]
    fn values_that_did_not_change_keep_their_identity() {
        let mut p = playback(3);
        let mut cache = ViewCache::new(false);
        cache.refresh(&p);
        assert_eq!(cache.nodes.len(), 5);
        let (nodes, rows, lines) =
            (Rc::clone(&cache.nodes), cache.log_rows(), Rc::clone(&cache.narration_lines));
        cache.refresh(&p);
        assert!(Rc::ptr_eq(&nodes, &cache.nodes), "the same servers, not redrawn");
        assert!(Rc::ptr_eq(&rows, &cache.log_rows()));
        assert!(Rc::ptr_eq(&lines, &cache.narration_lines));
        p.step();
        cache.refresh(&p);
        assert!(!Rc::ptr_eq(&nodes, &cache.nodes), "a server became a candidate");
        assert!(!Rc::ptr_eq(&lines, &cache.narration_lines), "and the narration says so");
    }

    #[test]
    fn the_page_clients_operation_in_progress_and_cut_links_are_read() {
        let mut p = playback(4);
        let mut cache = ViewCache::new(false);
        let op = KvOp::Put { key: "x".into(), value: "3".into() };
        p.act(Action::Submit { client: PAGE_CLIENT, op, target: Target::Leader }).unwrap();
        p.act(Action::Isolate(NodeId(2))).unwrap();
        cache.refresh(&p);
        assert_eq!(cache.client_pending.as_deref(), Some("Put(x, 3)"));
        assert_eq!(cache.ops.len(), 1);
        assert_eq!(cache.cut_links.len(), 4, "S2's links to the four others");
        assert_eq!(cache.membership.servers.len(), 5);
    }

    #[test]
    fn a_playing_runs_panels_follow_at_their_pace_and_its_cluster_at_every_frame() {
        let mut p = playback(6);
        let mut cache = ViewCache::new(false);
        assert!(cache.refresh_playing(&p, 1000.0), "the first frame reads everything");
        assert!(!cache.panels_behind(&p));
        p.step();
        p.act(Action::Isolate(NodeId(3))).unwrap();
        // Too soon after the last reading: the panels wait, the cluster
        // drawing does not (the cut links are drawn on it).
        assert!(cache.refresh_playing(&p, 1000.0 + PANEL_PACE_MS / 2.0), "the links changed");
        assert!(cache.panels_behind(&p));
        assert_eq!(cache.cut_links.len(), 4);
        assert!(cache.narration_lines.is_empty(), "the candidate is not narrated yet");
        assert!(cache.refresh_playing(&p, 1000.0 + PANEL_PACE_MS), "due: the panels catch up");
        assert!(!cache.panels_behind(&p));
        assert!(!cache.narration_lines.is_empty());
        // A clock that went back (a restarted frame loop) reads at once.
        p.step();
        assert!(cache.refresh_playing(&p, 10.0));
        assert!(!cache.panels_behind(&p));
        // Outside playing frames everything is read at once.
        p.step();
        cache.refresh(&p);
        assert!(!cache.panels_behind(&p));
    }

    #[test]
    fn forgetting_a_cluster_keeps_only_the_narration_setting() {
        let mut p = playback(5);
        let mut cache = ViewCache::new(false);
        p.step();
        cache.refresh(&p);
        cache.show_all_events(&p, true);
        assert!(!cache.narration_lines.is_empty());
        cache.forget();
        assert!(cache.show_all(), "the setting carries over");
        assert!(cache.narration_lines.is_empty() && cache.log_rows().is_empty());
        assert!(cache.violations.is_empty() && cache.flagged.is_none());
    }
}
