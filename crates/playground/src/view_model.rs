//! What the page shows, read from the simulator: small, comparable values
//! (roles, terms, indexes, positions, texts) that the components draw.
//!
//! Components take these as props and re-render only when they differ, so
//! a frame in which only the election timers moved redraws only the
//! servers. Nothing here decides anything about the protocol: every value
//! is read from a server, its disk, the network or the trace.

use crate::describe;
use crate::geometry::{self, Point, CLIENT_R, NODE_R};
use raft::{Family as RaftFamily, LogIndex, NodeId, Role, Term, Time};
use sim::{Endpoint, InFlight, PacketKind, Sim, TraceEvent};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// A server's role as drawn: Figure 4's three roles, the pre-candidate of
/// PreVote, a learner, or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleView {
    /// Passive, answering leaders and candidates.
    Follower,
    /// Asking whether it could win before standing (PreVote, thesis
    /// §9.6); its term has not changed yet.
    PreCandidate,
    /// Asking for votes.
    Candidate,
    /// Leading its term.
    Leader,
    /// Receives the log but does not vote (thesis §4.2.1).
    Learner,
    /// Crashed: only its disk remains.
    Crashed,
}

impl RoleView {
    /// The name in the page's `data-role` attribute.
    pub fn name(self) -> &'static str {
        match self {
            RoleView::Follower => "follower",
            RoleView::PreCandidate => "precandidate",
            RoleView::Candidate => "candidate",
            RoleView::Leader => "leader",
            RoleView::Learner => "learner",
            RoleView::Crashed => "crashed",
        }
    }

    /// Is it collecting votes (pre-votes or real ones)?
    pub fn campaigning(self) -> bool {
        matches!(self, RoleView::PreCandidate | RoleView::Candidate)
    }

    /// The role a running server shows: a follower that the cluster's
    /// configuration ([`Sim::configuration`]) lists as a learner is drawn
    /// as a learner — a new server is one before it has heard so itself.
    fn of_server(sim: &Sim, r: &raft::RaftNode<sim::KvCommand>) -> Self {
        let role = Self::of(r.role());
        if role == RoleView::Follower && sim.is_learner(r.id()) {
            RoleView::Learner
        } else {
            role
        }
    }

    fn of(role: Role) -> Self {
        match role {
            Role::Follower => RoleView::Follower,
            Role::PreCandidate => RoleView::PreCandidate,
            Role::Candidate => RoleView::Candidate,
            Role::Leader => RoleView::Leader,
        }
    }
}

/// Resolution of the election-timer arc: one step per degree.
pub const TIMER_STEPS: u16 = 360;

/// One server on the ring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// S1…Sn.
    pub id: NodeId,
    /// Its role, or crashed.
    pub role: RoleView,
    /// currentTerm (a crashed server's from its disk).
    pub term: Term,
    /// commitIndex (0 when crashed: it is volatile).
    pub commit: LogIndex,
    /// Index of its last log entry (a crashed server's on its disk).
    pub log_len: LogIndex,
    /// votedFor in the current term.
    pub voted_for: Option<NodeId>,
    /// A candidate's tally: (votes granted by voters, its own included if it
    /// is one; votes needed).
    pub votes: Option<(usize, usize)>,
    /// In the cluster's configuration ([`Sim::is_member`]). False once removed — even while the removed server, which may
    /// never learn of its removal, still campaigns (thesis §4.2.3).
    pub member: bool,
    /// While its configuration is joint (C_old,new, §6): which side it
    /// votes on — "C_old only", "C_new only" or "C_old + C_new".
    pub joint_side: Option<&'static str>,
    /// Election timer: remaining fraction in steps of [`TIMER_STEPS`]
    /// (none for a leader or a crashed server). A step is about a pixel of
    /// arc, so the arc is redrawn only when it visibly moves.
    pub timer_steps: Option<u16>,
}

