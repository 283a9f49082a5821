//! CSV files: UTF-8 (with or without BOM) or UTF-16 with BOM; delimiter `,`, `;` or tab, told
//! by counting on the first lines. Every cell is text; numbers are read from it later, with the
//! column's other cells deciding ambiguous separators.

use crate::workbook::{Grid, Sheet, Workbook, text_cell};
use crate::{ImportError, Limits};

/// How many lines the delimiter count looks at.
const SNIFF_LINES: usize = 30;

pub(crate) fn read_csv(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Workbook, ImportError> {
    let text = decode(bytes)?;
    let head: String = text.trim_start().chars().take(512).collect::<String>().to_lowercase();
    if head.starts_with("<?xml")
        || head.starts_with("<html")
        || head.starts_with("<!doctype")
        || head.starts_with("<table")
    {
        return Err(ImportError::Csv(
            "this is an HTML or XML file (an HTML table or Excel 2003 XML saved as .xls); open it in a spreadsheet and save it as .xlsx".to_owned(),
        ));
    }
    let delimiter = detect_delimiter(&text);
    let name = sheet_name(file_name);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Grid::new(&name, limits);
    let mut cells = 0usize;
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                return Err(ImportError::Csv(format!("line {line}: {err}")));
            }
        }
        // Rows are numbered by record, as a spreadsheet opening the file would show them: the
        // reader skips empty lines, and a spreadsheet shows each as an empty row.
        // A record's position is right after the previous one's terminator, so the empty lines
        // skipped are the line breaks it starts with.
        let start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        row = row.saturating_add(empty_lines_at(text.as_bytes(), start));
        for (column, field) in record.iter().enumerate() {
            let value = text_cell(field);
            if value.is_empty() {
                continue;
            }
            cells += 1;
            if cells > limits.max_cells {
                return Err(ImportError::Limit(format!(
                    "`{name}` has more than {} non-empty cells",
                    limits.max_cells
                )));
            }
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            grid.put(row, column, value)?;
        }
        row = row.saturating_add(1);
    }
    let rows = grid.rows;
    Ok(Workbook { sheets: vec![Sheet { name, rows }] })
}

/// How many empty lines begin at `start` (a record's position: right after the previous
/// record's terminator, which may have stopped between a `\r` and its `\n`). `\r\n`, `\n` and a
/// lone `\r` each end one line.
fn empty_lines_at(bytes: &[u8], start: usize) -> u32 {
    let mut at = start;
    // The `\n` of a `\r\n` whose `\r` ended the previous record.
    if at > 0 && bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
        at += 1;
    }
    let mut lines = 0u32;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            b'\r' | b'\n' => at += 1,
            _ => break,
        }
        lines = lines.saturating_add(1);
    }
    lines
}

/// The file name without directories.
fn sheet_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    if base.is_empty() { "CSV".to_owned() } else { base.to_owned() }
}

fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => {
            if text.contains('\0') {
                return Err(ImportError::Csv(
                    "it contains NUL bytes: it is a binary file, neither CSV text nor an XLSX workbook"
                        .to_owned(),
                ));
            }
            Ok(text.to_owned())
        }
        Err(err) => {
            let offset = err.valid_up_to();
            let before = body.get(..offset).unwrap_or_default();
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let bom = bytes.len() - body.len();
            Err(ImportError::Encoding(format!(
                "the CSV file is not valid UTF-8 at line {line} (byte offset {}): save it as \"CSV UTF-8\"",
                offset + bom
            )))
        }
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, what: &str) -> Result<String, ImportError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ImportError::Encoding(format!(
            "the {what} CSV file has an odd number of bytes (it is truncated): save it as \"CSV UTF-8\""
        )));
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut line = 1usize;
    for (index, decoded) in char::decode_utf16(units).enumerate() {
        match decoded {
            Ok(ch) => {
                if ch == '\n' {
                    line += 1;
                }
                text.push(ch);
            }
            Err(_) => {
                return Err(ImportError::Encoding(format!(
                    "the {what} CSV file has an invalid character at line {line} (byte offset {}): save it as \"CSV UTF-8\"",
                    index * 2 + 2
                )));
            }
        }
    }
    Ok(text)
}

/// The delimiter among `,` `;` and tab whose count per line is the most regular on the first
/// lines: the score is the commonest non-zero count times the number of lines that have it
/// (ties go to `;`, then tab, then `,`: a `;` file with decimal commas has both).
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> =
        text.lines().filter(|line| !line.trim().is_empty()).take(SNIFF_LINES).collect();
    let mut best = (0usize, b',');
    for delimiter in [b',', b'\t', b';'] {
        let counts: Vec<usize> =
            lines.iter().map(|line| count_outside_quotes(line, delimiter)).collect();
        let mut score = 0usize;
        for &count in &counts {
            if count == 0 {
                continue;
            }
            let lines_with = counts.iter().filter(|&&c| c == count).count();
            score = score.max(count * lines_with);
        }
        if score >= best.0 && score > 0 {
            best = (score, delimiter);
        }
    }
    best.1
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // An empty line is an empty row; a quoted field over two lines is one row.
        let text = "title\n\nhead;qty\r\n\r\n\"two\nlines\";2\n\nx;3\n";
        let book = read_csv("a.csv", text.as_bytes(), &Limits::default()).unwrap();
        let sheet = &book.sheets[0];
        assert_eq!(sheet.cell(1, 0).text().as_deref(), Some("title"));
        assert_eq!(sheet.cell(3, 0).text().as_deref(), Some("head"));
        assert_eq!(sheet.cell(5, 0).text().as_deref(), Some("two\nlines"));
        assert_eq!(sheet.cell(7, 0).text().as_deref(), Some("x"));
        assert_eq!(sheet.cell(7, 1).text().as_deref(), Some("3"));
    }

    #[test]
    fn delimiters_are_told_by_regular_counts() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter("a;b;c\n1;9.800,00;3,5\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter("\"x, y\";b;c\n1;2;3\n"), b';');
    }

    #[test]
    fn invalid_utf8_names_the_line_and_offset() {
        let err = decode(b"a,b\nc,\xe9\n").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("byte offset 6"), "{err}");
        assert!(err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn utf16_and_bom_are_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Qty;Menşe\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "Qty;Menşe\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
    }
}
