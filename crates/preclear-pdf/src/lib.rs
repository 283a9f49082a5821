//! Laid-out PDF documents for preclear: commercial invoices, packing lists,
//! specification lists and reports for customs.
//!
//! The crate knows nothing about shipments. A caller describes a [`Document`]
//! as a title, page furniture (running header, footer) and a list of
//! [`Block`]s — headings, paragraphs, notes, label/value fields, side-by-side
//! party boxes, tables, signature lines, spacers — plus optional
//! [`Attachment`]s (machine-readable data such as the invoice as JSON or XML,
//! carried the way Factur-X/ZUGFeRD invoices carry their XML). [`render`]
//! lays the blocks out on A4 pages and writes the PDF; [`attachments`] reads
//! the attachments back from a PDF this crate wrote.
//!
//! # Layout
//!
//! * A4, portrait (595 × 842 pt) or landscape, 40 pt side margins, 48 pt top
//!   and bottom margins. Every page has a footer: [`Document::footer`]
//!   bottom-left and "Page n of N" bottom-right; pages 2 and later carry
//!   [`Document::running_header`] at the top. Page 1 starts with the title
//!   and subtitle.
//! * Text wraps at spaces, and inside a word only when the word alone is
//!   wider than the line (long serial or part numbers). `\n` starts a new
//!   line. One glyph per character, no shaping: precomposed text (NFC) draws
//!   correctly; decomposed combining marks are drawn but not positioned.
//! * Tables span the body width, columns share it by [`Column::width`]
//!   weight. The header row (bold, light grey background) repeats at the top
//!   of every page the table continues on; thin rules separate body rows; a
//!   row moves to the next page rather than split, unless it is taller than a
//!   page, then it is split by lines. Totals ([`Table::footer`]) are bold and
//!   stay on the page of the last body row.
//! * A heading is never left alone at the bottom of a page: it moves to the
//!   next page with the first part of the block after it.
//! * All layout arithmetic is integer milli-points (1 pt = 1000); no floating
//!   point arithmetic is used anywhere.
//!
//! # Invariants
//!
//! * **Deterministic**: the same [`Document`] gives byte-identical PDF bytes.
//!   No clock is read ([`Document::created`] is the caller's date), nothing
//!   is random, the file identifier (`/ID`) is the first 16 bytes of a
//!   SHA-256 over the file's bytes, and the font subset tags derive from the
//!   glyphs used.
//! * **Rendering never fails on text**: a character the bundled fonts cannot
//!   draw (CJK, emoji, control characters other than tab and newline, …) is
//!   drawn as `?` and extracts as `?`. The only errors from [`render`] are an
//!   attachment too large for a PDF stream (over 2 GiB) and a failure to
//!   subset the bundled fonts (which would be a bug).
//! * **Bounded reading**: [`attachments`] never panics on arbitrary,
//!   truncated or corrupt bytes, and never inflates more than
//!   `max_total_bytes` in total: a decompression bomb is rejected while it is
//!   being inflated, not after.
//!
//! # Fonts
//!
//! DejaVu Sans Condensed and DejaVu Sans Condensed Bold, version 2.37 as
//! shipped in Debian's `fonts-dejavu-core` 2.37-6, are compiled into the
//! crate (`fonts/`) and embedded in each PDF as subsets (CIDFontType2,
//! Identity-H, with `/W` widths and a `/ToUnicode` map so that text
//! extraction such as `pdftotext` gives back the original Unicode). They
//! cover Latin, Turkish and Vietnamese (precomposed) among others. Their
//! licence (Bitstream Vera licence; DejaVu changes in the public domain)
//! allows embedding and redistribution; the full text is in
//! `fonts/LICENSE-DejaVu.txt` next to this crate's sources.

mod canvas;
mod font;
mod grid;
mod layout;
mod read;
mod wrap;
mod write;

pub use read::attachments;

/// A document to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// PDF metadata title; also printed as the page-1 heading.
    pub title: String,
    /// Printed under the title (e.g. "No. RF-2026-014 · 21 November 2026").
    pub subtitle: Option<String>,
    /// Small text at the top of pages 2 and later (e.g. "Commercial invoice
    /// RF-2026-014"); cut with an ellipsis when longer than a line.
    pub running_header: String,
    /// Small text bottom-left on every page (e.g. "preclear 0.1.0 · KB
    /// 2026.11.1"); the bottom-right shows "Page n of N". Cut with an
    /// ellipsis when longer than the room left.
    pub footer: String,
    /// Metadata author.
    pub author: Option<String>,
    /// Metadata creation (and modification) date as `YYYY-MM-DD`, written
    /// as `D:YYYYMMDD000000Z`. The crate never reads the clock. A value not
    /// of that form is ignored (no date is written) rather than failing.
    pub created: Option<String>,
    /// Page orientation (always A4).
    pub orientation: Orientation,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
    /// Files embedded in the PDF (e.g. the same data as JSON).
    pub attachments: Vec<Attachment>,
}