/// Reads server `id` at display time `now` (virtual ms, fractional).
pub fn node_view(sim: &Sim, id: NodeId, now: f64) -> NodeView {
    match sim.server(id) {
        Some(server) => {
            let r = &server.raft;
            let role = RoleView::of_server(sim, r);
            let m = r.membership();
            let member = sim.is_member(id);
            let joint_side =
                m.is_joint().then(|| match (m.outgoing.contains(&id), m.voters.contains(&id)) {
                    (true, false) => "C_old only",
                    (false, true) => "C_new only",
                    (true, true) => "C_old + C_new",
                    (false, false) => "learner",
                });
            let votes = role.campaigning().then(|| r.vote_count());
            let timer_steps = (role != RoleView::Leader && r.election_timeout() > 0).then(|| {
                let left = (r.election_deadline() as f64 - now) / r.election_timeout() as f64;
                (left.clamp(0.0, 1.0) * f64::from(TIMER_STEPS)).round() as u16
            });
            NodeView {
                id,
                role,
                term: r.current_term(),
                commit: r.commit_index(),
                log_len: r.log().last_index(),
                voted_for: r.voted_for(),
                votes,
                member,
                joint_side,
                timer_steps,
            }
        }
        None => {
            let disk = sim.disk(id);
            NodeView {
                id,
                role: RoleView::Crashed,
                term: disk.hard_state.current_term,
                commit: 0,
                log_len: disk.log.last_index(),
                voted_for: disk.hard_state.voted_for,
                votes: None,
                member: true,
                joint_side: None,
                timer_steps: None,
            }
        }
    }
}

/// Every server, S1 first.
pub fn node_views(sim: &Sim, now: f64) -> Vec<NodeView> {
    sim.ids().map(|id| node_view(sim, id, now)).collect()
}

// ----- messages -----

/// Which exchange a message belongs to; decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// RequestVote and its reply (§5.2).
    Vote,
    /// PreVote and its reply (thesis §9.6): a vote that raises no term.
    PreVote,
    /// TimeoutNow: a leader handing over (thesis §3.10).
    Transfer,
    /// AppendEntries and its reply (§5.3).
    Append,
    /// InstallSnapshot and its reply (§7).
    Snapshot,
    /// A follower forwarding a read to the leader, and the answer
    /// (ReadIndex, thesis §6.4).
    Read,
    /// A client's request or a server's answer to it.
    Client,
}

impl Family {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            Family::Vote => "vote",
            Family::PreVote => "prevote",
            Family::Transfer => "transfer",
            Family::Append => "append",
            Family::Snapshot => "snapshot",
            Family::Read => "read",
            Family::Client => "client",
        }
    }
}

/// What does not change while a message flies (unless it is dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgInfo {
    /// The network's id (`data-msg`).
    pub id: u64,
    /// The message type's name (`data-kind`).
    pub kind: &'static str,
    /// Colour group.
    pub family: Family,
    /// An answer (drawn hollow) rather than a request (filled).
    pub reply: bool,
    /// A refusal: vote refused, AppendEntries rejected, client redirected.
    pub refused: bool,
    /// Log entries carried (AppendEntries only; more than 0 is drawn bigger).
    pub entries: usize,
    /// Carries a snapshot (InstallSnapshot): drawn biggest, marked "S".
    pub snapshot: bool,
    /// Will not arrive (lost, cut link, receiver down): drawn faded.
    pub dropped: bool,
    /// Tooltip text.
    pub title: Rc<str>,
}

/// A message at its place this frame.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgView {
    /// What it is.
    pub info: Rc<MsgInfo>,
    /// Where it is, in the cluster view's coordinates.
    pub at: Point,
}

fn family_of(kind: PacketKind) -> Family {
    use raft::MessageKind as K;
    match kind {
        PacketKind::Raft(K::RequestVote | K::RequestVoteReply) => Family::Vote,
        PacketKind::Raft(K::PreVote | K::PreVoteReply) => Family::PreVote,
        PacketKind::Raft(K::TimeoutNow) => Family::Transfer,
        PacketKind::Raft(K::InstallSnapshot | K::InstallSnapshotReply) => Family::Snapshot,
        PacketKind::Raft(K::ReadIndex | K::ReadIndexReply) => Family::Read,
        PacketKind::Raft(K::AppendEntries | K::AppendEntriesReply) => Family::Append,
        PacketKind::ClientRequest | PacketKind::ClientReply => Family::Client,
    }
}

/// The unchanging part of a message's drawing.
pub fn message_info(m: &InFlight) -> MsgInfo {
    MsgInfo {
        id: m.id,
        kind: m.packet.kind().name(),
        family: family_of(m.packet.kind()),
        reply: m.packet.is_reply(),
        refused: describe::is_refusal(&m.packet),
        entries: describe::entry_count(&m.packet),
        snapshot: describe::carries_snapshot(&m.packet),
        dropped: m.dropped.is_some(),
        title: describe::message_title(m).into(),
    }
}

