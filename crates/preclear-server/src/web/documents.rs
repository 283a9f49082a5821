//! Documents in the web application: a spreadsheet upload becomes an import page where the user
//! confirms or overrides the column mapping and supplies what the sheet lacks, then assesses;
//! the report's document downloads; and the document audit page.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Redirect, Response};
use base64::Engine as _;
use preclear_docs::AuditReport;
use preclear_import::{Audience, Field};

use super::session::{CsrfForm, CsrfMultipart, WebUser};
use super::{Nav, WebError, render, render_status};
use crate::AppState;
use crate::auth::Op;
use crate::documents::{
    ImportAnswer, ImportQuery, download, generate_document, import_file, read_audit_upload,
    run_audit,
};
use crate::error::ApiError;

/// Whether an uploaded file is a spreadsheet rather than a JSON request.
pub(crate) fn is_spreadsheet(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || [".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt"].iter().any(|ext| lower.ends_with(ext))
}

/// The request fields a user may supply on the import page: name, label, and the choices when
/// the field is an enumeration (empty: free text).
const DEFAULT_FIELDS: [(&str, &str, &[&str]); 13] = [
    ("reference", "Reference", &[]),
    ("client_name", "Client (seller) name", &[]),
    ("client_country", "Client country", &[]),
    (
        "local_entity_in_destination",
        "Client has its own entity in the destination",
        &["false", "true"],
    ),
    ("origin", "Country of export", &[]),
    ("destination", "Country of import", &[]),
    ("currency", "Currency", &[]),
    ("transport_mode", "Transport mode", &["air", "sea", "road", "rail", "courier"]),
    ("incoterm", "Incoterm", &[]),
    (
        "purpose",
        "Purpose",
        &["business_use", "resale", "consumer_sale", "temporary_import", "return_for_repair"],
    ),
    ("consignee_name", "Consignee name", &[]),
    ("condition", "Condition of lines that state none", &["new", "refurbished", "used"]),
    ("category", "Category of lines that state none", &[]),
];

#[derive(Debug)]
struct ColumnRow {
    column: String,
    header: String,
    field: String,
}

#[derive(Debug)]
struct InputRow {
    name: &'static str,
    label: &'static str,
    value: String,
    /// For an enumeration: each choice and whether it is the one chosen.
    choices: Vec<(&'static str, bool)>,
}

#[derive(Debug)]
struct ProblemRow {
    severity: &'static str,
    at: String,
    message: String,
}

/// The first rows of a sheet whose header was not found, for the user to pick the header row
/// and say what each column holds.
#[derive(Debug, Default)]
struct Grid {
    /// The column letters shown.
    columns: Vec<String>,
    /// Row number and its cells' text, clipped.
    rows: Vec<(u32, Vec<String>)>,
}

/// How much of a sheet the grid shows.
const GRID_ROWS: usize = 25;
const GRID_COLUMNS: usize = 26;
const GRID_CELL_CHARS: usize = 40;

/// The grid of the sheet `sheet` (else the first) of an uploaded file; `None` when the file
/// does not read at all (then the error says why).
async fn grid_of(
    state: &AppState,
    file_name: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Option<(String, Grid)> {
    let limits = crate::documents::limits(state);
    let (name, bytes, sheet) = (file_name.to_owned(), bytes.to_vec(), sheet.map(str::to_owned));
    tokio::task::spawn_blocking(move || {
        let workbook = preclear_import::read_workbook(&name, &bytes, &limits).ok()?;
        let chosen =
            sheet.as_deref().and_then(|s| workbook.sheet(s)).or(workbook.sheets.first())?;
        let rows: Vec<&Vec<preclear_import::Cell>> = chosen.rows.iter().take(GRID_ROWS).collect();
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0).min(GRID_COLUMNS);
        let clip = |cell: &preclear_import::Cell| {
            let text = cell.text().unwrap_or_default();
            if text.chars().count() > GRID_CELL_CHARS {
                format!("{}…", text.chars().take(GRID_CELL_CHARS).collect::<String>())
            } else {
                text
            }
        };
        let grid = Grid {
            columns: (0..width)
                .map(|i| preclear_import::column_letters(u32::try_from(i).unwrap_or(0)))
                .collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| {
                    let shown =
                        (0..width).map(|c| cells.get(c).map(clip).unwrap_or_default()).collect();
                    (u32::try_from(i + 1).unwrap_or(0), shown)
                })
                .collect(),
        };
        Some((chosen.name.clone(), grid))
    })
    .await
    .ok()
    .flatten()
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Nav,
    file_name: String,
    file_b64: String,
    org: String,
    as_of: String,
    sheet: String,
    header_row: u32,
    columns: Vec<ColumnRow>,
    fields: Vec<(&'static str, &'static str)>,
    inputs: Vec<InputRow>,
    notes: Vec<String>,
    problems: Vec<ProblemRow>,
    valid: bool,
    lines: usize,
    error: Option<String>,
    /// When no header was found: the sheet's first rows to choose from.
    grid: Option<Grid>,
}

