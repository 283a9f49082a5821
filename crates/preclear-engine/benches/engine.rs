//! Engine throughput on the bundled knowledge base.
//!
//! - `assess/1000_lines_TR`: one 1,000-line shipment to Türkiye (target: under 5 ms).
//! - `batch/100k_line_destination_evaluations`: 100 shipments of 1,000 lines, ten to each of the
//!   ten markets of the bundled KB (target: at least 500,000 line evaluations per second per core).
//! - `full_path/20000_lines_DE_from_US`: what `preclear assess --format json` does, without the
//!   file and the KB load: request text → shipment → assessment → pretty JSON (into a sink), for
//!   20,000 lines of servers, access points, laptops and routers (target: 200,000 lines/s).
//!
//! The lines cycle through realistic items (servers, switches, access points with Wi-Fi, laptops
//! with batteries, GPU servers, phones, UPSs, cables, SSDs, a refurbished server) and origins.
//! Run with `cargo bench -p preclear-engine --bench engine`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly on a broken fixture"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use preclear_domain::Shipment;
use preclear_domain::request::parse_shipment_value;
use serde_json::{Value, json};

const MARKETS: [&str; 10] = ["TR", "IN", "VN", "BR", "SA", "EG", "MX", "DE", "US", "CN"];

fn item(idx: usize) -> Value {
    let origins = ["CN", "US", "DE", "VN", "MX"];
    let origin = origins[idx % origins.len()];
    let mut item = match idx % 10 {
        0 => {
            json!({ "category": "server", "hs_code": "847150", "encryption": "mass_market", "radio": [] })
        }
        1 => {
            json!({ "category": "switch", "hs_code": "85176290", "encryption": "mass_market", "radio": [] })
        }
        2 => {
            json!({ "category": "wireless_access_point", "hs_code": "851762", "encryption": "mass_market", "radio": ["wifi", "bluetooth"] })
        }
        3 => {
            json!({ "category": "laptop", "hs_code": "847130", "encryption": "mass_market", "radio": ["wifi", "bluetooth"], "battery": { "chemistry": "li-ion", "packing": "contained_in_equipment", "wh": 56 } })
        }
        4 => {
            json!({ "category": "gpu_server", "hs_code": "847150", "encryption": "mass_market", "radio": [], "gpu": { "tpp": 4800, "performance_density": 5.9 } })
        }
        5 => {
            json!({ "category": "mobile_phone", "hs_code": "851713", "encryption": "mass_market", "radio": ["cellular", "wifi"], "battery": { "chemistry": "li-ion", "packing": "contained_in_equipment", "wh": 15 } })
        }
        6 => json!({ "category": "ups", "hs_code": "850440", "encryption": "none", "radio": [] }),
        7 => json!({ "category": "cable", "hs_code": "854442", "encryption": "none", "radio": [] }),
        8 => {
            json!({ "category": "ssd", "hs_code": "852351", "encryption": "mass_market", "radio": [] })
        }
        _ => {
            json!({ "category": "server", "hs_code": "847150", "encryption": "mass_market", "radio": [], "condition": "refurbished" })
        }
    };
    let fields = item.as_object_mut().unwrap();
    fields.insert("description".into(), json!(format!("Line {idx}")));
    fields.insert("country_of_origin".into(), json!(origin));
    fields.entry("condition").or_insert(json!("new"));
    fields.insert("quantity".into(), json!(1 + idx % 7));
    fields.insert(
        "unit_value".into(),
        json!(format!("{}.{:02}", 100 + (idx * 37) % 9000, idx % 100)),
    );
    item
}

fn shipment(destination: &str, n_lines: usize) -> Shipment {
    // From the Netherlands (EU export controls), or into the Netherlands from Germany.
    let origin = if destination == "NL" { "DE" } else { "NL" };
    let request = json!({
        "reference": format!("BENCH-{destination}"),
        "client": { "name": "Bench Client GmbH", "country": "DE", "local_entity_in_destination": false },
        "origin": origin,
        "destination": destination,
        "transport_mode": "sea",
        "incoterm": "DDP",
        "currency": "EUR",
        "freight": "12500.00",
        "insurance": "800.00",
        "purpose": "business_use",
        "items": (0..n_lines).map(item).collect::<Vec<_>>(),
    });
    parse_shipment_value(&request).unwrap()
}

