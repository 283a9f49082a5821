//! The provider's price lists in the service: its admins publish them (each edition kept and
//! audited on the provider's chain), its staff read them, and every assessment the service makes
//! is priced with the list in force for its organisation — the client's own prices if it has
//! them, else the provider's default — recording the list's version, so that a replay or a
//! document of the assessment finds the same prices again, whatever was published since.
//!
//! A scope is named `default` (the provider's prices for every client without its own) or by a
//! client organisation's name or id. Publishing the text that is already current changes
//! nothing; withdrawing a scope leaves its assessments unpriced (or priced by the default, for a
//! client). Parsed lists are kept per organisation until the next look at the deployment log
//! (`kb_poll_seconds`), or until this instance publishes: another instance sees a new edition
//! within that time, as it sees a deployed KB.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use preclear_pricing::PriceList;
use preclear_store::{Change, Mutation, Org, OrgKind, PriceListEdition, System};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::assessments::visible_org;
use crate::auth::Principal;
use crate::clock::now_micros;
use crate::error::{FieldError, ServiceError};
use crate::ops::event;

/// The name of the provider's default scope.
pub const DEFAULT_SCOPE: &str = "default";

/// The most organisations whose price lists are kept parsed at once.
const CACHE_LIMIT: usize = 10_000;

/// Parsed price lists by the organisation they price (`None`: it has none).
#[derive(Debug, Default)]
pub struct Cache {
    by_org: Mutex<HashMap<Uuid, Option<Arc<PriceList>>>>,
}

impl Cache {
    /// Forgets every list (a publish, or the periodic look at the store).
    pub fn clear(&self) {
        if let Ok(mut map) = self.by_org.lock() {
            map.clear();
        }
    }

    fn get(&self, org: Uuid) -> Option<Option<Arc<PriceList>>> {
        self.by_org.lock().ok().and_then(|map| map.get(&org).cloned())
    }

    fn put(&self, org: Uuid, list: Option<Arc<PriceList>>) {
        if let Ok(mut map) = self.by_org.lock() {
            if map.len() >= CACHE_LIMIT {
                map.clear();
            }
            map.insert(org, list);
        }
    }
}

/// A scope and its current edition, as staff see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `default`, or the client's name.
    pub name: String,
    /// The client, for a client's own prices.
    pub client: Option<Org>,
    /// The current edition (its body `None` when withdrawn).
    pub current: PriceListEdition,
}

/// One scope with its editions, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// `default`, or the client's name.
    pub name: String,
    /// The client, for a client's own prices.
    pub client: Option<Org>,
    /// Every edition, newest first (the first is current).
    pub editions: Vec<PriceListEdition>,
}

/// What a publish did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The scope's current edition after it.
    pub edition: PriceListEdition,
    /// Whether a new edition was stored (`false`: the text was already current).
    pub created: bool,
}

/// The provider of the caller (only the provider's staff reach here: the operations are the
/// provider's).
fn provider(principal: &Principal) -> Uuid {
    principal.org.id
}

/// The client a scope names, or `None` for `default`; 404 for an organisation the caller does
/// not serve, and a field error for the provider itself.
async fn client_of(
    service: &Service,
    principal: &Principal,
    scope: &str,
) -> Result<Option<Org>, ServiceError> {
    let scope = scope.trim();
    if scope.eq_ignore_ascii_case(DEFAULT_SCOPE) {
        return Ok(None);
    }
    let org = visible_org(service, principal, scope).await?;
    if org.kind != OrgKind::Client {
        return Err(ServiceError::Invalid(vec![FieldError {
            field: "scope".to_owned(),
            message: format!(
                "`{}` is the provider: its prices for every client are the scope `{DEFAULT_SCOPE}`",
                org.name
            ),
        }]));
    }
    Ok(Some(org))
}

/// The current edition of every scope (the default first), withdrawn ones included.
pub async fn scopes(service: &Service, principal: &Principal) -> Result<Vec<Scope>, ServiceError> {
    principal.may(Op::ReadPriceLists)?;
    let vis = principal.visibility();
    let editions = service.store.price_list_scopes(vis).await?;
    let mut out = Vec::with_capacity(editions.len());
    for current in editions {
        let client = match current.client_id {
            Some(id) => service.store.org(id, vis).await?,
            None => None,
        };
        let name = client.as_ref().map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.name.clone());
        out.push(Scope { name, client, current });
    }
    Ok(out)
}

/// One scope's editions, newest first (empty when nothing was ever published there).
pub async fn history(
    service: &Service,
    principal: &Principal,
    scope: &str,
) -> Result<History, ServiceError> {
    principal.may(Op::ReadPriceLists)?;
    let client = client_of(service, principal, scope).await?;
    let editions = service
        .store
        .price_list_history(principal.visibility(), client.as_ref().map(|c| c.id))
        .await?;
    let name = client.as_ref().map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.name.clone());
    Ok(History { name, client, editions })
}

/// Publishes `text` (a price list in TOML, as `examples/price-list.toml`) as the scope's
/// current prices. Every problem of the text is a field error on `text`.
pub async fn publish(
    service: &Service,
    principal: &Principal,
    scope: &str,
    text: &str,
) -> Result<Published, ServiceError> {
    principal.may(Op::PublishPriceList)?;
    let client = client_of(service, principal, scope).await?;
    let list = PriceList::parse(text).map_err(|e| {
        ServiceError::Invalid(
            e.0.into_iter()
                .map(|message| FieldError { field: "text".to_owned(), message })
                .collect(),
        )
    })?;
    let previous = current(service, principal, client.as_ref()).await?;
    if let Some(previous) = &previous
        && previous.body.is_some()
        && previous.version == list.version
    {
        return Ok(Published { edition: previous.clone(), created: false });
    }
    let edition = PriceListEdition {
        id: Uuid::now_v7(),
        provider_id: provider(principal),
        client_id: client.as_ref().map(|c| c.id),
        version: list.version.clone(),
        label: list.label.clone(),
        body: Some(text.to_owned()),
        created_by: principal.actor.0.clone(),
        created_at: now_micros(),
    };
    store_edition(service, principal, client.as_ref(), previous.as_ref(), &edition).await?;
    Ok(Published { edition, created: true })
}

