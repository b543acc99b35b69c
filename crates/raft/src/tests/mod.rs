//! Scenario tests for the rules of §5, named after the rule they check, plus
//! the walkthroughs of the seeds (../shared/seeds/002 and 003).
//!
//! [`Cluster`] is a hand-driven network: messages wait in a queue until a
//! test delivers them, so every interleaving in a test is chosen on purpose.

use crate::event::{AppendRejectReason, Event, VoteRejectReason};
use crate::log::{Entry, Payload};
use crate::message::{Envelope, Message};
use crate::node::{ProposeError, RaftNode};
use crate::storage::PersistentState;
use crate::types::{LogIndex, NodeId, Role, Term, Time};
use crate::Config;

type Cmd = &'static str;

struct Cluster {
    tweak: fn(&mut Config),
    /// Servers S1..=bootstrap start as the voters; later ones join empty.
    bootstrap: u8,
    nodes: Vec<Option<RaftNode<Cmd>>>,
    disks: Vec<PersistentState<Cmd>>,
    applied: Vec<Vec<Entry<Cmd>>>,
    events: Vec<Vec<Event>>,
    /// Every event of every server, in the order they happened.
    timeline: Vec<(u8, Event)>,
    queue: Vec<Envelope<Cmd>>,
    now: Time,
}

fn s(i: u8) -> NodeId {
    NodeId(i)
}

impl Cluster {
    fn new(n: u8) -> Self {
        Self::with(n, false)
    }

    fn with(n: u8, fast_backtrack: bool) -> Self {
        Self::tweaked(n, if fast_backtrack { |c| c.fast_backtrack = true } else { |_| {} })
    }

    /// A cluster whose every server's config passes through `tweak`.
    fn tweaked(n: u8, tweak: fn(&mut Config)) -> Self {
        let mut c = Cluster {
            tweak,
            bootstrap: n,
            nodes: Vec::new(),
            disks: vec![PersistentState::default(); n as usize],
            applied: vec![Vec::new(); n as usize],
            events: vec![Vec::new(); n as usize],
            timeline: Vec::new(),
            queue: Vec::new(),
            now: 0,
        };
        for i in 1..=n {
            let node = RaftNode::new(c.config(i), u64::from(i), 0).unwrap();
            c.nodes.push(Some(node));
        }
        c
    }

    fn config(&self, i: u8) -> Config {
        let voters =
            if i <= self.bootstrap { (1..=self.bootstrap).map(s).collect() } else { vec![] };
        let mut cfg = Config::new(s(i), voters);
        (self.tweak)(&mut cfg);
        cfg
    }

    fn node(&self, i: u8) -> &RaftNode<Cmd> {
        self.nodes[i as usize - 1].as_ref().expect("server is up")
    }

    fn with_node(&mut self, i: u8, f: impl FnOnce(&mut RaftNode<Cmd>, Time)) {
        let now = self.now;
        let node = self.nodes[i as usize - 1].as_mut().expect("server is up");
        f(node, now);
        self.drain(i);
    }

    /// Persist, queue messages, record applied entries and events — checking
    /// on the way that the disk always equals the node's persistent state.
    fn drain(&mut self, i: u8) {
        let k = i as usize - 1;
        let node = self.nodes[k].as_mut().unwrap();
        let ready = node.take_ready();
        self.disks[k].apply(&ready);
        assert_eq!(self.disks[k], node.persistent_state(), "disk out of step with {}", node.id());
        self.queue.extend(ready.messages);
        self.applied[k].extend(ready.committed);
        self.timeline.extend(ready.events.iter().map(|e| (i, e.clone())));
        self.events[k].extend(ready.events);
    }

    /// `i`'s election timeout fires. A timeout means time passed: the
    /// clock moves on past the longest election timeout, so nobody is still
    /// within a leader's lease (§6).
    fn time_out(&mut self, i: u8) {
        self.now += 301;
        self.time_out_early(i);
    }

    /// `i` times out without the clock moving: as if it alone stopped
    /// hearing from the leader (it is cut off, or its timer is forced).
    fn time_out_early(&mut self, i: u8) {
        self.with_node(i, |n, now| n.time_out(now));
    }

    fn heartbeat(&mut self, i: u8) {
        self.now = self.node(i).next_deadline().max(self.now);
        self.with_node(i, |n, now| n.tick(now));
    }

    fn propose(&mut self, i: u8, cmd: Cmd) -> Result<LogIndex, ProposeError> {
        let mut out = None;
        self.with_node(i, |n, now| out = Some(n.propose(now, cmd)));
        out.unwrap()
    }

    /// Deliver queued messages (and the messages they cause) until the queue
    /// is empty, dropping those `keep` refuses. Returns how many were
    /// delivered.
    fn deliver_if(&mut self, mut keep: impl FnMut(&Envelope<Cmd>) -> bool) -> usize {
        let mut delivered = 0;
        while !self.queue.is_empty() {
            let batch = std::mem::take(&mut self.queue);
            for env in batch {
                let to = env.to.0;
                if !keep(&env) || self.nodes[to as usize - 1].is_none() {
                    continue;
                }
                delivered += 1;
                self.with_node(to, |n, now| n.step(now, env.from, env.msg));
            }
        }
        delivered
    }

    fn deliver_all(&mut self) -> usize {
        self.deliver_if(|_| true)
    }

    /// Deliver only among the servers in `group`.
    fn deliver_within(&mut self, group: &[u8]) -> usize {
        self.deliver_if(|e| group.contains(&e.from.0) && group.contains(&e.to.0))
    }

    fn crash(&mut self, i: u8) {
        self.nodes[i as usize - 1] = None;
        self.queue.retain(|e| e.to != s(i));
    }

    fn restart(&mut self, i: u8) {
        let k = i as usize - 1;
        let node =
            RaftNode::restart(self.config(i), self.disks[k].clone(), 100 + u64::from(i), self.now)
                .unwrap();
        self.nodes[k] = Some(node);
        self.applied[k].clear();
    }

    /// Deliver queued messages that `pred` accepts, leaving the others
    /// queued, until none is accepted.
    fn deliver_holding(&mut self, mut pred: impl FnMut(&Envelope<Cmd>) -> bool) {
        loop {
            let (now, later): (Vec<_>, Vec<_>) =
                std::mem::take(&mut self.queue).into_iter().partition(|e| pred(e));
            self.queue = later;
            if now.is_empty() {
                return;
            }
            for env in now {
                if self.nodes[env.to.0 as usize - 1].is_some() {
                    let to = env.to.0;
                    self.with_node(to, |n, t| n.step(t, env.from, env.msg));
                }
            }
        }
    }

    fn elect(&mut self, i: u8) {
        let all: Vec<u8> = (1..=self.nodes.len() as u8).collect();
        self.elect_within(i, &all);
    }

