//! The page: owns the simulated cluster and the playback state, advances
//! virtual time on every animation frame, turns clicks into simulator
//! [`Action`]s, and hands each part of the page the small view values it
//! draws (see [`crate::view_model`]).

use crate::animation::AnimationLoop;
use crate::components::alerts::{
    action_error, replay_banner, violation_banner, ActionErrorProps, ReplayProps, ViolationProps,
};
use crate::components::client_box::ClientBox;
use crate::components::cluster::ClusterView;
use crate::components::controls::{
    break_raft, clock, controls, feature_toggles, BreakProps, ClockProps, ControlsProps,
    FeatureProps,
};
use crate::components::legend::legend;
use crate::components::log_table::LogTable;
use crate::components::membership::MembershipPanel;
use crate::components::narration::{narration_panel, NarrationProps};
use crate::components::server_menu::{MenuPlacement, ServerMenu};
use crate::components::settings::{settings_panel, SettingsProps};
use crate::config_view::config_view;
use crate::keyboard::{KeyListener, PageKey};
use crate::options::{self, Options};
use crate::playback;
use crate::run::Run;
use crate::situation::Situation;
use crate::view_model::{
    self, LogRows, MessageCache, MsgView, Narration, NarrationLine, NodeView, OpRow,
};
use raft::NodeId;
use sim::{Action, ClientId, KvOp, SimConfig, Target, Violation};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How many narration lines and client operations the page keeps.
const NARRATION_LINES: usize = 80;
const OP_ROWS: usize = 12;

/// The client the page's command box speaks for.
pub const PAGE_CLIENT: ClientId = ClientId(1);

/// The playground's start-up settings.
#[derive(Properties, PartialEq, Clone, Default)]
pub struct AppProps {
    /// Settings; `None` reads them from the page's address.
    #[prop_or_default]
    pub options: Option<Options>,
}

/// Something that happened on the page.
pub enum Msg {
    /// An animation frame at this wall-clock timestamp (ms).
    Frame(f64),
    /// Play/Pause.
    TogglePlay,
    /// Advance to the next event (and pause).
    Step,
    /// The Speed slider moved.
    Speed(u32),
    /// A different cluster size: starts a fresh cluster.
    Servers(u8),
    /// A fresh cluster with a new seed.
    Reset,
    /// Start from another situation (a fresh cluster with a new seed).
    Situation(Situation),
    /// A server was clicked: open (or close) its menu.
    Select(NodeId),
    /// Close the server menu.
    CloseMenu,
    /// Do something to the cluster.
    Act(Action),
    /// The client box sends a command.
    Submit(KvOp, Target),
    /// Hide the refused-action message.
    DismissError,
    /// Show or hide routine events in the narration.
    ShowAllEvents(bool),
    /// Cut (true) or heal (false) every link of one server.
    Isolate(NodeId, bool),
    /// Heal every cut link.
    HealAll,
    /// A page-wide key.
    Key(PageKey),
}

/// Callbacks made once, so that props holding them compare equal from
/// frame to frame and unchanged parts of the page are not redrawn.
#[derive(Clone, PartialEq)]
struct Callbacks {
    toggle: Callback<()>,
    step: Callback<()>,
    speed: Callback<u32>,
    servers: Callback<u8>,
    reset: Callback<()>,
    situation: Callback<Situation>,
    select: Callback<NodeId>,
    close_menu: Callback<()>,
    act: Callback<Action>,
    submit: Callback<(KvOp, Target)>,
    dismiss: Callback<()>,
    show_all: Callback<bool>,
    isolate: Callback<(NodeId, bool)>,
    heal_all: Callback<()>,
    add_server: Callback<()>,
}

