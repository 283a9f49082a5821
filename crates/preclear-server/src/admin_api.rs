//! `/api/v1/orgs`, `/users`, `/keys` and `/me`: administration within the caller's reach. An
//! admin of the provider manages the provider and the clients it serves; a client's admin, its
//! own organisation. Secrets are returned once, at creation.

use std::str::FromStr as _;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use preclear_store::{ApiKey, Org, OrgKind, Role, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppState;
use crate::assessments::named_or_own;
use crate::auth::{Op, Principal};
use crate::body::{Json, json_response as json};
use crate::clock::{now_micros, rfc3339};
use crate::error::ApiError;
use crate::ops;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/users", get(list_users).post(create_user))
        .route("/keys", get(list_keys).post(create_key))
        .route("/keys/{id}/revoke", post(revoke_key))
        .route("/search", get(search))
        .route("/users/{id}/password", post(reset_password))
        .route("/users/{id}/deactivate", post(deactivate_user))
        .route("/users/{id}/reactivate", post(reactivate_user))
}

/// An organisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OrgView {
    id: Uuid,
    name: String,
    /// `client` or `provider`.
    kind: String,
    /// For a client: the provider serving it.
    provider_id: Option<Uuid>,
    created_at: String,
}

impl From<Org> for OrgView {
    fn from(o: Org) -> Self {
        OrgView {
            id: o.id,
            name: o.name,
            kind: o.kind.as_str().to_owned(),
            provider_id: o.provider_id,
            created_at: rfc3339(o.created_at),
        }
    }
}

/// The caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Me {
    org: OrgView,
    role: String,
    actor: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "administration",
    responses((status = 200, description = "The caller's organisation and role", body = Me)),
    security(("api_key" = [])))]
pub(crate) async fn me(principal: Principal) -> Result<Response, ApiError> {
    principal.may(Op::Me)?;
    json(
        StatusCode::OK,
        &Me {
            org: principal.org.into(),
            role: principal.role.as_str().to_owned(),
            actor: principal.actor.0,
        },
    )
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "administration",
    responses((status = 200, description = "The organisations the caller may see", body = Vec<OrgView>)),
    security(("api_key" = [])))]
pub(crate) async fn list_orgs(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.may(Op::ListOrgs)?;
    let orgs: Vec<OrgView> =
        state.store.orgs(principal.visibility()).await?.into_iter().map(OrgView::from).collect();
    json(StatusCode::OK, &orgs)
}

/// A new client organisation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOrg {
    /// Unique name.
    name: String,
    /// Must be `client`: provider organisations are made from the shell.
    #[serde(default = "client")]
    kind: String,
}

