//! The redeployment view of 5,000 ready assets (five models) against ten destinations, on the
//! bundled KB: the figure issue 23 asks for (< 500 ms).

#![allow(clippy::unwrap_used, reason = "benchmarks")]

use criterion::{Criterion, criterion_group, criterion_main};
use preclear_assets::redeploy::{Setup, view};
use preclear_assets::{Asset, AssetState, Grade, Valuation};
use rust_decimal::Decimal;

fn ready(i: usize) -> Asset {
    let models = [
        ("Dell", "R740", "server", "847150"),
        ("Dell", "R640", "server", "847150"),
        ("Cisco", "C9300", "switch", "851762"),
        ("HPE", "DL380", "server", "847150"),
        ("Arista", "7050X", "switch", "851762"),
    ];
    let (manufacturer, model, category, hs) = models[i % models.len()];
    Asset {
        id: uuid::Uuid::from_u128(i as u128),
        serial: format!("SN{i:06}"),
        manufacturer: manufacturer.into(),
        model: model.into(),
        category: category.into(),
        hs_code: Some(hs.into()),
        eccn: Some("5A992.c".into()),
        country_of_origin: "CN".into(),
        owner_org: uuid::Uuid::nil(),
        country: "NL".into(),
        site: None,
        delivered_by: None,
        purchase: None,
        state: AssetState::ReadyForRedeployment,
        grade: Some(Grade::B),
        valuation: Some(Valuation {
            value: Decimal::from(1000 + (i % 7) * 100),
            currency: "USD".into(),
            grade: Grade::B,
            method: "residual".into(),
            basis: "bench".into(),
            on: "2026-12-08".parse().unwrap(),
        }),
        events: Vec::new(),
    }
}

fn benches(c: &mut Criterion) {
    let kb = preclear_kb_bundle::load().unwrap();
    let assets: Vec<Asset> = (0..5_000).map(ready).collect();
    let destinations = ["BR", "MX", "VN", "ID", "IN", "TR", "SA", "DE", "US", "JP"];
    let setup = Setup {
        client_name: "Nordwind Systems GmbH".into(),
        client_country: "DE".into(),
        hub_country: "NL".into(),
        currency: "USD".into(),
        as_of: "2026-12-08".parse().unwrap(),
    };
    let mut group = c.benchmark_group("redeployment");
    group.sample_size(10);
    group.bench_function("5,000 ready assets x 10 destinations", |b| {
        b.iter(|| view(&kb, &assets, &destinations, &setup))
    });
    group.finish();
}

criterion_group!(assets, benches);
criterion_main!(assets);
