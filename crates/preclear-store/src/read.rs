//! Reading: every query that returns tenant data takes a [`Visibility`], so a caller can only
//! ever see what its organisation may see.

use std::collections::HashMap;
use std::str::FromStr as _;

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::audit::{
    Anchor, AuditEvent, BrokenLink, ChainReport, EventFilter, GENESIS, NewEvent, VerifyReport,
    event_hash, sha256_hex,
};
use crate::commit::{join_categories, split_categories};
use crate::db::{Param, Row, Sql};
use crate::digest::{self, State};
use crate::model::{
    ApiKey, AssessmentCount, AssessmentFilter, AssessmentRecord, AssessmentSummary, DatasetKind,
    Deployment, LandedCostSummary, Micros, Org, OrgKind, Session, System, User, Visibility,
};
use crate::{Store, StoreError};

const ORG_COLUMNS: &str = "id, name, kind, provider_id, created_at";
const USER_COLUMNS: &str = "id, org_id, username, password_hash, role, created_at, disabled_at";
const KEY_COLUMNS: &str =
    "id, org_id, prefix, secret_hash, role, label, created_by, created_at, revoked_at";
const SUMMARY_COLUMNS: &str = "id, org_id, reference, client_name, business_unit, origin, \
    destination, categories, verdict, as_of, kb_version, engine_version, currency, created_by, created_at";
const EVENT_COLUMNS: &str = "org_id, seq, id, at, actor, action, object_type, object_id, country, \
    business_unit, categories, before, after, prev_hash, hash, state_object, state_sha256";

/// The landed-cost column: decimal text on SQLite, NUMERIC cast to text on PostgreSQL.
const TOTAL_SQLITE: &str =
    "total_landed_cost, landed_cost_low, landed_cost_high, landed_cost_complete";
const TOTAL_POSTGRES: &str = "total_landed_cost::text AS total_landed_cost, \
    landed_cost_low::text AS landed_cost_low, landed_cost_high::text AS landed_cost_high, \
    landed_cost_complete";

/// The SQL condition `org_id` visible under `vis`, with `$n` as the organisation parameter.
pub(crate) fn visible(column: &str, vis: Visibility, n: usize) -> (String, Uuid) {
    match vis {
        Visibility::Own(org) => (format!("{column} = ${n}"), org),
        Visibility::Provider(org) => (
            format!(
                "{column} IN (SELECT id FROM organisations WHERE id = ${n} OR provider_id = ${n})"
            ),
            org,
        ),
    }
}

fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, StoreError> {
    text.parse().map_err(StoreError::Corrupt)
}

fn org_from(row: &Row) -> Result<Org, StoreError> {
    Ok(Org {
        id: row.uuid("id")?,
        name: row.text("name")?,
        kind: parse::<OrgKind>(&row.text("kind")?)?,
        provider_id: row.opt_uuid("provider_id")?,
        created_at: row.int("created_at")?,
    })
}

fn user_from(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: row.uuid("id")?,
        org_id: row.uuid("org_id")?,
        username: row.text("username")?,
        password_hash: row.text("password_hash")?,
        role: parse(&row.text("role")?)?,
        created_at: row.int("created_at")?,
        disabled_at: row.opt_int("disabled_at")?,
    })
}

pub(crate) fn key_from(row: &Row) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: row.uuid("id")?,
        org_id: row.uuid("org_id")?,
        prefix: row.text("prefix")?,
        secret_hash: row.text("secret_hash")?,
        role: parse(&row.text("role")?)?,
        label: row.text("label")?,
        created_by: row.text("created_by")?,
        created_at: row.int("created_at")?,
        revoked_at: row.opt_int("revoked_at")?,
    })
}

