//! A key or a value of the store: an immutable string that copies without
//! allocating. Every command is copied many times over (into each
//! AppendEntries, every server's log and store, the committed lists, the
//! trace, the client's history, §5.3), so a `String` there costs a heap
//! allocation and a free per copy. A token is a [`SmolStr`]: up to 23
//! bytes, which covers everything the Command box accepts, are kept in
//! line and copied as 24 bytes; a longer one (from a run file, say) is
//! shared behind an `Arc`. It compares, orders, hashes, prints and
//! serializes exactly as the same text in a `String` would.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A key or value of the key-value store; see the module comment.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(SmolStr);

impl Token {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Token {
    fn from(s: &str) -> Self {
        Token(SmolStr::new(s))
    }
}

impl From<u64> for Token {
    /// The number in decimal, written without the heap (a workload that
    /// puts a fresh number every few ms makes one each time).
    fn from(mut n: u64) -> Self {
        let mut digits = [0; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let text = std::str::from_utf8(&digits[start..]).expect("decimal digits are ASCII");
        Token::from(text)
    }
}

impl From<String> for Token {
    fn from(s: String) -> Self {
        Token::from(s.as_str())
    }
}

impl From<&String> for Token {
    fn from(s: &String) -> Self {
        Token::from(s.as_str())
    }
}

impl From<Token> for String {
    fn from(t: Token) -> Self {
        t.as_str().to_owned()
    }
}

impl Deref for Token {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Token {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Token {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Token {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Token {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Token {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Token {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Token {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TokenVisitor)
    }
}

/// Reads a token wherever a `String` would be read.
struct TokenVisitor;

impl Visitor<'_> for TokenVisitor {
    type Value = Token;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Token, E> {
        Ok(Token::from(s))
    }

    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Token, E> {
        match std::str::from_utf8(b) {
            Ok(s) => Ok(Token::from(s)),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(b), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_tokens_keep_their_text() {
        let long = "a".repeat(SmolStr::INLINE_CAP + 1);
        for text in ["", "x", "12345678901234567890", "ünïcødé", &long[1..], &long] {
            let t = Token::from(text);
            assert_eq!(t.as_str(), text);
            assert_eq!(t.clone(), t);
            assert_eq!(t.to_string(), text);
            assert_eq!(format!("{t:?}"), format!("{text:?}"));
        }
        assert!(!Token::from(&long[1..]).0.is_heap_allocated());
        assert!(Token::from(long.as_str()).0.is_heap_allocated());
    }

    #[test]
    fn a_number_becomes_its_decimal_digits() {
        for n in [0, 7, 10, 1234, u64::MAX] {
            assert_eq!(Token::from(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn tokens_order_and_compare_as_their_text() {
        let mut words = ["b", "a", "ab", "", "ba"].map(Token::from);
        words.sort();
        assert_eq!(words.map(String::from), ["", "a", "ab", "b", "ba"]);
        assert_eq!(Token::from("x"), "x");
        assert_ne!(Token::from("x"), Token::from("y"));
    }

    #[test]
    fn a_token_is_encoded_as_a_string_would_be() {
        let long = "v".repeat(40);
        for text in ["k3", long.as_str()] {
            let t = Token::from(text);
            let bytes = postcard::to_allocvec(&t).unwrap();
            assert_eq!(bytes, postcard::to_allocvec(&text.to_string()).unwrap());
            assert_eq!(postcard::from_bytes::<Token>(&bytes).unwrap(), t);
        }
        assert!(postcard::from_bytes::<Token>(&[2, 0xff, 0xfe]).is_err());
    }
}
