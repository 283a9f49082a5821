//! Documents over the API: import a packing list or invoice spreadsheet into a shipment request
//! (and optionally assess it), download an assessment's documents (PDF, XLSX), and audit a set
//! of documents. The web application calls the same functions.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use preclear_docs::{AuditOptions, AuditReport, InputFile, PriceBands};
use preclear_domain::Date;
use preclear_import::{Imported, Limits, MappingOverride, RequestDefaults};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppState;
use crate::assessments::{assess_and_store, named_or_own};
use crate::auth::{Op, Principal};
use crate::body::{Params, RawBody, json_response};
use crate::clock::{date_of, now_micros};
use crate::error::{ApiError, FieldError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", post(import))
        .route("/assessments/{id}/documents/{file}", get(document))
        .route("/document-audits", post(audit))
}

/// The most files one audit reads.
pub(crate) const MAX_AUDIT_FILES: usize = 20;

/// The reading bounds of spreadsheets and PDF data on the service: the body limit bounds the
/// file, and the unpacked size of a workbook is bounded at 256 MiB (see docs/documents.md).
pub(crate) fn limits(state: &AppState) -> Limits {
    Limits { max_file_bytes: state.max_body_bytes, ..Limits::default() }
}

/// Query of `POST /imports`: how to read the sheet and what it lacks.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportQuery {
    /// The file's name (its extension helps tell CSV from XLSX).
    pub file_name: Option<String>,
    /// The sheet to read; else the one whose header is recognised best.
    pub sheet: Option<String>,
    /// The header row (1-based); else detected.
    pub header_row: Option<u32>,
    /// Column overrides, `field=column` separated by `;`, e.g. `quantity=D;unit_value=Preço`.
    pub map: Option<String>,
    /// Assess and store the request when it is valid (answer 201 with the assessment).
    pub assess: Option<bool>,
    /// The client organisation (name or id) when assessing; the caller's own when absent.
    pub org: Option<String>,
    /// The date to assess for (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<String>,
    /// Shipment reference, when the sheet has no invoice number.
    pub reference: Option<String>,
    /// Client's legal name.
    pub client_name: Option<String>,
    /// Client's country.
    pub client_country: Option<String>,
    /// Whether the client has its own entity in the destination.
    pub local_entity_in_destination: Option<bool>,
    /// Country of export.
    pub origin: Option<String>,
    /// Country of import.
    pub destination: Option<String>,
    /// Currency.
    pub currency: Option<String>,
    /// Transport mode.
    pub transport_mode: Option<String>,
    /// Incoterm.
    pub incoterm: Option<String>,
    /// Purpose.
    pub purpose: Option<String>,
    /// Freight.
    pub freight: Option<String>,
    /// Insurance.
    pub insurance: Option<String>,
    /// Consignee's legal name.
    pub consignee_name: Option<String>,
    /// Consignee's country.
    pub consignee_country: Option<String>,
    /// Consignee's address.
    pub consignee_address: Option<String>,
    /// Category of lines that state none.
    pub category: Option<String>,
    /// Condition of lines that state none.
    pub condition: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ImportQuery {
    /// From form fields (the web application's names are the query's).
    pub(crate) fn from_fields(fields: &BTreeMap<String, String>) -> ImportQuery {
        let get = |key: &str| fields.get(key).cloned();
        ImportQuery {
            file_name: get("file_name"),
            sheet: get("sheet"),
            header_row: get("header_row").and_then(|r| r.trim().parse().ok()),
            map: get("map"),
            assess: None,
            org: get("org"),
            as_of: get("as_of"),
            reference: get("reference"),
            client_name: get("client_name"),
            client_country: get("client_country"),
            local_entity_in_destination: get("local_entity_in_destination")
                .map(|v| v == "true" || v == "on"),
            origin: get("origin"),
            destination: get("destination"),
            currency: get("currency"),
            transport_mode: get("transport_mode"),
            incoterm: get("incoterm"),
            purpose: get("purpose"),
            freight: get("freight"),
            insurance: get("insurance"),
            consignee_name: get("consignee_name"),
            consignee_country: get("consignee_country"),
            consignee_address: get("consignee_address"),
            category: get("category"),
            condition: get("condition"),
        }
    }

    pub(crate) fn defaults(&self) -> RequestDefaults {
        RequestDefaults {
            reference: non_empty(&self.reference),
            client_name: non_empty(&self.client_name),
            client_country: non_empty(&self.client_country),
            origin: non_empty(&self.origin),
            destination: non_empty(&self.destination),
            currency: non_empty(&self.currency),
            transport_mode: non_empty(&self.transport_mode),
            incoterm: non_empty(&self.incoterm),
            purpose: non_empty(&self.purpose),
            freight: non_empty(&self.freight),
            insurance: non_empty(&self.insurance),
            consignee_name: non_empty(&self.consignee_name),
            consignee_country: non_empty(&self.consignee_country),
            consignee_address: non_empty(&self.consignee_address),
            category: non_empty(&self.category),
            condition: non_empty(&self.condition),
            local_entity_in_destination: self.local_entity_in_destination,
        }
    }

    pub(crate) fn overrides(&self) -> Result<MappingOverride, ApiError> {
        let mut over = MappingOverride {
            sheet: non_empty(&self.sheet),
            header_row: self.header_row,
            columns: Vec::new(),
        };
        for part in self
            .map
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            over.columns.push(
                preclear_import::parse_override(part)
                    .map_err(|e| ApiError::bad_field("map", format!("`{part}`: {e}")))?,
            );
        }
        Ok(over)
    }
}

