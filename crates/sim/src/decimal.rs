//! Decimal numbers written and read with integer arithmetic: percentages in
//! the actions' descriptions, and the page's speeds, times and SVG
//! coordinates.
//!
//! Rust's own float formatting (`{:.1}`, `f64::to_string`) and parsing
//! (`str::parse::<f64>`) are exact for every input, and bring tens of
//! kilobytes of tables and big-number code into the page's wasm for it.
//! Every number here needs a few digits after the point at most, so a
//! value is rounded to that many and written as an integer with a point
//! put in; reading takes the same shortcut (Clinger's fast path, which is
//! exact for the short decimals people type).

use std::fmt;

/// Most digits after the point a [`Decimal`] keeps.
pub const MAX_PLACES: u8 = 6;

/// A number rounded to a few digits after the point, ready to be written
/// with `{}`: [`fixed`] keeps every digit (`0.010`), [`short`] drops
/// trailing zeros and a bare point (`0.01`, `640`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The value times 10^`places`, rounded half away from zero.
    scaled: i64,
    /// Digits after the point.
    places: u8,
    /// Drop trailing zeros after the point (and the point with them).
    trim: bool,
}

/// `value` with exactly `places` digits after the point (at most
/// [`MAX_PLACES`]), rounded half away from zero: `fixed(0.015, 3)` writes
/// `0.015` and `fixed(0.01, 3)` writes `0.010`, as `{:.3}` would.
pub fn fixed(value: f64, places: u8) -> Decimal {
    Decimal::new(value, places, false)
}

/// `value` rounded to at most `places` digits after the point, without
/// trailing zeros: `short(12.0, 1)` writes `12`, `short(9.5, 1)` writes
/// `9.5`, as `f64`'s `{}` writes such numbers.
pub fn short(value: f64, places: u8) -> Decimal {
    Decimal::new(value, places, true)
}

impl Decimal {
    fn new(value: f64, places: u8, trim: bool) -> Self {
        let places = places.min(MAX_PLACES);
        // `as` saturates at i64's range and takes NaN to 0.
        let scaled = (value * POW10[usize::from(places)]).round() as i64;
        Decimal { scaled, places, trim }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = 10u64.pow(u32::from(self.places));
        let magnitude = self.scaled.unsigned_abs();
        let (whole, mut frac, mut places) = (magnitude / unit, magnitude % unit, self.places);
        if self.trim {
            while places > 0 && frac % 10 == 0 {
                frac /= 10;
                places -= 1;
            }
        }
        if self.scaled < 0 {
            f.write_str("-")?;
        }
        write!(f, "{whole}")?;
        if places > 0 {
            write!(f, ".{frac:0width$}", width = usize::from(places))?;
        }
        Ok(())
    }
}

/// 10^0 to 10^22: every one exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Read a decimal number as `str::parse::<f64>` reads it: an optional sign,
/// digits with at most one point (`2`, `0.015`, `.5`, `3.`) and an optional
/// exponent (`1e-3`). `inf`, `nan`, hex and anything else are `None`. The
/// result equals `str::parse`'s whenever the digits (leading zeros aside)
/// fit in 2^53 and the power of ten is within 10^±22, which covers every
/// number a person types; beyond that it is within a few units in the last
/// place.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match rest.split_once(['e', 'E']) {
        Some((number, exponent)) => (number, exponent.parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = || whole.bytes().chain(frac.bytes());
    if whole.len() + frac.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The digits as an integer times 10^power; digits past u64's reach
    // are dropped (they move the value by less than one part in 10^18).
    let mut mantissa: u64 = 0;
    let mut power = i64::from(exponent) - frac.len() as i64;
    for d in digits() {
        match mantissa.checked_mul(10).and_then(|m| m.checked_add(u64::from(d - b'0'))) {
            Some(m) => mantissa = m,
            None => power += 1,
        }
    }
    let magnitude = scale(mantissa as f64, power);
    Some(if negative { -magnitude } else { magnitude })
}

/// `m` × 10^`power`: one correctly rounded multiplication or division
/// while 10^|power| is exact, steps of 10^22 beyond.
fn scale(mut m: f64, mut power: i64) -> f64 {
    const STEP: i64 = 22;
    while power > STEP {
        m *= POW10[22];
        power -= STEP;
        if m.is_infinite() {
            return m;
        }
    }
    while power < -STEP {
        m /= POW10[22];
        power += STEP;
        if m == 0.0 {
            return m;
        }
    }
    let p = POW10[power.unsigned_abs() as usize];
    if power >= 0 {
        m * p
    } else {
        m / p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_writes_every_place_like_the_format_precision() {
        for (value, places) in [(0.015, 3), (0.01, 3), (0.25, 2), (1.0, 2), (0.2, 4), (67.0, 0)] {
            let want = format!("{value:.prec$}", prec = usize::from(places));
            assert_eq!(fixed(value, places).to_string(), want, "{value} to {places} places");
        }
        assert_eq!(fixed(12.34, 1).to_string(), "12.3");
        assert_eq!(fixed(-3.06, 1).to_string(), "-3.1");
        assert_eq!(fixed(0.04, 1).to_string(), "0.0");
        assert_eq!(fixed(-0.04, 1).to_string(), "0.0", "no sign on a zero");
    }

    #[test]
    fn short_drops_trailing_zeros_like_display() {
        for value in [640.0, 544.0, 9.5, 5.5, -26.0, -16.5, 31.5, 0.0, 4.125, 12.5] {
            assert_eq!(short(value, 3).to_string(), value.to_string());
        }
        assert_eq!(short(21.080000000000002, 2).to_string(), "21.08");
        assert_eq!(short(3.0001, 1).to_string(), "3");
        assert_eq!(short(-0.5, 1).to_string(), "-0.5");
    }

    #[test]
    fn places_are_capped_and_huge_values_saturate() {
        assert_eq!(fixed(0.5, 9).to_string(), "0.500000");
        assert_eq!(short(f64::NAN, 1).to_string(), "0");
        assert_eq!(short(f64::INFINITY, 0).to_string(), i64::MAX.to_string());
    }

    #[test]
    fn parse_equals_the_standard_parser_on_typed_numbers() {
        let typed = [
            "0.015",
            "0.1",
            "1",
            "1.0",
            ".5",
            "3.",
            "0.001",
            "0.0010",
            "1e-3",
            "1E-3",
            "2.5e+1",
            "-0.5",
            "+0.25",
            "0",
            "-0",
            "000.0700",
            "0.333333333333333",
            "123456789012345678",
            "7e22",
            "1e-22",
            "0.30000000000000004",
        ];
        for text in typed {
            let want: f64 = text.parse().unwrap();
            assert_eq!(parse(text).map(f64::to_bits), Some(want.to_bits()), "{text}");
        }
    }

    #[test]
    fn parse_is_close_beyond_the_fast_path() {
        for text in ["1e300", "1e-300", "12345678901234567890123", "0.1234567890123456789"] {
            let want: f64 = text.parse().unwrap();
            let got = parse(text).unwrap();
            assert!(((got - want) / want).abs() < 1e-14, "{text}: {got} vs {want}");
        }
        assert_eq!(parse("1e400"), Some(f64::INFINITY));
        assert_eq!(parse("1e-400"), Some(0.0));
    }

    #[test]
    fn parse_refuses_what_is_not_a_decimal() {
        for text in
            ["", ".", "-", "e3", "1e", "1.2.3", "0x10", "inf", "NaN", "1,5", " 1", "1 ", "--1"]
        {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
