//! The clients' history beside the cluster: a lane per client, a bar per
//! operation from invocation to response (open-ended while unanswered),
//! the cursor at the moment shown, and the linearizability verdict. The
//! operations that cannot be ordered are drawn in the alarm colour and
//! say so in their text.

use crate::frame_feed::{use_moving, FrameFeed, Moving};
use crate::view_model::history::{HistoryView, OpBar, VerdictView};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ClientHistory`].
#[derive(Properties, PartialEq)]
pub struct ClientHistoryProps {
    /// The diagram.
    pub view: Rc<HistoryView>,
    /// The verdict line.
    pub verdict: VerdictView,
    /// The moment shown (`data-now`, ms), followed by itself.
    pub feed: FrameFeed,
}

/// Where column `at` of `columns` starts, as CSS (integers only: the
/// browser does the division).
fn left(at: usize, columns: usize) -> String {
    format!("calc(100% * {at} / {columns})")
}

fn bar(b: &OpBar, columns: usize) -> Html {
    let end = b.to.unwrap_or(columns - 1);
    let style = format!(
        "left:{};width:{};top:{}px",
        left(b.from, columns),
        left(end + 1 - b.from, columns),
        b.lane * LANE_PX
    );
    let mark = if b.marked { "✗ " } else { "" };
    let title =
        if b.marked { format!("{} — cannot be ordered", b.title) } else { b.title.clone() };
    html! {
        <div key={b.row} class={classes!("op-bar", b.kind, b.to.is_none().then_some("open"), b.marked.then_some("unordered"))}
             data-op={b.row.to_string()} data-client={b.client.clone()} data-kind={b.kind}
             data-linearizable={b.marked.then_some("false")} {style} {title}>
            { mark }{ &b.label }
        </div>
    }
}

/// Props of [`HistoryBars`].
#[derive(Properties, PartialEq)]
struct BarsProps {
    view: Rc<HistoryView>,
}

/// The operations' bars: redrawn only when the diagram changes, not with
/// every frame's cursor time. Keyed by history row, so when the window of
/// bars slides, a bar keeps its element and only its position changes.
#[function_component(HistoryBars)]
fn history_bars(p: &BarsProps) -> Html {
    html! { <>{ for p.view.bars.iter().map(|b| bar(b, p.view.columns)) }</> }
}

/// A lane's height, px (the stylesheet's `.op-bar` fits it).
const LANE_PX: usize = 18;

/// The diagram and the verdict.
#[function_component(ClientHistory)]
pub fn client_history(p: &ClientHistoryProps) -> Html {
    let now = use_moving(&p.feed, Moving::now_ms).now_ms();
    let v = &p.view;
    let height = format!("height:{}px", v.lanes.len().max(1) * LANE_PX);
    html! {
        <section class="panel client-history" role="region" aria-label="Client history"
                 data-now={now.to_string()}>
            <div class="panel-head">
                <h2>{ "Client history" }</h2>
                <span class={classes!("verdict", p.verdict.kind)} data-verdict={p.verdict.kind}
                      role="status">{ &*p.verdict.text }</span>
            </div>
            if v.bars.is_empty() {
                <p class="ops-empty">{ "No client operations yet." }</p>
            } else {
                <div class="history-plot">
                    <ul class="lanes" style={height.clone()}>
                        { for v.lanes.iter().map(|c| html! { <li>{ c }</li> }) }
                    </ul>
                    <div class="bars" style={height}>
                        <HistoryBars view={Rc::clone(v)} />
                        <div class="history-now" style={format!("left:{}", left(v.columns - 1, v.columns))}
                             title={format!("now: {now} ms")}></div>
                    </div>
                </div>
                if v.hidden > 0 {
                    <p class="hint">{ format!("{} earlier operations not shown · bars in order of events, not to scale", v.hidden) }</p>
                } else {
                    <p class="hint">{ "Bars in order of events, not to scale; each operation's times are in the client's list." }</p>
                }
            }
        </section>
    }
}