/// The Raft Playground page.
pub struct App {
    /// The cluster drawn: one to play with, or a swarm seed replayed. Its
    /// settings (`sim().config()`: features, read mode, snapshots, flow
    /// control, loss, bug switches) carry over to the next Reset.
    run: Run,
    /// The settings as the settings panels draw them.
    config: Rc<SimConfig>,
    generation: u64,
    seed: u64,
    servers: u8,
    /// What each new cluster starts as.
    situation: Situation,
    /// Virtual time drawn now, ms. The simulator has processed every event
    /// up to its whole part; messages are drawn at the fractional time.
    display_time: f64,
    playing: bool,
    speed_pos: u32,
    last_frame: Option<f64>,
    selected: Option<NodeId>,
    refocus: Option<NodeId>,
    action_error: Option<String>,
    trace_len: u64,
    nodes: Rc<Vec<NodeView>>,
    messages: Rc<Vec<MsgView>>,
    msg_cache: MessageCache,
    logs: LogRows,
    ops: Rc<Vec<OpRow>>,
    client_pending: Option<Rc<str>>,
    cut_pairs: Rc<Vec<(NodeId, NodeId)>>,
    narration: Narration,
    narration_lines: Rc<Vec<Rc<NarrationLine>>>,
    violations: Rc<Vec<Violation>>,
    violating: Rc<Vec<NodeId>>,
    /// Why a replayed seed failed, when it is not a safety property (a
    /// cluster that did not converge).
    replay_failure: Option<Rc<str>>,
    cb: Callbacks,
    root: NodeRef,
    _frames: Option<AnimationLoop>,
    _keys: Option<KeyListener>,
}

/// A cluster for the page: `config` if it is valid, else the default
/// settings with the same seed (so the page always has a cluster).
fn free_run(config: SimConfig) -> Run {
    let seed = config.seed;
    Run::free(config)
        .or_else(|_| Run::free(SimConfig { seed, ..SimConfig::default() }))
        .expect("the default configuration is valid")
}

impl App {
    fn speed(&self) -> f64 {
        playback::speed_at(self.speed_pos)
    }

