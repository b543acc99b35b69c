//! The log view's rows: each server's entries (or its snapshot), its
//! commitIndex, the leader's nextIndex and matchIndex for it, and its
//! key-value state — rebuilt only for servers that changed. The view
//! draws a window of the newest index columns ([`columns`]), so the page
//! stays as light after an hour's run as after a minute; every entry is
//! still listed in its server's "Inspect" dialog.

use super::roles::RoleView;
use crate::describe;
use raft::{LogIndex, NodeId, Term};
use sim::Sim;
use std::ops::RangeInclusive;
use std::rc::Rc;

/// Most index columns the log view draws: the newest ones.
pub const TABLE_COLUMNS: LogIndex = 24;
/// The window moves on in steps this long, so that as the logs grow, cells
/// are mostly added at the right instead of every cell shifting left.
const WINDOW_STEP: LogIndex = 8;
/// Fewest index columns drawn, so an empty log still looks like a log.
const MIN_COLUMNS: LogIndex = 8;

/// The index columns the log view draws, first to last, when the longest
/// log ends at index `longest`: from entry 1 while they fit in
/// [`TABLE_COLUMNS`], else the newest, always with one spare column past
/// the longest log (where a leader's nextIndex for an up-to-date follower
/// points, §5.3).
pub fn columns(longest: LogIndex) -> RangeInclusive<LogIndex> {
    let last = (longest + 1).max(MIN_COLUMNS);
    let over = last.saturating_sub(TABLE_COLUMNS);
    over.div_ceil(WINDOW_STEP) * WINDOW_STEP + 1..=last
}

/// One entry's box in the log view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryCell {
    /// Its index.
    pub index: LogIndex,
    /// The term it was created in (its colour).
    pub term: Term,
    /// `x←3`, `get x`, `no-op` ….
    pub label: String,
    /// Tooltip.
    pub title: String,
    /// index ≤ this server's commitIndex.
    pub committed: bool,
}

/// One server's row in the log view, with its key-value state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// The server.
    pub id: NodeId,
    /// Its role, or crashed (a crashed row shows the disk's log, greyed).
    pub role: RoleView,
    /// commitIndex (0 when crashed).
    pub commit: LogIndex,
    /// The last index folded into a snapshot (0 if none): entries up to it
    /// are compacted away (§7).
    pub snapshot_index: LogIndex,
    /// The entries still stored that fall in the drawn [`columns`],
    /// oldest first.
    pub entries: Vec<EntryCell>,
    /// The log's last index (0 if empty).
    pub last: LogIndex,
    /// The leader's nextIndex for this server (followers only).
    pub next_index: Option<LogIndex>,
    /// The leader's matchIndex for this server (followers only).
    pub match_index: Option<LogIndex>,
    /// Its key-value state as "x = 3" pairs, or `None` when crashed.
    pub kv: Option<Vec<String>>,
}

/// What a log row depends on; a row is rebuilt only when this changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct RowKey {
    /// The first column drawn.
    from: LogIndex,
    up: bool,
    role: Option<RoleView>,
    /// The last index its snapshot covers: a snapshot changes the row
    /// without changing the log's end.
    snapshot: LogIndex,
    last: (LogIndex, Term),
    commit: LogIndex,
    applied: LogIndex,
    progress: Option<(LogIndex, LogIndex)>,
}

/// The log view's rows, rebuilt row by row as servers change.
#[derive(Default)]
pub struct LogRows {
    keys: Vec<RowKey>,
    rows: Rc<Vec<Rc<LogRow>>>,
}

impl LogRows {
    /// The rows as last built.
    pub fn rows(&self) -> Rc<Vec<Rc<LogRow>>> {
        Rc::clone(&self.rows)
    }

