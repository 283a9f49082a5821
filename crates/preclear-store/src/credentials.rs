//! Secrets: API keys and passwords are stored only as argon2 hashes (PHC strings); the plain
//! secret is shown once, when it is made.
//!
//! An API key reads `pck_<prefix>_<secret>`: the prefix (12 hex digits) is stored in the clear so
//! that the key can be found, the secret (48 hex digits, 192 random bits) only hashed.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

use crate::StoreError;

/// A freshly made API key: the full text to hand out once, and what to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// `pck_<prefix>_<secret>`: shown once, never stored.
    pub full: String,
    /// The public part, `pck_<prefix>`.
    pub prefix: String,
    /// The argon2 hash of the secret part.
    pub secret_hash: String,
}

/// Random bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Crypto(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}

/// Makes a new API key.
pub fn new_api_key() -> Result<NewKey, StoreError> {
    let prefix = format!("pck_{}", random_hex(6)?);
    let secret = random_hex(24)?;
    let secret_hash = hash_secret(&secret)?;
    Ok(NewKey { full: format!("{prefix}_{secret}"), prefix, secret_hash })
}

/// Splits a presented key into its prefix and secret; `None` if it is not shaped like a key.
pub fn split_api_key(full: &str) -> Option<(&str, &str)> {
    let rest = full.strip_prefix("pck_")?;
    let (prefix_hex, secret) = rest.split_once('_')?;
    let hexdigits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hexdigits(prefix_hex, 12) || !hexdigits(secret, 48) {
        return None;
    }
    Some((full.get(..16)?, secret))
}

/// Hashes a secret or password with argon2id and a random salt.
pub fn hash_secret(secret: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| StoreError::Crypto(format!("hashing failed: {e}")))
}

/// Whether a secret matches a stored hash. A malformed stored hash never matches.
pub fn verify_secret(secret: &str, hash: &str) -> bool {
    Argon2::default().verify_password(secret.as_bytes(), hash).is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_key_verifies_against_its_hash_and_nothing_else() {
        let key = new_api_key().unwrap();
        let (prefix, secret) = split_api_key(&key.full).unwrap();
        assert_eq!(prefix, key.prefix);
        assert!(!key.secret_hash.contains(secret), "the secret is not stored");
        assert!(key.secret_hash.starts_with("$argon2id$"));
        assert!(verify_secret(secret, &key.secret_hash));
        assert!(!verify_secret("0".repeat(48).as_str(), &key.secret_hash));
        assert!(!verify_secret(secret, "not a hash"));
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert_eq!(split_api_key("Bearer x"), None);
        assert_eq!(split_api_key("pck_abc_def"), None);
        assert_eq!(split_api_key(&format!("pck_{}_{}", "g".repeat(12), "0".repeat(48))), None);
        assert!(split_api_key(&format!("pck_{}_{}", "a".repeat(12), "0".repeat(48))).is_some());
    }
}