/// A problem of an import, located.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct ImportProblem {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// Where (`Packing list!D7 (Qty)`), when known.
    pub at: Option<String>,
    /// The request field, when known (`items[3].quantity`).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// One column of the mapping.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct MappedColumn {
    /// Column letter.
    pub column: String,
    /// Header text.
    pub header: String,
    /// The field it is read as; `null` when not used.
    pub field: Option<&'static str>,
}

/// The answer of an import.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct ImportAnswer {
    /// Whether the request is a valid shipment request.
    pub valid: bool,
    /// The sheet read.
    pub sheet: String,
    /// The header row (1-based).
    pub header_row: u32,
    /// Every column of the header row, mapped or not.
    pub columns: Vec<MappedColumn>,
    /// The shipment request built (valid or not).
    #[schema(value_type = Object)]
    pub request: Value,
    /// Inferences made (a category from a description, a unit converted).
    pub notes: Vec<String>,
    /// Problems of reading the rows and of validating the request, each located.
    pub problems: Vec<ImportProblem>,
    /// The assessment, when `assess=true` and the request was valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<String>,
}

/// Reads a spreadsheet into a shipment request; every problem located.
pub(crate) async fn import_file(
    state: &AppState,
    name: String,
    bytes: Vec<u8>,
    query: &ImportQuery,
) -> Result<ImportAnswer, ApiError> {
    let over = query.overrides()?;
    let defaults = query.defaults();
    let limits = limits(state);
    let imported = tokio::task::spawn_blocking(move || {
        preclear_import::import(&name, &bytes, &over, &defaults, &limits)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::invalid_field("file", e.to_string()))?;
    Ok(answer(&imported))
}

fn answer(imported: &Imported) -> ImportAnswer {
    let mapping = &imported.table.mapping;
    let mut columns: Vec<MappedColumn> = mapping
        .columns
        .iter()
        .map(|c| MappedColumn {
            column: preclear_import::column_letters(c.index),
            header: c.header.clone(),
            field: Some(c.field.as_str()),
        })
        .chain(mapping.unmapped.iter().map(|(index, header)| MappedColumn {
            column: preclear_import::column_letters(*index),
            header: header.clone(),
            field: None,
        }))
        .collect();
    columns.sort_by_key(|c| (c.column.len(), c.column.clone()));
    let shown = |p: &preclear_import::Problem| ImportProblem {
        severity: if p.is_error() { "error" } else { "warning" },
        at: p.at.as_ref().map(ToString::to_string),
        field: p.field.clone(),
        message: p.message.clone(),
    };
    // Warnings of reading, then every error (of reading and of validation, each once).
    let mut problems: Vec<ImportProblem> =
        imported.table.problems.iter().filter(|p| !p.is_error()).map(shown).collect();
    let valid = match imported.validate() {
        Ok(_) => true,
        Err(preclear_import::ImportError::Problems(errors)) => {
            problems.extend(errors.iter().map(shown));
            false
        }
        Err(other) => {
            problems.push(ImportProblem {
                severity: "error",
                at: None,
                field: None,
                message: other.to_string(),
            });
            false
        }
    };
    ImportAnswer {
        valid,
        sheet: mapping.sheet.clone(),
        header_row: mapping.header_row,
        columns,
        request: imported.request.clone(),
        notes: imported.notes.clone(),
        problems,
        assessment_id: None,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/imports",
    tag = "documents",
    params(ImportQuery),
    request_body(content = Vec<u8>, description = "The spreadsheet: XLSX or CSV (UTF-8; `,` `;` or tab separated)", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Read; `valid` says whether the request validates", body = ImportAnswer),
        (status = 201, description = "Read, valid, assessed and stored (`assess=true`)", body = ImportAnswer),
        (status = 413, description = "Body over the limit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (corrupt, encrypted, a decompression bomb…), or `assess=true` and the request is invalid", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn import(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<ImportQuery>,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    principal.may(Op::Import)?;
    let name = query.file_name.clone().unwrap_or_else(|| "upload".to_owned());
    let mut answer = import_file(&state, name, body, &query).await?;
    if query.assess != Some(true) {
        return json_response(StatusCode::OK, &answer);
    }
    if !answer.valid {
        return Err(ApiError::Invalid(
            answer
                .problems
                .iter()
                .filter(|p| p.severity == "error")
                .map(|p| FieldError {
                    field: p.field.clone().unwrap_or_default(),
                    message: match &p.at {
                        Some(at) => format!("{at}: {}", p.message),
                        None => p.message.clone(),
                    },
                })
                .collect(),
        ));
    }
    let org = named_or_own(&state, &principal, query.org.as_deref()).await?;
    let as_of = query
        .as_of
        .as_deref()
        .map(|t| {
            Date::from_str(t).map_err(|_| {
                ApiError::bad_field("as_of", format!("`{t}` is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()?;
    let text = serde_json::to_string(&answer.request).map_err(ApiError::internal)?;
    let stored = assess_and_store(&state, &principal, &org, as_of, &answer.request, text).await?;
    answer.assessment_id = Some(stored.summary.id.to_string());
    let mut response = json_response(StatusCode::CREATED, &answer)?;
    if let Ok(location) = format!("/api/v1/assessments/{}", stored.summary.id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub(crate) use preclear_service::documents::generate_document;

/// A file download response.
pub(crate) fn download(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/documents/{file}",
    tag = "documents",
    params(
        ("id" = uuid::Uuid, Path, description = "The assessment id"),
        ("file" = String, Path, description = "`commercial-invoice`, `packing-list`, `specification-list`, `prequalification-report` or `power-of-attorney`, with `.pdf`; the first three also with `.xlsx`"),
    ),
    responses(
        (status = 200, description = "The document", content_type = "application/pdf"),
        (status = 404, description = "No such assessment or document", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn document(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadDocument)?;
    let (name, mime, bytes) = generate_document(&state, &principal, &id, &file).await?;
    Ok(download(&name, mime, bytes))
}

/// The files and fields of an audit upload.
#[derive(Debug, Default)]
pub(crate) struct AuditUpload {
    pub files: Vec<InputFile>,
    pub fields: BTreeMap<String, Vec<String>>,
}

impl AuditUpload {
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// Reads a multipart audit upload: `file` parts (up to [`MAX_AUDIT_FILES`]) and text fields.
pub(crate) async fn read_audit_upload(
    state: &AppState,
    mut multipart: Multipart,
) -> Result<AuditUpload, ApiError> {
    let mut upload = AuditUpload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(state, &e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("document").to_owned();
            let bytes = field.bytes().await.map_err(|e| multipart_error(state, &e))?;
            if bytes.is_empty() {
                continue;
            }
            if upload.files.len() == MAX_AUDIT_FILES {
                return Err(ApiError::invalid_field(
                    "file",
                    format!("at most {MAX_AUDIT_FILES} documents per audit"),
                ));
            }
            upload.files.push(InputFile { name: file_name, bytes: bytes.to_vec() });
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::bad_field(&name, format!("cannot be read: {e}")))?;
            upload.fields.entry(name).or_default().push(text);
        }
    }
    Ok(upload)
}

/// Runs an audit of uploaded documents with the current KB.
pub(crate) async fn run_audit(
    state: &AppState,
    upload: AuditUpload,
) -> Result<AuditReport, ApiError> {
    if upload.files.is_empty() {
        return Err(ApiError::invalid_field(
            "file",
            "no documents: upload the files of one shipment",
        ));
    }
    let as_of = match upload.field("as_of") {
        Some(text) => Date::from_str(text.trim()).map_err(|_| {
            ApiError::bad_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)"))
        })?,
        None => date_of(now_micros()),
    };
    let request = match upload.field("request") {
        Some(text) => Some(preclear_domain::json::parse(text).map_err(|e| {
            ApiError::bad_field(
                "request",
                format!("malformed JSON at line {} column {}", e.line(), e.column()),
            )
        })?),
        None => None,
    };
    let usd_rates = upload
        .fields
        .get("usd_rate")
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .map(|t| preclear_docs::parse_usd_rate(t).map_err(|e| ApiError::bad_field("usd_rate", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let flat: BTreeMap<String, String> = upload
        .fields
        .iter()
        .filter_map(|(k, v)| v.first().map(|f| (k.clone(), f.clone())))
        .collect();
    let defaults = ImportQuery::from_fields(&flat).defaults();
    let kb = state.kb();
    let limits = limits(state);
    tokio::task::spawn_blocking(move || {
        let bands = PriceBands::bundled();
        let options =
            AuditOptions { kb: &kb, as_of, bands: &bands, usd_rates, request, defaults, limits };
        preclear_docs::audit(&upload.files, &options)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::invalid_field("file", e.to_string()))
}

#[utoipa::path(
    post,
    path = "/api/v1/document-audits",
    tag = "documents",
    request_body(content_type = "multipart/form-data", description = "`file` parts (PDF generated by preclear, XLSX or CSV; up to 20), and optional fields `request` (the shipment request JSON), `usd_rate` (`EUR=1.08`, repeatable), `as_of`, and `origin`, `destination`, `currency`… for spreadsheets that lack them"),
    responses(
        (status = 200, description = "The findings", body = Object),
        (status = 413, description = "Body over the limit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No documents", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    principal: Principal,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    principal.may(Op::AuditDocuments)?;
    let upload = read_audit_upload(&state, multipart).await?;
    let report = run_audit(&state, upload).await?;
    json_response(StatusCode::OK, &report)
}

/// A multipart error as a problem: 413 over the body limit, else 400.
pub(crate) fn multipart_error(
    state: &AppState,
    error: &axum::extract::multipart::MultipartError,
) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(state.max_body_bytes)
    } else {
        ApiError::bad_field("", format!("the upload cannot be read: {error}"))
    }
}
