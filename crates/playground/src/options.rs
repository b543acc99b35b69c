//! How the page starts: seed, cluster size, speed, whether it plays, and
//! what the cluster starts as, taken from the address
//! (`?seed=42&servers=3&speed=0.1&paused&start=divergent`) so that a link
//! reproduces a cluster, or chosen at random. A fragment
//! `#seed=N[&bug=NAME]` instead replays swarm seed N exactly as the
//! verification tests ran it (see [`ReplayLink`]).

use crate::playback::speed;
use crate::run::ReplayLink;
use crate::start::Start;
use sim::decimal::{self, short, MAX_PLACES};

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
    /// Lay the page out for an iframe (`?embed`): the ring, the logs and
    /// the Command box in a small space, with an "Open in full" link.
    pub embed: bool,
    /// The only origin of a host page the postMessage API answers
    /// (`?host=https://blog.example`): actions from a parent page of
    /// another origin are ignored and events are posted to that origin
    /// only. `None`: the parent page, whatever its origin.
    pub host: Option<String>,
    /// What the first cluster starts as (`?start=divergent`, or a replay
    /// named by the fragment).
    pub start: Start,
    /// A shared run to open at its moment, paused (`#run=2.…`, see
    /// [`sim::share::from_link`]).
    pub shared: Option<sim::RunRecord>,
    /// A tour to open, and the step to open it at (`?tour=ID&step=N`;
    /// step 1 without `step`).
    pub tour: Option<(String, usize)>,
    /// What in the address could not be used, every problem in words and
    /// what the page does instead, joined by " · " (a bad parameter keeps
    /// its default; a bad replay fragment starts an ordinary cluster).
    pub link_error: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: None,
            servers: 5,
            speed: speed::DEFAULT_SPEED,
            autoplay: true,
            embed: false,
            host: None,
            start: Start::Fresh,
            shared: None,
            tour: None,
            link_error: None,
        }
    }
}

