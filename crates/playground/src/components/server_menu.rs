//! The menu a server opens when clicked: Crash, Restart and Time out, and
//! its state in Figure 2's names (currentTerm, votedFor, commitIndex,
//! lastApplied, and a leader's nextIndex/matchIndex per follower).

use crate::geometry::{self, CENTER, TIMER_R, VIEW_H, VIEW_W};
use crate::view_model::details::NodeDetails;
use crate::view_model::roles::RoleView;
use raft::NodeId;
use sim::decimal::fixed;
use sim::Action;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Where the menu sits: beside its server, on the side facing the centre,
/// as percentages of the cluster view (which keeps its aspect ratio).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MenuPlacement {
    /// Horizontal anchor, % of the view's width.
    pub left_pct: f64,
    /// Vertical anchor, % of the view's height.
    pub top_pct: f64,
    /// The menu extends to the left of the anchor.
    pub leftwards: bool,
    /// The menu extends upwards from the anchor.
    pub upwards: bool,
}

impl MenuPlacement {
    /// Beside server number `index` (0 for S1) of `count`.
    pub fn beside(index: usize, count: usize) -> Self {
        let c = geometry::server_position(index, count);
        let leftwards = c.x > CENTER.x + 1.0;
        let upwards = c.y > CENTER.y + 1.0;
        let x = if leftwards { c.x - TIMER_R - 4.0 } else { c.x + TIMER_R + 4.0 };
        let y = if upwards { c.y + TIMER_R } else { c.y - TIMER_R };
        MenuPlacement {
            left_pct: x / VIEW_W * 100.0,
            top_pct: y / VIEW_H * 100.0,
            leftwards,
            upwards,
        }
    }
}

/// Props of [`ServerMenu`].
#[derive(Properties, PartialEq)]
pub struct MenuProps {
    /// The server's state.
    pub details: NodeDetails,
    /// Where to draw the menu.
    pub placement: MenuPlacement,
    /// An action chosen.
    pub on_act: Callback<Action>,
    /// Cut (true) or heal (false) every link between this server and the
    /// others.
    pub on_isolate: Callback<(NodeId, bool)>,
    /// Open the server's "Inspect" dialog (its whole Figure 2 state).
    pub on_inspect: Callback<NodeId>,
    /// Close the menu.
    pub on_close: Callback<()>,
}

