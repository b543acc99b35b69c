//! Where things are drawn in the cluster view: servers on a ring (S1 at the
//! top, then clockwise), clients at the centre, and messages part-way along
//! the line from sender to receiver.

/// Width of the cluster view's SVG coordinate system.
pub const VIEW_W: f64 = 640.0;
/// Height of the cluster view's SVG coordinate system.
pub const VIEW_H: f64 = 544.0;
/// Centre of the ring (where the clients sit).
pub const CENTER: Point = Point { x: VIEW_W / 2.0, y: 272.0 };
/// Radius of the ring the servers sit on.
pub const RING_R: f64 = 180.0;
/// Radius of a server's circle.
pub const NODE_R: f64 = 34.0;
/// Radius of the election-timer arc around a server.
pub const TIMER_R: f64 = NODE_R + 7.0;
/// Half the size of the client box at the centre (messages stop at its edge).
pub const CLIENT_R: f64 = 22.0;
/// How far apart the two directions of a link run, so that a request and
/// its reply between the same two servers do not sit on top of each other.
pub const LANE: f64 = 5.0;

/// A point in the SVG coordinate system.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Left to right.
    pub x: f64,
    /// Top to bottom.
    pub y: f64,
}

/// Where server number `index` (0-based: S1 is 0) of `n` sits: S1 at the
/// top, the others clockwise.
pub fn server_position(index: usize, n: usize) -> Point {
    let (sin, cos) = sin_cos(server_angle(index, n));
    Point { x: CENTER.x + RING_R * sin, y: CENTER.y - RING_R * cos }
}

/// The angle of a server on the ring, in radians clockwise from the top.
pub fn server_angle(index: usize, n: usize) -> f64 {
    std::f64::consts::TAU * index as f64 / n.max(1) as f64
}

/// The sine and cosine of an angle within one turn (radians, 0 to τ),
/// summed from their Taylor series once the angle is moved to −π…π, where
/// 14 terms leave an error below 10⁻¹⁵. The ring's angles never leave one
/// turn, so this spares the page the general `f64::sin`/`cos`, whose
/// range reduction for any angle is about 8 KB of wasm.
pub fn sin_cos(angle: f64) -> (f64, f64) {
    use std::f64::consts::{PI, TAU};
    let x = if angle > PI { angle - TAU } else { angle };
    let x2 = x * x;
    let (mut sin, mut cos) = (0.0, 0.0);
    let (mut sin_term, mut cos_term) = (x, 1.0);
    for k in 1..=14 {
        sin += sin_term;
        cos += cos_term;
        let k = f64::from(k);
        sin_term *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
        cos_term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
    }
    (sin, cos)
}

/// Where client number `index` (0-based: C1 is 0) sits: at the centre.
pub fn client_position(index: usize) -> Point {
    Point { x: CENTER.x + 56.0 * index as f64, y: CENTER.y }
}

/// Which side of its server a label sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Above the server: lines stack upwards from the anchor.
    Above,
    /// Below the server: lines hang down from the anchor.
    Below,
    /// Left or right of the server: lines are centred on the anchor.
    Beside,
}

/// How a label beside a server is anchored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelSpot {
    /// The point just outside the server's timer arc, away from the centre.
    pub at: Point,
    /// SVG `text-anchor`: `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// Which way the lines run from `at`.
    pub placement: Placement,
}

/// Height of one line of a server's label, in SVG units.
pub const LABEL_LINE: f64 = 15.0;

/// Where a server's label goes: just outside its timer arc, pointing away
/// from the centre, so labels never run into the ring's interior.
pub fn label_spot(index: usize, n: usize) -> LabelSpot {
    let (sin, cos) = sin_cos(server_angle(index, n));
    let (dx, dy) = (sin, -cos);
    let c = server_position(index, n);
    let reach = TIMER_R + 8.0;
    let at = Point { x: c.x + dx * reach, y: c.y + dy * reach };
    let anchor = if dx > 0.35 {
        "start"
    } else if dx < -0.35 {
        "end"
    } else {
        "middle"
    };
    let placement = if dy < -0.35 {
        Placement::Above
    } else if dy > 0.35 {
        Placement::Below
    } else {
        Placement::Beside
    };
    LabelSpot { at, anchor, placement }
}

/// The baselines of a `lines`-line label at `spot`.
pub fn label_baselines(spot: LabelSpot, lines: usize) -> impl Iterator<Item = f64> {
    let lines_f = lines as f64;
    let first = match spot.placement {
        Placement::Above => spot.at.y - (lines_f - 1.0) * LABEL_LINE,
        Placement::Below => spot.at.y + 12.0,
        Placement::Beside => spot.at.y + 4.5 - (lines_f - 1.0) * LABEL_LINE / 2.0,
    };
    (0..lines).map(move |i| first + i as f64 * LABEL_LINE)
}

