//! The two backends behind one small surface: a statement is SQL text (the same for both where
//! the dialects agree, one per backend where they do not) plus a list of [`Param`]s; a result row
//! is read through [`Row`]. Everything above this module is written once, for both.
//!
//! SQLite goes through sqlx; PostgreSQL through tokio-postgres with a deadpool pool, because
//! sqlx never sets `TCP_NODELAY` and every statement over TCP then waits for the server's
//! delayed ACK (22 stored assessments/s instead of over a thousand: docs/BENCHMARKS.md).
//! Statements are prepared with the parameter types named by [`Param`] (as sqlx declared
//! them) and cached per connection.

use deadpool_postgres::Object;
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Sqlite, Transaction};
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

use crate::StoreError;

/// Which database the store talks to.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(deadpool_postgres::Pool),
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pool::Sqlite(pool) => f.debug_tuple("Sqlite").field(pool).finish(),
            Pool::Postgres(pool) => f.debug_tuple("Postgres").field(&pool.status()).finish(),
        }
    }
}

/// SQL text per backend. Both use `$1, $2…` placeholders.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sql {
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

impl Sql {
    /// The same text on both backends.
    pub(crate) const fn both(text: &'static str) -> Sql {
        Sql { sqlite: text, postgres: text }
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Param<'a> {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    OptBool(Option<bool>),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    Bytes(&'a [u8]),
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                Param::Uuid(v) => query.bind(*v),
                Param::OptUuid(v) => query.bind(*v),
                Param::OptBool(v) => query.bind(*v),
                Param::OptInt(v) => query.bind(*v),
                Param::Text(v) => query.bind(v.to_string()),
                Param::OptText(v) => query.bind(v.map(str::to_owned)),
                Param::Int(v) => query.bind(*v),
                Param::Bytes(v) => query.bind(v.to_vec()),
            };
        }
        query
    }};
}

/// The PostgreSQL parameter types and values of `params`, typed as sqlx declared them.
fn pg_params<'p>(params: &'p [Param<'_>]) -> (Vec<Type>, Vec<&'p (dyn ToSql + Sync)>) {
    params
        .iter()
        .map(|param| -> (Type, &(dyn ToSql + Sync)) {
            match param {
                Param::Uuid(v) => (Type::UUID, v),
                Param::OptUuid(v) => (Type::UUID, v),
                Param::OptBool(v) => (Type::BOOL, v),
                Param::OptInt(v) => (Type::INT8, v),
                Param::Text(v) => (Type::TEXT, v),
                Param::OptText(v) => (Type::TEXT, v),
                Param::Int(v) => (Type::INT8, v),
                Param::Bytes(v) => (Type::BYTEA, v),
            }
        })
        .unzip()
}

/// Prepares (once per connection) and runs a statement on a PostgreSQL connection.
async fn pg_query(
    client: &Object,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<tokio_postgres::Row>, StoreError> {
    let (types, values) = pg_params(params);
    let statement = client.prepare_typed_cached(sql, &types).await?;
    Ok(client.query(&statement, &values).await?)
}

async fn pg_execute(client: &Object, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
    let (types, values) = pg_params(params);
    let statement = client.prepare_typed_cached(sql, &types).await?;
    Ok(client.execute(&statement, &values).await?)
}

/// A row of either backend.
#[derive(Debug)]
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(tokio_postgres::Row),
}

macro_rules! get {
    ($self:expr, $column:expr, $ty:ty) => {{
        use sqlx::Row as _;
        match $self {
            Row::Sqlite(row) => row.try_get::<$ty, _>($column).map_err(StoreError::from),
            Row::Postgres(row) => row.try_get::<_, $ty>($column).map_err(StoreError::from),
        }
    }};
}

impl Row {
    pub(crate) fn uuid(&self, column: &str) -> Result<Uuid, StoreError> {
        get!(self, column, Uuid)
    }
    pub(crate) fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>, StoreError> {
        get!(self, column, Option<Uuid>)
    }
    pub(crate) fn opt_bool(&self, column: &str) -> Result<Option<bool>, StoreError> {
        get!(self, column, Option<bool>)
    }
    pub(crate) fn text(&self, column: &str) -> Result<String, StoreError> {
        get!(self, column, String)
    }
    pub(crate) fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        get!(self, column, Option<String>)
    }
    pub(crate) fn int(&self, column: &str) -> Result<i64, StoreError> {
        get!(self, column, i64)
    }
    pub(crate) fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        get!(self, column, Vec<u8>)
    }
    pub(crate) fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        get!(self, column, Option<i64>)
    }
}

/// An open transaction on either backend.
#[derive(Debug)]
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(PgTx),
}

/// A PostgreSQL transaction on a pooled connection of its own. Dropped without [`Tx::commit`]
/// (an error on the way), the connection is taken out of the pool and closed, so the server
/// rolls the transaction back and no half-done transaction is ever handed to another caller.
pub(crate) struct PgTx {
    client: Option<Object>,
}

impl std::fmt::Debug for PgTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgTx").field("open", &self.client.is_some()).finish()
    }
}

impl PgTx {
    fn client(&self) -> Result<&Object, StoreError> {
        self.client.as_ref().ok_or(StoreError::Closed)
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            drop(Object::take(client));
        }
    }
}

