//! `/api/v1/screening`: the operators' queue of restricted-party hits awaiting a decision, and
//! their decisions. The operations are `preclear_service::screening`; here only their HTTP
//! shape.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use preclear_service::clock::now_micros;
use preclear_service::screening::{self, NewDecision, OpenHit};
use preclear_store::ScreeningDecision;
use serde::Serialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Principal;
use crate::body::{Json, json_response as json};
use crate::clock::rfc3339;
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/screening/queue", get(queue))
        .route("/screening/decisions", get(decisions).post(decide))
}

/// An operator's decision on a hit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DecisionView {
    id: Uuid,
    /// The party's name as screened.
    party: String,
    /// The party as decisions remember it (its name normalised, and its country).
    party_key: String,
    list: String,
    entry_id: String,
    entry_name: String,
    /// The entry as listed when decided: a new version of the entry is screened afresh.
    entry_fingerprint: String,
    /// `false_positive` or `true_match`.
    verdict: String,
    reason: String,
    /// The assessment whose hit was decided.
    assessment_id: Uuid,
    decided_by: String,
    decided_at: String,
}

impl From<ScreeningDecision> for DecisionView {
    fn from(d: ScreeningDecision) -> Self {
        DecisionView {
            id: d.id,
            party: d.party_name,
            party_key: d.party_key,
            list: d.list,
            entry_id: d.entry_id,
            entry_name: d.entry_name,
            entry_fingerprint: d.entry_fingerprint,
            verdict: d.verdict,
            reason: d.reason,
            assessment_id: d.assessment_id,
            decided_by: d.decided_by,
            decided_at: rfc3339(d.decided_at),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/screening/queue", tag = "screening",
    responses(
        (status = 200, description = "The hits of the newest screened assessments that no decision covers, one per party and entry, newest first", body = Vec<OpenHit>),
        (status = 403, description = "Only the provider's operators and admins decide hits", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &screening::queue(&state, &principal).await?)
}

#[utoipa::path(get, path = "/api/v1/screening/decisions", tag = "screening",
    responses(
        (status = 200, description = "The provider's decisions, newest first, superseded ones included", body = Vec<DecisionView>),
        (status = 403, description = "Only the provider's operators and admins read decisions", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn decisions(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    let listed: Vec<DecisionView> = screening::decisions(&state, &principal)
        .await?
        .into_iter()
        .map(DecisionView::from)
        .collect();
    json(StatusCode::OK, &listed)
}

#[utoipa::path(post, path = "/api/v1/screening/decisions", tag = "screening",
    request_body = NewDecision,
    responses(
        (status = 201, description = "Decided: every later assessment of the party takes it into account while the entry is listed as it was", body = DecisionView),
        (status = 403, description = "Only the provider's operators and admins decide hits", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not one the caller serves", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the assessment has no such party or hit (the problem lists its hits)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewDecision>,
) -> Result<Response, ApiError> {
    let decision = screening::decide(&state, &principal, &new, now_micros()).await?;
    json(StatusCode::CREATED, &DecisionView::from(decision))
}
