//! Grades and valuation by a stated method. Customs needs a defensible value for used goods
//! (the transaction value where there is a sale; otherwise a value built by a method that can be
//! explained), so every valuation names its method, its parameters and its basis, and is
//! reproducible from them.
//!
//! Methods:
//! - **straight-line depreciation** from the purchase value over N years, with a floor
//!   (percent of the purchase value), times the grade's factor;
//! - **a market-price table** by model and grade, each row with its source and date;
//! - **a residual percentage** of the purchase value, times the grade's factor.
//!
//! Money is `Decimal`, rounded half away from zero to the currency's two decimals at the end.

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// A grade, with the criteria it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    /// Fully functional, cosmetically as new.
    A,
    /// Fully functional, light wear.
    B,
    /// Functional after part replacement, or visible wear.
    C,
    /// Not economically repairable: parts or recycling.
    Scrap,
}

impl Grade {
    /// Parses `A`, `B`, `C` or `scrap` (any case).
    pub fn parse(text: &str) -> Option<Grade> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a" => Some(Grade::A),
            "b" => Some(Grade::B),
            "c" => Some(Grade::C),
            "scrap" => Some(Grade::Scrap),
            _ => None,
        }
    }

    /// `A`, `B`, `C`, `scrap`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::Scrap => "scrap",
        }
    }

    /// The criteria the grade stands for.
    pub fn criteria(self) -> &'static str {
        match self {
            Grade::A => {
                "passes every functional test (POST, memory, storage, network, power supplies); no cosmetic damage; all original parts"
            }
            Grade::B => {
                "passes every functional test; light cosmetic wear (scratches, scuffs); parts replaced like for like"
            }
            Grade::C => {
                "passes every functional test after parts are replaced; visible wear or missing non-functional parts (bezel, rails)"
            }
            Grade::Scrap => {
                "fails a functional test and is not economically repairable: harvested for parts or recycled as e-waste"
            }
        }
    }

    /// The share of the depreciated value a grade keeps (the provider's stated factors).
    pub fn factor(self) -> Decimal {
        match self {
            Grade::A => Decimal::ONE,
            Grade::B => Decimal::new(85, 2),
            Grade::C => Decimal::new(60, 2),
            Grade::Scrap => Decimal::ZERO,
        }
    }
}

/// What an asset was bought for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// The value.
    pub value: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// When.
    pub date: Date,
}

/// A row of a market-price table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPrice {
    /// The model (`R740`).
    pub model: String,
    /// The grade.
    pub grade: Grade,
    /// The price.
    pub value: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Where the price comes from (a broker's quote, a marketplace's average).
    pub source: String,
    /// When it was taken.
    pub as_of: Date,
}

/// A valuation method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// Straight-line depreciation of the purchase value over `years`, not below `floor_percent`
    /// of it, times the grade's factor.
    StraightLine {
        /// Years to depreciate over.
        years: u32,
        /// The floor, percent of the purchase value.
        floor_percent: Decimal,
    },
    /// The table's price for the model and grade.
    MarketTable {
        /// The rows.
        prices: Vec<MarketPrice>,
    },
    /// `percent` of the purchase value, times the grade's factor.
    Residual {
        /// Percent of the purchase value.
        percent: Decimal,
    },
}

/// A valuation: the amount and everything needed to explain and reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Valuation {
    /// The value.
    pub value: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// The grade it was made for.
    pub grade: Grade,
    /// The method and its parameters, in words (what the invoice's valuation note says).
    pub method: String,
    /// The basis: the purchase value and date, or the table row and its source.
    pub basis: String,
    /// The day it was made for.
    pub on: Date,
}

fn money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Whole months from `from` to `to` (0 when `to` is not later).
fn months_between(from: Date, to: Date) -> i64 {
    if to <= from {
        return 0;
    }
    let mut months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month() - from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months.max(0)
}

