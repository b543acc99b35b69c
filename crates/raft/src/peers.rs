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
//! traces are byte-for-byte what they were.

use crate::types::NodeId;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A map from server id to `V`, kept sorted by id.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PeerMap<V>(Vec<(NodeId, V)>);

impl<V> PeerMap<V> {
    /// The empty map.
    pub const fn new() -> Self {
        PeerMap(Vec::new())
    }

    /// Where `id` is, or where it would go.
    fn find(&self, id: NodeId) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(&id))
    }

    /// The value for `id`.
    pub fn get(&self, id: &NodeId) -> Option<&V> {
        self.find(*id).ok().map(|i| &self.0[i].1)
    }

    /// The value for `id`, to change.
    pub fn get_mut(&mut self, id: &NodeId) -> Option<&mut V> {
        self.find(*id).ok().map(|i| &mut self.0[i].1)
    }

    /// Does the map hold `id`?
    pub fn contains_key(&self, id: &NodeId) -> bool {
        self.find(*id).is_ok()
    }

    /// Set `id`'s value; returns the value it replaces.
    pub fn insert(&mut self, id: NodeId, value: V) -> Option<V> {
        match self.find(id) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (id, value));
                None
            }
        }
    }

    /// The value for `id`, first inserting `make()` if there is none.
    pub fn get_or_insert_with(&mut self, id: NodeId, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (id, make()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Take `id` out; returns its value.
    pub fn remove(&mut self, id: &NodeId) -> Option<V> {
        self.find(*id).ok().map(|i| self.0.remove(i).1)
    }

    /// Keep only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&NodeId, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// Forget every server.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// How many servers the map holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Does the map hold no server?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in ascending id order.
    pub fn iter(&self) -> impl Iterator<Item = (&NodeId, &V)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The values in ascending id order.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<V> Default for PeerMap<V> {
    fn default() -> Self {
        PeerMap::new()
    }
}

impl<V> std::ops::Index<&NodeId> for PeerMap<V> {
    type Output = V;

    /// The value for an id the caller knows is present (panics otherwise,
    /// as `BTreeMap`'s index does).
    fn index(&self, id: &NodeId) -> &V {
        self.get(id).expect("no entry for that server in the PeerMap")
    }
}

impl<V> Extend<(NodeId, V)> for PeerMap<V> {
    /// Later values for the same id replace earlier ones, as in a `BTreeMap`.
    /// Ids that arrive in ascending order (the common case: a cluster's
    /// servers, another map) are appended without a search, into room
    /// reserved once.
    fn extend<I: IntoIterator<Item = (NodeId, V)>>(&mut self, entries: I) {
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

impl<V> FromIterator<(NodeId, V)> for PeerMap<V> {
    fn from_iter<I: IntoIterator<Item = (NodeId, V)>>(entries: I) -> Self {
        let mut m = PeerMap::new();
        m.extend(entries);
        m
    }
}

impl<V, const N: usize> From<[(NodeId, V); N]> for PeerMap<V> {
    fn from(entries: [(NodeId, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<'a, V> IntoIterator for &'a PeerMap<V> {
    type Item = (&'a NodeId, &'a V);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (NodeId, V)>,
        fn(&'a (NodeId, V)) -> (&'a NodeId, &'a V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V: fmt::Debug> fmt::Debug for PeerMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for PeerMap<V> {
    /// As serde serializes a `BTreeMap`: the length, then the pairs by id.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for PeerMap<V> {
    /// As serde reads a `BTreeMap`: any order, a repeated id keeps its last
    /// value.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = PeerMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from server id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut m = PeerMap::new();
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
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PeerSet(Vec<NodeId>);

impl PeerSet {
    /// The empty set.
    pub const fn new() -> Self {
        PeerSet(Vec::new())
    }

    /// Is `id` in the set?
    pub fn contains(&self, id: &NodeId) -> bool {
        self.0.binary_search(id).is_ok()
    }

    /// Add `id`; false if it was already there.
    pub fn insert(&mut self, id: NodeId) -> bool {
        match self.0.binary_search(&id) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, id);
                true
            }
        }
    }

    /// Take `id` out; false if it was not there.
    pub fn remove(&mut self, id: &NodeId) -> bool {
        match self.0.binary_search(id) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Keep only the ids `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&NodeId) -> bool) {
        self.0.retain(|id| keep(id));
    }

    /// How many servers the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Is the set empty?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, NodeId> {
        self.0.iter()
    }

    /// The ids in ascending order, as a slice.
    pub fn as_slice(&self) -> &[NodeId] {
        &self.0
    }
}

impl Extend<NodeId> for PeerSet {
    /// Ids in ascending order are appended without a search.
    fn extend<I: IntoIterator<Item = NodeId>>(&mut self, ids: I) {
        let ids = ids.into_iter();
        self.0.reserve(ids.size_hint().0);
        for id in ids {
            if self.0.last().is_none_or(|last| *last < id) {
                self.0.push(id);
            } else {
                self.insert(id);
            }
        }
    }
}

impl<'a> Extend<&'a NodeId> for PeerSet {
    fn extend<I: IntoIterator<Item = &'a NodeId>>(&mut self, ids: I) {
        self.extend(ids.into_iter().copied());
    }
}

impl FromIterator<NodeId> for PeerSet {
    fn from_iter<I: IntoIterator<Item = NodeId>>(ids: I) -> Self {
        let mut s = PeerSet::new();
        s.extend(ids);
        s
    }
}

impl<const N: usize> From<[NodeId; N]> for PeerSet {
    fn from(ids: [NodeId; N]) -> Self {
        ids.into_iter().collect()
    }
}

impl IntoIterator for PeerSet {
    type Item = NodeId;
    type IntoIter = std::vec::IntoIter<NodeId>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a PeerSet {
    type Item = &'a NodeId;
    type IntoIter = std::slice::Iter<'a, NodeId>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Debug for PeerSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for PeerSet {
    /// As serde serializes a `BTreeSet`: a sequence of ids, ascending.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for PeerSet {
    /// As serde reads a `BTreeSet`: any order, repeats dropped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SetVisitor;
        impl<'de> Visitor<'de> for SetVisitor {
            type Value = PeerSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of server ids")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut s = PeerSet::new();
                while let Some(id) = access.next_element()? {
                    s.insert(id);
                }
                Ok(s)
            }
        }
        d.deserialize_seq(SetVisitor)
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
