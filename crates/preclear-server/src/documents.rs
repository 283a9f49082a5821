//! Documents over the API: import a packing list or invoice spreadsheet into a shipment request
//! (and optionally assess it), download an assessment's documents (PDF, XLSX), and audit a set
//! of documents. The web application calls the same functions.

use std::str::FromStr as _;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use preclear_docs::{AuditReport, InputFile};
use preclear_domain::Date;
use preclear_import::Limits;

use crate::AppState;
use crate::assessments::{assess_and_store, named_or_own};
use crate::auth::{Op, Principal};
use crate::body::{Params, RawBody, json_response};
use crate::error::{ApiError, FieldError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", post(import))
        .route("/assessments/{id}/documents/{file}", get(document))
        .route("/document-audits", post(audit))
}

pub(crate) use preclear_service::imports::{
    AuditUpload, ImportAnswer, ImportProblem, ImportQuery, MAX_AUDIT_FILES,
};

/// Reads a spreadsheet into a shipment request (the service's import, bounded by this server's
/// body limit).
pub(crate) async fn import_file(
    state: &AppState,
    name: String,
    bytes: Vec<u8>,
    query: &ImportQuery,
    audience: preclear_import::Audience,
) -> Result<ImportAnswer, ApiError> {
    let vocabulary = state.kb().category_vocabulary().clone();
    Ok(preclear_service::imports::import_file(
        limits(state),
        name,
        bytes,
        query,
        audience,
        vocabulary,
    )
    .await?)
}

/// Audits uploaded documents with the current KB (the service's audit).
pub(crate) async fn run_audit(
    state: &AppState,
    upload: AuditUpload,
) -> Result<AuditReport, ApiError> {
    Ok(preclear_service::imports::run_audit(&state.service, limits(state), upload).await?)
}

/// The reading bounds of spreadsheets and PDF data on the service: the body limit bounds the
/// file, and the unpacked size of a workbook is bounded at 256 MiB (see docs/documents.md).
pub(crate) fn limits(state: &AppState) -> Limits {
    Limits { max_file_bytes: state.max_body_bytes, ..Limits::default() }
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
    let mut answer =
        import_file(&state, name, body, &query, preclear_import::Audience::Api).await?;
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
