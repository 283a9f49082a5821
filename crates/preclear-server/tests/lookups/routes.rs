//! `POST /api/v1/routes` (issue 22): a sea route with Suez and Bab-el-Mandeb closed goes round
//! the Cape with its days, passages and emissions; bad requests are refused by field. A module
//! of the `search` test binary: one binary, one link, for the lookups.

use super::common::{self, call_json, sqlite_url};
use axum::http::StatusCode;
use preclear_store::Role;
use serde_json::json;

#[tokio::test]
async fn a_closure_reroutes_round_the_cape_and_bad_requests_are_named_by_field() {
    let setup = common::TwoClients::open(sqlite_url("routes")).await;
    let viewer = setup.bearer(&setup.nordwind, Role::ClientViewer).await;
    let app = setup.app();

    let open = json!({ "from": "NLRTM", "to": "SGSIN", "mode": "sea", "weight_kg": "12000" });
    let reply = call_json(&app, "POST", "/api/v1/routes", &viewer, &open).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let open = reply.json();
    let ids = |route: &serde_json::Value| -> Vec<String> {
        route["passages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&open).contains(&"suez".to_owned()), "{:?}", ids(&open));
    assert!(open["network_version"].as_str().unwrap().starts_with("network-sha256:"));
    assert_eq!(open["legs"][0]["from"]["code"], "NLRTM");
    assert!(open["assumptions"].as_array().unwrap().iter().any(|a| a["name"] == "sea_speed_knots"));

    let closed = json!({ "from": "NLRTM", "to": "SGSIN", "mode": "sea",
        "closed": ["suez", "babalmandab"], "weight_kg": "12000" });
    let reply = call_json(&app, "POST", "/api/v1/routes", &viewer, &closed).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let closed = reply.json();
    assert!(ids(&closed).contains(&"south_africa".to_owned()), "{:?}", ids(&closed));
    let days = |r: &serde_json::Value| {
        r["transit_days"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap()
    };
    assert!(
        days(&closed) > days(&open) + rust_decimal::Decimal::from(8),
        "{} vs {}",
        days(&closed),
        days(&open)
    );
    let kg = |r: &serde_json::Value| {
        r["co2e_kg"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap()
    };
    assert!(kg(&closed) > kg(&open));

    for (body, field) in [
        (json!({ "from": "XXXXX", "to": "SGSIN", "mode": "sea" }), "from"),
        (
            json!({ "from": "NLRTM", "to": "SGSIN", "mode": "sea", "closed": ["suez", "atlantis"] }),
            "closed[1]",
        ),
        (json!({ "from": "NLRTM", "to": "SIN", "mode": "air" }), "from"),
        (json!({ "from": "NLRTM", "to": "SGSIN", "mode": "sea", "weight_kg": "0" }), "weight_kg"),
    ] {
        let reply = call_json(&app, "POST", "/api/v1/routes", &viewer, &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
        assert!(reply.text.contains(&format!("\"{field}\"")), "{field}: {}", reply.text);
    }
    // An unknown mode is refused by the body's reader, naming the field too.
    let reply = call_json(
        &app,
        "POST",
        "/api/v1/routes",
        &viewer,
        &json!({ "from": "NLRTM", "to": "SGSIN", "mode": "teleport" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert!(reply.text.contains("\"field\":\"mode\""), "{}", reply.text);
}