fn client() -> String {
    "client".into()
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "administration", request_body = NewOrg,
    responses(
        (status = 201, description = "Created; served by the caller's provider organisation", body = OrgView),
        (status = 403, description = "Only a provider's admin creates organisations", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create_org(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewOrg>,
) -> Result<Response, ApiError> {
    principal.may(Op::CreateOrg)?;
    if principal.org.kind != OrgKind::Provider {
        return Err(ApiError::Forbidden("only the provider's admin creates organisations".into()));
    }
    if OrgKind::from_str(&new.kind) != Ok(OrgKind::Client) {
        return Err(ApiError::invalid_field(
            "kind",
            "the API creates client organisations; make a provider with `preclear admin org create NAME --kind provider`",
        ));
    }
    let org = ops::create_org(
        &state.store,
        &principal.actor,
        &new.name,
        OrgKind::Client,
        Some(principal.org.id),
        now_micros(),
    )
    .await?;
    json(StatusCode::CREATED, &OrgView::from(org))
}

/// A user, without secrets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct UserView {
    id: Uuid,
    org_id: Uuid,
    username: String,
    role: String,
    created_at: String,
    /// When the user was deactivated (it cannot sign in); `null` while active.
    disabled_at: Option<String>,
    /// Set once, when a password was made for the user: shown this one time.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

impl UserView {
    fn of(u: User, password: Option<String>) -> UserView {
        UserView {
            id: u.id,
            org_id: u.org_id,
            username: u.username,
            role: u.role.as_str().to_owned(),
            created_at: rfc3339(u.created_at),
            disabled_at: u.disabled_at.map(rfc3339),
            password,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "administration",
    responses(
        (status = 200, description = "The users the caller administers", body = Vec<UserView>),
        (status = 403, description = "Not an admin", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.may(Op::ListUsers)?;
    let users: Vec<UserView> = state
        .store
        .users(principal.visibility())
        .await?
        .into_iter()
        .map(|u| UserView::of(u, None))
        .collect();
    json(StatusCode::OK, &users)
}

/// A new user.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    /// The organisation (name or id); the caller's when absent.
    org: Option<String>,
    /// Unique sign-in name.
    username: String,
    /// At least 12 characters; one is made (and returned once) when absent.
    password: Option<String>,
    /// `client_viewer`, `client_submitter`, `operator` or `admin`.
    role: String,
}

fn role(text: &str) -> Result<Role, ApiError> {
    Role::from_str(text).map_err(|e| ApiError::invalid_field("role", e))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "administration", request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 403, description = "Not an admin", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewUser>,
) -> Result<Response, ApiError> {
    principal.may(Op::CreateUser)?;
    let role = role(&new.role)?;
    let org = named_or_own(&state, &principal, new.org.as_deref()).await?;
    let (user, password) = ops::create_user(
        &state.store,
        &principal.actor,
        &org,
        &new.username,
        new.password.as_deref(),
        role,
        now_micros(),
    )
    .await?;
    json(StatusCode::CREATED, &UserView::of(user, password))
}

/// An API key, without its secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct KeyView {
    id: Uuid,
    org_id: Uuid,
    /// The public part.
    prefix: String,
    role: String,
    label: String,
    created_by: String,
    created_at: String,
    revoked_at: Option<String>,
    /// The full key: only in the answer that creates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

impl KeyView {
    fn of(k: ApiKey, full: Option<String>) -> KeyView {
        KeyView {
            id: k.id,
            org_id: k.org_id,
            prefix: k.prefix,
            role: k.role.as_str().to_owned(),
            label: k.label,
            created_by: k.created_by,
            created_at: rfc3339(k.created_at),
            revoked_at: k.revoked_at.map(rfc3339),
            key: full,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/keys", tag = "administration",
    responses(
        (status = 200, description = "The API keys the caller administers", body = Vec<KeyView>),
        (status = 403, description = "Not an admin", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn list_keys(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.may(Op::ListKeys)?;
    let keys: Vec<KeyView> = state
        .store
        .api_keys(principal.visibility())
        .await?
        .into_iter()
        .map(|k| KeyView::of(k, None))
        .collect();
    json(StatusCode::OK, &keys)
}

/// A new API key.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewKey {
    /// The organisation (name or id); the caller's when absent.
    org: Option<String>,
    /// The key's role.
    role: String,
    /// A label for people.
    #[serde(default)]
    label: String,
}

#[utoipa::path(post, path = "/api/v1/keys", tag = "administration", request_body = NewKey,
    responses(
        (status = 201, description = "Created; `key` is shown this once", body = KeyView),
        (status = 403, description = "Not an admin", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn create_key(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewKey>,
) -> Result<Response, ApiError> {
    principal.may(Op::CreateKey)?;
    let role = role(&new.role)?;
    let org = named_or_own(&state, &principal, new.org.as_deref()).await?;
    let (key, full) =
        ops::create_key(&state.store, &principal.actor, &org, role, &new.label, now_micros())
            .await?;
    json(StatusCode::CREATED, &KeyView::of(key, Some(full)))
}

#[utoipa::path(post, path = "/api/v1/keys/{id}/revoke", tag = "administration",
    params(("id" = Uuid, Path, description = "The key id")),
    responses(
        (status = 200, description = "Revoked", body = KeyView),
        (status = 404, description = "No such key within reach", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn revoke_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.may(Op::RevokeKey)?;
    let not_found = || ApiError::NotFound(format!("API key `{id}` not found"));
    let uuid = Uuid::from_str(&id).map_err(|_| not_found())?;
    let key = state.store.api_key(uuid, principal.visibility()).await?.ok_or_else(not_found)?;
    let at = now_micros();
    ops::revoke_key(&state.store, &principal.actor, &key, at).await?;
    json(StatusCode::OK, &KeyView::of(ApiKey { revoked_at: Some(at), ..key }, None))
}

/// A new password for a user.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPassword {
    /// At least 12 characters; generated (and answered once) when absent.
    password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "administration",
    params(("id" = Uuid, Path, description = "The user id")), request_body = NewPassword,
    responses(
        (status = 200, description = "Set; every session of the user ended; a generated password is answered this once", body = UserView),
        (status = 404, description = "No such user within reach", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too short", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Json(new): Json<NewPassword>,
) -> Result<Response, ApiError> {
    let user = ops::managed_user(&state.store, &principal, &id).await?;
    let (user, generated) = ops::reset_password(
        &state.store,
        &principal.actor,
        &user,
        new.password.as_deref(),
        now_micros(),
    )
    .await?;
    json(StatusCode::OK, &UserView::of(user, generated))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "administration",
    params(("id" = Uuid, Path, description = "The user id")),
    responses(
        (status = 200, description = "Deactivated: it cannot sign in, and its sessions ended", body = UserView),
        (status = 404, description = "No such user within reach", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "An admin cannot deactivate itself", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn deactivate_user(
    state: State<AppState>,
    principal: Principal,
    id: Path<String>,
) -> Result<Response, ApiError> {
    set_active(state, principal, id, false).await
}

#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "administration",
    params(("id" = Uuid, Path, description = "The user id")),
    responses(
        (status = 200, description = "Active again", body = UserView),
        (status = 404, description = "No such user within reach", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn reactivate_user(
    state: State<AppState>,
    principal: Principal,
    id: Path<String>,
) -> Result<Response, ApiError> {
    set_active(state, principal, id, true).await
}

async fn set_active(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    active: bool,
) -> Result<Response, ApiError> {
    let user = ops::managed_user(&state.store, &principal, &id).await?;
    let user = ops::set_active(&state.store, &principal.actor, &user, active, now_micros()).await?;
    json(StatusCode::OK, &UserView::of(user, None))
}

/// Query of `GET /search`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    /// The text to find (2 to 100 characters, case-insensitive): a reference, a party, a serial
    /// number, a rule id, a word of a KB fact.
    q: String,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "administration", params(SearchQuery),
    responses(
        (status = 200, description = "What the caller may see that holds the text: assessments, programs, consignments, organisations, KB facts (at most 25 of each)", body = preclear_service::search::Found),
        (status = 422, description = "The text is too short, too long or holds control characters", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
pub(crate) async fn search(
    State(state): State<AppState>,
    principal: Principal,
    crate::body::Params(query): crate::body::Params<SearchQuery>,
) -> Result<Response, ApiError> {
    let found = preclear_service::search::search(&state, &principal, &query.q).await?;
    json(StatusCode::OK, &found)
}
