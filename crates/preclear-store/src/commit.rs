//! Writing: every state change is a [`Change`] — a mutation and the audit event that records it —
//! and a batch of changes commits in one transaction, so a change and its event are stored
//! together or not at all. [`GroupCommitter`] gathers concurrent changes into batches (group
//! commit): one transaction, and one disk sync, for many acknowledged writes.

use std::collections::{BTreeSet, HashMap};

use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::audit::{GENESIS, NewEvent, event_hash};
use crate::db::{Param, Sql, Tx};
use crate::digest::{self, State};
use crate::model::{
    ApiKey, AssessmentRecord, DatasetKind, Deployment, EvidenceDocument, Micros, Org,
    PriceListEdition, ProgramRecord, ScreeningAlert, ScreeningDecision, Session, User,
};
use crate::read::key_from;
use crate::{Store, StoreError};

/// A state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// Nothing changes but the audit trail (an event worth recording, such as an export).
    Nothing,
    /// A new organisation (its audit chain starts with the change's event).
    InsertOrg(Org),
    /// A new user.
    InsertUser(User),
    /// A user changed: its password (every open session of it ended), its role, or
    /// deactivated / reactivated (a deactivated user's sessions end too).
    UpdateUser {
        /// The user as it is after the change.
        user: User,
        /// When (the sessions' end).
        at: Micros,
    },
    /// A new API key.
    InsertApiKey(ApiKey),
    /// An API key revoked.
    RevokeApiKey {
        /// The key.
        id: Uuid,
        /// When.
        at: Micros,
    },
    /// A new assessment.
    InsertAssessment(Box<AssessmentRecord>),
    /// A user signed in.
    InsertSession(Session),
    /// A program record created (version 1) or changed (the next version).
    PutRecord(Box<ProgramRecord>),
    /// An evidence document uploaded (stored once per organisation and content).
    InsertEvidence(Box<EvidenceDocument>),
    /// A price-list edition published (or a scope's prices withdrawn: an edition without text).
    PublishPriceList(Box<PriceListEdition>),
    /// An operator's decision on a screening hit.
    DecideScreening(Box<ScreeningDecision>),
    /// The alerts of one re-screening (possibly none: the event records that it ran).
    RaiseScreeningAlerts(Vec<ScreeningAlert>),
    /// A dataset version made current, its body stored first when given (a KB version that is
    /// already stored, as for a rollback, needs none).
    Deploy {
        /// The deployment.
        deployment: Deployment,
        /// The version's body (for the KB: its files as JSON).
        body: Option<String>,
    },
    /// Nothing changes; the event records the state an object is found in (the baseline made
    /// once when a database from before states were recorded is upgraded).
    RecordState(State),
    /// A user signed out.
    EndSession {
        /// The session's key.
        token_sha256: String,
        /// When.
        at: Micros,
    },
}

/// A mutation and the audit event recording it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changes.
    pub mutation: Mutation,
    /// The event appended to the owning organisation's chain.
    pub event: NewEvent,
}

const INSERT_ORG: Sql = Sql::both(
    "INSERT INTO organisations (id, name, kind, provider_id, created_at) VALUES ($1, $2, $3, $4, $5)",
);
const INSERT_HEAD: Sql = Sql::both(
    "INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING",
);
const INSERT_USER: Sql = Sql::both(
    "INSERT INTO users (id, org_id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
);
const UPDATE_USER: Sql = Sql::both(
    "UPDATE users SET password_hash = $1, role = $2, disabled_at = $3 WHERE id = $4 AND org_id = $5",
);
const END_USER_SESSIONS: Sql =
    Sql::both("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL");
const INSERT_KEY: Sql = Sql::both(
    "INSERT INTO api_keys (id, org_id, prefix, secret_hash, role, label, created_by, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
);
const REVOKE_KEY: Sql =
    Sql::both("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL");
