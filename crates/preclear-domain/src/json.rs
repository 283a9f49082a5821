//! JSON from outside, read strictly: an object with the same key twice is refused. serde_json
//! keeps the last value of a repeated key without a word, so `{"currency": "EUR", …,
//! "currency": "TRY"}` would be assessed in TRY while a reviewer reading the top of the document
//! sees EUR. Read in one pass into a [`Node`] that borrows the text, and into a [`Value`] from it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses JSON text, refusing an object that repeats a key (the error names the key, with the
/// line and column where the repetition ends): [`parse_node`]'s reading, as a [`Value`].
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    parse_node(text)?.into_value()
}

/// An error of [`parse`] as a sentence for people: what is wrong, where (`malformed JSON at
/// line 3 column 7: the key `currency` appears twice`).
pub fn error_sentence(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let what = text.rfind(" at line ").and_then(|idx| text.get(..idx)).unwrap_or(&text);
    format!("malformed JSON at line {} column {}: {what}", error.line(), error.column())
}

/// The key under which serde_json's `arbitrary_precision` passes a number's digits.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A JSON value read from a text without copying it: strings and keys borrow the text where it
/// has no escapes, objects keep their keys in order, numbers keep their digits as written. What
/// [`parse_node`] gives a reader that only looks (the shipment request parser), at a fraction of
/// the allocations of a [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    /// The number's digits as written (`"56"`, `"5.9"`, `"1e3"`).
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// The entries in the order written; no key appears twice.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The node of a [`Value`], borrowing its strings.
    pub fn of_value(value: &'a Value) -> Node<'a> {
        match value {
            Value::Null => Node::Null,
            Value::Bool(flag) => Node::Bool(*flag),
            Value::Number(number) => Node::Number(Cow::Owned(number.to_string())),
            Value::String(text) => Node::String(Cow::Borrowed(text)),
            Value::Array(values) => Node::Array(values.iter().map(Node::of_value).collect()),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(key, value)| (Cow::Borrowed(key.as_str()), Node::of_value(value)))
                    .collect(),
            ),
        }
    }

    /// The [`Value`] of this node (its numbers read back from their digits).
    pub fn into_value(self) -> Result<Value, serde_json::Error> {
        Ok(match self {
            Node::Null => Value::Null,
            Node::Bool(flag) => Value::Bool(flag),
            Node::Number(digits) => Value::Number(digits.parse::<Number>()?),
            Node::String(text) => Value::String(text.into_owned()),
            Node::Array(values) => {
                Value::Array(values.into_iter().map(Node::into_value).collect::<Result<_, _>>()?)
            }
            Node::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| Ok((key.into_owned(), value.into_value()?)))
                    .collect::<Result<Map<String, Value>, serde_json::Error>>()?,
            ),
        })
    }

    /// The value under `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Object(entries) => {
                entries.iter().find(|(name, _)| name == key).map(|(_, value)| value)
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }
}

/// Parses JSON text into a [`Node`], as strictly as [`parse`] (the same errors, at the same
/// places).
pub fn parse_node(text: &str) -> Result<Node<'_>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut scratch = Scratch { entries: Vec::new(), values: Vec::new() };
    let node = StrictNode(&mut scratch).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(node)
}

/// One object entry of a [`Node`].
type Entry<'a> = (Cow<'a, str>, Node<'a>);

/// The entries and elements of the objects and arrays being read, innermost last: each object
/// or array takes its own off the end when it closes, into a vector of exactly its size (a
/// request's 20,000 item objects then cost one allocation each, not five as they grow).
struct Scratch<'a> {
    entries: Vec<Entry<'a>>,
    values: Vec<Node<'a>>,
}

struct StrictNode<'s, 'de>(&'s mut Scratch<'de>);

