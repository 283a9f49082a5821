//! The landed cost: the customs value on the market's basis, then every duty, tax and fee in the
//! market's order of computation, line by line, summed per shipment and rounded with the
//! market's named rounding.
//!
//! Arithmetic is exact (`Decimal`, checked operations). Line amounts stay unrounded and feed the
//! later levies' bases unrounded; each levy's shipment total is rounded once. A rate the KB does
//! not know makes the levy's amount unknown — never zero — and so does every later levy whose
//! base includes it; the total is then a lower bound and the assessment says so.

use preclear_domain::{
    Confidence, Country, Currency, Date, HsCode, Item, Money, Percent, Rounding, Shipment,
};
use preclear_kb::{
    BaseComponent, Known, Levy, LevyKind, LevyMethod, LevyRate, Market, RateValue, ValuationBasis,
};
use rust_decimal::Decimal;

use crate::conditions::{LineView, Tri, applies};
use crate::findings::Findings;
use crate::fx::Converter;
use crate::output::{Charge, LandedCost, LineLevy, Payer, Severity};

/// Which rate to take where a levy's rate depends on the destination's state or province and
/// the request does not say which: the lowest (the landed cost's low end) or the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    Low,
    High,
}

/// What the landed-cost computation hands back to the assessment.
pub(crate) struct LeviesResult {
    /// The levies whose rate depends on the destination's subdivision, which the request does
    /// not give: the landed cost is a range (computed again with [`Pick::High`]).
    pub(crate) by_subdivision: Vec<std::sync::Arc<str>>,
    pub(crate) landed_cost: LandedCost,
    /// Per line: customs value share.
    pub(crate) line_customs_values: Vec<Decimal>,
    /// Per line: each levy's result.
    pub(crate) line_levies: Vec<Vec<LineLevy>>,
    /// Per line: total duty, `None` when unknown.
    pub(crate) line_duty: Vec<Option<Decimal>>,
    /// The rounding used: the market's mode, with the decimal places of the market currency, or
    /// of the request's currency when the request is in another currency.
    pub(crate) rounding: Rounding,
}

/// A levy on one line.
#[derive(Debug, Clone, Copy)]
enum LineAmount<'k> {
    /// The levy does not apply to the line.
    NotApplicable,
    /// Computed.
    Amount { rate: Option<Percent>, base: Decimal, amount: Decimal, source: &'k LevyRate },
    /// Cannot be computed; the rate, when it is known and only the base is not (a known rate
    /// is still shown: Türkiye's KDV after an unknown additional duty).
    Unknown { rate: Option<Percent> },
}

impl LineAmount<'_> {
    fn amount(&self) -> Option<Decimal> {
        match self {
            LineAmount::NotApplicable => Some(Decimal::ZERO),
            LineAmount::Amount { amount, .. } => Some(*amount),
            LineAmount::Unknown { .. } => None,
        }
    }
}

