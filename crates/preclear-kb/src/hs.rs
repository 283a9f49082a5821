//! The HS 2022 nomenclature: which chapters, headings and subheadings exist, with their
//! descriptions. Loaded from `hs/hs2022.csv` (see `kb/hs/SOURCE.md`).

use std::collections::HashMap;
use std::sync::Arc;

use preclear_domain::{HsCode, HsPrefix};

use crate::error::KbError;

/// The HS 2022 nomenclature.
#[derive(Debug, Default)]
pub struct Nomenclature {
    /// Code (2, 4 or 6 digits) → description.
    entries: HashMap<String, Arc<str>>,
}

impl Nomenclature {
    /// Whether the code's 6-digit subheading exists. National extensions beyond six digits
    /// cannot be checked against the international nomenclature.
    pub fn contains(&self, code: &HsCode) -> bool {
        self.entries.contains_key(code.subheading())
    }

    /// Whether a prefix exists: its chapter, heading or subheading (the first six digits of a
    /// longer prefix).
    pub fn contains_prefix(&self, prefix: &HsPrefix) -> bool {
        let text = prefix.as_str();
        self.entries.contains_key(text.get(..6).unwrap_or(text))
    }

    /// The description of a chapter, heading or subheading.
    pub fn description(&self, code: &str) -> Option<&str> {
        self.entries.get(code).map(|description| &**description)
    }

    /// The description as a shared string (cheap to keep in an assessment).
    pub fn description_shared(&self, code: &str) -> Option<Arc<str>> {
        self.entries.get(code).cloned()
    }

    /// Looks codes up for a person: digits (dots and spaces ignored) find the codes that start
    /// with them; words find the entries whose description contains every word
    /// (case-insensitive). Subheadings (six digits) come first, then headings and chapters, each
    /// in code order; at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(&str, &str)> {
        let digits: String = query.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        let mut found: Vec<(&str, &str)> =
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                let digits = digits.get(..6).unwrap_or(&digits);
                self.entries
                    .iter()
                    .filter(|(code, _)| code.starts_with(digits))
                    .map(|(code, description)| (code.as_str(), &**description))
                    .collect()
            } else {
                let words: Vec<String> = query
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                if words.is_empty() {
                    return Vec::new();
                }
                self.entries
                    .iter()
                    .filter(|(_, description)| {
                        let description = description.to_lowercase();
                        words.iter().all(|w| description.contains(w.as_str()))
                    })
                    .map(|(code, description)| (code.as_str(), &**description))
                    .collect()
            };
        found.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
        found.truncate(limit);
        found
    }

    /// Every entry: `(code, text)`, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(code, text)| (code.as_str(), &**text))
    }

    /// The number of entries (chapters + headings + subheadings).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Parses `section,hscode,description,parent,level` rows; reports malformed rows with lines.
pub(crate) fn parse(file: &str, text: &str, errors: &mut Vec<KbError>) -> Nomenclature {
    let mut entries = HashMap::new();
    for (idx, line) in text.lines().enumerate().skip(1) {
        let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_csv_line(line);
        let (Some(code), Some(description)) = (cells.get(1), cells.get(2)) else {
            errors.push(KbError {
                file: file.to_owned(),
                line: line_no,
                message: "expected 5 columns: section,hscode,description,parent,level".to_owned(),
            });
            continue;
        };
        let well_formed =
            matches!(code.len(), 2 | 4 | 6) && code.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            errors.push(KbError {
                file: file.to_owned(),
                line: line_no,
                message: format!("`{code}` is not a 2-, 4- or 6-digit HS code"),
            });
            continue;
        }
        entries.insert(code.clone(), Arc::from(description.as_str()));
    }
    Nomenclature { entries }
}

/// Splits one CSV line with RFC 4180 quoting (no embedded newlines in this file).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            (other, _) => cell.push(other),
        }
    }
    cells.push(cell);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_descriptions_with_commas_are_one_cell() {
        let cells = split_csv_line(r#"XVI,8471,"Machines, units ""thereof""",84,4"#);
        assert_eq!(cells, vec!["XVI", "8471", r#"Machines, units "thereof""#, "84", "4"]);
    }

    #[test]
    fn codes_and_prefixes_are_checked_against_the_table() {
        let mut errors = Vec::new();
        let text = "section,hscode,description,parent,level\nXVI,84,Machinery,TOTAL,2\nXVI,8471,ADP machines,84,4\nXVI,847150,Processing units,8471,6\nXVI,8471x,bad,84,4\n";
        let nomenclature = parse("hs/hs2022.csv", text, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 5);
        assert!(nomenclature.contains(&HsCode::parse("84715000").unwrap()));
        assert!(!nomenclature.contains(&HsCode::parse("847160").unwrap()));
        assert!(nomenclature.contains_prefix(&HsPrefix::parse("84").unwrap()));
        assert!(!nomenclature.contains_prefix(&HsPrefix::parse("85").unwrap()));
        assert_eq!(nomenclature.description("8471"), Some("ADP machines"));
    }

    #[test]
    fn search_finds_codes_by_digits_and_entries_by_every_word() {
        let mut errors = Vec::new();
        let text = "section,hscode,description,parent,level\nXVI,84,Machinery,TOTAL,2\nXVI,8471,Automatic data-processing machines,84,4\nXVI,847150,Processing units other than those of 847141,8471,6\nXVI,847130,Portable automatic data-processing machines,8471,6\n";
        let nomenclature = parse("hs/hs2022.csv", text, &mut errors);
        assert!(errors.is_empty());
        fn codes(found: Vec<(&str, &str)>) -> Vec<String> {
            found.into_iter().map(|(c, _)| c.to_owned()).collect()
        }
        assert_eq!(codes(nomenclature.search("8471", 10)), ["847130", "847150", "8471"]);
        assert_eq!(codes(nomenclature.search("8471.50.00", 10)), ["847150"]);
        assert_eq!(codes(nomenclature.search("PORTABLE data", 10)), ["847130"]);
        assert_eq!(codes(nomenclature.search("data processing", 1)), ["847130"]);
        assert!(nomenclature.search("", 10).is_empty());
        assert!(nomenclature.search("toaster", 10).is_empty());
    }
}
