//! The documents of a stored assessment (commercial invoice, packing list, specification list,
//! pre-qualification report, power of attorney; PDF, and the lists as XLSX), made from the
//! replay of the stored decision so that they show exactly what was decided.

use std::str::FromStr as _;

use preclear_docs::{DocKind, Entity, Format, Parties, ShipmentDocs};
use preclear_domain::Date;
use preclear_store::{OrgKind, Visibility};

use crate::Service;
use crate::assessments::{Pricing, Reassessed, load, reassessed};
use crate::auth::Principal;
use crate::error::ServiceError;

/// The importer of record named on an organisation's documents: the provider that serves it
/// (the provider itself for its own shipments), in the destination. The IOR entity registry
/// will name the exact legal entity per market.
pub(crate) async fn parties(
    service: &Service,
    org_id: uuid::Uuid,
    destination: &str,
) -> Result<Parties, ServiceError> {
    let org = service.store.org(org_id, Visibility::Own(org_id)).await?;
    let provider = match &org {
        Some(org) if org.kind == OrgKind::Provider => Some(org.clone()),
        Some(org) => match org.provider_id {
            Some(id) => service.store.org(id, Visibility::Own(id)).await?,
            None => None,
        },
        None => None,
    };
    Ok(Parties {
        importer: provider.map(|p| Entity {
            name: p.name,
            country: Some(destination.to_owned()),
            address: None,
            tax_id: None,
        }),
        broker: None,
        consignee: None,
    })
}

/// The parties of a program consignment's documents: the IOR entity assigned to its import
/// position (with its registry number) and the consignee recorded there. `None` when the
/// assessment is not a consignment's, or the caller may not see programs; each party is left to
/// the defaults when the position does not name it yet.
async fn position_parties(
    service: &Service,
    principal: &Principal,
    assessment_id: uuid::Uuid,
    destination: &str,
) -> Result<Option<(Option<Entity>, Option<Entity>)>, ServiceError> {
    let programs = match crate::programs::programs(service, principal).await {
        Ok(programs) => programs,
        Err(ServiceError::Forbidden(_)) => return Ok(None),
        Err(err) => return Err(err),
    };
    for program in programs {
        let Some(position) = program.positions.iter().find(|p| p.destination == destination) else {
            continue;
        };
        let consignments =
            crate::programs::consignments(service, principal, &program, Some(destination)).await?;
        if !consignments.iter().any(|c| c.assessment.id == assessment_id) {
            continue;
        }
        let importer = match &position.entity {
            Some(assigned) => {
                let provider = crate::programs::provider_of(service, &program).await?;
                let registry = crate::programs::registry(service, provider).await?;
                let registered = registry.iter().find(|entity| entity.id == assigned.id);
                Some(Entity {
                    name: assigned.name.clone(),
                    country: Some(destination.to_owned()),
                    address: None,
                    tax_id: registered.map(|entity| entity.registry_number.clone()),
                })
            }
            None => None,
        };
        let consignee = position.consignee.as_ref().map(|consignee| Entity {
            name: consignee.legal_name.clone(),
            country: Some(destination.to_owned()),
            address: Some(consignee.address.clone()),
            tax_id: Some(consignee.tax_id.clone()),
        });
        return Ok(Some((importer, consignee)));
    }
    Ok(None)
}

/// One generated document of a stored assessment: the request is re-assessed with the KB
/// version and date it was assessed with (the replay of the stored decision), so the documents
/// show exactly what was decided. Answers `(file name, media type, bytes)`.
pub async fn generate_document(
    service: &Service,
    principal: &Principal,
    id: &str,
    file: &str,
) -> Result<(String, &'static str, Vec<u8>), ServiceError> {
    let not_found = || {
        ServiceError::NotFound(format!(
            "no document `{file}`: expected e.g. commercial-invoice.pdf or packing-list.xlsx"
        ))
    };
    let (slug, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let kind = DocKind::from_slug(slug).ok_or_else(not_found)?;
    let format = Format::from_extension(ext).ok_or_else(not_found)?;
    if format == Format::Xlsx && !kind.is_list() {
        return Err(ServiceError::NotFound(format!("{} is produced as PDF only", kind.title())));
    }
    let record = load(service, principal, id).await?;
    let as_of = Date::from_str(&record.summary.as_of).map_err(ServiceError::internal)?;
    let Reassessed { shipment, request, assessment } =
        reassessed(service, &record, &record.summary.kb_version, as_of, Pricing::Recorded).await?;
    let mut parties =
        parties(service, record.summary.org_id, shipment.destination.as_str()).await?;
    // A consignment of a program: its position names the importer of record and the consignee.
    if let Some((importer, consignee)) =
        position_parties(service, principal, record.summary.id, shipment.destination.as_str())
            .await?
    {
        // Not yet assigned: the documents say so rather than name the provider.
        parties.importer = importer;
        parties.consignee = consignee;
    }
    let bytes = tokio::task::spawn_blocking(move || {
        let docs = ShipmentDocs::new(&shipment, &assessment, &parties).with_request(request);
        preclear_docs::one(&docs, &assessment, kind, format).map(|g| g.bytes)
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(ServiceError::internal)?;
    let name = format!(
        "{}-{}.{}",
        kind.slug(),
        safe_file_part(&record.summary.reference),
        format.extension()
    );
    Ok((name, format.mime(), bytes))
}

/// A reference reduced to characters safe in a file name.
fn safe_file_part(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(60)
        .collect();
    if cleaned.is_empty() { "shipment".to_owned() } else { cleaned }
}
