//! `/api/v1/assessments`: create (assess, store with request, result and KB version, audit),
//! list with filters, fetch one, replay against the KB version it used, re-run against the
//! current KB.

use std::collections::BTreeSet;
use std::str::FromStr as _;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use preclear_domain::{Country, Date};
use preclear_store::audit::sha256_hex;
use preclear_store::{AssessmentFilter, AssessmentRecord, Org};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Op, Principal};
use crate::body::{JsonText, Params, json_response};
use crate::clock::{rfc3339, start_of};
use crate::error::ApiError;

pub use preclear_service::assessments::ENGINE_VERSION;
pub(crate) use preclear_service::assessments::{
    Pricing, Stored, load, named_or_own, reassessed, visible_org,
};

/// The service's `assess_and_store`, counted in the metrics: the API's and the pages' path.
pub(crate) async fn assess_and_store(
    state: &AppState,
    principal: &Principal,
    org: &Org,
    as_of: Option<Date>,
    value: &Value,
    text: String,
) -> Result<Stored, ApiError> {
    let stored =
        preclear_service::assessments::assess_and_store(state, principal, org, as_of, value, text)
            .await?;
    state.metrics.assessment(&stored.summary.verdict);
    Ok(stored)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments", post(create).get(list))
        .route("/assessments/{id}", get(fetch))
        .route("/assessments/{id}/replay", post(replay))
        .route("/assessments/{id}/rerun", post(rerun))
        .route("/comparisons", post(compare))
        .route("/comparisons/{id}", get(fetch_comparison))
        .route("/comparisons/{id}/{file}", get(comparison_file))
}

/// Query of `POST /comparisons`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompareQuery {
    /// The destinations to compare, comma-separated ISO 3166 alpha-2 codes (`BR,IN,TR`); at
    /// most 20, none repeated, none the origin. Each replaces the request's destination.
    destinations: String,
    /// The client organisation (name or id); the caller's own when absent.
    org: Option<String>,
    /// The date to assess for (`YYYY-MM-DD`); today (UTC) when absent.
    as_of: Option<String>,
}

/// One destination's stored assessment in a comparison.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ComparedAssessment {
    /// The destination.
    destination: String,
    /// The stored assessment's id (`GET /api/v1/assessments/{id}` has it in full).
    id: Uuid,
    /// Its verdict.
    verdict: String,
}

/// A stored comparison as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct StoredComparison {
    /// Identifier (the object of its `comparison.created` audit event).
    id: Uuid,
    /// The client organisation.
    org_id: Uuid,
    /// One row per destination, in the order asked.
    comparison: preclear_engine::compare::Comparison,
    /// The assessments stored, one per destination, in the same order.
    assessments: Vec<ComparedAssessment>,
}

