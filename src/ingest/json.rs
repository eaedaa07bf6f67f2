//! A JSON accessor that remembers where it is, so every error names its JSON path
//! (`$.data.result[3].values[17]`) and what was expected there.
//!
//! A document is read into a [`Tree`]: one flat arena of 16-byte nodes and one string arena,
//! built by serde_json's streaming deserializer (so syntax errors keep their line and column and
//! nesting stops at serde_json's recursion limit). A `[ts, v]` pair costs 48 bytes instead of the
//! ~112 of a `serde_json::Value`, which keeps a large export within a few times its file size.
//! Objects behave as serde_json's (sorted) maps do: members in key order, the last of duplicate
//! keys wins.
//!
//! [`J`] wraps a [`Node`] of a tree and a link to its parent; the path is only spelled out when an
//! error is built, so walking a large document costs no string work. Also holds the helpers the
//! JSON formats share (numbers given as strings, timestamps given as numbers or text).
//! Depends on `serde`/`serde_json`, the error type and the time helpers; never on a format.

use super::time::{epoch_to_ms, parse_timestamp};
use crate::error::Error;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use std::fmt;

/// The most nodes (values, plus one per object key) a [`Tree`] holds: its indices are `u32`.
pub const MAX_JSON_NODES: usize = u32::MAX as usize;

/// The message a tree too large for its `u32` indices stops with (see [`MAX_JSON_NODES`]).
pub const TOO_MANY_NODES: &str = "JSON document larger than the 4294967295-value limit";

/// One stored value: a tag and an 8-byte payload, 16 bytes in all.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Null,
    Bool(bool),
    /// A non-negative integer, as serde_json keeps it.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    Float(f64),
    /// Text at `offset..offset + len` of the string arena.
    Str {
        offset: u32,
        len: u32,
    },
    /// `count` elements at `first..first + count` of the node arena.
    Array {
        first: u32,
        count: u32,
    },
    /// `count` members at `first..first + 2 * count`: each a key (a `Str`) then its value.
    Object {
        first: u32,
        count: u32,
    },
}

/// A whole JSON document in two arenas: nodes (children of a container are contiguous) and text.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Slot>,
    text: String,
    root: u32,
}

impl Tree {
    /// Reads one JSON document (nothing but whitespace may follow it).
    ///
    /// # Errors
    /// serde_json's syntax error, with its line and column; its "recursion limit exceeded"
    /// beyond 128 levels; [`TOO_MANY_NODES`] past [`MAX_JSON_NODES`].
    pub fn parse(text: &str) -> Result<Tree, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        // Both arenas sized once from a scan of the text: grown by doubling instead, they would
        // end up to twice the document's need, and each growth copies (wasm has no `mremap`):
        // an 86 MiB Datadog export took 601 MiB of wasm memory that way.
        let (nodes, string_bytes) = arena_bounds(text.as_bytes());
        let mut builder = Builder { nodes: Vec::new(), text: String::new(), pending: Vec::new() };
        // A refused reservation only means growing as the values come.
        let _ = builder.nodes.try_reserve_exact(nodes);
        let _ = builder.text.try_reserve_exact(string_bytes);
        let tree = builder.finish(&mut de)?;
        de.end()?;
        Ok(tree)
    }

    /// The document's top value.
    pub fn root(&self) -> Node<'_> {
        Node { tree: self, index: self.root }
    }
}

/// Reads one value from any deserializer, e.g. each document of a
/// `serde_json::Deserializer::into_iter::<Tree>()` stream.
impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        Builder { nodes: Vec::new(), text: String::new(), pending: Vec::new() }.finish(deserializer)
    }
}

/// Upper bounds of a document's values and keys (the arena's nodes) and of its string bytes, from
/// its bytes: outside strings, every value or key but the first follows a `,`, a `:` or an opening
/// bracket; inside them, an escape never decodes to more bytes than it takes.
fn arena_bounds(text: &[u8]) -> (usize, usize) {
    let (mut nodes, mut string_bytes) = (1, 0);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                continue;
            }
            string_bytes += 1;
        } else {
            match b {
                b'"' => in_string = true,
                b',' | b':' | b'[' | b'{' => nodes += 1,
                _ => {}
            }
        }
    }
    (nodes, string_bytes)
}

/// Collects a document: values of still-open containers wait in `pending` and move, contiguous,
/// into `nodes` when their container closes.
struct Builder {
    nodes: Vec<Slot>,
    text: String,
    pending: Vec<Slot>,
}

