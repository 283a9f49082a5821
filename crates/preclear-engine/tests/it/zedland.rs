//! Engine behaviour on the fictional market Zedland (`ZZ`), each test with the smallest KB that
//! shows it. Real law can change without breaking these.

use preclear_engine::{Severity, Verdict};
use serde_json::json;

use crate::support::{SOURCES, assess, charge, codes, kb, request, zedland};

const DUTY_AND_VAT: &str = r#"
[[levy]]
id = "zz.duty"
kind = "duty"
name = "Zedland duty"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  hs = "8471"
  percent = "5"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

  [[levy.rate]]
  hs = "847130"
  percent = "2.5"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.vat"
kind = "tax"
name = "Zedland VAT"
base = ["customs_value", "zz.duty"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "20"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#;

#[test]
fn vat_is_charged_on_customs_value_plus_duty() {
    let kb = kb(&zedland(DUTY_AND_VAT), None);
    let assessment = assess(&kb, &request(json!({}), json!({})), "2026-06-01");
    // CIF = 900 + 100 freight + 0 insurance = 1000; duty 5% = 50; VAT 20% × 1050 = 210.
    assert_eq!(assessment.landed_cost.customs_value, "1000.00");
    assert_eq!(charge(&assessment, "zz.duty").as_deref(), Some("50.00"));
    assert_eq!(charge(&assessment, "zz.vat").as_deref(), Some("210.00"));
    assert_eq!(assessment.landed_cost.total, "1260.00");
    assert!(assessment.landed_cost.complete);
    assert_eq!(assessment.verdict, Verdict::Clearable, "{:?}", codes(&assessment));
}

#[test]
fn the_most_specific_hs_prefix_wins() {
    let kb = kb(&zedland(DUTY_AND_VAT), None);
    let laptop = request(json!({}), json!({ "category": "laptop", "hs_code": "84713000" }));
    let assessment = assess(&kb, &laptop, "2026-06-01");
    assert_eq!(charge(&assessment, "zz.duty").as_deref(), Some("25.00"));
    assert_eq!(
        assessment.lines[0].levies[0].rate.map(|rate| rate.to_string()).as_deref(),
        Some("2.5")
    );
}

#[test]
fn an_unknown_rate_is_never_zero_and_taints_later_levies() {
    let kb = kb(&zedland(DUTY_AND_VAT), None);
    let switch = request(json!({}), json!({ "category": "switch", "hs_code": "851762" }));
    let assessment = assess(&kb, &switch, "2026-06-01");
    assert_eq!(charge(&assessment, "zz.duty"), None, "no rate for 8517 in the KB");
    assert_eq!(charge(&assessment, "zz.vat"), None, "VAT's base includes the unknown duty");
    assert!(!assessment.landed_cost.complete);
    assert_eq!(assessment.landed_cost.total, "1000.00", "a lower bound: customs value only");
    assert!(codes(&assessment).contains(&"levy.rate_unknown:zz.duty".to_owned()));
    assert_eq!(assessment.verdict, Verdict::ClearableWithConditions);
}

#[test]
fn inclusive_taxes_are_computed_por_dentro() {
    let market = zedland(
        r#"
[[levy]]
id = "zz.icms"
kind = "tax"
name = "Zedland inclusive tax"
base = ["customs_value"]
method = "inclusive"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "18"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#,
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    // 1000 × 0.18 / 0.82 = 219.512195… → 219.51.
    assert_eq!(charge(&assessment, "zz.icms").as_deref(), Some("219.51"));
}

#[test]
fn fixed_fees_and_per_shipment_limits_apply_once() {
    let market = zedland(
        r#"
[[levy]]
id = "zz.processing"
kind = "fee"
name = "Processing fee"
base = ["customs_value"]
minimum = "30.00"
maximum = "40.00"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "1"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.filing"
kind = "fee"
name = "Filing fee"
method = "fixed"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  amount = "15.50"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#,
    );
    let kb = kb(&market, None);
    // 1 % of 1000 = 10 → raised to the 30.00 minimum.
    let small = assess(&kb, &request(json!({}), json!({})), "2026-06-01");
    assert_eq!(charge(&small, "zz.processing").as_deref(), Some("30.00"));
    assert_eq!(charge(&small, "zz.filing").as_deref(), Some("15.50"));
    // 1 % of 10,000 = 100 → capped at 40.00; the filing fee stays one per shipment.
    let large = assess(
        &kb,
        &request(json!({}), json!({ "quantity": 11, "unit_value": "900.00" })),
        "2026-06-01",
    );
    assert_eq!(charge(&large, "zz.processing").as_deref(), Some("40.00"));
    assert_eq!(charge(&large, "zz.filing").as_deref(), Some("15.50"));
}

#[test]
fn rates_change_on_their_effective_dates() {
    let market = zedland(
        r#"
[[levy]]
id = "zz.vat"
kind = "tax"
name = "Zedland VAT"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "12"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
  effective_to = 2026-01-01

  [[levy.rate]]
  percent = "16"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
  effective_from = 2026-01-01
"#,
    );
    let kb = kb(&market, None);
    let before = assess(&kb, &request(json!({}), json!({})), "2025-12-31");
    let after = assess(&kb, &request(json!({}), json!({})), "2026-01-01");
    assert_eq!(charge(&before, "zz.vat").as_deref(), Some("120.00"));
    assert_eq!(charge(&after, "zz.vat").as_deref(), Some("160.00"));
}

const RADIO_APPROVAL: &str = r#"
[[requirement]]
id = "zz.radio"
kind = "type_approval"
name = "Zedland radio approval"
authority = "Zedland Spectrum Office"
scope = "model"
holder = "importer"
lead_time_days = { min = 10, max = 20 }
needed_before = "departure"
when = { radio = "any" }
unless = { purpose = ["temporary_import"] }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
"#;

#[test]
fn a_requirement_applies_to_the_lines_that_meet_its_conditions() {
    let kb = kb(&zedland(RADIO_APPROVAL), None);
    let ap = request(
        json!({}),
        json!({ "category": "wireless_access_point", "hs_code": "851762", "radio": ["wifi"] }),
    );
    let assessment = assess(&kb, &ap, "2026-06-01");
    let requirement = assessment.requirements.iter().find(|r| r.rule == "zz.radio").unwrap();
    assert_eq!(requirement.status.as_str(), "applies");
    assert_eq!(requirement.lines, vec![0]);
    assert_eq!(assessment.verdict, Verdict::ClearableWithConditions);
    // The earliest ship date waits for the worst-case lead time of a departure requirement.
    assert_eq!(assessment.earliest_ship_date.unwrap().to_string(), "2026-06-21");
    assert_eq!(assessment.timeline.critical_requirement.as_deref(), Some("zz.radio"));

    let server = assess(&kb, &request(json!({}), json!({})), "2026-06-01");
    assert!(server.requirements.is_empty());
    assert_eq!(server.earliest_ship_date.unwrap().to_string(), "2026-06-01");

    let temporary = assess(
        &kb,
        &request(json!({ "purpose": "temporary_import" }), json!({ "radio": ["wifi"] })),
        "2026-06-01",
    );
    assert!(temporary.requirements.is_empty(), "`unless` excludes temporary imports");
}

#[test]
fn an_undeclared_radio_makes_the_requirement_possible_not_silent() {
    let kb = kb(&zedland(RADIO_APPROVAL), None);
    let mut ap =
        request(json!({}), json!({ "category": "wireless_access_point", "hs_code": "851762" }));
    ap["items"][0].as_object_mut().unwrap().remove("radio");
    let assessment = assess(&kb, &ap, "2026-06-01");
    let requirement = assessment.requirements.iter().find(|r| r.rule == "zz.radio").unwrap();
    assert_eq!(requirement.status.as_str(), "possible");
    let finding = assessment.findings.iter().find(|f| f.code == "requirement.possible").unwrap();
    assert!(finding.message.contains("radio technologies"), "{}", finding.message);
    assert_eq!(finding.severity, Severity::Condition);
}

#[test]
fn an_unknown_lead_time_leaves_the_ship_date_open() {
    let market = zedland(
        &RADIO_APPROVAL
            .replace("lead_time_days = { min = 10, max = 20 }", "lead_time_days = \"unknown\""),
    );
    let assessment = assess(
        &kb(&market, None),
        &request(json!({}), json!({ "radio": ["bluetooth"] })),
        "2026-06-01",
    );
    assert_eq!(assessment.earliest_ship_date, None);
    assert!(codes(&assessment).contains(&"timeline.unknown_lead_time".to_owned()));
}

const USED_GOODS: &str = r#"
[[requirement]]
id = "zz.used-licence"
kind = "import_licence"
name = "Used goods licence"
authority = "Zedland Trade Ministry"
scope = "shipment"
holder = "importer"
lead_time_days = { min = 30, max = 60 }
needed_before = "departure"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[restriction]]
id = "zz.used-phones"
effect = "prohibited"
name = "Used phones may not be imported"
when = { condition = ["used", "refurbished"], category = ["mobile_phone"] }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[restriction]]
id = "zz.used-goods"
effect = "licensed"
requirement = "zz.used-licence"
name = "Used goods need a licence"
when = { condition = ["used", "refurbished"] }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
"#;

