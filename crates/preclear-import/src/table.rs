//! Reading the table under the header into source lines, each with the cells it came from, and
//! the sheet's own checks: numbers, quantities, money at the currency's precision, serials,
//! totals rows.

use std::collections::BTreeMap;
use std::fmt;

use preclear_domain::{Currency, Rounding, RoundingMode};
use rust_decimal::Decimal;

use crate::Limits;
use crate::at::At;
use crate::field::{Field, fold_text};
use crate::mapping::Mapping;
use crate::numbers::{NumberError, decimal_hint, parse_number};
use crate::vocab::parse_currency;
use crate::workbook::{Cell, Sheet, Workbook};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The request cannot be trusted until this is fixed.
    Error,
    /// Worth a look; the import went on (a value was rounded, a count differs).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A problem found while importing, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The cell or row, when the problem has a place in the sheet.
    pub at: Option<At>,
    /// The request path it concerns (`items[3].unit_value`, `origin`), when known.
    pub field: Option<String>,
    /// What is wrong, as a sentence fragment.
    pub message: String,
}

impl Problem {
    /// An error.
    pub fn error(at: Option<At>, field: Option<String>, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Error, at, field, message: message.into() }
    }

    /// A warning.
    pub fn warning(at: Option<At>, field: Option<String>, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Warning, at, field, message: message.into() }
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity)?;
        if let Some(at) = &self.at {
            write!(f, "{at}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// One line of the table as the sheet gives it (rows merged when they repeat an item with one
/// serial number each), with where every value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// The line's first row.
    pub at: At,
    /// Every row the line was read from, 1-based.
    pub rows: Vec<u32>,
    /// The line or item number as written.
    pub line_no: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Category as written.
    pub category: Option<String>,
    /// HS code as written (a number cell is given its lost zeros back: `8471.5` → `8471.50`).
    pub hs_code: Option<String>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Part number.
    pub part_number: Option<String>,
    /// Country of origin as written.
    pub country_of_origin: Option<String>,
    /// Condition as written.
    pub condition: Option<String>,
    /// Quantity (summed over merged rows).
    pub quantity: Option<Decimal>,
    /// Unit value as written (not rounded).
    pub unit_value: Option<Decimal>,
    /// Line value as written (summed over merged rows).
    pub line_value: Option<Decimal>,
    /// Currency code of the line's amounts: the Currency column, else a symbol or code written
    /// with the amount (`€ 9.800,00`).
    pub currency: Option<String>,
    /// Net weight of one unit, in kilograms (converted from pounds or grams when the header or
    /// cell says so).
    pub unit_weight_kg: Option<Decimal>,
    /// Net weight of the line, in kilograms.
    pub line_weight_kg: Option<Decimal>,
    /// Gross weight of the line, in kilograms.
    pub gross_weight_kg: Option<Decimal>,
    /// Serial numbers (a cell may hold several, separated by `,` `;` or new lines).
    pub serials: Vec<String>,
    /// Radio technologies, raw text.
    pub radio: Option<String>,
    /// Encryption, raw text.
    pub encryption: Option<String>,
    /// ECCN, raw text.
    pub eccn: Option<String>,
    /// Technical specification text.
    pub specification: Option<String>,
    /// Valuation method or basis.
    pub valuation_method: Option<String>,
    /// Where each field came from (the first row's cell when rows were merged).
    pub cells: BTreeMap<Field, At>,
}

/// The table read from a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Where the table is.
    pub mapping: Mapping,
    /// Key/value pairs above the header (`Invoice No` → `INV-7`), with the value's cell.
    pub metadata: Vec<(String, String, At)>,
    /// The lines, in sheet order.
    pub lines: Vec<SourceLine>,
    /// What is wrong or worth a look, in sheet order.
    pub problems: Vec<Problem>,
    /// The first text above the header that is not a key/value pair (`COMMERCIAL INVOICE`).
    pub title: Option<String>,
    /// The currency the sheet states (metadata, Currency column, amount symbols or a header
    /// such as `Unit price (EUR)`), and where.
    pub currency: Option<(String, At)>,
    /// What was inferred or converted (`Net weight (lb) converted to kilograms`).
    pub notes: Vec<String>,
}

