//! The program rollout view, computed in memory: a program of 60 destinations and 5,000
//! consignments (the target, under 200 ms, is for the whole view read from SQLite: see
//! `crates/preclear-server/benches/rollout_sqlite.rs`; this bench is the decision part alone).
//!
//! - `rollout/60_destinations_5000_consignments`: `preclear_program::rollout` on a program whose
//!   positions hold approvals (granted, applied for, missing), an entity registry of one entity
//!   per destination with its credentials (valid, expired), and consignments in a realistic mix
//!   of states, each with about six requirements and the transitions of its history so far.
//!
//! Run with `cargo bench -p preclear-program --bench rollout`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly on a broken fixture"
)]

mod fixture;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fixture::{CONSIGNMENTS, fixture, now};
use uuid::Uuid;

fn bench(c: &mut Criterion) {
    let now = now();
    let (program, entities, consignments) =
        fixture(Uuid::from_u128(0xC1), Uuid::from_u128(0xB0), now);
    let view = preclear_program::rollout(&program, &entities, &consignments, now);
    assert_eq!(view.destinations.len(), 60);
    assert_eq!(view.totals.consignments, CONSIGNMENTS);
    let alerts: usize = view.destinations.iter().map(|d| d.alerts.len()).sum();
    let requirements: usize = consignments.iter().map(|c| c.assessment.requirements.len()).sum();
    let events: usize = consignments.iter().map(|c| c.events.len()).sum();
    eprintln!(
        "fixture: {} requirements, {events} transitions; view: {} of 60 pre-validated, \
         {} SLA breached, {} late, {alerts} alerts, last delivery {:?}",
        requirements,
        view.totals.prevalidated,
        view.totals.sla_breached,
        view.totals.window_late,
        view.totals.last_delivery
    );

    let mut group = c.benchmark_group("rollout");
    group.bench_function("60_destinations_5000_consignments", |b| {
        b.iter(|| {
            preclear_program::rollout(
                black_box(&program),
                black_box(&entities),
                black_box(&consignments),
                now,
            )
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
