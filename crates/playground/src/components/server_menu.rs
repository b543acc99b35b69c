//! The menu a server opens when clicked: Crash, Restart and Time out, and
//! its state in Figure 2's names (currentTerm, votedFor, commitIndex,
//! lastApplied, and a leader's nextIndex/matchIndex per follower).

use crate::components::info::{info_toggle, Info};
use crate::geometry::{self, CENTER, TIMER_R, VIEW_H, VIEW_W};
use crate::resize_watch::ResizeWatch;
use crate::view_model::details::NodeDetails;
use crate::view_model::roles::RoleView;
use raft::NodeId;
use sim::decimal::fixed;
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
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

/// The gap kept between a clamped menu and the viewport's edges, px.
const EDGE: f64 = 4.0;

/// How far to move a menu whose box (drawn where its placement puts it)
/// is `(left, top, right, bottom)` so that it lies inside a `width` ×
/// `height` viewport, whole pixels `(dx, dy)`. A menu larger than the
/// viewport keeps its top left corner on screen (its title and first
/// buttons).
pub fn clamp_shift(
    (left, top, right, bottom): (f64, f64, f64, f64),
    (width, height): (f64, f64),
) -> (i32, i32) {
    let axis = |low: f64, high: f64, size: f64| {
        if low < EDGE || high - low > size - 2.0 * EDGE {
            EDGE - low
        } else if high > size - EDGE {
            size - EDGE - high
        } else {
            0.0
        }
    };
    (axis(left, right, width).round() as i32, axis(top, bottom, height).round() as i32)
}

/// The shift an open menu should have after a change of size: its
/// [`clamp_shift`] while the point it hangs from beside its server
/// (`anchor_y` px from the viewport's top, in a viewport `view.1` high) is
/// on screen. Once the reader has scrolled that point out of view, the menu
/// keeps its vertical shift `current.1` and stays beside its server, rather
/// than being pulled into the scrolled viewport, away from the server it
/// describes; across, it is still kept inside the viewport.
pub fn follow_shift(
    drawn: (f64, f64, f64, f64),
    view: (f64, f64),
    anchor_y: f64,
    current: (i32, i32),
) -> (i32, i32) {
    let (dx, dy) = clamp_shift(drawn, view);
    if (0.0..=view.1).contains(&anchor_y) {
        (dx, dy)
    } else {
        (dx, current.1)
    }
}

