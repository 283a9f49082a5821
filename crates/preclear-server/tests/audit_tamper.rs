//! What `audit verify` finds when someone with the database alone changes what decisions depend
//! on: a user's or a key's role, a key's revocation undone, an assessment's list columns, a
//! program or a consignment record, a row added without an event, and the tail of a chain cut
//! off with its head rewritten to match (found against an anchor kept outside the database).
//! Each change is undone after it is found, and the trail verifies again. On SQLite always and
//! on PostgreSQL when `PRECLEAR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_bytes, postgres_url, raw_sql, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_store::audit::Anchor;
use preclear_store::{Role, Store, System};
use serde_json::{Value, json};

const PRICE_LIST: &str = include_str!("../../../examples/price-list.toml");
const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

async fn post(app: &Router, auth: &str, uri: &str, body: &Value) -> Reply {
    let reply = call_bytes(
        app,
        "POST",
        uri,
        &[("authorization", auth)],
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await;
    assert!(reply.status.is_success(), "{uri}: {} {}", reply.status, reply.text);
    reply
}

/// The reason `verify` gives for the Nordwind chain, or `None` when every chain verifies.
async fn broken(store: &Store, anchors: &[Anchor]) -> Option<String> {
    let report = store.verify_audit_against(System::Audit, anchors).await.unwrap();
    let reasons: Vec<String> = report
        .chains
        .iter()
        .filter_map(|c| c.broken.as_ref().map(|b| format!("{}: {}", c.org_name, b.reason)))
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

async fn expect_broken(store: &Store, what: &str, needle: &str) {
    let reason = broken(store, &[]).await.unwrap_or_else(|| panic!("{what} was not found"));
    assert!(reason.contains(needle), "{what}: {reason}");
}

async fn tampering(url: String) {
    let setup = common::TwoClients::open(url.clone()).await;
    let store = setup.store.clone();
    let shell = Actor("shell:test".into());
    let app = setup.app();
    let (key, full) =
        ops::create_key(&store, &shell, &setup.nordwind, Role::ClientSubmitter, "k", 2)
            .await
            .unwrap();
    let auth = format!("Bearer {full}");
    let (revoked, _) =
        ops::create_key(&store, &shell, &setup.nordwind, Role::ClientViewer, "old", 2)
            .await
            .unwrap();
    ops::revoke_key(&store, &shell, &revoked, 3).await.unwrap();
    let created = post(
        &app,
        &auth,
        "/api/v1/assessments?as_of=2026-11-21",
        &serde_json::from_str(EXAMPLE).unwrap(),
    )
    .await;
    let assessment = created.json()["id"].as_str().unwrap().to_owned();
    let program = post(&app, &auth, "/api/v1/programs", &json!({ "reference": "P-1", "name": "Refresh",
        "destinations": [{ "country": "TR", "window_start": "2027-01-10", "window_end": "2027-03-01" }] }))
    .await
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!("C-1");
    let consignment = post(
        &app,
        &auth,
        &format!("/api/v1/programs/{program}/consignments"),
        &json!({ "request": request, "as_of": "2026-11-21" }),
    )
    .await
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(broken(&store, &[]).await, None, "an untouched trail verifies");
    let pg = !url.starts_with("sqlite:");
    let id =
        |uuid: &str| if pg { format!("'{uuid}'") } else { format!("X'{}'", uuid.replace('-', "")) };

    // A role raised behind the service's back, then put back.
    let user_sql = |role: &str| format!("UPDATE users SET role = '{role}' WHERE username = 'lena'");
    raw_sql(&url, &user_sql("admin")).await;
    expect_broken(&store, "a user's role", "was changed outside preclear").await;
    raw_sql(&url, &user_sql("client_submitter")).await;
    assert_eq!(broken(&store, &[]).await, None);

    let key_sql = |role: &str| {
        format!("UPDATE api_keys SET role = '{role}' WHERE id = {}", id(&key.id.to_string()))
    };
    raw_sql(&url, &key_sql("admin")).await;
    expect_broken(&store, "a key's role", &format!("api_key/{}", key.id)).await;
    raw_sql(&url, &key_sql("client_submitter")).await;

    let revoked_at = |value: &str| {
        format!(
            "UPDATE api_keys SET revoked_at = {value} WHERE id = {}",
            id(&revoked.id.to_string())
        )
    };
    raw_sql(&url, &revoked_at("NULL")).await;
    expect_broken(&store, "a revocation undone", &format!("api_key/{}", revoked.id)).await;
    raw_sql(&url, &revoked_at("3")).await;

    // An assessment's list columns (the request and result are untouched).
    let verdict =
        |v: &str| format!("UPDATE assessments SET verdict = '{v}' WHERE id = {}", id(&assessment));
    let stored_verdict: String =
        serde_json::from_str::<Value>(&created.text).unwrap()["assessment"]["verdict"]
            .as_str()
            .unwrap()
            .to_owned();
    raw_sql(&url, &verdict("clearable_forged")).await;
    expect_broken(&store, "an assessment's verdict column", &format!("assessment/{assessment}"))
        .await;
    raw_sql(&url, &verdict(&stored_verdict)).await;

    // Program and consignment records.
    let state = |s: &str| {
        format!("UPDATE program_records SET state = '{s}' WHERE id = {}", id(&consignment))
    };
    raw_sql(&url, &state("delivered")).await;
    expect_broken(&store, "a consignment's state", &format!("consignment/{consignment}")).await;
    raw_sql(&url, &state("draft")).await;
    let body = |from: &str, to: &str| {
        format!(
            "UPDATE program_records SET body = replace(body, '{from}', '{to}') WHERE id = {}",
            id(&program)
        )
    };
    raw_sql(&url, &body("Refresh", "Refresh!")).await;
    expect_broken(&store, "a program's body", &format!("program/{program}")).await;
    raw_sql(&url, &body("Refresh!", "Refresh")).await;
    assert_eq!(broken(&store, &[]).await, None, "every change undone");

    // A price list's text changed after it was published (cheaper prices in force unseen).
    let (_, admin) =
        ops::create_key(&store, &shell, &setup.provider, Role::Admin, "prices", 2).await.unwrap();
    let published = call_bytes(
        &app,
        "PUT",
        "/api/v1/price-lists/default",
        &[("authorization", &format!("Bearer {admin}"))],
        Some(("application/json", json!({ "text": PRICE_LIST }).to_string().into_bytes())),
    )
    .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
    let edition = published.json()["id"].as_str().unwrap().to_owned();
    let prices = |from: &str, to: &str| {
        format!(
            "UPDATE price_lists SET body = replace(body, '{from}', '{to}') WHERE id = {}",
            id(&edition)
        )
    };
    raw_sql(&url, &prices("percent = \"2\"", "percent = \"0.5\"")).await;
    expect_broken(&store, "a price list's text", &format!("price_list/{edition}")).await;
    raw_sql(&url, &prices("percent = \"0.5\"", "percent = \"2\"")).await;
    assert_eq!(broken(&store, &[]).await, None, "every change undone");

    // A user added without an event.
    let (org, hash) = (setup.nordwind.id.to_string(), "x");
    let new_user = uuid::Uuid::now_v7().to_string();
    raw_sql(&url, &format!(
        "INSERT INTO users (id, org_id, username, password_hash, role, created_at) VALUES ({}, {}, 'mallory', '{hash}', 'admin', 1)",
        id(&new_user), id(&org)
    ))
    .await;
    expect_broken(&store, "a user added without an event", "is stored, but no event records it")
        .await;
    raw_sql(&url, &format!("DELETE FROM users WHERE id = {}", id(&new_user))).await;
    assert_eq!(broken(&store, &[]).await, None);

    // The tail cut off, the head rewritten to match: only an anchor taken before finds it.
    let anchors = store.audit_heads(System::Audit).await.unwrap();
    let nordwind = anchors.iter().find(|a| a.org_id == setup.nordwind.id).unwrap().clone();
    assert!(nordwind.seq > 3, "{nordwind:?}");
    let previous = store
        .audit_events(System::Audit, setup.nordwind.id, &Default::default(), nordwind.seq - 2, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(previous.seq, nordwind.seq - 1);
    if pg {
        raw_sql(&url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only").await;
    } else {
        raw_sql(&url, "DROP TRIGGER audit_events_no_delete").await;
    }
    raw_sql(&url, &format!(
        "DELETE FROM audit_events WHERE org_id = {} AND seq = {}; UPDATE audit_heads SET seq = {}, hash = '{}' WHERE org_id = {}",
        id(&org), nordwind.seq, previous.seq, previous.hash, id(&org)
    ))
    .await;
    // The last Nordwind event recorded the consignment's state: without it the consignment is
    // stored in a state no remaining event records, unless that event was the one cut. Verify
    // against the anchor in any case.
    let reason = broken(&store, &anchors).await.expect("the cut is found against the anchor");
    assert!(
        reason.contains(&format!("events {} to {} were removed", nordwind.seq, nordwind.seq)),
        "{reason}"
    );
    assert_eq!(
        call_bytes(&app, "GET", "/api/v1/me", &[("authorization", &auth)], None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tampering_is_found_on_sqlite() {
    tampering(sqlite_url("tamper")).await;
}

#[tokio::test]
async fn tampering_is_found_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else { return };
    tampering(postgres_url(&base, "tamper").await).await;
}
