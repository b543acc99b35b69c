//! The link encoding: a record as the value of the address's fragment,
//! `#run=1.<data>`, where `1` is the format's version and `<data>` is the
//! record's postcard bytes in URL-safe base64 without padding. Short enough
//! to paste into a chat; see docs/run-format.md.

use super::{thousands, too_many_actions, RunRecord, MAX_ACTIONS, VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};
use serde::de::DeserializeOwned;

/// The fragment's key: the page's address ends in `#run=<link>`.
pub const LINK_KEY: &str = "run";

/// Longest link accepted, in characters: 2 MB, what browsers keep of an
/// address.
pub const MAX_LINK_CHARS: usize = 2_000_000;

/// The record as a link: `1.<base64 of its postcard bytes>`, to put after
/// `#run=` in the page's address.
pub fn to_link(record: &RunRecord) -> String {
    let bytes = postcard::to_allocvec(record).expect("a run record always serializes");
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
    let Some((version, data)) = link.split_once('.') else {
        return Err("this is not a run link: it should start with a version number and a dot, \
                    like 1.AbC…"
            .into());
    };
    match version.parse::<u32>() {
        Ok(VERSION) => {}
        Ok(v) => {
            return Err(format!(
                "this link is version {v}; this playground reads version {VERSION}"
            ))
        }
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

/// Read a record's postcard bytes part by part (the same bytes as the
/// whole record's, which is its fields one after the other), so that a
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
    if !rest.is_empty() {
        return Err(format!(
            "the link has {} bytes more than the run it holds: it is damaged or two links ran \
             together",
            thousands(rest.len() as u64)
        ));
    }
    Ok(RunRecord { version, config, actions, at, end })
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