pub(crate) fn compute(
    market: &Market,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
    pick: Pick,
    fx: &mut Converter<'_>,
    findings: &mut Findings,
) -> LeviesResult {
    let currency = shipment.currency;
    let rounding = effective_rounding(market, currency);
    let line_values: Vec<Decimal> =
        lines.iter().map(|line| line.item.line_value().amount()).collect();
    let goods = sum(line_values.iter().copied());
    let freight = shipment.freight.map(|money| money.amount());
    let insurance = shipment.insurance.map(|money| money.amount());

    let basis = market.valuation.value.basis;
    let mut customs_value = match basis {
        Known::Known(ValuationBasis::Cif) => {
            if freight.is_none() {
                findings.push_rule(Severity::Condition, "valuation.freight_missing", format!("{} values goods on a CIF basis, but the request declares no freight: the customs value below excludes it. Declare the international freight.", market.name), None, &market.valuation.provenance, vec![]);
            }
            if insurance.is_none() {
                findings.push_rule(Severity::Warning, "valuation.insurance_missing", "No insurance is declared; customs may add a notional insurance amount to the CIF value.".to_owned(), None, &market.valuation.provenance, vec![]);
            }
            goods
                .checked_add(freight.unwrap_or_default())
                .and_then(|v| v.checked_add(insurance.unwrap_or_default()))
                .unwrap_or(goods)
        }
        Known::Known(ValuationBasis::Fob) => goods,
        Known::Unknown => {
            findings.push_rule(Severity::Condition, "valuation.basis_unknown", format!("The valuation basis of {} (CIF or FOB) is not established; the customs value below is the goods value alone. Confirm the basis.", market.name), None, &market.valuation.provenance, vec![]);
            goods
        }
    };
    if let Some(landing) = market.valuation.value.landing_charge {
        let extra = landing.of(customs_value).unwrap_or_default();
        customs_value = customs_value.checked_add(extra).unwrap_or(customs_value);
    }
    let line_customs_values = allocate(customs_value, &line_values);
    // International freight and insurance as declared, shared by value: a base component of
    // their own for markets whose customs value excludes them but whose VAT includes them.
    let transport =
        freight.unwrap_or_default().checked_add(insurance.unwrap_or_default()).unwrap_or_default();
    let line_transport = allocate(transport, &line_values);

    let waived = de_minimis_waiver(market, customs_value, as_of, fx, findings);

    // results[levy][line]
    let mut results: Vec<Vec<LineAmount<'_>>> = Vec::with_capacity(market.levies.len());
    // Each charge with its kind and its rounded amount (kept as a number for the total).
    let mut charges: Vec<(LevyKind, Charge, Option<Decimal>)> =
        Vec::with_capacity(market.levies.len());
    let mut complete = true;
    let mut by_subdivision = Vec::new();
    for levy in &market.levies {
        let is_waived = match levy.kind {
            LevyKind::Duty => waived.0,
            LevyKind::Tax => waived.1,
            LevyKind::Fee => false,
        };
        let mut reported = false;
        let mut line_amounts: Vec<LineAmount<'_>> = if is_waived || !levy.provenance.in_force(as_of)
        {
            vec![LineAmount::NotApplicable; lines.len()]
        } else if levy.method == LevyMethod::Fixed {
            let (amounts, currency_reported) =
                fixed_levy(levy, shipment, lines, &line_customs_values, as_of, fx, findings);
            reported = currency_reported;
            amounts
        } else {
            let mut ranged = false;
            let mut rates = RateMemo::default();
            let amounts = lines
                .iter()
                .zip(line_customs_values.iter().zip(&line_values).zip(&line_transport))
                .map(|(line, ((customs, goods), transport))| {
                    let values =
                        LineValues { customs: *customs, goods: *goods, transport: *transport };
                    let (amount, varies) = percent_levy(
                        levy, &results, shipment, *line, values, as_of, pick, &mut rates,
                    );
                    ranged |= varies;
                    amount
                })
                .collect();
            if ranged {
                by_subdivision.push(levy.id.clone());
            }
            amounts
        };
        let total = sum_known(&line_amounts)
            .map(|total| limit(levy, total, &mut line_amounts, &line_customs_values, fx, findings));
        let unknown_lines: Vec<usize> = line_amounts
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, LineAmount::Unknown { .. }))
            .map(|(idx, _)| idx)
            .collect();
        if !unknown_lines.is_empty() {
            complete = false;
        }
        if !unknown_lines.is_empty() && !reported {
            let hs: Vec<String> = unknown_lines
                .iter()
                .filter_map(|&idx| lines.get(idx).and_then(|line| line.hs).map(HsCode::to_string))
                .collect();
            let which = if hs.is_empty() {
                String::new()
            } else {
                format!(" (HS {})", dedup(hs).join(", "))
            };
            findings.push_rule(
                Severity::Condition,
                "levy.rate_unknown",
                format!("{}: the amount cannot be computed for {} line{}{} because a rate or a part of its base is not established. Confirm the rate before quoting.", levy.name, unknown_lines.len(), plural(unknown_lines.len()), which),
                Some(&levy.id),
                &levy.provenance,
                unknown_lines,
            );
        }
        let confidence = levy_confidence(levy, &line_amounts);
        if confidence == Confidence::Low
            && total.is_some()
            && line_amounts.iter().any(|a| matches!(a, LineAmount::Amount { .. }))
        {
            let applicable: Vec<usize> = line_amounts
                .iter()
                .enumerate()
                .filter(|(_, a)| matches!(a, LineAmount::Amount { .. }))
                .map(|(idx, _)| idx)
                .collect();
            findings.push_rule(
                Severity::Warning,
                "kb.low_confidence",
                format!(
                    "{} rests on a low-confidence fact; confirm it before relying on the amount.",
                    levy.name
                ),
                Some(&levy.id),
                low_provenance(levy, &line_amounts),
                applicable,
            );
        }
        let applicable = line_amounts.iter().any(|a| !matches!(a, LineAmount::NotApplicable));
        if applicable {
            let rounded = total.map(|total| rounding.apply(total));
            charges.push((
                levy.kind,
                charge(levy, &line_amounts, rounded, rounding, confidence),
                rounded,
            ));
        }
        results.push(line_amounts);
    }

    let total = charges
        .iter()
        .filter_map(|(_, _, rounded)| *rounded)
        .fold(customs_value, |total, amount| total.checked_add(amount).unwrap_or(total));
    let (mut duties, mut taxes, mut fees) = (Vec::new(), Vec::new(), Vec::new());
    for (kind, charge, _) in charges {
        match kind {
            LevyKind::Duty => duties.push(charge),
            LevyKind::Tax => taxes.push(charge),
            LevyKind::Fee => fees.push(charge),
        }
    }

    let line_levies: Vec<Vec<LineLevy>> = (0..lines.len())
        .map(|line_idx| {
            market
                .levies
                .iter()
                .zip(&results)
                .filter_map(|(levy, amounts)| {
                    let amount = amounts.get(line_idx)?;
                    match amount {
                        LineAmount::NotApplicable => None,
                        LineAmount::Amount { rate, base, amount, .. } => Some(LineLevy {
                            rule: levy.id.clone(),
                            rate: *rate,
                            base: Some(*base),
                            amount: Some(*amount),
                        }),
                        LineAmount::Unknown { rate } => Some(LineLevy {
                            rule: levy.id.clone(),
                            rate: *rate,
                            base: None,
                            amount: None,
                        }),
                    }
                })
                .collect()
        })
        .collect();
    let line_duty: Vec<Option<Decimal>> = (0..lines.len())
        .map(|line_idx| {
            let mut duty = Decimal::ZERO;
            for (levy, amounts) in market.levies.iter().zip(&results) {
                if levy.kind == LevyKind::Duty {
                    duty = duty.checked_add(amounts.get(line_idx)?.amount()?)?;
                }
            }
            Some(duty)
        })
        .collect();

    let money = |amount: Decimal| rounding.apply(amount).to_string();
    let landed_cost = LandedCost {
        total_high: None,
        currency,
        valuation_basis: match basis {
            Known::Known(ValuationBasis::Cif) => crate::ValuationBasis::Cif,
            Known::Known(ValuationBasis::Fob) => crate::ValuationBasis::Fob,
            Known::Unknown => crate::ValuationBasis::Unknown,
        },
        goods_value: money(goods),
        freight: freight.map(money),
        insurance: insurance.map(money),
        customs_value: money(customs_value),
        duties,
        taxes,
        fees,
        total: money(total),
        exchange_rates: Vec::new(),
        complete,
        in_report_currency: None,
        duties_and_taxes_paid_by: payer(shipment.incoterm.seller_pays_import_duties()),
        freight_paid_by: payer(shipment.incoterm.seller_pays_main_carriage()),
        rounding: format!("each charge's shipment total rounded {}", rounding),
        vat_recovery: None,
    };
    LeviesResult {
        by_subdivision,
        landed_cost,
        line_customs_values,
        line_levies,
        line_duty,
        rounding,
    }
}

