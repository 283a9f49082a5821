//! Restricted-party screening in the service: the screener every assessment's parties are
//! screened with (the bundled list snapshots of `preclear-screening`, read and indexed once per
//! process, in the background from the service's start, `warm`, so that the first assessment
//! does not wait for it), and the operators' decisions on hits: the queue of hits awaiting one,
//! deciding (audited), and the decisions an assessment takes into account; and the lists as a
//! dataset (`lists`): a set of list files deployed at run time, followed by every instance,
//! recorded by version in every screening result and loaded again for its replay.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use preclear_domain::Shipment;
use preclear_engine::screening::{HitDecision, HitVerdict, OtherParty, PriorDecision};
use preclear_screening::{ListSet, Lists, Screener};
use preclear_store::{
    Change, DatasetKind, DeployAction, Deployment, Micros, Mutation, Org, OrgKind, ScreeningAlert,
    ScreeningDecision, Store, System,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::Op;
use crate::auth::Principal;
use crate::clock::{date_of, rfc3339};
use crate::ops::{Actor, event};
use crate::{Service, ServiceError};

/// The most assessments with hits the queue reads (the newest).
pub const QUEUE_ASSESSMENTS: u32 = 200;
/// The longest reason.
pub const MAX_REASON: usize = 500;

/// The bundled snapshots, read and indexed once per process (`warm` starts it at once).
static BUNDLED: OnceLock<Option<Arc<Lists>>> = OnceLock::new();

/// How many list versions besides the current one a service keeps loaded for replays.
const LOADED: usize = 3;

/// The bundled snapshots (built on first use, or by [`warm`]); `None` if they do not read.
/// Blocks while they are read: call it off the async runtime.
pub fn bundled() -> Option<Arc<Lists>> {
    BUNDLED
        .get_or_init(|| match Lists::bundled() {
            Ok(lists) => Some(Arc::new(lists)),
            Err(error) => {
                tracing::error!(%error, "the bundled sanctions lists do not read: parties are not screened");
                None
            }
        })
        .clone()
}

/// Reads and indexes the bundled snapshots on a thread of its own.
pub fn warm() {
    std::thread::spawn(|| {
        let _ = bundled();
    });
}

/// The lists a service screens with: the current set (the deployed one, else the bundled
/// snapshots), and a few other versions loaded for replays.
#[derive(Debug, Default)]
pub struct ListsState {
    current: RwLock<Option<Arc<Lists>>>,
    loaded: Mutex<Vec<Arc<Lists>>>,
}

impl ListsState {
    fn current(&self) -> Option<Arc<Lists>> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_current(&self, lists: Arc<Lists>) {
        match self.current.write() {
            Ok(mut current) => *current = Some(lists),
            Err(poisoned) => *poisoned.into_inner() = Some(lists),
        }
    }

    fn remember(&self, lists: &Arc<Lists>) {
        let mut loaded = match self.loaded.lock() {
            Ok(loaded) => loaded,
            Err(poisoned) => poisoned.into_inner(),
        };
        loaded.retain(|l| l.version != lists.version);
        loaded.push(Arc::clone(lists));
        if loaded.len() > LOADED {
            loaded.remove(0);
        }
    }

    fn find(&self, version: &str) -> Option<Arc<Lists>> {
        if let Some(current) = self.current().filter(|c| c.version == version) {
            return Some(current);
        }
        let loaded = match self.loaded.lock() {
            Ok(loaded) => loaded,
            Err(poisoned) => poisoned.into_inner(),
        };
        loaded.iter().find(|l| l.version == version).cloned()
    }
}

/// The lists an assessment is screened with now: at once when they are loaded (the usual
/// case), otherwise after one look at the deployment log. `None` only if no list reads.
pub async fn ready(service: &Service) -> Result<Option<Arc<Lists>>, ServiceError> {
    if let Some(current) = service.lists.current() {
        return Ok(Some(current));
    }
    catch_up(service).await?;
    Ok(service.lists.current())
}

/// One look at the list deployment log: loads the deployed version when it is not the one
/// screened with (the bundled snapshots when none was deployed); whether it changed. The
/// service's follower calls it beside the KB's, so every instance switches within its poll.
pub async fn catch_up(service: &Service) -> Result<bool, ServiceError> {
    let deployed = service.store.current_deployment(DatasetKind::Lists).await?;
    let current = service.lists.current();
    let lists = match (deployed, &current) {
        (None, Some(_)) => return Ok(false),
        (Some(d), Some(c)) if d.version == c.version => return Ok(false),
        (None, None) => {
            match tokio::task::spawn_blocking(bundled).await.map_err(ServiceError::internal)? {
                Some(bundled) => bundled,
                None => return Ok(false),
            }
        }
        (Some(d), _) => version(service, &d.version).await?,
    };
    tracing::info!(
        from = current.as_ref().map_or("none", |c| c.version.as_str()),
        to = lists.version.as_str(),
        "now screening with the deployed lists"
    );
    service.lists.set_current(lists);
    Ok(true)
}

/// The lists of `version`: the current ones, a version loaded before, the bundled snapshots,
/// or the stored set (read, checked against its version, and kept for the next replay).
pub async fn version(service: &Service, version: &str) -> Result<Arc<Lists>, ServiceError> {
    if let Some(lists) = service.lists.find(version) {
        return Ok(lists);
    }
    let bundled_version = tokio::task::spawn_blocking(|| bundled().map(|b| b.version.clone()))
        .await
        .map_err(ServiceError::internal)?;
    let lists = if bundled_version.as_deref() == Some(version) {
        tokio::task::spawn_blocking(bundled).await.map_err(ServiceError::internal)?
    } else {
        None
    };
    let lists = match lists {
        Some(lists) => lists,
        None => {
            let body = service.store.list_version_body(version).await?.ok_or_else(|| {
                ServiceError::Conflict(format!("list version {version} is not stored here"))
            })?;
            let wanted = version.to_owned();
            tokio::task::spawn_blocking(move || -> Result<Lists, ServiceError> {
                let set = ListSet::from_json(&body).map_err(ServiceError::internal)?;
                // The version is the hash of the body: one that hashes otherwise was altered.
                if set.version() != wanted {
                    return Err(ServiceError::internal(format!(
                        "the stored set of list version {wanted} hashes to {}: the stored body was altered",
                        set.version()
                    )));
                }
                Lists::load(&set).map_err(ServiceError::internal)
            })
            .await
            .map_err(ServiceError::internal)??
            .into()
        }
    };
    service.lists.remember(&lists);
    Ok(lists)
}

/// The set the service screens with now, as stored (the deployed one, else the bundled
/// snapshots): what a list update starts from.
pub async fn current_set(store: &Store) -> Result<ListSet, ServiceError> {
    match store.current_deployment(DatasetKind::Lists).await? {
        None => Ok(ListSet::bundled()),
        Some(current) => {
            let body = store.list_version_body(&current.version).await?.ok_or_else(|| {
                ServiceError::internal(format!(
                    "list version {} is deployed but not stored",
                    current.version
                ))
            })?;
            ListSet::from_json(&body).map_err(ServiceError::internal)
        }
    }
}

/// Deploys a set of lists: stores it if new, makes it current (every instance follows within
/// its poll), and records the deployment in `provider`'s audit chain (`lists.deployed`, with
/// the lists and their dates).
pub async fn deploy(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    set: &ListSet,
    at: Micros,
) -> Result<Deployment, ServiceError> {
    let previous = store.current_deployment(DatasetKind::Lists).await?;
    let deployment = Deployment {
        seq: 0,
        kind: DatasetKind::Lists,
        version: set.version(),
        action: DeployAction::Deploy,
        actor: actor.0.clone(),
        deployed_at: at,
    };
    let change = Change {
        event: event(
            provider.id,
            actor,
            at,
            "lists.deployed",
            ("list_version", deployment.version.clone()),
            previous.as_ref().map(|d| json!({ "version": d.version })),
            Some(json!({ "version": deployment.version, "lists": set.describe() })),
        ),
        mutation: Mutation::Deploy { deployment: deployment.clone(), body: Some(set.to_json()) },
    };
    store.commit(&[change]).await?;
    Ok(store.current_deployment(DatasetKind::Lists).await?.unwrap_or(deployment))
}

/// The lists in force published longer before `today` than their limit, each as `un-xml of
/// 2026-02-27 (283 days, limit 7)`: what the dashboard warns of.
pub async fn stale_lists(
    service: &Service,
    today: preclear_domain::Date,
) -> Result<Vec<String>, ServiceError> {
    let Some(lists) = ready(service).await? else { return Ok(Vec::new()) };
    Ok(preclear_engine::screening::stale(&lists, &service.list_max_age, today))
}

/// What one list of an updated set gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListGave {
    /// The format (`un-xml`).
    pub format: String,
    /// Its publication date.
    pub published: String,
    /// How many entries.
    pub entries: usize,
    /// What was left out, with how many (`rows without a name: 2`).
    pub left_out: Vec<String>,
}

