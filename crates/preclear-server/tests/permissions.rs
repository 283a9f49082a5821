//! The permission matrix, tested: every API operation (`preclear_service::access::Op::ALL`),
//! called as every role of the provider, of the client that owns the objects ("own client") and
//! of another client, against the same objects. The answer must be what the matrix printed in
//! docs/security.md says (the specification of record, read independently of the code's
//! table, which must print the same matrix):
//! 403 when the role or the kind of organisation may not call the operation, 404 when it may
//! but the object is another client's, and otherwise an answer that is neither (success, or a
//! 409/422 about the request itself). On SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, call_bytes, postgres_url, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_service::access::{self, Op, matrix_markdown};
use preclear_store::{Org, Role};
use serde_json::{Value, json};

/// Where a caller stands towards the objects under test (all the own client's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stance {
    Provider,
    OwnClient,
    OtherClient,
}

/// The objects the operations act on.
struct Objects {
    assessment: String,
    program: String,
    consignment: String,
    entity: String,
    evidence: String,
    /// A key of the own client that no caller uses (to revoke).
    spare_key: String,
    /// A user of the own client (to reactivate: a change that leaves it as it was).
    user: String,
}

struct Caller {
    stance: Stance,
    org: Org,
    role: Role,
    auth: String,
}

const EXAMPLE: &str = include_str!("../../../examples/product-example.json");
const PRICE_LIST: &str = include_str!("../../../examples/price-list.toml");

async fn send(
    app: &Router,
    caller: &str,
    method: &str,
    uri: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    call_bytes(app, method, uri, &[("authorization", caller)], body).await
}

fn json_body(value: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", value.to_string().into_bytes()))
}

