//! Reads a client's packing list or pro-forma invoice (XLSX or CSV) into
//!
//! 1. typed **source lines** with exact provenance (sheet, row, column and header of every
//!    value), for a document auditor: [`read_workbook`] → [`detect`] → [`read_table`]; and
//! 2. a **shipment request** (`serde_json::Value` in the PRODUCT.md contract) that
//!    `preclear_domain::request::parse_shipment_value` validates: [`import`], then
//!    [`Imported::validate`]; [`Imported::locate`] maps a request path such as
//!    `items[3].unit_value` back to its cell, so validator errors can point at the sheet.
//!
//! Every problem names its place: `Packing list!D7 (Qty)`.
//!
//! # Reading
//!
//! The kind of file is told by its content: a ZIP (`PK\x03\x04`) is read as XLSX; an OLE/CFB
//! container is refused as a password-protected workbook or a legacy `.xls`; a PDF is refused;
//! anything else is CSV text (UTF-8 with or without BOM, or UTF-16 with BOM; delimiter `,`, `;`
//! or tab).
//!
//! # Bounds
//!
//! [`Limits`] bound what a file may cost before calamine inflates anything: the file size, the
//! total and per-entry (ratio) uncompressed sizes declared by the ZIP central directory (the
//! `zip` crate refuses to inflate an entry past its declared size), the number of ZIP entries,
//! and, while cells are read one by one, rows, columns, characters per cell and cells in all.
//! Memory is about `max_unpacked_bytes` (calamine holds the shared-strings table whole) plus
//! the parsed cells.
//!
//! # Exactness
//!
//! Numbers are decimals, never floats: an XLSX float is read through its shortest round-trip
//! text (`0.30000000000000004`, `9800.1`), text numbers through their separators (`9.800,00`,
//! `1,234.50`), and money is rounded half-up to the currency's minor units with a warning
//! whenever that changes the value.

#![warn(missing_docs)]

mod assemble;
mod at;
mod audience;
mod csvfile;
mod field;
mod mapping;
mod numbers;
mod table;
mod vocab;
mod workbook;
mod zipcheck;

pub use assemble::{Imported, RequestDefaults, build_request, import};
pub use at::{At, column_letters, parse_column_letters};
pub use audience::Audience;
pub use field::{Field, fold_text};
pub use mapping::{
    ColumnRef, HEADER_SCAN_ROWS, MappedColumn, Mapping, MappingOverride, detect, parse_override,
};
pub use numbers::{TypedNumber, typed_number};
pub use table::{Problem, Severity, SourceLine, Table, read_table};
pub use vocab::{
    infer_category_from_hs, parse_category, parse_condition, parse_country, parse_currency,
    parse_encryption, parse_incoterm, parse_purpose, parse_radio, parse_transport_mode,
};
pub use workbook::{Cell, Sheet, Workbook, read_workbook};

/// What a file may cost. The defaults suit packing lists and invoices with a wide margin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest file accepted, in bytes (default 32 MiB).
    pub max_file_bytes: usize,
    /// The largest total uncompressed size of an XLSX file's ZIP entries, as its central
    /// directory declares them (default 256 MiB).
    pub max_unpacked_bytes: u64,
    /// The largest uncompressed/compressed ratio of one ZIP entry above 1 MiB unpacked
    /// (default 200); above it the file is treated as a decompression bomb.
    pub max_ratio: u64,
    /// The most rows per sheet (default 100,000).
    pub max_rows: usize,
    /// The most columns per sheet (default 200).
    pub max_columns: usize,
    /// The most characters in one cell (default 4,096).
    pub max_cell_chars: usize,
    /// The most non-empty cells in the whole file (default 4,000,000).
    pub max_cells: usize,
    /// The most entries in an XLSX file's ZIP container (default 10,000).
    pub max_zip_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 32 * 1024 * 1024,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_ratio: 200,
            max_rows: 100_000,
            max_columns: 200,
            max_cell_chars: 4096,
            max_cells: 4_000_000,
            max_zip_entries: 10_000,
        }
    }
}

/// Why a file could not be imported at all (problems in rows are [`Problem`]s instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is larger than `max_file_bytes`.
    #[error("the file is {bytes} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// An OLE/CFB container: an encrypted XLSX or a legacy `.xls`.
    #[error(
        "password-protected (encrypted) workbook or legacy .xls: remove the password / save as .xlsx"
    )]
    Encrypted,
    /// A PDF.
    #[error("a PDF is not a spreadsheet: export the packing list or invoice as .xlsx or .csv")]
    Pdf,
    /// Not a readable workbook or CSV file.
    #[error("not a readable XLSX workbook: {0}")]
    Unreadable(String),
    /// Not a readable CSV file.
    #[error("not a readable CSV file: {0}")]
    Csv(String),
    /// The CSV text is not in a supported encoding.
    #[error("{0}")]
    Encoding(String),
    /// The ZIP container declares more than the limits allow.
    #[error("refused as a decompression bomb: {0}")]
    Bomb(String),
    /// A sheet exceeds a row, column, cell or text limit.
    #[error("too large to import: {0}")]
    Limit(String),
    /// No table was found.
    #[error("{0}")]
    NoTable(String),
    /// An override is malformed or names a sheet, row or column that is not there.
    #[error("{0}")]
    Mapping(String),
    /// The rows have errors (from [`Imported::validate`]).
    #[error("{}", problems_text(.0))]
    Problems(Vec<Problem>),
}

fn problems_text(problems: &[Problem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}
