//! The other official list formats, and one entry point that reads a list file by its format's
//! name ([`read`]): the US Consolidated Screening List CSV (BIS Denied Persons, Entity,
//! Unverified and Military End-User lists, State Department lists, and OFAC's lists once more),
//! BIS's own Denied Persons text file, the EU Financial Sanctions Files XML, and the UK
//! Sanctions List and OFSI Consolidated List CSVs. The UN and OFAC readers of [`crate::lists`]
//! are reachable through [`read`] too.
//!
//! Every reader takes the file's bytes (at most [`crate::lists::MAX_LIST_BYTES`]) and answers the entries
//! with what it left out and why ([`ListRead::skipped`]: rows without a name, CSL sources that
//! are read elsewhere…), or a [`ListError`] naming the file and the line, row or element that
//! does not read. A file that is not the format asked (no header with the expected columns, a
//! root element that is not the list's) is an error, not an empty list.

mod csl;
mod eu;
mod uk;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

pub use csl::{CslScope, read_bis_dpl, read_csl};
pub use eu::read_eu;
pub use uk::{read_uk_ofsi, read_uk_sanctions_list};

use crate::lists::{Entry, EntryKind, EntryName, ListError, ListId, bounded, read_ofac, read_un};

/// What a reader left out: a reason and how many rows, elements or entries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Why (`source "Capta List (CAP) - Treasury Department" (read from OFAC's files)`,
    /// `rows without a name`…).
    pub what: String,
    /// How many.
    pub count: usize,
}

/// The entries of a list file and what was left out of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ListRead {
    /// The entries, in the file's order.
    pub entries: Vec<Entry>,
    /// What was left out, by reason, in the order first met.
    pub skipped: Vec<Skipped>,
}

impl ListRead {
    /// How many rows, elements or entries were left out in all.
    pub fn skipped_count(&self) -> usize {
        self.skipped.iter().map(|s| s.count).sum()
    }

    pub(crate) fn skip(&mut self, what: &str) {
        match self.skipped.iter_mut().find(|s| s.what == what) {
            Some(skipped) => skipped.count += 1,
            None => self.skipped.push(Skipped { what: what.to_owned(), count: 1 }),
        }
    }
}

/// A list file's format, as a deployed dataset names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ListFormat {
    /// `un-xml`: the UN Security Council Consolidated List XML.
    UnXml,
    /// `ofac-sdn-csv`: OFAC's SDN list, legacy CSV (three files: primary, alternate names,
    /// addresses).
    OfacSdnCsv,
    /// `ofac-consolidated-csv`: OFAC's Consolidated (non-SDN) list, legacy CSV (three files).
    OfacConsolidatedCsv,
    /// `us-csl-csv`: the US Consolidated Screening List CSV, without its Treasury sources
    /// (OFAC's own files are the source for those; they are counted in
    /// [`ListRead::skipped`]).
    UsCslCsv,
    /// `us-csl-csv-all`: the US Consolidated Screening List CSV with its Treasury sources, read
    /// as [`ListId::OfacSdn`] and [`ListId::OfacConsolidated`] (for a deployment that loads no
    /// OFAC files).
    UsCslCsvAll,
    /// `bis-dpl-txt`: BIS's Denied Persons List, tab-separated text.
    BisDplTxt,
    /// `eu-fsf-xml`: the EU Financial Sanctions Files consolidated list XML.
    EuFsfXml,
    /// `uk-sanctions-list-csv`: the UK Sanctions List CSV (FCDO).
    UkSanctionsListCsv,
    /// `uk-ofsi-csv`: OFSI's Consolidated List of Financial Sanctions Targets CSV (`ConList.csv`,
    /// 2022 format).
    UkOfsiCsv,
}

impl ListFormat {
    /// Every format.
    pub const ALL: [ListFormat; 9] = [
        ListFormat::UnXml,
        ListFormat::OfacSdnCsv,
        ListFormat::OfacConsolidatedCsv,
        ListFormat::UsCslCsv,
        ListFormat::UsCslCsvAll,
        ListFormat::BisDplTxt,
        ListFormat::EuFsfXml,
        ListFormat::UkSanctionsListCsv,
        ListFormat::UkOfsiCsv,
    ];

    /// The format's name (`eu-fsf-xml`).
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::UnXml => "un-xml",
            ListFormat::OfacSdnCsv => "ofac-sdn-csv",
            ListFormat::OfacConsolidatedCsv => "ofac-consolidated-csv",
            ListFormat::UsCslCsv => "us-csl-csv",
            ListFormat::UsCslCsvAll => "us-csl-csv-all",
            ListFormat::BisDplTxt => "bis-dpl-txt",
            ListFormat::EuFsfXml => "eu-fsf-xml",
            ListFormat::UkSanctionsListCsv => "uk-sanctions-list-csv",
            ListFormat::UkOfsiCsv => "uk-ofsi-csv",
        }
    }

    /// The files the format takes, in the order [`read`] takes them.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            ListFormat::OfacSdnCsv | ListFormat::OfacConsolidatedCsv => {
                &["primary", "alternate names", "addresses"]
            }
            _ => &["list"],
        }
    }
}

