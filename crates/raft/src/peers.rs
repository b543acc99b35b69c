//! Per-server state keyed by [`NodeId`], for clusters of a handful of
//! servers (the page runs at most 9): a leader's progress table (§5.3),
//! a candidate's tally (§5.2), a configuration's voters and learners (§6).
//!
//! etcd-io/raft's performance notes point out that a balanced tree is the
//! wrong shape for "per-peer state in a cluster of at most 9": a vector kept
//! sorted by id does the same lookups with a few comparisons, allocates once
//! and links far less code. [`PeerMap`] and [`PeerSet`] iterate in ascending
//! id order as `BTreeMap` and `BTreeSet` do, hash the same way, and
//! serialize exactly as serde serializes those (a map of key/value pairs in
//! ascending key order; a sequence of ids), so share links and determinism
//! traces are byte-for-byte what they were. [`PeerMap`] is a
//! [`SortedMap`] keyed by id; the simulator uses `SortedMap` for its own
//! small maps (sessions, clients, requests waiting for their entries), so
//! the page links one small map's code per key and value type instead of a
//! B-tree's.

use crate::types::NodeId;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A map from server id to `V`, kept sorted by id.
pub type PeerMap<V> = SortedMap<NodeId, V>;

/// A map kept as a vector sorted by key: for the small maps of Raft and of
/// the simulator around it (a leader's progress table, the clients'
/// sessions, a server's requests waiting for their entries), where a
/// balanced tree would cost more code than its searches save.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> SortedMap<K, V> {
    /// The empty map.
    pub const fn new() -> Self {
        SortedMap(Vec::new())
    }

    /// How many keys the map holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Does the map hold no key?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in ascending key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The entries in ascending key order, values to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> + '_ {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in ascending order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in ascending key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    /// The entry with the smallest key.
    pub fn first(&self) -> Option<(&K, &V)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    /// Keep only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// Forget every key.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is, or where it would go.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value for `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    /// Does the map hold `key`?
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Set `key`'s value; returns the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`, first inserting `make()` if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Take `key` out; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: Ord, V> std::ops::Index<&K> for SortedMap<K, V> {
    type Output = V;

    /// The value for a key the caller knows is present (panics otherwise,
    /// as `BTreeMap`'s index does).
    fn index(&self, key: &K) -> &V {
        self.get(key).expect("no entry for that key in the SortedMap")
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// Later values for the same key replace earlier ones, as in a
    /// `BTreeMap`. Keys that arrive in ascending order (the common case: a
    /// cluster's servers, another map) are appended without a search, into
    /// room reserved once.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        let entries = entries.into_iter();
        self.0.reserve(entries.size_hint().0);
        for (k, v) in entries {
            if self.0.last().is_none_or(|(last, _)| *last < k) {
                self.0.push((k, v));
            } else {
                self.insert(k, v);
            }
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut m = SortedMap::new();
        m.extend(entries);
        m
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    /// As serde serializes a `BTreeMap`: the length, then the pairs by key.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    /// As serde reads a `BTreeMap`: any order, a repeated key keeps its last
    /// value.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut m = SortedMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    m.insert(k, v);
                }
                Ok(m)
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A set of server ids, kept sorted.
pub type PeerSet = SortedSet<NodeId>;

/// A set kept as a sorted vector, for the same small sets [`SortedMap`] is
/// for (a configuration's voters, the network's cut links).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedSet<T>(Vec<T>);

impl<T> SortedSet<T> {
    /// The empty set.
    pub const fn new() -> Self {
        SortedSet(Vec::new())
    }

    /// Keep only the members `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.0.retain(|x| keep(x));
    }

    /// Forget every member.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// How many members the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Is the set empty?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The members in ascending order, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: Ord> SortedSet<T> {
    /// Is `x` in the set?
    pub fn contains(&self, x: &T) -> bool {
        self.0.binary_search(x).is_ok()
    }

    /// Add `x`; false if it was already there.
    pub fn insert(&mut self, x: T) -> bool {
        match self.0.binary_search(&x) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, x);
                true
            }
        }
    }

    /// Take `x` out; false if it was not there.
    pub fn remove(&mut self, x: &T) -> bool {
        match self.0.binary_search(x) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet::new()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    /// Members in ascending order are appended without a search.
    fn extend<I: IntoIterator<Item = T>>(&mut self, xs: I) {
        let xs = xs.into_iter();
        self.0.reserve(xs.size_hint().0);
        for x in xs {
            if self.0.last().is_none_or(|last| *last < x) {
                self.0.push(x);
            } else {
                self.insert(x);
            }
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, xs: I) {
        self.extend(xs.into_iter().copied());
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(xs: I) -> Self {
        let mut s = SortedSet::new();
        s.extend(xs);
        s
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(xs: [T; N]) -> Self {
        xs.into_iter().collect()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    /// As serde serializes a `BTreeSet`: a sequence, ascending.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SortedSet<T> {
    /// As serde reads a `BTreeSet`: any order, repeats dropped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SetVisitor<T>(PhantomData<T>);
        impl<'de, T: Ord + Deserialize<'de>> Visitor<'de> for SetVisitor<T> {
            type Value = SortedSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut s = SortedSet::new();
                while let Some(x) = access.next_element()? {
                    s.insert(x);
                }
                Ok(s)
            }
        }
        d.deserialize_seq(SetVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;
    use std::collections::{BTreeMap, BTreeSet};
    use std::hash::{Hash, Hasher};

    fn hash(v: &impl Hash) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn a_peer_map_keeps_ids_ascending_and_last_value_wins() {
        let m: PeerMap<u64> =
            [(NodeId(3), 1), (NodeId(1), 2), (NodeId(3), 9)].into_iter().collect();
        assert_eq!(
            m.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>(),
            [(NodeId(1), 2), (NodeId(3), 9)]
        );
        let mut m = m;
        assert_eq!(m.remove(&NodeId(1)), Some(2));
        assert_eq!(m.remove(&NodeId(1)), None);
        *m.get_or_insert_with(NodeId(2), || 0) += 5;
        assert_eq!(m.get(&NodeId(2)), Some(&5));
        assert_eq!(
            m.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>(),
            [(NodeId(2), 5), (NodeId(3), 9)]
        );
    }

    #[test]
    fn a_peer_set_dedups_and_sorts() {
        let mut s: PeerSet = [NodeId(5), NodeId(2), NodeId(5)].into();
        assert_eq!(s.as_slice(), [NodeId(2), NodeId(5)]);
        assert!(!s.insert(NodeId(2)));
        assert!(s.remove(&NodeId(5)));
        assert!(!s.contains(&NodeId(5)));
    }

    #[test]
    fn a_sorted_map_of_strings_is_read_by_str_and_hashes_as_a_btree_map() {
        let mut m = SortedMap::new();
        m.insert("y".to_string(), 2);
        m.insert("x".to_string(), 1);
        assert_eq!(m.get("x"), Some(&1));
        assert_eq!(m.remove("y"), Some(2));
        assert!(!m.contains_key("y"));
        let b: BTreeMap<String, u32> = [("x".to_string(), 1)].into();
        assert_eq!(hash(&m), hash(&b));
        assert_eq!(format!("{m:?}"), format!("{b:?}"));
    }

    #[test]
    fn a_sorted_set_of_pairs_orders_like_a_btree_set() {
        let pairs = [(2u8, 1u8), (1, 9), (2, 0), (1, 9)];
        let s: SortedSet<(u8, u8)> = pairs.into_iter().collect();
        let b: BTreeSet<(u8, u8)> = pairs.into_iter().collect();
        assert_eq!(s.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(hash(&s), hash(&b));
    }

    #[test]
    fn hashes_and_debug_match_the_btree_collections() {
        let pairs = [(NodeId(4), true), (NodeId(1), false), (NodeId(9), true)];
        let m: PeerMap<bool> = pairs.into_iter().collect();
        let b: BTreeMap<NodeId, bool> = pairs.into_iter().collect();
        assert_eq!(hash(&m), hash(&b));
        assert_eq!(format!("{m:?}"), format!("{b:?}"));
        let s: PeerSet = pairs.iter().map(|p| p.0).collect();
        let bs: BTreeSet<NodeId> = pairs.iter().map(|p| p.0).collect();
        assert_eq!(hash(&s), hash(&bs));
        assert_eq!(format!("{s:?}"), format!("{bs:?}"));
    }
}