impl Options {
    /// Read a query string such as `?seed=42&servers=3`. A parameter that
    /// cannot be used leaves its default and is reported in
    /// [`Options::link_error`], every one of them, in words: the page
    /// still starts.
    pub fn from_query(query: &str) -> Self {
        let mut o = Options::default();
        let mut problems = Vec::new();
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Err(problem) = o.set(key, value) {
                problems.push(problem);
            }
        }
        if let Some((id, _)) = &o.tour {
            if id.is_empty() {
                o.tour = None;
                problems.push("step needs a tour=ID beside it: it is ignored".into());
            }
        }
        o.link_error = joined(problems);
        o
    }

    /// Take one address parameter, or say why it cannot be used and what
    /// the page does instead.
    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let got = shown(value);
        match key {
            "seed" => {
                self.seed = Some(value.parse().map_err(|_| {
                    format!(
                        "seed must be a whole number from 0 to {}; got {got} — starting with a \
                         random seed",
                        u64::MAX
                    )
                })?)
            }
            "servers" => {
                let max = sim::MAX_SERVERS;
                match value.parse::<u8>() {
                    Ok(n) if (1..=max).contains(&n) => self.servers = n,
                    _ => {
                        return Err(format!(
                            "servers must be 1–{max}; got {got} — starting with {}",
                            self.servers
                        ))
                    }
                }
            }
            "speed" => {
                let (min, max) = (speed::SPEED_MIN, speed::SPEED_MAX);
                let (lo, hi) = (short(min, 3), short(max, 3));
                match decimal::parse(value) {
                    Some(s) if (min..=max).contains(&s) => self.speed = s,
                    Some(s) if s.is_finite() && s > 0.0 => {
                        self.speed = s.clamp(min, max);
                        return Err(format!(
                            "speed must be {lo}–{hi} (virtual ms per wall ms); got {got} — \
                             playing at {}",
                            short(self.speed, MAX_PLACES)
                        ));
                    }
                    _ => {
                        return Err(format!(
                            "speed must be a number from {lo} to {hi} (virtual ms per wall \
                             ms); got {got} — playing at {}",
                            short(self.speed, MAX_PLACES)
                        ))
                    }
                }
            }
            "paused" => match value {
                "" | "1" | "true" => self.autoplay = false,
                "0" | "false" => self.autoplay = true,
                _ => {
                    return Err(format!(
                        "paused takes no value, or 1, true, 0 or false; got {got} — playing \
                         from the start"
                    ))
                }
            },
            "embed" => self.embed = true,
            "host" => {
                self.host = Some(origin(value).ok_or_else(|| {
                    format!(
                        "host must be an origin such as https://blog.example (no path); got \
                         {got} — answering the parent page whatever its origin"
                    )
                })?)
            }
            "tour" => {
                let step = self.tour.take().map_or(1, |(_, n)| n);
                self.tour = Some((value.to_string(), step));
            }
            "step" => {
                let id = self.tour.take().map(|(id, _)| id).unwrap_or_default();
                match value.parse::<usize>() {
                    Ok(n) if n >= 1 => self.tour = Some((id, n)),
                    _ => {
                        self.tour = Some((id, 1));
                        return Err(format!(
                            "step must be a whole number from 1; got {got} — opening the tour at \
                             step 1"
                        ));
                    }
                }
            }
            "start" => {
                self.start = Start::from_name(value).ok_or_else(|| {
                    let names: Vec<&str> = Start::menu().map(Start::name).collect();
                    format!(
                        "start must be one of {}; got {got} — starting with {}",
                        names.join(", "),
                        self.start.label()
                    )
                })?
            }
            _ => {
                return Err(format!(
                    "the address has a parameter this page does not know, {}: it is ignored",
                    shown(key)
                ))
            }
        }
        Ok(())
    }

    /// Read a whole address: its query string and its fragment (a shared
    /// run, `#run=…`, or a swarm seed to replay, `#seed=N`).
    pub fn from_address(query: &str, fragment: &str) -> Self {
        let mut o = Self::from_query(query);
        let run = fragment.trim_start_matches('#').strip_prefix(sim::share::LINK_KEY);
        let read = match run.and_then(|r| r.strip_prefix('=')) {
            Some(link) => sim::share::from_link(link).map(|record| {
                o.shared = Some(record);
                o.autoplay = false;
            }),
            None => ReplayLink::from_fragment(fragment).map(|link| {
                if let Some(link) = link {
                    o.start = Start::Replay(link);
                }
            }),
        };
        if let Err(e) = read {
            o.link_error = joined(o.link_error.into_iter().chain([e]).collect());
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

/// The problems as one message, or `None` if there are none.
fn joined(problems: Vec<String>) -> Option<String> {
    (!problems.is_empty()).then(|| problems.join(" · "))
}

/// A value from the address as a message quotes it: in quotes, cut short
/// if long, `nothing` if empty.
fn shown(value: &str) -> String {
    if value.is_empty() {
        return "nothing".into();
    }
    let mut cut: String = value.chars().take(24).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    format!("'{cut}'")
}

/// A web origin as `?host=` gives it: `http` or `https`, `://`, and a
/// host name with an optional port, nothing after it (a trailing `/` is
/// dropped), spelled as a browser spells `MessageEvent.origin` (lower
/// case, not percent-encoded).
fn origin(value: &str) -> Option<String> {
    let (scheme, host) = value.split_once("://")?;
    let host = host.strip_suffix('/').unwrap_or(host);
    let allowed = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | ':' | '[' | ']')
    };
    let usable = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.starts_with(':')
        && host.chars().all(allowed);
    usable.then(|| format!("{scheme}://{host}"))
}