fn field_choices() -> Vec<(&'static str, &'static str)> {
    Field::ALL.iter().map(|f| (f.as_str(), f.label())).collect()
}

fn page(
    state: &AppState,
    user: &WebUser,
    file_name: String,
    bytes: &[u8],
    fields: &BTreeMap<String, String>,
    answer: Result<ImportAnswer, String>,
) -> ImportPage {
    let inputs = DEFAULT_FIELDS
        .iter()
        .map(|(name, label, choices)| {
            let value = fields.get(*name).cloned().unwrap_or_default();
            let choices = choices.iter().map(|c| (*c, *c == value)).collect();
            InputRow { name, label, value, choices }
        })
        .collect();
    let base = ImportPage {
        nav: Nav::new(user, "new", state),
        file_name,
        file_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
        org: fields.get("org").cloned().unwrap_or_default(),
        as_of: fields.get("as_of").cloned().unwrap_or_default(),
        sheet: String::new(),
        header_row: 0,
        columns: Vec::new(),
        fields: field_choices(),
        inputs,
        notes: Vec::new(),
        problems: Vec::new(),
        valid: false,
        lines: 0,
        error: None,
        grid: None,
    };
    match answer {
        Err(error) => ImportPage { error: Some(error), ..base },
        Ok(answer) => ImportPage {
            sheet: answer.sheet.clone(),
            header_row: answer.header_row,
            columns: answer
                .columns
                .iter()
                .map(|c| ColumnRow {
                    column: c.column.clone(),
                    header: c.header.clone(),
                    field: c.field.unwrap_or_default().to_owned(),
                })
                .collect(),
            notes: answer.notes.clone(),
            problems: answer
                .problems
                .iter()
                .map(|p| ProblemRow {
                    severity: p.severity,
                    at: p.at.clone().or_else(|| p.field.clone()).unwrap_or_default(),
                    message: p.message.clone(),
                })
                .collect(),
            valid: answer.valid,
            lines: answer.request.get("items").and_then(|i| i.as_array()).map_or(0, Vec::len),
            ..base
        },
    }
}

