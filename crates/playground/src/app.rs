//! The page: plays a cluster ([`Playback`]), keeps what it has read from it
//! for drawing ([`ViewCache`]), turns clicks and keys into simulator
//! [`Action`]s, and lays out the parts of the page.

use crate::animation::{AnimationLoop, Motion, MotionWatch};
use crate::announcer::Announcer;
use crate::components::alerts::{
    action_error, replay_banner, violation_banner, ActionErrorProps, ReplayProps, ViolationProps,
};
use crate::components::client_box::ClientBox;
use crate::components::client_history::ClientHistory;
use crate::components::cluster::ClusterView;
use crate::components::controls::{BreakRaft, Clock, ClockProps, Controls};
use crate::components::embed_bar::{embed_bar, EmbedBarProps};
use crate::components::legend::Legend;
use crate::components::log_table::LogTable;
use crate::components::membership::MembershipPanel;
use crate::components::message_dialog::MessageDialog;
use crate::components::narration::NarrationPanel;
use crate::components::network_editor::NetworkEditor;
use crate::components::pending_list::PendingList;
use crate::components::rules_panel::RulesPanel;
use crate::components::server_inspector::ServerInspector;
use crate::components::server_menu::{MenuPlacement, ServerMenu};
use crate::components::settings::SettingsPanel;
use crate::components::share_dialog::{Copied, ShareDialog};
use crate::components::time_strip::TimeStrip;
use crate::components::tour_panel::{tour_panel, tours_menu, TourPanelProps, ToursMenuProps};
use crate::frame_feed::{FrameFeed, Moving};
use crate::host_api::{self, HostAction, HostEvent, HostLink, Seen};
use crate::keyboard::{KeyListener, PageKey};
use crate::options::{self, Options};
use crate::playback::{speed, Playback};
use crate::run::Run;
use crate::share;
use crate::start::Start;
use crate::tour::{self, TourState};
use crate::view_cache::ViewCache;
use crate::view_model::details::node_details;
use crate::view_model::inspector::inspect;
use crate::view_model::network::Preset;
use crate::view_model::ops::PAGE_CLIENT;
use crate::visibility::VisibilityWatch;
use crate::worker::replay::ReplayRequest;
use crate::worker::{open_file, WorkerJob};
use raft::{LogIndex, NodeId};
use sim::decimal::short;
use sim::swarm::Phase;
use sim::tour::{IndexEntry, Runner, Tour, TourIndex};
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
    /// Open the "Inspect" dialog of a server (closing its menu).
    Inspect(NodeId),
    /// List the inspected log's window ending at this index (`None`: the
    /// newest entries).
    InspectWindow(Option<LogIndex>),
    /// Close the "Inspect" dialog.
    CloseInspector,
    /// Partition the cluster as a preset says.
    Preset(Preset),
    /// Open (true) or close the Share dialog.
    Share(bool),
    /// Copy the link or the embed code.
    Copy(Copied),
    /// The clipboard took it, or said why not.
    CopyDone(Copied, Result<(), String>),
    /// Download the run file.
    Export,
    /// Read a run file the person chose.
    Import(web_sys::File),
    /// A run file's text, or why it could not be read.
    Imported(Result<String, String>),
    /// The worker read the file: its run, or what is wrong with it.
    FileRead(Result<sim::RunRecord, String>),
    /// A counterexample found and shrunk: its run, shown at the violation.
    Counterexample(sim::RunRecord),
    /// The playground came into view (true) or went out of it: hidden
    /// tab, scrolled away.
    Visible(bool),
    /// A message from the host page (the page is in its iframe).
    Host(Result<HostAction, String>),
    /// Open the dialog of the message with this id.
    OpenMessage(u64),
    /// Close the message dialog.
    CloseMessage,
    /// Turn "Choose the next event" on or off.
    Choose(bool),
    /// The reader's reduced-motion setting changed.
    Motion(Motion),
    /// The worker prepared the linked swarm seed's run, or says why not.
    Replayed(Result<Run, String>),
    /// Open or close the Tours menu.
    ToursMenu,
    /// The list of tours fetched, or why not.
    ToursIndex(Result<String, String>),
    /// Open tour `id` at step `n` (fetching its file).
    OpenTour(String, usize),
    /// A tour's file fetched (its id, the step to open, the text or why
    /// not).
    TourText(String, usize, Result<String, String>),
    /// A tour's next (true) or previous step.
    TourMove(bool),
    /// A choice picked in the step's question.
    TourAnswer(usize),
    /// Leave the tour and play on from the moment shown.
    TakeOver,
    /// Close the tour (the run stays as it is).
    CloseTour,
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
    inspect: Callback<NodeId>,
    inspect_window: Callback<Option<LogIndex>>,
    close_inspector: Callback<()>,
    preset: Callback<Preset>,
    share: Callback<bool>,
    copy: Callback<Copied>,
    export: Callback<()>,
    import: Callback<web_sys::File>,
    open_message: Callback<u64>,
    close_message: Callback<()>,
    choose: Callback<bool>,
    found: Callback<sim::RunRecord>,
    tours_menu: Callback<()>,
    open_tour: Callback<String>,
    tour_move: Callback<bool>,
    tour_answer: Callback<usize>,
    take_over: Callback<()>,
    close_tour: Callback<()>,
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
            inspect: link.callback(Msg::Inspect),
            inspect_window: link.callback(Msg::InspectWindow),
            close_inspector: link.callback(|_| Msg::CloseInspector),
            preset: link.callback(Msg::Preset),
            share: link.callback(Msg::Share),
            copy: link.callback(Msg::Copy),
            export: link.callback(|_| Msg::Export),
            import: link.callback(Msg::Import),
            open_message: link.callback(Msg::OpenMessage),
            close_message: link.callback(|_| Msg::CloseMessage),
            choose: link.callback(Msg::Choose),
            found: link.callback(Msg::Counterexample),
            tours_menu: link.callback(|_| Msg::ToursMenu),
            open_tour: link.callback(|id| Msg::OpenTour(id, 1)),
            tour_move: link.callback(Msg::TourMove),
            tour_answer: link.callback(Msg::TourAnswer),
            take_over: link.callback(|_| Msg::TakeOver),
            close_tour: link.callback(|_| Msg::CloseTour),
        }
    }
}

