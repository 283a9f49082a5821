//! The lists, read from their publishers' formats: the UN Security Council Consolidated List
//! (XML) and OFAC's SDN and Consolidated (non-SDN) lists (the legacy CSV files: primary names,
//! alternate names, addresses). Each entry keeps its names with their strength (a primary name
//! and a "good quality" alias are strong; a "low quality" alias or an OFAC "weak a.k.a." is
//! weak), its countries and its programs. Inputs are bounded: a file over
//! [`MAX_LIST_BYTES`] is refused, and so is a row or element that does not read.

use std::collections::HashMap;
use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;

/// The largest list file read.
pub const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

/// Which list an entry is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListId {
    /// UN Security Council Consolidated List.
    UnConsolidated,
    /// OFAC Specially Designated Nationals.
    OfacSdn,
    /// OFAC Consolidated (non-SDN) lists.
    OfacConsolidated,
    /// BIS Denied Persons List (US Commerce Department, export privileges denied).
    BisDeniedPersons,
    /// BIS Entity List (US Commerce Department, EAR Supplement No. 4 to Part 744).
    BisEntityList,
    /// BIS Unverified List (US Commerce Department, end use not verified).
    BisUnverifiedList,
    /// BIS Military End-User List (US Commerce Department, EAR Supplement No. 7 to Part 744).
    BisMilitaryEndUser,
    /// State Department ITAR debarred parties (DDTC).
    StateItarDebarred,
    /// State Department nonproliferation sanctions (ISN).
    StateNonproliferation,
    /// EU consolidated list of persons, groups and entities subject to financial sanctions.
    EuFinancialSanctions,
    /// The UK Sanctions List (FCDO).
    UkSanctionsList,
    /// OFSI's Consolidated List of Financial Sanctions Targets (UK, closed January 2026).
    UkOfsiConsolidated,
}

impl ListId {
    /// How the list is named for people.
    pub fn title(self) -> &'static str {
        match self {
            ListId::UnConsolidated => "UN Security Council Consolidated List",
            ListId::OfacSdn => "OFAC Specially Designated Nationals (SDN) List",
            ListId::OfacConsolidated => "OFAC Consolidated (non-SDN) Sanctions List",
            ListId::BisDeniedPersons => "BIS Denied Persons List",
            ListId::BisEntityList => "BIS Entity List",
            ListId::BisUnverifiedList => "BIS Unverified List",
            ListId::BisMilitaryEndUser => "BIS Military End-User List",
            ListId::StateItarDebarred => "State Department ITAR Debarred List",
            ListId::StateNonproliferation => "State Department Nonproliferation Sanctions",
            ListId::EuFinancialSanctions => "EU Consolidated Financial Sanctions List",
            ListId::UkSanctionsList => "UK Sanctions List",
            ListId::UkOfsiConsolidated => "OFSI Consolidated List of Financial Sanctions Targets",
        }
    }
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A natural person.
    Person,
    /// A company or organisation.
    Entity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

/// One name of an entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryName {
    /// As the list writes it.
    pub text: String,
    /// A primary name or a strong alias (`false`: a weak or low-quality alias).
    pub strong: bool,
}

/// One listed party.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// The list.
    pub list: ListId,
    /// Its id on the list (OFAC `ent_num`, UN reference number).
    pub id: String,
    /// What it is.
    pub kind: EntryKind,
    /// Its names, the primary first.
    pub names: Vec<EntryName>,
    /// Countries of its addresses and nationalities, as the list writes them.
    pub countries: Vec<String>,
    /// Its sanctions programs (OFAC program codes, the UN committee).
    pub programs: Vec<String>,
}

/// A list file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError(pub String);

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ListError {}