/// The request that calls `op` as `caller` on `objects`; `n` makes names unique.
fn call_for(
    op: Op,
    caller: &Caller,
    objects: &Objects,
    n: usize,
) -> (String, String, Option<(String, Vec<u8>)>) {
    let get = |uri: String| ("GET".to_owned(), uri, None);
    let post = |uri: String, body: Value| {
        ("POST".to_owned(), uri, json_body(&body).map(|(t, b)| (t.to_owned(), b)))
    };
    let program = format!("/api/v1/programs/{}", objects.program);
    let consignment = format!("/api/v1/consignments/{}", objects.consignment);
    let own_org = &caller.org.name;
    match op {
        Op::Me => get("/api/v1/me".into()),
        Op::ListOrgs => get("/api/v1/orgs".into()),
        Op::CreateOrg => post("/api/v1/orgs".into(), json!({ "name": format!("New Client {n}") })),
        Op::ListUsers => get("/api/v1/users".into()),
        Op::CreateUser => post(
            "/api/v1/users".into(),
            json!({ "org": own_org, "username": format!("user{n}"), "role": "client_viewer" }),
        ),
        Op::ListKeys => get("/api/v1/keys".into()),
        Op::CreateKey => {
            post("/api/v1/keys".into(), json!({ "org": own_org, "role": "client_viewer" }))
        }
        Op::RevokeKey => post(format!("/api/v1/keys/{}/revoke", objects.spare_key), json!({})),
        Op::CreateAssessment => {
            let org =
                if caller.stance == Stance::Provider { "Nordwind Systems GmbH" } else { own_org };
            let uri =
                format!("/api/v1/assessments?as_of=2026-11-21&org={}", org.replace(' ', "%20"));
            ("POST".into(), uri, Some(("application/json".into(), EXAMPLE.as_bytes().to_vec())))
        }
        Op::ListAssessments => get("/api/v1/assessments".into()),
        Op::ReadAssessment => get(format!("/api/v1/assessments/{}", objects.assessment)),
        Op::ReplayAssessment => {
            post(format!("/api/v1/assessments/{}/replay", objects.assessment), json!({}))
        }
        Op::RerunAssessment => {
            post(format!("/api/v1/assessments/{}/rerun", objects.assessment), json!({}))
        }
        Op::ReadDocument => get(format!(
            "/api/v1/assessments/{}/documents/commercial-invoice.pdf",
            objects.assessment
        )),
        Op::Import => (
            "POST".into(),
            "/api/v1/imports?file_name=list.csv".into(),
            Some(("application/octet-stream".into(), b"description,quantity\nServer,1\n".to_vec())),
        ),
        Op::AuditDocuments => {
            let (content_type, body) = common::multipart_body(
                &[],
                &[("file", "list.csv", b"description,quantity\nServer,1\n")],
            );
            ("POST".into(), "/api/v1/document-audits".into(), Some((content_type, body)))
        }
        Op::ReadAudit => get("/api/v1/audit/events".into()),
        Op::ReadKb => get("/api/v1/kb".into()),
        Op::ListEntities => get("/api/v1/ior-entities".into()),
        Op::ReadEntity => get(format!("/api/v1/ior-entities/{}", objects.entity)),
        Op::CreateEntity => post(
            "/api/v1/ior-entities".into(),
            json!({ "name": format!("IOR {n}"), "country": "DE", "relationship": "own",
                    "registry_number": format!("HRB {n}") }),
        ),
        Op::AddCredential => post(
            format!("/api/v1/ior-entities/{}/credentials", objects.entity),
            json!({ "name": "EORI", "number": format!("DE{n}"), "issuer": "Zoll",
                    "evidence": { "reference": "registry:eori" } }),
        ),
        Op::EntityAlerts => get("/api/v1/ior-entities/alerts".into()),
        Op::UploadEvidence => (
            "POST".into(),
            "/api/v1/evidence?file_name=proof.pdf".into(),
            Some(("application/pdf".into(), format!("%PDF-1.7 proof {n}").into_bytes())),
        ),
        Op::ReadEvidence => get(format!("/api/v1/evidence/{}", objects.evidence)),
        Op::ListPrograms => get("/api/v1/programs".into()),
        Op::CreateProgram => {
            let mut body = json!({ "reference": format!("P-{n}"), "name": "Refresh",
                "destinations": [{ "country": "TR", "window_start": "2027-01-10", "window_end": "2027-03-01" }] });
            if caller.stance == Stance::Provider {
                body["org"] = json!("Nordwind Systems GmbH");
            }
            post("/api/v1/programs".into(), body)
        }
        Op::ReadProgram => get(program),
        Op::ProgramImpact => get(format!("{program}/kb-impact?as_of=2026-11-21")),
        Op::AssignEntity => {
            post(format!("{program}/positions/TR/entity"), json!({ "entity_id": objects.entity }))
        }
        Op::SetConsignee => post(
            format!("{program}/positions/TR/consignee"),
            json!({ "legal_name": "Data Centre TR", "tax_id": "1234567890", "address": "1 Server Street" }),
        ),
        Op::RecordApproval => post(
            format!("{program}/positions/TR/approvals"),
            json!({ "item": "tr.unknown-item", "status": "granted", "reference": "x",
                    "evidence": { "reference": "file:x" } }),
        ),
        Op::SetRoute => post(
            format!("{program}/positions/TR/route"),
            json!({ "from": "NLRTM", "to": "TRMER", "mode": "sea" }),
        ),
        Op::RecordDisruption => post(
            format!("{program}/disruptions"),
            json!({ "closed": ["suez"], "from": "2026-12-01", "source": "carrier advisory" }),
        ),
        Op::SwitchMode => post(
            format!("{consignment}/mode"),
            json!({ "transport_mode": "air", "incoterm": "DAP" }),
        ),
        Op::ListConsignments => get(format!("{program}/consignments")),
        Op::CreateConsignment => {
            let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
            request["reference"] = json!(format!("C-{n}"));
            post(
                format!("{program}/consignments"),
                json!({ "request": request, "as_of": "2026-11-21" }),
            )
        }
        Op::ReadConsignment => get(consignment),
        Op::Transition => {
            post(format!("{consignment}/transitions"), json!({ "to": "pre_qualified" }))
        }
        Op::ReadMetrics => get("/metrics".into()),
        Op::Search => get("/api/v1/search?q=RF".into()),
        Op::ManageUsers => post(format!("/api/v1/users/{}/reactivate", objects.user), json!({})),
        Op::ReadPriceLists => get("/api/v1/price-lists/default".into()),
        Op::PublishPriceList => (
            "PUT".to_owned(),
            "/api/v1/price-lists/default".into(),
            json_body(&json!({ "text": PRICE_LIST })).map(|(t, b)| (t.to_owned(), b)),
        ),
        Op::Classify => post(
            "/api/v1/classifications".into(),
            json!({ "lines": [{ "description": "SFP-10G-SR transceiver" }] }),
        ),
        Op::PlanRoute => post(
            "/api/v1/routes".into(),
            json!({ "from": "NLRTM", "to": "SGSIN", "mode": "sea", "closed": ["suez"] }),
        ),
        Op::ScreenParty => get("/api/v1/screening/check?name=Nordwind+Systems&country=DE".into()),
        Op::ScreeningQueue => get("/api/v1/screening/queue".into()),
        // A format that does not exist: an admin is told so (422), nothing is deployed.
        Op::DeployLists => post(
            "/api/v1/screening/lists".into(),
            json!({ "format": "un-json", "published": "2026-12-06", "files": [] }),
        ),
        // The example's parties have no hit: a caller who may decide is told so (422).
        Op::DecideScreening => post(
            "/api/v1/screening/decisions".into(),
            json!({ "assessment_id": objects.assessment, "role": "consignee",
                    "list": "OFAC Specially Designated Nationals (SDN) List", "entry_id": "306",
                    "verdict": "false_positive", "reason": "a test" }),
        ),
    }
}

