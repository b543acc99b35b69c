//! The file encoding: a record as a JSON document, to download and load
//! back, readable and editable by hand. Its first field says what it is,
//! `"format": "raft-playground-run"`, then its `"version"`; unknown fields
//! are refused rather than dropped. See docs/run-format.md.

use super::{bounded, thousands, unreadable_version, RunRecord, OLDEST_VERSION, VERSION};
use crate::config::SimConfig;
use crate::timeline::{Moment, Origin, Recorded};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `"format"` tag of a run file.
pub const FILE_FORMAT: &str = "raft-playground-run";

/// Largest run file accepted, bytes: 64 MiB, room for the most actions a
/// record may hold.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// A run file: a [`RunRecord`]'s fields after a `"format"` tag. (Its own
/// struct, not the record's flattened or tagged, so that serde reads it as
/// it goes rather than holding the whole document first.)
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunFile {
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

/// Just the fields that say which reader a file needs, read first so that
/// a file of another kind or version is named as such rather than as a
/// list of unknown fields.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

/// The record as a run file, pretty-printed JSON (always written as
/// [`VERSION`]).
pub fn to_json(record: &RunRecord) -> String {
    let r = record.clone();
    let file = RunFile {
        format: FILE_FORMAT.into(),
        version: VERSION,
        config: r.config,
        actions: r.actions,
        at: r.at,
        end: r.end,
        origin: r.origin,
    };
    serde_json::to_string_pretty(&file).expect("a run record always serializes")
}

/// Read a run file made by [`to_json`], checked by
/// [`RunRecord::validate`]. The message says what is wrong with it.
pub fn from_json(text: &str) -> Result<RunRecord, String> {
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
    let header: Header =
        serde_json::from_str(text).map_err(|e| format!("the run file is not valid JSON: {e}"))?;
    match header.format {
        Some(Value::String(f)) if f == FILE_FORMAT => {}
        Some(f) => {
            return Err(format!(
                "this file's format is {f}; this playground reads \"{FILE_FORMAT}\" files"
            ))
        }
        None => {
            return Err(format!("this is not a run file: it has no \"format\": \"{FILE_FORMAT}\""))
        }
    }
    match header.version {
        Some(Value::Number(v))
            if v.as_u64()
                .is_some_and(|v| (OLDEST_VERSION.into()..=VERSION.into()).contains(&v)) => {}
        Some(v) => return Err(unreadable_version("file", v)),
        None => return Err("the run file has no \"version\"".into()),
    }
    let file: RunFile =
        serde_json::from_str(text).map_err(|e| format!("the run file cannot be read: {e}"))?;
    let record = RunRecord {
        version: file.version,
        config: file.config,
        actions: file.actions,
        at: file.at,
        end: file.end,
        origin: file.origin,
    };
    record.validate().map_err(|e| format!("the file's run cannot be used: {e}"))?;
    Ok(record)
}
