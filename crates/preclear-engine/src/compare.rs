//! One shipment, several candidate destinations, side by side: the question a procurement lead
//! asks first ("what will it cost me, and how soon, in each country I am considering?").
//!
//! [`compare`] assesses the same goods for each destination with [`crate::assess`] (so every row
//! is an ordinary assessment, explained and replayable) and reduces each to one row: verdict,
//! blockers, landed cost in the request's currency with its completeness, duties and taxes as a
//! share of the goods value, and the earliest ship date with the requirement that sets it.
//! Like `assess`, it is pure.

use std::str::FromStr as _;

use preclear_domain::{Country, Currency, Date, Shipment};
use preclear_kb::Kb;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::output::{Assessment, Severity, Verdict};

/// The most destinations one comparison takes.
pub const MAX_DESTINATIONS: usize = 20;

/// A comparison of one shipment across destinations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// The request's reference.
    pub reference: String,
    /// The currency of every amount (the request's).
    pub currency: Currency,
    /// The date the assessments are made for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(serialize_with = "date")]
    pub as_of: Date,
    /// The KB version used.
    pub kb_version: String,
    /// One row per destination, in the order asked.
    pub rows: Vec<ComparisonRow>,
}

/// One destination of a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparisonRow {
    /// The destination.
    pub destination: Country,
    /// Its verdict.
    pub verdict: Verdict,
    /// The verdict in a sentence.
    pub summary: String,
    /// What stops the shipment there (the blockers' messages).
    pub blockers: Vec<String>,
    /// How many conditions must be met first.
    pub conditions: usize,
    /// The goods value.
    pub goods_value: String,
    /// The landed cost: the customs value and every duty, tax and fee that could be computed.
    pub landed_cost: String,
    /// When a rate depends on the destination's state or province, which the request does not
    /// give: the highest landed cost (`landed_cost` is then the lowest). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed_cost_high: Option<String>,
    /// Whether every charge could be computed; if not, `landed_cost` is a lower bound.
    pub landed_cost_complete: bool,
    /// The charges that could not be computed (their rule ids).
    pub uncomputed_charges: Vec<String>,
    /// Duties and taxes computed (fees apart).
    pub duties_and_taxes: String,
    /// `duties_and_taxes` as a percentage of the goods value, to two places; `null` when the
    /// goods value is zero.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub duties_and_taxes_percent_of_goods: Option<String>,
    /// The provider's service charges under the price list, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_charges: Option<String>,
    /// The earliest date the cargo may leave; `null` when a lead time it depends on is unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, required = true))]
    #[serde(serialize_with = "opt_date")]
    pub earliest_ship_date: Option<Date>,
    /// The requirement that sets it; without a date, one needed before departure whose lead
    /// time is unknown.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub critical_requirement: Option<String>,
}

/// Why a comparison cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareError {
    /// No destination was given.
    NoDestination,
    /// More than [`MAX_DESTINATIONS`].
    TooMany(usize),
    /// A destination is given twice.
    Repeated(Country),
    /// A destination is the origin: nothing is imported.
    IsOrigin(Country),
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::NoDestination => f.write_str("give at least one destination"),
            CompareError::TooMany(n) => {
                write!(f, "{n} destinations: a comparison takes at most {MAX_DESTINATIONS}")
            }
            CompareError::Repeated(c) => write!(f, "{c} is given twice"),
            CompareError::IsOrigin(c) => {
                write!(f, "{c} is the shipment's origin: nothing would be imported")
            }
        }
    }
}

impl std::error::Error for CompareError {}

/// Checks a list of destinations for a shipment from `origin`.
pub fn check_destinations(origin: Country, destinations: &[Country]) -> Result<(), CompareError> {
    if destinations.is_empty() {
        return Err(CompareError::NoDestination);
    }
    if destinations.len() > MAX_DESTINATIONS {
        return Err(CompareError::TooMany(destinations.len()));
    }
    for (i, destination) in destinations.iter().enumerate() {
        if *destination == origin {
            return Err(CompareError::IsOrigin(*destination));
        }
        if destinations[..i].contains(destination) {
            return Err(CompareError::Repeated(*destination));
        }
    }
    Ok(())
}

/// The shipment sent to `destination` instead: the same goods, parties and terms; a consignee or
/// end user located in the shipment's destination moves with it (they stand for "the receiving
/// site"), one located elsewhere stays where it is.
pub fn redirected(shipment: &Shipment, destination: Country) -> Shipment {
    let mut moved = shipment.clone();
    for party in [&mut moved.consignee, &mut moved.end_user].into_iter().flatten() {
        if party.country == shipment.destination {
            party.country = destination;
        }
    }
    moved.destination = destination;
    moved
}

/// Assesses `shipment` for each of `destinations` on `as_of` and compares them. The assessments
/// are returned with the comparison, in the same order, so a caller can store or show them.
pub fn compare(
    kb: &Kb,
    shipment: &Shipment,
    destinations: &[Country],
    as_of: Date,
) -> Result<(Comparison, Vec<Assessment>), CompareError> {
    compare_priced(kb, shipment, destinations, as_of, None)
}

/// [`compare`], each destination with the provider's service charges under `prices`.
pub fn compare_priced(
    kb: &Kb,
    shipment: &Shipment,
    destinations: &[Country],
    as_of: Date,
    prices: Option<&preclear_pricing::PriceList>,
) -> Result<(Comparison, Vec<Assessment>), CompareError> {
    compare_screened(kb, shipment, destinations, as_of, prices, None)
}

