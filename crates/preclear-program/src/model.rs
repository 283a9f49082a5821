//! What a program is made of: IOR entities with their credentials, programs with one import
//! position per destination, and consignments with their history. These are the records the
//! store keeps (as JSON) and the API returns; they are built by the service from checked input,
//! so a value here is already valid.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An instant, in microseconds since the Unix epoch (UTC), as the store keeps it.
pub type Micros = i64;

/// Whether an entity is the provider's own or a partner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// A legal entity of the provider itself.
    Own,
    /// A local partner, disclosed to the client as the importer of record.
    DisclosedPartner,
}

impl Relationship {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Own => "own",
            Relationship::DisclosedPartner => "disclosed_partner",
        }
    }
}

/// A legal entity that acts as importer of record in one market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Identifier.
    pub id: Uuid,
    /// The provider organisation that holds the registry.
    pub org_id: Uuid,
    /// Legal name.
    pub name: String,
    /// The market it is established in and imports into (ISO 3166 alpha-2).
    pub country: String,
    /// The provider's own entity or a disclosed partner.
    pub relationship: Relationship,
    /// Trade registry or tax number.
    pub registry_number: String,
    /// Its registrations, licences and certifications.
    pub credentials: Vec<Credential>,
    /// When it was registered.
    pub created_at: Micros,
    /// When it last changed.
    pub updated_at: Micros,
}

impl Entity {
    /// The credential that satisfies a KB requirement, valid on `on`, if there is one.
    pub fn valid_credential(&self, requirement: &str, on: Date) -> Option<&Credential> {
        self.credentials
            .iter()
            .filter(|c| c.requirement.as_deref() == Some(requirement))
            .find(|c| c.validity(on) == Validity::Valid)
    }
}

/// A registration, licence or certification an entity holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// Identifier.
    pub id: Uuid,
    /// The KB requirement it satisfies (`tr.tareks-company`), when it is one.
    pub requirement: Option<String>,
    /// What it is (`TAREKS company registration`, `ISO 27001 certificate`).
    pub name: String,
    /// Its number.
    pub number: String,
    /// Who issued it.
    pub issuer: String,
    /// The proof.
    pub evidence: Evidence,
    /// From when it is valid, if stated.
    pub valid_from: Option<Date>,
    /// When it expires; `None` for credentials that do not expire.
    pub expires_on: Option<Date>,
    /// When it was recorded.
    pub added_at: Micros,
    /// Who recorded it.
    pub added_by: String,
}

/// Whether a credential or an approval holds on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// In force.
    Valid,
    /// Not yet in force.
    NotYetValid,
    /// Expired (on or before the date).
    Expired,
}

impl Credential {
    /// Whether it holds on `on` (`expires_on` is the first day it no longer holds).
    pub fn validity(&self, on: Date) -> Validity {
        validity(self.valid_from, self.expires_on, on)
    }
}

pub(crate) fn validity(from: Option<Date>, expires: Option<Date>, on: Date) -> Validity {
    if from.is_some_and(|from| on < from) {
        Validity::NotYetValid
    } else if expires.is_some_and(|expires| on >= expires) {
        Validity::Expired
    } else {
        Validity::Valid
    }
}

/// The proof of a credential or an approval: a reference (a registry URL, a file number in a
/// document system) or an uploaded document, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// A reference to where the proof is.
    pub reference: Option<String>,
    /// An uploaded document.
    pub document: Option<DocumentRef>,
}

impl Evidence {
    /// Whether there is any proof.
    pub fn is_present(&self) -> bool {
        self.reference.is_some() || self.document.is_some()
    }
}

/// An uploaded evidence document, kept by the store under its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A rollout: one client, several destinations, one import position each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    /// Identifier.
    pub id: Uuid,
    /// The client organisation.
    pub org_id: Uuid,
    /// The client's name.
    pub client_name: String,
    /// A short unique reference (`REFRESH-2026`).
    pub reference: String,
    /// What it is.
    pub name: String,
    /// The destinations, each with its import position.
    pub positions: Vec<Position>,
    /// Disruptions recorded on its routes, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disruptions: Vec<crate::routing::Disruption>,
    /// When it was created.
    pub created_at: Micros,
    /// When it last changed.
    pub updated_at: Micros,
}

impl Program {
    /// The position for a destination.
    pub fn position(&self, destination: &str) -> Option<&Position> {
        self.positions.iter().find(|p| p.destination == destination)
    }
}

