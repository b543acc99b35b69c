//! The log view: one row per server, one column per log index. Each entry
//! is a box coloured by its term showing its command; entries up to the
//! server's commitIndex are solid, later ones paler with a dashed border. A bar
//! marks each server's commitIndex, and in followers' rows small tags mark
//! the leader's nextIndex and matchIndex for them. Beside each row, the
//! server's key-value state on one line (the first few keys and a count).

use crate::resize_watch::ResizeWatch;
use crate::view_model::logs::{columns, EntryCell, LogRow};
use crate::view_model::roles::RoleView;
use raft::{LogIndex, NodeId};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Number of term colours before they repeat (see style.css, `.t0`…`.t7`).
pub const TERM_COLOURS: u64 = 8;
/// Key-value pairs shown in a row; the rest are counted ("… +5 more") and
/// listed in full in the server's "Inspect" dialog, so the row stays one
/// line at 9 servers with many keys.
const KV_SHOWN: usize = 3;

/// Keeps the log scroller at its right end while the table widens, if the
/// reader was at the right end before it widened.
fn follow_newest(scroller: NodeRef, table: &NodeRef) -> Option<ResizeWatch> {
    let table = table.cast::<web_sys::Element>()?;
    let last_width = Cell::new(0);
    ResizeWatch::start([&table], move || {
        if let Some(el) = scroller.cast::<web_sys::Element>() {
            let was = last_width.get();
            if was > 0 && el.scroll_left() + el.client_width() >= was - 4 {
                el.set_scroll_left(el.scroll_width());
            }
            last_width.set(el.scroll_width());
        }
    })
}

/// Props of [`LogTable`].
#[derive(Properties, PartialEq)]
pub struct LogTableProps {
    /// One row per server, S1 first.
    pub rows: Rc<Vec<Rc<LogRow>>>,
    /// A broken safety property to point at: the servers involved and the
    /// log index, if it is about one.
    #[prop_or_default]
    pub flagged: Option<(Rc<Vec<raft::NodeId>>, Option<LogIndex>)>,
}

