//! Operators' decisions on hits: the decisions an assessment takes into account, what an
//! assessment recorded of its screening, the queue of hits no decision covers, deciding.

#[allow(clippy::wildcard_imports, reason = "the parent module's imports and items")]
use super::*;

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
    /// The parties, as the engine states them (`preclear_engine::screening::ScreenedParty`).
    #[serde(default)]
    pub(super) parties: Vec<ScreenedParty>,
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
pub(super) fn recorded(result: &str) -> Result<Option<RecordedScreening>, ServiceError> {
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

/// The provider's decisions, newest first (superseded ones included), at most
/// [`preclear_store::screening::MAX_LISTED`].
pub async fn decisions(
    service: &Service,
    principal: &Principal,
) -> Result<Vec<ScreeningDecision>, ServiceError> {
    principal.may(Op::ScreeningQueue)?;
    Ok(service.store.screening_decision_history(principal.visibility()).await?)
}
