//! Emissions per leg: tonne-kilometres times the intensity of the mode.
//!
//! The intensities are the US EPA GHG Emission Factors Hub's upstream-transportation factors
//! (public domain; bundled as `data/epa-ghg-hub-transport-factors.json`): kilograms of CO2 and
//! grams of CH4 and N2O per short-ton-mile, by mode. They are combined into CO2-equivalent with
//! the IPCC Fifth Assessment Report's 100-year global warming potentials (CH4 28, N2O 265, the
//! values the Hub uses) and converted to tonne-kilometres (one short-ton-mile is 1.459972
//! tonne-km). The boundary is **tank-to-wheel**: fuel burnt in the vehicle, not the fuel's
//! production (well-to-tank), not the empty return, not the handling at terminals. The factors
//! are US fleet averages; ISO 14083 and the GLEC Framework's defaults (not openly licensed) are
//! well-to-wheel and typically higher, by about a fifth for sea and road. Treat a figure as an
//! estimate within ±30 %.

use std::str::FromStr as _;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::Mode;

/// The bundled EPA factors.
pub const EPA_FACTORS: &str = include_str!("../data/epa-ghg-hub-transport-factors.json");

/// One short-ton-mile in tonne-kilometres: 0.90718474 t × 1.609344 km.
const TONNE_KM_PER_SHORT_TON_MILE: &str = "1.4599723";
/// IPCC AR5 100-year global warming potentials.
const GWP_CH4: u32 = 28;
const GWP_N2O: u32 = 265;

/// The intensity of a mode: kilograms of CO2-equivalent per tonne-kilometre, with where it
/// came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intensity {
    /// The mode.
    pub mode: Mode,
    /// kg CO2e per tonne-km, to six decimals.
    pub kg_co2e_per_tonne_km: Decimal,
    /// The EPA category it comes from (`waterborneCraft`, `aircraft`, `mediumAndHeavyDutyTruck`).
    pub category: &'static str,
}

/// What the emission figures rest on, for reports.
pub const METHOD: &str = "tank-to-wheel CO2e: tonne-km x the US EPA GHG Emission Factors Hub \
upstream-transportation factor of the mode (CO2, CH4 and N2O per short-ton-mile; IPCC AR5 \
100-year GWPs: CH4 28, N2O 265); excludes fuel production, empty returns and terminal \
handling; an estimate within about 30%";

/// The intensity of each mode from the EPA file, read once per process. `None` when the file
/// lacks a mode or a number does not parse (the crate's tests check the bundled file has all).
pub fn intensity(mode: Mode) -> Option<Intensity> {
    static INTENSITIES: std::sync::OnceLock<[Option<Intensity>; 3]> = std::sync::OnceLock::new();
    let all = INTENSITIES.get_or_init(|| {
        [Mode::Sea, Mode::Air, Mode::Road].map(|mode| read_intensity(EPA_FACTORS, mode))
    });
    let index = match mode {
        Mode::Sea => 0,
        Mode::Air => 1,
        Mode::Road => 2,
    };
    all[index].clone()
}

fn read_intensity(file: &str, mode: Mode) -> Option<Intensity> {
    let category = match mode {
        Mode::Sea => "waterborneCraft",
        Mode::Air => "aircraft",
        Mode::Road => "mediumAndHeavyDutyTruck",
    };
    let factors: serde_json::Value = serde_json::from_str(file).ok()?;
    let per = &factors[category]["ton-mile"];
    let number = |gas: &str| -> Option<Decimal> {
        let value = &per[gas];
        Decimal::from_str(&value.to_string()).ok()
    };
    let (co2, ch4, n2o) = (number("co2")?, number("ch4")?, number("n2o")?);
    let grams = Decimal::from(1000);
    let per_ton_mile =
        co2 + ch4 * Decimal::from(GWP_CH4) / grams + n2o * Decimal::from(GWP_N2O) / grams;
    let per_tonne_km = per_ton_mile / Decimal::from_str(TONNE_KM_PER_SHORT_TON_MILE).ok()?;
    Some(Intensity {
        mode,
        kg_co2e_per_tonne_km: per_tonne_km
            .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero),
        category,
    })
}

/// kg CO2e for `weight_kg` carried `metres` by `mode`, to one decimal (half away from zero).
pub fn co2e_kg(mode: Mode, metres: u64, weight_kg: Decimal) -> Option<Decimal> {
    let intensity = intensity(mode)?;
    let tonne_km = weight_kg / Decimal::from(1000) * Decimal::from(metres) / Decimal::from(1000);
    Some(
        (tonne_km * intensity.kg_co2e_per_tonne_km)
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or_default()
    }

    #[test]
    fn intensities_follow_the_epa_factors_and_ar5() {
        // Waterborne: (0.044 + 0.0254 × 28 / 1000 + 0.0011 × 265 / 1000) / 1.4599723.
        let sea = intensity(Mode::Sea).map(|i| i.kg_co2e_per_tonne_km);
        assert_eq!(sea, Some(dec("0.030824")));
        // Aircraft: (0.698 + 0 + 0.0215 × 0.265) / 1.4599723.
        assert_eq!(intensity(Mode::Air).map(|i| i.kg_co2e_per_tonne_km), Some(dec("0.481994")));
        // Truck: (0.17 + 0.0016 × 0.028 + 0.0047 × 0.265) / 1.4599723.
        assert_eq!(intensity(Mode::Road).map(|i| i.kg_co2e_per_tonne_km), Some(dec("0.117324")));
    }

    #[test]
    fn a_tonne_over_a_thousand_kilometres_emits_the_intensity_times_a_thousand() {
        assert_eq!(co2e_kg(Mode::Sea, 1_000_000, dec("1000")), Some(dec("30.8")));
        assert_eq!(co2e_kg(Mode::Air, 1_000_000, dec("500")), Some(dec("241.0")));
        assert_eq!(co2e_kg(Mode::Road, 0, dec("500")), Some(dec("0.0")));
    }
}