/// Where an endpoint is drawn and how big it is (messages stop at its edge).
pub fn endpoint_spot(e: Endpoint, servers: usize) -> (Point, f64) {
    match e {
        Endpoint::Server(id) => {
            (geometry::server_position(usize::from(id.0).saturating_sub(1), servers), NODE_R)
        }
        Endpoint::Client(c) => {
            (geometry::client_position((c.0 as usize).saturating_sub(1)), CLIENT_R)
        }
    }
}

/// Where a message is at display time `now`.
pub fn message_point(m: &InFlight, servers: usize, now: f64) -> Point {
    let (from, from_r) = endpoint_spot(m.from, servers);
    let (to, to_r) = endpoint_spot(m.to, servers);
    let progress = geometry::flight_progress(now, m.sent_at as f64, m.deliver_at as f64);
    geometry::message_position(from, from_r, to, to_r, progress)
}

/// Tooltips and classes of the messages in flight, built once per message
/// (and again if it gets dropped while flying), not once per frame.
#[derive(Default)]
pub struct MessageCache {
    infos: HashMap<u64, Rc<MsgInfo>>,
}

impl MessageCache {
    /// Bring the cache up to date with the network after events happened.
    pub fn refresh(&mut self, sim: &Sim) {
        let mut next = HashMap::with_capacity(self.infos.len() + 8);
        for m in sim.network().in_flight() {
            let info = match self.infos.remove(&m.id) {
                Some(old) if old.dropped == m.dropped.is_some() => old,
                _ => Rc::new(message_info(m)),
            };
            next.insert(m.id, info);
        }
        self.infos = next;
    }

    /// Forget everything (a fresh cluster reuses message ids).
    pub fn clear(&mut self) {
        self.infos.clear();
    }

    /// The messages in flight at display time `now`, in order of arrival.
    pub fn views(&self, sim: &Sim, now: f64) -> Vec<MsgView> {
        let servers = sim.ids().count();
        sim.network()
            .in_flight()
            .map(|m| MsgView {
                info: self.infos.get(&m.id).cloned().unwrap_or_else(|| Rc::new(message_info(m))),
                at: message_point(m, servers, now),
            })
            .collect()
    }
}

// ----- logs -----

/// One entry's box in the log view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryCell {
    /// Its index.
    pub index: LogIndex,
    /// The term it was created in (its colour).
    pub term: Term,
    /// `x←3`, `get x`, `no-op` ….
    pub label: String,
    /// Tooltip.
    pub title: String,
    /// index ≤ this server's commitIndex.
    pub committed: bool,
}

/// One server's row in the log view, with its key-value state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// The server.
    pub id: NodeId,
    /// Its role, or crashed (a crashed row shows the disk's log, greyed).
    pub role: RoleView,
    /// commitIndex (0 when crashed).
    pub commit: LogIndex,
    /// The last index folded into a snapshot (0 if none): entries up to it
    /// are compacted away (§7).
    pub snapshot_index: LogIndex,
    /// The entries still stored, oldest first (from `snapshot_index + 1`).
    pub entries: Vec<EntryCell>,
    /// The leader's nextIndex for this server (followers only).
    pub next_index: Option<LogIndex>,
    /// The leader's matchIndex for this server (followers only).
    pub match_index: Option<LogIndex>,
    /// Its key-value state as "x = 3" pairs, or `None` when crashed.
    pub kv: Option<Vec<String>>,
}

/// What a log row depends on; a row is rebuilt only when this changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct RowKey {
    up: bool,
    role: Option<RoleView>,
    /// The last index its snapshot covers: a snapshot changes the row
    /// without changing the log's end.
    snapshot: LogIndex,
    last: (LogIndex, Term),
    commit: LogIndex,
    applied: LogIndex,
    progress: Option<(LogIndex, LogIndex)>,
}

/// The log view's rows, rebuilt row by row as servers change.
#[derive(Default)]
pub struct LogRows {
    keys: Vec<RowKey>,
    rows: Rc<Vec<Rc<LogRow>>>,
}

impl LogRows {
    /// The rows as last built.
    pub fn rows(&self) -> Rc<Vec<Rc<LogRow>>> {
        Rc::clone(&self.rows)
    }