/// Puts the high end of a range into the low computation's landed cost: the charges and the
/// total of the computation with [`Pick::High`], where they differ.
pub(crate) fn merge_high(low: &mut LandedCost, high: &LandedCost) {
    let high_charges: Vec<&Charge> =
        high.duties.iter().chain(&high.taxes).chain(&high.fees).collect();
    for charge in low.duties.iter_mut().chain(low.taxes.iter_mut()).chain(low.fees.iter_mut()) {
        if let Some(other) = high_charges.iter().find(|c| c.rule == charge.rule) {
            if other.amount != charge.amount {
                charge.amount_high = other.amount.clone();
            }
            if other.rate != charge.rate {
                charge.rate_high = other.rate.clone();
            }
        }
    }
    if high.total != low.total {
        low.total_high = Some(high.total.clone());
    }
    low.complete &= high.complete;
}

/// Who pays, as the assessment says it.
pub(crate) fn payer(seller_pays: bool) -> Payer {
    if seller_pays { Payer::Seller } else { Payer::Buyer }
}

/// The values of one line that a levy's base may name.
#[derive(Clone, Copy)]
struct LineValues {
    /// Its share of the customs value.
    customs: Decimal,
    /// Its goods value (quantity × unit value).
    goods: Decimal,
    /// Its share of the declared international freight and insurance.
    transport: Decimal,
}