#[test]
fn a_prohibited_line_makes_the_shipment_not_clearable() {
    let kb = kb(&zedland(USED_GOODS), None);
    let phone = request(
        json!({}),
        json!({ "category": "mobile_phone", "hs_code": "851713", "condition": "used" }),
    );
    let assessment = assess(&kb, &phone, "2026-06-01");
    assert_eq!(assessment.verdict, Verdict::NotClearable);
    let blocker = &assessment.findings[0];
    assert_eq!(
        (blocker.severity, blocker.code.as_str(), blocker.rule.as_deref()),
        (Severity::Blocker, "restriction.prohibited", Some("zz.used-phones"))
    );
    assert_eq!(
        blocker.source.as_deref(),
        Some("Zedland Official Gazette 1/2026 (fictional, for tests)")
    );
    assert!(assessment.summary.starts_with("Not clearable: Used phones may not be imported"));
}

#[test]
fn a_licensed_restriction_asks_for_its_licence_only_when_it_applies() {
    let kb = kb(&zedland(USED_GOODS), None);
    let refurbished =
        assess(&kb, &request(json!({}), json!({ "condition": "refurbished" })), "2026-06-01");
    assert_eq!(refurbished.verdict, Verdict::ClearableWithConditions);
    assert!(
        refurbished.requirements.iter().any(|r| r.rule == "zz.used-licence" && r.lines == vec![0])
    );
    assert_eq!(refurbished.earliest_ship_date.unwrap().to_string(), "2026-07-31");

    let new = assess(&kb, &request(json!({}), json!({})), "2026-06-01");
    assert!(new.requirements.is_empty(), "the used-goods licence is not asked of new goods");
    assert_eq!(new.verdict, Verdict::Clearable);
}