pub(crate) fn bounded<'a>(what: &str, bytes: &'a [u8]) -> Result<&'a [u8], ListError> {
    if bytes.len() > MAX_LIST_BYTES {
        return Err(ListError(format!(
            "{what} is {} bytes; at most {MAX_LIST_BYTES} are read",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// OFAC's empty cell.
fn ofac_text(field: Option<&str>) -> Option<String> {
    let text = field?.trim();
    (!text.is_empty() && text != "-0-").then(|| text.to_owned())
}

fn csv_rows(what: &str, bytes: &[u8]) -> Result<Vec<csv::StringRecord>, ListError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bounded(what, bytes)?);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ListError(format!("{what}, row {}: {e}", n + 1)))?;
        // The legacy files end with a line holding only the end-of-file mark.
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty() || f == "\u{1a}")
        {
            continue;
        }
        rows.push(record);
    }
    Ok(rows)
}

/// OFAC's legacy CSV files of one list: the primary file (`ent_num, name, type, program, …`),
/// the alternate names (`ent_num, alt_num, alt_type, alt_name, remarks`) and the addresses
/// (`ent_num, add_num, address, city/state/postal, country, remarks`). Alternate names and
/// addresses of an entry the primary file does not have are skipped.
pub fn read_ofac(
    list: ListId,
    primary: &[u8],
    alternates: &[u8],
    addresses: &[u8],
) -> Result<Vec<Entry>, ListError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for row in csv_rows("the primary file", primary)? {
        let (Some(id), Some(name)) = (ofac_text(row.get(0)), ofac_text(row.get(1))) else {
            continue;
        };
        let kind = match ofac_text(row.get(2)).as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => EntryKind::Person,
            Some("vessel") => EntryKind::Vessel,
            Some("aircraft") => EntryKind::Aircraft,
            _ => EntryKind::Entity,
        };
        let programs = ofac_text(row.get(3))
            .map(|p| {
                p.split(']')
                    .map(|s| s.trim().trim_start_matches('[').trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        by_id.insert(id.clone(), entries.len());
        entries.push(Entry {
            list,
            id,
            kind,
            names: vec![EntryName { text: name, strong: true }],
            countries: Vec::new(),
            programs,
        });
    }
    for row in csv_rows("the alternate names", alternates)? {
        let (Some(id), Some(name)) = (ofac_text(row.get(0)), ofac_text(row.get(3))) else {
            continue;
        };
        let Some(&at) = by_id.get(&id) else { continue };
        // OFAC marks weak aliases in the type (`weak aka`) or the remarks.
        let weak = ofac_text(row.get(2)).is_some_and(|t| t.to_ascii_lowercase().contains("weak"))
            || ofac_text(row.get(4)).is_some_and(|r| r.to_ascii_lowercase().contains("weak"));
        if let Some(entry) = entries.get_mut(at) {
            entry.names.push(EntryName { text: name, strong: !weak });
        }
    }
    for row in csv_rows("the addresses", addresses)? {
        let (Some(id), Some(country)) = (ofac_text(row.get(0)), ofac_text(row.get(4))) else {
            continue;
        };
        if let Some(entry) = by_id.get(&id).and_then(|&at| entries.get_mut(at))
            && !entry.countries.contains(&country)
        {
            entry.countries.push(country);
        }
    }
    Ok(entries)
}

/// The UN Security Council Consolidated List (its XML: `INDIVIDUAL` and `ENTITY` elements
/// with their name parts, aliases of `Good` or `Low` quality, nationalities and addresses).
pub fn read_un(xml: &[u8]) -> Result<Vec<Entry>, ListError> {
    let mut reader = Reader::from_reader(bounded("the UN list", xml)?);
    let mut entries = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<UnEntry> = None;
    // The text of the element being read (text and entity references, joined).
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ListError(format!("the UN list at byte {}: {e}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(start) => {
                let name = start.name().as_ref().to_owned();
                match name.as_str() {
                    "INDIVIDUAL" => current = Some(UnEntry::new(EntryKind::Person)),
                    "ENTITY" => current = Some(UnEntry::new(EntryKind::Entity)),
                    "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                        if let Some(entry) = current.as_mut() {
                            entry.alias = (None, String::new());
                        }
                    }
                    _ => {}
                }
                stack.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t),
            Event::GeneralRef(r) => {
                let name = r[..].to_owned();
                text.push_str(&resolve_reference(&name));
            }
            Event::End(end) => {
                let name = end.name().as_ref().to_owned();
                let parent = stack.len().checked_sub(2).and_then(|i| stack.get(i)).cloned();
                if let Some(entry) = current.as_mut() {
                    entry.take(parent.as_deref(), &name, text.trim());
                }
                text.clear();
                stack.pop();
                match name.as_str() {
                    "INDIVIDUAL" | "ENTITY" => {
                        if let Some(entry) = current.take().and_then(UnEntry::finish) {
                            entries.push(entry);
                        }
                    }
                    "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                        if let Some(entry) = current.as_mut() {
                            let (quality, alias) = std::mem::take(&mut entry.alias);
                            if !alias.trim().is_empty() {
                                let strong =
                                    !quality.is_some_and(|q| q.eq_ignore_ascii_case("low"));
                                entry
                                    .names
                                    .push(EntryName { text: alias.trim().to_owned(), strong });
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // A file cut short (a download that stopped) must not pass for a shorter list.
    if !stack.is_empty() {
        return Err(ListError(format!(
            "the UN list ends inside <{}>: the file is incomplete",
            stack.join("><")
        )));
    }
    Ok(entries)
}

/// The text an XML entity reference stands for (`amp` → `&`, `#233` → `é`).
pub(crate) fn resolve_reference(name: &str) -> String {
    match name {
        "amp" => "&".to_owned(),
        "lt" => "<".to_owned(),
        "gt" => ">".to_owned(),
        "quot" => "\"".to_owned(),
        "apos" => "'".to_owned(),
        numeric => {
            let code = numeric
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| numeric.strip_prefix('#').and_then(|dec| dec.parse().ok()));
            code.and_then(char::from_u32).map_or_else(String::new, |c| c.to_string())
        }
    }
}

/// An entry of the UN list being read.
struct UnEntry {
    kind: EntryKind,
    id: String,
    program: String,
    parts: Vec<String>,
    names: Vec<EntryName>,
    alias: (Option<String>, String),
    countries: Vec<String>,
}

impl UnEntry {
    fn new(kind: EntryKind) -> UnEntry {
        UnEntry {
            kind,
            id: String::new(),
            program: String::new(),
            parts: Vec::new(),
            names: Vec::new(),
            alias: (None, String::new()),
            countries: Vec::new(),
        }
    }

    /// Takes the text of an element that ends (`tag`, inside `parent`).
    fn take(&mut self, parent: Option<&str>, tag: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let value = value.to_owned();
        match (parent, tag) {
            (
                Some("INDIVIDUAL" | "ENTITY"),
                "FIRST_NAME" | "SECOND_NAME" | "THIRD_NAME" | "FOURTH_NAME",
            ) => self.parts.push(value),
            (Some("INDIVIDUAL" | "ENTITY"), "REFERENCE_NUMBER") => self.id = value,
            (Some("INDIVIDUAL" | "ENTITY"), "UN_LIST_TYPE") => self.program = value,
            (Some("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS"), "QUALITY") => self.alias.0 = Some(value),
            (Some("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS"), "ALIAS_NAME") => self.alias.1 = value,
            (Some("NATIONALITY"), "VALUE")
            | (Some("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS"), "COUNTRY")
                if !self.countries.contains(&value) =>
            {
                self.countries.push(value);
            }
            _ => {}
        }
    }

    fn finish(self) -> Option<Entry> {
        let primary = self.parts.join(" ");
        if primary.trim().is_empty() || self.id.is_empty() {
            return None;
        }
        let mut names = vec![EntryName { text: primary, strong: true }];
        names.extend(self.names);
        Some(Entry {
            list: ListId::UnConsolidated,
            id: self.id,
            kind: self.kind,
            names,
            countries: self.countries,
            programs: if self.program.is_empty() { Vec::new() } else { vec![self.program] },
        })
    }
}

/// The snapshots bundled with preclear (`data/SOURCE.md`): a fresh machine screens with them.
/// They are snapshots, not current lists ([`crate::sets::ListSet::bundled`] is the same as a
/// set, with its dates and version).
pub fn bundled() -> Result<Vec<Entry>, ListError> {
    crate::sets::ListSet::bundled().read().map(|(entries, _)| entries)
}