/// A percent or inclusive levy on one line.
/// A percent or inclusive levy on one line, and whether its rate depended on the destination's
/// subdivision, which the request does not give.
/// The rates one levy chose, by what the choice depends on within one shipment (the line's HS
/// code and origin): a large shipment repeats a few kinds of line, and the choice scans every
/// rate of the levy (the EU tariff has hundreds).
#[derive(Default)]
struct RateMemo<'k> {
    chosen: Vec<(RateKey, Option<(&'k LevyRate, bool)>)>,
}

/// What a levy's rate depends on within one shipment: the line's HS code and origin.
type RateKey = (Option<HsCode>, Country);

impl<'k> RateMemo<'k> {
    /// Past this many kinds of line, the memo stops growing (a lookup would cost more than a
    /// choice).
    const LIMIT: usize = 64;

    fn select(
        &mut self,
        levy: &'k Levy,
        line: LineView<'_>,
        subdivision: Option<&preclear_domain::Subdivision>,
        as_of: Date,
        pick: Pick,
    ) -> Option<(&'k LevyRate, bool)> {
        let origin = line.item.country_of_origin;
        if let Some((_, chosen)) = self
            .chosen
            .iter()
            .find(|((hs, country), _)| *country == origin && hs.as_ref() == line.hs)
        {
            return *chosen;
        }
        let chosen = select_rate(levy, line.hs, line.item, subdivision, as_of, pick);
        if self.chosen.len() < Self::LIMIT {
            self.chosen.push(((line.hs.cloned(), origin), chosen));
        }
        chosen
    }
}

#[expect(clippy::too_many_arguments, reason = "the levy's inputs, each needed, and its memo")]
fn percent_levy<'k>(
    levy: &'k Levy,
    earlier: &[Vec<LineAmount<'k>>],
    shipment: &Shipment,
    line: LineView<'_>,
    values: LineValues,
    as_of: Date,
    pick: Pick,
    rates: &mut RateMemo<'k>,
) -> (LineAmount<'k>, bool) {
    let line_idx = line.index;
    match applies(levy.when.as_ref(), levy.unless.as_ref(), shipment, line) {
        Tri::No => return (LineAmount::NotApplicable, false),
        Tri::Maybe(_) => return (LineAmount::Unknown { rate: None }, false),
        Tri::Yes => {}
    }
    let subdivision = shipment.destination_subdivision.as_ref();
    let Some((rate, varies)) = rates.select(levy, line, subdivision, as_of, pick) else {
        return (LineAmount::Unknown { rate: None }, false);
    };
    (percent_amount(levy, earlier, line_idx, values, rate), varies)
}

fn percent_amount<'k>(
    levy: &'k Levy,
    earlier: &[Vec<LineAmount<'k>>],
    line_idx: usize,
    values: LineValues,
    rate: &'k LevyRate,
) -> LineAmount<'k> {
    let RateValue::Percent(percent) = rate.value else {
        return LineAmount::Unknown { rate: None };
    };
    let mut base = Decimal::ZERO;
    for component in &levy.base {
        let part = match component {
            BaseComponent::CustomsValue => Some(values.customs),
            BaseComponent::GoodsValue => Some(values.goods),
            BaseComponent::FreightAndInsurance => Some(values.transport),
            BaseComponent::Levy(idx) => earlier
                .get(*idx)
                .and_then(|amounts| amounts.get(line_idx))
                .and_then(LineAmount::amount),
        };
        let Some(part) = part.and_then(|part| base.checked_add(part)) else {
            return LineAmount::Unknown { rate: Some(percent) };
        };
        base = part;
    }
    let amount = match levy.method {
        LevyMethod::Inclusive => {
            let fraction = percent.fraction();
            (Decimal::ONE - fraction)
                .is_sign_positive()
                .then(|| base.checked_mul(fraction)?.checked_div(Decimal::ONE - fraction))
                .flatten()
        }
        _ => percent.of(base),
    };
    match amount {
        Some(amount) => LineAmount::Amount { rate: Some(percent), base, amount, source: rate },
        None => LineAmount::Unknown { rate: Some(percent) },
    }
}

