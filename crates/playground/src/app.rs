//! The page: owns the simulated cluster and the playback state, advances
//! virtual time on every animation frame, turns clicks into simulator
//! [`Action`]s, and hands each part of the page the small view values it
//! draws (see [`crate::view_model`]).

use crate::animation::AnimationLoop;
use crate::components::alerts::{ActionError, ViolationBanner};
use crate::components::client_box::ClientBox;
use crate::components::cluster::ClusterView;
use crate::components::controls::{BreakRaft, Clock, Controls, FeatureToggles};
use crate::components::legend::Legend;
use crate::components::log_table::LogTable;
use crate::components::narration::NarrationPanel;
use crate::components::server_menu::{MenuPlacement, ServerMenu};
use crate::keyboard::{KeyListener, PageKey};
use crate::options::{self, Options};
use crate::playback;
use crate::view_model::{
    self, LogRows, MessageCache, MsgView, Narration, NarrationLine, NodeView, OpRow,
};
use raft::{Feature, NodeId};
use sim::{Action, ClientId, KvOp, Sim, SimConfig, Target};
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
    /// The Message loss slider moved (percent).
    Loss(u32),
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
    /// Switch a protocol feature (PreVote, CheckQuorum) on or off.
    Feature(Feature, bool),
    /// Switch a deliberate protocol mistake on or off (index into
    /// `raft::BugSwitches::NAMES`).
    Bug(usize, bool),
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
    loss: Callback<u32>,
    select: Callback<NodeId>,
    close_menu: Callback<()>,
    act: Callback<Action>,
    submit: Callback<(KvOp, Target)>,
    dismiss: Callback<()>,
    show_all: Callback<bool>,
    isolate: Callback<(NodeId, bool)>,
    heal_all: Callback<()>,
    feature: Callback<(Feature, bool)>,
    add_server: Callback<()>,
    bug: Callback<(usize, bool)>,
}

/// The Raft Playground page.
pub struct App {
    sim: Sim,
    generation: u64,
    seed: u64,
    servers: u8,
    loss: u32,
    /// PreVote and CheckQuorum, kept across resets.
    features: Features,
    /// Deliberate mistakes switched on (bit i: `BugSwitches::NAMES[i]`),
    /// kept across resets.
    bugs: u32,
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
    violations: Rc<Vec<String>>,
    violating: Rc<Vec<NodeId>>,
    cb: Callbacks,
    root: NodeRef,
    _frames: Option<AnimationLoop>,
    _keys: Option<KeyListener>,
}

/// The protocol extensions a person has switched on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2).
    pub check_quorum: bool,
}

fn new_sim(servers: u8, seed: u64, loss: u32, features: Features, bugs: u32) -> Sim {
    let mut config = SimConfig {
        servers,
        seed,
        loss_percent: f64::from(loss),
        pre_vote: features.pre_vote,
        check_quorum: features.check_quorum,
        ..SimConfig::default()
    };
    for (i, name) in raft::BugSwitches::NAMES.iter().enumerate() {
        if bugs & (1 << i) != 0 {
            config.bugs.set(name, true);
        }
    }
    Sim::new(config)
        .or_else(|_| Sim::new(SimConfig { seed, ..SimConfig::default() }))
        .expect("the default configuration is valid")
}

impl App {
    fn speed(&self) -> f64 {
        playback::speed_at(self.speed_pos)
    }

