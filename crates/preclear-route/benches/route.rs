//! Route queries on the bundled network: one sea route (Rotterdam to Singapore, open and with
//! Suez closed), and the network's parse (once per process).

#![allow(clippy::unwrap_used, reason = "benchmarks")]

use criterion::{Criterion, criterion_group, criterion_main};
use preclear_route::{AIRPORTS, Assumptions, MARNET, Mode, Network, PORTS, RouteRequest, plan};

fn request(closed: &[&str]) -> RouteRequest {
    RouteRequest {
        from: "NLRTM".to_owned(),
        to: "SGSIN".to_owned(),
        mode: Mode::Sea,
        closed: closed.iter().map(|c| (*c).to_owned()).collect(),
        weight_kg: Some(rust_decimal::Decimal::from(12_000)),
    }
}

fn benches(c: &mut Criterion) {
    let network = Network::bundled();
    let assumptions = Assumptions::stated();
    let open = request(&[]);
    let closed = request(&["suez", "babalmandab"]);
    c.bench_function("sea route NLRTM-SGSIN", |b| {
        b.iter(|| plan(network, &open, &assumptions).unwrap())
    });
    c.bench_function("sea route NLRTM-SGSIN, Suez closed", |b| {
        b.iter(|| plan(network, &closed, &assumptions).unwrap())
    });
    let air =
        RouteRequest { from: "AMS".into(), to: "SIN".into(), mode: Mode::Air, ..open.clone() };
    c.bench_function("air route AMS-SIN", |b| {
        b.iter(|| plan(network, &air, &assumptions).unwrap())
    });
    // Re-planning a program after Suez and Bab-el-Mandeb close: 10,000 consignments on 200
    // lanes (20 origin ports x 10 destinations), each lane planned once.
    let origins = [
        "NLRTM", "DEHAM", "BEANR", "GBFXT", "FRLEH", "ESVLC", "ITGOA", "GRPIR", "PLGDN", "SEGOT",
        "USNYC", "USSAV", "USHOU", "CAHAL", "BRSSZ", "ARBUE", "ZADUR", "NGLOS", "MAPTM", "TRMER",
    ];
    let destinations =
        ["SGSIN", "IDJKT", "VNSGN", "CNSHA", "KRPUS", "JPTYO", "AEJEA", "INNSA", "AUMEL", "THLCH"];
    let requests: Vec<RouteRequest> = (0..10_000)
        .map(|i| RouteRequest {
            from: origins[i % origins.len()].to_owned(),
            to: destinations[(i / origins.len()) % destinations.len()].to_owned(),
            mode: Mode::Sea,
            closed: vec!["suez".to_owned(), "babalmandab".to_owned()],
            weight_kg: Some(rust_decimal::Decimal::from(500 + i % 7_000)),
        })
        .collect();
    let mut group = c.benchmark_group("replan");
    group.sample_size(10);
    group.bench_function("10,000 consignments on 200 lanes, Suez closed", |b| {
        b.iter(|| preclear_route::plan_many(network, &requests, &assumptions))
    });
    group.finish();
    let mut group = c.benchmark_group("network");
    group.sample_size(10);
    group.bench_function("parse the bundled network", |b| {
        b.iter(|| Network::parse(MARNET, PORTS, AIRPORTS).unwrap())
    });
    group.finish();
}

criterion_group!(route, benches);
criterion_main!(route);