const INSERT_ASSESSMENT: Sql = Sql {
    sqlite: "INSERT INTO assessments (id, org_id, reference, client_name, business_unit, origin, \
             destination, categories, verdict, as_of, kb_version, engine_version, currency, \
             total_landed_cost, request, result, request_sha256, result_sha256, created_by, created_at, \
             landed_cost_low, landed_cost_high, landed_cost_complete) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
    postgres: "INSERT INTO assessments (id, org_id, reference, client_name, business_unit, origin, \
             destination, categories, verdict, as_of, kb_version, engine_version, currency, \
             total_landed_cost, request, result, request_sha256, result_sha256, created_by, created_at, \
             landed_cost_low, landed_cost_high, landed_cost_complete) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CAST($14 AS NUMERIC), $15, $16, $17, $18, $19, $20, \
             CAST($21 AS NUMERIC), CAST($22 AS NUMERIC), $23)",
};
const INSERT_SESSION: Sql = Sql::both(
    "INSERT INTO sessions (token_sha256, user_id, org_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
);
const END_SESSION: Sql =
    Sql::both("UPDATE sessions SET ended_at = $1 WHERE token_sha256 = $2 AND ended_at IS NULL");
const INSERT_RECORD: Sql = Sql::both(
    "INSERT INTO program_records (id, kind, org_id, parent_id, key, state, body, version, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
);
const UPDATE_RECORD: Sql = Sql::both(
    "UPDATE program_records SET key = $1, state = $2, body = $3, version = $4, updated_at = $5 \
     WHERE id = $6 AND kind = $7 AND org_id = $8 AND version = $9",
);
const INSERT_EVIDENCE: Sql = Sql::both(
    "INSERT INTO evidence_documents (org_id, sha256, file_name, content_type, size, bytes, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
);
const INSERT_KB_VERSION: Sql = Sql::both(
    "INSERT INTO kb_versions (version, files, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
);
const KB_VERSION_STORED: Sql = Sql::both("SELECT 1 AS n FROM kb_versions WHERE version = $1");
const INSERT_LIST_VERSION: Sql =
    Sql::both("INSERT INTO list_versions (version, body, created_at) VALUES ($1, $2, $3)");
const LIST_VERSION_STORED: Sql = Sql::both("SELECT 1 AS n FROM list_versions WHERE version = $1");
const INSERT_DEPLOYMENT: Sql = Sql::both(
    "INSERT INTO dataset_deployments (kind, version, action, actor, deployed_at) VALUES ($1, $2, $3, $4, $5)",
);
const LOCK_HEAD: Sql = Sql {
    sqlite: "SELECT seq, hash FROM audit_heads WHERE org_id = $1",
    postgres: "SELECT seq, hash FROM audit_heads WHERE org_id = $1 FOR UPDATE",
};
const KEY_BY_ID: Sql = Sql::both(
    "SELECT id, org_id, prefix, secret_hash, role, label, created_by, created_at, revoked_at \
     FROM api_keys WHERE id = $1",
);
const UPDATE_HEAD: Sql = Sql::both("UPDATE audit_heads SET seq = $1, hash = $2 WHERE org_id = $3");
const INSERT_EVENT: Sql = Sql::both(
    "INSERT INTO audit_events (org_id, seq, id, at, actor, action, object_type, object_id, country, \
     business_unit, categories, before, after, prev_hash, hash, state_object, state_sha256) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
);

/// Categories as stored: `,a,b,` so that `LIKE '%,a,%'` finds one exactly.
pub(crate) fn join_categories(categories: &[String]) -> String {
    if categories.is_empty() { String::new() } else { format!(",{},", categories.join(",")) }
}

