//! ISO 3166-1 alpha-2 countries and ISO 4217 currencies, from tables embedded in the binary.
//!
//! The tables are `data/countries.csv` and `data/currencies.csv`, derived from the
//! `datasets/country-codes` package (PDDL); see `data/SOURCE.md`. Two user-assigned country codes
//! are added on purpose: `XK` (Kosovo, in common customs use) and `ZZ`, the fictional market
//! "Zedland" that tests use so that real changes in law never break them. `XTS`, the ISO 4217
//! code reserved for testing, is Zedland's currency.

use std::fmt;
use std::sync::LazyLock;

/// A country, by its ISO 3166-1 alpha-2 code (upper case).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]); // INVARIANT: a code listed in data/countries.csv.

/// An ISO 4217 currency with its minor units (the number of decimal places of its smallest unit).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]); // INVARIANT: a code listed in data/currencies.csv.

/// Why a text is not a [`Country`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryError(String);

/// Why a text is not a [`Currency`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyError(String);

impl Country {
    /// Every country of the table, in code order (for pick lists).
    pub fn all() -> impl Iterator<Item = Country> {
        tables().countries.iter().map(|row| Country(row.code))
    }

    /// Parses an upper-case ISO 3166-1 alpha-2 code such as `TR`.
    pub fn parse(text: &str) -> Result<Country, CountryError> {
        let bytes: [u8; 2] = text.as_bytes().try_into().map_err(|_| {
            CountryError(format!("`{text}` is not a two-letter ISO 3166-1 country code"))
        })?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(CountryError(format!(
                "`{text}` is not a two-letter upper-case ISO 3166-1 country code"
            )));
        }
        match tables().countries.binary_search_by(|row| row.code.cmp(&bytes)) {
            Ok(_) => Ok(Country(bytes)),
            Err(_) => Err(CountryError(format!("`{text}` is not an ISO 3166-1 country code"))),
        }
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        // INVARIANT: both bytes are ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country's short English name.
    pub fn name(&self) -> &'static str {
        self.row().map_or("", |row| row.name.as_str())
    }

    /// The country's main currency, where it has one (Antarctica has none).
    pub fn currency(&self) -> Option<Currency> {
        self.row().and_then(|row| row.currency)
    }

    /// Whether the code is user-assigned rather than officially assigned (`XK`, `ZZ`).
    pub fn is_user_assigned(&self) -> bool {
        matches!(self.0, [b'X', _] | [b'Z', b'Z'] | [b'A', b'A'] | [b'Q', b'M'..=b'Z'])
    }

    fn row(&self) -> Option<&'static CountryRow> {
        let countries = &tables().countries;
        countries.binary_search_by(|row| row.code.cmp(&self.0)).ok().and_then(|i| countries.get(i))
    }
}

impl Currency {
    /// Parses an upper-case ISO 4217 code such as `EUR`.
    pub fn parse(text: &str) -> Result<Currency, CurrencyError> {
        let bytes: [u8; 3] = text.as_bytes().try_into().map_err(|_| {
            CurrencyError(format!("`{text}` is not a three-letter ISO 4217 currency code"))
        })?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(CurrencyError(format!(
                "`{text}` is not a three-letter upper-case ISO 4217 currency code"
            )));
        }
        match tables().currencies.binary_search_by(|row| row.code.cmp(&bytes)) {
            Ok(_) => Ok(Currency(bytes)),
            Err(_) => Err(CurrencyError(format!("`{text}` is not an ISO 4217 currency code"))),
        }
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // INVARIANT: all bytes are ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The number of decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3).
    pub fn minor_units(&self) -> u32 {
        self.row().map_or(2, |row| row.minor_units)
    }

    /// The currency's English name.
    pub fn name(&self) -> &'static str {
        self.row().map_or("", |row| row.name.as_str())
    }

    fn row(&self) -> Option<&'static CurrencyRow> {
        let currencies = &tables().currencies;
        currencies
            .binary_search_by(|row| row.code.cmp(&self.0))
            .ok()
            .and_then(|i| currencies.get(i))
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CountryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for CurrencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CountryError {}
impl std::error::Error for CurrencyError {}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

struct Tables {
    countries: Vec<CountryRow>,
    currencies: Vec<CurrencyRow>,
}

struct CountryRow {
    code: [u8; 2],
    currency: Option<Currency>,
    name: String,
}

struct CurrencyRow {
    code: [u8; 3],
    minor_units: u32,
    name: String,
}

const COUNTRIES_CSV: &str = include_str!("../data/countries.csv");
const CURRENCIES_CSV: &str = include_str!("../data/currencies.csv");

fn tables() -> &'static Tables {
    static TABLES: LazyLock<Tables> = LazyLock::new(load_tables);
    &TABLES
}

/// Reads the embedded tables. They are checked by the `iso_tables_are_well_formed` test, so a
/// malformed row here is a build defect, not an input error; such a row is skipped.
fn load_tables() -> Tables {
    let mut currencies: Vec<CurrencyRow> = CURRENCIES_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.splitn(3, ',');
            let code: [u8; 3] = cells.next()?.as_bytes().try_into().ok()?;
            let minor_units = cells.next()?.parse().ok()?;
            let name = cells.next()?.to_owned();
            Some(CurrencyRow { code, minor_units, name })
        })
        .collect();
    currencies.sort_by_key(|row| row.code);
    let mut countries: Vec<CountryRow> = COUNTRIES_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.splitn(3, ',');
            let code: [u8; 2] = cells.next()?.as_bytes().try_into().ok()?;
            let currency_code = cells.next()?;
            let currency = <[u8; 3]>::try_from(currency_code.as_bytes())
                .ok()
                .filter(|bytes| currencies.binary_search_by(|row| row.code.cmp(bytes)).is_ok())
                .map(Currency);
            let name = cells.next()?.to_owned();
            Some(CountryRow { code, currency, name })
        })
        .collect();
    countries.sort_by_key(|row| row.code);
    Tables { countries, currencies }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_tables_are_well_formed() {
        let n_country_rows = COUNTRIES_CSV.lines().skip(1).count();
        let n_currency_rows = CURRENCIES_CSV.lines().skip(1).count();
        assert_eq!(tables().countries.len(), n_country_rows, "a malformed row in countries.csv");
        assert_eq!(tables().currencies.len(), n_currency_rows, "a malformed row in currencies.csv");
        for line in COUNTRIES_CSV.lines().skip(1) {
            let code = line.split(',').nth(1).unwrap_or_default();
            if !code.is_empty() {
                assert!(
                    Currency::parse(code).is_ok(),
                    "country row `{line}` names unknown currency"
                );
            }
        }
    }

    #[test]
    fn countries_parse_and_know_their_currency() {
        let turkey = Country::parse("TR").unwrap();
        assert_eq!(turkey.name(), "Türkiye");
        assert_eq!(turkey.currency().unwrap().as_str(), "TRY");
        assert_eq!(Country::parse("DE").unwrap().currency().unwrap().as_str(), "EUR");
        assert!(Country::parse("ZZ").unwrap().is_user_assigned());
        assert!(!turkey.is_user_assigned());
    }

    #[test]
    fn bad_country_codes_are_rejected_with_the_text() {
        for bad in ["tr", "TUR", "QQ", "", "T"] {
            let err = Country::parse(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("EUR").unwrap().minor_units(), 2);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("ABC").is_err());
        assert!(Currency::parse("eur").is_err());
    }
}
