//! Hostile input answered alike on both backends: a NUL or another control character in a field
//! (PostgreSQL cannot store a NUL: this was a 500 there), text over its limit, a JSON key given
//! twice, `"-0"` as money, and a sign-in redirect to another site. On SQLite always and on
//! PostgreSQL when `PRECLEAR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use axum::http::StatusCode;
use common::{Reply, call_bytes, postgres_url, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_store::Role;
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");

async fn hostile_input(url: String) {
    let setup = common::TwoClients::open(url).await;
    let (_, key) = ops::create_key(
        &setup.store,
        &Actor("shell:test".into()),
        &setup.provider,
        Role::Admin,
        "admin",
        2,
    )
    .await
    .unwrap();
    let auth = format!("Bearer {key}");
    let app = setup.app();
    let send = |method: &'static str, uri: String, body: String| {
        let (app, auth) = (app.clone(), auth.clone());
        async move {
            call_bytes(
                &app,
                method,
                &uri,
                &[("authorization", &auth)],
                Some(("application/json", body.into_bytes())),
            )
            .await
        }
    };
    let assess = |body: String| send("POST", "/api/v1/assessments?as_of=2026-11-21".into(), body);
    let field_errors = |reply: &Reply| -> Vec<String> {
        reply.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!("{}: {}", e["field"].as_str().unwrap(), e["message"].as_str().unwrap())
            })
            .collect()
    };

    // A NUL in the reference, an escape sequence in a description, a name over the limit.
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!("RF\u{0}1");
    request["items"][0]["description"] = json!("Server\u{1b}[2J");
    request["client"]["name"] = json!("x".repeat(501));
    let reply = assess(request.to_string()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    let errors = field_errors(&reply);
    assert!(
        errors.contains(&"reference: contains the control character U+0000; remove it".into()),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("items[0].description: contains the control")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"client.name: is 501 characters long; the limit is 500".into()),
        "{errors:?}"
    );

    // The same key twice: refused, naming it.
    let text = EXAMPLE.replacen("\"currency\"", "\"currency\": \"EUR\", \"currency\"", 1);
    let reply = assess(text).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert!(reply.text.contains("the key `currency` appears twice"), "{}", reply.text);

    // "-0" freight is zero.
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["freight"] = json!("-0.00");
    let reply = assess(request.to_string()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(!reply.text.contains("\"-0"), "no negative zero in the assessment");

    // A NUL in an organisation's name and in a query parameter.
    let reply =
        send("POST", "/api/v1/orgs".into(), json!({ "name": "Evil\u{0}Corp" }).to_string()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert!(reply.text.contains("\"field\":\"name\""), "{}", reply.text);
    let reply =
        call_bytes(&app, "GET", "/api/v1/assessments?q=a%00b", &[("authorization", &auth)], None)
            .await;
    assert!(reply.status.is_client_error(), "{} {}", reply.status, reply.text);
    assert!(reply.text.contains("\"field\":\"q\""), "{}", reply.text);

    // Sign-in redirects stay on this site, whatever `next` holds: a control character in a
    // page's address is refused outright, anything else not a path of this site becomes `/`.
    for next in ["/%09/evil.example", "/a%0d%0aSet-Cookie:%20x=1", "/list?q=%00"] {
        let page = call_bytes(&app, "GET", &format!("/sign-in?next={next}"), &[], None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{next}");
        assert!(page.text.contains("control character"), "{next}: {}", page.text);
    }
    for next in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let page = call_bytes(&app, "GET", &format!("/sign-in?next={next}"), &[], None).await;
        assert_eq!(page.status, StatusCode::OK, "{next}");
        assert!(page.text.contains("name=\"next\" value=\"/\""), "{next}: the form carries `/`");
    }
    let page = call_bytes(&app, "GET", "/assessments?q=a%00b", &[], None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "pages refuse it too, before signing in");
}

#[tokio::test]
async fn hostile_input_on_sqlite() {
    hostile_input(sqlite_url("input")).await;
}

#[tokio::test]
async fn hostile_input_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else { return };
    hostile_input(postgres_url(&base, "input").await).await;
}