impl Table {
    /// The first metadata value whose key matches one of the keys (compared folded: case,
    /// accents and punctuation ignored).
    pub fn meta(&self, keys: &[&str]) -> Option<(&str, &At, &str)> {
        self.metadata.iter().find_map(|(key, value, at)| {
            let folded = fold_text(key);
            keys.iter().any(|wanted| fold_text(wanted) == folded).then_some((
                value.as_str(),
                at,
                key.as_str(),
            ))
        })
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Metadata keys that name the currency.
pub(crate) const CURRENCY_KEYS: &[&str] = &[
    "currency",
    "invoice currency",
    "moneda",
    "moeda",
    "para birimi",
    "döviz",
    "doviz",
    "divisa",
    "döviz cinsi",
    "doviz cinsi",
];

/// Reads the table that `mapping` locates. Problems are reported, never thrown: every cell that
/// cannot be read is named.
///
/// Rows: an entirely empty row is skipped; a row whose description or first cell is a totals
/// label (`Total`, `Subtotal`, `Toplam`, `Total general`, …) with no unit value, no quantity or
/// the quantity summed so far ends the table, and the totals it carries are checked against the
/// lines; after a blank row, a row with text but nothing of an item (no quantity, value, code,
/// model or serial) is a footer and ends the table. A row holding only serial numbers adds them
/// to the line above. Consecutive rows that repeat the same item (description, manufacturer,
/// model, part number, HS code, unit value, origin, condition) and each carry serials are
/// merged into one line, the quantities summed (a row with serials but no quantity counts as
/// its number of serials).
///
/// Amounts are checked at the precision of the sheet's currency (two decimals when the sheet
/// states none).
pub fn read_table(workbook: &Workbook, mapping: &Mapping, limits: &Limits) -> Table {
    read_table_with(workbook, mapping, limits, None)
}

/// [`read_table`], with the currency to assume when the sheet states none.
pub(crate) fn read_table_with(
    workbook: &Workbook,
    mapping: &Mapping,
    limits: &Limits,
    fallback: Option<Currency>,
) -> Table {
    let mut table = Table {
        mapping: mapping.clone(),
        metadata: Vec::new(),
        lines: Vec::new(),
        problems: Vec::new(),
        title: None,
        currency: None,
        notes: Vec::new(),
    };
    let Some(sheet) = workbook.sheet(&mapping.sheet) else {
        table.problems.push(Problem::error(
            None,
            None,
            format!("the workbook has no sheet `{}`", mapping.sheet),
        ));
        return table;
    };
    let reader = RowReader::new(sheet, mapping);
    read_metadata(&reader, &mut table);
    let mut state = State::default();
    let last_row = u32::try_from(sheet.rows.len().min(limits.max_rows)).unwrap_or(u32::MAX);
    for row in mapping.header_row.saturating_add(1)..=last_row {
        if reader.row_is_empty(row) {
            if !state.lines.is_empty() {
                state.blank_after_lines = true;
            }
            continue;
        }
        let mut issues = Vec::new();
        let line = reader.read_row(row, &mut issues, &mut table.notes);
        if line.cells.is_empty() {
            // Content only in columns outside the table.
            continue;
        }
        if let Some(totals) = reader.totals_row(row, &line, &state) {
            state.totals = Some(totals);
            table.problems.extend(issues.into_iter().map(|issue| issue.problem(None)));
            warn_below(&reader, row, last_row, "the totals row", &mut table.problems);
            break;
        }
        let has = |field: Field| line.cells.contains_key(&field);
        // Only a description (with perhaps a number, category or specification): a heading
        // or a remark, not an item missing its figures.
        let itemish = line.cells.keys().any(|field| {
            !matches!(
                field,
                Field::Description | Field::Line | Field::Category | Field::Specification
            )
        });
        let serial_only = has(Field::Serial)
            && line.cells.keys().all(|f| matches!(f, Field::Serial | Field::Line));
        if serial_only {
            if let Some(last) = state.lines.last_mut() {
                last.line.serials.extend(line.serials);
                last.line.rows.push(row);
                last.issues.extend(issues);
            } else {
                table.problems.push(Problem::warning(
                    Some(At::row(&sheet.name, row)),
                    None,
                    "serial numbers with no item above them; skipped",
                ));
            }
            continue;
        }
        if !itemish {
            if state.lines.is_empty() {
                // A section heading above the first item.
                continue;
            }
            if state.blank_after_lines {
                // A footer (signature, bank details, remarks).
                warn_below(&reader, row, last_row, "the footer", &mut table.problems);
                break;
            }
            table.problems.push(Problem::warning(
                Some(At::row(&sheet.name, row)),
                None,
                "this row has only a description: no quantity, value, code, origin or serial; it was skipped",
            ));
            continue;
        }
        state.blank_after_lines = false;
        if !has(Field::Quantity) && !line.serials.is_empty() {
            state.inferred_quantity = true;
        }
        state.quantity_so_far = state
            .quantity_so_far
            .checked_add(line.quantity.unwrap_or_default())
            .unwrap_or_default();
        if let Some(last) = state.lines.last_mut()
            && mergeable(&last.line, &line)
        {
            merge(&mut last.line, line);
            last.issues.extend(issues);
            continue;
        }
        state.lines.push(Pending { line, issues });
    }
    if state.inferred_quantity {
        table.notes.push(
            "rows with serial numbers but no quantity were counted as one unit per serial"
                .to_owned(),
        );
    }
    finish(&reader, &mut table, state, fallback);
    table
}

/// A line being built, with the problems found in its cells (their paths need its index).
struct Pending {
    line: SourceLine,
    issues: Vec<Issue>,
}

#[derive(Default)]
struct State {
    lines: Vec<Pending>,
    blank_after_lines: bool,
    quantity_so_far: Decimal,
    totals: Option<Totals>,
    inferred_quantity: bool,
}

/// A totals row: the values it carries.
struct Totals {
    quantity: Option<(Decimal, At)>,
    line_value: Option<(Decimal, At)>,
    line_weight: Option<(Decimal, At)>,
    gross_weight: Option<(Decimal, At)>,
}

/// A problem found in a cell before the line's index is known.
struct Issue {
    severity: Severity,
    at: At,
    field: Field,
    message: String,
}

impl Issue {
    fn problem(self, item: Option<usize>) -> Problem {
        let field = match (item, self.field.request_field()) {
            (Some(index), Some(name)) => Some(format!("items[{index}].{name}")),
            _ => None,
        };
        Problem { severity: self.severity, at: Some(self.at), field, message: self.message }
    }
}

/// A number read from a cell: the value, the cell, and the word or symbol written with it.
type NumberCell = (Decimal, At, Option<String>);

/// Reads cells of the mapped columns, with the column's decimal-separator convention.
struct RowReader<'a> {
    sheet: &'a Sheet,
    mapping: &'a Mapping,
    conventions: BTreeMap<Field, char>,
    sheet_convention: Option<char>,
}

const NUMERIC_FIELDS: [Field; 6] = [
    Field::Quantity,
    Field::UnitValue,
    Field::LineValue,
    Field::UnitWeight,
    Field::LineWeight,
    Field::GrossWeight,
];

impl<'a> RowReader<'a> {
    fn new(sheet: &'a Sheet, mapping: &'a Mapping) -> RowReader<'a> {
        let mut conventions = BTreeMap::new();
        let mut all: Vec<char> = Vec::new();
        for field in NUMERIC_FIELDS {
            let Some(column) = mapping.column(field) else { continue };
            let mut hints: Vec<char> = Vec::new();
            for row in mapping.header_row.saturating_add(1)..=sheet.rows.len() as u32 {
                if let Cell::Text(text) = sheet.cell(row, column.index)
                    && let Some(hint) = decimal_hint(text)
                {
                    hints.push(hint);
                }
            }
            if let Some(&first) = hints.first()
                && hints.iter().all(|&hint| hint == first)
            {
                conventions.insert(field, first);
            }
            all.extend(hints);
        }
        let sheet_convention = match all.first() {
            Some(&first) if all.iter().all(|&hint| hint == first) => Some(first),
            _ => None,
        };
        RowReader { sheet, mapping, conventions, sheet_convention }
    }

