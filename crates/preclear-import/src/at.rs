//! Where something is in a workbook: sheet, row, column and the column's header.

use std::fmt;

/// A place in a workbook: a cell (`Packing list!D7 (Qty)`) or a whole row (`Packing list row 7`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    /// The sheet's name (for a CSV file, the file name).
    pub sheet: String,
    /// The spreadsheet row, 1-based as the spreadsheet shows it.
    pub row: u32,
    /// The column, 0-based (`0` is column `A`); `None` for the whole row.
    pub column: Option<u32>,
    /// The text of the column's header, when the column is in the table.
    pub header: Option<String>,
}

impl At {
    /// A whole row.
    pub fn row(sheet: &str, row: u32) -> At {
        At { sheet: sheet.to_owned(), row, column: None, header: None }
    }

    /// A cell, without header text.
    pub fn cell(sheet: &str, row: u32, column: u32) -> At {
        At { sheet: sheet.to_owned(), row, column: Some(column), header: None }
    }

    /// The same place with the column's header text.
    pub fn with_header(mut self, header: &str) -> At {
        if !header.trim().is_empty() {
            self.header = Some(header.trim().to_owned());
        }
        self
    }

    /// The A1-style reference without the sheet (`D7`), or the row number for a whole row.
    pub fn reference(&self) -> String {
        match self.column {
            Some(column) => format!("{}{}", column_letters(column), self.row),
            None => format!("row {}", self.row),
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => {
                write!(f, "{}!{}{}", self.sheet, column_letters(column), self.row)?;
                if let Some(header) = &self.header {
                    write!(f, " ({header})")?;
                }
                Ok(())
            }
            None => write!(f, "{} row {}", self.sheet, self.row),
        }
    }
}

/// The letters of a 0-based column index: `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_letters(index: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(index) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        // INVARIANT: rem < 26, so the byte is an ASCII upper-case letter.
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The 0-based index of column letters (`A` → 0, `AA` → 26); `None` unless the text is one to
/// three ASCII letters (Excel's last column is `XFD`). Lower case is accepted.
pub fn parse_column_letters(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in text.bytes() {
        n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    n.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_round_trip() {
        for (index, letters) in [(0, "A"), (3, "D"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA")]
        {
            assert_eq!(column_letters(index), letters);
            assert_eq!(parse_column_letters(letters), Some(index));
        }
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(parse_column_letters("d"), Some(3));
        assert_eq!(parse_column_letters("D7"), None);
        assert_eq!(parse_column_letters("ABCD"), None);
    }

    #[test]
    fn places_display_like_a_spreadsheet() {
        let at = At::cell("Packing list", 7, 3).with_header("Qty");
        assert_eq!(at.to_string(), "Packing list!D7 (Qty)");
        assert_eq!(At::cell("Sheet1", 7, 3).to_string(), "Sheet1!D7");
        assert_eq!(At::row("Sheet1", 7).to_string(), "Sheet1 row 7");
    }
}