/// What a list update did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListUpdate {
    /// The version of the new set.
    pub version: String,
    /// Each list of the new set.
    pub lists: Vec<ListGave>,
    /// Entries the new set has that the set in force did not.
    pub added: usize,
    /// Entries whose listing changed.
    pub changed: usize,
    /// Entries the new set no longer has.
    pub removed: usize,
    /// `deployed`, `already_current` or `dry_run`.
    pub outcome: String,
    /// The deployment's place in the log, when deployed.
    pub deployment: Option<i64>,
    /// The distinct parties re-screened against the added and changed entries.
    pub rescreened_parties: usize,
    /// The new hits they gave (in the operators' queue).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub alerts: Vec<ScreeningAlert>,
}

/// Replaces one list of the set in force (the deployed one, else the bundled snapshots) with
/// `list`, reads every list (a list that does not read is a field error on `files`, and nothing
/// is deployed), compares the new set with the one in force entry by entry, and — unless it is
/// already current or `dry_run` — deploys it and re-screens the stored parties against the
/// entries it added or changed. `preclear lists update` and the admin API both call it.
pub async fn update(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    list: preclear_screening::SetList,
    dry_run: bool,
    at: Micros,
) -> Result<ListUpdate, ServiceError> {
    let current = current_set(store).await?;
    let next = current.with(list);
    let (old, new) = {
        let (current, next) = (current.clone(), next.clone());
        tokio::task::spawn_blocking(move || {
            (current.read().map(|(entries, _)| entries), next.read())
        })
        .await
        .map_err(ServiceError::internal)?
    };
    let (new_entries, summaries) =
        new.map_err(|error| ServiceError::invalid_field("files", error.0))?;
    let delta = match &old {
        Ok(old) => preclear_screening::sets::delta(old, &new_entries),
        Err(_) => {
            preclear_screening::sets::Delta { added: new_entries.clone(), ..Default::default() }
        }
    };
    let version = next.version();
    let mut update = ListUpdate {
        version: version.clone(),
        lists: summaries
            .iter()
            .map(|s| ListGave {
                format: s.format.name().to_owned(),
                published: s.published.clone(),
                entries: s.entries,
                left_out: s.skipped.iter().map(|k| format!("{}: {}", k.what, k.count)).collect(),
            })
            .collect(),
        added: delta.added.len(),
        changed: delta.changed.len(),
        removed: delta.removed.len(),
        outcome: String::new(),
        deployment: None,
        rescreened_parties: 0,
        alerts: Vec::new(),
    };
    if store.current_deployment(DatasetKind::Lists).await?.is_some_and(|d| d.version == version) {
        update.outcome = "already_current".into();
        return Ok(update);
    }
    if dry_run {
        update.outcome = "dry_run".into();
        return Ok(update);
    }
    let deployment = deploy(store, actor, provider, &next, at).await?;
    let changed: Vec<preclear_screening::Entry> =
        delta.added.into_iter().chain(delta.changed).collect();
    let rescreened = rescreen_against(store, actor, provider, &version, changed, at).await?;
    update.outcome = "deployed".into();
    update.deployment = Some(deployment.seq);
    update.rescreened_parties = rescreened.parties;
    update.alerts = rescreened.alerts;
    Ok(update)
}

