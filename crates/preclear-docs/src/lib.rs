//! Shipping documents for preclear.
//!
//! - [`model`]: [`ShipmentDocs`], the content every document shows, computed once from a
//!   validated shipment and its assessment (exact amounts; totals are sums of the lines as
//!   printed).
//! - [`generate`]: the commercial invoice, packing list, Exporter-of-Record equipment
//!   specification list, pre-qualification report and power-of-attorney draft as PDF
//!   (`preclear-pdf`), and the three lists as XLSX. Each PDF carries the [`ShipmentDocs`] it was
//!   made from as an attached JSON file, the way Factur-X invoices carry their XML, so that
//!   [`audit`] reads a preclear PDF back exactly.
//! - [`audit`]: the documents of one shipment checked against each other, plausible price
//!   bands and the destination's required documents; findings with the assessment's severities.
//!
//! Nothing here reads the clock or the network: the documents' date is the assessment's as-of
//! date, and the same inputs give byte-identical files.

pub mod audit;
pub mod bands;
pub mod model;
mod render;
mod xlsx;

use preclear_engine::Assessment;
use serde::Serialize;

pub use audit::{
    AuditFinding, AuditOptions, AuditReport, AuditedDocument, InputFile, audit, parse_usd_rate,
};
pub use bands::PriceBands;
pub use model::{Entity, Parties, ShipmentDocs};

/// The producer named in every document's footer and metadata.
pub const PRODUCER: &str = concat!("preclear ", env!("CARGO_PKG_VERSION"));

/// Name of the JSON file attached to every generated PDF.
pub const ATTACHMENT_NAME: &str = "preclear-document.json";

/// A kind of shipping document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// The seller's commercial invoice, naming the importer of record.
    CommercialInvoice,
    /// The packing list: quantities, weights, serial numbers.
    PackingList,
    /// The Exporter-of-Record equipment specification list.
    SpecificationList,
    /// preclear's pre-qualification report.
    PrequalificationReport,
    /// A draft power of attorney from the importer of record to its customs broker.
    PowerOfAttorney,
    /// The one-page landed-cost quote a procurement lead forwards.
    Quote,
}

impl DocKind {
    /// Every kind, in the order documents are listed.
    pub const ALL: [DocKind; 6] = [
        DocKind::CommercialInvoice,
        DocKind::PackingList,
        DocKind::SpecificationList,
        DocKind::PrequalificationReport,
        DocKind::PowerOfAttorney,
        DocKind::Quote,
    ];

    /// The kinds that are also produced as XLSX lists.
    pub const LISTS: [DocKind; 3] =
        [DocKind::CommercialInvoice, DocKind::PackingList, DocKind::SpecificationList];

    /// The URL and file-name spelling (`commercial-invoice`).
    pub fn slug(self) -> &'static str {
        match self {
            DocKind::CommercialInvoice => "commercial-invoice",
            DocKind::PackingList => "packing-list",
            DocKind::SpecificationList => "specification-list",
            DocKind::PrequalificationReport => "prequalification-report",
            DocKind::PowerOfAttorney => "power-of-attorney",
            DocKind::Quote => "quote",
        }
    }

    /// Parses [`DocKind::slug`].
    pub fn from_slug(slug: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The document's title.
    pub fn title(self) -> &'static str {
        match self {
            DocKind::CommercialInvoice => "Commercial invoice",
            DocKind::PackingList => "Packing list",
            DocKind::SpecificationList => "Equipment specification list",
            DocKind::PrequalificationReport => "Pre-qualification report",
            DocKind::PowerOfAttorney => "Power of attorney (draft)",
            DocKind::Quote => "Landed-cost quote",
        }
    }

    /// Whether the kind is also produced as XLSX.
    pub fn is_list(self) -> bool {
        DocKind::LISTS.contains(&self)
    }
}

