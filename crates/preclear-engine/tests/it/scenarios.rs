//! The scenario corpus: `tests/scenarios/<country>/<case>.json` at the repository root, one
//! shipment per file with hand-checked expectations (format: `preclear_engine::scenario`), run
//! against the bundled knowledge base.

use std::path::{Path, PathBuf};

use preclear_engine::scenario::{Scenario, check};

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
