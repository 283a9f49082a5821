//! The KB maintainer's tools as a user meets them: `kb check` (gaps and stale facts),
//! `kb coverage`, `kb diff`, `kb pages` and `kb test`, on a small KB written for each test and on
//! the repository's own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

use std::path::{Path, PathBuf};

mod common;

use common::{preclear, repo, text};

const FACT: &str = "source = \"law\"\nconfidence = \"medium\"\nas_of = 2026-01-01\n";

/// A Zedland market that covers every topic; `edit` changes its text.
fn zedland() -> String {
    format!(
        r#"[market]
country = "ZZ"
name = "Zedland"
currency = "XTS"

[sources.law]
title = "Zedland Customs Code (fictional)"
document = "Zedland Gazette 1/2026"

[rounding]
mode = "half_up"
decimal_places = 2
{FACT}
[valuation]
basis = "CIF"
{FACT}
[importer]
non_resident_allowed = true
route = "Through a customs representative"
{FACT}
[[levy]]
id = "zz.duty"
kind = "duty"
name = "Duty"
base = ["customs_value"]
{FACT}
  [[levy.rate]]
  percent = "0"
  {FACT}
[[levy]]
id = "zz.vat"
kind = "tax"
name = "VAT"
base = ["customs_value", "zz.duty"]
{FACT}
  [[levy.rate]]
  percent = "20"
  {FACT}
[[requirement]]
id = "zz.radio"
kind = "type_approval"
name = "Radio approval"
authority = "Zedland regulator"
scope = "model"
holder = "importer"
lead_time_days = {{ min = 5, max = 20 }}
needed_before = "departure"
when = {{ radio = "any" }}
{FACT}
[[requirement]]
id = "zz.safety"
kind = "conformity"
name = "Safety mark"
authority = "Zedland standards office"
scope = "model"
holder = "importer_or_manufacturer"
lead_time_days = "unknown"
needed_before = "clearance"
{FACT}
[[absent]]
topic = "imei"
note = "Zedland has no IMEI registration"
{FACT}
[[absent]]
topic = "encryption"
note = "Zedland does not control imports of encryption"
{FACT}
[[absent]]
topic = "used"
note = "Zedland has no rule on used goods"
{FACT}"#
    )
}

/// Writes a KB with the given Zedland text into a fresh directory.
fn write_kb(name: &str, market: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preclear-kb-tools-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("markets")).unwrap();
    std::fs::create_dir_all(dir.join("hs")).unwrap();
    std::fs::copy(repo("kb/hs/hs2022.csv"), dir.join("hs/hs2022.csv")).unwrap();
    std::fs::write(dir.join("kb.toml"), "name = \"zedland\"\nedition = \"test\"\n").unwrap();
    std::fs::write(dir.join("markets/ZZ.toml"), market).unwrap();
    dir
}

fn path(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn kb_check_refuses_a_market_topic_with_neither_rule_nor_absence() {
    let complete = write_kb("complete", &zedland());
    let output = preclear(&["kb", "check", path(&complete), "--as-of", "2026-06-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let gap = zedland().replace("topic = \"imei\"", "topic = \"safety\"");
    let dir = write_kb("gap", &gap.replace("kind = \"conformity\"", "kind = \"registration\""));
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("markets/ZZ.toml: topic `imei` of ZZ is missing on 2026-06-01"),
        "{stderr}"
    );
    assert!(!stderr.contains("topic `safety`"), "safety is stated absent: {stderr}");
}

#[test]
fn kb_check_reports_facts_older_than_the_maximum_age() {
    let dir = write_kb("stale", &zedland());
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01"]);
    assert!(text(&output.stdout).contains("0 facts stale"), "{}", text(&output.stdout));

    // A year and a half later, every fact (as_of 2026-01-01) is older than 365 days: warnings.
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2027-06-01"]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("warning: markets/ZZ.toml:")
            && stderr.contains(
                "zz.vat was last checked on 2026-01-01, more than 365 days before 2027-06-01"
            ),
        "{stderr}"
    );
    // A longer maximum age accepts them; --deny-stale makes them errors.
    let output =
        preclear(&["kb", "check", path(&dir), "--as-of", "2027-06-01", "--max-age", "730"]);
    assert!(!text(&output.stderr).contains("warning"), "{}", text(&output.stderr));
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2027-06-01", "--deny-stale"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("error: markets/ZZ.toml:"));
}