impl fmt::Display for ListFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ListFormat {
    type Err = ListError;

    fn from_str(name: &str) -> Result<ListFormat, ListError> {
        let name = name.trim();
        ListFormat::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
            let known: Vec<&str> = ListFormat::ALL.iter().map(|f| f.name()).collect();
            ListError(format!("no list format \"{name}\" (known: {})", known.join(", ")))
        })
    }
}

/// One file of a list dataset: its name (for errors) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct ListFile<'a> {
    /// The file's name as stored (`sdn.csv`, `consolidated.csv`).
    pub name: &'a str,
    /// Its contents.
    pub bytes: &'a [u8],
}

/// Reads a list dataset: its format and its files, in the order [`ListFormat::files`] gives.
/// An error names the file.
pub fn read(format: ListFormat, files: &[ListFile<'_>]) -> Result<ListRead, ListError> {
    let roles = format.files();
    if files.len() != roles.len() {
        return Err(ListError(format!(
            "the {format} format takes {} file(s) ({}); {} given",
            roles.len(),
            roles.join(", "),
            files.len()
        )));
    }
    let in_file = |at: usize| {
        let name = files.get(at).map_or("?", |f| f.name);
        move |e: ListError| ListError(format!("{name}: {e}"))
    };
    let bytes = |at: usize| files.get(at).map_or(&[][..], |f| f.bytes);
    let entries_only = |entries: Vec<Entry>| ListRead { entries, skipped: Vec::new() };
    match format {
        ListFormat::UnXml => read_un(bytes(0)).map(entries_only).map_err(in_file(0)),
        ListFormat::OfacSdnCsv | ListFormat::OfacConsolidatedCsv => {
            let list = if format == ListFormat::OfacSdnCsv {
                ListId::OfacSdn
            } else {
                ListId::OfacConsolidated
            };
            // The OFAC reader names which of its three files does not read.
            let names: Vec<&str> = files.iter().map(|f| f.name).collect();
            read_ofac(list, bytes(0), bytes(1), bytes(2))
                .map(entries_only)
                .map_err(|e| ListError(format!("{}: {e}", names.join(" + "))))
        }
        ListFormat::UsCslCsv => read_csl(bytes(0), CslScope::WithoutTreasury).map_err(in_file(0)),
        ListFormat::UsCslCsvAll => read_csl(bytes(0), CslScope::All).map_err(in_file(0)),
        ListFormat::BisDplTxt => read_bis_dpl(bytes(0)).map_err(in_file(0)),
        ListFormat::EuFsfXml => read_eu(bytes(0)).map_err(in_file(0)),
        ListFormat::UkSanctionsListCsv => read_uk_sanctions_list(bytes(0)).map_err(in_file(0)),
        ListFormat::UkOfsiCsv => read_uk_ofsi(bytes(0)).map_err(in_file(0)),
    }
}

/// A table read from a CSV or tab-separated file: its header's columns and its data rows.
pub(crate) struct Table {
    /// What the file is, for errors (`the CSL file`).
    what: &'static str,
    /// The header row's line.
    header_line: u64,
    /// Column key (lower case, letters and digits only) → position.
    columns: HashMap<String, usize>,
    /// Data rows: line and cells (trimmed).
    pub(crate) rows: Vec<(u64, Vec<String>)>,
}

/// A header cell as a key: lower case, letters and digits only (`Nationality(/ies)` →
/// `nationalityies`).
fn column_key(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// A cell's text: UTF-8, or else Windows-1252's Latin-1 range byte for byte (older list files
/// are not all UTF-8).
fn cell_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.trim().to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect::<String>().trim().to_owned(),
    }
}

