//! The readers of the US CSL, BIS Denied Persons, EU and UK list files: the real snapshots
//! (CSL 2019 excerpt, DPL 2022) and files written for these tests in the published schemas
//! (EU, UK; `tests/data/README.md`) read whole and by content, malformed input refused with an
//! error naming the file and the line or element, and a listed name of every new list found
//! by the screener with its list named.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use preclear_screening::formats::{
    self, CslScope, ListFile, ListFormat, ListRead, read_bis_dpl, read_csl, read_eu, read_uk_ofsi,
    read_uk_sanctions_list,
};
use preclear_screening::lists::{self, MAX_LIST_BYTES};
use preclear_screening::{Entry, EntryKind, ListId, Screener};

const CSL: &[u8] = include_bytes!("../data/us-csl-sample-2019.csv");
const DPL: &[u8] = include_bytes!("../data/bis-denied-persons-2022.txt");
const EU: &[u8] = include_bytes!("data/eu-fsf-written-for-test.xml");
const UK: &[u8] = include_bytes!("data/uk-sanctions-list-written-for-test.csv");
const OFSI: &[u8] = include_bytes!("data/uk-ofsi-conlist-written-for-test.csv");

/// A Military End-User row, written for this test (the 2019 CSL excerpt predates the list).
const CSL_MEU: &[u8] = b"source,entity_number,type,programs,name,title,addresses,alt_names\n\
Military End User (MEU) List - Bureau of Industry and Security,,,,Example Aero Engine Research Institute,,\"1 Example Road, Xi'an, CN\",EAERI\n";

fn entry<'a>(read: &'a ListRead, list: ListId, id: &str) -> &'a Entry {
    read.entries
        .iter()
        .find(|e| e.list == list && e.id == id)
        .unwrap_or_else(|| panic!("{list:?} {id} not read: {:#?}", read.entries))
}

fn names(entry: &Entry) -> Vec<(&str, bool)> {
    entry.names.iter().map(|n| (n.text.as_str(), n.strong)).collect()
}

fn count(read: &ListRead, list: ListId) -> usize {
    read.entries.iter().filter(|e| e.list == list).count()
}

fn skipped(read: &ListRead, what: &str) -> usize {
    read.skipped.iter().filter(|s| s.what.contains(what)).map(|s| s.count).sum()
}

#[test]
fn the_csl_excerpt_reads_its_bis_and_state_lists() {
    let read = read_csl(CSL, CslScope::WithoutTreasury).unwrap();
    // 115 rows: 8 DPL (one party on two rows), 22 Entity List (one on five), 4 UVL, 3 ISN,
    // 10 DTC, and 68 Treasury rows left to OFAC's own files.
    assert_eq!(count(&read, ListId::BisDeniedPersons), 7);
    assert_eq!(count(&read, ListId::BisEntityList), 18);
    assert_eq!(count(&read, ListId::BisUnverifiedList), 4);
    assert_eq!(count(&read, ListId::StateNonproliferation), 3);
    assert_eq!(count(&read, ListId::StateItarDebarred), 10);
    assert_eq!(read.entries.len(), 42);
    assert_eq!(read.skipped_count(), 68, "{:#?}", read.skipped);
    assert_eq!(skipped(&read, "Specially Designated Nationals (SDN)"), 28);
    assert_eq!(skipped(&read, "Sectoral Sanctions Identifications"), 26);
    assert_eq!(skipped(&read, "Palestinian Legislative Council"), 13);
    assert_eq!(skipped(&read, "Capta List"), 1);
    assert!(read.skipped.iter().all(|s| s.what.contains("read from OFAC's own files")));

    // No entity number on BIS rows: the id is the name.
    let tir = entry(&read, ListId::BisEntityList, "3K Aviation Consulting and Logistics");
    assert_eq!(tir.kind, EntryKind::Entity);
    assert_eq!(
        names(tir),
        [
            ("3K Aviation Consulting and Logistics", true),
            ("3K Havacilik ve Danismanlik SAN. TIC. LTD. ST.", true)
        ]
    );
    assert_eq!(tir.countries, ["TR"]);
    let migeotte = entry(&read, ListId::BisEntityList, "Gunther Migeotte");
    assert_eq!(migeotte.countries, ["ZA", "NO"], "five rows, one entry");
    let wings = entry(&read, ListId::BisDeniedPersons, "AL NASER WINGS AIRLINES");
    assert_eq!(wings.countries, ["IQ", "AE"]);
    // An address without a country code gives no country.
    let hernandez = entry(&read, ListId::BisDeniedPersons, "ADRIAN MANUEL HERNANDEZ");
    assert!(hernandez.countries.is_empty(), "{hernandez:?}");
    let gulf = entry(&read, ListId::BisUnverifiedList, "Gulf Modern Solutions Engineering Company");
    assert_eq!(gulf.countries, ["AE"]);
    let regiment =
        entry(&read, ListId::StateNonproliferation, "183rd Guard Air Defense Missile Regiment");
    assert_eq!(regiment.programs, ["INKSNA"]);
    let douglas = entry(&read, ListId::StateItarDebarred, "Gwendolyn Douglas");
    assert_eq!(names(douglas), [("Gwendolyn Douglas", true), ("Gwen Douglas", true)]);
}

