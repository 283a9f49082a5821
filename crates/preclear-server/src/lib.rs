//! preclear's HTTP service: `preclear serve`.
//!
//! The web application at `/` (server-rendered pages with sessions; see `web`), and
//! The API v1 (JSON, `Authorization: Bearer <API key>`), OpenAPI 3.1 at `/api/v1/openapi.json`
//! with a browsable page at `/api/v1/docs`, `/healthz`, `/readyz` and Prometheus `/metrics`.
//! The state an instance holds is a cache or a counter only (loaded KB versions, verified key
//! secrets, metrics): everything that matters is in the database, so several instances can
//! serve one PostgreSQL database.
//!
//! The operations without HTTP live in `preclear-service` (configuration, start-up, principals
//! and roles, administrative changes, KB deployment), re-exported here for the handlers.
//! Code map: [`auth`] (the bearer-key extractor), `assessments`, `admin_api`, `kb_api`,
//! `audit_api` (the routes), [`programs`] (program operations, still here), `web` (the pages),
//! [`error`] (problem details: the one mapping from `ServiceError`), [`metrics`], `openapi`.

pub mod auth;
pub mod error;
pub mod metrics;

mod admin_api;
mod assessments;
pub mod audit_api;
mod body;
mod classification_api;
mod connections;
mod documents;
mod kb_api;
pub mod openapi;
mod price_lists_api;
mod programs_api;
mod routes_api;
mod screening_api;
mod web;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use preclear_kb::Kb;
use preclear_store::Store;
use tokio::net::TcpListener;
use tracing::Instrument as _;

use crate::error::ApiError;

pub use preclear_service::bootstrap::{FirstAdmin, Opened, open};
pub use preclear_service::{Config, Service, bootstrap, clock, config, kb_deploy, ops, programs};

/// What the handlers share: the service, and what only HTTP needs.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

/// The shared parts.
#[derive(Debug)]
pub struct Inner {
    /// The operations and what they share (store, committer, KB, key cache).
    pub service: Service,
    /// Counters.
    pub metrics: metrics::Metrics,
    /// The body size limit, in bytes.
    pub max_body_bytes: usize,
    /// How long a web sign-in lasts, in hours.
    pub session_hours: u32,
    /// Whether the session cookie is marked `Secure`.
    pub secure_cookies: bool,
    /// Connection limits, where the client's address comes from, who reads `/metrics`.
    pub limits: config::Limits,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// A handler reaches the service's parts (`state.store`, `state.kb()`) through the state.
impl std::ops::Deref for Inner {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.service
    }
}

impl AppState {
    /// The state for an opened database. Spawns the group committer on the current runtime.
    pub fn new(store: Store, kb: Arc<Kb>, config: &Config) -> AppState {
        AppState(Arc::new(Inner {
            service: Service::new(store, kb, config),
            metrics: metrics::Metrics::default(),
            max_body_bytes: config.max_body_bytes,
            session_hours: config.session_hours,
            secure_cookies: config.secure_cookies,
            limits: config.limits.clone(),
        }))
    }
}

/// The whole application: API, documentation, health and metrics.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(assessments::routes())
        .merge(admin_api::routes())
        .merge(kb_api::routes())
        .merge(audit_api::routes())
        .merge(documents::routes())
        .merge(programs_api::routes())
        .merge(price_lists_api::routes())
        .merge(classification_api::routes())
        .merge(routes_api::routes())
        .merge(screening_api::routes())
        .layer(DefaultBodyLimit::max(state.max_body_bytes));
    Router::new()
        .nest("/api/v1", api)
        .merge(web::routes().layer(DefaultBodyLimit::max(state.max_body_bytes)))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .merge(openapi::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM; in-flight requests finish first.
/// Follows KB deployments meanwhile (`kb_deploy::follow`).
pub async fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    // The restricted-party lists in force are loaded before the first assessment asks.
    preclear_service::screening::warm(&state.service);
    let follower = kb_deploy::follow(state.service.clone(), state.kb_poll);
    let limits = state.limits.clone();
    let served = connections::serve(listener, app(state), &limits, shutdown()).await;
    follower.abort();
    served?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Counts and times every request, and gives it an id (`x-request-id`) that the log carries.
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let span = tracing::info_span!("request", %method, %route, request_id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    state.metrics.request(&method, &route, status, started.elapsed());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    if status >= 500 {
        tracing::warn!(parent: &span, status, "request failed");
    } else {
        tracing::debug!(parent: &span, status, elapsed = ?started.elapsed(), "request");
    }
    response
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(format!("the database does not answer: {e}")))?;
    Ok("ready\n")
}

/// `/metrics`, as the `metrics` setting says: for anyone, for a provider operator's or admin's
/// API key, or for nobody.
async fn metrics_text(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
) -> Response {
    match state.limits.metrics {
        config::MetricsExposure::Public => {}
        config::MetricsExposure::Off => return not_found().await.into_response(),
        config::MetricsExposure::Authenticated => {
            let mut parts = parts;
            let principal =
                match <auth::Principal as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                    &mut parts, &state,
                )
                .await
                {
                    Ok(principal) => principal,
                    Err(e) => return e.into_response(),
                };
            if let Err(e) = principal.may(auth::Op::ReadMetrics) {
                return ApiError::from(e).into_response();
            }
        }
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route; the API is described at /api/v1/openapi.json".into())
}