fn summary_from(row: &Row) -> Result<AssessmentSummary, StoreError> {
    let amount = |column: &str| -> Result<Option<Decimal>, StoreError> {
        match row.opt_text(column)? {
            Some(text) => Decimal::from_str_exact(&text)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("{column} `{text}`: {e}"))),
            None => Ok(None),
        }
    };
    let total = amount("total_landed_cost")?;
    let landed_cost = match (amount("landed_cost_low")?, row.opt_bool("landed_cost_complete")?) {
        (Some(low), Some(complete)) => {
            Some(LandedCostSummary { low, high: amount("landed_cost_high")?, complete })
        }
        _ => None,
    };
    Ok(AssessmentSummary {
        id: row.uuid("id")?,
        org_id: row.uuid("org_id")?,
        reference: row.text("reference")?,
        client_name: row.text("client_name")?,
        business_unit: row.opt_text("business_unit")?,
        origin: row.text("origin")?,
        destination: row.text("destination")?,
        categories: split_categories(&row.text("categories")?),
        verdict: row.text("verdict")?,
        as_of: row.text("as_of")?,
        kb_version: row.text("kb_version")?,
        engine_version: row.text("engine_version")?,
        currency: row.text("currency")?,
        total_landed_cost: total,
        landed_cost,
        created_by: row.text("created_by")?,
        created_at: row.int("created_at")?,
    })
}

fn event_from(row: &Row) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: row.int("seq")?,
        event: NewEvent {
            id: row.uuid("id")?,
            org_id: row.uuid("org_id")?,
            at: row.int("at")?,
            actor: row.text("actor")?,
            action: row.text("action")?,
            object_type: row.text("object_type")?,
            object_id: row.text("object_id")?,
            country: row.opt_text("country")?,
            business_unit: row.opt_text("business_unit")?,
            categories: split_categories(&row.opt_text("categories")?.unwrap_or_default()),
            before: row.opt_text("before")?,
            after: row.opt_text("after")?,
        },
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
        state_object: row.opt_text("state_object")?,
        state_sha256: row.opt_text("state_sha256")?,
    })
}

