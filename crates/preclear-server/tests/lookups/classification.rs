//! `POST /api/v1/classifications` and the HS lookup page (issue 21): a batch of packing-list
//! lines gets each line's candidates with their reasons; a bad batch is refused with every
//! problem named by its field. (The HS lookup page's suggestions: tests/web.rs.) A module of
//! the `search` test binary: one binary, one link, for the lookups.

use super::common::{self, call_json, sqlite_url};
use axum::http::StatusCode;
use preclear_store::Role;
use serde_json::json;

#[tokio::test]
async fn a_batch_is_classified_with_reasons_and_a_bad_one_refused_by_field() {
    let setup = common::TwoClients::open(sqlite_url("classification")).await;
    let viewer = setup.bearer(&setup.nordwind, Role::ClientViewer).await;
    let app = setup.app();

    let lines = json!({ "lines": [
        { "description": "SFP-10G-SR transceiver" },
        { "description": "Rail kit for PowerEdge R740", "category": "server" },
        { "description": "zzzz" }
    ]});
    let reply = call_json(&app, "POST", "/api/v1/classifications", &viewer, &lines).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert!(body["kb_version"].as_str().unwrap().starts_with("sha256:"));
    let first = &body["lines"][0];
    assert_eq!(first["confident"], "851762");
    assert_eq!(first["candidates"][0]["reasons"][0]["rule"], "cue.transceiver");
    assert!(!first["candidates"][0]["notes"].as_array().unwrap().is_empty(), "the legal notes");
    assert_eq!(body["lines"][1]["candidates"][0]["hs"], "847330", "a part, not its host");
    assert!(body["lines"][2]["confident"].is_null(), "nothing sure about nonsense");

    let bad = json!({ "lines": [
        { "description": "server" },
        { "description": "  " },
        { "description": "switch", "category": "toaster" }
    ]});
    let reply = call_json(&app, "POST", "/api/v1/classifications", &viewer, &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert!(reply.text.contains("lines[1].description"), "{}", reply.text);
    assert!(reply.text.contains("lines[2].category"), "{}", reply.text);
    let none =
        call_json(&app, "POST", "/api/v1/classifications", &viewer, &json!({ "lines": [] })).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", none.text);
    assert!(none.text.contains("give 1 to 1000 lines"), "{}", none.text);
}
