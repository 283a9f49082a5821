//! Plausible unit-price bands per category and condition, for the audit's valuation check. The
//! bundled bands (`data/price-bands.toml`) are wide editorial bands with confidence `low`; an
//! operator may load their own file in the same format.

use preclear_domain::{Category, Condition, parse_decimal};
use rust_decimal::Decimal;
use serde::Deserialize;

const BUNDLED: &str = include_str!("../data/price-bands.toml");

/// One band, in US dollars per unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// Category (contract spelling).
    pub category: String,
    /// Condition (contract spelling).
    pub condition: String,
    /// Lowest plausible unit value.
    pub min_usd: Decimal,
    /// Highest plausible unit value.
    pub max_usd: Decimal,
    /// Why these figures.
    pub basis: String,
    /// Confidence of the band.
    pub confidence: String,
}

/// A set of bands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceBands {
    bands: Vec<Band>,
    /// Where the bands come from (`bundled` or the file's path).
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    basis: String,
    confidence: String,
    #[serde(default)]
    band: Vec<RawBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    category: String,
    condition: String,
    min_usd: String,
    max_usd: String,
    basis: Option<String>,
    confidence: Option<String>,
}

impl PriceBands {
    /// The bundled bands.
    pub fn bundled() -> PriceBands {
        // The bundled file is checked by a unit test; an error here cannot happen in a build
        // that passed its tests, and yields no bands rather than a panic.
        PriceBands::parse(BUNDLED, "bundled")
            .unwrap_or(PriceBands { bands: Vec::new(), origin: "bundled".to_owned() })
    }

    /// Parses a bands file; every error names the band (1-based) and field.
    pub fn parse(text: &str, origin: &str) -> Result<PriceBands, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        let mut bands = Vec::with_capacity(raw.band.len());
        for (i, b) in raw.band.into_iter().enumerate() {
            let at = |field: &str| format!("{origin}: band {} {field}", i + 1);
            Category::parse(&b.category).map_err(|e| format!("{}: {e}", at("category")))?;
            Condition::parse(&b.condition).map_err(|e| format!("{}: {e}", at("condition")))?;
            let min_usd = parse_decimal(&b.min_usd)
                .map_err(|_| format!("{}: `{}` is not a decimal", at("min_usd"), b.min_usd))?;
            let max_usd = parse_decimal(&b.max_usd)
                .map_err(|_| format!("{}: `{}` is not a decimal", at("max_usd"), b.max_usd))?;
            if min_usd <= Decimal::ZERO || max_usd < min_usd {
                return Err(format!("{}: expected 0 < min_usd <= max_usd", at("min_usd")));
            }
            bands.push(Band {
                category: b.category,
                condition: b.condition,
                min_usd,
                max_usd,
                basis: b.basis.unwrap_or_else(|| raw.basis.clone()),
                confidence: b.confidence.unwrap_or_else(|| raw.confidence.clone()),
            });
        }
        Ok(PriceBands { bands, origin: origin.to_owned() })
    }

    /// The band for a category and condition.
    pub fn find(&self, category: &str, condition: &str) -> Option<&Band> {
        self.bands.iter().find(|b| b.category == category && b.condition == condition)
    }

    /// How many bands.
    pub fn len(&self) -> usize {
        self.bands.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bands.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_bands_parse_and_cover_the_main_categories() {
        let bands = PriceBands::parse(BUNDLED, "bundled").unwrap();
        assert!(bands.len() >= 40);
        let server = bands.find("server", "new").unwrap();
        assert_eq!(server.min_usd, Decimal::from(500));
        assert_eq!(server.confidence, "low");
        assert!(server.basis.contains("editorial"));
        assert!(bands.find("other", "new").is_none());
    }

    #[test]
    fn a_bad_band_is_named() {
        let err = PriceBands::parse(
            "basis = \"x\"\nconfidence = \"low\"\n[[band]]\ncategory = \"server\"\ncondition = \"new\"\nmin_usd = \"9\"\nmax_usd = \"1\"\n",
            "mine.toml",
        )
        .unwrap_err();
        assert!(err.contains("mine.toml: band 1 min_usd"), "{err}");
        let err = PriceBands::parse(
            "basis = \"x\"\nconfidence = \"low\"\n[[band]]\ncategory = \"toaster\"\ncondition = \"new\"\nmin_usd = \"1\"\nmax_usd = \"9\"\n",
            "mine.toml",
        )
        .unwrap_err();
        assert!(err.contains("band 1 category"), "{err}");
    }
}
