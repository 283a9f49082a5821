//! Who calls, and what they may do. An API key (`pck_<prefix>_<secret>`) is found by its public
//! prefix, must not be revoked, and its secret must match the stored argon2 hash. Verified
//! secrets are remembered per process (a pure cache of "this secret matches this hash", keyed by
//! the stored hash), so that argon2's deliberate cost is paid once per key, not per request;
//! revocation is read from the database every time. How the key arrives (a header) is the
//! server's business.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{LazyLock, Mutex};

use preclear_store::credentials::{hash_secret, random_hex, split_api_key};
use preclear_store::{Change, Mutation, Session, System};
use preclear_store::{Org, OrgKind, Role, Visibility};
use sha2::{Digest as _, Sha256};

use crate::Service;
use crate::clock::now_micros;
use crate::error::ServiceError;
use crate::ops::{Actor, event};
use crate::throttle::address_name;

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
}

fn principal_of(key: &preclear_store::ApiKey, org: &Org) -> Principal {
    Principal { org: org.clone(), role: key.role, actor: Actor(format!("key:{}", key.prefix)) }
}

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

/// A hash to verify against when the user or the key prefix does not exist (or the key is
/// revoked), so that the answer takes as long as for a wrong secret.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_secret("preclear-no-such-secret").unwrap_or_default());

/// The SHA-256 of a text, as hex: how session tokens are stored.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new web session: the token for the cookie (shown once, stored only as its SHA-256) and
/// who signed in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session token.
    pub token: String,
    /// The user's name.
    pub username: String,
    /// How long the session lasts, in seconds.
    pub max_age_seconds: i64,
}

/// The longest user name and password looked at; longer ones are refused unread (argon2 would
/// hash a password of any length).
pub const MAX_CREDENTIAL_CHARS: usize = 1024;

impl Service {
    /// Signs a user in with their password: throttled per user name and client address, a
    /// wrong name and a wrong password answered alike (and in about the same time), the new
    /// session stored with its audit event.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<SignedIn, ServiceError> {
        let refused =
            || ServiceError::Unauthenticated("the user name or password is not correct".into());
        if username.len() > MAX_CREDENTIAL_CHARS || password.len() > MAX_CREDENTIAL_CHARS {
            return Err(refused());
        }
        let now = now_micros();
        let user_name = format!("user:{}", username.to_lowercase());
        let address = client.map(address_name);
        if let Some(address) = &address {
            self.throttled(&self.throttles.addresses, address, now, username)?;
        }
        self.throttled(&self.throttles.users, &user_name, now, username)?;
        let user = self.store.user_by_name(System::Authentication, username).await?;
        let hash = user.as_ref().map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
        let matches = self.hashes.verify(password, &hash).await?;
        let user = match user {
            Some(user) if matches && user.disabled_at.is_none() => user,
            _ => {
                tracing::info!(username = %username, client = ?address, "sign-in refused");
                self.throttles.users.failed(&user_name, now);
                if let Some(address) = &address {
                    self.throttles.addresses.failed(address, now);
                }
                return Err(refused());
            }
        };
        self.throttles.users.succeeded(&user_name);
        let token = random_hex(32)?;
        let max_age_seconds = i64::from(self.session_hours) * 3600;
        let session = Session {
            token_sha256: sha256_hex(&token),
            user_id: user.id,
            org_id: user.org_id,
            created_at: now,
            expires_at: now.saturating_add(max_age_seconds.saturating_mul(1_000_000)),
            ended_at: None,
        };
        let actor = Actor(format!("user:{}", user.username));
        let change = Change {
            event: event(
                user.org_id,
                &actor,
                now,
                "session.started",
                ("user", user.id.to_string()),
                None,
                Some(
                    serde_json::json!({ "username": user.username, "expires_at": session.expires_at }),
                ),
            ),
            mutation: Mutation::InsertSession(session),
        };
        self.store.commit(&[change]).await?;
        Ok(SignedIn { token, username: user.username, max_age_seconds })
    }

    /// Refuses while `name` is locked, and logs the refusal.
    fn throttled(
        &self,
        throttle: &crate::throttle::Throttle,
        name: &str,
        now: i64,
        who: &str,
    ) -> Result<(), ServiceError> {
        throttle.check(name, now).inspect_err(|e| {
            tracing::warn!(throttled = %name, attempt = %who, error = %e, "attempt throttled");
        })
    }

    /// The principal an API key stands for, or `Unauthenticated`. An unknown prefix, a
    /// revoked key and a wrong secret get the same answer after about the same work (a secret
    /// verified before is recognised at once, and passes even while its prefix is throttled:
    /// it proves possession, and the lock is against guessing). Failures are throttled per key
    /// prefix and per client address.
    pub async fn authenticate_key(
        &self,
        token: &str,
        client: Option<IpAddr>,
    ) -> Result<Principal, ServiceError> {
        let invalid = || ServiceError::Unauthenticated("the API key is not valid".into());
        let now = now_micros();
        let address = client.map(address_name);
        let failed = |prefix: Option<&str>| {
            if let Some(prefix) = prefix {
                self.throttles.keys.failed(prefix, now);
            }
            if let Some(address) = &address {
                self.throttles.addresses.failed(address, now);
            }
            invalid()
        };
        let Some((prefix, secret)) = split_api_key(token) else { return Err(failed(None)) };
        let found = self.store.api_key_with_org(System::Authentication, prefix).await?;
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        if let Some((key, org)) = &found
            && key.revoked_at.is_none()
            && self.keys.known(prefix, &digest, &key.secret_hash)
        {
            return Ok(principal_of(key, org));
        }
        if let Some(address) = &address {
            self.throttled(&self.throttles.addresses, address, now, prefix)?;
        }
        self.throttled(&self.throttles.keys, prefix, now, prefix)?;
        match found {
            Some((key, org)) if key.revoked_at.is_none() => {
                if self.hashes.verify(secret, &key.secret_hash).await? {
                    self.keys.remember(prefix, digest, &key.secret_hash);
                    self.throttles.keys.succeeded(prefix);
                    return Ok(principal_of(&key, &org));
                }
            }
            _ => {
                self.hashes.verify(secret, &DUMMY_HASH).await?;
            }
        }
        tracing::info!(prefix = %prefix, client = ?address, "API key refused");
        Err(failed(Some(prefix)))
    }
}
