//! `preclear route FROM TO`: a route on the bundled networks (sea lanes with their passages,
//! ports, airports) with its legs, distance, transit days, passages and emissions, and the
//! assumptions behind them.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use preclear_route::{Assumptions, Mode, Network, Route, RouteRequest};
use rust_decimal::Decimal;

use crate::Format;

/// `preclear route`.
pub(crate) fn run(
    from: &str,
    to: &str,
    mode: &str,
    closed: &[String],
    weight_kg: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let Some(mode) = Mode::parse(mode) else {
        bail!("--mode `{mode}`: give sea, air or road");
    };
    let weight_kg = match weight_kg {
        None => None,
        Some(text) => match text.trim().parse::<Decimal>() {
            Ok(weight) => Some(weight),
            Err(_) => bail!("--weight-kg `{text}`: give the gross weight in kg, e.g. 1200.5"),
        },
    };
    let request = RouteRequest {
        from: from.to_owned(),
        to: to.to_owned(),
        mode,
        closed: closed.iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
        weight_kg,
    };
    let route = match preclear_route::plan(Network::bundled(), &request, &Assumptions::stated()) {
        Ok(route) => route,
        Err(error) => {
            let what = match error.field.as_str() {
                "from" => "FROM".to_owned(),
                "to" => "TO".to_owned(),
                "weight_kg" => "--weight-kg".to_owned(),
                field if field.starts_with("closed") => "--closed".to_owned(),
                field => field.to_owned(),
            };
            bail!("{what}: {}", error.message);
        }
    };
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&route)?),
        Format::Text => out!("{}", render(&route)),
    }
    Ok(ExitCode::SUCCESS)
}

fn co2e(kg: Option<Decimal>, per_tonne: Option<Decimal>) -> String {
    match (kg, per_tonne) {
        (Some(kg), _) => format!("{kg} kg CO2e"),
        (None, Some(per_tonne)) => format!("{per_tonne} kg CO2e per tonne"),
        (None, None) => "emissions unknown".to_owned(),
    }
}

/// The route as a report.
pub(crate) fn render(route: &Route) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, {}) to {} ({}, {}) by {}: {} km, {} days, {}",
        route.from.name,
        route.from.code,
        route.from.country,
        route.to.name,
        route.to.code,
        route.to.country,
        route.mode.as_str(),
        route.distance_km,
        route.transit_days,
        co2e(route.co2e_kg, route.co2e_kg_per_tonne),
    );
    if !route.passages.is_empty() {
        let names: Vec<&str> = route.passages.iter().map(|p| p.name).collect();
        let _ = writeln!(out, "Passages: {}", names.join(", "));
    }
    if !route.closed.is_empty() {
        let _ = writeln!(out, "Closed: {}", route.closed.join(", "));
    }
    for note in &route.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    let _ = writeln!(out, "\nLegs:");
    for (index, leg) in route.legs.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {:<4} {} {} -> {} {}: {} km, {} days, {}",
            index + 1,
            leg.mode.as_str(),
            leg.from.code,
            leg.from.name,
            leg.to.code,
            leg.to.name,
            leg.distance_km,
            leg.transit_days,
            co2e(leg.co2e_kg, leg.co2e_kg_per_tonne),
        );
    }
    let _ = writeln!(out, "\nAssumptions:");
    for assumption in &route.assumptions {
        let _ = writeln!(
            out,
            "  {} = {} ({} confidence): {}",
            assumption.name, assumption.value, assumption.confidence, assumption.basis
        );
    }
    let _ = writeln!(out, "\nEmissions: {}", route.emissions_method);
    let _ = writeln!(out, "Network: {}", route.network_version);
    out
}
