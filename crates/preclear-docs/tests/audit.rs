//! The document audit, one case per rule: documents that agree, a planted quantity, value, HS,
//! weight, currency and total inconsistency, a line missing from the packing list, a component
//! of the specification list (a radio module) left off the invoice, price bands, refurbished
//! goods without condition or valuation method, and required documents that are missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use preclear_docs::{AuditOptions, AuditReport, DocKind, InputFile, PriceBands};
use preclear_engine::Severity;
use preclear_import::{Limits, RequestDefaults};
use rust_decimal::Decimal;
use serde_json::json;
use support::V::{E, N, T};
use support::*;

const META: [(&str, &str); 6] = [
    ("Invoice No", "INV-2026-77"),
    ("Seller", "Nordwind Systems GmbH"),
    ("Origin", "NL"),
    ("Destination", "TR"),
    ("Incoterm", "DDP"),
    ("Currency", "USD"),
];
const INVOICE_HEADERS: [&str; 11] = [
    "Line",
    "Description",
    "Category",
    "Manufacturer",
    "Model",
    "HS Code",
    "Country of Origin",
    "Condition",
    "Quantity",
    "Unit Price",
    "Total",
];
const PACKING_HEADERS: [&str; 7] =
    ["Line", "Description", "Model", "HS Code", "Quantity", "Net Weight (kg)", "Serial Number"];
const SPEC_HEADERS: [&str; 8] = [
    "Line",
    "Manufacturer",
    "Model",
    "Technical parameters",
    "HS Code",
    "Condition",
    "Quantity",
    "Radio",
];

fn invoice_rows() -> Vec<Vec<V>> {
    vec![
        vec![
            N(1.0),
            T("1U rack server"),
            T("server"),
            T("Dell"),
            T("PowerEdge R660"),
            T("847150"),
            T("CN"),
            T("new"),
            N(10.0),
            N(9800.0),
            N(98000.0),
        ],
        vec![
            N(2.0),
            T("Edge router"),
            T("router"),
            T("Cisco"),
            T("C1111-4P"),
            T("851762"),
            T("MX"),
            T("new"),
            N(2.0),
            N(1200.5),
            N(2401.0),
        ],
    ]
}

fn invoice_total(rows: &[Vec<V>], quantity: f64, value: f64) -> Vec<Vec<V>> {
    let mut rows = rows.to_vec();
    rows.push(vec![E, T("Total"), E, E, E, E, E, E, N(quantity), E, N(value)]);
    rows
}

fn packing_rows() -> Vec<Vec<V>> {
    vec![
        vec![
            N(1.0),
            T("1U rack server"),
            T("PowerEdge R660"),
            T("847150"),
            N(10.0),
            N(182.0),
            T("SRV-01, SRV-02, SRV-03, SRV-04, SRV-05, SRV-06, SRV-07, SRV-08, SRV-09, SRV-10"),
        ],
        vec![N(2.0), T("Edge router"), T("C1111-4P"), T("851762"), N(2.0), N(4.4), E],
    ]
}

fn spec_rows() -> Vec<Vec<V>> {
    vec![
        vec![
            N(1.0),
            T("Dell"),
            T("PowerEdge R660"),
            T("2x Xeon Gold 6430, 512 GB RAM"),
            T("847150"),
            T("new"),
            N(10.0),
            T("none"),
        ],
        vec![
            N(2.0),
            T("Cisco"),
            T("C1111-4P"),
            T("4-port router, 8 GB"),
            T("851762"),
            T("new"),
            N(2.0),
            T("none"),
        ],
    ]
}

fn file(name: &str, bytes: Vec<u8>) -> InputFile {
    InputFile { name: name.to_owned(), bytes }
}

fn invoice() -> InputFile {
    file(
        "invoice.xlsx",
        workbook(
            "COMMERCIAL INVOICE",
            &META,
            &INVOICE_HEADERS,
            &invoice_total(&invoice_rows(), 12.0, 100401.0),
        ),
    )
}

fn packing(rows: Vec<Vec<V>>) -> InputFile {
    file("packing.xlsx", workbook("PACKING LIST", &META, &PACKING_HEADERS, &rows))
}

fn spec(rows: Vec<Vec<V>>) -> InputFile {
    file("spec.xlsx", workbook("EQUIPMENT SPECIFICATION LIST", &META, &SPEC_HEADERS, &rows))
}

fn run(files: &[InputFile]) -> AuditReport {
    run_with(files, vec![])
}

