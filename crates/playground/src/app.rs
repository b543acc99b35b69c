//! The page: owns the simulated cluster and the playback state, advances
//! virtual time on every animation frame, turns clicks into simulator
//! [`Action`]s, and hands each part of the page the small view values it
//! draws (see [`crate::view_model`]).

use crate::animation::AnimationLoop;
use crate::components::alerts::{ActionError, ViolationBanner};
use crate::components::client_box::ClientBox;
use crate::components::cluster::ClusterView;
use crate::components::controls::{Clock, Controls};
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
use raft::NodeId;
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
}

/// The Raft Playground page.
pub struct App {
    sim: Sim,
    generation: u64,
    seed: u64,
    servers: u8,
    loss: u32,
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
    narration: Narration,
    narration_lines: Rc<Vec<Rc<NarrationLine>>>,
    violations: Rc<Vec<String>>,
    cb: Callbacks,
    root: NodeRef,
    _frames: Option<AnimationLoop>,
    _keys: Option<KeyListener>,
}

fn new_sim(servers: u8, seed: u64, loss: u32) -> Sim {
    let config = SimConfig { servers, seed, loss_percent: f64::from(loss), ..SimConfig::default() };
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
        self.sim = new_sim(self.servers, seed, self.loss);
        self.generation += 1;
        self.display_time = 0.0;
        self.selected = None;
        self.action_error = None;
        self.trace_len = u64::MAX;
        self.msg_cache.clear();
        self.logs = LogRows::default();
        self.narration = Narration::new(NARRATION_LINES, self.narration.show_all());
        self.violations = Rc::new(Vec::new());
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
            if self.narration.refresh(&self.sim) {
                self.narration_lines = Rc::new(self.narration.lines());
            }
            let found = self.sim.violations();
            if found.len() != self.violations.len() {
                self.violations = Rc::new(found.iter().map(|v| v.to_string()).collect());
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
        let placement = MenuPlacement::beside(index, usize::from(self.servers));
        html! {
            <ServerMenu
                {details}
                {placement}
                on_act={self.cb.act.clone()}
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
        };
        let mut app = App {
            sim: new_sim(options.servers, seed, 0),
            generation: 0,
            seed,
            servers: options.servers,
            loss: 0,
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
            narration: Narration::new(NARRATION_LINES, false),
            narration_lines: Rc::default(),
            violations: Rc::default(),
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
                self.display_time = (self.display_time + advance).max(self.sim.now() as f64);
                self.sim.run_until(self.display_time.floor() as u64);
                self.refresh();
                // The menu shows live values (timers, indexes) while open.
                true
            }
            Msg::TogglePlay => {
                self.playing = !self.playing && self.violations.is_empty();
                self.last_frame = None;
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
            Msg::Key(PageKey::PlayPause) => self.update(_ctx, Msg::TogglePlay),
            Msg::Key(PageKey::Escape) => {
                if self.selected.is_some() {
                    self.update(_ctx, Msg::CloseMenu)
                } else {
                    false
                }
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let cb = &self.cb;
        let leader = self.sim.leader().and_then(|id| self.sim.server(id).map(|s| (id, s.raft.current_term())));
        html! {
            <div class="playground" ref={self.root.clone()}>
                <header class="topbar">
                    <div class="brand">
                        <h1>{ "Raft Playground" }</h1>
                        <Clock time_tenths={(self.display_time * 10.0) as u64} {leader} />
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
