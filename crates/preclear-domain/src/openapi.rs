//! OpenAPI (3.1) schemas of the JSON contract, with `utoipa` (the `openapi` feature).
//!
//! Two things live here:
//!
//! - the schemas of the domain's scalar types as they are serialised ([`Country`], [`Currency`],
//!   [`HsCode`], [`Percent`] and the closed vocabularies such as [`Confidence`]): each is a JSON
//!   string, with its pattern or its list of spellings;
//! - [`ShipmentRequest`] and its parts: documentation-only types that describe the JSON accepted
//!   by [`crate::request::parse_shipment_request`]. They are never built nor parsed into: the
//!   parser, which reports every problem with its field path, stays the only authority, and
//!   `docs/request.md` explains each field at length. The `openapi` tests of `preclear-engine`
//!   check every request of the scenario corpus against [`ShipmentRequest`]'s schema.
//!
//! [`Confidence`]: crate::Confidence

use std::borrow::Cow;

use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::enums::{
    BatteryChemistry, BatteryPacking, Category, Condition, Encryption, Incoterm, Purpose, Radio,
    TransportMode,
};
use crate::hs::HsCode;
use crate::iso::{Country, Currency};
use crate::money::Percent;

/// The pattern of a non-negative decimal written as a string (`"9800.00"`, `"20"`): digits with at
/// most one decimal point, neither first nor last; no sign, exponent or separator.
pub const DECIMAL_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?$";

/// A string with a pattern, a description and examples.
fn string_schema(description: &str, pattern: &str, examples: &[&str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples(examples.iter().copied())
        .into()
}

/// Joins the lines of a doc comment (as `#[doc = "..."]` gives them) into one text; an empty line
/// separates paragraphs.
fn doc_text(lines: &[&str]) -> String {
    let mut text = String::new();
    for line in lines.iter().map(|line| line.trim()) {
        if line.is_empty() {
            text.push_str("\n\n");
        } else {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push(' ');
            }
            text.push_str(line);
        }
    }
    text
}

/// The schema of a closed vocabulary: a string, one of the spellings. The description is the
/// vocabulary's doc comment followed by a list of the spellings with the doc comment of each.
pub(crate) fn vocabulary_schema(docs: &[&str], values: &[(&str, &[&str])]) -> RefOr<Schema> {
    let mut description = doc_text(docs);
    description.push('\n');
    for (value, docs) in values {
        description.push_str(&format!("\n- `{value}`: {}", doc_text(docs)));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().map(|(value, _)| *value)))
        .into()
}

impl PartialSchema for Country {
    fn schema() -> RefOr<Schema> {
        string_schema(
            "A country, by its upper-case ISO 3166-1 alpha-2 code, checked against the table built \
             into preclear (which also accepts `XK`, Kosovo, and `ZZ`, a fictional market used by \
             tests).",
            "^[A-Z]{2}$",
            &["TR", "DE"],
        )
    }
}

impl ToSchema for Country {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Country")
    }
}

impl PartialSchema for Currency {
    fn schema() -> RefOr<Schema> {
        string_schema(
            "A currency, by its upper-case ISO 4217 code, checked against the table built into \
             preclear.",
            "^[A-Z]{3}$",
            &["EUR", "USD"],
        )
    }
}

impl ToSchema for Currency {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Currency")
    }
}

impl PartialSchema for HsCode {
    fn schema() -> RefOr<Schema> {
        string_schema(
            "A Harmonized System code of 6 to 12 digits, without dots or spaces: the 6-digit HS \
             2022 subheading, then any national extension.",
            "^[0-9]{6,12}$",
            &["847150", "84715000"],
        )
    }
}

impl ToSchema for HsCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("HsCode")
    }
}

impl PartialSchema for Percent {
    fn schema() -> RefOr<Schema> {
        string_schema(
            "A rate in percent, written as a decimal string without trailing zeros: `\"20\"` is \
             20 %, `\"0.3464\"` is 0.3464 %. Never negative.",
            DECIMAL_PATTERN,
            &["20", "0.3464"],
        )
    }
}

impl ToSchema for Percent {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Percent")
    }
}

/// An amount of money: a non-negative decimal written as a string, never as a JSON number, so
/// that no precision is lost (at most 28 significant digits). It is in the shipment's `currency`.
#[derive(Debug, ToSchema)]
#[schema(pattern = r"^[0-9]+(\.[0-9]+)?$", examples("9800.00", "1850", "0"))]
pub struct Amount(pub String);

/// A technical figure (a weight, an energy, a performance figure): a non-negative JSON number, or
/// the same written as a decimal string.
#[derive(Debug)]
pub struct Figure;

impl PartialSchema for Figure {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number).minimum(Some(0)))
            .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(DECIMAL_PATTERN)))
            .description(Some(
                "A technical figure (a weight, an energy, a performance figure): a non-negative \
                 JSON number, or the same written as a decimal string.",
            ))
            .examples([Value::from(18.2), Value::from("18.2")])
            .into()
    }
}

