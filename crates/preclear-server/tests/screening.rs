//! Every assessment the service makes screens its parties (issue 20): a consignee that is a
//! listed bank written in Cyrillic with a typo blocks the shipment, the finding naming the list
//! entry and each token pair; an ordinary shipment has no hit; the replay reproduces the
//! screened assessment. On SQLite (the screening is the same on every store).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use axum::http::StatusCode;
use common::{call_bytes, call_json, sqlite_url};
use preclear_store::Role;
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

#[tokio::test]
async fn a_listed_consignee_blocks_the_shipment() {
    let setup = common::TwoClients::open(sqlite_url("screening")).await;
    let auth = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let app = setup.app();
    let assess = |request: Value| {
        let app = app.clone();
        let auth = auth.clone();
        async move {
            let reply =
                call_json(&app, "POST", "/api/v1/assessments?as_of=2026-11-21", &auth, &request)
                    .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            reply.json()
        }
    };

    // The example: every party screened, none resembles a listed one.
    let clear = assess(serde_json::from_str(EXAMPLE).unwrap()).await;
    let screening = &clear["assessment"]["screening"];
    let roles: Vec<&str> = screening["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["client", "consignee", "end_user"]);
    assert!(
        screening["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["hits"].as_array().unwrap().is_empty())
    );
    assert!(screening["lists"].as_str().unwrap().contains("bundled snapshots"));
    assert_ne!(clear["assessment"]["verdict"], "not_clearable");

    // The consignee is OFAC SDN 306, BANCO NACIONAL DE CUBA, written in Cyrillic with a typo,
    // at one of its listed addresses' countries (Switzerland).
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!("RF-LISTED");
    request["consignee"]["name"] = json!("Банко Насиональ де Куба");
    request["consignee"]["country"] = json!("CH");
    let blocked = assess(request.clone()).await;
    let assessment = &blocked["assessment"];
    assert_eq!(assessment["verdict"], "not_clearable", "{}", assessment["summary"]);
    let finding = assessment["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "screening.match")
        .unwrap_or_else(|| panic!("{:#}", assessment["findings"]));
    assert_eq!(finding["severity"], "blocker");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("`306`") && message.contains("BANCO NACIONAL DE CUBA"), "{message}");
    assert!(message.contains("banko ~ banco"), "each token pair is named: {message}");
    let hit = &assessment["screening"]["parties"][1]["hits"][0];
    assert_eq!(hit["entry_id"], "306");
    assert_eq!(hit["band"], "match");

    // In a country the entry is not listed in, the same name is a possible match: a condition
    // for an operator's decision, not a blocker.
    request["reference"] = json!("RF-LISTED-TR");
    request["consignee"]["country"] = json!("TR");
    let possible = assess(request).await;
    let codes: Vec<&str> = possible["assessment"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"screening.possible") && !codes.contains(&"screening.match"),
        "{codes:?}"
    );
    assert_ne!(possible["assessment"]["verdict"], "not_clearable");

    // The replay screens again and reproduces the stored result byte for byte.
    let id = blocked["id"].as_str().unwrap();
    let replay = call_bytes(
        &app,
        "POST",
        &format!("/api/v1/assessments/{id}/replay"),
        &[("authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(replay.json()["reproduced"], true, "{}", replay.text);
}
