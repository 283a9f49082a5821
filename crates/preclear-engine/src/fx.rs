//! Amounts the KB states in another currency than the request's — fixed fees, a levy's
//! per-shipment minimum and maximum, a de minimis threshold — converted into the request's
//! currency instead of being left unknown.
//!
//! The rate comes from the request's own `fx_rates` when it gives one (they win), else from the
//! KB's tables (`preclear_fx::Rates::rate`: the ECB's reference rate of the assessment date, or
//! HMRC's monthly customs rate). Every rate used is recorded once in the landed cost with its
//! source and date, and said in a finding: customs convert at their own official rate, so a
//! reference rate makes the amount an estimate; a rate older than the assessment date says by
//! how much.

use std::collections::BTreeMap;

use preclear_domain::{Currency, Date, Money, Shipment};
use preclear_fx::{ECB_FRESH_DAYS, RATE_DECIMALS, Rate, RateSource, Rates};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::findings::Findings;
use crate::output::{ExchangeRate, Severity};

/// Converts into the request's currency and remembers what it used.
pub(crate) struct Converter<'a> {
    rates: &'a Rates,
    request: &'a BTreeMap<Currency, Decimal>,
    to: Currency,
    on: Date,
    used: BTreeMap<Currency, Rate>,
}

impl<'a> Converter<'a> {
    pub(crate) fn new(rates: &'a Rates, shipment: &'a Shipment, on: Date) -> Converter<'a> {
        Converter {
            rates,
            request: &shipment.fx_rates,
            to: shipment.currency,
            on,
            used: BTreeMap::new(),
        }
    }

    /// `money` in the request's currency, or `None` when no rate is known.
    pub(crate) fn in_request_currency(&mut self, money: Money) -> Option<Decimal> {
        let from = money.currency();
        if from == self.to {
            return Some(money.amount());
        }
        let rate = match self.used.get(&from) {
            Some(rate) => *rate,
            None => {
                let rate = match self.request.get(&from) {
                    // The request gives units of `from` per unit of its own currency.
                    Some(per_request) => Rate {
                        from,
                        to: self.to,
                        rate: Decimal::ONE
                            .checked_div(*per_request)?
                            .round_dp_with_strategy(
                                RATE_DECIMALS,
                                RoundingStrategy::MidpointAwayFromZero,
                            )
                            .normalize(),
                        published: self.on,
                        source: RateSource::Request,
                        age_days: 0,
                    },
                    None => self.rates.rate(from, self.to, self.on)?,
                };
                self.used.insert(from, rate);
                rate
            }
        };
        rate.convert(money.amount())
    }

    /// The rate from the request's currency to `report` (a second currency to show the landed
    /// cost in): the request's own `fx_rates` when they give it, else the KB's tables.
    pub(crate) fn report_rate(&self, report: Currency) -> Option<Rate> {
        let rate = match self.request.get(&report) {
            Some(per_request) => Rate {
                from: self.to,
                to: report,
                rate: *per_request,
                published: self.on,
                source: RateSource::Request,
                age_days: 0,
            },
            None => self.rates.rate(self.to, report, self.on)?,
        };
        Some(rate)
    }

    /// Takes the rates `other` used as used here too (the same rule on the same date gives
    /// the same rate, so one list says every rate an assessment used).
    pub(crate) fn absorb(&mut self, other: &Converter<'_>) {
        for (currency, rate) in &other.used {
            self.used.entry(*currency).or_insert(*rate);
        }
    }

    /// The rates used, each said in a finding.
    pub(crate) fn finish(self, findings: &mut Findings) -> Vec<ExchangeRate> {
        self.used
            .into_values()
            .map(|rate| {
                let what = format!(
                    "1 {} = {} {} ({} of {})",
                    rate.from,
                    rate.rate,
                    rate.to,
                    rate.source.title(),
                    rate.published
                );
                let message = match rate.source {
                    RateSource::Request => format!("Amounts in {} were converted at the request's own rate: {what}.", rate.from),
                    _ => format!("Amounts in {} were converted at a reference rate: {what}. Customs convert at their own official rate for the day of the declaration, so these amounts are estimates; give `fx_rates` in the request to use your own.", rate.from),
                };
                findings.push(Severity::Info, "fx.converted", message, vec![]);
                let stale = match rate.source {
                    RateSource::Ecb => rate.age_days > ECB_FRESH_DAYS,
                    RateSource::Hmrc => rate.age_days > 0,
                    RateSource::Request => false,
                };
                if stale {
                    findings.push(
                        Severity::Warning,
                        "fx.rate_stale",
                        format!(
                            "The newest rate preclear has from {} to {} is of {}, {} days before the assessment date {}: update the KB's exchange rates (fx/) or give `fx_rates` in the request.",
                            rate.from, rate.to, rate.published, rate.age_days, self.on
                        ),
                        vec![],
                    );
                }
                exchange_rate(&rate)
            })
            .collect()
    }
}

/// A rate as the assessment states it.
pub(crate) fn exchange_rate(rate: &Rate) -> ExchangeRate {
    ExchangeRate {
        from: rate.from,
        to: rate.to,
        rate: rate.rate.to_string(),
        published: rate.published.to_string(),
        source: match rate.source {
            preclear_fx::RateSource::Ecb => crate::RateSource::Ecb,
            preclear_fx::RateSource::Hmrc => crate::RateSource::Hmrc,
            preclear_fx::RateSource::Request => crate::RateSource::Request,
        },
        age_days: rate.age_days,
    }
}