/// How far along its flight a message is: 0 at `sent_at`, 1 at
/// `deliver_at`, clamped.
pub fn flight_progress(now: f64, sent_at: f64, deliver_at: f64) -> f64 {
    let span = deliver_at - sent_at;
    if span <= 0.0 {
        return 1.0;
    }
    ((now - sent_at) / span).clamp(0.0, 1.0)
}

/// Where a message is drawn: `progress` of the way from the edge of the
/// sender (radius `from_r`) to the edge of the receiver (radius `to_r`),
/// shifted sideways into its direction's lane.
pub fn message_position(from: Point, from_r: f64, to: Point, to_r: f64, progress: f64) -> Point {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        return from;
    }
    let (ux, uy) = (dx / len, dy / len);
    let start = Point { x: from.x + ux * from_r, y: from.y + uy * from_r };
    let travel = (len - from_r - to_r).max(0.0);
    // Perpendicular, to the right of the direction of travel.
    let (px, py) = (-uy, ux);
    Point {
        x: start.x + ux * travel * progress + px * LANE,
        y: start.y + uy * travel * progress + py * LANE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
    }

    #[test]
    fn s1_is_at_the_top_and_the_ring_runs_clockwise() {
        let s1 = server_position(0, 4);
        assert!(close(s1, Point { x: CENTER.x, y: CENTER.y - RING_R }));
        let s2 = server_position(1, 4);
        assert!(close(s2, Point { x: CENTER.x + RING_R, y: CENTER.y }), "S2 is to the right");
    }

    #[test]
    fn sin_cos_matches_the_standard_functions_around_the_ring() {
        for n in 1..=12 {
            for i in 0..n {
                let a = server_angle(i, n);
                let (sin, cos) = sin_cos(a);
                assert!((sin - a.sin()).abs() < 1e-14, "sin of {i}/{n} turn: {sin}");
                assert!((cos - a.cos()).abs() < 1e-14, "cos of {i}/{n} turn: {cos}");
            }
        }
        let (sin, cos) = sin_cos(std::f64::consts::TAU - 1e-9);
        assert!((sin + 1e-9).abs() < 1e-14 && (cos - 1.0).abs() < 1e-14);
    }

    #[test]
    fn nine_servers_do_not_overlap_and_stay_inside_the_view() {
        let n = 9;
        for i in 0..n {
            let p = server_position(i, n);
            assert!(p.x - TIMER_R > 0.0 && p.x + TIMER_R < VIEW_W);
            assert!(p.y - TIMER_R > 0.0 && p.y + TIMER_R < VIEW_H);
            let q = server_position((i + 1) % n, n);
            let d = ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
            assert!(d > 2.0 * TIMER_R + 10.0, "S{} and its neighbour are {d} apart", i + 1);
        }
    }

    #[test]
    fn a_message_flies_from_edge_to_edge_in_its_own_lane() {
        let a = Point { x: 0.0, y: 0.0 };
        let b = Point { x: 100.0, y: 0.0 };
        let start = message_position(a, 10.0, b, 10.0, 0.0);
        let end = message_position(a, 10.0, b, 10.0, 1.0);
        assert!(close(start, Point { x: 10.0, y: LANE }));
        assert!(close(end, Point { x: 90.0, y: LANE }));
        let back = message_position(b, 10.0, a, 10.0, 0.5);
        assert!(close(back, Point { x: 50.0, y: -LANE }), "the reply runs in the other lane");
    }

    #[test]
    fn progress_is_clamped() {
        assert_eq!(flight_progress(5.0, 10.0, 20.0), 0.0);
        assert_eq!(flight_progress(15.0, 10.0, 20.0), 0.5);
        assert_eq!(flight_progress(25.0, 10.0, 20.0), 1.0);
        assert_eq!(flight_progress(10.0, 10.0, 10.0), 1.0);
    }

    #[test]
    fn labels_point_away_from_the_centre() {
        let n = 5;
        assert_eq!(label_spot(0, n).anchor, "middle");
        assert_eq!(label_spot(0, n).placement, Placement::Above);
        assert!(label_spot(0, n).at.y < server_position(0, n).y - NODE_R);
        assert_eq!(label_spot(1, n).anchor, "start");
        assert_eq!(label_spot(4, n).anchor, "end");
        assert_eq!(label_spot(2, n).placement, Placement::Below);
        assert!(label_spot(2, n).at.y > server_position(2, n).y + NODE_R);
    }

    #[test]
    fn two_line_labels_stay_inside_the_view() {
        for n in 1..=9 {
            for i in 0..n {
                let spot = label_spot(i, n);
                for y in label_baselines(spot, 2) {
                    assert!(y > 14.0 && y < VIEW_H - 4.0, "S{} of {n}: baseline {y}", i + 1);
                }
                // Room for about 75 units of text ("candidate") on the side it runs to.
                let room = match spot.anchor {
                    "start" => VIEW_W - spot.at.x,
                    "end" => spot.at.x,
                    _ => VIEW_W / 2.0,
                };
                assert!(room > 75.0, "S{} of {n}: only {room} units for its label", i + 1);
            }
        }
    }
}
