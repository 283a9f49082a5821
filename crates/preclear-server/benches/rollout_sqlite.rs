//! The program rollout view end to end on SQLite (target: a program of 60 destinations and
//! 5,000 consignments renders its rollout view in under 200 ms).
//!
//! - `rollout_sqlite/60_destinations_5000_consignments`: `preclear_server::programs::rollout`
//!   for a provider operator: the program, the provider's entity registry and the program's
//!   consignments read from a SQLite file (`PositionContext::load`), their JSON bodies parsed,
//!   and the view computed.
//! - `rollout_sqlite/part/read_5000_consignment_records`: the consignments' query alone (rows to
//!   `ProgramRecord`s); `part/parse_5000_consignment_bodies`: the parse of their JSON alone.
//!
//! The records are committed directly as `ProgramRecord`s with their audit events (the
//! consignments need no stored assessments for the view). The fixture is the one of
//! `crates/preclear-program/benches/rollout.rs` (the in-memory part alone), repeated here.
//! Run with `cargo bench -p preclear-server --bench rollout_sqlite`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly on a broken fixture"
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use preclear_program::{
    ApprovalRecord, ApprovalStatus, AssessedAs, Consignee, Consignment, Credential, Entity,
    EntityRef, Evidence, Micros, Position, Program, Relationship, Required, State, Transition,
    Window,
};
use preclear_server::auth::Principal;
use preclear_server::config::{Config, FileConfig, Overrides};
use preclear_server::ops::{self, Actor};
use preclear_server::{AppState, programs};
use preclear_store::{Change, Mutation, OrgKind, ProgramRecord, RecordKind, Role};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// The fixture (as in crates/preclear-program/benches/rollout.rs)

/// Sixty destinations (ISO 3166 alpha-2).
const DESTINATIONS: [&str; 60] = [
    "AE", "AR", "AT", "AU", "BE", "BG", "BR", "CA", "CL", "CN", "CO", "CY", "CZ", "DE", "DK", "EE",
    "EG", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "ID", "IE", "IN", "IT", "JP", "KE", "KR", "KZ",
    "LT", "LU", "LV", "MT", "MX", "MY", "NG", "NL", "PE", "PH", "PL", "PT", "RO", "RS", "SA", "SE",
    "SG", "SI", "SK", "TH", "TR", "US", "UZ", "VN", "ZA", "NO", "CH", "NZ",
];
const CONSIGNMENTS: usize = 5_000;
const HOUR: Micros = 3_600_000_000;
const ACTOR: &str = "user:ops@provider";

/// States by share (out of 100): most cargo moving or delivered, some waiting for approvals.
const MIX: [(State, usize); 14] = [
    (State::Draft, 3),
    (State::PreQualified, 4),
    (State::AwaitingApprovals, 10),
    (State::Ready, 6),
    (State::ReleasedAtOrigin, 5),
    (State::InTransit, 16),
    (State::Arrived, 4),
    (State::UnderClearance, 6),
    (State::Held, 2),
    (State::Cleared, 5),
    (State::Delivered, 20),
    (State::Closed, 15),
    (State::Returned, 2),
    (State::ReExported, 2),
];

fn now() -> Micros {
    "2026-11-21T12:00:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond()
}

fn evidence(reference: String) -> Evidence {
    Evidence { reference: Some(reference), document: None }
}

fn req(rule: String, kind: &str, scope: &str, side: &str, lead: Option<(u32, u32)>) -> Required {
    Required {
        name: format!("{kind} ({rule})"),
        authority: format!("{} authority", &rule[..2].to_uppercase()),
        holder: if scope == "importer" { "importer" } else { "exporter" }.into(),
        status: if kind == "licence" { "possible" } else { "applies" }.into(),
        rule,
        kind: kind.into(),
        side: side.into(),
        scope: scope.into(),
        lead_time_days: lead,
    }
}

/// The requirements assessments find for destination `d`: an importer registration, goods
/// approvals, a specification list (every third market) or an importer notification, a possible
/// licence (of unknown lead time in some markets), and the exporter's declaration at origin.
fn pool(d: usize) -> Vec<Required> {
    let cc = DESTINATIONS[d].to_lowercase();
    let third = if d.is_multiple_of(3) {
        req(
            format!("{cc}.specification-list"),
            "specification_list",
            "shipment",
            "destination",
            Some((5, 15)),
        )
    } else {
        req(
            format!("{cc}.encryption-notification"),
            "registration",
            "importer",
            "destination",
            Some((5, 20)),
        )
    };
    let licence_lead = if d % 6 == 5 { None } else { Some((10, 20)) };
    vec![
        req(
            format!("{cc}.importer-registration"),
            "registration",
            "importer",
            "destination",
            Some((10, 30)),
        ),
        req(
            format!("{cc}.radio-type-approval"),
            "type_approval",
            "model",
            "destination",
            Some((30, 90)),
        ),
        req(
            format!("{cc}.safety-certificate"),
            "certification",
            "model",
            "destination",
            Some((20, 45)),
        ),
        third,
        req(format!("{cc}.import-licence"), "licence", "shipment", "destination", licence_lead),
        req(format!("{cc}.labelling"), "labelling", "shipment", "destination", Some((1, 5))),
        req("nl.export-declaration".into(), "declaration", "shipment", "origin", Some((0, 1))),
    ]
}

