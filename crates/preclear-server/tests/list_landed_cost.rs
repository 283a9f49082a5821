//! The assessment list's landed cost (issue 18): one figure when it is complete, a range when a
//! rate depends on a state the request did not give (Brazil's ICMS), a lower bound when a charge
//! is unknown (Serbia's duty) — never just `null`; on SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use std::str::FromStr as _;

use axum::http::StatusCode;
use common::{call_bytes, call_json, postgres_url, sqlite_url};
use preclear_store::Role;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

async fn story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let auth = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let app = setup.app();
    let mut stored = Vec::new();
    for destination in ["TR", "BR", "RS"] {
        let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
        request["destination"] = json!(destination);
        request["reference"] = json!(format!("LC-{destination}"));
        request["consignee"]["country"] = json!(destination);
        request["end_user"]["country"] = json!(destination);
        let reply =
            call_json(&app, "POST", "/api/v1/assessments?as_of=2026-11-21", &auth, &request).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        stored.push((destination, reply.json()["assessment"]["landed_cost"].clone()));
    }
    let list =
        call_bytes(&app, "GET", "/api/v1/assessments", &[("authorization", &auth)], None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    let listed = |reference: &str| -> Value {
        items
            .iter()
            .find(|i| i["reference"] == reference)
            .unwrap_or_else(|| panic!("{reference}"))
            .clone()
    };
    for (destination, cost) in &stored {
        let item = listed(&format!("LC-{destination}"));
        let landed = &item["landed_cost"];
        // The list says what the assessment says.
        assert_eq!(landed["low"], cost["total"], "{destination}: {item}");
        assert_eq!(landed["high"], cost["total_high"], "{destination}: {item}");
        assert_eq!(landed["complete"], cost["complete"], "{destination}: {item}");
        match *destination {
            "TR" => {
                assert_eq!(landed["complete"], true, "{item}");
                assert!(landed["high"].is_null(), "{item}");
                assert_eq!(item["total_landed_cost"], landed["low"], "one figure: {item}");
            }
            "BR" => {
                let (low, high) = (
                    Decimal::from_str(landed["low"].as_str().unwrap()).unwrap(),
                    Decimal::from_str(landed["high"].as_str().unwrap()).unwrap(),
                );
                assert!(low < high, "a range by state: {item}");
                assert!(item["total_landed_cost"].is_null(), "a range is not one figure: {item}");
            }
            _ => {
                assert_eq!(landed["complete"], false, "Serbia's duty is unknown: {item}");
                assert!(item["total_landed_cost"].is_null(), "{item}");
                assert!(
                    Decimal::from_str(landed["low"].as_str().unwrap()).unwrap() > Decimal::ZERO
                );
            }
        }
    }
    let report = setup.store.verify_audit(preclear_store::System::Audit).await.unwrap();
    assert!(report.ok(), "{report:?}");
}

#[tokio::test]
async fn list_landed_cost_on_sqlite() {
    story(sqlite_url("list-landed-cost")).await;
}

#[tokio::test]
async fn list_landed_cost_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL list story is skipped");
        return;
    };
    story(postgres_url(&base, "list_landed_cost").await).await;
}
