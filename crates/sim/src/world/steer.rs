//! Steering the world by hand: the scheduled events a person can choose
//! from, and the actions on single messages (drop, duplicate, deliver now)
//! and on single events (fire this one next).

use super::{Input, Sim};
use crate::cause::Cause;
use crate::network::InFlight;
use crate::pending::{Happening, PendingEvent, PendingId};
use crate::trace::TraceEvent;
use raft::{NodeId, Role};

impl Sim {
    /// Every scheduled event, earliest first, ties in the order
    /// [`Sim::step`] takes them (deliveries, then timers by server, then
    /// client retries).
    pub fn pending(&self) -> Vec<PendingEvent> {
        let deliveries = self.network.in_flight().map(|m| PendingEvent {
            at: m.deliver_at,
            what: Happening::Deliver {
                id: m.id,
                kind: m.packet.kind(),
                from: m.from,
                to: m.to,
                doomed: m.dropped.is_some(),
            },
        });
        let timers = self.ids().filter_map(|id| {
            let s = self.server(id)?;
            let what = if s.raft.role() == Role::Leader {
                Happening::HeartbeatTimer(id)
            } else {
                Happening::ElectionTimeout(id)
            };
            Some(PendingEvent { at: s.raft.next_deadline(), what })
        });
        let retries = self.clients.iter().filter_map(|(&id, c)| {
            let at = c.pending.as_ref()?.retry_at;
            Some(PendingEvent { at, what: Happening::ClientRetry(id) })
        });
        let mut all: Vec<PendingEvent> = deliveries.chain(timers).chain(retries).collect();
        // Stable: within a time, the order of the chain above.
        all.sort_by_key(|p| p.at);
        all
    }

    /// Why a server's timer firing now sends what it sends.
    pub(super) fn timer_cause(&self, id: NodeId) -> Cause {
        match self.server(id).map(|s| s.raft.role()) {
            Some(Role::Leader) => Cause::HeartbeatTimer(id),
            _ => Cause::ElectionTimeout(id),
        }
    }

    // ----- checks -----

    /// The message `id`, if it is on the wire and will arrive.
    pub(super) fn deliverable(&self, id: u64) -> Result<&InFlight, String> {
        let Some(m) = self.network.get(id) else {
            let sent = self.network.sent();
            return Err(if id == 0 || id > sent {
                format!("there is no message {id}: messages so far are numbered 1 to {sent}")
            } else {
                format!("message {id} has already arrived or been dropped")
            });
        };
        match m.dropped {
            Some(reason) => Err(format!("message {id} will not arrive: {reason}")),
            None => Ok(m),
        }
    }

    /// Is `p` scheduled now?
    pub(super) fn scheduled(&self, p: PendingId) -> Result<(), String> {
        if let PendingId::Delivery(id) = p {
            return self.network.get(id).map(|_| ()).ok_or_else(|| {
                format!("message {id} is not on its way: it has arrived or been dropped")
            });
        }
        if self.pending().iter().any(|e| e.id() == p) {
            Ok(())
        } else {
            Err(format!("{p} is not scheduled: the server is down or the client waits on nothing"))
        }
    }

    // ----- effects (checked before) -----

    /// Take message `id` off the wire: it never arrives.
    pub(super) fn drop_message(&mut self, id: u64) {
        if let Some(m) = self.network.take(id) {
            let kind = m.packet.kind();
            let reason = crate::network::DropReason::ByHand;
            self.trace.push(self.now, TraceEvent::Dropped { id, kind, reason });
        }
    }

    /// A second copy of message `id`, arriving right after it.
    pub(super) fn duplicate_message(&mut self, id: u64) {
        let Some(copy) = self.network.duplicate(id) else { return };
        let Some(m) = self.network.get(copy) else { return };
        let (from, to, kind) = (m.from, m.to, m.packet.kind());
        self.trace.push(self.now, TraceEvent::Sent { id: copy, from, to, kind });
    }

    /// Deliver message `id` now.
    pub(super) fn deliver_now(&mut self, id: u64) {
        if let Some(m) = self.network.take(id) {
            self.deliver(m);
        }
    }

    /// Make scheduled event `p` happen: the clock moves to the earliest
    /// scheduled time (nothing happens before it), then `p` happens, ahead
    /// of anything else due.
    pub(super) fn fire(&mut self, p: PendingId) {
        if let Some(t) = self.next_event_time() {
            self.now = self.now.max(t);
        }
        match p {
            PendingId::Delivery(id) => self.deliver_now(id),
            PendingId::Timer(id) => {
                self.input = Input::Other(self.timer_cause(id));
                self.with_server(id, |s, now| {
                    if s.raft.next_deadline() <= now {
                        s.raft.tick(now);
                    } else if s.raft.role() == Role::Leader {
                        s.raft.heartbeat_now(now);
                    } else {
                        s.raft.time_out(now);
                    }
                });
            }
            PendingId::ClientRetry(c) => self.client_retry(c),
        }
    }
}