    /// Rebuild the rows whose server changed. Returns true if any did.
    pub fn refresh(&mut self, sim: &Sim) -> bool {
        let leader = sim.leader().and_then(|l| sim.server(l)).map(|s| &s.raft);
        let ids: Vec<NodeId> = sim.ids().collect();
        let mut changed = ids.len() != self.keys.len();
        let mut rows: Vec<Rc<LogRow>> = Vec::with_capacity(ids.len());
        let mut keys = Vec::with_capacity(ids.len());
        for (k, &id) in ids.iter().enumerate() {
            let progress =
                leader.and_then(|l| l.progress().get(&id)).map(|p| (p.next_index, p.match_index));
            let key = match sim.server(id) {
                Some(s) => RowKey {
                    up: true,
                    role: Some(RoleView::of_server(sim, &s.raft)),
                    snapshot: s.raft.log().snapshot_point().0,
                    last: (s.raft.log().last_index(), s.raft.log().last_term()),
                    commit: s.raft.commit_index(),
                    applied: s.raft.last_applied(),
                    progress,
                },
                None => {
                    let log = &sim.disk(id).log;
                    RowKey {
                        snapshot: log.snapshot_point().0,
                        last: (log.last_index(), log.last_term()),
                        ..RowKey::default()
                    }
                }
            };
            let old = self.rows.get(k).filter(|_| self.keys.get(k) == Some(&key));
            match old {
                Some(row) => rows.push(Rc::clone(row)),
                None => {
                    changed = true;
                    rows.push(Rc::new(log_row(sim, id, progress)));
                }
            }
            keys.push(key);
        }
        if changed {
            self.rows = Rc::new(rows);
        }
        self.keys = keys;
        changed
    }
}

/// Builds server `id`'s row; `progress` is the leader's (nextIndex,
/// matchIndex) for it.
pub fn log_row(sim: &Sim, id: NodeId, progress: Option<(LogIndex, LogIndex)>) -> LogRow {
    let (role, commit, log, kv) = match sim.server(id) {
        Some(s) => (
            RoleView::of_server(sim, &s.raft),
            s.raft.commit_index(),
            s.raft.log(),
            Some(describe::kv_pairs(s.kv.data())),
        ),
        None => (RoleView::Crashed, 0, &sim.disk(id).log, None),
    };
    let entries = log
        .entries()
        .iter()
        .map(|e| EntryCell {
            index: e.index,
            term: e.term,
            label: describe::entry_label(&e.payload),
            title: describe::entry_title(e, e.index <= commit),
            committed: e.index <= commit,
        })
        .collect();
    LogRow {
        id,
        role,
        commit,
        snapshot_index: log.snapshot_point().0,
        entries,
        next_index: progress.map(|p| p.0),
        match_index: progress.map(|p| p.1),
        kv,
    }
}

// ----- client operations -----

/// One client operation, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    /// Its row in the history (a stable key).
    pub row: usize,
    /// `C1`.
    pub client: String,
    /// `Put(x, 3)`.
    pub op: String,
    /// When it was sent.
    pub invoked_at: Time,
    /// When it returned and with what (`ok`, `3`, `(not found)`).
    pub outcome: Option<(Time, String)>,
}

/// The latest `limit` client operations, newest first.
pub fn op_rows(sim: &Sim, limit: usize) -> Vec<OpRow> {
    let ops = &sim.history().ops;
    ops.iter()
        .enumerate()
        .rev()
        .take(limit)
        .map(|(row, o)| OpRow {
            row,
            client: o.client.to_string(),
            op: o.op.to_string(),
            invoked_at: o.invoked_at,
            outcome: o.returned.as_ref().map(|(t, out)| (*t, out.to_string())),
        })
        .collect()
}

// ----- narration -----

/// What kind of event a narration line tells of (its colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Timeouts, candidacies, votes, term changes.
    Election,
    /// A server won an election.
    Leader,
    /// Entries appended, accepted, rejected, truncated.
    Replication,
    /// commitIndex advanced, entries applied.
    Commit,
    /// Client operations.
    Client,
    /// Crashes, restarts and cut links.
    Fault,
    /// Something a person did (the action as they asked for it).
    Action,
    /// A safety property broke.
    Violation,
    /// Messages sent and dropped.
    Network,
    /// Reads served without log entries (ReadIndex, lease).
    Read,
    /// Snapshots taken, sent and installed.
    Snapshot,
    /// Configuration changes.
    Membership,
}

