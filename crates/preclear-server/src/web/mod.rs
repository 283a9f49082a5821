//! The web application: server-rendered pages for operators and clients, served by
//! `preclear serve` beside the API.
//!
//! - Pages are askama templates (`crates/preclear-server/templates/`), compiled into the
//!   binary and escaped by default; the stylesheet and the one small script are embedded too
//!   (`assets/`), so nothing is loaded from elsewhere. Every page works without JavaScript;
//!   the script only adds HS-code suggestions and a confirmation before revoking a key.
//! - Charts are SVG drawn on the server ([`svg`]).
//! - A page acts for a [`session::WebUser`]: the same [`Principal`] (organisation, role,
//!   visibility) as an API key, so a client user sees exactly what its keys see. Every form
//!   that changes something carries the session's CSRF token.
//! - Pages read what the API reads, through the same store queries and the same
//!   `assess_and_store`, so the two cannot disagree.
//!
//! Code map: [`session`] (sign-in, sign-out, CSRF), [`form`] (the shipment form ↔ request
//! JSON), `pages` (dashboard, assessments, report), `kb` (the KB browser), `admin` (audit log
//! and API keys), `people` (organisations and users), `search` (the search page), `price_lists` (the provider's price lists), `programs` (programs, their rollout view, consignments and the IOR entity
//! registry), [`svg`] (charts), `view` (the stored assessment as the report reads it).

mod admin;
mod compare;
mod documents;
mod form;
mod kb;
mod pages;
mod people;
mod price_lists;
mod programs;
mod screening;
mod search;
pub(crate) mod session;
mod svg;
mod view;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use preclear_store::{OrgKind, Role};

use crate::AppState;
use crate::auth::{Op, Principal};
use crate::error::{ApiError, log_internal};
use session::WebUser;

const STYLESHEET: &str = include_str!("../../assets/app.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/sign-in", get(session::sign_in_page).post(session::sign_in))
        .route("/sign-out", post(session::sign_out))
        .route("/assessments", get(pages::list))
        .route("/assessments/new", get(pages::new_form).post(pages::submit_form))
        .route("/assessments/upload", post(pages::upload))
        .route("/assessments/import", post(documents::import_confirm))
        .route("/assessments/{id}/documents/{file}", get(documents::download_document))
        .route("/documents/audit", get(documents::audit_form).post(documents::audit_submit))
        .route("/assessments/{id}", get(pages::report))
        .route("/assessments/{id}/compare", post(compare::from_report))
        .route("/comparisons/{id}", get(compare::show))
        .route("/comparisons/{id}/{file}", get(compare::download))
        .route("/assessments/{id}/assessment.json", get(pages::result_json))
        .route("/assessments/{id}/request.json", get(pages::request_json))
        .route("/hs", get(pages::hs_lookup))
        .route("/hs.json", get(pages::hs_json))
        .route("/kb", get(kb::index))
        .route("/kb/{scope}", get(kb::market))
        .route("/audit", get(admin::audit))
        .route("/audit/export", get(admin::audit_export))
        .route("/admin/keys", get(admin::keys).post(admin::create_key))
        .route("/admin/keys/{id}/revoke", post(admin::revoke_key))
        .route("/search", get(search::search))
        .route("/admin/organisations", get(people::organisations).post(people::create_organisation))
        .route("/admin/users", get(people::users).post(people::create_user))
        .route("/admin/users/{id}/password", post(people::reset_password))
        .route("/admin/users/{id}/deactivate", post(people::deactivate))
        .route("/admin/users/{id}/reactivate", post(people::reactivate))
        .route("/programs", get(programs::list).post(programs::create))
        .route("/programs/{id}", get(programs::show))
        .route("/programs/{id}/kb-impact", get(programs::kb_impact))
        .route("/programs/{id}/export/{file}", get(programs::export))
        .route("/programs/{id}/positions/{destination}/entity", post(programs::assign_entity))
        .route("/programs/{id}/positions/{destination}/consignee", post(programs::set_consignee))
        .route("/programs/{id}/positions/{destination}/route", post(programs::set_route))
        .route("/programs/{id}/disruptions", post(programs::record_disruption))
        .route("/programs/{id}/positions/{destination}/approvals", post(programs::record_approval))
        .route("/programs/{id}/consignments", post(programs::create_consignment))
        .route("/programs/{id}/consignments/transitions", post(programs::bulk_transition))
        .route(
            "/programs/{id}/consignments/from-assessments",
            post(programs::consignments_from_assessments),
        )
        .route("/assessments/{id}/consignment", post(programs::consignment_from_report))
        .route("/consignments/{id}", get(programs::consignment))
        .route("/consignments/{id}/transitions", post(programs::transition))
        .route("/ior-entities", get(programs::entities).post(programs::create_entity))
        .route("/ior-entities/{id}/credentials", post(programs::add_credential))
        .route("/price-lists", get(price_lists::list))
        .route("/price-lists/{scope}", get(price_lists::show).post(price_lists::publish))
        .route("/price-lists/{scope}/withdraw", post(price_lists::withdraw))
        .route("/screening", get(screening::queue))
        .route("/screening/decisions", post(screening::decide))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .layer(middleware::from_fn(protect))
}

/// Headers every page carries, and the refusal of cross-site form posts.
///
/// The content security policy allows only this site's own stylesheet, script and forms, so
/// that even a value that escaped escaping could not run a script or load anything.
async fn protect(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && cross_site(&request) {
        return WebError::Api(ApiError::Forbidden(
            "a form of another site may not post here".into(),
        ))
        .into_response();
    }
    // The same rule for a page's address as for the API's query parameters.
    if let Err(error) = crate::body::check_query_text(request.uri()) {
        return WebError::Api(error).into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Whether a request says it comes from another site (`Origin` or `Sec-Fetch-Site`).
fn cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host != host
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLESHEET)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")],
        body,
    )
        .into_response()
}

