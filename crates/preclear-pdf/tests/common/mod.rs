//! Shared fixtures for the integration tests.

#![allow(dead_code, reason = "each test binary uses a different part of the fixtures")]
#![allow(clippy::unwrap_used, clippy::panic, reason = "test fixtures")]

use preclear_pdf::{Align, Attachment, Block, Column, Document, Orientation, PartyBox, Table};

/// Turkish text that must come back verbatim from text extraction.
pub const TURKISH: &str = "Öztürk Dış Ticaret, İstanbul: ğĞıİşŞçÇöÖüÜ";
/// Vietnamese text that must come back verbatim from text extraction.
pub const VIETNAMESE: &str = "Nguyễn Thị Ánh, Hồ Chí Minh, Đà Nẵng, ặ ữ ỹ";

/// The machine-readable copy attached to the sample invoice.
pub fn json_attachment() -> Attachment {
    Attachment {
        name: "invoice.json".to_owned(),
        mime: "application/json".to_owned(),
        description: "Machine-readable copy of this invoice".to_owned(),
        data: br#"{"invoice":"RF-2026-014","lines":300}"#.to_vec(),
    }
}

/// A second attachment with a non-ASCII name and description.
pub fn xml_attachment() -> Attachment {
    Attachment {
        name: "fatura-ğüş (tr).xml".to_owned(),
        mime: "text/xml".to_owned(),
        description: "Fatura — Türkçe açıklama".to_owned(),
        data: b"<?xml version=\"1.0\"?><fatura/>".to_vec(),
    }
}

fn col(header: &str, width: u32, align: Align) -> Column {
    Column { header: header.to_owned(), width, align }
}

/// Eight short cells per row, as in a commercial invoice.
pub fn invoice_row(i: usize) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        "PowerEdge R660 1U rack server".to_owned(),
        "847150".to_owned(),
        "US".to_owned(),
        "10".to_owned(),
        "pcs".to_owned(),
        "9800.00".to_owned(),
        "98000.00".to_owned(),
    ]
}

/// An invoice-like table of `rows` rows with a totals row.
pub fn invoice_table(rows: usize) -> Table {
    Table {
        columns: vec![
            col("Pos.", 6, Align::Right),
            col("Description", 30, Align::Left),
            col("HS code", 10, Align::Left),
            col("Origin", 7, Align::Center),
            col("Qty", 6, Align::Right),
            col("Unit", 6, Align::Left),
            col("Unit price", 12, Align::Right),
            col("Amount", 14, Align::Right),
        ],
        rows: (0..rows).map(invoice_row).collect(),
        footer: vec![vec![
            String::new(),
            "Total".to_owned(),
            String::new(),
            String::new(),
            (rows * 10).to_string(),
            String::new(),
            String::new(),
            format!("{}.00", rows * 98_000),
        ]],
    }
}

/// A multi-page commercial invoice with Turkish and Vietnamese text.
pub fn sample(rows: usize) -> Document {
    Document {
        title: "Commercial invoice".to_owned(),
        subtitle: Some("No. RF-2026-014 · 21 November 2026".to_owned()),
        running_header: "Commercial invoice RF-2026-014".to_owned(),
        footer: "preclear 0.1.0 · KB 2026.11.1".to_owned(),
        author: Some("preclear".to_owned()),
        created: Some("2026-11-21".to_owned()),
        orientation: Orientation::Portrait,
        blocks: vec![
            Block::Boxes(vec![
                PartyBox {
                    title: "Seller".to_owned(),
                    lines: vec![TURKISH.to_owned(), "Vergi No. 1234567890".to_owned()],
                },
                PartyBox {
                    title: "Importer of record".to_owned(),
                    lines: vec!["Preclear IOR GmbH".to_owned(), "Hamburg, Germany".to_owned()],
                },
                PartyBox {
                    title: "Consignee".to_owned(),
                    lines: vec![VIETNAMESE.to_owned(), "Việt Nam".to_owned()],
                },
            ]),
            Block::Fields(vec![
                ("Invoice no.".to_owned(), "RF-2026-014".to_owned()),
                ("Date".to_owned(), "2026-11-21".to_owned()),
                ("Incoterms".to_owned(), "DAP Hamburg".to_owned()),
                ("Currency".to_owned(), "USD".to_owned()),
                (
                    "Serial numbers".to_owned(),
                    "SN-00000000000000000000000000000000000000000000000000000000001".to_owned(),
                ),
            ]),
            Block::Paragraph(TURKISH.to_owned()),
            Block::Paragraph(VIETNAMESE.to_owned()),
            Block::Heading("Goods".to_owned()),
            Block::Table(invoice_table(rows)),
            Block::Heading("Declaration".to_owned()),
            Block::Paragraph(
                "We hereby certify that the information on this invoice is true and correct \
                 and that the contents of this shipment are as stated above.\nSecond line \
                 after an explicit newline."
                    .to_owned(),
            ),
            Block::Note(
                "Prices in USD. Unsupported characters such as 漢 are drawn as ?.".to_owned(),
            ),
            Block::Spacer(6),
            Block::Signature(vec!["Signature and stamp".to_owned(), "Date".to_owned()]),
        ],
        attachments: vec![json_attachment(), xml_attachment()],
    }
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("preclear-pdf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether an external tool is runnable; when it is not, a test is skipped
/// unless `PRECLEAR_REQUIRE_PDF_TOOLS=1` makes that a failure.
pub fn tool(name: &str) -> bool {
    let present = std::process::Command::new(name).arg("-v").output().is_ok();
    if !present {
        if std::env::var("PRECLEAR_REQUIRE_PDF_TOOLS").as_deref() == Ok("1") {
            panic!(
                "`{name}` is required (PRECLEAR_REQUIRE_PDF_TOOLS=1) but not on PATH; install poppler-utils"
            );
        }
        eprintln!(
            "skipping: `{name}` not on PATH (install poppler-utils, or set PRECLEAR_REQUIRE_PDF_TOOLS=1 to fail)"
        );
    }
    present
}