impl Tone {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            Tone::Election => "election",
            Tone::Leader => "leader",
            Tone::Replication => "replication",
            Tone::Commit => "commit",
            Tone::Client => "client",
            Tone::Fault => "fault",
            Tone::Action => "action",
            Tone::Violation => "violation",
            Tone::Network => "network",
            Tone::Read => "read",
            Tone::Snapshot => "snapshot",
            Tone::Membership => "membership",
        }
    }
}

/// One line of narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NarrationLine {
    /// The trace's sequence number (a stable key).
    pub seq: u64,
    /// Virtual time, ms.
    pub time: Time,
    /// What happened, in the trace's words.
    pub text: Rc<str>,
    /// Its colour.
    pub tone: Tone,
}

/// The tone of a trace event, and whether it is routine chatter that the
/// narration hides unless "show every event" is ticked: messages sent and
/// dropped, and followers acknowledging heartbeats.
pub fn classify(event: &TraceEvent) -> (Tone, bool) {
    use raft::Event as E;
    match event {
        TraceEvent::Raft { event, .. } => match event {
            E::BecameLeader { .. } => (Tone::Leader, false),
            E::CommitAdvanced { .. } => (Tone::Commit, false),
            E::AppendAccepted { appended: 0, .. } => (Tone::Replication, true),
            other => match other.family() {
                RaftFamily::Election => (Tone::Election, false),
                RaftFamily::Replication => (Tone::Replication, false),
                RaftFamily::Read => (Tone::Read, false),
                RaftFamily::Snapshot => (Tone::Snapshot, false),
                RaftFamily::Membership => (Tone::Membership, false),
                RaftFamily::Client => (Tone::Client, false),
            },
        },
        TraceEvent::Sent { .. } | TraceEvent::Dropped { .. } => (Tone::Network, true),
        TraceEvent::Applied { .. } => (Tone::Commit, false),
        TraceEvent::Invoked { .. } | TraceEvent::Retrying { .. } | TraceEvent::Returned { .. } => {
            (Tone::Client, false)
        }
        TraceEvent::Crashed(_) | TraceEvent::Restarted(_) => (Tone::Fault, false),
        TraceEvent::Action(_) => (Tone::Action, false),
        TraceEvent::Violation(_) => (Tone::Violation, false),
    }
}

/// The narration: the latest trace events, newest first, kept up to date
/// incrementally (each event is put into words once).
pub struct Narration {
    limit: usize,
    show_all: bool,
    last_seq: u64,
    lines: VecDeque<Rc<NarrationLine>>,
}

impl Narration {
    /// An empty narration keeping at most `limit` lines.
    pub fn new(limit: usize, show_all: bool) -> Self {
        Narration { limit, show_all, last_seq: 0, lines: VecDeque::new() }
    }

    /// Does it include routine chatter?
    pub fn show_all(&self) -> bool {
        self.show_all
    }

    /// Add the events recorded since the last call. Returns true if any
    /// line was added.
    pub fn refresh(&mut self, sim: &Sim) -> bool {
        let mut added = false;
        let fresh: Vec<_> =
            sim.trace().recent().rev().take_while(|e| e.seq > self.last_seq).collect();
        for entry in fresh.into_iter().rev() {
            self.last_seq = entry.seq;
            let (tone, chatter) = classify(&entry.event);
            if chatter && !self.show_all {
                continue;
            }
            self.lines.push_front(Rc::new(NarrationLine {
                seq: entry.seq,
                time: entry.time,
                text: entry.event.to_string().into(),
                tone,
            }));
            added = true;
        }
        self.lines.truncate(self.limit);
        added
    }

    /// Start again from what the trace still holds, with or without chatter.
    pub fn rebuild(&mut self, sim: &Sim, show_all: bool) {
        self.show_all = show_all;
        self.last_seq = 0;
        self.lines.clear();
        self.refresh(sim);
    }

    /// The lines, newest first.
    pub fn lines(&self) -> Vec<Rc<NarrationLine>> {
        self.lines.iter().cloned().collect()
    }
}

// ----- one server in detail -----

/// The leader's view of one follower (Figure 2, volatile state on leaders).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressRow {
    /// The follower.
    pub peer: NodeId,
    /// nextIndex.
    pub next_index: LogIndex,
    /// matchIndex.
    pub match_index: LogIndex,
    /// `probe` or `replicate`.
    pub state: &'static str,
}

