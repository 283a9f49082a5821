//! Generated documents: exact totals, deterministic files, attached data, golden text extracted
//! by poppler's pdftotext, a rendered page that is not blank, long tables across pages, Turkish
//! and Vietnamese text, and XLSX lists that import back into the same lines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use std::path::Path;
use std::process::Command;

use preclear_docs::{DocKind, Format, ShipmentDocs};
use preclear_domain::request::parse_shipment_value;
use preclear_import::{Limits, MappingOverride, RequestDefaults};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::*;

#[test]
fn totals_are_the_exact_sums_of_the_lines() {
    let kb = kb();
    let mut request = example();
    request["items"] = json!([
        {"description": "Server", "category": "server", "country_of_origin": "CN", "condition": "new", "quantity": 3, "unit_value": "0.10", "unit_weight_kg": "18.2"},
        {"description": "Cable", "category": "cable", "country_of_origin": "CN", "condition": "new", "quantity": 7, "unit_value": "0.20", "unit_weight_kg": "0.15"},
        {"description": "Odd unit value", "category": "ssd", "country_of_origin": "CN", "condition": "new", "quantity": 3, "unit_value": "33.335", "unit_weight_kg": "0.1"}
    ]);
    let (docs, _) = docs_for(&kb, &request);
    // 0.30 + 1.40 + 100.005 → 100.01 (half-up to cents) = 101.71, exactly; no float drift.
    assert_eq!(docs.lines[0].line_value, Decimal::new(30, 2));
    assert_eq!(docs.lines[1].line_value, Decimal::new(140, 2));
    assert_eq!(docs.lines[2].line_value, Decimal::new(10001, 2));
    assert_eq!(docs.totals.goods_value, Decimal::new(10171, 2));
    assert_eq!(docs.totals.invoice_total, Decimal::new(10171 + 185000 + 9500, 2));
    assert_eq!(docs.totals.net_weight_kg, Some(Decimal::new(5595, 2)));
    assert_eq!(docs.totals.quantity, 13);
}

#[test]
fn every_document_is_generated_deterministically_with_its_data_attached() {
    let kb = kb();
    let (docs, assessment) = docs_for(&kb, &example());
    let first = preclear_docs::generate_all(&docs, &assessment).unwrap();
    let second = preclear_docs::generate_all(&docs, &assessment).unwrap();
    assert_eq!(first.len(), 9, "six PDFs (with the quote) and three XLSX lists");
    let dir = out_dir("example");
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.file_name, b.file_name);
        assert!(a.bytes == b.bytes, "{} differs between two runs", a.file_name);
        std::fs::write(dir.join(&a.file_name), &a.bytes).unwrap();
        if a.format == Format::Pdf {
            assert!(a.bytes.starts_with(b"%PDF-"));
            let attached = preclear_pdf::attachments(&a.bytes, 1 << 20).unwrap();
            let data = attached.iter().find(|f| f.name == preclear_docs::ATTACHMENT_NAME).unwrap();
            let value: Value = serde_json::from_slice(&data.data).unwrap();
            assert_eq!(value["kind"], a.kind.slug());
            let back: ShipmentDocs = serde_json::from_value(value["docs"].clone()).unwrap();
            assert_eq!(back, docs, "the attached data is the documents' content");
        } else {
            assert!(a.bytes.starts_with(b"PK\x03\x04"));
        }
    }
    assert!(preclear_docs::xlsx(&docs, DocKind::PowerOfAttorney).is_err());
}

/// The text `pdftotext -layout` extracts, with the KB version masked and every run of spaces
/// made one: the KB version's glyphs (its hex digits differ in width) move the columns that
/// `pdftotext` infers, so the golden files compare words and lines, not column widths.
fn normalised(text: &str, docs: &ShipmentDocs) -> String {
    text.replace(&docs.kb_version, "<KB>")
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[test]
fn the_pdfs_match_their_golden_text() {
    if !have("pdftotext") {
        return;
    }
    let kb = kb();
    let (docs, assessment) = docs_for(&kb, &example());
    let dir = out_dir("golden");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var("PRECLEAR_UPDATE_GOLDEN").as_deref() == Ok("1");
    for kind in [
        DocKind::CommercialInvoice,
        DocKind::PackingList,
        DocKind::SpecificationList,
        DocKind::PowerOfAttorney,
    ] {
        let pdf = preclear_docs::pdf(&docs, &assessment, kind).unwrap();
        let path = dir.join(format!("{}.pdf", kind.slug()));
        std::fs::write(&path, &pdf).unwrap();
        let text = normalised(&pdf_text(&path), &docs);
        let expected_path = golden.join(format!("{}.txt", kind.slug()));
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&expected_path, format!("{text}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!("no golden file {}; run with PRECLEAR_UPDATE_GOLDEN=1", expected_path.display())
        });
        assert_eq!(
            text,
            expected.trim(),
            "{} differs from its golden text (PRECLEAR_UPDATE_GOLDEN=1 rewrites it)",
            kind.slug()
        );
    }
    // What the golden files must say, whatever their layout.
    let invoice = std::fs::read_to_string(golden.join("commercial-invoice.txt")).unwrap();
    for expected in [
        "Commercial invoice",
        "Importer of record",
        "Boğaziçi İthalat Hizmetleri A.Ş.",
        "PowerEdge R660",
        "847150",
        "98,000.00",
        "99,945.00",
        "Page 1 of 1",
    ] {
        assert!(invoice.contains(expected), "the invoice lacks `{expected}`");
    }
}

