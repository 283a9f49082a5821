//! Programs in the service: the IOR entity registry, programs and their import positions,
//! consignments and their transitions, the rollout view and the KB-change impact. Each
//! operation checks the caller's role, reads through the caller's `Visibility`, decides with
//! `preclear-program`, and commits one change per record with its audit event. The API
//! (`programs_api`), the web pages (`web/programs`) and the shell (`preclear program`) all call
//! these functions, so they act alike.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use preclear_kb::Kb;
use preclear_program::impact::{AssessmentChange, NeedsChange, compare, compare_needs};
use preclear_program::{
    ApprovalRecord, ApprovalStatus, AssessedAs, Consignment, Credential, DocumentRef, Entity,
    EntityRef, Evidence, Position, Program, Relationship, Required, Rollout, State, Transition,
    Window,
};
use preclear_store::{
    Change, EvidenceDocument, Mutation, NewEvent, Org, OrgKind, ProgramRecord, RecordKind,
    Visibility,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::assessments::{Pricing, named_or_own, prepare, reassessed};
use crate::auth::Principal;
use crate::clock::date_of;
use crate::error::{FieldError, ServiceError};
use crate::ops::event;

const MAX_TEXT: usize = 300;

/// Collects every invalid field of an input before answering.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    /// A required, bounded, single-line text.
    pub fn text(&mut self, field: &str, value: &str) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.push(field, "must not be empty");
        } else if value.chars().count() > MAX_TEXT || value.chars().any(char::is_control) {
            self.push(
                field,
                format!("must be at most {MAX_TEXT} characters without control characters"),
            );
        }
        value.to_owned()
    }

    pub fn opt_text(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value.map(str::trim).filter(|v| !v.is_empty()).map(|v| self.text(field, v))
    }

    pub fn date(&mut self, field: &str, value: Option<&str>) -> Option<Date> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        match value.parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                self.push(field, format!("`{value}` is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    pub fn country(&mut self, field: &str, value: &str) -> String {
        match preclear_domain::Country::parse(value.trim()) {
            Ok(country) => country.to_string(),
            Err(e) => {
                self.push(field, e.to_string());
                value.trim().to_owned()
            }
        }
    }

    pub fn done(self) -> Result<(), ServiceError> {
        if self.0.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(self.0)) }
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(ServiceError::internal)
}

fn from_record<T: for<'de> Deserialize<'de>>(record: &ProgramRecord) -> Result<T, ServiceError> {
    serde_json::from_str(&record.body).map_err(|e| {
        ServiceError::internal(format!(
            "stored {} {} does not read: {e}",
            record.kind.as_str(),
            record.id
        ))
    })
}

pub(crate) fn with_country(mut event: NewEvent, country: &str) -> NewEvent {
    event.country = Some(country.to_owned());
    event
}

// ---------------------------------------------------------------------------------------------
// The IOR entity registry

/// A new IOR entity.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEntity {
    /// Legal name.
    pub name: String,
    /// The market it is established in and imports into.
    pub country: String,
    /// `own` (the provider's entity) or `partner` (a local partner; must be disclosed).
    pub relationship: String,
    /// For a partner: whether it is disclosed to clients as the importer of record. An
    /// undisclosed sub-agent is refused.
    #[serde(default)]
    pub disclosed: bool,
    /// Trade registry or tax number.
    pub registry_number: String,
}

/// The provider organisation whose registry the caller manages, once it may call `op`.
fn registry_owner(principal: &Principal, op: Op) -> Result<Uuid, ServiceError> {
    principal.may(op)?;
    Ok(principal.org.id)
}

/// Registers an IOR entity.
pub async fn create_entity(
    state: &Service,
    principal: &Principal,
    new: &NewEntity,
    now: i64,
) -> Result<Entity, ServiceError> {
    let owner = registry_owner(principal, Op::CreateEntity)?;
    let mut p = Problems::default();
    let name = p.text("name", &new.name);
    let country = p.country("country", &new.country);
    let registry_number = p.text("registry_number", &new.registry_number);
    let relationship = match (new.relationship.as_str(), new.disclosed) {
        ("own", _) => Relationship::Own,
        ("partner", true) => Relationship::DisclosedPartner,
        ("partner", false) => {
            p.push(
                "disclosed",
                "an undisclosed sub-agent cannot act as importer of record: a partner must be \
                 disclosed to the client (set disclosed to true once it is)",
            );
            Relationship::DisclosedPartner
        }
        (other, _) => {
            p.push(
                "relationship",
                format!("`{other}` is not a relationship; expected own or partner"),
            );
            Relationship::Own
        }
    };
    p.done()?;
    let entity = Entity {
        id: Uuid::now_v7(),
        org_id: owner,
        name,
        country,
        relationship,
        registry_number,
        credentials: vec![],
        created_at: now,
        updated_at: now,
    };
    let after = json!({ "name": entity.name, "country": entity.country,
        "relationship": relationship.as_str(), "registry_number": entity.registry_number });
    let audit = event(
        owner,
        &principal.actor,
        now,
        "ior_entity.created",
        ("ior_entity", entity.id.to_string()),
        None,
        Some(after),
    );
    put_entity(state, &entity, 1, with_country(audit, &entity.country)).await?;
    Ok(entity)
}

async fn put_entity(
    state: &Service,
    entity: &Entity,
    version: i64,
    audit: NewEvent,
) -> Result<(), ServiceError> {
    let record = ProgramRecord {
        kind: RecordKind::Entity,
        id: entity.id,
        org_id: entity.org_id,
        parent_id: None,
        key: entity.country.clone(),
        state: String::new(),
        body: to_json(entity)?,
        version,
        created_at: entity.created_at,
        updated_at: entity.updated_at,
    };
    state
        .store
        .commit(&[Change { mutation: Mutation::PutRecord(Box::new(record)), event: audit }])
        .await?;
    Ok(())
}