/// A fresh random seed (a new cluster on every Reset), from the
/// platform's source of randomness (the browser's `crypto.getRandomValues`).
pub fn random_seed() -> u64 {
    let mut bytes = [0; 8];
    let drawn = match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        // No source of randomness at all: the clock is still a fresh seed.
        Err(_) => js_sys::Date::now() as u64,
    };
    // Seeds short enough to read out and type into a link.
    drawn % 1_000_000
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
    fn a_tour_link_names_the_tour_and_its_step() {
        let o = Options::from_query("?step=4&tour=figure-7");
        assert_eq!((o.tour, o.link_error), (Some(("figure-7".into(), 4)), None));
        assert_eq!(Options::from_query("?tour=closer-look").tour, Some(("closer-look".into(), 1)));
        let (o, e) = problem("?tour=figure-7&step=zero");
        assert_eq!(o.tour, Some(("figure-7".into(), 1)));
        assert!(e.starts_with("step must be a whole number from 1; got 'zero'"), "{e}");
        let (o, e) = problem("?step=2");
        assert_eq!(o.tour, None);
        assert!(e.contains("tour=ID"), "{e}");
    }

    #[test]
    fn random_seeds_are_short_and_differ() {
        let seeds: Vec<u64> = (0..20).map(|_| random_seed()).collect();
        assert!(seeds.iter().all(|&s| s < 1_000_000), "{seeds:?}");
        assert!(seeds.iter().any(|&s| s != seeds[0]), "{seeds:?}");
    }

    /// The one problem `query` has, and the options it leaves.
    fn problem(query: &str) -> (Options, String) {
        let o = Options::from_query(query);
        let e = o.link_error.clone().unwrap_or_else(|| panic!("{query}: no problem reported"));
        assert!(!e.contains(" · "), "{query}: more than one problem: {e}");
        (o, e)
    }

    #[test]
    fn each_unusable_parameter_is_reported_and_keeps_its_default() {
        let d = Options::default();
        for (query, says) in [
            ("?servers=0", "servers must be 1–9; got '0' — starting with 5"),
            ("?servers=100", "servers must be 1–9; got '100' — starting with 5"),
            ("?servers=", "servers must be 1–9; got nothing — starting with 5"),
            ("?seed=-1", "seed must be a whole number from 0 to 18446744073709551615; got '-1'"),
            ("?seed=x", "— starting with a random seed"),
            ("?speed=abc", "speed must be a number from 0.001 to 1 (virtual ms per wall ms); got 'abc' — playing at 0.015"),
            ("?speed=-1", "got '-1' — playing at 0.015"),
            ("?speed=NaN", "got 'NaN'"),
            ("?start=nope", "start must be one of fresh, divergent; got 'nope' — starting with a fresh cluster"),
            ("?paused=maybe", "paused takes no value, or 1, true, 0 or false; got 'maybe' — playing from the start"),
            ("?other=1", "a parameter this page does not know, 'other': it is ignored"),
        ] {
            let (o, e) = problem(query);
            assert!(e.contains(says), "{query}: {e}");
            assert_eq!(Options { link_error: None, ..o }, d, "{query}");
        }
        let long = format!("?seed={}", "9".repeat(100));
        assert!(problem(&long).1.contains("got '999999999999999999999999…'"));
    }

    #[test]
    fn a_speed_out_of_range_is_reported_and_brought_into_it() {
        let (o, e) = problem("?speed=100");
        assert_eq!(o.speed, speed::SPEED_MAX);
        assert!(
            e.contains("speed must be 0.001–1 (virtual ms per wall ms); got '100' — playing at 1"),
            "{e}"
        );
        assert_eq!(problem("?speed=0.00001").0.speed, speed::SPEED_MIN);
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let o = Options::from_address("?seed=x&servers=12&speed=-1&servers=3&other=1", "#seed=y");
        let e = o.link_error.clone().unwrap();
        let problems: Vec<&str> = e.split(" · ").collect();
        assert_eq!(problems.len(), 5, "{e}");
        for (problem, says) in
            problems.iter().zip(["seed", "servers", "speed", "other", "not a whole number"])
        {
            assert!(problem.contains(says), "{problem}");
        }
        assert_eq!(o.servers, 3, "a good parameter still counts");
        assert_eq!((o.seed, o.speed, o.start), (None, speed::DEFAULT_SPEED, Start::Fresh));
        assert_eq!(Options::from_query("?seed=4&paused=0").link_error, None);
    }

    #[test]
    fn host_names_the_one_origin_the_api_answers() {
        let o = Options::from_query("?embed&host=https://blog.example:8443/");
        assert_eq!(o.host.as_deref(), Some("https://blog.example:8443"));
        assert_eq!(o.link_error, None);
        assert_eq!(
            Options::from_query("?host=http://127.0.0.1:4173").host.as_deref(),
            Some("http://127.0.0.1:4173")
        );
        for bad in [
            "",
            "blog.example",
            "ftp://blog.example",
            "https://",
            "https://a.example/post",
            "https://a b",
            "https%3A%2F%2Fa.example",
            "https://Blog.example",
            "javascript:alert(1)",
        ] {
            let (o, e) = problem(&format!("?host={bad}"));
            assert_eq!(o.host, None, "{bad}: the default, the parent page whatever its origin");
            assert!(e.starts_with("host must be an origin"), "{bad}: {e}");
        }
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
    fn a_run_link_opens_that_run_paused_and_a_bad_one_says_why() {
        let mut tl = sim::Timeline::new(sim::SimConfig::default()).unwrap();
        tl.run_until(500).unwrap();
        let link = sim::share::to_link(&tl.record());
        let o = Options::from_address("?embed", &format!("#run={link}"));
        assert_eq!(o.shared, Some(tl.record()));
        assert!(!o.autoplay && o.embed && o.link_error.is_none());
        let bad = Options::from_address("", &format!("#run={}", &link[..link.len() - 8]));
        assert!(bad.shared.is_none() && bad.autoplay);
        assert!(bad.link_error.is_some_and(|e| e.contains("cut short")));
        let seven = Options::from_address("", "#run=7.AAAA");
        assert!(seven.link_error.is_some_and(|e| e.contains("this link is version 7")));
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
