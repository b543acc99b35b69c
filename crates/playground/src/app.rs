//! The page: plays a cluster ([`Playback`]), keeps what it has read from it
//! for drawing ([`ViewCache`]), turns clicks and keys into simulator
//! [`Action`]s, and lays out the parts of the page.

use crate::animation::AnimationLoop;
use crate::components::alerts::{
    action_error, replay_banner, violation_banner, ActionErrorProps, ReplayProps, ViolationProps,
};
use crate::components::client_box::ClientBox;
use crate::components::cluster::ClusterView;
use crate::components::controls::{
    break_raft, clock, feature_toggles, BreakProps, ClockProps, Controls, FeatureProps,
};
use crate::components::legend::Legend;
use crate::components::log_table::LogTable;
use crate::components::membership::MembershipPanel;
use crate::components::message_dialog::MessageDialog;
use crate::components::narration::NarrationPanel;
use crate::components::pending_list::PendingList;
use crate::components::rules_panel::RulesPanel;
use crate::components::server_menu::{MenuPlacement, ServerMenu};
use crate::components::settings::SettingsPanel;
use crate::components::time_strip::TimeStrip;
use crate::keyboard::{KeyListener, PageKey};
use crate::options::{self, Options};
use crate::playback::Playback;
use crate::start::Start;
use crate::view_cache::ViewCache;
use crate::view_model::details::node_details;
use crate::view_model::ops::PAGE_CLIENT;
use raft::NodeId;
use sim::{Action, KvOp, SimConfig, Target};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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
    /// Go back one event (and pause).
    StepBack,
    /// Show this virtual time of the run (ms).
    Seek(u64),
    /// Go back to the future left when acting in the past.
    OtherFuture,
    /// Skip quiet time at slow speeds, or not.
    SkipQuiet(bool),
    /// The Speed slider moved.
    Speed(u32),
    /// A different cluster size: starts a fresh cluster.
    Servers(u8),
    /// A fresh cluster with a new seed.
    Reset,
    /// Start from something else (a new cluster with a new seed, paused).
    Start(Start),
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
    /// A page-wide key.
    Key(PageKey),
    /// Open the dialog of the message with this id.
    OpenMessage(u64),
    /// Close the message dialog.
    CloseMessage,
    /// Turn "Choose the next event" on or off.
    Choose(bool),
}

/// Callbacks made once, so that props holding them compare equal from
/// frame to frame and unchanged parts of the page are not redrawn.
#[derive(Clone, PartialEq)]
struct Callbacks {
    toggle: Callback<()>,
    step: Callback<()>,
    step_back: Callback<()>,
    seek: Callback<u64>,
    other_future: Callback<()>,
    skip_quiet: Callback<bool>,
    speed: Callback<u32>,
    servers: Callback<u8>,
    reset: Callback<()>,
    start: Callback<Start>,
    select: Callback<NodeId>,
    close_menu: Callback<()>,
    act: Callback<Action>,
    submit: Callback<(KvOp, Target)>,
    dismiss: Callback<()>,
    show_all: Callback<bool>,
    isolate: Callback<(NodeId, bool)>,
    heal_all: Callback<()>,
    add_server: Callback<()>,
    open_message: Callback<u64>,
    close_message: Callback<()>,
    choose: Callback<bool>,
}

impl Callbacks {
    fn new(link: &html::Scope<App>) -> Self {
        Callbacks {
            toggle: link.callback(|_| Msg::TogglePlay),
            step: link.callback(|_| Msg::Step),
            step_back: link.callback(|_| Msg::StepBack),
            seek: link.callback(Msg::Seek),
            other_future: link.callback(|_| Msg::OtherFuture),
            skip_quiet: link.callback(Msg::SkipQuiet),
            speed: link.callback(Msg::Speed),
            servers: link.callback(Msg::Servers),
            reset: link.callback(|_| Msg::Reset),
            start: link.callback(Msg::Start),
            select: link.callback(Msg::Select),
            close_menu: link.callback(|_| Msg::CloseMenu),
            act: link.callback(Msg::Act),
            submit: link.callback(|(op, target)| Msg::Submit(op, target)),
            dismiss: link.callback(|_| Msg::DismissError),
            show_all: link.callback(Msg::ShowAllEvents),
            isolate: link.callback(|(id, cut)| Msg::Isolate(id, cut)),
            heal_all: link.callback(|_| Msg::Act(Action::HealAll)),
            add_server: link.callback(|_| Msg::Act(Action::AddServer)),
            open_message: link.callback(Msg::OpenMessage),
            close_message: link.callback(|_| Msg::CloseMessage),
            choose: link.callback(Msg::Choose),
        }
    }
}