    /// Start over with a fresh cluster.
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.sim = new_sim(self.servers, seed, self.loss, self.features, self.bugs);
        self.generation += 1;
        self.display_time = 0.0;
        self.selected = None;
        self.action_error = None;
        self.trace_len = u64::MAX;
        self.msg_cache.clear();
        self.logs = LogRows::default();
        self.narration = Narration::new(NARRATION_LINES, self.narration.show_all());
        self.violations = Rc::new(Vec::new());
        self.violating = Rc::new(Vec::new());
        self.refresh();
    }

    /// Re-read the simulator into the view values. Values that did not
    /// change keep their identity, so their components are not redrawn.
    fn refresh(&mut self) {
        let now = self.display_time;
        let len = self.sim.trace().len();
        if len != self.trace_len {
            self.trace_len = len;
            self.msg_cache.refresh(&self.sim);
            self.logs.refresh(&self.sim);
            let ops = view_model::op_rows(&self.sim, OP_ROWS);
            if *self.ops != ops {
                self.ops = Rc::new(ops);
            }
            let pending = self
                .sim
                .clients()
                .get(&PAGE_CLIENT)
                .and_then(|c| c.pending.as_ref())
                .map(|p| Rc::<str>::from(p.op.to_string()));
            if self.client_pending != pending {
                self.client_pending = pending;
            }
            let cut = view_model::cut_pairs(&self.sim);
            if *self.cut_pairs != cut {
                self.cut_pairs = Rc::new(cut);
            }
            if self.narration.refresh(&self.sim) {
                self.narration_lines = Rc::new(self.narration.lines());
            }
            let found = self.sim.violations();
            if found.len() != self.violations.len() {
                self.violations = Rc::new(found.iter().map(|v| v.to_string()).collect());
                self.violating =
                    Rc::new(found.iter().flat_map(|v| v.nodes.iter().copied()).collect());
                // A broken safety property stops the run where it happened.
                self.playing = false;
                self.last_frame = None;
            }
        }
        let nodes = view_model::node_views(&self.sim, now);
        if *self.nodes != nodes {
            self.nodes = Rc::new(nodes);
        }
        let messages = self.msg_cache.views(&self.sim, now);
        if *self.messages != messages {
            self.messages = Rc::new(messages);
        }
    }

    /// Play or pause. A run stopped by a safety violation stays paused.
    fn toggle_play(&mut self) {
        self.playing = !self.playing && self.violations.is_empty();
        self.last_frame = None;
    }

    /// Process every event up to virtual time `target`, one at a time, and
    /// stop right after an event that broke a safety property, so the page
    /// pauses exactly where it happened. Returns the time to draw.
    fn advance_to(&mut self, target: f64) -> f64 {
        let until = target.floor() as u64;
        let known = self.sim.violations().len();
        while self.sim.next_event_time().is_some_and(|t| t <= until) {
            self.sim.step();
            if self.sim.violations().len() > known {
                return self.sim.now() as f64;
            }
        }
        self.sim.run_until(until);
        target
    }

    fn act(&mut self, action: Action) {
        match self.sim.act(action) {
            Ok(()) => self.action_error = None,
            Err(message) => self.action_error = Some(message),
        }
        self.refresh();
    }

    fn menu(&self) -> Html {
        let Some(id) = self.selected else { return html! {} };
        let details = view_model::node_details(&self.sim, id, self.display_time);
        let index = usize::from(id.0).saturating_sub(1);
        let placement = MenuPlacement::beside(index, self.sim.ids().count());
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
            loss: link.callback(Msg::Loss),
            select: link.callback(Msg::Select),
            close_menu: link.callback(|_| Msg::CloseMenu),
            act: link.callback(Msg::Act),
            submit: link.callback(|(op, target)| Msg::Submit(op, target)),
            dismiss: link.callback(|_| Msg::DismissError),
            show_all: link.callback(Msg::ShowAllEvents),
            isolate: link.callback(|(id, cut)| Msg::Isolate(id, cut)),
            heal_all: link.callback(|_| Msg::HealAll),
            feature: link.callback(|(f, on)| Msg::Feature(f, on)),
            add_server: link.callback(|_| Msg::Act(Action::AddServer)),
            bug: link.callback(|(i, on)| Msg::Bug(i, on)),
        };
        let mut app = App {
            sim: new_sim(options.servers, seed, 0, Features::default(), 0),
            generation: 0,
            seed,
            servers: options.servers,
            loss: 0,
            features: Features::default(),
            bugs: 0,
            display_time: 0.0,
            playing: options.autoplay,
            speed_pos: playback::position_of(options.speed),
            last_frame: None,
            selected: None,
            refocus: None,
            action_error: None,
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
            cb,
            root: NodeRef::default(),
            _frames: None,
            _keys: None,
        };
        app.servers = app.sim.config().servers;
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
                let target = (self.display_time + advance).max(self.sim.now() as f64);
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
                if self.sim.step() {
                    self.display_time = self.display_time.max(self.sim.now() as f64);
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
            Msg::Loss(p) => {
                let p = p.min(50);
                self.loss = p;
                self.act(Action::SetLoss(f64::from(p)));
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
                self.narration.rebuild(&self.sim, all);
                self.narration_lines = Rc::new(self.narration.lines());
                true
            }
            Msg::Isolate(id, cut) => {
                let others: Vec<NodeId> = self.sim.ids().filter(|&b| b != id).collect();
                for b in others {
                    self.act(Action::SetLink { a: id, b, cut });
                    if self.action_error.is_some() {
                        break;
                    }
                }
                true
            }
            Msg::HealAll => {
                self.act(Action::HealAll);
                true
            }
            Msg::Feature(feature, on) => {
                match feature {
                    Feature::PreVote => self.features.pre_vote = on,
                    Feature::CheckQuorum => self.features.check_quorum = on,
                    Feature::FastBacktrack => {}
                }
                self.act(Action::SetFeature { feature, on });
                true
            }
            Msg::Bug(i, on) => {
                let Some(name) = raft::BugSwitches::NAMES.get(i) else { return false };
                if on {
                    self.bugs |= 1 << i;
                } else {
                    self.bugs &= !(1 << i);
                }
                self.act(Action::SetBug { name: (*name).to_string(), on });
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
        let leader = self
            .sim
            .leader()
            .and_then(|id| self.sim.server(id).map(|s| (id, s.raft.current_term())));
        html! {
            <div class="playground" ref={self.root.clone()}>
                <header class="topbar">
                    <div class="topbar-row">
                        <div class="brand">
                            <h1>{ "Raft Playground" }</h1>
                            <Clock time_ms={self.display_time as u64} {leader} />
                        </div>
                        <div class="options">
                            <FeatureToggles features={self.features} on_feature={cb.feature.clone()} />
                            <BreakRaft on_mask={self.bugs} on_toggle={cb.bug.clone()} />
                        </div>
                    </div>
                    <Controls
                        playing={self.playing}
                        speed_pos={self.speed_pos}
                        servers={self.servers}
                        seed={self.seed}
                        loss={self.loss}
                        on_toggle={cb.toggle.clone()}
                        on_step={cb.step.clone()}
                        on_speed={cb.speed.clone()}
                        on_servers={cb.servers.clone()}
                        on_reset={cb.reset.clone()}
                        on_loss={cb.loss.clone()}
                        links_cut={!self.cut_pairs.is_empty()}
                        on_heal={cb.heal_all.clone()}
                        on_add={cb.add_server.clone()}
                    />
                </header>
                <ViolationBanner violations={Rc::clone(&self.violations)} />
                if let Some(message) = &self.action_error {
                    <ActionError message={message.clone()} on_dismiss={cb.dismiss.clone()} />
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
                        <Legend />
                    </section>
                    <section class="data-panel">
                        <LogTable rows={self.logs.rows()} />
                        <div class="lower">
                            <ClientBox
                                servers={self.servers}
                                ops={Rc::clone(&self.ops)}
                                on_submit={cb.submit.clone()}
                            />
                            <NarrationPanel
                                lines={Rc::clone(&self.narration_lines)}
                                show_all={self.narration.show_all()}
                                on_show_all={cb.show_all.clone()}
                            />
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
