//! The provider's price lists on the web: every scope with its edition in force, one scope's
//! prices with its history, and for the provider's admins the text to publish and a withdrawal.
//! The operations are `preclear_service::price_lists`, as for the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use preclear_service::ServiceError;
use preclear_service::price_lists::{self, DEFAULT_SCOPE};
use preclear_store::{OrgKind, PriceListEdition};

use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render, render_status};
use crate::AppState;
use crate::auth::Op;
use crate::clock::rfc3339;

/// What a new price list starts from: the example shipped with preclear.
const EXAMPLE: &str = include_str!("../../../../examples/price-list.toml");

/// One scope in the list.
#[derive(Debug)]
pub(crate) struct ScopeRow {
    /// `default` or the client's id: the page's address.
    pub key: String,
    /// `Default (every client)` or the client's name.
    pub name: String,
    /// The edition in force.
    pub current: EditionRow,
}

#[derive(askama::Template)]
#[template(path = "price_lists.html")]
pub(crate) struct ListPage {
    nav: Nav,
    scopes: Vec<ScopeRow>,
    /// Clients without prices of their own: `(id, name)`.
    unpriced: Vec<(String, String)>,
    can_publish: bool,
}

/// One market's prices in words.
#[derive(Debug)]
pub(crate) struct PriceRow {
    pub market: String,
    pub ior_fee: String,
    pub per_shipment: String,
    pub per_line: String,
}

/// One edition as the pages show it.
#[derive(Debug)]
pub(crate) struct EditionRow {
    pub label: String,
    pub version: String,
    pub withdrawn: bool,
    pub published: String,
    pub published_by: String,
}

impl EditionRow {
    fn of(e: &PriceListEdition) -> EditionRow {
        EditionRow {
            label: e.label.clone(),
            version: e.version.clone(),
            withdrawn: e.body.is_none(),
            published: rfc3339(e.created_at),
            published_by: e.created_by.clone(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "price_list.html")]
pub(crate) struct ScopePage {
    nav: Nav,
    key: String,
    name: String,
    /// The edition in force: label, version, provider and currency.
    current: Option<(String, String, String, String)>,
    prices: Vec<PriceRow>,
    editions: Vec<EditionRow>,
    /// The text in the editor: the current one, what was submitted, or the example.
    text: String,
    can_publish: bool,
    /// Problems of a submitted text, each as the page says it.
    errors: Vec<String>,
    /// What the last action did.
    notice: Option<String>,
}

fn scope_name(name: &str) -> String {
    if name == DEFAULT_SCOPE {
        "Default (every client without its own)".to_owned()
    } else {
        name.to_owned()
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let scopes = price_lists::scopes(&state, &user.principal).await?;
    let rows: Vec<ScopeRow> = scopes
        .iter()
        .map(|s| ScopeRow {
            key: s.client.as_ref().map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.id.to_string()),
            name: scope_name(&s.name),
            current: EditionRow::of(&s.current),
        })
        .collect();
    let priced: Vec<_> = scopes.iter().filter_map(|s| s.client.as_ref().map(|c| c.id)).collect();
    let unpriced = state
        .store
        .orgs(user.principal.visibility())
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Client && !priced.contains(&o.id))
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    render(&ListPage {
        nav: Nav::new(&user, "prices", &state),
        scopes: rows,
        unpriced,
        can_publish: user.principal.can(Op::PublishPriceList),
    })
}

async fn scope_page(
    state: &AppState,
    user: &WebUser,
    key: &str,
    submitted: Option<String>,
    errors: Vec<String>,
    notice: Option<String>,
) -> Result<ScopePage, WebError> {
    let history = price_lists::history(state, &user.principal, key).await?;
    let current = history.editions.first().filter(|e| e.body.is_some());
    let parsed = current.and_then(|e| preclear_pricing::PriceList::parse(e.body.as_deref()?).ok());
    let prices = parsed
        .as_ref()
        .map(|list| {
            list.describe()
                .into_iter()
                .map(|(market, ior_fee, per_shipment, per_line)| PriceRow {
                    market: market
                        .map_or_else(|| "Every other market".to_owned(), |c| c.to_string()),
                    ior_fee,
                    per_shipment,
                    per_line,
                })
                .collect()
        })
        .unwrap_or_default();
    let text = submitted
        .or_else(|| current.and_then(|e| e.body.clone()))
        .unwrap_or_else(|| EXAMPLE.to_owned());
    Ok(ScopePage {
        nav: Nav::new(user, "prices", state),
        key: history.client.as_ref().map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.id.to_string()),
        name: scope_name(&history.name),
        current: parsed.map(|l| (l.label, l.version, l.provider, l.currency.to_string())),
        prices,
        editions: history.editions.iter().map(EditionRow::of).collect(),
        text,
        can_publish: user.principal.can(Op::PublishPriceList),
        errors,
        notice,
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(key): Path<String>,
) -> Result<Response, WebError> {
    render(&scope_page(&state, &user, &key, None, Vec::new(), None).await?)
}

pub(crate) async fn publish(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let text = form_value(&pairs, "text").unwrap_or_default().to_owned();
    match price_lists::publish(&state, &user.principal, &key, &text).await {
        Ok(published) => {
            let notice = if published.created {
                format!(
                    "Published {} ({}): assessments made from now on are priced with it.",
                    published.edition.label, published.edition.version
                )
            } else {
                "This text is already the price list in force: nothing changed.".to_owned()
            };
            render(&scope_page(&state, &user, &key, None, Vec::new(), Some(notice)).await?)
        }
        Err(ServiceError::Invalid(errors)) => {
            let errors = errors.into_iter().map(|e| e.message).collect();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &scope_page(&state, &user, &key, Some(text), errors, None).await?,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn withdraw(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm { user, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let edition = price_lists::withdraw(&state, &user.principal, &key).await?;
    // The address from what was stored (an id or `default`), never from the typed text.
    let scope = edition.client_id.map_or_else(|| DEFAULT_SCOPE.to_owned(), |c| c.to_string());
    Ok(Redirect::to(&format!("/price-lists/{scope}")).into_response())
}
