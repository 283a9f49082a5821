//! The shipment's parties screened against the restricted-party lists, when the caller gives a
//! [`Screener`]: the client, the consignee and the end user, each by name and country. A
//! party's best hit that is a match is a blocker (`screening.match`), a possible match a
//! condition for an operator's decision (`screening.possible`); both name the list, the entry,
//! the name or alias that matched and every token pair.

use preclear_domain::{Country, Shipment};
use preclear_screening::{Hit, Screener};
use serde::Serialize;

use crate::findings::Findings;
use crate::output::Severity;

/// What screening found, per party.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    /// The lists and their dates.
    pub lists: String,
    /// Each party screened.
    pub parties: Vec<ScreenedParty>,
}

/// One party and its hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenedParty {
    /// `client`, `consignee` or `end_user`.
    pub role: String,
    /// The name screened.
    pub name: String,
    /// The hits, best first (empty: nothing resembles it).
    pub hits: Vec<ScreenHit>,
}

/// One hit, as the assessment states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenHit {
    /// The list's name.
    pub list: String,
    /// The entry's id on the list.
    pub entry_id: String,
    /// The entry's primary name.
    pub entry_name: String,
    /// The name or alias that matched.
    pub matched_name: String,
    /// The score, 0 to 1, three decimals.
    pub score: String,
    /// `match` or `possible`.
    pub band: String,
    /// The entry's programs.
    pub programs: Vec<String>,
    /// Each token pair, for people (`banko ~ banco 0.907`).
    pub explanation: String,
}

/// The lists the bundled screener holds, for the assessment to state.
pub const BUNDLED_LISTS: &str = "bundled snapshots: UN Consolidated List 2026-02-27, OFAC SDN 2021 (aliases and addresses 2025), OFAC non-SDN 2025";

fn explanation(hit: &Hit) -> String {
    let mut parts: Vec<String> = hit
        .tokens
        .iter()
        .map(|t| match &t.listed {
            Some(listed) => format!("{} ~ {} {:.3}", t.query, listed, t.similarity),
            None => format!("{} unmatched", t.query),
        })
        .collect();
    if !hit.unmatched_listed.is_empty() {
        parts.push(format!("listed tokens unpaired: {}", hit.unmatched_listed.join(" ")));
    }
    if !hit.country.is_empty() {
        parts.push(format!("country {}", hit.country));
    }
    if !hit.strong_name {
        parts.push("a weak alias".to_owned());
    }
    parts.join("; ")
}

/// Screens the parties and reports their best hits as findings.
pub(crate) fn screen(
    screener: &Screener,
    shipment: &Shipment,
    findings: &mut Findings,
) -> Screening {
    let mut parties: Vec<(&str, &str, Country)> =
        vec![("client", shipment.client.name.as_str(), shipment.client.country)];
    if let Some(consignee) = &shipment.consignee {
        parties.push(("consignee", consignee.name.as_str(), consignee.country));
    }
    if let Some(end_user) = &shipment.end_user {
        parties.push(("end_user", end_user.name.as_str(), end_user.country));
    }
    let mut screened = Vec::with_capacity(parties.len());
    for (role, name, country) in parties {
        let hits = screener.screen(name, Some(country.name()));
        if let Some(best) = hits.first() {
            let (severity, code, what) = if best.band == "match" {
                (Severity::Blocker, "screening.match", "matches")
            } else {
                (Severity::Condition, "screening.possible", "may be")
            };
            let programs = if best.programs.is_empty() {
                String::new()
            } else {
                format!(", programs {}", best.programs.join(", "))
            };
            let next = if best.band == "match" {
                "The shipment must not proceed unless a compliance officer establishes that the party is not the listed one."
            } else {
                "An operator decides whether it is the listed party before the shipment moves."
            };
            findings.push(
                severity,
                code,
                format!(
                    "The {} `{name}` {what} the {} entry `{}` ({}{programs}) through `{}`: score {:.3} ({}). {next}",
                    role.replace('_', " "),
                    best.list_title,
                    best.entry_id,
                    best.entry_name,
                    best.matched_name,
                    best.score,
                    explanation(best),
                ),
                vec![],
            );
        }
        screened.push(ScreenedParty {
            role: role.to_owned(),
            name: name.to_owned(),
            hits: hits
                .iter()
                .map(|h| ScreenHit {
                    list: h.list_title.to_owned(),
                    entry_id: h.entry_id.clone(),
                    entry_name: h.entry_name.clone(),
                    matched_name: h.matched_name.clone(),
                    score: format!("{:.3}", h.score),
                    band: h.band.to_owned(),
                    programs: h.programs.clone(),
                    explanation: explanation(h),
                })
                .collect(),
        });
    }
    Screening { lists: BUNDLED_LISTS.to_owned(), parties: screened }
}
