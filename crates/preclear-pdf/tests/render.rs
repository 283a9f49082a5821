//! Rendering: structure, determinism, extracted text and a rasterised page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod common;

use std::process::Command;

use common::{TURKISH, VIETNAMESE, sample, scratch, tool};
use preclear_pdf::{Block, Document, Orientation, Table, attachments, render};

#[test]
fn renders_a_deterministic_multi_page_pdf_with_attachments() {
    let doc = sample(300);
    let a = render(&doc).unwrap();
    let b = render(&doc).unwrap();
    assert!(a.starts_with(b"%PDF-"));
    assert!(a.ends_with(b"%%EOF") || a.ends_with(b"%%EOF\n"));
    assert!(a == b, "rendering is not deterministic");

    let text = String::from_utf8_lossy(&a);
    assert!(text.contains("/CIDFontType2"));
    assert!(text.contains("/Identity-H"));
    assert!(text.contains("/ToUnicode"));
    assert!(text.contains("/FlateDecode"));
    assert!(text.contains("/EmbeddedFiles"));
    assert!(text.contains("(D:20261121000000Z)"));
    assert!(text.contains("/ID ["));
    assert!(text.matches("/Type /Page\n").count() > 1, "expected several pages");
    assert!(text.contains("/AF ["));
    // Subset fonts only: far smaller than the two 670 KB fonts.
    assert!(a.len() < 200_000, "{} bytes", a.len());

    let back = attachments(&a, 1 << 20).unwrap();
    assert_eq!(back, doc.attachments);

    // A different document gives a different /ID.
    let mut other = doc.clone();
    other.title.push('!');
    let c = render(&other).unwrap();
    let id = |p: &[u8]| {
        let s = String::from_utf8_lossy(p).into_owned();
        s[s.rfind("/ID").unwrap()..].lines().next().unwrap().to_owned()
    };
    assert_ne!(id(&a), id(&c));
}

#[test]
fn never_fails_on_text() {
    let weird = "漢字 😀 \u{0} \u{7} \u{202E}rtl \u{FFFF} e\u{301} \t tab \r\n\n\n";
    let doc = Document {
        title: weird.to_owned(),
        subtitle: Some(weird.to_owned()),
        running_header: weird.repeat(20),
        footer: weird.repeat(20),
        orientation: Orientation::Landscape,
        blocks: vec![
            Block::Heading(String::new()),
            Block::Paragraph(weird.to_owned()),
            Block::Paragraph("x".repeat(20_000)),
            Block::Note(String::new()),
            Block::Fields(vec![]),
            Block::Boxes(vec![]),
            Block::Boxes(
                (0..9)
                    .map(|i| preclear_pdf::PartyBox {
                        title: i.to_string(),
                        lines: vec![weird.to_owned(); 200],
                    })
                    .collect(),
            ),
            Block::Table(Table::default()),
            Block::Table(Table {
                columns: vec![preclear_pdf::Column {
                    header: weird.to_owned(),
                    width: 0,
                    align: preclear_pdf::Align::Center,
                }],
                rows: vec![
                    vec![],
                    vec!["a".to_owned(), "ignored".to_owned()],
                    vec![weird.repeat(100)],
                ],
                footer: vec![],
            }),
            Block::Signature(vec![]),
            Block::Signature(vec![weird.to_owned(); 12]),
            Block::Spacer(u32::MAX),
            Block::Spacer(0),
            Block::Heading("last heading".to_owned()),
        ],
        ..Document::default()
    };
    let pdf = render(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(render(&Document::default()).unwrap(), render(&Document::default()).unwrap());
}

fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    if !tool("pdftotext") {
        return None;
    }
    let dir = scratch(name);
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn pdftotext_extracts_the_text() {
    let doc = sample(300);
    let pdf = render(&doc).unwrap();
    let Some(text) = pdftotext(&pdf, "text") else { return };
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    let n = pages.len();
    assert!(n >= 3, "expected several pages, got {n}");

    assert!(text.contains(TURKISH), "Turkish text missing:\n{}", pages[0]);
    assert!(text.contains(VIETNAMESE), "Vietnamese text missing:\n{}", pages[0]);
    assert!(pages[0].contains("Commercial invoice"));
    assert!(pages[0].contains("No. RF-2026-014 · 21 November 2026"));
    assert!(pages[0].contains("Page 1 of"), "{}", pages[0]);
    assert!(text.contains(&format!("Page 1 of {n}")));
    assert!(text.contains(&format!("Page {n} of {n}")));
    assert!(text.contains("preclear 0.1.0 · KB 2026.11.1"));
    assert!(text.contains("Unsupported characters such as ? are drawn as ?."));

    // The header repeats on page 2, below the running header.
    for header in ["Pos.", "Description", "HS code", "Origin", "Unit price", "Amount"] {
        assert!(pages[1].contains(header), "page 2 lacks table header {header}:\n{}", pages[1]);
    }
    assert!(pages[1].contains("Commercial invoice RF-2026-014"));
    assert!(!pages[0].contains("Commercial invoice RF-2026-014\n"), "running header on page 1");

    // Totals stay with the last body row.
    let totals = pages.iter().position(|p| p.contains("29400000.00")).expect("totals row");
    assert!(pages[totals].contains("Total"));
    assert!(
        pages[totals].contains("300     PowerEdge R660 1U rack server")
            || pages[totals].contains("300 ")
    );
    let last_row_page = pages
        .iter()
        .position(|p| {
            p.lines().any(|l| l.trim_start().starts_with("300 ") && l.contains("PowerEdge"))
        })
        .expect("last body row");
    assert_eq!(totals, last_row_page, "totals separated from the last body row");

    // Long serial numbers are broken inside the word, not lost.
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains("SN-0000000000"));
}