    fn at(&self, row: u32, column: u32) -> At {
        let at = At::cell(&self.sheet.name, row, column);
        match self.mapping.header_of(column) {
            Some(header) => at.with_header(header),
            None => at,
        }
    }

    fn row_is_empty(&self, row: u32) -> bool {
        let index = (row as usize).saturating_sub(1);
        self.sheet.rows.get(index).is_none_or(|cells| cells.iter().all(Cell::is_empty))
    }

    fn field_cell(&self, row: u32, field: Field) -> Option<(&'a Cell, At)> {
        let column = self.mapping.column(field)?;
        let cell = self.sheet.cell(row, column.index);
        (!cell.is_empty()).then(|| (cell, self.at(row, column.index)))
    }

    /// A number in a field's cell: `Ok(None)` when empty, `Err(message)` when unreadable.
    fn number(&self, row: u32, field: Field) -> Result<Option<NumberCell>, (At, String)> {
        let Some((cell, at)) = self.field_cell(row, field) else { return Ok(None) };
        match cell {
            Cell::Number(value) => Ok(Some((*value, at, None))),
            Cell::Text(text) => {
                let convention = self.conventions.get(&field).copied().or(self.sheet_convention);
                match parse_number(text, convention) {
                    Ok(parsed) => Ok(Some((parsed.value, at, parsed.affix))),
                    Err(NumberError::Ambiguous { separator }) => {
                        Err((at, NumberError::Ambiguous { separator }.message(text)))
                    }
                    Err(err) => Err((at, err.message(text))),
                }
            }
            Cell::Bool(flag) => {
                Err((at, format!("`{}` is not a number", if *flag { "TRUE" } else { "FALSE" })))
            }
            Cell::Error(error) => Err((at, formula_error(error))),
            Cell::Empty => Ok(None),
        }
    }