/// The Raft Playground page.
pub struct App {
    /// The cluster and how it plays.
    playback: Playback,
    /// What has been read from it for drawing.
    cache: ViewCache,
    /// What each new cluster starts as.
    start: Start,
    /// The cluster's seed (a replay's: the swarm seed).
    seed: u64,
    /// Servers in the next cluster.
    servers: u8,
    /// Counts clusters, so a new one's drawing starts afresh.
    generation: u64,
    /// The server whose menu is open.
    selected: Option<NodeId>,
    /// The server to give the keyboard focus back to once drawn.
    refocus: Option<NodeId>,
    /// Why the last action was refused.
    action_error: Option<String>,
    /// The message whose dialog is open.
    open_message: Option<u64>,
    /// Focus the dialog (just opened) or this message (dialog just closed).
    refocus_message: Option<Option<u64>>,
    /// "Choose the next event" is on: time moves only on a pick.
    choosing: bool,
    cb: Callbacks,
    root: NodeRef,
    _frames: Option<AnimationLoop>,
    _keys: Option<KeyListener>,
}

impl App {
    /// A new cluster with `seed`, started as the page's start says, with
    /// the settings of the cluster before (features, read mode, snapshots,
    /// flow control, loss, bug switches). Leaves a replay.
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.start = self.start.again();
        let config =
            SimConfig { seed, servers: self.servers, ..self.playback.sim().config().clone() };
        let (run, error) = self.start.begin(config);
        self.playback.restart(run);
        self.start_over();
        self.action_error = error;
    }

    /// Forget everything drawn for the cluster before.
    fn start_over(&mut self) {
        self.generation += 1;
        self.selected = None;
        self.action_error = None;
        self.cache.forget();
        self.cache.refresh(&self.playback);
    }

    fn act(&mut self, action: Action) {
        self.action_error = self.playback.act(action).err();
        self.cache.refresh(&self.playback);
    }

    /// Move through the run's history; what was drawn is read afresh (the
    /// narration must not tell a future that is no longer shown). A move
    /// that cannot be made shows why and changes nothing.
    fn travel(&mut self, go: impl FnOnce(&mut Playback) -> Result<(), String>) {
        match go(&mut self.playback) {
            Ok(()) => {
                self.action_error = None;
                self.cache.forget();
                self.cache.refresh(&self.playback);
            }
            Err(e) => self.action_error = Some(e),
        }
    }

    /// Close the server menu and give the focus back to its server.
    fn close_menu(&mut self) -> bool {
        let Some(id) = self.selected.take() else { return false };
        self.refocus = Some(id);
        true
    }

    /// Put the keyboard focus back on a server (after its menu closed).
    fn focus_server(&self, id: NodeId) {
        focus(&self.root, &format!("[data-node=\"{id}\"]"));
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let options = ctx.props().options.clone().unwrap_or_else(Options::from_location);
        let seed = match options.start {
            Start::Replay(link) => link.seed,
            _ => options.seed.unwrap_or_else(options::random_seed),
        };
        let config = SimConfig { seed, servers: options.servers, ..SimConfig::default() };
        let (run, error) = options.start.begin(config);
        let playback = Playback::new(run, options.autoplay, options.speed);
        let mut cache = ViewCache::new(false);
        cache.refresh(&playback);
        let link = ctx.link();
        App {
            servers: playback.sim().config().servers,
            playback,
            cache,
            start: options.start,
            seed,
            generation: 0,
            selected: None,
            refocus: None,
            action_error: error.or(options.link_error),
            open_message: None,
            refocus_message: None,
            choosing: false,
            cb: Callbacks::new(link),
            root: NodeRef::default(),
            _frames: Some(AnimationLoop::start(link.callback(Msg::Frame))),
            _keys: KeyListener::start(link.callback(Msg::Key)),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(timestamp) => {
                if self.choosing || !self.playback.frame(timestamp) {
                    return false;
                }
                // The menu shows live values (timers, indexes) while open.
                self.cache.refresh(&self.playback);
            }
            Msg::TogglePlay | Msg::Key(PageKey::PlayPause) => self.playback.toggle(),
            Msg::Step => {
                self.playback.step();
                self.cache.refresh(&self.playback);
            }
            Msg::StepBack => self.travel(Playback::step_back),
            Msg::Seek(time) => self.travel(|p| p.seek(time)),
            Msg::OtherFuture => self.travel(Playback::back_to_other_future),
            Msg::SkipQuiet(on) => self.playback.set_skip_quiet(on),
            Msg::Speed(pos) => self.playback.set_speed_pos(pos),
            Msg::Servers(n) => {
                if (1..=sim::MAX_SERVERS).contains(&n) {
                    self.servers = n;
                    self.reset(options::random_seed());
                }
            }
            Msg::Reset => self.reset(options::random_seed()),
            Msg::Start(start) => {
                self.start = start;
                self.playback.pause();
                self.reset(options::random_seed());
            }
            Msg::Select(id) => {
                self.selected = (self.selected != Some(id)).then_some(id);
            }
            Msg::CloseMenu => {
                self.close_menu();
            }
            Msg::Key(PageKey::Escape) if self.open_message.is_some() => {
                self.refocus_message = Some(self.open_message.take());
            }
            Msg::Key(PageKey::Escape) => return self.close_menu(),
            Msg::OpenMessage(id) => {
                self.open_message = Some(id);
                self.refocus_message = Some(None);
            }
            Msg::CloseMessage => self.refocus_message = Some(self.open_message.take()),
            Msg::Choose(on) => {
                self.choosing = on;
                self.playback.pause();
            }
            Msg::Act(action) => self.act(action),
            Msg::Submit(op, target) => {
                self.act(Action::Submit { client: PAGE_CLIENT, op, target });
            }
            Msg::Isolate(id, cut) => {
                self.act(if cut { Action::Isolate(id) } else { Action::Reconnect(id) })
            }
            Msg::DismissError => self.action_error = None,
            Msg::ShowAllEvents(all) => self.cache.show_all_events(&self.playback, all),
        }
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        html! {
            <div class="playground" ref={self.root.clone()} data-playground=""
                 data-now={(self.playback.shown().floor() as u64).to_string()}
                 data-leader={self.playback.sim().leader().map(|id| id.to_string()).unwrap_or_default()}
                 data-violation={self.cache.violations.first().map(|v| v.invariant.name()).unwrap_or_default()}>
                { self.top_bar() }
                { self.banners() }
                <main class="workspace">
                    { self.cluster_panel() }
                    { self.data_panel() }
                </main>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if let Some(id) = self.refocus.take() {
            self.focus_server(id);
        }
        if let Some(target) = self.refocus_message.take() {
            let selector = match target {
                Some(id) => format!("[data-msg=\"{id}\"]"),
                None => ".message-dialog button".into(),
            };
            focus(&self.root, &selector);
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self._frames = None;
        self._keys = None;
    }
}

/// The parts of the page, top to bottom.
impl App {
    /// The title, the clock, the option panels and the controls.
    fn top_bar(&self) -> Html {
        let cb = &self.cb;
        let sim = self.playback.sim();
        let leader =
            sim.leader().and_then(|id| sim.server(id).map(|s| (id, s.raft.current_term())));
        let config = &self.cache.config;
        html! {
            <header class="topbar">
                <div class="topbar-row">
                    <div class="brand">
                        <h1>{ "Raft Playground" }</h1>
                        { clock(&ClockProps { time_ms: self.playback.shown() as u64, leader }) }
                    </div>
                    <div class="options">
                        { feature_toggles(&FeatureProps { config: Rc::clone(config), on_act: cb.act.clone() }) }
                        <SettingsPanel config={Rc::clone(config)} on_act={cb.act.clone()} />
                        { break_raft(&BreakProps { config: Rc::clone(config), on_act: cb.act.clone() }) }
                    </div>
                </div>
                <Controls
                    playing={self.playback.is_playing()}
                    speed_pos={self.playback.speed_pos()}
                    servers={self.servers}
                    seed={self.seed}
                    loss={config.loss_percent.round() as u32}
                    on_toggle={cb.toggle.clone()}
                    on_step={cb.step.clone()}
                    on_step_back={cb.step_back.clone()}
                    can_step_back={self.playback.timeline().is_some_and(|t| t.moment().event > 0 || t.moment().time > 0)}
                    on_speed={cb.speed.clone()}
                    on_servers={cb.servers.clone()}
                    on_reset={cb.reset.clone()}
                    start={self.start}
                    on_start={cb.start.clone()}
                    on_act={cb.act.clone()}
                    links_cut={!self.cache.cut_pairs.is_empty()}
                    on_heal={cb.heal_all.clone()}
                    on_add={cb.add_server.clone()}
                />
            </header>
        }
    }

    /// What the run is (a situation's note, a replay), what broke, and
    /// what was refused.
    fn banners(&self) -> Html {
        let replay = self.playback.replay();
        html! {
            <>
                if let Some(note) = self.start.note() {
                    <p class="situation-note" role="status">{ note }</p>
                }
                if let Some(replay) = replay {
                    { replay_banner(&ReplayProps {
                        link: replay.link,
                        mix: replay.swarm.plan().mix.summary(),
                        phase: replay.swarm.phase(),
                        failure: self.cache.replay_failure.clone(),
                    }) }
                }
                { violation_banner(&ViolationProps {
                    violations: Rc::clone(&self.cache.violations),
                    config: Rc::clone(&self.cache.config),
                }) }
                if let Some(message) = &self.action_error {
                    { action_error(&ActionErrorProps { message: message.clone(), on_dismiss: self.cb.dismiss.clone() }) }
                }
            </>
        }
    }

    /// The ring of servers, the open server's menu, the legend and the
    /// configuration.
    fn cluster_panel(&self) -> Html {
        let (cb, cache) = (&self.cb, &self.cache);
        html! {
            <section class="cluster-panel" aria-label="Cluster">
                <div class="cluster-wrap">
                    <ClusterView
                        key={self.generation}
                        nodes={Rc::clone(&cache.nodes)}
                        messages={Rc::clone(&cache.messages)}
                        selected={self.selected}
                        client_pending={cache.client_pending.clone()}
                        cut_pairs={Rc::clone(&cache.cut_pairs)}
                        violating={Rc::clone(&cache.violating)}
                        on_select={cb.select.clone()}
                        on_background={cb.close_menu.clone()}
                        on_message={cb.open_message.clone()}
                    />
                    { self.server_menu() }
                    { self.message_dialog() }
                </div>
                <PendingList choosing={self.choosing} pending={Rc::clone(&cache.pending)}
                    on_choose={cb.choose.clone()} on_act={cb.act.clone()} />
                <RulesPanel last={cache.last_rule()} />
                { self.time_strip() }
                <Legend />
                <MembershipPanel config={cache.membership.clone()} on_act={cb.act.clone()} />
            </section>
        }
    }

    /// The time strip and the Time slider, for a run that keeps its
    /// history.
    fn time_strip(&self) -> Html {
        let (Some(strip), Some(timeline)) = (&self.cache.strip, self.playback.timeline()) else {
            return html! {};
        };
        let cb = &self.cb;
        html! {
            <TimeStrip
                strip={Rc::clone(strip)}
                end={timeline.end().time}
                shown={self.playback.shown()}
                other_future={self.playback.other_future().is_some()}
                skip_quiet={self.playback.skips_quiet()}
                on_seek={cb.seek.clone()}
                on_step={cb.step.clone()}
                on_step_back={cb.step_back.clone()}
                on_other_future={cb.other_future.clone()}
                on_skip_quiet={cb.skip_quiet.clone()}
            />
        }
    }

    /// The menu of the selected server, if one is.
    fn server_menu(&self) -> Html {
        let Some(id) = self.selected else { return html! {} };
        let sim = self.playback.sim();
        let details = node_details(sim, id, self.playback.shown());
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

    /// The dialog of the open message, while it is in flight.
    fn message_dialog(&self) -> Html {
        let Some(m) = self.open_message.and_then(|id| self.playback.sim().network().get(id)) else {
            return html! {};
        };
        let message = crate::view_model::message_fields::message_fields(m);
        html! { <MessageDialog {message} on_act={self.cb.act.clone()} on_close={self.cb.close_message.clone()} /> }
    }

    /// The logs, the client box and the narration.
    fn data_panel(&self) -> Html {
        let (cb, cache) = (&self.cb, &self.cache);
        html! {
            <section class="data-panel">
                <LogTable rows={cache.log_rows()} flagged={cache.flagged.clone()} />
                <div class="lower">
                    <ClientBox
                        servers={self.servers}
                        ops={Rc::clone(&cache.ops)}
                        on_submit={cb.submit.clone()}
                    />
                    <NarrationPanel
                        lines={Rc::clone(&cache.narration_lines)}
                        show_all={cache.show_all()}
                        on_show_all={cb.show_all.clone()}
                    />
                </div>
            </section>
        }
    }
}

/// Give the keyboard focus to the first element under `root` matching
/// `selector` (an HTML or SVG element).
fn focus(root: &NodeRef, selector: &str) {
    let Some(root) = root.cast::<web_sys::Element>() else { return };
    let Ok(Some(el)) = root.query_selector(selector) else { return };
    if let Ok(el) = el.clone().dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    } else if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
        let _ = el.focus();
    }
}