/// A4 page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// 595 × 842 pt.
    #[default]
    Portrait,
    /// 842 × 595 pt.
    Landscape,
}

/// One piece of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Section heading, bold; kept on a page with the start of the next block.
    Heading(String),
    /// Wrapped body text; may break across pages between lines.
    Paragraph(String),
    /// Smaller grey wrapped text.
    Note(String),
    /// Label/value pairs laid out two pairs per row; labels bold and grey,
    /// values wrap. A row does not break across pages.
    Fields(Vec<(String, String)>),
    /// Side-by-side bordered boxes of equal width, each with a bold title and
    /// wrapped lines (e.g. Seller | Importer of record | Consignee). Up to
    /// four per row; more continue on further rows. A row of boxes does not
    /// break across pages unless taller than a page (then it breaks by line).
    Boxes(Vec<PartyBox>),
    /// A table.
    Table(Table),
    /// Signature blocks side by side: a line to sign on with the label under
    /// it (e.g. "Signature and stamp", "Date").
    Signature(Vec<String>),
    /// Vertical space in points (dropped when it reaches the page bottom).
    Spacer(u32),
}

/// A titled, bordered box of lines (a party: seller, consignee, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartyBox {
    /// Bold first line.
    pub title: String,
    /// Following lines, each wrapped to the box width.
    pub lines: Vec<String>,
}

/// A table that breaks across pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Columns, left to right. A table without columns draws nothing.
    pub columns: Vec<Column>,
    /// Body rows. Each cell wraps within its column; missing cells are empty
    /// and cells beyond the columns are ignored. A row never splits across
    /// pages unless it is taller than a page (then it is split by lines).
    pub rows: Vec<Vec<String>>,
    /// Totals rows, bold, drawn after the body and kept on the page of the
    /// last body row.
    pub footer: Vec<Vec<String>>,
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    /// Header text (bold, repeated on every page of the table).
    pub header: String,
    /// Relative width weight; the table spans the body width and each column
    /// gets `width / sum of widths` of it (all zero: equal widths).
    pub width: u32,
    /// Alignment of the header and the cells (use [`Align::Right`] for
    /// numbers).
    pub align: Align,
}

/// Horizontal alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Flush right (numbers).
    Right,
    /// Centred.
    Center,
}

/// A file embedded in the PDF.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Attachment {
    /// File name (`/F` and `/UF` of the file specification).
    pub name: String,
    /// MIME type, e.g. `application/json` (the embedded file's `/Subtype`);
    /// empty means `application/octet-stream`.
    pub mime: String,
    /// Human-readable description (`/Desc`).
    pub description: String,
    /// The bytes.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("description", &self.description)
            .field("data", &format_args!("{} bytes", self.data.len()))
            .finish()
    }
}

/// Why rendering or reading failed.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The input does not start with a PDF header.
    #[error("not a PDF (no %PDF- header)")]
    NotPdf,
    /// The input ends before the PDF does.
    #[error("truncated PDF (no %%EOF marker near the end)")]
    Truncated,
    /// Reading an attachment would inflate past the caller's limit.
    #[error("attachment `{name}` would exceed the limit of {limit} bytes when decompressed")]
    AttachmentOverLimit {
        /// The attachment's file name.
        name: String,
        /// The caller's `max_total_bytes`.
        limit: usize,
    },
    /// An attachment's data cannot be read back.
    #[error("attachment `{name}` is corrupt: {reason}")]
    CorruptAttachment {
        /// The attachment's file name (or its object number when unnamed).
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The PDF's structure is not what this crate writes.
    #[error("malformed PDF: {0}")]
    Malformed(String),
    /// An attachment does not fit in a PDF stream.
    #[error(
        "attachment `{name}` is too large to embed ({size} bytes; a PDF stream holds at most 2147483647)"
    )]
    AttachmentTooLargeToEmbed {
        /// The attachment's file name.
        name: String,
        /// Its size in bytes.
        size: usize,
    },
    /// The bundled fonts could not be parsed or subset (a bug).
    #[error("bundled font problem: {0}")]
    Font(String),
}

/// Lays out and writes `doc` as PDF bytes.
///
/// Deterministic: the same document always gives the same bytes. Never fails
/// because of text content (undrawable characters become `?`); fails only
/// for an attachment over 2 GiB or a font subsetting failure.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = font::fonts()?;
    let geometry = layout::Geometry::a4(doc.orientation);
    let canvas = layout::lay_out(doc, fonts);
    write::write_pdf(doc, fonts, canvas, geometry)
}

/// Whether both bundled fonts (regular and bold) have a glyph for `c`, i.e.
/// whether it is drawn as itself rather than as `?`.
pub fn can_draw(c: char) -> bool {
    font::fonts().is_ok_and(|f| {
        f.get(font::FontId::Regular).has_glyph(c) && f.get(font::FontId::Bold).has_glyph(c)
    })
}
