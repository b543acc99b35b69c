//! One key's history as a list of call and return entries in time order,
//! from which the search lifts an operation (its call and its return) when
//! it linearizes it and puts it back when it backtracks — the doubly linked
//! list of Wing & Gong's algorithm, as Lowe's "just-in-time" variant and
//! Porcupine use it. Unlinking keeps an entry's own links, so putting
//! entries back in the reverse order of taking them out restores the list
//! exactly (Knuth's dancing links).

/// No entry: the end of the list.
const NONE: usize = usize::MAX;

/// An entry of the list: an operation's invocation or its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Entry {
    /// Operation `op` (its index among the key's operations) was invoked.
    Call(usize),
    /// Operation `op` returned.
    Return(usize),
}

/// The entries still in the list, linked in time order.
#[derive(Clone, Debug)]
pub(super) struct Entries {
    /// Links of entry `e`: calls are `2 * op`, returns `2 * op + 1`, and the
    /// head (before the first entry) is the last slot.
    next: Vec<usize>,
    prev: Vec<usize>,
}

impl Entries {
    /// A list of `ops` operations' entries, linked in `order`.
    pub(super) fn new(ops: usize, order: impl IntoIterator<Item = Entry>) -> Self {
        let head = 2 * ops;
        let mut list = Entries { next: vec![NONE; head + 1], prev: vec![NONE; head + 1] };
        let mut last = head;
        for entry in order {
            let e = slot(entry);
            list.next[last] = e;
            list.prev[e] = last;
            last = e;
        }
        list
    }

    /// The first entry still in the list.
    pub(super) fn first(&self) -> Option<Entry> {
        self.after(self.next.len() - 1)
    }

    /// The entry after `entry`.
    pub(super) fn next(&self, entry: Entry) -> Option<Entry> {
        self.after(slot(entry))
    }

    fn after(&self, e: usize) -> Option<Entry> {
        match self.next[e] {
            NONE => None,
            n if n % 2 == 0 => Some(Entry::Call(n / 2)),
            n => Some(Entry::Return(n / 2)),
        }
    }

    /// Take operation `op` out: its call, and its return if it has one.
    pub(super) fn lift(&mut self, op: usize, returns: bool) {
        self.unlink(2 * op);
        if returns {
            self.unlink(2 * op + 1);
        }
    }

    /// Put operation `op` back where it was (the reverse of [`lift`]).
    pub(super) fn unlift(&mut self, op: usize, returns: bool) {
        if returns {
            self.relink(2 * op + 1);
        }
        self.relink(2 * op);
    }

    fn unlink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = n;
        if n != NONE {
            self.prev[n] = p;
        }
    }

    fn relink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = e;
        if n != NONE {
            self.prev[n] = e;
        }
    }
}

fn slot(entry: Entry) -> usize {
    match entry {
        Entry::Call(op) => 2 * op,
        Entry::Return(op) => 2 * op + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(list: &Entries) -> Vec<Entry> {
        std::iter::successors(list.first(), |&e| list.next(e)).collect()
    }

    #[test]
    fn lifting_and_putting_back_restores_the_order() {
        use Entry::*;
        let order = [Call(0), Call(1), Return(0), Call(2), Return(1)];
        let mut list = Entries::new(3, order);
        assert_eq!(walk(&list), order);
        list.lift(0, true);
        assert_eq!(walk(&list), [Call(1), Call(2), Return(1)]);
        list.lift(2, false);
        assert_eq!(walk(&list), [Call(1), Return(1)]);
        list.unlift(2, false);
        list.unlift(0, true);
        assert_eq!(walk(&list), order);
    }
}
