//! Authentication over HTTP: `Authorization: Bearer <API key>` becomes a `Principal` through
//! `Service::authenticate_key`; who may do what lives in the service (`preclear_service::auth`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::Extensions;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
pub use preclear_service::access::Op;
pub use preclear_service::auth::Principal;
use preclear_service::config::ClientAddress;

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
        let client = client_address(&parts.extensions, &parts.headers, state);
        Ok(state.authenticate_key(token, client).await?)
    }
}

/// The client's address, as the configuration says to read it: the connection's peer, or the
/// last address a reverse proxy appended to `X-Forwarded-For`. `None` when the request did not
/// come over a connection (tests calling the router directly).
pub(crate) fn client_address(
    extensions: &Extensions,
    headers: &HeaderMap,
    state: &AppState,
) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match state.limits.client_address {
        ClientAddress::Peer => peer,
        ClientAddress::ForwardedFor => headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back()
            .or(peer),
    }
}
