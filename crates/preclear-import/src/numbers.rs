//! Numbers written as text: `1,234.50`, `1.234,50`, `1 234,50`, `€ 9.800,00`, `US$ 9,800.00`,
//! `9800 TL`, `R$ 1.234,56`, `(5)`, `1e-7`.
//!
//! When both `.` and `,` appear, the last one is the decimal separator. A single separator
//! followed by exactly three digits (`1,234`) is ambiguous: the caller passes the convention
//! that the column's (or the sheet's) unambiguous cells show, or gets [`NumberError::Ambiguous`].

use rust_decimal::Decimal;

use crate::field::fold_text;

/// A number read from text, with the word or symbol written next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub(crate) value: Decimal,
    /// The affix, folded (`eur`, `us$`, `tl`, `kg`, `pcs`), when there is one.
    pub(crate) affix: Option<String>,
}

/// Why a text is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// `1,234`: a thousands separator or a decimal comma; nothing else in the column tells.
    Ambiguous { separator: char },
    /// Not a number at all.
    NotANumber,
    /// A number, but more than 28 significant digits or out of range.
    OutOfRange,
}

impl NumberError {
    /// A message fragment for the text.
    pub(crate) fn message(&self, text: &str) -> String {
        match self {
            NumberError::Ambiguous { separator } => {
                let (thousands, decimal) = ambiguous_readings(text, *separator);
                format!(
                    "`{text}` is ambiguous: it may be {thousands} (`{separator}` as thousands separator) or {decimal} (`{separator}` as decimal separator), and no other cell in the column tells which; write it unambiguously, e.g. `{thousands}.00` or `{decimal}`"
                )
            }
            NumberError::NotANumber => format!("`{text}` is not a number"),
            NumberError::OutOfRange => format!(
                "`{text}` cannot be represented exactly (more than 28 significant digits, or too large)"
            ),
        }
    }
}

fn ambiguous_readings(text: &str, separator: char) -> (String, String) {
    let core: String =
        text.chars().filter(|ch| ch.is_ascii_digit() || *ch == separator || *ch == '-').collect();
    (core.replace(separator, ""), core.replace(separator, "."))
}

fn is_space(ch: char) -> bool {
    ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{202f}' || ch == '\u{2009}'
}

/// The sign, numeric core and affix text of a number, or `None` when it is not one.
struct Split<'a> {
    negative: bool,
    core: &'a str,
    affix: Option<String>,
}

fn split(text: &str) -> Option<Split<'_>> {
    let trimmed = text.trim_matches(is_space);
    let (inner, parenthesised) = match trimmed.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (inner.trim_matches(is_space), true),
        None => (trimmed, false),
    };
    let first = inner.find(|ch: char| ch.is_ascii_digit())?;
    let last = inner.rfind(|ch: char| ch.is_ascii_digit())?;
    let mut start = first;
    // A leading decimal separator: ".5", ",5".
    if let Some(before) = inner.get(..first)
        && (before.ends_with('.') || before.ends_with(','))
    {
        start = first - 1;
    }
    let core = inner.get(start..=last)?;
    let prefix = inner.get(..start)?;
    let suffix = inner.get(last + 1..)?;
    let mut negative = parenthesised;
    let mut affixes = Vec::new();
    for (index, part) in [prefix, suffix].into_iter().enumerate() {
        let mut rest = String::new();
        for ch in part.chars() {
            match ch {
                '-' | '\u{2212}' if index == 0 || rest.is_empty() => negative = !negative,
                '+' if index == 0 => {}
                _ if is_space(ch) => {}
                '.' if index == 1 => {}
                _ => rest.push(ch),
            }
        }
        if rest.is_empty() {
            continue;
        }
        if !known_affix(&rest) {
            return None;
        }
        affixes.push(rest);
    }
    if affixes.len() > 1 {
        return None;
    }
    let affix = affixes.pop().map(|affix| {
        let folded = fold_text(&affix);
        let symbols: String = affix.chars().filter(|ch| "$€£¥₺₹".contains(*ch)).collect();
        format!("{folded}{symbols}")
    });
    Some(Split { negative, core, affix })
}