/// A list to deploy, as the admin API takes it: the files as text.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewList {
    /// The list's format (`un-xml`, `ofac-sdn-csv`…, docs/screening.md).
    pub format: String,
    /// When its publisher published it (YYYY-MM-DD).
    pub published: String,
    /// Its files, in the order its format takes them.
    pub files: Vec<NewListFile>,
    /// Read and compare, but do not deploy.
    #[serde(default)]
    pub dry_run: bool,
}

/// One file of a list to deploy.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewListFile {
    /// The file's name (`consolidated.xml`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// [`update`] for the provider's admins through the API: the list checked field by field,
/// then deployed, re-screened and followed by this instance at once.
pub async fn update_list(
    service: &Service,
    principal: &Principal,
    new: NewList,
    now: Micros,
) -> Result<ListUpdate, ServiceError> {
    principal.may(Op::DeployLists)?;
    let format: preclear_screening::formats::ListFormat = new
        .format
        .parse()
        .map_err(|e: preclear_screening::ListError| ServiceError::invalid_field("format", e.0))?;
    let files = new.files.into_iter().map(|f| (f.name, f.text.into_bytes())).collect();
    let list = preclear_screening::SetList::new(format, &new.published, files).map_err(|e| {
        let field = if e.0.contains("publication date") { "published" } else { "files" };
        ServiceError::invalid_field(field, e.0)
    })?;
    let update =
        update(&service.store, &principal.actor, &principal.org, list, new.dry_run, now).await?;
    if update.outcome == "deployed" {
        catch_up(service).await?;
    }
    Ok(update)
}

/// The most assessments whose parties a re-screening reads (the newest).
pub const RESCREEN_ASSESSMENTS: u32 = 100_000;
/// How many assessments' parties a re-screening reads at once.
const RESCREEN_PAGE: u32 = 500;

/// What a re-screening did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescreened {
    /// The entries screened against: added or changed by the new version.
    pub entries: usize,
    /// The distinct parties screened.
    pub parties: usize,
    /// The new hits, stored as alerts.
    pub alerts: Vec<ScreeningAlert>,
}