/// What the page frame shows: who is signed in, what they may reach, and the form token.
#[derive(Debug, Clone)]
pub(crate) struct Nav {
    pub user: String,
    pub org: String,
    pub role: String,
    pub csrf: String,
    /// The section the page belongs to (`dashboard`, `assessments`, `new`, `kb`, `audit`,
    /// `keys`, `orgs`, `users`, `programs`, `entities`, `prices`, `screening`), for
    /// `aria-current`.
    pub section: &'static str,
    pub can_submit: bool,
    pub can_audit: bool,
    pub is_admin: bool,
    /// The provider's operators and admins, who manage the IOR entity registry.
    pub manages_registry: bool,
    /// The provider's staff, who read its price lists.
    pub reads_prices: bool,
    /// Whoever may screen a party (the Screening page; the queue is the operators').
    pub screens: bool,
    pub kb_version: String,
}

impl Nav {
    pub(crate) fn new(user: &WebUser, section: &'static str, state: &AppState) -> Nav {
        let p = &user.principal;
        Nav {
            user: user.username.clone(),
            org: p.org.name.clone(),
            role: p.role.as_str().replace('_', " "),
            csrf: user.csrf.clone(),
            section,
            can_submit: p.can(Op::CreateAssessment),
            can_audit: p.can(Op::ReadAudit),
            is_admin: p.can(Op::ListKeys),
            manages_registry: p.can(Op::ListEntities),
            reads_prices: p.can(Op::ReadPriceLists),
            screens: p.can(Op::ScreenParty),
            kb_version: state.kb().version().as_str().to_owned(),
        }
    }

    /// `aria-current="page"` for the current section's link.
    pub(crate) fn current(&self, section: &str) -> &'static str {
        if self.section == section { "page" } else { "false" }
    }
}

/// A page's failure: a sign-in to ask for, or an API error shown as a page.
#[derive(Debug)]
pub(crate) enum WebError {
    /// Not signed in: go to the sign-in page, then back to `next`.
    SignIn { next: String },
    /// Anything else, with the API's status and message.
    Api(ApiError),
}

impl From<ApiError> for WebError {
    fn from(error: ApiError) -> Self {
        WebError::Api(error)
    }
}

impl From<preclear_service::ServiceError> for WebError {
    fn from(error: preclear_service::ServiceError) -> Self {
        WebError::Api(error.into())
    }
}

impl From<preclear_store::StoreError> for WebError {
    fn from(error: preclear_store::StoreError) -> Self {
        WebError::Api(error.into())
    }
}

/// An error page.
#[derive(Debug, askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: String,
    detail: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let error = match self {
            WebError::SignIn { next } => {
                let mut target = String::from("/sign-in?next=");
                target.extend(form_urlencoded_byte_serialize(&next));
                return Redirect::to(&target).into_response();
            }
            WebError::Api(error) => error,
        };
        let retry_after = error.retry_after();
        let (status, title, detail) = match error {
            ApiError::BadRequest(errors) | ApiError::Invalid(errors) => (
                StatusCode::BAD_REQUEST,
                "The request cannot be used",
                preclear_service::FieldError::sentence(&errors),
            ),
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "Not signed in", m),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "Conflict", m),
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too large",
                format!("the upload is over the limit of {limit} bytes"),
            ),
            ApiError::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported upload", m)
            }
            ApiError::Unavailable(m) | ApiError::Busy(m, _) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Unavailable, try again shortly", m)
            }
            ApiError::TooManyRequests(m, _) => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", m)
            }
            ApiError::Internal(cause) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side",
                format!(
                    "Please try again; if it persists, give your administrator this id: {}",
                    log_internal(&cause)
                ),
            ),
        };
        let page = ErrorPage { status: status.as_u16(), title: title.to_owned(), detail };
        let mut response = render_status(status, &page).unwrap_or_else(|e| e.into_response());
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Percent-encodes a query value.
fn form_urlencoded_byte_serialize(text: &str) -> impl Iterator<Item = char> + '_ {
    text.bytes().flat_map(|b| {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/');
        let chars: Vec<char> =
            if keep { vec![char::from(b)] } else { format!("%{b:02X}").chars().collect() };
        chars
    })
}

/// Renders a page with a status.
pub(crate) fn render_status(
    status: StatusCode,
    page: &impl askama::Template,
) -> Result<Response, WebError> {
    let html = page.render().map_err(|e| WebError::Api(ApiError::internal(e)))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// Renders a page.
pub(crate) fn render(page: &impl askama::Template) -> Result<Response, WebError> {
    render_status(StatusCode::OK, page)
}

/// The first value of a form field.
pub(crate) fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// How a verdict reads, and its style class.
pub(crate) fn verdict_label(verdict: &str) -> (&'static str, &'static str) {
    match verdict {
        "clearable" => ("Clearable", "v-clearable"),
        "clearable_with_conditions" => ("Clearable with conditions", "v-conditions"),
        "not_clearable" => ("Not clearable", "v-blocked"),
        "not_assessable" => ("Not assessable: market not covered", "v-unknown"),
        "ior_not_suitable" => ("IOR not suitable", "v-ior"),
        _ => ("Unknown verdict", "v-unknown"),
    }
}

/// The verdicts in the order pages list them.
pub(crate) const VERDICTS: [&str; 5] = [
    "not_clearable",
    "ior_not_suitable",
    "not_assessable",
    "clearable_with_conditions",
    "clearable",
];

/// Whether the principal may see other organisations (a provider's staff).
pub(crate) fn sees_clients(principal: &Principal) -> bool {
    principal.org.kind == OrgKind::Provider && principal.role != Role::ClientViewer
}
