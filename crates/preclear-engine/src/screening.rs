//! The shipment's parties screened against the restricted-party lists, when the caller gives a
//! [`Screener`]: the client, the consignee and the end user, each by name and country. A
//! party's best hit that is a match is a blocker (`screening.match`), a possible match a
//! condition for an operator's decision (`screening.possible`); both name the list, the entry,
//! the name or alias that matched and every token pair.
//!
//! An operator's decision on a hit ([`PriorDecision`]) is remembered for the party (its name
//! normalised, and its country) and the entry as it was listed (its fingerprint): a false
//! positive no longer raises a finding, a true match is a blocker, until the party or the entry
//! changes. The decisions are an input, like the lists: the service reads them from its store,
//! and a replay takes the ones its assessment recorded on each hit.

use preclear_domain::{Country, Date, Shipment};
use preclear_screening::{Hit, Lists};
use serde::{Deserialize, Serialize};

use crate::findings::Findings;
use crate::output::Severity;

/// What screening found, per party.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    /// The lists and their dates.
    pub lists: String,
    /// The version of the set of lists (a dataset version: a replay screens with it again).
    pub version: String,
    /// How many days after its publication a list counts as current (older lists are named
    /// in the warning `screening.stale_lists`).
    pub max_age_days: u32,
    /// The lists with a limit of their own, by format.
    pub max_age_per_list: std::collections::BTreeMap<String, u32>,
    /// Each party screened.
    pub parties: Vec<ScreenedParty>,
}

/// One party and its hits. Read back from stored assessments too (the service's queue,
/// decisions and replay), so the fields added after the first screened assessments default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenedParty {
    /// `client`, `consignee`, `end_user` or `ior_entity`.
    pub role: String,
    /// The name screened.
    pub name: String,
    /// The party as decisions remember it: its name normalised and its country
    /// (`banco nacional de cuba|CH`); empty in assessments stored before decisions.
    #[serde(default)]
    pub key: String,
    /// The hits, best first (empty: nothing resembles it).
    pub hits: Vec<ScreenHit>,
}

/// One hit, as the assessment states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// A fingerprint of the entry as listed: a decision holds while it is the same; empty in
    /// assessments stored before decisions.
    #[serde(default)]
    pub entry_fingerprint: String,
    /// The operator's decision that applies to this party and entry, if any.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub decision: Option<HitDecision>,
}

impl ScreenHit {
    /// A hit of the screener as results state it, with the decision that applies to it.
    pub fn of(hit: &Hit, decision: Option<HitDecision>) -> ScreenHit {
        ScreenHit {
            list: hit.list_title.to_owned(),
            entry_id: hit.entry_id.clone(),
            entry_name: hit.entry_name.clone(),
            matched_name: hit.matched_name.clone(),
            score: format!("{:.3}", hit.score),
            band: hit.band.to_owned(),
            programs: hit.programs.clone(),
            explanation: explain(hit),
            entry_fingerprint: hit.entry_fingerprint.clone(),
            decision,
        }
    }
}

/// What an operator decided a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HitVerdict {
    /// The party is not the listed one: the hit no longer raises a finding.
    FalsePositive,
    /// The party is the listed one: a blocker.
    TrueMatch,
}

impl HitVerdict {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HitVerdict::FalsePositive => "false_positive",
            HitVerdict::TrueMatch => "true_match",
        }
    }

    /// Reads the contract spelling.
    pub fn parse(text: &str) -> Option<HitVerdict> {
        match text {
            "false_positive" => Some(HitVerdict::FalsePositive),
            "true_match" => Some(HitVerdict::TrueMatch),
            _ => None,
        }
    }
}

/// An operator's decision, as a hit carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitDecision {
    /// `false_positive` or `true_match`.
    pub verdict: HitVerdict,
    /// Why, in the operator's words.
    pub reason: String,
    /// Who decided (`user:ana`).
    pub decided_by: String,
    /// When (YYYY-MM-DD, UTC).
    pub decided_on: String,
}