/// A fixed levy: one amount per shipment, spread over the lines it applies to by customs value.
/// Also says whether it already reported why the amount is unknown (a currency it cannot convert).
fn fixed_levy<'k>(
    levy: &'k Levy,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    customs_values: &[Decimal],
    as_of: Date,
    fx: &mut Converter<'_>,
    findings: &mut Findings,
) -> (Vec<LineAmount<'k>>, bool) {
    let applicability: Vec<Tri> = lines
        .iter()
        .map(|line| applies(levy.when.as_ref(), levy.unless.as_ref(), shipment, *line))
        .collect();
    if applicability.iter().all(|tri| *tri == Tri::No) {
        return (vec![LineAmount::NotApplicable; lines.len()], false);
    }
    let mut reported = false;
    // The rate for the request's subdivision, else the general one.
    let general = |rate: &&LevyRate| {
        rate.hs.is_none() && rate.origins.is_none() && rate.provenance.in_force(as_of)
    };
    let own = shipment.destination_subdivision.as_ref();
    let rate = levy
        .rates
        .iter()
        .filter(general)
        .rfind(|rate| {
            own.is_some_and(|own| rate.subdivisions.as_ref().is_some_and(|s| s.contains(own)))
        })
        .or_else(|| levy.rates.iter().filter(general).rfind(|rate| rate.subdivisions.is_none()));
    let customs_value = sum(customs_values.iter().copied());
    let amount = match rate.map(|rate| &rate.value) {
        Some(RateValue::Bands(bands)) => match band_amount(bands, customs_value, fx) {
            Some(amount) => Some(amount),
            None => {
                findings.push_rule(Severity::Condition, "levy.currency", format!("{} depends on the customs value by bands in {}; the request is in {} and preclear has no exchange rate between them for {as_of}, so this amount is not computed. Give `fx_rates` in the request.", levy.name, bands.first().map_or(shipment.currency, |b| b.amount.currency()), shipment.currency), Some(&levy.id), &levy.provenance, vec![]);
                reported = true;
                None
            }
        },
        Some(RateValue::PerCode { shipment: per_shipment, steps }) => {
            // Each distinct HS code among the lines it applies to is one "addition"; a line
            // without a code counts as its own.
            let mut codes = std::collections::BTreeSet::new();
            let mut uncoded = 0u32;
            for (line, tri) in lines.iter().zip(&applicability) {
                match (line.hs, tri) {
                    (_, Tri::No) => {}
                    (Some(code), _) => {
                        codes.insert(code.as_str());
                    }
                    (None, _) => uncoded += 1,
                }
            }
            let count = u32::try_from(codes.len()).unwrap_or(u32::MAX).saturating_add(uncoded);
            let total = per_code_total(per_shipment.amount(), steps, count);
            match fx
                .in_request_currency(preclear_domain::Money::new(total, per_shipment.currency()))
            {
                Some(amount) => Some(amount),
                None => {
                    findings.push_rule(Severity::Condition, "levy.currency", format!("{} is {total} {} for this shipment ({count} distinct HS codes); the request is in {} and preclear has no exchange rate between them for {as_of}, so this amount is not computed. Give `fx_rates` in the request.", levy.name, per_shipment.currency(), shipment.currency), Some(&levy.id), &levy.provenance, vec![]);
                    reported = true;
                    None
                }
            }
        }
        Some(RateValue::Amount(money)) => match fx.in_request_currency(*money) {
            Some(amount) => Some(amount),
            None => {
                findings.push_rule(Severity::Condition, "levy.currency", format!("{} is {} per shipment, in {}; the request is in {} and preclear has no exchange rate between them for {as_of}, so this amount (and any levy whose base includes it) is not computed. Give `fx_rates` in the request.", levy.name, money.amount(), money.currency(), shipment.currency), Some(&levy.id), &levy.provenance, vec![]);
                reported = true;
                None
            }
        },
        _ => None,
    };
    let (Some(amount), Some(rate)) = (amount, rate) else {
        let amounts = applicability
            .iter()
            .map(|tri| {
                if *tri == Tri::No {
                    LineAmount::NotApplicable
                } else {
                    LineAmount::Unknown { rate: None }
                }
            })
            .collect();
        return (amounts, reported);
    };
    // The amount is shared among the lines it may apply to, in proportion to their values.
    let weights: Vec<Decimal> = customs_values
        .iter()
        .zip(&applicability)
        .filter(|(_, tri)| **tri != Tri::No)
        .map(|(value, _)| *value)
        .collect();
    let mut parts = allocate(amount, &weights).into_iter();
    let amounts = applicability
        .iter()
        .zip(customs_values)
        .map(|(tri, value)| match tri {
            Tri::No => LineAmount::NotApplicable,
            Tri::Maybe(_) => {
                parts.next();
                LineAmount::Unknown { rate: None }
            }
            Tri::Yes => LineAmount::Amount {
                rate: None,
                base: *value,
                amount: parts.next().unwrap_or_default(),
                source: rate,
            },
        })
        .collect();
    (amounts, false)
}

