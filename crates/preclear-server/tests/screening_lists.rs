//! The restricted-party lists as a deployed dataset (issue 20): a new UN list, deployed while
//! two instances serve, is screened with by both after their next look at the deployment log;
//! an assessment records the version it was screened with, and every assessment replays byte
//! for byte with its own version, including one made with the bundled snapshots before the
//! deployment and one replayed by an instance that never screened with that version. On SQLite
//! and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{call_bytes, call_json, postgres_url, sqlite_url};
use preclear_screening::formats::ListFormat;
use preclear_screening::{ListSet, SetList};
use preclear_server::ops::Actor;
use preclear_store::Role;
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");
const UN: &str = include_str!("../../preclear-screening/data/un-consolidated-2026-02-27.xml");

/// The bundled UN list with one entity added, written for this test (a fictional name).
fn amended_un() -> Vec<u8> {
    let entity = r#"<ENTITY>
      <DATAID>99000001</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>ZEDLAND ARMS EXPORT CORPORATION</FIRST_NAME>
      <UN_LIST_TYPE>TEST</UN_LIST_TYPE>
      <REFERENCE_NUMBER>ZZe.001</REFERENCE_NUMBER>
      <LISTED_ON>2026-12-05</LISTED_ON>
      <ENTITY_ADDRESS><COUNTRY>Netherlands</COUNTRY></ENTITY_ADDRESS>
    </ENTITY>
    <ENTITY>"#;
    UN.replacen("<ENTITY>", entity, 1).into_bytes()
}

