//! The file encoding: a record as a JSON document, to download and load
//! back, readable and editable by hand. Its first field says what it is,
//! `"format": "raft-playground-run"`, then its `"version"`; unknown fields
//! are refused rather than dropped. See docs/run-format.md.
//!
//! The checks and the file's shape ([`RunFile`]) are here for every JSON
//! reader: [`to_json`]/[`from_json`] (serde_json, feature `json`) for host
//! code and tests, and the page, which parses with the browser's
//! `JSON.parse` and reads the parsed value with serde-wasm-bindgen so that
//! it carries no JSON parser of its own.

use super::{bounded, thousands, unreadable_version, RunRecord, OLDEST_VERSION, VERSION};
use crate::config::SimConfig;
use crate::timeline::{Moment, Origin, Recorded};
use serde::{Deserialize, Serialize};

/// The `"format"` tag of a run file.
pub const FILE_FORMAT: &str = "raft-playground-run";

/// Largest run file accepted, bytes: 64 MiB, room for the most actions a
/// record may hold.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// A run file: a [`RunRecord`]'s fields after a `"format"` tag. (Its own
/// struct, not the record's flattened or tagged, so that serde reads it as
/// it goes rather than holding the whole document first.) Read it only
/// after [`check_text`] and [`check_header`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    format: String,
    version: u32,
    config: SimConfig,
    #[serde(deserialize_with = "bounded::actions")]
    actions: Vec<Recorded>,
    at: Moment,
    end: Moment,
    /// Absent in version 1 files: a fresh cluster.
    #[serde(default)]
    origin: Origin,
}

impl RunFile {
    /// The record as a run file (always written as [`VERSION`]).
    pub fn new(record: &RunRecord) -> RunFile {
        let r = record.clone();
        RunFile {
            format: FILE_FORMAT.into(),
            version: VERSION,
            config: r.config,
            actions: r.actions,
            at: r.at,
            end: r.end,
            origin: r.origin,
        }
    }

    /// The record the file holds, checked by [`RunRecord::validate`]. The
    /// message says what is wrong with it.
    pub fn into_record(self) -> Result<RunRecord, String> {
        let record = RunRecord {
            version: self.version,
            config: self.config,
            actions: self.actions,
            at: self.at,
            end: self.end,
            origin: self.origin,
        };
        record.validate().map_err(|e| format!("the file's run cannot be used: {e}"))?;
        Ok(record)
    }
}

/// Refuse a text that cannot be a run file before parsing it: too long, or
/// not a JSON object.
pub fn check_text(text: &str) -> Result<(), String> {
    if text.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes: a run file has at most {}",
            thousands(text.len() as u64),
            thousands(MAX_FILE_BYTES as u64)
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Err("this is not a run file: a run file is a JSON object, starting with '{'".into());
    }
    Ok(())
}

/// Check the fields that say which reader a file needs, read before the
/// rest so that a file of another kind or version is named as such rather
/// than as a list of unknown fields. Each is the field's value as compact
/// JSON (`"raft-playground-run"`, `2`), `None` when it is absent or null.
pub fn check_header(format: Option<&str>, version: Option<&str>) -> Result<(), String> {
    match format {
        Some(f) if f.strip_prefix('"').and_then(|f| f.strip_suffix('"')) == Some(FILE_FORMAT) => {}
        Some(f) => {
            return Err(format!(
                "this file's format is {f}; this playground reads \"{FILE_FORMAT}\" files"
            ))
        }
        None => {
            return Err(format!("this is not a run file: it has no \"format\": \"{FILE_FORMAT}\""))
        }
    }
    match version {
        Some(v)
            if v.parse::<u64>()
                .is_ok_and(|v| (OLDEST_VERSION.into()..=VERSION.into()).contains(&v)) =>
        {
            Ok(())
        }
        Some(v) => Err(unreadable_version("file", v)),
        None => Err("the run file has no \"version\"".into()),
    }
}

/// The record as a run file, pretty-printed JSON (always written as
/// [`VERSION`]).
#[cfg(feature = "json")]
pub fn to_json(record: &RunRecord) -> String {
    serde_json::to_string_pretty(&RunFile::new(record)).expect("a run record always serializes")
}

/// Read a run file made by [`to_json`], checked by
/// [`RunRecord::validate`]. The message says what is wrong with it.
#[cfg(feature = "json")]
pub fn from_json(text: &str) -> Result<RunRecord, String> {
    use serde_json::Value;

    /// Just the header fields.
    #[derive(Deserialize)]
    struct Header {
        format: Option<Value>,
        version: Option<Value>,
    }

    check_text(text)?;
    let header: Header =
        serde_json::from_str(text).map_err(|e| format!("the run file is not valid JSON: {e}"))?;
    let (format, version) =
        (header.format.map(|v| v.to_string()), header.version.map(|v| v.to_string()));
    check_header(format.as_deref(), version.as_deref())?;
    let file: RunFile =
        serde_json::from_str(text).map_err(|e| format!("the run file cannot be read: {e}"))?;
    file.into_record()
}
