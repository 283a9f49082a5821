//! Import positions: what a destination needs before cargo moves (from the assessments of its
//! consignments), whether the assigned IOR entity holds the registrations the market requires,
//! and whether the position is pre-validated — and if not, exactly what is missing and how long
//! the longest remaining item takes.

use std::collections::BTreeMap;

use jiff::civil::Date;
use preclear_engine::RequirementResult;
use serde::{Deserialize, Serialize};

use crate::model::{ApprovalStatus, Entity, Position, Validity, validity};

/// A requirement an assessment found, as the program keeps it (the assessment's `requirements`
/// entries, a stable part of its output contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Required {
    /// The KB rule id.
    pub rule: String,
    /// `applies` or `possible`.
    pub status: String,
    /// `type_approval`, `registration`, `specification_list`…
    pub kind: String,
    /// Name.
    pub name: String,
    /// Granting authority.
    pub authority: String,
    /// `destination` or `origin`.
    pub side: String,
    /// `shipment`, `model` or `importer`.
    pub scope: String,
    /// Who holds it.
    pub holder: String,
    /// Lead time in days (fewest, most); `None` when unknown.
    pub lead_time_days: Option<(u32, u32)>,
}

impl From<&RequirementResult> for Required {
    fn from(r: &RequirementResult) -> Self {
        Required {
            rule: r.rule.clone(),
            status: r.status.to_string(),
            kind: r.kind.to_owned(),
            name: r.name.clone(),
            authority: r.authority.clone(),
            side: r.side.to_string(),
            scope: r.scope.to_string(),
            holder: r.holder.to_string(),
            lead_time_days: r.lead_time_days.map(|d| (d.min, d.max)),
        }
    }
}

/// What kind of item a position needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedKind {
    /// A registration the importer of record itself must hold (scope `importer`): held by the
    /// entity as a credential.
    Registration,
    /// An approval, licence or certificate for the goods: recorded on the position.
    Approval,
    /// The equipment specification list confirmed by the origin authority.
    SpecificationListOrigin,
    /// The equipment specification list confirmed by the destination authority.
    SpecificationListDestination,
}

/// One thing a position needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    /// The item's key: the rule id, or `<rule>@origin` / `<rule>@destination` for the two
    /// confirmations of a specification list.
    pub key: String,
    /// What kind of item.
    pub kind: NeedKind,
    /// The requirement.
    pub requirement: Required,
    /// How many of the destination's consignments need it.
    pub consignments: usize,
}

impl Need {
    /// What the need is called: the requirement's name, and for the two confirmations of a
    /// specification list which one it is (else the two read as one requirement listed twice).
    pub fn name(&self) -> String {
        match self.kind {
            NeedKind::SpecificationListOrigin => {
                format!("{} — confirmed at origin", self.requirement.name)
            }
            NeedKind::SpecificationListDestination => {
                format!("{} — confirmed in the destination", self.requirement.name)
            }
            NeedKind::Registration | NeedKind::Approval => self.requirement.name.clone(),
        }
    }
}

/// The items a destination needs: the union of its consignments' requirements (destination
/// side; the exporter's own filings at origin are the exporter's per shipment). Ordered by key.
pub fn needs<'a>(requirements: impl IntoIterator<Item = &'a [Required]>) -> Vec<Need> {
    let mut found: BTreeMap<String, Need> = BTreeMap::new();
    for list in requirements {
        let mut keys_here: Vec<String> = Vec::new();
        for r in list {
            let items: Vec<(String, NeedKind)> = if r.kind == "specification_list" {
                vec![
                    (format!("{}@origin", r.rule), NeedKind::SpecificationListOrigin),
                    (format!("{}@destination", r.rule), NeedKind::SpecificationListDestination),
                ]
            } else if r.side != "destination" {
                vec![]
            } else if r.scope == "importer" {
                vec![(r.rule.clone(), NeedKind::Registration)]
            } else {
                vec![(r.rule.clone(), NeedKind::Approval)]
            };
            for (key, kind) in items {
                if keys_here.contains(&key) {
                    continue;
                }
                keys_here.push(key.clone());
                found
                    .entry(key.clone())
                    .and_modify(|need| need.consignments += 1)
                    .or_insert_with(|| Need { key, kind, requirement: r.clone(), consignments: 1 });
            }
        }
    }
    found.into_values().collect()
}

