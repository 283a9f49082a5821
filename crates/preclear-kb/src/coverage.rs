//! What the KB knows about each market, topic by topic: the data behind `preclear kb coverage`.
//!
//! A topic is *covered* when the market has a rule on it (a levy, a requirement, a restriction, a
//! fact) or a sourced `[[absent]]` statement that its law has none. Its status is the weakest
//! confidence among the facts in force on the date asked about, so one unknown rate makes the
//! topic unknown. A topic with neither rule nor statement is *missing*: `preclear kb check`
//! refuses a KB with a missing topic, so "not researched" can never pass for "no rule".

use std::sync::Arc;

use preclear_domain::{Condition, Confidence, Country, Date, HsPrefix};

use crate::model::{Conditions, Provenance};
use crate::model::{IT_HEADINGS, Kb, Known, LevyKind, Market, RateValue, RequirementKind, Topic};

/// The status of one topic of one market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Rules exist; the weakest of their confidences (never `Unknown`).
    Known(Confidence),
    /// A rule exists but a fact it needs is unknown: the engine asks the operator.
    Unknown,
    /// The market's law has nothing on the topic, per a sourced `[[absent]]` of this confidence.
    Absent(Confidence),
    /// Neither a rule nor an `[[absent]]` statement: a gap in the KB.
    Missing,
}

impl Status {
    /// A short word for tables: `high`, `medium`, `low`, `unknown`, `none:high`, …, `MISSING`.
    pub fn label(self) -> String {
        match self {
            Status::Known(confidence) => confidence.as_str().to_owned(),
            Status::Unknown => "unknown".to_owned(),
            Status::Absent(confidence) => format!("none:{}", confidence.as_str()),
            Status::Missing => "MISSING".to_owned(),
        }
    }
}

/// One cell of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The topic.
    pub topic: Topic,
    /// Its status.
    pub status: Status,
    /// The rules (ids, or `file:line` for facts without one) that make the status.
    pub rules: Vec<Arc<str>>,
}

/// One row: a market and its topics, in [`Topic::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketCoverage {
    /// The market.
    pub country: Country,
    /// Its name.
    pub name: String,
    /// One cell per topic.
    pub cells: Vec<Cell>,
}

impl MarketCoverage {
    /// The topics with neither rule nor `[[absent]]` statement.
    pub fn missing(&self) -> impl Iterator<Item = Topic> + '_ {
        self.cells.iter().filter(|cell| cell.status == Status::Missing).map(|cell| cell.topic)
    }
}

/// The coverage of every market on `date` (rules not in force on that date do not count).
pub fn coverage(kb: &Kb, date: Date) -> Vec<MarketCoverage> {
    kb.markets().map(|market| market_coverage(market, date)).collect()
}

/// The coverage of one market on `date`.
pub fn market_coverage(market: &Market, date: Date) -> MarketCoverage {
    let cells = Topic::ALL.into_iter().map(|topic| cell(market, topic, date)).collect();
    MarketCoverage { country: market.country, name: market.name.clone(), cells }
}

/// Accumulates the facts that bear on one topic.
#[derive(Default)]
struct Tally {
    rules: Vec<Arc<str>>,
    weakest: Option<Confidence>,
    unknown_value: bool,
}

impl Tally {
    fn add(&mut self, rule: Arc<str>, provenance: &Provenance) {
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
        }
        let confidence = provenance.confidence;
        self.weakest = Some(self.weakest.map_or(confidence, |weakest| weakest.max(confidence)));
    }

    fn status(self, market: &Market, topic: Topic, date: Date) -> Cell {
        let status = match self.weakest {
            Some(Confidence::Unknown) => Status::Unknown,
            Some(_) if self.unknown_value => Status::Unknown,
            Some(confidence) => Status::Known(confidence),
            None => {
                let absent = market
                    .absences
                    .iter()
                    .find(|absence| absence.topic == topic && absence.provenance.in_force(date));
                return match absent {
                    Some(absence) => Cell {
                        topic,
                        status: Status::Absent(absence.provenance.confidence),
                        rules: vec![location(&absence.provenance)],
                    },
                    None => Cell { topic, status: Status::Missing, rules: Vec::new() },
                };
            }
        };
        Cell { topic, status, rules: self.rules }
    }
}

fn location(provenance: &Provenance) -> Arc<str> {
    Arc::from(provenance.location.to_string())
}

