//! The service's story, told against each backend: SQLite always, PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set (each run in a schema of its own). A provider makes two
//! clients and their keys; a client submits the PRODUCT.md example, lists, fetches, replays and
//! re-runs it; the other client cannot see it; bad input, bad keys and bad roles get the right
//! problem; the audit trail verifies, exports, and reports tampering at the right event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_with, config, postgres_url, raw_sql, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_server::{AppState, app};
use preclear_store::System;
use preclear_store::{Role, Store};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<(&str, &str)>,
) -> Reply {
    let auth = key.map(|k| format!("Bearer {k}")).unwrap_or_default();
    call_with(app, method, uri, &[("authorization", &auth)], body).await
}

async fn post_json(app: &Router, uri: &str, key: &str, body: &str) -> Reply {
    call(app, "POST", uri, Some(key), Some(("application/json", body))).await
}

async fn get(app: &Router, uri: &str, key: &str) -> Reply {
    call(app, "GET", uri, Some(key), None).await
}

async fn story(url: String) {
    let config = config(url.clone());
    let opened = preclear_server::open(&config).await.unwrap();
    let first = opened.first_admin.clone().expect("a new database makes the first admin");
    assert_eq!(first.username, "admin");
    assert!(first.password.len() >= 12);
    assert!(preclear_server::open(&config).await.unwrap().first_admin.is_none(), "only once");
    let store: Store = opened.store.clone();
    let provider = store.org_by_name(System::Shell, &first.org).await.unwrap().unwrap();
    let shell = Actor("shell:test".into());
    let (_, admin) =
        ops::create_key(&store, &shell, &provider, Role::Admin, "test", 1).await.unwrap();
    let state = AppState::new(store.clone(), Arc::clone(&opened.kb), &config);
    let app = app(state);

    // Health, readiness, the API description.
    assert_eq!(call(&app, "GET", "/healthz", None, None).await.status, StatusCode::OK);
    assert_eq!(call(&app, "GET", "/readyz", None, None).await.status, StatusCode::OK);
    let doc = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/assessments"]["post"].is_object());
    assert!(doc["components"]["schemas"]["Assessment"].is_object());
    assert_eq!(call(&app, "GET", "/api/v1/docs/", None, None).await.status, StatusCode::OK);

    // The provider's admin makes two clients and their keys.
    let nordwind =
        post_json(&app, "/api/v1/orgs", &admin, r#"{"name":"Nordwind Systems GmbH"}"#).await;
    assert_eq!(nordwind.status, StatusCode::CREATED, "{}", nordwind.text);
    let nordwind_id = nordwind.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        post_json(&app, "/api/v1/orgs", &admin, r#"{"name":"Other Co"}"#).await.status,
        StatusCode::CREATED
    );
    let dup = post_json(&app, "/api/v1/orgs", &admin, r#"{"name":"Other Co"}"#).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let key = |org: &str, role: &str| format!(r#"{{"org":"{org}","role":"{role}"}}"#);
    let made =
        post_json(&app, "/api/v1/keys", &admin, &key("Nordwind Systems GmbH", "client_submitter"))
            .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let submitter = made.json()["key"].as_str().unwrap().to_owned();
    let viewer =
        post_json(&app, "/api/v1/keys", &admin, &key("Nordwind Systems GmbH", "client_viewer"))
            .await
            .json()["key"]
            .as_str()
            .unwrap()
            .to_owned();
    let other = post_json(&app, "/api/v1/keys", &admin, &key("Other Co", "client_submitter"))
        .await
        .json()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let operator =
        post_json(&app, "/api/v1/keys", &admin, &key(&first.org, "operator")).await.json()["key"]
            .as_str()
            .unwrap()
            .to_owned();
    let wrong = post_json(&app, "/api/v1/keys", &admin, &key("Other Co", "operator")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["errors"][0]["field"], "role");

    // A client submits the PRODUCT.md example.
    let created =
        post_json(&app, "/api/v1/assessments?as_of=2026-11-21", &submitter, EXAMPLE).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = created.json();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("/api/v1/assessments/{id}").as_str());
    assert_eq!(body["org_id"], nordwind_id.as_str());
    assert_eq!(body["assessment"]["verdict"], "clearable_with_conditions");
    assert_eq!(body["assessment"]["destination"], "TR");
    assert_eq!(body["kb_version"], opened.kb.version().as_str());

    // It is stored, with its request, and only its organisation (and the provider) sees it.
    let fetched = get(&app, &format!("/api/v1/assessments/{id}"), &viewer).await;
    assert_eq!(fetched.status, StatusCode::OK);
    let fetched = fetched.json();
    assert_eq!(fetched["request"]["reference"], "RF-2026-014");
    assert_eq!(fetched["assessment"], body["assessment"]);
    let hidden = get(&app, &format!("/api/v1/assessments/{id}"), &other).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!hidden.text.contains("RF-2026-014"));
    assert_eq!(
        get(&app, "/api/v1/assessments", &other).await.json()["items"].as_array().unwrap().len(),
        0
    );
    let seen = get(&app, "/api/v1/assessments?org=Nordwind%20Systems%20GmbH", &operator).await;
    assert_eq!(seen.json()["items"][0]["id"], id.as_str());
    assert_eq!(
        get(&app, "/api/v1/assessments?org=Nordwind%20Systems%20GmbH", &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_json(&app, "/api/v1/assessments?org=Nordwind%20Systems%20GmbH", &other, EXAMPLE)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // An operator submits for the client.
    let second = EXAMPLE.replace("RF-2026-014", "RF-2026-099").replace("\"TR\"", "\"BR\"");
    let by_operator =
        post_json(&app, "/api/v1/assessments?org=Nordwind%20Systems%20GmbH", &operator, &second)
            .await;
    assert_eq!(by_operator.status, StatusCode::CREATED, "{}", by_operator.text);
    assert_eq!(by_operator.json()["org_id"], nordwind_id.as_str());

    // Filters and pages.
    let count = |r: Reply| r.json()["items"].as_array().unwrap().len();
    assert_eq!(count(get(&app, "/api/v1/assessments", &viewer).await), 2);
    assert_eq!(count(get(&app, "/api/v1/assessments?destination=TR", &viewer).await), 1);
    assert_eq!(count(get(&app, "/api/v1/assessments?q=rf-2026-099", &viewer).await), 1);
    assert_eq!(count(get(&app, "/api/v1/assessments?verdict=clearable", &viewer).await), 0);
    assert_eq!(
        count(get(&app, "/api/v1/assessments?from=2000-01-01&to=2999-01-01", &viewer).await),
        2
    );
    assert_eq!(count(get(&app, "/api/v1/assessments?to=2000-01-01", &viewer).await), 0);
    let page = get(&app, "/api/v1/assessments?limit=1", &viewer).await.json();
    assert_eq!(page["items"][0]["reference"], "RF-2026-099", "newest first");
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2 =
        get(&app, &format!("/api/v1/assessments?limit=1&cursor={cursor}"), &viewer).await.json();
    assert_eq!(page2["items"][0]["reference"], "RF-2026-014");
    let bad = get(&app, "/api/v1/assessments?verdict=maybe", &viewer).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["errors"][0]["field"], "verdict");
    assert_eq!(
        get(&app, "/api/v1/assessments?colour=red", &viewer).await.status,
        StatusCode::BAD_REQUEST
    );

    // Replay gives the stored result byte for byte; a re-run with the same KB changes nothing.
    let replay = post_json(&app, &format!("/api/v1/assessments/{id}/replay"), &viewer, "").await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text);
    assert_eq!(replay.json()["reproduced"], true);
    let rerun =
        post_json(&app, &format!("/api/v1/assessments/{id}/rerun"), &viewer, "").await.json();
    assert_eq!(rerun["changed"], false);
    assert_eq!(rerun["verdict_now"], "clearable_with_conditions");
    let later =
        post_json(&app, &format!("/api/v1/assessments/{id}/rerun?as_of=2030-01-01"), &viewer, "")
            .await
            .json();
    assert_eq!(later["as_of"], "2030-01-01");
    assert_eq!(later["changed"], true, "the date is part of the result");

    // One shipment compared across destinations: each destination an ordinary stored
    // assessment (listed, fetched, replayed), the rows in the order asked, all in one commit.
    let compared = post_json(
        &app,
        "/api/v1/comparisons?destinations=BR,IN,NZ&as_of=2026-11-21",
        &submitter,
        EXAMPLE,
    )
    .await;
    assert_eq!(compared.status, StatusCode::CREATED, "{}", compared.text);
    let compared_location =
        compared.headers.get("location").map(|l| l.to_str().unwrap().to_owned());
    let compared = compared.json();
    let rows = compared["comparison"]["rows"].as_array().unwrap();
    let destinations: Vec<&str> = rows.iter().map(|r| r["destination"].as_str().unwrap()).collect();
    assert_eq!(destinations, ["BR", "IN", "NZ"]);
    assert_eq!(compared["comparison"]["currency"], "EUR");
    let stored = compared["assessments"].as_array().unwrap();
    assert_eq!(stored.len(), 3);
    for (row, stored) in rows.iter().zip(stored) {
        assert_eq!(row["destination"], stored["destination"]);
        assert_eq!(row["verdict"], stored["verdict"]);
        let id = stored["id"].as_str().unwrap();
        let fetched = get(&app, &format!("/api/v1/assessments/{id}"), &viewer).await.json();
        assert_eq!(fetched["request"]["destination"], row["destination"], "stored as assessed");
        assert_eq!(fetched["request"]["consignee"]["country"], row["destination"], "site moves");
        assert_eq!(fetched["assessment"]["landed_cost"]["total"], row["landed_cost"]);
        let replay =
            post_json(&app, &format!("/api/v1/assessments/{id}/replay"), &viewer, "").await;
        assert_eq!(replay.json()["reproduced"], true);
    }
    assert_eq!(count(get(&app, "/api/v1/assessments", &viewer).await), 5);
    // The stored comparison, at the address the creation named: the same rows, made again from
    // its assessments; as one PDF and one XLSX; another client does not find it.
    let location = compared_location.unwrap();
    let fetched = get(&app, &location, &viewer).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.text);
    assert_eq!(fetched.json()["comparison"], compared["comparison"], "made again, the same");
    assert_eq!(fetched.json()["assessments"], compared["assessments"]);
    let pdf = get(&app, &format!("{location}/comparison.pdf"), &viewer).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let xlsx = get(&app, &format!("{location}/comparison.xlsx"), &viewer).await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.text);
    assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
    let workbook = preclear_import::read_workbook(
        "comparison.xlsx",
        &xlsx.bytes,
        &preclear_import::Limits::default(),
    )
    .unwrap();
    let cells = format!("{:?}", workbook.sheets[0].rows);
    for expected in ["Landed cost (EUR)", "\"BR\"", "\"IN\"", "\"NZ\""] {
        assert!(cells.contains(expected), "the workbook lacks {expected}: {cells}");
    }
    assert_eq!(
        get(&app, &format!("{location}/comparison.doc"), &viewer).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, &location, &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/api/v1/comparisons/not-an-id", &viewer).await.status,
        StatusCode::NOT_FOUND
    );
    for (query, field) in [
        ("destinations=BR,XX", "destinations[1]"),
        ("destinations=BR,BR", "destinations"),
        ("destinations=NL", "destinations"),
    ] {
        let refused =
            post_json(&app, &format!("/api/v1/comparisons?{query}"), &submitter, EXAMPLE).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", refused.text);
        assert_eq!(refused.json()["errors"][0]["field"], field, "{query}");
    }
    assert_eq!(count(get(&app, "/api/v1/assessments", &viewer).await), 5, "nothing half-stored");
    assert_eq!(
        post_json(&app, "/api/v1/comparisons?destinations=BR", &viewer, EXAMPLE).await.status,
        StatusCode::FORBIDDEN
    );

    // Roles.
    let refused = post_json(&app, "/api/v1/assessments", &viewer, EXAMPLE).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.headers["content-type"], "application/problem+json");
    assert_eq!(get(&app, "/api/v1/keys", &submitter).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/api/v1/audit/events", &submitter).await.status, StatusCode::FORBIDDEN);

    // Bad input.
    let invalid = post_json(
        &app,
        "/api/v1/assessments",
        &submitter,
        &EXAMPLE.replace("\"quantity\": 10", "\"quantity\": 0"),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", invalid.text);
    let problem = invalid.json();
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["errors"][0]["field"], "items[0].quantity");
    let malformed = post_json(&app, "/api/v1/assessments", &submitter, "{\"reference\": ").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let text =
        call(&app, "POST", "/api/v1/assessments", Some(&submitter), Some(("text/plain", EXAMPLE)))
            .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"reference\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let too_large = post_json(&app, "/api/v1/assessments", &submitter, &huge).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.json()["status"], 413);

    // Authentication.
    let none = call(&app, "GET", "/api/v1/assessments", None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.headers.contains_key("www-authenticate"));
    let forged = format!("{}_{}", &submitter[..16], "0".repeat(48));
    assert_eq!(get(&app, "/api/v1/assessments", &forged).await.status, StatusCode::UNAUTHORIZED);
    let keys = get(&app, "/api/v1/keys", &admin).await.json();
    let viewer_key = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| viewer.starts_with(k["prefix"].as_str().unwrap()))
        .unwrap();
    assert!(viewer_key.get("key").is_none(), "secrets are never listed");
    let revoke = post_json(
        &app,
        &format!("/api/v1/keys/{}/revoke", viewer_key["id"].as_str().unwrap()),
        &admin,
        "",
    )
    .await;
    assert_eq!(revoke.status, StatusCode::OK, "{}", revoke.text);
    assert_eq!(get(&app, "/api/v1/assessments", &viewer).await.status, StatusCode::UNAUTHORIZED);

    // The KB is browsable.
    let kb = get(&app, "/api/v1/kb", &submitter).await.json();
    assert!(kb["markets"].as_array().unwrap().iter().any(|m| m["country"] == "TR"));
    let facts = get(&app, "/api/v1/kb/facts?scope=DE&section=levy", &submitter).await.json();
    assert!(
        facts.as_array().unwrap().iter().any(|f| f["scope"] == "EU"),
        "a member shows its union's facts"
    );
    assert!(facts[0]["sources"][0]["title"].is_string());
    assert_eq!(
        get(&app, "/api/v1/kb/facts?scope=ZZ", &submitter).await.status,
        StatusCode::NOT_FOUND
    );

    // The audit trail: exported by country, as CSV, and intact.
    let events =
        get(&app, "/api/v1/audit/events?org=Nordwind%20Systems%20GmbH&country=TR", &admin).await;
    assert_eq!(events.status, StatusCode::OK);
    let lines: Vec<Value> = events.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["action"], "assessment.created");
    assert_eq!(lines[0]["object_id"], id.as_str());
    let csv = get(
        &app,
        "/api/v1/audit/events?org=Nordwind%20Systems%20GmbH&format=csv&category=server",
        &operator,
    )
    .await;
    assert!(csv.text.starts_with("org_id,seq,"));
    assert_eq!(csv.text.lines().count(), 6, "header, the two assessments and the three compared");
    assert!(store.verify_audit(System::Audit).await.unwrap().ok());

    // Metrics: for the provider's operators (the default `metrics = "authenticated"`).
    assert_eq!(call(&app, "GET", "/metrics", None, None).await.status, 401);
    let metrics = get(&app, "/metrics", &operator).await.text;
    let stored: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("preclear_assessments_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(stored, 5, "two assessments and three compared: {metrics}");
    assert!(metrics.contains("route=\"/api/v1/assessments\",status=\"201\""));

    // Tampering is found, at the event tampered with.
    raw_sql(&url, "UPDATE assessments SET result = replace(result, 'clearable_with_conditions', 'clearable') WHERE reference = 'RF-2026-014'").await;
    let report = store.verify_audit(System::Audit).await.unwrap();
    let chain = report.chains.iter().find(|c| c.org_name == "Nordwind Systems GmbH").unwrap();
    let broken = chain.broken.as_ref().expect("the altered result is found");
    assert!(broken.reason.contains("result was altered"), "{}", broken.reason);
    assert!(report.chains.iter().filter(|c| c.broken.is_some()).count() == 1);

    // An internal fault is an opaque 500 with a correlation id.
    store.close().await;
    let fault = get(&app, "/api/v1/me", &submitter).await;
    assert_eq!(fault.status, StatusCode::INTERNAL_SERVER_ERROR);
    let problem = fault.json();
    assert!(problem["correlation_id"].is_string());
    assert!(!fault.text.to_lowercase().contains("pool"), "no cause leaks: {}", fault.text);
    assert_eq!(
        call(&app, "GET", "/readyz", None, None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn story_on_sqlite() {
    story(sqlite_url("story")).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("skipped: set PRECLEAR_TEST_DATABASE_URL to run the story on PostgreSQL");
        return;
    };
    story(postgres_url(&base, "story").await).await;
}

/// An edited event breaks the chain at that event, and the report names it.
#[tokio::test]
async fn an_edited_event_breaks_the_chain_there() {
    let url = sqlite_url("tamper");
    let opened = preclear_server::open(&config(url.clone())).await.unwrap();
    let store = opened.store;
    let provider = store.all_orgs(System::Shell).await.unwrap().remove(0);
    let shell = Actor("shell:test".into());
    for i in 0..3 {
        ops::create_key(&store, &shell, &provider, Role::Operator, &format!("k{i}"), 10 + i)
            .await
            .unwrap();
    }
    assert!(store.verify_audit(System::Audit).await.unwrap().ok());
    // Events: org.created (1), user.created (2), kb.deployed_on_start (3), three keys (4, 5, 6).
    raw_sql(&url, "DROP TRIGGER audit_events_no_update").await;
    raw_sql(&url, "UPDATE audit_events SET actor = 'shell:mallory' WHERE seq = 4").await;
    let report = store.verify_audit(System::Audit).await.unwrap();
    let broken = report.chains[0].broken.clone().unwrap();
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("does not match its hash"), "{}", broken.reason);
    raw_sql(&url, "DROP TRIGGER audit_events_no_delete").await;
    raw_sql(&url, "UPDATE audit_events SET actor = 'shell:test' WHERE seq = 4").await;
    raw_sql(&url, "DELETE FROM audit_events WHERE seq = 6").await;
    let broken = store.verify_audit(System::Audit).await.unwrap().chains[0].broken.clone().unwrap();
    assert_eq!(broken.seq, 6, "a removed last event shows at the head: {broken:?}");
}

/// The database refuses to edit or delete events, whatever the application does.
#[tokio::test]
async fn the_database_refuses_to_edit_events() {
    let url = sqlite_url("refuse");
    let opened = preclear_server::open(&config(url.clone())).await.unwrap();
    opened.store.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let update =
        sqlx::query("UPDATE audit_events SET actor = 'x'").execute(&pool).await.unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = sqlx::query("DELETE FROM audit_events").execute(&pool).await.unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
}
