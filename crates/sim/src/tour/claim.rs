//! Claims: the facts a step's narration states, checked against the world
//! after the step. A claim that does not hold is an error saying which one
//! and what the world shows instead.

use super::start::NOOP;
use crate::checker::Invariant;
use crate::kv::ClientId;
use crate::world::Sim;
use raft::{LogIndex, NodeId, Payload, Role, Term};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a server is doing, as a claim names it: its Raft role, or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleName {
    /// A follower (§5.1).
    Follower,
    /// Asking whether it could win before starting an election (PreVote).
    PreCandidate,
    /// A candidate asking for votes (§5.2).
    Candidate,
    /// The leader of its term.
    Leader,
    /// Down: only its disk is left.
    Crashed,
}

/// A fact about the world after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// `server` leads, in `term`: it is the running leader of the highest
    /// term.
    Leader {
        /// The leader.
        server: NodeId,
        /// Its currentTerm.
        term: Term,
    },
    /// No running server is a leader.
    NoLeader,
    /// `server`'s role (or that it is down).
    Role {
        /// The server.
        server: NodeId,
        /// Its role.
        role: RoleName,
    },
    /// `server`'s currentTerm (from its disk, so a crashed server has one).
    Term {
        /// The server.
        server: NodeId,
        /// currentTerm.
        term: Term,
    },
    /// `server`'s votedFor (from its disk); `null` for nobody.
    VotedFor {
        /// The server.
        server: NodeId,
        /// votedFor.
        voted_for: Option<NodeId>,
    },
    /// The terms of `server`'s log entries, from index 1 (from its disk).
    LogTerms {
        /// The server.
        server: NodeId,
        /// One term per entry.
        terms: Vec<Term>,
    },
    /// The commands of `server`'s log entries, from index 1, as the page
    /// writes them: `"Put(x, 1)"`, `"Get(x)"`, `"no-op"`, `"config"`.
    Commands {
        /// The server.
        server: NodeId,
        /// One command per entry.
        commands: Vec<String>,
    },
    /// `server`'s commitIndex (a running server's).
    CommitIndex {
        /// The server.
        server: NodeId,
        /// commitIndex.
        index: LogIndex,
    },
    /// `server`'s lastApplied (a running server's).
    LastApplied {
        /// The server.
        server: NodeId,
        /// lastApplied.
        index: LogIndex,
    },
    /// The leader `leader`'s nextIndex for `follower` (Figure 2's volatile
    /// state on leaders).
    NextIndex {
        /// The leader.
        leader: NodeId,
        /// The follower.
        follower: NodeId,
        /// nextIndex.
        index: LogIndex,
    },
    /// The leader `leader`'s matchIndex for `follower`.
    MatchIndex {
        /// The leader.
        leader: NodeId,
        /// The follower.
        follower: NodeId,
        /// matchIndex.
        index: LogIndex,
    },
    /// The value of `key` in `server`'s key-value store; `null` for none.
    Value {
        /// The server (running).
        server: NodeId,
        /// The key.
        key: String,
        /// Its value.
        value: Option<String>,
    },
    /// The safety properties broken so far: `null` for none, else the
    /// first one broken.
    Violation(Option<Invariant>),
    /// The answer to client `client`'s latest operation, as the page writes
    /// it (`"ok"`, `"1"`, `"(not found)"`); `null` while it has none.
    Answer {
        /// The client.
        client: ClientId,
        /// Its answer.
        output: Option<String>,
    },
    /// The configuration a running server goes by (§6, thesis ch. 4): its
    /// voters, C_old's voters while joint (else empty), and its learners.
    Config {
        /// The server.
        server: NodeId,
        /// The voters (C_new while joint).
        voters: Vec<NodeId>,
        /// C_old's voters while joint; empty otherwise.
        outgoing: Vec<NodeId>,
        /// Servers that receive the log without a vote.
        learners: Vec<NodeId>,
    },
    /// The last index `server`'s snapshot on disk covers (§7); 0 if its log
    /// was never compacted.
    Snapshot {
        /// The server.
        server: NodeId,
        /// lastIncludedIndex.
        index: LogIndex,
    },
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Claim::Leader { server, term } => write!(f, "{server} leads term {term}"),
            Claim::NoLeader => write!(f, "there is no leader"),
            Claim::Role { server, role } => write!(f, "{server} is {}", role_word(*role)),
            Claim::Term { server, term } => write!(f, "{server}'s currentTerm is {term}"),
            Claim::VotedFor { server, voted_for } => {
                write!(f, "{server}'s votedFor is {}", show(voted_for))
            }
            Claim::LogTerms { server, terms } => {
                write!(f, "{server}'s log terms are {}", terms_text(terms))
            }
            Claim::Commands { server, commands } => {
                write!(f, "{server}'s log holds [{}]", commands.join(", "))
            }
            Claim::CommitIndex { server, index } => write!(f, "{server}'s commitIndex is {index}"),
            Claim::LastApplied { server, index } => write!(f, "{server}'s lastApplied is {index}"),
            Claim::NextIndex { leader, follower, index } => {
                write!(f, "{leader}'s nextIndex for {follower} is {index}")
            }
            Claim::MatchIndex { leader, follower, index } => {
                write!(f, "{leader}'s matchIndex for {follower} is {index}")
            }
            Claim::Value { server, key, value } => {
                write!(f, "{key} is {} on {server}", value.as_deref().unwrap_or("unset"))
            }
            Claim::Violation(None) => write!(f, "no safety property is broken"),
            Claim::Violation(Some(i)) => write!(f, "{} is broken first", i.name()),
            Claim::Answer { client, output } => {
                write!(f, "{client}'s answer is {}", output.as_deref().unwrap_or("not in yet"))
            }
            Claim::Config { server, voters, outgoing, learners } => write!(
                f,
                "{server} goes by voters {}, old voters {}, learners {}",
                ids_text(voters),
                ids_text(outgoing),
                ids_text(learners)
            ),
            Claim::Snapshot { server, index } => {
                write!(f, "{server}'s snapshot covers entries through {index}")
            }
        }
    }
}