/// A per-declaration amount plus, for each of `codes` distinct codes, the amount of the first
/// step that reaches it (the last step for every code beyond).
fn per_code_total(shipment: Decimal, steps: &[preclear_kb::CodeStep], codes: u32) -> Decimal {
    let mut total = shipment;
    for rank in 1..=codes {
        let step =
            steps.iter().find(|step| step.up_to.is_none_or(|to| rank <= to)).or(steps.last());
        if let Some(step) = step {
            total += step.amount.amount();
        }
    }
    total
}

/// The amount of the band the customs value (in the request's currency) falls in: each band's
/// upper limit and amount converted into the request's currency; `None` without a rate.
fn band_amount(
    bands: &[preclear_kb::Band],
    customs_value: Decimal,
    fx: &mut Converter<'_>,
) -> Option<Decimal> {
    for band in bands {
        match band.up_to {
            Some(limit) if customs_value > fx.in_request_currency(limit)? => continue,
            _ => return fx.in_request_currency(band.amount),
        }
    }
    None
}

/// The market's rounding mode, to the market currency's decimal places when the request is in
/// that currency, else to the request currency's minor units (amounts are in the request currency).
fn effective_rounding(market: &Market, currency: Currency) -> Rounding {
    let rounding = market.rounding.value;
    if currency == market.currency {
        rounding
    } else {
        Rounding { mode: rounding.mode, decimal_places: currency.minor_units() }
    }
}

/// The rate of a levy for a line: in force on `as_of`, matching the line's HS code and origin;
/// a rate for the line's origin (a preference, a surcharge) wins over a general one, and among
/// those the longest HS prefix wins — so a customs union's 0% for its own goods is not overridden
/// by a third-country rate on one tariff line.
///
/// A rate for some subdivisions of the destination (Brazil's ICMS by state) applies when the
/// request's `destination_subdivision` is one of them, and then wins over a general rate. When
/// the request gives none, the rates for subdivisions and the general rate of the same
/// specificity are all possible: `pick` takes the lowest or the highest, and the answer says the
/// rate varied (an unknown among them is unknown).
/// Reads of the item only its origin: [`RateMemo`] keys the choice by HS code and origin, and
/// must change with this function if it ever reads more.
fn select_rate<'k>(
    levy: &'k Levy,
    hs: Option<&HsCode>,
    item: &Item,
    subdivision: Option<&preclear_domain::Subdivision>,
    as_of: Date,
    pick: Pick,
) -> Option<(&'k LevyRate, bool)> {
    let candidates = levy
        .rates
        .iter()
        .filter(|rate| rate.provenance.in_force(as_of))
        .filter(|rate| {
            rate.origins.as_ref().is_none_or(|origins| origins.contains(&item.country_of_origin))
        })
        .filter(|rate| match (&rate.hs, hs) {
            (None, _) => true,
            (Some(prefix), Some(code)) => code.starts_with(prefix),
            (Some(_), None) => false,
        })
        .filter(|rate| match (&rate.subdivisions, subdivision) {
            (None, _) | (Some(_), None) => true,
            (Some(list), Some(own)) => list.contains(own),
        });
    // Most levies have no rate by subdivision: one pass, no allocation.
    if levy.rates.iter().all(|rate| rate.subdivisions.is_none()) {
        return candidates
            .max_by_key(|rate| {
                (rate.origins.is_some(), rate.hs.as_ref().map_or(0, |prefix| prefix.len()))
            })
            .map(|rate| (rate, false));
    }
    let key = |rate: &LevyRate| {
        (
            rate.origins.is_some(),
            rate.hs.as_ref().map_or(0, |prefix| prefix.len()),
            subdivision.is_some() && rate.subdivisions.is_some(),
        )
    };
    let best = candidates.clone().map(key).max()?;
    let tier: Vec<&LevyRate> = candidates.filter(|rate| key(rate) == best).collect();
    let varies = subdivision.is_none() && tier.iter().any(|rate| rate.subdivisions.is_some());
    if !varies {
        // Several rates of one tier only when the KB overlaps them; the last written wins.
        return tier.last().map(|rate| (*rate, false));
    }
    if let Some(unknown) = tier.iter().find(|rate| !matches!(rate.value, RateValue::Percent(_))) {
        return Some((*unknown, true));
    }
    let percent = |rate: &&&LevyRate| match rate.value {
        RateValue::Percent(percent) => percent,
        _ => Percent::ZERO,
    };
    let chosen = match pick {
        Pick::Low => tier.iter().min_by_key(percent),
        Pick::High => tier.iter().max_by_key(percent),
    };
    chosen.map(|rate| (*rate, true))
}