#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}",
    tag = "assessments",
    params(("id" = Uuid, Path, description = "The comparison id (`POST /api/v1/comparisons` answered it)")),
    responses(
        (status = 200, description = "The stored comparison: its rows made again by replaying each destination's assessment (its KB version, date and price list), and the assessments", body = StoredComparison),
        (status = 404, description = "No such comparison, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn fetch_comparison(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = preclear_service::comparisons::load_comparison(&state, &principal, &id).await?;
    let body = StoredComparison {
        id: loaded.id,
        org_id: loaded.org_id,
        assessments: loaded
            .assessments
            .iter()
            .map(|(summary, _)| ComparedAssessment {
                destination: summary.destination.clone(),
                id: summary.id,
                verdict: summary.verdict.clone(),
            })
            .collect(),
        comparison: loaded.comparison,
    };
    json_response(StatusCode::OK, &body)
}

#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}/{file}",
    tag = "assessments",
    params(
        ("id" = Uuid, Path, description = "The comparison id"),
        ("file" = String, Path, description = "`comparison.pdf` (the rows side by side, then each destination's landed cost by charge) or `comparison.xlsx` (one row per destination, amounts as numbers)"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/pdf"),
        (status = 404, description = "No such comparison or file", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn comparison_file(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (name, mime, bytes) =
        preclear_service::comparisons::comparison_file(&state, &principal, &id, &file).await?;
    Ok(crate::documents::download(&name, mime, bytes))
}

#[utoipa::path(
    post,
    path = "/api/v1/comparisons",
    tag = "assessments",
    params(CompareQuery),
    request_body(content = preclear_domain::openapi::ShipmentRequest, description = "A shipment request; its destination is replaced by each of `destinations`", content_type = "application/json"),
    responses(
        (status = 201, description = "Every destination assessed and stored, with the comparison", body = StoredComparison),
        (status = 400, description = "Malformed JSON or query", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not submit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request or destinations; each invalid field named", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn compare(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<CompareQuery>,
    JsonText(text): JsonText,
) -> Result<Response, ApiError> {
    principal.may(Op::CreateAssessment)?;
    let org = named_or_own(&state, &principal, query.org.as_deref()).await?;
    let as_of = query.as_of.as_deref().map(|text| parse_date("as_of", text)).transpose()?;
    let codes: Vec<String> = query.destinations.split(',').map(str::to_owned).collect();
    let destinations = preclear_service::assessments::parse_destinations(&codes)?;
    let value: Value = preclear_domain::json::parse(&text)
        .map_err(|e| ApiError::bad_field("", preclear_domain::json::error_sentence(&e)))?;
    let stored = preclear_service::assessments::compare_and_store(
        &state,
        &principal,
        &org,
        as_of,
        &value,
        &destinations,
    )
    .await?;
    for assessment in &stored.assessments {
        state.metrics.assessment(&assessment.summary.verdict);
    }
    let body = StoredComparison {
        id: stored.id,
        org_id: org.id,
        assessments: stored
            .assessments
            .iter()
            .map(|a| ComparedAssessment {
                destination: a.summary.destination.clone(),
                id: a.summary.id,
                verdict: a.summary.verdict.clone(),
            })
            .collect(),
        comparison: stored.comparison,
    };
    let text = serde_json::to_string(&body).map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::LOCATION, format!("/api/v1/comparisons/{}", body.id)),
        ],
        text,
    )
        .into_response())
}

/// Query of `POST /assessments`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateQuery {
    /// The client organisation (name or id) the assessment is for; an operator's or admin's
    /// own organisation when absent. Clients may only name their own.
    org: Option<String>,
    /// The date to assess for (`YYYY-MM-DD`); today (UTC) when absent.
    as_of: Option<String>,
}

/// A stored assessment as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct StoredAssessment<'a> {
    /// Identifier.
    id: Uuid,
    /// The client organisation.
    org_id: Uuid,
    /// When it was stored (RFC 3339).
    created_at: String,
    /// Who submitted it.
    created_by: &'a str,
    /// The KB version used.
    kb_version: &'a str,
    /// The engine version used.
    engine_version: &'a str,
    /// The request exactly as submitted (only when fetching one).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<preclear_domain::openapi::ShipmentRequest>)]
    request: Option<&'a RawValue>,
    /// The assessment.
    #[schema(value_type = preclear_engine::Assessment)]
    assessment: &'a RawValue,
}

fn raw(text: &str) -> Result<&RawValue, ApiError> {
    serde_json::from_str::<&RawValue>(text).map_err(ApiError::internal)
}

fn parse_date(field: &str, text: &str) -> Result<Date, ApiError> {
    Date::from_str(text)
        .map_err(|_| ApiError::bad_field(field, format!("`{text}` is not a date (YYYY-MM-DD)")))
}

