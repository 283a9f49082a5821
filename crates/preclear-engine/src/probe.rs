//! The KB's depth, measured the way a user meets it: every market is assessed with the same five
//! common shipments (new servers, Wi-Fi access points, switches, refurbished servers, laptops),
//! and the figures say how many landed costs came out complete and how many of the requirements
//! the engine reported have a known lead time. They ship from the Netherlands, or from the United
//! States into the Netherlands' customs union (an intra-EU supply is no import). `preclear kb check` prints them; they are the
//! targets of the knowledge base's depth (see docs/kb-format.md, "Depth figures").

use preclear_domain::request::parse_shipment_request;
use preclear_domain::{Country, Date};
use preclear_kb::Kb;

/// One probe shipment: what a user most often sends.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    /// A short name for reports (`server`, `access-point`, …).
    pub name: &'static str,
    category: &'static str,
    hs: &'static str,
    condition: &'static str,
    radio: &'static str,
    unit_value: &'static str,
}

/// The five probe shipments.
pub const PROBES: [Probe; 5] = [
    Probe {
        name: "server",
        category: "server",
        hs: "847150",
        condition: "new",
        radio: "[]",
        unit_value: "9800.00",
    },
    Probe {
        name: "access-point",
        category: "wireless_access_point",
        hs: "851762",
        condition: "new",
        radio: r#"["wifi"]"#,
        unit_value: "450.00",
    },
    Probe {
        name: "switch",
        category: "switch",
        hs: "851762",
        condition: "new",
        radio: "[]",
        unit_value: "5200.00",
    },
    Probe {
        name: "refurbished-server",
        category: "server",
        hs: "847150",
        condition: "refurbished",
        radio: "[]",
        unit_value: "3100.00",
    },
    Probe {
        name: "laptop",
        category: "laptop",
        hs: "847130",
        condition: "new",
        radio: r#"["wifi", "bluetooth"]"#,
        unit_value: "1400.00",
    },
];

/// The probe shipment `probe` to `destination` from `origin`, valued in US dollars, DDP by air,
/// made in China.
pub fn request(probe: &Probe, destination: Country, origin: Country) -> String {
    let origin = origin.as_str();
    format!(
        r#"{{"reference": "PROBE-{dest}-{name}",
  "client": {{"name": "Probe Client GmbH", "country": "DE", "local_entity_in_destination": false}},
  "origin": "{origin}", "destination": "{dest}", "transport_mode": "air", "incoterm": "DDP",
  "currency": "USD", "freight": "1200.00", "insurance": "60.00", "purpose": "business_use",
  "consignee": {{"name": "Probe Consignee", "country": "{dest}", "address": "Capital"}},
  "items": [{{"description": "probe {name}", "category": "{category}", "hs_code": "{hs}",
    "manufacturer": "Probe", "model": "P-1", "country_of_origin": "CN", "condition": "{condition}",
    "quantity": 10, "unit_value": "{value}", "unit_weight_kg": "10", "radio": {radio},
    "encryption": "mass_market", "eccn": "5A992.c", "battery": null, "gpu": null}}]}}"#,
        dest = destination.as_str(),
        name = probe.name,
        category = probe.category,
        hs = probe.hs,
        condition = probe.condition,
        value = probe.unit_value,
        radio = probe.radio,
    )
}

/// What the probe assessments of every market found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeFigures {
    /// Assessments made (markets × probes).
    pub assessments: usize,
    /// Those whose landed cost is complete.
    pub landed_complete: usize,
    /// Markets with at least one incomplete landed cost.
    pub incomplete_markets: Vec<Country>,
    /// Destination requirements reported (counted once per assessment that reports them).
    pub requirements: usize,
    /// Those with a known lead time.
    pub requirements_lead_known: usize,
    /// The rules reported without a lead time, each once, with how many assessments reported it.
    pub unknown_lead_rules: Vec<(String, usize)>,
}

/// Assesses every market of `kb` with the five [`PROBES`] on `as_of`.
pub fn probe(kb: &Kb, as_of: Date) -> ProbeFigures {
    let mut figures = ProbeFigures::default();
    for market in kb.markets() {
        let mut market_incomplete = false;
        // From the Netherlands, as a European client ships; into the Netherlands' customs union,
        // from the United States (an intra-union supply is no import).
        let (Ok(nl), Ok(us)) = (Country::parse("NL"), Country::parse("US")) else { continue };
        let nl_union = kb.market(nl).and_then(|m| m.union.as_deref());
        let inside =
            market.country == nl || (nl_union.is_some() && market.union.as_deref() == nl_union);
        let origin = if inside { us } else { nl };
        for probe in &PROBES {
            let Ok(shipment) = parse_shipment_request(&request(probe, market.country, origin))
            else {
                continue;
            };
            let assessment = crate::assess(kb, &shipment, as_of);
            figures.assessments += 1;
            if assessment.landed_cost.complete {
                figures.landed_complete += 1;
            } else {
                market_incomplete = true;
            }
            for requirement in assessment
                .requirements
                .iter()
                .filter(|r| r.side == crate::RequirementSide::Destination)
            {
                figures.requirements += 1;
                if requirement.lead_time_days.is_some() {
                    figures.requirements_lead_known += 1;
                } else {
                    match figures
                        .unknown_lead_rules
                        .iter_mut()
                        .find(|(r, _)| *r == requirement.rule)
                    {
                        Some((_, n)) => *n += 1,
                        None => figures.unknown_lead_rules.push((requirement.rule.clone(), 1)),
                    }
                }
            }
        }
        if market_incomplete {
            figures.incomplete_markets.push(market.country);
        }
    }
    figures.unknown_lead_rules.sort();
    figures
}