fn run_with(files: &[InputFile], usd_rates: Vec<(String, Decimal)>) -> AuditReport {
    let kb = kb();
    let bands = PriceBands::bundled();
    let defaults = RequestDefaults {
        vocabulary: preclear_kb_bundle::load().unwrap().category_vocabulary().clone(),
        client_country: Some("DE".to_owned()),
        transport_mode: Some("air".to_owned()),
        purpose: Some("business_use".to_owned()),
        local_entity_in_destination: Some(false),
        ..RequestDefaults::default()
    };
    let options = AuditOptions {
        kb: &kb,
        as_of: as_of(),
        bands: &bands,
        usd_rates,
        request: None,
        defaults,
        limits: Limits::default(),
    };
    preclear_docs::audit(files, &options).unwrap()
}

fn codes(report: &AuditReport, severity: Severity) -> Vec<&'static str> {
    report.findings.iter().filter(|f| f.severity == severity).map(|f| f.code).collect()
}

fn finding<'a>(report: &'a AuditReport, code: &str) -> &'a preclear_docs::AuditFinding {
    report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", report.findings))
}

#[test]
fn documents_that_agree_have_no_blocker() {
    let report = run(&[invoice(), packing(packing_rows()), spec(spec_rows())]);
    assert_eq!(codes(&report, Severity::Blocker), Vec::<&str>::new(), "{:#?}", report.findings);
    let kinds: Vec<_> = report.documents.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        vec![
            Some(DocKind::CommercialInvoice),
            Some(DocKind::PackingList),
            Some(DocKind::SpecificationList)
        ]
    );
    assert_eq!(report.destination.as_deref(), Some("TR"));
    assert!(report.kb_version.is_some(), "the destination's required documents were checked");
    assert_ne!(report.outcome, "blocked");
}

#[test]
fn a_planted_quantity_is_a_blocker_naming_both_cells() {
    let mut rows = packing_rows();
    rows[0][4] = N(9.0);
    let report = run(&[invoice(), packing(rows)]);
    let f = finding(&report, "docs.quantity_mismatch");
    assert_eq!(f.severity, Severity::Blocker);
    assert!(
        f.message.contains("quantity 10 on invoice.xlsx but 9 on packing.xlsx"),
        "{}",
        f.message
    );
    assert_eq!(f.at.len(), 2);
    assert!(f.at[1].starts_with("packing.xlsx: "), "{:?}", f.at);
    assert_eq!(report.outcome, "blocked");
}

#[test]
fn hs_weight_and_missing_lines_are_found() {
    let mut rows = packing_rows();
    rows[1][3] = T("847330");
    rows.truncate(2);
    rows.push(vec![N(3.0), T("Console cable"), T("CAB-CON"), T("854442"), N(1.0), N(0.1), E]);
    let report = run(&[invoice(), packing(rows)]);
    assert_eq!(finding(&report, "docs.hs_mismatch").severity, Severity::Blocker);
    let missing = finding(&report, "docs.line_missing");
    assert!(missing.message.contains("Console cable"), "{}", missing.message);

    // Weights: an invoice that states them against a packing list that says otherwise.
    let mut headers = INVOICE_HEADERS.to_vec();
    headers.push("Net Weight (kg)");
    let mut inv = invoice_rows();
    inv[0].push(N(182.0));
    inv[1].push(N(4.4));
    let weighed = file("invoice.xlsx", workbook("COMMERCIAL INVOICE", &META, &headers, &inv));
    let mut rows = packing_rows();
    rows[0][5] = N(190.0);
    let report = run(&[weighed, packing(rows)]);
    let f = finding(&report, "docs.weight_mismatch");
    assert_eq!(f.severity, Severity::Condition);
    assert!(
        f.message.contains("182 kg on invoice.xlsx but 190 kg on packing.xlsx"),
        "{}",
        f.message
    );
}

#[test]
fn a_wrong_total_and_a_second_currency_are_blockers() {
    let bad_total = file(
        "invoice.xlsx",
        workbook(
            "COMMERCIAL INVOICE",
            &META,
            &INVOICE_HEADERS,
            &invoice_total(&invoice_rows(), 12.0, 100400.0),
        ),
    );
    let report = run(&[bad_total, packing(packing_rows())]);
    let f = finding(&report, "docs.total_mismatch");
    assert_eq!(f.severity, Severity::Blocker);
    assert!(f.message.contains("100400") && f.message.contains("100401"), "{}", f.message);

    let mut eur = META;
    eur[5] = ("Currency", "EUR");
    let packing_eur =
        file("packing.xlsx", workbook("PACKING LIST", &eur, &PACKING_HEADERS, &packing_rows()));
    let report = run(&[invoice(), packing_eur]);
    assert_eq!(finding(&report, "docs.currency_mismatch").severity, Severity::Blocker);
}

