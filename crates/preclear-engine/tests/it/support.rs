//! Tiny inline knowledge bases for the fictional market Zedland (`ZZ`, currency `XTS`), and a
//! request builder, so that engine tests state only what they are about.

use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use preclear_engine::Assessment;
use preclear_kb::{Kb, SourceFile};
use serde_json::{Value, json};

/// The HS nomenclature rows the Zedland tests use.
const HS: &str = "section,hscode,description,parent,level
XVI,84,Machinery,TOTAL,2
XVI,8471,Automatic data processing machines,84,4
XVI,847130,Portable ADP machines,8471,6
XVI,847150,Processing units,8471,6
XVI,85,Electrical machinery,TOTAL,2
XVI,8517,Telephone sets and communication apparatus,85,4
XVI,851713,Smartphones,8517,6
XVI,851762,Communication apparatus incl. switching and routing,8517,6
";

/// A source block every Zedland file can cite as `zz-law`.
pub const SOURCES: &str = r#"
[sources.zz-law]
title = "Zedland Customs Code (fictional)"
document = "Zedland Official Gazette 1/2026 (fictional, for tests)"
"#;

/// The header of a Zedland market file, with the facts every market needs. Tests append their
/// levies, requirements and restrictions.
pub fn zedland(body: &str) -> String {
    format!(
        r#"[market]
country = "ZZ"
name = "Zedland"
currency = "XTS"
{SOURCES}
[rounding]
mode = "half_up"
decimal_places = 2
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[valuation]
basis = "CIF"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[importer]
non_resident_allowed = true
route = "A non-resident may import through a customs representative"
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
{body}"#
    )
}

/// A KB with one Zedland market file and, optionally, an export-control file.
pub fn kb(market: &str, export_controls: Option<&str>) -> Kb {
    let mut files = vec![
        SourceFile {
            path: "kb.toml".into(),
            text: "name = \"zedland test kb\"\nedition = \"test\"\n".into(),
        },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.into() },
        SourceFile { path: "markets/ZZ.toml".into(), text: market.into() },
    ];
    if let Some(text) = export_controls {
        files.push(SourceFile { path: "export-controls/test.toml".into(), text: text.into() });
    }
    preclear_kb::load(&files).unwrap_or_else(|errors| panic!("test KB invalid:\n{errors}"))
}

/// A one-line request from `XA`-free real origin `NL` to Zedland, in XTS; `patch` overrides
/// top-level keys and `item` overrides keys of the single item.
pub fn request(patch: Value, item: Value) -> Value {
    let mut request = json!({
        "reference": "ZZ-TEST",
        "client": { "name": "Test Client BV", "country": "NL", "local_entity_in_destination": false },
        "origin": "NL",
        "destination": "ZZ",
        "transport_mode": "air",
        "incoterm": "DAP",
        "currency": "XTS",
        "freight": "100.00",
        "insurance": "0.00",
        "purpose": "business_use",
        "items": [{
            "description": "Rack server",
            "category": "server",
            "hs_code": "847150",
            "country_of_origin": "NL",
            "condition": "new",
            "quantity": 1,
            "unit_value": "900.00",
            "radio": [],
            "encryption": "none"
        }]
    });
    for (key, value) in patch.as_object().unwrap() {
        request[key] = value.clone();
    }
    for (key, value) in item.as_object().unwrap() {
        request["items"][0][key] = value.clone();
    }
    request
}

/// Assesses a request on a KB as of a date.
pub fn assess(kb: &Kb, request: &Value, as_of: &str) -> Assessment {
    let shipment =
        parse_shipment_value(request).unwrap_or_else(|errors| panic!("request invalid: {errors}"));
    let as_of: Date = as_of.parse().unwrap();
    preclear_engine::assess(kb, &shipment, as_of)
}

/// The rounded amount of a levy, `None` when unknown; panics if the levy is absent.
pub fn charge(assessment: &Assessment, rule: &str) -> Option<String> {
    let cost = &assessment.landed_cost;
    cost.duties
        .iter()
        .chain(&cost.taxes)
        .chain(&cost.fees)
        .find(|charge| charge.rule == rule)
        .unwrap_or_else(|| panic!("no charge {rule}"))
        .amount
        .clone()
}

/// The codes of the findings, as `code:rule` where a rule id is given.
pub fn codes(assessment: &Assessment) -> Vec<String> {
    assessment
        .findings
        .iter()
        .map(|f| match &f.rule {
            Some(rule) => format!("{}:{rule}", f.code),
            None => f.code.clone(),
        })
        .collect()
}