fn cell(market: &Market, topic: Topic, date: Date) -> Cell {
    let mut tally = Tally::default();
    match topic {
        Topic::Valuation => {
            let fact = &market.valuation;
            tally.add(location(&fact.provenance), &fact.provenance);
            tally.unknown_value = matches!(fact.value.basis, Known::Unknown);
        }
        Topic::Importer => {
            let fact = &market.importer;
            tally.add(location(&fact.provenance), &fact.provenance);
            tally.unknown_value = matches!(fact.value.non_resident_allowed, Known::Unknown);
        }
        Topic::Duty => return duty_cell(market, date),
        Topic::Vat => {
            for levy in market.levies.iter().filter(|levy| levy.kind == LevyKind::Tax) {
                if !levy.provenance.in_force(date) {
                    continue;
                }
                let rates: Vec<_> =
                    levy.rates.iter().filter(|rate| rate.provenance.in_force(date)).collect();
                if rates.is_empty() {
                    continue;
                }
                tally.add(levy.id.clone(), &levy.provenance);
                for rate in rates {
                    tally.add(levy.id.clone(), &rate.provenance);
                    tally.unknown_value |= rate.value == RateValue::Unknown;
                }
            }
        }
        Topic::Radio | Topic::Safety | Topic::Imei | Topic::Encryption | Topic::Used => {
            for requirement in &market.requirements {
                let kind_matches = match topic {
                    Topic::Radio => {
                        requirement.kind == RequirementKind::TypeApproval
                            || (requirement.kind != RequirementKind::Imei
                                && requirement
                                    .when
                                    .as_ref()
                                    .is_some_and(|when| when.radio.is_some()))
                    }
                    Topic::Safety => requirement.kind == RequirementKind::Conformity,
                    Topic::Imei => requirement.kind == RequirementKind::Imei,
                    Topic::Encryption => {
                        requirement.kind == RequirementKind::Encryption
                            || names_encryption(requirement.when.as_ref())
                    }
                    _ => names_used(requirement.when.as_ref()),
                };
                if kind_matches && requirement.provenance.in_force(date) {
                    tally.add(requirement.id.clone(), &requirement.provenance);
                }
            }
            // Restrictions, levies (a surcharge on used goods) and documents count where their
            // `when` names the topic's attribute.
            let conditioned = market
                .restrictions
                .iter()
                .map(|rule| (&rule.id, rule.when.as_ref(), &rule.provenance))
                .chain(
                    market
                        .levies
                        .iter()
                        .map(|rule| (&rule.id, rule.when.as_ref(), &rule.provenance)),
                )
                .chain(
                    market
                        .documents
                        .iter()
                        .map(|rule| (&rule.id, rule.when.as_ref(), &rule.provenance)),
                );
            for (id, when, provenance) in conditioned {
                let matches = match topic {
                    Topic::Encryption => names_encryption(when),
                    Topic::Used => names_used(when),
                    _ => false,
                };
                if matches && provenance.in_force(date) {
                    tally.add(id.clone(), provenance);
                }
            }
        }
    }
    tally.status(market, topic, date)
}

fn names_encryption(when: Option<&Conditions>) -> bool {
    when.is_some_and(|when| when.encryption.is_some())
}

fn names_used(when: Option<&Conditions>) -> bool {
    when.and_then(|when| when.condition.as_ref())
        .is_some_and(|conditions| conditions.iter().any(|condition| *condition != Condition::New))
}

/// Duty: every IT heading must have a most-favoured-nation rate (one without `origins`) in force,
/// from a rate on the heading, a prefix of it, one of its subheadings, or a catch-all.
fn duty_cell(market: &Market, date: Date) -> Cell {
    let mut tally = Tally::default();
    let mut uncovered = false;
    let duties: Vec<_> = market
        .levies
        .iter()
        .filter(|levy| levy.kind == LevyKind::Duty && levy.provenance.in_force(date))
        .collect();
    for heading in IT_HEADINGS {
        let Ok(heading) = HsPrefix::parse(heading) else { continue };
        let mut covered = false;
        for levy in &duties {
            for rate in &levy.rates {
                let relevant = rate.origins.is_none()
                    && rate.provenance.in_force(date)
                    && rate.hs.as_ref().is_none_or(|prefix| {
                        heading.as_str().starts_with(prefix.as_str())
                            || prefix.as_str().starts_with(heading.as_str())
                    });
                if relevant {
                    covered = true;
                    tally.add(levy.id.clone(), &levy.provenance);
                    tally.add(levy.id.clone(), &rate.provenance);
                    tally.unknown_value |= rate.value == RateValue::Unknown;
                }
            }
        }
        uncovered |= !covered;
    }
    if uncovered {
        return Cell { topic: Topic::Duty, status: Status::Missing, rules: tally.rules };
    }
    tally.status(market, Topic::Duty, date)
}
