//! `/api/v1/audit/events`: an organisation's audit trail, read-only, filtered by period,
//! country, business unit or hardware category, as JSON, JSON Lines or CSV. There is no route
//! that edits or deletes an event.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use preclear_store::EventFilter;
use serde::Deserialize;

pub use preclear_service::audit::{ExportFormat, export};

use crate::AppState;
use crate::assessments::named_or_own;
use crate::auth::{Op, Principal};
use crate::body::Params;
use crate::clock::start_of;
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/audit/events", get(events))
}

/// Query of the audit export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsQuery {
    /// The organisation (name or id); the caller's when absent.
    org: Option<String>,
    /// From this date (`YYYY-MM-DD`, UTC, inclusive).
    from: Option<String>,
    /// To this date (`YYYY-MM-DD`, UTC, exclusive).
    to: Option<String>,
    /// Destination country (ISO 3166 alpha-2).
    country: Option<String>,
    /// Business unit, as given in shipment requests.
    business_unit: Option<String>,
    /// Hardware category (`server`, `switch`…).
    category: Option<String>,
    /// `jsonl` (default) or `csv`.
    format: Option<String>,
}

fn date(field: &str, text: &str) -> Result<i64, ApiError> {
    text.parse::<preclear_domain::Date>()
        .ok()
        .and_then(start_of)
        .ok_or_else(|| ApiError::bad_field(field, format!("`{text}` is not a date (YYYY-MM-DD)")))
}

/// The filter of an export from its query parameters (dates as `YYYY-MM-DD`, UTC; empty
/// values are no filter).
pub(crate) fn event_filter(
    from: Option<&str>,
    to: Option<&str>,
    country: Option<&str>,
    business_unit: Option<&str>,
    category: Option<&str>,
) -> Result<EventFilter, ApiError> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    Ok(EventFilter {
        from: given(from).map(|t| date("from", t)).transpose()?,
        to: given(to).map(|t| date("to", t)).transpose()?,
        country: given(country).map(str::to_owned),
        business_unit: given(business_unit).map(str::to_owned),
        category: given(category).map(str::to_owned),
    })
}

#[utoipa::path(get, path = "/api/v1/audit/events", tag = "audit", params(EventsQuery),
    responses(
        (status = 200, description = "The events, in chain order: JSON Lines or CSV", content_type = "application/x-ndjson", body = String),
        (status = 403, description = "The role may not read the audit trail", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation within reach", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn events(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<EventsQuery>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadAudit)?;
    let org = named_or_own(&state, &principal, query.org.as_deref()).await?;
    let format = match query.format.as_deref() {
        None => ExportFormat::JsonLines,
        Some(text) => ExportFormat::parse(text)
            .ok_or_else(|| ApiError::bad_field("format", "expected jsonl or csv"))?,
    };
    let filter = event_filter(
        query.from.as_deref(),
        query.to.as_deref(),
        query.country.as_deref(),
        query.business_unit.as_deref(),
        query.category.as_deref(),
    )?;
    let mut body = Vec::new();
    export(&state.store, org.id, &filter, format, &mut body).await?;
    let content_type = match format {
        ExportFormat::JsonLines => "application/x-ndjson",
        ExportFormat::Csv => "text/csv; charset=utf-8",
    };
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response())
}