pub(crate) fn split_categories(stored: &str) -> Vec<String> {
    stored.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl Store {
    /// Commits changes in one transaction: all of them, with their events, or none.
    ///
    /// Mutations apply in order; assessment rows (the hot path: they depend on nothing else in
    /// the batch), the events and the chain heads are computed first and written together at the
    /// end, pipelined on PostgreSQL, so a batch of many assessments costs a few round trips, not
    /// two per assessment.
    pub async fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Lock the chain heads of the organisations that already exist in a fixed order, so
        // that two instances committing to the same organisations cannot deadlock.
        let orgs: BTreeSet<Uuid> = changes.iter().map(|c| c.event.org_id).collect();
        let mut heads: HashMap<Uuid, (i64, String)> = HashMap::new();
        for org in orgs {
            if let Some(head) = read_head(&mut tx, org).await? {
                heads.insert(org, head);
            }
        }
        let mut assessments: Vec<AssessmentColumns<'_>> = Vec::new();
        let mut events: Vec<ChainedEvent<'_>> = Vec::with_capacity(changes.len());
        for change in changes {
            let state = match &change.mutation {
                Mutation::InsertAssessment(record) => {
                    assessments.push(AssessmentColumns::of(record));
                    Some(assessment_state(record))
                }
                mutation => apply(&mut tx, mutation).await?,
            };
            let org = change.event.org_id;
            let (seq, prev) = match heads.get(&org) {
                Some(head) => head.clone(),
                None => read_head(&mut tx, org).await?.ok_or_else(|| {
                    StoreError::Invalid(format!("organisation {org} does not exist"))
                })?,
            };
            let seq = seq + 1;
            let hash = event_hash(
                &change.event,
                seq,
                &prev,
                state.as_ref().map(|s| (s.object.0.as_str(), s.sha256.as_str())),
            );
            heads.insert(org, (seq, hash.clone()));
            events.push(ChainedEvent {
                event: &change.event,
                seq,
                prev,
                hash,
                categories: join_categories(&change.event.categories),
                state,
            });
        }
        let mut tail: Vec<(Sql, Vec<Param<'_>>)> =
            Vec::with_capacity(assessments.len() + events.len() + heads.len());
        tail.extend(assessments.iter().map(|a| (INSERT_ASSESSMENT, a.params())));
        tail.extend(events.iter().map(|e| (INSERT_EVENT, e.params())));
        tail.extend(heads.iter().map(|(org, (seq, hash))| {
            (UPDATE_HEAD, vec![Param::Int(*seq), Param::Text(hash), Param::Uuid(*org)])
        }));
        tx.execute_all(&tail).await?;
        tx.commit().await
    }
}

/// An assessment row's columns, with the texts computed from the record.
struct AssessmentColumns<'a> {
    record: &'a AssessmentRecord,
    categories: String,
    total: Option<String>,
    low: Option<String>,
    high: Option<String>,
}

impl<'a> AssessmentColumns<'a> {
    fn of(record: &'a AssessmentRecord) -> AssessmentColumns<'a> {
        AssessmentColumns {
            record,
            categories: join_categories(&record.summary.categories),
            total: record.summary.total_landed_cost.map(|d| d.to_string()),
            low: record.summary.landed_cost.map(|c| c.low.to_string()),
            high: record.summary.landed_cost.and_then(|c| c.high).map(|d| d.to_string()),
        }
    }

    fn params(&self) -> Vec<Param<'_>> {
        let (record, s) = (self.record, &self.record.summary);
        vec![
            Param::Uuid(s.id),
            Param::Uuid(s.org_id),
            Param::Text(&s.reference),
            Param::Text(&s.client_name),
            Param::OptText(s.business_unit.as_deref()),
            Param::Text(&s.origin),
            Param::Text(&s.destination),
            Param::Text(&self.categories),
            Param::Text(&s.verdict),
            Param::Text(&s.as_of),
            Param::Text(&s.kb_version),
            Param::Text(&s.engine_version),
            Param::Text(&s.currency),
            Param::OptText(self.total.as_deref()),
            Param::Text(&record.request),
            Param::Text(&record.result),
            Param::Text(&record.request_sha256),
            Param::Text(&record.result_sha256),
            Param::Text(&s.created_by),
            Param::Int(s.created_at),
            Param::OptText(self.low.as_deref()),
            Param::OptText(self.high.as_deref()),
            Param::OptBool(s.landed_cost.map(|c| c.complete)),
        ]
    }
}

