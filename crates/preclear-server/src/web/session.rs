//! Signing in and out of the web application, and the protection of its forms.
//!
//! - A session is a random 256-bit token in an `HttpOnly`, `SameSite=Lax` cookie; the store
//!   keeps only its SHA-256, with the user, the organisation and an expiry
//!   (`session_hours`). Signing in and out are audited like any change.
//! - Every form that changes something carries a CSRF token derived from the session token
//!   (SHA-256 of a fixed label and the token), compared in constant time: a page of another
//!   site can neither read the cookie nor compute the token. The sign-in form, which has no
//!   session yet, uses a double-submit token instead (a random value in a cookie and in the
//!   form). A cross-site `Origin` on a form is refused as well.
//! - Signing in is the service's (`Service::sign_in`): a wrong user name and a wrong password
//!   get the same answer after the same work, failures are throttled per user name and client
//!   address (429 with `Retry-After`, and the page says how long to wait).

use axum::extract::{FromRequest, FromRequestParts, Multipart, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use preclear_service::ServiceError;
use preclear_service::auth::sha256_hex as sha256;
use preclear_store::credentials::random_hex;
use preclear_store::{Change, Mutation, System};

use super::{WebError, form_value, render_status};
use crate::AppState;
use crate::auth::Principal;
use crate::clock::now_micros;
use crate::error::ApiError;
use crate::ops::{Actor, event};

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "preclear_session";
/// The sign-in form's double-submit cookie.
const SIGNIN_COOKIE: &str = "preclear_signin";
/// The name of the CSRF field of every form.
pub(crate) const CSRF_FIELD: &str = "_csrf";

/// A signed-in user: who, acting as what, and the token their forms must carry.
#[derive(Debug, Clone)]
pub(crate) struct WebUser {
    pub principal: Principal,
    pub username: String,
    pub csrf: String,
    token_sha256: String,
}

fn csrf_of(token: &str) -> String {
    sha256(&format!("preclear-csrf-v1:{token}"))
}

/// Compares two tokens in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

impl WebUser {
    /// Refuses a form whose CSRF token is not this session's.
    pub(crate) fn check_csrf(&self, submitted: Option<&str>) -> Result<(), WebError> {
        match submitted {
            Some(token) if same(token, &self.csrf) => Ok(()),
            _ => Err(WebError::Api(ApiError::Forbidden(
                "the form has expired or did not come from this site; reload the page and try again"
                    .into(),
            ))),
        }
    }
}

/// A state-changing form (URL-encoded), its CSRF token checked before the handler runs. Every
/// page handler that changes something takes this or [`CsrfMultipart`] instead of the user and
/// the body, so no form can skip the check.
#[derive(Debug)]
pub(crate) struct CsrfForm {
    /// The signed-in user.
    pub(crate) user: WebUser,
    /// The form's fields, in order (the token among them).
    pub(crate) pairs: Vec<(String, String)>,
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let user = WebUser::from_request_parts(&mut parts, state).await?;
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(
            Request::from_parts(parts, body),
            state,
        )
        .await
        .map_err(|e| {
            ApiError::bad_field("", format!("the form cannot be read: {}", e.body_text()))
        })?;
        user.check_csrf(form_value(&pairs, CSRF_FIELD))?;
        Ok(CsrfForm { user, pairs })
    }
}

/// A state-changing multipart form (uploads), its CSRF token checked before the handler reads
/// anything else: the token must be the form's first field, as every page writes it, so the
/// check needs no buffering of the files that follow.
#[derive(Debug)]
pub(crate) struct CsrfMultipart {
    /// The signed-in user.
    pub(crate) user: WebUser,
    /// The rest of the form, after the token.
    pub(crate) multipart: Multipart,
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let user = WebUser::from_request_parts(&mut parts, state).await?;
        let unreadable = |e: &dyn std::fmt::Display| {
            WebError::Api(ApiError::bad_field("", format!("the upload cannot be read: {e}")))
        };
        let mut multipart = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| unreadable(&e.body_text()))?;
        let token = match multipart.next_field().await.map_err(|e| unreadable(&e))? {
            Some(field) if field.name() == Some(CSRF_FIELD) => {
                Some(field.text().await.map_err(|e| unreadable(&e))?)
            }
            _ => None,
        };
        user.check_csrf(token.as_deref())?;
        Ok(CsrfMultipart { user, multipart })
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let next = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.to_string(), |u| u.0.to_string());
        let sign_in = || WebError::SignIn { next: next.clone() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(sign_in)?;
        let token_sha256 = sha256(token);
        let (_, user, org) = state
            .store
            .live_session(System::Authentication, &token_sha256, now_micros())
            .await?
            .ok_or_else(sign_in)?;
        Ok(WebUser {
            principal: Principal {
                org,
                role: user.role,
                actor: Actor(format!("user:{}", user.username)),
            },
            username: user.username,
            csrf: csrf_of(token),
            token_sha256,
        })
    }
}

