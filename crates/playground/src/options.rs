//! How the page starts: seed, cluster size, speed, and whether it plays,
//! taken from the address (`?seed=42&servers=3&speed=0.1&paused`) so that a
//! link reproduces a cluster, or chosen at random. A fragment
//! `#seed=N[&bug=NAME]` instead replays swarm seed N exactly as the
//! verification tests ran it (the link a failing seed prints; see
//! `sim::swarm::page_link`).

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
    /// What the first cluster starts as (`?start=divergent`).
    pub situation: crate::situation::Situation,
    /// Replay this swarm run instead of starting a cluster to play with.
    pub replay: Option<ReplayLink>,
    /// Why the address's replay fragment could not be used (the page then
    /// starts an ordinary cluster and says so).
    pub link_error: Option<String>,
}

/// A swarm run to replay: its seed and the bug switch it was run with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayLink {
    /// The swarm seed.
    pub seed: u64,
    /// The bug switch, if the run was a break-Raft run.
    pub bug: Option<raft::Bug>,
}

impl ReplayLink {
    /// Read a fragment such as `#seed=1186&bug=commit_by_counting_old_terms`.
    /// `Ok(None)` if the fragment names no run; `Err` says what is wrong
    /// with one that tries to.
    pub fn from_fragment(fragment: &str) -> Result<Option<Self>, String> {
        let mut seed = None;
        let mut bug = None;
        for pair in fragment.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "seed" => {
                    seed =
                        Some(value.parse::<u64>().map_err(|_| {
                            format!("the link's seed '{value}' is not a whole number")
                        })?)
                }
                "bug" => {
                    bug = Some(value.parse::<raft::Bug>().map_err(|e| format!("the link: {e}"))?)
                }
                _ => {}
            }
        }
        match (seed, bug) {
            (Some(seed), bug) => Ok(Some(ReplayLink { seed, bug })),
            (None, Some(_)) => Err("the link names a bug switch but no seed".to_string()),
            (None, None) => Ok(None),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: None,
            servers: 5,
            speed: playback::DEFAULT_SPEED,
            autoplay: true,
            situation: crate::situation::Situation::Fresh,
            replay: None,
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
                            o.speed = s.clamp(playback::SPEED_MIN, playback::SPEED_MAX);
                        }
                    }
                }
                "paused" => o.autoplay = value == "0" || value == "false",
                "start" => {
                    o.situation = crate::situation::Situation::from_name(value).unwrap_or_default()
                }
                _ => {}
            }
        }
        o
    }

    /// Read a whole address: its query string and its fragment.
    pub fn from_address(query: &str, fragment: &str) -> Self {
        let mut o = Self::from_query(query);
        match ReplayLink::from_fragment(fragment) {
            Ok(replay) => o.replay = replay,
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
        assert_eq!(o.situation, crate::situation::Situation::DivergentFollower);
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

    #[test]
    fn a_fragment_names_a_swarm_run_to_replay() {
        let o = Options::from_address("?paused", "#seed=1186&bug=commit_by_counting_old_terms");
        let link = o.replay.expect("a replay link");
        assert_eq!(link.seed, 1186);
        assert_eq!(link.bug, Some(raft::Bug::CommitByCountingOldTerms));
        assert!(!o.autoplay);
        assert_eq!(Options::from_address("", "#seed=7").replay.unwrap().bug, None);
        assert_eq!(Options::from_address("", "").replay, None);
    }

    #[test]
    fn a_broken_replay_link_says_what_is_wrong() {
        for (fragment, says) in [
            ("#seed=x", "not a whole number"),
            ("#seed=3&bug=nope", "no bug switch called 'nope'"),
            ("#bug=vote_without_log_check", "no seed"),
        ] {
            let o = Options::from_address("", fragment);
            assert_eq!(o.replay, None, "{fragment}");
            assert!(o.link_error.as_deref().is_some_and(|e| e.contains(says)), "{fragment}: {o:?}");
        }
    }
}