/// [`compare_priced`], each destination's parties screened with `screen`.
pub fn compare_screened(
    kb: &Kb,
    shipment: &Shipment,
    destinations: &[Country],
    as_of: Date,
    prices: Option<&preclear_pricing::PriceList>,
    screen: Option<crate::screening::Screen<'_>>,
) -> Result<(Comparison, Vec<Assessment>), CompareError> {
    check_destinations(shipment.origin, destinations)?;
    let assessments: Vec<Assessment> = destinations
        .iter()
        .map(|destination| {
            let moved = redirected(shipment, *destination);
            crate::assess_screened(kb, &moved, as_of, prices, screen)
        })
        .collect();
    Ok((comparison_of(shipment, kb.version().as_str(), as_of, &assessments), assessments))
}

/// The comparison of assessments already made (one per destination, same shipment): a stored
/// comparison's assessments, replayed, give its rows again.
pub fn comparison_of(
    shipment: &Shipment,
    kb_version: &str,
    as_of: Date,
    assessments: &[Assessment],
) -> Comparison {
    Comparison {
        reference: shipment.reference.clone(),
        currency: shipment.currency,
        as_of,
        kb_version: kb_version.to_owned(),
        rows: assessments.iter().map(row).collect(),
    }
}

fn row(assessment: &Assessment) -> ComparisonRow {
    let cost = &assessment.landed_cost;
    let amount = |text: &Option<String>| text.as_deref().and_then(|t| Decimal::from_str(t).ok());
    let duties_and_taxes: Decimal =
        cost.duties.iter().chain(&cost.taxes).filter_map(|charge| amount(&charge.amount)).sum();
    let goods = Decimal::from_str(&cost.goods_value).unwrap_or(Decimal::ZERO);
    let share = (!goods.is_zero()).then(|| {
        (duties_and_taxes * Decimal::ONE_HUNDRED / goods)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .to_string()
    });
    let uncomputed = cost
        .duties
        .iter()
        .chain(&cost.taxes)
        .chain(&cost.fees)
        .filter(|charge| charge.amount.is_none())
        .map(|charge| charge.rule.clone())
        .collect();
    let critical = match assessment.earliest_ship_date {
        Some(_) => assessment.timeline.critical_requirement.clone(),
        // Without a date, name a requirement needed before departure whose lead time is
        // unknown: it is what leaves the date open.
        None => assessment
            .requirements
            .iter()
            .find(|r| {
                r.needed_before == crate::NeededBefore::Departure && r.lead_time_days.is_none()
            })
            .map(|r| r.rule.clone())
            .or_else(|| assessment.timeline.critical_requirement.clone()),
    };
    ComparisonRow {
        destination: assessment.destination,
        verdict: assessment.verdict,
        summary: assessment.summary.clone(),
        blockers: assessment
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocker)
            .map(|f| f.message.clone())
            .collect(),
        conditions: assessment
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Condition)
            .count(),
        goods_value: cost.goods_value.clone(),
        landed_cost: cost.total.clone(),
        landed_cost_high: cost.total_high.clone(),
        landed_cost_complete: cost.complete,
        uncomputed_charges: uncomputed,
        duties_and_taxes: duties_and_taxes.to_string(),
        duties_and_taxes_percent_of_goods: share,
        service_charges: assessment.service_charges.as_ref().map(|s| s.total.clone()),
        earliest_ship_date: assessment.earliest_ship_date,
        critical_requirement: critical,
    }
}

fn date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

fn opt_date<S: serde::Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

/// The comparison as a table for a person.
pub fn render_comparison_text(comparison: &Comparison) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Comparison of {} across {} destinations, {} on {} (KB {})\n",
        comparison.reference,
        comparison.rows.len(),
        comparison.currency,
        comparison.as_of,
        comparison.kb_version
    );
    let _ = writeln!(
        out,
        "{:<4} {:<26} {:>16} {:>9} {:<13} set by",
        "dest", "verdict", "landed cost", "D&T %", "ship from"
    );
    for row in &comparison.rows {
        let cost = match (&row.landed_cost_high, row.landed_cost_complete) {
            (Some(high), true) => format!("{}-{high}", row.landed_cost),
            (Some(high), false) => format!("≥ {}-{high}", row.landed_cost),
            (None, true) => row.landed_cost.clone(),
            (None, false) => format!("≥ {}", row.landed_cost),
        };
        let share = row.duties_and_taxes_percent_of_goods.as_deref().unwrap_or("-");
        let ship = row.earliest_ship_date.map_or_else(|| "not set".to_owned(), |d| d.to_string());
        let _ = writeln!(
            out,
            "{:<4} {:<26} {:>16} {:>9} {:<13} {}",
            row.destination.as_str(),
            row.verdict.as_str(),
            cost,
            share,
            ship,
            row.critical_requirement.as_deref().unwrap_or("-"),
        );
    }
    for row in &comparison.rows {
        if !row.blockers.is_empty() || !row.landed_cost_complete {
            let _ = writeln!(out, "\n{}: {}", row.destination, row.summary);
            for blocker in &row.blockers {
                let _ = writeln!(out, "  blocker: {blocker}");
            }
            if !row.uncomputed_charges.is_empty() {
                let _ = writeln!(
                    out,
                    "  not computed (the landed cost is a lower bound): {}",
                    row.uncomputed_charges.join(", ")
                );
            }
        }
    }
    out
}