/// A file format of generated documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PDF.
    Pdf,
    /// Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// Parses an extension.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "pdf" => Some(Format::Pdf),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// Why documents could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// Only the three lists exist as XLSX.
    #[error("{0} is produced as PDF only")]
    NotAList(&'static str),
    /// The PDF writer failed.
    #[error("PDF: {0}")]
    Pdf(#[from] preclear_pdf::PdfError),
    /// The XLSX writer failed.
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The attached data could not be written.
    #[error("document data: {0}")]
    Json(#[from] serde_json::Error),
}

/// One generated file.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Which document.
    pub kind: DocKind,
    /// Which format.
    pub format: Format,
    /// `commercial-invoice.pdf`.
    pub file_name: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// The data attached to a generated PDF: which document it is and its content.
#[derive(Debug, Serialize, serde::Deserialize)]
pub(crate) struct Attached {
    /// Always `preclear-document`.
    pub preclear: String,
    /// The document kind's slug.
    pub kind: String,
    /// The content.
    pub docs: ShipmentDocs,
}

/// One document as PDF.
pub fn pdf(
    docs: &ShipmentDocs,
    assessment: &Assessment,
    kind: DocKind,
) -> Result<Vec<u8>, DocsError> {
    let mut document = match kind {
        DocKind::CommercialInvoice => render::commercial_invoice(docs),
        DocKind::PackingList => render::packing_list(docs),
        DocKind::SpecificationList => render::specification_list(docs),
        DocKind::PrequalificationReport => render::prequalification_report(docs, assessment),
        DocKind::PowerOfAttorney => render::power_of_attorney(docs),
        DocKind::Quote => render::quote(docs, assessment),
    };
    let attached = Attached {
        preclear: "preclear-document".to_owned(),
        kind: kind.slug().to_owned(),
        docs: docs.clone(),
    };
    document.attachments.push(preclear_pdf::Attachment {
        name: ATTACHMENT_NAME.to_owned(),
        mime: "application/json".to_owned(),
        description: format!("{} {} as structured data (preclear)", kind.title(), docs.reference),
        data: serde_json::to_vec(&attached)?,
    });
    Ok(preclear_pdf::render(&document)?)
}

/// A comparison of destinations as files.
#[derive(Debug, Clone)]
pub struct ComparisonFiles {
    /// The rows side by side, then each destination's landed cost by charge.
    pub pdf: Vec<u8>,
    /// One row per destination, amounts as numbers.
    pub xlsx: Vec<u8>,
}

/// A comparison of destinations as one PDF and one XLSX. `each` holds every destination's
/// documents and assessment in the comparison's order; `None` without a destination.
pub fn comparison_files(
    comparison: &preclear_engine::compare::Comparison,
    each: &[(ShipmentDocs, Assessment)],
) -> Result<Option<ComparisonFiles>, DocsError> {
    let Some(document) = render::comparison(comparison, each) else { return Ok(None) };
    Ok(Some(ComparisonFiles {
        pdf: preclear_pdf::render(&document)?,
        xlsx: xlsx::comparison(comparison)?,
    }))
}

/// A table of text as XLSX (a title, particulars above, a frozen header row): what a page's
/// table exports to, such as a program's rollout view.
pub fn table_xlsx(
    title: &str,
    particulars: &[(&str, String)],
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, DocsError> {
    xlsx::table(title, particulars, headers, rows)
}

/// A table of text as CSV (RFC 4180: comma-separated, quoted where needed, CRLF line ends). A
/// cell that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) is prefixed with `'`, so that opening the file never runs one.
pub fn table_csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    fn cell(text: &str) -> String {
        let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(headers.iter().map(|h| cell(h)).collect()));
    for row in rows {
        out.push_str(&line(row.iter().map(|c| cell(c)).collect()));
    }
    out
}

/// One list as XLSX.
pub fn xlsx(docs: &ShipmentDocs, kind: DocKind) -> Result<Vec<u8>, DocsError> {
    if !kind.is_list() {
        return Err(DocsError::NotAList(kind.title()));
    }
    xlsx::list(docs, kind)
}

/// Every document: the five PDFs and the three XLSX lists.
pub fn generate_all(
    docs: &ShipmentDocs,
    assessment: &Assessment,
) -> Result<Vec<Generated>, DocsError> {
    let mut out = Vec::new();
    for kind in DocKind::ALL {
        out.push(one(docs, assessment, kind, Format::Pdf)?);
    }
    for kind in DocKind::LISTS {
        out.push(one(docs, assessment, kind, Format::Xlsx)?);
    }
    Ok(out)
}

/// One document in one format.
pub fn one(
    docs: &ShipmentDocs,
    assessment: &Assessment,
    kind: DocKind,
    format: Format,
) -> Result<Generated, DocsError> {
    let bytes = match format {
        Format::Pdf => pdf(docs, assessment, kind)?,
        Format::Xlsx => xlsx(docs, kind)?,
    };
    Ok(Generated {
        kind,
        format,
        file_name: format!("{}.{}", kind.slug(), format.extension()),
        bytes,
    })
}

#[cfg(test)]
mod table_tests {
    use super::table_csv;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        let rows = vec![vec![
            "=HYPERLINK(\"x\")".to_owned(),
            "a, b".to_owned(),
            "two\nlines".to_owned(),
            "-5".to_owned(),
            "plain".to_owned(),
        ]];
        let csv = table_csv(&["A", "B", "C", "D", "E"], &rows);
        assert_eq!(
            csv,
            "A,B,C,D,E\r\n\"'=HYPERLINK(\"\"x\"\")\",\"a, b\",\"two\nlines\",'-5,plain\r\n"
        );
    }
}