/// An event with its place in its organisation's chain.
struct ChainedEvent<'a> {
    event: &'a NewEvent,
    seq: i64,
    prev: String,
    hash: String,
    categories: String,
    state: Option<State>,
}

impl ChainedEvent<'_> {
    fn params(&self) -> Vec<Param<'_>> {
        let e = self.event;
        vec![
            Param::Uuid(e.org_id),
            Param::Int(self.seq),
            Param::Uuid(e.id),
            Param::Int(e.at),
            Param::Text(&e.actor),
            Param::Text(&e.action),
            Param::Text(&e.object_type),
            Param::Text(&e.object_id),
            Param::OptText(e.country.as_deref()),
            Param::OptText(e.business_unit.as_deref()),
            Param::Text(&self.categories),
            Param::OptText(e.before.as_deref()),
            Param::OptText(e.after.as_deref()),
            Param::Text(&self.prev),
            Param::Text(&self.hash),
            Param::OptText(self.state.as_ref().map(|s| s.object.0.as_str())),
            Param::OptText(self.state.as_ref().map(|s| s.sha256.as_str())),
        ]
    }
}

async fn read_head(tx: &mut Tx, org: Uuid) -> Result<Option<(i64, String)>, StoreError> {
    match tx.fetch_optional(LOCK_HEAD, &[Param::Uuid(org)]).await? {
        Some(row) => Ok(Some((row.int("seq")?, row.text("hash")?))),
        None => Ok(None),
    }
}