/// `LIKE` pattern for a substring, with the wildcards in it escaped.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.pool.fetch_all(Sql::both("SELECT 1"), &[]).await.map(|_| ())
    }

    /// An organisation by name.
    pub async fn org_by_name(&self, _why: System, name: &str) -> Result<Option<Org>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE name = $1");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Text(name)]).await?;
        rows.first().map(org_from).transpose()
    }

    /// An organisation by id, if visible.
    pub async fn org(&self, id: Uuid, vis: Visibility) -> Result<Option<Org>, StoreError> {
        let (clause, org) = visible("id", vis, 2);
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1 AND {clause}");
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(id), Param::Uuid(org)])
            .await?;
        rows.first().map(org_from).transpose()
    }

    /// The organisations visible, by name.
    pub async fn orgs(&self, vis: Visibility) -> Result<Vec<Org>, StoreError> {
        let (clause, org) = visible("id", vis, 1);
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE {clause} ORDER BY name");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(org)]).await?;
        rows.iter().map(org_from).collect()
    }

    /// Every organisation, by name (for the shell and the audit check).
    pub async fn all_orgs(&self, _why: System) -> Result<Vec<Org>, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations ORDER BY name");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[]).await?;
        rows.iter().map(org_from).collect()
    }

    /// How many users exist (zero on a new database).
    pub async fn count_users(&self, _why: System) -> Result<i64, StoreError> {
        let rows = self.pool.fetch_all(Sql::both("SELECT COUNT(*) AS n FROM users"), &[]).await?;
        rows.first().map_or(Ok(0), |r| r.int("n"))
    }

    /// A user by sign-in name.
    pub async fn user_by_name(
        &self,
        _why: System,
        username: &str,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Text(username)]).await?;
        rows.first().map(user_from).transpose()
    }

    /// The users visible, by name.
    /// One user, if visible.
    pub async fn user(&self, id: Uuid, vis: Visibility) -> Result<Option<User>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND {clause}");
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(id), Param::Uuid(org)])
            .await?;
        rows.first().map(user_from).transpose()
    }

    pub async fn users(&self, vis: Visibility) -> Result<Vec<User>, StoreError> {
        let (clause, org) = visible("org_id", vis, 1);
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {clause} ORDER BY username");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(org)]).await?;
        rows.iter().map(user_from).collect()
    }

    /// An API key by its public prefix (for authentication).
    pub async fn api_key_by_prefix(
        &self,
        _why: System,
        prefix: &str,
    ) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE prefix = $1");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Text(prefix)]).await?;
        rows.first().map(key_from).transpose()
    }

    /// An API key by its public prefix, with its organisation: what authentication needs, in
    /// one query.
    pub async fn api_key_with_org(
        &self,
        _why: System,
        prefix: &str,
    ) -> Result<Option<(ApiKey, Org)>, StoreError> {
        let key_columns: Vec<String> = KEY_COLUMNS.split(", ").map(|c| format!("k.{c}")).collect();
        let sql = format!(
            "SELECT {}, o.name, o.kind, o.provider_id, o.created_at AS org_created_at \
             FROM api_keys k JOIN organisations o ON o.id = k.org_id WHERE k.prefix = $1",
            key_columns.join(", ")
        );
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Text(prefix)]).await?;
        let Some(row) = rows.first() else { return Ok(None) };
        let key = key_from(row)?;
        let org = Org {
            id: key.org_id,
            name: row.text("name")?,
            kind: parse::<OrgKind>(&row.text("kind")?)?,
            provider_id: row.opt_uuid("provider_id")?,
            created_at: row.int("org_created_at")?,
        };
        Ok(Some((key, org)))
    }

    /// A session that is live at `now` (not ended, not expired, its user not disabled), with
    /// its user and organisation: what a signed-in page needs, in one query.
    pub async fn live_session(
        &self,
        _why: System,
        token_sha256: &str,
        now: Micros,
    ) -> Result<Option<(Session, User, Org)>, StoreError> {
        let user_columns: Vec<String> =
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        let sql = format!(
            "SELECT {}, s.token_sha256, s.created_at AS session_created_at, s.expires_at, \
             o.name, o.kind, o.provider_id, o.created_at AS org_created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = s.org_id \
             WHERE s.token_sha256 = $1 AND s.ended_at IS NULL AND s.expires_at > $2 \
             AND u.disabled_at IS NULL",
            user_columns.join(", ")
        );
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Text(token_sha256), Param::Int(now)])
            .await?;
        let Some(row) = rows.first() else { return Ok(None) };
        let user = user_from(row)?;
        let session = Session {
            token_sha256: row.text("token_sha256")?,
            user_id: user.id,
            org_id: user.org_id,
            created_at: row.int("session_created_at")?,
            expires_at: row.int("expires_at")?,
            ended_at: None,
        };
        let org = Org {
            id: user.org_id,
            name: row.text("name")?,
            kind: parse::<OrgKind>(&row.text("kind")?)?,
            provider_id: row.opt_uuid("provider_id")?,
            created_at: row.int("org_created_at")?,
        };
        Ok(Some((session, user, org)))
    }

    /// An API key by id, if visible.
    pub async fn api_key(&self, id: Uuid, vis: Visibility) -> Result<Option<ApiKey>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1 AND {clause}");
        let rows = self
            .pool
            .fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(id), Param::Uuid(org)])
            .await?;
        rows.first().map(key_from).transpose()
    }

    /// The API keys visible, newest first.
    pub async fn api_keys(&self, vis: Visibility) -> Result<Vec<ApiKey>, StoreError> {
        let (clause, org) = visible("org_id", vis, 1);
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE {clause} ORDER BY id DESC");
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(org)]).await?;
        rows.iter().map(key_from).collect()
    }

    /// Stores a KB snapshot (the files, as JSON) under its version, once. Returns whether it
    /// was new.
    pub async fn save_kb_version(
        &self,
        version: &str,
        files_json: &str,
        at: Micros,
    ) -> Result<bool, StoreError> {
        let n = self
            .pool
            .execute(
                Sql::both(
                    "INSERT INTO kb_versions (version, files, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                ),
                &[Param::Text(version), Param::Text(files_json), Param::Int(at)],
            )
            .await?;
        Ok(n == 1)
    }

    /// The current deployment of a dataset kind (its latest), if any.
    pub async fn current_deployment(
        &self,
        kind: DatasetKind,
    ) -> Result<Option<Deployment>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT seq, kind, version, action, actor, deployed_at FROM dataset_deployments \
                     WHERE kind = $1 ORDER BY seq DESC LIMIT 1",
                ),
                &[Param::Text(kind.as_str())],
            )
            .await?;
        rows.first().map(deployment_from).transpose()
    }

    /// Every deployment of a dataset kind, oldest first.
    pub async fn deployments(&self, kind: DatasetKind) -> Result<Vec<Deployment>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT seq, kind, version, action, actor, deployed_at FROM dataset_deployments \
                     WHERE kind = $1 ORDER BY seq",
                ),
                &[Param::Text(kind.as_str())],
            )
            .await?;
        rows.iter().map(deployment_from).collect()
    }

    /// The files of a stored KB version, as JSON.
    pub async fn kb_version_files(&self, version: &str) -> Result<Option<String>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both("SELECT files FROM kb_versions WHERE version = $1"),
                &[Param::Text(version)],
            )
            .await?;
        rows.first().map(|r| r.text("files")).transpose()
    }

    /// The stored body of a list version (the set of list files, as JSON), if stored.
    pub async fn list_version_body(&self, version: &str) -> Result<Option<String>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both("SELECT body FROM list_versions WHERE version = $1"),
                &[Param::Text(version)],
            )
            .await?;
        rows.first().map(|r| r.text("body")).transpose()
    }

    /// One assessment with its request and result, if visible.
    pub async fn assessment(
        &self,
        id: Uuid,
        vis: Visibility,
    ) -> Result<Option<AssessmentRecord>, StoreError> {
        let (clause, org) = visible("org_id", vis, 2);
        let select = |total: &str| {
            format!(
                "SELECT {SUMMARY_COLUMNS}, {total}, request, result, request_sha256, result_sha256 \
                 FROM assessments WHERE id = $1 AND {clause}"
            )
        };
        let rows = self
            .pool
            .fetch_all_dynamic(
                select(TOTAL_SQLITE),
                select(TOTAL_POSTGRES),
                &[Param::Uuid(id), Param::Uuid(org)],
            )
            .await?;
        let Some(row) = rows.first() else { return Ok(None) };
        Ok(Some(AssessmentRecord {
            summary: summary_from(row)?,
            request: row.text("request")?,
            result: row.text("result")?,
            request_sha256: row.text("request_sha256")?,
            result_sha256: row.text("result_sha256")?,
        }))
    }

    /// The visible assessments whose screening raised a finding (`screening.match` or
    /// `screening.possible`), newest first, at most `limit`, with their stored results: where
    /// the operators' queue of hits to decide comes from. It reads the stored results with a
    /// pattern, so its cost grows with the assessments stored; `limit` bounds what it returns.
    pub async fn screened_assessments(
        &self,
        vis: Visibility,
        limit: u32,
    ) -> Result<Vec<(AssessmentSummary, String)>, StoreError> {
        let (clause, org) = visible("org_id", vis, 1);
        let select = |total: &str| {
            format!(
                "SELECT {SUMMARY_COLUMNS}, {total}, result FROM assessments WHERE {clause} AND \
                 (result LIKE '%\"screening.possible\"%' OR result LIKE '%\"screening.match\"%') \
                 ORDER BY id DESC LIMIT $2"
            )
        };
        let rows = self
            .pool
            .fetch_all_dynamic(
                select(TOTAL_SQLITE),
                select(TOTAL_POSTGRES),
                &[Param::Uuid(org), Param::Int(i64::from(limit))],
            )
            .await?;
        rows.iter().map(|row| Ok((summary_from(row)?, row.text("result")?))).collect()
    }

    /// Assessments visible and matching the filter, newest first, at most `filter.limit`.
    pub async fn assessments(
        &self,
        vis: Visibility,
        filter: &AssessmentFilter,
    ) -> Result<Vec<AssessmentSummary>, StoreError> {
        let (clause, org) = visible("org_id", vis, 1);
        let mut conditions = vec![clause];
        let mut params = vec![Param::Uuid(org)];
        let pattern = filter.text.as_deref().map(contains_pattern);
        let mut add = |param, condition: &str| {
            params.push(param);
            conditions.push(condition.replace("$?", &format!("${}", params.len())));
        };
        if let Some(id) = filter.org_id {
            add(Param::Uuid(id), "org_id = $?");
        }
        if let Some(destination) = &filter.destination {
            add(Param::Text(destination), "destination = $?");
        }
        if let Some(verdict) = &filter.verdict {
            add(Param::Text(verdict), "verdict = $?");
        }
        if let Some(from) = filter.from {
            add(Param::Int(from), "created_at >= $?");
        }
        if let Some(to) = filter.to {
            add(Param::Int(to), "created_at < $?");
        }
        if let Some(before) = filter.before_id {
            add(Param::Uuid(before), "id < $?");
        }
        if let Some(pattern) = &pattern {
            let condition = if filter.text_in_request {
                "(reference LIKE $? ESCAPE '\\' OR client_name LIKE $? ESCAPE '\\' OR request LIKE $? ESCAPE '\\')"
            } else {
                "(reference LIKE $? ESCAPE '\\' OR client_name LIKE $? ESCAPE '\\')"
            };
            add(Param::Text(pattern), condition);
        }
        params.push(Param::Int(i64::from(filter.limit)));
        let limit = params.len();
        let build = |total: &str, like: &str| {
            format!(
                "SELECT {SUMMARY_COLUMNS}, {total} FROM assessments WHERE {} ORDER BY id DESC LIMIT ${limit}",
                conditions.join(" AND ").replace("LIKE", like)
            )
        };
        let rows = self
            .pool
            .fetch_all_dynamic(build(TOTAL_SQLITE, "LIKE"), build(TOTAL_POSTGRES, "ILIKE"), &params)
            .await?;
        rows.iter().map(summary_from).collect()
    }

    /// How many assessments are visible, by organisation, destination and verdict.
    pub async fn assessment_counts(
        &self,
        vis: Visibility,
    ) -> Result<Vec<AssessmentCount>, StoreError> {
        let (clause, org) = visible("org_id", vis, 1);
        let sql = format!(
            "SELECT org_id, destination, verdict, COUNT(*) AS n FROM assessments WHERE {clause} \
             GROUP BY org_id, destination, verdict ORDER BY org_id, destination, verdict"
        );
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &[Param::Uuid(org)]).await?;
        rows.iter()
            .map(|row| {
                Ok(AssessmentCount {
                    org_id: row.uuid("org_id")?,
                    destination: row.text("destination")?,
                    verdict: row.text("verdict")?,
                    count: row.int("n")?,
                })
            })
            .collect()
    }

    /// An organisation's events in chain order, from `after_seq + 1`, at most `limit`,
    /// filtered.
    pub async fn audit_events(
        &self,
        _why: System,
        org: Uuid,
        filter: &EventFilter,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut conditions = vec!["org_id = $1".to_owned(), "seq > $2".to_owned()];
        let categories;
        let category_pattern;
        let mut params = vec![Param::Uuid(org), Param::Int(after_seq)];
        if let Some(from) = filter.from {
            params.push(Param::Int(from));
            conditions.push(format!("at >= ${}", params.len()));
        }
        if let Some(to) = filter.to {
            params.push(Param::Int(to));
            conditions.push(format!("at < ${}", params.len()));
        }
        if let Some(country) = &filter.country {
            params.push(Param::Text(country));
            conditions.push(format!("country = ${}", params.len()));
        }
        if let Some(unit) = &filter.business_unit {
            params.push(Param::Text(unit));
            conditions.push(format!("business_unit = ${}", params.len()));
        }
        if let Some(category) = &filter.category {
            categories = join_categories(std::slice::from_ref(category));
            category_pattern = contains_pattern(&categories);
            params.push(Param::Text(&category_pattern));
            conditions.push(format!("categories LIKE ${} ESCAPE '\\'", params.len()));
        }
        params.push(Param::Int(i64::from(limit)));
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events WHERE {} ORDER BY seq LIMIT ${}",
            conditions.join(" AND "),
            params.len()
        );
        let rows = self.pool.fetch_all_dynamic(sql.clone(), sql, &params).await?;
        rows.iter().map(event_from).collect()
    }

    /// The event that created an object of `object_type` named `object_id` (`comparison`, its
    /// id), if its organisation is visible.
    pub async fn creation_event(
        &self,
        vis: Visibility,
        object_type: &str,
        object_id: &str,
        action: &str,
    ) -> Result<Option<AuditEvent>, StoreError> {
        let (clause, org) = visible("org_id", vis, 4);
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events WHERE object_type = $1 AND object_id = $2 \
             AND action = $3 AND {clause} ORDER BY seq LIMIT 1"
        );
        let rows = self
            .pool
            .fetch_all_dynamic(
                sql.clone(),
                sql,
                &[
                    Param::Text(object_type),
                    Param::Text(object_id),
                    Param::Text(action),
                    Param::Uuid(org),
                ],
            )
            .await?;
        rows.first().map(event_from).transpose()
    }

    /// Recomputes every organisation's chain and reports, per organisation, the first broken
    /// link: a gap in the sequence, a `prev_hash` that is not the previous event's hash, a hash
    /// that does not match the event, a head that does not match the last event, a stored
    /// assessment that no longer matches the hash its creation event recorded, or a stored
    /// object (organisation, user, key, assessment, program record, evidence) whose state is
    /// not the last one its chain recorded, or that no event recorded at all.
    pub async fn verify_audit(&self, why: System) -> Result<VerifyReport, StoreError> {
        self.verify_audit_against(why, &[]).await
    }

    /// [`Store::verify_audit`], and each chain checked against its anchor: a chain shorter than
    /// its anchor lost events, a chain whose event at the anchor's place has another hash was
    /// rewritten.
    pub async fn verify_audit_against(
        &self,
        _why: System,
        anchors: &[Anchor],
    ) -> Result<VerifyReport, StoreError> {
        const PAGE: u32 = 2000;
        let mut chains = Vec::new();
        // The last state each chain recorded for each object: object → (org, seq, sha256).
        let mut recorded: HashMap<String, (Uuid, i64, String)> = HashMap::new();
        for org in self.all_orgs(System::Audit).await? {
            let anchor = anchors.iter().find(|a| a.org_id == org.id);
            let mut expected_seq = 1;
            let mut prev = GENESIS.to_owned();
            let mut broken = None;
            'pages: loop {
                let page = self
                    .audit_events(
                        System::Audit,
                        org.id,
                        &EventFilter::default(),
                        expected_seq - 1,
                        PAGE,
                    )
                    .await?;
                let done = page.len() < PAGE as usize;
                for event in page {
                    let mut reason = self.check_link(&event, expected_seq, &prev).await?;
                    if reason.is_none()
                        && let Some(anchor) = anchor.filter(|a| a.seq == event.seq)
                        && anchor.hash != event.hash
                    {
                        reason = Some(format!(
                            "the chain was rewritten: event {} is not the one anchored",
                            event.seq
                        ));
                    }
                    if let Some(reason) = reason {
                        broken = Some(BrokenLink { seq: event.seq, reason });
                        break 'pages;
                    }
                    if let (Some(object), Some(sha256)) = (&event.state_object, &event.state_sha256)
                    {
                        recorded.insert(object.clone(), (org.id, event.seq, sha256.clone()));
                    }
                    prev = event.hash;
                    expected_seq += 1;
                }
                if done {
                    break;
                }
            }
            let checked = expected_seq - 1;
            if broken.is_none() {
                broken = self.check_head(org.id, checked, &prev).await?;
            }
            if broken.is_none()
                && let Some(anchor) = anchor.filter(|a| a.seq > checked)
            {
                broken = Some(BrokenLink {
                    seq: checked + 1,
                    reason: format!(
                        "events {} to {} were removed: the anchor has {} events",
                        checked + 1,
                        anchor.seq,
                        anchor.seq
                    ),
                });
            }
            chains.push(ChainReport {
                org_id: org.id,
                org_name: org.name,
                events: checked,
                broken,
            });
        }
        // Every stored object must be in the state its chain recorded last (a database from
        // before states were recorded has none until its first start after the upgrade).
        // A chain already broken is reported where it breaks: its later events were not read.
        let states = if recorded.is_empty() { Vec::new() } else { self.stored_states().await? };
        let walked_broken: Vec<Uuid> =
            chains.iter().filter(|c| c.broken.is_some()).map(|c| c.org_id).collect();
        for (org_id, state) in states {
            if walked_broken.contains(&org_id) {
                continue;
            }
            let problem = match recorded.get(&state.object.0) {
                Some((_, _, sha256)) if *sha256 == state.sha256 => None,
                Some((_, seq, _)) => Some(BrokenLink {
                    seq: *seq,
                    reason: format!(
                        "{} was changed outside preclear: it is not in the state event {seq} recorded",
                        state.object.0
                    ),
                }),
                None => Some(BrokenLink {
                    seq: 0,
                    reason: format!("{} is stored, but no event records it", state.object.0),
                }),
            };
            if let Some(problem) = problem
                && let Some(chain) = chains.iter_mut().find(|c| c.org_id == org_id)
                && chain.broken.as_ref().is_none_or(|b| problem.seq < b.seq)
            {
                chain.broken = Some(problem);
            }
        }
        Ok(VerifyReport { chains })
    }

    /// Whether the stored head matches the last event checked.
    async fn check_head(
        &self,
        org: Uuid,
        checked: i64,
        last_hash: &str,
    ) -> Result<Option<BrokenLink>, StoreError> {
        let head = self
            .pool
            .fetch_all(
                Sql::both("SELECT seq, hash FROM audit_heads WHERE org_id = $1"),
                &[Param::Uuid(org)],
            )
            .await?;
        let head = head
            .first()
            .map(|r| Ok::<_, StoreError>((r.int("seq")?, r.text("hash")?)))
            .transpose()?;
        Ok(match head {
            Some((seq, hash)) if seq == checked && hash == last_hash => None,
            Some((seq, _)) if seq > checked => Some(BrokenLink {
                seq: checked + 1,
                reason: format!(
                    "the chain head is at event {seq}, but event {} is missing",
                    checked + 1
                ),
            }),
            _ => Some(BrokenLink {
                seq: checked,
                reason: "the chain head does not match the last event".into(),
            }),
        })
    }

    /// Every chain's head, to keep outside the database as an [`Anchor`].
    pub async fn audit_heads(&self, _why: System) -> Result<Vec<Anchor>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT h.org_id, o.name, h.seq, h.hash FROM audit_heads h \
                     JOIN organisations o ON o.id = h.org_id ORDER BY o.name",
                ),
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Anchor {
                    org_id: r.uuid("org_id")?,
                    org_name: r.text("name")?,
                    seq: r.int("seq")?,
                    hash: r.text("hash")?,
                })
            })
            .collect()
    }

    /// The state of every stored object a decision depends on, with the organisation whose
    /// chain records it.
    pub async fn stored_states(&self) -> Result<Vec<(Uuid, State)>, StoreError> {
        let mut states = Vec::new();
        for org in self.all_orgs(System::Audit).await? {
            states.push((org.id, digest::org(&org)));
        }
        let sql = |text: String| (text.clone(), text);
        let (a, b) = sql(format!("SELECT {USER_COLUMNS} FROM users"));
        for row in self.pool.fetch_all_dynamic(a, b, &[]).await? {
            let user = user_from(&row)?;
            states.push((user.org_id, digest::user(&user)));
        }
        let (a, b) = sql(format!("SELECT {KEY_COLUMNS} FROM api_keys"));
        for row in self.pool.fetch_all_dynamic(a, b, &[]).await? {
            let key = key_from(&row)?;
            states.push((key.org_id, digest::api_key(&key)));
        }
        let assessments = |total: &str| {
            format!(
                "SELECT {SUMMARY_COLUMNS}, {total}, request_sha256, result_sha256 FROM assessments"
            )
        };
        for row in self
            .pool
            .fetch_all_dynamic(assessments(TOTAL_SQLITE), assessments(TOTAL_POSTGRES), &[])
            .await?
        {
            let summary = summary_from(&row)?;
            let state = digest::assessment(
                &summary,
                &row.text("request_sha256")?,
                &row.text("result_sha256")?,
            );
            states.push((summary.org_id, state));
        }
        let (a, b) = sql(format!("SELECT {} FROM program_records", crate::records::COLUMNS));
        for row in self.pool.fetch_all_dynamic(a, b, &[]).await? {
            let record = crate::records::record_from(&row)?;
            states.push((record.org_id, digest::record(&record)));
        }
        let (a, b) = sql("SELECT org_id, sha256, size FROM evidence_documents".to_owned());
        for row in self.pool.fetch_all_dynamic(a, b, &[]).await? {
            let org = row.uuid("org_id")?;
            states.push((org, digest::evidence_of(org, &row.text("sha256")?, row.int("size")?)));
        }
        for edition in self.all_price_list_editions().await? {
            states.push((edition.provider_id, digest::price_list(&edition)));
        }
        for decision in self.all_screening_decisions().await? {
            states.push((decision.provider_id, digest::screening_decision(&decision)));
        }
        Ok(states)
    }

    /// Whether any event has recorded a state (none has in a database from before states were
    /// recorded, until its baseline).
    pub async fn states_recorded(&self) -> Result<bool, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                Sql::both(
                    "SELECT 1 AS one FROM audit_events WHERE state_sha256 IS NOT NULL LIMIT 1",
                ),
                &[],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    async fn check_link(
        &self,
        event: &AuditEvent,
        expected_seq: i64,
        prev: &str,
    ) -> Result<Option<String>, StoreError> {
        if event.seq != expected_seq {
            return Ok(Some(format!("event {expected_seq} is missing (next is {})", event.seq)));
        }
        if event.prev_hash != prev {
            return Ok(Some("its prev_hash is not the previous event's hash".into()));
        }
        let state = event.state_object.as_deref().zip(event.state_sha256.as_deref());
        if event_hash(&event.event, event.seq, prev, state) != event.hash {
            return Ok(Some("its content does not match its hash".into()));
        }
        if event.event.action == "assessment.created" {
            return self.check_assessment(&event.event).await;
        }
        Ok(None)
    }

    /// Whether the stored assessment still matches what its creation event recorded.
    async fn check_assessment(&self, event: &NewEvent) -> Result<Option<String>, StoreError> {
        let recorded: Option<serde_json::Value> =
            event.after.as_deref().and_then(|a| serde_json::from_str(a).ok());
        let recorded_hash = |field: &str| {
            recorded.as_ref().and_then(|v| v.get(field)).and_then(|v| v.as_str()).map(str::to_owned)
        };
        let Ok(id) = Uuid::from_str(&event.object_id) else {
            return Ok(Some(format!("assessment id `{}` is not a UUID", event.object_id)));
        };
        let Some(record) = self.assessment(id, Visibility::Own(event.org_id)).await? else {
            return Ok(Some(format!("assessment {id} is missing")));
        };
        if sha256_hex(&record.request) != record.request_sha256
            || recorded_hash("request_sha256").as_deref() != Some(&record.request_sha256)
        {
            return Ok(Some(format!("assessment {id}: the stored request was altered")));
        }
        if sha256_hex(&record.result) != record.result_sha256
            || recorded_hash("result_sha256").as_deref() != Some(&record.result_sha256)
        {
            return Ok(Some(format!("assessment {id}: the stored result was altered")));
        }
        Ok(None)
    }
}

fn deployment_from(row: &Row) -> Result<Deployment, StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(e);
    Ok(Deployment {
        seq: row.int("seq")?,
        kind: row.text("kind")?.parse().map_err(corrupt)?,
        version: row.text("version")?,
        action: row.text("action")?.parse().map_err(corrupt)?,
        actor: row.text("actor")?,
        deployed_at: row.int("deployed_at")?,
    })
}