    /// Text in a field's cell.
    fn text(&self, row: u32, field: Field, issues: &mut Vec<Issue>) -> Option<(String, At)> {
        let (cell, at) = self.field_cell(row, field)?;
        match cell {
            Cell::Error(error) => {
                issues.push(Issue {
                    severity: Severity::Error,
                    at,
                    field,
                    message: formula_error(error),
                });
                None
            }
            Cell::Number(number) if field == Field::HsCode => Some((hs_from_number(*number), at)),
            other => other.text().map(|text| (text, at)),
        }
    }

    fn read_row(&self, row: u32, issues: &mut Vec<Issue>, notes: &mut Vec<String>) -> SourceLine {
        let mut line = SourceLine {
            at: At::row(&self.sheet.name, row),
            rows: vec![row],
            line_no: None,
            description: None,
            category: None,
            hs_code: None,
            manufacturer: None,
            model: None,
            part_number: None,
            country_of_origin: None,
            condition: None,
            quantity: None,
            unit_value: None,
            line_value: None,
            currency: None,
            unit_weight_kg: None,
            line_weight_kg: None,
            gross_weight_kg: None,
            serials: Vec::new(),
            radio: None,
            encryption: None,
            eccn: None,
            specification: None,
            valuation_method: None,
            cells: BTreeMap::new(),
        };
        for column in &self.mapping.columns {
            let field = column.field;
            let Some((_, at)) = self.field_cell(row, field) else { continue };
            line.cells.insert(field, at);
            if NUMERIC_FIELDS.contains(&field) {
                let value = match self.number(row, field) {
                    Ok(value) => value,
                    Err((at, message)) => {
                        issues.push(Issue { severity: Severity::Error, at, field, message });
                        None
                    }
                };
                let Some((value, at, affix)) = value else { continue };
                match field {
                    Field::Quantity => line.quantity = Some(value),
                    Field::UnitValue | Field::LineValue => {
                        if field == Field::UnitValue {
                            line.unit_value = Some(value);
                        } else {
                            line.line_value = Some(value);
                        }
                        if let Some(affix) = affix
                            && let Ok(currency) = parse_currency(&affix)
                            && line.currency.is_none()
                        {
                            line.currency = Some(currency.as_str().to_owned());
                            line.cells.entry(Field::Currency).or_insert(at);
                        }
                    }
                    _ => {
                        let unit = affix
                            .as_deref()
                            .and_then(weight_unit)
                            .or_else(|| column.unit.as_deref().and_then(weight_unit));
                        let kg = match unit {
                            Some(WeightUnit::Pound) => {
                                note_once(
                                    notes,
                                    format!(
                                        "weights in `{}` converted from pounds to kilograms (× 0.45359237)",
                                        column.header
                                    ),
                                );
                                value.checked_mul(Decimal::new(45_359_237, 8))
                            }
                            Some(WeightUnit::Gram) => {
                                note_once(
                                    notes,
                                    format!(
                                        "weights in `{}` converted from grams to kilograms (÷ 1000)",
                                        column.header
                                    ),
                                );
                                value.checked_div(Decimal::ONE_THOUSAND)
                            }
                            _ => Some(value),
                        };
                        let Some(kg) = kg else {
                            issues.push(Issue {
                                severity: Severity::Error,
                                at,
                                field,
                                message: "the weight is too large to convert".to_owned(),
                            });
                            continue;
                        };
                        match field {
                            Field::UnitWeight => line.unit_weight_kg = Some(kg),
                            Field::LineWeight => line.line_weight_kg = Some(kg),
                            _ => line.gross_weight_kg = Some(kg),
                        }
                    }
                }
                continue;
            }
            let Some((text, _)) = self.text(row, field, issues) else { continue };
            match field {
                Field::Line => line.line_no = Some(text),
                Field::Description => line.description = Some(text),
                Field::Category => line.category = Some(text),
                Field::HsCode => line.hs_code = Some(text),
                Field::Manufacturer => line.manufacturer = Some(text),
                Field::Model => line.model = Some(text),
                Field::PartNumber => line.part_number = Some(text),
                Field::CountryOfOrigin => line.country_of_origin = Some(text),
                Field::Condition => line.condition = Some(text),
                Field::Currency => match parse_currency(&text) {
                    Ok(currency) => line.currency = Some(currency.as_str().to_owned()),
                    Err(message) => {
                        let at = self.at(row, column.index);
                        issues.push(Issue { severity: Severity::Error, at, field, message });
                    }
                },
                Field::Serial => line.serials.extend(split_serials(&text)),
                Field::Radio => line.radio = Some(text),
                Field::Encryption => line.encryption = Some(text),
                Field::Eccn => line.eccn = Some(text),
                Field::Specification => line.specification = Some(text),
                Field::ValuationMethod => line.valuation_method = Some(text),
                _ => {}
            }
        }
        if line.quantity.is_none()
            && !line.serials.is_empty()
            && !line.cells.contains_key(&Field::Quantity)
        {
            line.quantity = Some(Decimal::from(line.serials.len()));
        }
        line
    }