fn entity(d: usize, provider: Uuid, now: Micros) -> Entity {
    let cc = DESTINATIONS[d];
    let lc = cc.to_lowercase();
    let credential =
        |n: u128, requirement: Option<String>, name: &str, expires: Option<Date>| Credential {
            id: Uuid::from_u128(0x1100_0000 + (d as u128) * 16 + n),
            requirement,
            name: name.into(),
            number: format!("{cc}-{n}-{:05}", d * 7919 % 100_000),
            issuer: format!("{cc} authority"),
            evidence: evidence(format!("https://registry.example/{lc}/{d}")),
            valid_from: Some(date(2025, 1, 1)),
            expires_on: expires,
            added_at: now - 400 * 24 * HOUR,
            added_by: ACTOR.into(),
        };
    // Every seventh market's importer registration has lapsed.
    let expires = if d % 7 == 3 { date(2026, 10, 31) } else { date(2028, 6, 30) };
    let mut credentials = vec![
        credential(
            0,
            Some(format!("{lc}.importer-registration")),
            "Importer registration",
            Some(expires),
        ),
        credential(1, None, "ISO 27001 certificate", Some(date(2027, 3, 1))),
    ];
    if !d.is_multiple_of(3) {
        credentials.push(credential(
            2,
            Some(format!("{lc}.encryption-notification")),
            "Encryption notification",
            None,
        ));
    }
    Entity {
        id: Uuid::from_u128(0x1000_0000 + d as u128),
        org_id: provider,
        name: format!("Preclear IOR {cc} Ltd"),
        country: cc.into(),
        relationship: if d.is_multiple_of(4) {
            Relationship::DisclosedPartner
        } else {
            Relationship::Own
        },
        registry_number: format!("{cc}{:08}", d * 104_729 % 100_000_000),
        credentials,
        created_at: now - 400 * 24 * HOUR,
        updated_at: now - 30 * 24 * HOUR,
    }
}

fn position(d: usize, entity: &Entity, now: Micros) -> Position {
    let cc = DESTINATIONS[d];
    let record = |item: String, status: ApprovalStatus| ApprovalRecord {
        reference: format!("{cc}/{}/{d:03}", item.len()),
        evidence: evidence(format!("dms://{cc}/{item}")),
        item,
        status,
        expires_on: Some(date(2027, 12, 31)),
        updated_at: now - 20 * 24 * HOUR,
        updated_by: ACTOR.into(),
    };
    let mut records = Vec::new();
    for r in pool(d).iter().filter(|r| r.side == "destination" && r.scope != "importer") {
        if r.kind == "specification_list" {
            records.push(record(format!("{}@origin", r.rule), ApprovalStatus::Granted));
            records.push(record(format!("{}@destination", r.rule), ApprovalStatus::Granted));
        } else if r.kind == "type_approval" && d % 5 == 1 {
            records.push(record(r.rule.clone(), ApprovalStatus::Applied));
        } else if !(r.kind == "licence" && d % 6 == 5) {
            records.push(record(r.rule.clone(), ApprovalStatus::Granted));
        }
    }
    let start = date(2026, 11, 2).checked_add(jiff::Span::new().days((d % 10) as i64)).unwrap();
    Position {
        destination: cc.into(),
        window: Window {
            start,
            end: start.checked_add(jiff::Span::new().days(30 + (d % 8) as i64 * 4)).unwrap(),
        },
        clearance_target_hours: [48, 72, 96][d % 3],
        transit_days: [5, 12, 19, 26][d % 4],
        entity: Some(EntityRef { id: entity.id, name: entity.name.clone() }),
        consignee: (d % 10 != 9).then(|| Consignee {
            legal_name: format!("Nordwind Systems {cc}"),
            tax_id: format!("{cc}{:09}", d * 31_337),
            address: format!("1 Data Centre Road, {cc}"),
            tax_id_check: "format and check digits".into(),
        }),
        records,
    }
}

