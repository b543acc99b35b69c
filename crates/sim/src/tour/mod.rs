//! Guided tours: a story told by running the simulator, as data.
//!
//! A [`Tour`] names its source (the article or the paper's figure it
//! retells), the cluster's [`Settings`], how the world [`Start`]s (a fresh
//! cluster, or each server's disk as the source draws it) and its
//! [`Step`]s. A step takes some actions, optionally runs the world (for a
//! while, or until a [`Condition`] holds), then narrates, highlights what
//! to look at, may ask a question to predict, and lists the [`Claim`]s its
//! narration makes — facts the tests check against the simulator after the
//! step, so a change to Raft that breaks a story fails `cargo test`.
//!
//! Tours are JSON files (`tours/*.json` at the repository's root, listed in
//! `tours/index.json`), packed by the page's build into the run link's
//! encoding ([`Tour::to_pack`]) and fetched by the page when a person opens
//! one: the texts cost the page's wasm nothing. [`Tour::from_json`] reads one and
//! refuses unknown fields and bad data with a message naming the tour, the
//! step and the problem. A [`Runner`] plays a tour on a
//! [`Timeline`](crate::Timeline): each step's end is a moment of the run,
//! so Back (and Next over a step already played) is a seek.
//!
//! docs/tours.md describes the format.

mod claim;
mod condition;
mod index;
mod pack;
mod runner;
mod settings;
mod start;
#[cfg(test)]
mod tests;

pub use claim::{check_claims, Claim, RoleName};
pub use condition::{Condition, Run};
pub use index::{IndexEntry, TourIndex};
pub use pack::{pack_file, INDEX_PACK, PACK_VERSION};
pub use runner::Runner;
pub use settings::Settings;
pub use start::{DiskImage, Start};

use crate::action::Action;
use raft::{LogIndex, MessageKind, NodeId, Rule};
use serde::{Deserialize, Serialize};

/// Largest tour file accepted, bytes.
pub const MAX_TOUR_BYTES: usize = 1 << 20;

/// Most steps a tour may have.
pub const MAX_STEPS: usize = 100;

/// A guided tour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tour {
    /// Its name in links (`?tour=ID`) and file names: lower-case letters,
    /// digits and `-`.
    pub id: String,
    /// Its title in the Tours menu.
    pub title: String,
    /// What it retells, by title: an article, or a figure of the paper.
    pub source: String,
    /// The cluster's settings.
    #[serde(default)]
    pub settings: Settings,
    /// The world before the first step.
    #[serde(default)]
    pub start: Start,
    /// The story, in order.
    pub steps: Vec<Step>,
}

/// One step of a tour: what to do, then what to say about the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Actions taken at the start of the step, in order (the simulator's
    /// [`Action`] in serde's form).
    #[serde(default)]
    pub actions: Vec<Action>,
    /// How the world runs after the actions; absent: it does not.
    #[serde(default)]
    pub run: Option<Run>,
    /// What the step shows, in plain sentences.
    pub narration: String,
    /// What the page marks while the step is shown.
    #[serde(default)]
    pub highlight: Highlight,
    /// A question to answer before going on.
    #[serde(default)]
    pub question: Option<Question>,
    /// The facts the narration states, true once the step has run.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// What the page marks while a step is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// Servers to ring.
    #[serde(default)]
    pub servers: Vec<NodeId>,
    /// A message type whose messages in flight are marked.
    #[serde(default)]
    pub message: Option<MessageKind>,
    /// Log cells to mark: entry `index` of `server`'s log.
    #[serde(default)]
    pub cells: Vec<Cell>,
    /// A rule of the paper's Figure 2 to mark in the rules panel.
    #[serde(default)]
    pub rule: Option<Rule>,
}

/// One entry of one server's log, as the log table draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// The server.
    pub server: NodeId,
    /// The entry's index.
    pub index: LogIndex,
}

/// A question to predict what happens before the tour shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question.
    pub prompt: String,
    /// The choices offered, at least two.
    pub choices: Vec<String>,
    /// The right choice, counted from 0.
    pub answer: usize,
    /// Why it is right, shown once a choice is made.
    pub explanation: String,
}