/// An entity of the caller's registry, with its stored version.
pub async fn entity(
    state: &Service,
    principal: &Principal,
    id: Uuid,
) -> Result<(Entity, i64), ServiceError> {
    let owner = registry_owner(principal, Op::ReadEntity)?;
    let record = state
        .store
        .record(RecordKind::Entity, id, Visibility::Own(owner))
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("IOR entity {id} not found")))?;
    Ok((from_record(&record)?, record.version))
}

/// The entities of a provider's registry (for computing positions, any caller whose program it
/// serves may read them; listing them through the API needs an operator).
pub async fn registry(state: &Service, provider: Uuid) -> Result<Vec<Entity>, ServiceError> {
    state
        .store
        .records(RecordKind::Entity, Visibility::Own(provider))
        .await?
        .iter()
        .map(from_record)
        .collect()
}

/// The caller's registry.
pub async fn entities(state: &Service, principal: &Principal) -> Result<Vec<Entity>, ServiceError> {
    let owner = registry_owner(principal, Op::ListEntities)?;
    registry(state, owner).await
}

/// Evidence as given in input: a reference, an uploaded document's SHA-256, or both.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// Where the proof is (registry URL, document-system number).
    #[serde(default)]
    pub reference: Option<String>,
    /// The SHA-256 of a document uploaded with `POST /api/v1/evidence`.
    #[serde(default)]
    pub document_sha256: Option<String>,
}

async fn evidence(
    state: &Service,
    vis: Visibility,
    field: &str,
    input: &EvidenceInput,
    p: &mut Problems,
) -> Result<Evidence, ServiceError> {
    let reference = p.opt_text(&format!("{field}.reference"), input.reference.as_deref());
    let document = match input.document_sha256.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(sha) => match state.store.evidence(sha, vis).await? {
            Some(doc) => Some(DocumentRef {
                sha256: doc.sha256,
                file_name: doc.file_name,
                size: u64::try_from(doc.bytes.len()).unwrap_or(u64::MAX),
            }),
            None => {
                p.push(
                    format!("{field}.document_sha256"),
                    format!("no uploaded document has SHA-256 `{sha}`"),
                );
                None
            }
        },
    };
    let evidence = Evidence { reference, document };
    if !evidence.is_present() {
        p.push(field, "give a reference or an uploaded document as evidence");
    }
    Ok(evidence)
}

/// A new credential of an entity.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCredential {
    /// The KB requirement it satisfies (`tr.tareks-company`), if it is one.
    #[serde(default)]
    pub requirement: Option<String>,
    /// What it is.
    pub name: String,
    /// Its number.
    pub number: String,
    /// Who issued it.
    pub issuer: String,
    /// The proof.
    pub evidence: EvidenceInput,
    /// From when it is valid (YYYY-MM-DD).
    #[serde(default)]
    pub valid_from: Option<String>,
    /// When it expires (YYYY-MM-DD), if it does.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// Adds a credential to an entity.
pub async fn add_credential(
    state: &Service,
    principal: &Principal,
    entity_id: Uuid,
    new: &NewCredential,
    now: i64,
) -> Result<Entity, ServiceError> {
    principal.may(Op::AddCredential)?;
    let (mut entity, version) = entity(state, principal, entity_id).await?;
    let mut p = Problems::default();
    let requirement = p.opt_text("requirement", new.requirement.as_deref());
    if let Some(rule) = &requirement {
        let kb = state.kb();
        let market = preclear_domain::Country::parse(&entity.country)
            .ok()
            .and_then(|country| kb.market(country));
        // An entity holds registrations (scope `importer`); an approval for goods or one
        // shipment is recorded on a program's position, not as the entity's credential.
        let registrations: Vec<&str> = market
            .map(|m| {
                m.requirements
                    .iter()
                    .filter(|r| r.scope == preclear_kb::Scope::Importer)
                    .map(|r| &*r.id)
                    .collect()
            })
            .unwrap_or_default();
        if !registrations.contains(&rule.as_str()) {
            let scope = market.and_then(|m| m.requirement(rule)).map(|r| r.scope);
            let why = match scope {
                Some(_) => format!(
                    "`{rule}` is an approval for goods or shipments, recorded on a program's position, not a registration an entity holds"
                ),
                None => {
                    format!("`{rule}` is not a requirement of {} in the current KB", entity.country)
                }
            };
            let choices = if registrations.is_empty() {
                format!("; {} has no importer registration in the KB", entity.country)
            } else {
                format!(
                    "; the registrations of {} are: {}",
                    entity.country,
                    registrations.join(", ")
                )
            };
            p.push("requirement", format!("{why}{choices}"));
        }
    }
    let credential = Credential {
        id: Uuid::now_v7(),
        requirement,
        name: p.text("name", &new.name),
        number: p.text("number", &new.number),
        issuer: p.text("issuer", &new.issuer),
        evidence: evidence(
            state,
            Visibility::Provider(entity.org_id),
            "evidence",
            &new.evidence,
            &mut p,
        )
        .await?,
        valid_from: p.date("valid_from", new.valid_from.as_deref()),
        expires_on: p.date("expires_on", new.expires_on.as_deref()),
        added_at: now,
        added_by: principal.actor.0.clone(),
    };
    if let (Some(from), Some(to)) = (credential.valid_from, credential.expires_on)
        && to <= from
    {
        p.push("expires_on", "must be after valid_from");
    }
    p.done()?;
    let after = serde_json::to_value(&credential).map_err(ServiceError::internal)?;
    entity.credentials.push(credential);
    entity.updated_at = now;
    let audit = event(
        entity.org_id,
        &principal.actor,
        now,
        "ior_entity.credential_added",
        ("ior_entity", entity.id.to_string()),
        None,
        Some(after),
    );
    put_entity(state, &entity, version + 1, with_country(audit, &entity.country)).await?;
    Ok(entity)
}