#[test]
fn the_csl_read_whole_gives_treasury_rows_as_ofac_lists() {
    let read = read_csl(CSL, CslScope::All).unwrap();
    assert_eq!(read.skipped_count(), 0, "{:#?}", read.skipped);
    assert_eq!(count(&read, ListId::OfacSdn), 28);
    assert_eq!(count(&read, ListId::OfacConsolidated), 26 + 13 + 1);
    assert_eq!(read.entries.len(), 42 + 68);
    let tir = entry(&read, ListId::OfacSdn, "10863");
    assert_eq!(tir.names[0].text, "7TH OF TIR");
    assert!(tir.names.iter().any(|n| n.text == "SEVENTH OF TIR"), "{tir:?}");
    assert_eq!(tir.programs, ["IFSR", "NPWMD"]);
    assert_eq!(tir.countries, ["IR"]);
    assert_eq!(entry(&read, ListId::OfacSdn, "23156").kind, EntryKind::Vessel);
    let akbari = entry(&read, ListId::OfacSdn, "27271");
    assert_eq!(akbari.kind, EntryKind::Person);
    let anabi = entry(&read, ListId::OfacSdn, "18447");
    assert_eq!(anabi.countries, ["DZ"], "address and citizenship, once");
    let capta = entry(&read, ListId::OfacConsolidated, "15268");
    assert_eq!(capta.programs, ["561-Related"]);
    assert_eq!(capta.countries, ["CN"]);
}

#[test]
fn the_csl_names_the_military_end_user_list() {
    let read = read_csl(CSL_MEU, CslScope::WithoutTreasury).unwrap();
    let meu = entry(&read, ListId::BisMilitaryEndUser, "Example Aero Engine Research Institute");
    assert_eq!(meu.countries, ["CN"]);
    assert_eq!(meu.names[1].text, "EAERI");
    let unknown = b"source,name\nSome Future List (SFL) - Other Agency,Example Party\n";
    let read = read_csl(unknown, CslScope::All).unwrap();
    assert!(read.entries.is_empty());
    assert_eq!(skipped(&read, "not a list this reader knows"), 1, "{:#?}", read.skipped);
}

#[test]
fn the_denied_persons_snapshot_reads_whole() {
    let read = read_bis_dpl(DPL).unwrap();
    // 581 rows, one per order and address: 459 parties.
    assert_eq!(read.entries.len(), 459);
    assert_eq!(read.skipped_count(), 0);
    assert!(read.entries.iter().all(|e| e.list == ListId::BisDeniedPersons));
    let sun = entry(&read, ListId::BisDeniedPersons, "FUYI SUN");
    assert_eq!(names(sun), [("FUYI SUN", true), ("FRANK SUN", true)]);
    let s7 = entry(&read, ListId::BisDeniedPersons, "SIBERIAN AIRLINES");
    assert_eq!(names(s7), [("SIBERIAN AIRLINES", true), ("S7 AIRLINES", true)]);
    let nasser = entry(&read, ListId::BisDeniedPersons, "ABDULAH AL NASSER");
    assert_eq!(nasser.countries, ["US"], "two rows, one entry, one country");
    assert_eq!(entry(&read, ListId::BisDeniedPersons, "ABDULAMIR MAHDI").countries, ["CA"]);
    // The file writes China as "PRC" twice.
    let prc = read.entries.iter().filter(|e| e.countries.contains(&"CN".to_owned())).count();
    assert!(prc >= 1);
    assert!(read.entries.iter().all(|e| e.countries.iter().all(|c| c.len() == 2)));
}