/// The states a consignment went through to reach `state` (`k` varies the route).
fn route(state: State, k: usize) -> Vec<State> {
    use State::*;
    let mut full = vec![Draft, PreQualified];
    if k.is_multiple_of(3) || state == AwaitingApprovals {
        full.push(AwaitingApprovals);
    }
    full.extend([Ready, ReleasedAtOrigin, InTransit, Arrived]);
    if state == Returned {
        full.push(Returned);
        return full;
    }
    full.push(UnderClearance);
    if k.is_multiple_of(4) || matches!(state, Held | ReExported) {
        full.push(Held);
        if state == ReExported {
            full.push(ReExported);
            return full;
        }
        full.push(UnderClearance);
    }
    full.extend([Cleared, Delivered, Closed]);
    full.truncate(full.iter().position(|s| *s == state).unwrap() + 1);
    full
}

/// Hours from the previous step to entering `to`.
fn hours(from: Option<State>, to: State, k: usize, transit_days: u32) -> i64 {
    use State::*;
    let k = k as i64;
    match (from, to) {
        (Some(Held), UnderClearance) => 36,
        (_, PreQualified) => 2,
        (_, Ready) => 24 * (2 + k % 10),
        (_, InTransit) => 12,
        (_, Arrived) => 24 * i64::from(transit_days),
        (_, UnderClearance) => 6,
        (_, Held) => 12,
        (_, Cleared) => 12 + (k % 6) * 8,
        (_, Closed) => 72,
        (_, Returned) => 96,
        (_, ReExported) => 120,
        _ => 24,
    }
}

fn consignment(i: usize, program: &Program, requirements: &[Required], now: Micros) -> Consignment {
    let d = i % DESTINATIONS.len();
    let k = i / DESTINATIONS.len();
    let position = &program.positions[d];
    let slot = (k * 7 + d * 13) % 100;
    let mut acc = 0;
    let state = MIX.iter().find(|(_, n)| {
        acc += n;
        slot < acc
    });
    let state = state.unwrap().0;
    let route = route(state, k);
    let mut events = Vec::with_capacity(route.len());
    let mut at = 0;
    let mut from = None;
    for to in route {
        at += hours(from, to, k, position.transit_days) * HOUR;
        events.push(Transition { from, to, at, actor: ACTOR.into(), note: None });
        from = Some(to);
    }
    // The last step happened up to 60 hours ago.
    let shift = now - ((k * 5) % 60) as i64 * HOUR - 1 - at;
    for e in &mut events {
        e.at += shift;
    }
    let skip = (k + d) % 7;
    let created_at = events[0].at;
    Consignment {
        id: Uuid::from_u128(0x2000_0000 + i as u128),
        program_id: program.id,
        org_id: program.org_id,
        reference: format!("REFRESH-{}-{k:03}", position.destination),
        destination: position.destination.clone(),
        state,
        assessment: AssessedAs {
            id: Uuid::from_u128(0x3000_0000 + i as u128),
            verdict: if skip < 2 { "clearable" } else { "clearable_with_conditions" }.into(),
            kb_version: "2026.11.1".into(),
            as_of: jiff::Timestamp::from_microsecond(created_at)
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date(),
            requirements: requirements
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != skip)
                .map(|(_, r)| r.clone())
                .collect(),
        },
        declaration_reference: events
            .iter()
            .any(|e| e.to == State::Cleared)
            .then(|| format!("26{}{i:010}", position.destination)),
        created_at,
        updated_at: events.last().unwrap().at,
        events,
    }
}

/// The program, its provider's registry and its consignments.
fn fixture(client: Uuid, provider: Uuid, now: Micros) -> (Program, Vec<Entity>, Vec<Consignment>) {
    let entities: Vec<Entity> = (0..DESTINATIONS.len()).map(|d| entity(d, provider, now)).collect();
    let program = Program {
        id: Uuid::from_u128(0x0100_0000),
        org_id: client,
        client_name: "Nordwind Systems GmbH".into(),
        reference: "REFRESH-2026".into(),
        name: "Data-centre refresh 2026".into(),
        positions: entities.iter().enumerate().map(|(d, e)| position(d, e, now)).collect(),
        created_at: now - 90 * 24 * HOUR,
        updated_at: now - 20 * 24 * HOUR,
    };
    let pools: Vec<Vec<Required>> = (0..DESTINATIONS.len()).map(pool).collect();
    let consignments = (0..CONSIGNMENTS)
        .map(|i| consignment(i, &program, &pools[i % DESTINATIONS.len()], now))
        .collect();
    (program, entities, consignments)
}

// ---------------------------------------------------------------------------------------------
// The store

