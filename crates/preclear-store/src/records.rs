//! Reading program records and evidence documents, always through a [`Visibility`].

use uuid::Uuid;

use crate::db::{Param, Row};
use crate::model::{EvidenceDocument, ProgramRecord, RecordKind, Visibility};
use crate::read::visible;
use crate::{Store, StoreError};

pub(crate) const COLUMNS: &str =
    "id, kind, org_id, parent_id, key, state, body, version, created_at, updated_at";

pub(crate) fn record_from(row: &Row) -> Result<ProgramRecord, StoreError> {
    let kind = match row.text("kind")?.as_str() {
        "entity" => RecordKind::Entity,
        "program" => RecordKind::Program,
        "consignment" => RecordKind::Consignment,
        other => return Err(StoreError::Corrupt(format!("unknown record kind `{other}`"))),
    };
    Ok(ProgramRecord {
        kind,
        id: row.uuid("id")?,
        org_id: row.uuid("org_id")?,
        parent_id: row.opt_uuid("parent_id")?,
        key: row.text("key")?,
        state: row.text("state")?,
        body: row.text("body")?,
        version: row.int("version")?,
        created_at: row.int("created_at")?,
        updated_at: row.int("updated_at")?,
    })
}

impl Store {
    /// One record of `kind`, if visible.
    pub async fn record(
        &self,
        kind: RecordKind,
        id: Uuid,
        vis: Visibility,
    ) -> Result<Option<ProgramRecord>, StoreError> {
        let (clause, org) = visible("org_id", vis, 3);
        let sql = format!(
            "SELECT {COLUMNS} FROM program_records WHERE id = $1 AND kind = $2 AND {clause}"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql.clone(),
                sql,
                &[Param::Uuid(id), Param::Text(kind.as_str()), Param::Uuid(org)],
            )
            .await?;
        rows.first().map(record_from).transpose()
    }

    /// Every visible record of `kind`, oldest first (ids are time-ordered).
    pub async fn records(
        &self,
        kind: RecordKind,
        vis: Visibility,
    ) -> Result<Vec<ProgramRecord>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let sql = format!(
            "SELECT {COLUMNS} FROM program_records WHERE kind = $1 AND {clause} ORDER BY id"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Text(kind.as_str()), Param::Uuid(org)])
            .await?;
        rows.iter().map(record_from).collect()
    }

    /// The visible records of `kind` whose stored body holds `text` (case-insensitive), newest
    /// first, at most `limit`.
    pub async fn search_records(
        &self,
        kind: RecordKind,
        vis: Visibility,
        text: &str,
        limit: u32,
    ) -> Result<Vec<ProgramRecord>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let pattern = crate::read::contains_pattern(text);
        let sql = |like: &str| {
            format!(
                "SELECT {COLUMNS} FROM program_records WHERE kind = $1 AND {clause} \
                 AND body {like} $3 ESCAPE '\\' ORDER BY id DESC LIMIT $4"
            )
        };
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql("LIKE"),
                sql("ILIKE"),
                &[
                    Param::Text(kind.as_str()),
                    Param::Uuid(org),
                    Param::Text(&pattern),
                    Param::Int(i64::from(limit)),
                ],
            )
            .await?;
        rows.iter().map(record_from).collect()
    }

    /// The visible records whose parent is `parent` (a program's consignments), oldest first;
    /// with `key`, only those with that key (a destination's consignments).
    pub async fn children(
        &self,
        parent: Uuid,
        key: Option<&str>,
        vis: Visibility,
    ) -> Result<Vec<ProgramRecord>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let keyed = if key.is_some() { " AND key = $3" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM program_records WHERE parent_id = $1 AND {clause}{keyed} ORDER BY id"
        );
        let mut params = vec![Param::Uuid(parent), Param::Uuid(org)];
        if let Some(key) = key {
            params.push(Param::Text(key));
        }
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &params).await?;
        rows.iter().map(record_from).collect()
    }

    /// An evidence document, if visible.
    pub async fn evidence(
        &self,
        sha256: &str,
        vis: Visibility,
    ) -> Result<Option<EvidenceDocument>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let sql = format!(
            "SELECT org_id, sha256, file_name, content_type, bytes, created_at \
             FROM evidence_documents WHERE sha256 = $1 AND {clause} ORDER BY created_at LIMIT 1"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Text(sha256), Param::Uuid(org)])
            .await?;
        let Some(row) = rows.first() else { return Ok(None) };
        Ok(Some(EvidenceDocument {
            org_id: row.uuid("org_id")?,
            sha256: row.text("sha256")?,
            file_name: row.text("file_name")?,
            content_type: row.text("content_type")?,
            bytes: row.bytes("bytes")?,
            created_at: row.int("created_at")?,
        }))
    }
}
