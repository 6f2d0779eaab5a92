//! A YAML document as a tree of nodes that remember where they are, so that policy validation
//! can point every problem at the exact value.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A YAML value and its place in the file (byte offset and length).
#[derive(Debug, Clone)]
pub struct Node {
    pub value: NodeValue,
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match &self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self.value, NodeValue::Seq(_) | NodeValue::Map(_))
    }

    /// The value as written, for messages.
    pub fn display(&self) -> String {
        match &self.value {
            NodeValue::Null => "null".into(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Int(i) => i.to_string(),
            NodeValue::Float(f) => f.to_string(),
            NodeValue::Str(s) => format!("\"{s}\""),
            NodeValue::Seq(_) => "a list".into(),
            NodeValue::Map(_) => "a mapping".into(),
        }
    }
}

struct SpannedValue(NodeValue);

impl<'de> Deserialize<'de> for SpannedValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor).map(SpannedValue)
    }
}

fn to_node(s: Spanned<SpannedValue>) -> Node {
    let span = s.referenced.span();
    Node {
        value: s.value.0,
        offset: span.byte_offset().unwrap_or(0) as usize,
        len: span.byte_len().unwrap_or(0) as usize,
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<SpannedValue>::deserialize(d).map(to_node)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = NodeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeValue, E> {
        i64::try_from(v)
            .map(NodeValue::Int)
            .or(Ok(NodeValue::Float(v as f64)))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::Float(v as f64), NodeValue::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeValue, E> {
        Ok(i64::try_from(v).map_or(NodeValue::Float(v as f64), NodeValue::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(NodeValue::Map(entries))
    }
}

impl Node {
    /// The same tree with every span moved by `base` bytes (text the parser did not see).
    pub fn shifted(mut self, base: usize) -> Node {
        if base == 0 {
            return self;
        }
        self.offset += base;
        self.value = match self.value {
            NodeValue::Seq(items) => {
                NodeValue::Seq(items.into_iter().map(|n| n.shifted(base)).collect())
            }
            NodeValue::Map(entries) => NodeValue::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.shifted(base), v.shifted(base)))
                    .collect(),
            ),
            other => other,
        };
        self
    }
}

/// The entries of a mapping node; `None` for anything else.
pub fn entries(node: &Node) -> Option<&[(Node, Node)]> {
    match &node.value {
        NodeValue::Map(e) => Some(e),
        _ => None,
    }
}

/// Parses a file's YAML (after any byte order mark), with spans into the whole file.
pub fn parse_file(file: &crate::source::SourceFile) -> Result<Node, YamlError> {
    let (body, base) = file.body();
    parse(body).map(|n| n.shifted(base)).map_err(|mut e| {
        e.offset = e.offset.map(|o| o + base);
        e
    })
}

/// Why a YAML text could not be read at all, and where.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    /// Byte offset of the problem, when the parser knows it.
    pub offset: Option<usize>,
}

/// Byte offset of a 1-based line and 1-based character column.
fn offset_of(text: &str, line: u64, column: u64) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line as usize - 2)?.0 + 1
    };
    let rest = &text[start..];
    let col = column.saturating_sub(1) as usize;
    Some(start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i))
}

/// The parser's message, reworded for someone editing a policy (the location is shown apart).
fn reword(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    };
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("duplicate key `{key}`: each key may appear once in a mapping");
    }
    message.to_string()
}

/// Parses one YAML document into a node tree, with limits against alias bombs and deep nesting.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    // YAML 1.2 booleans only: `off`, `y` and `no` are strings (rule ids, override keys, the
    // Norway problem), never silently false or true.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_events: 2_000_000,
            max_depth: 64,
            max_nodes: 1_000_000,
        },
    };
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let offset = e.location().and_then(|l| {
            l.span()
                .byte_offset()
                .map(|o| o as usize)
                .or_else(|| offset_of(text, l.line(), l.column()))
        });
        let message = e
            .without_snippet()
            .render_with_options(serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            });
        YamlError {
            message: reword(&message),
            offset,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values_and_quotes_keep_strings() {
        let text = "a: 1\nb: \"true\"\nc: [x, true]\n";
        let node = parse(text).unwrap();
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        assert!(matches!(entries[0].1.value, NodeValue::Int(1)));
        assert_eq!(entries[0].1.offset, 3);
        assert!(matches!(&entries[1].1.value, NodeValue::Str(s) if s == "true"));
        assert_eq!(
            &text[entries[1].0.offset..entries[1].0.offset + entries[1].0.len],
            "b"
        );
        let NodeValue::Seq(items) = &entries[2].1.value else {
            panic!()
        };
        assert!(matches!(items[1].value, NodeValue::Bool(true)));
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_place() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            err.message,
            "duplicate key `a`: each key may appear once in a mapping"
        );
        assert!(err.offset.is_some());
    }
}