#[test]
fn the_eu_file_reads_names_strength_programmes_and_countries() {
    let read = read_eu(EU).unwrap();
    assert_eq!(read.entries.len(), 4);
    assert_eq!(skipped(&read, "without a name"), 1);
    let saddam = entry(&read, ListId::EuFinancialSanctions, "EU.27.28");
    assert_eq!(saddam.kind, EntryKind::Person);
    assert_eq!(
        names(saddam),
        [("Saddam Hussein Al-Tikriti", true), ("Abu Ali", true), ("Abou Ali", true)]
    );
    assert_eq!(saddam.countries, ["IQ"]);
    assert_eq!(saddam.programs, ["IRQ"]);
    let roe = entry(&read, ListId::EuFinancialSanctions, "EU.7808.66");
    assert_eq!(roe.kind, EntryKind::Entity);
    assert_eq!(
        names(roe),
        [
            ("JSC ROSOBORONEXPORT", true),
            ("АО Рособоронэкспорт", true),
            ("Rosoboroneksport", true),
            ("ROE", false)
        ]
    );
    assert_eq!(roe.programs, ["UKR", "RUS"]);
    assert_eq!(roe.countries, ["RU"], "the address; the identification's country is not read");
    // No EU reference number: the logical id. The strong name first, escapes resolved, the
    // unknown country `00` left out.
    let plant = entry(&read, ListId::EuFinancialSanctions, "999003");
    assert_eq!(
        names(plant),
        [("Café Exemple Optical Plant", true), ("Minsk Example Tool & Die Works", false)]
    );
    assert_eq!(plant.countries, ["BY"]);
    let ivan = entry(&read, ListId::EuFinancialSanctions, "EU.9999.1");
    assert_eq!(names(ivan), [("Ivan Petrovich Examplev", true)], "parts joined");
    assert_eq!(ivan.countries, ["RU"]);
}

#[test]
fn the_uk_sanctions_list_gathers_rows_by_unique_id() {
    let read = read_uk_sanctions_list(UK).unwrap();
    assert_eq!(read.entries.len(), 3);
    assert_eq!(skipped(&read, "rows without a name"), 1);
    let saddam = entry(&read, ListId::UkSanctionsList, "IRQ0012");
    assert_eq!(saddam.kind, EntryKind::Person);
    assert_eq!(
        names(saddam),
        [("Saddam HUSSEIN AL-TIKRITI", true), ("Saddam HUSSEIN", true), ("Abu Ali", false)],
        "the primary name first though its row comes later; a low-quality alias weak"
    );
    assert_eq!(saddam.countries, ["Iraq", "Jordan"]);
    assert_eq!(saddam.programs, ["Iraq"]);
    let roe = entry(&read, ListId::UkSanctionsList, "RUS0250");
    assert_eq!(
        names(roe),
        [
            ("JOINT STOCK COMPANY ROSOBORONEXPORT", true),
            ("АО Рособоронэкспорт", true),
            ("ROSOBORONEXPORT", true)
        ]
    );
    assert_eq!(roe.countries, ["Russia"]);
    assert_eq!(entry(&read, ListId::UkSanctionsList, "RUS9901").kind, EntryKind::Vessel);
}

#[test]
fn the_ofsi_list_gathers_rows_by_group_id() {
    let read = read_uk_ofsi(OFSI).unwrap();
    assert_eq!(read.entries.len(), 3);
    assert_eq!(read.skipped_count(), 0);
    let zawahiri = entry(&read, ListId::UkOfsiConsolidated, "6897");
    assert_eq!(
        names(zawahiri),
        [
            ("Aiman Muhammed Rabi AL-ZAWAHIRI", true),
            ("Aiman ABDEL RAHMAN", true),
            ("THE DOCTOR", false)
        ]
    );
    assert_eq!(zawahiri.countries, ["Egypt"]);
    assert_eq!(zawahiri.programs, ["ISIL (Da'esh) and Al-Qaida"]);
    let bank = entry(&read, ListId::UkOfsiConsolidated, "12558");
    assert_eq!(bank.kind, EntryKind::Entity);
    assert_eq!(bank.countries, ["Syria"]);
    assert_eq!(entry(&read, ListId::UkOfsiConsolidated, "16001").kind, EntryKind::Vessel);
}