fn role_word(role: RoleName) -> &'static str {
    match role {
        RoleName::Follower => "a follower",
        RoleName::PreCandidate => "a pre-candidate",
        RoleName::Candidate => "a candidate",
        RoleName::Leader => "the leader",
        RoleName::Crashed => "crashed",
    }
}

/// Terms as a list: `[1, 1, 2]`.
fn terms_text(terms: &[Term]) -> String {
    let t: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
    format!("[{}]", t.join(", "))
}

/// Servers as a list: `[S1, S2]`.
fn ids_text(ids: &[NodeId]) -> String {
    let t: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    format!("[{}]", t.join(", "))
}

fn show(id: &Option<NodeId>) -> String {
    id.map_or("nobody".into(), |id| id.to_string())
}

/// A running server's role as a claim names it.
fn role_of(sim: &Sim, id: NodeId) -> RoleName {
    match sim.server(id).map(|s| s.raft.role()) {
        None => RoleName::Crashed,
        Some(Role::Follower) => RoleName::Follower,
        Some(Role::PreCandidate) => RoleName::PreCandidate,
        Some(Role::Candidate) => RoleName::Candidate,
        Some(Role::Leader) => RoleName::Leader,
    }
}

/// The command of a log entry in a claim's words.
pub(super) fn command_text(payload: &Payload<crate::KvCommand>) -> String {
    match payload {
        Payload::Noop => NOOP.into(),
        Payload::Command(c) => c.op.to_string(),
        Payload::Config(_) => "config".into(),
    }
}

/// Check every claim against `sim`; the error names the first that does
/// not hold (its place in the list and its words) and what the world
/// shows instead.
pub fn check_claims(sim: &Sim, claims: &[Claim]) -> Result<(), String> {
    for (k, claim) in claims.iter().enumerate() {
        if let Err(seen) = holds(sim, claim) {
            return Err(format!("claim {} ({claim}) does not hold: {seen}", k + 1));
        }
    }
    Ok(())
}