#[utoipa::path(
    post,
    path = "/api/v1/assessments",
    tag = "assessments",
    params(CreateQuery),
    request_body(content = preclear_domain::openapi::ShipmentRequest, description = "A shipment request", content_type = "application/json"),
    responses(
        (status = 201, description = "Assessed and stored", body = StoredAssessment, headers(("location" = String, description = "The assessment's URL"))),
        (status = 400, description = "Malformed JSON or query", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not submit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request; each invalid field named", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<CreateQuery>,
    JsonText(text): JsonText,
) -> Result<Response, ApiError> {
    principal.may(Op::CreateAssessment)?;
    let org = named_or_own(&state, &principal, query.org.as_deref()).await?;
    let as_of = query.as_of.as_deref().map(|text| parse_date("as_of", text)).transpose()?;
    let value: Value = preclear_domain::json::parse(&text)
        .map_err(|e| ApiError::bad_field("", preclear_domain::json::error_sentence(&e)))?;
    let stored = assess_and_store(&state, &principal, &org, as_of, &value, text).await?;
    let id = stored.summary.id;
    let body = StoredAssessment {
        id,
        org_id: org.id,
        created_at: rfc3339(stored.summary.created_at),
        created_by: &principal.actor.0,
        kb_version: &stored.summary.kb_version,
        engine_version: ENGINE_VERSION,
        request: None,
        assessment: raw(&stored.result)?,
    };
    let text = serde_json::to_string(&body).map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::LOCATION, format!("/api/v1/assessments/{id}")),
        ],
        text,
    )
        .into_response())
}

/// Query of `GET /assessments`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only this client organisation (name or id).
    org: Option<String>,
    /// Only this destination (ISO 3166 alpha-2).
    destination: Option<String>,
    /// Only this verdict.
    verdict: Option<String>,
    /// Stored on or after this date (`YYYY-MM-DD`, UTC).
    from: Option<String>,
    /// Stored before this date (`YYYY-MM-DD`, UTC; exclusive).
    to: Option<String>,
    /// Text in the reference or client name (case-insensitive).
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// One assessment in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ListItem {
    id: Uuid,
    org_id: Uuid,
    reference: String,
    client_name: String,
    business_unit: Option<String>,
    origin: String,
    destination: String,
    categories: Vec<String>,
    verdict: String,
    as_of: String,
    kb_version: String,
    currency: String,
    /// The landed cost when it is one figure computed in full (decimal string); `null` when a
    /// charge is unknown or the total is a range (see `landed_cost`).
    total_landed_cost: Option<String>,
    /// The landed cost in every case: `low` (the total of what could be computed), `high` (the
    /// range's high end when a rate depends on a state or province the request did not give,
    /// else `null`) and `complete` (whether every charge is known; if not, `low` is a lower
    /// bound). `null` for assessments stored before it was recorded.
    landed_cost: Option<LandedCostView>,
    created_by: String,
    /// RFC 3339.
    created_at: String,
}

/// An assessment's landed cost in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LandedCostView {
    /// Decimal string.
    low: String,
    /// Decimal string, or `null` when the total is one figure.
    high: Option<String>,
    complete: bool,
}

/// A page of assessments, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Page {
    items: Vec<ListItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

const VERDICTS: [&str; 5] = [
    "clearable",
    "clearable_with_conditions",
    "not_clearable",
    "ior_not_suitable",
    "not_assessable",
];