/// Delta re-screening: the parties of the newest screened assessments of `provider` and its
/// clients (at most [`RESCREEN_ASSESSMENTS`], each party once, as its newest assessment names
/// it) screened against the entries that `new` added or changed since `old`, and each hit that
/// no decision covers stored as an alert for the operators' queue, with one audit event
/// (`screening.rescreened`). The lists' unchanged entries are not screened again: they gave
/// their hits when the assessments were made.
pub async fn rescreen(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    (old, new): (&ListSet, &ListSet),
    at: Micros,
) -> Result<Rescreened, ServiceError> {
    let version = new.version();
    let (old, new) = (old.clone(), new.clone());
    let changed = tokio::task::spawn_blocking(
        move || -> Result<Vec<preclear_screening::Entry>, ServiceError> {
            let (old, _) = old.read().map_err(ServiceError::internal)?;
            let (new, _) = new.read().map_err(ServiceError::internal)?;
            let delta = preclear_screening::sets::delta(&old, &new);
            Ok(delta.added.into_iter().chain(delta.changed).collect())
        },
    )
    .await
    .map_err(ServiceError::internal)??;
    rescreen_against(store, actor, provider, &version, changed, at).await
}

/// [`rescreen`] with the entries already known: those `version` added or changed.
async fn rescreen_against(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    version: &str,
    changed: Vec<preclear_screening::Entry>,
    at: Micros,
) -> Result<Rescreened, ServiceError> {
    let version = version.to_owned();
    // Each party once, as its newest assessment names it (pages come newest first), read a
    // page at a time: only the distinct parties are kept.
    let mut parties_seen: Vec<(Uuid, RecordedParty)> = Vec::new();
    let mut keys = std::collections::HashSet::new();
    let (mut before, mut read) = (None, 0u32);
    while read < RESCREEN_ASSESSMENTS {
        let page = store
            .screened_parties_page(System::Screening, provider.id, before, RESCREEN_PAGE)
            .await?;
        let Some(&(last, _)) = page.last() else { break };
        read += u32::try_from(page.len()).unwrap_or(u32::MAX);
        before = Some(last);
        for (assessment_id, screening) in page {
            let Ok(screening) = serde_json::from_str::<RecordedScreening>(&screening) else {
                continue;
            };
            for party in screening.parties {
                if !party.key.is_empty() && keys.insert(party.key.clone()) {
                    parties_seen.push((assessment_id, party));
                }
            }
        }
    }
    let decided = store.screening_decisions_for(System::Screening, provider.id).await?;
    let entries = changed.len();
    let (provider_id, list_version) = (provider.id, version.clone());
    let (parties, alerts) = tokio::task::spawn_blocking(move || {
        let screener = Screener::new(changed);
        let mut alerts = Vec::new();
        for (assessment_id, party) in &parties_seen {
            {
                let country = party
                    .key
                    .rsplit_once('|')
                    .and_then(|(_, code)| preclear_domain::Country::parse(code).ok())
                    .map(|c| c.name());
                for hit in screener.search(&party.name, country) {
                    let covered = decided.iter().any(|d| {
                        d.party_key == party.key
                            && d.list == hit.list_title
                            && d.entry_id == hit.entry_id
                            && d.entry_fingerprint == hit.entry_fingerprint
                    });
                    if covered {
                        continue;
                    }
                    alerts.push(ScreeningAlert {
                        id: Uuid::now_v7(),
                        provider_id,
                        assessment_id: *assessment_id,
                        role: party.role.clone(),
                        party_key: party.key.clone(),
                        party_name: party.name.clone(),
                        list: hit.list_title.to_owned(),
                        entry_id: hit.entry_id.clone(),
                        entry_name: hit.entry_name.clone(),
                        entry_fingerprint: hit.entry_fingerprint.clone(),
                        matched_name: hit.matched_name.clone(),
                        score: format!("{:.3}", hit.score),
                        band: hit.band.to_owned(),
                        programs: hit.programs.join(", "),
                        explanation: preclear_engine::screening::explain(&hit),
                        list_version: list_version.clone(),
                        created_at: at,
                    });
                }
            }
        }
        (parties_seen.len(), alerts)
    })
    .await
    .map_err(ServiceError::internal)?;
    let change = Change {
        event: event(
            provider.id,
            actor,
            at,
            "screening.rescreened",
            ("list_version", version),
            None,
            Some(json!({
                "entries": entries,
                "parties": parties,
                "alerts": alerts.iter().map(|a| json!({
                    "party": a.party_name, "role": a.role, "assessment_id": a.assessment_id,
                    "list": a.list, "entry_id": a.entry_id, "band": a.band,
                })).collect::<Vec<_>>(),
            })),
        ),
        mutation: Mutation::RaiseScreeningAlerts(alerts.clone()),
    };
    store.commit(&[change]).await?;
    Ok(Rescreened { entries, parties, alerts })
}

