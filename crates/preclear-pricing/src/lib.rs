//! The importer-of-record provider's price list, and the service charges it gives for one
//! shipment: the IOR fee (a percentage of a stated base, with a minimum and a maximum), fixed
//! charges per shipment and per line, and pass-through charges (brokerage, inspection,
//! storage) marked as estimates. Per destination market, or a default for every market.
//!
//! Pure: the caller passes the shipment's figures and a converter for amounts stated in another
//! currency (the engine's, which records the rates used), and gets every charge with its basis.
//! The price list's version is the hash of its text, so a quote records exactly which prices
//! it used.
//!
//! ```toml
//! [price_list]
//! provider = "Anadolu IOR Services"
//! label = "2026-12 standard"          # the provider's own name for this edition
//! currency = "EUR"
//!
//! [default]
//! ior_fee = { percent = "1.5", base = "customs_value", minimum = "250", maximum = "5000" }
//! per_shipment = [{ name = "Customs brokerage", amount = "180", estimate = true }]
//! per_line = [{ name = "Line classification", amount = "2.50" }]
//!
//! [markets.BR]
//! ior_fee = { percent = "2.5", base = "customs_value", minimum = "600" }
//! per_shipment = [{ name = "Despachante (broker)", amount = "450", estimate = true }]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr as _;

use preclear_domain::{Country, Currency, Money, Rounding};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest price list read (a price list is a page of prices, not a data set).
pub const MAX_PRICE_LIST_BYTES: usize = 256 * 1024;
/// The most charges of one kind in one section.
pub const MAX_CHARGES: usize = 50;

/// A provider's price list, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceList {
    /// Who sells the service.
    pub provider: String,
    /// The provider's name for this edition (`2026-12 standard`).
    pub label: String,
    /// `sha256:` and the first 16 hex digits of the file's text: what a quote records.
    pub version: String,
    /// The currency the amounts are stated in.
    pub currency: Currency,
    /// The prices for every market without its own section.
    pub default: Option<Section>,
    /// The prices of one destination market.
    pub markets: BTreeMap<Country, Section>,
}

/// The prices for one market (or the default).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The importer-of-record fee.
    pub ior_fee: Option<IorFee>,
    /// Charges once per shipment.
    pub per_shipment: Vec<Fixed>,
    /// Charges per line of the shipment.
    pub per_line: Vec<Fixed>,
}

/// The IOR fee: a percentage of a base, within a minimum and a maximum (in the list's currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IorFee {
    /// The percentage.
    pub percent: Decimal,
    /// What it is a percentage of.
    pub base: FeeBase,
    /// The least it comes to.
    pub minimum: Option<Decimal>,
    /// The most it comes to.
    pub maximum: Option<Decimal>,
}

/// What the IOR fee is a percentage of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeBase {
    /// The customs value (what customs assess duties on).
    CustomsValue,
    /// The goods value (the lines' values).
    GoodsValue,
}

impl FeeBase {
    /// How the base reads in a sentence (`customs value`).
    pub fn as_str(self) -> &'static str {
        match self {
            FeeBase::CustomsValue => "customs value",
            FeeBase::GoodsValue => "goods value",
        }
    }
}

/// A fixed charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// What it is for.
    pub name: String,
    /// The amount, in the list's currency.
    pub amount: Decimal,
    /// A pass-through estimate (brokerage, storage) rather than a price.
    pub estimate: bool,
}

/// A price list that cannot be used: every problem, each naming its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListError(pub Vec<String>);

impl fmt::Display for PriceListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for PriceListError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    price_list: RawHeader,
    default: Option<RawSection>,
    #[serde(default)]
    markets: BTreeMap<String, RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    provider: String,
    label: String,
    currency: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    ior_fee: Option<RawFee>,
    #[serde(default)]
    per_shipment: Vec<RawFixed>,
    #[serde(default)]
    per_line: Vec<RawFixed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    percent: String,
    base: String,
    minimum: Option<String>,
    maximum: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixed {
    name: String,
    amount: String,
    #[serde(default)]
    estimate: bool,
}