#[utoipa::path(
    get,
    path = "/api/v1/assessments",
    tag = "assessments",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of assessments the caller may see", body = Page),
        (status = 400, description = "A bad filter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<ListQuery>,
) -> Result<Response, ApiError> {
    principal.may(Op::ListAssessments)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_field("limit", "must be between 1 and 200"));
    }
    let mut filter = AssessmentFilter { limit, ..AssessmentFilter::default() };
    if let Some(key) = &query.org {
        filter.org_id = Some(visible_org(&state, &principal, key).await?.id);
    }
    if let Some(destination) = &query.destination {
        let country = Country::parse(destination)
            .map_err(|e| ApiError::bad_field("destination", e.to_string()))?;
        filter.destination = Some(country.to_string());
    }
    if let Some(verdict) = &query.verdict {
        if !VERDICTS.contains(&verdict.as_str()) {
            return Err(ApiError::bad_field(
                "verdict",
                format!("expected one of {}", VERDICTS.join(", ")),
            ));
        }
        filter.verdict = Some(verdict.clone());
    }
    if let Some(from) = &query.from {
        filter.from = start_of(parse_date("from", from)?);
    }
    if let Some(to) = &query.to {
        filter.to = start_of(parse_date("to", to)?);
    }
    filter.text = query.q.clone().filter(|q| !q.trim().is_empty());
    if let Some(cursor) = &query.cursor {
        filter.before_id = Some(
            Uuid::from_str(cursor)
                .map_err(|_| ApiError::bad_field("cursor", "not a cursor from a previous page"))?,
        );
    }
    let rows = state.store.assessments(principal.visibility(), &filter).await?;
    let next_cursor =
        if rows.len() == limit as usize { rows.last().map(|r| r.id.to_string()) } else { None };
    let items = rows
        .into_iter()
        .map(|s| ListItem {
            id: s.id,
            org_id: s.org_id,
            reference: s.reference,
            client_name: s.client_name,
            business_unit: s.business_unit,
            origin: s.origin,
            destination: s.destination,
            categories: s.categories,
            verdict: s.verdict,
            as_of: s.as_of,
            kb_version: s.kb_version,
            currency: s.currency,
            total_landed_cost: s.total_landed_cost.map(|d| d.to_string()),
            landed_cost: s.landed_cost.map(|c| LandedCostView {
                low: c.low.to_string(),
                high: c.high.map(|d| d.to_string()),
                complete: c.complete,
            }),
            created_by: s.created_by,
            created_at: rfc3339(s.created_at),
        })
        .collect();
    json_response(StatusCode::OK, &Page { items, next_cursor })
}

#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment id")),
    responses(
        (status = 200, description = "The assessment with its request", body = StoredAssessment),
        (status = 404, description = "No such assessment, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn fetch(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadAssessment)?;
    let record = load(&state, &principal, &id).await?;
    let s = &record.summary;
    json_response(
        StatusCode::OK,
        &StoredAssessment {
            id: s.id,
            org_id: s.org_id,
            created_at: rfc3339(s.created_at),
            created_by: &s.created_by,
            kb_version: &s.kb_version,
            engine_version: &s.engine_version,
            request: Some(raw(&record.request)?),
            assessment: raw(&record.result)?,
        },
    )
}

/// One difference between two assessments: the JSON path, the value then and now (absent
/// when the path did not exist).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct Difference {
    path: String,
    #[schema(value_type = Object)]
    then: Option<Value>,
    #[schema(value_type = Object)]
    now: Option<Value>,
}

const MAX_DIFFERENCES: usize = 500;

fn diff(path: &str, then: Option<&Value>, now: Option<&Value>, out: &mut Vec<Difference>) {
    if out.len() >= MAX_DIFFERENCES || then == now {
        return;
    }
    match (then, now) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                diff(&format!("{path}.{key}"), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                diff(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        _ => out.push(Difference { path: path.to_owned(), then: then.cloned(), now: now.cloned() }),
    }
}

fn differences(then: &str, now: &str) -> Result<Vec<Difference>, ApiError> {
    let then: Value = serde_json::from_str(then).map_err(ApiError::internal)?;
    let now: Value = serde_json::from_str(now).map_err(ApiError::internal)?;
    let mut out = Vec::new();
    diff("$", Some(&then), Some(&now), &mut out);
    Ok(out)
}

/// [`reassessed`], as the KB version used and the assessment's JSON.
async fn reassess(
    state: &AppState,
    record: &AssessmentRecord,
    kb_version_wanted: &str,
    as_of: Date,
    pricing: Pricing,
) -> Result<(String, String), ApiError> {
    let again = reassessed(state, record, kb_version_wanted, as_of, pricing).await?;
    let result = serde_json::to_string(&again.assessment).map_err(ApiError::internal)?;
    Ok((again.assessment.kb_version, result))
}

/// The answer of a replay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Replay {
    id: Uuid,
    /// The KB version used, then and now.
    kb_version: String,
    as_of: String,
    /// Whether the replay gives the stored result byte for byte.
    reproduced: bool,
    result_sha256_stored: String,
    result_sha256_replayed: String,
    /// The engine that made the stored result.
    engine_version_then: String,
    /// The engine that replayed it.
    engine_version_now: String,
    /// Where the results differ (empty when reproduced).
    differences: Vec<Difference>,
}

