//! Secrets: API keys and passwords are stored only as argon2 hashes (PHC strings); the plain
//! secret is shown once, when it is made.
//!
//! An API key reads `pck_<prefix>_<secret>`: the prefix (12 hex digits) is stored in the clear so
//! that the key can be found, the secret (48 hex digits, 192 random bits) only hashed.

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

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

/// The most memory a stored hash may ask for, in KiB (argon2's `m`): 64 MiB, over three times
/// what [`hash_secret`] uses. A stored hash asking for more never matches (it was not made here).
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Argon2's working memory for [`verify_secret`], owned by the caller and used again for the
/// next verification: memory that the allocator never sees come and go, so a burst of
/// verifications cannot leave the process holding many copies of it.
#[derive(Default)]
pub struct HashMemory(Vec<Block>);

impl std::fmt::Debug for HashMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashMemory({} KiB)", self.0.len())
    }
}

impl HashMemory {
    /// Working memory for hashes made with argon2's default parameters (19 MiB).
    pub fn for_default_params() -> HashMemory {
        HashMemory(vec![Block::default(); Params::DEFAULT.block_count()])
    }
}

/// Whether a secret matches a stored hash (an argon2 PHC string), computed in `memory`. A
/// malformed stored hash, or one asking for more than [`MAX_MEMORY_KIB`], never matches.
pub fn verify_secret(secret: &str, hash: &str, memory: &mut HashMemory) -> bool {
    let Ok(phc) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else { return false };
    let version = match phc.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else { return false };
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let blocks = params.block_count();
    if memory.0.len() < blocks {
        memory.0.resize(blocks, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    if argon2
        .hash_password_into_with_memory(
            secret.as_bytes(),
            salt.as_ref(),
            &mut computed,
            &mut memory.0[..blocks],
        )
        .is_err()
    {
        return false;
    }
    same_bytes(&computed, expected.as_bytes())
}

/// Compares two byte strings in time independent of where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
        let mut memory = HashMemory::for_default_params();
        assert!(verify_secret(secret, &key.secret_hash, &mut memory));
        assert!(!verify_secret("0".repeat(48).as_str(), &key.secret_hash, &mut memory));
        assert!(!verify_secret(secret, "not a hash", &mut memory));
        // The same memory serves the next verification, and memory too small grows.
        let mut small = HashMemory::default();
        assert!(verify_secret(secret, &key.secret_hash, &mut small));
    }

    #[test]
    fn hashes_of_other_parameters_verify_and_greedy_ones_are_refused() {
        use argon2::password_hash::PasswordHasher as _;
        let cheap = Params::new(1024, 1, 1, None).unwrap();
        let salt = [7u8; 16];
        let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, cheap)
            .hash_password_with_salt(b"pw", &salt)
            .unwrap()
            .to_string();
        let mut memory = HashMemory::for_default_params();
        assert!(verify_secret("pw", &hash, &mut memory));
        assert!(!verify_secret("pw2", &hash, &mut memory));
        let greedy = Params::new(MAX_MEMORY_KIB + 8, 1, 1, None).unwrap();
        let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, greedy)
            .hash_password_with_salt(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(!verify_secret("pw", &hash, &mut memory), "more than the cap is never computed");
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert_eq!(split_api_key("Bearer x"), None);
        assert_eq!(split_api_key("pck_abc_def"), None);
        assert_eq!(split_api_key(&format!("pck_{}_{}", "g".repeat(12), "0".repeat(48))), None);
        assert!(split_api_key(&format!("pck_{}_{}", "a".repeat(12), "0".repeat(48))).is_some());
    }
}