/// The open Share dialog: the run as shared when it opened (the run is
/// paused while it is open), what was copied, what went wrong, and the
/// file being read in the worker.
struct ShareState {
    link: AttrValue,
    embed: AttrValue,
    copied: Option<Copied>,
    problem: Option<AttrValue>,
    reading: Option<WorkerJob>,
}

/// The Raft Playground page.
pub struct App {
    /// The cluster and how it plays.
    playback: Playback,
    /// What has been read from it for drawing.
    cache: ViewCache,
    /// What moves every frame, for the parts that draw it.
    feed: FrameFeed,
    /// The `data-now` last written on the page's root (set directly, so
    /// a frame that moves only the time does not redraw the App).
    marked_now: Option<u64>,
    /// What each new cluster starts as.
    start: Start,
    /// The linked swarm seed's run, while the worker prepares it.
    preparing: Option<ReplayRequest>,
    /// The cluster's seed (a replay's: the swarm seed).
    seed: u64,
    /// Servers in the next cluster.
    servers: u8,
    /// Counts clusters, so a new one's drawing starts afresh.
    generation: u64,
    /// The server whose menu is open.
    selected: Option<NodeId>,
    /// The server whose "Inspect" dialog is open, and the log index its
    /// listed window ends at (`None`: the newest entries).
    inspecting: Option<(NodeId, Option<LogIndex>)>,
    /// The server to give the keyboard focus back to once drawn.
    refocus: Option<NodeId>,
    /// Why the last action was refused.
    action_error: Option<String>,
    /// The Share dialog, while open.
    share: Option<ShareState>,
    /// Laid out for an iframe (`?embed`).
    embed: bool,
    /// The message whose dialog is open.
    open_message: Option<u64>,
    /// Focus the dialog (just opened) or this message (dialog just closed).
    refocus_message: Option<Option<u64>>,
    /// "Choose the next event" is on: time moves only on a pick.
    choosing: bool,
    /// The Tours menu is open.
    tours_open: bool,
    /// The tours the menu lists, once fetched.
    tours: Option<Rc<Vec<IndexEntry>>>,
    /// The tour being shown.
    tour: Option<TourState>,
    /// Highlights are marked on the drawing (to clear once the tour ends).
    marked: bool,
    cb: Callbacks,
    root: NodeRef,
    _frames: Option<AnimationLoop>,
    _keys: Option<KeyListener>,
    _visibility: Option<VisibilityWatch>,
    _motion: Option<MotionWatch>,
    /// The live region's announcements (leaders, commits, violations).
    announcer: Announcer,
    /// The host page, when the playground is in an iframe.
    host: Option<HostLink>,
    /// What the host was last told.
    host_seen: Seen,
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