/// Applies the levy's per-shipment minimum and maximum, spreading any change over the lines.
fn limit(
    levy: &Levy,
    total: Decimal,
    amounts: &mut [LineAmount<'_>],
    customs_values: &[Decimal],
    fx: &mut Converter<'_>,
    findings: &mut Findings,
) -> Decimal {
    let mut limited = total;
    let banded = banded_maximum(levy, amounts, fx, findings);
    for (bound, is_min) in [(levy.minimum, true), (levy.maximum.or(banded), false)] {
        let Some(bound) = bound else { continue };
        let Some(bound_amount) = fx.in_request_currency(bound) else {
            findings.push_rule(Severity::Warning, "levy.limit_currency", format!("{}: its {} of {} is not applied because preclear has no exchange rate from {} to the request's currency for the assessment date. Give `fx_rates` in the request.", levy.name, if is_min { "minimum" } else { "maximum" }, bound, bound.currency()), Some(&levy.id), &levy.provenance, vec![]);
            continue;
        };
        if (is_min && limited < bound_amount) || (!is_min && limited > bound_amount) {
            limited = bound_amount;
        }
    }
    if limited != total {
        let applicable: Vec<usize> = amounts
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, LineAmount::Amount { .. }))
            .map(|(idx, _)| idx)
            .collect();
        let weights: Vec<Decimal> =
            applicable.iter().filter_map(|&idx| customs_values.get(idx).copied()).collect();
        for (&idx, part) in applicable.iter().zip(allocate(limited, &weights)) {
            if let Some(LineAmount::Amount { amount, .. }) = amounts.get_mut(idx) {
                *amount = part;
            }
        }
    }
    limited
}

