//! `/api/v1/routes`: a route on the bundled sea, air and road networks. The operation is
//! `preclear_service::routes`; here only its HTTP shape.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use preclear_route::{Route, RouteRequest};

use crate::AppState;
use crate::auth::Principal;
use crate::body::{Json, json_response as json};
use crate::error::ApiError;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/routes", post(create))
}

#[utoipa::path(post, path = "/api/v1/routes", tag = "routing",
    request_body = RouteRequest,
    responses(
        (status = 200, description = "The route: its legs (sea between ports on the shortest open lanes, air between airports, road for pre- and on-carriage), distance, transit days, passages crossed, CO2e, the assumptions behind them and the network version; nothing is stored", body = Route),
        (status = 422, description = "An unknown port or airport, an air route between ports, a closure that is neither a passage nor a port, a weight out of range, or no open sea route: named by its field", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(_state): State<AppState>,
    principal: Principal,
    Json(request): Json<RouteRequest>,
) -> Result<Response, ApiError> {
    let route = preclear_service::routes::plan(&principal, &request)?;
    json(StatusCode::OK, &route)
}
