//! The administrative operations, shared by the API and the shell (`preclear admin …`): each
//! validates its input, then commits the change with its audit event.

use preclear_store::System;
use preclear_store::credentials::{hash_secret, new_api_key, random_hex};
use preclear_store::{ApiKey, Change, Mutation, NewEvent, Org, OrgKind, Role, Store, User};
use serde_json::json;
use uuid::Uuid;

use crate::error::ServiceError;

/// Who acts, as recorded in the audit trail: `key:<prefix>`, `user:<name>` or `shell:<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

/// The longest organisation name, username or label accepted.
const MAX_NAME: usize = 200;

fn check_name(field: &str, value: &str) -> Result<String, ServiceError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ServiceError::invalid_field(field, "must not be empty"));
    }
    if value.chars().count() > MAX_NAME {
        return Err(ServiceError::invalid_field(
            field,
            format!("must be at most {MAX_NAME} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ServiceError::invalid_field(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// An event about `object` in `org`'s chain.
pub fn event(
    org: Uuid,
    actor: &Actor,
    at: i64,
    action: &str,
    (object_type, object_id): (&str, String),
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        org_id: org,
        at,
        actor: actor.0.clone(),
        action: action.to_owned(),
        object_type: object_type.to_owned(),
        object_id,
        country: None,
        business_unit: None,
        categories: vec![],
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
    }
}

/// Creates an organisation. A client is served by `provider` (the creating provider, or the
/// only provider there is).
pub async fn create_org(
    store: &Store,
    actor: &Actor,
    name: &str,
    kind: OrgKind,
    provider: Option<Uuid>,
    at: i64,
) -> Result<Org, ServiceError> {
    let name = check_name("name", name)?;
    let provider_id = match kind {
        OrgKind::Provider => None,
        OrgKind::Client => Some(match provider {
            Some(id) => id,
            None => {
                let providers: Vec<Org> = store
                    .all_orgs(System::Lookup)
                    .await?
                    .into_iter()
                    .filter(|o| o.kind == OrgKind::Provider)
                    .collect();
                match providers.as_slice() {
                    [one] => one.id,
                    [] => {
                        return Err(ServiceError::invalid_field(
                            "provider",
                            "there is no provider organisation to serve this client; create one first",
                        ));
                    }
                    _ => {
                        return Err(ServiceError::invalid_field(
                            "provider",
                            "there are several providers: name the one that serves this client",
                        ));
                    }
                }
            }
        }),
    };
    if store.org_by_name(System::Lookup, &name).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "an organisation named `{name}` already exists"
        )));
    }
    let org = Org { id: Uuid::now_v7(), name, kind, provider_id, created_at: at };
    let after = json!({ "name": org.name, "kind": kind.as_str(), "provider_id": provider_id });
    let change = Change {
        event: event(
            org.id,
            actor,
            at,
            "org.created",
            ("org", org.id.to_string()),
            None,
            Some(after),
        ),
        mutation: Mutation::InsertOrg(org.clone()),
    };
    store.commit(&[change]).await?;
    Ok(org)
}

fn check_role(role: Role, org: &Org) -> Result<(), ServiceError> {
    if role.fits(org.kind) {
        Ok(())
    } else {
        Err(ServiceError::invalid_field(
            "role",
            format!("role `{role}` cannot be given in a {} organisation", org.kind.as_str()),
        ))
    }
}

/// Creates a user; when no password is given, makes one. Returns the user and the password
/// made (shown once).
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    org: &Org,
    username: &str,
    password: Option<&str>,
    role: Role,
    at: i64,
) -> Result<(User, Option<String>), ServiceError> {
    let username = check_name("username", username)?;
    check_role(role, org)?;
    let (secret, generated) = new_password(password)?;
    if store.user_by_name(System::Lookup, &username).await?.is_some() {
        return Err(ServiceError::Conflict(format!("a user named `{username}` already exists")));
    }
    let user = User {
        id: Uuid::now_v7(),
        org_id: org.id,
        username,
        password_hash: hash_secret(&secret)?,
        role,
        created_at: at,
        disabled_at: None,
    };
    let after = json!({ "username": user.username, "role": role.as_str() });
    let change = Change {
        event: event(
            org.id,
            actor,
            at,
            "user.created",
            ("user", user.id.to_string()),
            None,
            Some(after),
        ),
        mutation: Mutation::InsertUser(user.clone()),
    };
    store.commit(&[change]).await?;
    Ok((user, generated))
}

/// The password to hash: the one given (at least 12 characters), or one made here, which is
/// also answered (to be shown once).
fn new_password(password: Option<&str>) -> Result<(String, Option<String>), ServiceError> {
    match password {
        Some(p) if p.chars().count() < 12 => {
            Err(ServiceError::invalid_field("password", "must be at least 12 characters"))
        }
        Some(p) => Ok((p.to_owned(), None)),
        None => {
            let made = random_hex(12)?;
            Ok((made.clone(), Some(made)))
        }
    }
}