/// Currency symbols and codes, and unit words, that may stand next to a number.
fn known_affix(affix: &str) -> bool {
    const WORDS: &[&str] = &[
        "$", "€", "£", "¥", "₺", "₹", "us$", "usd$", "r$", "tl", "ytl", "rmb", "pcs", "pc",
        "piece", "pieces", "unit", "units", "ea", "each", "adet", "ad", "un", "und", "unid", "uds",
        "set", "sets", "kg", "kgs", "lb", "lbs", "g", "gr",
    ];
    let lower = affix.to_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    let upper = affix.to_uppercase();
    upper.len() == 3
        && upper.bytes().all(|b| b.is_ascii_uppercase())
        && preclear_domain::Currency::parse(&upper).is_ok()
}

/// What a text shows about the decimal separator, when it shows anything.
pub(crate) fn decimal_hint(text: &str) -> Option<char> {
    let split = split(text)?;
    let core = split.core;
    if core.contains(['e', 'E']) {
        return None;
    }
    let dots = core.matches('.').count();
    let commas = core.matches(',').count();
    match (dots, commas) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let separator = if dots > 0 { '.' } else { ',' };
            if dots + commas > 1 {
                return Some(other(separator));
            }
            let (before, after) = core.split_once(separator)?;
            let before = digits(before);
            if digits(after).len() != 3 || before.is_empty() || before == "0" {
                Some(separator)
            } else {
                None
            }
        }
        _ => {
            let last_dot = core.rfind('.')?;
            let last_comma = core.rfind(',')?;
            Some(if last_dot > last_comma { '.' } else { ',' })
        }
    }
}

fn other(separator: char) -> char {
    if separator == '.' { ',' } else { '.' }
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// A number a person typed in a form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedNumber {
    /// Read: `2.450,00`, `2 450,00`, `2,450.00`, `1,5`, `2450`.
    Value(Decimal),
    /// `2,450`: a thousands separator or a decimal comma. The two readings, as plain decimals.
    Ambiguous {
        /// The reading with the separator as thousands separator (`2450`).
        thousands: String,
        /// The reading with it as the decimal separator (`2.450`).
        decimal: String,
    },
    /// Not a number (a word, a currency sign only…), or out of range.
    NotANumber,
}

/// Reads a number a person typed, in either convention: when both `.` and `,` appear the last is
/// the decimal separator, spaces and apostrophes group thousands, and one separator followed by
/// exactly three digits is [`TypedNumber::Ambiguous`]. A word or symbol beside it is refused.
pub fn typed_number(text: &str) -> TypedNumber {
    match parse_number(text, None) {
        Ok(Parsed { value, affix: None }) => TypedNumber::Value(value),
        Ok(_) | Err(NumberError::NotANumber | NumberError::OutOfRange) => TypedNumber::NotANumber,
        Err(NumberError::Ambiguous { separator }) => {
            let (thousands, decimal) = ambiguous_readings(text, separator);
            TypedNumber::Ambiguous { thousands, decimal }
        }
    }
}

/// Reads a number written as text. `decimal` is the column's decimal separator when known.
pub(crate) fn parse_number(text: &str, decimal: Option<char>) -> Result<Parsed, NumberError> {
    let split = split(text).ok_or(NumberError::NotANumber)?;
    let core = split.core;
    let value = if core.contains(['e', 'E']) { scientific(core)? } else { plain(core, decimal)? };
    let value = if split.negative { -value } else { value };
    Ok(Parsed { value, affix: split.affix })
}

fn scientific(core: &str) -> Result<Decimal, NumberError> {
    let valid = core.chars().all(|ch| ch.is_ascii_digit() || "eE.-+".contains(ch));
    if !valid {
        return Err(NumberError::NotANumber);
    }
    Decimal::from_scientific(core).map_err(|_| NumberError::OutOfRange)
}

