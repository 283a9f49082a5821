//! A reader over spanned TOML that records every problem with its file and line and keeps going.
//!
//! Each `[table]` is read through a [`TableReader`] that knows the keys it accepts: unknown keys
//! are reported at once (a misspelt optional key must not be silently ignored), and each getter
//! reports a wrong type or a bad value at the value's own line, then returns `None` so the caller
//! can carry on reading the rest of the file.

use std::ops::Range;

use preclear_domain::{Confidence, Date, parse_decimal};
use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::KbError;

/// A file of the knowledge base, passed in as text: the loader does no IO.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path relative to the KB root, with `/` separators (`markets/TR.toml`).
    pub path: String,
    /// The file's content.
    pub text: String,
}

/// Where line numbers come from: the byte offset of each line start.
#[derive(Debug)]
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        Lines { starts }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|&start| start <= offset);
        u32::try_from(idx).unwrap_or(u32::MAX).max(1)
    }
}

/// The reading context of one file: its name, its lines and the shared error list.
pub(crate) struct Ctx<'e> {
    pub(crate) file: String,
    lines: Lines,
    pub(crate) errors: &'e mut Vec<KbError>,
}

impl<'e> Ctx<'e> {
    pub(crate) fn new(file: &str, text: &str, errors: &'e mut Vec<KbError>) -> Ctx<'e> {
        Ctx { file: file.to_owned(), lines: Lines::new(text), errors }
    }

    pub(crate) fn line(&self, span: &Range<usize>) -> u32 {
        self.lines.line_of(span.start)
    }

    pub(crate) fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.errors.push(KbError { file: self.file.clone(), line, message: message.into() });
    }
}

/// One key of a table with its span and value.
pub(crate) struct Entry<'a, 'i> {
    pub(crate) key: &'a str,
    pub(crate) value: &'a Spanned<DeValue<'i>>,
}

impl Entry<'_, '_> {
    /// Whether the value is an array (a key that takes an amount or a list of bands).
    pub(crate) fn is_array(&self) -> bool {
        matches!(self.value.get_ref(), DeValue::Array(_))
    }
}

/// A table being read: its entries in source order and its own span (for "missing key" errors).
pub(crate) struct TableReader<'a, 'i> {
    entries: Vec<Entry<'a, 'i>>,
    pub(crate) span: Range<usize>,
    /// What the table is, for messages: `levy`, `requirement tr.sshyb`.
    pub(crate) what: String,
}

/// The keys every fact accepts.
pub(crate) const FACT_KEYS: &[&str] =
    &["source", "confidence", "as_of", "effective_from", "effective_to", "review_by", "note"];

