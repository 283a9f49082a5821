//! Reading a file into a [`Workbook`] of typed cells: XLSX through calamine's streaming cell
//! reader, CSV through the `csv` crate; the kind is told by the content, not the extension.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use rust_decimal::Decimal;

use crate::at::column_letters;
use crate::{ImportError, Limits, zipcheck};

/// One cell's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing (or only whitespace).
    Empty,
    /// Text, trimmed of surrounding whitespace. Dates are text in ISO 8601 (`2026-03-01`).
    Text(String),
    /// A number, exactly as the spreadsheet shows it (an XLSX float is read through its shortest
    /// round-trip decimal form, so `9800.1` is `9800.1`, never `9800.0999999999994543`).
    Number(Decimal),
    /// A boolean.
    Bool(bool),
    /// A spreadsheet error value such as `#DIV/0!` (a formula whose cached result is an error).
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as display text (`None` when empty).
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Number(number) => Some(number.to_string()),
            Cell::Bool(flag) => Some(if *flag { "TRUE" } else { "FALSE" }.to_owned()),
            Cell::Error(error) => Some(error.clone()),
        }
    }
}

/// One sheet: its name and its rows of cells. `rows[0]` is spreadsheet row 1; each row is as
/// long as its last non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name; for a CSV file, the file name.
    pub name: String,
    /// The rows, from row 1.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// The cell at a 1-based row and 0-based column (`Cell::Empty` outside the data).
    pub fn cell(&self, row: u32, column: u32) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        let Some(index) = (row as usize).checked_sub(1) else { return &EMPTY };
        self.rows.get(index).and_then(|cells| cells.get(column as usize)).unwrap_or(&EMPTY)
    }

    /// The number of columns of the widest row.
    pub fn width(&self) -> u32 {
        self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }
}

/// The sheets of a file, in workbook order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workbook {
    /// The sheets (worksheets only; chart sheets are skipped).
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet of that name (exact, else ignoring case).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|sheet| sheet.name == name)
            .or_else(|| self.sheets.iter().find(|sheet| sheet.name.eq_ignore_ascii_case(name)))
    }
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Cfb,
    Pdf,
    Text,
}

fn sniff(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Kind::Xlsx
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Cfb
    } else if bytes.starts_with(b"%PDF") {
        Kind::Pdf
    } else {
        Kind::Text
    }
}

/// Reads a spreadsheet file: XLSX (by its ZIP signature) or CSV (anything else that is text).
///
/// # Bounds
///
/// Before any data is inflated, the file size is checked against `max_file_bytes` and the XLSX
/// ZIP central directory against `max_unpacked_bytes` (total), `max_ratio` (per entry) and
/// `max_zip_entries`. calamine streams each worksheet's XML through the `zip` crate, which
/// refuses to inflate an entry past the size its directory declares; the shared-strings table
/// is held in memory whole. Cells are read one by one (never as calamine's dense bounding-box
/// range, which a single far-away cell could make enormous) and each non-empty cell is checked
/// against `max_rows`, `max_columns`, `max_cell_chars` and `max_cells`. Memory is therefore
/// bounded by about `max_unpacked_bytes` (the shared strings, at worst) plus the parsed cells
/// (`max_cells` cells of at most `max_cell_chars` characters, in practice far less).
pub fn read_workbook(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Workbook, ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge { bytes: bytes.len(), limit: limits.max_file_bytes });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    match sniff(bytes) {
        Kind::Xlsx => read_xlsx_guarded(bytes, limits),
        Kind::Cfb => Err(ImportError::Encrypted),
        Kind::Pdf => Err(ImportError::Pdf),
        Kind::Text => crate::csvfile::read_csv(file_name, bytes, limits),
    }
}

/// [`read_xlsx`], with a panic of the XLSX parser (a third-party crate) turned into a refusal of
/// the file: fuzzing found a cell reference whose row number overflows calamine's arithmetic
/// (`calamine::xlsx::get_row_and_optional_column`, with overflow checks on, as our release
/// profile has them). A file that makes the parser panic is not readable, and says so.
fn read_xlsx_guarded(bytes: &[u8], limits: &Limits) -> Result<Workbook, ImportError> {
    std::panic::catch_unwind(|| read_xlsx(bytes, limits)).unwrap_or_else(|_| {
        Err(ImportError::Unreadable(
            "the workbook is malformed (a cell reference or value the XLSX reader cannot handle)"
                .to_owned(),
        ))
    })
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Workbook, ImportError> {
    let entries = zipcheck::check(bytes, limits)?;
    let has = |name: &str| entries.iter().any(|entry| entry.name.eq_ignore_ascii_case(name));
    if has("mimetype") && has("content.xml") {
        return Err(ImportError::Unreadable(
            "this is an OpenDocument spreadsheet (.ods); save it as .xlsx".to_owned(),
        ));
    }
    if has("xl/workbook.bin") {
        return Err(ImportError::Unreadable(
            "this is a binary workbook (.xlsb); save it as .xlsx".to_owned(),
        ));
    }
    if has("EncryptedPackage") {
        return Err(ImportError::Encrypted);
    }
    let mut xlsx = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = xlsx.sheet_names();
    let mut sheets = Vec::new();
    let mut cells_read = 0usize;
    for name in names {
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // Chart sheets, dialog sheets and the like carry no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(err) => return Err(xlsx_error(err)),
        };
        let mut grid = Grid::new(&name, limits);
        while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
            let (row, column) = cell.get_position();
            let value = convert(cell.get_value());
            if value.is_empty() {
                continue;
            }
            cells_read += 1;
            if cells_read > limits.max_cells {
                return Err(ImportError::Limit(format!(
                    "the workbook has more than {} non-empty cells (sheet `{name}` reached the limit)",
                    limits.max_cells
                )));
            }
            grid.put(row, column, value)?;
        }
        let rows = grid.rows;
        sheets.push(Sheet { name, rows });
    }
    Ok(Workbook { sheets })
}

