//! What the store keeps: organisations, users, API keys, assessments and KB snapshots.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use uuid::Uuid;

/// An instant, in microseconds since the Unix epoch (UTC). The store never reads the clock: the
/// caller says when something happened.
pub type Micros = i64;

/// An assessment's landed cost in a list: the lower bound, the high end of a range, and whether
/// every charge is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LandedCostSummary {
    /// The total of every charge that could be computed (the low end of a range).
    pub low: rust_decimal::Decimal,
    /// The high end, when the total is a range (a rate by state or province not given).
    pub high: Option<rust_decimal::Decimal>,
    /// Whether every charge is known (otherwise `low` is a lower bound).
    pub complete: bool,
}

/// Whether an organisation is a client of the IOR provider, or the provider itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A company whose goods are imported.
    Client,
    /// The IOR provider, whose operators serve its clients.
    Provider,
}

impl OrgKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Client => "client",
            OrgKind::Provider => "provider",
        }
    }
}

impl FromStr for OrgKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "client" => Ok(OrgKind::Client),
            "provider" => Ok(OrgKind::Provider),
            other => {
                Err(format!("unknown organisation kind `{other}`; expected client or provider"))
            }
        }
    }
}

/// What a user or key may do. Client roles belong to client organisations, `operator` to the
/// provider; `admin` to either (a client's admin manages its own users and keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads its organisation's assessments.
    ClientViewer,
    /// Also submits assessments.
    ClientSubmitter,
    /// The provider's operator: reads and submits for every client the provider serves.
    Operator,
    /// Also manages organisations, users and API keys, and reads the audit trail.
    Admin,
}

impl Role {
    /// Every role, in order of power.
    pub const ALL: [Role; 4] =
        [Role::ClientViewer, Role::ClientSubmitter, Role::Operator, Role::Admin];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ClientViewer => "client_viewer",
            Role::ClientSubmitter => "client_submitter",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// Whether the role may be given to a member of an organisation of `kind`.
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            Role::ClientViewer | Role::ClientSubmitter => kind == OrgKind::Client,
            Role::Operator => kind == OrgKind::Provider,
            Role::Admin => true,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            format!(
                "unknown role `{s}`; expected one of {}",
                Role::ALL.map(Role::as_str).join(", ")
            )
        })
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    /// Identifier.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Client or provider.
    pub kind: OrgKind,
    /// For a client: the provider organisation that serves it.
    pub provider_id: Option<Uuid>,
    /// When it was created.
    pub created_at: Micros,
}

/// A user who signs in with a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Identifier.
    pub id: Uuid,
    /// The organisation the user belongs to.
    pub org_id: Uuid,
    /// Unique sign-in name.
    pub username: String,
    /// The argon2 PHC string of the password; never serialised.
    #[serde(skip)]
    pub password_hash: String,
    /// What the user may do.
    pub role: Role,
    /// When the user was created.
    pub created_at: Micros,
    /// When the user was disabled, if ever.
    pub disabled_at: Option<Micros>,
}

/// An API key. The secret itself is never stored: only its argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    /// Identifier.
    pub id: Uuid,
    /// The organisation the key acts for.
    pub org_id: Uuid,
    /// The public part of the key (`pck_…`), by which it is found.
    pub prefix: String,
    /// The argon2 PHC string of the secret part; never serialised.
    #[serde(skip)]
    pub secret_hash: String,
    /// What the key may do.
    pub role: Role,
    /// A label for people.
    pub label: String,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: Micros,
    /// When it was revoked, if ever.
    pub revoked_at: Option<Micros>,
}

/// A web sign-in session. The cookie holds a random token; the store keeps only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's token (hex): the key.
    pub token_sha256: String,
    /// The user signed in.
    pub user_id: Uuid,
    /// The user's organisation.
    pub org_id: Uuid,
    /// When it started.
    pub created_at: Micros,
    /// When it ends unless signed out before.
    pub expires_at: Micros,
    /// When the user signed out, if so.
    pub ended_at: Option<Micros>,
}

/// How many assessments an organisation has for one destination and verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentCount {
    /// The client organisation.
    pub org_id: Uuid,
    /// Destination country.
    pub destination: String,
    /// The verdict.
    pub verdict: String,
    /// How many.
    pub count: i64,
}

/// A stored assessment: the request, the engine's answer and what they were made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    /// The listing fields.
    pub summary: AssessmentSummary,
    /// The request text, exactly as submitted.
    pub request: String,
    /// The assessment JSON, exactly as returned.
    pub result: String,
    /// SHA-256 of `request` (hex).
    pub request_sha256: String,
    /// SHA-256 of `result` (hex).
    pub result_sha256: String,
}