/// Everything the server menu shows about one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDetails {
    /// The server.
    pub id: NodeId,
    /// Role or crashed.
    pub role: RoleView,
    /// currentTerm (from disk when crashed).
    pub term: Term,
    /// votedFor (from disk when crashed).
    pub voted_for: Option<NodeId>,
    /// commitIndex and lastApplied (none when crashed: volatile).
    pub commit_applied: Option<(LogIndex, LogIndex)>,
    /// Last log index (from disk when crashed).
    pub log_len: LogIndex,
    /// The leader this server knows of.
    pub leader: Option<NodeId>,
    /// Election timer: whole ms left, and the timeout drawn at its reset.
    pub timer: Option<(u64, u64)>,
    /// A candidate's votes so far: voter → granted.
    pub votes: Vec<(NodeId, bool)>,
    /// A leader's nextIndex/matchIndex per follower.
    pub progress: Vec<ProgressRow>,
    /// How many of the other servers it cannot reach or hear from (a cut
    /// link in either direction).
    pub cut_from: usize,
    /// How many other servers there are.
    pub peers: usize,
    /// Some other running server leads (so leadership can be handed here).
    pub other_leader: bool,
    /// The configuration it follows, in words (none when crashed).
    pub membership: Option<String>,
    /// The last index its snapshot covers (0 if none).
    pub snapshot_index: LogIndex,
    /// In the leader's configuration (as voter or learner), so the leader
    /// can be asked to remove it; true when there is no leader to ask.
    pub member: bool,
}

impl NodeDetails {
    /// Every link to the other servers is cut.
    pub fn isolated(&self) -> bool {
        self.peers > 0 && self.cut_from == self.peers
    }
}

/// Is the link between servers `a` and `b` cut in either direction?
pub fn link_cut(sim: &Sim, a: NodeId, b: NodeId) -> bool {
    let net = sim.network();
    net.is_cut(Endpoint::Server(a), Endpoint::Server(b))
        || net.is_cut(Endpoint::Server(b), Endpoint::Server(a))
}

/// Pairs of servers whose link is cut (in either direction), each once,
/// lower id first.
pub fn cut_pairs(sim: &Sim) -> Vec<(NodeId, NodeId)> {
    let pairs: std::collections::BTreeSet<(NodeId, NodeId)> = sim
        .network()
        .cut_links()
        .filter_map(|&(a, b)| match (a, b) {
            (Endpoint::Server(a), Endpoint::Server(b)) => Some((a.min(b), a.max(b))),
            _ => None,
        })
        .collect();
    pairs.into_iter().collect()
}

