//! A stored comparison: its `comparison.created` event names its assessments, and their replay
//! (each with the KB version, date and price list it recorded) gives its rows again, and its
//! files — one PDF (the rows, then each destination's landed cost by charge) and one XLSX.

use std::str::FromStr as _;

use preclear_docs::ShipmentDocs;
use preclear_domain::Date;
use preclear_engine::compare::{Comparison, comparison_of};
use serde::Deserialize;
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::assessments::{Pricing, Reassessed, load, reassessed};
use crate::auth::Principal;
use crate::documents::parties;
use crate::error::ServiceError;

/// A stored comparison, made again from its assessments.
#[derive(Debug)]
pub struct Loaded {
    /// Its id.
    pub id: Uuid,
    /// The organisation it was made for.
    pub org_id: Uuid,
    /// The rows.
    pub comparison: Comparison,
    /// Each destination's stored assessment (id, verdict…) and its replay, in the rows' order.
    pub assessments: Vec<(preclear_store::AssessmentSummary, Reassessed)>,
}

/// What the `comparison.created` event recorded.
#[derive(Deserialize)]
struct Recorded {
    assessments: Vec<String>,
    as_of: String,
    kb_version: String,
}

/// A comparison the caller may see, by id; 404 otherwise (never saying whether it exists).
pub async fn load_comparison(
    service: &Service,
    principal: &Principal,
    id: &str,
) -> Result<Loaded, ServiceError> {
    principal.may(Op::ReadAssessment)?;
    let not_found = || ServiceError::NotFound(format!("comparison `{id}` not found"));
    let uuid = Uuid::from_str(id).map_err(|_| not_found())?;
    let event = service
        .store
        .creation_event(
            principal.visibility(),
            "comparison",
            &uuid.to_string(),
            "comparison.created",
        )
        .await?
        .ok_or_else(not_found)?;
    let recorded: Recorded = serde_json::from_str(event.event.after.as_deref().unwrap_or("{}"))
        .map_err(|e| ServiceError::internal(format!("comparison {uuid}'s event: {e}")))?;
    let as_of = Date::from_str(&recorded.as_of).map_err(ServiceError::internal)?;
    let mut assessments = Vec::with_capacity(recorded.assessments.len());
    for assessment in &recorded.assessments {
        let record = load(service, principal, assessment).await?;
        let again =
            reassessed(service, &record, &record.summary.kb_version, as_of, Pricing::Recorded)
                .await?;
        assessments.push((record.summary, again));
    }
    let Some((_, first)) = assessments.first() else {
        return Err(ServiceError::internal(format!("comparison {uuid} names no assessment")));
    };
    let replayed: Vec<preclear_engine::Assessment> =
        assessments.iter().map(|(_, a)| a.assessment.clone()).collect();
    let comparison = comparison_of(&first.shipment, &recorded.kb_version, as_of, &replayed);
    Ok(Loaded { id: uuid, org_id: event.event.org_id, comparison, assessments })
}

/// A stored comparison as a file: `comparison.pdf` or `comparison.xlsx`. Answers `(file name,
/// media type, bytes)`.
pub async fn comparison_file(
    service: &Service,
    principal: &Principal,
    id: &str,
    file: &str,
) -> Result<(String, &'static str, Vec<u8>), ServiceError> {
    let pdf = match file {
        "comparison.pdf" => true,
        "comparison.xlsx" => false,
        _ => {
            return Err(ServiceError::NotFound(format!(
                "no file `{file}`: expected comparison.pdf or comparison.xlsx"
            )));
        }
    };
    let loaded = load_comparison(service, principal, id).await?;
    let mut each = Vec::with_capacity(loaded.assessments.len());
    for (summary, again) in &loaded.assessments {
        let parties = parties(service, summary.org_id, again.shipment.destination.as_str()).await?;
        each.push((
            ShipmentDocs::new(&again.shipment, &again.assessment, &parties),
            again.assessment.clone(),
        ));
    }
    let comparison = loaded.comparison;
    let files =
        tokio::task::spawn_blocking(move || preclear_docs::comparison_files(&comparison, &each))
            .await
            .map_err(ServiceError::internal)?
            .map_err(ServiceError::internal)?
            .ok_or_else(|| ServiceError::internal("a stored comparison without a destination"))?;
    let name = format!("comparison-{}.{}", loaded.id, if pdf { "pdf" } else { "xlsx" });
    Ok(if pdf {
        (name, "application/pdf", files.pdf)
    } else {
        (name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", files.xlsx)
    })
}