#[test]
fn a_list_file_is_read_by_its_format_name() {
    let format: ListFormat = "eu-fsf-xml".parse().unwrap();
    assert_eq!(format, ListFormat::EuFsfXml);
    let read = formats::read(format, &[ListFile { name: "eu.xml", bytes: EU }]).unwrap();
    assert_eq!(read, read_eu(EU).unwrap());
    for f in ListFormat::ALL {
        assert_eq!(f.name().parse::<ListFormat>().unwrap(), f);
    }
    let err = "eu-fsf-json".parse::<ListFormat>().unwrap_err();
    assert!(err.0.contains("no list format \"eu-fsf-json\""), "{err}");
    assert!(err.0.contains("uk-sanctions-list-csv"), "{err}");

    // The UN and OFAC formats read as the crate's own readers do.
    let un = include_bytes!("../data/un-consolidated-2026-02-27.xml");
    let read = formats::read(ListFormat::UnXml, &[ListFile { name: "un.xml", bytes: un }]);
    assert_eq!(read.unwrap().entries, lists::read_un(un).unwrap());
    let (p, a, d) = (
        &include_bytes!("../data/ofac-cons-prim-2025.csv")[..],
        &include_bytes!("../data/ofac-cons-alt-2025.csv")[..],
        &include_bytes!("../data/ofac-cons-add-2025.csv")[..],
    );
    let files = [
        ListFile { name: "cons_prim.csv", bytes: p },
        ListFile { name: "cons_alt.csv", bytes: a },
        ListFile { name: "cons_add.csv", bytes: d },
    ];
    let read = formats::read(ListFormat::OfacConsolidatedCsv, &files).unwrap();
    assert_eq!(read.entries, lists::read_ofac(ListId::OfacConsolidated, p, a, d).unwrap());
    let err = formats::read(ListFormat::OfacSdnCsv, &files[..1]).unwrap_err();
    assert!(err.0.contains("takes 3 file(s) (primary, alternate names, addresses); 1 given"));

    let csl = [ListFile { name: "consolidated.csv", bytes: CSL }];
    assert_eq!(formats::read(ListFormat::UsCslCsv, &csl).unwrap().entries.len(), 42);
    assert_eq!(formats::read(ListFormat::UsCslCsvAll, &csl).unwrap().entries.len(), 110);
    // An error names the file.
    let err = formats::read(ListFormat::BisDplTxt, &csl).unwrap_err();
    assert!(err.0.starts_with("consolidated.csv: the Denied Persons List: no header row"), "{err}");
}

#[test]
fn malformed_files_are_refused_with_the_place_named() {
    let err = |r: Result<ListRead, preclear_screening::ListError>| r.unwrap_err().0;

    // CSV: not the format, a column missing, a row of the wrong width.
    let e = err(read_csl(DPL, CslScope::All));
    assert!(e.starts_with("the CSL file: no header row (with a \"source\" column)"), "{e}");
    let e = err(read_csl(b"source,entity_number,title\nx,1,y\n", CslScope::All));
    assert_eq!(e, "the CSL file: the header (line 1) has no \"name\" column");
    let e = err(read_csl(
        b"source,name,alt_names\nEntity List (EL),A,B\nEntity List,C\n",
        CslScope::All,
    ));
    assert_eq!(e, "the CSL file, line 3: 2 cells where the header has 3");
    let e = err(read_csl(b"source,name\n\"Entity List,unterminated\n", CslScope::All));
    assert!(e.starts_with("the CSL file"), "{e}");
    let e = err(read_bis_dpl(b""));
    assert_eq!(e, "the Denied Persons List: empty (no header row)");
    let e = err(read_uk_sanctions_list(OFSI));
    assert_eq!(e, "the UK Sanctions List: the header (line 2) has no \"Unique ID\" column");
    let e = err(read_uk_ofsi(b"a\nb\nc\nd\ne\nf\n"));
    assert!(
        e.contains("no header row (with a \"name6\" column) in its first 4 row(s); line 4"),
        "{e}"
    );

    // XML: not the EU list, cut short, badly formed, a bad escape in an attribute.
    let un = include_bytes!("../data/un-consolidated-2026-02-27.xml");
    let e = err(read_eu(un));
    assert!(e.contains("the root element is <CONSOLIDATED_LIST>, not <export>"), "{e}");
    let cut = EU.get(..EU.len() / 2).unwrap();
    let e = err(read_eu(cut));
    assert!(e.starts_with("the EU list"), "{e}");
    let e = err(read_eu(b"<export><sanctionEntity logicalId=\"1\"><nameAlias wholeName=\"A\"/>"));
    assert_eq!(e, "the EU list ends inside <sanctionEntity> (cut short?)");
    let e = err(read_eu(b"<export><sanctionEntity></export>"));
    assert!(e.starts_with("the EU list at byte "), "{e}");
    let e = err(read_eu(
        b"<export><sanctionEntity logicalId=\"1\"><nameAlias wholeName=\"A &bogus; B\"/></sanctionEntity></export>",
    ));
    assert!(e.starts_with("the EU list, <nameAlias> at byte 38, attribute wholeName:"), "{e}");
    let e = err(read_eu(b""));
    assert_eq!(e, "the EU list: no <export> element (empty file?)");

    // Too large.
    let huge = vec![b' '; MAX_LIST_BYTES + 1];
    for result in [read_eu(&huge), read_uk_ofsi(&huge), read_csl(&huge, CslScope::All)] {
        assert!(err(result).contains("at most"));
    }
}