/// The sign-in page.
#[derive(Debug, askama::Template)]
#[template(path = "sign_in.html")]
pub(crate) struct SignInPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

/// Where to go after signing in: a path of this site only, else `/`. The path must start with
/// one `/`, and may not hold a backslash, whitespace or a control character: browsers drop tabs
/// and newlines from URLs (so `/\t/evil.example` would become `//evil.example`, another site),
/// and CR or LF could not go into a `Location` header at all.
fn safe_next(next: &str) -> String {
    let path_only = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    if path_only { next.to_owned() } else { "/".to_owned() }
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn sign_in_page(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(query.next.as_deref().unwrap_or("/"));
    sign_in_form(&state, StatusCode::OK, next, String::new(), None)
}

/// The sign-in page with a new double-submit token (in the form and in its cookie).
fn sign_in_form(
    state: &AppState,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let csrf = random_hex(32)?;
    let page = SignInPage { csrf, next, username, error: error.map(str::to_owned) };
    let mut response = render_status(status, &page)?;
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SIGNIN_COOKIE, &page.csrf, 3600));
    Ok(response)
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ConnectedClient(client): ConnectedClient,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let username = form_value(&pairs, "username").unwrap_or_default().trim().to_owned();
    let password = form_value(&pairs, "password").unwrap_or_default().to_owned();
    let next = safe_next(form_value(&pairs, "next").unwrap_or("/"));
    let expected = cookie(&headers, SIGNIN_COOKIE).unwrap_or_default();
    let submitted = form_value(&pairs, CSRF_FIELD).unwrap_or_default();
    let again = |error: &str, status: StatusCode| {
        sign_in_form(&state, status, next.clone(), username.clone(), Some(error))
    };
    if expected.is_empty() || !same(expected, submitted) {
        return again(
            "The sign-in form had expired (or cookies are blocked). Please sign in again.",
            StatusCode::FORBIDDEN,
        );
    }
    let signed_in = match state.sign_in(&username, &password, client).await {
        Ok(signed_in) => signed_in,
        Err(ServiceError::Unauthenticated(_)) => {
            return again("The user name or password is not correct.", StatusCode::UNAUTHORIZED);
        }
        Err(ServiceError::Throttled { retry_after_seconds, .. }) => {
            let mut response = again(
                &format!(
                    "Too many failed sign-ins. Please wait {} before trying again.",
                    in_words(retry_after_seconds)
                ),
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            return Ok(response);
        }
        Err(other) => return Err(ApiError::from(other).into()),
    };
    let mut response = Redirect::to(&next).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &signed_in.token, signed_in.max_age_seconds),
    );
    headers.append(header::SET_COOKIE, set_cookie(&state, SIGNIN_COOKIE, "", 0));
    Ok(response)
}

/// A wait in words: "1 second", "40 seconds", "3 minutes".
fn in_words(seconds: u64) -> String {
    match seconds {
        1 => "1 second".into(),
        0..60 => format!("{seconds} seconds"),
        _ => {
            let minutes = seconds.div_ceil(60);
            if minutes == 1 { "1 minute".into() } else { format!("{minutes} minutes") }
        }
    }
}

/// The client's address, for throttling (see `auth::client_address`).
#[derive(Debug)]
pub(crate) struct ConnectedClient(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ConnectedClient {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(ConnectedClient(crate::auth::client_address(&parts.extensions, &parts.headers, state)))
    }
}

pub(crate) async fn sign_out(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let now = now_micros();
    let change = Change {
        event: event(
            user.principal.org.id,
            &user.principal.actor,
            now,
            "session.ended",
            ("user", user.username.clone()),
            None,
            None,
        ),
        mutation: Mutation::EndSession { token_sha256: user.token_sha256.clone(), at: now },
    };
    state.store.commit(&[change]).await?;
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/assessments/1?x=2"), "/assessments/1?x=2");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        // `/%09/evil.example` arrives decoded: browsers would drop the tab.
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/a\r\nSet-Cookie: x=1"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
        assert_eq!(safe_next("/\u{2028}x"), "/");
        assert_eq!(safe_next("evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert_ne!(csrf_of("a"), csrf_of("b"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; preclear_session=xyz"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), None);
    }
}