fn plain(core: &str, decimal: Option<char>) -> Result<Decimal, NumberError> {
    let mut compact = String::with_capacity(core.len());
    for ch in core.chars() {
        match ch {
            '0'..='9' | '.' | ',' => compact.push(ch),
            '\'' | '\u{2019}' => {}
            _ if is_space(ch) => {}
            _ => return Err(NumberError::NotANumber),
        }
    }
    let dots = compact.matches('.').count();
    let commas = compact.matches(',').count();
    let canonical = match (dots, commas) {
        (0, 0) => compact,
        (_, 0) | (0, _) => {
            let separator = if dots > 0 { '.' } else { ',' };
            let count = dots + commas;
            if count > 1 {
                grouped(&compact, separator)?
            } else {
                let (before, after) =
                    compact.split_once(separator).ok_or(NumberError::NotANumber)?;
                let is_decimal = if after.len() != 3 || before.is_empty() || before == "0" {
                    true
                } else {
                    match decimal {
                        Some(sep) => sep == separator,
                        None => return Err(NumberError::Ambiguous { separator }),
                    }
                };
                if is_decimal { format!("{before}.{after}") } else { grouped(&compact, separator)? }
            }
        }
        _ => {
            let last_dot = compact.rfind('.').ok_or(NumberError::NotANumber)?;
            let last_comma = compact.rfind(',').ok_or(NumberError::NotANumber)?;
            let (separator, thousands) =
                if last_dot > last_comma { ('.', ',') } else { (',', '.') };
            let (integer, fraction) =
                compact.rsplit_once(separator).ok_or(NumberError::NotANumber)?;
            if fraction.contains(thousands) || integer.contains(separator) {
                return Err(NumberError::NotANumber);
            }
            format!("{}.{fraction}", grouped(integer, thousands)?)
        }
    };
    let canonical = if canonical.starts_with('.') { format!("0{canonical}") } else { canonical };
    if canonical.ends_with('.') || canonical.is_empty() {
        return Err(NumberError::NotANumber);
    }
    Decimal::from_str_exact(&canonical).map_err(|_| NumberError::OutOfRange)
}

/// Digits grouped by a thousands separator: every group after the first has three digits.
fn grouped(text: &str, separator: char) -> Result<String, NumberError> {
    let mut groups = text.split(separator);
    let first = groups.next().unwrap_or_default();
    if first.is_empty() || first.len() > 3 {
        return Err(NumberError::NotANumber);
    }
    let mut out = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return Err(NumberError::NotANumber);
        }
        out.push_str(group);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> String {
        parse_number(text, None).unwrap().value.to_string()
    }

    #[test]
    fn separators_and_currency_affixes() {
        assert_eq!(num("1,234.50"), "1234.50");
        assert_eq!(num("1.234,50"), "1234.50");
        assert_eq!(num("1 234,50"), "1234.50");
        assert_eq!(num("1\u{a0}234,50"), "1234.50");
        assert_eq!(num("€ 9.800,00"), "9800.00");
        assert_eq!(num("US$ 9,800.00"), "9800.00");
        assert_eq!(num("9800 TL"), "9800");
        assert_eq!(num("R$ 1.234,56"), "1234.56");
        assert_eq!(num("1.234.567"), "1234567");
        assert_eq!(num("0,125"), "0.125");
        assert_eq!(num("12,5"), "12.5");
        assert_eq!(num("(5)"), "-5");
        assert_eq!(num("-3.5"), "-3.5");
        assert_eq!(num("1e-7"), "0.0000001");
        assert_eq!(num("10 pcs"), "10");
        assert_eq!(parse_number("R$ 1.234,56", None).unwrap().affix.as_deref(), Some("r$"));
        assert_eq!(parse_number("9800 TL", None).unwrap().affix.as_deref(), Some("tl"));
    }

    #[test]
    fn ambiguous_and_bad_numbers_are_refused() {
        assert_eq!(parse_number("1,234", None), Err(NumberError::Ambiguous { separator: ',' }));
        assert_eq!(parse_number("1,234", Some('.')).unwrap().value.to_string(), "1234");
        assert_eq!(parse_number("1,234", Some(',')).unwrap().value.to_string(), "1.234");
        for bad in ["abc", "1.2.3", "12,34.5,6", "about 5", "5 units or so", "1-2", ""] {
            assert!(parse_number(bad, None).is_err(), "{bad}");
        }
        assert_eq!(parse_number("1e300", None), Err(NumberError::OutOfRange));
        assert!(NumberError::Ambiguous { separator: ',' }.message("1,234").contains("1234"));
    }

    #[test]
    fn hints_tell_the_decimal_separator() {
        assert_eq!(decimal_hint("9.800,00"), Some(','));
        assert_eq!(decimal_hint("12.50"), Some('.'));
        assert_eq!(decimal_hint("1.234.567"), Some(','));
        assert_eq!(decimal_hint("1,234"), None);
        assert_eq!(decimal_hint("100"), None);
    }
}