impl ToSchema for Figure {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Figure")
    }
}

/// A declared HS code: 6 to 12 digits (the 6 international digits and an optional national
/// extension); dots and spaces are allowed and ignored (`"8471.50.00"`).
#[derive(Debug, ToSchema)]
#[schema(pattern = r"^[. ]*([0-9][. ]*){6,12}$", examples("847150", "8471.50.00"))]
pub struct DeclaredHsCode(pub String);

/// An Export Control Classification Number: `EAR99`, or a digit, a letter A–E and three digits
/// with optional `.` parts (`5A992.c`, `4A090.a`).
#[derive(Debug, ToSchema)]
#[schema(pattern = r"^(EAR99|[0-9][A-E][0-9]{3}(\.[A-Za-z0-9]+)*)$", examples("5A992.c", "EAR99"))]
pub struct Eccn(pub String);

/// A shipment request: one JSON object that describes a shipment of IT hardware from an origin
/// to a destination, as `preclear assess` and the API accept it (see `docs/request.md`).
///
/// A field the parser does not know is an error. Absent and `null` are the same: both mean "not
/// given", and a required field that is absent or `null` is an error. A string, where given, must
/// not be empty or only spaces. Money is a decimal string (`"9800.00"`), never a JSON number.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(product_example))]
pub struct ShipmentRequest {
    /// The client's reference for the shipment, copied into the assessment (empty when not given).
    #[schema(pattern = r"\S", max_length = 500)]
    pub reference: Option<String>,
    /// The client's business unit the shipment is for, for audit exports: the service stores it
    /// with the assessment and its audit event, so that audit exports can be filtered by
    /// business unit; the engine does not use it.
    #[schema(pattern = r"\S", max_length = 500)]
    pub business_unit: Option<String>,
    /// The company that owns the goods and asks for the import.
    pub client: Client,
    /// The country the goods are exported from; it selects the export-control regimes assessed.
    pub origin: Country,
    /// The country the goods are imported into; it selects the market of the knowledge base. It
    /// must differ from `origin`.
    pub destination: Country,
    /// Where in the destination the goods go: an ISO 3166-2 code of the destination (`BR-SP`).
    /// It selects the rate of a tax that depends on the state or province (Brazil's ICMS); when
    /// such a tax applies and this is not given, the landed cost is a range over the
    /// subdivisions the knowledge base knows, with a condition asking for it.
    #[schema(pattern = r"^[A-Z]{2}-[A-Z0-9]{1,3}$", example = "BR-SP")]
    pub destination_subdivision: Option<String>,
    /// How the goods travel.
    pub transport_mode: TransportMode,
    /// The Incoterms 2020 term of the sale or transfer; `FAS`, `FOB`, `CFR` and `CIF` only with
    /// `transport_mode` `sea`.
    pub incoterm: Incoterm,
    /// The currency of every amount in the request, and of the landed cost in the assessment.
    pub currency: Currency,
    /// International freight to the destination; added to the customs value where the market
    /// values goods on a CIF basis.
    pub freight: Option<Amount>,
    /// Insurance of the international carriage; added to the customs value on a CIF basis.
    pub insurance: Option<Amount>,
    /// Why the goods are imported.
    pub purpose: Purpose,
    /// Who receives the goods in the destination.
    pub consignee: Option<Party>,
    /// Who finally uses the goods.
    pub end_user: Option<Party>,
    /// The lines of the shipment: 1 to 20,000 items.
    #[schema(min_items = 1, max_items = 20_000)]
    pub items: Vec<Item>,
    /// The client's own exchange rates, which win over the knowledge base's reference rates:
    /// units of each currency per one unit of `currency` (`{"BRL": "5.4325"}`). Used to convert
    /// amounts the knowledge base states in another currency (fixed fees, a levy's minimum or
    /// maximum, a de minimis threshold); at most 50.
    #[schema(value_type = Option<std::collections::BTreeMap<String, Amount>>)]
    pub fx_rates: Option<std::collections::BTreeMap<String, Amount>>,
    /// A second currency to show the landed cost in (the client's own, when the request is
    /// priced in another): converted at the request's `fx_rates` when they give it, else at the
    /// knowledge base's reference rate of the assessment date.
    pub report_currency: Option<Currency>,
}

/// The client: the company that owns the goods and asks for the import.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Legal name.
    #[schema(pattern = r"\S", max_length = 500)]
    pub name: String,
    /// Country of establishment.
    pub country: Country,
    /// Whether the client has its own legal entity in the destination, which may then act as
    /// importer itself; `false` means the client needs a non-resident importer-of-record
    /// arrangement.
    pub local_entity_in_destination: bool,
}

/// A party to the shipment: the shape of `consignee` and `end_user`.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Legal name.
    #[schema(pattern = r"\S", max_length = 500)]
    pub name: String,
    /// Country.
    pub country: Country,
    /// Postal address.
    #[schema(pattern = r"\S", max_length = 500)]
    pub address: Option<String>,
}

