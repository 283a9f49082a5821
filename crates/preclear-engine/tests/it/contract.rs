//! docs/assessment.md lists every finding code the engine emits: a code added to the engine but
//! not to the contract's table fails here.

use std::path::Path;

/// The `"family.name"` literals of the engine's source that are finding codes.
fn emitted_codes() -> Vec<String> {
    const FAMILIES: [&str; 9] =
        ["market", "hs", "valuation", "levy", "requirement", "restriction", "ior", "export", "kb"];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut codes = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let Some((family, name)) = literal.split_once('.') else { continue };
            let family_ok = FAMILIES.contains(&family) || family == "timeline";
            let name_ok =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if family_ok && name_ok && !codes.iter().any(|c| c == literal) {
                codes.push(literal.to_owned());
            }
        }
    }
    codes.sort();
    codes
}

#[test]
fn every_finding_code_is_in_the_contract() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assessment.md"),
    )
    .unwrap();
    let codes = emitted_codes();
    assert!(codes.len() > 30, "the scan finds the engine's codes: {codes:?}");
    let missing: Vec<&String> =
        codes.iter().filter(|code| !doc.contains(&format!("| `{code}` |"))).collect();
    assert!(missing.is_empty(), "finding codes missing from docs/assessment.md: {missing:?}");
}