/// `u32` for an arena index or length, or the error naming the limit.
fn index(n: usize) -> Result<u32, &'static str> {
    u32::try_from(n).map_err(|_| TOO_MANY_NODES)
}

impl Builder {
    /// Reads one document into the arenas and closes them.
    fn finish<'de, D: de::Deserializer<'de>>(mut self, deserializer: D) -> Result<Tree, D::Error> {
        Build(&mut self).deserialize(deserializer)?;
        let root = self.pending.pop().unwrap_or(Slot::Null);
        let index = self.place(root).map_err(de::Error::custom)?;
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
        Ok(Tree { nodes: self.nodes, text: self.text, root: index })
    }

    fn place(&mut self, slot: Slot) -> Result<u32, &'static str> {
        let at = index(self.nodes.len())?;
        self.nodes.push(slot);
        Ok(at)
    }

    fn string(&mut self, s: &str) -> Result<Slot, &'static str> {
        let offset = index(self.text.len())?;
        let len = index(s.len())?;
        index(self.text.len() + s.len())?;
        self.text.push_str(s);
        Ok(Slot::Str { offset, len })
    }

    fn key_text(&self, slot: Slot) -> &str {
        match slot {
            Slot::Str { offset, len } => self.text.get(offset as usize..(offset + len) as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// Moves the pending values from `mark` on into the arena; returns where they start.
    fn close(&mut self, mark: usize) -> Result<u32, &'static str> {
        let first = index(self.nodes.len())?;
        index(self.nodes.len() + (self.pending.len() - mark))?;
        self.nodes.extend(self.pending.drain(mark..));
        Ok(first)
    }

    /// Puts the object's pending key/value pairs from `mark` on in key order, the last of equal
    /// keys winning, as a `BTreeMap` insert would.
    fn order_members(&mut self, mark: usize) {
        let members = &self.pending[mark..];
        let sorted = members
            .chunks_exact(2)
            .zip(members.chunks_exact(2).skip(1))
            .all(|(a, b)| self.key_text(a[0]) < self.key_text(b[0]));
        if sorted {
            return;
        }
        let mut pairs: Vec<(Slot, Slot)> = members.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        pairs.sort_by(|a, b| self.key_text(a.0).cmp(self.key_text(b.0)));
        let mut unique: Vec<(Slot, Slot)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match unique.last_mut() {
                Some(last) if self.key_text(last.0) == self.key_text(pair.0) => last.1 = pair.1,
                _ => unique.push(pair),
            }
        }
        self.pending.truncate(mark);
        self.pending.extend(unique.into_iter().flat_map(|(k, v)| [k, v]));
    }
}

/// Reads one value into the builder, leaving it on `pending`.
struct Build<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Reads one object key into the builder's text arena, leaving it on `pending`.
struct Key<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        let slot = self.0.string(s).map_err(E::custom)?;
        self.0.pending.push(slot);
        Ok(())
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.0.pending.push(Slot::Bool(b));
        Ok(())
    }
    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        // serde_json's `Number::from(i64)`: non-negative values are kept as unsigned.
        self.0.pending.push(if n < 0 { Slot::NegInt(n) } else { Slot::PosInt(n as u64) });
        Ok(())
    }
    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.0.pending.push(Slot::PosInt(n));
        Ok(())
    }
    fn visit_f64<E>(self, x: f64) -> Result<(), E> {
        // As `serde_json::Value`: a float that is not finite becomes null.
        self.0.pending.push(if x.is_finite() { Slot::Float(x) } else { Slot::Null });
        Ok(())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        let slot = self.0.string(s).map_err(E::custom)?;
        self.0.pending.push(slot);
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        self.0.pending.push(Slot::Null);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.pending.push(Slot::Null);
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        Build(self.0).deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let builder = self.0;
        let mark = builder.pending.len();
        while seq.next_element_seed(Build(&mut *builder))?.is_some() {}
        let count = index(builder.pending.len() - mark).map_err(de::Error::custom)?;
        let first = builder.close(mark).map_err(de::Error::custom)?;
        builder.pending.push(Slot::Array { first, count });
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let builder = self.0;
        let mark = builder.pending.len();
        while map.next_key_seed(Key(&mut *builder))?.is_some() {
            map.next_value_seed(Build(&mut *builder))?;
        }
        builder.order_members(mark);
        let count = index((builder.pending.len() - mark) / 2).map_err(de::Error::custom)?;
        let first = builder.close(mark).map_err(de::Error::custom)?;
        builder.pending.push(Slot::Object { first, count });
        Ok(())
    }
}