    /// The totals this row carries, when it is a totals row.
    fn totals_row(&self, row: u32, line: &SourceLine, state: &State) -> Option<Totals> {
        let label = line.description.clone().or_else(|| line.line_no.clone()).or_else(|| {
            let index = (row as usize).checked_sub(1)?;
            self.sheet.rows.get(index)?.iter().find_map(|cell| match cell {
                Cell::Text(text) => Some(text.clone()),
                _ => None,
            })
        })?;
        if !is_totals_label(&label) {
            return None;
        }
        let quantity = line.quantity;
        let qualifies = line.unit_value.is_none()
            || quantity.is_none()
            || quantity == Some(state.quantity_so_far);
        if !qualifies {
            return None;
        }
        let pick =
            |field: Field, value: Option<Decimal>| value.zip(line.cells.get(&field).cloned());
        Some(Totals {
            quantity: pick(Field::Quantity, line.quantity),
            line_value: pick(Field::LineValue, line.line_value),
            line_weight: pick(Field::LineWeight, line.line_weight_kg),
            gross_weight: pick(Field::GrossWeight, line.gross_weight_kg),
        })
    }
}

/// Warns about the first row below the end of the table that looks like an item (a number in
/// the Quantity column and an amount), so that no line is dropped silently.
fn warn_below(
    reader: &RowReader<'_>,
    end: u32,
    last_row: u32,
    what: &str,
    problems: &mut Vec<Problem>,
) {
    for row in end.saturating_add(1)..=last_row {
        let quantity = reader.number(row, Field::Quantity).ok().flatten();
        let amount = [Field::UnitValue, Field::LineValue]
            .into_iter()
            .any(|field| reader.field_cell(row, field).is_some());
        if quantity.is_some() && amount {
            problems.push(Problem::warning(
                Some(At::row(&reader.sheet.name, row)),
                None,
                format!(
                    "this row looks like an item but comes after {what} (row {end}), where the table ends; it was not read (remove subtotal rows, or move the items above the total)"
                ),
            ));
            return;
        }
    }
}

fn note_once(notes: &mut Vec<String>, note: String) {
    if !notes.contains(&note) {
        notes.push(note);
    }
}

fn formula_error(error: &str) -> String {
    format!(
        "the cell holds the spreadsheet error `{error}` (a formula that failed); fix the formula or type the value"
    )
}

enum WeightUnit {
    Kilogram,
    Pound,
    Gram,
}

fn weight_unit(unit: &str) -> Option<WeightUnit> {
    match unit.to_ascii_lowercase().as_str() {
        "kg" | "kgs" => Some(WeightUnit::Kilogram),
        "lb" | "lbs" => Some(WeightUnit::Pound),
        "g" | "gr" => Some(WeightUnit::Gram),
        _ => None,
    }
}

/// An HS code typed as a number: the zeros the number lost are restored (`8471.5` →
/// `8471.50`; `10121` → `010121`).
fn hs_from_number(number: Decimal) -> String {
    let text = number.normalize().to_string();
    match text.split_once('.') {
        Some((integer, fraction)) => {
            let mut fraction = fraction.to_owned();
            if fraction.len() % 2 == 1 {
                fraction.push('0');
            }
            format!("{integer}.{fraction}")
        }
        None if text.len() % 2 == 1 && text.len() < 12 => format!("0{text}"),
        None => text,
    }
}