    /// Elect `i` with messages flowing only inside `group`.
    fn elect_within(&mut self, i: u8, group: &[u8]) {
        let before = self.node(i).current_term();
        self.time_out(i);
        self.deliver_within(group);
        assert_eq!(self.node(i).role(), Role::Leader, "S{i} should have won");
        assert!(self.node(i).current_term() > before, "S{i} won a new term");
    }

    fn terms(&self, i: u8) -> Vec<Term> {
        self.node(i).log().entries().iter().map(|e| e.term).collect()
    }

    fn commands(&self, i: u8) -> Vec<Cmd> {
        self.node(i)
            .log()
            .entries()
            .iter()
            .filter_map(|e| match e.payload {
                Payload::Command(c) => Some(c),
                Payload::Noop | Payload::Config(_) => None,
            })
            .collect()
    }

    fn applied_commands(&self, i: u8) -> Vec<Cmd> {
        self.applied[i as usize - 1]
            .iter()
            .filter_map(|e| match e.payload {
                Payload::Command(c) => Some(c),
                Payload::Noop | Payload::Config(_) => None,
            })
            .collect()
    }

    fn saw(&self, i: u8, pred: impl Fn(&Event) -> bool) -> bool {
        self.events[i as usize - 1].iter().any(pred)
    }

    fn kinds_in_queue(&self) -> Vec<(u8, u8, &'static str)> {
        self.queue.iter().map(|e| (e.from.0, e.to.0, e.msg.kind())).collect()
    }
}

// ---------------------------------------------------------------- §5.2

#[test]
fn election_timeout_makes_follower_a_candidate_that_votes_for_itself_in_the_next_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let n = c.node(1);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 1);
    assert_eq!(n.voted_for(), Some(s(1)));
    assert_eq!(c.disks[0].hard_state.voted_for, Some(s(1)), "the self-vote is persisted");
    assert_eq!(
        c.kinds_in_queue(),
        vec![(1, 2, "RequestVote"), (1, 3, "RequestVote")],
        "RequestVote goes to every other server"
    );
}

#[test]
fn candidate_with_votes_from_a_majority_of_all_servers_becomes_leader() {
    let mut c = Cluster::new(5);
    c.time_out(1);
    // Two granted votes (S2, S3) plus its own make 3 of 5.
    c.deliver_if(|e| e.to.0 <= 3 || e.from.0 <= 3 && e.to.0 == 1 && e.from.0 != 4);
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(c.saw(1, |e| matches!(e, Event::BecameLeader { term: 1 })));
}

#[test]
fn votes_from_a_minority_do_not_elect_even_when_the_rest_are_down() {
    let mut c = Cluster::new(5);
    c.crash(3);
    c.crash(4);
    c.crash(5);
    c.time_out(1);
    c.deliver_all();
    // S1 and S2 are 2 of 5: not a majority of all servers (seed 003).
    assert_eq!(c.node(1).role(), Role::Candidate);
}

#[test]
fn a_server_grants_at_most_one_vote_per_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.time_out(2); // S2 is now a candidate in term 1 too, and voted for itself.
    let to_s3: Vec<_> = c.queue.iter().filter(|e| e.to == s(3)).cloned().collect();
    c.queue.clear();
    for env in to_s3 {
        c.with_node(3, |n, now| n.step(now, env.from, env.msg));
    }
    assert_eq!(c.node(3).voted_for(), Some(s(1)), "first come, first served");
    assert!(c.saw(3, |e| matches!(
        e,
        Event::VoteRejected { candidate, reason: VoteRejectReason::AlreadyVoted { voted_for }, .. }
            if *candidate == s(2) && *voted_for == s(1)
    )));
}

#[test]
fn vote_refused_to_a_candidate_whose_log_is_behind() {
    // §5.4.1: a higher last term wins; with equal last terms, the longer log.
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    // S3 has an empty log; S2 has [1, 1].
    c.time_out(3);
    c.deliver_all();
    assert_ne!(c.node(3).role(), Role::Leader);
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::LogBehind { .. }, .. }
    )));
}

#[test]
fn vote_refused_for_a_stale_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let old_request = c.queue.iter().find(|e| e.to == s(2)).cloned().unwrap();
    c.queue.clear();
    c.time_out(2);
    c.time_out(2); // S2 is now in term 2.
    c.queue.clear();
    c.with_node(2, |n, now| n.step(now, old_request.from, old_request.msg));
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::StaleTerm { current_term: 2 }, .. }
    )));
}

#[test]
fn any_message_with_a_higher_term_makes_a_leader_step_down() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    // S3 is cut off and times out twice: term 3.
    c.time_out_early(3);
    c.time_out_early(3);
    let vote_req = c.queue.iter().rev().find(|e| e.to == s(1)).cloned().unwrap();
    c.queue.clear();
    // §6: a leader disregards the RequestVote itself …
    c.with_node(1, |n, now| n.step(now, vote_req.from, vote_req.msg));
    assert_eq!(c.node(1).role(), Role::Leader);
    // … but S3's answer to its next heartbeat carries term 3 (§5.1).
    c.heartbeat(1);
    c.deliver_if(|e| e.to == s(3) || e.from == s(3));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).current_term(), 3);
    assert_eq!(c.node(1).voted_for(), None, "a new term clears votedFor");
}

#[test]
fn candidate_concedes_to_a_leader_of_its_own_term() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.time_out(2);
    // S1 wins with S3's vote; S2 hears S1's AppendEntries for term 1.
    c.deliver_if(|e| !(e.from == s(2) && e.to == s(3)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).role(), Role::Follower);
    assert_eq!(c.node(2).leader(), Some(s(1)));
}

#[test]
fn a_split_vote_is_retried_in_a_new_term() {
    let mut c = Cluster::new(4);
    // S1 and S2 split S3 and S4: 2 votes each, 3 needed.
    c.time_out(1);
    c.time_out(2);
    c.deliver_if(|e| !matches!((e.from.0, e.to.0), (1, 4) | (2, 3) | (1, 2) | (2, 1)));
    assert_eq!(c.node(1).role(), Role::Candidate);
    assert_eq!(c.node(2).role(), Role::Candidate);
    // The next timeout starts term 2, which can be won.
    c.elect(1);
    assert_eq!(c.node(1).current_term(), 2);
}

#[test]
fn the_election_timeout_is_redrawn_within_its_range_at_every_reset() {
    let mut c = Cluster::new(3);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        c.time_out(1);
        let t = c.node(1).election_timeout();
        assert!((150..=300).contains(&t));
        seen.insert(t);
    }
    assert!(seen.len() > 10, "timeouts vary: {seen:?}");
}

// ---------------------------------------------------------------- §5.3

#[test]
fn a_new_leader_appends_a_noop_and_sends_it_at_once() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    c.deliver_holding(|e| e.msg.kind() != "AppendEntries");
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).log().last_index(), 1);
    assert_eq!(c.node(1).log().get(1).unwrap().payload, Payload::Noop);
    assert_eq!(c.kinds_in_queue(), vec![(1, 2, "AppendEntries"), (1, 3, "AppendEntries")]);
}