impl PriceList {
    /// Reads a price list (TOML); every problem is reported, each with the key it concerns.
    pub fn parse(text: &str) -> Result<PriceList, PriceListError> {
        if text.len() > MAX_PRICE_LIST_BYTES {
            return Err(PriceListError(vec![format!(
                "the price list is {} bytes; at most {MAX_PRICE_LIST_BYTES} are read",
                text.len()
            )]));
        }
        let raw: RawList = toml::from_str(text)
            .map_err(|e| PriceListError(vec![e.to_string().trim().to_owned()]))?;
        let mut errors = Vec::new();
        let currency = Currency::parse(&raw.price_list.currency)
            .map_err(|e| errors.push(format!("price_list.currency: {e}")))
            .ok();
        for (key, value) in
            [("provider", &raw.price_list.provider), ("label", &raw.price_list.label)]
        {
            if let Some(problem) = text_problem(value) {
                errors.push(format!("price_list.{key}: {problem}"));
            }
        }
        let default = raw.default.map(|s| section(s, "default", &mut errors));
        let mut markets = BTreeMap::new();
        for (code, raw) in raw.markets {
            let place = format!("markets.{code}");
            match Country::parse(&code) {
                Ok(country) => {
                    markets.insert(country, section(raw, &place, &mut errors));
                }
                Err(e) => errors.push(format!("{place}: {e}")),
            }
        }
        if default.is_none() && markets.is_empty() {
            errors.push("the price list has neither a [default] section nor any [markets.CC]: it prices nothing".to_owned());
        }
        match (errors.is_empty(), currency) {
            (true, Some(currency)) => Ok(PriceList {
                provider: raw.price_list.provider,
                label: raw.price_list.label,
                version: version_of(text),
                currency,
                default,
                markets,
            }),
            _ => Err(PriceListError(errors)),
        }
    }

    /// Each section in words, the default first: `(market, IOR fee, per shipment, per line)`,
    /// the market `None` for the default (what a page shows of a price list).
    pub fn describe(&self) -> Vec<(Option<Country>, String, String, String)> {
        let money = |amount: Decimal| format!("{} {}", amount, self.currency);
        let fixed = |charges: &[Fixed]| -> String {
            let parts: Vec<String> = charges
                .iter()
                .map(|c| {
                    let estimate = if c.estimate { " (estimate)" } else { "" };
                    format!("{} {}{estimate}", c.name, money(c.amount))
                })
                .collect();
            if parts.is_empty() { "—".to_owned() } else { parts.join("; ") }
        };
        let row = |market: Option<Country>, s: &Section| {
            let fee = match &s.ior_fee {
                Some(fee) => {
                    let mut text = format!("{}% of {}", fee.percent.normalize(), fee.base.as_str());
                    if let Some(min) = fee.minimum {
                        text.push_str(&format!(", minimum {}", money(min)));
                    }
                    if let Some(max) = fee.maximum {
                        text.push_str(&format!(", maximum {}", money(max)));
                    }
                    text
                }
                None => "—".to_owned(),
            };
            (market, fee, fixed(&s.per_shipment), fixed(&s.per_line))
        };
        self.default
            .iter()
            .map(|s| row(None, s))
            .chain(self.markets.iter().map(|(c, s)| row(Some(*c), s)))
            .collect()
    }

    /// The section that prices shipments to `destination`: its own, else the default.
    pub fn section(&self, destination: Country) -> Option<&Section> {
        self.markets.get(&destination).or(self.default.as_ref())
    }
}

/// A name that is empty, too long or holds control characters.
fn text_problem(value: &str) -> Option<String> {
    use preclear_domain::text::{Lines, MAX_TEXT_CHARS};
    if value.trim().is_empty() {
        return Some("is empty".to_owned());
    }
    preclear_domain::text::text_problem(value, MAX_TEXT_CHARS, Lines::Refused)
}