    /// Rebuild the rows whose server changed. Returns true if any did.
    pub fn refresh(&mut self, sim: &Sim) -> bool {
        let leader = sim.leader().and_then(|l| sim.server(l)).map(|s| &s.raft);
        let ids: Vec<NodeId> = sim.ids().collect();
        let last_index = |id: NodeId| match sim.server(id) {
            Some(s) => s.raft.log().last_index(),
            None => sim.disk(id).log.last_index(),
        };
        let from = *columns(ids.iter().map(|&id| last_index(id)).max().unwrap_or(0)).start();
        let mut changed = ids.len() != self.keys.len();
        let mut rows: Vec<Rc<LogRow>> = Vec::with_capacity(ids.len());
        let mut keys = Vec::with_capacity(ids.len());
        for (k, &id) in ids.iter().enumerate() {
            let progress =
                leader.and_then(|l| l.progress().get(&id)).map(|p| (p.next_index, p.match_index));
            let key = match sim.server(id) {
                Some(s) => RowKey {
                    from,
                    up: true,
                    role: Some(RoleView::of_server(sim, &s.raft)),
                    snapshot: s.raft.log().snapshot_point().0,
                    last: (s.raft.log().last_index(), s.raft.log().last_term()),
                    commit: s.raft.commit_index(),
                    applied: s.raft.last_applied(),
                    progress,
                },
                None => {
                    let log = &sim.disk(id).log;
                    RowKey {
                        from,
                        snapshot: log.snapshot_point().0,
                        last: (log.last_index(), log.last_term()),
                        ..RowKey::default()
                    }
                }
            };
            let old = self.rows.get(k).filter(|_| self.keys.get(k) == Some(&key));
            match old {
                Some(row) => rows.push(Rc::clone(row)),
                None => {
                    changed = true;
                    rows.push(Rc::new(log_row(sim, id, progress, from)));
                }
            }
            keys.push(key);
        }
        if changed {
            self.rows = Rc::new(rows);
        }
        self.keys = keys;
        changed
    }
}

