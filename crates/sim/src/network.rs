//! The network: every message in flight, with its send and delivery times,
//! and the faults that lose it — random loss, cut links, a crashed receiver.
//!
//! A lost message still "flies" until its delivery time, so the page can
//! show it fading out instead of silently vanishing.

use crate::cause::Cause;
use crate::kv::{ClientId, KvCommand, KvOp, KvOutput};
use raft::{Family, Message, MessageKind, NodeId, SortedSet, Time};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// One end of a message: a server or a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Endpoint {
    /// A Raft server.
    Server(NodeId),
    /// A client of the key-value service.
    Client(ClientId),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Server(s) => write!(f, "{s}"),
            Endpoint::Client(c) => write!(f, "{c}"),
        }
    }
}

/// A client's request to a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    /// The client's sequence number for this operation.
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
}

/// A server's answer to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientReply {
    /// The operation was committed and applied; here is its result.
    Done {
        /// The request's sequence number.
        seq: u64,
        /// The result.
        output: KvOutput,
    },
    /// This server is not the leader; try the one named (seeds 000 and 003:
    /// followers redirect clients to the leader).
    Redirect {
        /// The request's sequence number.
        seq: u64,
        /// The leader this server knows of, if any.
        leader: Option<NodeId>,
    },
}

/// What a message carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Packet {
    /// A Raft RPC between servers.
    Raft(Message<KvCommand>),
    /// A client's request.
    Request(ClientRequest),
    /// A server's answer to a client.
    Reply(ClientReply),
}

impl Packet {
    /// The message's type.
    pub fn kind(&self) -> PacketKind {
        match self {
            Packet::Raft(m) => PacketKind::Raft(m.kind()),
            Packet::Request(_) => PacketKind::ClientRequest,
            Packet::Reply(_) => PacketKind::ClientReply,
        }
    }

    /// Is this an answer to another message?
    pub fn is_reply(&self) -> bool {
        self.kind().is_reply()
    }
}

/// The type of a message on the simulated network: a Raft RPC between
/// servers, or a client's request or its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PacketKind {
    /// A Raft RPC.
    Raft(MessageKind),
    /// A client's request to a server.
    ClientRequest,
    /// A server's answer to a client.
    ClientReply,
}

impl PacketKind {
    /// The type's name, as the page's `data-kind` shows it.
    pub fn name(self) -> &'static str {
        match self {
            PacketKind::Raft(k) => k.name(),
            PacketKind::ClientRequest => "ClientRequest",
            PacketKind::ClientReply => "ClientReply",
        }
    }

    /// The part of Raft the message serves.
    pub fn family(self) -> Family {
        match self {
            PacketKind::Raft(k) => k.family(),
            PacketKind::ClientRequest | PacketKind::ClientReply => Family::Client,
        }
    }

    /// Is it an answer to another message?
    pub fn is_reply(self) -> bool {
        match self {
            PacketKind::Raft(k) => k.is_reply(),
            PacketKind::ClientRequest => false,
            PacketKind::ClientReply => true,
        }
    }
}

impl fmt::Display for PacketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropReason {
    /// Random loss.
    Lost,
    /// The link between sender and receiver is cut.
    LinkCut,
    /// The receiver was down when it arrived, or crashed while it flew.
    ReceiverDown,
    /// A person dropped it ([`Action::DropMessage`](crate::Action::DropMessage)).
    ByHand,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::Lost => "lost by the network",
            DropReason::LinkCut => "the link is cut",
            DropReason::ReceiverDown => "the receiver is down",
            DropReason::ByHand => "dropped by hand",
        })
    }
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    /// Unique, increasing id (the page's `data-msg`).
    pub id: u64,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Contents.
    pub packet: Packet,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives (or would have).
    pub deliver_at: Time,
    /// Set if it will not be delivered.
    pub dropped: Option<DropReason>,
    /// Why it was sent.
    pub cause: Cause,
}

/// All messages in flight, ordered by delivery time, and the cut links.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// (delivery time, id, the message's slot in `slots`), ascending: the
    /// delivery order. A message stays in its slot while it flies, so the
    /// order moves small keys, not whole messages. A sorted queue, not a
    /// B-tree: a handful of messages fly at a time, a new one nearly always
    /// goes near the back (it arrives after most of those already flying)
    /// and the next one leaves from the front, both far cheaper than a
    /// B-tree's insert and removal.
    order: VecDeque<(Time, u64, usize)>,
    slots: Vec<Option<InFlight>>,
    /// Slots emptied by deliveries, for the next messages sent.
    free: Vec<usize>,
    next_id: u64,
    /// One-way cuts: (from, to) pairs that carry nothing.
    cut: SortedSet<(Endpoint, Endpoint)>,
}