/// One line of the shipment.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Plain-language description, as on the invoice.
    #[schema(pattern = r"\S", max_length = 500)]
    pub description: String,
    /// Hardware category; it gives the default HS code when none is declared and selects
    /// category rules.
    pub category: Category,
    /// The HS code; when not given, the engine uses the category's default code and warns.
    pub hs_code: Option<DeclaredHsCode>,
    /// Manufacturer.
    #[schema(pattern = r"\S", max_length = 500)]
    pub manufacturer: Option<String>,
    /// Model.
    #[schema(pattern = r"\S", max_length = 500)]
    pub model: Option<String>,
    /// Where the goods were made, in the customs sense; origin-specific duties and rules use it.
    pub country_of_origin: Country,
    /// New, refurbished or used.
    pub condition: Condition,
    /// Number of units: a JSON integer from 1 to 4,294,967,295 (`2.5`, `10.0` and `"10"` are
    /// refused).
    #[schema(value_type = i64, minimum = 1, maximum = 4294967295u64)]
    pub quantity: u32,
    /// Value of one unit, in the shipment currency; `quantity` × `unit_value` is the line's value.
    pub unit_value: Amount,
    /// Weight of one unit in kilograms.
    pub unit_weight_kg: Option<Figure>,
    /// The radio technologies built in; `[]` for none; absent or `null` means unknown (every
    /// rule that depends on radios may then apply).
    pub radio: Option<Vec<Radio>>,
    /// The encryption class; `"none"` for none; absent or `null` means unknown.
    pub encryption: Option<Encryption>,
    /// The Export Control Classification Number; when not given, the engine determines it from
    /// the item's attributes.
    pub eccn: Option<Eccn>,
    /// The battery in or with the item; absent or `null` means none.
    pub battery: Option<Battery>,
    /// GPU or accelerator performance figures; absent or `null` means none.
    pub gpu: Option<Gpu>,
    /// Serial numbers, each non-empty; absent or `null` means none given.
    pub serials: Option<Vec<String>>,
}

/// A battery in or with an item.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Battery {
    /// Lithium-ion, lithium metal or other.
    pub chemistry: BatteryChemistry,
    /// How the battery travels with the equipment.
    pub packing: BatteryPacking,
    /// Energy in watt-hours.
    pub wh: Figure,
}

/// The performance figures of the item's most capable GPU or accelerator, as the US EAR defines
/// them for ECCN 3A090.
#[derive(Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Gpu {
    /// Total processing performance (TPP).
    pub tpp: Figure,
    /// TPP divided by the applicable die area in mm²; when not given, rules with a
    /// performance-density threshold are undetermined for the item.
    pub performance_density: Option<Figure>,
}

/// The example of PRODUCT.md (`examples/product-example.json`): ten new servers from the
/// Netherlands to Türkiye, delivered duty paid, for the client's own business use.
fn product_example() -> Value {
    serde_json::from_str(PRODUCT_EXAMPLE).unwrap_or_default()
}

/// The text of `examples/product-example.json`.
pub(crate) const PRODUCT_EXAMPLE: &str = include_str!("../../../examples/product-example.json");

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn json<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    #[test]
    fn the_example_is_a_valid_request() {
        assert!(product_example().is_object());
        assert!(crate::request::parse_shipment_request(PRODUCT_EXAMPLE).is_ok());
        let schema = json::<ShipmentRequest>();
        assert_eq!(schema["examples"][0], product_example());
    }

    #[test]
    fn vocabularies_list_their_spellings_and_meanings() {
        let schema = json::<crate::Confidence>();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::json!(["high", "medium", "low", "unknown"]));
        let description = schema["description"].as_str().unwrap();
        assert!(description.starts_with("How sure the knowledge base is of a fact."));
        assert!(description.contains("\n- `low`: Vendor material"), "{description}");
        assert_eq!(<BatteryChemistry as ToSchema>::name(), "BatteryChemistry");
        let chemistry = json::<BatteryChemistry>();
        assert_eq!(chemistry["enum"], serde_json::json!(["li-ion", "li-metal", "other"]));
    }

    #[test]
    fn scalar_examples_parse() {
        for (schema, parse) in [
            (json::<Country>(), (|text| Country::parse(text).is_ok()) as fn(&str) -> bool),
            (json::<Currency>(), |text| Currency::parse(text).is_ok()),
            (json::<HsCode>(), |text| HsCode::parse(text).is_ok()),
            (json::<Percent>(), |text| Percent::parse(text).is_ok()),
            (json::<Amount>(), |text| crate::parse_decimal(text).is_ok()),
            (json::<DeclaredHsCode>(), |text| HsCode::parse(text).is_ok()),
            (json::<Eccn>(), |text| crate::Eccn::parse(text).is_ok()),
        ] {
            assert_eq!(schema["type"], "string", "{schema}");
            assert!(schema["pattern"].is_string(), "{schema}");
            let examples = schema["examples"].as_array().unwrap();
            assert!(!examples.is_empty());
            for example in examples {
                assert!(parse(example.as_str().unwrap()), "{example} in {schema}");
            }
        }
    }
}
