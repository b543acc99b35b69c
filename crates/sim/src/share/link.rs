//! The link encoding: a record as the value of the address's fragment,
//! `#run=1.<data>`, where `1` is the format's version and `<data>` is the
//! record's postcard bytes in URL-safe base64 without padding. Short enough
//! to paste into a chat; see docs/run-format.md.

use super::{thousands, RunRecord, VERSION};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};

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
    let (record, rest) =
        postcard::take_from_bytes::<RunRecord>(&bytes).map_err(postcard_problem)?;
    if !rest.is_empty() {
        return Err(format!(
            "the link has {} bytes more than the run it holds: it is damaged or two links ran together",
            thousands(rest.len() as u64)
        ));
    }
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

fn postcard_problem(e: postcard::Error) -> String {
    match e {
        postcard::Error::DeserializeUnexpectedEnd => {
            "the link is cut short: its run ends in the middle (copy the whole link)".into()
        }
        e => format!("the link is damaged: it does not hold a run ({e})"),
    }
}