impl Table {
    /// Reads `bytes` as a table whose header is the first row, among the first `preamble + 1`,
    /// that has a cell with the key `marker` (`name6`). Every data row must have as many cells
    /// as the header; blank rows are passed over.
    pub(crate) fn read(
        what: &'static str,
        bytes: &[u8],
        delimiter: u8,
        marker: &str,
        preamble: usize,
    ) -> Result<Table, ListError> {
        let bytes = bounded(what, bytes)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut header: Option<(u64, Vec<String>)> = None;
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        let mut seen = 0_usize;
        // Lines counted here, up to the byte `counted`.
        let (mut counted, mut lines) = (0_usize, 1_u64);
        let mut line_at = |offset: u64| {
            let mut offset = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
            // The reader places a record before the line ending that precedes it.
            while bytes.get(offset).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                offset += 1;
            }
            if offset > counted {
                let newlines = bytes.get(counted..offset).unwrap_or_default();
                lines += newlines.iter().filter(|&&b| b == b'\n').count() as u64;
                counted = offset;
            }
            lines
        };
        loop {
            let start = reader.position().byte();
            let result = reader.read_byte_record(&mut record);
            let start = record.position().map_or(start, csv::Position::byte);
            let line = line_at(start);
            match result {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(ListError(format!("{what}, line {line}: {e}"))),
            }
            let cells: Vec<String> = record.iter().map(cell_text).collect();
            if cells.iter().all(|c| c.is_empty() || c == "\u{1a}") {
                continue;
            }
            seen += 1;
            match &header {
                None => {
                    if cells.iter().any(|c| column_key(c) == marker) {
                        header = Some((line, cells));
                    } else if seen > preamble {
                        return Err(ListError(format!(
                            "{what}: no header row (with a \"{marker}\" column) in its first {} \
                             row(s); line {line} begins \"{}\"",
                            preamble + 1,
                            cells.first().map(String::as_str).unwrap_or_default()
                        )));
                    }
                }
                Some((_, names)) => {
                    if cells.len() != names.len() {
                        return Err(ListError(format!(
                            "{what}, line {line}: {} cells where the header has {}",
                            cells.len(),
                            names.len()
                        )));
                    }
                    rows.push((line, cells));
                }
            }
        }
        let Some((header_line, names)) = header else {
            return Err(ListError(format!("{what}: empty (no header row)")));
        };
        let mut columns = HashMap::new();
        for (at, name) in names.iter().enumerate() {
            columns.entry(column_key(name)).or_insert(at);
        }
        Ok(Table { what, header_line, columns, rows })
    }

    /// The first of `names` (header texts) the header has.
    pub(crate) fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.columns.get(&column_key(n)).copied())
    }

    /// The first of `names` the header has, or an error naming the first.
    pub(crate) fn require(&self, names: &[&str]) -> Result<usize, ListError> {
        self.column(names).ok_or_else(|| {
            ListError(format!(
                "{}: the header (line {}) has no \"{}\" column",
                self.what,
                self.header_line,
                names.first().copied().unwrap_or_default()
            ))
        })
    }
}

/// A row's cell in a column (empty when the column is absent).
pub(crate) fn cell(row: &[String], column: Option<usize>) -> &str {
    column.and_then(|at| row.get(at)).map_or("", String::as_str)
}

/// Whitespace runs made one space.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An ISO 3166 alpha-2 code as the list writes it (`cn` → `CN`); `None` for anything else,
/// including the EU's `00` (unknown).
pub(crate) fn iso2(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// Adds a name unless the entry has it (the same letters, case aside); a name met again as
/// strong becomes strong.
pub(crate) fn push_name(names: &mut Vec<EntryName>, text: &str, strong: bool) {
    let text = collapse(text);
    if text.is_empty() {
        return;
    }
    match names.iter_mut().find(|n| n.text.to_lowercase() == text.to_lowercase()) {
        Some(known) => known.strong |= strong,
        None => names.push(EntryName { text, strong }),
    }
}

/// Adds a value unless present.
pub(crate) fn push_unique(values: &mut Vec<String>, value: &str) {
    let value = collapse(value);
    if !value.is_empty() && !values.contains(&value) {
        values.push(value);
    }
}

/// Entries gathered from rows, one per id (the lists repeat an entry on a row per name or
/// address).
#[derive(Default)]
pub(crate) struct Entries {
    entries: Vec<Entry>,
    by_id: HashMap<(ListId, String), usize>,
}

impl Entries {
    /// The entry with this list and id, made when first met.
    pub(crate) fn get(&mut self, list: ListId, id: &str, kind: EntryKind) -> &mut Entry {
        let key = (list, id.to_owned());
        let at = match self.by_id.get(&key) {
            Some(&at) => at,
            None => {
                self.entries.push(Entry {
                    list,
                    id: id.to_owned(),
                    kind,
                    names: Vec::new(),
                    countries: Vec::new(),
                    programs: Vec::new(),
                });
                let at = self.entries.len() - 1;
                self.by_id.insert(key, at);
                at
            }
        };
        // `at` is a position in `entries`: found in `by_id` or pushed just above.
        &mut self.entries[at]
    }

    /// The entries with at least one name, in the order first met.
    pub(crate) fn finish(self) -> Vec<Entry> {
        self.entries.into_iter().filter(|e| !e.names.is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::Table;

    #[test]
    fn lines_are_counted_with_any_line_ending() {
        for input in
            [&b"a,b\r\nName 6,x\r\n\r\n1,2\r\n"[..], &b"\xEF\xBB\xBFa,b\nName 6,x\n\n1,2\n"[..]]
        {
            let table = Table::read("t", input, b',', "name6", 3).unwrap();
            assert_eq!(table.header_line, 2);
            assert_eq!(table.rows, [(4, vec!["1".to_owned(), "2".to_owned()])]);
        }
    }
}