/// One value of a [`Tree`]: a cheap copyable handle with `serde_json::Value`'s reading methods.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t Tree,
    index: u32,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// Compact JSON, as `serde_json::Value` prints it.
impl fmt::Display for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.slot() {
            Slot::Null => serializer.serialize_unit(),
            Slot::Bool(b) => serializer.serialize_bool(b),
            Slot::PosInt(n) => serializer.serialize_u64(n),
            Slot::NegInt(n) => serializer.serialize_i64(n),
            Slot::Float(x) => serializer.serialize_f64(x),
            Slot::Str { .. } => serializer.serialize_str(self.as_str().unwrap_or("")),
            Slot::Array { count, .. } => {
                let mut seq = serializer.serialize_seq(Some(count as usize))?;
                for item in self.elements() {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            Slot::Object { count, .. } => {
                let mut map = serializer.serialize_map(Some(count as usize))?;
                for (k, v) in self.members() {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
    }
}

impl<'t> Node<'t> {
    fn slot(self) -> Slot {
        self.tree.nodes.get(self.index as usize).copied().unwrap_or(Slot::Null)
    }

    fn at(self, index: u32) -> Node<'t> {
        Node { tree: self.tree, index }
    }

    /// The elements of an array (nothing for any other value).
    fn elements(self) -> impl Iterator<Item = Node<'t>> + 't {
        let (first, count) = match self.slot() {
            Slot::Array { first, count } => (first, count),
            _ => (0, 0),
        };
        let tree = self.tree;
        (first..first + count).map(move |index| Node { tree, index })
    }

    /// The members of an object in key order (nothing for any other value).
    fn members(self) -> impl Iterator<Item = (&'t str, Node<'t>)> + 't {
        let (first, count) = match self.slot() {
            Slot::Object { first, count } => (first, count),
            _ => (0, 0),
        };
        let tree = self.tree;
        (0..count).map(move |i| {
            let key = Node { tree, index: first + 2 * i };
            (key.as_str().unwrap_or(""), Node { tree, index: first + 2 * i + 1 })
        })
    }

    /// The member `key` of an object (`None` for a missing key or another kind of value).
    pub fn get(self, key: &str) -> Option<Node<'t>> {
        let Slot::Object { first, count } = self.slot() else { return None };
        // Members are sorted by key: a binary search, as a `BTreeMap` lookup.
        let (mut low, mut high) = (0, count);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.at(first + 2 * mid).as_str().unwrap_or("").cmp(key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(self.at(first + 2 * mid + 1)),
            }
        }
        None
    }

    /// The value at a JSON pointer (`/data/attributes`, `/a/0`), as `serde_json::Value::pointer`.
    pub fn pointer(self, pointer: &str) -> Option<Node<'t>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).try_fold(self, |at, token| match at.slot() {
            Slot::Object { .. } => at.get(&token),
            Slot::Array { .. } => {
                let i: usize = token.parse().ok().filter(|_| token == "0" || !token.starts_with(['0', '+']))?;
                at.as_array()?.get(i)
            }
            _ => None,
        })
    }

    /// The elements when this is an array.
    pub fn as_array(self) -> Option<Array<'t>> {
        matches!(self.slot(), Slot::Array { .. }).then_some(Array { node: self })
    }

    /// The members when this is an object.
    pub fn as_object(self) -> Option<Object<'t>> {
        matches!(self.slot(), Slot::Object { .. }).then_some(Object { node: self })
    }

    /// The text when this is a string.
    pub fn as_str(self) -> Option<&'t str> {
        match self.slot() {
            Slot::Str { offset, len } => self.tree.text.get(offset as usize..offset as usize + len as usize),
            _ => None,
        }
    }

    /// This number as a float (`None` when not a number).
    pub fn as_f64(self) -> Option<f64> {
        match self.slot() {
            Slot::PosInt(n) => Some(n as f64),
            Slot::NegInt(n) => Some(n as f64),
            Slot::Float(x) => Some(x),
            _ => None,
        }
    }

    /// This number when it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self.slot() {
            Slot::PosInt(n) => Some(n),
            _ => None,
        }
    }

    /// This boolean.
    pub fn as_bool(self) -> Option<bool> {
        match self.slot() {
            Slot::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Whether this is null.
    pub fn is_null(self) -> bool {
        matches!(self.slot(), Slot::Null)
    }

    /// Whether this is a number.
    pub fn is_number(self) -> bool {
        matches!(self.slot(), Slot::PosInt(_) | Slot::NegInt(_) | Slot::Float(_))
    }

    /// Whether this is a string.
    pub fn is_string(self) -> bool {
        matches!(self.slot(), Slot::Str { .. })
    }

    /// Whether this is an array.
    pub fn is_array(self) -> bool {
        matches!(self.slot(), Slot::Array { .. })
    }

    /// Whether this is an object.
    pub fn is_object(self) -> bool {
        matches!(self.slot(), Slot::Object { .. })
    }

    /// Describes this value's kind for messages: `a string`, `null`, `an array`, ...
    pub fn kind(self) -> &'static str {
        match self.slot() {
            Slot::Null => "null",
            Slot::Bool(_) => "a boolean",
            Slot::PosInt(_) | Slot::NegInt(_) | Slot::Float(_) => "a number",
            Slot::Str { .. } => "a string",
            Slot::Array { .. } => "an array",
            Slot::Object { .. } => "an object",
        }
    }

    /// A number as serde_json prints it (`3`, `-1`, `0.5`, `1e21`); `None` when not a number.
    fn number_text(self) -> Option<String> {
        match self.slot() {
            Slot::PosInt(n) => Some(n.to_string()),
            Slot::NegInt(n) => Some(n.to_string()),
            Slot::Float(x) => serde_json::Number::from_f64(x).map(|n| n.to_string()),
            _ => None,
        }
    }
}

