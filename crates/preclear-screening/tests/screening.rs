//! Screening against the bundled snapshots: listed names found as written, with a typo, in
//! another script and by an alias; unlisted names not found; every hit explained.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::sync::LazyLock;

use preclear_screening::Screener;
use preclear_screening::lists::{self, ListId};
use preclear_screening::matching::{POSSIBLE, STRONG};

static SCREENER: LazyLock<Screener> = LazyLock::new(|| Screener::new(lists::bundled().unwrap()));

#[test]
fn the_bundled_lists_read_whole() {
    let entries = lists::bundled().unwrap();
    let count = |list: ListId| entries.iter().filter(|e| e.list == list).count();
    // The UN snapshot says 730 individuals and 273 entities.
    assert_eq!(count(ListId::UnConsolidated), 730 + 273);
    assert!(count(ListId::OfacSdn) > 8_000, "{}", count(ListId::OfacSdn));
    assert!(count(ListId::OfacConsolidated) > 100);
    let cuba = entries.iter().find(|e| e.list == ListId::OfacSdn && e.id == "306").unwrap();
    assert_eq!(cuba.names[0].text, "BANCO NACIONAL DE CUBA");
    assert!(cuba.names.iter().any(|n| n.text == "NATIONAL BANK OF CUBA"), "{:?}", cuba.names);
    assert!(cuba.countries.contains(&"Switzerland".to_owned()));
    assert_eq!(cuba.programs, ["CUBA"]);
}

#[test]
fn a_listed_name_is_found_as_written_with_a_typo_and_by_its_alias() {
    for query in ["Banco Nacional de Cuba", "BANCO NACINAL DE CUBA", "National Bank of Cuba S.A."] {
        let hits = SCREENER.screen(query, None);
        let hit = hits
            .iter()
            .find(|h| h.list == ListId::OfacSdn && h.entry_id == "306")
            .unwrap_or_else(|| panic!("{query}: {hits:#?}"));
        assert!(hit.score >= STRONG, "{query}: {hit:#?}");
        assert_eq!(hit.band, "match");
        assert_eq!(hit.entry_name, "BANCO NACIONAL DE CUBA");
        assert!(hit.tokens.iter().all(|t| t.listed.is_some()), "every token paired: {hit:#?}");
    }
    let alias = SCREENER.screen("National Bank of Cuba S.A.", None);
    let hit = alias.iter().find(|h| h.entry_id == "306").unwrap();
    assert_eq!(hit.matched_name, "NATIONAL BANK OF CUBA", "the alias that matched is named");
    assert!(hit.legal_forms_ignored.contains(&"sa".to_owned()), "{hit:#?}");
}

#[test]
fn a_name_in_another_script_is_transliterated() {
    // UN CDi.001, ERIC BADEGE, written in Cyrillic.
    let hits = SCREENER.screen("Эрик Бадеге", None);
    let hit = hits.iter().find(|h| h.entry_id == "CDi.001").unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(hit.score >= POSSIBLE, "{hit:#?}");
    assert_eq!(hit.tokens[0].query, "erik");
    assert_eq!(hit.tokens[0].listed.as_deref(), Some("eric"));
}

#[test]
fn the_country_raises_or_lowers_and_says_so() {
    let agreeing = SCREENER.screen("Banco Nacional de Cuba", Some("Switzerland"));
    let hit = agreeing.iter().find(|h| h.entry_id == "306").unwrap();
    assert!(hit.country.starts_with("agrees"), "{hit:#?}");
    let conflicting = SCREENER.screen("Banco Nacional de Cuba", Some("Brazil"));
    let other = conflicting.iter().find(|h| h.entry_id == "306").unwrap();
    assert!(other.country.starts_with("conflicts"), "{other:#?}");
    assert!(other.score < hit.score);
}

#[test]
fn unlisted_companies_are_not_matches() {
    for name in [
        "Nordwind Systems GmbH",
        "Anadolu Veri Merkezi A.Ş.",
        "Dell Technologies",
        "Rheinwerk Rechenzentrum GmbH",
    ] {
        let hits = SCREENER.screen(name, None);
        assert!(hits.iter().all(|h| h.score < STRONG), "{name}: {hits:#?}");
    }
}

#[test]
fn two_names_compare_with_an_explanation() {
    let hit = SCREENER.compare("Banco Nacinal de Cuba", "BANCO NACIONAL DE CUBA");
    assert!(hit.score >= STRONG, "{hit:#?}");
    let pair = hit.tokens.iter().find(|t| t.query == "nacinal").unwrap();
    assert_eq!(pair.listed.as_deref(), Some("nacional"));
    assert!(pair.similarity > 0.9 && pair.similarity < 1.0);
    let different = SCREENER.compare("Nordwind Systems", "BANCO NACIONAL DE CUBA");
    assert!(different.score < POSSIBLE, "{different:#?}");
}

/// The EU, BIS and CSL files give countries as ISO codes: a party in that country agrees with
/// the entry as one given by name does.
#[test]
fn a_country_listed_by_its_code_agrees_with_the_party_s_country() {
    use preclear_screening::{Entry, EntryKind, EntryName, ListId, Screener};
    let entry = |countries: &[&str]| Entry {
        list: ListId::EuFinancialSanctions,
        id: "EU.1".into(),
        kind: EntryKind::Entity,
        names: vec![EntryName { text: "JADE RIVER ELECTRONICS".into(), strong: true }],
        countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        programs: vec![],
    };
    let by_code =
        Screener::new(vec![entry(&["CN"])]).screen("Jade River Electronics", Some("China"));
    let by_name =
        Screener::new(vec![entry(&["China"])]).screen("Jade River Electronics", Some("China"));
    assert_eq!(by_code[0].country, "agrees (China)");
    assert_eq!(by_code[0].score, by_name[0].score);
    let elsewhere =
        Screener::new(vec![entry(&["CN"])]).screen("Jade River Electronics", Some("Germany"));
    assert!(elsewhere[0].country.starts_with("conflicts"), "{}", elsewhere[0].country);
}

/// The bundled snapshots hold the BIS lists too: a party on the Entity List (from the CSL
/// sample) in Türkiye is a match on that list, and a Denied Persons entry is found on its own.
#[test]
fn the_bundled_lists_include_the_bis_entity_list() {
    let hits = SCREENER.screen("3K AVIATION CONSULTING AND LOGISTICS", Some("Turkey"));
    let best = hits.first().expect("a hit");
    assert_eq!(best.list, ListId::BisEntityList);
    assert_eq!(best.band, "match");
    assert_eq!(best.country, "agrees (Turkey)", "the CSL's `TR` read as the country");
    let denied = SCREENER.screen("Aaron Abraham Villa", Some("United States"));
    assert_eq!(denied.first().map(|h| h.list), Some(ListId::BisDeniedPersons));
}

/// A UN list cut short (a download that stopped) is refused, not read as a shorter list.
#[test]
fn a_un_list_cut_short_is_refused() {
    let whole = include_bytes!("../data/un-consolidated-2026-02-27.xml");
    let cut = whole.get(..whole.len() / 2).unwrap();
    let error = lists::read_un(cut).unwrap_err();
    assert!(error.0.contains("the file is incomplete"), "{}", error.0);
    assert!(lists::read_un(whole).is_ok());
}
