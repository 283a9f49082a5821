//! Documents at scale: a 10,000-row packing-list workbook imported into a shipment request,
//! assessed, and turned into its five PDFs (target: under 2 s in total).
//!
//! - `import/10000_rows`: XLSX bytes → validated shipment request.
//! - `pdfs/10000_lines`: the five PDFs of the assessed shipment.
//! - `end_to_end/10000_rows`: both, plus the assessment: what a user waits for.
//!
//! Run with `cargo bench -p preclear-docs --bench documents`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly on a broken fixture"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use preclear_docs::{DocKind, Entity, Parties, ShipmentDocs};
use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use preclear_import::{Limits, MappingOverride, RequestDefaults};
use rust_xlsxwriter::Workbook;

const ROWS: u32 = 10_000;

fn workbook() -> Vec<u8> {
    let models = [
        (
            "1U rack server, 2x Xeon Gold 6430, 512 GB",
            "Dell",
            "PowerEdge R660",
            "847150",
            9800.0,
            18.2,
        ),
        ("48-port 25G data-centre switch", "Arista", "7050SX3-48YC8", "851762", 14250.5, 9.8),
        ("NVMe SSD 7.68 TB", "Samsung", "PM9A3", "847170", 1210.99, 0.2),
        ("Rack PDU 32 A", "APC", "AP8886", "853690", 980.0, 4.1),
    ];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "PACKING LIST").unwrap();
    for (row, (label, value)) in [
        ("Invoice No", "BENCH-10000"),
        ("Origin", "NL"),
        ("Destination", "TR"),
        ("Currency", "EUR"),
        ("Incoterm", "DDP"),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(row as u32 + 2, 0, *label).unwrap();
        sheet.write_string(row as u32 + 2, 1, *value).unwrap();
    }
    let headers = [
        "Line",
        "Description",
        "Manufacturer",
        "Model",
        "HS Code",
        "Country of Origin",
        "Condition",
        "Qty",
        "Unit Price",
        "Unit Weight (kg)",
        "Serial Number",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string(8, col as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        let row = 9 + i;
        let (description, make, model, hs, price, weight) = models[(i % 4) as usize];
        sheet.write_number(row, 0, f64::from(i + 1)).unwrap();
        sheet.write_string(row, 1, format!("{description} #{i}")).unwrap();
        sheet.write_string(row, 2, make).unwrap();
        sheet.write_string(row, 3, model).unwrap();
        sheet.write_string(row, 4, hs).unwrap();
        sheet.write_string(row, 5, "CN").unwrap();
        sheet.write_string(row, 6, "new").unwrap();
        sheet.write_number(row, 7, 1.0).unwrap();
        sheet.write_number(row, 8, price).unwrap();
        sheet.write_number(row, 9, weight).unwrap();
        sheet.write_string(row, 10, format!("SN{i:07}")).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn defaults() -> RequestDefaults {
    RequestDefaults {
        vocabulary: preclear_kb_bundle::load().unwrap().category_vocabulary().clone(),
        client_name: Some("Nordwind Systems GmbH".to_owned()),
        client_country: Some("DE".to_owned()),
        transport_mode: Some("sea".to_owned()),
        purpose: Some("business_use".to_owned()),
        local_entity_in_destination: Some(false),
        ..RequestDefaults::default()
    }
}

fn parties() -> Parties {
    Parties {
        importer: Some(Entity {
            name: "Boğaziçi İthalat Hizmetleri A.Ş.".to_owned(),
            country: Some("TR".to_owned()),
            address: None,
            tax_id: None,
        }),
        broker: None,
        consignee: None,
    }
}

fn end_to_end(bytes: &[u8], kb: &preclear_kb::Kb, as_of: Date) -> usize {
    let imported = preclear_import::import(
        "packing-list.xlsx",
        bytes,
        &MappingOverride::default(),
        &defaults(),
        &Limits::default(),
    )
    .unwrap();
    let shipment = parse_shipment_value(&imported.request).unwrap();
    let assessment = preclear_engine::assess(kb, &shipment, as_of);
    let docs = ShipmentDocs::new(&shipment, &assessment, &parties());
    DocKind::ALL
        .iter()
        .map(|kind| preclear_docs::pdf(&docs, &assessment, *kind).unwrap().len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let kb = preclear_kb_bundle::load().unwrap();
    let as_of: Date = "2026-11-21".parse().unwrap();
    let bytes = workbook();
    let mut group = c.benchmark_group("documents");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("import/10000_rows", |b| {
        b.iter(|| {
            let imported = preclear_import::import(
                "packing-list.xlsx",
                black_box(&bytes),
                &MappingOverride::default(),
                &defaults(),
                &Limits::default(),
            )
            .unwrap();
            parse_shipment_value(&imported.request).unwrap()
        })
    });
    let imported = preclear_import::import(
        "packing-list.xlsx",
        &bytes,
        &MappingOverride::default(),
        &defaults(),
        &Limits::default(),
    )
    .unwrap();
    let shipment = parse_shipment_value(&imported.request).unwrap();
    assert_eq!(shipment.items.len(), ROWS as usize);
    let assessment = preclear_engine::assess(&kb, &shipment, as_of);
    let docs = ShipmentDocs::new(&shipment, &assessment, &parties());
    group.bench_function("pdfs/10000_lines", |b| {
        b.iter(|| {
            DocKind::ALL
                .iter()
                .map(|kind| preclear_docs::pdf(black_box(&docs), &assessment, *kind).unwrap().len())
                .sum::<usize>()
        })
    });
    group.bench_function("end_to_end/10000_rows", |b| {
        b.iter(|| end_to_end(black_box(&bytes), &kb, as_of))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
