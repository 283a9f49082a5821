//! The provider's price lists, end to end over HTTP, on SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set: published by the provider's admin through the API and
//! on the web page, refused with every problem named, applied to the assessments of each client
//! (its own prices, else the default), recorded in each assessment and used again by its replay
//! after newer editions, withdrawn, and audited on the provider's chain.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use std::str::FromStr as _;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_bytes, postgres_url, sqlite_url};
use preclear_store::{Role, System};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use session::{Browser, Jar, csrf, pairs};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");
const PRICE_LIST: &str = include_str!("../../../examples/price-list.toml");

async fn send(app: &Router, auth: &str, method: &str, uri: &str, body: Option<Value>) -> Reply {
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    call_bytes(app, method, uri, &[("authorization", auth)], body).await
}

async fn assess(app: &Router, auth: &str) -> Value {
    let reply = send(
        app,
        auth,
        "POST",
        "/api/v1/assessments?as_of=2026-11-21",
        Some(serde_json::from_str(EXAMPLE).unwrap()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    // The assessment, with the id it is stored under.
    let stored = reply.json();
    let mut assessment = stored["assessment"].clone();
    assessment["id"] = stored["id"].clone();
    assessment
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(value.as_str().unwrap()).unwrap()
}

/// The IOR fee of an assessment, and the fee its customs value gives at `percent` between
/// `minimum` and `maximum` (EUR, the request's currency: no conversion; the figures below are
/// exact in cents, so no rounding is involved).
fn fee_and_expected(
    assessment: &Value,
    percent: &str,
    minimum: &str,
    maximum: &str,
) -> (Decimal, Decimal) {
    let charges = &assessment["service_charges"]["charges"];
    let fee = charges
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Importer-of-record fee")
        .unwrap_or_else(|| panic!("no IOR fee in {charges}"));
    let customs_value = decimal(&assessment["landed_cost"]["customs_value"]);
    let raw = customs_value * Decimal::from_str(percent).unwrap() / Decimal::ONE_HUNDRED;
    let expected =
        raw.max(Decimal::from_str(minimum).unwrap()).min(Decimal::from_str(maximum).unwrap());
    (decimal(&fee["amount"]), expected)
}

async fn story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let store = setup.store.clone();
    let app = setup.app();
    let admin = setup.bearer(&setup.provider, Role::Admin).await;
    let operator = setup.bearer(&setup.provider, Role::Operator).await;
    let lena = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let otto = setup.bearer(&setup.other, Role::ClientSubmitter).await;

    // Before any price list: no service charges.
    let unpriced = assess(&app, &lena).await;
    assert_eq!(unpriced["verdict"], "clearable_with_conditions");
    assert!(unpriced["service_charges"].is_null(), "{}", unpriced["service_charges"]);

    // A text with problems is refused, each problem named by its key, under the field `text`.
    let bad = PRICE_LIST
        .replace("percent = \"2\"", "percent = \"two\"")
        .replace("[markets.BR]", "[markets.XX]");
    let refused =
        send(&app, &admin, "PUT", "/api/v1/price-lists/default", Some(json!({ "text": bad })))
            .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let problem = refused.json();
    let messages: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|e| assert_eq!(e["field"], "text", "{e}"))
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("markets.TR.ior_fee.percent: `two`")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.starts_with("markets.XX")), "{messages:?}");
    // Only admins publish; operators read.
    let forbidden = send(
        &app,
        &operator,
        "PUT",
        "/api/v1/price-lists/default",
        Some(json!({ "text": PRICE_LIST })),
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{}", forbidden.text);

    // The default published: 201; the same text again changes nothing (200, same version).
    let published = send(
        &app,
        &admin,
        "PUT",
        "/api/v1/price-lists/default",
        Some(json!({ "text": PRICE_LIST })),
    )
    .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
    let default_version = published.json()["version"].as_str().unwrap().to_owned();
    assert!(default_version.starts_with("sha256:"));
    let again = send(
        &app,
        &admin,
        "PUT",
        "/api/v1/price-lists/default",
        Some(json!({ "text": PRICE_LIST })),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json()["version"], default_version.as_str());

    // Every client is priced with it: the example goes to TR, whose own section is 2% of the
    // customs value, minimum 400, maximum 6,000 EUR.
    let first = assess(&app, &lena).await;
    assert_eq!(first["service_charges"]["price_list_version"], default_version.as_str());
    assert_eq!(first["service_charges"]["section"], "market");
    let (fee, expected) = fee_and_expected(&first, "2", "400", "6000");
    assert_eq!(fee, expected);
    // Hand-checked: 10 servers at 9,800 EUR, freight 1,850 and insurance 95 (CIF): 99,945 EUR;
    // 2% is 1,998.90 EUR, between the minimum and the maximum.
    assert_eq!(first["landed_cost"]["customs_value"], "99945.00");
    assert_eq!(fee, Decimal::new(199_890, 2));

    // Nordwind's own prices: its next assessment uses them; Other Co keeps the default.
    let own = PRICE_LIST
        .replace("label = \"2026-12 standard\"", "label = \"Nordwind 2026\"")
        .replace(
            "ior_fee = { percent = \"2\", base = \"customs_value\", minimum = \"400\", maximum = \"6000\" }",
            "ior_fee = { percent = \"1\", base = \"customs_value\", minimum = \"100\", maximum = \"900\" }",
        );
    assert_ne!(own, PRICE_LIST);
    let scope = format!("/api/v1/price-lists/{}", setup.nordwind.name.replace(' ', "%20"));
    let published = send(&app, &admin, "PUT", &scope, Some(json!({ "text": own }))).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
    let own_version = published.json()["version"].as_str().unwrap().to_owned();
    assert_eq!(published.json()["scope"], setup.nordwind.name.as_str());
    let second = assess(&app, &lena).await;
    assert_eq!(second["service_charges"]["price_list_version"], own_version.as_str());
    let (fee, expected) = fee_and_expected(&second, "1", "100", "900");
    assert_eq!((fee, expected), (Decimal::new(900, 0), Decimal::new(900, 0)), "capped at 900");
    let others = assess(&app, &otto).await;
    assert_eq!(others["service_charges"]["price_list_version"], default_version.as_str());

    // The first assessment replays with the version it recorded, not Nordwind's newer prices;
    // a re-run prices it with the list in force now.
    let id = first["id"].as_str().unwrap();
    let replay = send(&app, &lena, "POST", &format!("/api/v1/assessments/{id}/replay"), None).await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text);
    assert_eq!(replay.json()["reproduced"], true, "{}", replay.text);
    let rerun = send(&app, &lena, "POST", &format!("/api/v1/assessments/{id}/rerun"), None).await;
    assert_eq!(rerun.status, StatusCode::OK, "{}", rerun.text);
    assert_eq!(
        rerun.json()["assessment"]["service_charges"]["price_list_version"],
        own_version.as_str()
    );

    // The list of scopes (default first) and one scope's history with its text.
    let list = send(&app, &operator, "GET", "/api/v1/price-lists", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let scopes: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(scopes, vec!["default".to_owned(), setup.nordwind.name.clone()]);
    let history = send(&app, &operator, "GET", &scope, None).await.json();
    assert_eq!(history["current"]["text"], own.as_str());
    assert_eq!(history["editions"].as_array().unwrap().len(), 1);
    // A client's staff do not read price lists; a client that is not one's own is not found.
    let client_read = send(&app, &lena, "GET", "/api/v1/price-lists", None).await;
    assert_eq!(client_read.status, StatusCode::FORBIDDEN, "{}", client_read.text);
    let nobody = send(&app, &operator, "GET", "/api/v1/price-lists/No%20Such%20Client", None).await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{}", nobody.text);

    // Withdrawn: Nordwind falls back to the default; withdrawing again finds nothing in force.
    let withdrawn = send(&app, &admin, "DELETE", &scope, None).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
    assert_eq!(withdrawn.json()["withdrawn"], true);
    let third = assess(&app, &lena).await;
    assert_eq!(third["service_charges"]["price_list_version"], default_version.as_str());
    let twice = send(&app, &admin, "DELETE", &scope, None).await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.text);
    let history = send(&app, &operator, "GET", &scope, None).await.json();
    assert!(history["current"].is_null(), "{history}");
    assert_eq!(history["editions"].as_array().unwrap().len(), 2);

    // The web page: the admin sees the prices in force and publishes a new edition; a text
    // with a problem is shown again with the problem, in the page's words.
    let mut web = Browser { app: &app, jar: Jar::default() };
    let signed = web.sign_in(&setup.first.username, &setup.first.password).await;
    assert!(signed.status.is_redirection(), "{}", signed.status);
    let page = web.get("/price-lists").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("href=\"/price-lists/default\""), "{}", page.text);
    let page = web.get("/price-lists/default").await;
    assert!(page.text.contains("2026-12 standard"), "{}", page.text);
    assert!(
        page.text.contains("2% of customs value, minimum 400 EUR, maximum 6000 EUR"),
        "{}",
        page.text
    );
    let token = csrf(&page.text);
    let broken = PRICE_LIST.replace("currency = \"EUR\"", "currency = \"EURO\"");
    let refused =
        web.post("/price-lists/default", &pairs(&[("_csrf", &token), ("text", &broken)])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("id=\"price-list-errors\""), "{}", refused.text);
    assert!(refused.text.contains("price_list.currency"), "{}", refused.text);
    assert!(
        refused.text.contains("currency = &#34;EURO&#34;")
            || refused.text.contains("currency = &quot;EURO&quot;"),
        "the text is kept"
    );
    let newer = PRICE_LIST.replace("2026-12 standard", "2027-01 standard");
    let done =
        web.post("/price-lists/default", &pairs(&[("_csrf", &token), ("text", &newer)])).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("id=\"price-list-notice\""), "{}", done.text);
    assert!(done.text.contains("2027-01 standard"));
    let fourth = assess(&app, &otto).await;
    assert_ne!(fourth["service_charges"]["price_list_version"], default_version.as_str());
    assert_eq!(fourth["service_charges"]["price_list"], "2027-01 standard");

    // Every edition is on the provider's audit chain, and the chains verify.
    let events = store
        .audit_events(System::Audit, setup.provider.id, &Default::default(), 0, 10_000)
        .await
        .unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e.event.action.as_str())
        .filter(|a| a.starts_with("price_list."))
        .collect();
    assert_eq!(
        actions,
        [
            "price_list.published",
            "price_list.published",
            "price_list.withdrawn",
            "price_list.published"
        ]
    );
    let report = store.verify_audit(System::Audit).await.unwrap();
    assert!(report.ok(), "{report:?}");
}

#[tokio::test]
async fn price_lists_on_sqlite() {
    story(sqlite_url("price-lists")).await;
}

#[tokio::test]
async fn price_lists_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!(
            "PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL price-list story is skipped"
        );
        return;
    };
    story(postgres_url(&base, "price_lists").await).await;
}
