//! API keys that do not work all answer alike: an unknown prefix, a revoked key (with its right
//! secret) and a wrong secret get the same status and text, after about the same work (each
//! runs one argon2 verification), so that no answer tells which prefixes exist. And `/metrics`
//! is served as the `metrics` setting says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{call_bytes, sqlite_url};
use preclear_server::config::{Config, FileConfig, Overrides};
use preclear_server::ops::{self, Actor};
use preclear_store::Role;

#[tokio::test]
async fn unknown_revoked_and_wrong_keys_answer_alike() {
    let setup = common::TwoClients::open(sqlite_url("keys")).await;
    let shell = Actor("shell:test".into());
    let (_, good) =
        ops::create_key(&setup.store, &shell, &setup.nordwind, Role::ClientViewer, "good", 2)
            .await
            .unwrap();
    let (revoked, revoked_full) =
        ops::create_key(&setup.store, &shell, &setup.nordwind, Role::ClientViewer, "old", 2)
            .await
            .unwrap();
    ops::revoke_key(&setup.store, &shell, &revoked, 3).await.unwrap();
    let app = setup.app();
    let ask = |key: String| {
        let app = app.clone();
        async move {
            let started = Instant::now();
            let reply = call_bytes(
                &app,
                "GET",
                "/api/v1/me",
                &[("authorization", &format!("Bearer {key}"))],
                None,
            )
            .await;
            (
                reply.status,
                reply.json()["detail"].as_str().unwrap_or_default().to_owned(),
                started.elapsed(),
            )
        }
    };
    assert_eq!(ask(good.clone()).await.0, StatusCode::OK);
    let wrong_secret = format!("{}_{}", &good[..16], "0".repeat(48));
    let unknown_prefix = format!("pck_{}_{}", "f".repeat(12), &good[17..]);
    let mut answers = Vec::new();
    for key in [unknown_prefix, revoked_full, wrong_secret] {
        // The fastest of five, so that a busy machine does not decide.
        let mut fastest = Duration::MAX;
        let mut answer = None;
        for _ in 0..5 {
            let (status, detail, took) = ask(key.clone()).await;
            fastest = fastest.min(took);
            answer = Some((status, detail));
        }
        answers.push((answer.unwrap(), fastest));
    }
    let (first, _) = &answers[0];
    assert_eq!(first.0, StatusCode::UNAUTHORIZED);
    assert_eq!(first.1, "the API key is not valid");
    for (answer, _) in &answers {
        assert_eq!(answer, first, "the same status and text for every kind of bad key");
    }
    let times: Vec<Duration> = answers.iter().map(|(_, t)| *t).collect();
    let (slowest, quickest) = (times.iter().max().unwrap(), times.iter().min().unwrap());
    assert!(
        // An answer without an argon2 verification comes back in microseconds, one with it in
        // tens of milliseconds: a factor of 5 tells them apart, and tolerates a loaded machine.
        *quickest * 5 >= *slowest,
        "each costs one argon2 verification, none answers at once: {times:?}"
    );
}

#[tokio::test]
async fn metrics_are_served_as_configured() {
    let setup = common::TwoClients::open(sqlite_url("metrics")).await;
    let shell = Actor("shell:test".into());
    let (_, operator) =
        ops::create_key(&setup.store, &shell, &setup.provider, Role::Operator, "ops", 2)
            .await
            .unwrap();
    let (_, client) =
        ops::create_key(&setup.store, &shell, &setup.nordwind, Role::Admin, "client", 2)
            .await
            .unwrap();
    let app_with = |metrics: &str| {
        let file = FileConfig {
            metrics: Some(metrics.into()),
            database_url: Some(setup.config.database_url.clone()),
            ..FileConfig::default()
        };
        let config = Config::resolve(file, Overrides::default()).unwrap();
        preclear_server::app(preclear_server::AppState::new(
            setup.store.clone(),
            setup.kb.clone(),
            &config,
        ))
    };
    let get = |app: axum::Router, key: Option<String>| async move {
        let auth = key.map(|k| format!("Bearer {k}")).unwrap_or_default();
        call_bytes(&app, "GET", "/metrics", &[("authorization", &auth)], None).await.status
    };
    let app = app_with("authenticated");
    assert_eq!(get(app.clone(), None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(app.clone(), Some(client.clone())).await,
        StatusCode::FORBIDDEN,
        "a client's admin"
    );
    assert_eq!(get(app, Some(operator.clone())).await, StatusCode::OK);
    assert_eq!(get(app_with("public"), None).await, StatusCode::OK);
    assert_eq!(get(app_with("off"), Some(operator)).await, StatusCode::NOT_FOUND);
}
