//! The web application over HTTP, on SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set: signing in and out, CSRF, the form with its validation
//! errors next to the fields, the upload, the report, tenancy (a client user sees only its
//! organisation), the audit log and API-key management. The same flows in a real browser are
//! in `browser.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::http::StatusCode;
use common::{call_with, postgres_url, sqlite_url};
use preclear_store::System;
use serde_json::Value;
use session::{Browser, Jar, csrf, encode, pairs};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

/// The PRODUCT.md example as the form posts it: one control per field, named by its path.
fn example_form(token: &str) -> Vec<(String, String)> {
    let example: Value = serde_json::from_str(EXAMPLE).unwrap();
    let mut out = pairs(&[("_csrf", token), ("action", "assess"), ("as_of", "2026-11-21")]);
    fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    flatten(&name, v, out);
                }
            }
            Value::Array(items) if prefix == "items" => {
                for (i, item) in items.iter().enumerate() {
                    flatten(&format!("items[{i}]"), item, out);
                }
            }
            Value::Array(list) if prefix.ends_with(".radio") => {
                if list.is_empty() {
                    out.push((prefix.to_owned(), "none".to_owned()));
                }
                for r in list {
                    out.push((prefix.to_owned(), r.as_str().unwrap().to_owned()));
                }
            }
            Value::Array(list) => {
                let lines: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                out.push((prefix.to_owned(), lines.join("\n")));
            }
            Value::Null => {}
            Value::String(s) => out.push((prefix.to_owned(), s.clone())),
            other => out.push((prefix.to_owned(), other.to_string())),
        }
    }
    flatten("", &example, &mut out);
    out
}

