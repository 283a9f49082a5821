//! Reading attachments back: round trip, limits, decompression bombs,
//! truncated and garbage input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod common;

use common::{json_attachment, sample, xml_attachment};
use preclear_pdf::{Attachment, Document, PdfError, attachments, render};

fn with(attachments: Vec<Attachment>) -> Vec<u8> {
    render(&Document { title: "Attachments".to_owned(), attachments, ..Document::default() })
        .unwrap()
}

#[test]
fn round_trips_in_order_with_names_mimes_and_descriptions() {
    let list = vec![
        xml_attachment(),
        json_attachment(),
        Attachment {
            name: "a/b (c).bin".to_owned(),
            mime: "application/octet-stream".to_owned(),
            description: String::new(),
            data: (0..=255u8).cycle().take(100_000).collect(),
        },
        // Same name twice: both come back.
        json_attachment(),
    ];
    let pdf = with(list.clone());
    assert_eq!(attachments(&pdf, 1 << 20).unwrap(), list);
}

#[test]
fn a_pdf_without_attachments_has_none() {
    let pdf = with(vec![]);
    assert_eq!(attachments(&pdf, 1 << 20).unwrap(), vec![]);
}

#[test]
fn the_limit_covers_all_attachments_together() {
    let a = Attachment { data: vec![7; 600], ..json_attachment() };
    let b = Attachment { name: "b.json".to_owned(), data: vec![8; 600], ..json_attachment() };
    let pdf = with(vec![a.clone(), b.clone()]);
    assert_eq!(attachments(&pdf, 1200).unwrap(), vec![a, b]);
    let err = attachments(&pdf, 1199).unwrap_err();
    assert!(
        matches!(&err, PdfError::AttachmentOverLimit { name, limit: 1199 } if name == "b.json"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "attachment `b.json` would exceed the limit of 1199 bytes when decompressed"
    );
}

fn bomb() -> Vec<u8> {
    with(vec![Attachment {
        name: "bomb.bin".to_owned(),
        mime: "application/octet-stream".to_owned(),
        description: "50 MB of zeros".to_owned(),
        data: vec![0; 50 * 1024 * 1024],
    }])
}

fn replace_same_length(haystack: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let at = haystack.windows(from.len()).position(|w| w == from).expect("pattern present");
    haystack[at..at + to.len()].copy_from_slice(to);
}

#[test]
fn a_decompression_bomb_is_rejected() {
    let mut pdf = bomb();
    assert!(pdf.len() < 1024 * 1024, "the bomb should compress well ({} bytes)", pdf.len());
    let limit = 1024 * 1024;

    // Rejected from the declared size, before inflating.
    let err = attachments(&pdf, limit).unwrap_err();
    assert!(matches!(err, PdfError::AttachmentOverLimit { .. }), "{err}");

    // A lying /Size is caught while inflating, at the limit.
    replace_same_length(&mut pdf, b"/Size 52428800", b"/Size 00000010");
    let err = attachments(&pdf, limit).unwrap_err();
    assert!(matches!(err, PdfError::AttachmentOverLimit { .. }), "{err}");

    // So is a missing /Size.
    replace_same_length(&mut pdf, b"/Size 00000010", b"/Sise 00000010");
    let err = attachments(&pdf, limit).unwrap_err();
    assert!(matches!(err, PdfError::AttachmentOverLimit { .. }), "{err}");

    // With a big enough limit it is just data.
    let back = attachments(&pdf, 64 * 1024 * 1024).unwrap();
    assert_eq!(back[0].data.len(), 50 * 1024 * 1024);
}

#[test]
fn a_wrong_size_is_reported_as_corrupt() {
    let mut pdf = with(vec![json_attachment()]);
    replace_same_length(&mut pdf, b"/Size 37", b"/Size 36");
    let err = attachments(&pdf, 1 << 20).unwrap_err();
    assert!(matches!(err, PdfError::CorruptAttachment { .. }), "{err}");
    assert!(err.to_string().starts_with("attachment `invoice.json` is corrupt"), "{err}");
}

#[test]
fn not_a_pdf() {
    for bytes in [&b""[..], b"hello", b"%PD", b"\x00%PDF-1.7"] {
        let err = attachments(bytes, 1 << 20).unwrap_err();
        assert!(matches!(err, PdfError::NotPdf), "{err}");
        assert_eq!(err.to_string(), "not a PDF (no %PDF- header)");
    }
}

#[test]
fn truncated_pdfs_never_panic() {
    let pdf = render(&sample(40)).unwrap();
    let step = (pdf.len() / 700).max(1);
    for cut in (0..pdf.len()).step_by(step) {
        let prefix = &pdf[..cut];
        assert!(attachments(prefix, 1 << 20).is_err(), "cut at {cut} accepted");
        // Also with an end marker glued on, which gets past the quick check
        // and into the object scanner.
        let mut glued = prefix.to_vec();
        glued.extend_from_slice(b"\n%%EOF\n");
        let _ = attachments(&glued, 1 << 20);
    }
}

/// A small deterministic generator (xorshift) for garbage.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_and_mutations_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let tokens: [&[u8]; 16] = [
        b"<<",
        b">>",
        b"[",
        b"]",
        b"(",
        b")",
        b"\\",
        b"/Type /EmbeddedFile",
        b"/Length 99999999999 ",
        b" 1 0 obj ",
        b"stream\n",
        b"endstream",
        b"/EF << /F 1 0 R >>",
        b"/Type /Filespec",
        b"<FEFF00",
        b"-5 ",
    ];
    for round in 0..400 {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        let len = (rng.next() % 4000) as usize;
        while bytes.len() < len {
            if round % 2 == 0 {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(tokens[(rng.next() % 16) as usize]);
            }
        }
        bytes.extend_from_slice(b"\n%%EOF");
        let _ = attachments(&bytes, 1 << 16);
    }

    let pdf = with(vec![json_attachment(), xml_attachment()]);
    let step = (pdf.len() / 2000).max(1);
    for at in (0..pdf.len()).step_by(step) {
        let mut m = pdf.clone();
        m[at] ^= (rng.next() as u8) | 1;
        let _ = attachments(&m, 1 << 16);
        let mut m = pdf.clone();
        m.remove(at);
        let _ = attachments(&m, 1 << 16);
    }
}

#[test]
fn hostile_input_is_scanned_in_linear_time() {
    // Each unterminated string would swallow the rest of the file; a
    // scanner restarting at every `obj` would take quadratic time here.
    for unit in [&b"1 0 obj ("[..], b"1 0 obj [", b"1 0 obj <<", b"1 0 obj <</A [(x"] {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        for _ in 0..200_000 {
            bytes.extend_from_slice(unit);
        }
        bytes.extend_from_slice(b"\n%%EOF");
        assert_eq!(attachments(&bytes, 1 << 16).unwrap(), vec![]);
    }
}