fn version_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex = hex::encode(digest);
    format!("sha256:{}", hex.get(..16).unwrap_or(&hex))
}

fn amount(text: &str, place: &str, errors: &mut Vec<String>) -> Option<Decimal> {
    match Decimal::from_str(text) {
        Ok(value) if !value.is_sign_negative() => Some(value),
        Ok(_) => {
            errors.push(format!("{place}: `{text}` is negative"));
            None
        }
        Err(_) => {
            errors.push(format!("{place}: `{text}` is not a decimal amount (such as \"180.00\")"));
            None
        }
    }
}

fn section(raw: RawSection, place: &str, errors: &mut Vec<String>) -> Section {
    let ior_fee = raw.ior_fee.and_then(|fee| {
        let here = format!("{place}.ior_fee");
        let percent = amount(&fee.percent, &format!("{here}.percent"), errors);
        let base = match fee.base.as_str() {
            "customs_value" => Some(FeeBase::CustomsValue),
            "goods_value" => Some(FeeBase::GoodsValue),
            other => {
                errors.push(format!(
                    "{here}.base: `{other}` is not a base; expected customs_value or goods_value"
                ));
                None
            }
        };
        let minimum =
            fee.minimum.as_deref().and_then(|t| amount(t, &format!("{here}.minimum"), errors));
        let maximum =
            fee.maximum.as_deref().and_then(|t| amount(t, &format!("{here}.maximum"), errors));
        if let (Some(min), Some(max)) = (minimum, maximum)
            && min > max
        {
            errors.push(format!("{here}: the minimum {min} is above the maximum {max}"));
        }
        Some(IorFee { percent: percent?, base: base?, minimum, maximum })
    });
    let mut fixed = |list: Vec<RawFixed>, key: &str| -> Vec<Fixed> {
        if list.len() > MAX_CHARGES {
            errors.push(format!("{place}.{key}: {} charges; at most {MAX_CHARGES}", list.len()));
            return Vec::new();
        }
        list.into_iter()
            .enumerate()
            .filter_map(|(i, raw)| {
                let here = format!("{place}.{key}[{i}]");
                if let Some(problem) = text_problem(&raw.name) {
                    errors.push(format!("{here}.name: {problem}"));
                }
                let value = amount(&raw.amount, &format!("{here}.amount"), errors)?;
                Some(Fixed { name: raw.name, amount: value, estimate: raw.estimate })
            })
            .collect()
    };
    let per_shipment = fixed(raw.per_shipment, "per_shipment");
    let per_line = fixed(raw.per_line, "per_line");
    Section { ior_fee, per_shipment, per_line }
}

/// The shipment's figures the prices apply to, in the request's currency.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// The destination market.
    pub destination: Country,
    /// The request's currency.
    pub currency: Currency,
    /// The customs value.
    pub customs_value: Decimal,
    /// The goods value.
    pub goods_value: Decimal,
    /// The number of lines.
    pub lines: usize,
    /// How amounts are rounded (the landed cost's rounding).
    pub rounding: Rounding,
    /// Who pays the charges under the Incoterm (`seller` or `buyer`).
    pub paid_by: &'static str,
}

/// The service charges of one shipment under a price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCharges {
    /// The provider.
    pub provider: String,
    /// The price list's edition (the provider's label).
    pub price_list: String,
    /// The price list's version: the hash of its text.
    pub price_list_version: String,
    /// The currency of every amount (the request's).
    pub currency: String,
    /// Whether the market has its own prices (`market`) or the default applies (`default`).
    pub section: &'static str,
    /// Each charge.
    pub charges: Vec<ServiceCharge>,
    /// The sum of the charges that could be computed.
    pub total: String,
    /// Whether every charge could be computed (an amount in another currency needs a rate).
    pub complete: bool,
}

