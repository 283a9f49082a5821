//! Customs unions (a member's market is the union's rules followed by its own), `[[absent]]`
//! statements, and the coverage of markets × topics that `preclear kb check` enforces.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

use preclear_domain::{Confidence, Country, Date};
use preclear_kb::coverage::{Status, coverage};
use preclear_kb::{BaseComponent, Kb, KbErrors, SourceFile, Topic, load};

const HS: &str = "section,hscode,description,parent,level\nXVI,84,M,TOTAL,2\nXVI,8471,ADP,84,4\nXVI,847150,Units,8471,6\nXVI,8473,Parts,84,4\nXVI,8504,Converters,85,4\nXVI,85,E,TOTAL,2\nXVI,8517,Telephones,85,4\nXVI,8523,Media,85,4\nXVI,8528,Monitors,85,4\nXVI,8542,ICs,85,4\nXVI,8544,Cables,85,4\nXVI,8443,Printers,84,4\n";

const FACT: &str = "source = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n";

fn union_file(members: &str, extra: &str) -> String {
    format!(
        r#"[union]
id = "ZU"
name = "Zed Union"
currency = "EUR"
members = {members}

[sources.law]
title = "Union law"
document = "Union journal"

[valuation]
basis = "CIF"
{FACT}
[importer]
non_resident_allowed = true
route = "Through a union-established customs representative"
{FACT}
[[levy]]
id = "zu.duty"
kind = "duty"
name = "Common tariff"
base = ["customs_value"]
{FACT}
  [[levy.rate]]
  percent = "0"
  {FACT}
[[requirement]]
id = "zu.ce"
kind = "conformity"
name = "Union conformity marking"
authority = "Union"
scope = "model"
holder = "importer_or_manufacturer"
lead_time_days = "unknown"
needed_before = "clearance"
{FACT}
{extra}"#
    )
}

fn member_file(country: &str, union_line: &str, extra: &str) -> String {
    format!(
        r#"[market]
country = "{country}"
name = "Member {country}"
currency = "EUR"
{union_line}

[sources.law]
title = "National law"
document = "National gazette"

[rounding]
mode = "half_up"
decimal_places = 2
{FACT}
[[levy]]
id = "{lower}.vat"
kind = "tax"
name = "Import VAT"
base = ["customs_value", "zu.duty"]
{FACT}
  [[levy.rate]]
  percent = "21"
  {FACT}
{extra}"#,
        lower = country.to_ascii_lowercase()
    )
}

fn kb(files: &[(&str, String)]) -> Result<Kb, KbErrors> {
    let mut all = vec![
        SourceFile { path: "kb.toml".into(), text: "name = \"t\"\nedition = \"t\"\n".into() },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.into() },
    ];
    all.extend(
        files.iter().map(|(path, text)| SourceFile { path: (*path).into(), text: text.clone() }),
    );
    load(&all)
}

fn problems(files: &[(&str, String)]) -> String {
    match kb(files) {
        Ok(_) => String::new(),
        Err(errors) => errors.to_string(),
    }
}

