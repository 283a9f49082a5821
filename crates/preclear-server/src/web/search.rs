//! The search page: one box over what the user may see (assessments, programs, consignments,
//! organisations, KB facts), the same search as the API's (`preclear_service::search`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use preclear_service::ServiceError;

use super::session::WebUser;
use super::{Nav, WebError, render, render_status};
use crate::AppState;

#[derive(Debug, askama::Template)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    nav: Nav,
    q: String,
    found: Option<preclear_service::search::Found>,
    error: Option<String>,
}

/// `GET /search?q=`: one search across what the user may see.
pub(crate) async fn search(
    State(state): State<AppState>,
    user: WebUser,
    axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let q = query.get("q").cloned().unwrap_or_default();
    let page = |found, error| SearchPage {
        nav: Nav::new(&user, "search", &state),
        q: q.clone(),
        found,
        error,
    };
    if q.trim().is_empty() {
        return render(&page(None, None));
    }
    match preclear_service::search::search(&state, &user.principal, &q).await {
        Ok(found) => render(&page(Some(found), None)),
        Err(ServiceError::Invalid(errors)) => {
            let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ");
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(None, Some(message)))
        }
        Err(other) => Err(other.into()),
    }
}
