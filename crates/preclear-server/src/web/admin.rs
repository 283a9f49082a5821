//! The audit log view (with its CSV/JSON Lines export) and API-key management.

use std::str::FromStr as _;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use preclear_store::System;
use preclear_store::{ApiKey, Org, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render, render_status};
use crate::AppState;
use crate::assessments::named_or_own;
use crate::audit_api::{ExportFormat, event_filter, export};
use crate::auth::Op;
use crate::clock::{now_micros, rfc3339};
use crate::error::ApiError;
use crate::ops;
use preclear_service::ServiceError;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    org: Option<String>,
    from: Option<String>,
    to: Option<String>,
    country: Option<String>,
    business_unit: Option<String>,
    category: Option<String>,
    after: Option<i64>,
    format: Option<String>,
}

/// An event as the log shows it.
#[derive(Debug)]
pub(crate) struct EventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub link: Option<String>,
    pub country: String,
    pub business_unit: String,
    pub categories: String,
    pub hash: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "audit.html")]
pub(crate) struct AuditPage {
    nav: Nav,
    orgs: Vec<Org>,
    org: Org,
    from: String,
    to: String,
    country: String,
    business_unit: String,
    category: String,
    events: Vec<EventRow>,
    next: Option<String>,
    export_query: String,
}

const AUDIT_PAGE: u32 = 100;

/// The organisation and filter a query names, for an auditor.
async fn scope(
    state: &AppState,
    user: &WebUser,
    query: &AuditQuery,
) -> Result<(Org, preclear_store::EventFilter), WebError> {
    user.principal.may(Op::ReadAudit)?;
    let named = query.org.as_deref().filter(|o| !o.is_empty());
    let org = named_or_own(state, &user.principal, named).await?;
    let filter = event_filter(
        query.from.as_deref(),
        query.to.as_deref(),
        query.country.as_deref(),
        query.business_unit.as_deref(),
        query.category.as_deref(),
    )?;
    Ok((org, filter))
}

fn text(value: &Option<String>) -> String {
    value.as_deref().unwrap_or_default().trim().to_owned()
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let (org, filter) = scope(&state, &user, &query).await?;
    let after = query.after.unwrap_or(0).max(0);
    let found = state.store.audit_events(System::Audit, org.id, &filter, after, AUDIT_PAGE).await?;
    let base = super::pages::url_query(&[
        ("org", &org.id.to_string()),
        ("from", &text(&query.from)),
        ("to", &text(&query.to)),
        ("country", &text(&query.country)),
        ("business_unit", &text(&query.business_unit)),
        ("category", &text(&query.category)),
    ]);
    let next = (found.len() == AUDIT_PAGE as usize)
        .then(|| found.last().map(|last| format!("/audit?{base}&after={}", last.seq)))
        .flatten();
    let events = found
        .iter()
        .map(|e| {
            let ev = &e.event;
            EventRow {
                seq: e.seq,
                at: rfc3339(ev.at),
                actor: ev.actor.clone(),
                action: ev.action.clone(),
                object: format!("{} {}", ev.object_type, ev.object_id),
                link: (ev.object_type == "assessment")
                    .then(|| format!("/assessments/{}", ev.object_id)),
                country: ev.country.clone().unwrap_or_default(),
                business_unit: ev.business_unit.clone().unwrap_or_default(),
                categories: ev.categories.join(", "),
                hash: e.hash.get(..12).unwrap_or(&e.hash).to_owned(),
            }
        })
        .collect();
    let page = AuditPage {
        nav: Nav::new(&user, "audit", &state),
        orgs: state.store.orgs(user.principal.visibility()).await?,
        org,
        from: text(&query.from),
        to: text(&query.to),
        country: text(&query.country),
        business_unit: text(&query.business_unit),
        category: text(&query.category),
        events,
        next,
        export_query: base,
    };
    render(&page)
}

/// The filtered log as a file: CSV (`format=csv`, the default) or JSON Lines.
pub(crate) async fn audit_export(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let (org, filter) = scope(&state, &user, &query).await?;
    let format = ExportFormat::parse(query.format.as_deref().unwrap_or("csv"))
        .ok_or_else(|| ApiError::bad_field("format", "expected csv or jsonl"))?;
    let mut body = Vec::new();
    export(&state.store, org.id, &filter, format, &mut body).await?;
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::JsonLines => ("application/x-ndjson", "jsonl"),
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-{}.{extension}\"", org.id),
            ),
        ],
        body,
    )
        .into_response())
}

/// A key as the admin page lists it.
#[derive(Debug)]
pub(crate) struct KeyRow {
    pub id: Uuid,
    pub org: String,
    pub prefix: String,
    pub role: String,
    pub label: String,
    pub created_by: String,
    pub created: String,
    pub revoked: Option<String>,
}

#[derive(Debug, askama::Template)]
#[template(path = "keys.html")]
pub(crate) struct KeysPage {
    nav: Nav,
    keys: Vec<KeyRow>,
    orgs: Vec<Org>,
    roles: Vec<&'static str>,
    /// A key just made: shown once.
    created: Option<String>,
    error: Option<String>,
}

async fn keys_page(
    state: &AppState,
    user: &WebUser,
    created: Option<String>,
    error: Option<String>,
) -> Result<KeysPage, WebError> {
    let vis = user.principal.visibility();
    let orgs = state.store.orgs(vis).await?;
    let name = |key: &ApiKey| {
        orgs.iter().find(|o| o.id == key.org_id).map_or_else(String::new, |o| o.name.clone())
    };
    let keys = state
        .store
        .api_keys(vis)
        .await?
        .iter()
        .map(|k| KeyRow {
            id: k.id,
            org: name(k),
            prefix: k.prefix.clone(),
            role: k.role.as_str().to_owned(),
            label: k.label.clone(),
            created_by: k.created_by.clone(),
            created: rfc3339(k.created_at),
            revoked: k.revoked_at.map(rfc3339),
        })
        .collect();
    Ok(KeysPage {
        nav: Nav::new(user, "keys", state),
        keys,
        orgs,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        created,
        error,
    })
}

pub(crate) async fn keys(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    user.principal.may(Op::ListKeys)?;
    render(&keys_page(&state, &user, None, None).await?)
}

pub(crate) async fn create_key(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateKey)?;
    let org_key = form_value(&pairs, "org").unwrap_or_default();
    let org =
        named_or_own(&state, &user.principal, Some(org_key).filter(|o| !o.is_empty())).await?;
    let role = form_value(&pairs, "role").unwrap_or_default();
    let label = form_value(&pairs, "label").unwrap_or_default();
    let outcome = match Role::from_str(role) {
        Ok(role) => {
            ops::create_key(&state.store, &user.principal.actor, &org, role, label, now_micros())
                .await
        }
        Err(message) => Err(ServiceError::invalid_field("role", message)),
    };
    match outcome {
        Ok((_, full)) => render(&keys_page(&state, &user, Some(full), None).await?),
        Err(ServiceError::Invalid(errors)) => {
            let message = preclear_service::FieldError::sentence(&errors);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &keys_page(&state, &user, None, Some(message)).await?,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn revoke_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::RevokeKey)?;
    let not_found = || ApiError::NotFound(format!("API key `{id}` not found"));
    let uuid = Uuid::from_str(&id).map_err(|_| not_found())?;
    let key =
        state.store.api_key(uuid, user.principal.visibility()).await?.ok_or_else(not_found)?;
    ops::revoke_key(&state.store, &user.principal.actor, &key, now_micros()).await?;
    Ok(Redirect::to("/admin/keys").into_response())
}
