//! Reading operators' decisions on screening hits. Staff read through a [`Visibility`] (a
//! provider sees its own; a client none); screening an assessment reads the decisions of the
//! provider serving the assessment's organisation under [`System::Screening`].

use uuid::Uuid;

use crate::db::{Param, Row, Sql};
use crate::model::{ScreeningDecision, System, Visibility};
use crate::{Store, StoreError};

const COLUMNS: &str = "id, provider_id, party_key, party_name, list, entry_id, entry_name, \
     entry_fingerprint, verdict, reason, assessment_id, decided_by, decided_at";

/// The most decisions listed (the newest).
pub const MAX_LISTED: u32 = 500;

pub(crate) const INSERT: Sql = Sql::both(
    "INSERT INTO screening_decisions (id, provider_id, party_key, party_name, list, entry_id, \
     entry_name, entry_fingerprint, verdict, reason, assessment_id, decided_by, decided_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
);

fn decision_from(row: &Row) -> Result<ScreeningDecision, StoreError> {
    Ok(ScreeningDecision {
        id: row.uuid("id")?,
        provider_id: row.uuid("provider_id")?,
        party_key: row.text("party_key")?,
        party_name: row.text("party_name")?,
        list: row.text("list")?,
        entry_id: row.text("entry_id")?,
        entry_name: row.text("entry_name")?,
        entry_fingerprint: row.text("entry_fingerprint")?,
        verdict: row.text("verdict")?,
        reason: row.text("reason")?,
        assessment_id: row.uuid("assessment_id")?,
        decided_by: row.text("decided_by")?,
        decided_at: row.int("decided_at")?,
    })
}

pub(crate) fn params(d: &ScreeningDecision) -> Vec<Param<'_>> {
    vec![
        Param::Uuid(d.id),
        Param::Uuid(d.provider_id),
        Param::Text(&d.party_key),
        Param::Text(&d.party_name),
        Param::Text(&d.list),
        Param::Text(&d.entry_id),
        Param::Text(&d.entry_name),
        Param::Text(&d.entry_fingerprint),
        Param::Text(&d.verdict),
        Param::Text(&d.reason),
        Param::Uuid(d.assessment_id),
        Param::Text(&d.decided_by),
        Param::Int(d.decided_at),
    ]
}

impl Store {
    /// The current decision on each party and entry of `provider` (the latest row of each),
    /// for screening an assessment of an organisation it serves.
    pub async fn screening_decisions_for(
        &self,
        _why: System,
        provider: Uuid,
    ) -> Result<Vec<ScreeningDecision>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM screening_decisions WHERE seq IN (SELECT MAX(seq) FROM \
             screening_decisions WHERE provider_id = $1 GROUP BY party_key, list, entry_id) \
             ORDER BY seq"
        );
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(provider)]).await?;
        rows.iter().map(decision_from).collect()
    }

    /// The visible provider's decisions, newest first (at most [`MAX_LISTED`]), superseded
    /// ones included; a client sees none.
    pub async fn screening_decision_history(
        &self,
        vis: Visibility,
    ) -> Result<Vec<ScreeningDecision>, StoreError> {
        let Visibility::Provider(provider) = vis else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT {COLUMNS} FROM screening_decisions WHERE provider_id = $1 ORDER BY seq DESC \
             LIMIT $2"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql.clone(),
                sql,
                &[Param::Uuid(provider), Param::Int(MAX_LISTED.into())],
            )
            .await?;
        rows.iter().map(decision_from).collect()
    }

    /// Every decision (for the audit's stored states).
    pub(crate) async fn all_screening_decisions(
        &self,
    ) -> Result<Vec<ScreeningDecision>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM screening_decisions ORDER BY seq");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[]).await?;
        rows.iter().map(decision_from).collect()
    }
}
