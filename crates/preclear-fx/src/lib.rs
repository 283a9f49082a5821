//! Exchange rates, dated and sourced.
//!
//! Two published series, read from the KB's `fx/` directory (so a rate table is deployed,
//! versioned and replayed with the KB that carries it):
//!
//! - the ECB's **euro foreign exchange reference rates** (`fx/ecb-daily.csv`: one row per
//!   business day, units of each currency per euro), for the currencies the ECB quotes;
//! - HMRC's **monthly exchange rates for customs and VAT** (`fx/hmrc-monthly.csv`: one rate per
//!   currency and month, units per pound sterling), which cover every currency.
//!
//! [`Rates::rate`] answers the rate from one currency to another on a date with its source and
//! the date it was published for, by one rule: the ECB's rate of the latest business day on or
//! before the date when both currencies are quoted by the ECB and that day is at most
//! [`ECB_FRESH_DAYS`] before the date; otherwise HMRC's rate of the date's month; otherwise the
//! most recent of the two, with its age, so that a caller can say how old it is. A cross rate is
//! computed from the series' base (`to` per base ÷ `from` per base) and rounded once to
//! [`RATE_DECIMALS`] decimal places, never looked up twice. Everything is exact (`Decimal`).

use std::collections::BTreeMap;

use preclear_domain::{Currency, Date};
use rust_decimal::{Decimal, RoundingStrategy};

/// The decimal places a cross rate is rounded to.
pub const RATE_DECIMALS: u32 = 10;
/// How many days an ECB rate may be older than the date it is used for before HMRC's monthly
/// rate is preferred (a weekend and a holiday stay within it).
pub const ECB_FRESH_DAYS: i32 = 7;

/// Where a rate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RateSource {
    /// The ECB's euro reference rates.
    Ecb,
    /// HMRC's monthly customs and VAT rates.
    Hmrc,
    /// The request's own rates (`fx_rates`).
    Request,
}

impl RateSource {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RateSource::Ecb => "ecb",
            RateSource::Hmrc => "hmrc",
            RateSource::Request => "request",
        }
    }

    /// The source's name for people.
    pub fn title(self) -> &'static str {
        match self {
            RateSource::Ecb => "ECB euro foreign exchange reference rate",
            RateSource::Hmrc => "HMRC monthly exchange rate for customs and VAT",
            RateSource::Request => "the request's own rate (fx_rates)",
        }
    }
}

/// A rate from one currency to another, as used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// The currency converted from.
    pub from: Currency,
    /// The currency converted to.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    pub rate: Decimal,
    /// The day the rate was published for (for a monthly rate, the month's first day).
    pub published: Date,
    /// Where it comes from.
    pub source: RateSource,
    /// How many days `published` (for a monthly rate: the end of its month) is before the date
    /// it was asked for; 0 when it is that day's or that month's rate.
    pub age_days: i32,
}

impl Rate {
    /// `amount` in `from`, converted to `to` (not rounded: the caller rounds as its currency
    /// says).
    pub fn convert(&self, amount: Decimal) -> Option<Decimal> {
        amount.checked_mul(self.rate)
    }
}

/// One problem in a rate file: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxError {
    /// The file (`fx/ecb-daily.csv`).
    pub file: &'static str,
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The path of the ECB series in a KB.
pub const ECB_FILE: &str = "fx/ecb-daily.csv";
/// The path of the HMRC series in a KB.
pub const HMRC_FILE: &str = "fx/hmrc-monthly.csv";

/// The rate tables. Empty when the KB carries none: every conversion is then unknown.
#[derive(Debug, Clone, Default)]
pub struct Rates {
    /// The ECB's currencies, in column order (`None` for a retired one, such as BGN since the
    /// euro).
    ecb_currencies: Vec<Option<Currency>>,
    /// The ECB file's text: its rows are read when a rate is asked for (a process that
    /// converts once reads one row, not the 7,000 of the series).
    ecb_text: std::sync::Arc<str>,
    /// Business day → where its row's cells (after the date) are in `ecb_text`.
    ecb: BTreeMap<Date, std::ops::Range<usize>>,
    /// First day of the month → currency → units per pound.
    hmrc: BTreeMap<Date, BTreeMap<Currency, Decimal>>,
}