const CONSUMER_SALE: &str = r#"
[[ior_unsuitable]]
id = "zz.consumer-sale"
purposes = ["consumer_sale"]
reason = "selling to consumers makes the importer the producer"
recommendation = "Use a local entity"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
"#;

#[test]
fn consumer_sales_through_a_non_resident_ior_are_not_suitable() {
    let kb = kb(&zedland(CONSUMER_SALE), None);
    let sale =
        assess(&kb, &request(json!({ "purpose": "consumer_sale" }), json!({})), "2026-06-01");
    assert_eq!(sale.verdict, Verdict::IorNotSuitable);
    assert!(!sale.importer.ior_suitable);
    assert_eq!(sale.importer.rule.as_deref(), Some("zz.consumer-sale"));

    let local = request(
        json!({ "purpose": "consumer_sale", "client": { "name": "Local Co", "country": "NL", "local_entity_in_destination": true } }),
        json!({}),
    );
    let local = assess(&kb, &local, "2026-06-01");
    assert_eq!(local.verdict, Verdict::Clearable, "a client with its own entity imports itself");
}

const EXPORT_CONTROLS: &str = r#"
[regime]
id = "xr"
name = "Test export regime"
origins = ["NL"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
SOURCES

[[country_group]]
id = "G1"
name = "Group one"
countries = ["ZZ"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[classification]]
id = "xr.class.gpu"
eccn = "4A090.a"
when = { gpu = true, gpu_tpp_min = "4800" }
determination = "Computer with an advanced GPU"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[classification]]
id = "xr.class.crypto"
eccn = "5A002.a"
when = { encryption = ["controlled"] }
determination = "Controlled encryption"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[classification]]
id = "xr.class.none"
when = { encryption = ["none", "mass_market"] }
determination = "Not listed"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[licence_rule]]
id = "xr.lic.gpu"
eccns = ["4A090"]
destinations = ["group:G1"]
licence_required = true
determination = "Advanced computing items to group G1 need a licence"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[embargo]]
id = "xr.embargo"
name = "Phones to Zedland are embargoed"
destinations = ["ZZ"]
when = { category = ["mobile_phone"] }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
"#;

fn export_kb() -> preclear_kb::Kb {
    kb(&zedland(""), Some(&EXPORT_CONTROLS.replace("SOURCES", SOURCES)))
}

#[test]
fn gpu_figures_determine_the_eccn_and_its_licence() {
    let kb = export_kb();
    let gpu_server = request(
        json!({}),
        json!({ "category": "gpu_server", "gpu": { "tpp": 4800, "performance_density": 5.9 } }),
    );
    let assessment = assess(&kb, &gpu_server, "2026-06-01");
    let control = &assessment.export_controls[0];
    assert_eq!(
        (control.eccn.as_deref(), control.eccn_basis.as_str(), control.licence_required),
        (Some("4A090.a"), "determined", Some(true))
    );
    assert!(codes(&assessment).contains(&"export.licence_required:xr.lic.gpu".to_owned()));

    let below = request(
        json!({}),
        json!({ "category": "gpu_server", "gpu": { "tpp": 4799, "performance_density": 5.9 } }),
    );
    let assessment = assess(&kb, &below, "2026-06-01");
    assert_eq!(
        assessment.export_controls[0].eccn, None,
        "below the threshold, encryption none: not listed"
    );
    assert_eq!(assessment.export_controls[0].licence_required, Some(false));
}

#[test]
fn an_eccn_with_no_licence_rule_is_undetermined_not_licence_free() {
    let kb = export_kb();
    let assessment =
        assess(&kb, &request(json!({}), json!({ "encryption": "controlled" })), "2026-06-01");
    assert_eq!(assessment.export_controls[0].eccn.as_deref(), Some("5A002.a"));
    assert_eq!(assessment.export_controls[0].licence_required, None);
    assert!(codes(&assessment).iter().any(|code| code.starts_with("export.licence_undetermined")));
}

