//! The `preclear` binary as a user meets it: exit codes, messages on standard error, output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

use std::path::PathBuf;

mod common;

use common::{preclear, repo, text};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preclear-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn assess_prints_an_explained_report_and_exits_0() {
    let output =
        preclear(&["assess", &repo("examples/product-example.json"), "--as-of", "2026-11-21"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report = text(&output.stdout);
    assert!(report.contains("VERDICT: CLEARABLE WITH CONDITIONS"), "{report}");
    assert!(
        report.contains("Customs value                                        99945.00"),
        "{report}"
    );
    assert!(report.contains("rule tr.tareks-ce"), "{report}");
}

#[test]
fn assess_json_follows_the_contract_and_is_byte_identical_across_runs() {
    let args = [
        "assess",
        &repo("examples/product-example.json"),
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ];
    let first = preclear(&args);
    assert_eq!(first.status.code(), Some(0));
    let second = preclear(&args);
    assert_eq!(first.stdout, second.stdout, "same input and KB must give the same bytes");
    let json: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    for key in [
        "verdict",
        "kb_version",
        "as_of",
        "findings",
        "requirements",
        "export_controls",
        "documents",
        "landed_cost",
        "lines",
        "earliest_ship_date",
    ] {
        assert!(json.get(key).is_some(), "missing top-level `{key}`");
    }
    assert_eq!(json["as_of"], "2026-11-21");
    assert!(json["kb_version"].as_str().unwrap().starts_with("sha256:"));
    let finding = &json["findings"][0];
    for key in ["severity", "code", "message", "rule", "source", "confidence", "lines"] {
        assert!(finding.get(key).is_some(), "finding lacks `{key}`: {finding}");
    }
    let duty = &json["landed_cost"]["duties"][0];
    for key in ["name", "rate", "base", "amount"] {
        assert!(duty.get(key).is_some(), "duty lacks `{key}`: {duty}");
    }
}

#[test]
fn a_bad_request_exits_2_with_one_message_per_problem() {
    let dir = temp_dir("bad-request");
    let file = dir.join("bad.json");
    let mut request: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("examples/product-example.json")).unwrap(),
    )
    .unwrap();
    request["destination"] = "XX".into();
    request["items"][0]["quantity"] = 0.into();
    request["items"][0]["hs_code"] = "84715".into();
    std::fs::write(&file, request.to_string()).unwrap();
    let output = preclear(&["assess", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("destination: `XX` is not an ISO 3166-1 country code"), "{stderr}");
    assert!(stderr.contains("items[0].quantity: 0 is not a positive quantity"), "{stderr}");
    assert!(stderr.contains("items[0].hs_code: `84715` is not an HS code"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn malformed_json_a_missing_file_and_a_bad_date_exit_2() {
    let dir = temp_dir("malformed");
    let file = dir.join("broken.json");
    std::fs::write(&file, "{ \"origin\": ").unwrap();
    let output = preclear(&["assess", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("malformed JSON at line 1"), "{}", text(&output.stderr));

    let output = preclear(&["assess", "/nonexistent/request.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("does not exist"));

    let output =
        preclear(&["assess", &repo("examples/product-example.json"), "--as-of", "21/11/2026"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--as-of `21/11/2026` is not a date"));
}

#[test]
fn kb_check_accepts_the_repository_kb_and_reports_every_problem_of_a_broken_one() {
    let output = preclear(&["kb", "check", &repo("kb")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(" markets ("), "{}", text(&output.stdout));

    let dir = temp_dir("broken-kb");
    std::fs::create_dir_all(dir.join("markets")).unwrap();
    std::fs::create_dir_all(dir.join("hs")).unwrap();
    std::fs::copy(repo("kb/hs/hs2022.csv"), dir.join("hs/hs2022.csv")).unwrap();
    std::fs::write(dir.join("kb.toml"), "name = \"broken\"\nedition = \"x\"\n").unwrap();
    let turkey = std::fs::read_to_string(repo("kb/markets/TR.toml")).unwrap();
    let broken = turkey.replacen("confidence = \"high\"", "confidence = \"certain\"", 1).replacen(
        "mode = \"half_up\"",
        "mode = \"round\"",
        1,
    );
    std::fs::write(dir.join("markets/TR.toml"), broken).unwrap();
    let output = preclear(&["kb", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("markets/TR.toml:")
            && stderr.contains("`certain` is not a known confidence"),
        "{stderr}"
    );
    assert!(stderr.contains("`round` is not a rounding mode"), "{stderr}");
    assert!(stderr.contains(": 2 problems"), "{stderr}");
}

#[test]
fn kb_show_prints_a_market_with_its_sources() {
    let output = preclear(&["kb", "show", "TR"]);
    assert_eq!(output.status.code(), Some(0));
    let shown = text(&output.stdout);
    assert!(shown.contains("Türkiye (TR), currency TRY"), "{shown}");
    assert!(shown.contains("[tr.kdv] Import VAT (KDV)"), "{shown}");
    assert!(
        shown.contains("20%") && shown.contains("https://savasmalimusavirlik.com.tr"),
        "{shown}"
    );

    let output = preclear(&["kb", "show", "IS"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("the knowledge base has no market `IS`"));
}

/// `preclear kb show TR | head -1`: the reader goes away. Output that meets the closed pipe must
/// end the process quietly, not panic (`println!` would). The pipe is closed before the program
/// writes, so every write meets it.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::{Command, Stdio};
    for args in [&["kb", "show", "TR"][..], &["kb", "check", "kb"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_preclear"))
            .args(args)
            .current_dir(repo(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(output.status.success(), "{args:?}: {:?} {stderr}", output.status);
    }
}

#[test]
fn compare_shows_one_row_per_destination_and_each_row_is_the_assessment() {
    let example = repo("examples/product-example.json");
    let args = [
        "compare",
        &example,
        "--destinations",
        "BR,IN,TR",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ];
    let output = preclear(&args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = json["comparison"]["rows"].as_array().unwrap();
    let assessments = json["assessments"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for (row, destination) in rows.iter().zip(["BR", "IN", "TR"]) {
        assert_eq!(row["destination"], destination);
    }
    // The TR row is the plain assessment of the example (whose destination is TR).
    let single = preclear(&["assess", &example, "--as-of", "2026-11-21", "--format", "json"]);
    let single: serde_json::Value = serde_json::from_slice(&single.stdout).unwrap();
    assert_eq!(assessments[2], single, "the same assessment, byte for byte");
    assert_eq!(rows[2]["landed_cost"], single["landed_cost"]["total"]);
    assert_eq!(rows[2]["verdict"], single["verdict"]);

    let table =
        preclear(&["compare", &example, "--destinations", "BR,IN,TR", "--as-of", "2026-11-21"]);
    let table = text(&table.stdout);
    assert!(table.contains("Comparison of RF-2026-014 across 3 destinations, EUR"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("TR ")), "{table}");

    // Exported: the comparison as one PDF and one workbook, and each destination's quote.
    let dir = temp_dir("compare-out");
    let written = preclear(&[
        "compare",
        &example,
        "--destinations",
        "BR,IN,TR",
        "--as-of",
        "2026-11-21",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    for (name, magic) in [
        ("comparison.pdf", &b"%PDF"[..]),
        ("comparison.xlsx", &b"PK"[..]),
        ("quote-BR.pdf", &b"%PDF"[..]),
        ("quote-IN.pdf", &b"%PDF"[..]),
        ("quote-TR.pdf", &b"%PDF"[..]),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|_| panic!("{name} not written"));
        assert!(bytes.starts_with(magic), "{name} is not what it says");
    }
    let workbook = preclear_import::read_workbook(
        "comparison.xlsx",
        &std::fs::read(dir.join("comparison.xlsx")).unwrap(),
        &preclear_import::Limits::default(),
    )
    .unwrap();
    let cells = format!("{:?}", workbook.sheets[0].rows);
    for expected in ["Landed cost (EUR)", "\"BR\"", "\"IN\"", "\"TR\"", "Set by"] {
        assert!(cells.contains(expected), "the workbook lacks {expected}: {cells}");
    }

    for (destinations, message) in [
        ("BR,XX", "--destinations: `XX`"),
        ("BR,BR", "--destinations: BR is given twice"),
        ("NL", "--destinations: NL is the shipment's origin"),
    ] {
        let refused = preclear(&["compare", &example, "--destinations", destinations]);
        assert_eq!(refused.status.code(), Some(2), "{destinations}");
        assert!(text(&refused.stderr).contains(message), "{}", text(&refused.stderr));
    }
}

#[test]
fn a_price_list_adds_service_charges_apart_from_duties_and_taxes() {
    let example = repo("examples/product-example.json");
    let prices = repo("examples/price-list.toml");
    let output = preclear(&[
        "assess",
        &example,
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
        "--price-list",
        &prices,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let service = &json["service_charges"];
    // TR's own section: 2% of the customs value 99,945.00 = 1,998.90; broker 220.00 (estimate).
    assert_eq!(service["section"], "market");
    assert_eq!(service["charges"][0]["amount"], "1998.90");
    assert_eq!(service["charges"][1]["amount"], "220.00");
    assert_eq!(service["charges"][1]["estimate"], true);
    assert_eq!(service["total"], "2218.90");
    assert_eq!(service["charges"][0]["paid_by"], "seller", "DDP: the seller");
    assert!(service["price_list_version"].as_str().unwrap().starts_with("sha256:"));
    let without = preclear(&["assess", &example, "--as-of", "2026-11-21", "--format", "json"]);
    let without: serde_json::Value = serde_json::from_slice(&without.stdout).unwrap();
    assert!(without.get("service_charges").is_none(), "no price list, no section");
    assert_eq!(json["landed_cost"], without["landed_cost"], "duties and taxes are untouched");

    let dir = temp_dir("prices");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[price_list]\nprovider = \"a\"\nlabel = \"b\"\ncurrency = \"EUR\"\n[default]\nior_fee = { percent = \"x\", base = \"customs_value\" }\n").unwrap();
    let refused = preclear(&["assess", &example, "--price-list", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("default.ior_fee.percent: `x` is not a decimal amount"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn a_party_is_screened_with_its_explanation() {
    // A listed bank, written with a typo: a match (exit 1), the entry and each token pair named.
    let listed =
        preclear(&["screen", "party", "--name", "Banco Nacinal de Cuba", "--format", "json"]);
    assert_eq!(listed.status.code(), Some(1), "{}", text(&listed.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let hit = &answer["hits"][0];
    assert_eq!(hit["list"], "ofac_sdn");
    assert_eq!(hit["entry_id"], "306");
    assert_eq!(hit["band"], "match");
    assert_eq!(hit["tokens"][1]["query"], "nacinal");
    assert_eq!(hit["tokens"][1]["listed"], "nacional");
    // An unlisted company: exit 0, said so, and the snapshots named as snapshots.
    let clear = preclear(&["screen", "party", "--name", "Nordwind Systems GmbH"]);
    assert_eq!(clear.status.code(), Some(0), "{}", text(&clear.stderr));
    let out = text(&clear.stdout);
    assert!(
        out.contains("no listed party resembles") && out.contains("bundled snapshots"),
        "{out}"
    );
    // A country that is not one is refused naming the flag.
    let bad = preclear(&["screen", "party", "--name", "x y", "--country", "XX"]);
    assert_ne!(bad.status.code(), Some(0));
    assert!(text(&bad.stderr).contains("--country"), "{}", text(&bad.stderr));
    // An assessment with --screen: the listed consignee blocks it; without, it is not screened.
    let mut request: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("examples/product-example.json")).unwrap(),
    )
    .unwrap();
    request["consignee"]["name"] = serde_json::json!("Банко Насиональ де Куба");
    request["consignee"]["country"] = serde_json::json!("CH");
    let path = std::env::temp_dir().join(format!("preclear-screen-{}.json", std::process::id()));
    std::fs::write(&path, request.to_string()).unwrap();
    let path = path.to_str().unwrap();
    let screened =
        preclear(&["assess", path, "--screen", "--format", "json", "--as-of", "2026-11-21"]);
    let screened: serde_json::Value = serde_json::from_slice(&screened.stdout).unwrap();
    assert_eq!(screened["verdict"], "not_clearable");
    assert_eq!(screened["screening"]["parties"][1]["hits"][0]["entry_id"], "306");
    let plain = preclear(&["assess", path, "--format", "json", "--as-of", "2026-11-21"]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(plain.get("screening").is_none());
    assert_ne!(plain["verdict"], "not_clearable");
    // Two names compared.
    let pair = preclear(&["screen", "match", "Эрик Бадеге", "ERIC BADEGE"]);
    assert_eq!(pair.status.code(), Some(0));
    assert!(text(&pair.stdout).contains("erik ~ eric"), "{}", text(&pair.stdout));
}

#[test]
fn a_file_of_parties_is_screened_in_one_run() {
    let dir = std::env::temp_dir().join(format!("preclear-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let parties = dir.join("parties.csv");
    // A listed bank in Cyrillic with a typo, an unlisted company, a BIS Entity List party with
    // its country as a name, and an empty line.
    std::fs::write(
        &parties,
        "id,name,country\nP1,Банко Насиональ де Куба,CH\nP2,Nordwind Systems GmbH,DE\n\nP3,3K Aviation Consulting and Logistics,Turkey\n",
    )
    .unwrap();
    let run = preclear(&["screen", "batch", parties.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "a match: exit 1; {}", text(&run.stderr));
    let out = text(&run.stdout);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 4, "{out}");
    assert!(
        rows[1].starts_with("2,P1,") && rows[1].contains(",match,") && rows[1].contains(",306,"),
        "{out}"
    );
    assert!(rows[2].starts_with("3,P2,") && rows[2].contains(",clear,"), "{out}");
    assert!(
        rows[3].starts_with("5,P3,") && rows[3].contains("BIS Entity List"),
        "row numbers as the file's: {out}"
    );
    assert!(rows[3].contains("country agrees (Türkiye)"), "{out}");
    assert!(text(&run.stderr).contains("3 parties screened: 2 match"), "{}", text(&run.stderr));
    let json = preclear(&["screen", "batch", parties.to_str().unwrap(), "--format", "json"]);
    let answer: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(answer["parties"][0]["hits"][0]["entry_id"], "306");
    assert_eq!(answer["parties"][1]["hits"].as_array().unwrap().len(), 0);

    // Every problem named by row and column, nothing screened.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "name,country\nAcme,Atlantis\n,DE\n").unwrap();
    let refused = preclear(&["screen", "batch", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("row 2, column country: `Atlantis`"), "{stderr}");
    assert!(stderr.contains("row 3, column name: empty"), "{stderr}");
    assert!(refused.stdout.is_empty());
    std::fs::write(&bad, "id,nom\n1,x\n").unwrap();
    let refused = preclear(&["screen", "batch", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("no `name` column"), "{}", text(&refused.stderr));
}

#[test]
fn lists_are_updated_from_their_files_and_versioned() {
    let dir = std::env::temp_dir().join(format!("preclear-lists-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let db = ["--data-dir", data];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&db);
        preclear(&all)
    };
    let made = preclear(&[
        "admin",
        "--data-dir",
        data,
        "org",
        "create",
        "IOR Provider",
        "--kind",
        "provider",
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let none = run(&["lists", "versions"]);
    assert!(text(&none.stdout).contains("bundled snapshots"), "{}", text(&none.stdout));

    // The UN list with an entity added (a fictional name written for this test).
    let un = std::fs::read_to_string(repo(
        "crates/preclear-screening/data/un-consolidated-2026-02-27.xml",
    ))
    .unwrap()
    .replacen(
        "<ENTITY>",
        "<ENTITY><DATAID>99000001</DATAID><FIRST_NAME>ZEDLAND ARMS EXPORT CORPORATION</FIRST_NAME><REFERENCE_NUMBER>ZZe.001</REFERENCE_NUMBER></ENTITY><ENTITY>",
        1,
    );
    let file = dir.join("consolidated.xml");
    std::fs::write(&file, un).unwrap();
    let file = file.to_str().unwrap();
    let update = ["lists", "update", "--format", "un-xml", "--published", "2026-12-06", file];

    let dry = run(&[&update[..], &["--dry-run"]].concat());
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let said = text(&dry.stdout);
    assert!(said.contains("un-xml of 2026-12-06: 1004 entries"), "{said}");
    assert!(said.contains("1 entries added, 0 changed, 0 removed"), "{said}");
    assert!(said.contains("dry run"), "{said}");
    assert!(text(&run(&["lists", "versions"]).stdout).contains("no lists were deployed"));

    let deployed = run(&update);
    assert!(deployed.status.success(), "{}", text(&deployed.stderr));
    assert!(
        text(&deployed.stdout).contains("deployed lists lists-sha256:"),
        "{}",
        text(&deployed.stdout)
    );
    let versions = text(&run(&["lists", "versions"]).stdout);
    assert!(versions.contains("deploy") && versions.contains("(current)"), "{versions}");
    let again = run(&update);
    assert!(text(&again.stdout).contains("already current"), "{}", text(&again.stdout));
    // The shell screens with the deployed lists when asked, else with the bundled snapshots.
    let party = ["screen", "party", "--name", "Zedland Arms Export Corporation"];
    let deployed = run(&[&party[..], &["--deployed"]].concat());
    assert_eq!(deployed.status.code(), Some(1), "{}", text(&deployed.stderr));
    assert!(text(&deployed.stdout).contains("`ZZe.001`"), "{}", text(&deployed.stdout));
    assert!(!text(&deployed.stdout).contains("bundled snapshots"), "{}", text(&deployed.stdout));
    let snapshots = preclear(&party);
    assert_eq!(snapshots.status.code(), Some(0), "{}", text(&snapshots.stdout));
    assert!(text(&snapshots.stdout).contains("bundled snapshots"));

    // Bad input is named by its flag.
    let bad = run(&["lists", "update", "--format", "un-json", "--published", "2026-12-06", file]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--format: no list format \"un-json\""),
        "{}",
        text(&bad.stderr)
    );
    let bad = run(&["lists", "update", "--format", "un-xml", "--published", "6 Dec", file]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--published"), "{}", text(&bad.stderr));
    let bad =
        run(&["lists", "update", "--format", "ofac-sdn-csv", "--published", "2026-12-06", file]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("takes 3 file(s)"), "{}", text(&bad.stderr));
    let broken = dir.join("broken.xml");
    std::fs::write(&broken, "<CONSOLIDATED_LIST><INDIVIDUALS>").unwrap();
    let bad = run(&[
        "lists",
        "update",
        "--format",
        "un-xml",
        "--published",
        "2026-12-06",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("not deployed: un-xml: broken.xml"),
        "{}",
        text(&bad.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn routes_and_assets_answer_from_the_command_line() {
    // A route with Suez closed goes round the Cape; an unknown passage names the flag.
    let route =
        preclear(&["route", "NLRTM", "SGSIN", "--closed", "suez,babalmandab", "--format", "json"]);
    assert_eq!(route.status.code(), Some(0), "{}", text(&route.stderr));
    let route: serde_json::Value = serde_json::from_str(&text(&route.stdout)).unwrap();
    assert!(route["passages"].as_array().unwrap().iter().any(|p| p["id"] == "south_africa"));
    let bad = preclear(&["route", "NLRTM", "SGSIN", "--closed", "atlantis"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--closed: `atlantis` is neither a passage"),
        "{}",
        text(&bad.stderr)
    );

    // A valuation names its method and basis.
    let valued = preclear(&[
        "assets",
        "value",
        "--model",
        "R740",
        "--grade",
        "B",
        "--purchase-value",
        "12000",
        "--purchased",
        "2022-06-15",
        "--as-of",
        "2026-12-08",
        "--format",
        "json",
    ]);
    assert_eq!(valued.status.code(), Some(0), "{}", text(&valued.stderr));
    let valued: serde_json::Value = serde_json::from_str(&text(&valued.stdout)).unwrap();
    assert_eq!(valued["value"], "1190.00");
    assert!(
        valued["method"].as_str().unwrap().starts_with("straight-line depreciation over 5 years")
    );
    let bad = preclear(&["assets", "value", "--model", "R740", "--grade", "Q"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--grade `Q`"), "{}", text(&bad.stderr));

    // Refurbished servers from a hub in the Netherlands: Viet Nam refuses them, Brazil may take them.
    let dir = temp_dir("assets");
    let file = dir.join("assets.csv");
    std::fs::write(
        &file,
        "serial,manufacturer,model,category,hs_code,eccn,country_of_origin,grade,value,currency\n\
         SN-1,Dell,R740,server,847150,5A992.c,US,A,2500,USD\nSN-2,Dell,R740,server,847150,5A992.c,US,B,2100,USD\n",
    )
    .unwrap();
    let offers = preclear(&[
        "assets",
        "redeploy",
        file.to_str().unwrap(),
        "--hub",
        "NL",
        "--to",
        "BR,VN",
        "--as-of",
        "2026-12-08",
        "--format",
        "json",
    ]);
    assert_eq!(offers.status.code(), Some(0), "{}", text(&offers.stderr));
    let offers: serde_json::Value = serde_json::from_str(&text(&offers.stdout)).unwrap();
    let offer = |cc: &str| {
        offers.as_array().unwrap().iter().find(|o| o["destination"] == cc).unwrap().clone()
    };
    assert_eq!(offer("BR")["allowed"], true, "{offers}");
    assert_eq!(offer("VN")["allowed"], false);
    assert!(offer("VN")["reason"].as_str().unwrap().contains("banned"));
    assert_eq!(offer("VN")["serials"], serde_json::json!(["SN-1", "SN-2"]));
    // Recovery: one return consignment per deployed country, assessed in reverse.
    let deployed = dir.join("deployed.csv");
    std::fs::write(
        &deployed,
        "serial,manufacturer,model,category,hs_code,eccn,country_of_origin,country\n\
         SN-1,Dell,R740,server,847150,5A992.c,US,BR\nSN-2,Dell,R740,server,847150,5A992.c,US,BR\n\
         SN-3,Dell,R740,server,847150,5A992.c,US,VN\n",
    )
    .unwrap();
    let out = dir.join("returns");
    let recovered = preclear(&[
        "assets",
        "recover",
        deployed.to_str().unwrap(),
        "--hub",
        "NL",
        "--value-if-unvalued",
        "800",
        "--as-of",
        "2026-12-08",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(recovered.status.code(), Some(0), "{}", text(&recovered.stderr));
    let report = text(&recovered.stdout);
    assert!(
        report.contains("RETURN-BR  BR → NL") && report.contains("RETURN-VN  VN → NL"),
        "{report}"
    );
    let brazil: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("return-br.json")).unwrap())
            .unwrap();
    assert_eq!(brazil["purpose"], "return_for_repair");
    assert_eq!(brazil["items"][0]["serials"], serde_json::json!(["SN-1", "SN-2"]));
    std::fs::write(&file, "serial,model\nSN-1,R740\n").unwrap();
    let missing =
        preclear(&["assets", "redeploy", file.to_str().unwrap(), "--hub", "NL", "--to", "BR"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("lacks the column(s) manufacturer"),
        "{}",
        text(&missing.stderr)
    );
}