/// Applies a mutation; answers the state it leaves its object in, for the event to record.
async fn apply(tx: &mut Tx, mutation: &Mutation) -> Result<Option<State>, StoreError> {
    let state = match mutation {
        Mutation::Nothing => None,
        Mutation::RecordState(state) => Some(state.clone()),
        Mutation::Deploy { deployment, body } => {
            deploy(tx, deployment, body.as_deref()).await?;
            None
        }
        Mutation::PublishPriceList(edition) => {
            tx.execute(crate::price_lists::INSERT, &crate::price_lists::params(edition)).await?;
            Some(digest::price_list(edition))
        }
        Mutation::DecideScreening(decision) => {
            tx.execute(crate::screening::INSERT, &crate::screening::params(decision)).await?;
            Some(digest::screening_decision(decision))
        }
        Mutation::RaiseScreeningAlerts(alerts) => {
            for alert in alerts {
                tx.execute(crate::screening::INSERT_ALERT, &crate::screening::alert_params(alert))
                    .await?;
            }
            None
        }
        Mutation::InsertOrg(org) => {
            tx.execute(
                INSERT_ORG,
                &[
                    Param::Uuid(org.id),
                    Param::Text(&org.name),
                    Param::Text(org.kind.as_str()),
                    Param::OptUuid(org.provider_id),
                    Param::Int(org.created_at),
                ],
            )
            .await?;
            tx.execute(INSERT_HEAD, &[Param::Uuid(org.id), Param::Text(GENESIS)]).await?;
            Some(digest::org(org))
        }
        Mutation::InsertUser(user) => {
            tx.execute(
                INSERT_USER,
                &[
                    Param::Uuid(user.id),
                    Param::Uuid(user.org_id),
                    Param::Text(&user.username),
                    Param::Text(&user.password_hash),
                    Param::Text(user.role.as_str()),
                    Param::Int(user.created_at),
                ],
            )
            .await?;
            Some(digest::user(user))
        }
        Mutation::UpdateUser { user, at } => {
            let n = tx
                .execute(
                    UPDATE_USER,
                    &[
                        Param::Text(&user.password_hash),
                        Param::Text(user.role.as_str()),
                        Param::OptInt(user.disabled_at),
                        Param::Uuid(user.id),
                        Param::Uuid(user.org_id),
                    ],
                )
                .await?;
            if n != 1 {
                return Err(StoreError::Invalid(format!("user {} does not exist", user.id)));
            }
            tx.execute(END_USER_SESSIONS, &[Param::Int(*at), Param::Uuid(user.id)]).await?;
            Some(digest::user(user))
        }
        Mutation::InsertApiKey(key) => {
            tx.execute(
                INSERT_KEY,
                &[
                    Param::Uuid(key.id),
                    Param::Uuid(key.org_id),
                    Param::Text(&key.prefix),
                    Param::Text(&key.secret_hash),
                    Param::Text(key.role.as_str()),
                    Param::Text(&key.label),
                    Param::Text(&key.created_by),
                    Param::Int(key.created_at),
                ],
            )
            .await?;
            Some(digest::api_key(key))
        }
        Mutation::RevokeApiKey { id, at } => {
            let n = tx.execute(REVOKE_KEY, &[Param::Int(*at), Param::Uuid(*id)]).await?;
            if n != 1 {
                return Err(StoreError::Invalid(format!(
                    "API key {id} does not exist or is already revoked"
                )));
            }
            let row = tx.fetch_optional(KEY_BY_ID, &[Param::Uuid(*id)]).await?;
            row.as_ref().map(key_from).transpose()?.as_ref().map(digest::api_key)
        }
        Mutation::InsertAssessment(record) => {
            let columns = AssessmentColumns::of(record);
            tx.execute(INSERT_ASSESSMENT, &columns.params()).await?;
            Some(assessment_state(record))
        }
        Mutation::InsertSession(session) => {
            tx.execute(
                INSERT_SESSION,
                &[
                    Param::Text(&session.token_sha256),
                    Param::Uuid(session.user_id),
                    Param::Uuid(session.org_id),
                    Param::Int(session.created_at),
                    Param::Int(session.expires_at),
                ],
            )
            .await?;
            None
        }
        Mutation::PutRecord(r) => {
            if r.version == 1 {
                tx.execute(
                    INSERT_RECORD,
                    &[
                        Param::Uuid(r.id),
                        Param::Text(r.kind.as_str()),
                        Param::Uuid(r.org_id),
                        Param::OptUuid(r.parent_id),
                        Param::Text(&r.key),
                        Param::Text(&r.state),
                        Param::Text(&r.body),
                        Param::Int(1),
                        Param::Int(r.created_at),
                        Param::Int(r.updated_at),
                    ],
                )
                .await?;
            } else {
                let n = tx
                    .execute(
                        UPDATE_RECORD,
                        &[
                            Param::Text(&r.key),
                            Param::Text(&r.state),
                            Param::Text(&r.body),
                            Param::Int(r.version),
                            Param::Int(r.updated_at),
                            Param::Uuid(r.id),
                            Param::Text(r.kind.as_str()),
                            Param::Uuid(r.org_id),
                            Param::Int(r.version - 1),
                        ],
                    )
                    .await?;
                if n != 1 {
                    return Err(StoreError::Conflict(format!(
                        "the {} was changed by someone else since it was read; reload it and try again",
                        r.kind.as_str()
                    )));
                }
            }
            Some(digest::record(r))
        }
        Mutation::InsertEvidence(d) => {
            tx.execute(
                INSERT_EVIDENCE,
                &[
                    Param::Uuid(d.org_id),
                    Param::Text(&d.sha256),
                    Param::Text(&d.file_name),
                    Param::Text(&d.content_type),
                    Param::Int(i64::try_from(d.bytes.len()).unwrap_or(i64::MAX)),
                    Param::Bytes(&d.bytes),
                    Param::Int(d.created_at),
                ],
            )
            .await?;
            Some(digest::evidence(d))
        }
        Mutation::EndSession { token_sha256, at } => {
            let n = tx.execute(END_SESSION, &[Param::Int(*at), Param::Text(token_sha256)]).await?;
            if n != 1 {
                return Err(StoreError::Invalid("the session does not exist or has ended".into()));
            }
            None
        }
    };
    Ok(state)
}

