//! The US Consolidated Screening List CSV (the export of the lists the Commerce, State and
//! Treasury departments keep for export screening) and BIS's own Denied Persons List file.
//!
//! **CSL** (`source, entity_number, type, programs, name, title, addresses, …, alt_names,
//! citizenships, dates_of_birth, nationalities, …`; later exports add `_id` first): one row per
//! listed party, its `source` naming the list. Columns are found by their header, so the order
//! may change. The BIS and State sources become their own lists; the Treasury sources are
//! OFAC's SDN and non-SDN lists once more, read from OFAC's own files by
//! [`crate::lists::read_ofac`], so [`CslScope::WithoutTreasury`] leaves them out (counted) and
//! [`CslScope::All`] reads them as [`ListId::OfacSdn`] and [`ListId::OfacConsolidated`]. A
//! source the reader does not know is left out and counted by name.
//!
//! **Denied Persons List** (`Name, Street_Address, City, State, Country, Postal_Code,
//! Effective_Date, Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation`,
//! tab-separated, quoted): one row per denial order and address, so a party on several rows is
//! one entry. The list has no entry numbers: an entry's id is its name as listed.

use super::{Entries, ListRead, Table, cell, collapse, iso2, push_name, push_unique};
use crate::lists::{EntryKind, ListError, ListId};

/// Which CSL sources [`read_csl`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CslScope {
    /// The Commerce (BIS) and State Department sources; the Treasury sources (OFAC's lists,
    /// read from OFAC's own files) are left out and counted.
    WithoutTreasury,
    /// Every source the reader knows; the Treasury ones as [`ListId::OfacSdn`] and
    /// [`ListId::OfacConsolidated`].
    All,
}

/// A CSL source: its list and whether it is a Treasury (OFAC) source.
fn csl_list(source: &str) -> Option<(ListId, bool)> {
    let s = source.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&["specially designated nationals", "(sdn)"]) {
        Some((ListId::OfacSdn, true))
    } else if has(&["treasury department"]) {
        // SSI, FSE, PLC, CAPTA, NS-MBS, CMIC…: OFAC's Consolidated (non-SDN) list.
        Some((ListId::OfacConsolidated, true))
    } else if has(&["denied persons", "(dpl)"]) {
        Some((ListId::BisDeniedPersons, false))
    } else if has(&["entity list", "(el)"]) {
        Some((ListId::BisEntityList, false))
    } else if has(&["unverified list", "(uvl)"]) {
        Some((ListId::BisUnverifiedList, false))
    } else if has(&["military end user", "military end-user", "(meu)"]) {
        Some((ListId::BisMilitaryEndUser, false))
    } else if has(&["itar debarred", "(dtc)"]) {
        Some((ListId::StateItarDebarred, false))
    } else if has(&["nonproliferation sanctions", "(isn)"]) {
        Some((ListId::StateNonproliferation, false))
    } else {
        None
    }
}

fn kind(text: &str) -> EntryKind {
    match text.trim().to_ascii_lowercase().as_str() {
        "individual" | "person" => EntryKind::Person,
        "vessel" | "ship" => EntryKind::Vessel,
        "aircraft" => EntryKind::Aircraft,
        _ => EntryKind::Entity,
    }
}

