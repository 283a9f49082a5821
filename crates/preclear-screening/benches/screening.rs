//! Screening speed on the bundled snapshots (UN, OFAC SDN and non-SDN, BIS: every name and
//! alias).
//!
//! - `screen/one_party`: one party's name against every list (`Screener::search`, without the
//!   memory of names already screened), cycling through listed names as
//!   written, with a typo, transliterated, and unlisted company names (target: under 1 ms
//!   median on one core).
//! - `index/build`: reading nothing, indexing every entry (what a list update costs after
//!   parsing).
//! - `rescreen/100k_parties_50_changed`: delta re-screening's screening part: 100,000 distinct
//!   party names (with countries) against an index of the 50 entries a list update changed
//!   (target: re-screening 100,000 stored parties under 10 s; reading them from the store is
//!   not in this figure).
//!
//! Run with `cargo bench -p preclear-screening --bench screening`.

#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly on a broken fixture")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use preclear_screening::{Screener, lists};

const QUERIES: [&str; 8] = [
    "Banco Nacional de Cuba",
    "BANCO NACINAL DE CUBA",
    "Эрик Бадеге",
    "Nordwind Systems GmbH",
    "Anadolu Veri Merkezi A.Ş.",
    "Rheinwerk Rechenzentrum GmbH",
    "AEROCARIBBEAN AIRLINES",
    "Islamic Revolutionary Guard Corps",
];

fn screening(c: &mut Criterion) {
    let entries = lists::bundled().unwrap();
    let screener = Screener::new(entries.clone());
    let mut next = 0usize;
    c.bench_function("screen/one_party", |b| {
        b.iter(|| {
            next = (next + 1) % QUERIES.len();
            black_box(screener.search(black_box(QUERIES[next]), None))
        });
    });
    c.bench_function("index/build", |b| b.iter(|| black_box(Screener::new(entries.clone()))));
    // 100,000 parties: listed names with a number added, so each is distinct and most resemble
    // something; the delta: 50 entries spread over the lists.
    let parties: Vec<String> = (0..100_000)
        .map(|i| {
            let entry = &entries[(i * 7919) % entries.len()];
            format!("{} {i}", entry.names[0].text)
        })
        .collect();
    let delta =
        Screener::new(entries.iter().step_by(entries.len() / 50).take(50).cloned().collect());
    let mut group = c.benchmark_group("rescreen");
    group.sample_size(10);
    group.bench_function("100k_parties_50_changed", |b| {
        b.iter(|| {
            let hits: usize =
                parties.iter().map(|p| delta.search(black_box(p), Some("Russia")).len()).sum();
            black_box(hits)
        });
    });
    group.finish();
}

criterion_group!(benches, screening);
criterion_main!(benches);