/// The fields of an assessment that lists and filters use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentSummary {
    /// Identifier (UUID v7: ordered by creation).
    pub id: Uuid,
    /// The client organisation it belongs to.
    pub org_id: Uuid,
    /// The request's reference.
    pub reference: String,
    /// The client named in the request.
    pub client_name: String,
    /// The client's business unit, when the request names one.
    pub business_unit: Option<String>,
    /// Origin country.
    pub origin: String,
    /// Destination country.
    pub destination: String,
    /// The hardware categories of the lines, sorted, without repeats.
    pub categories: Vec<String>,
    /// The verdict.
    pub verdict: String,
    /// The date the assessment was made for.
    pub as_of: String,
    /// The KB version used.
    pub kb_version: String,
    /// The engine version used.
    pub engine_version: String,
    /// The request's currency.
    pub currency: String,
    /// The landed cost, exactly, when the engine could compute it.
    pub total_landed_cost: Option<rust_decimal::Decimal>,
    /// The landed cost as lists show it; `None` for assessments stored before it was recorded.
    pub landed_cost: Option<LandedCostSummary>,
    /// Who submitted it.
    pub created_by: String,
    /// When it was stored.
    pub created_at: Micros,
}

/// Who may be seen: an organisation's own data, or a provider's and its clients'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only this organisation.
    Own(Uuid),
    /// This provider and every client it serves.
    Provider(Uuid),
}

/// Why a read takes no [`Visibility`]: the few reads that are not on behalf of a tenant name
/// their reason at the call site, so an exception to "every read goes through a Visibility" is
/// visible where it is made (and greppable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// Authentication: finding a key, a user or a session by what the caller presents.
    Authentication,
    /// Resolving a name to an organisation, which the caller then reads through a `Visibility`.
    Lookup,
    /// Start-up: the first admin, the provider organisation, the KB deployment's owner.
    Startup,
    /// The operator's shell (`preclear admin`, `audit`, `program`, `kb`), which acts for the
    /// provider on its own database.
    Shell,
    /// The audit trail: verifying every chain, or reading an organisation's chain once the
    /// caller's right to it was checked.
    Audit,
    /// Pricing an assessment: the price lists of the provider serving the assessment's
    /// organisation (a client never reads them; the charges they give are in its assessment).
    Pricing,
    /// Screening an assessment's parties: the decisions of the provider serving the
    /// assessment's organisation (a client never lists them; those that apply are on its hits).
    Screening,
}

/// Filters for listing assessments. All are optional and combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentFilter {
    /// Only this client organisation.
    pub org_id: Option<Uuid>,
    /// Only this destination (ISO code).
    pub destination: Option<String>,
    /// Only this verdict.
    pub verdict: Option<String>,
    /// Created at or after.
    pub from: Option<Micros>,
    /// Created before.
    pub to: Option<Micros>,
    /// Text in the reference or client name (case-insensitive).
    pub text: Option<String>,
    /// With `text`: also text anywhere in the stored request (parties, serial numbers, models).
    pub text_in_request: bool,
    /// Continue after this id (the last id of the previous page).
    pub before_id: Option<Uuid>,
    /// Page size.
    pub limit: u32,
}

/// What a program record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An IOR entity of a provider's registry (its credentials inside).
    Entity,
    /// A program with its import positions.
    Program,
    /// A consignment of a program.
    Consignment,
}

impl RecordKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Entity => "entity",
            RecordKind::Program => "program",
            RecordKind::Consignment => "consignment",
        }
    }
}

/// A program record: the indexed columns and the record itself as JSON. The store does not
/// read the JSON (`preclear-program` owns its shape); `version` starts at 1 and each update
/// must name the next version, so a change made on a stale read is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRecord {
    /// Entity, program or consignment.
    pub kind: RecordKind,
    /// Identifier.
    pub id: Uuid,
    /// The owning organisation (the provider for an entity, the client for the rest).
    pub org_id: Uuid,
    /// The program of a consignment.
    pub parent_id: Option<Uuid>,
    /// Entity: its country; program: its reference; consignment: its destination.
    pub key: String,
    /// A consignment's state; empty for the others.
    pub state: String,
    /// The record, as JSON.
    pub body: String,
    /// 1 when created, +1 on every change.
    pub version: i64,
    /// When it was created.
    pub created_at: Micros,
    /// When it last changed.
    pub updated_at: Micros,
}

/// An uploaded evidence document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceDocument {
    /// The organisation that uploaded it.
    pub org_id: Uuid,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When it was uploaded.
    pub created_at: Micros,
}

