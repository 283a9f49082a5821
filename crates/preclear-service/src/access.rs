//! Who may call which operation: the permission matrix, stated once.
//!
//! Every operation of the service has an [`Op`], and each `Op` names the roles and the kinds of
//! organisation that may call it. An operation begins with `principal.may(Op::…)?`; what the
//! caller may then *see* is its `Visibility` (its own organisation, or for the provider's staff
//! the provider's and its clients'), so an organisation that is neither the caller's nor one it
//! serves answers "not found". `docs/security.md` prints [`matrix_markdown`], and the server's
//! `permissions` test calls every operation as every role of the provider, of the client that
//! owns the object and of another client, and checks the answer against this table.

use preclear_store::{OrgKind, Role};

use crate::auth::Principal;
use crate::error::ServiceError;

/// The kinds of organisation whose members may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orgs {
    /// The provider and its clients.
    Any,
    /// The provider only: the importer of record's own acts.
    Provider,
}

/// An operation's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// The operation's name (`consignments.transition`).
    pub name: &'static str,
    /// What it does, completing "may not …".
    pub what: &'static str,
    /// The roles that may call it.
    pub roles: &'static [Role],
    /// The organisations whose members may call it.
    pub orgs: Orgs,
}

/// Every role.
pub const ALL_ROLES: &[Role] = &Role::ALL;
/// Roles that submit: assessments, imports, programs, consignments, evidence.
pub const SUBMITTERS: &[Role] = &[Role::ClientSubmitter, Role::Operator, Role::Admin];
/// Roles that operate: the provider's operators and admins.
pub const OPERATORS: &[Role] = &[Role::Operator, Role::Admin];
/// Roles that administer organisations, users and keys.
pub const ADMINS: &[Role] = &[Role::Admin];
/// Roles that read the audit trail.
pub const AUDITORS: &[Role] = &[Role::Operator, Role::Admin];

macro_rules! operations {
    ($($op:ident = $name:literal, $what:literal, $roles:expr, $orgs:ident;)*) => {
        /// Every operation of the service.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $(
                #[doc = concat!("`", $name, "`: ", $what, ".")]
                $op,
            )*
        }

        impl Op {
            /// Every operation, in the order of the matrix.
            pub const ALL: &'static [Op] = &[$(Op::$op),*];

            /// The operation's rule.
            pub const fn access(self) -> Access {
                match self {
                    $(Op::$op => Access {
                        name: $name,
                        what: $what,
                        roles: $roles,
                        orgs: Orgs::$orgs,
                    },)*
                }
            }
        }
    };
}

operations! {
    Me = "me", "see whom a key belongs to", ALL_ROLES, Any;
    ListOrgs = "orgs.list", "list organisations", ALL_ROLES, Any;
    CreateOrg = "orgs.create", "create client organisations", ADMINS, Provider;
    ListUsers = "users.list", "list users", ADMINS, Any;
    CreateUser = "users.create", "create users", ADMINS, Any;
    ManageUsers = "users.manage", "reset passwords and deactivate users", ADMINS, Any;
    ListKeys = "keys.list", "list API keys", ADMINS, Any;
    CreateKey = "keys.create", "create API keys", ADMINS, Any;
    RevokeKey = "keys.revoke", "revoke API keys", ADMINS, Any;
    CreateAssessment = "assessments.create", "submit assessments", SUBMITTERS, Any;
    ListAssessments = "assessments.list", "list assessments", ALL_ROLES, Any;
    ReadAssessment = "assessments.read", "read an assessment", ALL_ROLES, Any;
    ReplayAssessment = "assessments.replay", "replay an assessment with its own KB version", ALL_ROLES, Any;
    RerunAssessment = "assessments.rerun", "re-run an assessment with the current KB", ALL_ROLES, Any;
    ReadDocument = "assessments.document", "download an assessment's documents", ALL_ROLES, Any;
    Import = "imports.create", "import shipments from a spreadsheet", SUBMITTERS, Any;
    AuditDocuments = "document_audits.create", "audit shipping documents", SUBMITTERS, Any;
    ReadAudit = "audit.read", "read the audit trail", AUDITORS, Any;
    ReadKb = "kb.read", "read the knowledge base", ALL_ROLES, Any;
    ListEntities = "ior_entities.list", "list the IOR entity registry", OPERATORS, Provider;
    ReadEntity = "ior_entities.read", "read an IOR entity", OPERATORS, Provider;
    CreateEntity = "ior_entities.create", "register IOR entities", OPERATORS, Provider;
    AddCredential = "ior_entities.add_credential", "record an IOR entity's registrations", OPERATORS, Provider;
    EntityAlerts = "ior_entities.alerts", "see expiring registrations", OPERATORS, Provider;
    UploadEvidence = "evidence.upload", "upload evidence", SUBMITTERS, Any;
    ReadEvidence = "evidence.read", "download evidence", ALL_ROLES, Any;
    ListPrograms = "programs.list", "list programs", ALL_ROLES, Any;
    CreateProgram = "programs.create", "create programs", SUBMITTERS, Any;
    ReadProgram = "programs.read", "read a program's rollout", ALL_ROLES, Any;
    ProgramImpact = "programs.kb_impact", "see what a KB change does to a program", ALL_ROLES, Any;
    AssignEntity = "positions.assign_entity", "assign IOR entities", OPERATORS, Provider;
    SetConsignee = "positions.set_consignee", "record consignees", SUBMITTERS, Any;
    RecordApproval = "positions.record_approval", "record approvals", SUBMITTERS, Any;
    SetRoute = "positions.set_route", "set a destination's lane and planned route", SUBMITTERS, Any;
    RecordDisruption = "programs.disruptions", "record, decide and lift route disruptions", OPERATORS, Provider;
    SwitchMode = "consignments.switch_mode", "switch a consignment's transport mode and re-assess it", SUBMITTERS, Any;
    ListConsignments = "consignments.list", "list a program's consignments", ALL_ROLES, Any;
    CreateConsignment = "consignments.create", "create consignments", SUBMITTERS, Any;
    ReadConsignment = "consignments.read", "read a consignment", ALL_ROLES, Any;
    Transition = "consignments.transition", "move consignments through their lifecycle", OPERATORS, Provider;
    ReadMetrics = "metrics.read", "read the metrics", OPERATORS, Provider;
    Search = "search", "search", ALL_ROLES, Any;
    ReadPriceLists = "price_lists.read", "read the price lists", OPERATORS, Provider;
    PublishPriceList = "price_lists.publish", "publish and withdraw price lists", ADMINS, Provider;
    Classify = "classifications.create", "classify descriptions into HS codes", ALL_ROLES, Any;
    PlanRoute = "routes.plan", "plan routes on the sea, air and road networks", ALL_ROLES, Any;
    ScreenParty = "screening.check", "screen a party against the restricted-party lists", ALL_ROLES, Any;
    ScreeningQueue = "screening.queue", "see screening hits and decisions", OPERATORS, Provider;
    DecideScreening = "screening.decide", "decide screening hits", OPERATORS, Provider;
    DeployLists = "screening.deploy_lists", "deploy restricted-party lists", ADMINS, Provider;
}