/// A decision the assessment takes into account: it applies to a hit of the party `party_key`
/// on the entry `entry_id` of `list` while the entry's fingerprint is `entry_fingerprint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorDecision {
    /// The party ([`preclear_screening::identity::party_key`]).
    pub party_key: String,
    /// The list's name, as hits name it.
    pub list: String,
    /// The entry's id on the list.
    pub entry_id: String,
    /// The entry's fingerprint when it was decided.
    pub entry_fingerprint: String,
    /// The decision.
    pub decision: HitDecision,
}

/// How many days after its publication a list counts as current, unless the caller says.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 7;

/// How many days after its publication each list counts as current: a limit for every list,
/// and limits of their own for some (by format name: `un-xml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaxAge {
    /// The limit of every list without its own.
    pub default_days: u32,
    /// The lists with a limit of their own.
    pub per_list: std::collections::BTreeMap<String, u32>,
}

impl Default for MaxAge {
    fn default() -> Self {
        MaxAge { default_days: DEFAULT_MAX_AGE_DAYS, per_list: std::collections::BTreeMap::new() }
    }
}

impl MaxAge {
    /// The limit of the list of `format`.
    pub fn days(&self, format: &str) -> u32 {
        self.per_list.get(format).copied().unwrap_or(self.default_days)
    }
}

/// The lists of `lists` published longer before `on` than their limit, each as `un-xml of
/// 2026-02-27 (283 days, limit 7)` (a list whose date does not read counts as stale: nothing
/// says it is current). The assessment's warning and the dashboard read the same.
pub fn stale(lists: &Lists, max_age: &MaxAge, on: Date) -> Vec<String> {
    lists
        .published
        .iter()
        .filter_map(|(format, published)| {
            let limit = max_age.days(format);
            match published.parse::<Date>().ok().map(|p| (on - p).get_days()) {
                Some(days) if days <= i32::try_from(limit).unwrap_or(i32::MAX) => None,
                Some(days) => Some(format!("{format} of {published} ({days} days, limit {limit})")),
                None => Some(format!("{format} of an unknown date")),
            }
        })
        .collect()
}

/// A party the request does not name but the caller knows, screened with the request's: the
/// importer of record's entity of a consignment (`ior_entity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherParty {
    /// Its role (`ior_entity`).
    pub role: String,
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: Country,
}

/// What the parties are screened with: the lists, and the decisions already taken.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// Parties screened besides the request's client, consignee and end user.
    pub others: &'a [OtherParty],
    /// The lists, indexed, with their version and description.
    pub lists: &'a Lists,
    /// How many days after its publication each list counts as current.
    pub max_age: &'a MaxAge,
    /// The operators' decisions (any order; none applies twice to one hit).
    pub decisions: &'a [PriorDecision],
}

impl<'a> Screen<'a> {
    /// The lists, with no decision taken yet.
    pub fn undecided(lists: &'a Lists) -> Screen<'a> {
        static DEFAULT: std::sync::LazyLock<MaxAge> = std::sync::LazyLock::new(MaxAge::default);
        Screen { lists, max_age: &DEFAULT, decisions: &[], others: &[] }
    }

    fn decision(&self, party_key: &str, hit: &Hit) -> Option<&'a HitDecision> {
        self.decisions
            .iter()
            .find(|d| {
                d.party_key == party_key
                    && d.entry_id == hit.entry_id
                    && d.list == hit.list_title
                    && d.entry_fingerprint == hit.entry_fingerprint
            })
            .map(|d| &d.decision)
    }
}