#[test]
fn a_declared_eccn_that_contradicts_the_attributes_is_flagged() {
    let kb = export_kb();
    let assessment = assess(
        &kb,
        &request(json!({}), json!({ "encryption": "controlled", "eccn": "4A090.a" })),
        "2026-06-01",
    );
    assert_eq!(assessment.export_controls[0].eccn_basis.as_str(), "declared");
    assert!(codes(&assessment).contains(&"export.eccn_mismatch:xr.class.crypto".to_owned()));
}

#[test]
fn an_undeclared_encryption_class_leaves_the_eccn_undetermined() {
    let kb = export_kb();
    let mut undeclared = request(json!({}), json!({}));
    undeclared["items"][0].as_object_mut().unwrap().remove("encryption");
    let assessment = assess(&kb, &undeclared, "2026-06-01");
    assert!(codes(&assessment).contains(&"export.eccn_undetermined".to_owned()));
    assert_eq!(assessment.verdict, Verdict::ClearableWithConditions);
}

#[test]
fn an_embargo_blocks_the_lines_it_covers() {
    let kb = export_kb();
    let phone = request(json!({}), json!({ "category": "mobile_phone", "hs_code": "851713" }));
    let assessment = assess(&kb, &phone, "2026-06-01");
    assert_eq!(assessment.verdict, Verdict::NotClearable);
    assert!(codes(&assessment).contains(&"export.embargo:xr.embargo".to_owned()));
}

#[test]
fn classification_defaults_and_errors_are_flagged() {
    let categories = r#"[sources.hs]
title = "test"
document = "test"

[[category]]
id = "server"
default_hs = "847150"
expected_hs = ["8471"]
source = "hs"
confidence = "medium"
as_of = 2026-01-01
"#;
    let files = vec![
        preclear_kb::SourceFile { path: "kb.toml".into(), text: "name = \"t\"\nedition = \"t\"\n".into() },
        preclear_kb::SourceFile { path: "hs/hs2022.csv".into(), text: "section,hscode,description,parent,level\nXVI,84,M,TOTAL,2\nXVI,8471,ADP,84,4\nXVI,847150,Units,8471,6\nXVI,85,E,TOTAL,2\nXVI,8517,T,85,4\nXVI,851762,C,8517,6\n".into() },
        preclear_kb::SourceFile { path: "hs/categories.toml".into(), text: categories.into() },
        preclear_kb::SourceFile { path: "markets/ZZ.toml".into(), text: zedland("") },
    ];
    let kb = preclear_kb::load(&files).unwrap();
    let mut undeclared = request(json!({}), json!({}));
    undeclared["items"][0].as_object_mut().unwrap().remove("hs_code");
    let assessment = assess(&kb, &undeclared, "2026-06-01");
    assert_eq!(
        (
            assessment.lines[0].hs_code.as_ref().map(|hs| hs.as_str()),
            assessment.lines[0].hs_basis.as_str()
        ),
        (Some("847150"), "category_default")
    );
    assert!(codes(&assessment).contains(&"hs.defaulted:category.server".to_owned()));
    // A KB without classifier cues (every KB stored before them) reads a line as before: no
    // classification in the line, no word of the classifier in the message, so an assessment
    // stored then replays byte for byte.
    let json = serde_json::to_string(&assessment).unwrap();
    assert!(!json.contains("\"classification\""), "{json}");
    assert!(!json.contains("classifier"), "{json}");

    let mismatch = assess(&kb, &request(json!({}), json!({ "hs_code": "851762" })), "2026-06-01");
    assert!(codes(&mismatch).contains(&"hs.category_mismatch:category.server".to_owned()));

    let missing = assess(&kb, &request(json!({}), json!({ "hs_code": "847199" })), "2026-06-01");
    assert!(codes(&missing).contains(&"hs.not_in_nomenclature".to_owned()));
    assert_eq!(missing.verdict, Verdict::ClearableWithConditions);
}

#[test]
fn a_destination_outside_the_kb_is_not_assessable() {
    let kb = kb(&zedland(""), None);
    let assessment = assess(&kb, &request(json!({ "destination": "NO" }), json!({})), "2026-06-01");
    assert_eq!(assessment.verdict, Verdict::NotAssessable, "nothing known blocks it");
    assert!(codes(&assessment).contains(&"market.not_covered".to_owned()));
}

#[test]
fn the_same_input_and_kb_give_byte_identical_output() {
    let kb = kb(&zedland(&format!("{DUTY_AND_VAT}{RADIO_APPROVAL}{USED_GOODS}")), None);
    let mut request = request(json!({}), json!({ "condition": "refurbished", "radio": ["wifi"] }));
    let second_item = request["items"][0].clone();
    request["items"].as_array_mut().unwrap().push(second_item);
    let first = serde_json::to_string(&assess(&kb, &request, "2026-06-01")).unwrap();
    for _ in 0..5 {
        assert_eq!(serde_json::to_string(&assess(&kb, &request, "2026-06-01")).unwrap(), first);
    }
    let again =
        crate::support::kb(&zedland(&format!("{DUTY_AND_VAT}{RADIO_APPROVAL}{USED_GOODS}")), None);
    assert_eq!(
        serde_json::to_string(&assess(&again, &request, "2026-06-01")).unwrap(),
        first,
        "a reloaded KB of the same content gives the same answer"
    );
}