fn xlsx_error(err: XlsxError) -> ImportError {
    match err {
        XlsxError::Password => ImportError::Encrypted,
        other => ImportError::Unreadable(other.to_string()),
    }
}

/// Rows of cells under construction, with the limits checked as cells arrive.
pub(crate) struct Grid<'a> {
    name: &'a str,
    limits: &'a Limits,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl<'a> Grid<'a> {
    pub(crate) fn new(name: &'a str, limits: &'a Limits) -> Grid<'a> {
        Grid { name, limits, rows: Vec::new() }
    }

    /// Puts a non-empty cell at a 0-based row and column.
    pub(crate) fn put(&mut self, row: u32, column: u32, value: Cell) -> Result<(), ImportError> {
        let (row, column) = (row as usize, column as usize);
        if row >= self.limits.max_rows {
            return Err(ImportError::Limit(format!(
                "sheet `{}` has data in row {}; the limit is {} rows",
                self.name,
                row + 1,
                self.limits.max_rows
            )));
        }
        if column >= self.limits.max_columns {
            return Err(ImportError::Limit(format!(
                "sheet `{}` has data in column {} (row {}); the limit is {} columns",
                self.name,
                column_letters(column as u32),
                row + 1,
                self.limits.max_columns
            )));
        }
        if let Cell::Text(text) = &value {
            let chars = text.chars().count();
            if chars > self.limits.max_cell_chars {
                return Err(ImportError::Limit(format!(
                    "cell {}!{}{} has {chars} characters; the limit is {}",
                    self.name,
                    column_letters(column as u32),
                    row + 1,
                    self.limits.max_cell_chars
                )));
            }
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        if let Some(cells) = self.rows.get_mut(row) {
            if cells.len() <= column {
                cells.resize(column + 1, Cell::Empty);
            }
            if let Some(slot) = cells.get_mut(column) {
                *slot = value;
            }
        }
        Ok(())
    }
}

fn convert(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(int) => Cell::Number(Decimal::from(*int)),
        DataRef::Float(float) => float_cell(*float),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text_cell(text)
        }
        DataRef::SharedString(text) => text_cell(text),
        DataRef::Bool(flag) => Cell::Bool(*flag),
        DataRef::DateTime(datetime) => {
            if datetime.is_duration() {
                float_cell(datetime.as_f64())
            } else {
                let (year, month, day, hour, minute, second, _) = datetime.to_ymd_hms_milli();
                if (hour, minute, second) == (0, 0, 0) {
                    Cell::Text(format!("{year:04}-{month:02}-{day:02}"))
                } else {
                    Cell::Text(format!(
                        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
                    ))
                }
            }
        }
        DataRef::Error(error) => Cell::Error(error.to_string()),
    }
}

/// Text, trimmed; whitespace only is empty.
pub(crate) fn text_cell(text: &str) -> Cell {
    let trimmed = text.trim();
    if trimmed.is_empty() { Cell::Empty } else { Cell::Text(trimmed.to_owned()) }
}

/// A float as the decimal it was typed as: its shortest round-trip text (Rust's `Display` for
/// `f64`, which never uses an exponent), read exactly. A value a decimal cannot hold (more than 28
/// decimal places, or beyond ±7.9e28) stays as text in scientific form (`1e300`), so that using
/// it as a number names the cell; NaN and infinities become `#NUM!`.
pub(crate) fn float_cell(float: f64) -> Cell {
    if !float.is_finite() {
        return Cell::Error("#NUM!".to_owned());
    }
    match Decimal::from_str_exact(&format!("{float}")) {
        Ok(number) if number.is_zero() => Cell::Number(Decimal::ZERO),
        Ok(number) => Cell::Number(number),
        Err(_) => Cell::Text(format!("{float:e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_become_their_shortest_decimal() {
        let number = |text: &str| Cell::Number(Decimal::from_str_exact(text).unwrap());
        assert_eq!(float_cell(0.1), number("0.1"));
        assert_eq!(float_cell(0.300_000_000_000_000_04), number("0.30000000000000004"));
        assert_eq!(float_cell(1e-7), number("0.0000001"));
        assert_eq!(float_cell(-0.0), number("0"));
        assert_eq!(float_cell(1e300), Cell::Text("1e300".to_owned()));
        assert_eq!(float_cell(1e-40), Cell::Text("1e-40".to_owned()));
        assert_eq!(float_cell(f64::NAN), Cell::Error("#NUM!".to_owned()));
    }
}
