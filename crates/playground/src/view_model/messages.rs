//! The messages in flight: what each one is (its style and tooltip, built
//! once per message) and where it is drawn at the shown time.

use crate::animation::Motion;
use crate::describe;
use crate::geometry::{self, Point, CLIENT_R, NODE_R};
use sim::{Endpoint, InFlight, PacketKind, Sim};
use std::collections::HashMap;
use std::rc::Rc;

/// How a message is coloured: by the exchange it belongs to (a request
/// and its reply share a style).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStyle {
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

impl MessageStyle {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            MessageStyle::Vote => "vote",
            MessageStyle::PreVote => "prevote",
            MessageStyle::Transfer => "transfer",
            MessageStyle::Append => "append",
            MessageStyle::Snapshot => "snapshot",
            MessageStyle::Read => "read",
            MessageStyle::Client => "client",
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
    /// Its colour.
    pub style: MessageStyle,
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

/// The style of each kind of message, from its type alone.
fn style_of(kind: PacketKind) -> MessageStyle {
    use raft::MessageKind as K;
    match kind {
        PacketKind::Raft(K::RequestVote | K::RequestVoteReply) => MessageStyle::Vote,
        PacketKind::Raft(K::PreVote | K::PreVoteReply) => MessageStyle::PreVote,
        PacketKind::Raft(K::TimeoutNow) => MessageStyle::Transfer,
        PacketKind::Raft(K::InstallSnapshot | K::InstallSnapshotReply) => MessageStyle::Snapshot,
        PacketKind::Raft(K::ReadIndex | K::ReadIndexReply) => MessageStyle::Read,
        PacketKind::Raft(K::AppendEntries | K::AppendEntriesReply) => MessageStyle::Append,
        PacketKind::ClientRequest | PacketKind::ClientReply => MessageStyle::Client,
    }
}

/// The unchanging part of a message's drawing.
pub fn message_info(m: &InFlight) -> MsgInfo {
    MsgInfo {
        id: m.id,
        kind: m.packet.kind().name(),
        style: style_of(m.packet.kind()),
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

/// Where a message is at display time `now`, moving as `motion` says.
pub fn message_point(m: &InFlight, servers: usize, now: f64, motion: Motion) -> Point {
    let (from, from_r) = endpoint_spot(m.from, servers);
    let (to, to_r) = endpoint_spot(m.to, servers);
    let progress = geometry::flight_progress(now, m.sent_at as f64, m.deliver_at as f64);
    geometry::message_position(from, from_r, to, to_r, motion.place(progress))
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

    /// The messages in flight at display time `now`, in order of arrival,
    /// placed as `motion` says.
    pub fn views(&self, sim: &Sim, now: f64, motion: Motion) -> Vec<MsgView> {
        let servers = sim.ids().count();
        sim.network()
            .in_flight()
            .map(|m| MsgView {
                info: self.infos.get(&m.id).cloned().unwrap_or_else(|| Rc::new(message_info(m))),
                at: message_point(m, servers, now, motion),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};

    #[test]
    fn messages_fly_from_sender_to_receiver() {
        let mut sim = cluster(5, 5);
        elect(&mut sim);
        let mut cache = MessageCache::default();
        cache.refresh(&sim);
        let m = sim.network().in_flight().next().expect("a leader sends heartbeats").clone();
        let start = message_point(&m, 5, m.sent_at as f64, Motion::Glide);
        let end = message_point(&m, 5, m.deliver_at as f64, Motion::Glide);
        let (from, _) = endpoint_spot(m.from, 5);
        let (to, _) = endpoint_spot(m.to, 5);
        let d = |a: Point, b: Point| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        assert!(d(start, from) < d(start, to));
        assert!(d(end, to) < d(end, from));
        let views = cache.views(&sim, m.sent_at as f64, Motion::Glide);
        assert!(views.iter().any(|v| v.info.id == m.id && v.info.kind == m.packet.kind().name()));
    }

    #[test]
    fn with_reduced_motion_a_message_is_at_its_sender_or_at_its_receiver() {
        let mut sim = cluster(5, 5);
        elect(&mut sim);
        let m = sim.network().in_flight().next().expect("a leader sends heartbeats").clone();
        let (sent, arrives) = (m.sent_at as f64, m.deliver_at as f64);
        let at = |t: f64, motion| message_point(&m, 5, t, motion);
        let early = sent + (arrives - sent) * 0.3;
        let late = sent + (arrives - sent) * 0.8;
        assert_eq!(at(early, Motion::Jump), at(sent, Motion::Glide), "still at the sender");
        assert_eq!(at(late, Motion::Jump), at(arrives, Motion::Glide), "already at the receiver");
        assert_ne!(at(early, Motion::Glide), at(sent, Motion::Glide), "gliding, it moved");
    }
}