fn split_serials(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|serial| !serial.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_totals_label(text: &str) -> bool {
    let folded = fold_text(text);
    let words: Vec<&str> = folded.split(' ').collect();
    if words.len() > 5 {
        return false;
    }
    matches!(
        words.first().copied(),
        Some(
            "total"
                | "totals"
                | "subtotal"
                | "sub"
                | "toplam"
                | "totales"
                | "totais"
                | "grand"
                | "genel"
                | "ara"
                | "sum"
                | "suma"
                | "soma"
                // German, French, Italian, Dutch, Polish.
                | "summe"
                | "gesamt"
                | "gesamtsumme"
                | "zwischensumme"
                | "endsumme"
                | "totale"
                | "totaal"
                | "subtotaal"
                | "subtotale"
                | "razem"
                | "ogolem"
                | "sous"
        )
    ) && {
        // Words that start a totals label only with the word after them: `sub total`, `grand
        // total`, `genel toplam`, `ara toplam`, `sous total`.
        const PAIRS: [(&str, &str); 5] = [
            ("sub", "total"),
            ("grand", "total"),
            ("genel", "toplam"),
            ("ara", "toplam"),
            ("sous", "total"),
        ];
        PAIRS
            .iter()
            .all(|(first, second)| words.first() != Some(first) || words.get(1) == Some(second))
    }
}

/// The identity of an item for merging serial-per-row rows.
fn item_key(line: &SourceLine) -> [Option<String>; 8] {
    let fold = |value: &Option<String>| value.as_deref().map(fold_text);
    [
        fold(&line.description),
        fold(&line.manufacturer),
        fold(&line.model),
        fold(&line.part_number),
        line.hs_code.as_deref().map(|hs| hs.chars().filter(char::is_ascii_digit).collect()),
        line.unit_value.map(|value| value.normalize().to_string()),
        fold(&line.country_of_origin),
        fold(&line.condition),
    ]
}

fn mergeable(previous: &SourceLine, next: &SourceLine) -> bool {
    !previous.serials.is_empty() && !next.serials.is_empty() && item_key(previous) == item_key(next)
}

fn merge(into: &mut SourceLine, line: SourceLine) {
    let quantity = |l: &SourceLine| l.quantity.unwrap_or(Decimal::ONE);
    into.quantity = quantity(into).checked_add(quantity(&line));
    into.line_value = match (into.line_value, line.line_value) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    };
    into.line_weight_kg = match (into.line_weight_kg, line.line_weight_kg) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    };
    into.gross_weight_kg = match (into.gross_weight_kg, line.gross_weight_kg) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    };
    into.serials.extend(line.serials);
    into.rows.extend(line.rows);
    for (field, at) in line.cells {
        into.cells.entry(field).or_insert(at);
    }
}

fn read_metadata(reader: &RowReader<'_>, table: &mut Table) {
    let sheet = reader.sheet;
    for row in 1..reader.mapping.header_row {
        let index = (row as usize).saturating_sub(1);
        let Some(cells) = sheet.rows.get(index) else { continue };
        let filled: Vec<(u32, &Cell)> = cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(column, cell)| (column as u32, cell))
            .collect();
        let mut i = 0;
        while let Some(&(column, cell)) = filled.get(i) {
            let Cell::Text(text) = cell else {
                i += 1;
                continue;
            };
            let at = At::cell(&sheet.name, row, column);
            // "Key: value" in one cell.
            if let Some((key, value)) = text.split_once(':')
                && !key.trim().is_empty()
                && !value.trim().is_empty()
                && key.trim().chars().count() <= 40
            {
                let at = at.with_header(key.trim());
                table.metadata.push((key.trim().to_owned(), value.trim().to_owned(), at));
                i += 1;
                continue;
            }
            let key = text.trim_end_matches(':').trim();
            let next = filled.get(i + 1);
            let is_pair = text.trim_end().ends_with(':')
                || is_known_key(key)
                || (filled.len() == 2 && i == 0);
            if is_pair
                && let Some(&(value_column, value)) = next
                && let Some(value_text) = value.text()
            {
                let value_at = At::cell(&sheet.name, row, value_column).with_header(key);
                table.metadata.push((key.to_owned(), value_text, value_at));
                i += 2;
                continue;
            }
            if table.title.is_none() && !is_known_key(key) {
                table.title = Some(text.clone());
            }
            i += 1;
        }
    }
}

/// Keys that are metadata even without a colon.
pub(crate) fn is_known_key(key: &str) -> bool {
    let folded = fold_text(key);
    crate::assemble::META_KEYS.iter().any(|(_, keys)| keys.iter().any(|k| fold_text(k) == folded))
}

fn minor_units_of(table: &Table, fallback: Option<Currency>) -> (u32, Option<String>) {
    let currency =
        table.currency.as_ref().and_then(|(code, _)| Currency::parse(code).ok()).or(fallback);
    match currency {
        Some(currency) => (currency.minor_units(), Some(currency.as_str().to_owned())),
        None => (2, None),
    }
}

