//! `/api/v1/kb`: the knowledge base this instance assesses with — its markets, coverage and
//! every fact with its sources, confidence and dates.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use preclear_service::kb_views::{CoverageRow, FactView, coverage_rows, fact_views};

use crate::AppState;
use crate::auth::{Op, Principal};
use crate::body::{Params, json_response};
use crate::clock::{date_of, now_micros};
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/kb", get(summary))
        .route("/kb/coverage", get(coverage_table))
        .route("/kb/facts", get(fact_list))
}

/// A market.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MarketView {
    pub(crate) country: String,
    pub(crate) name: String,
    pub(crate) currency: String,
    /// The customs union it belongs to, if any.
    pub(crate) union: Option<String>,
    pub(crate) levies: usize,
    pub(crate) requirements: usize,
    pub(crate) restrictions: usize,
}

/// The KB in brief.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct KbView {
    version: String,
    markets: Vec<MarketView>,
    unions: Vec<String>,
    /// Export-control regimes.
    regimes: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/kb", tag = "knowledge base",
    responses((status = 200, description = "The KB version, markets, unions and regimes", body = KbView)),
    security(("api_key" = [])))]
pub(crate) async fn summary(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadKb)?;
    let kb = &state.kb();
    json_response(
        StatusCode::OK,
        &KbView {
            version: kb.version().as_str().to_owned(),
            markets: kb
                .markets()
                .map(|m| MarketView {
                    country: m.country.to_string(),
                    name: m.name.clone(),
                    currency: m.currency.to_string(),
                    union: m.union.as_deref().map(str::to_owned),
                    levies: m.levies.len(),
                    requirements: m.requirements.len(),
                    restrictions: m.restrictions.len(),
                })
                .collect(),
            unions: kb.unions().iter().map(|u| u.id.to_string()).collect(),
            regimes: kb.regimes().iter().map(|r| r.id.to_string()).collect(),
        },
    )
}

/// Query of the coverage table.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageQuery {
    /// The date (`YYYY-MM-DD`); today when absent.
    as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/kb/coverage", tag = "knowledge base", params(CoverageQuery),
    responses((status = 200, description = "Markets × topics", body = Vec<CoverageRow>)),
    security(("api_key" = [])))]
pub(crate) async fn coverage_table(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<CoverageQuery>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadKb)?;
    let date = match &query.as_of {
        Some(text) => text.parse().map_err(|_| {
            ApiError::bad_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)"))
        })?,
        None => date_of(now_micros()),
    };
    let rows = coverage_rows(&state.kb(), date);
    json_response(StatusCode::OK, &rows)
}

/// Query of the fact list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactsQuery {
    /// A market (`TR`), union (`EU`), regime (`us-ear`), `categories` or `documents`; for a
    /// market, its union's facts are included.
    scope: Option<String>,
    /// Only this section (`levy`, `requirement`, `restriction`…).
    section: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/kb/facts", tag = "knowledge base", params(FactsQuery),
    responses((status = 200, description = "Facts with sources, confidence and dates", body = Vec<FactView>)),
    security(("api_key" = [])))]
pub(crate) async fn fact_list(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<FactsQuery>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadKb)?;
    let list = fact_views(&state.kb(), query.scope.as_deref(), query.section.as_deref());
    if list.is_empty() && query.scope.is_some() {
        return Err(ApiError::NotFound(format!(
            "no facts in scope `{}`",
            query.scope.as_deref().unwrap_or_default()
        )));
    }
    json_response(StatusCode::OK, &list)
}