#[test]
fn a_latin_1_file_reads() {
    let read = read_bis_dpl(b"\"Name\"\t\"Country\"\n\"CAF\xC9 EXEMPLE\"\t\"FR\"\n").unwrap();
    assert_eq!(read.entries[0].names[0].text, "CAFÉ EXEMPLE");
}

#[test]
fn a_listed_name_of_every_new_list_is_found_with_its_list_named() {
    let mut entries = read_csl(CSL, CslScope::WithoutTreasury).unwrap().entries;
    entries.extend(read_csl(CSL_MEU, CslScope::WithoutTreasury).unwrap().entries);
    entries.extend(read_bis_dpl(DPL).unwrap().entries);
    entries.extend(read_eu(EU).unwrap().entries);
    entries.extend(read_uk_sanctions_list(UK).unwrap().entries);
    entries.extend(read_uk_ofsi(OFSI).unwrap().entries);
    entries.extend(lists::bundled().unwrap());
    let screener = Screener::new(entries);
    for (query, list, title, id) in [
        ("Fuyi Sun", ListId::BisDeniedPersons, "BIS Denied Persons List", "FUYI SUN"),
        (
            "3K Aviation Consulting & Logistics",
            ListId::BisEntityList,
            "BIS Entity List",
            "3K Aviation Consulting and Logistics",
        ),
        (
            "Guangdong University of Technology",
            ListId::BisUnverifiedList,
            "BIS Unverified List",
            "Guangdong University of Technology",
        ),
        (
            "Example Aero Engine Research Institute",
            ListId::BisMilitaryEndUser,
            "BIS Military End-User List",
            "Example Aero Engine Research Institute",
        ),
        (
            "Gwendolyn Douglas",
            ListId::StateItarDebarred,
            "State Department ITAR Debarred List",
            "Gwendolyn Douglas",
        ),
        (
            "183rd Guard Air Defense Missile Regiment",
            ListId::StateNonproliferation,
            "State Department Nonproliferation Sanctions",
            "183rd Guard Air Defense Missile Regiment",
        ),
        (
            "Rosoboroneksport",
            ListId::EuFinancialSanctions,
            "EU Consolidated Financial Sanctions List",
            "EU.7808.66",
        ),
        ("Saddam Hussein al-Tikriti", ListId::UkSanctionsList, "UK Sanctions List", "IRQ0012"),
        (
            "Aiman Muhammed Rabi al-Zawahiri",
            ListId::UkOfsiConsolidated,
            "OFSI Consolidated List of Financial Sanctions Targets",
            "6897",
        ),
    ] {
        let hits = screener.screen(query, None);
        let hit = hits
            .iter()
            .find(|h| h.list == list && h.entry_id == id)
            .unwrap_or_else(|| panic!("{query}: {hits:#?}"));
        assert_eq!(hit.list_title, title);
        assert!(hit.band == "match" || hit.band == "possible", "{hit:#?}");
    }
    // A weak alias is found and said to be weak.
    let hits = screener.screen("The Doctor", None);
    let hit = hits.iter().find(|h| h.entry_id == "6897").unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(!hit.strong_name);
    assert_eq!(hit.entry_name, "Aiman Muhammed Rabi AL-ZAWAHIRI");
}

#[test]
fn every_format_reads_or_refuses_any_cut_of_its_files() {
    // What the fuzz target `screening_formats` does, on every cut of the test files.
    for (format, file) in [
        (ListFormat::UsCslCsvAll, CSL),
        (ListFormat::BisDplTxt, DPL),
        (ListFormat::EuFsfXml, EU),
        (ListFormat::UkSanctionsListCsv, UK),
        (ListFormat::UkOfsiCsv, OFSI),
    ] {
        for end in (0..file.len()).step_by((file.len() / 400).max(97)) {
            let bytes = file.get(..end).unwrap_or_default();
            let wanted = format.files().len();
            let parts: Vec<&[u8]> = bytes.splitn(wanted, |b| *b == 0xFF).collect();
            let files: Vec<ListFile<'_>> = (0..wanted)
                .map(|at| ListFile {
                    name: "cut",
                    bytes: parts.get(at).copied().unwrap_or_default(),
                })
                .collect();
            if let Ok(read) = formats::read(format, &files) {
                let screener = Screener::new(read.entries);
                let _ = screener.screen("Rosoboronexport", Some("Russia"));
            }
        }
    }
}
