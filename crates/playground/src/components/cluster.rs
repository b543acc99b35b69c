//! The cluster view: servers on a ring (S1 at the top, clockwise), the
//! client at the centre, and every message in flight at its place between
//! sender and receiver.

use crate::describe;
use crate::frame_feed::{use_moving, FrameFeed, Moving};
use crate::geometry::{
    self, label_baselines, CENTER, CLIENT_R, NODE_R, RING_R, TIMER_R, VIEW_H, VIEW_W,
};
use crate::view_model::links::CutLink;
use crate::view_model::messages::MsgInfo;
use crate::view_model::nodes::{NodeView, TIMER_STEPS};
use crate::view_model::roles::RoleView;
use raft::NodeId;
use sim::decimal::{fixed, short, Decimal};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ClusterView`].
#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    /// Every server, S1 first, and every message in flight, as they move
    /// from frame to frame.
    pub feed: FrameFeed,
    /// The server whose menu is open.
    pub selected: Option<NodeId>,
    /// The page client's operation in progress, if any.
    pub client_pending: Option<Rc<str>>,
    /// Links between servers that are cut, both ways or one way.
    pub cut_links: Rc<Vec<CutLink>>,
    /// Servers named by a safety violation.
    pub violating: Rc<Vec<NodeId>>,
    /// A server was clicked (or Enter/Space pressed on it).
    pub on_select: Callback<NodeId>,
    /// The empty background was clicked.
    pub on_background: Callback<()>,
    /// A message was activated (click, tap, Enter): open its dialog.
    pub on_message: Callback<u64>,
}

/// The SVG picture of the cluster.
#[function_component(ClusterView)]
pub fn cluster_view(p: &ClusterProps) -> Html {
    let moving = use_moving(&p.feed, Moving::scene);
    let (nodes, messages) = (&moving.nodes, &moving.messages);
    let n = nodes.len();
    let background = p.on_background.reform(|_: MouseEvent| ());
    let view_box = format!("0 0 {} {}", short(VIEW_W, 1), short(VIEW_H, 1));
    html! {
        <svg class="cluster" viewBox={view_box} role="group"
             aria-label={format!("Raft cluster of {n} servers; select a server to crash, restart or time it out")}>
            <rect class="backdrop" x="0" y="0" width={short(VIEW_W, 1).to_string()} height={short(VIEW_H, 1).to_string()}
                  onclick={background} />
            <circle class="ring" cx={short(CENTER.x, 1).to_string()} cy={short(CENTER.y, 1).to_string()} r={short(RING_R, 1).to_string()} />
            { draw_cuts(&CutProps { links: Rc::clone(&p.cut_links), count: n }) }
            { client_marker(&ClientProps { pending: p.client_pending.clone() }) }
            { for nodes.iter().enumerate().map(|(i, v)| html! {
                <ServerNode key={v.id.0} view={v.clone()} index={i} count={n}
                            selected={p.selected == Some(v.id)} violating={p.violating.contains(&v.id)}
                            on_select={p.on_select.clone()} />
            }) }
            <g class="messages">
                { for messages.iter().map(|m| html! {
                    <MessageDot key={m.info.id} info={Rc::clone(&m.info)} on_open={p.on_message.clone()}
                                x={fixed(m.at.x, 1)} y={fixed(m.at.y, 1)} />
                }) }
            </g>
        </svg>
    }
}

/// Props of [`ServerNode`].
#[derive(Properties, PartialEq)]
pub struct ServerProps {
    /// What to draw.
    pub view: NodeView,
    /// Its place on the ring (0 for S1).
    pub index: usize,
    /// Servers on the ring.
    pub count: usize,
    /// Its menu is open.
    pub selected: bool,
    /// A safety violation names it.
    pub violating: bool,
    /// Clicked.
    pub on_select: Callback<NodeId>,
}

/// The two lines beside a server: its role, and what it is waiting for.
fn label_lines(v: &NodeView) -> (String, Option<String>) {
    match v.role {
        RoleView::Leader => ("♛ leader".to_string(), v.joint_side.map(str::to_string)),
        RoleView::Candidate => {
            let (got, need) = v.votes.unwrap_or((1, 1));
            ("candidate".to_string(), Some(format!("{got}/{need} votes")))
        }
        RoleView::PreCandidate => {
            let (got, need) = v.votes.unwrap_or((1, 1));
            ("pre-candidate".to_string(), Some(format!("{got}/{need} pre-votes")))
        }
        _ if !v.member => (v.role.name().to_string(), Some("removed".to_string())),
        RoleView::Follower => (
            "follower".to_string(),
            v.joint_side
                .map(str::to_string)
                .or_else(|| v.voted_for.filter(|&w| w != v.id).map(|w| format!("voted {w}"))),
        ),
        RoleView::Learner => ("learner".to_string(), Some("no vote".to_string())),
        RoleView::Crashed => ("crashed".to_string(), Some("disk only".to_string())),
    }
}

/// One server: its role by colour and shape, its term inside, its election
/// timer as an arc around it.
#[function_component(ServerNode)]
pub fn server_node(p: &ServerProps) -> Html {
    let v = &p.view;
    let role = v.role.name();
    // DOM contract: a server outside the leader's configuration is
    // `removed`, whatever it believes itself to be (thesis §4.2.3).
    let standing = if v.member { role } else { "removed" };
    let centre = geometry::server_position(p.index, p.count);
    let label = describe::server_label(v.id, standing, v.term, v.commit, v.log_len);
    let onclick = {
        let cb = p.on_select.clone();
        let id = v.id;
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let onkeydown = {
        let cb = p.on_select.clone();
        let id = v.id;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(id);
            }
        })
    };
    let spot = geometry::label_spot(p.index, p.count);
    let (line1, line2) = label_lines(v);
    let lines = if line2.is_some() { 2 } else { 1 };
    let mut ys = label_baselines(spot, lines);
    let (lx, ly1) = (spot.at.x - centre.x, ys.next().unwrap_or(0.0) - centre.y);
    let ly2 = ys.next().map(|y| y - centre.y);
    let timer = v.timer_steps.map(|steps| {
        html! {
            <>
                <circle class="timer-track" r={short(TIMER_R, 1).to_string()} />
                <circle class="timer" r={short(TIMER_R, 1).to_string()} pathLength={TIMER_STEPS.to_string()}
                        stroke-dasharray={format!("{steps} {TIMER_STEPS}")} transform="rotate(-90)" />
            </>
        }
    });
    let cross = (v.role == RoleView::Crashed).then(|| {
        let d = NODE_R * 0.62;
        let (d, m) = (short(d, 2), short(-d, 2));
        html! { <path class="cross" d={format!("M{m},{m}L{d},{d}M{d},{m}L{m},{d}")} /> }
    });
    let halo = (v.role == RoleView::Leader)
        .then(|| html! { <circle class="halo" r={short(NODE_R + 7.0, 1).to_string()} /> });
    let class = classes!(
        "server",
        role,
        p.selected.then_some("selected"),
        (!v.member).then_some("removed"),
        p.violating.then_some("violating")
    );
    html! {
        // The focusable button (`data-node`, its aria-label saying it all
        // in words) holds the shapes; the drawn words beside it are only
        // for the eye, so they sit outside it (and let clicks through).
        // Both carry the role's classes.
        <g class={class.clone()} transform={format!("translate({},{})", fixed(centre.x, 1), fixed(centre.y, 1))}>
            <g class={classes!(class, "server-button")} data-node={v.id.to_string()} data-role={standing} data-term={v.term.to_string()}
               data-commit={v.commit.to_string()} data-log-len={v.log_len.to_string()}
               tabindex="0" role="button" aria-label={label} aria-haspopup="dialog"
               aria-expanded={if p.selected { "true" } else { "false" }}
               {onclick} {onkeydown}>
                <circle class="hit" r={short(TIMER_R + 4.0, 1).to_string()} />
                if p.violating {
                    <circle class="alarm" r={short(TIMER_R + 10.0, 1).to_string()} />
                }
                <circle class="focus-ring" r={short(TIMER_R + 5.0, 1).to_string()} />
                { for timer }
                { for halo }
                <circle class="body" r={short(NODE_R, 1).to_string()} />
                { for cross }
            </g>
            <g class="server-words" aria-hidden="true">
                <text class="name" y="-3">{ v.id.to_string() }</text>
                <text class="term" y="15">{ format!("term {}", v.term) }</text>
                <text class="role-label" x={fixed(lx, 1).to_string()} y={fixed(ly1, 1).to_string()} text-anchor={spot.anchor}>
                    { line1 }
                </text>
                if let (Some(text), Some(y)) = (line2, ly2) {
                    <text class="role-detail" x={fixed(lx, 1).to_string()} y={fixed(y, 1).to_string()} text-anchor={spot.anchor}>
                        { text }
                    </text>
                }
            </g>
        </g>
    }
}

/// Props of [`MessageDot`].
#[derive(Properties, PartialEq)]
pub struct MessageProps {
    /// What the message is.
    pub info: Rc<MsgInfo>,
    /// Where it is now, left to right (to a tenth of a unit, so the dot
    /// is redrawn only when that changes).
    pub x: Decimal,
    /// Where it is now, top to bottom.
    pub y: Decimal,
    /// Activated: open its dialog.
    pub on_open: Callback<u64>,
}

/// A message in flight: only its position changes from frame to frame.
#[function_component(MessageDot)]
pub fn message_dot(p: &MessageProps) -> Html {
    let id = p.info.id;
    let onclick = p.on_open.reform(move |_: MouseEvent| id);
    let on_open = p.on_open.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            on_open.emit(id);
        }
    });
    html! {
        <g class="msg" data-msg={p.info.id.to_string()} data-kind={p.info.kind} tabindex="0"
           role="button" aria-label={format!("{} message {}", p.info.kind, p.info.id)} {onclick} {onkeydown}
           transform={format!("translate({},{})", p.x, p.y)}>
            <MessageBody info={Rc::clone(&p.info)} />
        </g>
    }
}

/// Props of [`MessageBody`].
#[derive(Properties, PartialEq)]
pub struct BodyProps {
    /// What the message is.
    pub info: Rc<MsgInfo>,
}

/// A message's shape: colour by exchange (RequestVote, AppendEntries,
/// client), filled for requests and hollow for replies, bigger when it
/// carries entries, faded when it will be dropped, slashed when it refuses.
#[function_component(MessageBody)]
pub fn message_body(p: &BodyProps) -> Html {
    let i = &p.info;
    let r: f64 = if i.snapshot {
        11.0
    } else if i.entries > 0 {
        9.5
    } else if i.reply {
        5.5
    } else {
        6.0
    };
    let class = classes!(
        "msg-body",
        i.style.name(),
        if i.reply { "reply" } else { "request" },
        (i.entries > 0 || i.snapshot).then_some("carries"),
        i.dropped.then_some("dropped"),
        i.refused.then_some("refused"),
    );
    let slash = i.refused.then(|| {
        let d = r * 0.75;
        let (d, m) = (short(d, 3), short(-d, 3));
        html! { <path class="slash" d={format!("M{m},{d}L{d},{m}")} /> }
    });
    let count = if i.snapshot {
        Some(html! { <text class="count" y="4">{ "S" }</text> })
    } else {
        (i.entries > 0).then(|| html! { <text class="count" y="3.5">{ i.entries }</text> })
    };
    html! {
        <g class={class}>
            <title>{ AttrValue::from(Rc::clone(&i.title)) }</title>
            <circle r={short(r, 1).to_string()} />
            { for count }
            { for slash }
        </g>
    }
}

/// What [`client_marker`] draws.
pub struct ClientProps {
    /// The operation in progress, if any.
    pub pending: Option<Rc<str>>,
}

/// The page's client, C1, at the centre of the ring.
pub fn client_marker(p: &ClientProps) -> Html {
    let at = geometry::client_position(0);
    let w = CLIENT_R * 2.0 + 8.0;
    let h = CLIENT_R * 1.5;
    html! {
        <g class="client-marker" data-client="C1" transform={format!("translate({},{})", short(at.x, 1), short(at.y, 1))}>
            <rect x={short(-w / 2.0, 1).to_string()} y={short(-h / 2.0, 1).to_string()} width={short(w, 1).to_string()}
                  height={short(h, 1).to_string()} rx="7" />
            <text class="name" y="5">{ "C1" }</text>
            <text class="caption" y={short(h / 2.0 + 15.0, 1).to_string()}>
                { match &p.pending {
                    Some(op) => format!("waiting: {op}"),
                    None => "client".to_string(),
                } }
            </text>
        </g>
    }
}

/// What [`draw_cuts`] draws.
pub struct CutProps {
    /// Links between servers that are cut.
    pub links: Rc<Vec<CutLink>>,
    /// Servers on the ring.
    pub count: usize,
}

/// Cut links: a red dashed line between the two servers with a cross in
/// the middle, so a partition can be seen at a glance; a link cut one way
/// also has an arrow pointing the way messages no longer go.
pub fn draw_cuts(p: &CutProps) -> Html {
    let at = |id: NodeId| geometry::server_position(usize::from(id.0).saturating_sub(1), p.count);
    html! {
        <g class="cut-links">
            { for p.links.iter().map(|&CutLink { a, b, one_way }| {
                let (pa, pb) = (at(a), at(b));
                let (mx, my) = ((pa.x + pb.x) / 2.0, (pa.y + pb.y) / 2.0);
                let title = if one_way {
                    format!("{a} can no longer reach {b} ({b} still reaches {a})")
                } else {
                    format!("link {a}–{b} is cut")
                };
                // The arrow sits past the cross, towards `b`, pointing at it.
                let arrow = one_way.then(|| {
                    let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
                    let len = dx.hypot(dy).max(1.0);
                    let (ux, uy) = (dx / len, dy / len);
                    let (tx, ty) = (mx + ux * 24.0, my + uy * 24.0);
                    let (bx, by) = (tx - ux * 11.0, ty - uy * 11.0);
                    html! {
                        <path class="cut-arrow" d={format!(
                            "M{},{}L{},{}L{},{}Z",
                            fixed(tx, 1), fixed(ty, 1),
                            fixed(bx - uy * 6.0, 1), fixed(by + ux * 6.0, 1),
                            fixed(bx + uy * 6.0, 1), fixed(by - ux * 6.0, 1)
                        )} />
                    }
                });
                html! {
                    <g key={format!("{a}-{b}")} class={classes!("cut-link", one_way.then_some("one-way"))}
                       data-cut={format!("{a}-{b}")} data-one-way={one_way.then_some("")}>
                        <title>{ title }</title>
                        <line x1={fixed(pa.x, 1).to_string()} y1={fixed(pa.y, 1).to_string()}
                              x2={fixed(pb.x, 1).to_string()} y2={fixed(pb.y, 1).to_string()} />
                        <circle class="cut-mark" cx={fixed(mx, 1).to_string()} cy={fixed(my, 1).to_string()} r="7" />
                        <path class="cut-x" d={format!("M{},{}l6,6m0,-6l-6,6", fixed(mx - 3.0, 1), fixed(my - 3.0, 1))} />
                        { for arrow }
                    </g>
                }
            }) }
        </g>
    }
}
