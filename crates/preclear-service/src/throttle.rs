//! Throttling of failed sign-ins and failed API keys: exponential back-off per name.
//!
//! Each failure is counted against a name: the user name tried, the client's address, an API
//! key's prefix. The first `free_failures` cost nothing; after that each failure locks the name
//! for twice as long as the one before (`base_seconds`, doubled, at most `max_seconds`). While a
//! name is locked, attempts under it are answered [`ServiceError::Throttled`] at once, without
//! checking the password (so the right password does not get in either, and no argon2 runs). A
//! success clears the name; a name with no failure for `max_seconds` is forgotten. The table is
//! bounded: when full, the names that are not locked are dropped first.
//!
//! Instants are parameters (microseconds since the epoch), so the policy is tested without
//! waiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::error::ServiceError;

/// The limits, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottlePolicy {
    /// Failures a name may have before it is locked.
    pub free_failures: u32,
    /// The first lock, in seconds; each further failure doubles it.
    pub base_seconds: u64,
    /// The longest lock, in seconds; also how long a name's failures are remembered.
    pub max_seconds: u64,
}

impl ThrottlePolicy {
    /// For user names and API-key prefixes: 5 free failures, then 1 s, 2 s, 4 s … up to 15 min.
    pub const NAME: ThrottlePolicy =
        ThrottlePolicy { free_failures: 5, base_seconds: 1, max_seconds: 900 };
    /// For client addresses, which several people may share: 20 free failures.
    pub const ADDRESS: ThrottlePolicy =
        ThrottlePolicy { free_failures: 20, base_seconds: 1, max_seconds: 900 };

    /// The lock after `failures` failures, in seconds (0 while failures are free).
    fn lock_seconds(&self, failures: u32) -> u64 {
        let beyond = failures.saturating_sub(self.free_failures);
        if beyond == 0 {
            return 0;
        }
        let doubled = self.base_seconds.saturating_mul(1u64 << (beyond - 1).min(40));
        doubled.min(self.max_seconds)
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: i64,
    locked_until: i64,
}

/// Failure counts by name, under one policy.
#[derive(Debug)]
pub struct Throttle {
    policy: ThrottlePolicy,
    capacity: usize,
    entries: Mutex<HashMap<String, Entry>>,
}

const MICROS: i64 = 1_000_000;

impl Throttle {
    /// A throttle remembering at most `capacity` names.
    pub fn new(policy: ThrottlePolicy, capacity: usize) -> Throttle {
        Throttle { policy, capacity: capacity.max(1), entries: Mutex::new(HashMap::new()) }
    }