/// The decisions an assessment of `org` takes into account: the current ones of the provider
/// serving it, read only when one of the shipment's parties has a hit at all (the usual
/// shipment has none, and pays no query).
pub async fn decisions_for(
    service: &Service,
    org: &Org,
    screener: &Screener,
    shipment: &Shipment,
    others: &[OtherParty],
) -> Result<Vec<PriorDecision>, ServiceError> {
    let provider = match org.kind {
        OrgKind::Provider => org.id,
        OrgKind::Client => match org.provider_id {
            Some(provider) => provider,
            None => return Ok(Vec::new()),
        },
    };
    let mut parties = vec![(&shipment.client.name, shipment.client.country)];
    parties.extend(shipment.consignee.iter().map(|p| (&p.name, p.country)));
    parties.extend(shipment.end_user.iter().map(|p| (&p.name, p.country)));
    parties.extend(others.iter().map(|o| (&o.name, o.country)));
    // The screener remembers these answers: the assessment's own screening is a lookup.
    let hit = parties
        .iter()
        .any(|(name, country)| !screener.screen(name, Some(country.name())).is_empty());
    if !hit {
        return Ok(Vec::new());
    }
    let stored = service.store.screening_decisions_for(System::Screening, provider).await?;
    Ok(stored.iter().filter_map(prior).collect())
}

/// A stored decision as the engine takes it (`None` for a verdict this engine does not know).
fn prior(d: &ScreeningDecision) -> Option<PriorDecision> {
    Some(PriorDecision {
        party_key: d.party_key.clone(),
        list: d.list.clone(),
        entry_id: d.entry_id.clone(),
        entry_fingerprint: d.entry_fingerprint.clone(),
        decision: HitDecision {
            verdict: HitVerdict::parse(&d.verdict)?,
            reason: d.reason.clone(),
            decided_by: d.decided_by.clone(),
            decided_on: date_of(d.decided_at).to_string(),
        },
    })
}

/// What an assessment recorded of its screening: the decisions it applied, for its replay.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecordedScreening {
    /// The version of the lists (absent in assessments stored before lists were versioned).
    #[serde(default)]
    version: Option<String>,
    /// The freshness limits it was screened with.
    #[serde(default)]
    max_age_days: Option<u32>,
    #[serde(default)]
    max_age_per_list: std::collections::BTreeMap<String, u32>,
    #[serde(default)]
    parties: Vec<RecordedParty>,
}

#[derive(Debug, Deserialize)]
struct RecordedParty {
    role: String,
    name: String,
    /// Absent in assessments stored before decisions existed.
    #[serde(default)]
    key: String,
    #[serde(default)]
    hits: Vec<RecordedHit>,
}

#[derive(Debug, Deserialize)]
struct RecordedHit {
    list: String,
    entry_id: String,
    #[serde(default)]
    entry_name: String,
    #[serde(default)]
    matched_name: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    band: String,
    #[serde(default)]
    programs: Vec<String>,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    entry_fingerprint: String,
    #[serde(default)]
    decision: Option<HitDecision>,
}

impl RecordedScreening {
    /// The version of the lists the assessment was screened with, if it recorded one.
    pub(crate) fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The parties screened besides the request's (the importer-of-record entity), as the
    /// engine takes them again.
    pub(crate) fn others(&self) -> Vec<OtherParty> {
        self.parties
            .iter()
            .filter(|p| !matches!(p.role.as_str(), "client" | "consignee" | "end_user"))
            .filter_map(|p| {
                let code = p.key.rsplit_once('|').map(|(_, code)| code)?;
                Some(OtherParty {
                    role: p.role.clone(),
                    name: p.name.clone(),
                    country: preclear_domain::Country::parse(code).ok()?,
                })
            })
            .collect()
    }

    /// The freshness limits the assessment was screened with, if it recorded them.
    pub(crate) fn max_age(&self) -> Option<preclear_engine::screening::MaxAge> {
        self.max_age_days.map(|default_days| preclear_engine::screening::MaxAge {
            default_days,
            per_list: self.max_age_per_list.clone(),
        })
    }

    /// The decisions the assessment applied, as the engine takes them again.
    pub(crate) fn decisions(&self) -> Vec<PriorDecision> {
        self.parties
            .iter()
            .flat_map(|party| {
                party.hits.iter().filter_map(|hit| {
                    hit.decision.as_ref().map(|decision| PriorDecision {
                        party_key: party.key.clone(),
                        list: hit.list.clone(),
                        entry_id: hit.entry_id.clone(),
                        entry_fingerprint: hit.entry_fingerprint.clone(),
                        decision: decision.clone(),
                    })
                })
            })
            .collect()
    }
}

