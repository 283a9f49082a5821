//! One search across what a caller may see (issue 19, item 15), on SQLite always and on
//! PostgreSQL when `PRECLEAR_TEST_DATABASE_URL` is set: a serial number inside a stored request,
//! a program by its reference, a KB rule id, case-insensitive; another client's shipments stay
//! invisible; a text too short is refused naming `q`; the web page shows the same.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

/// `POST /api/v1/classifications` (issue 21) and `POST /api/v1/routes` (issue 22), in this
/// binary to spare CI a link.
#[path = "lookups/classification.rs"]
mod classification;
#[path = "support/common.rs"]
mod common;
#[path = "lookups/routes.rs"]
mod routes;
#[path = "support/session.rs"]
mod session;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_bytes, postgres_url, sqlite_url};
use preclear_store::Role;
use serde_json::{Value, json};
use session::{Browser, Jar};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

async fn send(app: &Router, auth: &str, method: &str, uri: &str, body: Option<Value>) -> Reply {
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    call_bytes(app, method, uri, &[("authorization", auth)], body).await
}

async fn story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let lena = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let otto = setup.bearer(&setup.other, Role::ClientSubmitter).await;
    let operator = setup.bearer(&setup.provider, Role::Operator).await;
    let app = setup.app();
    for (auth, serial, reference) in
        [(&lena, "SN-ABC-123", "RF-SEARCH-1"), (&otto, "SN-OTHER-9", "RF-OTHER")]
    {
        let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
        request["reference"] = json!(reference);
        request["items"][0]["serials"] = json!([serial]);
        let reply =
            send(&app, auth, "POST", "/api/v1/assessments?as_of=2026-11-21", Some(request)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let program = send(&app, &lena, "POST", "/api/v1/programs", Some(json!({
        "reference": "REFRESH-SEARCH", "name": "Search refresh",
        "destinations": [{ "country": "TR", "window_start": "2027-01-10", "window_end": "2027-03-01" }] })))
    .await;
    assert_eq!(program.status, StatusCode::CREATED, "{}", program.text);

    // A serial number inside the stored request, case-insensitive; the client's own only.
    let found = send(&app, &lena, "GET", "/api/v1/search?q=sn-abc", None).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    let found = found.json();
    assert_eq!(found["assessments"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["assessments"][0]["reference"], "RF-SEARCH-1");
    let theirs = send(&app, &lena, "GET", "/api/v1/search?q=SN-OTHER", None).await.json();
    assert!(theirs["assessments"].as_array().unwrap().is_empty(), "another client's: {theirs}");
    let provider = send(&app, &operator, "GET", "/api/v1/search?q=SN-OTHER", None).await.json();
    assert_eq!(
        provider["assessments"][0]["reference"], "RF-OTHER",
        "the provider sees its clients'"
    );
    let none = send(&app, &otto, "GET", "/api/v1/search?q=refresh-search", None).await.json();
    assert!(none["programs"].as_array().unwrap().is_empty(), "{none}");

    // A program by its reference; a KB rule by its id; an organisation by name.
    let programs = send(&app, &lena, "GET", "/api/v1/search?q=refresh-search", None).await.json();
    assert_eq!(programs["programs"][0]["reference"], "REFRESH-SEARCH", "{programs}");
    let rules = send(&app, &lena, "GET", "/api/v1/search?q=tr.tareks-company", None).await.json();
    let facts = rules["facts"].as_array().unwrap();
    assert!(
        facts.iter().any(|f| f["label"] == "tr.tareks-company" && f["scope"] == "TR"),
        "{rules}"
    );
    let orgs = send(&app, &operator, "GET", "/api/v1/search?q=nordwind", None).await.json();
    assert_eq!(orgs["organisations"][0]["name"], "Nordwind Systems GmbH");

    // Too short: refused naming the parameter.
    let short = send(&app, &lena, "GET", "/api/v1/search?q=a", None).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.text);
    assert_eq!(short.json()["errors"][0]["field"], "q");

    // The web page: the search box in every page leads to the same results.
    let mut web = Browser { app: &app, jar: Jar::default() };
    assert_eq!(web.sign_in("lena", common::PASSWORD).await.status, StatusCode::SEE_OTHER);
    let home = web.get("/").await;
    assert!(home.text.contains(r#"action="/search""#));
    let page = web.get("/search?q=SN-ABC-123").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(r#"id="search-assessments""#) && page.text.contains("RF-SEARCH-1"));
    assert!(!page.text.contains("RF-OTHER"));
    let nothing = web.get("/search?q=zz-nothing-zz").await;
    assert!(nothing.text.contains(r#"id="search-nothing""#));
    let short = web.get("/search?q=a").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("give at least 2 characters"));
}

#[tokio::test]
async fn search_on_sqlite() {
    story(sqlite_url("search")).await;
}

#[tokio::test]
async fn search_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL search is skipped");
        return;
    };
    story(postgres_url(&base, "search").await).await;
}
