//! The "Inspect" dialog: one server's whole Figure 2 state at the moment
//! shown — currentTerm, votedFor, log (index and term of every entry, a
//! window at a time), commitIndex, lastApplied, its role and election
//! deadline, and for a leader nextIndex, matchIndex and probe/replicate per
//! follower — each value in a `data-field` element (the DOM contract).

use crate::view_model::inspector::{Inspection, LOG_WINDOW};
use crate::view_model::roles::RoleView;
use raft::{LogIndex, NodeId};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ServerInspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// What to show.
    pub inspection: Rc<Inspection>,
    /// Show the log window ending at this index (`None`: the newest).
    pub on_window: Callback<Option<LogIndex>>,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

fn node_text(n: Option<NodeId>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

/// A term-and-value row of the Figure 2 list.
fn field(name: &'static str, label: &'static str, value: String) -> Html {
    html! { <><dt>{ label }</dt><dd data-field={name}>{ value }</dd></> }
}

/// The dialog.
#[function_component(ServerInspector)]
pub fn server_inspector(p: &InspectorProps) -> Html {
    let i = &p.inspection;
    let d = &i.details;
    let id = d.id;
    let head = use_node_ref();
    {
        // Focus moves into the dialog when it opens (and to another
        // server's when it is switched).
        let head = head.clone();
        use_effect_with(id, move |_| {
            if let Some(el) = head.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let close = p.on_close.reform(|_: MouseEvent| ());
    let crashed = d.role == RoleView::Crashed;
    let volatile =
        |v: Option<LogIndex>| v.map_or_else(|| "lost (volatile)".to_string(), |v| v.to_string());
    let deadline = match (i.deadline, d.timer) {
        (Some(at), Some((left, timeout))) => {
            format!("{at} ms (in {left} ms; timeout {timeout} ms)")
        }
        _ if crashed => "none: down".to_string(),
        _ => "none: a leader has no election timer".to_string(),
    };
    let log = &i.log;
    let shown = match (log.entries.first(), log.entries.last()) {
        (Some(a), Some(b)) => format!("entries {}–{} of {}", a.index, b.index, log.last),
        _ => "empty".to_string(),
    };
    let page = |end: Option<LogIndex>| p.on_window.reform(move |_: MouseEvent| end);
    let older = log.entries.first().map(|e| e.index.saturating_sub(1)).filter(|&e| e > 0);
    let newer = log.entries.last().map(|e| e.index + LOG_WINDOW);
    html! {
        <div class="server-menu inspector" role="dialog" aria-label={format!("{id} state (Figure 2)")}
             data-inspect={id.to_string()}>
            <div class="menu-head">
                <strong ref={head} tabindex="-1">{ id.to_string() }</strong>
                <span class={classes!("chip", d.role.name())}>{ d.role.name() }</span>
                <span class="figure2-caption">{ "Figure 2 state" }</span>
                <button type="button" class="close" aria-label="Close" onclick={close}>{ "×" }</button>
            </div>
            if let Some(standing) = i.standing() {
                <p class="standing" data-field="standing">{ standing }</p>
            }
            if crashed {
                <p class="note">{ "Down: the persistent state below is read from its disk." }</p>
            }
            <dl class="figure2">
                { field("role", "role", d.role.name().to_string()) }
                { field("currentTerm", "currentTerm", d.term.to_string()) }
                { field("votedFor", "votedFor", node_text(d.voted_for)) }
                { field("commitIndex", "commitIndex", volatile(d.commit_applied.map(|c| c.0))) }
                { field("lastApplied", "lastApplied", volatile(d.commit_applied.map(|c| c.1))) }
                if !crashed && d.role != RoleView::Leader {
                    { field("leaderId", "leader known", node_text(d.leader)) }
                }
                { field("electionDeadline", "election deadline", deadline) }
            </dl>
            if !d.progress.is_empty() {
                <table class="progress inspect-progress">
                    <caption>{ "nextIndex and matchIndex per follower (§5.3)" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "server" }</th>
                            <th scope="col">{ "nextIndex" }</th>
                            <th scope="col">{ "matchIndex" }</th>
                            <th scope="col" aria-describedby="progress-states">{ "state" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for d.progress.iter().map(|r| {
                            let peer = r.peer.to_string();
                            html! {
                                <tr key={r.peer.0}>
                                    <th scope="row">{ peer.clone() }</th>
                                    <td data-field="nextIndex" data-peer={peer.clone()}>{ r.next_index }</td>
                                    <td data-field="matchIndex" data-peer={peer.clone()}>{ r.match_index }</td>
                                    <td class={r.state} data-field="progressState" data-peer={peer}>{ r.state }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                <p class="hint" id="progress-states">
                    { "state: probe looks for where the logs agree, one AppendEntries at a time; replicate streams entries." }
                </p>
            }
            <div class="inspect-log-head">
                <span class="caption">{ "log " }<span class="hint">{ shown.clone() }</span></span>
                <button type="button" disabled={!log.has_older()} onclick={page(older)}>{ "Older" }</button>
                <button type="button" disabled={!log.has_newer()} onclick={page(newer)}>{ "Newer" }</button>
                <button type="button" disabled={!log.has_newer()} onclick={page(None)}>{ "Newest" }</button>
            </div>
            if log.snapshot.0 > 0 {
                <p class="note">{ format!("Entries 1–{} are in its snapshot (last term {}, §7).", log.snapshot.0, log.snapshot.1) }</p>
            }
            <ol class="inspect-log" data-field="log" aria-label={format!("{id}'s log, {shown}")}>
                { for log.entries.iter().map(|e| html! {
                    <li key={e.index} data-index={e.index.to_string()} data-term={e.term.to_string()}
                        class={if e.committed { "committed" } else { "uncommitted" }}>
                        <span class="idx">{ e.index }</span>
                        <span class="eterm">{ format!("term {}", e.term) }</span>
                        <span class="cmd">{ &e.label }</span>
                    </li>
                }) }
            </ol>
            <p class="caption">{ "key-value state" }</p>
            <p class="inspect-kv" data-field="kv">
                { match &i.kv {
                    None => "lost while down; rebuilt from the log after a restart".to_string(),
                    Some(pairs) if pairs.is_empty() => "(empty)".to_string(),
                    Some(pairs) => pairs.join(", "),
                } }
            </p>
        </div>
    }
}
