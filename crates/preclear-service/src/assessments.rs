//! Assessments as the service makes them: find the organisation a request names, validate and
//! assess a request and build the change that stores it with its audit event (one path for the
//! API, the web pages and consignments), load one the caller may see, and re-assess a stored
//! request with a KB version (the one path of replay, rerun and documents).

use std::collections::BTreeSet;
use std::str::FromStr as _;

use preclear_domain::Date;
use preclear_domain::request::parse_shipment_value;
use preclear_engine::screening::{OtherParty, Screen};
use preclear_store::System;
use preclear_store::audit::sha256_hex;
use preclear_store::{AssessmentRecord, AssessmentSummary, Change, Mutation, Org};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::auth::Principal;
use crate::clock::{date_of, now_micros};
use crate::error::{FieldError, ServiceError};
use crate::ops::event;

/// The engine that made an assessment: this binary's version.
pub const ENGINE_VERSION: &str = concat!("preclear ", env!("CARGO_PKG_VERSION"));

/// Finds an organisation the caller may see, by name or id; 404 otherwise (never saying
/// whether it exists).
pub async fn visible_org(
    service: &Service,
    principal: &Principal,
    key: &str,
) -> Result<Org, ServiceError> {
    let vis = principal.visibility();
    let found = match Uuid::from_str(key) {
        Ok(id) => service.store.org(id, vis).await?,
        Err(_) => match service.store.org_by_name(System::Lookup, key).await? {
            Some(org) => service.store.org(org.id, vis).await?,
            None => None,
        },
    };
    found.ok_or_else(|| ServiceError::NotFound(format!("organisation `{key}` not found")))
}

/// The organisation a request names (`org`), or else the caller's own.
pub async fn named_or_own(
    service: &Service,
    principal: &Principal,
    org: Option<&str>,
) -> Result<Org, ServiceError> {
    match org {
        Some(key) => visible_org(service, principal, key).await,
        None => Ok(principal.org.clone()),
    }
}

/// What [`assess_and_store`] stored.
#[derive(Debug)]
pub struct Stored {
    /// The listing fields (id, verdict, when…).
    pub summary: AssessmentSummary,
    /// The assessment JSON as stored.
    pub result: String,
}

/// Validates a shipment request, assesses it for `as_of` (today, UTC, when `None`) against the
/// current KB, and stores it for `org` with its audit event; answers once committed. `text` is
/// the request exactly as submitted (what is stored and hashed), `value` its parsed JSON. With
/// [`prepare`], which it calls, the one path by which assessments are created (the API, the web
/// application, and consignments, which commit the prepared change with their own record).
pub async fn assess_and_store(
    service: &Service,
    principal: &Principal,
    org: &Org,
    as_of: Option<Date>,
    value: &Value,
    text: String,
) -> Result<Stored, ServiceError> {
    let prepared = prepare(service, principal, org, as_of, value, text, now_micros(), &[]).await?;
    // Answered only once stored: an acknowledged assessment is never lost.
    service.committer.submit(prepared.change).await?;
    Ok(prepared.stored)
}

/// An assessment made and ready to store: the change (record and audit event), what the
/// caller is answered, and the assessment itself.
#[derive(Debug)]
pub struct Prepared {
    pub change: Change,
    pub stored: Stored,
    pub assessment: preclear_engine::Assessment,
}

/// Validates and assesses a request, and builds the change that stores it, without storing
/// it: [`assess_and_store`] submits it alone; a consignment commits it with its own record.
#[allow(
    clippy::too_many_arguments,
    reason = "the one path that makes an assessment: each part is needed"
)]
pub async fn prepare(
    service: &Service,
    principal: &Principal,
    org: &Org,
    as_of: Option<Date>,
    value: &Value,
    text: String,
    now: i64,
    others: &[OtherParty],
) -> Result<Prepared, ServiceError> {
    principal.may(Op::CreateAssessment)?;
    let as_of = as_of.unwrap_or_else(|| date_of(now));
    let shipment = parse_shipment_value(value).map_err(|errors| {
        ServiceError::Invalid(
            errors
                .0
                .into_iter()
                .map(|e| FieldError { field: e.path, message: e.message })
                .collect(),
        )
    })?;
    let kb = service.kb();
    let prices = crate::price_lists::in_force(service, org).await?;
    // Every party screened with the lists in force (`screening`), and the operators' decisions
    // on their hits taken into account.
    let lists = crate::screening::ready(service).await?;
    let decisions = match &lists {
        Some(lists) => {
            crate::screening::decisions_for(service, org, &lists.screener, &shipment, others)
                .await?
        }
        None => Vec::new(),
    };
    let max_age = service.list_max_age.clone();
    let others = others.to_vec();
    let assess = move |shipment: &preclear_domain::Shipment| {
        let screen = lists.as_deref().map(|lists| Screen {
            lists,
            max_age: &max_age,
            decisions: &decisions,
            others: &others,
        });
        preclear_engine::assess_screened(&kb, shipment, as_of, prices.as_deref(), screen)
    };
    let assessment = if shipment.items.len() > 200 {
        let shipment = shipment.clone();
        tokio::task::spawn_blocking(move || assess(&shipment))
            .await
            .map_err(ServiceError::internal)?
    } else {
        assess(&shipment)
    };
    record(principal, org, &shipment, assessment, text, now, None)
}