/// How much of the ECB file is checked on reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Every cell of every row.
    Every,
    /// The header and the dates (the cells are read when a rate is asked for).
    Dates,
}

/// The ECB's base currency.
const EURO: &str = "EUR";
/// HMRC's base currency.
const POUND: &str = "GBP";

/// A currency code of a rate file: a current ISO 4217 currency, or `None` for a code that is
/// well formed but no longer current (BGN, HRK, VEF…: the series carry their history, no request
/// can be in them); an error for anything else.
fn currency_or_retired(code: &str) -> Result<Option<Currency>, String> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("`{code}` is not a three-letter upper-case currency code"));
    }
    Ok(Currency::parse(code).ok())
}

fn positive(text: &str) -> Option<Decimal> {
    preclear_domain::parse_decimal(text).ok().filter(|d| *d > Decimal::ZERO)
}

impl Rates {
    /// Reads the two series; either may be absent. Every problem is reported with its line:
    /// every cell of every row is checked.
    pub fn parse(ecb: Option<&str>, hmrc: Option<&str>) -> Result<Rates, Vec<FxError>> {
        Rates::read(ecb, hmrc, Check::Every)
    }

    /// [`Rates::parse`] for tables already checked (the bundled KB's, whose test checks them):
    /// the ECB rows are indexed by date, and their cells are read only when a rate is asked for.
    pub fn parse_checked(ecb: Option<&str>, hmrc: Option<&str>) -> Result<Rates, Vec<FxError>> {
        Rates::read(ecb, hmrc, Check::Dates)
    }

    fn read(ecb: Option<&str>, hmrc: Option<&str>, check: Check) -> Result<Rates, Vec<FxError>> {
        let mut errors = Vec::new();
        let mut rates = Rates::default();
        if let Some(text) = ecb {
            rates.parse_ecb(text, check, &mut errors);
        }
        if let Some(text) = hmrc {
            rates.parse_hmrc(text, &mut errors);
        }
        if errors.is_empty() { Ok(rates) } else { Err(errors) }
    }