#[test]
fn heartbeats_are_empty_append_entries_that_restart_follower_timers() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let before = c.node(2).election_deadline();
    c.heartbeat(1);
    let hb: Vec<_> = c
        .queue
        .iter()
        .map(|e| match &e.msg {
            Message::AppendEntries(a) => a.entries.len(),
            other => panic!("unexpected {}", other.kind()),
        })
        .collect();
    assert_eq!(hb, vec![0, 0]);
    c.deliver_all();
    assert!(c.node(2).election_deadline() > before);
}

#[test]
fn append_entries_rejected_when_the_log_has_no_matching_entry_at_prev_log_index() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.propose(1, "x=1").unwrap();
    c.propose(1, "x=2").unwrap();
    // S3 misses everything; a later append cannot attach to its empty log.
    c.deliver_if(|e| e.to != s(3));
    c.with_node(1, |n, now| {
        n.propose(now, "x=3").unwrap();
    });
    let to3: Vec<_> = c.queue.iter().filter(|e| e.to == s(3)).cloned().collect();
    c.queue.clear();
    for env in to3 {
        c.with_node(3, |n, now| n.step(now, env.from, env.msg));
    }
    assert!(c.saw(3, |e| matches!(
        e,
        Event::AppendRejected { reason: AppendRejectReason::NoEntryAt { .. }, .. }
    )));
    assert_eq!(c.node(3).log().last_index(), 1, "only the no-op: nothing appended on a mismatch");
}

#[test]
fn leader_walks_next_index_back_until_the_logs_match_then_fills_the_gap() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["a", "b", "c", "d"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    // S3 is behind by four entries; heartbeats and probes bring it level.
    for _ in 0..8 {
        c.heartbeat(1);
        c.deliver_all();
    }
    assert_eq!(c.terms(3), c.terms(1));
    assert_eq!(c.node(3).commit_index(), c.node(1).commit_index());
}

#[test]
fn follower_deletes_a_conflicting_suffix_and_appends_the_leaders_entries() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    // S1 (term 1) appends two entries only it holds, then is cut off.
    c.propose(1, "lost-1").unwrap();
    c.propose(1, "lost-2").unwrap();
    c.queue.clear();
    c.elect_within(2, &[2, 3]); // term 2, with S3's vote
    c.propose(2, "kept").unwrap();
    c.deliver_within(&[2, 3]);
    c.heartbeat(2);
    c.deliver_all();
    for _ in 0..4 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.commands(1), vec!["kept"]);
    assert!(c.saw(1, |e| matches!(e, Event::ConflictTruncated { removed: 2, .. })));
}

#[test]
fn a_delayed_duplicate_append_entries_never_shortens_the_log() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "a").unwrap();
    let first = c.queue.iter().find(|e| e.to == s(2)).cloned().unwrap();
    c.deliver_all();
    c.propose(1, "b").unwrap();
    c.deliver_all();
    let len = c.node(2).log().last_index();
    c.with_node(2, |n, now| n.step(now, first.from, first.msg));
    assert_eq!(c.node(2).log().last_index(), len);
}

#[test]
fn leader_commits_once_a_majority_stores_an_entry_of_its_term() {
    let mut c = Cluster::new(5);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "x=1").unwrap();
    // Only S2 acknowledges: 2 of 5 is not enough.
    c.deliver_if(|e| e.to == s(2) || e.from == s(2));
    assert_eq!(c.node(1).commit_index(), 1);
    c.queue.clear();
    c.heartbeat(1);
    c.deliver_if(|e| e.to.0 <= 3 || e.to == s(1) && e.from.0 <= 3);
    assert_eq!(c.node(1).commit_index(), 2, "S1, S2, S3 are 3 of 5");
    assert_eq!(c.applied_commands(1), vec!["x=1"]);
}

#[test]
fn leader_never_commits_an_earlier_term_entry_by_counting_replicas() {
    // §5.4.2 and Figure 8: an entry from an earlier term that is stored on a
    // majority is still not known to be committed; only entries of the
    // leader's current term are committed by counting replicas.
    let mut c = Cluster::new(5);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "fig8").unwrap(); // index 2, term 1, on S1 only
    c.queue.clear();
    c.crash(1);
    c.restart(1);
    c.time_out(1); // term 2: S1's log is the most up-to-date, so it wins
    c.deliver_holding(|e| e.msg.kind().starts_with("RequestVote"));
    assert_eq!(c.node(1).role(), Role::Leader);
    c.queue.clear();
    let leader_term = c.node(1).current_term();
    // S1's log: [1: noop t1, 2: fig8 t1, 3: noop t2]. S2 and S3 report that
    // their logs now match through index 2: "fig8" is on 3 of 5 servers.
    let ack = |from: u8, index: LogIndex| Envelope {
        from: s(from),
        to: s(1),
        msg: Message::AppendEntriesReply(crate::message::AppendEntriesReply {
            term: leader_term,
            success: true,
            index,
            conflict_hint: 0,
            round: 0,
        }),
    };
    c.queue.extend([ack(2, 2), ack(3, 2)]);
    c.deliver_holding(|e| e.to == s(1));
    assert_eq!(c.node(1).commit_index(), 0, "a majority holds index 2, but it is from term 1");
    // Once the leader's own term-2 entry is on a majority, it commits, and
    // "fig8" with it.
    c.queue.extend([ack(2, 3), ack(3, 3)]);
    c.deliver_holding(|e| e.to == s(1));
    assert_eq!(c.node(1).commit_index(), 3);
    assert_eq!(c.applied_commands(1), vec!["fig8"]);
}

#[test]
fn followers_learn_the_commit_index_from_append_entries_and_apply_in_order() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    assert!(c.node(2).commit_index() < c.node(1).commit_index());
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 4);
    assert_eq!(c.applied_commands(2), vec!["a", "b", "c"]);
    let idx: Vec<u64> = c.applied[1].iter().map(|e| e.index).collect();
    assert_eq!(idx, vec![1, 2, 3, 4], "applied exactly once, in index order");
}

#[test]
fn a_follower_refuses_proposals_and_names_the_leader() {
    let mut c = Cluster::new(3);
    c.elect(1);
    assert_eq!(c.propose(2, "x=1"), Err(ProposeError::NotLeader { leader_hint: Some(s(1)) }));
}

#[test]
fn a_single_server_cluster_elects_itself_and_commits_alone() {
    let mut c = Cluster::new(1);
    c.time_out(1);
    assert_eq!(c.node(1).role(), Role::Leader);
    c.propose(1, "solo").unwrap();
    assert_eq!(c.node(1).commit_index(), 2);
    assert_eq!(c.applied_commands(1), vec!["solo"]);
}