/// The change that stores an assessment made from `shipment` (whose request `text` is what is
/// stored and hashed), with its audit event.
fn record(
    principal: &Principal,
    org: &Org,
    shipment: &preclear_domain::Shipment,
    assessment: preclear_engine::Assessment,
    text: String,
    now: i64,
    comparison: Option<Uuid>,
) -> Result<Prepared, ServiceError> {
    let as_of = assessment.as_of;
    let result = serde_json::to_string(&assessment).map_err(ServiceError::internal)?;
    let categories: Vec<String> = shipment
        .items
        .iter()
        .map(|i| i.category.as_str().to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // One figure only: a range (by state or province) is not stored as a total.
    let landed_cost = landed_cost_summary(&assessment.landed_cost);
    let total = landed_cost.as_ref().filter(|c| c.complete && c.high.is_none()).map(|c| c.low);
    let summary = AssessmentSummary {
        id: Uuid::now_v7(),
        org_id: org.id,
        reference: shipment.reference.clone(),
        client_name: shipment.client.name.clone(),
        business_unit: shipment.business_unit.clone(),
        origin: shipment.origin.to_string(),
        destination: shipment.destination.to_string(),
        categories: categories.clone(),
        verdict: assessment.verdict.as_str().to_owned(),
        as_of: as_of.to_string(),
        kb_version: assessment.kb_version.clone(),
        engine_version: ENGINE_VERSION.to_owned(),
        currency: shipment.currency.to_string(),
        total_landed_cost: total,
        landed_cost,
        created_by: principal.actor.0.clone(),
        created_at: now,
    };
    let record = AssessmentRecord {
        request_sha256: sha256_hex(&text),
        result_sha256: sha256_hex(&result),
        summary: summary.clone(),
        request: text,
        result: result.clone(),
    };
    let after = json!({
        "reference": summary.reference,
        "origin": summary.origin,
        "destination": summary.destination,
        "verdict": summary.verdict,
        "as_of": summary.as_of,
        "kb_version": summary.kb_version,
        "engine_version": ENGINE_VERSION,
        "total_landed_cost": summary.total_landed_cost.map(|d| d.to_string()),
        "currency": summary.currency,
        "request_sha256": record.request_sha256,
        "result_sha256": record.result_sha256,
    });
    let after = match (after, comparison) {
        (Value::Object(mut object), Some(id)) => {
            object.insert("comparison".to_owned(), Value::String(id.to_string()));
            Value::Object(object)
        }
        (after, _) => after,
    };
    let mut audit = event(
        org.id,
        &principal.actor,
        now,
        "assessment.created",
        ("assessment", summary.id.to_string()),
        None,
        Some(after),
    );
    audit.country = Some(summary.destination.clone());
    audit.business_unit = summary.business_unit.clone();
    audit.categories = categories;
    let change = Change { mutation: Mutation::InsertAssessment(Box::new(record)), event: audit };
    Ok(Prepared { change, stored: Stored { summary, result }, assessment })
}

/// The landed cost as lists show it: its lower bound, the high end of a range and whether it is
/// complete (the engine writes exact decimals; one that does not read is left out, never zero).
fn landed_cost_summary(
    cost: &preclear_engine::LandedCost,
) -> Option<preclear_store::LandedCostSummary> {
    let low = Decimal::from_str_exact(&cost.total).ok()?;
    let high = match &cost.total_high {
        Some(text) => Some(Decimal::from_str_exact(text).ok()?),
        None => None,
    };
    Some(preclear_store::LandedCostSummary { low, high, complete: cost.complete })
}

/// An assessment the caller may see, by id; 404 otherwise (never saying whether it exists).
pub async fn load(
    service: &Service,
    principal: &Principal,
    id: &str,
) -> Result<AssessmentRecord, ServiceError> {
    let not_found = || ServiceError::NotFound(format!("assessment `{id}` not found"));
    let uuid = Uuid::from_str(id).map_err(|_| not_found())?;
    service.store.assessment(uuid, principal.visibility()).await?.ok_or_else(not_found)
}

/// What a re-assessment of a stored request gives: the shipment, the request's JSON and the
/// assessment.
#[derive(Debug)]
pub struct Reassessed {
    pub shipment: preclear_domain::Shipment,
    pub request: Value,
    pub assessment: preclear_engine::Assessment,
}

/// Which prices a re-assessment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// The price list version the assessment recorded (none if it recorded none): a replay,
    /// and the documents of the decision.
    Recorded,
    /// The price list in force now for the assessment's organisation: a re-run.
    Current,
}