/// Uploads an evidence document; answers its reference (stored once per content).
pub async fn upload_evidence(
    state: &Service,
    principal: &Principal,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: i64,
) -> Result<DocumentRef, ServiceError> {
    principal.may(Op::UploadEvidence)?;
    let mut p = Problems::default();
    let file_name = p.text("file_name", file_name);
    if bytes.is_empty() {
        p.push("", "the document is empty");
    }
    p.done()?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let owner = principal.org.id;
    let audit = event(
        owner,
        &principal.actor,
        now,
        "evidence.uploaded",
        ("evidence", sha256.clone()),
        None,
        Some(json!({ "file_name": file_name, "size": size })),
    );
    let doc = EvidenceDocument {
        org_id: owner,
        sha256: sha256.clone(),
        file_name: file_name.clone(),
        content_type: content_type.to_owned(),
        bytes,
        created_at: now,
    };
    state
        .store
        .commit(&[Change { mutation: Mutation::InsertEvidence(Box::new(doc)), event: audit }])
        .await?;
    Ok(DocumentRef { sha256, file_name, size })
}

// ---------------------------------------------------------------------------------------------
// Programs and positions

/// A destination of a new program.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDestination {
    /// ISO 3166 alpha-2.
    pub country: String,
    /// First day of the deployment window (YYYY-MM-DD).
    pub window_start: String,
    /// Last day of the deployment window (YYYY-MM-DD).
    pub window_end: String,
    /// Clearance SLA in hours from arrival (default 72).
    #[serde(default)]
    pub clearance_target_hours: Option<u32>,
    /// Planned transit days from release at origin (default 7).
    #[serde(default)]
    pub transit_days: Option<u32>,
}

/// A new program.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProgram {
    /// A short reference, unique for the client.
    pub reference: String,
    /// What it is.
    pub name: String,
    /// The client organisation (name or id); a client's own users omit it.
    #[serde(default)]
    pub client: Option<String>,
    /// The destinations.
    pub destinations: Vec<NewDestination>,
}

fn destination(p: &mut Problems, field: &str, d: &NewDestination) -> Position {
    let destination = p.country(&format!("{field}.country"), &d.country);
    let start = p.date(&format!("{field}.window_start"), Some(&d.window_start));
    let end = p.date(&format!("{field}.window_end"), Some(&d.window_end));
    if d.window_start.trim().is_empty() {
        p.push(format!("{field}.window_start"), "must not be empty");
    }
    if d.window_end.trim().is_empty() {
        p.push(format!("{field}.window_end"), "must not be empty");
    }
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        p.push(format!("{field}.window_end"), "must not be before window_start");
    }
    let hours = d.clearance_target_hours.unwrap_or(72);
    if !(1..=2160).contains(&hours) {
        p.push(format!("{field}.clearance_target_hours"), "must be between 1 and 2160 hours");
    }
    let transit = d.transit_days.unwrap_or(7);
    if transit > 180 {
        p.push(format!("{field}.transit_days"), "must be at most 180 days");
    }
    let fallback = Date::constant(2000, 1, 1);
    Position {
        destination,
        window: Window { start: start.unwrap_or(fallback), end: end.unwrap_or(fallback) },
        clearance_target_hours: hours,
        transit_days: transit,
        entity: None,
        consignee: None,
        records: vec![],
        routing: preclear_program::routing::Routing::default(),
    }
}

/// Creates a program.
pub async fn create_program(
    state: &Service,
    principal: &Principal,
    new: &NewProgram,
    now: i64,
) -> Result<Program, ServiceError> {
    principal.may(Op::CreateProgram)?;
    let org = named_or_own(state, principal, new.client.as_deref()).await?;
    if org.kind != OrgKind::Client {
        return Err(ServiceError::invalid_field(
            "client",
            "a program is made for a client organisation; name the client",
        ));
    }
    let mut p = Problems::default();
    let reference = p.text("reference", &new.reference);
    let name = p.text("name", &new.name);
    if new.destinations.is_empty() {
        p.push("destinations", "a program needs at least one destination");
    }
    if new.destinations.len() > 250 {
        p.push("destinations", "a program has at most 250 destinations");
    }
    let mut positions: Vec<Position> = Vec::new();
    for (i, d) in new.destinations.iter().enumerate() {
        let position = destination(&mut p, &format!("destinations[{i}]"), d);
        if positions.iter().any(|q| q.destination == position.destination) {
            p.push(
                format!("destinations[{i}].country"),
                format!("{} is listed twice", position.destination),
            );
        }
        positions.push(position);
    }
    p.done()?;
    let program = Program {
        id: Uuid::now_v7(),
        org_id: org.id,
        client_name: org.name.clone(),
        reference,
        name,
        positions,
        disruptions: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    let after = json!({ "reference": program.reference, "name": program.name,
        "destinations": program.positions.iter().map(|p| json!({ "country": p.destination,
            "window": p.window, "clearance_target_hours": p.clearance_target_hours })).collect::<Vec<_>>() });
    let audit = event(
        org.id,
        &principal.actor,
        now,
        "program.created",
        ("program", program.id.to_string()),
        None,
        Some(after),
    );
    put_program(state, &program, 1, audit).await.map_err(|e| match e {
        ServiceError::Conflict(_) => ServiceError::Conflict(format!(
            "{} already has a program with reference `{}`",
            org.name, program.reference
        )),
        other => other,
    })?;
    Ok(program)
}

pub(crate) async fn put_program(
    state: &Service,
    program: &Program,
    version: i64,
    audit: NewEvent,
) -> Result<(), ServiceError> {
    let record = program_record(program, version)?;
    state
        .store
        .commit(&[Change { mutation: Mutation::PutRecord(Box::new(record)), event: audit }])
        .await?;
    Ok(())
}

fn program_record(program: &Program, version: i64) -> Result<ProgramRecord, ServiceError> {
    Ok(ProgramRecord {
        kind: RecordKind::Program,
        id: program.id,
        org_id: program.org_id,
        parent_id: None,
        key: program.reference.clone(),
        state: String::new(),
        body: to_json(program)?,
        version,
        created_at: program.created_at,
        updated_at: program.updated_at,
    })
}

/// A program the caller may see, with its stored version.
pub async fn program(
    state: &Service,
    principal: &Principal,
    id: Uuid,
) -> Result<(Program, i64), ServiceError> {
    let record = state
        .store
        .record(RecordKind::Program, id, principal.visibility())
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("program {id} not found")))?;
    Ok((from_record(&record)?, record.version))
}