    /// Open the Share dialog on the run as it is now (paused).
    fn open_share(&mut self) {
        self.playback.pause();
        let record = self.playback.timeline().record();
        let base = share::page_base();
        self.share = Some(ShareState {
            link: share::run_link(&base, &record, false).into(),
            embed: share::embed_code(&base, &record).into(),
            copied: None,
            problem: None,
            reading: None,
        });
    }

    /// Have the worker read a run file's text, to open its run.
    fn import(&mut self, ctx: &Context<Self>, text: Result<String, String>) {
        let Some(s) = &mut self.share else { return };
        let on_read = ctx.link().callback(Msg::FileRead);
        match text.and_then(|t| open_file::start(t, on_read)) {
            Ok(job) => s.reading = Some(job),
            Err(e) => s.problem = Some(format!("This file cannot be opened: {e}").into()),
        }
    }

    /// Open a read file's run in place of the current run; a bad file is
    /// named in the dialog and changes nothing.
    fn file_read(&mut self, record: Result<sim::RunRecord, String>) {
        if self.share.as_mut().and_then(|s| s.reading.take()).is_none() {
            return;
        }
        match record.and_then(|r| self.open(&r)) {
            Ok(()) => self.share = None,
            Err(e) => {
                if let Some(s) = &mut self.share {
                    s.problem = Some(format!("This file cannot be opened: {e}").into());
                }
            }
        }
    }

    /// Show `record`'s run, paused at its moment, in place of the current
    /// run; one that does not replay changes nothing.
    fn open(&mut self, record: &sim::RunRecord) -> Result<(), String> {
        let (run, start) = share::open(record)?;
        self.start = start;
        self.seed = record.config.seed;
        self.servers = record.config.servers;
        self.playback.pause();
        self.playback.restart(run);
        self.start_over();
        Ok(())
    }

    /// Forget everything drawn for the cluster before (and a replay
    /// still being prepared).
    fn start_over(&mut self) {
        self.preparing = None;
        self.generation += 1;
        self.selected = None;
        self.inspecting = None;
        self.action_error = None;
        self.cache.forget();
        self.cache.refresh(&self.playback);
        self.announcer.hush();
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
                self.announcer.hush();
            }
            Err(e) => self.action_error = Some(e),
        }
    }

    /// Close the "Inspect" dialog, or else the server menu, and give the
    /// focus back to its server.
    fn close_menu(&mut self) -> bool {
        let open = self.inspecting.take().map(|(id, _)| id).or_else(|| self.selected.take());
        let Some(id) = open else { return false };
        self.refocus = Some(id);
        true
    }

    /// Put the keyboard focus back on a server (after its menu closed).
    fn focus_server(&self, id: NodeId) {
        focus(&self.root, &format!("[data-node=\"{id}\"]"));
    }
}

/// Guided tours.
impl App {
    /// Fetch tour `id`'s file, to open it at step `n`.
    fn fetch_tour(&mut self, ctx: &Context<Self>, id: String, n: usize) {
        match tour::tour_path(&id) {
            Ok(path) => ctx.link().send_future(async move {
                let text = crate::browser_io::fetch_text(&path).await;
                Msg::TourText(id, n, text)
            }),
            Err(e) => self.action_error = Some(e),
        }
    }