/// Re-assesses a stored request with the KB version `kb_version_wanted` on `as_of`, with the
/// prices `pricing` says: the one path of replay, rerun and the documents of an assessment.
pub async fn reassessed(
    service: &Service,
    record: &AssessmentRecord,
    kb_version_wanted: &str,
    as_of: Date,
    pricing: Pricing,
) -> Result<Reassessed, ServiceError> {
    let kb = service.kb_version(kb_version_wanted).await?;
    let request: Value = serde_json::from_str(&record.request).map_err(ServiceError::internal)?;
    let shipment = parse_shipment_value(&request).map_err(|e| {
        ServiceError::Conflict(format!("the stored request no longer parses with this engine: {e}"))
    })?;
    let recorded: Recorded =
        serde_json::from_str(&record.result).map_err(ServiceError::internal)?;
    let prices = match (pricing, recorded.service_charges) {
        (Pricing::Current, _) => {
            crate::price_lists::in_force(service, &org_of(service, record).await?).await?
        }
        (Pricing::Recorded, Some(charges)) => Some(
            crate::price_lists::recorded(
                service,
                &org_of(service, record).await?,
                &charges.price_list_version,
            )
            .await?,
        ),
        (Pricing::Recorded, None) => None,
    };
    // A replay screens again only if the assessment was screened (one from before screening
    // replays without), with the lists of the version it recorded (the bundled snapshots for
    // one from before lists were versioned) and the decisions it recorded; a re-run always
    // screens, as a new assessment does, with the lists and decisions in force.
    let mut max_age = service.list_max_age.clone();
    // The parties screened besides the request's (a consignment's importer-of-record entity)
    // are screened again as recorded.
    let others = recorded.screening.as_ref().map(|s| s.others()).unwrap_or_default();
    let (lists, decisions) = match (pricing, &recorded.screening) {
        (Pricing::Recorded, Some(screening)) => {
            max_age = screening.max_age().unwrap_or(max_age);
            let lists = match screening.version() {
                Some(version) => Some(crate::screening::version(service, version).await?),
                None => tokio::task::spawn_blocking(crate::screening::bundled)
                    .await
                    .map_err(ServiceError::internal)?,
            };
            (lists, screening.decisions())
        }
        (Pricing::Recorded, None) => (None, Vec::new()),
        (Pricing::Current, _) => {
            let lists = crate::screening::ready(service).await?;
            let decisions = match &lists {
                Some(lists) => {
                    let org = org_of(service, record).await?;
                    crate::screening::decisions_for(
                        service,
                        &org,
                        &lists.screener,
                        &shipment,
                        &others,
                    )
                    .await?
                }
                None => Vec::new(),
            };
            (lists, decisions)
        }
    };
    let (shipment, assessment) = tokio::task::spawn_blocking(move || {
        let screen = lists.as_deref().map(|lists| Screen {
            lists,
            max_age: &max_age,
            decisions: &decisions,
            others: &others,
        });
        let assessment =
            preclear_engine::assess_screened(&kb, &shipment, as_of, prices.as_deref(), screen);
        (shipment, assessment)
    })
    .await
    .map_err(ServiceError::internal)?;
    Ok(Reassessed { shipment, request, assessment })
}

/// What a stored result says about how it was made: the price list it was priced with, and
/// whether its parties were screened.
#[derive(serde::Deserialize)]
struct Recorded {
    service_charges: Option<RecordedCharges>,
    screening: Option<crate::screening::RecordedScreening>,
}

#[derive(serde::Deserialize)]
struct RecordedCharges {
    price_list_version: String,
}

/// The organisation a stored assessment belongs to.
async fn org_of(service: &Service, record: &AssessmentRecord) -> Result<Org, ServiceError> {
    let org_id = record.summary.org_id;
    service.store.org(org_id, preclear_store::Visibility::Own(org_id)).await?.ok_or_else(|| {
        ServiceError::internal(format!(
            "the organisation of assessment {} is missing",
            record.summary.id
        ))
    })
}