/// The programs the caller may see, oldest first.
pub async fn programs(
    state: &Service,
    principal: &Principal,
) -> Result<Vec<Program>, ServiceError> {
    principal.may(Op::ListPrograms)?;
    state
        .store
        .records(RecordKind::Program, principal.visibility())
        .await?
        .iter()
        .map(from_record)
        .collect()
}

/// A program's consignments (only a destination's, when given), oldest first.
pub async fn consignments(
    state: &Service,
    principal: &Principal,
    program: &Program,
    destination: Option<&str>,
) -> Result<Vec<Consignment>, ServiceError> {
    principal.may(Op::ListConsignments)?;
    state
        .store
        .children(program.id, destination, principal.visibility())
        .await?
        .iter()
        .map(from_record)
        .collect()
}

/// The provider serving a program's client (whose registry names its entities).
pub(crate) async fn provider_of(state: &Service, program: &Program) -> Result<Uuid, ServiceError> {
    let org = state.store.org(program.org_id, Visibility::Own(program.org_id)).await?.ok_or_else(
        || ServiceError::internal(format!("program {} has no organisation", program.id)),
    )?;
    Ok(org.provider_id.unwrap_or(org.id))
}

pub(crate) fn position_index(program: &Program, destination: &str) -> Result<usize, ServiceError> {
    program.positions.iter().position(|p| p.destination == destination).ok_or_else(|| {
        ServiceError::NotFound(format!(
            "program {} has no destination {destination}",
            program.reference
        ))
    })
}

/// Everything needed to judge one position now.
#[derive(Debug)]
pub struct PositionContext {
    /// The program.
    pub program: Program,
    /// Its stored version.
    pub version: i64,
    /// The provider's registry.
    pub entities: Vec<Entity>,
    /// The program's consignments (only one destination's, when loaded for one).
    pub consignments: Vec<Consignment>,
}

impl PositionContext {
    /// Loads a program with its registry and its consignments: all of them, or only those of
    /// `destination` (what one position's standing needs, so a transition does not read the
    /// whole program).
    pub async fn load(
        state: &Service,
        principal: &Principal,
        id: Uuid,
        destination: Option<&str>,
    ) -> Result<Self, ServiceError> {
        let (program, version) = program(state, principal, id).await?;
        let entities = registry(state, provider_of(state, &program).await?).await?;
        let consignments = consignments(state, principal, &program, destination).await?;
        Ok(PositionContext { program, version, entities, consignments })
    }

    /// What a consignment's position standing needs: its program, the registry and its
    /// destination's consignments.
    pub async fn for_consignment(
        state: &Service,
        principal: &Principal,
        consignment: &Consignment,
    ) -> Result<Self, ServiceError> {
        Self::load(state, principal, consignment.program_id, Some(&consignment.destination)).await
    }

    /// The needs and standing of a destination's position on `on`.
    pub fn standing(
        &self,
        destination: &str,
        on: Date,
    ) -> Result<(Vec<preclear_program::Need>, preclear_program::PositionStatus), ServiceError> {
        let position = &self.program.positions[position_index(&self.program, destination)?];
        let entity =
            position.entity.as_ref().and_then(|e| self.entities.iter().find(|x| x.id == e.id));
        let list: Vec<&Consignment> =
            self.consignments.iter().filter(|c| c.destination == destination).collect();
        Ok(preclear_program::position_standing(position, entity, &list, on))
    }
}

/// Assigns an IOR entity to a destination; refused, with every reason, when the entity lacks a
/// registration the destination's assessments require or is established elsewhere.
pub async fn assign_entity(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    destination: &str,
    entity_id: Uuid,
    now: i64,
) -> Result<Program, ServiceError> {
    principal.may(Op::AssignEntity)?;
    let mut ctx = PositionContext::load(state, principal, program_id, Some(destination)).await?;
    let index = position_index(&ctx.program, destination)?;
    let entity = ctx.entities.iter().find(|e| e.id == entity_id).ok_or_else(|| {
        ServiceError::invalid_field(
            "entity_id",
            format!("IOR entity {entity_id} is not in the registry"),
        )
    })?;
    let (needs, _) = ctx.standing(destination, date_of(now))?;
    let gaps = preclear_program::entity_gaps(entity, destination, &needs, date_of(now));
    if !gaps.is_empty() {
        return Err(ServiceError::Invalid(
            gaps.into_iter()
                .map(|message| FieldError { field: "entity_id".into(), message })
                .collect(),
        ));
    }
    let assigned = EntityRef { id: entity.id, name: entity.name.clone() };
    let before = ctx.program.positions[index].entity.clone();
    ctx.program.positions[index].entity = Some(assigned.clone());
    ctx.program.updated_at = now;
    let audit = event(
        ctx.program.org_id,
        &principal.actor,
        now,
        "position.entity_assigned",
        ("program", ctx.program.id.to_string()),
        Some(json!({ "destination": destination, "entity": before })),
        Some(json!({ "destination": destination, "entity": assigned })),
    );
    put_program(state, &ctx.program, ctx.version + 1, with_country(audit, destination)).await?;
    Ok(ctx.program)
}