/// A deployment window: the dates between which the equipment must be delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First day of the window.
    pub start: Date,
    /// Last day of the window (inclusive).
    pub end: Date,
}

/// A destination of a program and everything that must hold before cargo moves there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The destination (ISO 3166 alpha-2).
    pub destination: String,
    /// The deployment window.
    pub window: Window,
    /// The clearance SLA: hours from arrival to customs release.
    pub clearance_target_hours: u32,
    /// Planned days from release at origin to arrival.
    pub transit_days: u32,
    /// The IOR entity assigned.
    pub entity: Option<EntityRef>,
    /// The consignee.
    pub consignee: Option<Consignee>,
    /// Approvals and specification-list confirmations recorded, by item key.
    pub records: Vec<ApprovalRecord>,
    /// Its lane and planned route, once set (`transit_days` then follows the route).
    #[serde(default, skip_serializing_if = "crate::routing::Routing::is_empty")]
    pub routing: crate::routing::Routing,
}

impl Position {
    /// The record for an item key.
    pub fn record(&self, item: &str) -> Option<&ApprovalRecord> {
        self.records.iter().find(|r| r.item == item)
    }
}

/// The entity assigned to a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    /// The entity's id.
    pub id: Uuid,
    /// Its legal name when assigned.
    pub name: String,
}

/// The consignee of a destination, checked when recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consignee {
    /// Legal name.
    pub legal_name: String,
    /// Tax identifier, in the form the destination uses.
    pub tax_id: String,
    /// Full address.
    pub address: String,
    /// How the tax id was checked (`format and check digits of a CNPJ`, or why it was not).
    pub tax_id_check: String,
}

/// The status of an approval or a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Applied for, not yet granted.
    Applied,
    /// Granted (or confirmed).
    Granted,
    /// Refused.
    Refused,
}

impl ApprovalStatus {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Applied => "applied",
            ApprovalStatus::Granted => "granted",
            ApprovalStatus::Refused => "refused",
        }
    }
}

/// An approval obtained (or applied for) for a position, or a specification-list confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    /// The item it answers (a [`crate::Need`] key).
    pub item: String,
    /// Where it stands.
    pub status: ApprovalStatus,
    /// The authority's reference (certificate, licence or file number).
    pub reference: String,
    /// The proof.
    pub evidence: Evidence,
    /// When it expires, if it does.
    pub expires_on: Option<Date>,
    /// When it was recorded.
    pub updated_at: Micros,
    /// Who recorded it.
    pub updated_by: String,
}

/// A consignment: one shipment of a program to one destination, assessed, and walked through
/// its lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consignment {
    /// Identifier.
    pub id: Uuid,
    /// The program.
    pub program_id: Uuid,
    /// The client organisation (the program's).
    pub org_id: Uuid,
    /// The shipment request's reference.
    pub reference: String,
    /// The destination.
    pub destination: String,
    /// Where it stands.
    pub state: crate::State,
    /// Its assessment.
    pub assessment: AssessedAs,
    /// The customs declaration's reference, once lodged.
    pub declaration_reference: Option<String>,
    /// Every transition, oldest first.
    pub events: Vec<Transition>,
    /// When it was created.
    pub created_at: Micros,
    /// When it last changed.
    pub updated_at: Micros,
}

impl Consignment {
    /// When it first entered `state`.
    pub fn entered(&self, state: crate::State) -> Option<Micros> {
        self.events.iter().find(|e| e.to == state).map(|e| e.at)
    }
}

/// What a consignment's assessment concluded, kept with the consignment so that the rollout
/// view needs no assessment reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessedAs {
    /// The stored assessment.
    pub id: Uuid,
    /// Its verdict.
    pub verdict: String,
    /// The KB version it used.
    pub kb_version: String,
    /// The date it was made for.
    pub as_of: Date,
    /// The requirements it found.
    pub requirements: Vec<crate::Required>,
    /// The shipment's gross weight in kg (every line's unit weight × quantity), when every line
    /// gives one: what its emissions are counted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_weight_kg: Option<rust_decimal::Decimal>,
    /// The request's transport mode (`sea`, `air`…), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport_mode: Option<String>,
}

/// One step of a consignment's lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The state left (`None` for creation).
    pub from: Option<crate::State>,
    /// The state entered.
    pub to: crate::State,
    /// When it happened.
    pub at: Micros,
    /// Who recorded it.
    pub actor: String,
    /// A note.
    pub note: Option<String>,
}
