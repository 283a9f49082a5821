//! A fresh install run through pages alone (issue 19, item 6): the first admin creates a client
//! organisation and its user (the password preclear makes shown once), resets the password (the
//! user's session ends), deactivates and reactivates the user, and creates a program for the
//! client — on SQLite always and on PostgreSQL when `PRECLEAR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::http::StatusCode;
use common::{postgres_url, sqlite_url};
use preclear_store::System;
use session::{Browser, Jar, csrf, pairs};

/// The text of `<input id="{id}" … value="…">` on a page.
fn shown_value(html: &str, id: &str) -> String {
    let at = html.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[at..];
    let value = rest.find("value=\"").unwrap() + 7;
    rest[value..].chars().take_while(|c| *c != '"').collect()
}

async fn fresh_install(url: String) {
    let config = common::config(url);
    let opened = preclear_server::open(&config).await.unwrap();
    let first = opened.first_admin.clone().unwrap();
    let store = opened.store.clone();
    let app = preclear_server::app(preclear_server::AppState::new(
        store.clone(),
        opened.kb.clone(),
        &config,
    ));
    let mut admin = Browser { app: &app, jar: Jar::default() };
    assert_eq!(admin.sign_in(&first.username, &first.password).await.status, StatusCode::SEE_OTHER);

    // No client yet: the program form says so and where to make one.
    let programs = admin.get("/programs").await;
    assert!(programs.text.contains(r#"id="p-no-client""#), "{}", programs.text);
    assert!(programs.text.contains(r#"<a href="/admin/organisations">"#));

    // A client organisation: an empty name is refused in the page's words, then made.
    let page = admin.get("/admin/organisations").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let token = csrf(&page.text);
    let refused =
        admin.post("/admin/organisations", &pairs(&[("_csrf", &token), ("name", " ")])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains(r#"id="org-error""#) && refused.text.contains("Name: "));
    let made = admin
        .post(
            "/admin/organisations",
            &pairs(&[("_csrf", &token), ("name", "Nordwind Systems GmbH")]),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert!(made.text.contains("Client organisation Nordwind Systems GmbH created"));
    let nordwind =
        store.org_by_name(System::Lookup, "Nordwind Systems GmbH").await.unwrap().unwrap();

    // Its user, with a password preclear makes and shows once; a role that does not fit the
    // organisation is refused.
    let users = admin.get("/admin/users").await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.text);
    let org = nordwind.id.to_string();
    let wrong = admin
        .post(
            "/admin/users",
            &pairs(&[("_csrf", &token), ("org", &org), ("username", "lena"), ("role", "operator")]),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.text);
    assert!(wrong.text.contains(r#"id="user-error""#));
    let created = admin
        .post(
            "/admin/users",
            &pairs(&[
                ("_csrf", &token),
                ("org", &org),
                ("username", "lena"),
                ("role", "client_submitter"),
                ("password", ""),
            ]),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let password = shown_value(&created.text, "password-text");
    assert_eq!(password.len(), 24, "{password}");
    let mut lena = Browser { app: &app, jar: Jar::default() };
    assert_eq!(lena.sign_in("lena", &password).await.status, StatusCode::SEE_OTHER);
    assert_eq!(lena.get("/").await.status, StatusCode::OK);
    // A client's user does not reach the administration pages.
    assert_eq!(lena.get("/admin/users").await.status, StatusCode::FORBIDDEN);

    // A new password: shown once, the old one and lena's session no longer work.
    let user = store.user_by_name(System::Lookup, "lena").await.unwrap().unwrap();
    let reset = admin
        .post(&format!("/admin/users/{}/password", user.id), &pairs(&[("_csrf", &token)]))
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let renewed = shown_value(&reset.text, "password-text");
    assert_ne!(renewed, password);
    assert_eq!(lena.get("/").await.status, StatusCode::SEE_OTHER, "the session ended");
    let mut again = Browser { app: &app, jar: Jar::default() };
    assert_ne!(again.sign_in("lena", &password).await.status, StatusCode::SEE_OTHER);
    assert_eq!(again.sign_in("lena", &renewed).await.status, StatusCode::SEE_OTHER);

    // Deactivated: the session ends and signing in fails; reactivated: it works again. The
    // admin cannot deactivate itself.
    let off = admin
        .post(&format!("/admin/users/{}/deactivate", user.id), &pairs(&[("_csrf", &token)]))
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert!(off.text.contains("lena is deactivated"));
    assert_eq!(again.get("/").await.status, StatusCode::SEE_OTHER);
    let mut third = Browser { app: &app, jar: Jar::default() };
    assert_ne!(third.sign_in("lena", &renewed).await.status, StatusCode::SEE_OTHER);
    let on = admin
        .post(&format!("/admin/users/{}/reactivate", user.id), &pairs(&[("_csrf", &token)]))
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.text);
    assert_eq!(third.sign_in("lena", &renewed).await.status, StatusCode::SEE_OTHER);
    let me = store.user_by_name(System::Lookup, &first.username).await.unwrap().unwrap();
    let myself = admin
        .post(&format!("/admin/users/{}/deactivate", me.id), &pairs(&[("_csrf", &token)]))
        .await;
    assert_eq!(myself.status, StatusCode::CONFLICT, "{}", myself.text);

    // The program, for the client chosen on the form.
    let form = admin.get("/programs").await;
    assert!(form.text.contains("Nordwind Systems GmbH</option>"), "{}", form.text);
    let program = admin
        .post(
            "/programs",
            &pairs(&[
                ("_csrf", &token),
                ("reference", "REFRESH-2027"),
                ("name", "Server refresh"),
                ("client", &org),
                ("destinations", "TR, 2027-01-01, 2027-03-31"),
            ]),
        )
        .await;
    assert_eq!(program.status, StatusCode::SEE_OTHER, "{}", program.text);
    let list = admin.get("/programs").await;
    assert!(list.text.contains("REFRESH-2027") && list.text.contains("Nordwind Systems GmbH"));

    // Every change is audited, and the chains verify.
    let report = store.verify_audit(System::Audit).await.unwrap();
    assert!(report.ok(), "{report:?}");
    let events =
        store.audit_events(System::Audit, nordwind.id, &Default::default(), 0, 1000).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.event.action.as_str()).collect();
    for action in ["user.created", "user.password_reset", "user.deactivated", "user.reactivated"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn fresh_install_through_pages_on_sqlite() {
    fresh_install(sqlite_url("web-people")).await;
}

#[tokio::test]
async fn fresh_install_through_pages_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL story is skipped");
        return;
    };
    fresh_install(postgres_url(&base, "web_people").await).await;
}