fn assessment_state(record: &AssessmentRecord) -> State {
    digest::assessment(&record.summary, &record.request_sha256, &record.result_sha256)
}

type Pending = (Change, oneshot::Sender<Result<(), StoreError>>);

/// Gathers changes submitted concurrently into batches committed by one task. A submitter is
/// answered only after its batch has committed, so an acknowledged change is stored.
#[derive(Debug, Clone)]
pub struct GroupCommitter {
    sender: mpsc::Sender<Pending>,
}

impl GroupCommitter {
    /// Starts the committing task on the current Tokio runtime. `max_batch` bounds how many
    /// changes share one transaction.
    pub fn spawn(store: Store, max_batch: usize) -> GroupCommitter {
        let (sender, mut receiver) = mpsc::channel::<Pending>(max_batch.saturating_mul(4).max(1));
        tokio::spawn(async move {
            let mut batch: Vec<Pending> = Vec::with_capacity(max_batch);
            while receiver.recv_many(&mut batch, max_batch.max(1)).await > 0 {
                let (changes, replies): (Vec<Change>, Vec<_>) = batch.drain(..).unzip();
                match store.commit(&changes).await {
                    Ok(()) => {
                        for reply in replies {
                            let _ = reply.send(Ok(()));
                        }
                    }
                    Err(error) if changes.len() == 1 => {
                        for reply in replies {
                            let _ = reply.send(Err(error.clone()));
                        }
                    }
                    Err(_) => {
                        // One change spoiled the batch: commit each alone, so that only the
                        // faulty one fails.
                        for (change, reply) in changes.iter().zip(replies) {
                            let _ = reply.send(store.commit(std::slice::from_ref(change)).await);
                        }
                    }
                }
            }
        });
        GroupCommitter { sender }
    }

    /// Commits a change with others submitted at the same time; returns once it is stored.
    pub async fn submit(&self, change: Change) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.sender.send((change, reply)).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

async fn deploy(
    tx: &mut Tx,
    deployment: &Deployment,
    body: Option<&str>,
) -> Result<(), StoreError> {
    let version = deployment.version.as_str();
    match deployment.kind {
        DatasetKind::Kb => {
            if let Some(files) = body {
                tx.execute(
                    INSERT_KB_VERSION,
                    &[Param::Text(version), Param::Text(files), Param::Int(deployment.deployed_at)],
                )
                .await?;
            }
            if tx.fetch_optional(KB_VERSION_STORED, &[Param::Text(version)]).await?.is_none() {
                return Err(StoreError::Invalid(format!(
                    "KB version {version} is not stored: deploy its directory first"
                )));
            }
        }
        DatasetKind::Lists => {
            let stored = tx.fetch_optional(LIST_VERSION_STORED, &[Param::Text(version)]).await?;
            match (body, stored) {
                (Some(set), None) => {
                    tx.execute(
                        INSERT_LIST_VERSION,
                        &[
                            Param::Text(version),
                            Param::Text(set),
                            Param::Int(deployment.deployed_at),
                        ],
                    )
                    .await?;
                }
                (_, Some(_)) => {}
                (None, None) => {
                    return Err(StoreError::Invalid(format!(
                        "list version {version} is not stored: update the lists with its files first"
                    )));
                }
            }
        }
    }
    tx.execute(
        INSERT_DEPLOYMENT,
        &[
            Param::Text(deployment.kind.as_str()),
            Param::Text(version),
            Param::Text(deployment.action.as_str()),
            Param::Text(&deployment.actor),
            Param::Int(deployment.deployed_at),
        ],
    )
    .await?;
    Ok(())
}