#[test]
fn the_first_page_renders_to_a_non_blank_image() {
    if !have("pdftoppm") {
        return;
    }
    let kb = kb();
    let (docs, assessment) = docs_for(&kb, &example());
    let dir = out_dir("render");
    let pdf = preclear_docs::pdf(&docs, &assessment, DocKind::CommercialInvoice).unwrap();
    let path = dir.join("commercial-invoice.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let pgm = std::fs::read(dir.join("page.pgm")).unwrap();
    // P5 header: magic, width, height, maxval, then one byte per pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
    }
    let pixels = &pgm[at + 1..];
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    assert_eq!(pixels.len(), width * height);
    assert!(width > height, "the invoice is landscape");
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    let share = dark * 1000 / pixels.len();
    assert!((10..400).contains(&share), "{share}‰ of the page is dark: blank or black");
    // Ink in the top and bottom bands: a heading and a footer with the page number.
    // (The footer is grey text: counted below 200.)
    let band = |from: usize, to: usize| {
        pixels[from * width..to * width].iter().filter(|&&p| p < 200).count()
    };
    assert!(band(0, height / 6) > 0, "nothing at the top of the page");
    assert!(band(height * 9 / 10, height) > 0, "nothing at the foot of the page");
}

#[test]
fn long_tables_break_across_pages_and_turkish_and_vietnamese_survive() {
    if !have("pdftotext") {
        return;
    }
    let kb = kb();
    let mut request = example();
    request["consignee"] = json!({"name": "Công ty TNHH Dữ liệu Đà Nẵng", "country": "VN", "address": "Hải Châu, Đà Nẵng"});
    request["destination"] = json!("VN");
    let item = request["items"][0].clone();
    request["items"] = Value::Array(
        (0..300)
            .map(|i| {
                let mut line = item.clone();
                line["description"] = json!(format!("Máy chủ {i}: sunucu ışık ğüşöç"));
                line["serials"] = json!([format!("SN{i:06}")]);
                line["quantity"] = json!(1);
                line
            })
            .collect(),
    );
    let (docs, assessment) = docs_for(&kb, &request);
    let dir = out_dir("long");
    let pdf = preclear_docs::pdf(&docs, &assessment, DocKind::PackingList).unwrap();
    let path = dir.join("packing-list.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = pdf_text(&path);
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages > 3, "300 lines on {pages} pages");
    assert!(
        text.contains(&format!("Page 1 of {pages}")),
        "page numbers: {}",
        &text[..text.len().min(400)]
    );
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("Công ty TNHH Dữ liệu Đà Nẵng"));
    assert!(text.contains("Máy chủ 299: sunucu ışık ğüşöç"));
    assert!(text.contains("Boğaziçi İthalat Hizmetleri A.Ş."));
    // The header row is repeated on every page the table continues on.
    for (n, page) in text.split('\u{c}').filter(|p| !p.trim().is_empty()).enumerate() {
        assert!(page.contains("Serial numbers"), "page {} has no table header", n + 1);
    }
    assert!(text.contains("SN000299"));
    assert!(text.contains("300"), "the total quantity");
}

