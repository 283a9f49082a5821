//! The validated shipment request: what the engine assesses. Built by
//! [`crate::request::parse_shipment_request`]; every field's own type holds its invariant, and the
//! parser checks the rest (at least one item, one currency throughout, positive quantities).

use std::fmt;

use rust_decimal::Decimal;

use crate::enums::{
    BatteryChemistry, BatteryPacking, Category, Condition, Encryption, Incoterm, Purpose, RadioSet,
    TransportMode,
};
use crate::hs::HsCode;
use crate::iso::{Country, Currency};
use crate::money::Money;

/// A shipment of one or more items from an origin to a destination.
#[derive(Debug, Clone, PartialEq)]
pub struct Shipment {
    /// The client's reference for the shipment.
    pub reference: String,
    /// The client's business unit that the shipment is for, when given (audit exports are
    /// filtered by it).
    pub business_unit: Option<String>,
    /// The company whose goods these are.
    pub client: Client,
    /// The country the goods are exported from.
    pub origin: Country,
    /// The country the goods are imported into.
    pub destination: Country,
    /// Where in the destination the goods go (ISO 3166-2, `BR-SP`), when given: it selects the
    /// rate of a tax that depends on the state or province (Brazil's ICMS).
    pub destination_subdivision: Option<crate::Subdivision>,
    /// How the goods travel.
    pub transport_mode: TransportMode,
    /// The Incoterm of the sale or transfer.
    pub incoterm: Incoterm,
    /// The currency of every amount in the request.
    pub currency: Currency,
    /// International freight to the destination, when declared.
    pub freight: Option<Money>,
    /// Insurance of the international carriage, when declared.
    pub insurance: Option<Money>,
    /// Why the goods are imported.
    pub purpose: Purpose,
    /// Who receives the goods in the destination, when declared.
    pub consignee: Option<Party>,
    /// Who finally uses the goods, when declared.
    pub end_user: Option<Party>,
    /// The lines; never empty.
    pub items: Vec<Item>,
    /// A second currency to show the landed cost in (`report_currency`), when asked for.
    pub report_currency: Option<Currency>,
    /// The request's own exchange rates (`fx_rates`): units of each currency per one unit of
    /// the request's currency, e.g. from the client's treasury. They win over the KB's tables.
    pub fx_rates: std::collections::BTreeMap<Currency, rust_decimal::Decimal>,
}

/// The client: the company that owns the goods and asks for the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Legal name.
    pub name: String,
    /// Country of establishment.
    pub country: Country,
    /// Whether the client has its own legal entity in the destination (if it does, it may be
    /// the importer itself).
    pub local_entity_in_destination: bool,
}

/// A party to the shipment: consignee or end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Legal name.
    pub name: String,
    /// Country.
    pub country: Country,
    /// Postal address, when given.
    pub address: Option<String>,
}

/// One line of the shipment.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Plain-language description, as on the invoice.
    pub description: String,
    /// Hardware category.
    pub category: Category,
    /// The declared HS code, when the client gives one.
    pub hs_code: Option<HsCode>,
    /// Manufacturer, when given.
    pub manufacturer: Option<String>,
    /// Model, when given.
    pub model: Option<String>,
    /// Where the goods were made (origin in the customs sense).
    pub country_of_origin: Country,
    /// New, refurbished or used.
    pub condition: Condition,
    /// Number of units; at least 1.
    pub quantity: u32,
    /// Value of one unit, in the shipment currency.
    pub unit_value: Money,
    /// Weight of one unit in kilograms, when given.
    pub unit_weight_kg: Option<Decimal>,
    /// Radio technologies built in; `None` when the request did not say.
    pub radio: Option<RadioSet>,
    /// Encryption class; `None` when the request did not say.
    pub encryption: Option<Encryption>,
    /// The declared Export Control Classification Number, when given.
    pub eccn: Option<Eccn>,
    /// The battery, if the item has or ships with one.
    pub battery: Option<Battery>,
    /// GPU performance figures, if the item is or contains an accelerator.
    pub gpu: Option<Gpu>,
    /// Serial numbers, when given.
    pub serials: Vec<String>,
}

impl Item {
    /// `quantity × unit_value`, exact.
    pub fn line_value(&self) -> Money {
        // Cannot overflow: quantity < 2^32 and unit_value was parsed from at most 28 digits;
        // on the impossible overflow the unit value stands, and the assessment is still total.
        self.unit_value.checked_mul(Decimal::from(self.quantity)).unwrap_or(self.unit_value)
    }
}

/// A battery in or with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Battery {
    /// Chemistry.
    pub chemistry: BatteryChemistry,
    /// How it travels.
    pub packing: BatteryPacking,
    /// Energy in watt-hours.
    pub wh: Decimal,
}

/// Performance figures of a GPU or accelerator, as the US EAR defines them for 3A090.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gpu {
    /// Total processing performance (TPP).
    pub tpp: Decimal,
    /// Performance density: TPP divided by the applicable die area in mm².
    pub performance_density: Option<Decimal>,
}

/// An Export Control Classification Number such as `5A992.c`, `4A090.a` or `EAR99`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Eccn(String); // INVARIANT: `EAR99`, or digit, letter A–E, three digits, then `.x` parts.

/// Why a text is not an ECCN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EccnError(String);

impl Eccn {
    /// Parses an ECCN.
    pub fn parse(text: &str) -> Result<Eccn, EccnError> {
        if text == "EAR99" {
            return Ok(Eccn(text.to_owned()));
        }
        let (base, rest) = text.split_at_checked(5).unwrap_or((text, ""));
        let bytes = base.as_bytes();
        let base_ok = bytes.len() == 5
            && bytes.first().is_some_and(u8::is_ascii_digit)
            && bytes.get(1).is_some_and(|b| (b'A'..=b'E').contains(b))
            && bytes.get(2..).is_some_and(|digits| digits.iter().all(u8::is_ascii_digit));
        let rest_ok = rest.is_empty()
            || (rest.starts_with('.')
                && rest.split('.').skip(1).all(|part| {
                    !part.is_empty() && part.chars().all(|ch| ch.is_ascii_alphanumeric())
                }));
        if base_ok && rest_ok {
            Ok(Eccn(text.to_owned()))
        } else {
            Err(EccnError(format!(
                "`{text}` is not an ECCN: expected `EAR99` or a form such as `5A992.c`"
            )))
        }
    }

    /// The ECCN as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The five-character base (`5A992` of `5A992.c`), or `EAR99`.
    pub fn base(&self) -> &str {
        self.0.get(..5).filter(|_| self.0 != "EAR99").unwrap_or(&self.0)
    }
}

impl fmt::Display for Eccn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Eccn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Eccn({})", self.0)
    }
}

impl fmt::Display for EccnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EccnError {}

impl serde::Serialize for Eccn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eccns_parse_in_their_usual_forms() {
        for good in ["EAR99", "5A992.c", "5A002.a.1", "4A090.a", "3A090", "4A994.l"] {
            assert_eq!(Eccn::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(Eccn::parse("5A992.c").unwrap().base(), "5A992");
        assert_eq!(Eccn::parse("EAR99").unwrap().base(), "EAR99");
        for bad in ["", "5A99", "5F992", "5a992", "5A992.", "5A992c", "EAR-99"] {
            assert!(Eccn::parse(bad).is_err(), "`{bad}` was accepted");
        }
    }
}
