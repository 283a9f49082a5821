//! The two backends behind one small surface: a statement is SQL text (the same for both where
//! the dialects agree, one per backend where they do not) plus a list of [`Param`]s; a result row
//! is read through [`Row`]. Everything above this module is written once, for both.

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};
use uuid::Uuid;

use crate::StoreError;

/// Which database the store talks to.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
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
                Param::Text(v) => query.bind(v.to_string()),
                Param::OptText(v) => query.bind(v.map(str::to_owned)),
                Param::Int(v) => query.bind(*v),
                Param::Bytes(v) => query.bind(v.to_vec()),
            };
        }
        query
    }};
}

/// A row of either backend.
#[derive(Debug)]
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! get {
    ($self:expr, $column:expr, $ty:ty) => {{
        use sqlx::Row as _;
        match $self {
            Row::Sqlite(row) => row.try_get::<$ty, _>($column),
            Row::Postgres(row) => row.try_get::<$ty, _>($column),
        }
        .map_err(StoreError::from)
    }};
}

impl Row {
    pub(crate) fn uuid(&self, column: &str) -> Result<Uuid, StoreError> {
        get!(self, column, Uuid)
    }
    pub(crate) fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>, StoreError> {
        get!(self, column, Option<Uuid>)
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
    Postgres(Transaction<'static, Postgres>),
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
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub(crate) async fn execute(&self, sql: Sql, params: &[Param<'_>]) -> Result<u64, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => {
                bind_all!(sqlx::query(sql.sqlite), params).execute(pool).await?.rows_affected()
            }
            Pool::Postgres(pool) => {
                bind_all!(sqlx::query(sql.postgres), params).execute(pool).await?.rows_affected()
            }
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
            Pool::Postgres(pool) => bind_all!(sqlx::query(AssertSqlSafe(postgres)), params)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
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
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql.postgres), params)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
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
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql.postgres), params)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
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
            Tx::Postgres(tx) => {
                sqlx::raw_sql(script).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
