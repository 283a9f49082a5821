//! Operators decide screening hits (issue 20): a possible hit waits in the queue; a false
//! positive decided once (through the API or the page) stops alerting for that party and entry
//! in every later assessment, which records the decision and replays byte for byte; another
//! party is screened afresh; a true match blocks; only the provider's operators see and decide;
//! every decision is audited. On SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::Router;
use axum::http::StatusCode;
use common::{call_bytes, call_json, postgres_url, sqlite_url};
use preclear_store::Role;
use serde_json::{Value, json};
use session::{Browser, Jar, csrf, pairs};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

/// The example with a consignee that resembles OFAC SDN 306, BANCO NACIONAL DE CUBA (written in
/// Cyrillic with a typo), in `country`.
fn request(reference: &str, country: &str) -> Value {
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!(reference);
    request["consignee"]["name"] = json!("Банко Насиональ де Куба");
    request["consignee"]["country"] = json!(country);
    request
}

async fn assess(app: &Router, auth: &str, request: &Value) -> Value {
    let reply = call_json(app, "POST", "/api/v1/assessments?as_of=2026-11-21", auth, request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()
}

fn codes(stored: &Value) -> Vec<String> {
    common::finding_codes(stored, "screening.", &["screening.stale_lists"])
}

async fn get(app: &Router, auth: &str, uri: &str) -> common::Reply {
    call_bytes(app, "GET", uri, &[("authorization", auth)], None).await
}

async fn story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let client = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let operator = setup.bearer(&setup.provider, Role::Operator).await;
    let app = setup.app();

    // In Türkiye, where the entry is not listed, the name is a possible hit.
    let first = assess(&app, &client, &request("RF-TR-1", "TR")).await;
    assert_eq!(codes(&first), ["screening.possible"]);
    let first_id = first["id"].as_str().unwrap().to_owned();

    // The operators' queue has it; a client may not see the queue.
    let queue = get(&app, &operator, "/api/v1/screening/queue").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
    let open = queue.json();
    let hit = open
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["entry_id"] == "306")
        .unwrap_or_else(|| panic!("{open:#}"))
        .clone();
    assert_eq!(hit["role"], "consignee");
    assert_eq!(hit["assessment_id"], first_id.as_str());
    assert_eq!(hit["band"], "possible");
    assert_eq!(get(&app, &client, "/api/v1/screening/queue").await.status, StatusCode::FORBIDDEN);
    let decision = |verdict: &str, reason: &str, entry: &str, id: &str| {
        json!({ "assessment_id": id, "role": "consignee", "list": hit["list"], "entry_id": entry,
                "verdict": verdict, "reason": reason })
    };

    // Bad decisions are refused with the field named.
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &operator,
        &decision("false_positive", "  ", "306", &first_id),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert!(reply.text.contains("reason"), "{}", reply.text);
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &operator,
        &decision("maybe", "x", "306", &first_id),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("false_positive or true_match"), "{}", reply.text);
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &operator,
        &decision("false_positive", "x", "99999", &first_id),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("entry_id") && reply.text.contains("`306`"), "{}", reply.text);
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &client,
        &decision("false_positive", "x", "306", &first_id),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        get(&app, &operator, "/api/v1/screening/decisions")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing refused was stored"
    );

    // Decided a false positive.
    let reason = "Turkish trading company, tax id 1234567890; not the Cuban state bank";
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &operator,
        &decision("false_positive", reason, "306", &first_id),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let decided = reply.json();
    assert_eq!(decided["verdict"], "false_positive");
    assert_eq!(decided["party_key"], "banko nasional de kuba|TR");

    // The queue no longer has it, and the next assessment of the party does not alert.
    let open = get(&app, &operator, "/api/v1/screening/queue").await.json();
    assert!(open.as_array().unwrap().iter().all(|h| h["entry_id"] != "306"), "{open:#}");
    let second = assess(&app, &client, &request("RF-TR-2", "TR")).await;
    assert_eq!(codes(&second), ["screening.cleared"]);
    let recorded = &second["assessment"]["screening"]["parties"][1]["hits"][0];
    assert_eq!(recorded["decision"]["verdict"], "false_positive");
    assert_eq!(recorded["decision"]["reason"], reason);
    let conditions = |stored: &Value| {
        stored["assessment"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "condition")
            .count()
    };
    assert_eq!(conditions(&second), conditions(&first) - 1, "the screening condition is gone");

    // Both replay byte for byte: the first without the decision, the second with it.
    assert!(common::reproduced(&app, &client, &first_id).await);
    assert!(common::reproduced(&app, &client, second["id"].as_str().unwrap()).await);

    // The same name in Switzerland is another party: a match, a blocker.
    let swiss = assess(&app, &client, &request("RF-CH", "CH")).await;
    assert_eq!(codes(&swiss), ["screening.match"]);
    assert_eq!(swiss["assessment"]["verdict"], "not_clearable");

    // A true match decided on a possible hit blocks the party's shipments.
    let mut cypriot = request("RF-CY-1", "CY");
    cypriot["consignee"]["name"] = json!("Банко Насиональ де Куба");
    let cy = assess(&app, &client, &cypriot).await;
    assert_eq!(codes(&cy), ["screening.possible"]);
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/screening/decisions",
        &operator,
        &decision("true_match", "the bank's Nicosia office", "306", cy["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    cypriot["reference"] = json!("RF-CY-2");
    let blocked = assess(&app, &client, &cypriot).await;
    assert_eq!(codes(&blocked), ["screening.match"]);
    assert_eq!(blocked["assessment"]["verdict"], "not_clearable");

    // Every decision is in the audit trail.
    let events = get(&app, &operator, "/api/v1/audit/events").await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.text);
    assert_eq!(events.text.matches("screening.decided").count(), 2, "{}", events.text);
    let listed = get(&app, &operator, "/api/v1/screening/decisions").await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["verdict"], "true_match", "newest first");

    // On the page: an operator sees a new possible hit and decides it with the form.
    let greek = assess(&app, &client, &request("RF-GR", "GR")).await;
    assert_eq!(codes(&greek), ["screening.possible"]);
    let mut web = Browser { app: &app, jar: Jar::default() };
    web.sign_in(&setup.first.username, &setup.first.password).await;
    // The bundled snapshots are stale: the dashboard says so to the staff.
    let dashboard = web.get("/").await;
    assert!(
        dashboard.text.contains("id=\"stale-lists\"")
            && dashboard.text.contains("un-xml of 2026-02-27"),
        "{}",
        dashboard.text
    );
    let page = web.get("/screening").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("RF-GR") && page.text.contains("id=\"open-hits\""), "{}", page.text);
    let token = csrf(&page.text);
    let greek_id = greek["id"].as_str().unwrap();
    let form = |reason: &str| {
        pairs(&[
            ("_csrf", &token),
            ("assessment_id", greek_id),
            ("role", "consignee"),
            ("list", hit["list"].as_str().unwrap()),
            ("entry_id", "306"),
            ("verdict", "false_positive"),
            ("reason", reason),
        ])
    };
    let refused = web.post("/screening/decisions", &form("")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Reason: say why"), "the page's own label: {}", refused.text);
    let done = web.post("/screening/decisions", &form("Athens importer, VAT EL123456789")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(
        done.text.contains("screening-notice") && !done.text.contains("RF-GR</a>"),
        "{}",
        done.text
    );
    let again = assess(&app, &client, &request("RF-GR-2", "GR")).await;
    assert_eq!(codes(&again), ["screening.cleared"]);

    // A one-off check, for anyone: through the API (a client's key) and on the page.
    let checked = get(
        &app,
        &client,
        "/api/v1/screening/check?name=Banco+Nacinal+de+Cuba&country=Switzerland",
    )
    .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    let checked = checked.json();
    assert_eq!(checked["country"], "CH");
    assert_eq!(checked["hits"][0]["entry_id"], "306");
    assert_eq!(checked["hits"][0]["band"], "match");
    assert!(checked["version"].as_str().unwrap().starts_with("lists-sha256:"));
    let bad = get(&app, &client, "/api/v1/screening/check?name=Acme&country=Atlantis").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("country") && bad.text.contains("Atlantis"), "{}", bad.text);
    let page = web.get("/screening?name=Banco+Nacinal+de+Cuba&country=CH").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("id=\"check-result\"") && page.text.contains("BANCO NACIONAL DE CUBA"),
        "{}",
        page.text
    );
    let page = web.get("/screening?name=&country=").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains("Name: give the party"), "the page's label: {}", page.text);
}