/// The logs of every server, aligned by index.
#[function_component(LogTable)]
pub fn log_table(p: &LogTableProps) -> Html {
    let shown = columns(p.rows.iter().map(|r| r.last).max().unwrap_or(0));
    let (first, columns) = (*shown.start(), *shown.end());
    let scroller = use_node_ref();
    let table = use_node_ref();
    {
        // A log reads from entry 1, so the table opens there (on a narrow
        // screen it does not fit). As logs grow it follows the newest
        // entries only if the reader was already at the right end, like a
        // terminal, instead of yanking the view away from what they read.
        // The table's widths are read when the browser has laid it out (a
        // ResizeObserver), not straight after each redraw, which would force
        // a layout of the whole page per new entry.
        let (scroller, table) = (scroller.clone(), table.clone());
        use_effect_with((), move |_| {
            let follow = follow_newest(scroller, &table);
            move || drop(follow)
        });
    }
    html! {
        <section class="logs panel" aria-label="Logs">
            <div class="panel-head">
                <h2>{ "Logs" }</h2>
                <p class="hint">
                    <span class="swatch committed" aria-hidden="true"></span>{ "committed " }
                    <span class="swatch uncommitted" aria-hidden="true"></span>{ "not yet committed " }
                    <span class="swatch commit-bar" aria-hidden="true"></span>{ "commitIndex " }
                    <span class="mark-legend">
                        <span class="mark-key">{ "match" }</span>{ " " }<span class="mark-key">{ "next" }</span>
                        { " the leader's matchIndex and nextIndex for that server (§5.3); a snapshot box: entries compacted (§7)" }
                    </span>
                </p>
                if first > 1 {
                    <p class="hint log-window">
                        { format!("the newest entries; 1–{} are in each server's Inspect dialog", first - 1) }
                    </p>
                }
            </div>
            // Focusable, so a keyboard can scroll it sideways too.
            <div class="log-scroll" ref={scroller} tabindex="0" role="group"
                 aria-label="Log entries by index">
                <table class="log-table" ref={table}>
                    <thead>
                        <tr>
                            <th scope="col" class="who">{ "server" }</th>
                            // A fragment of its own: a keyed list apart from its
                            // unkeyed neighbours (see the row's cells).
                            <>{ for shown.map(|i| html! { <th key={i} scope="col" class="idx">{ i }</th> }) }</>
                            <th class="fill" aria-hidden="true"></th>
                            <th scope="col" class="kv">{ "key-value state" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for p.rows.iter().map(|row| {
                            let flagged = p.flagged.as_ref().filter(|(nodes, _)| nodes.contains(&row.id));
                            html! {
                                <LogRowView key={row.id.0} row={Rc::clone(row)} {first} {columns}
                                    flagged={flagged.is_some()}
                                    flagged_index={flagged.and_then(|(_, index)| *index)} />
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="log-scroll-hint" aria-hidden="true">{ "Scroll the logs sideways for later entries →" }</p>
        </section>
    }
}

/// The leader's progress mark drawn in a cell (§5.3).
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    /// The leader's matchIndex for the row's server.
    Match,
    /// The leader's nextIndex for the row's server.
    Next,
}

impl Mark {
    /// The mark at index `i` of row `r`, if any (matchIndex first).
    fn at(r: &LogRow, i: LogIndex) -> Option<Mark> {
        if r.match_index == Some(i) {
            Some(Mark::Match)
        } else if r.next_index == Some(i) {
            Some(Mark::Next)
        } else {
            None
        }
    }
}

/// A progress mark for server `id`'s row.
fn mark_view(mark: Option<Mark>, id: NodeId) -> Html {
    match mark {
        Some(Mark::Match) => html! {
            <span class="mark match" title={format!("the leader's matchIndex for {id}")}>{ "match" }</span>
        },
        Some(Mark::Next) => html! {
            <span class="mark next" title={format!("the leader's nextIndex for {id}")}>{ "next" }</span>
        },
        None => html! {},
    }
}

/// Props of [`LogCell`].
#[derive(Properties, PartialEq)]
struct CellProps {
    /// The column the cell is drawn in.
    index: LogIndex,
    /// The entry there, or `None` for an empty slot.
    cell: Option<EntryCell>,
    /// The entry is at the server's commitIndex.
    commit_edge: bool,
    /// A broken safety property is about this index.
    flagged: bool,
    mark: Option<Mark>,
    server: NodeId,
}

/// One column of a server's log: an entry's box or an empty slot. A cell
/// is redrawn only when it changes (an entry arriving, committed, the
/// commit edge or a mark moving), not whenever its row gets a new entry.
#[function_component(LogCell)]
fn log_cell(p: &CellProps) -> Html {
    let flagged = p.flagged.then_some("flagged");
    let Some(e) = &p.cell else {
        return html! {
            <td class={classes!("slot", flagged)} data-index={p.index.to_string()}>
                { mark_view(p.mark, p.server) }
            </td>
        };
    };
    html! {
        <td class={classes!(
                "entry",
                format!("t{}", e.term % TERM_COLOURS),
                if e.committed { "committed" } else { "uncommitted" },
                p.commit_edge.then_some("commit-edge"),
                flagged,
            )}
            data-index={p.index.to_string()}
            title={e.title.clone()}>
            <span class="cmd">{ &e.label }</span>
            <span class="eterm" aria-hidden="true">{ e.term }</span>
            { mark_view(p.mark, p.server) }
        </td>
    }
}

/// Props of [`LogRowView`].
#[derive(Properties, PartialEq)]
pub struct LogRowProps {
    /// The server's row.
    pub row: Rc<LogRow>,
    /// The first index column drawn.
    pub first: LogIndex,
    /// The last index column drawn.
    pub columns: LogIndex,
    /// The server is involved in a broken safety property.
    #[prop_or_default]
    pub flagged: bool,
    /// The log index that property is about.
    #[prop_or_default]
    pub flagged_index: Option<LogIndex>,
}

/// One server's log.
#[function_component(LogRowView)]
pub fn log_row_view(p: &LogRowProps) -> Html {
    let r = &p.row;
    let id = r.id.to_string();
    let crashed = r.role == RoleView::Crashed;
    // Entries folded into a snapshot are one box spanning their columns.
    let snapshot = (r.snapshot_index >= p.first).then(|| {
        let n = r.snapshot_index;
        html! {
            <td class="snapshot" colspan={(n + 1 - p.first).to_string()}
                title={format!("entries 1 to {n} are compacted into a snapshot (§7)")}>
                <span class="cmd">{ if n > 1 { format!("snapshot 1–{n}") } else { "snap".to_string() } }</span>
            </td>
        }
    });
    // Keyed by index: as the logs grow, cells are added, not rewritten.
    let first = p.first.max(r.snapshot_index + 1);
    let cells = (first..=p.columns).map(|i| {
        let cell = r.entries.get((i - first) as usize).cloned();
        html! {
            <LogCell key={i} index={i} commit_edge={cell.is_some() && i == r.commit} {cell}
                     flagged={p.flagged_index == Some(i)} mark={Mark::at(r, i)} server={r.id} />
        }
    });
    let (role, status) = if crashed {
        ("crashed", "disk only".to_string())
    } else {
        (r.role.name(), format!("commit {}", r.commit))
    };
    html! {
        <tr class={classes!("log-row", r.role.name(), p.flagged.then_some("violating"))} data-log-node={id.clone()}>
            <th scope="row" class="who">
                <span class="who-line">
                    <span class="who-name">{ &id }</span>
                    <span class="who-role">{ role }</span>
                </span>
                <span class="who-status">{ status }</span>
            </th>
            { for snapshot }
            // The cells as a keyed fragment of their own: loose among the
            // row's other children they would be matched from the row's
            // end, so every new entry would rewrite (keyed: recreate)
            // every cell.
            <>{ for cells }</>
            <td class="fill" aria-hidden="true"></td>
            <td class="kv" data-kv-node={id.clone()}>
                { match &r.kv {
                    None => html! { "down: lost" },
                    Some(pairs) if pairs.is_empty() => html! { <span class="empty">{ "(empty)" }</span> },
                    Some(pairs) => {
                        let more = pairs.len().saturating_sub(KV_SHOWN);
                        html! {
                            <span class="kv-line" title={pairs.join(", ")}>
                                <span class="pairs">
                                    { for pairs.iter().take(KV_SHOWN).enumerate().map(|(i, pair)| html! {
                                        <>
                                            if i > 0 { { ", " } }
                                            <span class="pair">{ pair }</span>
                                        </>
                                    }) }
                                </span>
                                if more > 0 {
                                    <span class="more">{ format!("… +{more} more") }</span>
                                }
                            </span>
                        }
                    }
                } }
            </td>
        </tr>
    }
}
