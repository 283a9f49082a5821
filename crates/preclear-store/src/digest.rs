//! The state of every stored object a decision depends on, as a digest that its audit event
//! records: organisations, users, API keys, assessments (with their list columns), program
//! records (IOR entities, programs, consignments), evidence documents, price-list editions and
//! screening decisions.
//!
//! The store computes the digest of what a mutation writes, inside the commit, and chains it
//! with the event (`state_object`, `state_sha256`), so no caller can forget it.
//! [`crate::Store::verify_audit`] recomputes the digest of every stored row and compares it with
//! the last one its chain recorded: a role, a revocation, a list column or a consignment's
//! state changed behind the service's back shows as a broken link.

use serde_json::{Value, json};

use crate::audit::sha256_hex;
use crate::model::{
    ApiKey, AssessmentSummary, EvidenceDocument, Org, PriceListEdition, ProgramRecord,
    ScreeningDecision, User,
};

/// The object a digest is of: `user/<id>`, `program/<id>`…
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateObject(pub String);

/// An object and the digest of its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// What it is the state of.
    pub object: StateObject,
    /// SHA-256 of its canonical encoding, hex.
    pub sha256: String,
}

fn state(kind: &str, id: impl std::fmt::Display, fields: Value) -> State {
    let canonical = json!([1, kind, fields]);
    State {
        object: StateObject(format!("{kind}/{id}")),
        sha256: sha256_hex(&canonical.to_string()),
    }
}

/// An organisation's state.
pub fn org(o: &Org) -> State {
    state(
        "org",
        o.id,
        json!([o.name, o.kind.as_str(), o.provider_id.map(|p| p.to_string()), o.created_at]),
    )
}

/// A user's state, its password hash included (a replaced hash is a way in).
pub fn user(u: &User) -> State {
    state(
        "user",
        u.id,
        json!([
            u.org_id.to_string(),
            u.username,
            u.password_hash,
            u.role.as_str(),
            u.created_at,
            u.disabled_at
        ]),
    )
}

/// An API key's state, its secret's hash and its revocation included.
pub fn api_key(k: &ApiKey) -> State {
    state(
        "api_key",
        k.id,
        json!([
            k.org_id.to_string(),
            k.prefix,
            k.secret_hash,
            k.role.as_str(),
            k.label,
            k.created_by,
            k.created_at,
            k.revoked_at
        ]),
    )
}

/// An assessment's state: every list column and the hashes of its request and result. The
/// landed cost's list columns, recorded since migration 7, are appended when present, so the
/// states of assessments stored before keep their digest.
pub fn assessment(s: &AssessmentSummary, request_sha256: &str, result_sha256: &str) -> State {
    let mut fields = json!([
        s.org_id.to_string(),
        s.reference,
        s.client_name,
        s.business_unit,
        s.origin,
        s.destination,
        s.categories,
        s.verdict,
        s.as_of,
        s.kb_version,
        s.engine_version,
        s.currency,
        s.total_landed_cost.map(|d| d.to_string()),
        s.created_by,
        s.created_at,
        request_sha256,
        result_sha256
    ]);
    if let (Some(cost), Value::Array(list)) = (&s.landed_cost, &mut fields) {
        list.push(json!([cost.low.to_string(), cost.high.map(|d| d.to_string()), cost.complete]));
    }
    state("assessment", s.id, fields)
}

/// A program record's state (an IOR entity, a program, a consignment).
pub fn record(r: &ProgramRecord) -> State {
    state(
        r.kind.as_str(),
        r.id,
        json!([
            r.org_id.to_string(),
            r.parent_id.map(|p| p.to_string()),
            r.key,
            r.state,
            r.body,
            r.version,
            r.created_at,
            r.updated_at
        ]),
    )
}

/// A price-list edition's state (editions are never changed: its text is named by its hash).
pub fn price_list(e: &PriceListEdition) -> State {
    state(
        "price_list",
        e.id,
        json!([
            e.provider_id.to_string(),
            e.client_id.map(|c| c.to_string()),
            e.version,
            e.label,
            e.body.as_deref().map(sha256_hex),
            e.created_by,
            e.created_at
        ]),
    )
}

/// A screening decision's state (decisions are never changed).
pub fn screening_decision(d: &ScreeningDecision) -> State {
    state(
        "screening_decision",
        d.id,
        json!([
            d.provider_id.to_string(),
            d.party_key,
            d.party_name,
            d.list,
            d.entry_id,
            d.entry_name,
            d.entry_fingerprint,
            d.verdict,
            d.reason,
            d.assessment_id.to_string(),
            d.decided_by,
            d.decided_at
        ]),
    )
}

/// An evidence document's state: its bytes are named by their SHA-256 and stored once (an
/// upload of the same bytes again keeps the first name), so its size is what can change.
pub fn evidence(d: &EvidenceDocument) -> State {
    evidence_of(d.org_id, &d.sha256, i64::try_from(d.bytes.len()).unwrap_or(i64::MAX))
}

/// An evidence document's state from its stored columns.
pub fn evidence_of(org_id: uuid::Uuid, sha256: &str, size: i64) -> State {
    state("evidence", format!("{org_id}/{sha256}"), json!([size]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OrgKind, Role};
    use uuid::Uuid;

    #[test]
    fn every_field_changes_the_digest() {
        let key = ApiKey {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            prefix: "pck_000000000000".into(),
            secret_hash: "$argon2id$x".into(),
            role: Role::ClientViewer,
            label: "k".into(),
            created_by: "shell:x".into(),
            created_at: 1,
            revoked_at: None,
        };
        let base = api_key(&key);
        assert_eq!(base.object.0, format!("api_key/{}", Uuid::nil()));
        assert_ne!(api_key(&ApiKey { role: Role::Admin, ..key.clone() }).sha256, base.sha256);
        assert_ne!(api_key(&ApiKey { revoked_at: Some(2), ..key.clone() }).sha256, base.sha256);
        assert_ne!(api_key(&ApiKey { secret_hash: "y".into(), ..key }).sha256, base.sha256);
        let o = Org {
            id: Uuid::nil(),
            name: "A".into(),
            kind: OrgKind::Client,
            provider_id: None,
            created_at: 1,
        };
        assert_ne!(org(&o).sha256, org(&Org { kind: OrgKind::Provider, ..o.clone() }).sha256);
    }
}
