//! How the page starts: seed, cluster size, speed, whether it plays, and
//! what the cluster starts as, taken from the address
//! (`?seed=42&servers=3&speed=0.1&paused&start=divergent`) so that a link
//! reproduces a cluster, or chosen at random. A fragment
//! `#seed=N[&bug=NAME]` instead replays swarm seed N exactly as the
//! verification tests ran it (see [`ReplayLink`]).

use crate::playback::speed;
use crate::run::ReplayLink;
use crate::start::Start;

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
    /// What the first cluster starts as (`?start=divergent`, or a replay
    /// named by the fragment).
    pub start: Start,
    /// Why the address's replay fragment could not be used (the page then
    /// starts an ordinary cluster and says so).
    pub link_error: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: None,
            servers: 5,
            speed: speed::DEFAULT_SPEED,
            autoplay: true,
            start: Start::Fresh,
            link_error: None,
        }
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
                            o.speed = s.clamp(speed::SPEED_MIN, speed::SPEED_MAX);
                        }
                    }
                }
                "paused" => o.autoplay = value == "0" || value == "false",
                "start" => o.start = Start::from_name(value).unwrap_or_default(),
                _ => {}
            }
        }
        o
    }

    /// Read a whole address: its query string and its fragment.
    pub fn from_address(query: &str, fragment: &str) -> Self {
        let mut o = Self::from_query(query);
        match ReplayLink::from_fragment(fragment) {
            Ok(Some(link)) => o.start = Start::Replay(link),
            Ok(None) => {}
            Err(e) => o.link_error = Some(e),
        }
        o
    }

    /// The settings in the current page's address.
    pub fn from_location() -> Self {
        let location = web_sys::window().map(|w| w.location());
        let read = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
        };
        Self::from_address(&read(web_sys::Location::search), &read(web_sys::Location::hash))
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
        let o = Options::from_query("?seed=42&servers=3&speed=0.5&paused&start=divergent");
        let divergent = crate::situation::Situation::DivergentFollower;
        assert_eq!(o.start, Start::Situation(divergent));
        assert_eq!(o.seed, Some(42));
        assert_eq!(o.servers, 3);
        assert_eq!(o.speed, 0.5);
        assert!(!o.autoplay);
    }

    #[test]
    fn bad_parameters_are_ignored() {
        let o = Options::from_query("?seed=x&servers=12&speed=-1&other=1");
        assert_eq!(o, Options::default());
        assert_eq!(Options::from_query("?speed=100").speed, speed::SPEED_MAX);
    }

    #[test]
    fn a_fragment_names_a_swarm_run_to_replay() {
        let o = Options::from_address("?paused", "#seed=1186&bug=commit_by_counting_old_terms");
        let link = ReplayLink { seed: 1186, bug: Some(raft::Bug::CommitByCountingOldTerms) };
        assert_eq!(o.start, Start::Replay(link));
        assert!(!o.autoplay);
        let seven = ReplayLink { seed: 7, bug: None };
        assert_eq!(Options::from_address("", "#seed=7").start, Start::Replay(seven));
        assert_eq!(Options::from_address("", "").start, Start::Fresh);
        let replay_wins = Options::from_address("?start=divergent", "#seed=7");
        assert_eq!(replay_wins.start, Start::Replay(seven));
    }

    #[test]
    fn a_broken_replay_link_says_what_is_wrong() {
        for (fragment, says) in [
            ("#seed=x", "not a whole number"),
            ("#seed=3&bug=nope", "no bug switch called 'nope'"),
            ("#bug=vote_without_log_check", "no seed"),
        ] {
            let o = Options::from_address("", fragment);
            assert_eq!(o.start, Start::Fresh, "{fragment}");
            assert!(o.link_error.as_deref().is_some_and(|e| e.contains(says)), "{fragment}: {o:?}");
        }
    }
}
