//! The link encoding: a record as the value of the address's fragment,
//! `#run=2.<data>`, where `2` is the format's version and `<data>` is the
//! record's postcard bytes in URL-safe base64 without padding. Short enough
//! to paste into a chat; see docs/run-format.md.

use super::{thousands, too_many_actions, unreadable_version, RunRecord, MAX_ACTIONS};
use super::{OLDEST_VERSION, VERSION};
use crate::timeline::Origin;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};
use serde::de::DeserializeOwned;

/// The fragment's key: the page's address ends in `#run=<link>`.
pub const LINK_KEY: &str = "run";

/// Longest link accepted, in characters: 2 MB, what browsers keep of an
/// address.
pub const MAX_LINK_CHARS: usize = 2_000_000;

/// The record as a link: `2.<base64 of its postcard bytes>`, to put after
/// `#run=` in the page's address (always written as [`VERSION`]).
pub fn to_link(record: &RunRecord) -> String {
    let record = RunRecord { version: VERSION, ..record.clone() };
    let bytes = postcard::to_allocvec(&record).expect("a run record always serializes");
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Read a link made by [`to_link`] (with or without a leading `#run=`),
/// checked by [`RunRecord::validate`]. The message says what is wrong
/// with it.
pub fn from_link(link: &str) -> Result<RunRecord, String> {
    let link = link.trim();
    let link = link.strip_prefix('#').unwrap_or(link);
    let link = link.strip_prefix(LINK_KEY).and_then(|l| l.strip_prefix('=')).unwrap_or(link);
    if link.len() > MAX_LINK_CHARS {
        return Err(format!(
            "the link is {} characters long: a run link has at most {}",
            thousands(link.len() as u64),
            thousands(MAX_LINK_CHARS as u64)
        ));
    }
    read_link(link)
}

/// Read the text [`to_link`] made, of any length: a run handed over
/// inside the page (its worker reads run files and gives the page their
/// runs this way), not an address a browser may have cut short.
pub fn read_link(link: &str) -> Result<RunRecord, String> {
    let Some((version, data)) = link.split_once('.') else {
        return Err("this is not a run link: it should start with a version number and a dot, \
                    like 1.AbC…"
            .into());
    };
    match version.parse::<u32>() {
        Ok(v) if (OLDEST_VERSION..=VERSION).contains(&v) => {}
        Ok(v) => return Err(unreadable_version("link", v)),
        Err(_) => {
            return Err(format!(
                "this is not a run link: it should start with a version number, not '{}'",
                version.chars().take(20).collect::<String>()
            ))
        }
    }
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(base64_problem)?;
    let record = read(&bytes)?;
    record.validate().map_err(|e| format!("the link's run cannot be used: {e}"))?;
    Ok(record)
}

fn base64_problem(e: DecodeError) -> String {
    match e {
        DecodeError::InvalidByte(at, byte) => format!(
            "the link has a character that cannot be in it, {:?} at position {}: it was changed \
             after it was made",
            char::from(byte),
            at + VERSION.to_string().len() + 2
        ),
        DecodeError::InvalidLength(_) | DecodeError::InvalidLastSymbol(..) => {
            "the link is cut short: copy the whole of it, up to its last character".into()
        }
        DecodeError::InvalidPadding => {
            "the link ends in '=' padding, which a run link never has: remove it".into()
        }
    }
}

/// Read a record's postcard bytes part by part (its fields one after the
/// other: version, settings, actions, the moment shown, the end, and from
/// version 2 the origin), so that a
/// hostile count of actions is refused before any is read and a damaged
/// part is named.
fn read(bytes: &[u8]) -> Result<RunRecord, String> {
    let mut rest = bytes;
    let version = take(&mut rest, "its version")?;
    let config = take(&mut rest, "its settings")?;
    let count: usize = take(&mut rest, "its number of actions")?;
    if count > MAX_ACTIONS {
        return Err(format!("the link's run cannot be used: {}", too_many_actions(count)));
    }
    let mut actions = Vec::with_capacity(count.min(1024));
    for i in 1..=count {
        actions.push(take(&mut rest, &format!("action {i}"))?);
    }
    let at = take(&mut rest, "the moment shown")?;
    let end = take(&mut rest, "the run's end")?;
    let origin = match version {
        1 => Origin::Fresh,
        _ => take(&mut rest, "how the run begins")?,
    };
    if !rest.is_empty() {
        return Err(format!(
            "the link has {} bytes more than the run it holds: it is damaged or two links ran \
             together",
            thousands(rest.len() as u64)
        ));
    }
    Ok(RunRecord { version, config, actions, at, end, origin })
}

/// Read one part of a record from the front of `rest`.
fn take<T: DeserializeOwned>(rest: &mut &[u8], what: &str) -> Result<T, String> {
    let (value, after) = postcard::take_from_bytes(rest).map_err(|e| match e {
        postcard::Error::DeserializeUnexpectedEnd => {
            format!(
                "the link is cut short in {what}: copy the whole link, up to its last character"
            )
        }
        postcard::Error::SerdeDeCustom => {
            format!("the link is damaged: {what} holds a value this playground does not know")
        }
        e => format!("the link is damaged: {what} cannot be read ({e})"),
    })?;
    *rest = after;
    Ok(value)
}