#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/replay",
    tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment id")),
    responses(
        (status = 200, description = "Re-assessed with the stored request, date and KB version", body = Replay),
        (status = 404, description = "No such assessment, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn replay(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReplayAssessment)?;
    let record = load(&state, &principal, &id).await?;
    let s = &record.summary;
    let as_of = Date::from_str(&s.as_of).map_err(ApiError::internal)?;
    let (_, result) = reassess(&state, &record, &s.kb_version, as_of, Pricing::Recorded).await?;
    let replayed = sha256_hex(&result);
    json_response(
        StatusCode::OK,
        &Replay {
            id: s.id,
            kb_version: s.kb_version.clone(),
            as_of: s.as_of.clone(),
            reproduced: replayed == record.result_sha256 && result == record.result,
            result_sha256_stored: record.result_sha256.clone(),
            result_sha256_replayed: replayed,
            engine_version_then: s.engine_version.clone(),
            engine_version_now: ENGINE_VERSION.to_owned(),
            differences: differences(&record.result, &result)?,
        },
    )
}

/// Query of a re-run.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct RerunQuery {
    /// The date to assess for; the stored assessment's date when absent, so that only the
    /// KB's changes show.
    as_of: Option<String>,
}

/// The answer of a re-run against the current KB.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Rerun<'a> {
    id: Uuid,
    as_of: String,
    kb_version_then: String,
    kb_version_now: String,
    verdict_then: String,
    verdict_now: String,
    /// Whether anything in the assessment changed.
    changed: bool,
    /// What changed, path by path (at most 500).
    differences: Vec<Difference>,
    /// The assessment with the current KB.
    #[schema(value_type = preclear_engine::Assessment)]
    assessment: &'a RawValue,
}

#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/rerun",
    tag = "assessments",
    params(("id" = Uuid, Path, description = "The assessment id"), RerunQuery),
    responses(
        (status = 200, description = "Re-assessed with the current KB; what changed", body = Rerun),
        (status = 404, description = "No such assessment, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub(crate) async fn rerun(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Params(query): Params<RerunQuery>,
) -> Result<Response, ApiError> {
    principal.may(Op::RerunAssessment)?;
    let record = load(&state, &principal, &id).await?;
    let s = &record.summary;
    let as_of = match &query.as_of {
        Some(text) => parse_date("as_of", text)?,
        None => Date::from_str(&s.as_of).map_err(ApiError::internal)?,
    };
    let current = state.kb().version().as_str().to_owned();
    let (version, result) = reassess(&state, &record, &current, as_of, Pricing::Current).await?;
    let now: Value = serde_json::from_str(&result).map_err(ApiError::internal)?;
    let differences = differences(&record.result, &result)?;
    json_response(
        StatusCode::OK,
        &Rerun {
            id: s.id,
            as_of: as_of.to_string(),
            kb_version_then: s.kb_version.clone(),
            kb_version_now: version,
            verdict_then: s.verdict.clone(),
            verdict_now: now.get("verdict").and_then(Value::as_str).unwrap_or_default().to_owned(),
            changed: !differences.is_empty(),
            differences,
            assessment: raw(&result)?,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_changed_leaf() {
        let then = r#"{"verdict":"clearable","lines":[{"duty":"1"}],"kb_version":"a"}"#;
        let now =
            r#"{"verdict":"not_clearable","lines":[{"duty":"1"},{"duty":"2"}],"kb_version":"a"}"#;
        let found = differences(then, now).map_err(|e| format!("{e:?}"));
        let paths: Vec<String> = found.unwrap_or_default().into_iter().map(|d| d.path).collect();
        assert_eq!(paths, vec!["$.lines[1]", "$.verdict"]);
        assert!(differences(then, then).map(|d| d.is_empty()).unwrap_or(false));
    }
}
