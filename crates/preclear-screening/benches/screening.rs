//! Screening speed on the bundled snapshots (UN, OFAC SDN and non-SDN: every name and alias).
//!
//! - `screen/one_party`: one party's name against every list (`Screener::search`, without the
//!   memory of names already screened), cycling through listed names as
//!   written, with a typo, transliterated, and unlisted company names (target: under 1 ms
//!   median on one core).
//! - `index/build`: reading nothing, indexing every entry (what a list update costs after
//!   parsing).
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
}

criterion_group!(benches, screening);
criterion_main!(benches);
