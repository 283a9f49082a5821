//! `agreements/<id>.toml`: the WTO Information Technology Agreement as data, and the 0% the
//! loader derives from it where a participant's own tariff rate is not established.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use preclear_domain::{Confidence, Country, Date};
use preclear_kb::RateValue;
use preclear_kb::depth::duty_known;
use preclear_kb::{Kb, SourceFile, load};

const HS: &str = "section,hscode,description,parent,level\nXVI,84,M,TOTAL,2\nXVI,8471,ADP,84,4\nXVI,847130,Laptops,8471,6\nXVI,847150,Units,8471,6\nXVI,85,E,TOTAL,2\nXVI,8517,Telephones,85,4\nXVI,851762,Network apparatus,8517,6\n";

const FACT: &str = "source = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n";

fn market(code: &str, rates: &str) -> String {
    format!(
        r#"[market]
country = "{code}"
name = "Market {code}"
currency = "EUR"

[sources.law]
title = "Tariff law"
url = "https://www.customs.gov.zw/tariff"

[rounding]
mode = "half_up"
decimal_places = 2
{FACT}
[valuation]
basis = "CIF"
{FACT}
[importer]
non_resident_allowed = true
route = "Any"
{FACT}
[[levy]]
id = "{lower}.duty"
kind = "duty"
name = "Duty"
base = ["customs_value"]
{FACT}
{rates}
"#,
        lower = code.to_ascii_lowercase()
    )
}

/// The agreement file: Zedland (`ZW`) takes part in ITA-I and, from `expansion_complete`, in
/// the expansion; 8471.50 is covered in full by ITA-I, 8471.30 only in part, 8517.62 by the
/// expansion; `more` adds rows.
fn ita(more: &str) -> String {
    format!(
        r#"[agreement]
id = "ita"
name = "Information Technology Agreement"
source = "declaration"
confidence = "high"
as_of = 2026-12-07

[sources.declaration]
title = "Ministerial Declaration on Trade in Information Technology Products"
url = "https://www.wto.org/english/docs_e/legal_e/itadec_e.htm"

[sources.participants]
title = "ITA participants"
url = "https://www.wto.org/english/tratop_e/inftec_e/itscheds_e.htm"

[[participant]]
member = "ZW"
ita = true
expansion = true
expansion_complete = 2019-07-01
source = "participants"
confidence = "high"
as_of = 2026-12-07

[[product]]
hs = "847150"
list = "ita"
scope = "full"
source = "declaration"
confidence = "high"
as_of = 2026-12-07

[[product]]
hs = "847130"
list = "ita"
scope = "ex"
source = "declaration"
confidence = "high"
as_of = 2026-12-07

[[product]]
hs = "851762"
list = "expansion"
scope = "full"
source = "declaration"
confidence = "high"
as_of = 2026-12-07
{more}"#
    )
}

fn files(markets: &[(&str, String)], agreement: Option<String>) -> Vec<SourceFile> {
    let mut files = vec![
        SourceFile { path: "kb.toml".into(), text: "name = \"t\"\nedition = \"t\"\n".into() },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.into() },
    ];
    for (code, text) in markets {
        files.push(SourceFile { path: format!("markets/{code}.toml"), text: text.clone() });
    }
    if let Some(agreement) = agreement {
        files.push(SourceFile { path: "agreements/ita.toml".into(), text: agreement });
    }
    files
}

fn kb(markets: &[(&str, String)], agreement: Option<String>) -> Kb {
    match load(&files(markets, agreement)) {
        Ok(kb) => kb,
        Err(errors) => panic!("fixture does not load: {errors}"),
    }
}