fn engine(c: &mut Criterion) {
    let kb = preclear_kb_bundle::load().unwrap();
    let as_of = "2026-11-21".parse().unwrap();

    let turkey = shipment("TR", 1000);
    let mut group = c.benchmark_group("assess");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("1000_lines_TR", |b| {
        b.iter(|| preclear_engine::assess(&kb, black_box(&turkey), as_of))
    });
    group.finish();

    let per_market: Vec<Shipment> = MARKETS.iter().map(|market| shipment(market, 1000)).collect();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(100_000));
    group.sample_size(20);
    group.bench_function("100k_line_destination_evaluations", |b| {
        b.iter(|| {
            for _ in 0..10 {
                for shipment in &per_market {
                    black_box(preclear_engine::assess(&kb, black_box(shipment), as_of));
                }
            }
        })
    });
    group.finish();

    // Breadth: one 100-line shipment into every market of the KB (58 with the EU members).
    let everywhere: Vec<Shipment> =
        kb.markets().map(|market| shipment(market.country.as_str(), 100)).collect();
    let lines = u64::try_from(everywhere.len() * 100).unwrap();
    let mut group = c.benchmark_group("every_market");
    group.throughput(Throughput::Elements(lines));
    group.bench_function("100_lines_into_each_market", |b| {
        b.iter(|| {
            for shipment in &everywhere {
                black_box(preclear_engine::assess(&kb, black_box(shipment), as_of));
            }
        })
    });
    group.finish();
}

/// The `preclear assess` path's shipment: 20,000 lines of servers, Wi-Fi access points, laptops
/// and routers, Germany from the United States, as request text.
fn cli_request(n_lines: usize) -> String {
    let kinds = [
        json!({ "category": "server", "hs_code": "847150", "radio": [], "unit_value": "9800.00" }),
        json!({ "category": "wireless_access_point", "hs_code": "851762", "radio": ["wifi", "bluetooth"], "unit_value": "450.00" }),
        json!({ "category": "laptop", "hs_code": "847130", "radio": ["wifi", "bluetooth"], "unit_value": "1400.00", "battery": { "chemistry": "li-ion", "packing": "contained_in_equipment", "wh": 56 } }),
        json!({ "category": "router", "hs_code": "851762", "radio": [], "unit_value": "3200.00" }),
    ];
    let origins = ["CN", "US", "TW", "MY"];
    let items: Vec<Value> = (0..n_lines)
        .map(|i| {
            let mut item = kinds[i % kinds.len()].clone();
            let fields = item.as_object_mut().unwrap();
            fields.insert("description".into(), json!(format!("Line {i}")));
            fields.insert("manufacturer".into(), json!("Vendor"));
            fields.insert("model".into(), json!(format!("M-{}", i % 4)));
            fields.insert("country_of_origin".into(), json!(origins[i % origins.len()]));
            fields.insert("condition".into(), json!("new"));
            fields.insert("quantity".into(), json!(1 + i % 5));
            fields.insert("encryption".into(), json!("mass_market"));
            item
        })
        .collect();
    json!({
        "reference": "BENCH-CLI",
        "client": { "name": "Nordwind Systems GmbH", "country": "DE", "local_entity_in_destination": false },
        "origin": "US",
        "destination": "DE",
        "transport_mode": "air",
        "incoterm": "DDP",
        "currency": "USD",
        "freight": "1850.00",
        "insurance": "95.00",
        "purpose": "business_use",
        "items": items,
    })
    .to_string()
}

fn full_path(c: &mut Criterion) {
    let kb = preclear_kb_bundle::load().unwrap();
    let as_of = "2026-12-07".parse().unwrap();
    let text = cli_request(20_000);
    let mut group = c.benchmark_group("full_path");
    group.throughput(Throughput::Elements(20_000));
    group.sample_size(10);
    group.bench_function("20000_lines_DE_from_US", |b| {
        b.iter(|| {
            let shipment =
                preclear_domain::request::parse_shipment_request(black_box(&text)).unwrap();
            let assessment = preclear_engine::assess(&kb, &shipment, as_of);
            serde_json::to_writer_pretty(std::io::sink(), &assessment).unwrap();
        })
    });
    group.finish();
}

/// One 100-line shipment compared across ten destinations (the comparison's latency target is
/// < 50 ms end to end through the API; this is the engine's share).
fn comparison(c: &mut Criterion) {
    let kb = preclear_kb_bundle::load().unwrap();
    let as_of = "2026-12-07".parse().unwrap();
    let shipment = preclear_domain::request::parse_shipment_request(&cli_request(100)).unwrap();
    let destinations: Vec<preclear_domain::Country> =
        ["BR", "IN", "TR", "MX", "SA", "AE", "GB", "JP", "AU", "SG"]
            .iter()
            .map(|c| preclear_domain::Country::parse(c).unwrap())
            .collect();
    let mut group = c.benchmark_group("compare");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("100_lines_10_destinations", |b| {
        b.iter(|| {
            let (comparison, assessments) =
                preclear_engine::compare::compare(&kb, black_box(&shipment), &destinations, as_of)
                    .unwrap();
            serde_json::to_writer(std::io::sink(), &comparison).unwrap();
            serde_json::to_writer(std::io::sink(), &assessments).unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, engine, full_path, comparison);
criterion_main!(benches);