/// A consignee as given.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewConsignee {
    /// Legal name.
    pub legal_name: String,
    /// Tax identifier.
    pub tax_id: String,
    /// Full address.
    pub address: String,
}

/// Records (or replaces) a destination's consignee after checking it.
pub async fn set_consignee(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    destination: &str,
    new: &NewConsignee,
    now: i64,
) -> Result<Program, ServiceError> {
    principal.may(Op::SetConsignee)?;
    let (mut program, version) = program(state, principal, program_id).await?;
    let index = position_index(&program, destination)?;
    let consignee = preclear_program::consignee::check_consignee(
        destination,
        &new.legal_name,
        &new.tax_id,
        &new.address,
    )
    .map_err(|problems| {
        ServiceError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldError { field: p.field, message: p.message })
                .collect(),
        )
    })?;
    let before = program.positions[index].consignee.clone();
    program.positions[index].consignee = Some(consignee.clone());
    program.updated_at = now;
    let audit = event(
        program.org_id,
        &principal.actor,
        now,
        "position.consignee_recorded",
        ("program", program.id.to_string()),
        Some(json!({ "destination": destination, "consignee": before })),
        Some(json!({ "destination": destination, "consignee": consignee })),
    );
    put_program(state, &program, version + 1, with_country(audit, destination)).await?;
    Ok(program)
}

/// An approval or confirmation as given.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApproval {
    /// The item it answers: a requirement's rule id, or `<rule>@origin` / `<rule>@destination`
    /// for a specification list's confirmations (the position's `items`).
    pub item: String,
    /// `applied`, `granted` or `refused`.
    pub status: String,
    /// The authority's reference.
    pub reference: String,
    /// The proof (needed for `granted`).
    #[serde(default)]
    pub evidence: EvidenceInput,
    /// When it expires (YYYY-MM-DD), if it does.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// Records an approval or a specification-list confirmation on a position.
pub async fn record_approval(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    destination: &str,
    new: &NewApproval,
    now: i64,
) -> Result<Program, ServiceError> {
    principal.may(Op::RecordApproval)?;
    let mut ctx = PositionContext::load(state, principal, program_id, Some(destination)).await?;
    let index = position_index(&ctx.program, destination)?;
    let (needs, _) = ctx.standing(destination, date_of(now))?;
    let mut p = Problems::default();
    let item = new.item.trim().to_owned();
    match needs.iter().find(|n| n.key == item) {
        None => p.push("item", format!(
            "`{item}` is not an item the position in {destination} needs; its items are: {}",
            needs.iter().filter(|n| n.kind != preclear_program::NeedKind::Registration)
                .map(|n| n.key.as_str()).collect::<Vec<_>>().join(", ")
        )),
        Some(n) if n.kind == preclear_program::NeedKind::Registration => p.push("item", format!(
            "`{item}` is a registration the importer of record holds: record it as a credential of the IOR entity"
        )),
        Some(_) => {}
    }
    let status = match new.status.as_str() {
        "applied" => ApprovalStatus::Applied,
        "granted" => ApprovalStatus::Granted,
        "refused" => ApprovalStatus::Refused,
        other => {
            p.push(
                "status",
                format!("`{other}` is not a status; expected applied, granted or refused"),
            );
            ApprovalStatus::Applied
        }
    };
    let reference = p.text("reference", &new.reference);
    let expires_on = p.date("expires_on", new.expires_on.as_deref());
    let given = new.evidence.reference.is_some() || new.evidence.document_sha256.is_some();
    let evidence = if status == ApprovalStatus::Granted || given {
        evidence(state, principal.visibility(), "evidence", &new.evidence, &mut p).await?
    } else {
        Evidence::default()
    };
    p.done()?;
    let record = ApprovalRecord {
        item: item.clone(),
        status,
        reference,
        evidence,
        expires_on,
        updated_at: now,
        updated_by: principal.actor.0.clone(),
    };
    let position = &mut ctx.program.positions[index];
    let before =
        position.records.iter().position(|r| r.item == item).map(|i| position.records.remove(i));
    position.records.push(record.clone());
    position.records.sort_by(|a, b| a.item.cmp(&b.item));
    ctx.program.updated_at = now;
    let audit = event(
        ctx.program.org_id,
        &principal.actor,
        now,
        "position.approval_recorded",
        ("program", ctx.program.id.to_string()),
        before.map(|b| json!({ "destination": destination, "approval": b })),
        Some(json!({ "destination": destination, "approval": record })),
    );
    put_program(state, &ctx.program, ctx.version + 1, with_country(audit, destination)).await?;
    Ok(ctx.program)
}

// ---------------------------------------------------------------------------------------------
// Consignments

/// Creates a consignment from a stored assessment of the program's client: its request is
/// assessed again with the current KB for `as_of` (the consignment's own assessment, stored
/// with it), as [`create_consignment`] does. An assessment of another organisation is refused
/// (a program's consignments are its client's shipments).
pub async fn consignment_from_assessment(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    assessment_id: &str,
    as_of: Option<&str>,
    now: i64,
) -> Result<Consignment, ServiceError> {
    principal.may(Op::CreateConsignment)?;
    let (program, _) = program(state, principal, program_id).await?;
    let record =
        crate::assessments::load(state, principal, assessment_id).await.map_err(|e| match e {
            ServiceError::NotFound(message) => {
                ServiceError::invalid_field("assessment_id", message)
            }
            other => other,
        })?;
    if record.summary.org_id != program.org_id {
        return Err(ServiceError::invalid_field(
            "assessment_id",
            format!(
                "assessment `{assessment_id}` is of another organisation than program {}'s client",
                program.reference
            ),
        ));
    }
    let request: Value = serde_json::from_str(&record.request).map_err(ServiceError::internal)?;
    create_consignment(state, principal, program_id, &request, as_of, now).await
}

