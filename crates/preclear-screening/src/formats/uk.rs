//! The UK lists, CSV: the UK Sanctions List (FCDO; the UK's list since OFSI's Consolidated List
//! closed in January 2026) and OFSI's Consolidated List of Financial Sanctions Targets
//! (`ConList.csv`, 2022 format). Both have a line or two before the header (`Report Date: …`,
//! `Last Updated,…`) and one row per name of a designation, its name in `Name 1`…`Name 6`
//! (`Name 6` the surname or the whole name of an entity). Rows are gathered by the
//! designation's id (`Unique ID`; OFSI's `Group ID`): the primary name first, then its
//! variations, then aliases; a `Low quality` alias is weak; a name in a non-Latin script is a
//! strong alias. Countries are the list's (country names, not codes): addresses' countries and
//! nationalities. The regime is the program. Columns are found by their header.

use std::collections::HashMap;

use super::{ListRead, Table, cell, push_name, push_unique};
use crate::lists::{Entry, EntryKind, ListError, ListId};

/// Where a UK file keeps what is read.
struct Layout {
    list: ListId,
    what: &'static str,
    id: &'static [&'static str],
    name_type: &'static [&'static str],
    strength: &'static [&'static str],
    regime: &'static [&'static str],
    kind: &'static [&'static str],
    non_latin: &'static [&'static str],
    countries: &'static [&'static str],
}

const FCDO: Layout = Layout {
    list: ListId::UkSanctionsList,
    what: "the UK Sanctions List",
    id: &["Unique ID"],
    name_type: &["Name type", "Alias Type"],
    strength: &["Alias strength", "Alias Quality"],
    regime: &["Regime Name", "Regime"],
    kind: &["Designation Type", "Individual, Entity, Ship", "Individual/Entity/Ship", "Group Type"],
    non_latin: &["Name non-latin script"],
    countries: &["Address Country", "Nationality(/ies)", "Nationality"],
};

const OFSI: Layout = Layout {
    list: ListId::UkOfsiConsolidated,
    what: "the OFSI Consolidated List",
    id: &["Group ID"],
    name_type: &["Alias Type"],
    strength: &["Alias Quality"],
    regime: &["Regime"],
    kind: &["Group Type"],
    non_latin: &["Name Non-Latin Script"],
    countries: &["Country", "Nationality"],
};

/// A designation being gathered: names with their rank (0 primary, 1 variation, 2 alias).
struct Designation {
    kind: EntryKind,
    names: Vec<(u8, String, bool)>,
    countries: Vec<String>,
    programs: Vec<String>,
}

/// Values the UK lists number in one cell (`(1) Russia (2) Ukraine`), or separate by `;`/`|`.
fn several(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '(' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut number = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                number.push(d);
                chars.next();
            }
            if chars.peek() == Some(&')') {
                chars.next();
                parts.push(std::mem::take(&mut current));
            } else {
                current.push('(');
                current.push_str(&number);
            }
        } else if c == ';' || c == '|' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts.into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}

fn read_uk(layout: &Layout, bytes: &[u8]) -> Result<ListRead, ListError> {
    let table = Table::read(layout.what, bytes, b',', "name6", 3)?;
    let id = table.require(layout.id)?;
    let parts: Vec<Option<usize>> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5"]
        .into_iter()
        .map(|n| table.column(&[n]))
        .chain([Some(table.require(&["Name 6"])?)])
        .collect();
    let name_type = table.column(layout.name_type);
    let strength = table.column(layout.strength);
    let regime = table.column(layout.regime);
    let kind = table.column(layout.kind);
    let non_latin = table.column(layout.non_latin);
    let countries: Vec<Option<usize>> =
        layout.countries.iter().map(|c| table.column(&[c])).collect();

    let mut read = ListRead::default();
    let mut order: Vec<String> = Vec::new();
    let mut designations: HashMap<String, Designation> = HashMap::new();
    for (_, row) in &table.rows {
        let name = parts
            .iter()
            .map(|&at| cell(row, at))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let other_script = cell(row, non_latin);
        if name.is_empty() && other_script.is_empty() {
            read.skip("rows without a name");
            continue;
        }
        let key = cell(row, Some(id)).to_owned();
        if key.is_empty() {
            read.skip(&format!("rows without a {}", layout.id.first().unwrap_or(&"id")));
            continue;
        }
        let designation = designations.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Designation {
                kind: match cell(row, kind).to_ascii_lowercase().as_str() {
                    "individual" => EntryKind::Person,
                    "ship" | "vessel" => EntryKind::Vessel,
                    "aircraft" => EntryKind::Aircraft,
                    _ => EntryKind::Entity,
                },
                names: Vec::new(),
                countries: Vec::new(),
                programs: Vec::new(),
            }
        });
        let rank = match cell(row, name_type).to_ascii_lowercase().as_str() {
            "primary name" => 0,
            "primary name variation" => 1,
            _ => 2,
        };
        let quality = cell(row, strength).to_ascii_lowercase();
        let strong = !(quality.contains("low") || quality.contains("weak"));
        designation.names.push((rank, name, strong));
        designation.names.push((2, other_script.to_owned(), true));
        for &column in &countries {
            for country in several(cell(row, column)) {
                push_unique(&mut designation.countries, &country);
            }
        }
        push_unique(&mut designation.programs, cell(row, regime));
    }
    for key in order {
        let Some(mut designation) = designations.remove(&key) else { continue };
        designation.names.sort_by_key(|(rank, _, _)| *rank);
        let mut names = Vec::new();
        for (_, text, strong) in &designation.names {
            push_name(&mut names, text, *strong);
        }
        read.entries.push(Entry {
            list: layout.list,
            id: key,
            kind: designation.kind,
            names,
            countries: designation.countries,
            programs: designation.programs,
        });
    }
    Ok(read)
}

/// The UK Sanctions List CSV (FCDO).
pub fn read_uk_sanctions_list(bytes: &[u8]) -> Result<ListRead, ListError> {
    read_uk(&FCDO, bytes)
}

/// OFSI's Consolidated List of Financial Sanctions Targets CSV (`ConList.csv`).
pub fn read_uk_ofsi(bytes: &[u8]) -> Result<ListRead, ListError> {
    read_uk(&OFSI, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_values_are_split() {
        assert_eq!(several("(1) Russia (2) Ukraine"), ["Russia", "Ukraine"]);
        assert_eq!(several("Iran"), ["Iran"]);
        assert_eq!(several("Russia|Belarus; Iran"), ["Russia", "Belarus", "Iran"]);
        assert_eq!(several("Korea (North) (12"), ["Korea (North) (12"]);
        assert!(several(" ").is_empty());
    }
}