impl Access {
    /// Whether a member of an organisation of `kind` with `role` may call the operation.
    pub fn allows(&self, kind: OrgKind, role: Role) -> bool {
        self.roles.contains(&role) && (self.orgs == Orgs::Any || kind == OrgKind::Provider)
    }
}

impl Principal {
    /// Refuses unless the caller's role and organisation may call `op`.
    pub fn may(&self, op: Op) -> Result<(), ServiceError> {
        let access = op.access();
        if !access.roles.contains(&self.role) {
            return Err(ServiceError::Forbidden(format!(
                "role `{}` may not {}; it needs one of: {}",
                self.role,
                access.what,
                access.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        if access.orgs == Orgs::Provider && self.org.kind != OrgKind::Provider {
            return Err(ServiceError::Forbidden(format!(
                "only the provider's staff may {}: the importer of record acts for itself",
                access.what
            )));
        }
        Ok(())
    }

    /// Whether the caller may call `op` (for showing or hiding a control).
    pub fn can(&self, op: Op) -> bool {
        op.access().allows(self.org.kind, self.role)
    }
}

/// The callers there can be: each kind of organisation with each role it may give.
pub fn callers() -> Vec<(OrgKind, Role)> {
    [OrgKind::Provider, OrgKind::Client]
        .into_iter()
        .flat_map(|kind| {
            Role::ALL.into_iter().filter(move |r| r.fits(kind)).map(move |r| (kind, r))
        })
        .collect()
}

/// A caller's column in the matrix: `provider operator`, `client viewer`, `client admin`…
pub fn column(kind: OrgKind, role: Role) -> String {
    format!("{} {}", kind.as_str(), role.as_str().trim_start_matches("client_"))
}

/// The matrix as a Markdown table: one row per operation, one column per role in each kind of
/// organisation; ✓ allowed, – refused (403).
pub fn matrix_markdown() -> String {
    let callers = callers();
    let mut out = String::from("| operation | what |");
    for (kind, role) in &callers {
        out.push_str(&format!(" {} |", column(*kind, *role)));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(callers.len()));
    out.push('\n');
    for op in Op::ALL {
        let access = op.access();
        out.push_str(&format!("| `{}` | {} |", access.name, access.what));
        for (kind, role) in &callers {
            out.push_str(if access.allows(*kind, *role) { " ✓ |" } else { " – |" });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_operation_is_listed() {
        let mut names: Vec<&str> = Op::ALL.iter().map(|op| op.access().name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "operation names are unique");
        assert!(count >= 37, "{count}");
    }

    #[test]
    fn the_importer_of_records_acts_are_the_providers() {
        for op in [Op::AssignEntity, Op::Transition, Op::CreateEntity, Op::CreateOrg] {
            let access = op.access();
            assert!(!access.allows(OrgKind::Client, Role::Admin), "{}", access.name);
            assert!(access.allows(OrgKind::Provider, Role::Admin), "{}", access.name);
        }
        assert!(Op::CreateAssessment.access().allows(OrgKind::Client, Role::ClientSubmitter));
        assert!(!Op::CreateAssessment.access().allows(OrgKind::Client, Role::ClientViewer));
    }
}