/// Creates a consignment: the request is assessed with the current KB for `as_of` (YYYY-MM-DD;
/// today when `None`) and stored, and the consignment and its assessment are committed together.
/// Invalid fields of the request are named under `request` (`request.items[0].quantity`).
pub async fn create_consignment(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    request: &Value,
    as_of: Option<&str>,
    now: i64,
) -> Result<Consignment, ServiceError> {
    principal.may(Op::CreateConsignment)?;
    let mut p = Problems::default();
    let as_of = p.date("as_of", as_of);
    p.done()?;
    let (program, _) = program(state, principal, program_id).await?;
    let destination = request.get("destination").and_then(Value::as_str).unwrap_or_default();
    if program.position(destination).is_none() {
        return Err(ServiceError::invalid_field(
            "request.destination",
            format!(
                "`{destination}` is not a destination of program {}; its destinations are {}",
                program.reference,
                program
                    .positions
                    .iter()
                    .map(|p| p.destination.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let org = org_of(state, &program).await?;
    let others = ior_entity_party(&program, destination);
    let prepared =
        prepare(state, principal, &org, as_of, request, request.to_string(), now, &others)
            .await
            .map_err(|error| match error {
                ServiceError::Invalid(errors) => ServiceError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| FieldError {
                            field: if e.field.is_empty() {
                                "request".into()
                            } else {
                                format!("request.{}", e.field)
                            },
                            message: e.message,
                        })
                        .collect(),
                ),
                other => other,
            })?;
    let summary = &prepared.stored.summary;
    let existing = consignments(state, principal, &program, None).await?;
    if existing.iter().any(|c| c.reference == summary.reference) {
        return Err(ServiceError::Conflict(format!(
            "program {} already has a consignment `{}`",
            program.reference, summary.reference
        )));
    }
    let consignment = Consignment {
        id: Uuid::now_v7(),
        program_id: program.id,
        org_id: program.org_id,
        reference: summary.reference.clone(),
        destination: destination.to_owned(),
        state: State::Draft,
        assessment: AssessedAs {
            id: summary.id,
            verdict: summary.verdict.clone(),
            kb_version: summary.kb_version.clone(),
            as_of: prepared.assessment.as_of,
            requirements: prepared.assessment.requirements.iter().map(Required::from).collect(),
            gross_weight_kg: crate::program_routes::gross_weight_kg(request),
            transport_mode: request
                .get("transport_mode")
                .and_then(Value::as_str)
                .map(str::to_owned),
        },
        declaration_reference: None,
        events: vec![Transition {
            from: None,
            to: State::Draft,
            at: now,
            actor: principal.actor.0.clone(),
            note: None,
        }],
        created_at: now,
        updated_at: now,
    };
    let audit = event(
        program.org_id,
        &principal.actor,
        now,
        "consignment.created",
        ("consignment", consignment.id.to_string()),
        None,
        Some(json!({ "program": program.reference, "reference": consignment.reference,
            "destination": destination, "assessment": summary.id, "verdict": summary.verdict })),
    );
    let record = consignment_record(&consignment, 1)?;
    state
        .store
        .commit(&[
            prepared.change,
            Change {
                mutation: Mutation::PutRecord(Box::new(record)),
                event: with_country(audit, destination),
            },
        ])
        .await?;
    Ok(consignment)
}

/// The position's importer-of-record entity, when assigned, as a party screened with the
/// request's own (on creation and on every re-assessment of a consignment).
pub(crate) fn ior_entity_party(
    program: &Program,
    destination: &str,
) -> Vec<preclear_engine::screening::OtherParty> {
    program
        .position(destination)
        .and_then(|p| p.entity.as_ref())
        .zip(preclear_domain::Country::parse(destination).ok())
        .map(|(entity, country)| preclear_engine::screening::OtherParty {
            role: "ior_entity".to_owned(),
            name: entity.name.clone(),
            country,
        })
        .into_iter()
        .collect()
}

pub(crate) async fn org_of(state: &Service, program: &Program) -> Result<Org, ServiceError> {
    state.store.org(program.org_id, Visibility::Own(program.org_id)).await?.ok_or_else(|| {
        ServiceError::internal(format!("program {} has no organisation", program.id))
    })
}

pub(crate) fn consignment_record(
    c: &Consignment,
    version: i64,
) -> Result<ProgramRecord, ServiceError> {
    Ok(ProgramRecord {
        kind: RecordKind::Consignment,
        id: c.id,
        org_id: c.org_id,
        parent_id: Some(c.program_id),
        key: c.destination.clone(),
        state: c.state.as_str().to_owned(),
        body: to_json(c)?,
        version,
        created_at: c.created_at,
        updated_at: c.updated_at,
    })
}

/// A consignment the caller may see, with its stored version.
pub async fn consignment(
    state: &Service,
    principal: &Principal,
    id: Uuid,
) -> Result<(Consignment, i64), ServiceError> {
    principal.may(Op::ReadConsignment)?;
    let record = state
        .store
        .record(RecordKind::Consignment, id, principal.visibility())
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("consignment {id} not found")))?;
    Ok((from_record(&record)?, record.version))
}

/// A consignment as its page and `GET /consignments/{id}` show it.
#[derive(Debug, Serialize)]
pub struct ConsignmentView {
    /// The consignment with its events.
    pub consignment: Consignment,
    /// Its clearance clock and delivery forecast now.
    pub status: preclear_program::rollout::ConsignmentStatus,
    /// Its destination's position standing.
    pub position: preclear_program::PositionStatus,
    /// The program's reference.
    #[serde(skip)]
    pub program_reference: String,
    /// The destination's deployment window.
    #[serde(skip)]
    pub window: Window,
}

/// A consignment with its SLA clock, forecast and position standing now.
pub async fn consignment_view(
    state: &Service,
    principal: &Principal,
    id: Uuid,
    now: i64,
) -> Result<ConsignmentView, ServiceError> {
    let (consignment, _) = consignment(state, principal, id).await?;
    let ctx = PositionContext::for_consignment(state, principal, &consignment).await?;
    let (_, position) = ctx.standing(&consignment.destination, date_of(now))?;
    let planned = &ctx.program.positions[position_index(&ctx.program, &consignment.destination)?];
    let status = preclear_program::consignment_status(&consignment, planned, &position, now);
    Ok(ConsignmentView {
        status,
        position,
        program_reference: ctx.program.reference.clone(),
        window: planned.window,
        consignment,
    })
}

/// A transition as asked.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTransition {
    /// The state to enter.
    pub to: String,
    /// When it happened (RFC 3339); now when omitted. Not in the future, not before the last event.
    #[serde(default)]
    pub at: Option<String>,
    /// The customs declaration's reference (needed to enter `cleared`).
    #[serde(default)]
    pub declaration_reference: Option<String>,
    /// A note for the file.
    #[serde(default)]
    pub note: Option<String>,
}