/// Reads server `id` in detail at display time `now`.
pub fn node_details(sim: &Sim, id: NodeId, now: f64) -> NodeDetails {
    let membership = sim.server(id).map(|s| describe::membership_text(s.raft.membership()));
    let peers = sim.ids().filter(|&p| p != id).count();
    let cut_from = sim.ids().filter(|&p| p != id && link_cut(sim, id, p)).count();
    let other_leader = sim.leader().is_some_and(|l| l != id);
    let member = sim.is_member(id);
    match sim.server(id) {
        Some(s) => {
            let r = &s.raft;
            let role = RoleView::of_server(sim, r);
            let timer = (role != RoleView::Leader).then(|| {
                ((r.election_deadline() as f64 - now).max(0.0).ceil() as u64, r.election_timeout())
            });
            NodeDetails {
                id,
                role,
                term: r.current_term(),
                voted_for: r.voted_for(),
                commit_applied: Some((r.commit_index(), r.last_applied())),
                log_len: r.log().last_index(),
                leader: r.leader(),
                timer,
                votes: r.votes().iter().map(|(&v, &g)| (v, g)).collect(),
                progress: r
                    .progress()
                    .iter()
                    .map(|(&peer, p)| ProgressRow {
                        peer,
                        next_index: p.next_index,
                        match_index: p.match_index,
                        state: match p.state {
                            raft::ProgressState::Probe => "probe",
                            raft::ProgressState::Replicate => "replicate",
                        },
                    })
                    .collect(),
                cut_from,
                peers,
                other_leader,
                membership,
                snapshot_index: r.log().snapshot_point().0,
                member,
            }
        }
        None => {
            let disk = sim.disk(id);
            NodeDetails {
                id,
                role: RoleView::Crashed,
                term: disk.hard_state.current_term,
                voted_for: disk.hard_state.voted_for,
                commit_applied: None,
                log_len: disk.log.last_index(),
                leader: None,
                timer: None,
                votes: Vec::new(),
                progress: Vec::new(),
                cut_from,
                peers,
                other_leader,
                membership,
                snapshot_index: disk.log.snapshot_point().0,
                member,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{Action, ClientId, KvOp, Target};

    use crate::test_support::elect;

    fn cluster(seed: u64) -> Sim {
        crate::test_support::cluster(5, seed)
    }

    #[test]
    fn a_fresh_cluster_is_five_followers_with_running_timers() {
        let sim = cluster(1);
        let nodes = node_views(&sim, 0.0);
        assert_eq!(nodes.len(), 5);
        for n in &nodes {
            assert_eq!(n.role, RoleView::Follower);
            assert_eq!((n.term, n.commit, n.log_len), (0, 0, 0));
            assert_eq!(n.timer_steps, Some(TIMER_STEPS), "a timer just reset is full");
        }
    }

    #[test]
    fn a_leader_has_no_timer_and_a_crashed_server_shows_its_disk() {
        let mut sim = cluster(7);
        let leader = elect(&mut sim);
        let now = sim.now() as f64;
        let v = node_view(&sim, leader, now);
        assert_eq!(v.role, RoleView::Leader);
        assert_eq!(v.timer_steps, None);
        assert!(v.term >= 1 && v.log_len >= 1, "a leader has its no-op");
        let t = sim.now() + 100;
        sim.run_until(t);
        let before = node_view(&sim, leader, t as f64);
        assert!(before.commit >= 1);
        sim.act(Action::Crash(leader)).unwrap();
        let after = node_view(&sim, leader, t as f64);
        assert_eq!(after.role, RoleView::Crashed);
        assert_eq!(after.term, before.term, "currentTerm survives on disk");
        assert_eq!(after.log_len, before.log_len, "the log survives on disk");
        assert_eq!(after.commit, 0, "commitIndex is volatile");
        let details = node_details(&sim, leader, t as f64);
        assert_eq!(details.commit_applied, None);
    }

    #[test]
    fn log_rows_show_entries_commands_and_commitment() {
        let mut sim = cluster(3);
        let leader = elect(&mut sim);
        let op = sim::parse_command("put x 3").unwrap();
        sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
        // The request flies 10–20 ms to the leader; committing takes at
        // least one more round trip (20 ms or more) after that.
        let t = sim.now() + 25;
        sim.run_until(t);
        let mut rows = LogRows::default();
        assert!(rows.refresh(&sim));
        let lrow = rows.rows()[usize::from(leader.0) - 1].clone();
        let last = lrow.entries.last().unwrap();
        assert_eq!(last.label, "x←3");
        assert!(!last.committed, "not committed before a round trip to the followers");
        assert_eq!(lrow.entries[0].label, "no-op");
        assert!(!rows.refresh(&sim), "nothing changed, nothing rebuilt");
        let t = sim.now() + 200;
        sim.run_until(t);
        assert!(rows.refresh(&sim));
        let rows = rows.rows();
        let lrow = &rows[usize::from(leader.0) - 1];
        assert!(lrow.entries.last().unwrap().committed);
        assert_eq!(lrow.kv, Some(vec!["x = 3".to_string()]));
        let follower = rows.iter().find(|r| r.id != leader).unwrap();
        assert_eq!(follower.match_index, Some(lrow.entries.len() as u64));
        assert_eq!(follower.next_index, Some(lrow.entries.len() as u64 + 1));
        let ops = op_rows(&sim, 10);
        assert_eq!(ops[0].op, "Put(x, 3)");
        assert_eq!(ops[0].outcome.as_ref().map(|o| o.1.as_str()), Some("ok"));
    }

    #[test]
    fn messages_fly_from_sender_to_receiver() {
        let mut sim = cluster(5);
        elect(&mut sim);
        let mut cache = MessageCache::default();
        cache.refresh(&sim);
        let m = sim.network().in_flight().next().expect("a leader sends heartbeats").clone();
        let start = message_point(&m, 5, m.sent_at as f64);
        let end = message_point(&m, 5, m.deliver_at as f64);
        let (from, _) = endpoint_spot(m.from, 5);
        let (to, _) = endpoint_spot(m.to, 5);
        let d = |a: Point, b: Point| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        assert!(d(start, from) < d(start, to));
        assert!(d(end, to) < d(end, from));
        let views = cache.views(&sim, m.sent_at as f64);
        assert!(views.iter().any(|v| v.info.id == m.id && v.info.kind == m.packet.kind().name()));
    }

    #[test]
    fn the_cached_log_rows_follow_a_snapshot() {
        let mut sim = cluster(5);
        let leader = elect(&mut sim);
        let t = sim.now() + 300; // the leader's no-op commits and is applied
        sim.run_until(t);
        let mut rows = LogRows::default();
        rows.refresh(&sim);
        let row = |rows: &LogRows| rows.rows()[usize::from(leader.0) - 1].snapshot_index;
        assert_eq!(row(&rows), 0);
        sim.act(Action::Snapshot(leader)).unwrap();
        assert!(rows.refresh(&sim), "a snapshot changes the leader's row");
        assert!(row(&rows) >= 1, "the row shows the snapshot");
    }

    #[test]
    fn a_removed_server_is_drawn_as_removed_while_it_still_campaigns() {
        let mut sim = cluster(6);
        let leader = elect(&mut sim);
        let victim = sim.ids().find(|&id| id != leader).unwrap();
        sim.act(Action::Crash(victim)).unwrap();
        sim.act(Action::RemoveServer(victim)).unwrap();
        let t = sim.now() + 2_000;
        sim.run_until(t);
        sim.act(Action::Restart(victim)).unwrap();
        // It never hears of C_new, so its own configuration still lists it.
        let own = sim.server(victim).unwrap().raft.membership().members();
        assert!(own.contains(&victim));
        let t = sim.now() + 1_000;
        sim.run_until(t);
        let view = node_view(&sim, victim, sim.now() as f64);
        assert!(!view.member, "the leader's configuration decides: {view:?}");
    }

    #[test]
    fn a_snapshot_replaces_the_prefix_of_a_log_row() {
        let mut sim = cluster(6);
        let leader = elect(&mut sim);
        for cmd in ["put x 1", "put y 2"] {
            let op = sim::parse_command(cmd).unwrap();
            sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
            let t = sim.now() + 300;
            sim.run_until(t);
        }
        sim.act(Action::Snapshot(leader)).unwrap();
        let row = log_row(&sim, leader, None);
        assert!(row.snapshot_index >= 2, "applied entries were compacted: {}", row.snapshot_index);
        let first = row.entries.first().map_or(row.snapshot_index + 1, |e| e.index);
        assert_eq!(first, row.snapshot_index + 1, "stored entries follow the snapshot");
        assert_eq!(row.kv, Some(vec!["x = 1".to_string(), "y = 2".to_string()]));
        assert_eq!(node_details(&sim, leader, sim.now() as f64).snapshot_index, row.snapshot_index);
    }

    #[test]
    fn cut_links_are_listed_once_per_pair() {
        let mut sim = cluster(4);
        for b in [1, 2, 4, 5] {
            sim.act(Action::SetLink { a: NodeId(3), b: NodeId(b), cut: true }).unwrap();
        }
        let pairs = cut_pairs(&sim);
        assert_eq!(pairs.len(), 4);
        assert!(pairs.iter().all(|&(a, b)| a < b && (a == NodeId(3) || b == NodeId(3))));
        let d = node_details(&sim, NodeId(3), 0.0);
        assert!(d.isolated());
        assert!(!node_details(&sim, NodeId(1), 0.0).isolated());
        sim.act(Action::HealAll).unwrap();
        assert!(cut_pairs(&sim).is_empty());
    }

    #[test]
    fn narration_hides_chatter_unless_asked() {
        let mut sim = cluster(2);
        elect(&mut sim);
        let t = sim.now() + 200;
        sim.run_until(t);
        let mut quiet = Narration::new(500, false);
        quiet.refresh(&sim);
        let mut all = Narration::new(500, true);
        all.refresh(&sim);
        assert!(quiet.lines().iter().all(|l| !l.text.contains(" sent ")));
        assert!(all.lines().iter().any(|l| l.text.contains(" sent ")));
        assert!(quiet.lines().iter().any(|l| l.tone == Tone::Leader));
        let lines = quiet.lines();
        assert!(lines.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        assert!(!quiet.refresh(&sim), "no new events, nothing added");
        let _ = KvOp::Get { key: "x".into() };
    }
}
