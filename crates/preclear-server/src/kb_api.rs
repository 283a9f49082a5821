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
    _principal: Principal,
) -> Result<Response, ApiError> {
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
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageQuery {
    /// The date (`YYYY-MM-DD`); today when absent.
    as_of: Option<String>,
}

/// One market's coverage: per topic, the status (`high`, `medium`, `low`, `unknown`,
/// `none:<confidence>` or `MISSING`) and the rules behind it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CoverageRow {
    pub(crate) country: String,
    pub(crate) name: String,
    pub(crate) topics: Vec<CoverageCell>,
}

/// One topic of one market.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CoverageCell {
    pub(crate) topic: String,
    pub(crate) status: String,
    pub(crate) rules: Vec<String>,
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
    let rows = coverage_rows(&state.kb(), date);
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
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) url: Option<String>,
    pub(crate) document: Option<String>,
}

/// One fact with its provenance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct FactView {
    pub(crate) scope: String,
    pub(crate) section: String,
    pub(crate) label: String,
    pub(crate) value: String,
    /// `high`, `medium`, `low` or `unknown`.
    pub(crate) confidence: String,
    /// When it was last checked.
    pub(crate) as_of: String,
    pub(crate) effective_from: Option<String>,
    pub(crate) effective_to: Option<String>,
    pub(crate) note: Option<String>,
    /// `file:line` in the KB.
    pub(crate) location: String,
    pub(crate) sources: Vec<SourceView>,
}

#[utoipa::path(get, path = "/api/v1/kb/facts", tag = "knowledge base", params(FactsQuery),
    responses((status = 200, description = "Facts with sources, confidence and dates", body = Vec<FactView>)),
    security(("api_key" = [])))]
pub(crate) async fn fact_list(
    State(state): State<AppState>,
    _principal: Principal,
    Params(query): Params<FactsQuery>,
) -> Result<Response, ApiError> {
    let list = fact_views(&state.kb(), query.scope.as_deref(), query.section.as_deref());
    if list.is_empty() && query.scope.is_some() {
        return Err(ApiError::NotFound(format!(
            "no facts in scope `{}`",
            query.scope.as_deref().unwrap_or_default()
        )));
    }
    json_response(StatusCode::OK, &list)
}

/// Each market's coverage on `date`: the table the API and the KB pages show.
pub(crate) fn coverage_rows(kb: &preclear_kb::Kb, date: preclear_domain::Date) -> Vec<CoverageRow> {
    coverage(kb, date)
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
        .collect()
}

/// The facts in `scope` (a market includes its union's) and `section`, with their provenance.
pub(crate) fn fact_views(
    kb: &preclear_kb::Kb,
    scope: Option<&str>,
    section: Option<&str>,
) -> Vec<FactView> {
    let union = scope.and_then(|scope| {
        kb.markets()
            .find(|m| m.country.as_str() == scope)
            .and_then(|m| m.union.as_deref().map(str::to_owned))
    });
    facts(kb)
        .into_iter()
        .filter(|f| {
            scope.is_none_or(|s| f.scope == s || union.as_deref() == Some(f.scope.as_str()))
        })
        .filter(|f| section.is_none_or(|s| f.section == s))
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
        .collect()
}
