//! A guided tour on the page: the tour's data is fetched from `tours/`
//! beside the page when a person opens it (`?tour=ID&step=N`, the Tours
//! menu, or the host's `tour` action), played by [`sim::tour::Runner`] on
//! the page's own timeline, and drawn by the tour panel. What a step
//! highlights is marked on the drawing with `data-highlight="true"`.

use sim::tour::{Runner, Step, Tour};
use wasm_bindgen::JsCast;

/// Where the tours' files are, relative to the page.
pub const TOURS_DIR: &str = "tours";

/// The path of tour `id`'s file, or why `id` cannot name one.
pub fn tour_path(id: &str) -> Result<String, String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(format!(
            "there is no tour called '{}'",
            id.chars().take(40).collect::<String>()
        ));
    }
    Ok(format!("{TOURS_DIR}/{id}.json"))
}

/// A tour being shown: its runner and the choice made in the step's
/// question, if any.
pub struct TourState {
    /// Plays the tour on the page's timeline.
    pub runner: Runner,
    /// The choice picked in the shown step's question.
    pub answered: Option<usize>,
}

impl TourState {
    /// The step shown.
    pub fn step(&self) -> &Step {
        let n = self.runner.shown();
        self.runner.tour().step(n).expect("the runner shows one of its steps")
    }

    /// The tour.
    pub fn tour(&self) -> &Tour {
        self.runner.tour()
    }
}

/// The CSS selectors of what `step` highlights on the page: servers (in
/// the ring and the log table), log cells, messages in flight, the rule.
pub fn highlight_selectors(step: &Step) -> Vec<String> {
    let h = &step.highlight;
    let mut out = Vec::new();
    for id in &h.servers {
        out.push(format!("[data-node=\"{id}\"]"));
        out.push(format!("[data-log-node=\"{id}\"] > th"));
    }
    for c in &h.cells {
        // The row's cells after its heading are indexes 1, 2, … (tours
        // start without snapshots).
        out.push(format!("[data-log-node=\"{}\"] > td:nth-of-type({})", c.server, c.index));
    }
    if let Some(kind) = h.message {
        out.push(format!("[data-msg][data-kind=\"{}\"]", kind.name()));
    }
    if let Some(rule) = h.rule {
        out.push(format!("[data-rule=\"{}\"]", rule.name()));
    }
    out
}

/// Mark exactly the elements under `root` that `selectors` match with
/// `data-highlight="true"` (and unmark any others).
pub fn mark(root: &web_sys::Element, selectors: &[String]) {
    if let Ok(old) = root.query_selector_all("[data-highlight]") {
        for i in 0..old.length() {
            if let Some(el) = old.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.remove_attribute("data-highlight");
            }
        }
    }
    if selectors.is_empty() {
        return;
    }
    if let Ok(found) = root.query_selector_all(&selectors.join(",")) {
        for i in 0..found.length() {
            if let Some(el) = found.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.set_attribute("data-highlight", "true");
            }
        }
    }
}
