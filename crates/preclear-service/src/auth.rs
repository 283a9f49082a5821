//! Who calls, and what they may do. An API key (`pck_<prefix>_<secret>`) is found by its public
//! prefix, must not be revoked, and its secret must match the stored argon2 hash. Verified
//! secrets are remembered per process (a pure cache of "this secret matches this hash", keyed by
//! the stored hash), so that argon2's deliberate cost is paid once per key, not per request;
//! revocation is read from the database every time. How the key arrives (a header) is the
//! server's business.

use std::collections::HashMap;
use std::sync::Mutex;

use preclear_store::System;
use preclear_store::credentials::{split_api_key, verify_secret};
use preclear_store::{Org, OrgKind, Role, Visibility};
use sha2::{Digest as _, Sha256};

use crate::Service;
use crate::error::ServiceError;
use crate::ops::Actor;

/// Who is calling: the organisation, the role and how the audit trail names them.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The caller's organisation.
    pub org: Org,
    /// The caller's role.
    pub role: Role,
    /// The audit name.
    pub actor: Actor,
}

impl Principal {
    /// What the caller may see: its own organisation, or a provider's and its clients'.
    pub fn visibility(&self) -> Visibility {
        match self.org.kind {
            OrgKind::Provider => Visibility::Provider(self.org.id),
            OrgKind::Client => Visibility::Own(self.org.id),
        }
    }

    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ServiceError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(format!(
                "role `{}` may not {what}; it needs one of: {}",
                self.role,
                roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            )))
        }
    }
}

/// Roles that may submit assessments.
pub const SUBMITTERS: &[Role] = &[Role::ClientSubmitter, Role::Operator, Role::Admin];
/// Roles that may administer organisations, users and keys.
pub const ADMINS: &[Role] = &[Role::Admin];
/// Roles that may read the audit trail.
pub const AUDITORS: &[Role] = &[Role::Operator, Role::Admin];

/// Secrets already verified: prefix → (SHA-256 of the secret, the stored hash it matched).
#[derive(Debug, Default)]
pub struct KeyCache {
    verified: Mutex<HashMap<String, ([u8; 32], String)>>,
}

const KEY_CACHE_LIMIT: usize = 10_000;

impl KeyCache {
    /// Whether `secret` is known to match `stored_hash` without running argon2.
    fn known(&self, prefix: &str, digest: &[u8; 32], stored_hash: &str) -> bool {
        self.verified
            .lock()
            .ok()
            .and_then(|map| map.get(prefix).map(|(d, h)| d == digest && h == stored_hash))
            .unwrap_or(false)
    }

    fn remember(&self, prefix: &str, digest: [u8; 32], stored_hash: &str) {
        if let Ok(mut map) = self.verified.lock() {
            if map.len() >= KEY_CACHE_LIMIT {
                map.clear();
            }
            map.insert(prefix.to_owned(), (digest, stored_hash.to_owned()));
        }
    }
}

impl Service {
    /// The principal an API key stands for, or `Unauthenticated` with the reason.
    pub async fn authenticate_key(&self, token: &str) -> Result<Principal, ServiceError> {
        let invalid = || ServiceError::Unauthenticated("the API key is not valid".into());
        let (prefix, secret) = split_api_key(token).ok_or_else(invalid)?;
        let (key, org) = self
            .store
            .api_key_with_org(System::Authentication, prefix)
            .await?
            .ok_or_else(invalid)?;
        if key.revoked_at.is_some() {
            return Err(ServiceError::Unauthenticated("the API key has been revoked".into()));
        }
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        if !self.keys.known(prefix, &digest, &key.secret_hash) {
            let (secret, hash) = (secret.to_owned(), key.secret_hash.clone());
            let ok = tokio::task::spawn_blocking(move || verify_secret(&secret, &hash))
                .await
                .map_err(ServiceError::internal)?;
            if !ok {
                return Err(invalid());
            }
            self.keys.remember(prefix, digest, &key.secret_hash);
        }
        Ok(Principal { org, role: key.role, actor: Actor(format!("key:{}", key.prefix)) })
    }
}