/// The elements of an array [`Node`].
#[derive(Debug, Clone, Copy)]
pub struct Array<'t> {
    node: Node<'t>,
}

impl<'t> Array<'t> {
    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = Node<'t>> + 't {
        self.node.elements()
    }

    /// How many elements.
    pub fn len(&self) -> usize {
        match self.node.slot() {
            Slot::Array { count, .. } => count as usize,
            _ => 0,
        }
    }

    /// Whether there is no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at `i`.
    pub fn get(&self, i: usize) -> Option<Node<'t>> {
        match self.node.slot() {
            Slot::Array { first, count } if i < count as usize => Some(self.node.at(first + i as u32)),
            _ => None,
        }
    }

    /// The first element.
    pub fn first(&self) -> Option<Node<'t>> {
        self.get(0)
    }
}

/// The members of an object [`Node`], in key order.
#[derive(Debug, Clone, Copy)]
pub struct Object<'t> {
    node: Node<'t>,
}

impl<'t> Object<'t> {
    /// The keys and values in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&'t str, Node<'t>)> + 't {
        self.node.members()
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = Node<'t>> + 't {
        self.node.members().map(|(_, v)| v)
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    Root,
    Key(&'v str),
    Index(usize),
}

/// A JSON value with its path from the document root and the input's name, for errors.
#[derive(Debug, Clone, Copy)]
pub struct J<'v, 'p> {
    node: Node<'v>,
    name: &'v str,
    parent: Option<&'p J<'v, 'p>>,
    step: Step<'v>,
}

impl<'v, 'p> J<'v, 'p> {
    /// The document root (`$`) of the input named `name`.
    pub fn root(name: &'v str, tree: &'v Tree) -> Self {
        J { node: tree.root(), name, parent: None, step: Step::Root }
    }

    /// The value itself, without its path.
    pub fn node(&self) -> Node<'v> {
        self.node
    }

    /// The path of this value, like `$.data.result[3]`.
    pub fn path(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(j) = at {
            steps.push(j.step);
            at = j.parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match step {
                Step::Root => out.push('$'),
                Step::Key(k) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Key(k) => out.push_str(&format!("[{}]", serde_json::to_string(k).unwrap_or_default())),
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// An error at this value's path.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::json(self.name, self.path(), message)
    }

    /// An error saying what was expected here and what was found.
    pub fn expected(&self, what: &str) -> Error {
        self.error(format!("expected {what}, found {}", describe(self.node)))
    }

    /// The member `key` of this object, or an error when this is not an object or lacks it.
    pub fn get<'s>(&'s self, key: &'v str) -> Result<J<'v, 's>, Error> {
        if !self.node.is_object() {
            return Err(self.error(format!("expected an object with a field \"{key}\", found {}", self.node.kind())));
        }
        match self.node.get(key) {
            Some(node) => Ok(J { node, name: self.name, parent: Some(self), step: Step::Key(key) }),
            None => Err(self.error(format!("expected a field \"{key}\""))),
        }
    }

    /// The member `key` when this is an object holding it with a non-null value.
    pub fn opt<'s>(&'s self, key: &'v str) -> Option<J<'v, 's>> {
        let node = self.node.get(key).filter(|n| !n.is_null())?;
        Some(J { node, name: self.name, parent: Some(self), step: Step::Key(key) })
    }

    /// The elements of this array with their paths, or an error when this is not an array.
    pub fn items<'s>(&'s self) -> Result<impl Iterator<Item = J<'v, 's>> + 's, Error> {
        let array = self.node.as_array().ok_or_else(|| self.expected("an array"))?;
        Ok(array.iter().enumerate().map(move |(i, node)| J {
            node,
            name: self.name,
            parent: Some(self),
            step: Step::Index(i),
        }))
    }

    /// The members of this object with their paths, or an error when this is not an object.
    pub fn entries<'s>(&'s self) -> Result<impl Iterator<Item = (&'v str, J<'v, 's>)> + 's, Error> {
        let map = self.node.as_object().ok_or_else(|| self.expected("an object"))?;
        Ok(map.iter().map(move |(k, node)| (k, J { node, name: self.name, parent: Some(self), step: Step::Key(k) })))
    }

    /// The text of this string, or an error.
    pub fn str(&self) -> Result<&'v str, Error> {
        self.node.as_str().ok_or_else(|| self.expected("a string"))
    }

    /// The text when this is a string.
    pub fn as_str(&self) -> Option<&'v str> {
        self.node.as_str()
    }

    /// This number as a float, when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.node.as_f64()
    }

    /// This number when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        self.node.as_u64()
    }

    /// This boolean.
    pub fn as_bool(&self) -> Option<bool> {
        self.node.as_bool()
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        self.node.is_number()
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        self.node.is_string()
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        self.node.is_array()
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        self.node.is_object()
    }

    /// A string, number or boolean rendered as label text (`None` for null, arrays, objects).
    pub fn label_text(&self) -> Option<String> {
        match self.node.slot() {
            Slot::Str { .. } => self.node.as_str().map(str::to_string),
            Slot::Bool(b) => Some(b.to_string()),
            _ => self.node.number_text(),
        }
    }

    /// A sample value: a number, a numeric string (`"1.5"`, `"NaN"`, `"+Inf"`), or null (missing,
    /// returned as NaN so it becomes a gap).
    pub fn number(&self) -> Result<f64, Error> {
        match self.node.slot() {
            Slot::PosInt(n) => Ok(n as f64),
            Slot::NegInt(n) => Ok(n as f64),
            Slot::Float(x) => Ok(x),
            Slot::Null => Ok(f64::NAN),
            Slot::Str { .. } => self.node.as_str().and_then(parse_number_text).ok_or_else(|| self.expected("a number")),
            _ => Err(self.expected("a number")),
        }
    }

    /// A timestamp: an epoch number (s, ms, µs or ns, told by magnitude), a numeric string, or
    /// an RFC 3339 / `YYYY-MM-DD HH:MM:SS` string. Returns epoch milliseconds.
    pub fn time_ms(&self) -> Result<i64, Error> {
        let found = match self.node.as_str() {
            Some(s) => parse_timestamp(s),
            None => self.node.as_f64().and_then(epoch_to_ms),
        };
        found.ok_or_else(|| self.expected("a timestamp (epoch number or RFC 3339 text)"))
    }

    /// A timestamp whose epoch unit is known (`scale_to_ms` multiplies the number to ms), as a
    /// number or a numeric string. Returns epoch milliseconds.
    pub fn time_scaled(&self, scale_to_ms: f64) -> Result<i64, Error> {
        let raw = match self.node.as_str() {
            Some(s) => s.trim().parse::<f64>().ok(),
            None => self.node.as_f64(),
        };
        raw.map(|x| x * scale_to_ms)
            .filter(|ms| ms.is_finite() && ms.abs() < 1e16)
            .map(|ms| ms.round() as i64)
            .ok_or_else(|| self.expected("an epoch timestamp"))
    }
}

