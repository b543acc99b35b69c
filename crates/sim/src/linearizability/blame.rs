//! Which operations to show as the reason a key's history has no
//! linearization: the one the search could not place, and the operations it
//! contradicts. Like Porcupine's visualizer, this points at a small set a
//! person can read off the diagram rather than proving minimality.

use super::search::{Effect, KeyOp};

/// The operations `stuck` (a read the search could not place) contradicts,
/// as indices into `ops`, ascending. Of the operations that must take
/// effect before it (they returned before it was invoked), take the latest
/// — those no other such operation must follow: a write of another value
/// than it read conflicts with it directly (the stale read); a read of
/// another value does too, with the writes of that value it may have seen
/// (reading back in time). Empty when `stuck` is a write, or a read of a
/// value no one wrote with nothing before it.
pub(super) fn conflicts(ops: &[KeyOp], stuck: usize) -> Vec<usize> {
    let Effect::Read(read) = ops[stuck].effect else { return Vec::new() };
    let before: Vec<usize> = (0..ops.len()).filter(|&p| ops[p].precedes(&ops[stuck])).collect();
    let latest = before.iter().filter(|&&p| !before.iter().any(|&q| ops[p].precedes(&ops[q])));
    let mut marked = vec![false; ops.len()];
    for &p in latest {
        match ops[p].effect {
            Effect::Write(v) if v != read => marked[p] = true,
            Effect::Read(v) if v != read => {
                marked[p] = true;
                for w in 0..ops.len() {
                    if ops[w].effect == Effect::Write(v) && !ops[p].precedes(&ops[w]) {
                        marked[w] = true;
                    }
                }
            }
            _ => {}
        }
    }
    (0..ops.len()).filter(|&i| marked[i]).collect()
}