impl Network {
    /// Put a message on the wire. Its fate (random loss, cut link) is
    /// decided now; a cut link is checked again on arrival.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        packet: Packet,
        sent_at: Time,
        latency: Time,
        lost: bool,
        cause: Cause,
    ) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        let dropped = if self.is_cut(from, to) {
            Some(DropReason::LinkCut)
        } else if lost {
            Some(DropReason::Lost)
        } else {
            None
        };
        let deliver_at = sent_at + latency.max(1);
        self.put(InFlight { id, from, to, packet, sent_at, deliver_at, dropped, cause });
        id
    }

    /// Put `m` in a free slot and into the delivery order.
    fn put(&mut self, m: InFlight) {
        let key = (m.deliver_at, m.id);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(m);
                slot
            }
            None => {
                self.slots.push(Some(m));
                self.slots.len() - 1
            }
        };
        let at = self.order.partition_point(|&(t, id, _)| (t, id) < key);
        self.order.insert(at, (key.0, key.1, slot));
    }

    /// Take the message in `slot` off the wire, freeing the slot.
    fn vacate(&mut self, slot: usize) -> InFlight {
        self.free.push(slot);
        self.slots[slot].take().expect("the delivery order names occupied slots only")
    }

    /// A message still on the wire, by id.
    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.in_flight().find(|m| m.id == id)
    }

    /// How many messages were ever sent: ids run from 1 to this.
    pub fn sent(&self) -> u64 {
        self.next_id
    }

    /// Take a message off the wire ahead of its time (a person dropped it or
    /// delivers it now). Like [`Network::pop_next`], a link cut while it
    /// flew drops it.
    pub fn take(&mut self, id: u64) -> Option<InFlight> {
        let key = self.get(id).map(|m| (m.deliver_at, m.id))?;
        let at = self.order.binary_search_by(|&(t, id, _)| (t, id).cmp(&key)).ok()?;
        let (_, _, slot) = self.order.remove(at)?;
        let mut m = self.vacate(slot);
        self.check_arrival(&mut m);
        Some(m)
    }

    /// Put a second copy of message `id` on the wire, arriving when the
    /// original does (right after it); returns the copy's id.
    pub fn duplicate(&mut self, id: u64) -> Option<u64> {
        let original = self.get(id)?.clone();
        self.next_id += 1;
        self.put(InFlight { id: self.next_id, cause: Cause::Duplicate(id), ..original });
        Some(self.next_id)
    }

    /// When the next message arrives.
    pub fn next_delivery(&self) -> Option<Time> {
        self.order.front().map(|&(t, _, _)| t)
    }

    /// Take the next message off the wire. A link cut while it flew drops it.
    pub fn pop_next(&mut self) -> Option<InFlight> {
        let (_, _, slot) = self.order.pop_front()?;
        let mut m = self.vacate(slot);
        self.check_arrival(&mut m);
        Some(m)
    }

    /// A message arriving over a link cut while it flew is dropped.
    fn check_arrival(&self, m: &mut InFlight) {
        if m.dropped.is_none() && self.is_cut(m.from, m.to) {
            m.dropped = Some(DropReason::LinkCut);
        }
    }

    /// Messages in flight, by delivery time.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.order.iter().filter_map(|&(_, _, slot)| self.slots[slot].as_ref())
    }

    /// A server crashed: everything flying to it is lost with its inbox.
    pub fn drop_inbox(&mut self, server: NodeId) {
        for m in self.slots.iter_mut().flatten() {
            if m.to == Endpoint::Server(server) && m.dropped.is_none() {
                m.dropped = Some(DropReason::ReceiverDown);
            }
        }
    }

    /// Cut or heal the one-way link from `from` to `to`.
    pub fn set_cut(&mut self, from: Endpoint, to: Endpoint, cut: bool) {
        if cut {
            self.cut.insert((from, to));
        } else {
            self.cut.remove(&(from, to));
        }
    }

    /// Is the link from `from` to `to` cut?
    pub fn is_cut(&self, from: Endpoint, to: Endpoint) -> bool {
        self.cut.contains(&(from, to))
    }

    /// Heal every link.
    pub fn heal_all(&mut self) {
        self.cut.clear();
    }

    /// Every cut link.
    pub fn cut_links(&self) -> impl Iterator<Item = &(Endpoint, Endpoint)> {
        self.cut.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(seq: u64) -> Packet {
        Packet::Reply(ClientReply::Redirect { seq, leader: None })
    }

    /// Send a reply from S1 to C1 arriving after `latency` ms; its id.
    fn send(net: &mut Network, now: Time, latency: Time) -> u64 {
        let (s1, c1) = (Endpoint::Server(NodeId(1)), Endpoint::Client(ClientId(1)));
        net.send(s1, c1, reply(now), now, latency, false, Cause::Action)
    }

    fn ids(net: &Network) -> Vec<u64> {
        net.in_flight().map(|m| m.id).collect()
    }

    #[test]
    fn messages_arrive_by_delivery_time_then_id_whatever_slots_they_reuse() {
        let mut net = Network::default();
        let (a, b, c) = (send(&mut net, 0, 30), send(&mut net, 0, 10), send(&mut net, 0, 30));
        assert_eq!(ids(&net), vec![b, a, c]);
        assert_eq!(net.pop_next().map(|m| (m.id, m.deliver_at)), Some((b, 10)));
        // The freed slot goes to the next message sent; the order holds.
        let d = send(&mut net, 10, 5);
        let e = net.duplicate(a).expect("a is in flight");
        assert_eq!(ids(&net), vec![d, a, c, e]);
        assert_eq!(net.take(c).map(|m| m.id), Some(c));
        assert_eq!(net.get(c), None);
        assert_eq!(net.next_delivery(), Some(15));
        let order: Vec<u64> = std::iter::from_fn(|| net.pop_next().map(|m| m.id)).collect();
        assert_eq!(order, vec![d, a, e]);
        assert_eq!((net.next_delivery(), net.sent()), (None, 5));
    }

    #[test]
    fn a_crash_drops_only_what_flies_to_the_crashed_server() {
        let mut net = Network::default();
        let to_client = send(&mut net, 0, 10);
        let (s1, s2) = (Endpoint::Server(NodeId(1)), Endpoint::Server(NodeId(2)));
        let to_s2 = net.send(s1, s2, reply(0), 0, 20, false, Cause::Action);
        net.drop_inbox(NodeId(2));
        let fates: Vec<_> = net.in_flight().map(|m| (m.id, m.dropped)).collect();
        assert_eq!(fates, vec![(to_client, None), (to_s2, Some(DropReason::ReceiverDown))]);
    }
}