    /// Open a fetched tour at step `n` in place of the current run; a tour
    /// that cannot be opened is named in the alert and changes nothing.
    fn open_tour(&mut self, id: &str, n: usize, text: Result<String, String>) {
        let opened = text
            .map_err(|e| format!("there is no tour called '{id}' ({e})"))
            .and_then(|text| Tour::from_pack(id, &text))
            .and_then(|t| Runner::open_at(t, n))
            .map_err(|e| format!("the tour cannot be opened: {e}"));
        match opened {
            Ok((runner, timeline)) => {
                self.playback.pause();
                self.playback.restart(crate::run::Run::from_timeline(timeline));
                self.start_over();
                self.servers = self.playback.sim().config().servers;
                self.seed = self.playback.sim().config().seed;
                self.tours_open = false;
                self.tour = Some(TourState { runner, answered: None });
            }
            Err(e) => {
                self.tell_host_error(e.clone());
                self.action_error = Some(e);
            }
        }
    }

    /// The tour's next (`true`) or previous step: played or sought.
    fn tour_move(&mut self, next: bool) {
        let Some(t) = &mut self.tour else { return };
        let moved =
            self.playback.travel(|tl| if next { t.runner.next(tl) } else { t.runner.back(tl) });
        match moved {
            Ok(()) => {
                t.answered = None;
                self.action_error = None;
                self.cache.forget();
                self.cache.refresh(&self.playback);
            }
            Err(e) => self.action_error = Some(e),
        }
    }

    /// The running tour's panel.
    fn tour_panel(&self) -> Html {
        let Some(t) = &self.tour else { return html! {} };
        let step = t.step();
        let cb = &self.cb;
        tour_panel(&TourPanelProps {
            title: &t.tour().title,
            step: t.runner.shown(),
            steps: t.runner.len(),
            narration: &step.narration,
            question: step.question.as_ref(),
            answered: t.answered,
            on_answer: cb.tour_answer.clone(),
            on_move: cb.tour_move.clone(),
            on_take_over: cb.take_over.clone(),
            on_close: cb.close_tour.clone(),
        })
    }

    /// The Tours button and menu.
    fn tours_menu(&self) -> Html {
        tours_menu(&ToursMenuProps {
            open: self.tours_open,
            tours: self.tours.clone(),
            on_toggle: self.cb.tours_menu.clone(),
            on_open: self.cb.open_tour.clone(),
        })
    }
}

/// The host page's postMessage API (see [`crate::host_api`]).
impl App {
    /// Do what the host asks, as if a person had; a refused action is
    /// answered with an error event.
    fn host_action(&mut self, ctx: &Context<Self>, action: HostAction) -> bool {
        let node = |n: u8| NodeId(n);
        let msg = match action {
            HostAction::Crash { server } => Msg::Act(Action::Crash(node(server))),
            HostAction::Restart { server } => Msg::Act(Action::Restart(node(server))),
            HostAction::TimeOut { server } => Msg::Act(Action::TimeOut(node(server))),
            HostAction::Put { key, value } => {
                Msg::Submit(KvOp::Put { key: key.into(), value: value.into() }, Target::Leader)
            }
            HostAction::Get { key } => Msg::Submit(KvOp::Get { key: key.into() }, Target::Leader),
            HostAction::Partition { groups } => Msg::Act(Action::Partition(
                groups.into_iter().map(|g| g.into_iter().map(node).collect()).collect(),
            )),
            HostAction::Heal {} => Msg::Act(Action::HealAll),
            HostAction::Seek { time } => Msg::Seek(time),
            HostAction::Tour { id, step } => Msg::OpenTour(id, step.unwrap_or(1)),
            HostAction::Play {} | HostAction::Pause {} => {
                if self.playback.is_playing() == (action == HostAction::Pause {}) {
                    self.playback.toggle();
                }
                return true;
            }
            HostAction::Speed { value } => {
                let (min, max) = (speed::SPEED_MIN, speed::SPEED_MAX);
                if !(min..=max).contains(&value) {
                    let (min, max) = (short(min, 3), short(max, 3));
                    self.tell_host_error(if value.is_finite() {
                        format!("speed must be {min}–{max}; got {}", short(value, 6))
                    } else {
                        format!("speed must be a number from {min} to {max}")
                    });
                    return false;
                }
                Msg::Speed(speed::position_of(value))
            }
        };
        self.action_error = None;
        let redraw = self.handle(ctx, msg);
        if let Some(why) = self.action_error.clone() {
            self.tell_host_error(why);
        }
        redraw
    }

