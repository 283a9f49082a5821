//! Restricted-party screening in the service. The lists as a dataset (`lists`): the set in
//! force (the deployed one, else the bundled snapshots of `preclear-screening`, read and
//! indexed once per process), followed by every instance, recorded by version in every
//! screening result and loaded again for its replay; `warm` loads it in the background when
//! `serve` starts, so that the first assessment does not wait. One-off checks here; list
//! updates and re-screening in `update`; the operators' queue and decisions in `decisions`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use preclear_domain::Shipment;
use preclear_engine::screening::{
    HitDecision, HitVerdict, OtherParty, PriorDecision, ScreenedParty,
};
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

mod decisions;
mod update;

pub(crate) use decisions::RecordedScreening;
pub use decisions::{NewDecision, OpenHit, decide, decisions, decisions_for, queue};
pub use update::{
    ListGave, ListUpdate, NewList, NewListFile, Outcome, RESCREEN_ASSESSMENTS, update, update_list,
};

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

/// The bundled snapshots' version, computed once (hashing the set, without reading or indexing
/// its lists).
pub fn bundled_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| ListSet::bundled().version())
}

/// Loads the lists in force on the runtime, in the background from the service's start (the
/// deployed set, or the bundled snapshots when none was deployed, never both), so that the
/// first assessment does not wait for them.
pub fn warm(service: &Service) {
    let service = service.clone();
    tokio::spawn(async move {
        if let Err(error) = catch_up(&service).await {
            tracing::warn!(%error, "could not load the restricted-party lists at start");
        }
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
    let lists = if version == bundled_version() {
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
        .map(|h| preclear_engine::screening::ScreenHit::of(h, None))
        .collect();
    Ok(Checked {
        name: name.to_owned(),
        country: country.map(|c| c.as_str().to_owned()),
        lists: lists.description.clone(),
        version: lists.version.clone(),
        hits,
    })
}
