//! Layout and writing of a long table: one 8-column, 10,000-row table (about 220 A4 pages) with
//! the fonts subset and the streams compressed. Run with
//! `cargo bench -p preclear-pdf --bench layout`.

#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly on a broken fixture")]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use preclear_pdf::{Block, Document, render};

fn bench(c: &mut Criterion) {
    let doc = Document {
        title: "Specification list".to_owned(),
        running_header: "Specification list".to_owned(),
        footer: "preclear".to_owned(),
        blocks: vec![Block::Table(common::invoice_table(10_000))],
        ..Document::default()
    };
    let bytes = render(&doc).unwrap().len();
    eprintln!("10,000 rows: {bytes} bytes");
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    group.bench_function("render/10000_row_table", |b| {
        b.iter(|| render(black_box(&doc)).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