async fn assess(app: &Router, auth: &str, reference: &str) -> Value {
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!(reference);
    request["consignee"]["name"] = json!("Zedland Arms Export Corp.");
    request["consignee"]["country"] = json!("NL");
    let reply =
        call_json(app, "POST", "/api/v1/assessments?as_of=2026-12-07", auth, &request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()
}

/// The message of the warning that names the lists older than their limit, or empty.
fn stale(stored: &Value) -> String {
    stored["assessment"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "screening.stale_lists")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn codes(stored: &Value) -> Vec<String> {
    common::finding_codes(stored, "screening.", &["screening.stale_lists"])
}

async fn story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let client = setup.bearer(&setup.nordwind, Role::ClientSubmitter).await;
    let instance =
        |()| preclear_server::AppState::new(setup.store.clone(), setup.kb.clone(), &setup.config);
    let (one, two) = (instance(()), instance(()));
    let (app_one, app_two) = (preclear_server::app(one.clone()), preclear_server::app(two.clone()));

    // Before any deployment: the bundled snapshots, which do not list the party.
    let before = assess(&app_one, &client, "RF-BEFORE").await;
    assert!(codes(&before).is_empty(), "{:?}", codes(&before));
    let bundled = ListSet::bundled();
    assert_eq!(before["assessment"]["screening"]["version"], bundled.version().as_str());
    assert!(
        before["assessment"]["screening"]["lists"]
            .as_str()
            .unwrap()
            .starts_with("bundled snapshots")
    );
    // The snapshots are older than the freshness limit (7 days): every assessment says so.
    assert!(
        stale(&before).contains("un-xml of 2026-02-27 (283 days, limit 7)"),
        "{}",
        stale(&before)
    );
    let before_2 = assess(&app_two, &client, "RF-BEFORE-2").await;

    // A new UN list deployed (as `preclear lists update` does).
    let un = SetList::new(
        ListFormat::UnXml,
        "2026-12-06",
        vec![("consolidated.xml".into(), amended_un())],
    )
    .unwrap();
    let set = bundled.with(un.clone());
    // The same update `preclear lists update` and the admin API make: deployed, then the
    // parties already screened re-screened against the one entry added. Only the consignee
    // resembles it (once, though two assessments name it: the newest is cited).
    let rescreened = preclear_service::screening::update(
        &setup.store,
        &Actor("shell:test".into()),
        &setup.provider,
        un,
        false,
        1,
    )
    .await
    .unwrap();
    assert_eq!(rescreened.outcome, preclear_service::screening::Outcome::Deployed);
    assert_eq!(rescreened.version, set.version());
    assert_eq!((rescreened.added, rescreened.changed, rescreened.removed), (1, 0, 0));
    assert_eq!(rescreened.rescreened_parties, 3, "client, consignee and end user, each once");
    assert_eq!(rescreened.alerts.len(), 1, "{:?}", rescreened.alerts);
    let alert = &rescreened.alerts[0];
    assert_eq!((alert.role.as_str(), alert.entry_id.as_str()), ("consignee", "ZZe.001"));
    assert_eq!(alert.assessment_id.to_string(), before_2["id"].as_str().unwrap());
    let operator = setup.bearer(&setup.provider, Role::Operator).await;
    let queue = call_bytes(
        &app_one,
        "GET",
        "/api/v1/screening/queue",
        &[("authorization", &operator)],
        None,
    )
    .await
    .json();
    let queued =
        queue.as_array().unwrap().iter().find(|h| h["entry_id"] == "ZZe.001").unwrap().clone();
    assert!(
        queued["found_by"]
            .as_str()
            .unwrap()
            .starts_with("re-screening against list version lists-sha256:")
    );

    // Each instance switches at its next look at the log (what `serve`'s follower does).
    assert!(preclear_service::screening::catch_up(&one.service).await.unwrap());
    assert!(preclear_service::screening::catch_up(&two.service).await.unwrap());
    assert!(!preclear_service::screening::catch_up(&two.service).await.unwrap(), "once");
    for (app, reference) in [(&app_one, "RF-AFTER-1"), (&app_two, "RF-AFTER-2")] {
        let after = assess(app, &client, reference).await;
        assert_eq!(codes(&after), ["screening.match"], "{reference}");
        assert_eq!(after["assessment"]["screening"]["version"], set.version().as_str());
        let lists = after["assessment"]["screening"]["lists"].as_str().unwrap();
        assert!(lists.contains("un-xml of 2026-12-06") && !lists.contains("bundled"), "{lists}");
        let hit = &after["assessment"]["screening"]["parties"][1]["hits"][0];
        assert_eq!(hit["entry_id"], "ZZe.001");
        // The UN list is current now; the other snapshots are not.
        assert!(
            !stale(&after).contains("un-xml") && stale(&after).contains("ofac-sdn-csv"),
            "{}",
            stale(&after)
        );
    }

    // Every assessment replays with its own version, on either instance, and on a third that
    // never screened with the bundled snapshots.
    let after = assess(&app_one, &client, "RF-AFTER-3").await;
    let three = preclear_server::app(instance(()));
    for app in [&app_one, &app_two, &three] {
        assert!(common::reproduced(app, &client, before["id"].as_str().unwrap()).await);
        assert!(common::reproduced(app, &client, after["id"].as_str().unwrap()).await);
    }

    // The alert decided a false positive (as on a hit of the assessment it cites): it leaves
    // the queue, and the party's next assessment is cleared.
    let decision = json!({ "assessment_id": queued["assessment_id"], "role": "consignee",
        "list": queued["list"], "entry_id": "ZZe.001", "verdict": "false_positive",
        "reason": "a Dutch reseller of the same name, KvK 12345678" });
    let reply =
        call_json(&app_one, "POST", "/api/v1/screening/decisions", &operator, &decision).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let queue = call_bytes(
        &app_one,
        "GET",
        "/api/v1/screening/queue",
        &[("authorization", &operator)],
        None,
    )
    .await
    .json();
    assert!(queue.as_array().unwrap().iter().all(|h| h["entry_id"] != "ZZe.001"), "{queue:#}");
    let cleared = assess(&app_two, &client, "RF-AFTER-4").await;
    assert_eq!(codes(&cleared), ["screening.cleared"]);

    // The admin API takes the same update (within the body limit: a large list goes through
    // the shell): a Denied Persons file with one more party, as a dry run; a format that does
    // not exist is named; an operator may not deploy.
    let admin = setup.bearer(&setup.provider, Role::Admin).await;
    let dpl = format!(
        "{}\"ZEDLAND DUAL USE TRADING\"\t\"1 MAIN STREET\"\t\"ZED CITY\"\t\"\"\t\"NL\"\t\"\"\t\"12/01/2026\"\t\"12/01/2036\"\t\"Y\"\t\"2026-12-01\"\t\"F.R. NOTICE ADDED\"\t\"91 F.R. 1 12/1/2026\"\n",
        include_str!("../../preclear-screening/data/bis-denied-persons-2022.txt")
    );
    let body = json!({ "format": "bis-dpl-txt", "published": "2026-12-01", "dry_run": true,
        "files": [{ "name": "dpl.txt", "text": dpl }] });
    let reply = call_json(&app_one, "POST", "/api/v1/screening/lists", &admin, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let update = reply.json();
    assert_eq!(update["outcome"], "dry_run");
    assert_eq!(
        (update["added"].as_u64(), update["removed"].as_u64()),
        (Some(1), Some(0)),
        "{update:#}"
    );
    assert_ne!(update["version"], set.version().as_str());
    let mut bad = body.clone();
    bad["format"] = json!("un-json");
    let reply = call_json(&app_one, "POST", "/api/v1/screening/lists", &admin, &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("\"field\":\"format\""), "{}", reply.text);
    let reply = call_json(&app_one, "POST", "/api/v1/screening/lists", &operator, &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // The deployment and the re-screening are in the provider's audit trail.
    let events =
        call_bytes(&app_one, "GET", "/api/v1/audit/events", &[("authorization", &operator)], None)
            .await;
    assert!(events.text.contains("lists.deployed"), "{}", events.text);
    assert!(events.text.contains("screening.rescreened"), "{}", events.text);
}

#[tokio::test]
async fn deployed_lists_on_sqlite() {
    story(sqlite_url("screening-lists")).await;
}

#[tokio::test]
async fn deployed_lists_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL list story is skipped");
        return;
    };
    story(postgres_url(&base, "screening_lists").await).await;
}
