//! The seeded generator the caller hands in for the election timeout.
//!
//! Raft needs randomness in exactly one place: the election timeout, drawn
//! anew from a range at every reset so that split votes resolve (§5.2). It is
//! seeded by the caller so that a run is a pure function of seed and inputs.

use serde::{Deserialize, Serialize};

/// SplitMix64: tiny, fast, and good enough for timeouts and fault schedules.
/// The same seed gives the same sequence on every platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole future is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub fn range_inclusive(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        // Multiply-shift: unbiased enough for spans this small.
        lo + mul_high(self.next_u64(), span)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: f64) -> bool {
        percent > 0.0 && (self.next_u64() as f64 / u64::MAX as f64) * 100.0 < percent
    }
}

/// The high 64 bits of the 128-bit product `a * b`, from 32-bit halves.
/// Bit for bit what `(a as u128 * b as u128) >> 64` gives, but wasm has no
/// 64×64→128 multiply: there the u128 form is a call to `__multi3`, about
/// 3% of the simulator's time in the browser.
fn mul_high(a: u64, b: u64) -> u64 {
    const LOW: u64 = 0xffff_ffff;
    let (a_lo, a_hi) = (a & LOW, a >> 32);
    let (b_lo, b_hi) = (b & LOW, b >> 32);
    let hi_lo = a_hi * b_lo;
    // At most 2^64 - 1: (2^32 - 1) + (2^32 - 1) + (2^32 - 1)^2.
    let middle = ((a_lo * b_lo) >> 32) + (hi_lo & LOW) + a_lo * b_hi;
    a_hi * b_hi + (hi_lo >> 32) + (middle >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_high_is_the_high_half_of_the_wide_product() {
        let wide = |a: u64, b: u64| ((u128::from(a) * u128::from(b)) >> 64) as u64;
        let edges = [0, 1, 2, 0xffff_ffff, 0x1_0000_0000, u64::MAX - 1, u64::MAX];
        for &a in &edges {
            for &b in &edges {
                assert_eq!(mul_high(a, b), wide(a, b), "{a} * {b}");
            }
        }
        let mut rng = Rng::new(7);
        for _ in 0..100_000 {
            let (a, b) = (rng.next_u64(), rng.next_u64());
            assert_eq!(mul_high(a, b), wide(a, b), "{a} * {b}");
        }
    }

    #[test]
    fn same_seed_same_sequence_and_within_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.range_inclusive(150, 300);
            assert_eq!(x, b.range_inclusive(150, 300));
            assert!((150..=300).contains(&x));
        }
    }

    #[test]
    fn covers_both_ends_of_the_range() {
        let mut r = Rng::new(1);
        let draws: Vec<u64> = (0..5000).map(|_| r.range_inclusive(0, 3)).collect();
        for v in 0..=3 {
            assert!(draws.contains(&v), "never drew {v}");
        }
    }
}
