//! Reading a file's actions without trusting its length: a list longer
//! than [`MAX_ACTIONS`] is refused, by its announced length where the
//! deserializer knows it and else once the limit is passed, before it is
//! all held in memory. (A link's count is checked as it is read, in
//! `link`.)

use super::{too_many_actions, MAX_ACTIONS};
use crate::timeline::Recorded;
use serde::de::{Deserializer, Error, IgnoredAny, SeqAccess, Visitor};
use std::fmt;

/// Deserialize at most [`MAX_ACTIONS`] recorded actions.
pub(super) fn actions<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Recorded>, D::Error> {
    d.deserialize_seq(Bounded)
}

struct Bounded;

impl<'de> Visitor<'de> for Bounded {
    type Value = Vec<Recorded>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {MAX_ACTIONS} recorded actions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let announced = seq.size_hint();
        if let Some(n) = announced.filter(|&n| n > MAX_ACTIONS) {
            return Err(A::Error::custom(too_many_actions(n)));
        }
        let mut out = Vec::with_capacity(announced.unwrap_or(0).min(1024));
        while let Some(r) = seq.next_element()? {
            if out.len() == MAX_ACTIONS {
                // Count the rest, so the message says how many there are.
                let mut n = out.len() + 1;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                return Err(A::Error::custom(too_many_actions(n)));
            }
            out.push(r);
        }
        Ok(out)
    }
}
