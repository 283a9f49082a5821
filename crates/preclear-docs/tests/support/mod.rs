//! Fixtures the document tests build themselves: the PRODUCT.md example assessed on the bundled
//! KB, and workbooks written with rust_xlsxwriter.

#![allow(dead_code, reason = "each test file uses a part of the support module")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support fails loudly"
)]

use std::path::PathBuf;
use std::process::Command;

use preclear_docs::{Entity, Parties, ShipmentDocs};
use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use preclear_engine::Assessment;
use preclear_kb::Kb;
use rust_xlsxwriter::Workbook;
use serde_json::Value;

pub const AS_OF: &str = "2026-11-21";

pub fn as_of() -> Date {
    AS_OF.parse().unwrap()
}

pub fn kb() -> Kb {
    preclear_kb_bundle::load().unwrap()
}

pub fn example() -> Value {
    serde_json::from_str(include_str!("../../../../examples/product-example.json")).unwrap()
}

pub fn parties() -> Parties {
    Parties {
        importer: Some(Entity {
            name: "Boğaziçi İthalat Hizmetleri A.Ş.".to_owned(),
            country: Some("TR".to_owned()),
            address: Some("Büyükdere Cad. 185, Şişli, İstanbul".to_owned()),
            tax_id: Some("1234567890".to_owned()),
        }),
        broker: None,
        consignee: None,
    }
}

pub fn docs_for(kb: &Kb, request: &Value) -> (ShipmentDocs, Assessment) {
    let shipment = parse_shipment_value(request).unwrap();
    let assessment = preclear_engine::assess(kb, &shipment, as_of());
    let docs = ShipmentDocs::new(&shipment, &assessment, &parties()).with_request(request.clone());
    (docs, assessment)
}

/// A cell of a fixture workbook.
#[derive(Debug, Clone)]
pub enum V {
    T(&'static str),
    S(String),
    N(f64),
    E,
}

/// A workbook with a title in A1, `label: value` rows, a blank row, the header and the rows.
pub fn workbook(title: &str, meta: &[(&str, &str)], headers: &[&str], rows: &[Vec<V>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, title).unwrap();
    let mut row = 2u32;
    for (label, value) in meta {
        sheet.write_string(row, 0, *label).unwrap();
        sheet.write_string(row, 1, *value).unwrap();
        row += 1;
    }
    row += 1;
    for (col, header) in (0u16..).zip(headers) {
        sheet.write_string(row, col, *header).unwrap();
    }
    for cells in rows {
        row += 1;
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                V::T(text) => {
                    sheet.write_string(row, col, *text).unwrap();
                }
                V::S(text) => {
                    sheet.write_string(row, col, text).unwrap();
                }
                V::N(number) => {
                    sheet.write_number(row, col, *number).unwrap();
                }
                V::E => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Where test output goes (kept for inspection).
pub fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-output/docs").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether a poppler tool is present; without it the test is skipped, unless
/// `PRECLEAR_REQUIRE_PDF_TOOLS=1` (CI) makes that a failure.
pub fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("PRECLEAR_REQUIRE_PDF_TOOLS").as_deref() != Ok("1"),
            "{tool} is required (PRECLEAR_REQUIRE_PDF_TOOLS=1) but not installed: apt-get install poppler-utils"
        );
        eprintln!("skipped: {tool} is not installed (apt-get install poppler-utils)");
    }
    found
}

/// The text of a PDF as pdftotext extracts it (raw order, one line per text line).
pub fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
