//! `/api/v1/classifications`: HS classification of a batch of descriptions with the KB in
//! force. The operation is `preclear_service::classification`; here only its HTTP shape.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use preclear_service::classification::{self, Classifications, LineToClassify};

use crate::AppState;
use crate::auth::Principal;
use crate::body::{Json, json_response as json};
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/classifications", post(create))
}

/// A batch of lines to classify.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassifyRequest {
    /// 1 to 1,000 lines.
    lines: Vec<LineToClassify>,
}

#[utoipa::path(post, path = "/api/v1/classifications", tag = "classification",
    request_body = ClassifyRequest,
    responses(
        (status = 200, description = "Each line's HS 2022 candidates, best first, each with the words, rules, legal notes and sources behind it; nothing is stored", body = Classifications),
        (status = 422, description = "No lines or more than 1,000, an empty description, a category that is not one: every problem named by its field", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<ClassifyRequest>,
) -> Result<Response, ApiError> {
    let classified = classification::classify(&state, &principal, &request.lines)?;
    json(StatusCode::OK, &classified)
}
