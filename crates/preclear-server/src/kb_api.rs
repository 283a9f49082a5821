//! `/api/v1/kb`: the knowledge base this instance assesses with — its markets, coverage and
//! every fact with its sources, confidence and dates.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use preclear_kb::coverage::coverage;
use preclear_kb::facts::facts;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Principal;
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
    country: String,
    name: String,
    currency: String,
    /// The customs union it belongs to, if any.
    union: Option<String>,
    levies: usize,
    requirements: usize,
    restrictions: usize,
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
    _principal: Principal,
) -> Result<Response, ApiError> {
    let kb = &state.kb;
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
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageQuery {
    /// The date (`YYYY-MM-DD`); today when absent.
    as_of: Option<String>,
}

/// One market's coverage: per topic, the status (`high`, `medium`, `low`, `unknown`,
/// `none:<confidence>` or `MISSING`) and the rules behind it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CoverageRow {
    country: String,
    name: String,
    topics: Vec<CoverageCell>,
}

/// One topic of one market.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CoverageCell {
    topic: String,
    status: String,
    rules: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/kb/coverage", tag = "knowledge base", params(CoverageQuery),
    responses((status = 200, description = "Markets × topics", body = Vec<CoverageRow>)),
    security(("api_key" = [])))]
pub(crate) async fn coverage_table(
    State(state): State<AppState>,
    _principal: Principal,
    Params(query): Params<CoverageQuery>,
) -> Result<Response, ApiError> {
    let date = match &query.as_of {
        Some(text) => text.parse().map_err(|_| {
            ApiError::bad_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)"))
        })?,
        None => date_of(now_micros()),
    };
    let rows: Vec<CoverageRow> = coverage(&state.kb, date)
        .into_iter()
        .map(|m| CoverageRow {
            country: m.country.to_string(),
            name: m.name,
            topics: m
                .cells
                .into_iter()
                .map(|c| CoverageCell {
                    topic: c.topic.as_str().to_owned(),
                    status: c.status.label(),
                    rules: c.rules.iter().map(|r| r.to_string()).collect(),
                })
                .collect(),
        })
        .collect();
    json_response(StatusCode::OK, &rows)
}

/// Query of the fact list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactsQuery {
    /// A market (`TR`), union (`EU`), regime (`us-ear`), `categories` or `documents`; for a
    /// market, its union's facts are included.
    scope: Option<String>,
    /// Only this section (`levy`, `requirement`, `restriction`…).
    section: Option<String>,
}

/// A source cited by a fact.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct SourceView {
    id: String,
    title: String,
    url: Option<String>,
    document: Option<String>,
}

/// One fact with its provenance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct FactView {
    scope: String,
    section: String,
    label: String,
    value: String,
    /// `high`, `medium`, `low` or `unknown`.
    confidence: String,
    /// When it was last checked.
    as_of: String,
    effective_from: Option<String>,
    effective_to: Option<String>,
    note: Option<String>,
    /// `file:line` in the KB.
    location: String,
    sources: Vec<SourceView>,
}

#[utoipa::path(get, path = "/api/v1/kb/facts", tag = "knowledge base", params(FactsQuery),
    responses((status = 200, description = "Facts with sources, confidence and dates", body = Vec<FactView>)),
    security(("api_key" = [])))]
pub(crate) async fn fact_list(
    State(state): State<AppState>,
    _principal: Principal,
    Params(query): Params<FactsQuery>,
) -> Result<Response, ApiError> {
    let kb = &state.kb;
    let union = query.scope.as_deref().and_then(|scope| {
        kb.markets()
            .find(|m| m.country.as_str() == scope)
            .and_then(|m| m.union.as_deref().map(str::to_owned))
    });
    let list: Vec<FactView> = facts(kb)
        .into_iter()
        .filter(|f| {
            query
                .scope
                .as_deref()
                .is_none_or(|s| f.scope == s || union.as_deref() == Some(f.scope.as_str()))
        })
        .filter(|f| query.section.as_deref().is_none_or(|s| f.section == s))
        .map(|f| FactView {
            scope: f.scope,
            section: f.section.to_owned(),
            label: f.label,
            value: f.value,
            confidence: f.provenance.confidence.as_str().to_owned(),
            as_of: f.provenance.as_of.to_string(),
            effective_from: f.provenance.effective_from.map(|d| d.to_string()),
            effective_to: f.provenance.effective_to.map(|d| d.to_string()),
            note: f.provenance.note.clone(),
            location: f.provenance.location.to_string(),
            sources: f
                .provenance
                .sources
                .iter()
                .map(|s| SourceView {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                    document: s.document.clone(),
                })
                .collect(),
        })
        .collect();
    if list.is_empty() && query.scope.is_some() {
        return Err(ApiError::NotFound(format!(
            "no facts in scope `{}`",
            query.scope.as_deref().unwrap_or_default()
        )));
    }
    json_response(StatusCode::OK, &list)
}