impl Tour {
    /// Refuse a tour file longer than a tour may be, before reading it;
    /// the message names the file (`name`).
    pub fn check_length(name: &str, bytes: usize) -> Result<(), String> {
        if bytes > MAX_TOUR_BYTES {
            return Err(format!(
                "tour {name}: the file is {bytes} bytes, more than the {MAX_TOUR_BYTES} a tour may have"
            ));
        }
        Ok(())
    }

    /// Read a tour file and check it ([`Tour::validate`]); the message
    /// names the tour (its file, `name`, until its id is known), the step
    /// and the problem. (The page reads them packed, [`Tour::from_pack`],
    /// and checks them the same way.)
    #[cfg(feature = "json")]
    pub fn from_json(name: &str, text: &str) -> Result<Tour, String> {
        Tour::check_length(name, text.len())?;
        let tour: Tour =
            serde_json::from_str(text).map_err(|e| format!("tour {name} cannot be read: {e}"))?;
        tour.validate()?;
        Ok(tour)
    }

    /// Check what can be checked without running the tour: its id, its
    /// settings and start, and each step's highlights and question. Running
    /// it ([`Runner`]) checks the rest: that every action is accepted,
    /// every condition met in time and every claim true.
    pub fn validate(&self) -> Result<(), String> {
        let fail = |what: String| format!("tour {}: {what}", self.id);
        if self.id.is_empty()
            || !self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(fail("its id must be lower-case letters, digits and '-'".into()));
        }
        if self.title.trim().is_empty() || self.source.trim().is_empty() {
            return Err(fail("it needs a title and a source".into()));
        }
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(fail(format!("it needs 1 to {MAX_STEPS} steps, not {}", self.steps.len())));
        }
        let config = self.settings.config().map_err(|e| fail(format!("its settings: {e}")))?;
        self.start.check(config.servers).map_err(|e| fail(format!("its start: {e}")))?;
        // A step may point at a server an earlier step added (AddServer
        // gives the next id), so highlights go by the most the tour can have.
        let mut servers = config.servers;
        for (k, step) in self.steps.iter().enumerate() {
            let added = step.actions.iter().filter(|a| matches!(a, Action::AddServer)).count();
            servers = servers.saturating_add(added.min(usize::from(u8::MAX)) as u8);
            step.validate(servers).map_err(|e| fail(format!("step {}: {e}", k + 1)))?;
        }
        Ok(())
    }

    /// The step at `n`, counted from 1 as the page shows it.
    pub fn step(&self, n: usize) -> Option<&Step> {
        n.checked_sub(1).and_then(|k| self.steps.get(k))
    }
}

/// Is `id` one of the `servers` of the cluster (S1…Sn)?
fn check_server(id: NodeId, servers: u8) -> Result<(), String> {
    if id.0 == 0 || id.0 > servers {
        return Err(format!("there is no {id}: the cluster has S1 to S{servers}"));
    }
    Ok(())
}

impl Step {
    fn validate(&self, servers: u8) -> Result<(), String> {
        if self.narration.trim().is_empty() {
            return Err("its narration is empty".into());
        }
        for &id in &self.highlight.servers {
            check_server(id, servers).map_err(|e| format!("a highlighted server: {e}"))?;
        }
        for c in &self.highlight.cells {
            check_server(c.server, servers).map_err(|e| format!("a highlighted cell: {e}"))?;
            if c.index == 0 {
                return Err("a highlighted cell has index 0: log indexes start at 1".into());
            }
        }
        if let Some(q) = &self.question {
            if q.choices.len() < 2 {
                return Err("its question needs at least two choices".into());
            }
            if q.answer >= q.choices.len() {
                return Err(format!(
                    "its question's answer is choice {} (counted from 0) of {}",
                    q.answer,
                    q.choices.len()
                ));
            }
        }
        if let Some(run) = &self.run {
            run.validate().map_err(|e| format!("its run: {e}"))?;
        }
        Ok(())
    }
}