/// Whether `op` acts on one of the own client's objects (so another client must not find it).
fn on_own_clients_object(op: Op) -> bool {
    matches!(
        op,
        Op::RevokeKey
            | Op::ManageUsers
            | Op::ReadAssessment
            | Op::ReplayAssessment
            | Op::RerunAssessment
            | Op::ReadDocument
            | Op::ReadEvidence
            | Op::ReadProgram
            | Op::ProgramImpact
            | Op::SetConsignee
            | Op::SetRoute
            | Op::SwitchMode
            | Op::RecordApproval
            | Op::ListConsignments
            | Op::CreateConsignment
            | Op::ReadConsignment
    )
}

async fn matrix(url: String) {
    let setup = common::TwoClients::open(url).await;
    let store = setup.store.clone();
    let shell = Actor("shell:test".into());
    let app = setup.app();
    let key = |org: Org, role: Role, label: &'static str| {
        let (store, shell) = (store.clone(), shell.clone());
        async move {
            let (_, key) = ops::create_key(&store, &shell, &org, role, label, 2).await.unwrap();
            format!("Bearer {key}")
        }
    };

    // The objects: the own client's assessment, program, consignment, evidence and a spare key;
    // the provider's IOR entity.
    let submitter = key(setup.nordwind.clone(), Role::ClientSubmitter, "setup").await;
    let operator = key(setup.provider.clone(), Role::Operator, "setup").await;
    let created = send(
        &app,
        &submitter,
        "POST",
        "/api/v1/assessments?as_of=2026-11-21",
        Some(("application/json", EXAMPLE.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let assessment = created.json()["id"].as_str().unwrap().to_owned();
    let program = send(&app, &submitter, "POST", "/api/v1/programs", json_body(&json!({
        "reference": "P-0", "name": "Refresh",
        "destinations": [{ "country": "TR", "window_start": "2027-01-10", "window_end": "2027-03-01" }] })))
    .await;
    assert_eq!(program.status, StatusCode::CREATED, "{}", program.text);
    let program = program.json()["id"].as_str().unwrap().to_owned();
    let mut request: Value = serde_json::from_str(EXAMPLE).unwrap();
    request["reference"] = json!("C-0");
    let consignment = send(
        &app,
        &submitter,
        "POST",
        &format!("/api/v1/programs/{program}/consignments"),
        json_body(&json!({ "request": request, "as_of": "2026-11-21" })),
    )
    .await;
    assert_eq!(consignment.status, StatusCode::CREATED, "{}", consignment.text);
    let consignment = consignment.json()["id"].as_str().unwrap().to_owned();
    let evidence = send(
        &app,
        &submitter,
        "POST",
        "/api/v1/evidence?file_name=a.pdf",
        Some(("application/pdf", b"%PDF-1.7 a".to_vec())),
    )
    .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.text);
    let evidence = evidence.json()["sha256"].as_str().unwrap().to_owned();
    let entity = send(&app, &operator, "POST", "/api/v1/ior-entities", json_body(&json!({
        "name": "IOR DE GmbH", "country": "DE", "relationship": "own", "registry_number": "HRB 1" })))
    .await;
    assert_eq!(entity.status, StatusCode::CREATED, "{}", entity.text);
    let entity = entity.json()["id"].as_str().unwrap().to_owned();
    let (spare, _) =
        ops::create_key(&store, &shell, &setup.nordwind, Role::ClientViewer, "spare", 2)
            .await
            .unwrap();
    let (user, _) = ops::create_user(
        &store,
        &shell,
        &setup.nordwind,
        "spare-user",
        None,
        Role::ClientViewer,
        2,
    )
    .await
    .unwrap();
    let objects = Objects {
        assessment,
        program,
        consignment,
        entity,
        evidence,
        spare_key: spare.id.to_string(),
        user: user.id.to_string(),
    };

    // The callers: every role in each stance.
    let mut callers = Vec::new();
    for (stance, org) in [
        (Stance::Provider, setup.provider.clone()),
        (Stance::OwnClient, setup.nordwind.clone()),
        (Stance::OtherClient, setup.other.clone()),
    ] {
        for role in Role::ALL.into_iter().filter(|r| r.fits(org.kind)) {
            let auth = key(org.clone(), role, "matrix").await;
            callers.push(Caller { stance, org: org.clone(), role, auth });
        }
    }

    let documented = documented_matrix();
    let mut wrong = Vec::new();
    let mut answers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut n = 0;
    for &op in Op::ALL {
        let access = op.access();
        for caller in &callers {
            let column = access::column(caller.org.kind, caller.role);
            let allowed =
                *documented.get(&(access.name.to_owned(), column.clone())).unwrap_or_else(|| {
                    panic!("docs/security.md has no cell for {} as {column}", access.name)
                });
            n += 1;
            let (method, uri, body) = call_for(op, caller, &objects, n);
            let body = body.as_ref().map(|(t, b)| (t.as_str(), b.clone()));
            let reply = send(&app, &caller.auth, &method, &uri, body).await;
            let expected = if !allowed {
                "403"
            } else if caller.stance == Stance::OtherClient && on_own_clients_object(op) {
                "404"
            } else {
                "neither"
            };
            let status = reply.status.as_u16();
            let ok = match expected {
                "403" => status == 403,
                "404" => status == 404,
                _ => !matches!(status, 401 | 403 | 404) && status < 500,
            };
            *answers.entry(expected).or_default() += 1;
            if !ok {
                wrong.push(format!(
                    "{} as {:?} {}: expected {expected}, got {status} {}",
                    access.name,
                    caller.stance,
                    caller.role,
                    reply.text.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
    // Each kind of answer occurs: the test can fail every way.
    assert!(answers["403"] > 40 && answers["404"] > 20 && answers["neither"] > 100, "{answers:?}");
}

fn security_doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/security.md")).unwrap()
}

/// The matrix as docs/security.md prints it: (operation, "kind role") → allowed.
fn documented_matrix() -> BTreeMap<(String, String), bool> {
    let doc = security_doc();
    let mut lines = doc.lines().skip_while(|l| !l.starts_with("| operation | what |"));
    let header: Vec<String> = lines
        .next()
        .expect("the matrix's header")
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect();
    let mut cells = BTreeMap::new();
    for line in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let row: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = row[1].trim_matches('`').to_owned();
        for (column, cell) in header.iter().zip(&row).skip(3) {
            if !column.is_empty() {
                cells.insert((name.clone(), column.clone()), *cell == "✓");
            }
        }
    }
    assert!(cells.len() > 100, "the matrix in docs/security.md: {} cells", cells.len());
    cells
}

#[tokio::test]
async fn the_matrix_holds_on_sqlite() {
    matrix(sqlite_url("permissions")).await;
}

#[tokio::test]
async fn the_matrix_holds_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else { return };
    matrix(postgres_url(&base, "permissions").await).await;
}

#[test]
fn the_security_doc_prints_the_matrix() {
    let doc = security_doc();
    assert!(
        doc.contains(&matrix_markdown()),
        "docs/security.md must contain the permission matrix as `preclear_service::access::matrix_markdown` prints it:\n{}",
        matrix_markdown()
    );
}