impl<'a, 'i> TableReader<'a, 'i> {
    /// Reads a table, reporting keys outside `allowed`.
    pub(crate) fn new(
        ctx: &mut Ctx<'_>,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        what: &str,
        allowed: &[&[&str]],
    ) -> TableReader<'a, 'i> {
        let mut entries = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            if !allowed.iter().any(|keys| keys.contains(&name)) {
                let expected: Vec<&str> =
                    allowed.iter().flat_map(|keys| keys.iter().copied()).collect();
                ctx.error(
                    &key.span(),
                    format!(
                        "unknown key `{name}` in {what}; expected one of: {}",
                        expected.join(", ")
                    ),
                );
                continue;
            }
            entries.push(Entry { key: name, value });
        }
        TableReader { entries, span, what: what.to_owned() }
    }

    /// Reads a value that must be a table.
    pub(crate) fn from_value(
        ctx: &mut Ctx<'_>,
        value: &'a Spanned<DeValue<'i>>,
        what: &str,
        allowed: &[&[&str]],
    ) -> Option<TableReader<'a, 'i>> {
        match value.get_ref() {
            DeValue::Table(table) => {
                Some(TableReader::new(ctx, table, value.span(), what, allowed))
            }
            other => {
                ctx.error(
                    &value.span(),
                    format!("{what} must be a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Entry<'a, 'i>> {
        self.entries.iter().find(|entry| entry.key == key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn required(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<&Entry<'a, 'i>> {
        let entry = self.get(key);
        if entry.is_none() {
            ctx.error(&self.span, format!("{} is missing required key `{key}`", self.what));
        }
        entry
    }

    /// A required string.
    pub(crate) fn str(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<&'a str> {
        let entry = self.required(ctx, key)?;
        as_str(ctx, entry.value, key)
    }

    /// An optional string.
    pub(crate) fn opt_str(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<Option<&'a str>> {
        match self.get(key) {
            None => Some(None),
            Some(entry) => as_str(ctx, entry.value, key).map(Some),
        }
    }

    /// A required string parsed by `parse`, whose error message is reported as it is.
    pub(crate) fn parsed<T>(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let entry = self.required(ctx, key)?;
        parse_value(ctx, entry.value, key, parse)
    }

    /// An optional string parsed by `parse`.
    pub(crate) fn opt_parsed<T>(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match self.get(key) {
            None => Some(None),
            Some(entry) => parse_value(ctx, entry.value, key, parse).map(Some),
        }
    }

    /// A required date.
    pub(crate) fn date(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<Date> {
        let entry = self.required(ctx, key)?;
        as_date(ctx, entry.value, key)
    }

    /// An optional date.
    pub(crate) fn opt_date(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<Option<Date>> {
        match self.get(key) {
            None => Some(None),
            Some(entry) => as_date(ctx, entry.value, key).map(Some),
        }
    }

    /// A required non-negative integer.
    pub(crate) fn uint(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<u32> {
        let entry = self.required(ctx, key)?;
        as_uint(ctx, entry.value, key)
    }

    /// A required `true`, `false` or `"unknown"`.
    pub(crate) fn known_bool(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
    ) -> Option<crate::model::Known<bool>> {
        let entry = self.required(ctx, key)?;
        match entry.value.get_ref() {
            DeValue::Boolean(flag) => Some(crate::model::Known::Known(*flag)),
            DeValue::String(text) if text == "unknown" => Some(crate::model::Known::Unknown),
            _ => {
                ctx.error(
                    &entry.value.span(),
                    format!("`{key}` must be true, false or \"unknown\""),
                );
                None
            }
        }
    }

    /// A required boolean.
    pub(crate) fn bool(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<bool> {
        let entry = self.required(ctx, key)?;
        match entry.value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            other => {
                ctx.error(
                    &entry.value.span(),
                    format!("`{key}` must be true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// An optional array of strings, each parsed by `parse`.
    pub(crate) fn opt_list<T>(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Option<Option<Vec<T>>> {
        let Some(entry) = self.get(key) else { return Some(None) };
        list(ctx, entry.value, key, &mut parse).map(Some)
    }

    /// A required array of strings, each parsed by `parse`.
    pub(crate) fn list<T>(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        mut parse: impl FnMut(&str) -> Result<T, String>,
    ) -> Option<Vec<T>> {
        let entry = self.required(ctx, key)?;
        list(ctx, entry.value, key, &mut parse)
    }
}

pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub(crate) fn as_str<'a>(
    ctx: &mut Ctx<'_>,
    value: &'a Spanned<DeValue<'_>>,
    key: &str,
) -> Option<&'a str> {
    match value.get_ref() {
        DeValue::String(text) => Some(text.as_ref()),
        DeValue::Float(float) => {
            ctx.error(
                &value.span(),
                format!("`{key}` is the float {}; write numbers as strings, e.g. \"{}\", to keep them exact", float.as_str(), float.as_str()),
            );
            None
        }
        other => {
            ctx.error(
                &value.span(),
                format!("`{key}` must be a string, found {}", type_name(other)),
            );
            None
        }
    }
}

fn parse_value<T>(
    ctx: &mut Ctx<'_>,
    value: &Spanned<DeValue<'_>>,
    key: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let text = as_str(ctx, value, key)?;
    match parse(text) {
        Ok(parsed) => Some(parsed),
        Err(message) => {
            ctx.error(&value.span(), format!("`{key}`: {message}"));
            None
        }
    }
}

fn as_date(ctx: &mut Ctx<'_>, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Date> {
    let text = match value.get_ref() {
        DeValue::Datetime(datetime) => datetime.to_string(),
        DeValue::String(text) => text.to_string(),
        other => {
            ctx.error(
                &value.span(),
                format!("`{key}` must be a date such as 2026-11-21, found {}", type_name(other)),
            );
            return None;
        }
    };
    match text.parse::<Date>() {
        Ok(date) if text.len() == 10 => Some(date),
        _ => {
            ctx.error(
                &value.span(),
                format!("`{key}` = `{text}` is not a date such as 2026-11-21"),
            );
            None
        }
    }
}

fn as_uint(ctx: &mut Ctx<'_>, value: &Spanned<DeValue<'_>>, key: &str) -> Option<u32> {
    match value.get_ref() {
        DeValue::Integer(integer) => match integer.as_str().replace('_', "").parse::<u32>() {
            Ok(n) if integer.radix() == 10 => Some(n),
            _ => {
                ctx.error(&value.span(), format!("`{key}` must be a whole number of 0 or more"));
                None
            }
        },
        other => {
            ctx.error(
                &value.span(),
                format!("`{key}` must be a whole number, found {}", type_name(other)),
            );
            None
        }
    }
}

fn list<T>(
    ctx: &mut Ctx<'_>,
    value: &Spanned<DeValue<'_>>,
    key: &str,
    parse: &mut impl FnMut(&str) -> Result<T, String>,
) -> Option<Vec<T>> {
    let DeValue::Array(array) = value.get_ref() else {
        ctx.error(
            &value.span(),
            format!("`{key}` must be an array of strings, found {}", type_name(value.get_ref())),
        );
        return None;
    };
    let mut out = Vec::with_capacity(array.len());
    let mut ok = true;
    for element in array.iter() {
        match as_str(ctx, element, key).map(&mut *parse) {
            Some(Ok(parsed)) => out.push(parsed),
            Some(Err(message)) => {
                ctx.error(&element.span(), format!("`{key}`: {message}"));
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A string list or a single string (`source = "a"` or `source = ["a", "b"]`).
pub(crate) fn one_or_many<'a>(
    ctx: &mut Ctx<'_>,
    value: &'a Spanned<DeValue<'_>>,
    key: &str,
) -> Option<Vec<&'a str>> {
    match value.get_ref() {
        DeValue::String(text) => Some(vec![text.as_ref()]),
        DeValue::Array(array) => {
            let mut out = Vec::with_capacity(array.len());
            for element in array.iter() {
                out.push(as_str(ctx, element, key)?);
            }
            if out.is_empty() {
                ctx.error(&value.span(), format!("`{key}` must not be empty"));
                return None;
            }
            Some(out)
        }
        other => {
            ctx.error(
                &value.span(),
                format!(
                    "`{key}` must be a string or an array of strings, found {}",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// Parses a decimal written as a string in the KB.
pub(crate) fn decimal(text: &str) -> Result<Decimal, String> {
    parse_decimal(text).map_err(|err| err.to_string())
}

/// Parses a confidence.
pub(crate) fn confidence(text: &str) -> Result<Confidence, String> {
    Confidence::parse(text)
}

/// The array of tables under `key` (`[[levy]]`), each with its span; a non-array is reported.
pub(crate) fn tables<'a, 'i>(
    ctx: &mut Ctx<'_>,
    entry: &Entry<'a, 'i>,
) -> Vec<(&'a DeTable<'i>, Range<usize>)> {
    match entry.value.get_ref() {
        DeValue::Array(array) => {
            let mut out = Vec::with_capacity(array.len());
            for element in array.iter() {
                match element.get_ref() {
                    DeValue::Table(table) => out.push((table, element.span())),
                    other => ctx.error(
                        &element.span(),
                        format!(
                            "each `{}` entry must be a table, found {}",
                            entry.key,
                            type_name(other)
                        ),
                    ),
                }
            }
            out
        }
        other => {
            ctx.error(
                &entry.value.span(),
                format!(
                    "`{}` must be an array of tables ([[{}]]), found {}",
                    entry.key,
                    entry.key,
                    type_name(other)
                ),
            );
            Vec::new()
        }
    }
}