/// A user the caller may manage, by id; 404 otherwise (never saying whether it exists).
pub async fn managed_user(
    store: &Store,
    principal: &crate::auth::Principal,
    id: &str,
) -> Result<User, ServiceError> {
    principal.may(crate::access::Op::ManageUsers)?;
    let not_found = || ServiceError::NotFound(format!("user `{id}` not found"));
    let uuid = Uuid::parse_str(id).map_err(|_| not_found())?;
    store.user(uuid, principal.visibility()).await?.ok_or_else(not_found)
}

/// Sets a new password for `user` (generated when `password` is `None`, and returned: shown
/// once) and ends every session it has open. Audited without the password.
pub async fn reset_password(
    store: &Store,
    actor: &Actor,
    user: &User,
    password: Option<&str>,
    at: i64,
) -> Result<(User, Option<String>), ServiceError> {
    let (secret, generated) = new_password(password)?;
    let changed = User { password_hash: hash_secret(&secret)?, ..user.clone() };
    let change = Change {
        event: event(
            user.org_id,
            actor,
            at,
            "user.password_reset",
            ("user", user.id.to_string()),
            None,
            Some(json!({ "username": user.username })),
        ),
        mutation: Mutation::UpdateUser { user: changed.clone(), at },
    };
    store.commit(&[change]).await?;
    Ok((changed, generated))
}

/// Deactivates a user (it can no longer sign in, and its sessions end) or reactivates it. An
/// admin cannot deactivate itself (the last way in could go).
pub async fn set_active(
    store: &Store,
    actor: &Actor,
    user: &User,
    active: bool,
    at: i64,
) -> Result<User, ServiceError> {
    if !active && actor.0 == format!("user:{}", user.username) {
        return Err(ServiceError::Conflict("you cannot deactivate yourself".into()));
    }
    if active == user.disabled_at.is_none() {
        return Ok(user.clone());
    }
    let changed = User { disabled_at: if active { None } else { Some(at) }, ..user.clone() };
    let (action, before, after) = if active {
        ("user.reactivated", "deactivated", "active")
    } else {
        ("user.deactivated", "active", "deactivated")
    };
    let change = Change {
        event: event(
            user.org_id,
            actor,
            at,
            action,
            ("user", user.id.to_string()),
            Some(json!({ "username": user.username, "status": before })),
            Some(json!({ "username": user.username, "status": after })),
        ),
        mutation: Mutation::UpdateUser { user: changed.clone(), at },
    };
    store.commit(&[change]).await?;
    Ok(changed)
}

/// Creates an API key; returns it and the full key text (shown once, never stored).
pub async fn create_key(
    store: &Store,
    actor: &Actor,
    org: &Org,
    role: Role,
    label: &str,
    at: i64,
) -> Result<(ApiKey, String), ServiceError> {
    let label = if label.trim().is_empty() {
        role.as_str().to_owned()
    } else {
        check_name("label", label)?
    };
    check_role(role, org)?;
    let made = new_api_key()?;
    let key = ApiKey {
        id: Uuid::now_v7(),
        org_id: org.id,
        prefix: made.prefix,
        secret_hash: made.secret_hash,
        role,
        label,
        created_by: actor.0.clone(),
        created_at: at,
        revoked_at: None,
    };
    let after = json!({ "prefix": key.prefix, "role": role.as_str(), "label": key.label });
    let change = Change {
        event: event(
            org.id,
            actor,
            at,
            "api_key.created",
            ("api_key", key.id.to_string()),
            None,
            Some(after),
        ),
        mutation: Mutation::InsertApiKey(key.clone()),
    };
    store.commit(&[change]).await?;
    Ok((key, made.full))
}

/// Revokes an API key.
pub async fn revoke_key(
    store: &Store,
    actor: &Actor,
    key: &ApiKey,
    at: i64,
) -> Result<(), ServiceError> {
    if key.revoked_at.is_some() {
        return Err(ServiceError::Conflict(format!("API key {} is already revoked", key.prefix)));
    }
    let before = json!({ "prefix": key.prefix, "role": key.role.as_str(), "revoked_at": null });
    let after = json!({ "prefix": key.prefix, "role": key.role.as_str(), "revoked_at": at });
    let change = Change {
        event: event(
            key.org_id,
            actor,
            at,
            "api_key.revoked",
            ("api_key", key.id.to_string()),
            Some(before),
            Some(after),
        ),
        mutation: Mutation::RevokeApiKey { id: key.id, at },
    };
    store.commit(&[change]).await?;
    Ok(())
}