    fn parse_ecb(&mut self, text: &str, check: Check, errors: &mut Vec<FxError>) {
        let error = |line, message: String| FxError { file: ECB_FILE, line, message };
        self.ecb_text = std::sync::Arc::from(text);
        let base = text.as_ptr() as usize;
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            errors.push(error(1, "the file is empty; expected a header `Date,USD,JPY,…`".into()));
            return;
        };
        let mut columns = header.split(',');
        if columns.next() != Some("Date") {
            errors.push(error(1, "the header must start with `Date`".into()));
            return;
        }
        for code in columns {
            match currency_or_retired(code) {
                Ok(currency) => self.ecb_currencies.push(currency),
                Err(e) => errors.push(error(1, e)),
            }
        }
        for (idx, line) in lines {
            let (first, rest) = line.split_once(',').unwrap_or((line, ""));
            let Ok(date) = first.parse::<Date>() else {
                errors.push(error(idx + 1, "expected a date YYYY-MM-DD first".into()));
                continue;
            };
            // Where the cells are: `rest` is a slice of `text`.
            let start = rest.as_ptr() as usize - base;
            let cells_range = start..start + rest.len();
            if check == Check::Dates {
                if self.ecb.insert(date, cells_range).is_some() {
                    errors.push(error(idx + 1, format!("{date} appears twice")));
                }
                continue;
            }
            let values: Vec<Option<Decimal>> = rest
                .split(',')
                .map(
                    |cell| {
                        if cell.is_empty() {
                            Ok(None)
                        } else {
                            positive(cell).map(Some).ok_or(cell)
                        }
                    },
                )
                .collect::<Result<_, _>>()
                .unwrap_or_else(|cell| {
                    errors.push(error(idx + 1, format!("`{cell}` is not a positive decimal rate")));
                    Vec::new()
                });
            if values.len() != self.ecb_currencies.len() {
                if !values.is_empty() {
                    errors.push(error(
                        idx + 1,
                        format!(
                            "{} rates for {} currencies",
                            values.len(),
                            self.ecb_currencies.len()
                        ),
                    ));
                }
                continue;
            }
            if self.ecb.insert(date, cells_range).is_some() {
                errors.push(error(idx + 1, format!("{date} appears twice")));
            }
        }
    }

    fn parse_hmrc(&mut self, text: &str, errors: &mut Vec<FxError>) {
        let error = |line, message: String| FxError { file: HMRC_FILE, line, message };
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, h)| h) != Some("month,currency,units_per_gbp") {
            errors.push(error(1, "the header must be `month,currency,units_per_gbp`".into()));
            return;
        }
        for (idx, line) in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let [month, code, value] = cells[..] else {
                errors.push(error(
                    idx + 1,
                    "expected three cells: month,currency,units_per_gbp".into(),
                ));
                continue;
            };
            let Ok(first) = format!("{month}-01").parse::<Date>() else {
                errors.push(error(idx + 1, format!("`{month}` is not a month YYYY-MM")));
                continue;
            };
            let currency = match currency_or_retired(code) {
                Ok(Some(currency)) => currency,
                Ok(None) => continue,
                Err(e) => {
                    errors.push(error(idx + 1, e));
                    continue;
                }
            };
            let Some(rate) = positive(value) else {
                errors.push(error(idx + 1, format!("`{value}` is not a positive decimal rate")));
                continue;
            };
            if self.hmrc.entry(first).or_default().insert(currency, rate).is_some() {
                errors.push(error(idx + 1, format!("{code} appears twice in {month}")));
            }
        }
    }

    /// Whether the tables hold no rate at all.
    pub fn is_empty(&self) -> bool {
        self.ecb.is_empty() && self.hmrc.is_empty()
    }

    /// The last ECB business day and the last HMRC month the tables hold.
    pub fn coverage(&self) -> (Option<Date>, Option<Date>) {
        (self.ecb.keys().next_back().copied(), self.hmrc.keys().next_back().copied())
    }

    /// The rate from `from` to `to` for `on`, by the rule of the crate's documentation; `None`
    /// when no table quotes both currencies on or before `on`. The same currency is 1.
    pub fn rate(&self, from: Currency, to: Currency, on: Date) -> Option<Rate> {
        if from == to {
            return Some(Rate {
                from,
                to,
                rate: Decimal::ONE,
                published: on,
                source: RateSource::Ecb,
                age_days: 0,
            });
        }
        let ecb = self.ecb_rate(from, to, on);
        if let Some(rate) = ecb.filter(|r| r.age_days <= ECB_FRESH_DAYS) {
            return Some(rate);
        }
        let hmrc = self.hmrc_rate(from, to, on);
        match (ecb, hmrc) {
            (_, Some(rate)) if rate.age_days == 0 => Some(rate),
            (Some(e), Some(h)) => Some(if e.age_days <= h.age_days { e } else { h }),
            (e, h) => e.or(h),
        }
    }

    fn ecb_rate(&self, from: Currency, to: Currency, on: Date) -> Option<Rate> {
        let column =
            |currency: Currency| self.ecb_currencies.iter().position(|c| *c == Some(currency));
        let (from_col, to_col) = (
            if from.as_str() == EURO { None } else { Some(column(from)?) },
            if to.as_str() == EURO { None } else { Some(column(to)?) },
        );
        // One cell of a row, read when asked for (an empty cell: the ECB gave no rate).
        let per_euro = |cells: &str, col: Option<usize>| match col {
            None => Some(Decimal::ONE),
            Some(col) => cells.split(',').nth(col).and_then(positive),
        };
        self.ecb.range(..=on).rev().find_map(|(day, range)| {
            let cells = self.ecb_text.get(range.clone())?;
            let (f, t) = (per_euro(cells, from_col)?, per_euro(cells, to_col)?);
            Some(Rate {
                from,
                to,
                rate: cross(t, f)?,
                published: *day,
                source: RateSource::Ecb,
                age_days: days_between(*day, on),
            })
        })
    }

    fn hmrc_rate(&self, from: Currency, to: Currency, on: Date) -> Option<Rate> {
        let per_pound = |table: &BTreeMap<Currency, Decimal>, c: Currency| {
            if c.as_str() == POUND { Some(Decimal::ONE) } else { table.get(&c).copied() }
        };
        self.hmrc.range(..=on).rev().find_map(|(first, table)| {
            let (f, t) = (per_pound(table, from)?, per_pound(table, to)?);
            let last = first.last_of_month();
            let age = if on <= last { 0 } else { days_between(last, on) };
            Some(Rate {
                from,
                to,
                rate: cross(t, f)?,
                published: *first,
                source: RateSource::Hmrc,
                age_days: age,
            })
        })
    }
}