impl Pool {
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Pool::Postgres(_))
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so that a transaction that reads before it writes cannot fail to upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => {
                let client = pool.get().await?;
                client.batch_execute("BEGIN").await?;
                Tx::Postgres(PgTx { client: Some(client) })
            }
        })
    }

    pub(crate) async fn execute(&self, sql: Sql, params: &[Param<'_>]) -> Result<u64, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => {
                bind_all!(sqlx::query(sql.sqlite), params).execute(pool).await?.rows_affected()
            }
            Pool::Postgres(pool) => pg_execute(&pool.get().await?, sql.postgres, params).await?,
        })
    }

    pub(crate) async fn fetch_all(
        &self,
        sql: Sql,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        self.fetch_all_dynamic(sql.sqlite.to_owned(), sql.postgres.to_owned(), params).await
    }

    /// Runs SQL assembled at run time (filters). The caller builds it only from fixed fragments
    /// and `$n` placeholders, never from input.
    pub(crate) async fn fetch_all_dynamic(
        &self,
        sqlite: String,
        postgres: String,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => bind_all!(sqlx::query(AssertSqlSafe(sqlite)), params)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Pool::Postgres(pool) => pg_query(&pool.get().await?, &postgres, params)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close(),
        }
    }
}

impl Tx {
    pub(crate) async fn execute(
        &mut self,
        sql: Sql,
        params: &[Param<'_>],
    ) -> Result<u64, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => {
                bind_all!(sqlx::query(sql.sqlite), params).execute(&mut **tx).await?.rows_affected()
            }
            Tx::Postgres(tx) => pg_execute(tx.client()?, sql.postgres, params).await?,
        })
    }

    pub(crate) async fn fetch_all(
        &mut self,
        sql: Sql,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql.sqlite), params)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Tx::Postgres(tx) => pg_query(tx.client()?, sql.postgres, params)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    /// Runs statements that do not depend on each other's results, stopping at the first
    /// failure. On PostgreSQL they are pipelined on the transaction's connection (sent without
    /// waiting for each answer); on SQLite they run one after another.
    pub(crate) async fn execute_all(
        &mut self,
        statements: &[(Sql, Vec<Param<'_>>)],
    ) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(_) => {
                for (sql, params) in statements {
                    self.execute(*sql, params).await?;
                }
            }
            Tx::Postgres(tx) => {
                let client = tx.client()?;
                futures_util::future::try_join_all(
                    statements.iter().map(|(sql, params)| pg_execute(client, sql.postgres, params)),
                )
                .await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn fetch_optional(
        &mut self,
        sql: Sql,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.fetch_all(sql, params).await?.into_iter().next())
    }

    /// Runs a script of several statements (a migration).
    pub(crate) async fn execute_script(&mut self, script: &'static str) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => {
                sqlx::raw_sql(script).execute(&mut **tx).await?;
            }
            Tx::Postgres(tx) => tx.client()?.batch_execute(script).await?,
        }
        Ok(())
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(mut tx) => {
                let client = tx.client.take().ok_or(StoreError::Closed)?;
                match client.batch_execute("COMMIT").await {
                    // Committed: the connection goes back to the pool.
                    Ok(()) => drop(client),
                    Err(error) => {
                        drop(Object::take(client));
                        return Err(error.into());
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Param, Pool, Sql};
    use crate::{Store, StoreOptions};

    /// The median time of `n` sequential statements that each send 64 KiB: more than a TCP
    /// write buffer's worth, the case where a driver without `TCP_NODELAY` waits for the
    /// server's delayed ACK (about 40 ms a statement on Linux).
    async fn median_statement(pool: &Pool, n: usize) -> Duration {
        let payload = "x".repeat(64 * 1024);
        let sql =
            Sql { sqlite: "SELECT length($1) AS n", postgres: "SELECT length($1)::bigint AS n" };
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let start = Instant::now();
            let rows = pool.fetch_all(sql, &[Param::Text(&payload)]).await.unwrap();
            times.push(start.elapsed());
            assert_eq!(rows[0].int("n").unwrap(), 64 * 1024);
        }
        times.sort();
        times[n / 2]
    }

    /// Over TCP, a statement costs about what it costs through the Unix socket, not tens of
    /// milliseconds more: the stall of a driver without `TCP_NODELAY` must not come back.
    #[tokio::test]
    async fn postgres_over_tcp_is_as_quick_as_through_the_socket() {
        let Ok(url) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
            eprintln!(
                "skipped: set PRECLEAR_TEST_DATABASE_URL (over TCP) to compare TCP and socket"
            );
            return;
        };
        let socket_dir = "/var/run/postgresql";
        if !std::path::Path::new(socket_dir).exists() {
            eprintln!("skipped: no PostgreSQL socket in {socket_dir} to compare with");
            return;
        }
        let options = StoreOptions { max_connections: 1, ..StoreOptions::default() };
        let tcp = Store::connect(&url, &options).await.unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let socket_url = format!("{url}{sep}host={socket_dir}");
        let socket = Store::connect(&socket_url, &options).await.unwrap();
        // Warm both (connection, prepared statement).
        median_statement(&tcp.pool, 3).await;
        median_statement(&socket.pool, 3).await;
        let over_tcp = median_statement(&tcp.pool, 21).await;
        let through_socket = median_statement(&socket.pool, 21).await;
        // The stall costs ~40 ms a statement against well under 5 ms through the socket.
        assert!(
            over_tcp < through_socket * 4 + Duration::from_millis(5),
            "a statement over TCP took {over_tcp:?}, through the socket {through_socket:?}"
        );
        tcp.close().await;
        socket.close().await;
    }
}