/// A short description of a value for messages: its kind, with the text of short scalars.
fn describe(node: Node) -> String {
    match node.slot() {
        Slot::Str { .. } => format!("\"{}\"", super::csv::clip(node.as_str().unwrap_or(""))),
        Slot::Bool(b) => format!("{b}"),
        _ => match node.number_text() {
            Some(n) => format!("the number {n}"),
            None => node.kind().to_string(),
        },
    }
}

/// Parses a number written as text in JSON: plain decimal, `NaN`, `+Inf`, `-Inf`.
pub fn parse_number_text(text: &str) -> Option<f64> {
    if let Some(v) = super::units::parse_plain_decimal(text.as_bytes()) {
        return Some(v);
    }
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    match t.to_ascii_lowercase().as_str() {
        "+inf" | "inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "null" | "" => Some(f64::NAN),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_spelled_on_error() {
        let tree = Tree::parse(r#"{"data":{"result":[{"values":[[1,"x"]]}],"a b":1}}"#).unwrap();
        let root = J::root("q.json", &tree);
        let data = root.get("data").unwrap();
        let result = data.get("result").unwrap();
        let first = result.items().unwrap().next().unwrap();
        let values = first.get("values").unwrap();
        let pair = values.items().unwrap().next().unwrap();
        let cell = pair.items().unwrap().nth(1).unwrap();
        assert_eq!(
            cell.number().unwrap_err().to_string(),
            "q.json: at $.data.result[0].values[0][1]: expected a number, found \"x\""
        );
        assert_eq!(data.get("a b").unwrap().path(), "$.data[\"a b\"]");
        assert!(root.get("nope").unwrap_err().to_string().contains("expected a field \"nope\""));
    }

    #[test]
    fn arenas_are_sized_once_and_never_too_small() {
        for text in [
            r#"[[1700000000000.0,5.5],[1700000060000.0,6.5]]"#,
            r#"{"a":{"b":[1,2,3],"c":"x,y:[{"},"d":[],"e":{}}"#,
            r#"{"esc":"a\"b\\c\n\u00e9\ud83d\ude00","k\"ey":null}"#,
            "7",
            r#""text""#,
        ] {
            let (nodes, string_bytes) = arena_bounds(text.as_bytes());
            let tree = Tree::parse(text).unwrap();
            assert!(tree.nodes.len() <= nodes, "{text}: {} nodes, bound {nodes}", tree.nodes.len());
            assert!(tree.text.len() <= string_bytes, "{text}: {} string bytes, bound {string_bytes}", tree.text.len());
        }
        // Numbers in pairs, the bulk of an export: the bound is exact.
        let pairs = r#"[[1,2],[3,4],[5,6]]"#;
        assert_eq!(arena_bounds(pairs.as_bytes()).0, Tree::parse(pairs).unwrap().nodes.len());
    }

    #[test]
    fn a_node_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Slot>(), 16);
    }

    /// The tree must read every document as `serde_json::Value` does: same members in the same
    /// (key) order, the last duplicate winning, numbers printed alike.
    #[test]
    fn reads_as_serde_json_value_does() {
        let cases = [
            r#"{"b":1,"a":[1,-2,3.5,1e21,18446744073709551615,-9223372036854775808],"b":"two","c":null}"#,
            r#"[{"z":true,"y":false,"":{"k":[[],{}]}},"\u00e9\n\"",0.1,-0.0,1.0]"#,
            r#"{"ts":1700000000123456789,"v":[[1700000000,"1.5"],[1700000060,null]]}"#,
        ];
        for text in cases {
            let tree = Tree::parse(text).unwrap();
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(tree.root().to_string(), value.to_string(), "{text}");
        }
        let tree = Tree::parse(cases[0]).unwrap();
        assert_eq!(tree.root().get("b").and_then(Node::as_str), Some("two"));
        assert_eq!(tree.root().pointer("/a/4").and_then(Node::as_u64), Some(u64::MAX));
        assert!(tree.root().pointer("/a/01").is_none());
        assert!(tree.root().get("c").is_some_and(Node::is_null));
        let nanos = Tree::parse(cases[2]).unwrap();
        assert_eq!(nanos.root().get("ts").and_then(Node::as_u64), Some(1_700_000_000_123_456_789));
    }

    #[test]
    fn syntax_errors_are_serde_jsons() {
        for text in [r#"{"a":[1,2}"#, "[1,2] x", r#"{"a":01}"#, "[1e400]"] {
            let ours = Tree::parse(text).unwrap_err().to_string();
            let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
