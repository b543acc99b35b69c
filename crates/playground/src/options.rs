//! How the page starts: seed, cluster size, speed, and whether it plays,
//! taken from the address (`?seed=42&servers=3&speed=0.1&paused`) so that a
//! link reproduces a cluster, or chosen at random.

use crate::playback;

/// Start-up settings of the playground.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Seed of the first cluster; `None` picks one at random.
    pub seed: Option<u64>,
    /// Servers in the first cluster (1–9).
    pub servers: u8,
    /// Playback speed, virtual ms per wall ms.
    pub speed: f64,
    /// Start playing at once.
    pub autoplay: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: None, servers: 5, speed: playback::DEFAULT_SPEED, autoplay: true }
    }
}

impl Options {
    /// Read a query string such as `?seed=42&servers=3`. Unknown or
    /// malformed parameters are ignored: the page still starts.
    pub fn from_query(query: &str) -> Self {
        let mut o = Options::default();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "seed" => o.seed = value.parse().ok().or(o.seed),
                "servers" => {
                    if let Ok(n) = value.parse::<u8>() {
                        if (1..=sim::MAX_SERVERS).contains(&n) {
                            o.servers = n;
                        }
                    }
                }
                "speed" => {
                    if let Ok(s) = value.parse::<f64>() {
                        if s.is_finite() && s > 0.0 {
                            o.speed = s.clamp(playback::SPEED_MIN, playback::SPEED_MAX);
                        }
                    }
                }
                "paused" => o.autoplay = value == "0" || value == "false",
                _ => {}
            }
        }
        o
    }

    /// The settings in the current page's address.
    pub fn from_location() -> Self {
        let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        Self::from_query(&query)
    }
}

/// A fresh random seed (a new cluster on every Reset).
pub fn random_seed() -> u64 {
    // Seeds short enough to read out and type into a link.
    (js_sys::Math::random() * 1_000_000.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_sets_seed_size_speed_and_pause() {
        let o = Options::from_query("?seed=42&servers=3&speed=0.5&paused");
        assert_eq!(o.seed, Some(42));
        assert_eq!(o.servers, 3);
        assert_eq!(o.speed, 0.5);
        assert!(!o.autoplay);
    }

    #[test]
    fn bad_parameters_are_ignored() {
        let o = Options::from_query("?seed=x&servers=12&speed=-1&other=1");
        assert_eq!(o, Options::default());
        assert_eq!(Options::from_query("?speed=100").speed, playback::SPEED_MAX);
    }
}