/// Withdraws a scope's prices: a client's assessments fall back to the default, the default's
/// leave the assessments without service charges. 404 when the scope has no prices in force.
pub async fn withdraw(
    service: &Service,
    principal: &Principal,
    scope: &str,
) -> Result<PriceListEdition, ServiceError> {
    principal.may(Op::PublishPriceList)?;
    let client = client_of(service, principal, scope).await?;
    let previous = current(service, principal, client.as_ref()).await?;
    if previous.as_ref().is_none_or(|p| p.body.is_none()) {
        return Err(ServiceError::NotFound(format!(
            "the scope `{}` has no price list in force",
            client.as_ref().map_or(DEFAULT_SCOPE, |c| c.name.as_str())
        )));
    }
    let edition = PriceListEdition {
        id: Uuid::now_v7(),
        provider_id: provider(principal),
        client_id: client.as_ref().map(|c| c.id),
        version: String::new(),
        label: String::new(),
        body: None,
        created_by: principal.actor.0.clone(),
        created_at: now_micros(),
    };
    store_edition(service, principal, client.as_ref(), previous.as_ref(), &edition).await?;
    Ok(edition)
}

async fn current(
    service: &Service,
    principal: &Principal,
    client: Option<&Org>,
) -> Result<Option<PriceListEdition>, ServiceError> {
    let editions =
        service.store.price_list_history(principal.visibility(), client.map(|c| c.id)).await?;
    Ok(editions.into_iter().next())
}

async fn store_edition(
    service: &Service,
    principal: &Principal,
    client: Option<&Org>,
    previous: Option<&PriceListEdition>,
    edition: &PriceListEdition,
) -> Result<(), ServiceError> {
    let scope = client.map_or(DEFAULT_SCOPE, |c| c.name.as_str());
    let state = |e: &PriceListEdition| match &e.body {
        Some(_) => json!({ "scope": scope, "version": e.version, "label": e.label }),
        None => json!({ "scope": scope, "withdrawn": true }),
    };
    let action =
        if edition.body.is_some() { "price_list.published" } else { "price_list.withdrawn" };
    let object = client.map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.id.to_string());
    let audit = event(
        provider(principal),
        &principal.actor,
        edition.created_at,
        action,
        ("price_list", object),
        previous.map(state),
        Some(state(edition)),
    );
    let change =
        Change { mutation: Mutation::PublishPriceList(Box::new(edition.clone())), event: audit };
    service.store.commit(std::slice::from_ref(&change)).await?;
    service.prices.clear();
    Ok(())
}

/// The provider that serves `org` (itself, for the provider).
fn provider_of(org: &Org) -> Option<Uuid> {
    match org.kind {
        OrgKind::Provider => Some(org.id),
        OrgKind::Client => org.provider_id,
    }
}

/// The price list in force for assessments of `org`: its own, else its provider's default;
/// `None` when neither has one.
pub async fn in_force(
    service: &Service,
    org: &Org,
) -> Result<Option<Arc<PriceList>>, ServiceError> {
    if let Some(cached) = service.prices.get(org.id) {
        return Ok(cached);
    }
    let Some(provider) = provider_of(org) else { return Ok(None) };
    let editions = service.store.price_lists_for(System::Pricing, provider, org.id).await?;
    let own = editions.iter().find(|e| e.client_id == Some(org.id));
    let default = editions.iter().find(|e| e.client_id.is_none());
    // A client's withdrawn prices fall back to the default; a withdrawn default prices nothing.
    let chosen = match own {
        Some(own) if own.body.is_some() => Some(own),
        _ => default.filter(|d| d.body.is_some()),
    };
    let list = chosen.map(parsed).transpose()?.map(Arc::new);
    service.prices.put(org.id, list.clone());
    Ok(list)
}

/// The price list of `version` published by the provider of `org`, for a replay of an
/// assessment priced with it; a conflict when it is not stored (it always is: editions are
/// never deleted).
pub async fn recorded(
    service: &Service,
    org: &Org,
    version: &str,
) -> Result<Arc<PriceList>, ServiceError> {
    let missing = || {
        ServiceError::Conflict(format!(
            "the price list version {version} the assessment was priced with is not stored"
        ))
    };
    let provider = provider_of(org).ok_or_else(missing)?;
    let edition = service
        .store
        .price_list_version(System::Pricing, provider, version)
        .await?
        .ok_or_else(missing)?;
    Ok(Arc::new(parsed(&edition)?))
}

/// A stored edition's text, parsed; it was valid when published, so a failure is ours.
fn parsed(edition: &PriceListEdition) -> Result<PriceList, ServiceError> {
    let text = edition.body.as_deref().unwrap_or_default();
    let list = PriceList::parse(text).map_err(|e| {
        ServiceError::internal(format!(
            "stored price list {} no longer parses: {e}",
            edition.version
        ))
    })?;
    if list.version != edition.version {
        return Err(ServiceError::internal(format!(
            "stored price list {} hashes to {}: the stored text was altered",
            edition.version, list.version
        )));
    }
    Ok(list)
}