/// A stored assessment's screening section, if it has one.
fn recorded(result: &str) -> Result<Option<RecordedScreening>, ServiceError> {
    #[derive(Deserialize)]
    struct StoredResult {
        screening: Option<RecordedScreening>,
    }
    let parsed: StoredResult = serde_json::from_str(result).map_err(ServiceError::internal)?;
    Ok(parsed.screening)
}

/// A hit awaiting an operator's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenHit {
    /// The newest assessment with this hit.
    pub assessment_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Its client.
    pub client_name: String,
    /// When it was made (RFC 3339).
    pub assessed_at: String,
    /// How many of the assessments read have this hit.
    pub assessments: usize,
    /// `client`, `consignee` or `end_user`.
    pub role: String,
    /// The party's name as screened.
    pub party: String,
    /// The list's name.
    pub list: String,
    /// The entry's id.
    pub entry_id: String,
    /// The entry's primary name.
    pub entry_name: String,
    /// The name or alias that matched.
    pub matched_name: String,
    /// The score.
    pub score: String,
    /// `match` or `possible`.
    pub band: String,
    /// The entry's programs.
    pub programs: Vec<String>,
    /// Each token pair.
    pub explanation: String,
    /// What found it: `the assessment`, or `re-screening against list version …` after a list
    /// update (then `assessed_at` is when).
    pub found_by: String,
}

/// The hits of the newest assessments (at most [`QUEUE_ASSESSMENTS`] with a screening
/// finding) that no current decision covers, one per party and entry, newest first.
pub async fn queue(service: &Service, principal: &Principal) -> Result<Vec<OpenHit>, ServiceError> {
    principal.may(Op::ScreeningQueue)?;
    let decided =
        service.store.screening_decisions_for(System::Screening, principal.org.id).await?;
    let covered: std::collections::HashSet<(&str, &str, &str, &str)> = decided
        .iter()
        .map(|d| {
            (
                d.party_key.as_str(),
                d.list.as_str(),
                d.entry_id.as_str(),
                d.entry_fingerprint.as_str(),
            )
        })
        .collect();
    let stored =
        service.store.screened_assessments(principal.visibility(), QUEUE_ASSESSMENTS).await?;
    let mut open: Vec<OpenHit> = Vec::new();
    let mut seen: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
    // What re-screening found after a list update first: it is news about parties whose
    // assessments were clear.
    let alerts = service.store.screening_alerts(principal.visibility()).await?;
    let summaries = {
        let mut by_id = std::collections::HashMap::new();
        for (summary, _) in &stored {
            by_id.insert(summary.id, summary);
        }
        by_id
    };
    for alert in &alerts {
        let key = (
            alert.party_key.clone(),
            alert.list.clone(),
            alert.entry_id.clone(),
            alert.entry_fingerprint.clone(),
        );
        if covered.contains(&(key.0.as_str(), key.1.as_str(), key.2.as_str(), key.3.as_str()))
            || seen.contains_key(&key)
        {
            continue;
        }
        let assessed = match summaries.get(&alert.assessment_id) {
            Some(summary) => Some((summary.reference.clone(), summary.client_name.clone())),
            None => service
                .store
                .assessment(alert.assessment_id, principal.visibility())
                .await?
                .map(|r| (r.summary.reference, r.summary.client_name)),
        };
        let Some((reference, client_name)) = assessed else { continue };
        seen.insert(key, open.len());
        open.push(OpenHit {
            assessment_id: alert.assessment_id,
            reference,
            client_name,
            assessed_at: rfc3339(alert.created_at),
            assessments: 1,
            role: alert.role.clone(),
            party: alert.party_name.clone(),
            list: alert.list.clone(),
            entry_id: alert.entry_id.clone(),
            entry_name: alert.entry_name.clone(),
            matched_name: alert.matched_name.clone(),
            score: alert.score.clone(),
            band: alert.band.clone(),
            programs: if alert.programs.is_empty() {
                Vec::new()
            } else {
                alert.programs.split(", ").map(str::to_owned).collect()
            },
            explanation: alert.explanation.clone(),
            found_by: format!("re-screening against list version {}", alert.list_version),
        });
    }
    for (summary, result) in &stored {
        let Some(screening) = recorded(result)? else { continue };
        for party in &screening.parties {
            for hit in &party.hits {
                if party.key.is_empty() || hit.entry_fingerprint.is_empty() {
                    // Stored before decisions existed: a new assessment of the party shows it.
                    continue;
                }
                let key = (
                    party.key.clone(),
                    hit.list.clone(),
                    hit.entry_id.clone(),
                    hit.entry_fingerprint.clone(),
                );
                if covered.contains(&(
                    key.0.as_str(),
                    key.1.as_str(),
                    key.2.as_str(),
                    key.3.as_str(),
                )) {
                    continue;
                }
                if let Some(&at) = seen.get(&key) {
                    if let Some(known) = open.get_mut(at) {
                        known.assessments += 1;
                    }
                    continue;
                }
                seen.insert(key, open.len());
                open.push(OpenHit {
                    assessment_id: summary.id,
                    reference: summary.reference.clone(),
                    client_name: summary.client_name.clone(),
                    assessed_at: rfc3339(summary.created_at),
                    assessments: 1,
                    role: party.role.clone(),
                    party: party.name.clone(),
                    list: hit.list.clone(),
                    entry_id: hit.entry_id.clone(),
                    entry_name: hit.entry_name.clone(),
                    matched_name: hit.matched_name.clone(),
                    score: hit.score.clone(),
                    band: hit.band.clone(),
                    programs: hit.programs.clone(),
                    explanation: hit.explanation.clone(),
                    found_by: "the assessment".to_owned(),
                });
            }
        }
    }
    Ok(open)
}