#[test]
fn kb_check_warns_past_a_review_date_and_prints_the_depth_figures() {
    // The VAT rate is temporary: to be reviewed by 2026-12-31.
    let market = zedland().replacen(
        "  percent = \"20\"\n",
        "  percent = \"20\"\n  review_by = 2026-12-31\n",
        1,
    );
    let dir = write_kb("review", &market);
    let before = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01"]);
    assert_eq!(before.status.code(), Some(0), "{}", text(&before.stderr));
    assert!(text(&before.stdout).contains("0 past their review date"), "{}", text(&before.stdout));
    let after = preclear(&["kb", "check", path(&dir), "--as-of", "2027-01-05"]);
    assert_eq!(after.status.code(), Some(0));
    assert!(
        text(&after.stderr).contains("was to be reviewed by 2026-12-31 (checked 2026-01-01)"),
        "{}",
        text(&after.stderr)
    );
    let denied = preclear(&[
        "kb",
        "check",
        path(&dir),
        "--as-of",
        "2027-01-05",
        "--deny-stale",
        "--max-age",
        "3650",
    ]);
    assert_eq!(denied.status.code(), Some(1), "a passed review date fails with --deny-stale");

    let json = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01", "--format", "json"]);
    let figures: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(figures["markets"], 1);
    assert_eq!(figures["duty"]["cells"], 21, "{figures}");
    assert_eq!(figures["landed_cost"]["probe_assessments"], 5, "{figures}");
    let text_out = text(&before.stdout);
    assert!(text_out.contains("depth on 2026-06-01:"), "{text_out}");
    assert!(text_out.contains("market x IT-subheading cells known"), "{text_out}");
}

#[test]
fn kb_check_warns_about_high_confidence_resting_on_one_unofficial_source() {
    // The law cited by reference (a gazette) backs high confidence; a blog alone does not.
    let high = zedland().replace("confidence = \"medium\"", "confidence = \"high\"");
    let dir = write_kb("backed", &high);
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01"]);
    assert!(!text(&output.stderr).contains("of high confidence but"), "{}", text(&output.stderr));
    let blog = high.replace(
        "document = \"Zedland Gazette 1/2026\"",
        "url = \"https://blog.example.com/zedland-vat\"",
    );
    let dir = write_kb("blog", &blog);
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01"]);
    assert_eq!(output.status.code(), Some(0), "a warning, not an error");
    let stderr = text(&output.stderr);
    assert!(
        stderr
            .contains("zz.vat is of high confidence but rests on one source that is not official"),
        "{stderr}"
    );
    let output = preclear(&["kb", "check", path(&dir), "--as-of", "2026-06-01", "--deny-stale"]);
    assert_eq!(output.status.code(), Some(1), "an error with --deny-stale");
}