/// `to` per base ÷ `from` per base, rounded once.
fn cross(to_per_base: Decimal, from_per_base: Decimal) -> Option<Decimal> {
    to_per_base.checked_div(from_per_base).map(|r| {
        r.round_dp_with_strategy(RATE_DECIMALS, RoundingStrategy::MidpointAwayFromZero).normalize()
    })
}

fn days_between(earlier: Date, later: Date) -> i32 {
    earlier.until(later).ok().map_or(0, |span| span.get_days())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    const ECB: &str =
        "Date,USD,JPY,BRL\n2026-10-29,1.1200,175.00,6.0000\n2026-10-30,1.1172,175.68,6.0692\n";
    const HMRC: &str = "month,currency,units_per_gbp\n2026-10,USD,1.3300\n2026-10,EUR,1.1900\n2026-10,VND,34500.00\n2026-11,USD,1.3396\n2026-11,EUR,1.1930\n2026-11,VND,34642.9942\n";

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }
    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }
    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn rates() -> Rates {
        Rates::parse(Some(ECB), Some(HMRC)).unwrap()
    }

    #[test]
    fn checked_tables_read_their_rows_when_asked_and_answer_alike() {
        let lazy = Rates::parse_checked(Some(ECB), Some(HMRC)).unwrap();
        let full = rates();
        for (from, to) in [("EUR", "USD"), ("BRL", "JPY"), ("USD", "GBP")] {
            for day in ["2026-10-29", "2026-10-30", "2026-11-03", "2026-12-20"] {
                assert_eq!(lazy.rate(c(from), c(to), d(day)), full.rate(c(from), c(to), d(day)));
            }
        }
        // A bad cell is not checked on reading; asked for, it is no rate, never a panic or a 0.
        let bad = Rates::parse_checked(Some("Date,USD\n2026-10-30,abc\n"), None).unwrap();
        assert!(bad.rate(c("EUR"), c("USD"), d("2026-10-30")).is_none());
        assert!(Rates::parse(Some("Date,USD\n2026-10-30,abc\n"), None).is_err());
    }

    #[test]
    fn an_ecb_rate_of_the_day_or_the_last_business_day_before() {
        let r = rates().rate(c("EUR"), c("USD"), d("2026-10-30")).unwrap();
        assert_eq!(
            (r.rate, r.source, r.published, r.age_days),
            (dec("1.1172"), RateSource::Ecb, d("2026-10-30"), 0)
        );
        let r = rates().rate(c("USD"), c("EUR"), d("2026-11-01")).unwrap();
        assert_eq!(r.rate, dec("0.8950948801"), "1 / 1.1172, rounded to 10 places");
        assert_eq!((r.published, r.age_days), (d("2026-10-30"), 2), "a Sunday takes Friday's rate");
    }

    #[test]
    fn a_cross_rate_is_computed_from_the_base_once() {
        let r = rates().rate(c("USD"), c("BRL"), d("2026-10-30")).unwrap();
        assert_eq!(r.rate, dec("5.4325098460"), "6.0692 / 1.1172");
        let back = rates().rate(c("BRL"), c("USD"), d("2026-10-30")).unwrap();
        assert_eq!(back.rate, dec("0.1840769788"), "1.1172 / 6.0692, to 10 places");
    }

    #[test]
    fn hmrc_covers_what_the_ecb_does_not_and_what_is_too_old() {
        // VND is not quoted by the ECB.
        let r = rates().rate(c("USD"), c("VND"), d("2026-11-15")).unwrap();
        assert_eq!((r.source, r.published, r.age_days), (RateSource::Hmrc, d("2026-11-01"), 0));
        assert_eq!(r.rate, dec("25860.7003583159"), "34642.9942 / 1.3396");
        // 2026-11-20 is 21 days after the ECB's last rate: HMRC's November rate is preferred.
        let r = rates().rate(c("EUR"), c("USD"), d("2026-11-20")).unwrap();
        assert_eq!((r.source, r.rate), (RateSource::Hmrc, dec("1.1228834870")));
        // After both series end: the most recent, with its age.
        let r = rates().rate(c("EUR"), c("USD"), d("2026-12-07")).unwrap();
        assert_eq!(
            (r.source, r.age_days),
            (RateSource::Hmrc, 7),
            "November's rate, 7 days after its end"
        );
        let r = rates().rate(c("EUR"), c("BRL"), d("2026-12-07")).unwrap();
        assert_eq!((r.source, r.age_days), (RateSource::Ecb, 38), "only the ECB quotes BRL here");
    }

    #[test]
    fn nothing_before_the_tables_and_nothing_unquoted() {
        assert!(rates().rate(c("EUR"), c("USD"), d("2019-01-01")).is_none());
        assert!(rates().rate(c("EUR"), c("KES"), d("2026-10-30")).is_none());
        assert_eq!(rates().rate(c("KES"), c("KES"), d("2026-10-30")).unwrap().rate, Decimal::ONE);
        assert!(Rates::default().rate(c("EUR"), c("USD"), d("2026-10-30")).is_none());
    }

    #[test]
    fn bad_files_are_refused_with_their_lines() {
        let errors = Rates::parse(Some("Date,USD,BGN\n2026-10-30,abc,\nnot a date,1,\n"), Some("month,currency,units_per_gbp\n2026-13,USD,1\n2026-11,usd,1\n2026-11,EUR,-1\n2026-11,HRK,7.5\n")).unwrap_err();
        let lines: Vec<(&str, usize)> = errors.iter().map(|e| (e.file, e.line)).collect();
        assert_eq!(
            lines,
            [(ECB_FILE, 2), (ECB_FILE, 3), (HMRC_FILE, 2), (HMRC_FILE, 3), (HMRC_FILE, 4)]
        );
    }

    #[test]
    fn the_repository_tables_read_and_cover_every_market_currency() {
        let ecb = include_str!("../../../kb/fx/ecb-daily.csv");
        let hmrc = include_str!("../../../kb/fx/hmrc-monthly.csv");
        let rates = Rates::parse(Some(ecb), Some(hmrc)).unwrap();
        let (ecb_last, hmrc_last) = rates.coverage();
        assert_eq!(ecb_last, Some(d("2026-10-30")));
        assert_eq!(hmrc_last, Some(d("2026-11-01")));
        for code in [
            "VND", "SAR", "AED", "EGP", "ARS", "CLP", "COP", "PEN", "KZT", "UZS", "RSD", "NGN",
            "KES", "TWD", "BRL", "INR", "TRY",
        ] {
            assert!(rates.rate(c("USD"), c(code), d("2026-11-15")).is_some(), "{code}");
        }
    }
}
