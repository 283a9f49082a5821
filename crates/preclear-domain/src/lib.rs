//! The vocabulary of preclear: every value that crosses a boundary of the engine is one of these
//! types, and each validates on construction ("parse, don't validate").
//!
//! - [`Country`] (ISO 3166-1 alpha-2) and [`Currency`] (ISO 4217 with its minor units), from the
//!   tables in `data/` (source: the `datasets/country-codes` package, PDDL).
//! - [`HsCode`] (6-digit HS 2022 plus national extensions) and [`HsPrefix`] (what the knowledge
//!   base keys rates and rules by).
//! - [`Money`], [`Percent`] and [`Rounding`]: decimal arithmetic only; rounding is always named.
//! - [`Shipment`] and its parts: the validated shipment request of PRODUCT.md, built by
//!   [`request::parse_shipment_request`], which reports every problem with its field path.
//!
//! With the `openapi` feature, the types that appear in the JSON contract implement
//! `utoipa::ToSchema`, and the `openapi` module describes the shipment request for OpenAPI documents.

mod country_names;
mod enums;
mod hs;
mod iso;
pub mod json;
mod money;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod request;
mod shipment;
mod subdivision;
pub mod text;
pub mod vocabulary;

pub use country_names::country_from_text;
pub use enums::{
    BatteryChemistry, BatteryPacking, Category, Condition, Confidence, Encryption, Incoterm,
    Purpose, Radio, RadioSet, TransportMode,
};
pub use hs::{HsCode, HsCodeError, HsPrefix};
pub use iso::{Country, CountryError, Currency, CurrencyError};
pub use money::{DecimalText, Money, MoneyError, Percent, Rounding, RoundingMode, parse_decimal};
pub use shipment::{Battery, Client, Eccn, EccnError, Gpu, Item, Party, Shipment};
pub use subdivision::Subdivision;
pub use vocabulary::{CategoryTerms, CategoryVocabulary};

/// A calendar date (no time zone): law takes effect on dates, and assessments are made "as of"
/// a date that the caller passes in.
pub type Date = jiff::civil::Date;
