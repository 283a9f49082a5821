//! JSON from outside, read strictly: an object with the same key twice is refused. serde_json
//! keeps the last value of a repeated key without a word, so `{"currency": "EUR", …,
//! "currency": "TRY"}` would be assessed in TRY while a reviewer reading the top of the document
//! sees EUR. Read in one pass, into the same [`Value`] serde_json builds.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses JSON text, refusing an object that repeats a key (the error names the key, with the
/// line and column where the repetition ends).
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// An error of [`parse`] as a sentence for people: what is wrong, where (`malformed JSON at
/// line 3 column 7: the key `currency` appears twice`).
pub fn error_sentence(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let what = text.rfind(" at line ").and_then(|idx| text.get(..idx)).unwrap_or(&text);
    format!("malformed JSON at line {} column {}: {what}", error.line(), error.column())
}

struct Strict;

/// The key under which serde_json's `arbitrary_precision` passes a number's digits.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(Strict)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = seq.next_element_seed(Strict)? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN {
                // serde_json with `arbitrary_precision` (which the workspace enables, for
                // decimals) hands a number over as a one-entry map under this key.
                let digits: String = map.next_value()?;
                return digits.parse::<Number>().map(Value::Number).map_err(de::Error::custom);
            }
            let value = map.next_value_seed(Strict)?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("the key `{key}` appears twice")));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
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
    }
}