    /// Refuses while `name` is locked, with the seconds left.
    pub fn check(&self, name: &str, now: i64) -> Result<(), ServiceError> {
        let Ok(entries) = self.entries.lock() else { return Ok(()) };
        match entries.get(name) {
            Some(entry) if entry.locked_until > now => {
                let seconds = (entry.locked_until - now + MICROS - 1) / MICROS;
                Err(ServiceError::Throttled {
                    message: "too many failed attempts; try again later".into(),
                    retry_after_seconds: u64::try_from(seconds.max(1)).unwrap_or(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure of `name`.
    pub fn failed(&self, name: &str, now: i64) {
        let Ok(mut entries) = self.entries.lock() else { return };
        let forget = i64::try_from(self.policy.max_seconds).unwrap_or(i64::MAX / MICROS) * MICROS;
        if entries.len() >= self.capacity && !entries.contains_key(name) {
            entries.retain(|_, e| e.locked_until > now && now - e.last_failure < forget);
            if entries.len() >= self.capacity {
                // Every name is locked: forget the one that will unlock first.
                if let Some(first) =
                    entries.iter().min_by_key(|(_, e)| e.locked_until).map(|(k, _)| k.clone())
                {
                    entries.remove(&first);
                }
            }
        }
        let entry = entries.entry(name.to_owned()).or_insert(Entry {
            failures: 0,
            last_failure: now,
            locked_until: 0,
        });
        if now - entry.last_failure >= forget {
            entry.failures = 0;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = now;
        let lock = self.policy.lock_seconds(entry.failures);
        let lock = i64::try_from(lock).unwrap_or(i64::MAX / MICROS).saturating_mul(MICROS);
        entry.locked_until = now.saturating_add(lock);
    }

    /// Clears `name` after a success.
    pub fn succeeded(&self, name: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(name);
        }
    }

    /// How many names are remembered.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// Whether no name is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The throttles of the service: sign-ins by user name, API keys by prefix, both by address.
#[derive(Debug)]
pub struct Throttles {
    /// By user name (lower case).
    pub users: Throttle,
    /// By API-key prefix.
    pub keys: Throttle,
    /// By client address (IPv6 by its /64).
    pub addresses: Throttle,
}

/// The most names each throttle remembers.
pub const THROTTLE_CAPACITY: usize = 100_000;

impl Throttles {
    /// The throttles under the configured policies.
    pub fn new(names: ThrottlePolicy, addresses: ThrottlePolicy) -> Throttles {
        Throttles {
            users: Throttle::new(names, THROTTLE_CAPACITY),
            keys: Throttle::new(names, THROTTLE_CAPACITY),
            addresses: Throttle::new(addresses, THROTTLE_CAPACITY),
        }
    }
}

/// The name an address is throttled under: an IPv4 address itself, an IPv6 address by its /64
/// (one host usually holds a whole /64).
pub fn address_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    const POLICY: ThrottlePolicy =
        ThrottlePolicy { free_failures: 3, base_seconds: 2, max_seconds: 60 };

    fn retry_after(result: Result<(), ServiceError>) -> Option<u64> {
        match result {
            Ok(()) => None,
            Err(ServiceError::Throttled { retry_after_seconds, .. }) => Some(retry_after_seconds),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn locks_after_the_free_failures_and_doubles() {
        let t = Throttle::new(POLICY, 10);
        let s = MICROS;
        for n in 0..3 {
            assert_eq!(retry_after(t.check("alice", n * s)), None);
            t.failed("alice", n * s);
        }
        assert_eq!(retry_after(t.check("alice", 3 * s)), None, "three failures are free");
        t.failed("alice", 3 * s); // fourth: locked 2 s
        assert_eq!(retry_after(t.check("alice", 3 * s)), Some(2));
        assert_eq!(retry_after(t.check("alice", 3 * s + s / 2)), Some(2), "rounded up");
        assert_eq!(retry_after(t.check("alice", 5 * s)), None);
        t.failed("alice", 5 * s); // fifth: 4 s
        assert_eq!(retry_after(t.check("alice", 5 * s)), Some(4));
        for n in 0..10 {
            t.failed("alice", (10 + n) * s);
        }
        assert_eq!(retry_after(t.check("alice", 19 * s)), Some(60), "capped at max_seconds");
        assert_eq!(retry_after(t.check("bob", 19 * s)), None, "names are separate");
        t.succeeded("alice");
        assert_eq!(retry_after(t.check("alice", 19 * s)), None, "a success clears the name");
    }

    #[test]
    fn old_failures_are_forgotten() {
        let t = Throttle::new(POLICY, 10);
        for n in 0..3 {
            t.failed("alice", n * MICROS);
        }
        t.failed("alice", 1_000 * MICROS);
        assert_eq!(retry_after(t.check("alice", 1_000 * MICROS)), None, "counted from one again");
    }

    #[test]
    fn the_table_is_bounded_and_keeps_locked_names() {
        let t = Throttle::new(ThrottlePolicy { free_failures: 0, ..POLICY }, 4);
        t.failed("locked", 0);
        for n in 0..100 {
            t.failed(&format!("user{n}"), 100 * MICROS);
        }
        assert!(t.len() <= 4, "{}", t.len());
        assert_eq!(retry_after(t.check("user99", 100 * MICROS)), Some(2));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address_name(a), address_name(b));
        assert_eq!(address_name("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_eq!(address_name("10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