#[test]
fn the_xlsx_lists_import_back_into_the_same_lines() {
    let kb = kb();
    let mut request = example();
    request["items"][0]["serials"] = json!(["SRV-1", "SRV-2"]);
    request["items"][0]["quantity"] = json!(2);
    request["items"]
        .as_array_mut()
        .unwrap()
        .push(json!({"description": "Wireless access point, Wi-Fi 6E", "category": "wireless_access_point", "hs_code": "851762", "manufacturer": "Cisco", "model": "CW9166I", "country_of_origin": "MX", "condition": "new", "quantity": 4, "unit_value": "1234.56", "unit_weight_kg": "1.2", "radio": ["wifi", "bluetooth"], "encryption": "mass_market"}));
    let (docs, _) = docs_for(&kb, &request);
    let xlsx = preclear_docs::xlsx(&docs, DocKind::CommercialInvoice).unwrap();
    std::fs::write(out_dir("xlsx").join("commercial-invoice.xlsx"), &xlsx).unwrap();
    let defaults = RequestDefaults {
        vocabulary: preclear_kb_bundle::load().unwrap().category_vocabulary().clone(),
        client_name: Some("Nordwind Systems GmbH".to_owned()),
        client_country: Some("DE".to_owned()),
        purpose: Some("business_use".to_owned()),
        local_entity_in_destination: Some(false),
        ..RequestDefaults::default()
    };
    let imported = preclear_import::import(
        "commercial-invoice.xlsx",
        &xlsx,
        &MappingOverride::default(),
        &defaults,
        &Limits::default(),
    )
    .unwrap();
    let shipment = parse_shipment_value(&imported.request)
        .unwrap_or_else(|e| panic!("{e}\n{:#}", imported.request));
    let original = parse_shipment_value(&request).unwrap();
    assert_eq!(shipment.reference, original.reference);
    assert_eq!(shipment.origin, original.origin);
    assert_eq!(shipment.destination, original.destination);
    assert_eq!(shipment.currency, original.currency);
    assert_eq!(shipment.incoterm, original.incoterm);
    assert_eq!(shipment.items.len(), 2);
    for (a, b) in shipment.items.iter().zip(&original.items) {
        assert_eq!(a.description, b.description);
        assert_eq!(a.category, b.category);
        assert_eq!(a.hs_code, b.hs_code);
        assert_eq!(a.manufacturer, b.manufacturer);
        assert_eq!(a.model, b.model);
        assert_eq!(a.country_of_origin, b.country_of_origin);
        assert_eq!(a.quantity, b.quantity);
        assert_eq!(a.unit_value, b.unit_value, "money survives the spreadsheet exactly");
        assert_eq!(
            a.unit_weight_kg.map(|w| w.normalize()),
            b.unit_weight_kg.map(|w| w.normalize())
        );
        assert_eq!(a.radio, b.radio);
        assert_eq!(a.encryption, b.encryption);
        assert_eq!(a.serials, b.serials);
    }
}

#[test]
fn the_quote_is_one_page_with_the_cost_by_charge_who_pays_and_its_validity() {
    if !have("pdftotext") {
        return;
    }
    let kb = kb();
    let (docs, assessment) = docs_for(&kb, &example());
    let pdf = preclear_docs::pdf(&docs, &assessment, DocKind::Quote).unwrap();
    let path = out_dir("quote").join("quote.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = pdf_text(&path);
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The example: TR, 2026-11-21, DDP (the seller pays duties and taxes), KB version shown.
    for expected in [
        "Landed-cost quote",
        "Türkiye",
        "DDP",
        "Landed cost (EUR)",
        "Paid by",
        "seller",
        "Valid until 2026-12-21",
        "Before the goods move",
        "Service charges",
        "Import VAT",
        "Page 1 of 1",
    ] {
        assert!(squeezed.contains(expected), "the quote lacks {expected:?}:\n{text}");
    }
    // Whether the import VAT comes back, and the net cost when it does.
    let recovery = assessment.landed_cost.vat_recovery.as_ref().unwrap();
    assert_eq!(recovery.recoverable, Some(true), "the bundled KB: a Turkish IOR deducts the KDV");
    let net = preclear_docs::model::money_text(recovery.net_cost.unwrap(), &docs.currency);
    assert!(
        squeezed.contains(&format!("net cost after recovery {net}")),
        "the quote lacks the net cost {net}:\n{text}"
    );
    assert!(squeezed.contains(&docs.kb_version), "the KB version is on the quote");
    let total = preclear_docs::model::money_text(
        assessment.landed_cost.total.parse().unwrap(),
        &docs.currency,
    );
    assert!(squeezed.contains(&total), "the quote lacks the total {total}:\n{text}");
    for charge in assessment.landed_cost.duties.iter().chain(&assessment.landed_cost.taxes) {
        assert!(squeezed.contains(&charge.name), "the quote lacks the charge {}", charge.name);
    }
}