/// Builds server `id`'s row with its entries from index `from` on;
/// `progress` is the leader's (nextIndex, matchIndex) for it.
pub fn log_row(
    sim: &Sim,
    id: NodeId,
    progress: Option<(LogIndex, LogIndex)>,
    from: LogIndex,
) -> LogRow {
    let (role, commit, log, kv) = match sim.server(id) {
        Some(s) => (
            RoleView::of_server(sim, &s.raft),
            s.raft.commit_index(),
            s.raft.log(),
            Some(describe::kv_pairs(s.kv.data())),
        ),
        None => (RoleView::Crashed, 0, &sim.disk(id).log, None),
    };
    let entries = log
        .iter_range(from..=log.last_index())
        .map(|e| EntryCell {
            index: e.index,
            term: e.term,
            label: describe::entry_label(&e.payload),
            title: describe::entry_title(e, e.index <= commit),
            committed: e.index <= commit,
        })
        .collect();
    LogRow {
        id,
        role,
        commit,
        snapshot_index: log.snapshot_point().0,
        entries,
        last: log.last_index(),
        next_index: progress.map(|p| p.0),
        match_index: progress.map(|p| p.1),
        kv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cluster, elect};
    use sim::{Action, ClientId, Target};

    #[test]
    fn log_rows_show_entries_commands_and_commitment() {
        let mut sim = cluster(5, 3);
        let leader = elect(&mut sim);
        let op = sim::parse_command("put x 3").unwrap();
        sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
        // The request flies 10–20 ms to the leader; committing takes at
        // least one more round trip (20 ms or more) after that.
        let t = sim.now() + 25;
        sim.run_until(t);
        let mut rows = LogRows::default();
        assert!(rows.refresh(&sim));
        let lrow = rows.rows()[usize::from(leader.0) - 1].clone();
        let last = lrow.entries.last().unwrap();
        assert_eq!(last.label, "x←3");
        assert!(!last.committed, "not committed before a round trip to the followers");
        assert_eq!(lrow.entries[0].label, "no-op");
        assert!(!rows.refresh(&sim), "nothing changed, nothing rebuilt");
        let t = sim.now() + 200;
        sim.run_until(t);
        assert!(rows.refresh(&sim));
        let rows = rows.rows();
        let lrow = &rows[usize::from(leader.0) - 1];
        assert!(lrow.entries.last().unwrap().committed);
        assert_eq!(lrow.kv, Some(vec!["x = 3".to_string()]));
        let follower = rows.iter().find(|r| r.id != leader).unwrap();
        assert_eq!(follower.match_index, Some(lrow.entries.len() as u64));
        assert_eq!(follower.next_index, Some(lrow.entries.len() as u64 + 1));
    }

    #[test]
    fn the_log_view_draws_a_window_of_the_newest_columns() {
        assert_eq!(columns(0), 1..=MIN_COLUMNS, "an empty log still looks like a log");
        assert_eq!(columns(TABLE_COLUMNS - 1), 1..=TABLE_COLUMNS, "from entry 1 while it fits");
        // One entry more moves the window a whole step on, then it holds
        // while the logs grow through that step.
        assert_eq!(columns(TABLE_COLUMNS), WINDOW_STEP + 1..=TABLE_COLUMNS + 1);
        assert_eq!(
            columns(TABLE_COLUMNS + WINDOW_STEP - 1),
            WINDOW_STEP + 1..=TABLE_COLUMNS + WINDOW_STEP
        );
        for longest in 0..500 {
            let shown = columns(longest);
            assert!(shown.end() - shown.start() < TABLE_COLUMNS, "never more than the window");
            assert_eq!(
                *shown.end(),
                (longest + 1).max(MIN_COLUMNS),
                "the spare column past the longest log"
            );
        }
    }

    #[test]
    fn a_long_log_row_holds_only_the_windowed_entries() {
        let mut sim = cluster(3, 7);
        let leader = elect(&mut sim);
        for n in 0..TABLE_COLUMNS {
            let op = sim::parse_command(&format!("put k {n}")).unwrap();
            sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
            let t = sim.now() + 200;
            sim.run_until(t);
        }
        let mut rows = LogRows::default();
        rows.refresh(&sim);
        let row = rows.rows()[usize::from(leader.0) - 1].clone();
        let shown = columns(row.last);
        assert!(*shown.start() > 1, "the log outgrew the window: {}", row.last);
        assert_eq!(row.entries.first().map(|e| e.index), Some(*shown.start()));
        assert_eq!(row.entries.last().map(|e| e.index), Some(row.last));
    }

    #[test]
    fn the_cached_log_rows_follow_a_snapshot() {
        let mut sim = cluster(5, 5);
        let leader = elect(&mut sim);
        let t = sim.now() + 300; // the leader's no-op commits and is applied
        sim.run_until(t);
        let mut rows = LogRows::default();
        rows.refresh(&sim);
        let row = |rows: &LogRows| rows.rows()[usize::from(leader.0) - 1].snapshot_index;
        assert_eq!(row(&rows), 0);
        sim.act(Action::Snapshot(leader)).unwrap();
        assert!(rows.refresh(&sim), "a snapshot changes the leader's row");
        assert!(row(&rows) >= 1, "the row shows the snapshot");
    }

    #[test]
    fn a_snapshot_replaces_the_prefix_of_a_log_row() {
        let mut sim = cluster(5, 6);
        let leader = elect(&mut sim);
        for cmd in ["put x 1", "put y 2"] {
            let op = sim::parse_command(cmd).unwrap();
            sim.act(Action::Submit { client: ClientId(1), op, target: Target::Leader }).unwrap();
            let t = sim.now() + 300;
            sim.run_until(t);
        }
        sim.act(Action::Snapshot(leader)).unwrap();
        let row = log_row(&sim, leader, None, 1);
        assert!(row.snapshot_index >= 2, "applied entries were compacted: {}", row.snapshot_index);
        let first = row.entries.first().map_or(row.snapshot_index + 1, |e| e.index);
        assert_eq!(first, row.snapshot_index + 1, "stored entries follow the snapshot");
        assert_eq!(row.kv, Some(vec!["x = 1".to_string(), "y = 2".to_string()]));
    }
}