#[test]
fn fast_backtracking_skips_a_whole_term_per_round_trip() {
    fn round_trips(fast: bool) -> usize {
        let mut c = Cluster::with(3, fast);
        c.elect(1);
        c.deliver_all();
        // S1 piles up 10 entries of term 1 that nobody else gets.
        for _ in 0..10 {
            c.propose(1, "stale").unwrap();
        }
        c.queue.clear();
        // S2 leads term 2 with S3 and writes 10 entries S1 never sees, then
        // is re-elected in term 3, so its nextIndex for S1 starts at the end
        // of its long log.
        c.elect_within(2, &[2, 3]);
        for _ in 0..10 {
            c.propose(2, "fresh").unwrap();
        }
        c.deliver_within(&[2, 3]);
        c.crash(2);
        c.restart(2);
        c.elect_within(2, &[2, 3]);
        // S1 comes back: count its rejections until its log matches.
        let mut rejections = 0;
        for _ in 0..40 {
            c.heartbeat(2);
            c.deliver_if(|e| {
                if let Message::AppendEntriesReply(r) = &e.msg {
                    rejections += usize::from(!r.success && e.from == s(1));
                }
                true
            });
            if c.terms(1) == c.terms(2) {
                break;
            }
        }
        assert_eq!(c.terms(1), c.terms(2));
        rejections
    }
    let slow = round_trips(false);
    let fast = round_trips(true);
    assert!(slow >= 10, "one entry per round trip: {slow}");
    assert!(fast <= 2, "one term per round trip: {fast}");
}

/// The AppendEntries queued for `to`, as the number of entries each carries.
fn appends_to(c: &Cluster, to: u8) -> Vec<usize> {
    c.queue
        .iter()
        .filter(|e| e.to == s(to))
        .filter_map(|e| match &e.msg {
            Message::AppendEntries(a) => Some(a.entries.len()),
            _ => None,
        })
        .collect()
}

#[test]
fn flow_control_probes_one_append_at_a_time_then_pipelines_up_to_max_inflight() {
    // etcd-io/raft's progress states: a follower whose log position is
    // unknown is probed with one AppendEntries at a time; once one succeeds
    // the leader pipelines, at most max_inflight unacknowledged at once.
    let mut c = Cluster::tweaked(2, |cfg| {
        cfg.max_inflight = 2;
        cfg.max_entries_per_append = 1;
    });
    c.time_out(1);
    c.deliver_holding(|e| matches!(e.msg, Message::RequestVote(_) | Message::RequestVoteReply(_)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(appends_to(&c, 2), vec![1], "the no-op goes out as the one probe");
    for _ in 0..3 {
        c.propose(1, "x").unwrap();
    }
    assert_eq!(appends_to(&c, 2).len(), 1, "nothing more while the probe is unanswered");

    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 4, "the probe succeeded and the rest followed");
    for _ in 0..5 {
        c.propose(1, "y").unwrap();
    }
    assert_eq!(appends_to(&c, 2), vec![1, 1], "replicating: max_inflight of one entry each");
    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 9, "acknowledgements open the window again");
}

#[test]
fn several_entries_ride_in_one_append_entries_up_to_the_batch_limit() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.max_entries_per_append = 3);
    c.elect(1);
    c.deliver_all();
    // S2 misses 7 entries while S1 and S3 commit them.
    c.crash(2);
    for _ in 0..7 {
        c.propose(1, "z").unwrap();
    }
    c.deliver_all();
    c.restart(2);
    let mut batches = Vec::new();
    for _ in 0..20 {
        c.heartbeat(1);
        c.deliver_if(|e| {
            if let Message::AppendEntries(a) = &e.msg {
                if e.to == s(2) && !a.entries.is_empty() {
                    batches.push(a.entries.len());
                }
            }
            true
        });
        if c.node(2).log().last_index() == c.node(1).log().last_index() {
            break;
        }
    }
    assert_eq!(c.node(2).log().last_index(), c.node(1).log().last_index());
    assert!(batches.iter().all(|&n| n <= 3), "never more than the limit: {batches:?}");
    assert_eq!(batches.iter().max(), Some(&3), "several entries per message: {batches:?}");
    assert!(batches.iter().sum::<usize>() >= 7, "{batches:?}");
}

// ---------------------------------------------------------------- persistence

#[test]
fn a_restart_keeps_only_the_persistent_state() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "x=1").unwrap();
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    let (term, log) = (c.node(2).current_term(), c.terms(2));
    assert_eq!(c.node(2).commit_index(), 2);
    c.crash(2);
    c.restart(2);
    let n = c.node(2);
    assert_eq!((n.current_term(), c.terms(2)), (term, log), "term and log survive");
    assert_eq!(n.voted_for(), Some(s(1)), "votedFor survives");
    assert_eq!((n.commit_index(), n.last_applied()), (0, 0), "commitIndex does not");
    assert_eq!(n.role(), Role::Follower);
    // The next heartbeat teaches it the commit index again, and it re-applies.
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 2);
    assert_eq!(c.applied_commands(2), vec!["x=1"]);
}

#[test]
fn a_vote_is_on_disk_before_the_reply_leaves() {
    let mut c = Cluster::new(3);
    c.time_out(1);
    let req = c.queue.remove(0);
    let node = c.nodes[1].as_mut().unwrap();
    node.step(0, req.from, req.msg);
    let ready = node.take_ready();
    assert_eq!(ready.messages.len(), 1);
    assert_eq!(ready.hard_state.unwrap().voted_for, Some(s(1)));
}

// ---------------------------------------------------------------- seed 002

/// Seed 002 lists four situations a leader meets in a follower's log. Build
/// each one and check the leader repairs it to equal its own.
#[test]
fn seed_002_the_four_follower_log_cases_all_converge_on_the_leaders_log() {
    // Missing entries: S3 was down while S1 replicated.
    let mut missing = Cluster::new(3);
    missing.elect(1);
    missing.deliver_all();
    missing.crash(3);
    for cmd in ["x=1", "y=2"] {
        missing.propose(1, cmd).unwrap();
    }
    missing.deliver_all();
    missing.restart(3);
    // The same: S2 already holds everything.
    // Past inconsistent entries / future inconsistent entries: see below.
    for _ in 0..6 {
        missing.heartbeat(1);
        missing.deliver_all();
    }
    assert_eq!(missing.terms(3), missing.terms(1), "missing entries are filled in");
    assert_eq!(missing.terms(2), missing.terms(1), "an in-sync log stays the same");

    // Inconsistent entries: S1 (term 1) wrote entries only it holds, S2 leads
    // term 2 and writes others. When S1 returns, both its past (entries where
    // S2 has different ones) and future (entries beyond S2's log)
    // inconsistent entries must go.
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["p1", "p2", "p3", "p4"] {
        c.propose(1, cmd).unwrap();
    }
    c.queue.clear();
    c.elect_within(2, &[2, 3]);
    c.propose(2, "q1").unwrap();
    c.deliver_within(&[2, 3]);
    assert!(c.node(1).log().last_index() > c.node(2).log().last_index(), "S1 has future entries");
    for _ in 0..10 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.terms(1), c.terms(2));
    assert_eq!(c.commands(1), vec!["q1"]);
}

