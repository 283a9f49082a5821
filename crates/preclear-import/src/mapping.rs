//! Finding the table: which sheet, which row is the header, and which column holds which field.

use std::fmt;

use crate::ImportError;
use crate::at::{column_letters, parse_column_letters};
use crate::field::{Field, Match, fold_text, match_header, normalise_header};
use crate::workbook::{Cell, Sheet, Workbook};

/// How many rows from the top of each sheet are searched for the header.
pub const HEADER_SCAN_ROWS: u32 = 30;

/// One column of the table and the field it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedColumn {
    /// The column, 0-based (`0` is `A`).
    pub index: u32,
    /// The header text as written.
    pub header: String,
    /// The field.
    pub field: Field,
    /// The unit the header names (`kg`, `lb`, `g`, or a currency code such as `EUR`).
    pub unit: Option<String>,
}

/// Where the table is and what its columns hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The sheet's name.
    pub sheet: String,
    /// The header row, 1-based.
    pub header_row: u32,
    /// The mapped columns, left to right.
    pub columns: Vec<MappedColumn>,
    /// Header cells that map to no field (or to a field another column already holds):
    /// column index and header text.
    pub unmapped: Vec<(u32, String)>,
}

impl Mapping {
    /// The column of a field.
    pub fn column(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.iter().find(|column| column.field == field)
    }

    /// The header text of a column, mapped or not.
    pub fn header_of(&self, index: u32) -> Option<&str> {
        self.columns
            .iter()
            .find(|column| column.index == index)
            .map(|column| column.header.as_str())
            .or_else(|| {
                self.unmapped
                    .iter()
                    .find(|(column, _)| *column == index)
                    .map(|(_, header)| header.as_str())
            })
    }
}

/// A column named by the user: by letter (`D`) or by its header text (`Preço Unitário`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// A column letter, 0-based index (`D` is 3). If the header row has a cell whose text is
    /// exactly the letters (a column headed `SKU`), that column is meant instead.
    Letter(u32),
    /// A header text, matched ignoring case, accents and punctuation.
    Header(String),
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Letter(index) => write!(f, "column {}", column_letters(*index)),
            ColumnRef::Header(text) => write!(f, "the column headed `{text}`"),
        }
    }
}

/// What the user says about the table, overriding detection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MappingOverride {
    /// The sheet to read (by name; case is ignored when no sheet has the exact name).
    pub sheet: Option<String>,
    /// The header row, 1-based.
    pub header_row: Option<u32>,
    /// Columns assigned to fields; these win over detection.
    pub columns: Vec<(Field, ColumnRef)>,
    /// Who reads the messages (how they are told to name columns).
    pub audience: crate::Audience,
}

impl MappingOverride {
    /// Adds one `field=column` assignment (see [`parse_override`]); `sheet=Name` and
    /// `header_row=3` set the sheet and header row.
    pub fn add(&mut self, spec: &str) -> Result<(), ImportError> {
        if let Some((key, value)) = spec.split_once('=') {
            match key.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "sheet" => {
                    self.sheet = Some(unquote(value.trim()).to_owned());
                    return Ok(());
                }
                "header_row" | "header" => {
                    let row = value.trim().parse::<u32>().ok().filter(|row| *row >= 1).ok_or_else(
                        || {
                            ImportError::Mapping(format!(
                                "`{spec}`: the header row must be a row number such as 3"
                            ))
                        },
                    )?;
                    self.header_row = Some(row);
                    return Ok(());
                }
                _ => {}
            }
        }
        let (field, column) = parse_override(spec)?;
        self.columns.retain(|(seen, _)| *seen != field);
        self.columns.push((field, column));
        Ok(())
    }

    /// An override from a list of specs (`["quantity=D", "unit_value=Preço Unitário"]`).
    pub fn from_specs<'a>(
        specs: impl IntoIterator<Item = &'a str>,
    ) -> Result<MappingOverride, ImportError> {
        let mut over = MappingOverride::default();
        for spec in specs {
            over.add(spec)?;
        }
        Ok(over)
    }
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
        .unwrap_or(text)
}

/// Parses `field=column`: `quantity=D` (a column letter: one to three upper-case letters) or
/// `unit_value=Preço Unitário` (header text; quote it, `part_number="SKU"`, to force header
/// text that looks like letters).
pub fn parse_override(spec: &str) -> Result<(Field, ColumnRef), ImportError> {
    let Some((key, value)) = spec.split_once('=') else {
        return Err(ImportError::Mapping(format!(
            "`{spec}` is not a column assignment; write field=column, e.g. quantity=D or unit_value=Unit Price"
        )));
    };
    let field =
        Field::parse(key).map_err(|err| ImportError::Mapping(format!("`{spec}`: {err}")))?;
    let value = value.trim();
    if value.is_empty() {
        return Err(ImportError::Mapping(format!("`{spec}`: no column given after `=`")));
    }
    let unquoted = unquote(value);
    let quoted = unquoted.len() != value.len();
    let letters = !quoted
        && value.len() <= 3
        && value.bytes().all(|b| b.is_ascii_uppercase())
        && parse_column_letters(value).is_some();
    match parse_column_letters(value) {
        Some(index) if letters => Ok((field, ColumnRef::Letter(index))),
        _ => Ok((field, ColumnRef::Header(unquoted.to_owned()))),
    }
}

