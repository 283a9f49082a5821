//! The knowledge-base browser: markets and the coverage table, then one market's facts with
//! their sources, confidence and dates. The same builders as `/api/v1/kb/*`.

use axum::extract::{Path, State};
use axum::response::Response;

use super::session::WebUser;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::clock::{date_of, now_micros};
use crate::error::ApiError;
use preclear_service::kb_views::{CoverageRow, FactView, coverage_rows, fact_views};

/// A market in the index.
#[derive(Debug)]
pub(crate) struct MarketRow {
    pub country: String,
    pub name: String,
    pub currency: String,
    pub union: String,
    pub levies: usize,
    pub requirements: usize,
    pub restrictions: usize,
}

#[derive(Debug, askama::Template)]
#[template(path = "kb_index.html")]
pub(crate) struct KbIndexPage {
    nav: Nav,
    version: String,
    today: String,
    markets: Vec<MarketRow>,
    topics: Vec<String>,
    coverage: Vec<CoverageRow>,
    regimes: Vec<(String, String)>,
}

pub(crate) async fn index(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let kb = &state.kb();
    let today = date_of(now_micros());
    let coverage = coverage_rows(kb, today);
    let topics = coverage
        .first()
        .map(|row| row.topics.iter().map(|c| c.topic.clone()).collect())
        .unwrap_or_default();
    let page = KbIndexPage {
        nav: Nav::new(&user, "kb", &state),
        version: kb.version().as_str().to_owned(),
        today: today.to_string(),
        markets: kb
            .markets()
            .map(|m| MarketRow {
                country: m.country.to_string(),
                name: m.name.clone(),
                currency: m.currency.to_string(),
                union: m.union.as_deref().unwrap_or_default().to_owned(),
                levies: m.levies.len(),
                requirements: m.requirements.len(),
                restrictions: m.restrictions.len(),
            })
            .collect(),
        topics,
        coverage,
        regimes: kb.regimes().iter().map(|r| (r.id.to_string(), r.name.clone())).collect(),
    };
    render(&page)
}

/// A section of a market's facts.
#[derive(Debug)]
pub(crate) struct FactSection {
    pub name: String,
    pub facts: Vec<FactView>,
}

#[derive(Debug, askama::Template)]
#[template(path = "kb_market.html")]
pub(crate) struct KbMarketPage {
    nav: Nav,
    scope: String,
    title: String,
    sections: Vec<FactSection>,
    count: usize,
}

pub(crate) async fn market(
    State(state): State<AppState>,
    user: WebUser,
    Path(scope): Path<String>,
) -> Result<Response, WebError> {
    let kb = &state.kb();
    let facts = fact_views(kb, Some(&scope), None);
    if facts.is_empty() {
        return Err(
            ApiError::NotFound(format!("the knowledge base has no facts for `{scope}`")).into()
        );
    }
    let title = kb
        .markets()
        .find(|m| m.country.as_str() == scope)
        .map_or_else(|| scope.clone(), |m| format!("{} ({})", m.name, m.country));
    let count = facts.len();
    let mut sections: Vec<FactSection> = Vec::new();
    for fact in facts {
        match sections.iter_mut().find(|s| s.name == fact.section) {
            Some(section) => section.facts.push(fact),
            None => sections.push(FactSection { name: fact.section.clone(), facts: vec![fact] }),
        }
    }
    let page = KbMarketPage { nav: Nav::new(&user, "kb", &state), scope, title, sections, count };
    render(&page)
}