// ---------------------------------------------------------------- seed 003

/// Seed 003's walkthrough, step by step. Our leaders append a no-op when
/// elected (§8), so each term's entries sit one index later than the seed's
/// pictures; the story is the same.
#[test]
fn seed_003_walkthrough_put_crash_reelection_and_reconciliation() {
    let mut c = Cluster::new(3);
    // "S1 is the leader for term 1."
    c.elect(1);
    c.deliver_all();
    // "The client initiates the Put(x, 1) operation." S2 answers first.
    c.propose(1, "Put(x, 1)").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    assert_eq!(c.node(1).commit_index(), 2, "on 2 of 3 servers: committed");
    assert_eq!(c.applied_commands(1), vec!["Put(x, 1)"]);
    c.heartbeat(1);
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    assert_eq!(c.applied_commands(2), vec!["Put(x, 1)"], "S2 learns commitIndex");
    // "After a short network lag, S3 catches up."
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.applied_commands(3), vec!["Put(x, 1)"]);
    // "Put(y, 2) and Put(x, 3) ... once again, S3 remains unresponsive."
    c.propose(1, "Put(y, 2)").unwrap();
    c.propose(1, "Put(x, 3)").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3));
    c.queue.clear();
    // "The client requests Put(x, 4). S1 appends it ... but crashes."
    c.propose(1, "Put(x, 4)").unwrap();
    c.crash(1);
    c.queue.clear();
    // "S3 was the first to start a new election for term 2, but it cannot
    // become a leader": S2's log is more up-to-date.
    c.time_out(3);
    c.deliver_all();
    assert_eq!(c.node(3).current_term(), 2);
    assert_ne!(c.node(3).role(), Role::Leader);
    assert!(c.saw(2, |e| matches!(
        e,
        Event::VoteRejected { reason: VoteRejectReason::LogBehind { .. }, .. }
    )));
    // "This occurs for term 3": S2 wins, then the client's Put(x, 5).
    c.elect(2);
    assert_eq!(c.node(2).current_term(), 3);
    c.propose(2, "Put(x, 5)").unwrap();
    c.deliver_all();
    c.heartbeat(2);
    c.deliver_all();
    assert_eq!(c.commands(3), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"]);
    // "S1 comes back": only persistent state survived.
    c.restart(1);
    assert_eq!(c.node(1).commit_index(), 0);
    assert_eq!(c.commands(1), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 4)"]);
    // "After noticing S2's messages, S1 will update its term to 3 ... replace
    // its log entry ... only after the logs are reconciled, increase the
    // commitIndex ... then apply all those operations."
    for _ in 0..6 {
        c.heartbeat(2);
        c.deliver_all();
    }
    assert_eq!(c.node(1).current_term(), 3);
    assert_eq!(c.commands(1), vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"]);
    assert_eq!(c.node(1).commit_index(), c.node(2).commit_index());
    assert_eq!(
        c.applied_commands(1),
        vec!["Put(x, 1)", "Put(y, 2)", "Put(x, 3)", "Put(x, 5)"],
        "Put(x, 4) was never committed, so it was never applied"
    );
}

// ---------------------------------------------------------------- PreVote, CheckQuorum (thesis §9.6, §6.2)

/// Cut `i` off: it times out `times` times on its own, as in a partition.
fn isolate_and_time_out(c: &mut Cluster, i: u8, times: usize) {
    for _ in 0..times {
        c.time_out(i);
        c.queue.retain(|e| e.from != s(i));
    }
}

#[test]
fn without_prevote_a_partitioned_server_returns_with_a_huge_term_and_deposes_the_leader() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    isolate_and_time_out(&mut c, 3, 5);
    assert_eq!(c.node(3).current_term(), 6, "each timeout raised its term");
    // The partition heals; the leader's next heartbeat meets S3's huge term.
    c.heartbeat(1);
    c.deliver_all();
    assert_ne!(c.node(1).role(), Role::Leader, "the healthy leader was deposed");
    assert!(c.node(1).current_term() >= 6);
}

#[test]
fn with_prevote_a_partitioned_server_keeps_its_term_and_the_leader_stays() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    let term = c.node(1).current_term();
    isolate_and_time_out(&mut c, 3, 5);
    assert_eq!(c.node(3).role(), Role::PreCandidate);
    assert_eq!(c.node(3).current_term(), term, "pre-votes do not raise the term");
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).current_term(), term);
    assert_eq!(c.node(3).role(), Role::Follower, "S3 rejoined as a follower");
}

#[test]
fn prevote_is_refused_while_the_voter_hears_from_a_live_leader() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    c.time_out_early(3);
    c.deliver_all();
    assert!(c.saw(2, |e| matches!(
        e,
        Event::PreVoteAnswered { refused: Some(VoteRejectReason::LeaderIsAlive { leader }), .. } if *leader == s(1)
    )));
    assert!(c.saw(1, |e| matches!(
        e,
        Event::PreVoteAnswered { refused: Some(VoteRejectReason::VoterLeads), .. }
    )));
    assert_eq!(c.node(1).role(), Role::Leader);
}

#[test]
fn prevote_majority_leads_to_a_real_election_when_the_leader_is_gone() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.pre_vote = true);
    c.elect(1);
    c.deliver_all();
    c.crash(1);
    c.now += 400; // longer than any election timeout: nobody is in contact
    c.elect(2);
    assert!(c.saw(2, |e| matches!(e, Event::BecamePreCandidate { .. })));
    assert!(c.saw(3, |e| matches!(e, Event::PreVoteAnswered { refused: None, .. })));
}

#[test]
fn check_quorum_makes_a_leader_cut_off_from_the_majority_step_down() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    // S1 keeps only S2: two of five.
    for _ in 0..6 {
        c.heartbeat(1);
        c.deliver_if(|e| e.from.0 <= 2 && e.to.0 <= 2);
    }
    assert_eq!(c.node(1).role(), Role::Follower);
    assert!(c.saw(1, |e| matches!(e, Event::LostQuorum { active: 2, needed: 3 })));
}

#[test]
fn without_check_quorum_a_cut_off_leader_keeps_believing_it_leads() {
    let mut c = Cluster::new(5);
    c.elect(1);
    c.deliver_all();
    for _ in 0..6 {
        c.heartbeat(1);
        c.deliver_if(|e| e.from.0 <= 2 && e.to.0 <= 2);
    }
    assert_eq!(c.node(1).role(), Role::Leader);
}

#[test]
fn followers_ignore_request_vote_while_their_leader_is_alive() {
    // §6: "servers disregard RequestVote RPCs when they believe a current
    // leader exists", so a server cut off from the leader cannot disrupt.
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let term = c.node(2).current_term();
    c.time_out_early(3);
    c.deliver_if(|e| e.to == s(2));
    assert!(c.saw(2, |e| matches!(e, Event::VoteIgnoredLeaderAlive { .. })));
    assert_eq!(c.node(2).current_term(), term, "the disruptive term was not adopted");
}