/// A candidate header row and its mapping.
struct Candidate {
    score: u32,
    mapping: Mapping,
}

/// What reading a row as the header gives.
enum Outcome {
    /// A qualifying header.
    Found(Candidate),
    /// Not a header.
    NotHeader,
    /// Not a header because an override names something this row or sheet lacks.
    Missing(String),
}

/// Finds the table: the sheet (the override's, else the sheet whose best header row scores
/// highest; the first such sheet on a tie) and its header row (the override's, else the
/// best-scoring of the first [`HEADER_SCAN_ROWS`] rows).
///
/// A header cell scores 3 when it is exactly a synonym of a field and 1 when it contains one;
/// each field counts once. **A row qualifies as the header only if it has a Quantity column and
/// a Description, Part number or Model column** (after overrides). Overridden columns count as
/// exact matches. An override that names a sheet, row or column that is not there is an error
/// naming it.
pub fn detect(workbook: &Workbook, over: &MappingOverride) -> Result<Mapping, ImportError> {
    if workbook.sheets.iter().all(|sheet| sheet.rows.is_empty()) {
        return Err(ImportError::NoTable("the file has no data".to_owned()));
    }
    let sheets: Vec<&Sheet> = match &over.sheet {
        Some(name) => {
            let sheet = workbook.sheet(name).ok_or_else(|| {
                ImportError::Mapping(format!(
                    "there is no sheet `{name}`; the sheets are: {}",
                    workbook
                        .sheets
                        .iter()
                        .map(|sheet| format!("`{}`", sheet.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            vec![sheet]
        }
        None => workbook.sheets.iter().collect(),
    };
    let mut best: Option<Candidate> = None;
    let mut override_errors: Vec<String> = Vec::new();
    let mut near_miss: Option<(u32, String)> = None;
    for sheet in &sheets {
        let rows: Vec<u32> = match over.header_row {
            Some(row) => vec![row],
            None => (1..=HEADER_SCAN_ROWS.min(sheet.rows.len() as u32)).collect(),
        };
        for row in rows {
            match candidate(sheet, row, over) {
                Outcome::Found(found) => {
                    if best.as_ref().is_none_or(|seen| found.score > seen.score) {
                        best = Some(found);
                    }
                }
                Outcome::NotHeader => {
                    let score = raw_score(sheet, row);
                    if score > 0 && near_miss.as_ref().is_none_or(|(seen, _)| score > *seen) {
                        near_miss = Some((score, describe_row(sheet, row)));
                    }
                }
                Outcome::Missing(err) => override_errors.push(err),
            }
        }
    }
    if let Some(found) = best {
        return Ok(found.mapping);
    }
    if let Some(first) = override_errors.into_iter().next() {
        return Err(ImportError::Mapping(first));
    }
    let mut message = format!(
        "no header row found in the first {HEADER_SCAN_ROWS} rows{}: a header needs a Quantity column and a Description, Part number or Model column",
        if sheets.len() == 1 {
            format!(" of `{}`", sheets.first().map_or("", |sheet| sheet.name.as_str()))
        } else {
            " of any sheet".to_owned()
        }
    );
    if let Some((_, described)) = near_miss {
        message.push_str(&format!(
            "; the closest is {described}; {}",
            over.audience.map_hint("quantity=D")
        ));
    } else {
        message.push_str(&format!("; {}", over.audience.map_hint("quantity=D description=B")));
    }
    Err(ImportError::NoTable(message))
}

fn raw_score(sheet: &Sheet, row: u32) -> u32 {
    let mut fields = Vec::new();
    let mut score = 0;
    for index in 0..sheet.width() {
        if let Cell::Text(text) = sheet.cell(row, index)
            && let Some((field, quality)) = match_header(&normalise_header(text))
            && !fields.contains(&field)
        {
            fields.push(field);
            score += if quality == Match::Exact { 3 } else { 1 };
        }
    }
    score
}

fn describe_row(sheet: &Sheet, row: u32) -> String {
    let mut found = Vec::new();
    for index in 0..sheet.width() {
        if let Cell::Text(text) = sheet.cell(row, index)
            && let Some((field, _)) = match_header(&normalise_header(text))
        {
            found.push(format!("{} `{text}` → {}", column_letters(index), field.as_str()));
        }
    }
    format!("{} row {row} ({})", sheet.name, found.join(", "))
}

/// The mapping of a row read as the header.
fn candidate(sheet: &Sheet, row: u32, over: &MappingOverride) -> Outcome {
    let width = sheet.width();
    let header_text = |index: u32| -> Option<String> { sheet.cell(row, index).text() };
    // Overrides first: they win.
    let mut assigned: Vec<(u32, Field, u32)> = Vec::new(); // (column, field, score)
    for (field, column) in &over.columns {
        let index = match column {
            ColumnRef::Letter(index) => {
                let letters = column_letters(*index);
                let named =
                    (0..width).find(|&i| header_text(i).is_some_and(|text| text.trim() == letters));
                match named {
                    Some(named) => named,
                    None if *index < width => *index,
                    None => {
                        return Outcome::Missing(format!(
                            "{}: sheet `{}` has no data in column {letters} (its last column is {})",
                            over.audience.assignment(field.as_str(), &letters),
                            sheet.name,
                            column_letters(width.saturating_sub(1))
                        ));
                    }
                }
            }
            ColumnRef::Header(text) => {
                let wanted = fold_text(text);
                let found = (0..width).find(|&i| {
                    header_text(i).is_some_and(|header| {
                        fold_text(&header) == wanted || normalise_header(&header).text == wanted
                    })
                });
                match found {
                    Some(index) => index,
                    None if over.header_row.is_some() => {
                        return Outcome::Missing(format!(
                            "{}: row {row} of sheet `{}` has no column headed `{text}`; its headers are: {}",
                            over.audience.assignment(field.as_str(), text),
                            sheet.name,
                            (0..width)
                                .filter_map(|i| header_text(i).map(|h| format!("`{h}`")))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    // Not this row; another may be the header.
                    None => {
                        return Outcome::Missing(format!(
                            "{}: no column headed `{text}` in the first {HEADER_SCAN_ROWS} rows of sheet `{}`",
                            over.audience.assignment(field.as_str(), text),
                            sheet.name
                        ));
                    }
                }
            }
        };
        assigned.retain(|(column, _, _)| *column != index);
        assigned.push((index, *field, 3));
    }
    let mut columns: Vec<MappedColumn> = Vec::new();
    let mut unmapped: Vec<(u32, String)> = Vec::new();
    let mut detected: Vec<(u32, Field, Match, String, Option<String>)> = Vec::new();
    for index in 0..width {
        let Some(text) = header_text(index) else { continue };
        if assigned.iter().any(|(column, _, _)| *column == index) {
            continue;
        }
        let normal = normalise_header(&text);
        match match_header(&normal) {
            Some((field, quality)) if !assigned.iter().any(|(_, seen, _)| *seen == field) => {
                detected.push((index, field, quality, text, normal.unit));
            }
            _ => unmapped.push((index, text)),
        }
    }
    // One column per field: the better match wins, then the leftmost.
    let mut score = 0u32;
    for (index, field, _) in &assigned {
        let text = header_text(*index).unwrap_or_default();
        let unit = normalise_header(&text).unit;
        columns.push(MappedColumn { index: *index, header: text, field: *field, unit });
        score += 3;
    }
    for (position, (index, field, quality, text, unit)) in detected.iter().enumerate() {
        let better_elsewhere = detected.iter().enumerate().any(|(other, (_, f, q, _, _))| {
            f == field && other != position && (q > quality || (q == quality && other < position))
        });
        if better_elsewhere {
            unmapped.push((*index, text.clone()));
        } else {
            score += if *quality == Match::Exact { 3 } else { 1 };
            columns.push(MappedColumn {
                index: *index,
                header: text.clone(),
                field: *field,
                unit: unit.clone(),
            });
        }
    }
    columns.sort_by_key(|column| column.index);
    unmapped.sort_by_key(|(index, _)| *index);
    let has = |field: Field| columns.iter().any(|column| column.field == field);
    let qualifies = has(Field::Quantity)
        && (has(Field::Description) || has(Field::PartNumber) || has(Field::Model));
    if !qualifies && over.header_row.is_none() {
        return Outcome::NotHeader;
    }
    if !qualifies {
        return Outcome::Missing(format!(
            "row {row} of sheet `{}` is not a header: it needs a Quantity column and a Description, Part number or Model column ({})",
            sheet.name,
            over.audience.map_hint("quantity=D description=B")
        ));
    }
    Outcome::Found(Candidate {
        score,
        mapping: Mapping { sheet: sheet.name.clone(), header_row: row, columns, unmapped },
    })
}
