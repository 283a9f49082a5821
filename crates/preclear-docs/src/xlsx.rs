//! The three lists as XLSX workbooks: a title, the shipment's particulars above the header, one
//! row per line with the column names `preclear-import` recognises (so a generated list imports
//! back into the same lines), and a totals row. Amounts are written as numbers with the
//! currency's decimal places as the cell format; the creation date is the documents' date, so
//! the same content gives the same file.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use crate::model::{DocLine, ShipmentDocs};
use crate::{DocKind, DocsError, PRODUCER};

#[derive(Clone, Copy)]
enum Cell {
    Line,
    Description,
    Category,
    Manufacturer,
    Model,
    Parameters,
    HsCode,
    HsBasis,
    Eccn,
    Origin,
    Condition,
    Quantity,
    UnitValue,
    LineValue,
    UnitWeight,
    LineWeight,
    Radio,
    Encryption,
    Serials,
}

impl Cell {
    fn header(self, currency: &str) -> String {
        match self {
            Cell::Line => "Line".to_owned(),
            Cell::Description => "Description".to_owned(),
            Cell::Category => "Category".to_owned(),
            Cell::Manufacturer => "Manufacturer".to_owned(),
            Cell::Model => "Model".to_owned(),
            Cell::Parameters => "Technical parameters".to_owned(),
            Cell::HsCode => "HS Code".to_owned(),
            Cell::HsBasis => "HS basis".to_owned(),
            Cell::Eccn => "ECCN".to_owned(),
            Cell::Origin => "Country of Origin".to_owned(),
            Cell::Condition => "Condition".to_owned(),
            Cell::Quantity => "Quantity".to_owned(),
            Cell::UnitValue => format!("Unit Price ({currency})"),
            Cell::LineValue => format!("Total ({currency})"),
            Cell::UnitWeight => "Unit Weight (kg)".to_owned(),
            Cell::LineWeight => "Net Weight (kg)".to_owned(),
            Cell::Radio => "Radio".to_owned(),
            Cell::Encryption => "Encryption".to_owned(),
            Cell::Serials => "Serial Number".to_owned(),
        }
    }

    fn width(self) -> f64 {
        match self {
            Cell::Line | Cell::Quantity => 7.0,
            Cell::Description | Cell::Parameters => 48.0,
            Cell::Serials => 30.0,
            _ => 15.0,
        }
    }
}

fn columns(kind: DocKind) -> &'static [Cell] {
    match kind {
        DocKind::PackingList => &[
            Cell::Line,
            Cell::Description,
            Cell::Manufacturer,
            Cell::Model,
            Cell::HsCode,
            Cell::Quantity,
            Cell::UnitWeight,
            Cell::LineWeight,
            Cell::Serials,
        ],
        DocKind::SpecificationList => &[
            Cell::Line,
            Cell::Manufacturer,
            Cell::Model,
            Cell::Description,
            Cell::Parameters,
            Cell::HsCode,
            Cell::HsBasis,
            Cell::Eccn,
            Cell::Origin,
            Cell::Condition,
            Cell::Quantity,
            Cell::Radio,
            Cell::Encryption,
            Cell::Serials,
        ],
        _ => &[
            Cell::Line,
            Cell::Description,
            Cell::Category,
            Cell::Manufacturer,
            Cell::Model,
            Cell::HsCode,
            Cell::Origin,
            Cell::Condition,
            Cell::Quantity,
            Cell::UnitValue,
            Cell::LineValue,
            Cell::UnitWeight,
            Cell::Radio,
            Cell::Encryption,
            Cell::Eccn,
            Cell::Serials,
        ],
    }
}

/// The particulars written above the header, as label/value pairs the importer reads as the
/// sheet's metadata.
fn particulars(docs: &ShipmentDocs) -> Vec<(&'static str, String)> {
    vec![
        ("Invoice No", docs.reference.clone()),
        ("Date", docs.date.clone()),
        ("Seller", docs.seller.name.clone()),
        (
            "Importer of record",
            docs.importer
                .as_ref()
                .map(|e| e.name.clone())
                .unwrap_or_else(|| "not yet assigned".to_owned()),
        ),
        ("Consignee", docs.consignee.as_ref().map(|e| e.name.clone()).unwrap_or_default()),
        ("Origin", docs.origin.clone()),
        ("Destination", docs.destination.clone()),
        ("Incoterm", docs.incoterm.clone()),
        ("Transport", docs.transport_mode.clone()),
        ("Currency", docs.currency.clone()),
    ]
}

fn number(value: Decimal) -> f64 {
    // A spreadsheet number is a binary float; the shortest text of this float is the decimal
    // written, which is how preclear-import reads it back exactly.
    value.to_f64().unwrap_or_default()
}

fn radio_text(line: &DocLine) -> String {
    match &line.radio {
        None => String::new(),
        Some(list) if list.is_empty() => "none".to_owned(),
        Some(list) => list.join(", "),
    }
}