/// A decision on a hit of a stored assessment, as submitted.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// The assessment whose hit is decided.
    pub assessment_id: String,
    /// The party's role there (`client`, `consignee`, `end_user`).
    pub role: String,
    /// The list's name, as the hit gives it.
    pub list: String,
    /// The entry's id, as the hit gives it.
    pub entry_id: String,
    /// `false_positive` or `true_match`.
    pub verdict: String,
    /// Why (required; at most 500 characters).
    pub reason: String,
}

/// Records an operator's decision on a hit of a stored assessment, with its audit event: it
/// holds for the party and the entry (as listed then) in every later assessment of the
/// provider's clients.
pub async fn decide(
    service: &Service,
    principal: &Principal,
    new: &NewDecision,
    now: i64,
) -> Result<ScreeningDecision, ServiceError> {
    principal.may(Op::DecideScreening)?;
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(crate::FieldError { field: field.to_owned(), message });
    };
    let verdict = HitVerdict::parse(new.verdict.trim());
    if verdict.is_none() {
        problem(
            "verdict",
            format!(
                "`{}` is not a verdict; expected false_positive or true_match",
                new.verdict.trim()
            ),
        );
    }
    let reason = new.reason.trim();
    if reason.is_empty() {
        problem("reason", "say why: the decision is audited and shown on every later hit".into());
    } else if reason.chars().count() > MAX_REASON {
        problem("reason", format!("must be at most {MAX_REASON} characters"));
    } else if reason.chars().any(char::is_control) {
        problem("reason", "must be one line, without control characters".into());
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let record = crate::assessments::load(service, principal, new.assessment_id.trim()).await?;
    let decided = decided_hit(service, principal, &record, new).await?;
    let verdict = verdict.unwrap_or(HitVerdict::FalsePositive);
    let provider = principal.org.id;
    let before =
        service.store.screening_decisions_for(System::Screening, provider).await?.into_iter().find(
            |d| {
                d.party_key == decided.party_key
                    && d.list == decided.list
                    && d.entry_id == decided.entry_id
            },
        );
    let decision = ScreeningDecision {
        id: Uuid::now_v7(),
        provider_id: provider,
        party_key: decided.party_key.clone(),
        party_name: decided.party_name.clone(),
        list: decided.list.clone(),
        entry_id: decided.entry_id.clone(),
        entry_name: decided.entry_name.clone(),
        entry_fingerprint: decided.entry_fingerprint.clone(),
        verdict: verdict.as_str().to_owned(),
        reason: reason.to_owned(),
        assessment_id: record.summary.id,
        decided_by: principal.actor.0.clone(),
        decided_at: now,
    };
    let state = |d: &ScreeningDecision| {
        json!({
            "party": d.party_name, "party_key": d.party_key, "list": d.list,
            "entry_id": d.entry_id, "entry_fingerprint": d.entry_fingerprint,
            "verdict": d.verdict, "reason": d.reason, "assessment_id": d.assessment_id,
        })
    };
    let audit = event(
        provider,
        &principal.actor,
        now,
        "screening.decided",
        ("screening_decision", decision.id.to_string()),
        before.as_ref().map(state),
        Some(state(&decision)),
    );
    let change =
        Change { mutation: Mutation::DecideScreening(Box::new(decision.clone())), event: audit };
    service.store.commit(std::slice::from_ref(&change)).await?;
    Ok(decision)
}

/// The hit a decision names: the party and the entry as decisions remember them.
struct DecidedHit {
    party_key: String,
    party_name: String,
    list: String,
    entry_id: String,
    entry_name: String,
    entry_fingerprint: String,
}

