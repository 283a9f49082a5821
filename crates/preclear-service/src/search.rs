//! One search across what a caller may see: assessments (reference, client, and anything in the
//! stored request: parties, models, serial numbers), programs and consignments (reference,
//! name, client, anything in the record), organisations (name) and the KB's facts (rule ids and
//! the words of a fact). Tenancy is the store's: every read goes through the caller's
//! `Visibility`; the KB is readable by everyone.

use preclear_store::{AssessmentFilter, AssessmentSummary, Org, RecordKind};
use serde::Serialize;
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::auth::Principal;
use crate::error::{FieldError, ServiceError};

/// The most hits of one kind.
pub const MAX_HITS: u32 = 25;
/// The shortest and longest text searched for, in characters.
pub const MIN_CHARS: usize = 2;
/// The longest text searched for, in characters.
pub const MAX_CHARS: usize = 100;

/// A program or a consignment found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordHit {
    /// Its id.
    pub id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The program's name, or the consignment's destination.
    pub detail: String,
}

/// A KB fact found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactHit {
    /// Its scope: a market (`TR`), a union, a regime or a shared file.
    pub scope: String,
    /// What it is (`levy`, `requirement`…).
    pub section: String,
    /// Its key (a rule id).
    pub label: String,
    /// Its value in one line.
    pub value: String,
    /// Where it is written (`markets/TR.toml:120`).
    pub location: String,
}

/// An assessment found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentHit {
    /// Its id.
    pub id: Uuid,
    /// The shipment reference.
    pub reference: String,
    /// The client.
    pub client_name: String,
    /// The destination (ISO code).
    pub destination: String,
    /// The verdict.
    pub verdict: String,
}

/// An organisation found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgHit {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// `client` or `provider`.
    pub kind: String,
}

/// What a search found, each kind newest (or in KB order) first, at most [`MAX_HITS`] each.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Found {
    /// The text searched for.
    pub q: String,
    pub assessments: Vec<AssessmentHit>,
    pub programs: Vec<RecordHit>,
    pub consignments: Vec<RecordHit>,
    pub organisations: Vec<OrgHit>,
    pub facts: Vec<FactHit>,
}

impl Found {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.assessments.is_empty()
            && self.programs.is_empty()
            && self.consignments.is_empty()
            && self.organisations.is_empty()
            && self.facts.is_empty()
    }
}

/// Searches everything the caller may see for `q` (case-insensitive).
pub async fn search(
    service: &Service,
    principal: &Principal,
    q: &str,
) -> Result<Found, ServiceError> {
    principal.may(Op::Search)?;
    let q = q.trim();
    let chars = q.chars().count();
    let problem = if chars < MIN_CHARS {
        Some(format!("give at least {MIN_CHARS} characters to search for"))
    } else if chars > MAX_CHARS {
        Some(format!("at most {MAX_CHARS} characters are searched for"))
    } else {
        preclear_domain::text::text_problem(q, MAX_CHARS, preclear_domain::text::Lines::Refused)
    };
    if let Some(message) = problem {
        return Err(ServiceError::Invalid(vec![FieldError { field: "q".to_owned(), message }]));
    }
    let vis = principal.visibility();
    let store = &service.store;
    let filter = AssessmentFilter {
        text: Some(q.to_owned()),
        text_in_request: true,
        limit: MAX_HITS,
        ..AssessmentFilter::default()
    };
    let assessments = store
        .assessments(vis, &filter)
        .await?
        .into_iter()
        .map(|a: AssessmentSummary| AssessmentHit {
            id: a.id,
            reference: a.reference,
            client_name: a.client_name,
            destination: a.destination,
            verdict: a.verdict,
        })
        .collect();
    let mut programs = Vec::new();
    let mut consignments = Vec::new();
    if principal.can(Op::ListPrograms) {
        for record in store.search_records(RecordKind::Program, vis, q, MAX_HITS).await? {
            let body: serde_json::Value = serde_json::from_str(&record.body).unwrap_or_default();
            programs.push(RecordHit {
                id: record.id,
                reference: record.key.clone(),
                detail: body.get("name").and_then(|n| n.as_str()).unwrap_or_default().to_owned(),
            });
        }
        for record in store.search_records(RecordKind::Consignment, vis, q, MAX_HITS).await? {
            let body: serde_json::Value = serde_json::from_str(&record.body).unwrap_or_default();
            consignments.push(RecordHit {
                id: record.id,
                reference: body
                    .get("reference")
                    .and_then(|n| n.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                detail: body
                    .get("destination")
                    .and_then(|n| n.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
    }
    let folded = q.to_lowercase();
    let organisations = store
        .orgs(vis)
        .await?
        .into_iter()
        .filter(|o: &Org| o.name.to_lowercase().contains(&folded))
        .take(MAX_HITS as usize)
        .map(|o| OrgHit { id: o.id, name: o.name, kind: o.kind.as_str().to_owned() })
        .collect();
    let kb = service.kb();
    let facts = preclear_kb::facts::facts(&kb)
        .into_iter()
        .filter(|f| {
            f.label.to_lowercase().contains(&folded)
                || f.value.to_lowercase().contains(&folded)
                || f.provenance.note.as_deref().is_some_and(|n| n.to_lowercase().contains(&folded))
        })
        .take(MAX_HITS as usize)
        .map(|f| FactHit {
            scope: f.scope.clone(),
            section: f.section.to_owned(),
            label: f.label.clone(),
            value: f.value.clone(),
            location: format!("{}:{}", f.provenance.location.file, f.provenance.location.line),
        })
        .collect();
    Ok(Found { q: q.to_owned(), assessments, programs, consignments, organisations, facts })
}