#[test]
fn kb_coverage_shows_each_market_by_topic_as_text_and_json() {
    let dir = write_kb("coverage", &zedland());
    let output = preclear(&["kb", "coverage", "--kb", path(&dir), "--as-of", "2026-06-01"]);
    assert_eq!(output.status.code(), Some(0));
    let table = text(&output.stdout);
    let row = table.lines().find(|line| line.starts_with("ZZ Zedland")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().skip(2).collect();
    assert_eq!(
        cells,
        [
            "medium",
            "medium",
            "medium",
            "medium",
            "medium",
            "medium",
            "none:medium",
            "none:medium",
            "none:medium"
        ],
        "{table}"
    );

    let output = preclear(&[
        "kb",
        "coverage",
        "--kb",
        path(&dir),
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let topics = &json["markets"][0]["topics"];
    assert_eq!(topics["radio"]["status"], "medium");
    assert_eq!(topics["radio"]["rules"][0], "zz.radio");
    assert_eq!(topics["imei"]["status"], "none:medium");
}

#[test]
fn kb_diff_lists_added_removed_and_changed_rules_per_market() {
    let old = write_kb("diff-old", &zedland());
    let changed = zedland()
        .replace("percent = \"20\"\n  source = \"law\"\nconfidence = \"medium\"", "percent = \"21\"\n  source = \"law\"\nconfidence = \"high\"")
        .replace("[[absent]]\ntopic = \"used\"\nnote = \"Zedland has no rule on used goods\"\n", "[[restriction]]\nid = \"zz.used-ban\"\neffect = \"prohibited\"\nname = \"Used goods banned\"\nwhen = { condition = [\"used\"] }\n");
    let new = write_kb("diff-new", &changed);
    let output = preclear(&["kb", "diff", path(&old), path(&new)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let diff = text(&output.stdout);
    assert!(diff.contains("1 added, 1 removed, 1 changed"), "{diff}");
    assert!(diff.contains("ZZ (Zedland)"), "{diff}");
    assert!(diff.contains("+ zz.used-ban [restriction]"), "{diff}");
    assert!(diff.contains("- absent used [absent]"), "{diff}");
    assert!(diff.contains("~ zz.vat rate all lines [rate]"), "{diff}");
    assert!(
        diff.contains("value: 20% → 21%") && diff.contains("confidence: medium → high"),
        "{diff}"
    );

    let output = preclear(&["kb", "diff", path(&old), path(&new), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (json["added"].as_u64(), json["removed"].as_u64(), json["changed"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    let change = json["scopes"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["change"] == "changed")
        .unwrap();
    assert_eq!(
        change["fields"][0],
        serde_json::json!({ "field": "value", "old": "20%", "new": "21%" })
    );

    let same = preclear(&["kb", "diff", path(&old), path(&old)]);
    assert!(text(&same.stdout).contains("0 added, 0 removed, 0 changed"));
}

#[test]
fn kb_pages_are_generated_and_checked_against_the_data() {
    let dir = write_kb("pages", &zedland());
    let out = dir.join("pages");
    let output = preclear(&["kb", "pages", path(&out), "--kb", path(&dir)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let page = std::fs::read_to_string(out.join("ZZ.md")).unwrap();
    assert!(page.contains("# Zedland (ZZ)"), "{page}");
    assert!(page.contains("- **zz.radio**: Radio approval — Zedland regulator"), "{page}");
    assert!(
        page.contains("1. Zedland Customs Code (fictional) — Zedland Gazette 1/2026"),
        "{page}"
    );
    let index = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(index.contains("| [ZZ Zedland](ZZ.md) |"), "{index}");
    let shapes = std::fs::read_to_string(out.join("shapes.md")).unwrap();
    assert!(shapes.contains("- Radio-equipped switch: **clearable_with_conditions**"), "{shapes}");

    let output = preclear(&["kb", "pages", path(&out), "--kb", path(&dir), "--check"]);
    assert_eq!(output.status.code(), Some(0));
    std::fs::write(out.join("ZZ.md"), "edited by hand").unwrap();
    std::fs::write(out.join("XX.md"), "a page for a removed market").unwrap();
    let output = preclear(&["kb", "pages", path(&out), "--kb", path(&dir), "--check"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("ZZ.md is out of date") && stderr.contains("XX.md is not generated"),
        "{stderr}"
    );
}

#[test]
fn the_repository_kb_pages_are_up_to_date() {
    let output = preclear(&["kb", "pages", &repo("docs/kb"), "--check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\nregenerate with: cargo run --bin preclear -- kb pages docs/kb",
        text(&output.stderr)
    );
}

#[test]
fn kb_test_runs_scenarios_and_names_each_failure() {
    let output = preclear(&["kb", "test", &repo("tests/scenarios")]);
    assert_eq!(output.status.code(), Some(0), "{}{}", text(&output.stdout), text(&output.stderr));

    let dir = write_kb("scenarios", &zedland());
    let scenario = serde_json::json!({
        "description": "A server into Zedland, expected (wrongly) to be not clearable",
        "as_of": "2026-06-01",
        "request": {
            "reference": "ZZ-1",
            "client": { "name": "Client", "country": "NL", "local_entity_in_destination": false },
            "origin": "NL", "destination": "ZZ", "transport_mode": "air", "incoterm": "DAP",
            "currency": "XTS", "freight": "100.00", "insurance": "0.00", "purpose": "business_use",
            "items": [{ "description": "Server", "category": "server", "hs_code": "847150",
                "country_of_origin": "NL", "condition": "new", "quantity": 1, "unit_value": "900.00",
                "radio": [], "encryption": "none" }]
        },
        "expect": { "verdict": "not_clearable", "charges": { "zz.vat": "200.00" } }
    });
    // Outside the KB directory, which accepts only KB files.
    let file = dir.with_extension("wrong.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    let output = preclear(&["kb", "test", "--kb", path(&dir), path(&file)]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("expected not_clearable"), "{stdout}");
    assert!(!stdout.contains("charge zz.vat"), "VAT 20% of 1000.00 is right: {stdout}");
    assert!(stdout.contains("0 of 1 scenario passed"), "{stdout}");
}