fn zw() -> Country {
    Country::parse("ZW").unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

const UNKNOWN_8471: &str = r#"  [[levy.rate]]
  hs = "8471"
  percent = "unknown"
  note = "Searched the national tariff: not found"
  source = "law"
  confidence = "unknown"
  as_of = 2026-01-01
"#;

#[test]
fn a_participant_without_its_own_rate_gets_the_agreements_zero_at_medium_confidence() {
    let kb = kb(&[("ZW", market("ZW", UNKNOWN_8471))], Some(ita("")));
    let market = kb.market(zw()).unwrap();
    assert!(!market.levies[0].rates.is_empty());
    let derived =
        market.levies[0].rates.iter().find(|r| r.hs.as_ref().unwrap().as_str() == "847150");
    let derived = derived.expect("a rate is derived for the fully covered subheading");
    assert_eq!(derived.value, RateValue::Percent(preclear_domain::Percent::ZERO));
    assert_eq!(derived.provenance.confidence, Confidence::Medium, "never more than medium");
    let note = derived.provenance.note.as_deref().unwrap();
    assert!(note.contains("Information Technology Agreement") && note.contains("ZW"), "{note}");
    let urls: Vec<_> = derived.provenance.sources.iter().filter_map(|s| s.url.as_deref()).collect();
    assert!(urls.iter().any(|u| u.contains("itadec")), "cites the agreement: {urls:?}");
    assert!(urls.iter().any(|u| u.contains("itscheds")), "cites the participation: {urls:?}");
    assert_eq!(&*derived.provenance.location.file, "agreements/ita.toml");
    assert!(duty_known(market, "847150", day("2026-12-07")));
    // Covered only in part: nothing derived, the national unknown stands.
    assert!(!duty_known(market, "847130", day("2026-12-07")));
}

#[test]
fn the_expansions_zero_holds_from_the_end_of_the_members_staging() {
    let kb = kb(&[("ZW", market("ZW", UNKNOWN_8471))], Some(ita("")));
    let market = kb.market(zw()).unwrap();
    let rate = market.levies[0]
        .rates
        .iter()
        .find(|r| r.hs.as_ref().unwrap().as_str() == "851762")
        .expect("derived from the expansion");
    assert_eq!(rate.provenance.effective_from, Some(day("2019-07-01")));
    assert!(duty_known(market, "851762", day("2026-12-07")));
    assert!(!duty_known(market, "851762", day("2019-06-30")), "staged, not yet zero");
}

#[test]
fn an_unknown_rate_for_the_subheading_itself_is_replaced_and_its_note_kept() {
    let line = r#"  [[levy.rate]]
  hs = "84715010"
  percent = "unknown"
  note = "Line 8471.50.10 not read"
  source = "law"
  confidence = "unknown"
  as_of = 2026-01-01
"#;
    let kb = kb(&[("ZW", market("ZW", line))], Some(ita("")));
    let market = kb.market(zw()).unwrap();
    let rates: Vec<_> = market.levies[0]
        .rates
        .iter()
        .filter(|r| r.hs.as_ref().unwrap().as_str().starts_with("847150"))
        .collect();
    assert_eq!(rates.len(), 1, "replaced, not duplicated: {rates:?}");
    assert_eq!(rates[0].value, RateValue::Percent(preclear_domain::Percent::ZERO));
    assert!(rates[0].provenance.note.as_deref().unwrap().contains("Line 8471.50.10 not read"));
    assert!(duty_known(market, "847150", day("2026-12-07")));
}

#[test]
fn a_rate_the_national_tariff_knows_is_never_overridden() {
    let known = r#"  [[levy.rate]]
  hs = "8471"
  percent = "5"
  source = "law"
  confidence = "high"
  as_of = 2026-01-01
"#;
    let kb = kb(&[("ZW", market("ZW", known))], Some(ita("")));
    let market = kb.market(zw()).unwrap();
    assert_eq!(market.levies[0].rates.len(), 2, "only 8517.62 is derived");
    assert!(
        market.levies[0].rates.iter().all(|r| r.hs.as_ref().unwrap().as_str() != "847150"),
        "the known 5% on 8471 stands for 8471.50"
    );
}

#[test]
fn a_recorded_deviation_and_a_non_participant_get_nothing() {
    let deviation = r#"
[[deviation]]
member = "ZW"
hs = ["8517"]
source = "participants"
confidence = "high"
as_of = 2026-12-07
note = "Duties above 0% on 8517 recorded at the WTO"
"#;
    let kb = kb(
        &[("ZW", market("ZW", UNKNOWN_8471)), ("ZM", market("ZM", UNKNOWN_8471))],
        Some(ita(deviation)),
    );
    let zedland = kb.market(zw()).unwrap();
    assert!(duty_known(zedland, "847150", day("2026-12-07")));
    let derived =
        zedland.levies[0].rates.iter().find(|r| r.hs.as_ref().unwrap().as_str() == "847150");
    assert_eq!(
        derived.unwrap().provenance.confidence,
        Confidence::Low,
        "a member departing on other products is trusted less"
    );
    assert!(!duty_known(zedland, "851762", day("2026-12-07")), "deviation: nothing derived");
    let other = kb.market(Country::parse("ZM").unwrap()).unwrap();
    assert_eq!(other.levies[0].rates.len(), 1, "not a participant: nothing derived");
    assert!(!duty_known(other, "847150", day("2026-12-07")));
}

#[test]
fn bad_agreement_rows_are_reported_with_their_lines() {
    let bad = r#"
[[participant]]
member = "ZW"
ita = true
expansion = false
source = "participants"
confidence = "high"
as_of = 2026-12-07

[[participant]]
member = "XX"
ita = "yes"
expansion = false
source = "participants"
confidence = "high"
as_of = 2026-12-07

[[product]]
hs = "8471"
list = "ita2"
scope = "full"
source = "declaration"
confidence = "high"
as_of = 2026-12-07
"#;
    let errors = match load(&files(&[("ZW", market("ZW", UNKNOWN_8471))], Some(ita(bad)))) {
        Ok(_) => panic!("a bad agreement file must not load"),
        Err(errors) => errors.to_string(),
    };
    for expected in [
        "participant `ZW` is listed twice",
        "`ita` must be true or false",
        "must be an HS subheading (six digits)",
        "`ita2` is not a list",
    ] {
        assert!(errors.contains(expected), "missing `{expected}` in:\n{errors}");
    }
    assert!(errors.contains("agreements/ita.toml:"), "{errors}");
}

#[test]
fn a_participant_must_be_a_country_or_a_union_of_the_kb() {
    let bad = r#"
[[participant]]
member = "EU"
ita = true
expansion = false
source = "participants"
confidence = "high"
as_of = 2026-12-07
"#;
    let errors = match load(&files(&[("ZW", market("ZW", UNKNOWN_8471))], Some(ita(bad)))) {
        Ok(_) => panic!("an unknown union must not load"),
        Err(errors) => errors.to_string(),
    };
    assert!(errors.contains("`EU` is neither a country code nor a union of the KB"), "{errors}");
}