/// The mapping the user chose on the import page: `map_D=quantity` per column, sent as
/// overrides (`quantity=D`).
fn mapping_from_fields(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .filter_map(|(key, value)| {
            let column = key.strip_prefix("map_")?;
            (!value.is_empty()).then(|| format!("{value}={column}"))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// First step: a spreadsheet was uploaded on the new-assessment page.
pub(crate) async fn import_upload(
    state: &AppState,
    user: &WebUser,
    fields: &BTreeMap<String, String>,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Response, WebError> {
    let query = ImportQuery::from_fields(fields);
    let answer = import_file(state, file_name.clone(), bytes.clone(), &query, Audience::Web).await;
    respond(state, user, file_name, &bytes, fields, answer).await
}

async fn respond(
    state: &AppState,
    user: &WebUser,
    file_name: String,
    bytes: &[u8],
    fields: &BTreeMap<String, String>,
    answer: Result<ImportAnswer, ApiError>,
) -> Result<Response, WebError> {
    let (status, answer) = match answer {
        Ok(answer) => (StatusCode::OK, Ok(answer)),
        Err(ApiError::Invalid(errors) | ApiError::BadRequest(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Err(errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ")),
        ),
        Err(other) => return Err(other.into()),
    };
    let failed = answer.is_err();
    let mut page = page(state, user, file_name, bytes, fields, answer);
    // Never a dead end: a sheet that reads but whose header was not found is shown as a grid.
    if failed
        && let Some((sheet, grid)) =
            grid_of(state, &page.file_name, bytes, fields.get("sheet").map(String::as_str)).await
        && !grid.rows.is_empty()
    {
        page.sheet = sheet;
        page.grid = Some(grid);
    }
    render_status(status, &page)
}

/// Second step: read again with the user's mapping and values, or assess.
pub(crate) async fn import_confirm(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let fields: BTreeMap<String, String> = pairs.into_iter().collect();
    user.principal.may(Op::CreateAssessment)?;
    let file_name = fields.get("file_name").cloned().unwrap_or_else(|| "upload".to_owned());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(fields.get("file_b64").map(String::as_str).unwrap_or_default())
        .map_err(|_| {
            ApiError::bad_field(
                "file_b64",
                "the uploaded file was damaged in the form; upload it again",
            )
        })?;
    let mut query = ImportQuery::from_fields(&fields);
    query.map = Some(mapping_from_fields(&fields));
    let answer = import_file(&state, file_name.clone(), bytes.clone(), &query, Audience::Web).await;
    if fields.get("action").map(String::as_str) == Some("assess")
        && let Ok(answer) = &answer
        && answer.valid
    {
        let text = serde_json::to_string(&answer.request).map_err(ApiError::internal)?;
        let org = fields.get("org").cloned().unwrap_or_default();
        let as_of = fields.get("as_of").cloned().unwrap_or_default();
        match super::pages::try_assess(&state, &user, &org, &as_of, &answer.request, text).await? {
            Ok(id) => return Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
            Err(errors) => {
                let mut shown = answer.clone();
                shown.valid = false;
                shown.problems.extend(errors.into_iter().map(|(field, message)| {
                    crate::documents::ImportProblem {
                        severity: "error",
                        at: Some(field.clone()),
                        field: Some(field),
                        message,
                    }
                }));
                return respond(&state, &user, file_name, &bytes, &fields, Ok(shown)).await;
            }
        }
    }
    respond(&state, &user, file_name, &bytes, &fields, answer).await
}

/// A generated document of an assessment the user may see.
pub(crate) async fn download_document(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (name, mime, bytes) = generate_document(&state, &user.principal, &id, &file).await?;
    Ok(download(&name, mime, bytes))
}

#[derive(Debug)]
struct FindingRow {
    severity: &'static str,
    message: String,
    code: &'static str,
    at: Vec<String>,
    basis: String,
}

#[derive(Template)]
#[template(path = "doc_audit.html")]
struct AuditPage {
    nav: Nav,
    report: Option<AuditReport>,
    findings: Vec<FindingRow>,
    outcome: &'static str,
    outcome_class: &'static str,
    error: Option<String>,
}

fn audit_page(
    state: &AppState,
    user: &WebUser,
    report: Option<AuditReport>,
    error: Option<String>,
) -> AuditPage {
    let findings = report
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| FindingRow {
            severity: f.severity.as_str(),
            message: f.message.clone(),
            code: f.code,
            at: f.at.clone(),
            basis: match (&f.basis, &f.confidence) {
                (Some(b), Some(c)) => format!("{b} (confidence {c})"),
                (Some(b), None) => b.clone(),
                _ => String::new(),
            },
        })
        .collect();
    let (outcome, outcome_class) = match report.as_ref().map(|r| r.outcome) {
        Some("blocked") => ("Blocked: correct the documents before the goods move", "v-blocked"),
        Some("conditions") => ("Open points must be settled before the goods move", "v-conditions"),
        Some(_) => ("Consistent: no inconsistency found", "v-clearable"),
        None => ("", ""),
    };
    AuditPage {
        nav: Nav::new(user, "documents", state),
        report,
        findings,
        outcome,
        outcome_class,
        error,
    }
}

/// The document audit form.
pub(crate) async fn audit_form(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    user.principal.may(Op::AuditDocuments)?;
    render(&audit_page(&state, &user, None, None))
}

/// Runs an audit of the uploaded documents.
pub(crate) async fn audit_submit(
    State(state): State<AppState>,
    CsrfMultipart { user, multipart }: CsrfMultipart,
) -> Result<Response, WebError> {
    let upload = read_audit_upload(&state, multipart).await?;
    user.principal.may(Op::AuditDocuments)?;
    match run_audit(&state, upload).await {
        Ok(report) => render(&audit_page(&state, &user, Some(report), None)),
        Err(ApiError::Invalid(errors) | ApiError::BadRequest(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &audit_page(
                &state,
                &user,
                None,
                Some(errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ")),
            ),
        ),
        Err(other) => Err(other.into()),
    }
}