    /// Start over with a fresh cluster (leaving a replay), with the
    /// settings of the cluster before.
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        let config = SimConfig { seed, servers: self.servers, ..self.run.sim().config().clone() };
        self.run = match self.situation.start(config.clone()) {
            Ok(run) => run,
            Err(e) => {
                self.action_error = Some(e);
                free_run(config)
            }
        };
        let error = self.action_error.take();
        self.start_over();
        self.action_error = error;
    }

    /// Forget everything drawn for the cluster before.
    fn start_over(&mut self) {
        self.generation += 1;
        // A ready-made situation starts with time already run.
        self.display_time = self.run.sim().now() as f64;
        self.selected = None;
        self.action_error = None;
        self.trace_len = u64::MAX;
        self.msg_cache.clear();
        self.logs = LogRows::default();
        self.narration = Narration::new(NARRATION_LINES, self.narration.show_all());
        self.violations = Rc::new(Vec::new());
        self.violating = Rc::new(Vec::new());
        self.replay_failure = None;
        self.refresh();
    }

    /// Re-read the simulator into the view values. Values that did not
    /// change keep their identity, so their components are not redrawn.
    fn refresh(&mut self) {
        let now = self.display_time;
        let sim = self.run.sim();
        if *self.config != *sim.config() {
            self.config = Rc::new(sim.config().clone());
        }
        let len = sim.trace().len();
        if len != self.trace_len {
            self.trace_len = len;
            self.msg_cache.refresh(self.run.sim());
            self.logs.refresh(self.run.sim());
            let ops = view_model::op_rows(self.run.sim(), OP_ROWS);
            if *self.ops != ops {
                self.ops = Rc::new(ops);
            }
            let pending = self
                .run
                .sim()
                .clients()
                .get(&PAGE_CLIENT)
                .and_then(|c| c.pending.as_ref())
                .map(|p| Rc::<str>::from(p.op.to_string()));
            if self.client_pending != pending {
                self.client_pending = pending;
            }
            let cut = view_model::cut_pairs(self.run.sim());
            if *self.cut_pairs != cut {
                self.cut_pairs = Rc::new(cut);
            }
            if self.narration.refresh(self.run.sim()) {
                self.narration_lines = Rc::new(self.narration.lines());
            }
            let found = self.run.sim().violations();
            if found.len() != self.violations.len() {
                self.violations = Rc::new(found.to_vec());
                self.violating =
                    Rc::new(found.iter().flat_map(|v| v.nodes.iter().copied()).collect());
                // A broken safety property stops the run where it happened.
                self.playing = false;
                self.last_frame = None;
            }
            if let Some(replay) = self.run.as_replay() {
                if replay.finished() && self.playing {
                    // The replayed seed has ended: converged, or failed.
                    self.playing = false;
                    self.last_frame = None;
                }
                let failure = replay
                    .failure
                    .as_ref()
                    .filter(|f| f.violation.is_none())
                    .map(|f| Rc::from(f.reason.as_str()));
                if self.replay_failure != failure {
                    self.replay_failure = failure;
                }
            }
        }
        let nodes = view_model::node_views(self.run.sim(), now);
        if *self.nodes != nodes {
            self.nodes = Rc::new(nodes);
        }
        let messages = self.msg_cache.views(self.run.sim(), now);
        if *self.messages != messages {
            self.messages = Rc::new(messages);
        }
    }

    /// Play or pause. A run stopped by a safety violation, or a replay
    /// that has ended, stays paused.
    fn toggle_play(&mut self) {
        let ended = self.run.as_replay().is_some_and(|r| r.finished());
        self.playing = !self.playing && self.violations.is_empty() && !ended;
        self.last_frame = None;
    }

    /// Process every event up to virtual time `target`, stopping right
    /// after an event that broke a safety property, so the page pauses
    /// exactly where it happened. Returns the time to draw.
    fn advance_to(&mut self, target: f64) -> f64 {
        match self.run.advance_to(target.floor() as u64) {
            Some(stopped) => stopped as f64,
            None => target.max(self.run.sim().now() as f64),
        }
    }

    fn act(&mut self, action: Action) {
        match self.run.act(action) {
            Ok(()) => self.action_error = None,
            Err(message) => self.action_error = Some(message),
        }
        self.refresh();
    }

    fn menu(&self) -> Html {
        let Some(id) = self.selected else { return html! {} };
        let sim = self.run.sim();
        let details = view_model::node_details(sim, id, self.display_time);
        let index = usize::from(id.0).saturating_sub(1);
        let placement = MenuPlacement::beside(index, sim.ids().count());
        html! {
            <ServerMenu
                {details}
                {placement}
                on_act={self.cb.act.clone()}
                on_isolate={self.cb.isolate.clone()}
                on_close={self.cb.close_menu.clone()}
            />
        }
    }

    /// Put the keyboard focus back on a server (after its menu closed).
    fn focus_server(&self, id: NodeId) {
        let Some(root) = self.root.cast::<web_sys::Element>() else { return };
        let selector = format!("[data-node=\"{id}\"]");
        if let Ok(Some(el)) = root.query_selector(&selector) {
            if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
                let _ = el.focus();
            }
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let options = ctx.props().options.clone().unwrap_or_else(Options::from_location);
        let seed = options.seed.unwrap_or_else(options::random_seed);
        let link = ctx.link();
        let cb = Callbacks {
            toggle: link.callback(|_| Msg::TogglePlay),
            step: link.callback(|_| Msg::Step),
            speed: link.callback(Msg::Speed),
            servers: link.callback(Msg::Servers),
            reset: link.callback(|_| Msg::Reset),
            situation: link.callback(Msg::Situation),
            select: link.callback(Msg::Select),
            close_menu: link.callback(|_| Msg::CloseMenu),
            act: link.callback(Msg::Act),
            submit: link.callback(|(op, target)| Msg::Submit(op, target)),
            dismiss: link.callback(|_| Msg::DismissError),
            show_all: link.callback(Msg::ShowAllEvents),
            isolate: link.callback(|(id, cut)| Msg::Isolate(id, cut)),
            heal_all: link.callback(|_| Msg::HealAll),
            add_server: link.callback(|_| Msg::Act(Action::AddServer)),
        };
        let mut link_error = options.link_error.clone();
        let replay = options.replay.clone().and_then(|link| {
            Run::replay(link).map_err(|e| link_error = Some(format!("cannot replay: {e}"))).ok()
        });
        let seed = options.replay.as_ref().map_or(seed, |link| link.seed);
        let run = replay.unwrap_or_else(|| {
            let config = SimConfig { seed, servers: options.servers, ..SimConfig::default() };
            options.situation.start(config.clone()).unwrap_or_else(|e| {
                link_error = Some(e);
                free_run(config)
            })
        });
        let run_start = run.sim().now() as f64;
        let mut app = App {
            config: Rc::new(run.sim().config().clone()),
            run,
            generation: 0,
            seed,
            servers: options.servers,
            situation: options.situation,
            display_time: run_start,
            playing: options.autoplay,
            speed_pos: playback::position_of(options.speed),
            last_frame: None,
            selected: None,
            refocus: None,
            action_error: link_error,
            trace_len: u64::MAX,
            nodes: Rc::default(),
            messages: Rc::default(),
            msg_cache: MessageCache::default(),
            logs: LogRows::default(),
            ops: Rc::default(),
            client_pending: None,
            cut_pairs: Rc::default(),
            narration: Narration::new(NARRATION_LINES, false),
            narration_lines: Rc::default(),
            violations: Rc::default(),
            violating: Rc::default(),
            replay_failure: None,
            cb,
            root: NodeRef::default(),
            _frames: None,
            _keys: None,
        };
        app.servers = app.run.sim().config().servers;
        app.refresh();
        app._frames = Some(AnimationLoop::start(link.callback(Msg::Frame)));
        app._keys = KeyListener::start(link.callback(Msg::Key));
        app
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(timestamp) => {
                if !self.playing {
                    self.last_frame = None;
                    return false;
                }
                let wall = self.last_frame.map_or(0.0, |last| timestamp - last);
                self.last_frame = Some(timestamp);
                let advance = playback::advance(wall, self.speed());
                if advance <= 0.0 {
                    return false;
                }
                let target = (self.display_time + advance).max(self.run.sim().now() as f64);
                self.display_time = self.advance_to(target);
                self.refresh();
                // The menu shows live values (timers, indexes) while open.
                true
            }
            Msg::TogglePlay => {
                self.toggle_play();
                true
            }
            Msg::Step => {
                self.playing = false;
                self.last_frame = None;
                if self.run.step() {
                    self.display_time = self.display_time.max(self.run.sim().now() as f64);
                }
                self.refresh();
                true
            }
            Msg::Speed(pos) => {
                self.speed_pos = pos.min(playback::SLIDER_MAX);
                true
            }
            Msg::Servers(n) => {
                if (1..=sim::MAX_SERVERS).contains(&n) {
                    self.servers = n;
                    self.reset(options::random_seed());
                }
                true
            }
            Msg::Reset => {
                self.reset(options::random_seed());
                true
            }
            Msg::Situation(situation) => {
                self.situation = situation;
                self.playing = false;
                self.reset(options::random_seed());
                true
            }
            Msg::Select(id) => {
                if self.selected == Some(id) {
                    self.selected = None;
                } else {
                    self.selected = Some(id);
                }
                true
            }
            Msg::CloseMenu => {
                if let Some(id) = self.selected.take() {
                    self.refocus = Some(id);
                }
                true
            }
            Msg::Act(action) => {
                self.act(action);
                true
            }
            Msg::Submit(op, target) => {
                self.act(Action::Submit { client: PAGE_CLIENT, op, target });
                true
            }
            Msg::DismissError => {
                self.action_error = None;
                true
            }
            Msg::ShowAllEvents(all) => {
                self.narration.rebuild(self.run.sim(), all);
                self.narration_lines = Rc::new(self.narration.lines());
                true
            }
            Msg::Isolate(id, cut) => {
                self.act(if cut { Action::Isolate(id) } else { Action::Reconnect(id) });
                true
            }
            Msg::HealAll => {
                self.act(Action::HealAll);
                true
            }
            Msg::Key(PageKey::PlayPause) => {
                self.toggle_play();
                true
            }
            Msg::Key(PageKey::Escape) => match self.selected.take() {
                Some(id) => {
                    self.refocus = Some(id);
                    true
                }
                None => false,
            },
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let cb = &self.cb;
        let sim = self.run.sim();
        let leader =
            sim.leader().and_then(|id| sim.server(id).map(|s| (id, s.raft.current_term())));
        let flagged = self.violations.first().map(|v| (Rc::new(v.nodes.clone()), v.index));
        html! {
            <div class="playground" ref={self.root.clone()}>
                <header class="topbar">
                    <div class="topbar-row">
                        <div class="brand">
                            <h1>{ "Raft Playground" }</h1>
                            { clock(&ClockProps { time_ms: self.display_time as u64, leader }) }
                        </div>
                        <div class="options">
                            { feature_toggles(&FeatureProps { config: Rc::clone(&self.config), on_act: cb.act.clone() }) }
                            { settings_panel(&SettingsProps { config: Rc::clone(&self.config), on_act: cb.act.clone() }) }
                            { break_raft(&BreakProps { config: Rc::clone(&self.config), on_act: cb.act.clone() }) }
                        </div>
                    </div>
                    { controls(&ControlsProps {
                        playing: self.playing,
                        speed_pos: self.speed_pos,
                        servers: self.servers,
                        seed: self.seed,
                        loss: self.config.loss_percent.round() as u32,
                        on_toggle: cb.toggle.clone(),
                        on_step: cb.step.clone(),
                        on_speed: cb.speed.clone(),
                        on_servers: cb.servers.clone(),
                        on_reset: cb.reset.clone(),
                        situation: self.situation,
                        on_situation: cb.situation.clone(),
                        on_act: cb.act.clone(),
                        links_cut: !self.cut_pairs.is_empty(),
                        on_heal: cb.heal_all.clone(),
                        on_add: cb.add_server.clone(),
                    }) }
                </header>
                if let (None, Some(note)) = (self.run.as_replay(), self.situation.note()) {
                    <p class="situation-note" role="status">{ note }</p>
                }
                if let Some(replay) = self.run.as_replay() {
                    { replay_banner(&ReplayProps {
                        link: replay.link.clone(),
                        mix: replay.swarm.plan().mix.summary(),
                        phase: replay.swarm.phase(),
                        failure: self.replay_failure.clone(),
                    }) }
                }
                { violation_banner(&ViolationProps {
                    violations: Rc::clone(&self.violations),
                    config: Rc::clone(&self.config),
                }) }
                if let Some(message) = &self.action_error {
                    { action_error(&ActionErrorProps { message: message.clone(), on_dismiss: cb.dismiss.clone() }) }
                }
                <main class="workspace">
                    <section class="cluster-panel" aria-label="Cluster">
                        <div class="cluster-wrap">
                            <ClusterView
                                key={self.generation}
                                nodes={Rc::clone(&self.nodes)}
                                messages={Rc::clone(&self.messages)}
                                selected={self.selected}
                                client_pending={self.client_pending.clone()}
                                cut_pairs={Rc::clone(&self.cut_pairs)}
                                violating={Rc::clone(&self.violating)}
                                on_select={cb.select.clone()}
                                on_background={cb.close_menu.clone()}
                            />
                            { self.menu() }
                        </div>
                        { legend() }
                        <MembershipPanel config={config_view(sim)} on_act={cb.act.clone()} />
                    </section>
                    <section class="data-panel">
                        <LogTable rows={self.logs.rows()} {flagged} />
                        <div class="lower">
                            <ClientBox
                                servers={self.servers}
                                ops={Rc::clone(&self.ops)}
                                on_submit={cb.submit.clone()}
                            />
                            { narration_panel(&NarrationProps {
                                lines: Rc::clone(&self.narration_lines),
                                show_all: self.narration.show_all(),
                                on_show_all: cb.show_all.clone(),
                            }) }
                        </div>
                    </section>
                </main>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if let Some(id) = self.refocus.take() {
            self.focus_server(id);
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self._frames = None;
        self._keys = None;
    }
}