fn country(code: &str) -> Country {
    Country::parse(code).unwrap()
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn a_member_market_is_the_unions_rules_followed_by_its_own() {
    let kb = kb(&[
        ("unions/ZU.toml", union_file("[\"FR\", \"IT\"]", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", "")),
        ("markets/IT.toml", member_file("IT", "union = \"ZU\"", "")),
    ])
    .unwrap();
    let france = kb.market(country("FR")).unwrap();
    let ids: Vec<&str> = france.levies.iter().map(|levy| &*levy.id).collect();
    assert_eq!(ids, ["zu.duty", "fr.vat"], "the union's levies come first");
    assert_eq!(
        france.levies[1].base,
        [BaseComponent::CustomsValue, BaseComponent::Levy(0)],
        "the member's VAT is computed on the union's duty"
    );
    assert_eq!(france.requirements[0].id.as_ref(), "zu.ce");
    assert_eq!(france.union.as_deref(), Some("ZU"));
    assert!(france.importer.value.route.contains("union-established"), "inherited [importer]");
    assert_eq!(&*france.valuation.provenance.location.file, "unions/ZU.toml");
    assert_eq!(kb.unions().len(), 1);
    assert_eq!(kb.unions()[0].members, [country("FR"), country("IT")]);
}

#[test]
fn a_members_own_fact_replaces_the_unions() {
    let own_valuation = format!("[valuation]\nbasis = \"FOB\"\n{FACT}");
    let kb = kb(&[
        ("unions/ZU.toml", union_file("[\"FR\"]", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", &own_valuation)),
    ])
    .unwrap();
    let france = kb.market(country("FR")).unwrap();
    assert_eq!(&*france.valuation.provenance.location.file, "markets/FR.toml");
}

#[test]
fn union_membership_must_agree_on_both_sides() {
    let union = union_file("[\"FR\", \"IT\"]", "");
    // IT is listed but has no market file; FR's file does not name the union.
    let text = problems(&[
        ("unions/ZU.toml", union.clone()),
        ("markets/FR.toml", member_file("FR", "", "")),
    ]);
    assert!(text.contains("lists member `IT`, which has no markets/IT.toml"), "{text}");
    assert!(text.contains("markets/FR.toml does not say `union = \"ZU\"`"), "{text}");
    // FR's file names the union, but without it the levy base and the union are unknown.
    let text = problems(&[("markets/FR.toml", member_file("FR", "union = \"ZU\"", ""))]);
    assert!(text.contains("union `ZU` is not defined"), "{text}");
    // A member not listed by the union.
    let text = problems(&[
        ("unions/ZU.toml", union_file("[\"IT\"]", "")),
        ("markets/IT.toml", member_file("IT", "union = \"ZU\"", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", "")),
    ]);
    assert!(text.contains("names union `ZU`, whose `members` do not list it"), "{text}");
    // A union file named after another id.
    let text = problems(&[
        ("unions/XX.toml", union_file("[\"FR\"]", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", "")),
    ]);
    assert!(text.contains("the file must be named unions/ZU.toml"), "{text}");
}

#[test]
fn a_market_without_a_union_still_needs_its_own_facts() {
    let text = problems(&[(
        "markets/FR.toml",
        member_file("FR", "", "").replace("zu.duty", "customs_value"),
    )]);
    assert!(text.contains("market file has no [valuation] table"), "{text}");
    assert!(text.contains("market file has no [importer] table"), "{text}");
}

#[test]
fn an_absence_needs_a_note_a_known_confidence_and_a_topic_that_can_be_absent() {
    let absent = |topic: &str, confidence: &str, note: &str| {
        format!(
            "[[absent]]\ntopic = \"{topic}\"\n{note}source = \"law\"\nconfidence = \"{confidence}\"\nas_of = 2026-01-01\n"
        )
    };
    let file = |extra: String| {
        vec![
            ("unions/ZU.toml", union_file("[\"FR\"]", "")),
            ("markets/FR.toml", member_file("FR", "union = \"ZU\"", &extra)),
        ]
    };
    assert_eq!(problems(&file(absent("imei", "high", "note = \"No IMEI regime\"\n"))), "");
    let text = problems(&file(absent("imei", "high", "")));
    assert!(text.contains("[[absent]] needs a `note`"), "{text}");
    let text = problems(&file(absent("imei", "unknown", "note = \"Not found\"\n")));
    assert!(text.contains("cannot have confidence \"unknown\""), "{text}");
    let text = problems(&file(absent("duty", "high", "note = \"No duty\"\n")));
    assert!(text.contains("`duty` is not a topic that can be absent"), "{text}");
}

#[test]
fn coverage_tells_rules_absences_unknowns_and_gaps_apart() {
    let extra = r#"[[absent]]
topic = "imei"
note = "No IMEI registration of imported devices"
source = "law"
confidence = "medium"
as_of = 2026-01-01

[[requirement]]
id = "fr.radio"
kind = "type_approval"
name = "Radio approval"
authority = "Regulator"
scope = "model"
holder = "importer"
lead_time_days = "unknown"
needed_before = "clearance"
when = { radio = "any" }
source = "law"
confidence = "unknown"
as_of = 2026-01-01

[[restriction]]
id = "fr.used"
effect = "prohibited"
name = "Used goods banned"
when = { condition = ["used"] }
source = "law"
confidence = "low"
as_of = 2026-01-01
effective_from = 2026-06-01
"#;
    let kb = kb(&[
        ("unions/ZU.toml", union_file("[\"FR\"]", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", extra)),
    ])
    .unwrap();
    let status = |on: &str, topic: Topic| {
        let rows = coverage(&kb, date(on));
        rows[0].cells.iter().find(|cell| cell.topic == topic).unwrap().status
    };
    assert_eq!(status("2026-07-01", Topic::Valuation), Status::Known(Confidence::High));
    assert_eq!(status("2026-07-01", Topic::Vat), Status::Known(Confidence::High));
    assert_eq!(
        status("2026-07-01", Topic::Safety),
        Status::Known(Confidence::High),
        "from the union"
    );
    assert_eq!(status("2026-07-01", Topic::Imei), Status::Absent(Confidence::Medium));
    assert_eq!(status("2026-07-01", Topic::Radio), Status::Unknown);
    assert_eq!(status("2026-07-01", Topic::Used), Status::Known(Confidence::Low));
    assert_eq!(status("2026-05-31", Topic::Used), Status::Missing, "not yet in force");
    assert_eq!(status("2026-07-01", Topic::Encryption), Status::Missing);
    // The union's duty has one catch-all rate: every IT heading is covered.
    assert_eq!(status("2026-07-01", Topic::Duty), Status::Known(Confidence::High));
    let rows = coverage(&kb, date("2026-07-01"));
    assert_eq!(rows[0].missing().collect::<Vec<_>>(), [Topic::Encryption]);
}

#[test]
fn duty_coverage_needs_a_rate_for_every_it_heading() {
    let union = union_file("[\"FR\"]", "").replace(
        &format!("  [[levy.rate]]\n  percent = \"0\"\n  {FACT}"),
        &format!("  [[levy.rate]]\n  hs = \"8471\"\n  percent = \"0\"\n  {FACT}"),
    );
    let kb = kb(&[
        ("unions/ZU.toml", union),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", "")),
    ])
    .unwrap();
    let rows = coverage(&kb, date("2026-07-01"));
    let duty = rows[0].cells.iter().find(|cell| cell.topic == Topic::Duty).unwrap();
    assert_eq!(duty.status, Status::Missing, "8473, 8517, … have no rate");
}

#[test]
fn the_bundled_kb_has_no_missing_topic_in_any_market() {
    let kb = preclear_kb_bundle::load().unwrap_or_else(|errors| panic!("{errors}"));
    for row in coverage(&kb, date("2026-11-21")) {
        let missing: Vec<Topic> = row.missing().collect();
        assert!(missing.is_empty(), "{} {} is missing {missing:?}", row.country, row.name);
    }
}

#[test]
fn a_levy_on_used_goods_covers_the_used_topic() {
    let surcharge = format!(
        "[[levy]]\nid = \"fr.used-surcharge\"\nkind = \"duty\"\nname = \"Surcharge on used goods\"\nbase = [\"customs_value\"]\nwhen = {{ condition = [\"used\", \"refurbished\"] }}\n{FACT}\n  [[levy.rate]]\n  percent = \"3\"\n  {FACT}"
    );
    let kb = kb(&[
        ("unions/ZU.toml", union_file("[\"FR\"]", "")),
        ("markets/FR.toml", member_file("FR", "union = \"ZU\"", &surcharge)),
    ])
    .unwrap();
    let rows = coverage(&kb, date("2026-07-01"));
    let used = rows[0].cells.iter().find(|cell| cell.topic == Topic::Used).unwrap();
    assert_eq!(used.status, Status::Known(Confidence::High));
    assert_eq!(used.rules.iter().map(|rule| &**rule).collect::<Vec<_>>(), ["fr.used-surcharge"]);
}
