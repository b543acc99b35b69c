//! The configuration panel: who votes, who is a learner, whether the
//! cluster is joint (C_old,new), and a form that asks the leader to change
//! the voters through joint consensus (§6).

use crate::components::info::{info_toggle, Info};
use crate::config_view::ConfigView;
use raft::{NodeId, PeerSet};
use sim::Action;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`MembershipPanel`].
#[derive(Properties, PartialEq)]
pub struct MembershipProps {
    /// The configuration to draw.
    pub config: ConfigView,
    /// A change asked for.
    pub on_act: Callback<Action>,
}

/// The servers `ids` as a set.
fn set_of(ids: &[NodeId]) -> PeerSet {
    ids.iter().copied().collect()
}

fn list(ids: &[NodeId]) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(" ")
}

/// What the configuration's notes and its form mean, `(id, term,
/// explanation)`: the lines of the panel's info toggle, each named by its
/// note's `aria-describedby`.
const NOTES: &[(&str, &str, &str)] = &[
    (
        "config-note-joint",
        "joint",
        "Joint consensus: every decision needs a majority of C_old and a majority of C_new (§6).",
    ),
    (
        "config-note-learners",
        "learners",
        "Learners receive the log but neither vote nor count toward commitment.",
    ),
    (
        "config-note-pending",
        "not yet committed",
        "A new change may start once this configuration entry commits.",
    ),
    (
        "config-note-change",
        "Change voters",
        "Ask the leader to move to these voters through the joint configuration C_old,new (§6).",
    ),
];

/// Who is in the cluster, and the "Change voters" form.
#[function_component(MembershipPanel)]
pub fn membership_panel(p: &MembershipProps) -> Html {
    let c = &p.config;
    let open = use_state(bool::default);
    // The voters ticked in the form; starts as the current voters and is
    // reset whenever the configuration changes.
    let chosen = use_state(|| set_of(&c.voters));
    {
        let chosen = chosen.clone();
        use_effect_with(c.voters.clone(), move |voters| {
            chosen.set(set_of(voters));
        });
    }
    let toggle = |id: NodeId| {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            let mut next = (*chosen).clone();
            if input.checked() {
                next.insert(id);
            } else {
                next.remove(&id);
            }
            chosen.set(next);
        })
    };
    let apply = {
        let chosen = chosen.clone();
        let cb = p.on_act.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(Action::ChangeVoters(chosen.iter().copied().collect()))
        })
    };
    let unchanged = chosen.iter().copied().collect::<Vec<_>>() == c.voters;
    let source = match (c.from, c.from_leader) {
        (Some(id), true) => format!("as leader {id} sees it"),
        (Some(id), false) => format!("as {id} sees it (no leader)"),
        (None, _) => "no server is running".to_string(),
    };
    html! {
        <section class="membership-panel" aria-label="Configuration">
            <div class="config-head">
                <h2>{ "Configuration" }<span class="hint">{ format!(" — {source}") }</span></h2>
                { info_toggle(Info {
                    label: "About configurations",
                    id: "config-notes",
                    notes: NOTES,
                    open,
                }) }
            </div>
            <p class="config-line" data-config={if c.is_joint() { "joint" } else { "simple" }}>
                if c.is_joint() {
                    <span class="joint" aria-describedby="config-note-joint">
                        { format!("joint: C_old {{{}}} + C_new {{{}}}", list(&c.outgoing), list(&c.voters)) }
                    </span>
                } else {
                    <span>{ format!("voters {{{}}}", list(&c.voters)) }</span>
                }
                if !c.learners.is_empty() {
                    <span class="learners" aria-describedby="config-note-learners">
                        { format!(" · learners {}", list(&c.learners)) }
                    </span>
                }
                if !c.committed {
                    <span class="pending" aria-describedby="config-note-pending">
                        { " · not yet committed" }
                    </span>
                }
            </p>
            <div class="change-voters" role="group" aria-label="Change voters">
                <span class="caption">{ "New voters:" }</span>
                { for c.servers.iter().map(|&id| html! {
                    <label class="check">
                        <input type="checkbox" checked={chosen.contains(&id)} onchange={toggle(id)} />
                        { id.to_string() }
                    </label>
                }) }
                <button type="button" onclick={apply} disabled={unchanged || chosen.is_empty()}
                        aria-describedby="config-note-change">
                    { "Change voters" }
                </button>
            </div>
        </section>
    }
}