/// The destinations of a comparison, parsed, as the request's field `destinations` names them.
pub fn parse_destinations(codes: &[String]) -> Result<Vec<preclear_domain::Country>, ServiceError> {
    let mut errors = Vec::new();
    let mut parsed = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        match preclear_domain::Country::parse(code.trim()) {
            Ok(country) => parsed.push(country),
            Err(err) => errors
                .push(FieldError { field: format!("destinations[{i}]"), message: err.to_string() }),
        }
    }
    if errors.is_empty() { Ok(parsed) } else { Err(ServiceError::Invalid(errors)) }
}

/// What [`compare_and_store`] stored: the comparison, and each destination's stored assessment
/// in the same order.
#[derive(Debug)]
pub struct StoredComparison {
    /// The comparison's id (its audit event's object).
    pub id: Uuid,
    /// The rows.
    pub comparison: preclear_engine::compare::Comparison,
    /// The assessments, one per destination.
    pub assessments: Vec<Stored>,
}

/// Assesses one request for each of `destinations` (the request's destination replaced, and a
/// consignee or end user located there moved with it) and stores every assessment, each an
/// ordinary assessment with its request as assessed, with one `comparison.created` event
/// naming them: all in one transaction, so a comparison is stored whole or not at all.
pub async fn compare_and_store(
    service: &Service,
    principal: &Principal,
    org: &Org,
    as_of: Option<Date>,
    value: &Value,
    destinations: &[preclear_domain::Country],
) -> Result<StoredComparison, ServiceError> {
    principal.may(Op::CreateAssessment)?;
    let now = now_micros();
    let as_of = as_of.unwrap_or_else(|| date_of(now));
    let shipment = parse_shipment_value(value).map_err(|errors| {
        ServiceError::Invalid(
            errors
                .0
                .into_iter()
                .map(|e| FieldError { field: e.path, message: e.message })
                .collect(),
        )
    })?;
    // One engine call, as the CLI's: each destination an ordinary assessment.
    let kb = service.kb();
    let prices = crate::price_lists::in_force(service, org).await?;
    let lists = crate::screening::ready(service).await?;
    let decisions = match &lists {
        Some(lists) => {
            crate::screening::decisions_for(service, org, &lists.screener, &shipment, &[]).await?
        }
        None => Vec::new(),
    };
    let compared = {
        let (shipment, destinations) = (shipment.clone(), destinations.to_vec());
        let max_age = service.list_max_age.clone();
        tokio::task::spawn_blocking(move || {
            let screen = lists.as_deref().map(|lists| Screen {
                lists,
                max_age: &max_age,
                decisions: &decisions,
                others: &[],
            });
            preclear_engine::compare::compare_screened(
                &kb,
                &shipment,
                &destinations,
                as_of,
                prices.as_deref(),
                screen,
            )
        })
        .await
        .map_err(ServiceError::internal)?
    };
    let (comparison, assessments) = compared.map_err(|e| {
        ServiceError::Invalid(vec![FieldError {
            field: "destinations".to_owned(),
            message: e.to_string(),
        }])
    })?;
    let id = Uuid::now_v7();
    let mut changes = Vec::with_capacity(destinations.len() + 1);
    let mut stored = Vec::with_capacity(destinations.len());
    for assessment in assessments {
        let destination = assessment.destination;
        // The request stored is the one assessed: the destination replaced, the site moved.
        let text = redirected_request(value, shipment.destination, destination).to_string();
        let moved = preclear_engine::compare::redirected(&shipment, destination);
        let prepared = record(principal, org, &moved, assessment, text, now, Some(id))?;
        changes.push(prepared.change);
        stored.push(prepared.stored);
    }
    let after = json!({
        "reference": comparison.reference,
        "origin": shipment.origin.to_string(),
        "destinations": destinations.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "assessments": stored.iter().map(|s| s.summary.id.to_string()).collect::<Vec<_>>(),
        "as_of": as_of.to_string(),
        "kb_version": comparison.kb_version,
    });
    let event = event(
        org.id,
        &principal.actor,
        now,
        "comparison.created",
        ("comparison", id.to_string()),
        None,
        Some(after),
    );
    changes.push(Change { mutation: Mutation::Nothing, event });
    service.store.commit(&changes).await?;
    Ok(StoredComparison { id, comparison, assessments: stored })
}

/// The request sent to `to` instead of `from`: the JSON twin of
/// [`preclear_engine::compare::redirected`], so the stored request is the one assessed.
fn redirected_request(
    value: &Value,
    from: preclear_domain::Country,
    to: preclear_domain::Country,
) -> Value {
    let mut moved = value.clone();
    moved["destination"] = Value::String(to.to_string());
    for party in ["consignee", "end_user"] {
        if let Some(country) = moved.get_mut(party).and_then(|p| p.get_mut("country"))
            && country.as_str().and_then(|c| preclear_domain::Country::parse(c).ok()) == Some(from)
        {
            *country = Value::String(to.to_string());
        }
    }
    moved
}
