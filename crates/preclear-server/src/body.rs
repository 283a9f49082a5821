//! Reading request bodies and query strings into problem-detail errors instead of axum's plain
//! text rejections.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// A JSON body as text: checked for size (413), media type (415) and UTF-8 (400).
#[derive(Debug)]
pub struct JsonText(pub String);

fn is_json(headers: &HeaderMap) -> bool {
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(value) => {
            let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        }
    }
}

impl FromRequest<AppState> for JsonText {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "send the body as JSON with `Content-Type: application/json`".into(),
            ));
        }
        let RawBody(bytes) = RawBody::from_request(request, state).await?;
        String::from_utf8(bytes)
            .map(JsonText)
            .map_err(|_| ApiError::bad_field("", "the body is not UTF-8 text"))
    }
}

/// A raw body (an uploaded file): checked for size (413).
#[derive(Debug)]
pub struct RawBody(pub Vec<u8>);

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(state.max_body_bytes)
            } else {
                ApiError::bad_field("", format!("the body cannot be read: {e}"))
            }
        })?;
        Ok(RawBody(bytes.to_vec()))
    }
}

/// A JSON body parsed into `T`; malformed JSON is a 400, a valid document of the wrong shape a
/// 422 naming the field.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let JsonText(text) = JsonText::from_request(request, state).await?;
        let value: serde_json::Value = preclear_domain::json::parse(&text)
            .map_err(|e| ApiError::bad_field("", preclear_domain::json::error_sentence(&e)))?;
        serde_path_to_error::deserialize(value).map(Json).map_err(|e| {
            // The path of the value that did not fit (`items[0].unit_value`, `mode`); for a
            // missing or unknown field, the field itself below that path.
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let message = e.inner().to_string();
            let named = message.split('`').nth(1).filter(|_| {
                message.starts_with("missing field") || message.starts_with("unknown field")
            });
            let field = match named {
                Some(name) if path.is_empty() => name.to_owned(),
                Some(name) => format!("{path}.{name}"),
                None => path,
            };
            ApiError::Invalid(vec![crate::error::FieldError { field, message }])
        })
    }
}

/// Query parameters parsed into `T`; a bad parameter is a 400 naming it.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_query_text(&parts.uri)?;
        Query::<T>::from_request_parts(parts, state).await.map(|Query(t)| Params(t)).map_err(
            |e: QueryRejection| {
                let text = e.body_text();
                let field = text.split('`').nth(1).unwrap_or_default().to_owned();
                ApiError::bad_field(&field, text)
            },
        )
    }
}

/// The longest query parameter value, in characters.
const MAX_QUERY_VALUE_CHARS: usize = 1000;

/// Refuses a query parameter whose value is over the limit or holds a control character (a NUL
/// cannot reach PostgreSQL), naming it: the same answer on both backends.
pub(crate) fn check_query_text(uri: &axum::http::Uri) -> Result<(), ApiError> {
    let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(uri) else {
        return Ok(()); // the typed read that follows says what is wrong
    };
    for (name, value) in pairs {
        if let Some(problem) = preclear_domain::text::text_problem(
            &value,
            MAX_QUERY_VALUE_CHARS,
            preclear_domain::text::Lines::Refused,
        ) {
            return Err(ApiError::bad_field(&name, problem));
        }
    }
    Ok(())
}

/// A JSON answer.
pub(crate) fn json_response(
    status: axum::http::StatusCode,
    body: &impl serde::Serialize,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse as _;
    let text = serde_json::to_string(body).map_err(ApiError::internal)?;
    Ok((status, [(CONTENT_TYPE, "application/json")], text).into_response())
}