pub(crate) fn list(docs: &ShipmentDocs, kind: DocKind) -> Result<Vec<u8>, DocsError> {
    let places =
        preclear_domain::Currency::parse(&docs.currency).map(|c| c.minor_units()).unwrap_or(2);
    let money_format = if places == 0 {
        "#,##0".to_owned()
    } else {
        format!("#,##0.{}", "0".repeat(places as usize))
    };
    let money = Format::new().set_num_format(&money_format);
    let weight = Format::new().set_num_format("#,##0.000");
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#E8E8E8")
        .set_border_bottom(FormatBorder::Thin);
    let total_money =
        Format::new().set_bold().set_num_format(&money_format).set_border_top(FormatBorder::Thin);
    let total_weight =
        Format::new().set_bold().set_num_format("#,##0.000").set_border_top(FormatBorder::Thin);
    let total_text = Format::new().set_bold().set_border_top(FormatBorder::Thin);

    let mut workbook = Workbook::new();
    let (year, month, day) = date_parts(&docs.date);
    let created = ExcelDateTime::from_ymd(year, month, day)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", kind.title(), docs.reference))
            .set_author(PRODUCER)
            .set_creation_datetime(&created),
    );
    let sheet: &mut Worksheet = workbook.add_worksheet();
    sheet.set_name(kind.title())?;
    sheet.write_string_with_format(0, 0, kind.title().to_uppercase(), &bold)?;
    let mut row: u32 = 2;
    for (label, value) in particulars(docs) {
        sheet.write_string_with_format(row, 0, label, &bold)?;
        sheet.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    let cells = columns(kind);
    for (col, cell) in (0u16..).zip(cells) {
        sheet.write_string_with_format(row, col, cell.header(&docs.currency), &header)?;
        sheet.set_column_width(col, cell.width())?;
    }
    sheet.set_freeze_panes(row + 1, 0)?;
    for line in &docs.lines {
        row += 1;
        for (col, cell) in (0u16..).zip(cells) {
            let text = |sheet: &mut Worksheet, value: &str| -> Result<(), DocsError> {
                if !value.is_empty() {
                    sheet.write_string(row, col, value)?;
                }
                Ok(())
            };
            match cell {
                Cell::Line => {
                    sheet.write_number(row, col, line.line as f64)?;
                }
                Cell::Description => text(sheet, &line.description)?,
                Cell::Category => text(sheet, &line.category)?,
                Cell::Manufacturer => text(sheet, line.manufacturer.as_deref().unwrap_or(""))?,
                Cell::Model => text(sheet, line.model.as_deref().unwrap_or(""))?,
                Cell::Parameters => text(sheet, &line.parameters)?,
                Cell::HsCode => text(sheet, line.hs_code.as_deref().unwrap_or(""))?,
                Cell::HsBasis => text(sheet, &line.hs_basis)?,
                Cell::Eccn => text(sheet, line.eccn.as_deref().unwrap_or(""))?,
                Cell::Origin => text(sheet, &line.country_of_origin)?,
                Cell::Condition => text(sheet, &line.condition)?,
                Cell::Quantity => {
                    sheet.write_number(row, col, f64::from(line.quantity))?;
                }
                Cell::UnitValue => {
                    sheet.write_number_with_format(row, col, number(line.unit_value), &money)?;
                }
                Cell::LineValue => {
                    sheet.write_number_with_format(row, col, number(line.line_value), &money)?;
                }
                Cell::UnitWeight => {
                    if let Some(kg) = line.unit_weight_kg {
                        sheet.write_number_with_format(row, col, number(kg), &weight)?;
                    }
                }
                Cell::LineWeight => {
                    if let Some(kg) = line.line_weight_kg {
                        sheet.write_number_with_format(row, col, number(kg), &weight)?;
                    }
                }
                Cell::Radio => text(sheet, &radio_text(line))?,
                Cell::Encryption => text(sheet, line.encryption.as_deref().unwrap_or(""))?,
                Cell::Serials => text(sheet, &line.serials.join(", "))?,
            }
        }
    }
    row += 1;
    for (col, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Description | Cell::Manufacturer if col <= 1 => {
                sheet.write_string_with_format(row, col, "Total", &total_text)?;
            }
            Cell::Quantity => {
                sheet.write_number_with_format(
                    row,
                    col,
                    docs.totals.quantity as f64,
                    &total_text,
                )?;
            }
            Cell::LineValue => {
                sheet.write_number_with_format(
                    row,
                    col,
                    number(docs.totals.goods_value),
                    &total_money,
                )?;
            }
            Cell::LineWeight => match docs.totals.net_weight_kg {
                Some(kg) => {
                    sheet.write_number_with_format(row, col, number(kg), &total_weight)?;
                }
                None => {
                    sheet.write_string_with_format(row, col, "", &total_text)?;
                }
            },
            _ => {
                sheet.write_string_with_format(row, col, "", &total_text)?;
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

fn date_parts(date: &str) -> (u16, u8, u8) {
    let mut parts = date.split('-').map(|p| p.parse::<u16>().unwrap_or(1));
    let year = parts.next().unwrap_or(2000);
    let month = parts.next().and_then(|m| u8::try_from(m).ok()).unwrap_or(1);
    let day = parts.next().and_then(|d| u8::try_from(d).ok()).unwrap_or(1);
    (year, month, day)
}

/// A comparison of destinations as a workbook: one row per destination, amounts as numbers.
pub(crate) fn comparison(
    comparison: &preclear_engine::compare::Comparison,
) -> Result<Vec<u8>, DocsError> {
    let places = comparison.currency.minor_units();
    let money_format = if places == 0 {
        "#,##0".to_owned()
    } else {
        format!("#,##0.{}", "0".repeat(places as usize))
    };
    let money = Format::new().set_num_format(&money_format);
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#E8E8E8")
        .set_border_bottom(FormatBorder::Thin);
    let mut workbook = Workbook::new();
    let date = comparison.as_of;
    let created = ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(2000),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("Comparison of destinations {}", comparison.reference))
            .set_author(PRODUCER)
            .set_creation_datetime(&created),
    );
    let sheet: &mut Worksheet = workbook.add_worksheet();
    sheet.set_name("Comparison")?;
    sheet.write_string_with_format(0, 0, "COMPARISON OF DESTINATIONS", &bold)?;
    let particulars = [
        ("Reference", comparison.reference.clone()),
        ("Currency", comparison.currency.to_string()),
        ("Assessed as of", comparison.as_of.to_string()),
        ("Knowledge base", comparison.kb_version.clone()),
    ];
    let mut row: u32 = 2;
    for (label, value) in particulars {
        sheet.write_string_with_format(row, 0, label, &bold)?;
        sheet.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    let currency = comparison.currency.as_str();
    let headers = [
        "Destination".to_owned(),
        "Verdict".to_owned(),
        format!("Landed cost ({currency})"),
        format!("Landed cost, highest ({currency})"),
        "Complete".to_owned(),
        format!("Duties and taxes ({currency})"),
        "Duties and taxes, % of goods".to_owned(),
        format!("Service charges ({currency})"),
        "Earliest ship date".to_owned(),
        "Set by".to_owned(),
        "Blockers".to_owned(),
        "Not computed".to_owned(),
    ];
    for (col, text) in (0u16..).zip(&headers) {
        sheet.write_string_with_format(row, col, text, &header)?;
        sheet.set_column_width(col, 18)?;
    }
    sheet.set_freeze_panes(row + 1, 0)?;
    for r in &comparison.rows {
        row += 1;
        let amount =
            |sheet: &mut Worksheet, col: u16, text: Option<&str>| -> Result<(), DocsError> {
                if let Some(value) = text.and_then(|t| t.parse::<Decimal>().ok()) {
                    sheet.write_number_with_format(row, col, number(value), &money)?;
                }
                Ok(())
            };
        sheet.write_string(row, 0, r.destination.as_str())?;
        sheet.write_string(row, 1, r.verdict.as_str())?;
        amount(sheet, 2, Some(&r.landed_cost))?;
        amount(sheet, 3, r.landed_cost_high.as_deref())?;
        sheet.write_string(
            row,
            4,
            if r.landed_cost_complete { "yes" } else { "no: a lower bound" },
        )?;
        amount(sheet, 5, Some(&r.duties_and_taxes))?;
        if let Some(share) = &r.duties_and_taxes_percent_of_goods {
            sheet.write_string(row, 6, share)?;
        }
        amount(sheet, 7, r.service_charges.as_deref())?;
        sheet.write_string(
            row,
            8,
            r.earliest_ship_date.map_or_else(|| "not established".to_owned(), |d| d.to_string()),
        )?;
        sheet.write_string(row, 9, r.critical_requirement.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 10, r.blockers.join("; "))?;
        sheet.write_string(row, 11, r.uncomputed_charges.join(", "))?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A table of text as a workbook: a title, particulars (label, value) above it, a header row
/// (bold, frozen) and the rows. Every cell is written as text, never as a formula.
pub(crate) fn table(
    title: &str,
    particulars: &[(&str, String)],
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, DocsError> {
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#E8E8E8")
        .set_border_bottom(FormatBorder::Thin);
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(title).set_author(PRODUCER));
    let sheet: &mut Worksheet = workbook.add_worksheet();
    sheet.write_string_with_format(0, 0, title, &bold)?;
    let mut row: u32 = 2;
    for (label, value) in particulars {
        sheet.write_string_with_format(row, 0, *label, &bold)?;
        sheet.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    for (col, text) in (0u16..).zip(headers) {
        sheet.write_string_with_format(row, col, *text, &header)?;
        sheet.set_column_width(col, 20)?;
    }
    sheet.set_freeze_panes(row + 1, 0)?;
    for cells in rows {
        row += 1;
        for (col, text) in (0u16..).zip(cells) {
            sheet.write_string(row, col, text)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}