#[test]
fn an_omitted_radio_module_is_a_blocker() {
    // The intermediary's invoice leaves out the LTE module that the specification list shows.
    let mut rows = spec_rows();
    rows.push(vec![
        N(3.0),
        T("Cisco"),
        T("NIM-LTEA-EA"),
        T("LTE Advanced pluggable modem module for the C1111"),
        T("851762"),
        T("new"),
        N(2.0),
        T("LTE"),
    ]);
    let report = run(&[invoice(), packing(packing_rows()), spec(rows)]);
    let f = finding(&report, "docs.spec_component_undeclared");
    assert_eq!(f.severity, Severity::Blocker);
    assert!(f.message.contains("NIM-LTEA-EA") && f.message.contains("cellular"), "{}", f.message);

    // The router's radio is on the specification list, but the invoice says it has none.
    let mut rows = spec_rows();
    rows[1][3] = T("4-port router with built-in LTE modem and Wi-Fi");
    rows[1][7] = T("LTE, Wi-Fi");
    let report = run(&[invoice(), spec(rows)]);
    let f = finding(&report, "docs.radio_undeclared");
    assert_eq!(f.severity, Severity::Blocker);
    assert!(f.message.contains("cellular") && f.message.contains("Wi-Fi"), "{}", f.message);
}

#[test]
fn values_outside_the_price_band_are_flagged_with_the_basis() {
    let mut rows = invoice_rows();
    rows[0][9] = N(45.0); // a server at USD 45
    rows[0][10] = N(450.0);
    rows[1][9] = N(480000.0); // a router at USD 480,000
    rows[1][10] = N(960000.0);
    let under =
        file("invoice.xlsx", workbook("COMMERCIAL INVOICE", &META, &INVOICE_HEADERS, &rows));
    let report = run(&[under]);
    let f = finding(&report, "docs.possible_undervaluation");
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("below the plausible band for new server (USD 500.00 to 150,000.00)"),
        "{}",
        f.message
    );
    assert!(f.basis.as_deref().unwrap().contains("editorial"));
    assert_eq!(f.confidence.as_deref(), Some("low"));
    assert_eq!(finding(&report, "docs.possible_overvaluation").severity, Severity::Warning);

    // In EUR, the bands need a rate; without one the check says so, with one it runs.
    let mut eur = META;
    eur[5] = ("Currency", "EUR");
    let in_eur =
        || file("invoice.xlsx", workbook("COMMERCIAL INVOICE", &eur, &INVOICE_HEADERS, &rows));
    let report = run(&[in_eur()]);
    assert_eq!(finding(&report, "docs.band_not_compared").severity, Severity::Info);
    let report = run_with(&[in_eur()], vec![("EUR".to_owned(), Decimal::new(108, 2))]);
    assert!(finding(&report, "docs.possible_undervaluation").message.contains("at 1.08 per EUR"));
}

