//! preclear's application layer: the service's operations without HTTP, shared by the web pages,
//! the API and the shell. A [`Service`] holds what every operation needs (the store, the group
//! committer, the KB being served and the versions loaded for replay, verified key secrets);
//! operations take a [`auth::Principal`] and read only through its `Visibility`, and answer
//! [`ServiceError`] — no status codes, no headers, no HTML.
//!
//! - `assessments`: making, storing, loading and re-assessing assessments;
//! - `comparisons`: a stored comparison of destinations made again from its assessments, and
//!   its PDF and XLSX;
//! - `audit`: the audit trail exported as JSON Lines or CSV;
//! - `documents`: the documents of a stored assessment;
//! - `imports`: spreadsheets read into shipment requests, and the audit of a shipment's documents;
//! - `kb_views`: each market's coverage and the facts with their provenance, as readers see them;
//! - `access`: who may call which operation (the permission matrix);
//! - `auth`: principals, API-key authentication, signing in;
//! - `hashing`: password and key verification on a fixed pool of threads (bounded memory);
//! - `throttle`: exponential back-off of failed sign-ins and keys;
//! - `ops`: organisations, users and keys, each change with its audit event;
//! - `kb_deploy`: the KB as a dataset deployed at run time, and following the deployment log;
//! - `price_lists`: the provider's price lists, published, audited and applied to assessments;
//! - `programs`: IOR entities, programs and positions, consignments and their lifecycle, the
//!   rollout view and KB-change impact;
//! - `bootstrap`: opening the database (migrations, first admin, the KB to serve);
//! - `config`: the service's configuration (defaults, TOML file, flags);
//! - `search`: one search across assessments, programs, consignments, organisations and the
//!   KB's facts, within the caller's reach;
//! - `clock`: the service's only reading of the clock.

pub mod access;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod classification;
pub mod clock;
pub mod comparisons;
pub mod config;
pub mod documents;
mod error;
pub mod hashing;
pub mod imports;
pub mod kb_deploy;
pub mod kb_views;
pub mod ops;
pub mod price_lists;
pub mod program_routes;
pub mod programs;
pub mod routes;
pub mod screening;
pub mod search;
pub mod throttle;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use preclear_kb::Kb;
use preclear_store::{GroupCommitter, Store};

pub use crate::config::Config;
pub use crate::error::{FieldError, ServiceError};

/// What every operation needs, shared (cheap to clone).
#[derive(Debug, Clone)]
pub struct Service(Arc<Inner>);

/// The parts of a [`Service`].
#[derive(Debug)]
pub struct Inner {
    /// The database.
    pub store: Store,
    /// Batches assessment writes.
    pub committer: GroupCommitter,
    /// The current KB: the one deployed last, swapped while serving (see `kb_deploy`).
    kb: RwLock<Arc<Kb>>,
    /// Older KB versions loaded from their snapshots, by version.
    kbs: Mutex<HashMap<String, Arc<Kb>>>,
    /// Verified API-key secrets.
    pub(crate) keys: auth::KeyCache,
    /// The threads that verify passwords and keys.
    pub hashes: hashing::HashPool,
    /// Failed sign-ins and keys, by name and address.
    pub throttles: throttle::Throttles,
    /// How long a web sign-in lasts, in hours.
    pub session_hours: u32,
    /// How often the served KB is checked against the deployment log.
    pub kb_poll: Duration,
    /// The price lists in force, parsed, by the organisation they price.
    pub prices: price_lists::Cache,
    /// The restricted-party lists screened with (`screening`).
    pub lists: screening::ListsState,
    /// How many days after its publication each list counts as current.
    pub list_max_age: preclear_engine::screening::MaxAge,
}

impl std::ops::Deref for Service {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Service {
    /// The service on an opened database, serving `kb`. Spawns the group committer on the
    /// current runtime.
    pub fn new(store: Store, kb: Arc<Kb>, config: &Config) -> Service {
        let committer = GroupCommitter::spawn(store.clone(), config.batch_size);
        Service(Arc::new(Inner {
            store,
            committer,
            kb: RwLock::new(kb),
            kbs: Mutex::new(HashMap::new()),
            keys: auth::KeyCache::default(),
            hashes: hashing::HashPool::start(config.limits.hash_workers, config.limits.hash_queue),
            throttles: throttle::Throttles::new(
                config.limits.throttle_names,
                config.limits.throttle_addresses,
            ),
            session_hours: config.session_hours,
            kb_poll: Duration::from_secs(config.kb_poll_seconds),
            prices: price_lists::Cache::default(),
            lists: screening::ListsState::default(),
            list_max_age: config.list_max_age.clone(),
        }))
    }

    /// The current KB. An operation takes it once and uses that one throughout, so a deploy in
    /// the middle of it cannot mix two versions.
    pub fn kb(&self) -> Arc<Kb> {
        match self.kb.read() {
            Ok(kb) => Arc::clone(&kb),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Makes `kb` current (a deploy reached this instance).
    pub fn set_kb(&self, kb: Arc<Kb>) {
        match self.kb.write() {
            Ok(mut current) => *current = kb,
            Err(poisoned) => *poisoned.into_inner() = kb,
        }
    }

    /// A KB version: the current one, or one loaded from its stored snapshot (and kept, a few
    /// at a time, for the next replay).
    pub async fn kb_version(&self, version: &str) -> Result<Arc<Kb>, ServiceError> {
        let current = self.kb();
        if current.version().as_str() == version {
            return Ok(current);
        }
        if let Some(kb) = self.kbs.lock().ok().and_then(|m| m.get(version).cloned()) {
            return Ok(kb);
        }
        let kb =
            kb_deploy::load_stored(&self.store, version).await.map_err(ServiceError::internal)?;
        let kb = Arc::new(kb);
        if let Ok(mut map) = self.kbs.lock() {
            if map.len() >= 8 {
                map.clear();
            }
            map.insert(version.to_owned(), kb.clone());
        }
        Ok(kb)
    }
}