/// Moves a consignment to another state, if its guards allow; refused with the reason.
pub async fn transition(
    state: &Service,
    principal: &Principal,
    id: Uuid,
    new: &NewTransition,
    now: i64,
) -> Result<Consignment, ServiceError> {
    principal.may(Op::Transition)?;
    let (mut consignment, version) = consignment(state, principal, id).await?;
    let mut p = Problems::default();
    let to = new.to.parse::<State>();
    if let Err(e) = &to {
        p.push("to", e.clone());
    }
    let at = match new.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => now,
        Some(text) => match text.parse::<jiff::Timestamp>() {
            Ok(t) if t.as_microsecond() <= now => t.as_microsecond(),
            Ok(_) => {
                p.push("at", "must not be in the future");
                now
            }
            Err(_) => {
                p.push("at", format!("`{text}` is not an RFC 3339 instant (2026-11-21T10:00:00Z)"));
                now
            }
        },
    };
    let declaration = p.opt_text("declaration_reference", new.declaration_reference.as_deref());
    let note = p.opt_text("note", new.note.as_deref());
    p.done()?;
    let to = to.map_err(|e| ServiceError::invalid_field("to", e))?;
    let ctx = PositionContext::for_consignment(state, principal, &consignment).await?;
    let (_, standing) = ctx.standing(&consignment.destination, date_of(at))?;
    let verdict = consignment.assessment.verdict.clone();
    let declaration = declaration.or_else(|| consignment.declaration_reference.clone());
    let facts = preclear_program::lifecycle::Facts {
        verdict: &verdict,
        position_prevalidated: standing.prevalidated,
        position_missing: standing.missing.len(),
        declaration_reference: declaration.as_deref(),
    };
    let from = consignment.state;
    preclear_program::lifecycle::apply(
        &mut consignment,
        to,
        &facts,
        at,
        &principal.actor.0,
        note.clone(),
    )
    .map_err(ServiceError::Conflict)?;
    let audit = event(
        consignment.org_id,
        &principal.actor,
        now,
        "consignment.transition",
        ("consignment", consignment.id.to_string()),
        Some(json!({ "state": from })),
        Some(json!({ "state": to, "at": crate::clock::rfc3339(at), "note": note,
            "declaration_reference": consignment.declaration_reference })),
    );
    let record = consignment_record(&consignment, version + 1)?;
    state
        .store
        .commit(&[Change {
            mutation: Mutation::PutRecord(Box::new(record)),
            event: with_country(audit, &consignment.destination),
        }])
        .await?;
    Ok(consignment)
}

// ---------------------------------------------------------------------------------------------
// Views

/// A program's rollout view as a file: `rollout.csv` or `rollout.xlsx`, one row per destination
/// (window, IOR entity, pre-validated or what is missing, the longest remaining item,
/// consignments by state, clearance SLAs, window risk, last delivery). Answers `(file name,
/// media type, bytes)`.
pub async fn rollout_export(
    state: &Service,
    principal: &Principal,
    id: Uuid,
    now: i64,
    file: &str,
) -> Result<(String, &'static str, Vec<u8>), ServiceError> {
    let xlsx = match file {
        "rollout.csv" => false,
        "rollout.xlsx" => true,
        _ => {
            return Err(ServiceError::NotFound(format!(
                "no file `{file}`: expected rollout.csv or rollout.xlsx"
            )));
        }
    };
    let (_, view) = rollout(state, principal, id, now).await?;
    let headers = [
        "Destination",
        "Window start",
        "Window end",
        "IOR entity",
        "Pre-validated",
        "Missing",
        "Longest remaining item (days)",
        "Items with unknown lead time",
        "Consignments",
        "By state",
        "Clearance SLA",
        "Window risk",
        "Last delivery",
    ];
    let counted = |pairs: Vec<(String, usize)>| {
        pairs.into_iter().map(|(label, n)| format!("{label}: {n}")).collect::<Vec<_>>().join("; ")
    };
    let rows: Vec<Vec<String>> = view
        .destinations
        .iter()
        .map(|d| {
            vec![
                d.destination.clone(),
                d.window.start.to_string(),
                d.window.end.to_string(),
                d.entity.as_ref().map_or_else(String::new, |e| e.name.clone()),
                if d.position.prevalidated { "yes" } else { "no" }.to_owned(),
                d.position.missing.iter().map(|m| m.what.clone()).collect::<Vec<_>>().join("; "),
                d.position.remaining.days.map_or_else(String::new, |days| days.to_string()),
                d.position.remaining.unknown.to_string(),
                d.consignments.to_string(),
                counted(d.by_state.iter().map(|(s, n)| (s.label().to_owned(), *n)).collect()),
                counted(d.sla.iter().map(|(s, n)| (s.label().to_owned(), *n)).collect()),
                d.window_risk.label().to_owned(),
                d.last_delivery.map_or_else(String::new, |date| date.to_string()),
            ]
        })
        .collect();
    let name = format!("rollout-{}.{}", view.reference, if xlsx { "xlsx" } else { "csv" });
    // The reference is the client's text: only letters, digits and a few marks go in a name.
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' })
        .collect();
    if xlsx {
        let particulars = [
            ("Program", format!("{} — {}", view.reference, view.name)),
            ("Client", view.client_name.clone()),
            ("As of", view.as_of.to_string()),
        ];
        let title = format!("Rollout of program {}", view.reference);
        let bytes = preclear_docs::table_xlsx(&title, &particulars, &headers, &rows)
            .map_err(ServiceError::internal)?;
        Ok((name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes))
    } else {
        Ok((
            name,
            "text/csv; charset=utf-8",
            preclear_docs::table_csv(&headers, &rows).into_bytes(),
        ))
    }
}