/// A listed name and the other names it carries (`FUYI SUN A/K/A FRANK SUN`,
/// `SIBERIAN AIRLINES D/B/A S7 AIRLINES`): the first is the listed name.
fn split_aka(name: &str) -> Vec<String> {
    const MARKERS: [&str; 4] = [" A/K/A ", " D/B/A ", " F/K/A ", " A.K.A. "];
    let mut names = Vec::new();
    let mut rest = name;
    loop {
        let upper = rest.to_ascii_uppercase();
        let next = MARKERS.iter().filter_map(|m| upper.find(m).map(|at| (at, m.len()))).min();
        match next {
            Some((at, len)) => {
                names.push(rest.get(..at).unwrap_or_default().trim().to_owned());
                rest = rest.get(at + len..).unwrap_or_default();
            }
            None => {
                names.push(rest.trim().to_owned());
                break;
            }
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The US Consolidated Screening List CSV.
pub fn read_csl(bytes: &[u8], scope: CslScope) -> Result<ListRead, ListError> {
    let table = Table::read("the CSL file", bytes, b',', "source", 0)?;
    let source = table.require(&["source"])?;
    let name = table.require(&["name"])?;
    let number = table.column(&["entity_number"]);
    let row_id = table.column(&["_id", "id"]);
    let kind_at = table.column(&["type"]);
    let programs = table.column(&["programs"]);
    let alt_names = table.column(&["alt_names"]);
    let addresses = table.column(&["addresses"]);
    let citizenships = table.column(&["citizenships"]);
    let nationalities = table.column(&["nationalities"]);

    let mut read = ListRead::default();
    let mut entries = Entries::default();
    for (_, row) in &table.rows {
        let source_text = cell(row, Some(source));
        let Some((list, treasury)) = csl_list(source_text) else {
            read.skip(&format!("source \"{source_text}\" (not a list this reader knows)"));
            continue;
        };
        if treasury && scope == CslScope::WithoutTreasury {
            read.skip(&format!("source \"{source_text}\" (read from OFAC's own files)"));
            continue;
        }
        let names = split_aka(cell(row, Some(name)));
        let Some(primary) = names.first() else {
            read.skip("rows without a name");
            continue;
        };
        let id = [cell(row, number), cell(row, row_id)]
            .into_iter()
            .find(|id| !id.is_empty())
            .map_or_else(|| collapse(primary), str::to_owned);
        let entry = entries.get(list, &id, kind(cell(row, kind_at)));
        for text in &names {
            push_name(&mut entry.names, text, true);
        }
        // The CSL does not mark weak aliases: every alternate name is strong.
        for alias in cell(row, alt_names).split(';') {
            push_name(&mut entry.names, alias, true);
        }
        for address in cell(row, addresses).split(';') {
            // An address ends with its country's code (`…, Antalya, TR`).
            if let Some(code) = address.rsplit(',').next().and_then(iso2) {
                push_unique(&mut entry.countries, &code);
            }
        }
        for code in [cell(row, citizenships), cell(row, nationalities)]
            .into_iter()
            .flat_map(|c| c.split(';'))
            .filter_map(iso2)
        {
            push_unique(&mut entry.countries, &code);
        }
        for program in cell(row, programs).split(';') {
            push_unique(&mut entry.programs, program);
        }
    }
    read.entries = entries.finish();
    Ok(read)
}

/// A country as the Denied Persons List writes it: mostly ISO codes, a few not.
fn dpl_country(text: &str) -> Option<String> {
    match text.trim().to_ascii_uppercase().as_str() {
        "PRC" => Some("CN".to_owned()),
        "UK" => Some("GB".to_owned()),
        "UAE" => Some("AE".to_owned()),
        _ => iso2(text),
    }
}

/// BIS's Denied Persons List, tab-separated text.
pub fn read_bis_dpl(bytes: &[u8]) -> Result<ListRead, ListError> {
    let table = Table::read("the Denied Persons List", bytes, b'\t', "name", 0)?;
    let name = table.require(&["Name"])?;
    let country = table.column(&["Country"]);
    let mut read = ListRead::default();
    let mut entries = Entries::default();
    for (_, row) in &table.rows {
        let names = split_aka(cell(row, Some(name)));
        let Some(primary) = names.first() else {
            read.skip("rows without a name");
            continue;
        };
        // The list does not say whether a party is a person or a firm.
        let entry = entries.get(ListId::BisDeniedPersons, &collapse(primary), EntryKind::Entity);
        for text in &names {
            push_name(&mut entry.names, text, true);
        }
        if let Some(code) = dpl_country(cell(row, country)) {
            push_unique(&mut entry.countries, &code);
        }
    }
    read.entries = entries.finish();
    Ok(read)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn other_names_are_split_off() {
        assert_eq!(split_aka("FUYI SUN A/K/A FRANK SUN"), ["FUYI SUN", "FRANK SUN"]);
        assert_eq!(
            split_aka("SIBERIAN AIRLINES d/b/a S7 AIRLINES A/K/A SIBIR"),
            ["SIBERIAN AIRLINES", "S7 AIRLINES", "SIBIR"]
        );
        assert_eq!(split_aka("MEHMET HAKAN ATILLA"), ["MEHMET HAKAN ATILLA"]);
        assert!(split_aka("  ").is_empty());
    }

    #[test]
    fn sources_name_their_lists() {
        let list = |s: &str| csl_list(s).unwrap();
        assert_eq!(
            list("Denied Persons List (DPL) - Bureau of Industry and Security"),
            (ListId::BisDeniedPersons, false)
        );
        assert_eq!(
            list("Military End User (MEU) List - Bureau of Industry and Security"),
            (ListId::BisMilitaryEndUser, false)
        );
        assert_eq!(
            list(
                "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"
            ),
            (ListId::OfacConsolidated, true)
        );
        assert_eq!(
            list("Specially Designated Nationals (SDN) - Treasury Department"),
            (ListId::OfacSdn, true)
        );
        assert_eq!(csl_list("Some New List (SNL) - Other Agency"), None);
    }
}