/// A kind of reference data deployed at run time. Each kind has content-hash versions, stored
/// bodies and a current version that every instance follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// The knowledge base (bodies in `kb_versions`: the files, as JSON).
    Kb,
    /// The restricted-party lists (bodies in `list_versions`: the set of list files, as JSON).
    Lists,
}

impl DatasetKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetKind::Kb => "kb",
            DatasetKind::Lists => "lists",
        }
    }
}

impl FromStr for DatasetKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kb" => Ok(DatasetKind::Kb),
            "lists" => Ok(DatasetKind::Lists),
            other => Err(format!("unknown dataset kind `{other}`; expected kb or lists")),
        }
    }
}

/// How a dataset version became current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployAction {
    /// An instance started with a version never deployed before (a new build's bundled KB, or
    /// `serve --kb DIR`).
    Start,
    /// `kb deploy`.
    Deploy,
    /// `kb rollback` to a version deployed before.
    Rollback,
}

impl DeployAction {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeployAction::Start => "start",
            DeployAction::Deploy => "deploy",
            DeployAction::Rollback => "rollback",
        }
    }
}

impl FromStr for DeployAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "start" => Ok(DeployAction::Start),
            "deploy" => Ok(DeployAction::Deploy),
            "rollback" => Ok(DeployAction::Rollback),
            other => Err(format!("unknown deployment action `{other}`")),
        }
    }
}

/// One edition of a price list: the provider's default (no client) or one client's own prices.
/// Editions are never changed; a scope's current edition is its latest, and a withdrawal is an
/// edition without a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceListEdition {
    /// Identifier.
    pub id: Uuid,
    /// The provider whose prices these are.
    pub provider_id: Uuid,
    /// The client they are for; `None` for the provider's default.
    pub client_id: Option<Uuid>,
    /// The version of the text (`sha256:` and 16 hex digits, as the pricing crate computes
    /// it); empty for a withdrawal.
    pub version: String,
    /// The provider's name for the edition; empty for a withdrawal.
    pub label: String,
    /// The price list's TOML text; `None` when the scope's prices were withdrawn.
    pub body: Option<String>,
    /// Who published it.
    pub created_by: String,
    /// When.
    pub created_at: Micros,
}

/// An operator's decision on a restricted-party screening hit: a row never changed; the
/// current decision on a party and entry is the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningDecision {
    /// Identifier.
    pub id: Uuid,
    /// The provider whose operators decided (its clients' assessments take it into account).
    pub provider_id: Uuid,
    /// The party: its name normalised and its country (`banco nacional de cuba|CH`).
    pub party_key: String,
    /// The party's name as it was screened.
    pub party_name: String,
    /// The list's name.
    pub list: String,
    /// The entry's id on the list.
    pub entry_id: String,
    /// The entry's primary name.
    pub entry_name: String,
    /// The entry's fingerprint when decided: the decision holds while it is the same.
    pub entry_fingerprint: String,
    /// `false_positive` or `true_match`.
    pub verdict: String,
    /// Why.
    pub reason: String,
    /// The assessment whose hit was decided.
    pub assessment_id: Uuid,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_at: Micros,
}

/// A hit found by re-screening a stored assessment's party against the entries a new list
/// version added or changed: never changed once stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningAlert {
    /// Identifier.
    pub id: Uuid,
    /// The provider serving the assessment's organisation.
    pub provider_id: Uuid,
    /// The newest assessment with the party.
    pub assessment_id: Uuid,
    /// The party's role there.
    pub role: String,
    /// The party as decisions remember it.
    pub party_key: String,
    /// The party's name.
    pub party_name: String,
    /// The list's name.
    pub list: String,
    /// The entry's id.
    pub entry_id: String,
    /// The entry's primary name.
    pub entry_name: String,
    /// The entry's fingerprint in the new version.
    pub entry_fingerprint: String,
    /// The name or alias that matched.
    pub matched_name: String,
    /// The score, three decimals.
    pub score: String,
    /// `match` or `possible`.
    pub band: String,
    /// The entry's programs, comma-separated.
    pub programs: String,
    /// Each token pair, for people.
    pub explanation: String,
    /// The list version that raised it.
    pub list_version: String,
    /// When.
    pub created_at: Micros,
}

/// One deployment of a dataset version: the latest of a kind is its current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployment {
    /// Its place in the log (assigned by the store; 0 before it is stored).
    pub seq: i64,
    /// The kind.
    pub kind: DatasetKind,
    /// The version made current.
    pub version: String,
    /// How.
    pub action: DeployAction,
    /// Who: `shell:<name>`, `system:start`, …
    pub actor: String,
    /// When.
    pub deployed_at: Micros,
}