/// Watches an open menu's box, its container's (the ring, which follows
/// the window's width) and the page's, and after each change of size
/// moves the menu by whatever part of it would be off screen
/// ([`follow_shift`]; `top_pct` is where it hangs, % of the ring's height).
fn keep_in_view(
    menu: NodeRef,
    top_pct: f64,
    shift: Rc<RefCell<(i32, i32)>>,
    redraw: UseForceUpdateHandle,
) -> Option<ResizeWatch> {
    let el = menu.cast::<web_sys::Element>()?;
    let root = web_sys::window()?.document()?.document_element()?;
    let ring = el.parent_element();
    let view_root = root.clone();
    ResizeWatch::start([&el, &root].into_iter().chain(ring.as_ref()), move || {
        let Some(el) = menu.cast::<web_sys::Element>() else { return };
        let view = (f64::from(view_root.client_width()), f64::from(view_root.client_height()));
        let r = el.get_bounding_client_rect();
        let current = *shift.borrow();
        let (dx, dy) = (f64::from(current.0), f64::from(current.1));
        let drawn = (r.left() - dx, r.top() - dy, r.right() - dx, r.bottom() - dy);
        let anchor_y = match el.parent_element() {
            Some(ring) => {
                let b = ring.get_bounding_client_rect();
                b.top() + b.height() * top_pct / 100.0
            }
            None => r.top() - dy,
        };
        let wanted = follow_shift(drawn, view, anchor_y, current);
        if wanted != *shift.borrow() {
            *shift.borrow_mut() = wanted;
            redraw.force_update();
        }
    })
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

/// What the menu's buttons and rows mean, `(id, control, explanation)`:
/// the lines of its info toggle, each named by its control's
/// `aria-describedby`.
const NOTES: &[(&str, &str, &str)] = &[
    ("menu-note-crash", "Crash", "Stop it: everything but its disk is lost."),
    ("menu-note-restart", "Restart", "Start it again from its disk."),
    (
        "menu-note-timeout",
        "Time out",
        "Make its election timeout fire now (a leader or a crashed server has none).",
    ),
    (
        "menu-note-isolate",
        "Isolate",
        "Cut every link between it and the others (a network partition); Reconnect heals them.",
    ),
    (
        "menu-note-lead",
        "Make leader",
        "Ask the leader to hand leadership to it (TimeoutNow, thesis §3.10).",
    ),
    (
        "menu-note-snapshot",
        "Snapshot",
        "Fold its applied entries into a snapshot and drop them from its log (§7).",
    ),
    (
        "menu-note-inspect",
        "Inspect",
        "Its whole Figure 2 state: every log entry, nextIndex/matchIndex, its election deadline.",
    ),
    (
        "menu-note-remove",
        "Remove",
        "Ask the leader to remove it from the configuration (§6); only for a member.",
    ),
    (
        "menu-note-next",
        "nextIndex",
        "A leader's next entry to send each follower; coloured while probing for where the \
         logs agree.",
    ),
    ("menu-note-match", "matchIndex", "Known to be replicated on that follower up to here."),
];

/// The server menu.
#[function_component(ServerMenu)]
pub fn server_menu(p: &MenuProps) -> Html {
    let d = &p.details;
    let id = d.id;
    let crashed = d.role == RoleView::Crashed;
    let leader = d.role == RoleView::Leader;
    let actions = use_node_ref();
    let open = use_state(bool::default);
    // Kept inside the viewport: measured when it opens and whenever its
    // box or the ring's box changes size (new rows, a resized window), not
    // after every redraw, which would force a layout per frame while open.
    let menu = use_node_ref();
    let shift = use_mut_ref(|| (0, 0));
    let redraw = use_force_update();
    {
        let (menu, shift, redraw) = (menu.clone(), shift.clone(), redraw.clone());
        let top_pct = p.placement.top_pct;
        use_effect_with((id, p.placement), move |_| {
            let keep = keep_in_view(menu, top_pct, shift, redraw);
            move || drop(keep)
        });
    }
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
    let style = format!(
        "left:{}%;top:{}%;translate:{}px {}px",
        fixed(pl.left_pct, 2),
        fixed(pl.top_pct, 2),
        fixed(f64::from(shift.borrow().0), 0),
        fixed(f64::from(shift.borrow().1), 0)
    );
    let class = classes!(
        "server-menu",
        pl.leftwards.then_some("leftwards"),
        pl.upwards.then_some("upwards")
    );
    html! {
        <div {class} {style} ref={menu} role="dialog" aria-label={format!("{id} actions")}>
            <div class="menu-head">
                <strong>{ id.to_string() }</strong>
                <span class={classes!("chip", d.role.name())}>{ d.role.name() }</span>
                { info_toggle(Info { label: "About these buttons", id: "menu-notes", notes: NOTES, open }) }
                <button type="button" class="close" aria-label="Close" onclick={close}>{ "×" }</button>
            </div>
            <div class="menu-actions" ref={actions}>
                <button type="button" disabled={crashed} onclick={act(Action::Crash)}
                        aria-describedby="menu-note-crash">{ "Crash" }</button>
                <button type="button" disabled={!crashed} onclick={act(Action::Restart)}
                        aria-describedby="menu-note-restart">{ "Restart" }</button>
                <button type="button" disabled={crashed || leader} onclick={act(Action::TimeOut)}
                        aria-describedby="menu-note-timeout">{ "Time out" }</button>
            </div>
            <div class="menu-actions secondary">
                <button type="button" onclick={isolate}
                        aria-describedby="menu-note-isolate">
                    { if isolated { "Reconnect" } else { "Isolate" } }
                </button>
                <button type="button" disabled={!can_lead} onclick={act(Action::TransferLeadership)}
                        aria-describedby="menu-note-lead">
                    { "Make leader" }
                </button>
                <button type="button" disabled={crashed} onclick={act(Action::Snapshot)}
                        aria-describedby="menu-note-snapshot">
                    { "Snapshot" }
                </button>
                <button type="button" onclick={p.on_inspect.reform(move |_: MouseEvent| id)}
                        aria-describedby="menu-note-inspect">
                    { "Inspect" }
                </button>
                <button type="button" disabled={!d.member} onclick={act(Action::RemoveServer)}
                        aria-describedby="menu-note-remove">
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
                            <th scope="row" aria-describedby="menu-note-next">{ "nextIndex" }</th>
                            { for d.progress.iter().map(|r| html! {
                                <td class={r.state}>
                                    { r.next_index }
                                </td>
                            }) }
                        </tr>
                        <tr>
                            <th scope="row" aria-describedby="menu-note-match">{ "matchIndex" }</th>
                            { for d.progress.iter().map(|r| html! { <td>{ r.match_index }</td> }) }
                        </tr>
                    </tbody>
                </table>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_menu_inside_the_viewport_stays_put() {
        assert_eq!(clamp_shift((10.0, 20.0, 254.0, 300.0), (720.0, 560.0)), (0, 0));
    }

    #[test]
    fn a_menu_off_an_edge_moves_in_by_what_is_off_plus_the_gap() {
        // Off the left and the top (a server on the left, menu leftwards).
        assert_eq!(clamp_shift((-61.0, -15.0, 183.0, 251.0), (720.0, 560.0)), (65, 19));
        // Off the right and the bottom.
        assert_eq!(clamp_shift((500.0, 400.0, 744.0, 600.0), (720.0, 560.0)), (-28, -44));
    }

    #[test]
    fn a_menu_larger_than_the_viewport_keeps_its_top_left_corner_on_screen() {
        assert_eq!(clamp_shift((-30.0, 100.0, 400.0, 1000.0), (390.0, 844.0)), (34, -96));
    }

    #[test]
    fn a_menu_whose_server_is_on_screen_is_clamped_on_both_axes() {
        // Grown past the bottom (a crash added rows), server still in view.
        let drawn = (20.0, 600.0, 264.0, 900.0);
        assert_eq!(follow_shift(drawn, (390.0, 844.0), 610.0, (0, 0)), (0, -60));
    }

    #[test]
    fn a_menu_whose_server_is_scrolled_away_keeps_its_place_beside_it() {
        // The reader scrolled down: the server is 300 px above the viewport
        // and the menu, grown, reaches from -310 to -10. It is not pulled
        // down into view (the old behaviour: a shift of 314 px, leaving it
        // detached from its server), but it is still kept inside across.
        let drawn = (-30.0, -310.0, 214.0, -10.0);
        assert_eq!(follow_shift(drawn, (390.0, 844.0), -300.0, (0, -12)), (34, -12));
        assert_eq!(clamp_shift(drawn, (390.0, 844.0)).1, 314);
        // Below the viewport alike.
        assert_eq!(
            follow_shift((20.0, 900.0, 264.0, 1200.0), (390.0, 844.0), 910.0, (0, 0)),
            (0, 0)
        );
    }
}