#[test]
fn refurbished_goods_need_their_condition_and_a_valuation_method() {
    let mut rows = spec_rows();
    rows[0][5] = T("refurbished");
    let report = run(&[invoice(), spec(rows)]);
    let f = finding(&report, "docs.condition_mismatch");
    assert_eq!(f.severity, Severity::Blocker, "the invoice calls refurbished servers new");

    let mut inv = invoice_rows();
    inv[0][7] = T("refurbished");
    let refurbished =
        file("invoice.xlsx", workbook("COMMERCIAL INVOICE", &META, &INVOICE_HEADERS, &inv));
    let report = run(&[refurbished]);
    assert_eq!(finding(&report, "docs.valuation_method_missing").severity, Severity::Condition);

    let mut headers = INVOICE_HEADERS.to_vec();
    headers.push("Valuation method");
    let mut inv = invoice_rows();
    inv[0][7] = T("refurbished");
    inv[0].push(T("refurbisher's price list 2026-Q4"));
    let declared = file("invoice.xlsx", workbook("COMMERCIAL INVOICE", &META, &headers, &inv));
    let report = run(&[declared]);
    assert!(
        report.findings.iter().all(|f| f.code != "docs.valuation_method_missing"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn missing_required_documents_are_conditions() {
    // Only an invoice: the packing list every destination requires is missing.
    let report = run(&[invoice()]);
    let f = finding(&report, "docs.required_missing");
    assert_eq!(f.severity, Severity::Condition);
    assert!(f.message.contains("Packing list"), "{}", f.message);
    assert!(f.basis.as_deref().unwrap().starts_with("doc.packing-list"));
    assert!(
        report.findings.iter().any(|f| f.code == "docs.required_not_audited"),
        "documents this audit cannot read are listed as info"
    );
}

#[test]
fn generated_pdfs_are_read_back_and_a_tampered_list_is_caught() {
    let kb = kb();
    let mut request = example();
    request["items"]
        .as_array_mut()
        .unwrap()
        .push(json!({"description": "Industrial router with LTE modem", "category": "router", "hs_code": "851762", "manufacturer": "Teltonika", "model": "RUTX11", "country_of_origin": "LT", "condition": "new", "quantity": 2, "unit_value": "420.00", "unit_weight_kg": "0.5", "radio": ["cellular", "wifi"], "encryption": "mass_market"}));
    let (docs, assessment) = docs_for(&kb, &request);
    let pdf = |kind| {
        file(
            &format!("{}.pdf", DocKind::slug(kind)),
            preclear_docs::pdf(&docs, &assessment, kind).unwrap(),
        )
    };
    let set = [
        pdf(DocKind::CommercialInvoice),
        pdf(DocKind::PackingList),
        pdf(DocKind::SpecificationList),
        pdf(DocKind::PowerOfAttorney),
    ];
    let report = run(&set);
    assert_eq!(codes(&report, Severity::Blocker), Vec::<&str>::new(), "{:#?}", report.findings);
    assert!(report.documents.iter().all(|d| d.recognised_by == "attached preclear data"));

    // An intermediary re-types the invoice without the LTE router.
    let mut tampered = docs.clone();
    tampered.lines.pop();
    let invoice = file(
        "commercial-invoice.pdf",
        preclear_docs::pdf(&tampered, &assessment, DocKind::CommercialInvoice).unwrap(),
    );
    let report = run(&[invoice, pdf(DocKind::PackingList), pdf(DocKind::SpecificationList)]);
    let f = finding(&report, "docs.spec_component_undeclared");
    assert!(f.message.contains("RUTX11") && f.message.contains("cellular"), "{}", f.message);
    assert_eq!(finding(&report, "docs.line_missing").severity, Severity::Blocker);

    // A PDF from elsewhere cannot be read, and says so.
    let foreign =
        file("scan.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF".to_vec());
    let report = run(&[foreign]);
    assert!(
        finding(&report, "docs.unreadable").message.contains("only PDFs generated by preclear")
    );
}

#[test]
fn documents_of_different_shipments_are_a_blocker() {
    // Issue 19: an invoice of one shipment with the packing list of another (same lines).
    let mut other = META;
    other[0] = ("Invoice No", "INV-2026-91");
    other[3] = ("Destination", "BR");
    let packing_of_another =
        file("packing.xlsx", workbook("PACKING LIST", &other, &PACKING_HEADERS, &packing_rows()));
    let report = run(&[invoice(), packing_of_another]);
    let f = finding(&report, "docs.different_shipments");
    assert_eq!(f.severity, Severity::Blocker);
    assert!(f.message.contains("TR") && f.message.contains("BR"), "{}", f.message);
    assert_eq!(report.outcome, "blocked");

    // The same destination and another number: an invoice and a packing list may be numbered
    // apart, so the operator confirms.
    let mut renumbered = META;
    renumbered[0] = ("Invoice No", "PL-2026-77");
    let packing_renumbered = file(
        "packing.xlsx",
        workbook("PACKING LIST", &renumbered, &PACKING_HEADERS, &packing_rows()),
    );
    let report = run(&[invoice(), packing_renumbered]);
    let f = finding(&report, "docs.different_shipments");
    assert_eq!(f.severity, Severity::Condition);
    assert!(f.message.contains("INV-2026-77") && f.message.contains("PL-2026-77"));

    // The documents of one shipment raise nothing of the kind.
    let report = run(&[invoice(), packing(packing_rows())]);
    assert!(report.findings.iter().all(|f| f.code != "docs.different_shipments"));
}