// ---------------------------------------------------------------- leadership transfer (thesis §3.10)

#[test]
fn leadership_transfer_brings_the_target_up_to_date_then_it_wins() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "a").unwrap();
    c.deliver_if(|e| e.to != s(3) && e.from != s(3)); // S3 is behind
    let mut result = None;
    c.with_node(1, |n, now| result = Some(n.transfer_leadership(now, s(3))));
    assert_eq!(result, Some(Ok(())));
    assert_eq!(c.propose(1, "b"), Err(ProposeError::TransferInProgress { target: s(3) }));
    for _ in 0..4 {
        c.heartbeat(1);
        c.deliver_all();
        if c.node(3).role() == Role::Leader {
            break;
        }
    }
    assert_eq!(c.node(3).role(), Role::Leader, "even though S2 heard from S1 a moment ago");
    assert!(c.saw(1, |e| matches!(e, Event::TimeoutNowSent { target } if *target == s(3))));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.commands(3), vec!["a"]);
}

#[test]
fn leadership_transfer_is_abandoned_after_an_election_timeout() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    c.crash(3);
    c.with_node(1, |n, now| n.transfer_leadership(now, s(3)).unwrap());
    for _ in 0..10 {
        c.heartbeat(1);
        c.deliver_all();
    }
    assert!(c.saw(1, |e| matches!(e, Event::TransferAborted { .. })));
    assert!(c.propose(1, "after").is_ok(), "commands are accepted again");
}

#[test]
fn leadership_cannot_be_handed_to_itself_or_a_stranger() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let mut results = Vec::new();
    c.with_node(1, |n, now| {
        results.push(n.transfer_leadership(now, s(1)));
        results.push(n.transfer_leadership(now, s(9)));
    });
    assert!(results.iter().all(|r| matches!(r, Err(ProposeError::InvalidTransferTarget { .. }))));
}

// ---------------------------------------------------------------- reads (thesis §6.4)

impl Cluster {
    fn read(&mut self, i: u8, ctx: u64) -> Result<(), ProposeError> {
        let mut out = None;
        self.with_node(i, |n, now| out = Some(n.read_index(now, ctx)));
        out.unwrap()
    }

    /// Read states handed out by server `i` so far, as (ctx, index).
    fn reads_ready(&self, i: u8) -> Vec<(u64, LogIndex)> {
        self.events[i as usize - 1]
            .iter()
            .filter_map(|e| match e {
                Event::ReadReady { ctx, index, .. } => Some((*ctx, *index)),
                _ => None,
            })
            .collect()
    }
}

fn settled(tweak: fn(&mut Config)) -> Cluster {
    let mut c = Cluster::tweaked(3, tweak);
    c.elect(1);
    c.deliver_all();
    c.propose(1, "x=1").unwrap();
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    c
}

#[test]
fn read_index_waits_for_a_heartbeat_round_acknowledged_by_a_majority() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.read(1, 7).unwrap();
    assert!(c.reads_ready(1).is_empty(), "not before a majority confirms leadership");
    assert_eq!(c.kinds_in_queue(), vec![(1, 2, "AppendEntries"), (1, 3, "AppendEntries")]);
    c.deliver_all();
    assert_eq!(c.reads_ready(1), vec![(7, 2)], "read index = commitIndex when the read arrived");
}

#[test]
fn a_stale_leader_in_a_minority_never_answers_a_read_index_read() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.elect(1);
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    // S1 and S2 are cut off; S3 wins term 2 among S3, S4, S5.
    c.elect_within(3, &[3, 4, 5]);
    c.read(1, 1).unwrap();
    for _ in 0..5 {
        c.heartbeat(1);
        c.deliver_within(&[1, 2]);
    }
    assert_eq!(c.node(1).role(), Role::Leader, "it still believes it leads");
    assert!(c.reads_ready(1).is_empty(), "but it never answers");
}

#[test]
fn a_leader_left_out_of_a_one_voter_configuration_does_not_read_alone() {
    // S1 moves the cluster to C_new = {S2} and keeps leading until C_new
    // commits (§6). That configuration has one voter, but it is not S1:
    // S1 must not answer reads as if it alone were the cluster. (The
    // swarm's soak caught a stale read this way.)
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.change(1, MembershipChange::ChangeVoters([s(2)].into_iter().collect())).unwrap();
    // C_old,new commits with S2 and S3; S1 appends C_new, which S2 never gets.
    c.deliver_if(|e| !(e.to == s(2) && c_new_in(e)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert!(!c.node(1).membership().is_joint(), "S1 uses C_new");
    assert!(!c.node(1).membership().is_voter(s(1)));
    c.read(1, 9).unwrap();
    assert!(c.reads_ready(1).is_empty(), "S1 is not a quorum of {{S2}}");
}

/// Does the message carry a configuration that is not joint (a C_new)?
fn c_new_in(e: &Envelope<Cmd>) -> bool {
    match &e.msg {
        Message::AppendEntries(a) => {
            a.entries.iter().any(|en| matches!(&en.payload, Payload::Config(m) if !m.is_joint()))
        }
        _ => false,
    }
}

#[test]
fn a_removed_server_that_forwards_a_read_is_refused_not_left_waiting() {
    // S3 was removed but never heard of it, so it still forwards reads to
    // S1. S1 sends it no entries, so a read index would never be applied
    // there: S1 refuses, and S3 can send its client to the leader.
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.change(1, MembershipChange::RemoveServer(s(3))).unwrap();
    c.deliver_if(|e| e.to != s(3));
    assert!(!c.node(1).membership().members().contains(&s(3)));
    c.read(3, 5).unwrap();
    c.deliver_all();
    assert!(c.reads_ready(3).is_empty(), "no read index for a server outside the configuration");
    assert!(c.events[2].iter().any(|e| matches!(e, Event::ReadRefused { ctx: 5 })));
    // A member's forwarded read is still served.
    c.read(2, 6).unwrap();
    c.deliver_all();
    assert_eq!(c.reads_ready(2).len(), 1);
}

#[test]
fn the_stale_reads_bug_switch_answers_without_confirmation() {
    let mut c = Cluster::tweaked(5, |cfg| cfg.bugs.stale_leader_serves_reads = true);
    c.elect(1);
    c.deliver_all();
    c.elect_within(3, &[3, 4, 5]);
    c.read(1, 1).unwrap();
    assert_eq!(c.reads_ready(1).len(), 1, "the deposed leader answered at once");
}

#[test]
fn a_new_leader_holds_reads_until_it_commits_an_entry_of_its_term() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.time_out(1);
    c.deliver_holding(|e| e.msg.kind().starts_with("RequestVote"));
    assert_eq!(c.node(1).role(), Role::Leader);
    c.read(1, 3).unwrap();
    c.deliver_all(); // the no-op commits, then the read's heartbeat round
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.reads_ready(1), vec![(3, 1)]);
}