/// Values an asset of `model` in `grade` on `on` by `method`.
pub fn value(
    model: &str,
    purchase: Option<&Purchase>,
    grade: Grade,
    method: &Method,
    on: Date,
) -> Result<Valuation, String> {
    let need_purchase = || {
        purchase.ok_or_else(|| {
            "the purchase value and date are not recorded: use a market-price table, or record them".to_owned()
        })
    };
    match method {
        Method::StraightLine { years, floor_percent } => {
            let purchase = need_purchase()?;
            if *years == 0 || *floor_percent < Decimal::ZERO || *floor_percent > Decimal::from(100)
            {
                return Err(
                    "straight-line needs years > 0 and a floor between 0 and 100%".to_owned()
                );
            }
            let months = months_between(purchase.date, on);
            let life = i64::from(*years) * 12;
            let used = Decimal::from(months.min(life)) / Decimal::from(life);
            let hundred = Decimal::from(100);
            let remaining = (Decimal::ONE - used).max(*floor_percent / hundred);
            let value = money(purchase.value * remaining * grade.factor());
            Ok(Valuation {
                value,
                currency: purchase.currency.clone(),
                grade,
                method: format!(
                    "straight-line depreciation over {years} years, floor {floor_percent}% of the purchase value, times grade {} factor {}",
                    grade.as_str(),
                    grade.factor()
                ),
                basis: format!(
                    "purchased {} for {} {}; {months} months in service; {}% of the purchase value remains",
                    purchase.date,
                    purchase.value,
                    purchase.currency,
                    money(remaining * hundred)
                ),
                on,
            })
        }
        Method::MarketTable { prices } => {
            let row = prices
                .iter()
                .filter(|p| p.model.eq_ignore_ascii_case(model.trim()) && p.grade == grade && p.as_of <= on)
                .max_by_key(|p| p.as_of)
                .ok_or_else(|| format!("the market-price table has no price for {model} in grade {} on or before {on}", grade.as_str()))?;
            Ok(Valuation {
                value: money(row.value),
                currency: row.currency.clone(),
                grade,
                method: "market-price table by model and grade".to_owned(),
                basis: format!(
                    "{} grade {}: {} {} ({}, {})",
                    row.model,
                    grade.as_str(),
                    row.value,
                    row.currency,
                    row.source,
                    row.as_of
                ),
                on,
            })
        }
        Method::Residual { percent } => {
            let purchase = need_purchase()?;
            if *percent < Decimal::ZERO || *percent > Decimal::from(100) {
                return Err("the residual percentage must be between 0 and 100".to_owned());
            }
            let value = money(purchase.value * *percent / Decimal::from(100) * grade.factor());
            Ok(Valuation {
                value,
                currency: purchase.currency.clone(),
                grade,
                method: format!(
                    "residual {percent}% of the purchase value, times grade {} factor {}",
                    grade.as_str(),
                    grade.factor()
                ),
                basis: format!(
                    "purchased {} for {} {}",
                    purchase.date, purchase.value, purchase.currency
                ),
                on,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn bought() -> Purchase {
        Purchase { value: Decimal::from(12_000), currency: "USD".into(), date: day("2022-06-15") }
    }

    #[test]
    fn straight_line_depreciates_by_whole_months_to_its_floor_and_by_grade() {
        let method = Method::StraightLine { years: 5, floor_percent: Decimal::from(10) };
        // 2022-06-15 to 2026-12-08: 53 whole months of 60: 7/60 remains, 1,400.00; grade B 85%.
        let v = value("R740", Some(&bought()), Grade::B, &method, day("2026-12-08")).unwrap();
        assert_eq!(v.value, Decimal::from(1190));
        assert!(v.basis.contains("53 months in service"), "{}", v.basis);
        assert!(v.method.contains("over 5 years, floor 10%"), "{}", v.method);
        // Past its life the floor holds: 10% of 12,000.
        let late = value("R740", Some(&bought()), Grade::A, &method, day("2030-01-01")).unwrap();
        assert_eq!(late.value, Decimal::from(1200));
        let scrap =
            value("R740", Some(&bought()), Grade::Scrap, &method, day("2026-12-08")).unwrap();
        assert_eq!(scrap.value, Decimal::ZERO);
    }

    #[test]
    fn a_market_table_takes_the_latest_price_for_the_model_and_grade() {
        let price = |grade, value: i64, as_of: &str| MarketPrice {
            model: "R740".into(),
            grade,
            value: Decimal::from(value),
            currency: "EUR".into(),
            source: "broker quote".into(),
            as_of: day(as_of),
        };
        let method = Method::MarketTable {
            prices: vec![
                price(Grade::A, 2100, "2026-09-01"),
                price(Grade::A, 1900, "2026-11-01"),
                price(Grade::B, 1500, "2026-11-01"),
            ],
        };
        let v = value("r740", None, Grade::A, &method, day("2026-12-08")).unwrap();
        assert_eq!((v.value, v.currency.as_str()), (Decimal::from(1900), "EUR"));
        assert!(v.basis.contains("broker quote, 2026-11-01"));
        let before = value("R740", None, Grade::A, &method, day("2026-10-01")).unwrap();
        assert_eq!(before.value, Decimal::from(2100), "the price known on the day");
        assert!(
            value("R640", None, Grade::A, &method, day("2026-12-08"))
                .unwrap_err()
                .contains("no price for R640")
        );
    }

    #[test]
    fn residual_needs_the_purchase_and_a_percentage() {
        let method = Method::Residual { percent: Decimal::new(225, 1) };
        let v = value("R740", Some(&bought()), Grade::C, &method, day("2026-12-08")).unwrap();
        // 12,000 × 22.5% × 0.60 = 1,620.00.
        assert_eq!(v.value, Decimal::from(1620));
        assert!(
            value("R740", None, Grade::C, &method, day("2026-12-08"))
                .unwrap_err()
                .contains("purchase value")
        );
        let bad = Method::Residual { percent: Decimal::from(150) };
        assert!(value("R740", Some(&bought()), Grade::C, &bad, day("2026-12-08")).is_err());
    }
}