/// Something a position lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The part of the position: `assessment`, `entity`, `consignee`, `registration`,
    /// `approval` or `specification_list`.
    pub part: &'static str,
    /// The item key (a rule id), when the gap is a need.
    pub item: Option<String>,
    /// What is missing, a sentence for the operator.
    pub what: String,
    /// How long obtaining it takes (fewest, most days); `None` when unknown or not a KB item.
    pub lead_time_days: Option<(u32, u32)>,
}

/// How long the longest remaining item takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remaining {
    /// The most days any missing item with a known lead time takes.
    pub days: Option<u32>,
    /// How many missing items have an unknown lead time (then `days` is a lower bound).
    pub unknown: usize,
}

/// A position's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PositionStatus {
    /// The destination.
    pub destination: String,
    /// Whether everything holds: cargo may move.
    pub prevalidated: bool,
    /// What is missing.
    pub missing: Vec<Missing>,
    /// The longest remaining item.
    pub remaining: Remaining,
    /// The items needed, with whether each is satisfied.
    pub items: Vec<ItemStatus>,
}

/// One needed item and whether it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemStatus {
    /// The need.
    pub need: Need,
    /// Whether it holds on the date.
    pub satisfied: bool,
    /// How it is satisfied or why not.
    pub detail: String,
}

/// The standing of a position on `on`: `entity` is the assigned entity's current record,
/// `needs` the destination's needs, `assessed` how many of its consignments have been assessed.
pub fn status(
    position: &Position,
    entity: Option<&Entity>,
    needs: &[Need],
    assessed: usize,
    on: Date,
) -> PositionStatus {
    let mut missing = Vec::new();
    if assessed == 0 {
        missing.push(Missing {
            part: "assessment",
            item: None,
            what: format!(
                "no consignment to {} has been assessed yet, so the approvals it needs are not known",
                position.destination
            ),
            lead_time_days: None,
        });
    }
    match (&position.entity, entity) {
        (None, _) => missing.push(Missing {
            part: "entity",
            item: None,
            what: "no IOR entity is assigned".into(),
            lead_time_days: None,
        }),
        (Some(assigned), None) => missing.push(Missing {
            part: "entity",
            item: None,
            what: format!("the assigned IOR entity {} is no longer in the registry", assigned.name),
            lead_time_days: None,
        }),
        (Some(_), Some(entity)) if entity.country != position.destination => {
            missing.push(Missing {
                part: "entity",
                item: None,
                what: format!(
                    "the IOR entity {} is established in {}, not in {}",
                    entity.name, entity.country, position.destination
                ),
                lead_time_days: None,
            });
        }
        _ => {}
    }
    if position.consignee.is_none() {
        missing.push(Missing {
            part: "consignee",
            item: None,
            what: "no validated consignee (legal name, tax id, address) is recorded".into(),
            lead_time_days: None,
        });
    }
    let mut items = Vec::with_capacity(needs.len());
    for need in needs {
        let (satisfied, detail) = match need.kind {
            NeedKind::Registration => registration(entity, need, on),
            _ => record(position, need, on),
        };
        if !satisfied {
            missing.push(Missing {
                part: match need.kind {
                    NeedKind::Registration => "registration",
                    NeedKind::Approval => "approval",
                    _ => "specification_list",
                },
                item: Some(need.key.clone()),
                what: format!("{}: {detail}", need.name()),
                lead_time_days: need.requirement.lead_time_days,
            });
        }
        items.push(ItemStatus { need: need.clone(), satisfied, detail });
    }
    let remaining = remaining(&missing);
    PositionStatus {
        destination: position.destination.clone(),
        prevalidated: missing.is_empty(),
        missing,
        remaining,
        items,
    }
}

fn remaining(missing: &[Missing]) -> Remaining {
    Remaining {
        days: missing.iter().filter_map(|m| m.lead_time_days.map(|(_, max)| max)).max(),
        unknown: missing.iter().filter(|m| m.item.is_some() && m.lead_time_days.is_none()).count(),
    }
}

fn registration(entity: Option<&Entity>, need: &Need, on: Date) -> (bool, String) {
    let Some(entity) = entity else {
        return (false, "no IOR entity is assigned to hold it".into());
    };
    if let Some(credential) = entity.valid_credential(&need.key, on) {
        return (
            true,
            format!("held by {}: {} {}", entity.name, credential.name, credential.number),
        );
    }
    (false, entity_gap(entity, &need.key, on))
}

