//! Organisations and users on the web, for admins: create a client organisation (the provider's
//! admins), create users with a role, reset a password, deactivate and reactivate — the same
//! operations as the API's (`preclear_service::ops`), each audited. A password made by preclear
//! is shown once, on the page that made it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use preclear_service::ServiceError;
use preclear_store::{Org, OrgKind, Role};

use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render, render_status};
use crate::AppState;
use crate::assessments::named_or_own;
use crate::auth::Op;
use crate::clock::{now_micros, rfc3339};
use crate::ops;

/// An organisation as the page lists it.
#[derive(Debug)]
pub(crate) struct OrgRow {
    pub name: String,
    pub kind: &'static str,
    pub served_by: String,
    pub created: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "organisations.html")]
pub(crate) struct OrgsPage {
    nav: Nav,
    orgs: Vec<OrgRow>,
    can_create: bool,
    /// What the last action did.
    notice: Option<String>,
    /// Why it did not.
    error: Option<String>,
    /// The name typed, kept on an error.
    typed: String,
}

async fn orgs_page(
    state: &AppState,
    user: &WebUser,
    notice: Option<String>,
    error: Option<String>,
    typed: String,
) -> Result<OrgsPage, WebError> {
    let orgs = state.store.orgs(user.principal.visibility()).await?;
    let name_of = |id: Option<uuid::Uuid>| {
        id.and_then(|id| orgs.iter().find(|o| o.id == id))
            .map_or_else(String::new, |o| o.name.clone())
    };
    let rows = orgs
        .iter()
        .map(|o| OrgRow {
            name: o.name.clone(),
            kind: match o.kind {
                OrgKind::Client => "client",
                OrgKind::Provider => "provider",
            },
            served_by: name_of(o.provider_id),
            created: rfc3339(o.created_at),
        })
        .collect();
    Ok(OrgsPage {
        nav: Nav::new(user, "orgs", state),
        orgs: rows,
        can_create: user.principal.can(Op::CreateOrg),
        notice,
        error,
        typed,
    })
}

pub(crate) async fn organisations(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    user.principal.may(Op::ListUsers)?;
    render(&orgs_page(&state, &user, None, None, String::new()).await?)
}

pub(crate) async fn create_organisation(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateOrg)?;
    let name = form_value(&pairs, "name").unwrap_or_default().to_owned();
    let created = ops::create_org(
        &state.store,
        &user.principal.actor,
        &name,
        OrgKind::Client,
        Some(user.principal.org.id),
        now_micros(),
    )
    .await;
    match created {
        Ok(org) => {
            let notice = format!("Client organisation {} created. Add its users below.", org.name);
            render(&orgs_page(&state, &user, Some(notice), None, String::new()).await?)
        }
        Err(error @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &orgs_page(&state, &user, None, Some(in_page_words(&error)), name).await?,
        ),
        Err(other) => Err(other.into()),
    }
}

/// A user as the page lists it.
#[derive(Debug)]
pub(crate) struct UserRow {
    pub id: String,
    pub username: String,
    pub org: String,
    pub role: String,
    pub created: String,
    pub deactivated: Option<String>,
    /// The signed-in user's own row (it cannot deactivate itself).
    pub is_self: bool,
}

#[derive(Debug, askama::Template)]
#[template(path = "users.html")]
pub(crate) struct UsersPage {
    nav: Nav,
    users: Vec<UserRow>,
    orgs: Vec<Org>,
    roles: Vec<(&'static str, String)>,
    /// A password preclear made: `(username, password)`, shown once.
    password: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    user: &WebUser,
    password: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<UsersPage, WebError> {
    let vis = user.principal.visibility();
    let orgs = state.store.orgs(vis).await?;
    let users = state
        .store
        .users(vis)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            org: orgs
                .iter()
                .find(|o| o.id == u.org_id)
                .map_or_else(String::new, |o| o.name.clone()),
            role: u.role.as_str().replace('_', " "),
            created: rfc3339(u.created_at),
            deactivated: u.disabled_at.map(rfc3339),
            is_self: u.username == user.username,
            username: u.username,
        })
        .collect();
    Ok(UsersPage {
        nav: Nav::new(user, "users", state),
        users,
        orgs,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.as_str().replace('_', " "))).collect(),
        password,
        notice,
        error,
    })
}

/// A service error as the page says it: the field names of the form, not of the API.
fn in_page_words(error: &ServiceError) -> String {
    match error {
        ServiceError::Invalid(fields) => fields
            .iter()
            .map(|f| {
                let label = match f.field.as_str() {
                    "name" => "Name",
                    "username" => "User name",
                    "password" => "Password",
                    "role" => "Role",
                    "org" => "Organisation",
                    _ => "",
                };
                if label.is_empty() { f.message.clone() } else { format!("{label}: {}", f.message) }
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

pub(crate) async fn users(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    user.principal.may(Op::ListUsers)?;
    render(&users_page(&state, &user, None, None, None).await?)
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateUser)?;
    let org_key = form_value(&pairs, "org").unwrap_or_default();
    let org =
        named_or_own(&state, &user.principal, Some(org_key).filter(|o| !o.is_empty())).await?;
    let username = form_value(&pairs, "username").unwrap_or_default();
    let password = form_value(&pairs, "password").filter(|p| !p.is_empty());
    let outcome = match form_value(&pairs, "role").unwrap_or_default().parse::<Role>() {
        Ok(role) => {
            ops::create_user(
                &state.store,
                &user.principal.actor,
                &org,
                username,
                password,
                role,
                now_micros(),
            )
            .await
        }
        Err(message) => Err(ServiceError::invalid_field("role", message)),
    };
    match outcome {
        Ok((created, generated)) => {
            let notice = format!("User {} created at {}.", created.username, org.name);
            let shown = generated.map(|p| (created.username.clone(), p));
            render(&users_page(&state, &user, shown, Some(notice), None).await?)
        }
        Err(error @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &users_page(&state, &user, None, None, Some(in_page_words(&error))).await?,
        ),
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let target = ops::managed_user(&state.store, &user.principal, &id).await?;
    let (changed, generated) =
        ops::reset_password(&state.store, &user.principal.actor, &target, None, now_micros())
            .await?;
    let notice = format!(
        "A new password was made for {}; every session it had open has ended.",
        changed.username
    );
    let shown = generated.map(|p| (changed.username.clone(), p));
    render(&users_page(&state, &user, shown, Some(notice), None).await?)
}

pub(crate) async fn deactivate(
    state: State<AppState>,
    id: Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    set_active(state, id, form, false).await
}

pub(crate) async fn reactivate(
    state: State<AppState>,
    id: Path<String>,
    form: CsrfForm,
) -> Result<Response, WebError> {
    set_active(state, id, form, true).await
}

async fn set_active(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm,
    active: bool,
) -> Result<Response, WebError> {
    let target = ops::managed_user(&state.store, &user.principal, &id).await?;
    match ops::set_active(&state.store, &user.principal.actor, &target, active, now_micros()).await
    {
        Ok(changed) => {
            let notice = if active {
                format!("{} can sign in again.", changed.username)
            } else {
                format!(
                    "{} is deactivated: it cannot sign in, and its sessions have ended.",
                    changed.username
                )
            };
            render(&users_page(&state, &user, None, Some(notice), None).await?)
        }
        Err(error @ ServiceError::Conflict(_)) => render_status(
            StatusCode::CONFLICT,
            &users_page(&state, &user, None, None, Some(error.to_string())).await?,
        ),
        Err(other) => Err(other.into()),
    }
}
