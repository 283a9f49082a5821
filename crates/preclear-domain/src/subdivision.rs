//! ISO 3166-2 subdivision codes: a state, province or region of a country (`BR-SP`, `CA-QC`,
//! `AR-B`), for taxes that depend on where in the destination the goods go.

use std::fmt;

use crate::Country;

/// An ISO 3166-2 code: the country's alpha-2 code, a hyphen and one to three upper-case letters
/// or digits. The country part is checked against the country table; the subdivision part only
/// by its form (the KB names the subdivisions its rates are for).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subdivision {
    country: Country,
    /// The whole code as `parse` accepted it: `country`, a hyphen, then one to three capital
    /// letters or digits.
    code: String,
}

impl Subdivision {
    /// Parses `BR-SP`; the error says what is expected.
    pub fn parse(text: &str) -> Result<Subdivision, String> {
        let bad = || {
            format!(
                "`{text}` is not an ISO 3166-2 subdivision code: the country code, a hyphen and one to three capital letters or digits, e.g. BR-SP"
            )
        };
        let (country, part) = text.split_once('-').ok_or_else(bad)?;
        let country = Country::parse(country).map_err(|_| bad())?;
        let valid_part = (1..=3).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !valid_part {
            return Err(bad());
        }
        Ok(Subdivision { country, code: text.to_owned() })
    }

    /// The country it belongs to.
    pub fn country(&self) -> Country {
        self.country
    }

    /// The code (`BR-SP`).
    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for Subdivision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_by_their_form_and_their_country() {
        let sp = Subdivision::parse("BR-SP").unwrap();
        assert_eq!(sp.country().as_str(), "BR");
        assert_eq!(sp.as_str(), "BR-SP");
        assert!(Subdivision::parse("AR-B").is_ok());
        assert!(Subdivision::parse("GB-ENG").is_ok());
        for bad in ["BR", "BR-", "BR-sp", "BR-SPXX", "XX-SP", "br-SP", "BR_SP", "-SP", ""] {
            let err = Subdivision::parse(bad).unwrap_err();
            assert!(err.contains("ISO 3166-2"), "{bad}: {err}");
        }
    }
}
