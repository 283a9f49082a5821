//! The audit trail: one append-only, hash-chained log per organisation.
//!
//! Event `n` of an organisation stores the hash of event `n - 1` (`prev_hash`; the first event
//! links to [`GENESIS`]) and its own `hash`, the SHA-256 of the previous hash and a canonical
//! encoding of every field. Changing, removing or reordering any event breaks the chain from that
//! event on, and [`crate::Store::verify_audit`] reports the first broken link. The database
//! refuses `UPDATE` and `DELETE` on the table as well (a trigger), and no API edits events.

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::model::Micros;

/// The `prev_hash` of an organisation's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append: who did what, when, to which object, with the state before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEvent {
    /// Identifier.
    pub id: Uuid,
    /// The organisation whose chain the event joins (the owner of the object).
    pub org_id: Uuid,
    /// When it happened.
    pub at: Micros,
    /// Who did it: `key:<prefix>`, `user:<name>` or `shell:<name>`.
    pub actor: String,
    /// What was done: `assessment.created`, `api_key.revoked`…
    pub action: String,
    /// The kind of object.
    pub object_type: String,
    /// The object's identifier.
    pub object_id: String,
    /// The destination country concerned, for exports by country.
    pub country: Option<String>,
    /// The client's business unit, for exports by business unit.
    pub business_unit: Option<String>,
    /// The hardware categories concerned, for exports by category.
    pub categories: Vec<String>,
    /// The state before, as JSON text (`None` for a creation).
    pub before: Option<String>,
    /// The state after, as JSON text (`None` for a removal).
    pub after: Option<String>,
}

/// A stored event, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Position in the organisation's chain, from 1.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: NewEvent,
    /// The hash of the previous event.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
    /// The state it left its object in (`user/<id>`…), when it changed one (see `digest`).
    pub state_object: Option<String>,
    /// The SHA-256 of that state.
    pub state_sha256: Option<String>,
}

/// The hash of an event at `seq` that follows `prev_hash`, with the state it left its object in
/// (events before states were recorded, and events that change no object, have none: their
/// encoding is version 1, unchanged).
pub fn event_hash(
    event: &NewEvent,
    seq: i64,
    prev_hash: &str,
    state: Option<(&str, &str)>,
) -> String {
    let mut canonical = json!([
        if state.is_some() { 2 } else { 1 }, // version of this encoding
        event.org_id.to_string(),
        seq,
        event.id.to_string(),
        event.at,
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.country,
        event.business_unit,
        event.categories,
        event.before,
        event.after,
    ]);
    if let (Some((object, sha256)), Value::Array(fields)) = (state, &mut canonical) {
        fields.push(json!(object));
        fields.push(json!(sha256));
    }
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(Value::to_string(&canonical).as_bytes());
    hex::encode(hasher.finalize())
}

/// SHA-256 of text, in hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The result of checking every chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// One entry per organisation.
    pub chains: Vec<ChainReport>,
}

impl VerifyReport {
    /// Whether every chain is intact.
    pub fn ok(&self) -> bool {
        self.chains.iter().all(|c| c.broken.is_none())
    }
}

/// One organisation's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The organisation.
    pub org_id: Uuid,
    /// Its name.
    pub org_name: String,
    /// How many events were checked.
    pub events: i64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

/// Where and why a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The sequence number of the first event that does not verify.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// A chain head recorded outside the database (`preclear audit heads`), against which a later
/// `preclear audit verify --anchor` checks that no event up to it was removed or rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Anchor {
    /// The organisation.
    pub org_id: Uuid,
    /// Its name, for people.
    #[serde(default)]
    pub org_name: String,
    /// The number of events in its chain then.
    pub seq: i64,
    /// The hash of its last event then.
    pub hash: String,
}

/// Filters for reading or exporting events. All optional; combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// At or after.
    pub from: Option<Micros>,
    /// Before.
    pub to: Option<Micros>,
    /// Destination country.
    pub country: Option<String>,
    /// Business unit.
    pub business_unit: Option<String>,
    /// Hardware category.
    pub category: Option<String>,
}

impl EventFilter {
    /// Whether an event passes the filter.
    pub fn admits(&self, event: &NewEvent) -> bool {
        self.from.is_none_or(|from| event.at >= from)
            && self.to.is_none_or(|to| event.at < to)
            && self.country.as_ref().is_none_or(|c| event.country.as_ref() == Some(c))
            && self.business_unit.as_ref().is_none_or(|b| event.business_unit.as_ref() == Some(b))
            && self.category.as_ref().is_none_or(|c| event.categories.contains(c))
    }
}

/// The CSV header of [`csv_row`].
pub const CSV_HEADER: &str = "org_id,seq,id,at_micros,actor,action,object_type,object_id,country,business_unit,categories,before,after,prev_hash,hash,state_object,state_sha256";

/// One event as a CSV record (RFC 4180 quoting), without the line break.
pub fn csv_row(event: &AuditEvent) -> String {
    let e = &event.event;
    let fields = [
        e.org_id.to_string(),
        event.seq.to_string(),
        e.id.to_string(),
        e.at.to_string(),
        e.actor.clone(),
        e.action.clone(),
        e.object_type.clone(),
        e.object_id.clone(),
        e.country.clone().unwrap_or_default(),
        e.business_unit.clone().unwrap_or_default(),
        e.categories.join(";"),
        e.before.clone().unwrap_or_default(),
        e.after.clone().unwrap_or_default(),
        event.prev_hash.clone(),
        event.hash.clone(),
        event.state_object.clone().unwrap_or_default(),
        event.state_sha256.clone().unwrap_or_default(),
    ];
    fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",")
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> NewEvent {
        NewEvent {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            at: 1,
            actor: "shell:test".into(),
            action: "org.created".into(),
            object_type: "org".into(),
            object_id: "x".into(),
            country: None,
            business_unit: None,
            categories: vec![],
            before: None,
            after: Some("{\"name\":\"a\"}".into()),
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = event_hash(&event(), 1, GENESIS, None);
        assert_eq!(base.len(), 64);
        assert_ne!(event_hash(&event(), 2, GENESIS, None), base);
        assert_ne!(event_hash(&event(), 1, &base, None), base);
        let mut changed = event();
        changed.after = Some("{\"name\":\"b\"}".into());
        assert_ne!(event_hash(&changed, 1, GENESIS, None), base);
        let mut changed = event();
        changed.categories = vec!["server".into()];
        assert_ne!(event_hash(&changed, 1, GENESIS, None), base);
        let with_state = event_hash(&event(), 1, GENESIS, Some(("org/x", "aa")));
        assert_ne!(with_state, base);
        assert_ne!(event_hash(&event(), 1, GENESIS, Some(("org/x", "ab"))), with_state);
        assert_ne!(event_hash(&event(), 1, GENESIS, Some(("org/y", "aa"))), with_state);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("{\"k\":1}"), "\"{\"\"k\"\":1}\"");
    }
}