/// Does `claim` hold? `Err` says what the world shows instead.
pub(super) fn holds(sim: &Sim, claim: &Claim) -> Result<(), String> {
    let known = |id: NodeId| {
        if sim.ids().any(|i| i == id) {
            Ok(())
        } else {
            Err(format!("there is no {id}"))
        }
    };
    let running = |id: NodeId| {
        known(id)?;
        sim.server(id).map(|s| &s.raft).ok_or(format!("{id} is crashed"))
    };
    let expect = |ok: bool, seen: String| if ok { Ok(()) } else { Err(seen) };
    match claim {
        Claim::Leader { server, term } => {
            let seen = sim.leader().and_then(|l| running(l).ok().map(|r| (l, r.current_term())));
            match seen {
                Some((l, t)) => expect((l, t) == (*server, *term), format!("{l} leads term {t}")),
                None => Err("there is no leader".into()),
            }
        }
        Claim::NoLeader => match sim.leader() {
            Some(l) => Err(format!("{l} leads")),
            None => Ok(()),
        },
        Claim::Role { server, role } => {
            known(*server)?;
            let seen = role_of(sim, *server);
            expect(seen == *role, format!("{server} is {}", role_word(seen)))
        }
        Claim::Term { server, term } => {
            known(*server)?;
            let seen = sim.disk(*server).hard_state.current_term;
            expect(seen == *term, format!("it is {seen}"))
        }
        Claim::VotedFor { server, voted_for } => {
            known(*server)?;
            let seen = sim.disk(*server).hard_state.voted_for;
            expect(seen == *voted_for, format!("it is {}", show(&seen)))
        }
        Claim::LogTerms { server, terms } => {
            known(*server)?;
            let seen: Vec<Term> = sim.disk(*server).log.iter().map(|e| e.term).collect();
            expect(seen == *terms, format!("they are {}", terms_text(&seen)))
        }
        Claim::Commands { server, commands } => {
            known(*server)?;
            let seen: Vec<String> =
                sim.disk(*server).log.iter().map(|e| command_text(&e.payload)).collect();
            expect(seen == *commands, format!("it holds [{}]", seen.join(", ")))
        }
        Claim::CommitIndex { server, index } => {
            let seen = running(*server)?.commit_index();
            expect(seen == *index, format!("it is {seen}"))
        }
        Claim::LastApplied { server, index } => {
            let seen = running(*server)?.last_applied();
            expect(seen == *index, format!("it is {seen}"))
        }
        Claim::NextIndex { leader, follower, index }
        | Claim::MatchIndex { leader, follower, index } => {
            let r = running(*leader)?;
            if r.role() != Role::Leader {
                return Err(format!("{leader} is not a leader, so it keeps no nextIndex"));
            }
            let p = r.progress().get(follower).ok_or(format!("{leader} tracks no {follower}"))?;
            let seen =
                if matches!(claim, Claim::NextIndex { .. }) { p.next_index } else { p.match_index };
            expect(seen == *index, format!("it is {seen}"))
        }
        Claim::Value { server, key, value } => {
            running(*server)?;
            let kv = &sim.server(*server).expect("running").kv;
            let seen = kv.data().get(key.as_str()).map(|v| v.as_str());
            expect(seen == value.as_deref(), format!("it is {}", seen.unwrap_or("unset")))
        }
        Claim::Violation(want) => {
            let seen = sim.violations().first().map(|v| v.invariant);
            let word = |i: Option<Invariant>| i.map_or("none", Invariant::name);
            expect(seen == *want, format!("the first broken is {}", word(seen)))
        }
        Claim::Answer { client, output } => {
            let Some(op) = sim.history().ops.iter().rev().find(|o| o.client == *client) else {
                return Err(format!("{client} has invoked nothing"));
            };
            let seen = op.returned.as_ref().map(|(_, out)| out.to_string());
            expect(
                seen == *output,
                format!("{}'s answer is {}", op.op, seen.as_deref().unwrap_or("not in yet")),
            )
        }
        Claim::Config { server, voters, outgoing, learners } => {
            let m = running(*server)?.membership();
            let seen =
                [&m.voters, &m.outgoing, &m.learners].map(|set| set.iter().copied().collect());
            let want = [voters, outgoing, learners].map(|ids| {
                let mut ids = ids.clone();
                ids.sort();
                ids
            });
            let [v, o, l]: &[Vec<NodeId>; 3] = &seen;
            expect(
                seen == want,
                format!(
                    "it goes by voters {}, old voters {}, learners {}",
                    ids_text(v),
                    ids_text(o),
                    ids_text(l)
                ),
            )
        }
        Claim::Snapshot { server, index } => {
            known(*server)?;
            let seen = sim.disk(*server).snapshot.as_ref().map_or(0, |s| s.last_included_index);
            expect(seen == *index, format!("it covers entries through {seen}"))
        }
    }
}
