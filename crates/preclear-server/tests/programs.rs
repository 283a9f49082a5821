//! The program story over the API, on SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set. It mirrors the documented case: a refresh of refurbished
//! servers to 9 destinations in 20 consignments, every import position pre-validated before any
//! cargo moves (Brazil's needs a specification list confirmed at origin and destination), one
//! position blocked because its IOR entity lacks a registration until it is added; transitions
//! that must be refused are; one clearance breaches its SLA; a KB change is reported against the
//! Turkish consignments and position only; every consignment is delivered; the audit verifies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_bytes, call_with, postgres_url, sqlite_url};
use preclear_server::clock::{date_of, now_micros, rfc3339};
use preclear_server::ops::{self, Actor};
use preclear_store::Role;
use preclear_store::System;
use serde_json::{Value, json};

/// (destination, consignments, consignee tax id)
const DESTINATIONS: [(&str, usize, &str); 9] = [
    ("TR", 3, "1234567890"),
    ("BR", 3, "11.222.333/0001-81"),
    ("IN", 2, "27AAPFU0939F1ZV"),
    ("MX", 2, "DAT010203AB1"),
    ("DE", 2, "DE123456789"),
    ("SA", 2, "300000000000003"),
    ("ZA", 2, "4000000000"),
    ("CA", 2, "123456789RM0001"),
    ("AE", 2, "100000000000003"),
];

struct Api<'a> {
    app: &'a Router,
    auth: String,
}

impl Api<'_> {
    async fn get(&self, uri: &str) -> Reply {
        call_with(self.app, "GET", uri, &[("authorization", &self.auth)], None).await
    }
    async fn post(&self, uri: &str, body: &Value) -> Reply {
        let text = body.to_string();
        call_with(
            self.app,
            "POST",
            uri,
            &[("authorization", &self.auth)],
            Some(("application/json", &text)),
        )
        .await
    }
    async fn ok(&self, uri: &str, body: &Value) -> Value {
        let reply = self.post(uri, body).await;
        assert!(reply.status.is_success(), "{uri}: {} {}", reply.status, reply.text);
        reply.json()
    }
}

fn refurbished_request(reference: &str, destination: &str) -> Value {
    let mut request: Value =
        serde_json::from_str(include_str!("../../../examples/shapes/refurbished-server.json"))
            .unwrap();
    request["reference"] = json!(reference);
    request["destination"] = json!(destination);
    request["consignee"]["country"] = json!(destination);
    request["end_user"]["country"] = json!(destination);
    request
}

fn rollout(program: &Value) -> &Value {
    &program["rollout"]
}

fn destination<'a>(program: &'a Value, cc: &str) -> &'a Value {
    rollout(program)["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["destination"] == cc)
        .unwrap()
}

/// A KB like the bundled one, with a new requirement for Turkish imports of refurbished goods.
fn changed_kb() -> preclear_kb::Kb {
    let mut files = preclear_kb_bundle::files();
    let tr = files.iter_mut().find(|f| f.path.ends_with("markets/TR.toml")).unwrap();
    tr.text.push_str(
        "\n[[requirement]]\nid = \"tr.refurbished-importer-registration\"\nkind = \"registration\"\n\
         name = \"Registration of importers of refurbished IT equipment\"\nauthority = \"Ministry of Trade\"\n\
         scope = \"importer\"\nholder = \"importer\"\nlead_time_days = { min = 5, max = 10 }\n\
         needed_before = \"departure\"\nsource = \"tr-used-goods\"\nconfidence = \"medium\"\n\
         as_of = 2026-11-21\nwhen = { condition = [\"refurbished\", \"used\"] }\n",
    );
    preclear_kb::load(&files).unwrap()
}

