//! The scenario corpus format: a shipment request with hand-checked expectations of its
//! assessment (`tests/scenarios/<country>/<case>.json`). The test suite runs the corpus on the
//! bundled KB; `preclear kb test` runs it on any KB directory, so a KB edit is checked against
//! every case before it lands. Unknown keys are refused, so a misspelt expectation fails instead
//! of passing.

use std::collections::BTreeMap;

use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use preclear_kb::Kb;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the case shows and how its figures were checked by hand.
    pub description: String,
    /// The assessment date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The shipment request.
    pub request: Value,
    /// What the assessment must show.
    pub expect: Expect,
}

/// What the assessment must show. Every key is optional; what is given must hold exactly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The verdict.
    pub verdict: String,
    /// `code` or `code:rule` of findings that must be present.
    #[serde(default)]
    pub findings: Vec<String>,
    /// `code` or `code:rule` of findings that must be absent.
    #[serde(default)]
    pub absent_findings: Vec<String>,
    /// Levy rule id → rounded amount (`null`: unknown). Levies not listed are not checked.
    #[serde(default)]
    pub charges: BTreeMap<String, Option<String>>,
    /// Levy rule ids that must not appear at all.
    #[serde(default)]
    pub absent_charges: Vec<String>,
    /// The customs value.
    pub customs_value: Option<String>,
    /// The landed-cost total (the low end of a range by state or province).
    pub total: Option<String>,
    /// The high end of a landed cost that ranges over states or provinces; `null`: no range.
    #[serde(default, deserialize_with = "some")]
    pub total_high: Option<Option<String>>,
    /// Whether every charge could be computed.
    pub complete: Option<bool>,
    /// Requirement rule ids that must be listed (status `applies`).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Requirement rule ids that must not be listed.
    #[serde(default)]
    pub absent_requirements: Vec<String>,
    /// Export-control determinations that must be present.
    #[serde(default)]
    pub export_controls: Vec<ExpectControl>,
    /// `YYYY-MM-DD`, or `null` for "cannot be computed".
    #[serde(default, deserialize_with = "some")]
    pub earliest_ship_date: Option<Option<String>>,
    /// The import VAT/GST recovery: the fields given are checked (`importer`, `mechanism`,
    /// `amount`, `cash_out`, `net_cost`).
    pub vat_recovery: Option<ExpectRecovery>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// What `landed_cost.vat_recovery` must show.