/// Why an entity does not hold the credential for `requirement` on `on`.
fn entity_gap(entity: &Entity, requirement: &str, on: Date) -> String {
    let held: Vec<_> = entity
        .credentials
        .iter()
        .filter(|c| c.requirement.as_deref() == Some(requirement))
        .collect();
    match held.last().map(|c| (c, c.validity(on))) {
        None => format!("{} does not hold it", entity.name),
        Some((c, Validity::Expired)) => format!(
            "{}'s {} expired on {}",
            entity.name,
            c.number,
            c.expires_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        Some((c, _)) => format!(
            "{}'s {} is not valid until {}",
            entity.name,
            c.number,
            c.valid_from.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

fn record(position: &Position, need: &Need, on: Date) -> (bool, String) {
    let Some(record) = position.record(&need.key) else {
        return (false, format!("not recorded (from {})", need.requirement.authority));
    };
    match record.status {
        ApprovalStatus::Applied => {
            (false, format!("applied for ({}), not granted yet", record.reference))
        }
        ApprovalStatus::Refused => (false, format!("refused ({})", record.reference)),
        ApprovalStatus::Granted if !record.evidence.is_present() => {
            (false, format!("granted ({}) but no evidence is attached", record.reference))
        }
        ApprovalStatus::Granted => match validity(None, record.expires_on, on) {
            Validity::Valid => (true, format!("granted: {}", record.reference)),
            _ => (
                false,
                format!(
                    "granted ({}) but expired on {}",
                    record.reference,
                    record.expires_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            ),
        },
    }
}

/// Why an entity may not be assigned to a destination: every registration the destination's
/// assessments require that it does not hold on `on`, and a market it is not established in.
/// Empty when it may.
pub fn entity_gaps(entity: &Entity, destination: &str, needs: &[Need], on: Date) -> Vec<String> {
    let mut gaps = Vec::new();
    if entity.country != destination {
        gaps.push(format!(
            "{} is established in {}, so it cannot act as importer of record in {destination}",
            entity.name, entity.country
        ));
    }
    for need in needs.iter().filter(|n| n.kind == NeedKind::Registration) {
        if entity.valid_credential(&need.key, on).is_none() {
            gaps.push(format!(
                "{} ({}, {}) is required of the importer of record in {destination}: {}",
                need.requirement.name,
                need.key,
                need.requirement.authority,
                entity_gap(entity, &need.key, on)
            ));
        }
    }
    gaps
}

/// A credential that expires soon (or has expired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryAlert {
    /// The entity.
    pub entity_id: uuid::Uuid,
    /// Its name.
    pub entity: String,
    /// Its market.
    pub country: String,
    /// The credential.
    pub credential_id: uuid::Uuid,
    /// What it is.
    pub credential: String,
    /// Its number.
    pub number: String,
    /// The KB requirement it satisfies.
    pub requirement: Option<String>,
    /// When it expires.
    pub expires_on: Date,
    /// Days from `on` to expiry (negative once expired).
    pub days_left: i32,
    /// Whether it has expired.
    pub expired: bool,
}

/// Credentials of `entities` that expire within `window_days` of `on`, or have expired;
/// soonest first.
pub fn expiry_alerts(entities: &[Entity], on: Date, window_days: u32) -> Vec<ExpiryAlert> {
    let mut alerts = Vec::new();
    for entity in entities {
        for c in &entity.credentials {
            let Some(expires_on) = c.expires_on else { continue };
            let days_left = days_between(on, expires_on);
            if days_left <= i64::from(window_days) {
                alerts.push(ExpiryAlert {
                    entity_id: entity.id,
                    entity: entity.name.clone(),
                    country: entity.country.clone(),
                    credential_id: c.id,
                    credential: c.name.clone(),
                    number: c.number.clone(),
                    requirement: c.requirement.clone(),
                    expires_on,
                    days_left: i32::try_from(days_left).unwrap_or(i32::MIN),
                    expired: days_left <= 0,
                });
            }
        }
    }
    alerts.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.entity.cmp(&b.entity)));
    alerts
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|span| i64::from(span.get_days())).unwrap_or(0)
}