/// A record and its audit event, as the service would commit it.
fn change(
    kind: RecordKind,
    (id, org_id, parent_id): (Uuid, Uuid, Option<Uuid>),
    (key, state): (&str, &str),
    body: String,
    (created_at, updated_at): (Micros, Micros),
) -> Change {
    let object = if kind == RecordKind::Entity { "ior_entity" } else { kind.as_str() };
    let mut event = ops::event(
        org_id,
        &Actor(ACTOR.into()),
        updated_at,
        &format!("{object}.created"),
        (object, id.to_string()),
        None,
        None,
    );
    event.country = (kind != RecordKind::Program).then(|| key.to_owned());
    let record = ProgramRecord {
        kind,
        id,
        org_id,
        parent_id,
        key: key.into(),
        state: state.into(),
        body,
        version: 1,
        created_at,
        updated_at,
    };
    Change { mutation: Mutation::PutRecord(Box::new(record)), event }
}

/// A fresh SQLite store in `dir` holding the fixture; the service state, a provider operator,
/// the program's id.
async fn setup(dir: &Path, now: Micros) -> (AppState, Principal, Uuid) {
    let url = format!("sqlite:{}", dir.join("preclear.db").display());
    let overrides = Overrides { database_url: Some(url), ..Overrides::default() };
    let config = Config::resolve(FileConfig::default(), overrides).unwrap();
    let opened = preclear_server::open(&config).await.unwrap();
    let store = opened.store;
    let provider = store.org_by_name(&config.provider_name).await.unwrap().unwrap();
    let shell = Actor("shell:bench".into());
    let client = ops::create_org(
        &store,
        &shell,
        "Nordwind Systems GmbH",
        OrgKind::Client,
        Some(provider.id),
        now,
    )
    .await
    .unwrap();
    let (program, entities, consignments) = fixture(client.id, provider.id, now);
    let mut changes: Vec<Change> = entities
        .iter()
        .map(|e| {
            let body = serde_json::to_string(e).unwrap();
            let ids = (e.id, e.org_id, None);
            change(RecordKind::Entity, ids, (&e.country, ""), body, (e.created_at, e.updated_at))
        })
        .collect();
    changes.push(change(
        RecordKind::Program,
        (program.id, program.org_id, None),
        (&program.reference, ""),
        serde_json::to_string(&program).unwrap(),
        (program.created_at, program.updated_at),
    ));
    store.commit(&changes).await.unwrap();
    for batch in consignments.chunks(500) {
        let changes: Vec<Change> = batch
            .iter()
            .map(|c| {
                change(
                    RecordKind::Consignment,
                    (c.id, c.org_id, Some(c.program_id)),
                    (&c.destination, c.state.as_str()),
                    serde_json::to_string(c).unwrap(),
                    (c.created_at, c.updated_at),
                )
            })
            .collect();
        store.commit(&changes).await.unwrap();
    }
    let state = AppState::new(store, opened.kb, &config);
    let principal = Principal {
        org: provider,
        role: Role::Operator,
        actor: Actor("user:bench-operator".into()),
    };
    (state, principal, program.id)
}

fn bench(c: &mut Criterion) {
    let now = now();
    let dir = std::env::temp_dir().join(format!("preclear-bench-rollout-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (state, principal, id) = rt.block_on(setup(&dir, now));
    let (ctx, view) = rt.block_on(programs::rollout(&state, &principal, id, now)).unwrap();
    assert_eq!(view.destinations.len(), 60);
    assert_eq!(view.totals.consignments, CONSIGNMENTS);
    assert_eq!(ctx.entities.len(), 60);
    let vis = principal.visibility();
    let rows = rt.block_on(state.store.children(id, vis)).unwrap();
    let bytes: usize = rows.iter().map(|r| r.body.len()).sum();
    eprintln!("{} consignment records, {bytes} bytes of JSON", rows.len());

    let mut group = c.benchmark_group("rollout_sqlite");
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("60_destinations_5000_consignments", |b| {
        b.iter(|| rt.block_on(programs::rollout(&state, &principal, black_box(id), now)).unwrap());
    });
    // Where the time goes: the consignments' query alone (rows to records), and the parse of
    // their JSON bodies alone (the view itself is `preclear-program`'s `rollout` bench).
    group.bench_function("part/read_5000_consignment_records", |b| {
        b.iter(|| rt.block_on(state.store.children(black_box(id), vis)).unwrap());
    });
    group.bench_function("part/parse_5000_consignment_bodies", |b| {
        b.iter(|| {
            rows.iter()
                .map(|r| serde_json::from_str::<Consignment>(black_box(&r.body)).unwrap())
                .collect::<Vec<_>>()
        });
    });
    group.finish();
    drop(state);
    drop(rt);
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group!(benches, bench);
criterion_main!(benches);
