//! Updating the lists: one list of the set in force replaced, read, compared entry by entry,
//! deployed, and the stored parties re-screened against what changed (delta re-screening).

#[allow(clippy::wildcard_imports, reason = "the parent module's imports and items")]
use super::*;

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

/// What became of an updated set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Deployed, and the stored parties re-screened.
    Deployed,
    /// It is the set in force already: nothing was deployed.
    AlreadyCurrent,
    /// Read and compared only.
    DryRun,
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
    /// What became of the new set.
    pub outcome: Outcome,
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
        outcome: Outcome::DryRun,
        deployment: None,
        rescreened_parties: 0,
        alerts: Vec::new(),
    };
    if store.current_deployment(DatasetKind::Lists).await?.is_some_and(|d| d.version == version) {
        update.outcome = Outcome::AlreadyCurrent;
        return Ok(update);
    }
    if dry_run {
        return Ok(update);
    }
    let deployment = deploy(store, actor, provider, &next, at).await?;
    let changed: Vec<preclear_screening::Entry> =
        delta.added.into_iter().chain(delta.changed).collect();
    let rescreened = rescreen(store, actor, provider, &version, changed, at).await?;
    update.outcome = Outcome::Deployed;
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
    if update.outcome == Outcome::Deployed {
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
struct Rescreened {
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
async fn rescreen(
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
    let mut parties_seen: Vec<(Uuid, ScreenedParty)> = Vec::new();
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