async fn program_story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let store = setup.store.clone();
    let shell = Actor("shell:test".into());
    let (_, operator_key) =
        ops::create_key(&store, &shell, &setup.provider, Role::Operator, "ops", 2).await.unwrap();
    let (_, client_key) =
        ops::create_key(&store, &shell, &setup.nordwind, Role::ClientSubmitter, "nordwind", 2)
            .await
            .unwrap();
    let (_, other_key) =
        ops::create_key(&store, &shell, &setup.other, Role::ClientSubmitter, "other", 2)
            .await
            .unwrap();
    let app = setup.app();
    let ops = Api { app: &app, auth: format!("Bearer {operator_key}") };
    let client = Api { app: &app, auth: format!("Bearer {client_key}") };
    let other = Api { app: &app, auth: format!("Bearer {other_key}") };
    let now = now_micros();
    let today = date_of(now);
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();

    // The registry: an undisclosed sub-agent is refused; one entity per market.
    let refused = ops
        .post(
            "/api/v1/ior-entities",
            &json!({ "name": "Shadow Agent Ltd", "country": "TR", "relationship": "partner",
                     "registry_number": "1" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("undisclosed sub-agent"), "{}", refused.text);
    let mut entities = std::collections::BTreeMap::new();
    for (cc, _, _) in DESTINATIONS {
        let entity = ops
            .ok(
                "/api/v1/ior-entities",
                &json!({ "name": format!("IOR {cc} Ltd"), "country": cc,
                         "relationship": if cc == "AE" { "partner" } else { "own" },
                         "disclosed": true, "registry_number": format!("REG-{cc}-1") }),
            )
            .await;
        entities.insert(cc, entity["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        client.get("/api/v1/ior-entities").await.status,
        StatusCode::FORBIDDEN,
        "the registry is the provider's"
    );

    // The program, created by the client for its nine destinations.
    let destinations: Vec<Value> = DESTINATIONS
        .iter()
        .map(|(cc, _, _)| {
            json!({ "country": cc, "window_start": day(-20), "window_end": day(60),
                    "clearance_target_hours": 72, "transit_days": 4 })
        })
        .collect();
    let bad = client
        .post(
            "/api/v1/programs",
            &json!({ "reference": "R", "name": "x", "destinations": [
                { "country": "TR", "window_start": day(9), "window_end": day(1) },
                { "country": "XX", "window_start": "soon", "window_end": day(1) }] }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in
        ["destinations[0].window_end", "destinations[1].country", "destinations[1].window_start"]
    {
        assert!(bad.text.contains(field), "{field}: {}", bad.text);
    }
    let program = client
        .ok(
            "/api/v1/programs",
            &json!({ "reference": "REFRESH-2026", "name": "Data-centre refresh, refurbished servers",
                     "destinations": destinations }),
        )
        .await;
    let id = program["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/programs/{id}");
    assert_eq!(other.get(&base).await.status, StatusCode::NOT_FOUND, "another client sees nothing");
    let fresh = client.get(&base).await.json();
    assert_eq!(
        destination(&fresh, "BR")["window_risk"],
        "not_started",
        "before any consignment a destination is not on track but not started"
    );

    // Twenty consignments of refurbished servers, assessed on creation.
    let mut consignments: Vec<(String, String, String)> = Vec::new();
    for (cc, count, _) in DESTINATIONS {
        for n in 1..=count {
            let reference = format!("RF-{cc}-{n}");
            let created = client
                .ok(
                    &format!("{base}/consignments"),
                    &json!({ "request": refurbished_request(&reference, cc), "as_of": "2026-11-21" }),
                )
                .await;
            assert_eq!(created["state"], "draft");
            consignments.push((
                cc.to_owned(),
                reference,
                created["id"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(consignments.len(), 20);
    let wrong = client
        .post(
            &format!("{base}/consignments"),
            &json!({ "request": refurbished_request("RF-VN", "VN") }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("request.destination"), "{}", wrong.text);

    // Nothing is pre-validated yet, and each destination says what it lacks.
    let view = client.get(&base).await.json();
    assert_eq!(rollout(&view)["totals"]["prevalidated"], 0);
    let br = destination(&view, "BR");
    let br_items: Vec<&str> = br["position"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["need"]["key"].as_str().unwrap())
        .collect();
    assert!(br_items.contains(&"br.used-spec-list@origin"), "{br_items:?}");
    assert!(br_items.contains(&"br.used-spec-list@destination"));
    // Each need is listed once, and the two confirmations of the list say which they are
    // (they read as one requirement listed twice before).
    let br_missing: Vec<&str> = br["position"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["what"].as_str().unwrap())
        .collect();
    let mut unique = br_missing.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), br_missing.len(), "{br_missing:?}");
    assert!(br_missing.iter().any(|w| w.contains("— confirmed at origin")), "{br_missing:?}");
    assert!(br_missing.iter().any(|w| w.contains("— confirmed in the destination")));
    let tr_parts: Vec<&str> = destination(&view, "TR")["position"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["part"].as_str().unwrap())
        .collect();
    assert!(tr_parts.contains(&"entity") && tr_parts.contains(&"consignee"), "{tr_parts:?}");
    assert!(tr_parts.contains(&"approval"), "{tr_parts:?}");

    // The KB changes while the consignments are open: only Turkey's are affected.
    let changed = preclear_server::AppState::new(
        store.clone(),
        std::sync::Arc::new(changed_kb()),
        &setup.config,
    );
    let changed_app = preclear_server::app(changed);
    let impact = Api { app: &changed_app, auth: ops.auth.clone() }
        .get(&format!("{base}/kb-impact?as_of=2026-11-21"))
        .await;
    assert_eq!(impact.status, StatusCode::OK, "{}", impact.text);
    let impact = impact.json();
    assert_eq!(impact["checked"], 20);
    let affected: Vec<&str> = impact["consignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    assert_eq!(affected, ["RF-TR-1", "RF-TR-2", "RF-TR-3"]);
    assert_eq!(
        impact["consignments"][0]["change"]["requirements_added"],
        json!(["tr.refurbished-importer-registration"])
    );
    assert_eq!(impact["positions"].as_array().unwrap().len(), 1);
    assert_eq!(impact["positions"][0]["destination"], "TR");
    let unchanged = ops.get(&format!("{base}/kb-impact?as_of=2026-11-21")).await.json();
    assert_eq!(unchanged["consignments"], json!([]), "the current KB changes nothing");

    // A transition before pre-validation is refused.
    let start = now - 9 * 86_400_000_000;
    let (_, _, tr1) = &consignments[0];
    let tr1_uri = format!("/api/v1/consignments/{tr1}/transitions");
    ops.ok(&tr1_uri, &json!({ "to": "pre_qualified", "at": rfc3339(start) })).await;
    let early = ops.post(&tr1_uri, &json!({ "to": "ready", "at": rfc3339(start) })).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.text.contains("not pre-validated"), "{}", early.text);
    assert_eq!(
        client.post(&tr1_uri, &json!({ "to": "awaiting_approvals" })).await.status,
        StatusCode::FORBIDDEN,
        "clients do not move cargo"
    );
    ops.ok(&tr1_uri, &json!({ "to": "awaiting_approvals", "at": rfc3339(start) })).await;

    // Pre-validate every position: credentials, entity, consignee, approvals with evidence.
    let upload = call_bytes(
        &app,
        "POST",
        "/api/v1/evidence?file_name=spec-list-confirmation.pdf",
        &[("authorization", &client.auth)],
        Some(("application/pdf", b"%PDF-1.7 confirmation".to_vec())),
    )
    .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.text);
    let sha = upload.json()["sha256"].as_str().unwrap().to_owned();
    for (cc, _, tax_id) in DESTINATIONS {
        let entity = &entities[cc];
        let standing = destination(&client.get(&base).await.json(), cc).clone();
        let registrations: Vec<String> = standing["position"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["need"]["kind"] == "registration")
            .map(|i| i["need"]["key"].as_str().unwrap().to_owned())
            .collect();
        if cc == "TR" {
            assert!(registrations.contains(&"tr.tareks-company".to_owned()), "{registrations:?}");
        }
        for rule in &registrations {
            if cc == "TR" && rule == "tr.tareks-company" {
                continue; // the gap this story is about
            }
            ops.ok(
                &format!("/api/v1/ior-entities/{entity}/credentials"),
                &json!({ "requirement": rule, "name": rule, "number": format!("{rule}-001"),
                         "issuer": "authority", "evidence": { "reference": format!("registry:{rule}") },
                         "expires_on": day(if rule == "in.iec" { 30 } else { 700 }) }),
            )
            .await;
        }
        let assign = ops
            .post(&format!("{base}/positions/{cc}/entity"), &json!({ "entity_id": entity }))
            .await;
        if cc == "TR" {
            assert_eq!(assign.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", assign.text);
            assert!(assign.text.contains("tr.tareks-company"), "{}", assign.text);
            assert!(assign.text.contains("IOR TR Ltd does not hold it"), "{}", assign.text);
            ops.ok(
                &format!("/api/v1/ior-entities/{entity}/credentials"),
                &json!({ "requirement": "tr.tareks-company", "name": "TAREKS company registration",
                         "number": "TRK-2026-0042", "issuer": "Ministry of Trade",
                         "evidence": { "document_sha256": null, "reference": "tareks:0042" } }),
            )
            .await;
            ops.ok(&format!("{base}/positions/{cc}/entity"), &json!({ "entity_id": entity })).await;
        } else {
            assert_eq!(assign.status, StatusCode::OK, "{cc}: {}", assign.text);
        }
        let bad_consignee = client
            .post(
                &format!("{base}/positions/{cc}/consignee"),
                &json!({ "legal_name": "", "tax_id": "x", "address": "Main street 1" }),
            )
            .await;
        assert_eq!(bad_consignee.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_consignee.text.contains("consignee.legal_name"));
        client
            .ok(
                &format!("{base}/positions/{cc}/consignee"),
                &json!({ "legal_name": format!("Data Centre {cc}"), "tax_id": tax_id,
                         "address": format!("1 Server Street, {cc}") }),
            )
            .await;
        for item in standing["position"]["items"].as_array().unwrap() {
            if item["need"]["kind"] == "registration" {
                continue;
            }
            let key = item["need"]["key"].as_str().unwrap();
            let evidence = if key.contains("spec-list") {
                json!({ "document_sha256": sha })
            } else {
                json!({ "reference": format!("file:{key}") })
            };
            client
                .ok(
                    &format!("{base}/positions/{cc}/approvals"),
                    &json!({ "item": key, "status": "granted", "reference": format!("{key}/2026"),
                             "evidence": evidence }),
                )
                .await;
        }
        let after = destination(&client.get(&base).await.json(), cc).clone();
        assert_eq!(after["position"]["prevalidated"], true, "{cc}: {}", after["position"]);
    }
    let view = client.get(&base).await.json();
    assert_eq!(rollout(&view)["totals"]["prevalidated"], 9);
    let alerts = ops.get("/api/v1/ior-entities/alerts?within_days=45").await.json();
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["requirement"], "in.iec");
    assert_eq!(alerts[0]["days_left"], 30);

    // A consignment's documents name the IOR entity assigned to its position, with its registry
    // number, and the consignee recorded there (not the provider, not "not declared").
    let (_, _, tr1) = &consignments[consignments.iter().position(|c| c.1 == "RF-TR-1").unwrap()];
    let tr1_view = client.get(&format!("/api/v1/consignments/{tr1}")).await.json();
    let assessment_id = tr1_view["consignment"]["assessment"]["id"].as_str().unwrap().to_owned();
    let invoice = client
        .get(&format!("/api/v1/assessments/{assessment_id}/documents/commercial-invoice.pdf"))
        .await;
    assert_eq!(invoice.status, StatusCode::OK, "{}", invoice.text);
    let docs = common::attached_docs(&invoice.bytes);
    assert_eq!(docs["importer"]["name"], "IOR TR Ltd", "{}", docs["importer"]);
    assert_eq!(docs["importer"]["tax_id"], "REG-TR-1");
    assert_eq!(docs["consignee"]["name"], "Data Centre TR");
    assert_eq!(docs["consignee"]["address"], "1 Server Street, TR");

    // Every consignment walks to delivery, with its events' times; one is held for inspection,
    // one breaches the 72-hour clearance SLA.
    let hour = 3_600_000_000_i64;
    for (index, (cc, reference, cid)) in consignments.iter().enumerate() {
        let uri = format!("/api/v1/consignments/{cid}/transitions");
        let at = |h: i64| rfc3339(start + h * hour);
        if index != 0 {
            let skip = ops.post(&uri, &json!({ "to": "delivered" })).await;
            assert_eq!(skip.status, StatusCode::CONFLICT);
            ops.ok(&uri, &json!({ "to": "pre_qualified", "at": at(0) })).await;
        }
        let clearance_hours = if reference == "RF-BR-2" { 96 } else { 20 };
        let mut steps = vec![
            ("ready", 1),
            ("released_at_origin", 2),
            ("in_transit", 3),
            ("arrived", 50),
            ("under_clearance", 51),
        ];
        if reference == "RF-MX-1" {
            steps.push(("held", 55));
            steps.push(("under_clearance", 60));
        }
        for (to, h) in steps {
            ops.ok(&uri, &json!({ "to": to, "at": at(h) })).await;
        }
        if index == 0 {
            let refused = ops.post(&uri, &json!({ "to": "cleared", "at": at(60) })).await;
            assert_eq!(refused.status, StatusCode::CONFLICT);
            assert!(refused.text.contains("declaration reference"), "{}", refused.text);
            let back = ops.post(&uri, &json!({ "to": "arrived", "at": at(61) })).await;
            assert_eq!(back.status, StatusCode::CONFLICT, "no going back to arrived");
        }
        ops.ok(
            &uri,
            &json!({ "to": "cleared", "at": at(50 + clearance_hours),
                     "declaration_reference": format!("DECL-{cc}-{index}") }),
        )
        .await;
        ops.ok(&uri, &json!({ "to": "delivered", "at": at(50 + clearance_hours + 10) })).await;
    }

    let view = client.get(&base).await.json();
    let totals = &rollout(&view)["totals"];
    assert_eq!(totals["by_state"], json!({ "delivered": 20 }));
    assert_eq!(totals["sla_breached"], 1);
    assert_eq!(totals["window_late"], 0);
    let br_alerts = &destination(&view, "BR")["alerts"];
    assert_eq!(br_alerts[0]["code"], "clearance_sla_breached");
    assert_eq!(br_alerts[0]["reference"], "RF-BR-2");
    assert!(br_alerts[0]["message"].as_str().unwrap().contains("96 h against a target of 72 h"));
    let path = &rollout(&view)["critical_path"];
    assert!(path["finishes_on"].is_string(), "{path}");

    // The consignment's own view and its history.
    let (_, _, mx1) = &consignments[consignments.iter().position(|c| c.1 == "RF-MX-1").unwrap()];
    let mx = client.get(&format!("/api/v1/consignments/{mx1}")).await.json();
    let states: Vec<&str> = mx["consignment"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "draft",
            "pre_qualified",
            "ready",
            "released_at_origin",
            "in_transit",
            "arrived",
            "under_clearance",
            "held",
            "under_clearance",
            "cleared",
            "delivered"
        ]
    );
    assert_eq!(mx["status"]["clearance"]["status"], "met");

    // Every change is in the audit trail, which verifies.
    let mut events = Vec::new();
    for org in [setup.provider.id, setup.nordwind.id] {
        events.extend(
            store
                .audit_events(System::Audit, org, &preclear_store::EventFilter::default(), 0, 5000)
                .await
                .unwrap(),
        );
    }
    let count = |action: &str| events.iter().filter(|e| e.event.action == action).count();
    assert_eq!(count("program.created"), 1);
    assert_eq!(count("consignment.created"), 20);
    assert_eq!(count("position.entity_assigned"), 9);
    assert_eq!(count("position.consignee_recorded"), 9);
    assert!(count("consignment.transition") >= 20 * 8);
    assert_eq!(count("ior_entity.created"), 9);
    assert!(store.verify_audit(System::Audit).await.unwrap().ok());
}

#[tokio::test]
async fn program_story_on_sqlite() {
    program_story(sqlite_url("programs")).await;
}

#[tokio::test]
async fn program_story_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL program story is skipped");
        return;
    };
    program_story(postgres_url(&base, "programs").await).await;
}

/// Issue 22: a program from Rotterdam to Singapore, Jakarta, Ho Chi Minh City and Santos, its
/// lanes routed; Suez and Bab-el-Mandeb close: the three Asian destinations are planned again
/// round the Cape with their added days and emissions and each consignment's window risk,
/// Santos is untouched, the import positions hold; the closure is lifted and the original
/// routes come back; every step is audited.
async fn disruption_story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let store = setup.store.clone();
    let shell = Actor("shell:test".into());
    let (_, operator_key) =
        ops::create_key(&store, &shell, &setup.provider, Role::Operator, "ops", 2).await.unwrap();
    let (_, client_key) =
        ops::create_key(&store, &shell, &setup.nordwind, Role::ClientSubmitter, "nordwind", 2)
            .await
            .unwrap();
    let app = setup.app();
    let ops = Api { app: &app, auth: format!("Bearer {operator_key}") };
    let client = Api { app: &app, auth: format!("Bearer {client_key}") };
    let today = date_of(now_micros());
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();
    let lanes = [("SG", "SGSIN"), ("ID", "IDJKT"), ("VN", "VNSGN"), ("BR", "BRSSZ")];
    let destinations: Vec<Value> = lanes
        .iter()
        .map(|(cc, _)| json!({ "country": cc, "window_start": day(-10), "window_end": day(40) }))
        .collect();
    let program = client
        .ok(
            "/api/v1/programs",
            &json!({ "reference": "ASIA-2027", "name": "Asia and Brazil build-out",
                     "destinations": destinations }),
        )
        .await;
    let base = format!("/api/v1/programs/{}", program["id"].as_str().unwrap());

    // Lanes: the route sets the transit the forecast counts (Rotterdam-Singapore: 26 days).
    let wrong = client
        .post(
            &format!("{base}/positions/SG/route"),
            &json!({ "from": "NLRTM", "to": "IDJKT", "mode": "sea" }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.text);
    assert!(wrong.text.contains("\"to\"") && wrong.text.contains("not in the destination SG"));
    let mut routed = Value::Null;
    for (cc, port) in lanes {
        routed = client
            .ok(
                &format!("{base}/positions/{cc}/route"),
                &json!({ "from": "NLRTM", "to": port, "mode": "sea" }),
            )
            .await;
    }
    let position = |program: &Value, cc: &str| -> Value {
        program["positions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["destination"] == cc)
            .unwrap()
            .clone()
    };
    let sg = position(&routed, "SG");
    assert_eq!(sg["transit_days"], 26, "{sg}");
    assert!(sg["routing"]["route"]["passages"].as_array().unwrap().contains(&json!("suez")));

    // One consignment per destination by sea on CIF terms, not yet moved: each is before any
    // closure on its way.
    let mut consignment_ids = std::collections::BTreeMap::new();
    for (cc, _) in lanes {
        let mut request: Value =
            serde_json::from_str(include_str!("../../../examples/product-example.json")).unwrap();
        request["reference"] = json!(format!("AS-{cc}-1"));
        request["destination"] = json!(cc);
        request["consignee"]["country"] = json!(cc);
        request["transport_mode"] = json!("sea");
        request["incoterm"] = json!("CIF");
        let created = client
            .ok(
                &format!("{base}/consignments"),
                &json!({ "request": request, "as_of": "2026-11-21" }),
            )
            .await;
        consignment_ids.insert(cc, created["id"].as_str().unwrap().to_owned());
    }

    // The closure, recorded by the provider's operator (a client may not).
    let closure = json!({ "closed": ["suez", "Bab-el-Mandeb"], "from": day(0),
                          "source": "carrier advisory: Red Sea transits suspended" });
    assert_eq!(
        client.post(&format!("{base}/disruptions"), &closure).await.status,
        StatusCode::FORBIDDEN
    );
    let bad = ops
        .post(
            &format!("{base}/disruptions"),
            &json!({ "closed": ["atlantis"], "from": day(5), "until": day(1), "source": "x" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("closed[0]") && bad.text.contains("\"until\""), "{}", bad.text);
    let report = ops.post(&format!("{base}/disruptions"), &closure).await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.text);
    let report = report.json();
    assert_eq!(report["unaffected"], json!(["BR"]), "Santos does not pass Suez");
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 3);
    for change in changes {
        let cc = change["destination"].as_str().unwrap();
        let after = &change["after"];
        assert!(
            after["passages"].as_array().unwrap().contains(&json!("south_africa")),
            "{cc}: {change}"
        );
        let added: f64 = change["added_days"].as_str().unwrap().parse().unwrap();
        assert!(added > 4.0 && added < 15.0, "{cc}: {added} days");
        let co2e: f64 = change["added_co2e_kg_per_tonne"].as_str().unwrap().parse().unwrap();
        assert!(co2e > 0.0, "{cc}");
        assert!(change["import_position"].as_str().unwrap().starts_with("holds"), "{cc}");
        let consignment = &change["consignments"][0];
        assert_eq!(consignment["reference"], format!("AS-{cc}-1"));
        assert!(consignment["risk_after"].is_string() && consignment["risk_before"].is_string());
        assert!(change["decisions"].as_array().unwrap().len() >= 2);
    }
    let disrupted = client.get(&base).await;
    assert_eq!(disrupted.status, StatusCode::OK, "{}", disrupted.text);

    // Singapore cannot wait ten more days: its consignment switches to air. CIF is for sea only:
    // the switch is refused naming the Incoterm until one for air is given; then the new
    // assessment asks for an air waybill instead of a bill of lading.
    let mode = format!("/api/v1/consignments/{}/mode", consignment_ids["SG"]);
    let refused = client.post(&mode, &json!({ "transport_mode": "air" })).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(
        refused.text.contains("\"incoterm\"") && refused.text.contains("`CIF` is for sea"),
        "{}",
        refused.text
    );
    let switched = client.ok(&mode, &json!({ "transport_mode": "air", "incoterm": "CIP" })).await;
    assert_eq!(switched["before"], json!(["sea", "CIF"]));
    assert_eq!(switched["after"], json!(["air", "CIP"]));
    assert_eq!(switched["documents_added"], json!(["Air waybill"]), "{switched}");
    assert_eq!(switched["documents_dropped"], json!(["Bill of lading"]), "{switched}");

    // The operator's decisions are recorded on the disruption: accept for Jakarta, hold for Ho
    // Chi Minh City, switch mode for Singapore (done above); nonsense is refused by field.
    let disruption_id = report["disruption"]["id"].as_str().unwrap().to_owned();
    let decisions = format!("{base}/disruptions/{disruption_id}/decisions");
    let bad = ops.post(&decisions, &json!({ "destination": "BR", "decision": "pray" })).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("\"decision\""), "{}", bad.text);
    let unknown = ops.post(&decisions, &json!({ "destination": "FR", "decision": "hold" })).await;
    assert!(unknown.text.contains("\"destination\""), "{}", unknown.text);
    for (cc, decision, note) in [
        ("ID", "accept", "ten more days fit the window"),
        ("VN", "hold", "site not ready before February"),
        ("SG", "switch_mode", "AS-SG-1 by air, CIP"),
    ] {
        ops.ok(&decisions, &json!({ "destination": cc, "decision": decision, "note": note })).await;
    }

    // The program page shows each destination's route, the disruption, and the route without it.
    ops::create_user(
        &store,
        &shell,
        &setup.provider,
        "olga",
        Some(common::PASSWORD),
        Role::Operator,
        1,
    )
    .await
    .unwrap();
    let mut olga = session::Browser { app: &app, jar: session::Jar::default() };
    assert_eq!(olga.sign_in("olga", common::PASSWORD).await.status, StatusCode::SEE_OTHER);
    let page = olga.get(&base.replace("/api/v1", "")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Route disruptions"), "the disruptions are listed");
    assert!(page.text.contains("babalmandab, suez closed from"), "{}", page.text);
    assert!(
        page.text.contains("VN: hold at origin (site not ready before February)"),
        "the decisions"
    );
    let sg_route =
        page.text.split("id=\"route-SG\">").nth(1).unwrap().split("</dd>").next().unwrap();
    assert!(
        sg_route.contains("sea NLRTM → SGSIN") && sg_route.contains("via Cape of Good Hope"),
        "{sg_route}"
    );
    assert!(
        sg_route.contains("Without the disruption") && sg_route.contains("Suez Canal"),
        "{sg_route}"
    );

    assert!(page.text.contains("Emissions on the planned routes"), "the program's emissions");
    // Each consignment is 10 × 18.2 kg = 182 kg; its emissions are that × its route's per tonne.
    // Singapore's was switched to air: left out of its lane's figure, and counted as such.
    let rollout_view = client.get(&base).await.json();
    let emissions = rollout_view["rollout"]["emissions"].as_array().unwrap();
    assert_eq!(emissions.len(), 4, "{rollout_view}");
    let dec = |v: &Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
    let mut total = rust_decimal::Decimal::ZERO;
    for e in emissions {
        if e["destination"] == "SG" {
            assert_eq!(
                (e["consignments"].clone(), e["other_mode"].clone()),
                (json!(0), json!(1)),
                "{e}"
            );
            continue;
        }
        assert_eq!(e["consignments"], 1, "{e}");
        let expected = dec(&e["kg_per_tonne"]) * rust_decimal::Decimal::new(182, 3);
        assert!((dec(&e["kg"]) - expected).abs() < rust_decimal::Decimal::new(1, 1), "{e}");
        total += dec(&e["kg"]);
    }
    assert_eq!(dec(&rollout_view["rollout"]["emissions_total_kg"]), total);

    // The forms: a lane and a disruption from the page, refused by field in the page's words.
    let token = session::csrf(&page.text);
    let web = base.replace("/api/v1", "");
    let refused = olga
        .post(
            &format!("{web}/disruptions"),
            &session::pairs(&[
                ("_csrf", &token),
                ("closed", "atlantis"),
                ("from", &day(0)),
                ("source", "x"),
            ]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(
        refused.text.contains("id=\"disruption-errors\"") && refused.text.contains("closed[0]"),
        "{}",
        refused.text
    );
    let lane = olga
        .post(
            &format!("{web}/positions/BR/route"),
            &session::pairs(&[
                ("_csrf", &token),
                ("from", "NLRTM"),
                ("to", "SGSIN"),
                ("mode", "sea"),
            ]),
        )
        .await;
    assert_eq!(lane.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", lane.text);
    assert!(
        lane.text.contains("id=\"route-errors-BR\"")
            && lane.text.contains("not in the destination BR"),
        "{}",
        lane.text
    );
    let lane = olga
        .post(
            &format!("{web}/positions/BR/route"),
            &session::pairs(&[
                ("_csrf", &token),
                ("from", "NLRTM"),
                ("to", "BRSSZ"),
                ("mode", "sea"),
            ]),
        )
        .await;
    assert_eq!(lane.status, StatusCode::SEE_OTHER, "{}", lane.text);

    // Lifted: the original routes come back.
    let id = report["disruption"]["id"].as_str().unwrap();
    let lifted = ops.ok(&format!("{base}/disruptions/{id}/lift"), &json!({})).await;
    assert_eq!(lifted["changes"].as_array().unwrap().len(), 3);
    for change in lifted["changes"].as_array().unwrap() {
        let saved: f64 = change["added_days"].as_str().unwrap().parse().unwrap();
        assert!(saved < -4.0, "{change}");
        assert!(change["after"]["passages"].as_array().unwrap().contains(&json!("suez")));
    }
    let again = ops.post(&format!("{base}/disruptions/{id}/lift"), &json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);

    // Every step is in the audit trail, which verifies.
    let events = store
        .audit_events(
            System::Audit,
            setup.nordwind.id,
            &preclear_store::EventFilter::default(),
            0,
            5000,
        )
        .await
        .unwrap();
    let count = |action: &str| events.iter().filter(|e| e.event.action == action).count();
    assert_eq!(count("position.route_set"), 5, "four by the API, one from the page");
    assert_eq!(count("program.disruption_recorded"), 1);
    assert_eq!(count("program.disruption_lifted"), 1);
    assert_eq!(count("consignment.mode_switched"), 1);
    assert_eq!(count("program.disruption_decision"), 3);
    assert!(store.verify_audit(System::Audit).await.unwrap().ok());
}

#[tokio::test]
async fn a_closure_reroutes_a_program_on_sqlite() {
    disruption_story(sqlite_url("disruptions")).await;
}
