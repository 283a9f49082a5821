//! `/api/v1/screening`: the operators' queue of restricted-party hits awaiting a decision, and
//! their decisions. The operations are `preclear_service::screening`; here only their HTTP
//! shape.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use preclear_service::clock::now_micros;
use preclear_service::screening::{self, Checked, ListUpdate, NewDecision, NewList, OpenHit};
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
        .route("/screening/check", get(check))
        .route("/screening/lists", axum::routing::post(update_list))
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

/// A party to check.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckQuery {
    /// The party's name, in any script.
    name: String,
    /// Its country: an ISO code or a name (agreement raises a hit, conflict lowers it).
    country: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/screening/check", tag = "screening",
    params(CheckQuery),
    responses(
        (status = 200, description = "The party against the lists in force: every hit explained, with the lists' version; nothing is stored", body = Checked),
        (status = 422, description = "No name, or a country that is not one", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn check(
    State(state): State<AppState>,
    principal: Principal,
    crate::body::Params(query): crate::body::Params<CheckQuery>,
) -> Result<Response, ApiError> {
    let checked =
        screening::check(&state, &principal, &query.name, query.country.as_deref()).await?;
    json(StatusCode::OK, &checked)
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

#[utoipa::path(post, path = "/api/v1/screening/lists", tag = "screening",
    request_body = NewList,
    responses(
        (status = 200, description = "What each list gave and what changed; deployed (every instance screens with it at its next look at the deployment log, this one at once) and the stored parties re-screened, unless already current or a dry run", body = ListUpdate),
        (status = 403, description = "Only the provider's admins deploy lists", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown format, a date that is not one, the wrong number of files, or a file that does not read (named)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn update_list(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewList>,
) -> Result<Response, ApiError> {
    let update = screening::update_list(&state, &principal, new, now_micros()).await?;
    json(StatusCode::OK, &update)
}