impl<'de> DeserializeSeed<'de> for StrictNode<'_, 'de> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A key or a number's digits: borrowed from the text when it has no escapes.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Visitor<'de> for StrictNode<'_, 'de> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Number::from_f64(v).map_or(Node::Null, |n| Node::Number(Cow::Owned(n.to_string()))))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let scratch = self.0;
        let start = scratch.values.len();
        while let Some(value) = seq.next_element_seed(StrictNode(&mut *scratch))? {
            scratch.values.push(value);
        }
        Ok(Node::Array(scratch.values.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let scratch = self.0;
        let start = scratch.entries.len();
        // Past this many keys, a repeated key is found through a set instead of a scan.
        const SCAN: usize = 32;
        let mut seen: Option<std::collections::HashSet<Cow<'de, str>>> = None;
        while let Some(key) = map.next_key_seed(Text)? {
            if key == NUMBER_TOKEN {
                // serde_json with `arbitrary_precision` (which the workspace enables, for
                // decimals) hands a number over as a one-entry map under this key.
                let digits = map.next_value_seed(Text)?;
                return Ok(Node::Number(digits));
            }
            let value = map.next_value_seed(StrictNode(&mut *scratch))?;
            let own = &scratch.entries[start..];
            let repeated = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => own.iter().any(|(name, _)| *name == key),
            };
            if repeated {
                return Err(de::Error::custom(format_args!("the key `{key}` appears twice")));
            }
            scratch.entries.push((key, value));
            if seen.is_none() && scratch.entries.len() - start > SCAN {
                seen =
                    Some(scratch.entries[start..].iter().map(|(name, _)| name.clone()).collect());
            }
        }
        Ok(Node::Object(scratch.entries.drain(start..).collect()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": "\u00e9"}"#;
        assert_eq!(parse(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn refuses_a_repeated_key_at_any_depth() {
        let error = parse(r#"{"currency": "EUR", "currency": "TRY"}"#).unwrap_err().to_string();
        assert!(error.contains("the key `currency` appears twice"), "{error}");
        let error =
            parse("{\"items\": [{\"quantity\": \"1\",\n \"quantity\": \"9\"}]}").unwrap_err();
        assert!(error.to_string().contains("`quantity`"), "{error}");
        assert_eq!(error.line(), 2);
        assert!(parse(r#"{"a": {"x": 1}, "b": {"x": 1}}"#).is_ok(), "the same key in two objects");
    }

    #[test]
    fn refuses_trailing_text() {
        assert!(parse("{} {}").is_err());
        assert!(parse_node("{} {}").is_err());
    }

    #[test]
    fn a_node_is_what_the_value_is() {
        let text =
            r#"{"a": [1, -2, 3.5, 1e3, "x", null, true, {"b": {}}], "c": "\u00e9", "d": "plain"}"#;
        let value = parse(text).unwrap();
        let node = parse_node(text).unwrap();
        assert_eq!(node, Node::of_value(&value));
        assert_eq!(node.get("d"), Some(&Node::String(Cow::Borrowed("plain"))));
        assert!(
            matches!(node.get("d"), Some(Node::String(Cow::Borrowed(_)))),
            "no copy of a plain string"
        );
        assert_eq!(node.get("c"), Some(&Node::String(Cow::Owned("é".to_owned()))));
        assert_eq!(
            node.get("a").and_then(|a| match a {
                Node::Array(v) => v.get(3).cloned(),
                _ => None,
            }),
            Some(Node::Number(Cow::Borrowed("1e+3"))),
            "the digits as serde_json reads them"
        );
    }

    #[test]
    fn a_node_refuses_what_parse_refuses_with_the_same_error() {
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let repeated_late = format!("{{{}, \"k3\": 1}}", many.join(", "));
        let repeated_early = format!("{{{}, \"k39\": 1}}", many.join(", "));
        for text in [
            r#"{"currency": "EUR", "currency": "TRY"}"#,
            "{\"items\": [{\"quantity\": \"1\",\n \"quantity\": \"9\"}]}",
            repeated_late.as_str(),
            repeated_early.as_str(),
            r#"{"a": "\u00e9", "\u0061": 1}"#,
            "[1, 2",
            "{\"a\" 1}",
        ] {
            let error = parse_node(text).unwrap_err();
            match serde_json::from_str::<Value>(text) {
                // Malformed JSON: serde_json's own error, at the same place.
                Err(expected) => assert_eq!(error.to_string(), expected.to_string(), "{text}"),
                // Well-formed but a key repeats: refused, naming the key.
                Ok(_) => assert!(error.to_string().contains("appears twice"), "{text}: {error}"),
            }
        }
        assert!(parse_node(&format!("{{{}}}", many.join(", "))).is_ok());
    }
}
