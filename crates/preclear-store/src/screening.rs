//! Reading operators' decisions on screening hits. Staff read through a [`Visibility`] (a
//! provider sees its own; a client none); screening an assessment reads the decisions of the
//! provider serving the assessment's organisation under [`System::Screening`].

use uuid::Uuid;

use crate::db::{Param, Row, Sql};
use crate::model::{ScreeningAlert, ScreeningDecision, System, Visibility};
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

const ALERT_COLUMNS: &str = "id, provider_id, assessment_id, role, party_key, party_name, list, \
     entry_id, entry_name, entry_fingerprint, matched_name, score, band, programs, explanation, \
     list_version, created_at";

pub(crate) const INSERT_ALERT: Sql = Sql::both(
    "INSERT INTO screening_alerts (id, provider_id, assessment_id, role, party_key, party_name, \
     list, entry_id, entry_name, entry_fingerprint, matched_name, score, band, programs, \
     explanation, list_version, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
);

pub(crate) fn alert_params(a: &ScreeningAlert) -> Vec<Param<'_>> {
    vec![
        Param::Uuid(a.id),
        Param::Uuid(a.provider_id),
        Param::Uuid(a.assessment_id),
        Param::Text(&a.role),
        Param::Text(&a.party_key),
        Param::Text(&a.party_name),
        Param::Text(&a.list),
        Param::Text(&a.entry_id),
        Param::Text(&a.entry_name),
        Param::Text(&a.entry_fingerprint),
        Param::Text(&a.matched_name),
        Param::Text(&a.score),
        Param::Text(&a.band),
        Param::Text(&a.programs),
        Param::Text(&a.explanation),
        Param::Text(&a.list_version),
        Param::Int(a.created_at),
    ]
}

fn alert_from(row: &Row) -> Result<ScreeningAlert, StoreError> {
    Ok(ScreeningAlert {
        id: row.uuid("id")?,
        provider_id: row.uuid("provider_id")?,
        assessment_id: row.uuid("assessment_id")?,
        role: row.text("role")?,
        party_key: row.text("party_key")?,
        party_name: row.text("party_name")?,
        list: row.text("list")?,
        entry_id: row.text("entry_id")?,
        entry_name: row.text("entry_name")?,
        entry_fingerprint: row.text("entry_fingerprint")?,
        matched_name: row.text("matched_name")?,
        score: row.text("score")?,
        band: row.text("band")?,
        programs: row.text("programs")?,
        explanation: row.text("explanation")?,
        list_version: row.text("list_version")?,
        created_at: row.int("created_at")?,
    })
}

impl Store {
    /// The visible provider's re-screening alerts, newest first (at most [`MAX_LISTED`]); a
    /// client sees none.
    pub async fn screening_alerts(
        &self,
        vis: Visibility,
    ) -> Result<Vec<ScreeningAlert>, StoreError> {
        self.newest_of_provider("screening_alerts", ALERT_COLUMNS, vis, alert_from).await
    }

    /// The newest alert of the visible provider on a party of an assessment and an entry.
    pub async fn screening_alert(
        &self,
        vis: Visibility,
        assessment: Uuid,
        (role, list, entry_id): (&str, &str, &str),
    ) -> Result<Option<ScreeningAlert>, StoreError> {
        let Visibility::Provider(provider) = vis else { return Ok(None) };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM screening_alerts WHERE provider_id = $1 AND \
             assessment_id = $2 AND role = $3 AND list = $4 AND entry_id = $5 ORDER BY seq DESC LIMIT 1"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql.clone(),
                sql,
                &[
                    Param::Uuid(provider),
                    Param::Uuid(assessment),
                    Param::Text(role),
                    Param::Text(list),
                    Param::Text(entry_id),
                ],
            )
            .await?;
        rows.first().map(alert_from).transpose()
    }

    /// The screening sections (the `screening` object of the stored result, as JSON) of the
    /// assessments of `provider` and its clients older than `before` (all when `None`), newest
    /// first, at most `page`: where re-screening finds the parties of open work, a page at a
    /// time so that memory stays bounded however many assessments are stored.
    pub async fn screened_parties_page(
        &self,
        _why: System,
        provider: Uuid,
        before: Option<Uuid>,
        page: u32,
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        let (clause, org) = crate::read::visible("org_id", Visibility::Provider(provider), 1);
        let sqlite = format!(
            "SELECT id, json_extract(result, '$.screening') AS screening FROM assessments \
             WHERE {clause} AND ($2 IS NULL OR id < $2) AND result LIKE '%\"screening\":%' \
             ORDER BY id DESC LIMIT $3"
        );
        let postgres = format!(
            "SELECT id, (result::json)->>'screening' AS screening FROM assessments \
             WHERE {clause} AND ($2::uuid IS NULL OR id < $2) AND result LIKE '%\"screening\":%' \
             ORDER BY id DESC LIMIT $3"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sqlite,
                postgres,
                &[Param::Uuid(org), Param::OptUuid(before), Param::Int(i64::from(page))],
            )
            .await?;
        rows.iter()
            .map(|row| Ok((row.uuid("id")?, row.opt_text("screening")?.unwrap_or_default())))
            .collect()
    }

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
        self.newest_of_provider("screening_decisions", COLUMNS, vis, decision_from).await
    }

    /// Every decision (for the audit's stored states).
    pub(crate) async fn all_screening_decisions(
        &self,
    ) -> Result<Vec<ScreeningDecision>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM screening_decisions ORDER BY seq");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[]).await?;
        rows.iter().map(decision_from).collect()
    }

    /// The newest rows of `table` (a screening table with `provider_id` and `seq`) of the
    /// visible provider, at most [`MAX_LISTED`]; a client sees none.
    async fn newest_of_provider<T>(
        &self,
        table: &str,
        columns: &str,
        vis: Visibility,
        from: fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let Visibility::Provider(provider) = vis else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE provider_id = $1 ORDER BY seq DESC LIMIT $2"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql.clone(),
                sql,
                &[Param::Uuid(provider), Param::Int(MAX_LISTED.into())],
            )
            .await?;
        rows.iter().map(from).collect()
    }
}
