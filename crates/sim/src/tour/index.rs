//! The list of tours, `tours/index.json`: what the Tours menu offers, in
//! its order, and what the tests run.

use serde::{Deserialize, Serialize};

/// One tour in the menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    /// The tour's id: its file is `tours/<id>.json`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it shows, in one line.
    pub summary: String,
}

/// Every tour, in menu order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TourIndex(pub Vec<IndexEntry>);

impl TourIndex {
    /// Read `tours/index.json`; the message says what is wrong. (The page
    /// reads it packed, [`TourIndex::from_pack`], and checks it the same way.)
    #[cfg(feature = "json")]
    pub fn from_json(text: &str) -> Result<TourIndex, String> {
        let index: TourIndex =
            serde_json::from_str(text).map_err(|e| format!("the tour list cannot be read: {e}"))?;
        index.validate()
    }

    /// The list, if no tour is named twice.
    pub fn validate(self) -> Result<TourIndex, String> {
        for (i, e) in self.0.iter().enumerate() {
            if self.0[..i].iter().any(|o| o.id == e.id) {
                return Err(format!("the tour list names {} twice", e.id));
            }
        }
        Ok(self)
    }

    /// The entry for tour `id`.
    pub fn find(&self, id: &str) -> Option<&IndexEntry> {
        self.0.iter().find(|e| e.id == id)
    }
}