/// Each token pair of a hit, for people (`banko ~ banco 0.907; country agrees (Switzerland)`).
pub fn explain(hit: &Hit) -> String {
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

/// Screens the parties and reports, per party, a hit an operator confirmed, else its best hit
/// not decided a false positive, as a finding; and warns when a list is older than its limit.
pub(crate) fn screen(
    screen: Screen<'_>,
    shipment: &Shipment,
    as_of: Date,
    findings: &mut Findings,
) -> Screening {
    stale_lists(screen, as_of, findings);
    let mut parties: Vec<(&str, &str, Country)> =
        vec![("client", shipment.client.name.as_str(), shipment.client.country)];
    if let Some(consignee) = &shipment.consignee {
        parties.push(("consignee", consignee.name.as_str(), consignee.country));
    }
    if let Some(end_user) = &shipment.end_user {
        parties.push(("end_user", end_user.name.as_str(), end_user.country));
    }
    parties.extend(screen.others.iter().map(|o| (o.role.as_str(), o.name.as_str(), o.country)));
    let mut screened = Vec::with_capacity(parties.len());
    for (role, name, country) in parties {
        let key = preclear_screening::identity::party_key(name, country.as_str());
        let hits = screen.lists.screener.screen(name, Some(country.name()));
        let decided: Vec<Option<&HitDecision>> =
            hits.iter().map(|hit| screen.decision(&key, hit)).collect();
        let party = match role {
            "ior_entity" => "importer-of-record entity".to_owned(),
            other => other.replace('_', " "),
        };
        let confirmed = hits
            .iter()
            .zip(&decided)
            .find(|(_, d)| d.is_some_and(|d| d.verdict == HitVerdict::TrueMatch));
        let open = hits.iter().zip(&decided).find(|(_, d)| d.is_none());
        if let Some((hit, Some(decision))) = confirmed {
            findings.push(
                Severity::Blocker,
                "screening.match",
                format!(
                    "The {party} `{name}` is the {} entry `{}` ({}{}): decided a true match by {} on {} ({}). The shipment must not proceed.",
                    hit.list_title,
                    hit.entry_id,
                    hit.entry_name,
                    programs(hit),
                    decision.decided_by,
                    decision.decided_on,
                    decision.reason,
                ),
                vec![],
            );
        } else if let Some((best, _)) = open {
            let (severity, code, what) = if best.band == "match" {
                (Severity::Blocker, "screening.match", "matches")
            } else {
                (Severity::Condition, "screening.possible", "may be")
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
                    "The {party} `{name}` {what} the {} entry `{}` ({}{}) through `{}`: score {:.3} ({}). {next}",
                    best.list_title,
                    best.entry_id,
                    best.entry_name,
                    programs(best),
                    best.matched_name,
                    best.score,
                    explain(best),
                ),
                vec![],
            );
        } else if !hits.is_empty() {
            let who: Vec<String> = hits
                .iter()
                .zip(&decided)
                .filter_map(|(hit, d)| {
                    d.map(|d| {
                        format!(
                            "`{}` by {} on {} ({})",
                            hit.entry_id, d.decided_by, d.decided_on, d.reason
                        )
                    })
                })
                .collect();
            findings.push(
                Severity::Info,
                "screening.cleared",
                format!(
                    "The {party} `{name}` resembles {} listed {}, each decided a false positive: {}.",
                    hits.len(),
                    if hits.len() == 1 { "entry" } else { "entries" },
                    who.join("; "),
                ),
                vec![],
            );
        }
        screened.push(ScreenedParty {
            role: role.to_owned(),
            name: name.to_owned(),
            key,
            hits: hits
                .iter()
                .zip(decided)
                .map(|(h, decision)| ScreenHit::of(h, decision.cloned()))
                .collect(),
        });
    }
    Screening {
        lists: screen.lists.description.clone(),
        version: screen.lists.version.clone(),
        max_age_days: screen.max_age.default_days,
        max_age_per_list: screen.max_age.per_list.clone(),
        parties: screened,
    }
}

/// One warning naming every list published longer ago than its limit on the assessment's date.
fn stale_lists(screen: Screen<'_>, as_of: Date, findings: &mut Findings) {
    let stale = stale(screen.lists, screen.max_age, as_of);
    if stale.is_empty() {
        return;
    }
    findings.push(
        Severity::Warning,
        "screening.stale_lists",
        format!(
            "The parties were screened against lists older than their freshness limit on {as_of}: {}. A clear result proves nothing about today's lists: the provider deploys current ones (docs/screening.md).",
            stale.join(", ")
        ),
        vec![],
    );
}

fn programs(hit: &Hit) -> String {
    if hit.programs.is_empty() {
        String::new()
    } else {
        format!(", programs {}", hit.programs.join(", "))
    }
}
