//! `/api/v1/price-lists`: the provider's price lists — its default (`default`) and each client's
//! own — read by its staff, published and withdrawn by its admins. The operations are
//! `preclear_service::price_lists`; here only their HTTP shape.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use preclear_service::price_lists::{self, DEFAULT_SCOPE, History, Scope};
use preclear_store::PriceListEdition;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Principal;
use crate::body::{Json, json_response as json};
use crate::clock::rfc3339;
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/price-lists", get(list))
        .route("/price-lists/{scope}", get(fetch).put(publish).delete(withdraw))
}

/// One edition of a price list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct EditionView {
    id: Uuid,
    /// `default`, or the client's name.
    scope: String,
    /// The client, for a client's own prices.
    client_id: Option<Uuid>,
    /// The hash of the text, which an assessment priced with it records; `null` when withdrawn.
    version: Option<String>,
    /// The provider's name for the edition; `null` when withdrawn.
    label: Option<String>,
    /// Whether this edition withdrew the scope's prices.
    withdrawn: bool,
    published_by: String,
    published_at: String,
    /// The price list's TOML text (in the scope's current edition and in answers to a
    /// publish); `null` in lists and for a withdrawal.
    text: Option<String>,
}

impl EditionView {
    fn of(scope: &str, e: PriceListEdition, with_text: bool) -> EditionView {
        let withdrawn = e.body.is_none();
        EditionView {
            id: e.id,
            scope: scope.to_owned(),
            client_id: e.client_id,
            version: (!withdrawn).then_some(e.version),
            label: (!withdrawn).then_some(e.label),
            withdrawn,
            published_by: e.created_by,
            published_at: rfc3339(e.created_at),
            text: if with_text { e.body } else { None },
        }
    }
}

/// A scope's editions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct HistoryView {
    /// `default`, or the client's name.
    scope: String,
    client_id: Option<Uuid>,
    /// The edition in force, with its text; `null` when none was ever published or the last
    /// edition withdrew the prices.
    current: Option<EditionView>,
    /// Every edition, newest first, without texts.
    editions: Vec<EditionView>,
}

impl From<History> for HistoryView {
    fn from(h: History) -> Self {
        let current = h
            .editions
            .first()
            .filter(|e| e.body.is_some())
            .map(|e| EditionView::of(&h.name, e.clone(), true));
        HistoryView {
            client_id: h.client.as_ref().map(|c| c.id),
            current,
            editions: h.editions.into_iter().map(|e| EditionView::of(&h.name, e, false)).collect(),
            scope: h.name,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/price-lists", tag = "price lists",
    responses(
        (status = 200, description = "The current edition of each scope (the default first), withdrawn ones included", body = Vec<EditionView>),
        (status = 403, description = "Only the provider's operators and admins read price lists", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    let scopes = price_lists::scopes(&state, &principal).await?;
    let views: Vec<EditionView> = scopes
        .into_iter()
        .map(|Scope { name, current, .. }| EditionView::of(&name, current, false))
        .collect();
    json(StatusCode::OK, &views)
}

#[utoipa::path(get, path = "/api/v1/price-lists/{scope}", tag = "price lists",
    params(("scope" = String, Path, description = "`default`, or a client organisation's name or id")),
    responses(
        (status = 200, description = "The scope's current edition with its text, and every edition", body = HistoryView),
        (status = 404, description = "No such client, or not one the caller serves", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn fetch(
    State(state): State<AppState>,
    principal: Principal,
    Path(scope): Path<String>,
) -> Result<Response, ApiError> {
    let history = price_lists::history(&state, &principal, &scope).await?;
    json(StatusCode::OK, &HistoryView::from(history))
}

/// A price list to publish.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewEdition {
    /// The price list in TOML, as `examples/price-list.toml`.
    text: String,
}

#[utoipa::path(put, path = "/api/v1/price-lists/{scope}", tag = "price lists",
    params(("scope" = String, Path, description = "`default`, or a client organisation's name or id")),
    request_body = NewEdition,
    responses(
        (status = 201, description = "Published: assessments made from now on are priced with it", body = EditionView),
        (status = 200, description = "The text is already the scope's current edition: nothing changed", body = EditionView),
        (status = 403, description = "Only the provider's admins publish price lists", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is not a valid price list: each problem names its key (`markets.BR.ior_fee.percent`)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    principal: Principal,
    Path(scope): Path<String>,
    Json(new): Json<NewEdition>,
) -> Result<Response, ApiError> {
    let published = price_lists::publish(&state, &principal, &scope, &new.text).await?;
    let status = if published.created { StatusCode::CREATED } else { StatusCode::OK };
    let name = scope_name(&state, &principal, &published.edition).await?;
    json(status, &EditionView::of(&name, published.edition, true))
}

#[utoipa::path(delete, path = "/api/v1/price-lists/{scope}", tag = "price lists",
    params(("scope" = String, Path, description = "`default`, or a client organisation's name or id")),
    responses(
        (status = 200, description = "Withdrawn: the client's assessments fall back to the default; without a default, assessments carry no service charges", body = EditionView),
        (status = 404, description = "The scope has no price list in force", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    principal: Principal,
    Path(scope): Path<String>,
) -> Result<Response, ApiError> {
    let edition = price_lists::withdraw(&state, &principal, &scope).await?;
    let name = scope_name(&state, &principal, &edition).await?;
    json(StatusCode::OK, &EditionView::of(&name, edition, false))
}

/// The scope's name as lists show it (the client's name, not the id it was asked by).
async fn scope_name(
    state: &AppState,
    principal: &Principal,
    edition: &PriceListEdition,
) -> Result<String, ApiError> {
    Ok(match edition.client_id {
        Some(id) => state
            .store
            .org(id, principal.visibility())
            .await?
            .map_or_else(|| id.to_string(), |org| org.name),
        None => DEFAULT_SCOPE.to_owned(),
    })
}