#[test]
fn a_lease_answers_at_once_while_a_majority_recently_acknowledged() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::Lease);
    assert!(c.node(1).lease_until() > c.now);
    c.read(1, 9).unwrap();
    assert_eq!(c.reads_ready(1), vec![(9, 2)], "no round trip needed");
    // Once the lease runs out without acknowledgements, reads need a round.
    c.now = c.node(1).lease_until();
    c.read(1, 10).unwrap();
    assert_eq!(c.reads_ready(1).len(), 1);
}

#[test]
fn a_follower_forwards_a_read_and_serves_it_at_the_leaders_read_index() {
    let mut c = settled(|cfg| cfg.read_mode = crate::ReadMode::ReadIndex);
    c.read(2, 5).unwrap();
    assert_eq!(c.kinds_in_queue(), vec![(2, 1, "ReadIndex")]);
    c.deliver_all();
    assert_eq!(c.reads_ready(2), vec![(5, 2)]);
    assert!(c.node(2).last_applied() >= 2, "it can answer from its own state machine");
}

// ---------------------------------------------------------------- membership (§6, thesis ch. 4)

use crate::membership::MembershipChange;

impl Cluster {
    /// Start a new, empty server that knows no configuration yet.
    fn join(&mut self) -> u8 {
        let i = self.nodes.len() as u8 + 1;
        self.disks.push(PersistentState::default());
        self.applied.push(Vec::new());
        self.events.push(Vec::new());
        let node = RaftNode::new(self.config(i), u64::from(i), self.now).unwrap();
        self.nodes.push(Some(node));
        i
    }

    fn change(&mut self, leader: u8, change: MembershipChange) -> Result<LogIndex, ProposeError> {
        let mut out = None;
        self.with_node(leader, |n, now| out = Some(n.propose_membership(now, change)));
        out.unwrap()
    }

    fn settle(&mut self, leader: u8, rounds: usize) {
        for _ in 0..rounds {
            self.heartbeat(leader);
            self.deliver_all();
        }
    }
}

fn voters(ids: &[u8]) -> std::collections::BTreeSet<NodeId> {
    ids.iter().map(|&i| s(i)).collect()
}

#[test]
fn a_learner_receives_the_log_but_does_not_count_toward_commitment() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let l = c.join();
    c.change(1, MembershipChange::AddLearner(s(l))).unwrap();
    c.settle(1, 3);
    assert!(c.node(l).membership().is_learner(s(l)));
    // With S2 and S3 silent, S1 and the learner are not a majority.
    let before = c.node(1).commit_index();
    c.propose(1, "x").unwrap();
    c.deliver_if(|e| e.to == s(l) || e.from == s(l));
    assert_eq!(c.node(1).commit_index(), before);
    assert_eq!(c.commands(l), vec!["x"], "the learner has the entry all the same");
    // A learner never campaigns.
    c.time_out(l);
    assert_eq!(c.node(l).role(), Role::Follower);
}

#[test]
fn seed_002_scaling_out_a_new_server_catches_up_as_a_learner_then_becomes_a_voter() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.settle(1, 2);
    let new = c.join();
    c.change(1, MembershipChange::AddServer(s(new))).unwrap();
    c.settle(1, 6);
    let m = c.node(1).membership().clone();
    assert!(m.voters.contains(&s(new)), "promoted once caught up: {m}");
    assert_eq!(c.commands(new), vec!["a", "b", "c"]);
    assert!(c.saw(1, |e| matches!(
        e,
        Event::ConfigChangeProposed { change: MembershipChange::PromoteLearner(_), .. }
    )));
    // Four voters now: commitment needs three.
    let before = c.node(1).commit_index();
    c.propose(1, "d").unwrap();
    c.deliver_if(|e| e.to.0 <= 2 && e.from.0 <= 2);
    assert_eq!(c.node(1).commit_index(), before, "two of four is not a majority");
}

#[test]
fn a_server_uses_the_newest_configuration_in_its_log_even_uncommitted() {
    let mut c = Cluster::new(5);
    c.elect(1);
    c.deliver_all();
    let new = c.join();
    c.change(1, MembershipChange::AddLearner(s(new))).unwrap();
    // S2 gets the entry; nobody acknowledges back, so it is uncommitted.
    c.deliver_if(|e| e.to == s(2));
    assert!(c.node(2).membership().is_learner(s(new)));
    assert!(c.node(2).commit_index() < c.node(2).membership_index());
    // S2 then loses it to a leader that never had it (S3, elected by S3, S4
    // and S5), and goes back to the configuration before it.
    c.queue.clear();
    c.crash(1);
    c.elect_within(3, &[3, 4, 5]);
    c.settle(3, 3);
    assert!(!c.node(2).membership().is_learner(s(new)), "the truncated configuration is gone");
}

#[test]
fn joint_consensus_needs_majorities_of_both_configurations_then_moves_to_c_new() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let (a, b) = (c.join(), c.join());
    c.change(1, MembershipChange::ChangeVoters(voters(&[1, a, b]))).unwrap();
    assert!(c.node(1).membership().is_joint());
    // Only C_old's S2 and S3 acknowledge: C_new = {S1, S4, S5} has no majority.
    let joint_index = c.node(1).membership_index();
    c.deliver_if(|e| e.to.0 <= 3 && e.from.0 <= 3);
    assert!(c.node(1).commit_index() < joint_index, "a majority of C_old alone is not enough");
    c.settle(1, 6);
    let m = c.node(1).membership().clone();
    assert!(!m.is_joint(), "C_new follows once C_old,new commits: {m}");
    assert_eq!(m.voters, voters(&[1, a, b]));
    assert!(c.node(1).commit_index() >= c.node(1).membership_index());
    assert!(c.saw(1, |e| matches!(e, Event::LeavingJoint { .. })));
}

#[test]
fn a_leader_left_out_of_c_new_steps_down_once_c_new_commits() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let d = c.join();
    c.change(1, MembershipChange::ChangeVoters(voters(&[2, 3, d]))).unwrap();
    c.settle(1, 8);
    assert_eq!(c.node(1).role(), Role::Follower);
    assert!(c.saw(1, |e| matches!(e, Event::RemovedFromCluster)));
    // The remaining servers elect a leader among themselves, and the removed
    // S1 never campaigns.
    c.now += 400;
    c.time_out(1);
    assert_eq!(c.node(1).role(), Role::Follower);
    c.elect(2);
    assert!(!c.node(2).voters().contains(&s(1)));
}

#[test]
fn membership_changes_go_one_at_a_time() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let (a, b) = (c.join(), c.join());
    let first = c.change(1, MembershipChange::AddLearner(s(a))).unwrap();
    assert_eq!(
        c.change(1, MembershipChange::AddLearner(s(b))),
        Err(ProposeError::ConfigChangeInProgress { index: first })
    );
    assert!(matches!(
        c.change(1, MembershipChange::RemoveServer(s(9))),
        Err(ProposeError::ConfigChangeInProgress { .. })
    ));
    c.settle(1, 2);
    assert!(matches!(
        c.change(1, MembershipChange::RemoveServer(s(9))),
        Err(ProposeError::InvalidConfigChange { .. })
    ));
}

