//! Authentication over HTTP: `Authorization: Bearer <API key>` becomes a `Principal` through
//! `Service::authenticate_key`; who may do what lives in the service (`preclear_service::auth`).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
pub use preclear_service::auth::{ADMINS, AUDITORS, Principal, SUBMITTERS};

use crate::AppState;
use crate::error::ApiError;

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized("send `Authorization: Bearer <API key>`".into())
        })?;
        let value = header
            .to_str()
            .map_err(|_| ApiError::Unauthorized("the Authorization header is not text".into()))?;
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization scheme must be Bearer".into())
            })?
            .trim();
        Ok(state.authenticate_key(token).await?)
    }
}