/// The rollout view of a program now.
pub async fn rollout(
    state: &Service,
    principal: &Principal,
    id: Uuid,
    now: i64,
) -> Result<(PositionContext, Rollout), ServiceError> {
    principal.may(Op::ReadProgram)?;
    let ctx = PositionContext::load(state, principal, id, None).await?;
    let view = preclear_program::rollout(&ctx.program, &ctx.entities, &ctx.consignments, now);
    Ok((ctx, view))
}

/// Credentials of the caller's registry expired or expiring within `within_days` of today.
pub async fn alerts(
    state: &Service,
    principal: &Principal,
    within_days: u32,
    now: i64,
) -> Result<Vec<preclear_program::ExpiryAlert>, ServiceError> {
    let owner = registry_owner(principal, Op::EntityAlerts)?;
    let entities = registry(state, owner).await?;
    Ok(preclear_program::expiry_alerts(&entities, date_of(now), within_days))
}

/// One open consignment whose assessment a KB change would change.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsignmentImpact {
    /// The consignment.
    pub id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Its destination.
    pub destination: String,
    /// Its state.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: State,
    /// The KB version it was assessed with.
    pub kb_version: String,
    /// What would change.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub change: AssessmentChange,
}

/// A position whose needs a KB change would change.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionImpact {
    /// The destination.
    pub destination: String,
    /// Items added and removed.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub change: NeedsChange,
}

/// What a KB change does to a program's open consignments and positions.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Impact {
    /// The program.
    pub program_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The KB compared against (the current one, or a candidate).
    pub kb_version: String,
    /// The date both assessments are made for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    /// Open consignments re-assessed.
    pub checked: usize,
    /// Those whose assessment would change.
    pub consignments: Vec<ConsignmentImpact>,
    /// Positions whose needs would change.
    pub positions: Vec<PositionImpact>,
}

/// Re-assesses a program's open consignments (not delivered, closed, returned or re-exported)
/// with their own KB version and with `kb` (the current KB when `None`), both for `as_of`, and
/// lists what would change. Nothing is stored.
pub async fn impact(
    state: &Service,
    principal: &Principal,
    id: Uuid,
    kb: Option<Arc<Kb>>,
    as_of: Date,
) -> Result<Impact, ServiceError> {
    principal.may(Op::ProgramImpact)?;
    let (program, _) = program(state, principal, id).await?;
    let kb = kb.unwrap_or_else(|| state.kb());
    let open: Vec<Consignment> = consignments(state, principal, &program, None)
        .await?
        .into_iter()
        .filter(|c| !c.state.is_done())
        .collect();
    let mut changed = Vec::new();
    let mut old_requirements: BTreeMap<String, Vec<Vec<Required>>> = BTreeMap::new();
    let mut new_requirements: BTreeMap<String, Vec<Vec<Required>>> = BTreeMap::new();
    for c in &open {
        let record =
            state.store.assessment(c.assessment.id, principal.visibility()).await?.ok_or_else(
                || {
                    ServiceError::internal(format!(
                        "assessment {} of consignment {} is missing",
                        c.assessment.id, c.id
                    ))
                },
            )?;
        let old =
            reassessed(state, &record, &c.assessment.kb_version, as_of, Pricing::Recorded).await?;
        let new = {
            let kb = kb.clone();
            let shipment = old.shipment.clone();
            tokio::task::spawn_blocking(move || preclear_engine::assess(&kb, &shipment, as_of))
                .await
                .map_err(ServiceError::internal)?
        };
        old_requirements
            .entry(c.destination.clone())
            .or_default()
            .push(old.assessment.requirements.iter().map(Required::from).collect());
        new_requirements
            .entry(c.destination.clone())
            .or_default()
            .push(new.requirements.iter().map(Required::from).collect());
        if let Some(change) = compare(&old.assessment, &new) {
            changed.push(ConsignmentImpact {
                id: c.id,
                reference: c.reference.clone(),
                destination: c.destination.clone(),
                state: c.state,
                kb_version: c.assessment.kb_version.clone(),
                change,
            });
        }
    }
    let positions = old_requirements
        .iter()
        .filter_map(|(destination, old)| {
            let new = new_requirements.get(destination)?;
            compare_needs(old.iter().map(Vec::as_slice), new.iter().map(Vec::as_slice))
                .map(|change| PositionImpact { destination: destination.clone(), change })
        })
        .collect();
    Ok(Impact {
        program_id: program.id,
        reference: program.reference,
        kb_version: kb.version().as_str().to_owned(),
        as_of,
        checked: open.len(),
        consignments: changed,
        positions,
    })
}
