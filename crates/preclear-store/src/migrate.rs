//! Schema migrations: numbered SQL scripts per backend, embedded in the binary, applied in order
//! and recorded with their checksum. Migrations are append-only: an applied script whose text
//! has changed stops the start (never silently diverge), and a database newer than the binary is
//! refused. Concurrent starts serialise on a lock (`BEGIN IMMEDIATE` on SQLite, an advisory lock
//! on PostgreSQL), so several instances may start at once.

use crate::audit::sha256_hex;
use crate::db::{Param, Sql};
use crate::{Store, StoreError};

/// One migration: number, name, script.
pub(crate) type Migration = (i64, &'static str, &'static str);

pub(crate) const SQLITE: &[Migration] = &[
    (1, "initial", include_str!("../migrations/sqlite/0001_initial.sql")),
    (2, "sessions", include_str!("../migrations/sqlite/0002_sessions.sql")),
    (3, "programs", include_str!("../migrations/sqlite/0003_programs.sql")),
    (4, "datasets", include_str!("../migrations/sqlite/0004_datasets.sql")),
    (5, "audit_state", include_str!("../migrations/sqlite/0005_audit_state.sql")),
    (6, "price_lists", include_str!("../migrations/sqlite/0006_price_lists.sql")),
    (7, "landed_cost_range", include_str!("../migrations/sqlite/0007_landed_cost_range.sql")),
    (8, "audit_objects", include_str!("../migrations/sqlite/0008_audit_objects.sql")),
    (9, "screening_decisions", include_str!("../migrations/sqlite/0009_screening_decisions.sql")),
    (10, "list_versions", include_str!("../migrations/sqlite/0010_list_versions.sql")),
    (11, "screening_alerts", include_str!("../migrations/sqlite/0011_screening_alerts.sql")),
];
pub(crate) const POSTGRES: &[Migration] = &[
    (1, "initial", include_str!("../migrations/postgres/0001_initial.sql")),
    (2, "sessions", include_str!("../migrations/postgres/0002_sessions.sql")),
    (3, "programs", include_str!("../migrations/postgres/0003_programs.sql")),
    (4, "datasets", include_str!("../migrations/postgres/0004_datasets.sql")),
    (5, "audit_state", include_str!("../migrations/postgres/0005_audit_state.sql")),
    (6, "price_lists", include_str!("../migrations/postgres/0006_price_lists.sql")),
    (7, "landed_cost_range", include_str!("../migrations/postgres/0007_landed_cost_range.sql")),
    (8, "audit_objects", include_str!("../migrations/postgres/0008_audit_objects.sql")),
    (9, "screening_decisions", include_str!("../migrations/postgres/0009_screening_decisions.sql")),
    (10, "list_versions", include_str!("../migrations/postgres/0010_list_versions.sql")),
    (11, "screening_alerts", include_str!("../migrations/postgres/0011_screening_alerts.sql")),
];

const LOCK: Sql = Sql { sqlite: "SELECT 1", postgres: "SELECT pg_advisory_xact_lock(7262651)" };
const CREATE: Sql = Sql::both(
    "CREATE TABLE IF NOT EXISTS preclear_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
);
const APPLIED: Sql =
    Sql::both("SELECT version, name, checksum FROM preclear_migrations ORDER BY version");
const RECORD: Sql =
    Sql::both("INSERT INTO preclear_migrations (version, name, checksum) VALUES ($1, $2, $3)");

impl Store {
    /// Brings the schema up to date; returns how many migrations were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let migrations = if self.pool.is_postgres() { POSTGRES } else { SQLITE };
        let mut tx = self.pool.begin().await?;
        tx.fetch_optional(LOCK, &[]).await?;
        tx.execute(CREATE, &[]).await?;
        tx.commit().await?;

        let mut tx = self.pool.begin().await?;
        tx.fetch_optional(LOCK, &[]).await?;
        let applied = tx.fetch_all(APPLIED, &[]).await?;
        let mut done = 0;
        for row in &applied {
            let version = row.int("version")?;
            let checksum = row.text("checksum")?;
            match migrations.iter().find(|(v, _, _)| *v == version) {
                None => {
                    return Err(StoreError::Migration(format!(
                        "the database has migration {version} ({}), which this preclear does not know: it was created by a newer version",
                        row.text("name")?
                    )));
                }
                Some((_, name, script)) if sha256_hex(script) != checksum => {
                    return Err(StoreError::Migration(format!(
                        "migration {version} ({name}) was changed after it was applied; migrations are append-only"
                    )));
                }
                Some(_) => done += 1,
            }
        }
        let mut count = 0;
        for (version, name, script) in migrations.iter().skip(done) {
            tx.execute_script(script).await?;
            let checksum = sha256_hex(script);
            tx.execute(RECORD, &[Param::Int(*version), Param::Text(name), Param::Text(&checksum)])
                .await?;
            count += 1;
        }
        tx.commit().await?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            assert_eq!(files.len(), list.len(), "{dir}: files {files:?}");
            for (i, ((version, name, _), file)) in list.iter().zip(&files).enumerate() {
                assert_eq!(*version, i64::try_from(i + 1).unwrap());
                assert_eq!(file, &format!("{version:04}_{name}.sql"));
            }
        }
    }
}
