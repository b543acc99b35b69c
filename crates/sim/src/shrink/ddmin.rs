//! Delta debugging over a list of actions (Zeller and Hildebrandt,
//! "Simplifying and Isolating Failure-Inducing Input", TSE 2002): split
//! the failing list into `n` chunks and try the list without each chunk;
//! a complement that still fails becomes the list (granularity `n - 1`),
//! and when none does the chunks are halved, down to single actions. When
//! it ends, no single action can be removed: the list is 1-minimal.
//!
//! Only complements are tried (never a chunk on its own): the faults of a
//! counterexample work together, so keeping a lone chunk almost never
//! fails, and each try costs a whole replay.

/// Where the search over one list stands: which complement to try next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Ddmin {
    /// How many chunks the list is split into.
    n: usize,
    /// The chunk whose complement is tried next.
    chunk: usize,
    /// Complements rejected in a row at this granularity: when all `n`
    /// are, the chunks are halved (or, at single actions, the search ends).
    rejected: usize,
    /// Every single action was tried after the last removal: 1-minimal.
    done: bool,
}

impl Ddmin {
    /// Start over a list of `len` actions: two halves first.
    pub(super) fn new(len: usize) -> Ddmin {
        Ddmin { n: 2.min(len.max(1)), chunk: 0, rejected: 0, done: false }
    }

    /// Start at the finest granularity: each single action in turn.
    pub(super) fn singles(len: usize) -> Ddmin {
        Ddmin { n: len.max(1), chunk: 0, rejected: 0, done: false }
    }

    /// The next candidate for a list of `len` actions: the indices to
    /// keep, or `None` when the list is 1-minimal.
    pub(super) fn candidate(&self, len: usize) -> Option<Vec<usize>> {
        if len == 0 || self.done {
            return None;
        }
        let (start, end) = bounds(len, self.n, self.chunk);
        Some((0..len).filter(|i| !(start..end).contains(i)).collect())
    }

    /// The candidate still breaks the property and is now the list (of
    /// `len` actions): go on at one chunk fewer, from the same place.
    pub(super) fn kept(&mut self, len: usize) {
        self.n = self.n.saturating_sub(1).max(2).min(len.max(1));
        if self.chunk >= self.n {
            self.chunk = 0;
        }
        self.rejected = 0;
    }

    /// The candidate did not break the property: try the next chunk, or
    /// halve the chunks once every complement failed.
    pub(super) fn rejected(&mut self, len: usize) {
        self.rejected += 1;
        self.chunk = (self.chunk + 1) % self.n;
        if self.rejected < self.n {
            return;
        }
        if self.n < len {
            self.n = (2 * self.n).min(len);
            self.chunk = 0;
            self.rejected = 0;
        } else {
            self.done = true;
        }
    }
}

/// The half-open range of chunk `k` of `n` over `len` items.
fn bounds(len: usize, n: usize, k: usize) -> (usize, usize) {
    (k * len / n, (k + 1) * len / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run ddmin over `0..len` with `fails` as the oracle; returns what is
    /// kept and how many tries it took.
    fn minimise(len: usize, fails: impl Fn(&[usize]) -> bool) -> (Vec<usize>, usize) {
        let mut list: Vec<usize> = (0..len).collect();
        let mut d = Ddmin::new(len);
        let mut tries = 0;
        while let Some(keep) = d.candidate(list.len()) {
            tries += 1;
            let next: Vec<usize> = keep.iter().map(|&i| list[i]).collect();
            if fails(&next) {
                list = next;
                d.kept(list.len());
            } else {
                d.rejected(list.len());
            }
        }
        (list, tries)
    }

    #[test]
    fn finds_the_two_actions_that_together_break_it() {
        let (kept, tries) = minimise(40, |l| l.contains(&7) && l.contains(&31));
        assert_eq!(kept, [7, 31]);
        assert!(tries < 60, "{tries} tries");
    }

    #[test]
    fn the_result_is_one_minimal() {
        // Fails when at least three of the multiples of 5 are present.
        let fails = |l: &[usize]| l.iter().filter(|&&i| i % 5 == 0).count() >= 3;
        let (kept, _) = minimise(23, fails);
        assert_eq!(kept.len(), 3);
        for i in 0..kept.len() {
            let mut fewer = kept.clone();
            fewer.remove(i);
            assert!(!fails(&fewer), "removing {} still fails", kept[i]);
        }
    }

    #[test]
    fn a_single_action_and_an_empty_list() {
        assert_eq!(minimise(1, |l| l.contains(&0)).0, [0]);
        assert_eq!(minimise(9, |_| true).0, Vec::<usize>::new(), "nothing is needed");
        assert_eq!(Ddmin::new(0).candidate(0), None);
    }
}
