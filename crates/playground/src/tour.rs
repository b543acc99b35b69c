//! A guided tour on the page: the tour's data is fetched from `tours/`
//! beside the page (packed at build time, `sim::tour`'s pack module) when a
//! person opens it (`?tour=ID&step=N`, the Tours
//! menu, or the host's `tour` action), played by [`sim::tour::Runner`] on
//! the page's own timeline, and drawn by the tour panel. What a step
//! highlights is marked on the drawing with `data-highlight="true"`.

use sim::tour::{pack_file, Runner, Step, Tour, INDEX_PACK};
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
    Ok(format!("{TOURS_DIR}/{}", pack_file(id)))
}

/// The path of the tour list's file.
pub fn index_path() -> String {
    format!("{TOURS_DIR}/{INDEX_PACK}")
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
        // Each entry's cell carries its log index, so a cell is found
        // after a snapshot too (which folds the first entries into one box).
        out.push(format!("[data-log-node=\"{}\"] > td[data-index=\"{}\"]", c.server, c.index));
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
/// `data-highlight="true"` (and unmark any others). A log cell that comes
/// newly into the highlight is scrolled into view; one already marked is
/// left where the reader scrolled it.
pub fn mark(root: &web_sys::Element, selectors: &[String]) {
    let found =
        if selectors.is_empty() { Vec::new() } else { elements(root, &selectors.join(",")) };
    for el in elements(root, "[data-highlight]") {
        if !found.contains(&el) {
            let _ = el.remove_attribute("data-highlight");
        }
    }
    let mut revealed = false;
    for el in &found {
        if !el.has_attribute("data-highlight") {
            let _ = el.set_attribute("data-highlight", "true");
            revealed = revealed || reveal_log_cell(el);
        }
    }
}

/// The elements under `root` that `selector` matches.
fn elements(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let Ok(list) = root.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok()).collect()
}

/// Scroll the log table sideways so that `el`, if it is a log cell, is in
/// view: the table opens at entry 1, and a step's point may lie further
/// right (on a phone or in an embed only a few entries fit). True if it
/// was a log cell.
fn reveal_log_cell(el: &web_sys::Element) -> bool {
    let (Some(cell), Ok(Some(scroller))) =
        (el.dyn_ref::<web_sys::HtmlElement>(), el.closest(".log-scroll"))
    else {
        return false;
    };
    if el.tag_name() != "TD" {
        return false;
    }
    // A cell's offsetParent is its table, which starts at the scroller's
    // left edge: its offset is its place in the scrolled content. The row's
    // label stays put (sticky) over the first columns, so the cell goes
    // just right of it.
    let label = el
        .parent_element()
        .and_then(|row| row.first_element_child())
        .and_then(|th| th.dyn_into::<web_sys::HtmlElement>().ok())
        .map_or(0, |th| th.offset_width());
    scroller.set_scroll_left((cell.offset_left() - label - 8).max(0));
    true
}