/// One service charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCharge {
    /// What it is for.
    pub name: String,
    /// How it is reckoned (`1.5% of customs value, minimum 250.00 EUR`, `per line × 3`).
    pub basis: String,
    /// The amount, rounded like the landed cost; `null` when it cannot be converted.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub amount: Option<String>,
    /// A pass-through estimate rather than a price.
    pub estimate: bool,
    /// Who pays it under the Incoterm: `seller` or `buyer`.
    pub paid_by: &'static str,
}

/// The service charges of `shipment`, or `None` when the price list prices nothing for its
/// destination. `convert` gives an amount of the list's currency in the request's (`None`
/// without a rate: the charge is then not computed, and said so).
pub fn charges(
    list: &PriceList,
    shipment: &Figures,
    convert: &mut dyn FnMut(Money) -> Option<Decimal>,
) -> Option<ServiceCharges> {
    let section = list.section(shipment.destination)?;
    let own = list.markets.contains_key(&shipment.destination);
    let mut out = Vec::new();
    let mut convert_amount = |amount: Decimal| convert(Money::new(amount, list.currency));
    let money = |amount: Decimal| format!("{} {}", amount, list.currency);
    if let Some(fee) = &section.ior_fee {
        let base = match fee.base {
            FeeBase::CustomsValue => shipment.customs_value,
            FeeBase::GoodsValue => shipment.goods_value,
        };
        let raw = base.checked_mul(fee.percent).and_then(|v| v.checked_div(Decimal::ONE_HUNDRED));
        let minimum = fee.minimum.map(&mut convert_amount);
        let maximum = fee.maximum.map(&mut convert_amount);
        let amount = match (raw, minimum, maximum) {
            (Some(raw), Some(Some(min)), _) if raw < min => Some(min),
            (Some(raw), _, Some(Some(max))) if raw > max => Some(max),
            // A limit that cannot be converted leaves the fee unknown only if it could bind.
            (Some(_), Some(None), _) | (Some(_), _, Some(None)) => None,
            (raw, _, _) => raw,
        };
        let mut basis = format!("{}% of {}", fee.percent.normalize(), fee.base.as_str());
        if let Some(min) = fee.minimum {
            basis.push_str(&format!(", minimum {}", money(min)));
        }
        if let Some(max) = fee.maximum {
            basis.push_str(&format!(", maximum {}", money(max)));
        }
        out.push((
            "Importer-of-record fee".to_owned(),
            basis,
            amount.map(|a| shipment.rounding.apply(a)),
            false,
        ));
    }
    for charge in &section.per_shipment {
        let amount = convert_amount(charge.amount);
        let basis = format!("per shipment, {}", money(charge.amount));
        out.push((
            charge.name.clone(),
            basis,
            amount.map(|a| shipment.rounding.apply(a)),
            charge.estimate,
        ));
    }
    for charge in &section.per_line {
        let lines = Decimal::from(shipment.lines);
        let amount = convert_amount(charge.amount).and_then(|a| a.checked_mul(lines));
        let basis = format!("per line, {} × {}", money(charge.amount), shipment.lines);
        out.push((
            charge.name.clone(),
            basis,
            amount.map(|a| shipment.rounding.apply(a)),
            charge.estimate,
        ));
    }
    let complete = out.iter().all(|(_, _, amount, _)| amount.is_some());
    let total: Decimal = out.iter().filter_map(|(_, _, amount, _)| *amount).sum();
    Some(ServiceCharges {
        provider: list.provider.clone(),
        price_list: list.label.clone(),
        price_list_version: list.version.clone(),
        currency: shipment.currency.to_string(),
        section: if own { "market" } else { "default" },
        charges: out
            .into_iter()
            .map(|(name, basis, amount, estimate)| ServiceCharge {
                name,
                basis,
                amount: amount.map(|a| a.to_string()),
                estimate,
                paid_by: shipment.paid_by,
            })
            .collect(),
        total: shipment.rounding.apply(total).to_string(),
        complete,
    })
}