fn show_node(n: Option<NodeId>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

/// The server menu.
#[function_component(ServerMenu)]
pub fn server_menu(p: &MenuProps) -> Html {
    let d = &p.details;
    let id = d.id;
    let crashed = d.role == RoleView::Crashed;
    let leader = d.role == RoleView::Leader;
    let actions = use_node_ref();
    {
        // Put the focus on the first button that can be pressed when the
        // menu opens, and again after Crash/Restart disabled the one used.
        let actions = actions.clone();
        use_effect_with((id, crashed), move |_| {
            if let Some(el) = actions.cast::<web_sys::Element>() {
                if let Ok(Some(button)) = el.query_selector("button:not([disabled])") {
                    if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
                        let _ = button.focus();
                    }
                }
            }
        });
    }
    let act = |make: fn(NodeId) -> Action| {
        let cb = p.on_act.clone();
        Callback::from(move |_: MouseEvent| cb.emit(make(id)))
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    let isolated = d.isolated();
    let isolate = {
        let cb = p.on_isolate.clone();
        Callback::from(move |_: MouseEvent| cb.emit((id, !isolated)))
    };
    let can_lead = !crashed && !leader && d.other_leader;
    let pl = p.placement;
    let style = format!("left:{}%;top:{}%", fixed(pl.left_pct, 2), fixed(pl.top_pct, 2));
    let class = classes!(
        "server-menu",
        pl.leftwards.then_some("leftwards"),
        pl.upwards.then_some("upwards")
    );
    let timeout_title = if crashed {
        "A crashed server has no timer"
    } else if leader {
        "A leader has no election timer"
    } else {
        "Make its election timeout fire now"
    };
    html! {
        <div {class} {style} role="dialog" aria-label={format!("{id} actions")}>
            <div class="menu-head">
                <strong>{ id.to_string() }</strong>
                <span class={classes!("chip", d.role.name())}>{ d.role.name() }</span>
                <button type="button" class="close" aria-label="Close" onclick={close}>{ "×" }</button>
            </div>
            <div class="menu-actions" ref={actions}>
                <button type="button" disabled={crashed} onclick={act(Action::Crash)}
                        title="Stop it: everything but its disk is lost">{ "Crash" }</button>
                <button type="button" disabled={!crashed} onclick={act(Action::Restart)}
                        title="Start it again from its disk">{ "Restart" }</button>
                <button type="button" disabled={crashed || leader} onclick={act(Action::TimeOut)}
                        title={timeout_title}>{ "Time out" }</button>
            </div>
            <div class="menu-actions secondary">
                <button type="button" onclick={isolate}
                        title={if isolated { "Heal every link between it and the others" } else { "Cut every link between it and the others (a network partition)" }}>
                    { if isolated { "Reconnect" } else { "Isolate" } }
                </button>
                <button type="button" disabled={!can_lead} onclick={act(Action::TransferLeadership)}
                        title="Ask the leader to hand leadership to it (TimeoutNow, thesis §3.10)">
                    { "Make leader" }
                </button>
                <button type="button" disabled={crashed} onclick={act(Action::Snapshot)}
                        title="Fold its applied entries into a snapshot and drop them from its log (§7)">
                    { "Snapshot" }
                </button>
                <button type="button" onclick={p.on_inspect.reform(move |_: MouseEvent| id)}
                        title="Its whole Figure 2 state: every log entry, nextIndex/matchIndex, its election deadline">
                    { "Inspect" }
                </button>
                <button type="button" disabled={!d.member} onclick={act(Action::RemoveServer)}
                        title={if d.member { "Ask the leader to remove it from the configuration (§6)" } else { "It is not in the leader's configuration" }}>
                    { "Remove" }
                </button>
            </div>
            if d.cut_from > 0 {
                <p class="links-cut">
                    { if isolated { "Cut off from every other server.".to_string() }
                      else { format!("Links cut to {} of {} servers.", d.cut_from, d.peers) } }
                </p>
            }
            <dl class="details">
                <dt>{ "currentTerm" }</dt><dd>{ d.term }</dd>
                <dt>{ "votedFor" }</dt><dd>{ show_node(d.voted_for) }</dd>
                if let Some((commit, applied)) = d.commit_applied {
                    <dt>{ "commitIndex" }</dt><dd>{ commit }</dd>
                    <dt>{ "lastApplied" }</dt><dd>{ applied }</dd>
                }
                <dt>{ "last index" }</dt><dd>{ d.log_len }</dd>
                if !crashed && !leader {
                    <dt>{ "leader" }</dt><dd>{ show_node(d.leader) }</dd>
                }
            </dl>
            if let Some(m) = &d.membership {
                <p class="membership">{ format!("Configuration: {m}") }</p>
            }
            if d.snapshot_index > 0 {
                <p class="membership">{ format!("Snapshot through index {}", d.snapshot_index) }</p>
            }
            if let Some((left, timeout)) = d.timer {
                <p class="timer-left">
                    { format!("Election timer: {left} of {timeout} ms left") }
                </p>
            }
            if crashed {
                <p class="note">
                    { "Down. Its disk keeps currentTerm, votedFor and the log; commitIndex, \
                       lastApplied and the key-value store are gone until it restarts." }
                </p>
            }
            if !d.votes.is_empty() {
                <p class="votes">
                    { if d.role == RoleView::PreCandidate { "Pre-votes: " } else { "Votes: " } }
                    { for d.votes.iter().map(|(v, granted)| html! {
                        <span class={classes!("vote", if *granted { "granted" } else { "refused" })}>
                            { format!("{v} {}", if *granted { "✓" } else { "✗" }) }
                        </span>
                    }) }
                </p>
            }
            if !d.progress.is_empty() {
                <table class="progress">
                    <caption>{ "Its view of each follower" }</caption>
                    <tbody>
                        <tr>
                            <th scope="row">{ "server" }</th>
                            { for d.progress.iter().map(|r| html! { <th scope="col">{ r.peer.to_string() }</th> }) }
                        </tr>
                        <tr>
                            <th scope="row" title="the next entry to send it">{ "nextIndex" }</th>
                            { for d.progress.iter().map(|r| html! {
                                <td class={r.state} title={if r.state == "probe" { "probing: looking for where the logs agree" } else { "replicating" }}>
                                    { r.next_index }
                                </td>
                            }) }
                        </tr>
                        <tr>
                            <th scope="row" title="known to be replicated on it up to here">{ "matchIndex" }</th>
                            { for d.progress.iter().map(|r| html! { <td>{ r.match_index }</td> }) }
                        </tr>
                    </tbody>
                </table>
            }
        </div>
    }
}