async fn web_story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let (store, first, nordwind, other) =
        (setup.store.clone(), &setup.first, &setup.nordwind, &setup.other);
    let password = common::PASSWORD;
    let app = setup.app();

    // Not signed in: every page sends to the sign-in page, and back after.
    let mut lena = Browser { app: &app, jar: Jar::default() };
    let reply = lena.get("/assessments/new").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers["location"], "/sign-in?next=/assessments/new");

    // Sign-in: the form's own token is required; a wrong password says nothing more.
    let page = lena.get("/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'")
    );
    assert!(page.text.contains(r#"<label for="password">Password</label>"#));
    let forged = lena
        .post("/sign-in", &pairs(&[("_csrf", "00"), ("username", "lena"), ("password", password)]))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = lena.sign_in("lena", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("The user name or password is not correct."));
    let unknown = lena.sign_in("nobody", "not the password").await;
    assert_eq!(
        unknown.status,
        StatusCode::UNAUTHORIZED,
        "an unknown name answers as a wrong password"
    );
    assert!(unknown.text.contains("The user name or password is not correct."));
    let signed = lena.sign_in("lena", password).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let cookie = signed.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // The form: a post without the session's token is refused, and so is another site's post.
    let form = lena.get("/assessments/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(r#"<label for="f-items-0-quantity">Quantity"#));
    let token = csrf(&form.text);
    let refused =
        lena.post("/assessments/new", &pairs(&[("_csrf", "bad"), ("action", "assess")])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let cookie = lena.jar.header();
    let cross = call_with(
        &app,
        "POST",
        "/assessments/new",
        &[("cookie", &cookie), ("origin", "https://evil.example"), ("host", "localhost")],
        Some(("application/x-www-form-urlencoded", &encode(&pairs(&[("_csrf", &token)])))),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);

    // A failed validation: each problem next to its field, nothing stored.
    let mut bad = example_form(&token);
    bad.retain(|(k, _)| k != "destination");
    for (k, v) in &mut bad {
        if k == "items[0].quantity" {
            *v = "ten".into();
        }
    }
    let invalid = lena.post("/assessments/new", &bad).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.text.contains(r#"id="f-destination-error""#), "{}", invalid.text);
    assert!(invalid.text.contains(r#"id="f-items-0-quantity-error""#));
    // The summary names each field by its label, as the page shows it.
    assert!(
        invalid.text.contains(r##"<a href="#f-destination">Destination country</a>"##),
        "{}",
        invalid.text
    );
    assert!(invalid.text.contains(r##"<a href="#f-items-0-quantity">Line 1 · Quantity</a>"##));
    assert!(!invalid.text.contains(">items[0].quantity<"), "never the request path");
    assert!(invalid.text.contains(r#"value="Nordwind Systems GmbH""#), "entered values are kept");
    assert!(
        store
            .assessments(
                preclear_store::Visibility::Own(nordwind.id),
                &preclear_store::AssessmentFilter { limit: 10, ..Default::default() }
            )
            .await
            .unwrap()
            .is_empty()
    );

    // Amounts with a decimal comma and thousands dots are read, and shown back as read; one
    // that reads two ways is asked about on its control, nothing stored.
    let mut ambiguous = example_form(&token);
    for (k, v) in &mut ambiguous {
        match k.as_str() {
            "freight" => *v = "1.850,00".into(),
            "items[0].unit_value" => *v = "9,800".into(),
            _ => {}
        }
    }
    let asked = lena.post("/assessments/new", &ambiguous).await;
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", asked.text);
    assert!(asked.text.contains("`9,800` could be 9800 or 9.800"), "{}", asked.text);
    assert!(asked.text.contains(r##"<a href="#f-items-0-unit_value">Line 1 · Unit value</a>"##));
    assert!(
        asked.text.contains(r#"id="f-freight" name="freight" value="1850.00""#),
        "read and shown back"
    );
    assert!(asked.text.contains("`1.850,00` was read as 1850.00"));
    let mut commas = example_form(&token);
    for (k, v) in &mut commas {
        match k.as_str() {
            "freight" => *v = "1.850,00".into(),
            "insurance" => *v = "95,00".into(),
            "items[0].unit_value" => *v = "9.800,00".into(),
            "reference" => *v = "RF-COMMAS".into(),
            _ => {}
        }
    }
    let read = lena.post("/assessments/new", &commas).await;
    assert_eq!(read.status, StatusCode::SEE_OTHER, "{}", read.text);
    let stored =
        lena.get(&format!("{}/request.json", read.headers["location"].to_str().unwrap())).await;
    let request: Value = serde_json::from_str(&stored.text).unwrap();
    assert_eq!(request["freight"], "1850.00");
    assert_eq!(request["insurance"], "95.00");
    assert_eq!(request["items"][0]["unit_value"], "9800.00");

    // Lines are added without losing what was entered.
    let mut add = example_form(&token);
    add.retain(|(k, _)| k != "action");
    add.push(("action".into(), "add".into()));
    let added = lena.post("/assessments/new", &add).await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.text.contains(r#"id="f-items-1-description""#));
    assert!(added.text.contains("PowerEdge R660"));

    // The example entered in the form: stored, and the report reads as a report.
    let created = lena.post("/assessments/new", &example_form(&token)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let report_url = created.headers["location"].to_str().unwrap().to_owned();
    let report = lena.get(&report_url).await;
    assert_eq!(report.status, StatusCode::OK);
    for expected in [
        "Clearable with conditions",
        "What must happen first",
        "TAREKS import inspection of CE-marked products",
        "Ministry of Trade",
        "Export controls at origin",
        "Landed cost (EUR)",
        "99,945.00",
        // Türkiye allows no non-resident importer: a Turkish IOR pays the KDV and deducts it.
        "Import VAT/GST: The importer of record (a company established in Türkiye) pays the import VAT/GST (tr.kdv) at clearance and deducts it",
        "Net cost after import VAT/GST is recovered",
        "Documents checklist",
        "Commercial invoice",
        "<svg",
        "earliest ship date 2026-11-21",
        "assessment.json",
    ] {
        assert!(report.text.contains(expected), "the report lacks {expected:?}");
    }
    let json = lena.get(&format!("{report_url}/assessment.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&json.text).unwrap()["verdict"],
        "clearable_with_conditions"
    );

    // Destinations compared from the form: the form's own and the ones typed, side by side,
    // each a stored assessment linked from its row; a bad code is named in the page's words.
    let mut compare = example_form(&token);
    compare.retain(|(k, _)| k != "action");
    compare.push(("action".into(), "compare".into()));
    compare.push(("compare_with".into(), "br, IN".into()));
    let compared = lena.post("/assessments/new", &compare).await;
    assert_eq!(compared.status, StatusCode::OK, "{}", compared.text);
    for expected in ["Destinations compared", r#"id="row-TR""#, r#"id="row-BR""#, r#"id="row-IN""#]
    {
        assert!(compared.text.contains(expected), "the comparison lacks {expected:?}");
    }
    let first_row = compared.text.find(r#"id="row-TR""#).unwrap();
    assert!(first_row < compared.text.find(r#"id="row-BR""#).unwrap(), "the form's own first");
    let linked = compared.text[first_row..].split("href=\"").nth(1).unwrap();
    let linked = linked.split('"').next().unwrap().to_owned();
    assert!(linked.starts_with("/assessments/"), "{linked}");
    assert_eq!(lena.get(&linked).await.status, StatusCode::OK, "each row opens its assessment");
    let quote = lena.get(&format!("{linked}/documents/quote.pdf")).await;
    assert_eq!(quote.status, StatusCode::OK, "and its one-page quote");
    assert_eq!(quote.headers["content-type"], "application/pdf");
    assert!(compared.text.contains(&format!(r#"href="{linked}/documents/quote.pdf""#)));
    for (typed, expected) in [
        ("", "Compare with other destinations</a>: name at least one other destination"),
        ("BR, XX", "Compare with other destinations</a>: `XX`"),
        ("TR", "Compare with other destinations</a>: TR is given twice"),
    ] {
        let mut bad = compare.clone();
        for (k, v) in &mut bad {
            if k == "compare_with" {
                *v = typed.into();
            }
        }
        let refused = lena.post("/assessments/new", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(refused.text.contains(expected), "{typed}: {}", refused.text);
        assert!(refused.text.contains(&format!(r#"value="{typed}""#)), "what was typed is kept");
    }

    // And from a report: the stored request compared with other destinations.
    assert!(report.text.contains(&format!(r#"action="{report_url}/compare""#)));
    let from_report = lena
        .post(
            &format!("{report_url}/compare"),
            &pairs(&[("_csrf", &token), ("compare_with", "MX")]),
        )
        .await;
    assert_eq!(from_report.status, StatusCode::OK, "{}", from_report.text);
    assert!(
        from_report.text.contains(r#"id="row-MX""#) && from_report.text.contains(r#"id="row-TR""#)
    );
    // The comparison keeps an address of its own, with its PDF and XLSX.
    let kept = from_report.text.split(r#"<a href="/comparisons/"#).nth(1).unwrap();
    let comparison_id = kept.split('"').next().unwrap().to_owned();
    let stored_page = lena.get(&format!("/comparisons/{comparison_id}")).await;
    assert_eq!(stored_page.status, StatusCode::OK, "{}", stored_page.text);
    assert!(
        stored_page.text.contains(r#"id="row-MX""#) && stored_page.text.contains(r#"id="row-TR""#)
    );
    let pdf = lena.get(&format!("/comparisons/{comparison_id}/comparison.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let mut stranger = Browser { app: &app, jar: Jar::default() };
    stranger.sign_in("otto", password).await;
    assert_eq!(
        stranger.get(&format!("/comparisons/{comparison_id}")).await.status,
        StatusCode::NOT_FOUND,
        "another client's comparison is not found"
    );
    let again = lena
        .post(
            &format!("{report_url}/compare"),
            &pairs(&[("_csrf", &token), ("compare_with", "ZZZ")]),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("Compare with other destinations: "), "{}", again.text);
    let forged = lena
        .post(&format!("{report_url}/compare"), &pairs(&[("_csrf", "bad"), ("compare_with", "MX")]))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Upload: a JSON request, then a broken one, then an invalid one.
    let cookie = lena.jar.header();
    let upload = async |json: &str| {
        let (content_type, body) = common::multipart_body(
            &[("_csrf", &token), ("as_of", "2026-11-21")],
            &[("file", "request.json", json.as_bytes())],
        );
        let headers = [("cookie", cookie.as_str())];
        common::call_bytes(
            &app,
            "POST",
            "/assessments/upload",
            &headers,
            Some((&content_type, body)),
        )
        .await
    };
    let uploaded = upload(EXAMPLE).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    // Fees stated in AUD, a request in USD: the report says which rate converted them.
    let in_usd = serde_json::from_str::<Value>(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/scenarios/au/nl-servers-usd-ecb-rate.json"
        ))
        .unwrap(),
    )
    .unwrap()["request"]
        .to_string();
    let converted = upload(&in_usd).await;
    assert_eq!(converted.status, StatusCode::SEE_OTHER, "{}", converted.text);
    let converted = lena.get(converted.headers["location"].to_str().unwrap()).await;
    assert!(
        converted.text.contains("Converted at 1 AUD = ")
            && converted.text.contains("HMRC monthly customs rate of 2026-11-01"),
        "the report names the exchange rate (on 2026-11-21 the ECB's newest is too old)"
    );
    // Brazil without the destination state: ICMS by state makes the landed cost a range, and
    // the report shows both ends and the rate range.
    let no_state = serde_json::from_str::<Value>(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/scenarios/br/laptops-icms-range-no-state.json"
        ))
        .unwrap(),
    )
    .unwrap()["request"]
        .to_string();
    let ranged = upload(&no_state).await;
    assert_eq!(ranged.status, StatusCode::SEE_OTHER, "{}", ranged.text);
    let ranged = lena.get(ranged.headers["location"].to_str().unwrap()).await;
    for expected in
        ["175,065.34 – 188,706.79", "17–23 %", "by state or province", "destination_subdivision"]
    {
        assert!(ranged.text.contains(expected), "the BR report lacks {expected:?}");
    }
    // A second currency for the landed cost, at a named rate.
    let with_usd = EXAMPLE
        .replace("\"currency\": \"EUR\"", "\"currency\": \"EUR\", \"report_currency\": \"USD\"");
    let in_usd = upload(&with_usd).await;
    assert_eq!(in_usd.status, StatusCode::SEE_OTHER, "{}", in_usd.text);
    let in_usd = lena.get(in_usd.headers["location"].to_str().unwrap()).await;
    assert!(
        in_usd.text.contains(r#"id="report-currency""#) && in_usd.text.contains(" USD at 1 EUR = "),
        "the report shows the landed cost in USD"
    );
    // A destination the KB does not cover is not assessable, and the page says so.
    let uncovered =
        upload(&EXAMPLE.replace("\"destination\": \"TR\"", "\"destination\": \"IS\"")).await;
    assert_eq!(uncovered.status, StatusCode::SEE_OTHER, "{}", uncovered.text);
    let uncovered = lena.get(uncovered.headers["location"].to_str().unwrap()).await;
    assert!(uncovered.text.contains("Not assessable"), "the verdict is shown in words");
    let broken = upload("{\"origin\": ").await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.text.contains("`request.json` is not valid JSON"), "{}", broken.text);
    let invalid_json = EXAMPLE.replace("\"destination\": \"TR\"", "\"destination\": \"XX\"");
    let shown = upload(&invalid_json).await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        shown.text.contains(r#"id="f-destination-error""#),
        "the uploaded request is shown in the form"
    );

    // The HS lookup.
    let hs = lena.get("/hs?q=8471.50").await;
    assert!(hs.text.contains("847150"));
    // Words read as a packing-list line: the classifier's suggestion first, with its reasons.
    let hs = lena.get("/hs?q=Rail+kit+for+PowerEdge+R740").await;
    assert!(
        hs.text.contains("The classifier&#x27;s reading")
            || hs.text.contains("The classifier's reading"),
        "{}",
        hs.text
    );
    assert!(hs.text.contains("847330") && hs.text.contains("cue.mounting-parts"), "{}", hs.text);
    let hs = lena.get("/hs.json?q=QSFP28%20DAC%203m").await;
    let hits: Value = serde_json::from_str(&hs.text).unwrap();
    assert_eq!(hits[0]["code"], "851762", "{}", hs.text);
    assert!(hits[0]["why"].as_str().unwrap().contains("'dac'"), "{}", hs.text);
    let hs = lena.get("/hs.json?q=portable%20data").await;
    assert!(
        serde_json::from_str::<Value>(&hs.text).unwrap()[0]["code"]
            .as_str()
            .unwrap()
            .starts_with("8471")
    );

    // A client user is kept to its organisation: no audit log, no keys, nothing of Nordwind.
    let mut otto = Browser { app: &app, jar: Jar::default() };
    assert_eq!(otto.sign_in("otto", password).await.status, StatusCode::SEE_OTHER);
    assert_eq!(otto.get(&report_url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        otto.get(&format!("{report_url}/assessment.json")).await.status,
        StatusCode::NOT_FOUND
    );
    let dashboard = otto.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(!dashboard.text.contains("RF-2026-014") && !dashboard.text.contains("By client"));
    assert!(!otto.get("/assessments").await.text.contains("RF-2026-014"));
    assert_eq!(otto.get("/audit").await.status, StatusCode::FORBIDDEN);
    assert_eq!(otto.get("/admin/keys").await.status, StatusCode::FORBIDDEN);
    assert!(!dashboard.text.contains(r#"href="/admin/keys""#));

    // The provider's admin sees every client, the audit log, and manages keys.
    let mut admin = Browser { app: &app, jar: Jar::default() };
    assert_eq!(admin.sign_in("admin", &first.password).await.status, StatusCode::SEE_OTHER);
    let dashboard = admin.get("/").await;
    assert!(dashboard.text.contains("By client") && dashboard.text.contains("RF-2026-014"));
    assert!(dashboard.text.contains("Requirements with the longest lead times"));
    assert_eq!(admin.get(&report_url).await.status, StatusCode::OK);
    let audit = admin.get(&format!("/audit?org={}&country=TR", nordwind.id)).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.text.contains("assessment.created") && !audit.text.contains("session.started"));
    let audit = admin.get(&format!("/audit?org={}", nordwind.id)).await;
    assert!(audit.text.contains("session.started"));
    let csv = admin.get(&format!("/audit/export?org={}&format=csv", nordwind.id)).await;
    assert!(csv.headers["content-disposition"].to_str().unwrap().contains(".csv"));
    assert!(csv.text.lines().count() > 3);
    let keys = admin.get("/admin/keys").await;
    let token = csrf(&keys.text);
    let made = admin
        .post(
            "/admin/keys",
            &pairs(&[
                ("_csrf", &token),
                ("org", &other.id.to_string()),
                ("role", "client_viewer"),
                ("label", "ERP"),
            ]),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let at = made.text.find("value=\"pck_").unwrap();
    let key: String = made.text[at + 7..].chars().take_while(|c| *c != '"').collect();
    let api =
        call_with(&app, "GET", "/api/v1/me", &[("authorization", &format!("Bearer {key}"))], None)
            .await;
    assert_eq!(api.status, StatusCode::OK, "the key made in the page works");
    let wrong_role = admin
        .post(
            "/admin/keys",
            &pairs(&[("_csrf", &token), ("org", &other.id.to_string()), ("role", "operator")]),
        )
        .await;
    assert_eq!(wrong_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = store.api_keys(preclear_store::Visibility::Own(other.id)).await.unwrap();
    let revoke = admin
        .post(&format!("/admin/keys/{}/revoke", listed[0].id), &pairs(&[("_csrf", &token)]))
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let api =
        call_with(&app, "GET", "/api/v1/me", &[("authorization", &format!("Bearer {key}"))], None)
            .await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(admin.get("/kb").await.text.contains("Coverage on"));
    let market = admin.get("/kb/TR").await;
    assert!(market.text.contains("Türkiye") && market.text.contains("markets/TR.toml:"));
    assert_eq!(admin.get("/kb/XX").await.status, StatusCode::NOT_FOUND);

    // Signing out ends the session everywhere: the old cookie no longer signs in.
    let old = lena.jar.clone();
    let page = lena.get("/").await;
    let out = lena.post("/sign-out", &pairs(&[("_csrf", &csrf(&page.text))])).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(lena.jar.0.iter().all(|(n, _)| n != "preclear_session"));
    let mut replay = Browser { app: &app, jar: old };
    assert_eq!(replay.get("/").await.status, StatusCode::SEE_OTHER);

    // Every sign-in, sign-out and change is in a chain that verifies.
    let report = store.verify_audit(System::Audit).await.unwrap();
    assert!(report.ok(), "{report:?}");
}

#[tokio::test]
async fn web_story_on_sqlite() {
    web_story(sqlite_url("web")).await;
}

#[tokio::test]
async fn web_story_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL web story is skipped");
        return;
    };
    web_story(postgres_url(&base, "web").await).await;
}
