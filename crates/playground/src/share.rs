//! Sharing the run on the page: the link to this exact run at the moment
//! shown (`#run=2.…`, the simulator's link encoding: settings, origin,
//! every action at its moment), the `<iframe>` code that embeds it, and
//! opening a shared run from a link or a run file. The simulator is
//! deterministic, so a run is rebuilt event for event from its record
//! (`sim::share`, docs/run-format.md).

use crate::run::Run;
use crate::situation::Situation;
use crate::start::Start;
use sim::share::{to_link, LINK_KEY};
use sim::timeline::Origin;
use sim::RunRecord;

/// Width and height of the embed code's `<iframe>`, CSS pixels: the size
/// the embed layout is made for (`?embed`).
pub const EMBED_SIZE: (u32, u32) = (720, 560);

/// The address of the page itself, without query or fragment, e.g.
/// `https://example.org/raft/index.html`.
pub fn page_base() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// The link that opens `record` on the page at `base`: the full
/// playground, or (`embed`) its layout for iframes.
pub fn run_link(base: &str, record: &RunRecord, embed: bool) -> String {
    let query = if embed { "?embed" } else { "" };
    format!("{base}{query}#{LINK_KEY}={}", to_link(record))
}

/// An `<iframe>` snippet that embeds `record` at its moment, titled for
/// screen readers and loaded only when scrolled near.
pub fn embed_code(base: &str, record: &RunRecord) -> String {
    let (w, h) = EMBED_SIZE;
    let src = escape_attribute(&run_link(base, record, true));
    let servers = record.config.servers;
    let seed = record.config.seed;
    format!(
        "<iframe src=\"{src}\" title=\"Raft Playground: {servers} servers, seed {seed}\" \
         width=\"{w}\" height=\"{h}\" loading=\"lazy\" style=\"border:0\"></iframe>"
    )
}

/// `text` safe inside a double-quoted HTML attribute.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A shared run opened: the run at its moment, and what Reset starts
/// after it (the same kind of start: a fresh cluster, or the same
/// ready-made situation). `Err` names what is wrong with the record.
pub fn open(record: &RunRecord) -> Result<(Run, Start), String> {
    let run = Run::from_record(record)?;
    let start = match &record.origin {
        Origin::Fresh => Start::Fresh,
        origin => Situation::of_origin(origin).map_or(Start::Fresh, Start::Situation),
    };
    Ok((run, start))
}

/// The name a run's file is downloaded as: its seed and moment.
pub fn file_name(record: &RunRecord) -> String {
    format!("raft-run-seed{}-{}ms.json", record.config.seed, record.at.time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::share::from_link;
    use sim::{Action, SimConfig, Timeline};

    fn record() -> RunRecord {
        let mut tl = Timeline::new(SimConfig { seed: 8, ..SimConfig::default() }).unwrap();
        tl.run_until(700).unwrap();
        tl.act(Action::Crash(raft::NodeId(3))).unwrap();
        tl.run_until(1_200).unwrap();
        tl.seek(900).unwrap();
        tl.record()
    }

    #[test]
    fn a_run_link_opens_the_same_run_at_the_same_moment() {
        let record = record();
        let link = run_link("https://example.org/raft/", &record, false);
        let fragment = link.strip_prefix("https://example.org/raft/#").unwrap();
        assert_eq!(from_link(fragment).unwrap(), record);
        let (run, start) = open(&record).unwrap();
        assert_eq!(run.timeline().moment(), record.at);
        assert_eq!(start, Start::Fresh);
        assert!(run_link("b", &record, true).starts_with("b?embed#run=2."));
    }

    #[test]
    fn the_embed_code_is_a_lazy_titled_iframe_of_the_embed_layout() {
        let code = embed_code("https://x.org/a\"b&c", &record());
        assert!(
            code.starts_with("<iframe src=\"https://x.org/a&quot;b&amp;c?embed#run=2."),
            "{code}"
        );
        for part in [
            "title=\"Raft Playground: 5 servers, seed 8\"",
            "width=\"720\"",
            "height=\"560\"",
            "loading=\"lazy\"",
        ] {
            assert!(code.contains(part), "{part}: {code}");
        }
    }

    #[test]
    fn a_situation_opens_as_itself_and_a_refused_action_is_named() {
        let config = SimConfig { seed: 2, ..SimConfig::default() };
        let tl = Timeline::from_origin(Origin::DivergentFollower, config).unwrap();
        let (_, start) = open(&tl.record()).unwrap();
        assert_eq!(start, Start::Situation(Situation::DivergentFollower));
        let mut bad = record();
        bad.actions[0].action = Action::Crash(raft::NodeId(12));
        let e = open(&bad).err().expect("crashing S12 of 5 is refused");
        assert!(e.contains("crash S12"), "{e}");
    }
}
