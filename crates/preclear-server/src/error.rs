//! API errors as RFC 9457 problem details (`application/problem+json`): a status, a title, a
//! detail and, for invalid input, one entry per invalid field. An internal error says nothing
//! about its cause: it carries a correlation id, and the log carries the cause under that id.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use preclear_service::FieldError;
use preclear_service::ServiceError;

/// An error answer of the API.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON, a bad query parameter).
    BadRequest(Vec<FieldError>),
    /// 422: the request was read but is invalid.
    Invalid(Vec<FieldError>),
    /// 401: no credentials, or credentials that are not valid.
    Unauthorized(String),
    /// 403: valid credentials that do not allow this.
    Forbidden(String),
    /// 404: no such object, or not one the caller may see.
    NotFound(String),
    /// 409: conflicts with what exists.
    Conflict(String),
    /// 413: the body is over the limit.
    TooLarge(usize),
    /// 415: the body is not JSON.
    UnsupportedMediaType(String),
    /// 500: a fault of ours; the cause goes to the log only.
    Internal(String),
    /// 503: the service cannot answer now.
    Unavailable(String),
    /// 429: too many failed attempts; `Retry-After` says when to try again.
    TooManyRequests(String, u64),
    /// 503 with `Retry-After`: a bounded resource is full.
    Busy(String, u64),
}

impl ApiError {
    /// A 400 about one field.
    pub fn bad_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// Seconds after which to try again, for the answers that say so (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests(_, seconds) | ApiError::Busy(_, seconds) => Some(*seconds),
            _ => None,
        }
    }

    /// A 500 whose cause is logged.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }
}

/// The one mapping from the service's answers to HTTP.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(fields) => ApiError::Invalid(fields),
            ServiceError::Unauthenticated(why) => ApiError::Unauthorized(why),
            ServiceError::Forbidden(why) => ApiError::Forbidden(why),
            ServiceError::NotFound(what) => ApiError::NotFound(what),
            ServiceError::Conflict(what) => ApiError::Conflict(what),
            ServiceError::Throttled { message, retry_after_seconds } => {
                ApiError::TooManyRequests(message, retry_after_seconds)
            }
            ServiceError::Busy { message, retry_after_seconds } => {
                ApiError::Busy(message, retry_after_seconds)
            }
            ServiceError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<preclear_store::StoreError> for ApiError {
    fn from(error: preclear_store::StoreError) -> Self {
        match error {
            preclear_store::StoreError::Conflict(what) => ApiError::Conflict(what),
            preclear_store::StoreError::Invalid(what) => ApiError::invalid_field("", what),
            other => ApiError::internal(other),
        }
    }
}

/// Logs the cause of an internal error under a new correlation id, and returns the id (what
/// the caller is shown instead of the cause).
pub fn log_internal(cause: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    tracing::error!(correlation_id = %id, %cause, "internal error");
    id
}

/// The problem-details body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong here.
    pub detail: String,
    /// The invalid fields, for 400 and 422.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 500: the id under which the cause is logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [one] if one.field.is_empty() => one.message.clone(),
        [one] => format!("{}: {}", one.field, one.message),
        many => format!("{} problems; see errors", many.len()),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after();
        let (status, kind, title, detail, errors, correlation_id) = match self {
            ApiError::BadRequest(errors) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "The request cannot be read",
                summary(&errors),
                errors,
                None,
            ),
            ApiError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "The request is invalid",
                summary(&errors),
                errors,
                None,
            ),
            ApiError::Unauthorized(detail) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Not authenticated",
                detail,
                vec![],
                None,
            ),
            ApiError::Forbidden(detail) => {
                (StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail, vec![], None)
            }
            ApiError::NotFound(detail) => {
                (StatusCode::NOT_FOUND, "not-found", "Not found", detail, vec![], None)
            }
            ApiError::Conflict(detail) => {
                (StatusCode::CONFLICT, "conflict", "Conflict", detail, vec![], None)
            }
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The body is too large",
                format!("the body is over the limit of {limit} bytes"),
                vec![],
                None,
            ),
            ApiError::UnsupportedMediaType(detail) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                detail,
                vec![],
                None,
            ),
            ApiError::Internal(cause) => {
                let id = log_internal(&cause);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    format!("an internal error occurred; quote correlation id {id}"),
                    vec![],
                    Some(id),
                )
            }
            ApiError::Unavailable(detail) | ApiError::Busy(detail, _) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Unavailable",
                detail,
                vec![],
                None,
            ),
            ApiError::TooManyRequests(detail, _) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many attempts",
                detail,
                vec![],
                None,
            ),
        };
        let problem = Problem {
            kind: format!("urn:preclear:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            correlation_id,
        };
        let body = serde_json::to_string(&problem).unwrap_or_else(|_| String::from("{}"));
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"preclear\""),
            );
        }
        response
    }
}