#[test]
fn a_new_leader_changes_membership_only_after_committing_an_entry_of_its_term() {
    // Without this rule, a leader of term 1 can commit entry 1 with the
    // majority of its own uncommitted single-server change ({S1 S2 S3}: S1
    // and S3) while a leader of term 2 is elected under the old
    // configuration ({S1 S2 S3 S4}: S3, S2, S4) — two quorums that need
    // not meet. The swarm's soak found exactly that.
    let mut c = Cluster::new(4);
    c.time_out(1);
    c.deliver_holding(|e| matches!(e.msg, Message::RequestVote(_) | Message::RequestVoteReply(_)));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).commit_index(), 0, "its no-op is not committed yet");
    assert_eq!(
        c.change(1, MembershipChange::RemoveServer(s(4))),
        Err(ProposeError::NotCommittedInTerm)
    );
    assert_eq!(c.node(1).log().last_index(), 1, "a refused change appends nothing");
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 1);
    assert!(c.change(1, MembershipChange::RemoveServer(s(4))).is_ok());
}

#[test]
fn a_removed_server_that_missed_its_removal_does_not_disrupt_the_cluster() {
    let mut c = Cluster::new(4);
    c.elect(1);
    c.deliver_all();
    c.change(1, MembershipChange::RemoveServer(s(4))).unwrap();
    // S4 never hears of its removal.
    c.deliver_if(|e| e.to != s(4));
    c.settle(1, 2);
    let term = c.node(1).current_term();
    // Its timer fires again and again; the others are hearing from S1.
    for _ in 0..3 {
        c.time_out_early(4);
        c.deliver_all();
    }
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(1).current_term(), term, "no term inflation reached the cluster");
}

// ---------------------------------------------------------------- snapshots (§7)

impl Cluster {
    /// Server `i` snapshots everything it has applied, with `data` standing
    /// for its state machine.
    fn snapshot(&mut self, i: u8, data: &[u8]) -> Result<(), String> {
        let mut out = None;
        let index = self.node(i).last_applied();
        self.with_node(i, |n, _| out = Some(n.compact(index, data.to_vec())));
        out.unwrap()
    }
}

#[test]
fn compaction_discards_applied_entries_and_keeps_the_rest() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    c.snapshot(1, b"abc").unwrap();
    let n = c.node(1);
    assert_eq!(n.log().snapshot_point(), (4, 1));
    assert!(n.log().entries().is_empty());
    assert_eq!(
        c.disks[0].snapshot.as_ref().unwrap().data,
        b"abc".to_vec(),
        "the snapshot is on disk"
    );
    assert!(c.snapshot(1, b"again").unwrap_err().contains("already compacted"));
    // Entries after the snapshot point still replicate normally.
    c.propose(1, "d").unwrap();
    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 5);
}

#[test]
fn a_follower_behind_the_leaders_snapshot_receives_install_snapshot() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    c.crash(3);
    for cmd in ["a", "b", "c"] {
        c.propose(1, cmd).unwrap();
    }
    c.deliver_all();
    c.snapshot(1, b"state-after-abc").unwrap();
    c.propose(1, "d").unwrap();
    c.deliver_all();
    c.restart(3);
    c.settle(1, 4);
    assert!(c.saw(1, |e| matches!(e, Event::SnapshotSent { peer, index: 4 } if *peer == s(3))));
    assert!(c.saw(3, |e| matches!(e, Event::SnapshotInstalled { index: 4, .. })));
    let n3 = c.node(3);
    assert_eq!(n3.log().snapshot_point(), (4, 1));
    assert_eq!(n3.log().last_index(), c.node(1).log().last_index());
    assert_eq!(n3.commit_index(), c.node(1).commit_index());
    assert_eq!(c.applied_commands(3), vec!["d"], "the snapshot stood in for a, b and c");
}

#[test]
fn a_restart_rebuilds_from_snapshot_plus_log() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    for cmd in ["a", "b"] {
        c.propose(1, cmd).unwrap();
    }
    c.settle(1, 1);
    c.snapshot(2, b"ab").unwrap();
    c.propose(1, "c").unwrap();
    c.settle(1, 1);
    c.crash(2);
    c.restart(2);
    let n = c.node(2);
    let snap = n.snapshot().unwrap().clone();
    assert_eq!(n.commit_index(), snap.last_included_index, "what the snapshot covers is committed");
    assert_eq!(n.log().last_index(), 4);
    c.settle(1, 1);
    let reapplied: Vec<u64> = c.applied[1].iter().map(|e| e.index).collect();
    let expected: Vec<u64> = (snap.last_included_index + 1..=4).collect();
    assert_eq!(reapplied, expected, "only entries after the snapshot are re-applied");
}

#[test]
fn a_snapshot_carries_the_configuration_its_entries_held() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.deliver_all();
    let l = c.join();
    c.change(1, MembershipChange::AddLearner(s(l))).unwrap();
    c.settle(1, 3);
    c.snapshot(1, b"").unwrap();
    assert!(c.node(1).snapshot().unwrap().membership.is_learner(s(l)));
    c.crash(1);
    c.restart(1);
    assert!(c.node(1).membership().is_learner(s(l)), "the configuration survives compaction");
}

#[test]
fn a_leader_that_steps_down_in_its_own_term_names_no_leader() {
    let mut c = Cluster::tweaked(3, |cfg| cfg.check_quorum = true);
    c.elect(1);
    c.deliver_all();
    // Two CheckQuorum windows: the first still counts the election replies.
    for _ in 0..8 {
        c.heartbeat(1);
        c.queue.clear();
        if c.node(1).role() != Role::Leader {
            break;
        }
    }
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).leader(), None, "it must not redirect clients to itself");
    assert_eq!(c.propose(1, "x"), Err(ProposeError::NotLeader { leader_hint: None }));
}

#[test]
fn a_leader_that_removed_itself_and_restarted_before_c_new_committed_can_still_be_elected() {
    // Thesis §4.2.2: until C_new commits, a server left out of it may still
    // be needed to elect a leader. Two servers: S1 removes itself, the entry
    // never reaches S2, S1 restarts. S2 cannot win without S1's vote (S1's
    // log is ahead), so S1 must campaign to finish the change.
    let mut c = Cluster::new(2);
    c.elect(1);
    c.deliver_all();
    c.change(1, MembershipChange::RemoveServer(s(1))).unwrap();
    c.queue.clear();
    c.crash(1);
    c.restart(1);
    c.time_out(1);
    c.deliver_all();
    // It won, replicated C_new to S2, saw it commit, and stepped down.
    assert!(c.saw(1, |e| matches!(e, Event::BecameLeader { .. })));
    assert!(c.saw(1, |e| matches!(e, Event::RemovedFromCluster)));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(2).membership().voters, voters(&[2]));
    c.elect(2);
}

mod interaction;
