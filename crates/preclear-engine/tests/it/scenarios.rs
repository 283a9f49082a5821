//! The scenario corpus: `tests/scenarios/<country>/<case>.json` at the repository root, one
//! shipment per file with hand-checked expectations, run against the bundled knowledge base.
//! The expectations use `deny_unknown_fields`, so a misspelt key fails instead of passing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    as_of: String,
    request: Value,
    expect: Expect,
}

/// What the assessment must show. Every key is optional; what is given must hold exactly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    verdict: String,
    /// `code` or `code:rule` of findings that must be present.
    #[serde(default)]
    findings: Vec<String>,
    /// `code` or `code:rule` of findings that must be absent.
    #[serde(default)]
    absent_findings: Vec<String>,
    /// Levy rule id → rounded amount (`null`: unknown). Levies not listed are not checked.
    #[serde(default)]
    charges: BTreeMap<String, Option<String>>,
    /// Levy rule ids that must not appear at all.
    #[serde(default)]
    absent_charges: Vec<String>,
    customs_value: Option<String>,
    total: Option<String>,
    complete: Option<bool>,
    /// Requirement rule ids that must be listed (status `applies`).
    #[serde(default)]
    requirements: Vec<String>,
    /// Requirement rule ids that must not be listed.
    #[serde(default)]
    absent_requirements: Vec<String>,
    /// Export-control determinations that must be present.
    #[serde(default)]
    export_controls: Vec<ExpectControl>,
    /// `YYYY-MM-DD`, or `null` for "cannot be computed".
    #[serde(default, deserialize_with = "some")]
    earliest_ship_date: Option<Option<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectControl {
    regime: String,
    eccn: Option<String>,
    licence_required: Option<bool>,
}

fn some<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_scenario_holds_on_the_bundled_kb() {
    let kb =
        preclear_kb_bundle::load().unwrap_or_else(|errors| panic!("bundled KB invalid:\n{errors}"));
    let files = scenario_files();
    assert!(files.len() >= 10, "expected the scenario corpus, found {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let scenario: Scenario = match serde_json::from_str(&text) {
            Ok(scenario) => scenario,
            Err(err) => {
                failures.push(format!("{}: not a scenario: {err}", file.display()));
                continue;
            }
        };
        let problems = check(&kb, &scenario);
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({}):\n    {}",
                file.display(),
                scenario.description,
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn check(kb: &preclear_kb::Kb, scenario: &Scenario) -> Vec<String> {
    let mut problems = Vec::new();
    let shipment = match parse_shipment_value(&scenario.request) {
        Ok(shipment) => shipment,
        Err(errors) => return vec![format!("request invalid: {errors}")],
    };
    let as_of: Date = scenario.as_of.parse().unwrap();
    let assessment = preclear_engine::assess(kb, &shipment, as_of);
    let json = serde_json::to_value(&assessment).unwrap();
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
        .flat_map(|kind| json["landed_cost"][kind].as_array().unwrap().iter())
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
    if let Some(complete) = expect.complete
        && cost["complete"] != complete
    {
        problems.push(format!("complete {}, expected {complete}", cost["complete"]));
    }
    let listed = |rule: &str| {
        assessment.requirements.iter().any(|r| r.rule == rule && r.status == "applies")
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