pub struct ExpectRecovery {
    pub importer: Option<String>,
    #[serde(default, deserialize_with = "some")]
    pub mechanism: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub amount: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub cash_out: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub net_cost: Option<Option<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectControl {
    /// The regime id.
    pub regime: String,
    /// The ECCN determined (`null`: none).
    pub eccn: Option<String>,
    /// Whether a licence is required (`null`: not determined).
    pub licence_required: Option<bool>,
}

fn some<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Assesses the scenario's request on `kb` and lists every way the assessment differs from the
/// expectations (empty: the scenario holds).
pub fn check(kb: &Kb, scenario: &Scenario) -> Vec<String> {
    let mut problems = Vec::new();
    let shipment = match parse_shipment_value(&scenario.request) {
        Ok(shipment) => shipment,
        Err(errors) => return vec![format!("request invalid: {errors}")],
    };
    let as_of: Date = match scenario.as_of.parse() {
        Ok(date) => date,
        Err(err) => return vec![format!("as_of `{}` is not a date: {err}", scenario.as_of)],
    };
    let assessment = crate::assess(kb, &shipment, as_of);
    let json = match serde_json::to_value(&assessment) {
        Ok(json) => json,
        Err(err) => return vec![format!("assessment does not serialise: {err}")],
    };
    let expect = &scenario.expect;
    if json["verdict"] != expect.verdict.as_str() {
        problems.push(format!(
            "verdict {} (summary: {}), expected {}",
            json["verdict"], json["summary"], expect.verdict
        ));
    }
    let has = |spec: &str| {
        let (code, rule) =
            spec.split_once(':').map_or((spec, None), |(code, rule)| (code, Some(rule)));
        assessment
            .findings
            .iter()
            .any(|f| f.code == code && rule.is_none_or(|rule| f.rule.as_deref() == Some(rule)))
    };
    for spec in &expect.findings {
        if !has(spec) {
            problems.push(format!(
                "missing finding {spec}; findings: {:?}",
                assessment
                    .findings
                    .iter()
                    .map(|f| format!("{}:{}", f.code, f.rule.as_deref().unwrap_or("")))
                    .collect::<Vec<_>>()
            ));
        }
    }
    for spec in &expect.absent_findings {
        if has(spec) {
            problems.push(format!("unexpected finding {spec}"));
        }
    }
    let charges: Vec<&Value> = ["duties", "taxes", "fees"]
        .iter()
        .filter_map(|kind| json["landed_cost"][kind].as_array())
        .flatten()
        .collect();
    for (rule, amount) in &expect.charges {
        match charges.iter().find(|charge| charge["rule"] == rule.as_str()) {
            None => problems.push(format!("charge {rule} missing")),
            Some(charge) => {
                let got = charge["amount"].as_str().map(str::to_owned);
                if &got != amount {
                    problems.push(format!(
                        "charge {rule} = {got:?}, expected {amount:?} (base {})",
                        charge["base"]
                    ));
                }
            }
        }
    }
    for rule in &expect.absent_charges {
        if charges.iter().any(|charge| charge["rule"] == rule.as_str()) {
            problems.push(format!("charge {rule} present, expected absent"));
        }
    }
    let cost = &json["landed_cost"];
    for (key, want) in [("customs_value", &expect.customs_value), ("total", &expect.total)] {
        if let Some(want) = want
            && cost[key] != want.as_str()
        {
            problems.push(format!("{key} {}, expected {want}", cost[key]));
        }
    }
    if let Some(want) = &expect.total_high {
        let found = cost["total_high"].as_str();
        if found != want.as_deref() {
            problems.push(format!("total_high {found:?}, expected {want:?}"));
        }
    }
    if let Some(want) = &expect.vat_recovery {
        let found = &cost["vat_recovery"];
        if let Some(importer) = &want.importer
            && found["importer"] != importer.as_str()
        {
            problems
                .push(format!("vat_recovery.importer {}, expected {importer}", found["importer"]));
        }
        for (key, want) in [
            ("mechanism", &want.mechanism),
            ("amount", &want.amount),
            ("cash_out", &want.cash_out),
            ("net_cost", &want.net_cost),
        ] {
            if let Some(want) = want
                && found[key].as_str() != want.as_deref()
            {
                problems.push(format!("vat_recovery.{key} {}, expected {want:?}", found[key]));
            }
        }
    }
    if let Some(complete) = expect.complete
        && cost["complete"] != complete
    {
        problems.push(format!("complete {}, expected {complete}", cost["complete"]));
    }
    let listed = |rule: &str| {
        assessment
            .requirements
            .iter()
            .any(|r| r.rule == rule && r.status == crate::RequirementStatus::Applies)
    };
    for rule in &expect.requirements {
        if !listed(rule) {
            problems.push(format!(
                "requirement {rule} not listed; listed: {:?}",
                assessment
                    .requirements
                    .iter()
                    .map(|r| format!("{}({})", r.rule, r.status))
                    .collect::<Vec<_>>()
            ));
        }
    }
    for rule in &expect.absent_requirements {
        if assessment.requirements.iter().any(|r| r.rule == *rule) {
            problems.push(format!("requirement {rule} listed, expected absent"));
        }
    }
    for want in &expect.export_controls {
        let found = assessment.export_controls.iter().any(|c| {
            c.regime == want.regime
                && c.eccn == want.eccn
                && c.licence_required == want.licence_required
        });
        if !found {
            problems.push(format!(
                "export control {want:?} missing; got {:?}",
                assessment
                    .export_controls
                    .iter()
                    .map(|c| (&c.regime, &c.eccn, c.licence_required))
                    .collect::<Vec<_>>()
            ));
        }
    }
    if let Some(want) = &expect.earliest_ship_date {
        let got = assessment.earliest_ship_date.map(|date| date.to_string());
        if &got != want {
            problems.push(format!("earliest_ship_date {got:?}, expected {want:?}"));
        }
    }
    problems
}