/// A consignment's assessment screens the importer-of-record entity assigned to its position,
/// and its replay screens it again.
async fn the_ior_entity(url: String) {
    let setup = common::TwoClients::open(url).await;
    let client = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let operator = setup.bearer(&setup.provider, Role::Operator).await;
    let app = setup.app();
    let created = |reply: common::Reply| {
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()
    };
    let entity = created(
        call_json(&app, "POST", "/api/v1/ior-entities", &operator,
            &json!({ "name": "Banco Nacional de Cuba Ithalat", "country": "TR", "relationship": "own",
                     "registry_number": "MERSIS 0123" })).await,
    );
    let program = created(
        call_json(
            &app,
            "POST",
            "/api/v1/programs",
            &client,
            &json!({ "reference": "P-IOR", "name": "Refresh", "destinations": [
                { "country": "TR", "window_start": "2027-01-10", "window_end": "2027-03-01" }] }),
        )
        .await,
    );
    let program = program["id"].as_str().unwrap();
    let assigned = call_json(
        &app,
        "POST",
        &format!("/api/v1/programs/{program}/positions/TR/entity"),
        &operator,
        &json!({ "entity_id": entity["id"] }),
    )
    .await;
    assert!(assigned.status.is_success(), "{}", assigned.text);
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!("C-IOR");
    let consignment = created(
        call_json(
            &app,
            "POST",
            &format!("/api/v1/programs/{program}/consignments"),
            &client,
            &json!({ "request": request, "as_of": "2026-11-21" }),
        )
        .await,
    );
    let assessment_id =
        consignment["assessment"]["id"].as_str().unwrap_or_else(|| panic!("{consignment:#}"));
    let stored = get(&app, &client, &format!("/api/v1/assessments/{assessment_id}")).await.json();
    let parties = &stored["assessment"]["screening"]["parties"];
    let ior = parties
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "ior_entity")
        .unwrap_or_else(|| panic!("{parties:#}"));
    assert_eq!(ior["name"], "Banco Nacional de Cuba Ithalat");
    assert_eq!(ior["key"], "banco nacional de cuba ithalat|TR");
    assert_eq!(ior["hits"][0]["entry_id"], "306");
    let message = stored["assessment"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["code"].as_str().unwrap().starts_with("screening.")
                && f["message"].as_str().unwrap().contains("importer-of-record entity")
        })
        .unwrap_or_else(|| panic!("{:#}", stored["assessment"]["findings"]));
    assert!(message["message"].as_str().unwrap().contains("`306`"));
    assert!(
        common::reproduced(&app, &client, assessment_id).await,
        "the entity is screened again on replay"
    );
}

#[tokio::test]
async fn the_ior_entity_on_sqlite() {
    the_ior_entity(sqlite_url("screening-ior")).await;
}

#[tokio::test]
async fn decisions_on_sqlite() {
    story(sqlite_url("screening-decisions")).await;
}

#[tokio::test]
async fn decisions_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!(
            "PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL screening story is skipped"
        );
        return;
    };
    story(postgres_url(&base, "screening_decisions").await).await;
}