/// The maximum of the band the levy's base falls in (the sum of its lines' bases), when the
/// levy has maxima by band; `None` without bands, or (with a warning) when a band's limit
/// cannot be converted into the request's currency.
fn banded_maximum(
    levy: &Levy,
    amounts: &[LineAmount<'_>],
    fx: &mut Converter<'_>,
    findings: &mut Findings,
) -> Option<Money> {
    if levy.maximum_bands.is_empty() {
        return None;
    }
    let base: Decimal = amounts
        .iter()
        .filter_map(|amount| match amount {
            LineAmount::Amount { base, .. } => Some(*base),
            _ => None,
        })
        .fold(Decimal::ZERO, |sum, base| sum.saturating_add(base));
    for band in &levy.maximum_bands {
        let Some(up_to) = band.up_to else { return Some(band.amount) };
        let Some(limit) = fx.in_request_currency(up_to) else {
            findings.push_rule(Severity::Warning, "levy.limit_currency", format!("{}: its maximum by band (a band up to {up_to}) is not applied because preclear has no exchange rate from {} to the request's currency for the assessment date. Give `fx_rates` in the request.", levy.name, up_to.currency()), Some(&levy.id), &levy.provenance, vec![]);
            return None;
        };
        if base <= limit {
            return Some(band.amount);
        }
    }
    None
}

/// Whether de minimis waives duty and tax: only when the KB knows the threshold in the request's
/// currency and the customs value does not exceed it.
fn de_minimis_waiver(
    market: &Market,
    customs_value: Decimal,
    as_of: Date,
    fx: &mut Converter<'_>,
    findings: &mut Findings,
) -> (bool, bool) {
    let Some(de_minimis) =
        market.de_minimis.as_ref().filter(|fact| fact.provenance.in_force(as_of))
    else {
        return (false, false);
    };
    let Known::Known(Some(threshold)) = de_minimis.value.value else { return (false, false) };
    // A customs value above the threshold converted at a reference rate waives nothing; one
    // below it may be above it at customs' own rate, which the converted finding says.
    let Some(threshold_amount) = fx.in_request_currency(threshold) else { return (false, false) };
    if customs_value > threshold_amount {
        return (false, false);
    }
    let waives = (de_minimis.value.waives_duty, de_minimis.value.waives_tax);
    if waives.0 || waives.1 {
        findings.push_rule(
            Severity::Info,
            "levy.de_minimis",
            format!(
                "The customs value does not exceed the de minimis threshold of {}: {} waived.",
                threshold,
                match waives {
                    (true, true) => "duty and tax",
                    (true, false) => "duty",
                    _ => "tax",
                }
            ),
            None,
            &de_minimis.provenance,
            vec![],
        );
    }
    waives
}

/// The charge of a levy; `rounded` is its shipment total, already rounded.
fn charge(
    levy: &Levy,
    amounts: &[LineAmount<'_>],
    rounded: Option<Decimal>,
    rounding: Rounding,
    confidence: Confidence,
) -> Charge {
    // The rate of every line the levy applies to, known amount or not.
    let mut rates = amounts.iter().filter_map(|a| match a {
        LineAmount::Amount { rate, .. } | LineAmount::Unknown { rate } => Some(*rate),
        LineAmount::NotApplicable => None,
    });
    let first = rates.next().flatten();
    let uniform = first.filter(|first| rates.all(|rate| rate == Some(*first)));
    let base = if levy.method == LevyMethod::Fixed {
        None
    } else {
        let bases: Option<Vec<Decimal>> = amounts
            .iter()
            .map(|a| match a {
                LineAmount::NotApplicable => Some(Decimal::ZERO),
                LineAmount::Amount { base, .. } => Some(*base),
                LineAmount::Unknown { .. } => None,
            })
            .collect();
        bases.map(|bases| rounding.apply(sum(bases.into_iter())).to_string())
    };
    Charge {
        rule: levy.id.to_string(),
        name: levy.name.clone(),
        rate: uniform.map(|rate| rate.to_string()),
        rate_high: None,
        base,
        amount: rounded.map(|rounded| rounded.to_string()),
        amount_high: None,
        source: levy.provenance.source().to_owned(),
        confidence,
    }
}

/// The lowest confidence among the levy and the rates it used (unknown if a line is unknown).
fn levy_confidence(levy: &Levy, amounts: &[LineAmount<'_>]) -> Confidence {
    let mut lowest = levy.provenance.confidence;
    for amount in amounts {
        let confidence = match amount {
            LineAmount::Amount { source, .. } => source.provenance.confidence,
            LineAmount::Unknown { .. } => Confidence::Unknown,
            LineAmount::NotApplicable => continue,
        };
        lowest = lowest.max(confidence);
    }
    lowest
}

/// The provenance of the first low-confidence fact a levy used (for the warning's source).
fn low_provenance<'k>(levy: &'k Levy, amounts: &[LineAmount<'k>]) -> &'k preclear_kb::Provenance {
    amounts
        .iter()
        .find_map(|amount| match amount {
            LineAmount::Amount { source, .. }
                if source.provenance.confidence == Confidence::Low =>
            {
                Some(&source.provenance)
            }
            _ => None,
        })
        .unwrap_or(&levy.provenance)
}

fn sum_known(amounts: &[LineAmount<'_>]) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    for amount in amounts {
        total = total.checked_add(amount.amount()?)?;
    }
    Some(total)
}

fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, |acc, value| acc.checked_add(value).unwrap_or(acc))
}

/// Splits `total` in proportion to `weights` (equally when they sum to zero), so that the parts
/// add up to `total` exactly: the last part takes what division leaves over, and a cascade summed
/// over lines then loses nothing to the digits a division cannot represent (which matters when a
/// market rounds down).
fn allocate(total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let whole = sum(weights.iter().copied());
    let mut parts: Vec<Decimal> =
        weights.iter().map(|weight| share(total, *weight, whole, weights.len())).collect();
    if let Some((last, others)) = parts.split_last_mut() {
        let allocated = sum(others.iter().copied());
        *last = total.checked_sub(allocated).unwrap_or(*last);
    }
    parts
}

/// `total × part / whole`, or an equal split when `whole` is zero.
fn share(total: Decimal, part: Decimal, whole: Decimal, n: usize) -> Decimal {
    if whole.is_zero() {
        return total.checked_div(Decimal::from(n.max(1))).unwrap_or_default();
    }
    total.checked_mul(part).and_then(|product| product.checked_div(whole)).unwrap_or_else(|| {
        // Very large values: divide first (loses only digits beyond decimal precision).
        total.checked_div(whole).and_then(|ratio| ratio.checked_mul(part)).unwrap_or_default()
    })
}

fn dedup(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    values
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
