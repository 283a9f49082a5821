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
//! consignments need no stored assessments for the view). The fixture is shared with
//! `crates/preclear-program/benches/rollout.rs` (`benches/fixture/mod.rs` there).
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
use preclear_program::{Consignment, Micros};
use preclear_server::auth::Principal;
use preclear_server::config::{Config, FileConfig, Overrides};
use preclear_server::ops::{self, Actor};
use preclear_server::{AppState, programs};
use preclear_store::System;
use preclear_store::{Change, Mutation, OrgKind, ProgramRecord, RecordKind, Role};
use uuid::Uuid;

#[path = "../../preclear-program/benches/fixture/mod.rs"]
mod fixture;

use fixture::{ACTOR, CONSIGNMENTS, fixture, now};

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
    let provider =
        store.org_by_name(System::Startup, &config.provider_name).await.unwrap().unwrap();
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
    let rows = rt.block_on(state.store.children(id, None, vis)).unwrap();
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
        b.iter(|| rt.block_on(state.store.children(black_box(id), None, vis)).unwrap());
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