#[test]
fn every_finding_of_a_rule_names_its_rule_source_and_confidence() {
    let kb =
        kb(&zedland(&format!("{DUTY_AND_VAT}{RADIO_APPROVAL}{USED_GOODS}{CONSUMER_SALE}")), None);
    let assessment = assess(
        &kb,
        &request(
            json!({ "purpose": "consumer_sale" }),
            json!({ "condition": "used", "radio": ["wifi"], "category": "switch", "hs_code": "851762" }),
        ),
        "2026-06-01",
    );
    let from_rules: Vec<_> = assessment
        .findings
        .iter()
        .filter(|f| {
            f.code.starts_with("requirement")
                || f.code.starts_with("restriction")
                || f.code.starts_with("levy")
                || f.code.starts_with("ior")
        })
        .collect();
    assert!(from_rules.len() >= 4, "{:?}", codes(&assessment));
    for finding in from_rules {
        assert!(
            finding.rule.is_some() && finding.source.is_some() && finding.confidence.is_some(),
            "{finding:?}"
        );
    }
}

#[test]
fn rules_outside_their_effective_period_do_not_apply() {
    // Regression: effective dates were honoured on levy rates only. See the scenario
    // tests/scenarios/ru/us-server-before-industry-sanctions.json.
    let dated = RADIO_APPROVAL
        .replace("as_of = 2026-01-01\n", "as_of = 2026-01-01\neffective_from = 2026-03-01\n");
    let kb = kb(
        &zedland(&format!(
            "{dated}{}",
            USED_GOODS.replace(
                "id = \"zz.used-phones\"",
                "id = \"zz.used-phones\"\neffective_to = 2026-03-01"
            )
        )),
        None,
    );
    let wifi_phone = request(
        json!({}),
        json!({ "category": "mobile_phone", "hs_code": "851713", "radio": ["wifi"], "condition": "used" }),
    );
    let before = assess(&kb, &wifi_phone, "2026-02-01");
    assert!(before.requirements.iter().all(|r| r.rule != "zz.radio"), "not yet in force");
    assert_eq!(before.verdict, Verdict::NotClearable, "the prohibition is still in force");
    let after = assess(&kb, &wifi_phone, "2026-03-01");
    assert!(after.requirements.iter().any(|r| r.rule == "zz.radio"));
    assert!(
        !codes(&after).iter().any(|code| code.starts_with("restriction.prohibited")),
        "the prohibition has ended"
    );
}

#[test]
fn amounts_in_another_currency_are_rounded_to_that_currencys_minor_units() {
    // Regression: the market's decimal places (0 for a whole-unit currency) were applied to a
    // request in a two-decimal currency.
    let market = zedland(DUTY_AND_VAT).replace("decimal_places = 2", "decimal_places = 0");
    let kb = kb(&market, None);
    let in_xts = assess(&kb, &request(json!({ "freight": "100.40" }), json!({})), "2026-06-01");
    assert_eq!(in_xts.landed_cost.customs_value, "1000", "the market's own currency: 0 places");
    let in_eur = assess(
        &kb,
        &request(json!({ "currency": "EUR", "freight": "100.40" }), json!({})),
        "2026-06-01",
    );
    assert_eq!(in_eur.landed_cost.customs_value, "1000.40");
    assert_eq!(charge(&in_eur, "zz.duty").as_deref(), Some("50.02"));
}

