//! Playback speed: how fast virtual time runs compared with the wall clock.
//!
//! The Speed slider is logarithmic, so that each notch multiplies the speed
//! by the same factor: from one thousandth of real time (an election takes
//! minutes) to real time (an election takes a fraction of a second). The
//! default makes one message flight (10–20 virtual ms, DESIGN.md) last
//! about a second on screen.

use sim::decimal::fixed;

/// Slowest playback: virtual ms per wall ms.
pub const SPEED_MIN: f64 = 0.001;
/// Fastest playback: real time.
pub const SPEED_MAX: f64 = 1.0;
/// Positions of the Speed slider: `0` is [`SPEED_MIN`], `SLIDER_MAX` is
/// [`SPEED_MAX`].
pub const SLIDER_MAX: u32 = 300;
/// The default speed: a 15 ms message flight takes about one second.
pub const DEFAULT_SPEED: f64 = 0.015;
/// Most wall time one animation frame may account for. A hidden tab gets
/// no frames for a while; on return the cluster resumes instead of jumping
/// ahead by minutes.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;

/// The speed at slider position `pos` (log scale).
pub fn speed_at(pos: u32) -> f64 {
    let f = f64::from(pos.min(SLIDER_MAX)) / f64::from(SLIDER_MAX);
    SPEED_MIN * (SPEED_MAX / SPEED_MIN).powf(f)
}

/// The slider position closest to `speed`.
pub fn position_of(speed: f64) -> u32 {
    let speed = speed.clamp(SPEED_MIN, SPEED_MAX);
    let f = (speed / SPEED_MIN).ln() / (SPEED_MAX / SPEED_MIN).ln();
    (f * f64::from(SLIDER_MAX)).round() as u32
}

/// Virtual milliseconds that pass in a frame that took `wall_ms`.
pub fn advance(wall_ms: f64, speed: f64) -> f64 {
    if !wall_ms.is_finite() {
        return 0.0;
    }
    wall_ms.clamp(0.0, MAX_FRAME_WALL_MS) * speed
}

/// The speed for people: "0.015× real time".
pub fn describe(speed: f64) -> String {
    if speed >= 0.995 {
        "1× (real time)".to_string()
    } else if speed >= 0.1 {
        format!("{}×", fixed(speed, 2))
    } else if speed >= 0.01 {
        format!("{}×", fixed(speed, 3))
    } else {
        format!("{}×", fixed(speed, 4))
    }
}

/// How long one virtual millisecond lasts on screen: "1 ms lasts 67 ms".
pub fn describe_stretch(speed: f64) -> String {
    let wall = 1.0 / speed;
    if wall >= 1000.0 {
        format!("1 ms of Raft lasts {} s", fixed(wall / 1000.0, 1))
    } else {
        format!("1 ms of Raft lasts {} ms", fixed(wall, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_is_slowest_at_its_minimum_and_fastest_at_its_maximum() {
        assert!((speed_at(0) - SPEED_MIN).abs() < 1e-12);
        assert!((speed_at(SLIDER_MAX) - SPEED_MAX).abs() < 1e-9);
        for p in 1..=SLIDER_MAX {
            assert!(speed_at(p) > speed_at(p - 1), "monotonic at {p}");
        }
    }

    #[test]
    fn default_speed_makes_a_message_flight_last_about_a_second() {
        let s = speed_at(position_of(DEFAULT_SPEED));
        let flight_ms = 15.0 / s;
        assert!((800.0..1200.0).contains(&flight_ms), "{flight_ms}");
    }

    #[test]
    fn a_long_pause_between_frames_is_capped() {
        assert_eq!(advance(60_000.0, 1.0), MAX_FRAME_WALL_MS);
        assert_eq!(advance(-5.0, 1.0), 0.0);
        assert_eq!(advance(f64::NAN, 1.0), 0.0);
        assert!((advance(16.0, 0.015) - 0.24).abs() < 1e-9);
    }

    #[test]
    fn readouts() {
        assert_eq!(describe(0.015), "0.015×");
        assert_eq!(describe(1.0), "1× (real time)");
        assert_eq!(describe_stretch(0.015), "1 ms of Raft lasts 67 ms");
        assert_eq!(describe_stretch(0.001), "1 ms of Raft lasts 1.0 s");
    }

    #[test]
    fn readouts_read_as_the_format_precision_would_at_every_slider_position() {
        for pos in 0..=SLIDER_MAX {
            let s = speed_at(pos);
            let places = if s >= 0.1 {
                2
            } else if s >= 0.01 {
                3
            } else {
                4
            };
            if s < 0.995 {
                assert_eq!(describe(s), format!("{s:.places$}×"), "position {pos}");
            }
            let wall = 1.0 / s;
            let stretch = if wall >= 1000.0 {
                format!("1 ms of Raft lasts {:.1} s", wall / 1000.0)
            } else {
                format!("1 ms of Raft lasts {wall:.0} ms")
            };
            assert_eq!(describe_stretch(s), stretch, "position {pos}");
        }
    }
}