/// The hit of `new`: on the stored assessment's party, else an alert of a re-screening of that
/// party; a field error naming what the assessment has when neither is.
async fn decided_hit(
    service: &Service,
    principal: &Principal,
    record: &preclear_store::AssessmentRecord,
    new: &NewDecision,
) -> Result<DecidedHit, ServiceError> {
    let screening = recorded(&record.result)?.unwrap_or_default();
    let (role, list, entry_id) = (new.role.trim(), new.list.trim(), new.entry_id.trim());
    let Some(party) = screening.parties.iter().find(|p| p.role == role) else {
        let roles: Vec<&str> = screening.parties.iter().map(|p| p.role.as_str()).collect();
        return Err(ServiceError::invalid_field(
            "role",
            if roles.is_empty() {
                "the assessment's parties were not screened".to_owned()
            } else {
                format!(
                    "`{role}` is not a screened party of the assessment; its parties: {}",
                    roles.join(", ")
                )
            },
        ));
    };
    if party.key.is_empty() {
        return Err(ServiceError::Conflict(
            "the assessment was made before decisions were recorded; assess the shipment again and decide its hit".into(),
        ));
    }
    if let Some(hit) = party.hits.iter().find(|h| h.list == list && h.entry_id == entry_id) {
        if hit.entry_fingerprint.is_empty() {
            return Err(ServiceError::Conflict(
                "the assessment was made before decisions were recorded; assess the shipment again and decide its hit".into(),
            ));
        }
        return Ok(DecidedHit {
            party_key: party.key.clone(),
            party_name: party.name.clone(),
            list: hit.list.clone(),
            entry_id: hit.entry_id.clone(),
            entry_name: hit.entry_name.clone(),
            entry_fingerprint: hit.entry_fingerprint.clone(),
        });
    }
    let alert = service
        .store
        .screening_alert(principal.visibility(), record.summary.id, (role, list, entry_id))
        .await?;
    match alert {
        Some(alert) => Ok(DecidedHit {
            party_key: alert.party_key,
            party_name: alert.party_name,
            list: alert.list,
            entry_id: alert.entry_id,
            entry_name: alert.entry_name,
            entry_fingerprint: alert.entry_fingerprint,
        }),
        None => {
            let hits: Vec<String> =
                party.hits.iter().map(|h| format!("{} `{}`", h.list, h.entry_id)).collect();
            Err(ServiceError::invalid_field(
                "entry_id",
                if hits.is_empty() {
                    format!("the {role} has no hit to decide")
                } else {
                    format!("not a hit of the {role}; its hits: {}", hits.join(", "))
                },
            ))
        }
    }
}

/// A one-off check of a party against the lists in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checked {
    /// The name screened.
    pub name: String,
    /// The country screened with (its ISO code), if given.
    pub country: Option<String>,
    /// The lists and their dates.
    pub lists: String,
    /// Their version.
    pub version: String,
    /// The hits, best first (empty: nothing resembles the party).
    pub hits: Vec<preclear_engine::screening::ScreenHit>,
}

/// Screens one party by name (and country: an ISO code or a name) against the lists in force,
/// every hit explained. Nothing is stored.
pub async fn check(
    service: &Service,
    principal: &Principal,
    name: &str,
    country: Option<&str>,
) -> Result<Checked, ServiceError> {
    principal.may(Op::ScreenParty)?;
    let mut problems = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        problems.push(crate::FieldError {
            field: "name".into(),
            message: "give the party's name".into(),
        });
    } else if name.chars().count() > MAX_REASON || name.chars().any(char::is_control) {
        problems.push(crate::FieldError {
            field: "name".into(),
            message: format!("must be one line of at most {MAX_REASON} characters"),
        });
    }
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => match preclear_domain::country_from_text(text) {
            Ok(country) => Some(country),
            Err(message) => {
                problems.push(crate::FieldError { field: "country".into(), message });
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let lists = ready(service)
        .await?
        .ok_or_else(|| ServiceError::internal("no restricted-party list reads"))?;
    let hits = lists
        .screener
        .search(name, country.map(|c| c.name()))
        .iter()
        .map(|h| preclear_engine::screening::ScreenHit {
            list: h.list_title.to_owned(),
            entry_id: h.entry_id.clone(),
            entry_name: h.entry_name.clone(),
            matched_name: h.matched_name.clone(),
            score: format!("{:.3}", h.score),
            band: h.band.to_owned(),
            programs: h.programs.clone(),
            explanation: preclear_engine::screening::explain(h),
            entry_fingerprint: h.entry_fingerprint.clone(),
            decision: None,
        })
        .collect();
    Ok(Checked {
        name: name.to_owned(),
        country: country.map(|c| c.as_str().to_owned()),
        lists: lists.description.clone(),
        version: lists.version.clone(),
        hits,
    })
}

/// The provider's decisions, newest first (superseded ones included), at most
/// [`preclear_store::screening::MAX_LISTED`].
pub async fn decisions(
    service: &Service,
    principal: &Principal,
) -> Result<Vec<ScreeningDecision>, ServiceError> {
    principal.may(Op::ScreeningQueue)?;
    Ok(service.store.screening_decision_history(principal.visibility()).await?)
}
