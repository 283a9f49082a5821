//! The loader refuses a bad knowledge base with every problem, each at its file and line, and
//! accepts the bundled one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

use preclear_kb::{SourceFile, load};

const HS: &str = "section,hscode,description,parent,level\nXVI,84,M,TOTAL,2\nXVI,8471,ADP,84,4\nXVI,847150,Units,8471,6\n";

fn files(market: &str) -> Vec<SourceFile> {
    vec![
        SourceFile { path: "kb.toml".into(), text: "name = \"t\"\nedition = \"t\"\n".into() },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.into() },
        SourceFile { path: "markets/ZZ.toml".into(), text: market.into() },
    ]
}

const GOOD: &str = r#"[market]
country = "ZZ"
name = "Zedland"
currency = "XTS"

[sources.law]
title = "Law"
document = "Gazette"

[rounding]
mode = "half_up"
decimal_places = 2
source = "law"
confidence = "high"
as_of = 2026-01-01

[valuation]
basis = "CIF"
source = "law"
confidence = "high"
as_of = 2026-01-01

[importer]
non_resident_allowed = "unknown"
route = "unknown"
source = "law"
confidence = "unknown"
as_of = 2026-01-01

[[levy]]
id = "zz.vat"
kind = "tax"
name = "VAT"
base = ["customs_value"]
source = "law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "20"
  source = "law"
  confidence = "high"
  as_of = 2026-01-01
"#;