#[test]
fn a_mexico_shaped_cascade_charges_vat_on_value_duty_and_fee() {
    // The shape of Mexico's IGI + DTA + IVA (the real KB has no sourced IGI rate for IT lines
    // yet, so the real-KB scenario can only check DTA and the unknown chain).
    let market = zedland(
        r#"
[[levy]]
id = "zz.igi"
kind = "duty"
name = "General import duty"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "5"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.dta"
kind = "fee"
name = "Customs processing fee"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "0.8"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.iva"
kind = "tax"
name = "Import VAT"
base = ["customs_value", "zz.igi", "zz.dta"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "16"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#,
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    // CV 1000; IGI 5% = 50; DTA 0.8% = 8; IVA 16% × (1000 + 50 + 8) = 169.28; total 1227.28.
    assert_eq!(charge(&assessment, "zz.igi").as_deref(), Some("50.00"));
    assert_eq!(charge(&assessment, "zz.dta").as_deref(), Some("8.00"));
    assert_eq!(charge(&assessment, "zz.iva").as_deref(), Some("169.28"));
    assert_eq!(assessment.landed_cost.total, "1227.28");
    assert_eq!(
        assessment.landed_cost.fees.len(),
        1,
        "DTA is listed as a fee, apart from duties and taxes"
    );
}

#[test]
fn a_low_confidence_fact_is_flagged_for_confirmation_once() {
    let market = zedland(
        r#"
[[requirement]]
id = "zz.registration"
kind = "registration"
name = "Importer registration"
authority = "Zedland Customs"
scope = "importer"
holder = "importer"
lead_time_days = { min = 1, max = 3 }
needed_before = "clearance"
source = "zz-law"
confidence = "low"
as_of = 2026-01-01
"#,
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    let warnings: Vec<_> =
        assessment.findings.iter().filter(|f| f.code == "kb.low_confidence").collect();
    assert_eq!(warnings.len(), 1, "{:?}", codes(&assessment));
    assert_eq!(warnings[0].rule.as_deref(), Some("zz.registration"));
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert!(warnings[0].message.contains("confirm"), "{}", warnings[0].message);
}

#[test]
fn a_rule_of_unknown_confidence_asks_the_operator_instead_of_instructing() {
    let market = zedland(
        r#"
[[requirement]]
id = "zz.radio-unknown"
kind = "type_approval"
name = "Radio type approval"
authority = "Zedland telecom regulator"
scope = "model"
holder = "importer"
lead_time_days = "unknown"
needed_before = "clearance"
when = { radio = "any" }
note = "No source found on whether Zedland requires type approval"
source = "zz-law"
confidence = "unknown"
as_of = 2026-01-01
"#,
    );
    let ap = request(
        json!({}),
        json!({ "category": "wireless_access_point", "hs_code": "851762", "radio": ["wifi"] }),
    );
    let assessment = assess(&kb(&market, None), &ap, "2026-06-01");
    let finding = assessment.findings.iter().find(|f| f.code == "requirement.unconfirmed").unwrap();
    assert_eq!(finding.severity, Severity::Condition);
    assert!(finding.message.starts_with("Not established:"), "{}", finding.message);
    assert!(finding.message.contains("No source found"), "the note is shown: {}", finding.message);
    assert_eq!(assessment.verdict, Verdict::ClearableWithConditions);
}

#[test]
fn an_unknown_fact_behind_information_becomes_a_condition() {
    // The importer rule says "yes" but at unknown confidence: the operator must confirm it.
    let market = zedland("").replace(
        "route = \"A non-resident may import through a customs representative\"\nsource = \"zz-law\"\nconfidence = \"high\"",
        "route = \"A non-resident may import through a customs representative\"\nsource = \"zz-law\"\nconfidence = \"unknown\"",
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    let finding = assessment.findings.iter().find(|f| f.code == "kb.unknown_fact").unwrap();
    assert_eq!(finding.severity, Severity::Condition);
    assert!(finding.message.contains("non-resident"), "{}", finding.message);
    assert_eq!(assessment.verdict, Verdict::ClearableWithConditions);
}

#[test]
fn the_ship_date_names_the_requirement_whose_lead_time_is_unknown() {
    // An unknown-lead-time requirement first, then a known one: the unknown one holds the date.
    let unknown = RADIO_APPROVAL
        .replace("lead_time_days = { min = 10, max = 20 }", "lead_time_days = \"unknown\"");
    let known = RADIO_APPROVAL.replace("id = \"zz.radio\"", "id = \"zz.radio-filing\"");
    let market = zedland(&format!("{unknown}\n{known}"));
    let assessment = assess(
        &kb(&market, None),
        &request(json!({}), json!({ "radio": ["bluetooth"] })),
        "2026-06-01",
    );
    assert_eq!(assessment.earliest_ship_date, None);
    assert_eq!(assessment.timeline.critical_requirement.as_deref(), Some("zz.radio"));
    let finding =
        assessment.findings.iter().find(|f| f.code == "timeline.unknown_lead_time").unwrap();
    assert!(finding.message.contains("zz.radio is not established"), "{}", finding.message);
}

#[test]
fn line_shares_add_up_exactly_so_rounding_down_loses_nothing() {
    // Freight shared 750000 : 150000 leaves repeating decimals in each line's customs value; the
    // shares must still add up to the customs value, or 7.8% rounded down gives 77999.
    let market = zedland(
        r#"
[[levy]]
id = "zz.tax"
kind = "tax"
name = "Consumption tax"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "7.8"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#,
    )
    .replace("mode = \"half_up\"\ndecimal_places = 2", "mode = \"down\"\ndecimal_places = 0");
    let mut shipment = request(
        json!({ "freight": "100000.00" }),
        json!({ "quantity": 1, "unit_value": "750000.00" }),
    );
    let mut second = shipment["items"][0].clone();
    second["unit_value"] = json!("150000.00");
    shipment["items"].as_array_mut().unwrap().push(second);
    let assessment = assess(&kb(&market, None), &shipment, "2026-06-01");
    assert_eq!(assessment.landed_cost.customs_value, "1000000");
    assert_eq!(charge(&assessment, "zz.tax").as_deref(), Some("78000"));
}

#[test]
fn a_levy_base_may_name_the_goods_value_or_the_freight_and_insurance() {
    // Zedland values CIF (900.00 goods + 100.00 freight); one levy is on FOB, one on transport.
    let market = zedland(
        r#"
[[levy]]
id = "zz.fob-levy"
kind = "fee"
name = "Levy on the FOB value"
base = ["goods_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "1"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.vat"
kind = "tax"
name = "VAT on customs value, the FOB levy and transport"
base = ["customs_value", "zz.fob-levy", "freight_and_insurance"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "10"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#,
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    assert_eq!(assessment.landed_cost.customs_value, "1000.00");
    assert_eq!(charge(&assessment, "zz.fob-levy").as_deref(), Some("9.00"));
    // 10% × (1000.00 + 9.00 + 100.00)
    assert_eq!(charge(&assessment, "zz.vat").as_deref(), Some("110.90"));
}

#[test]
fn a_known_rate_on_an_unknown_base_is_still_shown() {
    // The duty on the line is unknown; VAT's rate is known but its base (value + duty) is not:
    // the VAT charge shows 20% with an unknown amount, not a blank (issue 18 §2).
    let market = zedland(
        &DUTY_AND_VAT
            .replace("percent = \"5\"", "percent = \"unknown\"")
            .replace("percent = \"2.5\"", "percent = \"unknown\""),
    );
    let assessment = assess(&kb(&market, None), &request(json!({}), json!({})), "2026-06-01");
    let vat = assessment.landed_cost.taxes.iter().find(|c| c.rule == "zz.vat").unwrap();
    assert_eq!(vat.rate.as_deref(), Some("20"), "{vat:?}");
    assert_eq!(vat.amount, None);
    assert_eq!(vat.base, None);
    let duty = assessment.landed_cost.duties.iter().find(|c| c.rule == "zz.duty").unwrap();
    assert_eq!(duty.rate, None, "an unknown rate stays unknown");
    assert!(!assessment.landed_cost.complete);
}

#[test]
fn a_comparison_is_one_ordinary_assessment_per_destination_reduced_to_a_row() {
    use preclear_domain::Country;
    use preclear_engine::compare::{CompareError, compare, redirected};
    let kb = kb(&zedland(DUTY_AND_VAT), None);
    let mut value = request(json!({}), json!({}));
    value["consignee"] = json!({ "name": "Site", "country": "ZZ", "address": "Zed City" });
    value["end_user"] = json!({ "name": "Group", "country": "NL" });
    let shipment = preclear_domain::request::parse_shipment_value(&value).unwrap();
    let (zz, nz) = (Country::parse("ZZ").unwrap(), Country::parse("NZ").unwrap());
    let as_of = "2026-06-01".parse().unwrap();
    let (comparison, assessments) = compare(&kb, &shipment, &[nz, zz], as_of).unwrap();
    assert_eq!(comparison.rows.len(), 2);
    assert_eq!(assessments.len(), 2);
    // In the order asked; a destination the KB does not cover is not assessable, not blocked.
    assert_eq!(comparison.rows[0].destination, nz);
    assert_eq!(comparison.rows[0].verdict, Verdict::NotAssessable);
    let row = &comparison.rows[1];
    assert_eq!(row.destination, zz);
    assert_eq!(row.verdict, assess(&kb, &value, "2026-06-01").verdict);
    // Duty 50 + VAT 210 on goods of 900: 260 / 900 = 28.888… → 28.89 %.
    assert_eq!(row.landed_cost, "1260.00");
    assert!(row.landed_cost_complete);
    assert_eq!(row.duties_and_taxes, "260.00");
    assert_eq!(row.duties_and_taxes_percent_of_goods.as_deref(), Some("28.89"));
    assert_eq!(row.landed_cost, assessments[1].landed_cost.total, "the row is the assessment's");

    // The receiving site moves with the destination; a party elsewhere stays.
    let moved = redirected(&shipment, nz);
    assert_eq!(moved.destination, nz);
    assert_eq!(moved.consignee.as_ref().unwrap().country, nz);
    assert_eq!(moved.end_user.as_ref().unwrap().country, Country::parse("NL").unwrap());

    let nl = Country::parse("NL").unwrap();
    assert_eq!(compare(&kb, &shipment, &[], as_of).unwrap_err(), CompareError::NoDestination);
    assert_eq!(compare(&kb, &shipment, &[zz, zz], as_of).unwrap_err(), CompareError::Repeated(zz));
    assert_eq!(compare(&kb, &shipment, &[nl], as_of).unwrap_err(), CompareError::IsOrigin(nl));
    assert_eq!(compare(&kb, &shipment, &[zz; 21], as_of).unwrap_err(), CompareError::TooMany(21));
}

#[test]
fn an_unknown_charge_makes_the_row_a_lower_bound_and_names_the_charge() {
    use preclear_engine::compare::compare;
    let unknown = DUTY_AND_VAT.replace("percent = \"5\"", "percent = \"unknown\"").replace(
        "  [[levy.rate]]\n  hs = \"847130\"\n  percent = \"2.5\"\n  source = \"zz-law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n",
        "",
    );
    let kb = kb(&zedland(&unknown), None);
    let value = request(json!({}), json!({}));
    let shipment = preclear_domain::request::parse_shipment_value(&value).unwrap();
    let zz = preclear_domain::Country::parse("ZZ").unwrap();
    let (comparison, _) = compare(&kb, &shipment, &[zz], "2026-06-01".parse().unwrap()).unwrap();
    let row = &comparison.rows[0];
    assert!(!row.landed_cost_complete);
    assert_eq!(row.uncomputed_charges, ["zz.duty", "zz.vat"]);
    let text = preclear_engine::compare::render_comparison_text(&comparison);
    assert!(text.contains("≥ 1000.00"), "{text}");
    assert!(
        text.contains("not computed (the landed cost is a lower bound): zz.duty, zz.vat"),
        "{text}"
    );
}

const VAT_BY_STATE: &str = r#"
[[levy]]
id = "zz.duty"
kind = "duty"
name = "Zedland duty"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "5"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.state-vat"
kind = "tax"
name = "State VAT"
base = ["customs_value", "zz.duty"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  subdivisions = ["ZZ-A"]
  percent = "10"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

  [[levy.rate]]
  subdivisions = ["ZZ-B", "ZZ-C"]
  percent = "20"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01
"#;

#[test]
fn a_tax_by_state_gives_a_range_until_the_state_is_given() {
    let kb = kb(&zedland(VAT_BY_STATE), None);
    // CIF 1000; duty 5% = 50; state VAT 10% or 20% of 1050 = 105 or 210.
    let open = assess(&kb, &request(json!({}), json!({})), "2026-06-01");
    let cost = &open.landed_cost;
    assert_eq!(cost.total, "1155.00");
    assert_eq!(cost.total_high.as_deref(), Some("1260.00"));
    assert!(cost.complete, "both ends are exact");
    let vat = &cost.taxes[0];
    assert_eq!(
        (vat.amount.as_deref(), vat.amount_high.as_deref()),
        (Some("105.00"), Some("210.00"))
    );
    assert_eq!((vat.rate.as_deref(), vat.rate_high.as_deref()), (Some("10"), Some("20")));
    assert!(cost.duties[0].amount_high.is_none(), "the duty does not vary");
    assert!(codes(&open).contains(&"levy.subdivision_needed".to_owned()), "{:?}", codes(&open));
    let text = preclear_engine::render_text(&open);
    assert!(text.contains("1155.00 to 1260.00"), "{text}");

    let given =
        assess(&kb, &request(json!({"destination_subdivision": "ZZ-C"}), json!({})), "2026-06-01");
    assert_eq!(given.landed_cost.total, "1260.00");
    assert!(given.landed_cost.total_high.is_none());
    assert!(!codes(&given).contains(&"levy.subdivision_needed".to_owned()));

    // A subdivision the KB has no rate for: the rate is unknown, never a neighbour's.
    let other =
        assess(&kb, &request(json!({"destination_subdivision": "ZZ-D"}), json!({})), "2026-06-01");
    assert!(!other.landed_cost.complete);
    assert!(
        codes(&other).contains(&"levy.rate_unknown:zz.state-vat".to_owned()),
        "{:?}",
        codes(&other)
    );
}

#[test]
fn a_subdivision_of_another_country_is_refused_by_name() {
    let value = request(json!({"destination_subdivision": "BR-SP"}), json!({}));
    let errors = preclear_domain::request::parse_shipment_value(&value).unwrap_err();
    assert_eq!(errors.0[0].path, "destination_subdivision");
    assert!(errors.0[0].message.contains("not in the destination ZZ"), "{}", errors.0[0].message);
    let value = request(json!({"destination_subdivision": "ZZ"}), json!({}));
    let errors = preclear_domain::request::parse_shipment_value(&value).unwrap_err();
    assert!(errors.0[0].message.contains("ISO 3166-2"), "{}", errors.0[0].message);
}

#[test]
fn the_landed_cost_is_shown_in_a_report_currency_at_the_named_rate() {
    let kb = kb(&zedland(DUTY_AND_VAT), None);
    // Total 1260.00 XTS; the request's own rate: 1 XTS = 0.5 EUR → 630.00 EUR.
    let value = request(json!({"report_currency": "EUR", "fx_rates": {"EUR": "0.5"}}), json!({}));
    let assessment = assess(&kb, &value, "2026-06-01");
    let report = assessment.landed_cost.in_report_currency.as_ref().expect("shown in EUR");
    assert_eq!(report.currency.as_str(), "EUR");
    assert_eq!((report.customs_value.as_str(), report.total.as_str()), ("500.00", "630.00"));
    assert_eq!((report.rate.rate.as_str(), report.rate.source.as_str()), ("0.5", "request"));
    assert!(
        preclear_engine::render_text(&assessment)
            .contains("In EUR: customs value 500.00, landed cost 630.00")
    );
    // No rate for the pair: said, never a guess.
    let value = request(json!({"report_currency": "EUR"}), json!({}));
    let assessment = assess(&kb, &value, "2026-06-01");
    assert!(assessment.landed_cost.in_report_currency.is_none());
    assert!(codes(&assessment).contains(&"fx.report_currency_unavailable".to_owned()));
    // The request's own currency asks for nothing.
    let same = assess(&kb, &request(json!({"report_currency": "XTS"}), json!({})), "2026-06-01");
    assert!(same.landed_cost.in_report_currency.is_none());
}