fn finish(reader: &RowReader<'_>, table: &mut Table, state: State, fallback: Option<Currency>) {
    let State { lines, totals, .. } = state;
    // The lines and their cell problems.
    for (index, pending) in lines.into_iter().enumerate() {
        table.problems.extend(pending.issues.into_iter().map(|issue| issue.problem(Some(index))));
        table.lines.push(pending.line);
    }
    sheet_currency(reader, table);
    let (minor, currency) = minor_units_of(table, fallback);
    let rounding = Rounding { mode: RoundingMode::HalfUp, decimal_places: minor };
    let currency_text = currency.as_deref().unwrap_or("the currency (assumed two decimals)");
    let mut problems = Vec::new();
    let mut value_sum = Some(Decimal::ZERO);
    let mut quantity_sum = Decimal::ZERO;
    let mut weight_sum = Some(Decimal::ZERO);
    let mut gross_sum = Some(Decimal::ZERO);
    // A sheet without value columns (a packing list) is not faulted per line for lacking values;
    // building a request from it still reports each missing unit value.
    let has_value_columns = reader.mapping.column(Field::UnitValue).is_some()
        || reader.mapping.column(Field::LineValue).is_some();
    for (index, line) in table.lines.iter().enumerate() {
        let path = |name: &str| Some(format!("items[{index}].{name}"));
        let cell = |field: Field| line.cells.get(&field).cloned();
        // Quantity.
        let quantity = match line.quantity {
            Some(quantity)
                if quantity.fract().is_zero()
                    && quantity >= Decimal::ONE
                    && quantity <= Decimal::from(u32::MAX) =>
            {
                Some(quantity)
            }
            Some(quantity) => {
                problems.push(Problem::error(
                    cell(Field::Quantity).or_else(|| Some(line.at.clone())),
                    path("quantity"),
                    format!("{quantity} is not a quantity: it must be a whole number of units, at least 1 (and at most {})", u32::MAX),
                ));
                None
            }
            None if line.cells.contains_key(&Field::Quantity) => None, // unreadable: reported
            None => {
                problems.push(Problem::error(
                    Some(line.at.clone()),
                    path("quantity"),
                    "no quantity",
                ));
                None
            }
        };
        quantity_sum =
            quantity_sum.checked_add(quantity.unwrap_or_default()).unwrap_or(quantity_sum);
        // Serials.
        if let Some(quantity) = quantity
            && !line.serials.is_empty()
            && Decimal::from(line.serials.len()) != quantity
        {
            problems.push(Problem::warning(
                cell(Field::Serial).or_else(|| Some(line.at.clone())),
                path("serials"),
                format!("{} serial numbers for a quantity of {quantity}", line.serials.len()),
            ));
        }
        // Money.
        let mut line_total = None;
        for (field, value) in
            [(Field::UnitValue, line.unit_value), (Field::LineValue, line.line_value)]
        {
            if let Some(value) = value
                && value.is_sign_negative()
                && !value.is_zero()
            {
                problems.push(Problem::error(
                    cell(field),
                    path("unit_value"),
                    format!("{value} is negative"),
                ));
            }
        }
        match (line.unit_value, line.line_value, quantity) {
            (Some(unit), line_value, _) => {
                let rounded = rounding.apply(unit);
                if rounded != unit {
                    problems.push(Problem::warning(
                        cell(Field::UnitValue),
                        path("unit_value"),
                        format!("{unit} has more decimals than {currency_text} allows ({minor}); rounded half-up to {rounded}"),
                    ));
                }
                if let Some(quantity) = quantity {
                    let product = unit.checked_mul(quantity).map(|p| rounding.apply(p));
                    line_total = product;
                    if let (Some(product), Some(given)) = (product, line_value) {
                        let given_rounded = rounding.apply(given);
                        if product != given_rounded {
                            let unit_at = cell(Field::UnitValue)
                                .map_or_else(String::new, |at| format!(" ({at})"));
                            problems.push(Problem::error(
                                cell(Field::LineValue),
                                path("unit_value"),
                                format!(
                                    "unit value {unit}{unit_at} × quantity {quantity} = {product}, but the line value is {given_rounded}"
                                ),
                            ));
                        }
                    }
                }
            }
            (None, Some(given), Some(quantity)) => {
                line_total = Some(rounding.apply(given));
                let unit = given.checked_div(quantity);
                let exact = unit.is_some_and(|unit| {
                    let rounded = rounding.apply(unit);
                    rounded.checked_mul(quantity) == Some(given)
                });
                if !exact {
                    problems.push(Problem::error(
                        cell(Field::LineValue),
                        path("unit_value"),
                        format!(
                            "line value {given} ÷ quantity {quantity} is not an exact amount in {currency_text} ({minor} decimals); give the unit value"
                        ),
                    ));
                }
            }
            (None, Some(given), None) => line_total = Some(rounding.apply(given)),
            (None, None, _) => {
                if has_value_columns
                    && !line.cells.contains_key(&Field::UnitValue)
                    && !line.cells.contains_key(&Field::LineValue)
                {
                    problems.push(Problem::error(
                        Some(line.at.clone()),
                        path("unit_value"),
                        "no unit value and no line value",
                    ));
                }
            }
        }
        value_sum = value_sum.zip(line_total).and_then(|(sum, total)| sum.checked_add(total));
        let weight = line.line_weight_kg.or_else(|| {
            line.unit_weight_kg
                .zip(quantity)
                .and_then(|(unit, quantity)| unit.checked_mul(quantity))
        });
        weight_sum = weight_sum.zip(weight).and_then(|(sum, w)| sum.checked_add(w));
        gross_sum = gross_sum.zip(line.gross_weight_kg).and_then(|(sum, w)| sum.checked_add(w));
    }
    table.problems.extend(problems);
    let Some(totals) = totals else { return };
    if table.lines.is_empty() {
        return;
    }
    if let Some((given, at)) = totals.line_value
        && let Some(sum) = value_sum
        && rounding.apply(given) != rounding.apply(sum)
    {
        table.problems.push(Problem::error(
            Some(at.clone()),
            Some("totals.value".to_owned()),
            format!(
                "the total {given} in {at} does not equal the sum of the lines' values, {}",
                rounding.apply(sum)
            ),
        ));
    }
    if let Some((given, at)) = totals.quantity
        && given != quantity_sum
    {
        table.problems.push(Problem::error(
            Some(at.clone()),
            Some("totals.quantity".to_owned()),
            format!("the total quantity {given} in {at} does not equal the sum of the lines' quantities, {quantity_sum}"),
        ));
    }
    for (given, sum, what, field) in [
        (totals.line_weight, weight_sum, "net weight", "totals.net_weight"),
        (totals.gross_weight, gross_sum, "gross weight", "totals.gross_weight"),
    ] {
        let (Some((given, at)), Some(sum)) = (given, sum) else { continue };
        let places = given.scale();
        let sum_rounded =
            Rounding { mode: RoundingMode::HalfUp, decimal_places: places }.apply(sum);
        if sum_rounded != given {
            table.problems.push(Problem::warning(
                Some(at.clone()),
                Some(field.to_owned()),
                format!("the total {what} {given} kg in {at} does not equal the sum of the lines, {} kg", sum.normalize()),
            ));
        }
    }
}

