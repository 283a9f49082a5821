//! preclear's storage: organisations, users, web sessions, API keys, assessments, KB snapshots and the
//! hash-chained audit trail, on SQLite (the default: one file, nothing to install) or PostgreSQL
//! (several stateless instances sharing one database).
//!
//! One interface, [`Store`], for both. Writes go through [`Store::commit`] as [`Change`]s — a
//! mutation and the audit event recording it, in one transaction — so that nothing changes
//! without its event and no half-written change is ever visible. Each backend has its own
//! append-only migrations (`migrations/sqlite`, `migrations/postgres`), embedded in the binary
//! and applied by [`Store::migrate`]. Money is NUMERIC on PostgreSQL and decimal text on SQLite:
//! never a float. The store never reads the clock; callers pass instants.

pub mod audit;
mod commit;
pub mod credentials;
mod db;
pub mod digest;
mod migrate;
mod model;
pub mod price_lists;
mod read;
mod records;
pub mod screening;
mod tls;

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use crate::audit::{AuditEvent, EventFilter, NewEvent, VerifyReport};
pub use crate::commit::{Change, GroupCommitter, Mutation};
use crate::db::Pool;
pub use crate::model::*;

/// What can go wrong in the store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(String),
    /// A unique name or key is already taken.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The change is not valid against what is stored.
    #[error("{0}")]
    Invalid(String),
    /// The schema cannot be brought up to date.
    #[error("migration error: {0}")]
    Migration(String),
    /// Stored data does not read back as written.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// Hashing or randomness failed.
    #[error("{0}")]
    Crypto(String),
    /// The store is shutting down.
    #[error("the store is closed")]
    Closed,
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_owned())
            }
            _ => StoreError::Database(error.to_string()),
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) if *db.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
                StoreError::Conflict(db.message().to_owned())
            }
            Some(db) => StoreError::Database(format!("{}: {}", db.severity(), db.message())),
            None => StoreError::Database(error.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => error.into(),
            deadpool_postgres::PoolError::Closed => StoreError::Closed,
            other => StoreError::Database(format!("no database connection: {other}")),
        }
    }
}

/// How to open the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Connections in the pool.
    pub max_connections: u32,
    /// SQLite only: sync the disk on every commit (`synchronous = FULL`). The default, NORMAL
    /// with the write-ahead log, loses nothing when the process is killed; FULL also survives
    /// a power cut, at the cost of a sync per transaction.
    pub sqlite_sync_full: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_connections: 8, sqlite_sync_full: false }
    }
}

/// The database: SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

impl Store {
    /// Opens the database named by `url`: `sqlite:PATH` (created if missing) or
    /// `postgres://…`. Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pool::Postgres(postgres_pool(url, options).await?)
        } else if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(if options.sqlite_sync_full {
                    SqliteSynchronous::Full
                } else {
                    SqliteSynchronous::Normal
                })
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(options.max_connections)
                    .min_connections(1)
                    .connect_with(connect)
                    .await?,
            )
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL `{}`: expected sqlite:PATH or postgres://…",
                redact(url)
            )));
        };
        Ok(Store { pool })
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        if self.pool.is_postgres() { "postgres" } else { "sqlite" }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A PostgreSQL pool for `url`; one connection is opened at once, so that a wrong URL or an
/// unreachable server is reported at start, not at the first request. The connections set
/// `TCP_NODELAY` (tokio-postgres does), and use TLS as the URL's `sslmode` says (see [`tls`]).
async fn postgres_pool(
    url: &str,
    options: &StoreOptions,
) -> Result<deadpool_postgres::Pool, StoreError> {
    let invalid = |error: &dyn std::fmt::Display| {
        StoreError::Invalid(format!("invalid database URL `{}`: {error}", redact(url)))
    };
    let (url, settings) = split_settings(url);
    let mut config = tokio_postgres::Config::from_str(&url).map_err(|e| invalid(&e))?;
    if !settings.is_empty() {
        let mut all = config.get_options().map(str::to_owned).unwrap_or_default();
        for (name, value) in settings {
            if !all.is_empty() {
                all.push(' ');
            }
            all.push_str(&format!("-c {name}={value}"));
        }
        config.options(&all);
    }
    let tls = tls::connector()?;
    let manager = deadpool_postgres::Manager::from_config(
        config,
        tls,
        deadpool_postgres::ManagerConfig {
            recycling_method: deadpool_postgres::RecyclingMethod::Fast,
        },
    );
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(options.max_connections.max(1) as usize)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(10)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()
        .map_err(|e| invalid(&e))?;
    drop(pool.get().await?);
    Ok(pool)
}

/// Takes the `options[NAME]=VALUE` query parameters out of a URL (the form preclear has always
/// documented, e.g. `?options[search_path]=preclear`) and returns the rest of the URL and the
/// settings, to be sent as `-c NAME=VALUE` startup options.
fn split_settings(url: &str) -> (String, Vec<(String, String)>) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_owned(), Vec::new()) };
    let mut settings = Vec::new();
    let mut kept = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = key
            .strip_prefix("options[")
            .or_else(|| key.strip_prefix("options%5B"))
            .and_then(|rest| rest.strip_suffix(']').or_else(|| rest.strip_suffix("%5D")));
        match name {
            Some(name) if !name.is_empty() => settings.push((name.to_owned(), value.to_owned())),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    (url, settings)
}

/// A database URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = url.get(scheme + 3..at).unwrap_or_default();
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, split_settings};

    #[test]
    fn settings_in_the_url_become_startup_options() {
        let (url, settings) =
            split_settings("postgres://u@h:5432/db?sslmode=prefer&options[search_path]=bench");
        assert_eq!(url, "postgres://u@h:5432/db?sslmode=prefer");
        assert_eq!(settings, vec![("search_path".to_owned(), "bench".to_owned())]);
        let (url, settings) = split_settings("postgres://u@h/db?options%5Bsearch_path%5D=x");
        assert_eq!(url, "postgres://u@h/db");
        assert_eq!(settings, vec![("search_path".to_owned(), "x".to_owned())]);
        assert_eq!(split_settings("postgres://u@h/db").0, "postgres://u@h/db");
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