#[test]
fn every_row_is_extracted_once() {
    let doc = sample(300);
    let pdf = render(&doc).unwrap();
    let Some(text) = pdftotext(&pdf, "rows") else { return };
    let rows = text.lines().filter(|l| l.contains("PowerEdge R660 1U rack server")).count();
    assert_eq!(rows, 300);
}

/// Parses a binary PGM (`P5`) and returns (width, height, pixels).
fn parse_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i] == b'#' {
            while bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    assert_eq!(fields[3], "255");
    let data = &bytes[i + 1..];
    assert_eq!(data.len(), w * h);
    (w, h, data)
}

#[test]
fn first_page_rasterises_to_a_non_blank_image() {
    if !tool("pdftoppm") {
        return;
    }
    let pdf = render(&sample(300)).unwrap();
    let dir = scratch("raster");
    let path = dir.join("doc.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let prefix = dir.join("page");
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let pgm = std::fs::read(dir.join("page.pgm")).unwrap();
    let (w, h, pixels) = parse_pgm(&pgm);
    assert!(w > 300 && h > 500, "unexpected size {w}×{h}");
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    let share = dark * 1000 / pixels.len();
    assert!(share > 10 && share < 600, "dark pixels {share}‰ of the page");
    let _ = std::fs::remove_dir_all(&dir);
}

fn pages_of(doc: &Document, name: &str) -> Option<Vec<String>> {
    let text = pdftotext(&render(doc).unwrap(), name)?;
    Some(text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect())
}

#[test]
fn a_heading_is_not_left_alone_at_the_bottom_of_a_page() {
    // 715 pt of space leaves room for the heading but not for the heading
    // and the first line after it.
    let doc = Document {
        blocks: vec![
            Block::Spacer(715),
            Block::Heading("Kept heading".to_owned()),
            Block::Paragraph("Body after the heading".to_owned()),
        ],
        ..Document::default()
    };
    let Some(pages) = pages_of(&doc, "keep") else { return };
    assert_eq!(pages.len(), 2);
    assert!(!pages[0].contains("Kept heading"));
    assert!(pages[1].contains("Kept heading") && pages[1].contains("Body after the heading"));
}

#[test]
fn a_row_taller_than_a_page_is_split_by_lines_under_repeated_headers() {
    let tall: Vec<String> = (1..=150).map(|i| format!("line {i}")).collect();
    let doc = Document {
        blocks: vec![Block::Table(Table {
            columns: vec![
                preclear_pdf::Column {
                    header: "Tall cell".to_owned(),
                    width: 3,
                    align: preclear_pdf::Align::Left,
                },
                preclear_pdf::Column {
                    header: "Other".to_owned(),
                    width: 1,
                    align: preclear_pdf::Align::Right,
                },
            ],
            rows: vec![
                vec!["first".to_owned(), "1".to_owned()],
                vec![tall.join("\n"), "2".to_owned()],
            ],
            footer: vec![vec!["Total".to_owned(), "3".to_owned()]],
        })],
        ..Document::default()
    };
    let Some(pages) = pages_of(&doc, "tall") else { return };
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("Tall cell"), "page {} lacks the header", i + 1);
    }
    // Every line of the tall cell appears exactly once.
    let all = pages.join("\n");
    let mut seen = vec![0; tall.len() + 1];
    for l in all.lines() {
        let words: Vec<&str> = l.split_whitespace().collect();
        if let ["line", n, ..] = words.as_slice() {
            seen[n.parse::<usize>().unwrap()] += 1;
        }
    }
    assert!(seen[1..].iter().all(|&c| c == 1), "{seen:?}");
    assert!(pages.last().unwrap().contains("Total"));
}