/// The sheet's currency: metadata, the lines' currencies, the amount columns' headers; every
/// disagreement is an error naming both cells.
fn sheet_currency(reader: &RowReader<'_>, table: &mut Table) {
    let mut sources: Vec<(String, At, &'static str)> = Vec::new();
    if let Some((value, at, _)) = table.meta(CURRENCY_KEYS) {
        match parse_currency(value) {
            Ok(currency) => {
                sources.push((currency.as_str().to_owned(), at.clone(), "the sheet's currency"))
            }
            Err(message) => table.problems.push(Problem::error(
                Some(at.clone()),
                Some("currency".to_owned()),
                message,
            )),
        }
    }
    let mut line_currency: Option<(String, At)> = None;
    let mut mixed = Vec::new();
    for (index, line) in table.lines.iter().enumerate() {
        let Some(code) = &line.currency else { continue };
        let at = line.cells.get(&Field::Currency).cloned().unwrap_or_else(|| line.at.clone());
        match &line_currency {
            None => line_currency = Some((code.clone(), at)),
            Some((first, first_at)) if first != code => mixed.push(Problem::error(
                Some(at),
                Some(format!("items[{index}].unit_value")),
                format!("{code} differs from {first} in {first_at}: a request has one currency; split the shipment or convert the amounts"),
            )),
            Some(_) => {}
        }
    }
    table.problems.extend(mixed);
    if let Some((code, at)) = line_currency {
        sources.push((code, at, "the lines' currency"));
    }
    for field in [Field::UnitValue, Field::LineValue] {
        if let Some(column) = reader.mapping.column(field)
            && let Some(unit) = &column.unit
            && let Ok(currency) = Currency::parse(unit)
        {
            let at = At::cell(&reader.sheet.name, reader.mapping.header_row, column.index)
                .with_header(&column.header);
            sources.push((currency.as_str().to_owned(), at, "the column header's currency"));
            break;
        }
    }
    if let Some((first, first_at, first_what)) = sources.first() {
        for (code, at, what) in sources.iter().skip(1) {
            if code != first {
                table.problems.push(Problem::error(
                    Some(at.clone()),
                    Some("currency".to_owned()),
                    format!("{what} is {code}, but {first_what} is {first} ({first_at})"),
                ));
            }
        }
        table.currency = Some((first.clone(), first_at.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_labels() {
        for label in [
            "Total",
            "TOTAL",
            "Toplam",
            "Total general",
            "Subtotal",
            "Sub-total",
            "Grand total",
            "Genel Toplam",
            "Summe / Total",
            "Gesamtsumme",
            "Zwischensumme",
            "Sous-total",
            "Totale",
            "Totaal",
            "Razem",
        ] {
            assert!(is_totals_label(label), "{label}");
        }
        for label in [
            "Total Station surveying instrument with tripod and case",
            "Server",
            "Sub-rack",
            "Sous-rack 1U",
        ] {
            assert!(!is_totals_label(label), "{label}");
        }
    }

    #[test]
    fn hs_numbers_get_their_zeros_back() {
        assert_eq!(hs_from_number(Decimal::new(84715, 1)), "8471.50");
        assert_eq!(hs_from_number(Decimal::from(847150)), "847150");
        assert_eq!(hs_from_number(Decimal::from(10121)), "010121");
    }

    #[test]
    fn serial_cells_split() {
        assert_eq!(split_serials("A1, A2;A3\nA4"), vec!["A1", "A2", "A3", "A4"]);
    }
}
