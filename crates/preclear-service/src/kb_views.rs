//! What the KB looks like to its readers: each market's coverage by topic, and the facts with
//! their provenance — the views the API (`/api/v1/kb/…`) and the KB pages show.

use preclear_kb::coverage::coverage;
use preclear_kb::facts::facts;
use serde::Serialize;

/// One market's coverage: per topic, the status (`high`, `medium`, `low`, `unknown`,
/// `none:<confidence>` or `MISSING`) and the rules behind it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    pub country: String,
    pub name: String,
    pub topics: Vec<CoverageCell>,
}

/// One topic of one market.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageCell {
    pub topic: String,
    pub status: String,
    pub rules: Vec<String>,
}

/// A source cited by a fact.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceView {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub document: Option<String>,
}

/// One fact with its provenance.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactView {
    pub scope: String,
    pub section: String,
    pub label: String,
    pub value: String,
    /// `high`, `medium`, `low` or `unknown`.
    pub confidence: String,
    /// When it was last checked.
    pub as_of: String,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
    pub note: Option<String>,
    /// `file:line` in the KB.
    pub location: String,
    pub sources: Vec<SourceView>,
}

/// Each market's coverage on `date`: the table the API and the KB pages show.
pub fn coverage_rows(kb: &preclear_kb::Kb, date: preclear_domain::Date) -> Vec<CoverageRow> {
    coverage(kb, date)
        .into_iter()
        .map(|m| CoverageRow {
            country: m.country.to_string(),
            name: m.name,
            topics: m
                .cells
                .into_iter()
                .map(|c| CoverageCell {
                    topic: c.topic.as_str().to_owned(),
                    status: c.status.label(),
                    rules: c.rules.iter().map(|r| r.to_string()).collect(),
                })
                .collect(),
        })
        .collect()
}

/// The facts in `scope` (a market includes its union's) and `section`, with their provenance.
pub fn fact_views(
    kb: &preclear_kb::Kb,
    scope: Option<&str>,
    section: Option<&str>,
) -> Vec<FactView> {
    let union = scope.and_then(|scope| {
        kb.markets()
            .find(|m| m.country.as_str() == scope)
            .and_then(|m| m.union.as_deref().map(str::to_owned))
    });
    facts(kb)
        .into_iter()
        .filter(|f| {
            scope.is_none_or(|s| f.scope == s || union.as_deref() == Some(f.scope.as_str()))
        })
        .filter(|f| section.is_none_or(|s| f.section == s))
        .map(|f| FactView {
            scope: f.scope,
            section: f.section.to_owned(),
            label: f.label,
            value: f.value,
            confidence: f.provenance.confidence.as_str().to_owned(),
            as_of: f.provenance.as_of.to_string(),
            effective_from: f.provenance.effective_from.map(|d| d.to_string()),
            effective_to: f.provenance.effective_to.map(|d| d.to_string()),
            note: f.provenance.note.clone(),
            location: f.provenance.location.to_string(),
            sources: f
                .provenance
                .sources
                .iter()
                .map(|s| SourceView {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                    document: s.document.clone(),
                })
                .collect(),
        })
        .collect()
}