    /// Tell the host what has happened since it was last told: the run
    /// is `now`.
    fn tell_host(&mut self, now: &Seen) {
        let Some(host) = &self.host else { return };
        let (events, told) = host_api::tell(&self.host_seen, now.clone());
        for event in &events {
            host.post(event);
        }
        self.host_seen = told;
    }

    /// What the App draws from the playback itself, outside the feed and
    /// the view cache: whether it plays, whether Step back can go back,
    /// and a replay's phase.
    fn drawn_controls(&self) -> (bool, bool, Option<Phase>) {
        let timeline = self.playback.timeline();
        let moment = timeline.moment();
        let phase = self.playback.replay().map(|r| r.phase_at(moment));
        (self.playback.is_playing(), moment != timeline.start(), phase)
    }

    /// Write the whole millisecond shown on the page's root (`data-now`),
    /// when it changed.
    fn mark_now(&mut self) {
        let now = self.feed.get().now_ms();
        if self.marked_now == Some(now) {
            return;
        }
        if let Some(root) = self.root.cast::<web_sys::Element>() {
            let _ = root.set_attribute("data-now", &now.to_string());
            self.marked_now = Some(now);
        }
    }

    /// Answer a message that could not be used.
    fn tell_host_error(&self, message: String) {
        if let Some(host) = &self.host {
            host.post(&HostEvent::Error { message });
        }
    }
}

