//! The probe figures of `preclear kb check`: five common shipments into every market, counted
//! for complete landed costs and for reported requirements with a known lead time.

use preclear_engine::probe::{PROBES, probe};

use crate::support::{kb, zedland};

#[test]
fn the_probes_count_complete_landed_costs_and_known_lead_times() {
    let market = zedland(
        r#"
[[levy]]
id = "zz.duty"
kind = "duty"
name = "Duty"
base = ["customs_value"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "0"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[levy]]
id = "zz.vat"
kind = "tax"
name = "VAT"
base = ["customs_value", "zz.duty"]
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

  [[levy.rate]]
  percent = "10"
  source = "zz-law"
  confidence = "high"
  as_of = 2026-01-01

[[requirement]]
id = "zz.radio"
kind = "type_approval"
name = "Radio approval"
authority = "Zedland Spectrum Office"
scope = "model"
holder = "importer"
lead_time_days = { min = 10, max = 20 }
needed_before = "departure"
when = { radio = "any" }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01

[[requirement]]
id = "zz.used-permit"
kind = "import_licence"
name = "Used goods permit"
authority = "Zedland Trade Office"
scope = "shipment"
holder = "importer"
lead_time_days = "unknown"
needed_before = "departure"
when = { condition = ["refurbished", "used"] }
source = "zz-law"
confidence = "high"
as_of = 2026-01-01
"#,
    );
    let kb = kb(&market, None);
    let figures = probe(&kb, "2026-06-01".parse().unwrap());
    assert_eq!(figures.assessments, PROBES.len());
    assert_eq!(figures.landed_complete, PROBES.len(), "duty and VAT are known for every probe");
    assert!(figures.incomplete_markets.is_empty());
    // The radio approval for the access point and the laptop; the permit for the refurbished
    // server, whose lead time is unknown.
    assert_eq!(figures.requirements, 3, "{figures:?}");
    assert_eq!(figures.requirements_lead_known, 2);
    assert_eq!(figures.unknown_lead_rules, vec![("zz.used-permit".to_owned(), 1)]);
}