fn problems(market: &str) -> Vec<String> {
    match load(&files(market)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_well_formed_kb_loads_with_a_content_version() {
    let kb = load(&files(GOOD)).unwrap();
    assert!(kb.version().as_str().starts_with("sha256:"));
    assert_eq!(kb.version().as_str().len(), "sha256:".len() + 16);
    let changed = load(&files(&GOOD.replace("percent = \"20\"", "percent = \"21\""))).unwrap();
    assert_ne!(kb.version(), changed.version(), "any change of content changes the version");
    assert_eq!(kb.version(), load(&files(GOOD)).unwrap().version());
}

#[test]
fn every_problem_is_reported_with_file_and_line() {
    let bad = GOOD
        .replace("mode = \"half_up\"", "mode = \"nearest\"")
        .replace(
            "basis = \"CIF\"\nsource = \"law\"\nconfidence = \"high\"",
            "basis = \"CIF\"\nbasiss = \"FOB\"\nsource = \"law\"\nconfidence = \"sure\"",
        )
        .replace("percent = \"20\"", "percent = 20.5")
        .replace(
            "source = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n\n  [[levy.rate]]",
            "source = \"gazette\"\nconfidence = \"high\"\nas_of = 2026-01-01\n\n  [[levy.rate]]",
        );
    let problems = problems(&bad);
    let expected = [
        ("markets/ZZ.toml:11:", "`mode`: `nearest` is not a rounding mode"),
        ("markets/ZZ.toml:19:", "unknown key `basiss` in [valuation]"),
        ("markets/ZZ.toml:21:", "`confidence`: `sure` is not a known confidence"),
        ("markets/ZZ.toml:36:", "source `gazette` is not declared"),
        ("markets/ZZ.toml:41:", "`percent` is the float 20.5; write numbers as strings"),
    ];
    for (location, text) in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(location) && p.contains(text)),
            "missing `{location} {text}` in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

#[test]
fn syntax_errors_in_several_files_are_all_reported() {
    let mut files = files("[market\ncountry = \"ZZ\"\n");
    files.push(SourceFile {
        path: "export-controls/x.toml".into(),
        text: "[regime]\nid = = 1\n".into(),
    });
    let errors = load(&files).unwrap_err();
    assert!(
        errors.0.iter().any(|e| e.file == "markets/ZZ.toml"
            && e.line == 1
            && e.message.starts_with("invalid TOML")),
        "{errors}"
    );
    assert!(
        errors.0.iter().any(|e| e.file == "export-controls/x.toml"
            && e.line == 2
            && e.message.starts_with("invalid TOML")),
        "{errors}"
    );
}

#[test]
fn references_dates_and_codes_are_checked() {
    let bad = format!(
        "{GOOD}{}",
        r#"
  [[levy.rate]]
  percent = "19"
  source = "law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.vat"
kind = "tax"
name = "Duplicate"
base = ["zz.later"]
when = { hs = ["8517"] }
source = "law"
confidence = "high"
as_of = 2026-01-01
effective_from = 2026-06-01
effective_to = 2026-01-01

  [[levy.rate]]
  percent = "1"
  source = "law"
  confidence = "high"
  as_of = 2026-01-01

[[restriction]]
id = "zz.used"
effect = "licensed"
requirement = "zz.none"
name = "Used goods"
source = "law"
confidence = "high"
as_of = 2026-01-01
"#
    );
    let problems = problems(&bad);
    for text in [
        "apply to the same HS prefix, origins and subdivisions on overlapping dates",
        "id `zz.vat` is already defined at markets/ZZ.toml:",
        "`zz.later` is neither customs_value, goods_value, freight_and_insurance nor the id of a levy above this one",
        "HS prefix `8517` does not exist in the HS 2022 nomenclature",
        "effective_from 2026-06-01 must be before effective_to 2026-01-01",
        "restriction names requirement `zz.none`, which is not a [[requirement]] of this file",
    ] {
        assert!(problems.iter().any(|p| p.contains(text)), "missing `{text}` in {problems:#?}");
    }
}

#[test]
fn a_market_file_must_be_named_after_its_country() {
    let mut files = files(GOOD);
    files[2].path = "markets/TR.toml".into();
    let errors = load(&files).unwrap_err().to_string();
    assert!(errors.contains("market `ZZ` is in file markets/TR.toml"), "{errors}");
}

#[test]
fn a_kb_without_nomenclature_or_manifest_is_refused() {
    let only_market = vec![SourceFile { path: "markets/ZZ.toml".into(), text: GOOD.into() }];
    let errors = load(&only_market).unwrap_err().to_string();
    assert!(errors.contains("the KB has no HS nomenclature file"), "{errors}");
}

#[test]
fn the_bundled_kb_is_valid_and_covers_every_listed_market() {
    let kb = preclear_kb_bundle::load().unwrap_or_else(|errors| panic!("{errors}"));
    // The foundation markets, the markets of issue 3, the data-centre destinations of issue 17,
    // and the 27 EU members.
    let eu = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];
    let others = [
        "TR", "IN", "VN", "BR", "SA", "EG", "MX", "US", "CN", "AE", "AR", "CL", "CO", "PE", "MY",
        "PH", "ID", "TH", "SG", "JP", "KR", "KZ", "UZ", "RS", "ZA", "NG", "KE", "GB", "CA", "AU",
        "CH", "NO", "IL", "NZ", "TW", "HK",
    ];
    let union = kb.unions().iter().find(|union| &*union.id == "EU").expect("the EU union");
    for code in eu {
        let country = preclear_domain::Country::parse(code).unwrap();
        assert!(union.members.contains(&country), "{code} is not an EU member in unions/EU.toml");
        assert_eq!(kb.market(country).and_then(|m| m.union.as_deref()), Some("EU"), "{code}");
    }
    assert!(kb.regimes().iter().any(|regime| &*regime.id == "uk-export-controls"));
    for code in others.into_iter().chain(eu) {
        let country = preclear_domain::Country::parse(code).unwrap();
        assert!(kb.market(country).is_some(), "the bundled KB has no market {code}");
    }
    assert!(kb.regimes().iter().any(|regime| &*regime.id == "us-ear"));
    assert!(kb.regimes().iter().any(|regime| &*regime.id == "eu-dual-use"));
    assert!(kb.nomenclature().len() > 6000);
}

#[test]
fn fees_by_value_band_are_read_and_checked() {
    let fee = |bands: &str| {
        format!(
            "{GOOD}\n[[levy]]\nid = \"zz.fee\"\nkind = \"fee\"\nname = \"Processing fee\"\nbase = [\"customs_value\"]\nmethod = \"fixed\"\nsource = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n\n  [[levy.rate]]\n  {bands}\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n"
        )
    };
    let kb = load(&files(&fee(
        r#"bands = [{ up_to = "1000", amount = "10" }, { up_to = "5000", amount = "25" }, { amount = "50" }]"#,
    )))
    .unwrap();
    let market = kb.market(preclear_domain::Country::parse("ZZ").unwrap()).unwrap();
    let levy = market.levies.iter().find(|l| &*l.id == "zz.fee").unwrap();
    let preclear_kb::RateValue::Bands(bands) = &levy.rates[0].value else { panic!("bands") };
    assert_eq!(bands.len(), 3);
    assert_eq!(bands[2].up_to, None);
    assert_eq!(bands[1].amount.to_string(), "25 XTS");
    for (bad, message) in [
        (
            r#"bands = [{ up_to = "5000", amount = "10" }, { up_to = "1000", amount = "25" }, { amount = "50" }]"#,
            "must be above the one before",
        ),
        (
            r#"bands = [{ up_to = "1000", amount = "10" }, { up_to = "5000", amount = "25" }]"#,
            "the last band has no `up_to`",
        ),
        (
            r#"bands = [{ amount = "10" }, { amount = "25" }]"#,
            "only the last band may omit `up_to`",
        ),
        (r#"bands = [{ amount = "10" }]"#, "at least two bands"),
        (
            r#"amount = "5"
  bands = [{ up_to = "1000", amount = "10" }, { amount = "25" }]"#,
            "`amount` or `bands`, not both",
        ),
        (r#"bands = [{ up_to = "1000", fee = "10" }, { amount = "25" }]"#, "unknown key `fee`"),
    ] {
        let problems = problems(&fee(bad));
        assert!(problems.iter().any(|p| p.contains(message)), "{bad}: {problems:?}");
    }
}

#[test]
fn maxima_by_band_of_the_base_are_read_and_checked() {
    let fee = |maximum: &str| {
        format!(
            "{GOOD}\n[[levy]]\nid = \"zz.stat\"\nkind = \"fee\"\nname = \"Statistics fee\"\nbase = [\"customs_value\"]\n{maximum}\nlimits_currency = \"USD\"\nsource = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n\n  [[levy.rate]]\n  percent = \"3\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n"
        )
    };
    let kb = load(&files(&fee(
        r#"maximum = [{ up_to = "10000", amount = "180" }, { amount = "150000" }]"#,
    )))
    .unwrap();
    let market = kb.market(preclear_domain::Country::parse("ZZ").unwrap()).unwrap();
    let levy = market.levies.iter().find(|l| &*l.id == "zz.stat").unwrap();
    assert_eq!(levy.maximum, None, "bands, not one maximum");
    assert_eq!(levy.maximum_bands.len(), 2);
    assert_eq!(levy.maximum_bands[0].amount.to_string(), "180 USD");
    assert_eq!(levy.maximum_bands[0].up_to.map(|m| m.to_string()), Some("10000 USD".to_owned()));
    let one = load(&files(&fee(r#"maximum = "500""#))).unwrap();
    let market = one.market(preclear_domain::Country::parse("ZZ").unwrap()).unwrap();
    let levy = market.levies.iter().find(|l| &*l.id == "zz.stat").unwrap();
    assert_eq!(levy.maximum.map(|m| m.to_string()), Some("500 USD".to_owned()));
    assert!(levy.maximum_bands.is_empty());
    for (bad, message) in [
        (r#"maximum = [{ amount = "180" }]"#, "`maximum` needs at least two bands"),
        (
            r#"maximum = [{ up_to = "10000", amount = "180" }, { up_to = "5000", amount = "3000" }]"#,
            "the last band has no `up_to`",
        ),
        (r#"maximum = [{ up_to = "x", amount = "180" }, { amount = "3000" }]"#, "`x`"),
    ] {
        let problems = problems(&fee(bad));
        assert!(problems.iter().any(|p| p.contains(message)), "{bad}: {problems:?}");
    }
}

#[test]
fn a_source_no_fact_cites_is_an_error() {
    let market = GOOD.replace(
        "[sources.law]",
        "[sources.blog]\ntitle = \"A blog\"\nurl = \"https://blog.example.com/x\"\n\n[sources.law]",
    );
    let found = problems(&market);
    assert!(
        found.iter().any(|p| p.contains("source `blog` is declared but no fact cites it")),
        "{found:?}"
    );
    assert!(problems(GOOD).is_empty());
}

#[test]
fn rates_by_subdivision_name_the_markets_own_subdivisions() {
    let rate = |subdivisions: &str| {
        format!(
            "{GOOD}\n  [[levy.rate]]\n  subdivisions = {subdivisions}\n  percent = \"18\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n"
        )
    };
    assert!(
        problems(&rate(r#"["ZZ-A", "ZZ-B"]"#)).is_empty(),
        "{:?}",
        problems(&rate(r#"["ZZ-A"]"#))
    );
    let kb = load(&files(&rate(r#"["ZZ-A"]"#))).unwrap();
    let market = kb.market(preclear_domain::Country::parse("ZZ").unwrap()).unwrap();
    let by_state = market.levies[0].rates.iter().find(|r| r.subdivisions.is_some()).unwrap();
    assert_eq!(by_state.subdivisions.as_ref().unwrap()[0].as_str(), "ZZ-A");
    for (list, expected) in [
        (r#"["BR-SP"]"#, "`BR-SP` is not a subdivision of ZZ"),
        (r#"["ZZ"]"#, "is not an ISO 3166-2 subdivision code"),
        ("[]", "`subdivisions` must name at least one subdivision"),
    ] {
        let found = problems(&rate(list));
        assert!(
            found.iter().any(|p| p.contains(expected) && p.starts_with("markets/ZZ.toml:")),
            "{list}: {found:?}"
        );
    }
    // The same subdivisions twice on overlapping dates is a clash; a general rate beside them is not.
    let twice = format!(
        "{}\n  [[levy.rate]]\n  subdivisions = [\"ZZ-A\"]\n  percent = \"19\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n",
        rate(r#"["ZZ-A"]"#)
    );
    assert!(
        problems(&twice).iter().any(|p| p.contains("same HS prefix, origins and subdivisions"))
    );
}