impl App {
    /// Do what `msg` says; whether to redraw.
    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(timestamp) => {
                let before = self.drawn_controls();
                let moved = !self.choosing && self.playback.frame(timestamp);
                // The menu and the inspector show live values (timers,
                // indexes) while open. What only moves (the time, timers,
                // messages) reaches its parts through the feed.
                let mut redraw = moved && (self.selected.is_some() || self.inspecting.is_some());
                if moved {
                    redraw |= self.cache.refresh_playing(&self.playback, timestamp);
                } else if self.cache.panels_behind(&self.playback) {
                    // The run stopped (paused, ended, a broken property)
                    // with its latest events not yet in the panels.
                    redraw |= self.cache.refresh(&self.playback);
                }
                // The history's check goes on a slice a frame, even paused.
                redraw |= self.cache.check_history(&self.playback);
                return redraw || before != self.drawn_controls();
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
            Msg::Key(PageKey::Escape) if self.selected.is_none() && self.inspecting.is_none() => {
                if self.tours_open {
                    self.tours_open = false;
                } else {
                    return self.tour.take().is_some();
                }
            }
            Msg::Key(PageKey::Escape) => return self.close_menu(),
            Msg::Key(PageKey::Next) if self.tour.is_some() => self.tour_move(true),
            Msg::Key(PageKey::Back) if self.tour.is_some() => self.tour_move(false),
            Msg::Key(PageKey::Next | PageKey::Back) => return false,
            Msg::ToursMenu => {
                self.tours_open = !self.tours_open;
                if self.tours_open && self.tours.is_none() {
                    let path = tour::index_path();
                    ctx.link().send_future(async move {
                        Msg::ToursIndex(crate::browser_io::fetch_text(&path).await)
                    });
                }
            }
            Msg::ToursIndex(text) => match text.and_then(|t| TourIndex::from_pack(&t)) {
                Ok(index) => self.tours = Some(Rc::new(index.0)),
                Err(e) => {
                    self.tours_open = false;
                    self.action_error = Some(format!("the tours cannot be listed: {e}"));
                }
            },
            Msg::OpenTour(id, n) => {
                self.fetch_tour(ctx, id, n);
                return false;
            }
            Msg::TourText(id, n, text) => self.open_tour(&id, n, text),
            Msg::TourMove(next) => self.tour_move(next),
            Msg::TourAnswer(i) => {
                if let Some(t) = &mut self.tour {
                    t.answered = Some(i);
                }
            }
            Msg::TakeOver => {
                self.tour = None;
                if !self.playback.is_playing() {
                    self.playback.toggle();
                }
            }
            Msg::CloseTour => self.tour = None,
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
            Msg::Inspect(id) => {
                self.selected = None;
                self.inspecting = Some((id, None));
            }
            Msg::InspectWindow(end) => {
                if let Some((_, window)) = &mut self.inspecting {
                    *window = end;
                }
            }
            Msg::CloseInspector => {
                self.close_menu();
            }
            Msg::Preset(preset) => match preset.groups(self.playback.sim()) {
                Ok(groups) => self.act(Action::Partition(groups)),
                Err(e) => self.action_error = Some(e),
            },
            Msg::Share(true) => self.open_share(),
            Msg::Share(false) => self.share = None,
            Msg::Copy(what) => {
                if let Some(s) = &self.share {
                    let text = match what {
                        Copied::Link => s.link.to_string(),
                        Copied::Embed => s.embed.to_string(),
                    };
                    ctx.link().send_future(async move {
                        Msg::CopyDone(what, crate::browser_io::copy_text(text).await)
                    });
                }
                return false;
            }
            Msg::CopyDone(what, done) => {
                if let Some(s) = &mut self.share {
                    s.copied = done.is_ok().then_some(what);
                    s.problem = done.err().map(AttrValue::from);
                }
            }
            Msg::Export => {
                let record = self.playback.timeline().record();
                let done = crate::run_file::to_file(&record).and_then(|text| {
                    crate::browser_io::download_text(&share::file_name(&record), &text)
                });
                if let Some(s) = &mut self.share {
                    s.problem = done.err().map(AttrValue::from);
                }
            }
            Msg::Import(file) => {
                ctx.link().send_future(async move {
                    Msg::Imported(crate::browser_io::read_file(file).await)
                });
                return false;
            }
            Msg::Imported(text) => self.import(ctx, text),
            Msg::FileRead(record) => self.file_read(record),
            Msg::Counterexample(record) => {
                self.action_error = self.open(&record).err();
            }
            // Nothing to do for a replay abandoned meanwhile (Reset, another
            // run opened); a failed one is named and leaves the fresh cluster.
            Msg::Replayed(_) if self.preparing.is_none() => return false,
            Msg::Replayed(Ok(run)) => {
                self.playback.restart(run);
                self.start_over();
            }
            Msg::Replayed(Err(why)) => {
                self.preparing = None;
                self.action_error = Some(why);
            }
            Msg::Visible(false) => {
                self._frames = None;
                return false;
            }
            Msg::Host(Ok(action)) => return self.host_action(ctx, action),
            Msg::Host(Err(why)) => self.tell_host_error(why),
            Msg::Visible(true) => {
                if self._frames.is_none() {
                    self.playback.forget_frame_clock();
                    self._frames = Some(AnimationLoop::start(ctx.link().callback(Msg::Frame)));
                }
                return false;
            }
            Msg::ShowAllEvents(all) => self.cache.show_all_events(&self.playback, all),
            Msg::Motion(motion) => {
                self.cache.set_motion(motion);
                self.cache.refresh(&self.playback);
            }
        }
        true
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let options = ctx.props().options.clone().unwrap_or_else(Options::from_location);
        let mut seed = match options.start {
            Start::Replay(link) => link.seed,
            _ => options.seed.unwrap_or_else(options::random_seed),
        };
        let config = SimConfig { seed, servers: options.servers, ..SimConfig::default() };
        let mut start = options.start;
        let (run, error) = match options.shared.as_ref().map(share::open) {
            Some(Ok((run, shared_start))) => {
                start = shared_start;
                seed = run.sim().config().seed;
                (run, None)
            }
            Some(Err(e)) => {
                let (run, error) = start.begin(config);
                let why = format!("the shared run cannot be opened: {e}");
                (run, Some(error.map_or(why.clone(), |other| format!("{why} · {other}"))))
            }
            None => start.begin(config),
        };
        let (preparing, error) = match start {
            Start::Replay(link) => {
                match ReplayRequest::start(link, ctx.link().callback(Msg::Replayed)) {
                    Ok(request) => (Some(request), error),
                    Err(why) => (None, Some(why)),
                }
            }
            _ => (None, error),
        };
        let playback = Playback::new(run, options.autoplay, options.speed);
        let motion = MotionWatch::start(ctx.link().callback(Msg::Motion));
        let mut cache = ViewCache::new(false);
        cache.set_motion(motion.as_ref().map_or(Motion::Glide, |(_, m)| *m));
        cache.refresh(&playback);
        let feed = FrameFeed::new(Moving::of(&cache, &playback));
        let link = ctx.link();
        if let Some((id, n)) = options.tour.clone() {
            let ask = link.clone();
            ask.send_message(Msg::OpenTour(id, n));
        }
        App {
            servers: playback.sim().config().servers,
            playback,
            cache,
            feed,
            marked_now: None,
            start,
            preparing,
            seed,
            generation: 0,
            selected: None,
            inspecting: None,
            refocus: None,
            action_error: error.or(options.link_error),
            share: None,
            embed: options.embed,
            open_message: None,
            refocus_message: None,
            choosing: false,
            tours_open: false,
            tours: None,
            tour: None,
            marked: false,
            cb: Callbacks::new(link),
            root: NodeRef::default(),
            _frames: Some(AnimationLoop::start(link.callback(Msg::Frame))),
            _keys: KeyListener::start(link.callback(Msg::Key)),
            _visibility: None,
            _motion: motion.map(|(watch, _)| watch),
            announcer: Announcer::default(),
            host: HostLink::start(options.host.clone(), link.callback(Msg::Host)),
            host_seen: Seen::default(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let redraw = self.handle(ctx, msg);
        self.feed.set(Moving::of(&self.cache, &self.playback));
        self.mark_now();
        let now = Seen::of(self.playback.sim(), self.playback.shown() as u64);
        self.tell_host(&now);
        let spoke = self.announcer.observe(now, js_sys::Date::now());
        redraw || spoke
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        html! {
            <div class={classes!("playground", self.embed.then_some("embed"), self.tour.is_some().then_some("touring"))}
                 ref={self.root.clone()} data-playground=""
                 data-leader={self.playback.sim().leader().map(|id| id.to_string()).unwrap_or_default()}
                 data-violation={self.cache.violations.first().map(|v| v.invariant.name()).unwrap_or_default()}>
                if self.embed { { self.embed_bar() } } else { { self.top_bar() } }
                { self.share_dialog() }
                { self.banners() }
                { self.tour_panel() }
                <main class="workspace">
                    { self.cluster_panel() }
                    { self.data_panel() }
                </main>
                { self.inspector() }
                <p class="visually-hidden" aria-live="polite" aria-atomic="true">
                    { self.announcer.text() }
                </p>
            </div>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        self.mark_now();
        if first_render {
            if let Some(root) = self.root.cast::<web_sys::Element>() {
                self._visibility = VisibilityWatch::start(&root, ctx.link().callback(Msg::Visible));
            }
        }
        if self.tour.is_some() || self.marked {
            let selectors = self.tour.as_ref().map(|t| tour::highlight_selectors(t.step()));
            if let Some(root) = self.root.cast::<web_sys::Element>() {
                tour::mark(&root, selectors.as_deref().unwrap_or_default());
            }
            self.marked = self.tour.is_some();
        }
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
        self._visibility = None;
        self._motion = None;
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
                        <Clock feed={self.feed.clone()} {leader} />
                    </div>
                    <div class="options">
                        <SettingsPanel config={Rc::clone(config)} on_act={cb.act.clone()} />
                        <NetworkEditor
                            config={Rc::clone(config)}
                            groups={Rc::clone(&self.cache.net_groups)}
                            links_cut={!self.cache.cut_links.is_empty()}
                            has_leader={sim.leader().is_some()}
                            on_act={cb.act.clone()}
                            on_preset={cb.preset.clone()}
                        />
                        <BreakRaft config={Rc::clone(config)} on_act={cb.act.clone()} on_found={cb.found.clone()} />
                        { self.tours_menu() }
                        <button type="button" class="share-button" aria-haspopup="dialog"
                                aria-expanded={self.share.is_some().to_string()}
                                onclick={cb.share.reform(|_: MouseEvent| true)}>{ "Share" }</button>
                    </div>
                </div>
                <Controls
                    playing={self.playback.is_playing()}
                    speed_pos={self.playback.speed_pos()}
                    servers={self.servers}
                    seed={self.seed}
                    on_toggle={cb.toggle.clone()}
                    on_step={cb.step.clone()}
                    on_step_back={cb.step_back.clone()}
                    can_step_back={self.playback.timeline().moment() != self.playback.timeline().start()}
                    on_speed={cb.speed.clone()}
                    on_servers={cb.servers.clone()}
                    on_reset={cb.reset.clone()}
                    start={self.start}
                    on_start={cb.start.clone()}
                    links_cut={!self.cache.cut_links.is_empty()}
                    on_heal={cb.heal_all.clone()}
                    on_add={cb.add_server.clone()}
                />
            </header>
        }
    }

    /// The client's Command box and its operations (in the embed layout,
    /// under the ring).
    fn client_box(&self) -> Html {
        html! {
            <ClientBox servers={self.servers} ops={Rc::clone(&self.cache.ops)}
                       on_submit={self.cb.submit.clone()} />
        }
    }

    /// The embed layout's bar, in place of the top bar.
    fn embed_bar(&self) -> Html {
        let sim = self.playback.sim();
        let leader =
            sim.leader().and_then(|id| sim.server(id).map(|s| (id, s.raft.current_term())));
        let record = self.playback.timeline().record();
        embed_bar(&EmbedBarProps {
            playing: self.playback.is_playing(),
            clock: ClockProps { feed: self.feed.clone(), leader },
            full: share::run_link(&share::page_base(), &record, false),
            on_toggle: self.cb.toggle.clone(),
            on_step: self.cb.step.clone(),
        })
    }

    /// The Share dialog, while open.
    fn share_dialog(&self) -> Html {
        let Some(s) = &self.share else { return html! {} };
        let cb = &self.cb;
        html! {
            <ShareDialog link={s.link.clone()} embed={s.embed.clone()} copied={s.copied}
                         problem={s.problem.clone()} on_copy={cb.copy.clone()}
                         on_export={cb.export.clone()} on_import={cb.import.clone()}
                         on_close={cb.share.reform(|_| false)} />
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
                if let Some(request) = &self.preparing {
                    <p class="situation-note replay-preparing" role="status">{ request.status() }</p>
                }
                if let Some(replay) = replay {
                    { replay_banner(&ReplayProps {
                        link: replay.link,
                        mix: replay.mix.clone(),
                        phase: replay.phase_at(self.playback.timeline().moment()),
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
                        feed={self.feed.clone()}
                        selected={self.selected}
                        client_pending={cache.client_pending.clone()}
                        cut_links={Rc::clone(&cache.cut_links)}
                        violating={Rc::clone(&cache.violating)}
                        on_select={cb.select.clone()}
                        on_background={cb.close_menu.clone()}
                        on_message={cb.open_message.clone()}
                    />
                    { self.server_menu() }
                    { self.message_dialog() }
                </div>
                if self.embed {
                    { self.client_box() }
                } else {
                    <PendingList choosing={self.choosing} pending={Rc::clone(&cache.pending)}
                        on_choose={cb.choose.clone()} on_act={cb.act.clone()} />
                    <RulesPanel last={cache.last_rule()} />
                    { self.time_strip() }
                    <Legend />
                    <MembershipPanel config={cache.membership.clone()} on_act={cb.act.clone()} />
                }
            </section>
        }
    }

    /// The time strip and the Time slider.
    fn time_strip(&self) -> Html {
        let Some(strip) = &self.cache.strip else {
            return html! {};
        };
        let cb = &self.cb;
        html! {
            <TimeStrip
                strip={Rc::clone(strip)}
                feed={self.feed.clone()}
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
                on_inspect={self.cb.inspect.clone()}
                on_close={self.cb.close_menu.clone()}
            />
        }
    }

    /// The "Inspect" dialog of a server, read at the moment shown.
    fn inspector(&self) -> Html {
        let Some((id, end)) = self.inspecting else { return html! {} };
        let inspection = inspect(self.playback.sim(), id, self.playback.shown(), end);
        html! {
            <ServerInspector
                inspection={Rc::new(inspection)}
                on_window={self.cb.inspect_window.clone()}
                on_close={self.cb.close_inspector.clone()}
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
                if !self.embed {
                    <ClientHistory view={Rc::clone(&cache.history)} verdict={cache.verdict.clone()}
                                   feed={self.feed.clone()} />
                }
                <div class="lower">
                    if !self.embed {
                        { self.client_box() }
                    }
                    if !self.embed {
                        <NarrationPanel
                            lines={Rc::clone(&cache.narration_lines)}
                            show_all={cache.show_all()}
                            playing={self.playback.is_playing()}
                            on_show_all={cb.show_all.clone()}
                        />
                    }
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
