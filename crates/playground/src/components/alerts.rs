//! Announcements: a refused action's message, and the banner that stops
//! the run when a safety property of Raft is broken.

use crate::components::controls::bug_text;
use crate::run::ReplayLink;
use raft::NodeId;
use sim::swarm::Phase;
use sim::{Invariant, SimConfig, Violation};
use std::rc::Rc;
use yew::prelude::*;

/// What [`action_error`] draws.
pub struct ActionErrorProps {
    /// The simulator's reason for refusing, e.g. "S2 is already running".
    pub message: String,
    /// Hide the message.
    pub on_dismiss: Callback<()>,
}

/// Why the last action was refused (the simulator changed nothing).
pub fn action_error(p: &ActionErrorProps) -> Html {
    let dismiss = p.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="action-error" role="alert">
            <span>{ "Not done: " }{ &p.message }</span>
            <button type="button" class="dismiss" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}

/// What [`violation_banner`] draws.
pub struct ViolationProps {
    /// The broken properties, oldest first; empty in a correct run.
    pub violations: Rc<Vec<Violation>>,
    /// The cluster's settings (which deliberate mistakes are on).
    pub config: Rc<SimConfig>,
}

/// What a safety property of Raft promises (Figure 3), in words.
pub fn promise(invariant: Invariant) -> &'static str {
    match invariant {
        Invariant::ElectionSafety => "At most one leader can be elected in a given term (§5.2).",
        Invariant::LeaderAppendOnly => {
            "A leader never overwrites or deletes entries in its log; it only appends (§5.3)."
        }
        Invariant::LogMatching => {
            "If two logs contain an entry with the same index and term, the logs are identical \
             in all entries up through that index (§5.3)."
        }
        Invariant::LeaderCompleteness => {
            "If an entry is committed in a term, it is in the log of every leader of a higher \
             term (§5.4)."
        }
        Invariant::StateMachineSafety => {
            "Once a server has applied an entry at an index, no server ever applies a different \
             entry at that index (§5.4.3)."
        }
        Invariant::CommittedEntryNeverLost => {
            "A committed entry stays stored on a majority of the voters, so every future leader \
             has it (§5.4)."
        }
    }
}

fn servers(nodes: &[NodeId]) -> String {
    nodes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

/// A broken safety property (Figure 3): the run is paused where it broke;
/// the banner says which property, what it promises, which servers and
/// index (also marked in the cluster and the logs), and which deliberate
/// mistake is switched on.
pub fn violation_banner(p: &ViolationProps) -> Html {
    if p.violations.is_empty() {
        return html! {};
    }
    let suspects: Vec<raft::Bug> = p.config.raft.bugs.on().collect();
    html! {
        <div class="violation-banner" role="alert">
            <strong>{ "Safety violation — the run is paused where it happened." }</strong>
            <span class="hint">{ " The servers involved are outlined in red; Reset starts a fresh cluster." }</span>
            <ul>
                { for p.violations.iter().map(|v| html! {
                    <li data-invariant={v.invariant.name()}>
                        <b>{ v.invariant.name() }</b>{ format!(" broke at {} ms: {}", v.time, v.detail) }
                        <span class="promise">{ format!(" It promises: {}", promise(v.invariant)) }</span>
                        <span class="where">
                            { format!(" Servers: {}", servers(&v.nodes)) }
                            { v.index.map(|i| format!("; log index {i}")).unwrap_or_default() }
                            { "." }
                        </span>
                    </li>
                }) }
            </ul>
            if !suspects.is_empty() {
                <p class="suspects">
                    { "Switched on: " }
                    { for suspects.iter().map(|name| {
                        let (label, why) = bug_text(*name);
                        html! { <span class="suspect"><b>{ label.to_string() }</b>{ format!(" — {why} ") }</span> }
                    }) }
                </p>
            }
        </div>
    }
}

/// What [`replay_banner`] draws.
pub struct ReplayProps {
    /// The seed and bug switch replayed.
    pub link: ReplayLink,
    /// The seed's fault mix, summarised.
    pub mix: String,
    /// Where the run is.
    pub phase: Phase,
    /// Why the seed failed, when not by a safety property (those have
    /// their own banner).
    pub failure: Option<Rc<str>>,
}

/// Says that the page replays a swarm seed, with which faults, and how far
/// it has got.
pub fn replay_banner(p: &ReplayProps) -> Html {
    let phase = match p.phase {
        Phase::Safety => "faults striking, every safety checker after every event",
        Phase::Healing => "faults healed, waiting for a leader and the clients",
        Phase::Settling => "waiting for every server to hold the same committed log",
        Phase::Done => "finished: safe and converged",
    };
    html! {
        <div class="replay-banner" role="status" data-replay-seed={p.link.seed.to_string()}>
            <strong>{ format!("Replaying swarm seed {}", p.link.seed) }</strong>
            if let Some(bug) = p.link.bug {
                { format!(" with “{}” switched on", bug_text(bug).0) }
            }
            <span class="phase">{ format!(" — {phase}.") }</span>
            <span class="mix">{ format!(" Faults: {}.", p.mix) }</span>
            if let Some(reason) = &p.failure {
                <p class="replay-failure">{ format!("The seed failed: {reason}") }</p>
            }
            <span class="hint">{ " Reset leaves the replay." }</span>
        </div>
    }
}
