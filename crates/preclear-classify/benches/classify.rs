//! Classification speed on the bundled KB: one line at a time, over the labelled descriptions of
//! four sets of `tests/classification` (computers, network, power, general: 401 lines of
//! packing-list wording).
//! `cargo bench -p preclear-classify --bench classify`

use criterion::{Criterion, criterion_group, criterion_main};

fn lines() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/classification");
    let mut out = Vec::new();
    for set in ["computers", "network", "power", "general"] {
        let text = std::fs::read_to_string(dir.join(format!("{set}.csv"))).unwrap_or_default();
        if let Ok(examples) = preclear_classify::evaluate::read(set, &text) {
            out.extend(examples.into_iter().map(|e| e.description));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let Ok(kb) = preclear_kb_bundle::load() else { return };
    let classifier = kb.classifier().clone();
    let lines = lines();
    let mut group = c.benchmark_group("classify");
    group.throughput(criterion::Throughput::Elements(lines.len() as u64));
    group.bench_function("labelled lines, one by one", |b| {
        b.iter(|| {
            for line in &lines {
                std::hint::black_box(classifier.classify(&preclear_classify::Line {
                    description: line,
                    ..preclear_classify::Line::default()
                }));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
