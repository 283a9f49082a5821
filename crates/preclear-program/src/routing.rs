//! Routes in programs: a destination's planned lane and route, the disruptions recorded on a
//! program (passages and ports closed, from a date, until a date or open-ended), and what a
//! disruption does to each destination it touches — the new route, the days and emissions
//! added, each consignment's window risk before and after, whether the import position holds,
//! and what the operator must decide. Pure: the network, the plan and "now" are parameters.

use jiff::civil::Date;
use preclear_route::{Assumptions, Mode, Network, Passage, Route, RouteError, RouteRequest};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Consignment, Micros, Position, Program};
use crate::position::Remaining;
use crate::sla::{WindowRisk, forecast};

/// A destination's lane: where its cargo leaves and arrives, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// Port UN/LOCODE or airport IATA code of departure.
    pub from: String,
    /// Port UN/LOCODE or airport IATA code of arrival.
    pub to: String,
    /// The main leg's mode.
    pub mode: Mode,
}

/// One leg of a planned route, as a program keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLeg {
    /// How it moves.
    pub mode: Mode,
    /// Where it starts (code).
    pub from: String,
    /// Where it ends (code).
    pub to: String,
    /// Km.
    pub distance_km: Decimal,
    /// Days.
    pub transit_days: Decimal,
}

/// A route as a program keeps it: the figures, not the line on the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRoute {
    /// Km.
    pub distance_km: Decimal,
    /// Days, to a tenth.
    pub transit_days: Decimal,
    /// Whole days, what the window forecast counts.
    pub transit_whole_days: u32,
    /// Passages crossed, by id.
    pub passages: Vec<String>,
    /// The legs.
    pub legs: Vec<PlannedLeg>,
    /// kg CO2e per tonne of cargo.
    pub co2e_kg_per_tonne: Option<Decimal>,
    /// What was closed when it was planned.
    pub closed: Vec<String>,
    /// What it had to work around.
    pub notes: Vec<String>,
    /// The network's version.
    pub network_version: String,
}

impl PlannedRoute {
    /// A route's figures.
    pub fn of(route: &Route) -> PlannedRoute {
        let whole = route.transit_days.ceil();
        PlannedRoute {
            distance_km: route.distance_km,
            transit_days: route.transit_days,
            transit_whole_days: u32::try_from(whole).unwrap_or(u32::MAX),
            passages: route.passages.iter().map(|p| p.id.to_owned()).collect(),
            legs: route
                .legs
                .iter()
                .map(|l| PlannedLeg {
                    mode: l.mode,
                    from: l.from.code.clone(),
                    to: l.to.code.clone(),
                    distance_km: l.distance_km,
                    transit_days: l.transit_days,
                })
                .collect(),
            co2e_kg_per_tonne: route.co2e_kg_per_tonne,
            closed: route.closed.clone(),
            notes: route.notes.clone(),
            network_version: route.network_version.clone(),
        }
    }

    /// Whether it crosses a passage or calls at a port among `closed` (ids or codes).
    pub fn touches(&self, closed: &[String]) -> bool {
        closed.iter().any(|c| match Passage::parse(c) {
            Some(passage) => self.passages.iter().any(|p| p == passage.id()),
            None => {
                let code = c.trim().to_ascii_uppercase();
                self.legs.iter().any(|l| l.from == code || l.to == code)
            }
        })
    }

    /// Where the main leg arrives (the last leg's end that is a port or airport of the main
    /// mode), for the import position's check.
    pub fn arrival(&self) -> Option<&str> {
        self.legs.last().map(|l| l.to.as_str())
    }
}

/// A destination's routing: its lane, the route in force and the route without disruptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    /// The lane, once set.
    pub lane: Option<Lane>,
    /// The route in force (with the program's active disruptions).
    pub route: Option<PlannedRoute>,
    /// The route with nothing closed: what lifting every disruption gives back.
    pub undisrupted: Option<PlannedRoute>,
}

impl Routing {
    /// Nothing set.
    pub fn is_empty(&self) -> bool {
        self.lane.is_none()
    }
}

/// A recorded disruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disruption {
    /// Identifier.
    pub id: Uuid,
    /// Passages (ids) and ports (UN/LOCODE) closed.
    pub closed: Vec<String>,
    /// From this day.
    pub from: Date,
    /// Until this day (inclusive), or open-ended.
    pub until: Option<Date>,
    /// Where the news came from (a carrier's advisory, an authority's notice).
    pub source: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Micros,
    /// When it was lifted, if it was.
    pub lifted_at: Option<Micros>,
    /// The operator's decisions for the destinations it re-routed, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
}

/// What the operator decides for a destination a disruption re-routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Accept the new route (the forecast already counts it).
    Accept,
    /// Switch the consignments the window cannot wait for to another mode (each re-assessed).
    SwitchMode,
    /// Hold the cargo at origin until the closure lifts.
    Hold,
}

impl DecisionKind {
    /// Parses `accept`, `switch_mode` or `hold`.
    pub fn parse(text: &str) -> Option<DecisionKind> {
        match text.trim() {
            "accept" => Some(DecisionKind::Accept),
            "switch_mode" => Some(DecisionKind::SwitchMode),
            "hold" => Some(DecisionKind::Hold),
            _ => None,
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Accept => "accept the new route",
            DecisionKind::SwitchMode => "switch mode",
            DecisionKind::Hold => "hold at origin",
        }
    }
}

/// A decision recorded on a disruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The destination it is for.
    pub destination: String,
    /// What was decided.
    pub decision: DecisionKind,
    /// Why, or what follows (the consignments switched).
    pub note: Option<String>,
    /// Who decided.
    pub by: String,
    /// When.
    pub at: Micros,
}

impl Disruption {
    /// Whether it closes anything on `on`.
    pub fn active_on(&self, on: Date) -> bool {
        self.lifted_at.is_none() && self.from <= on && self.until.is_none_or(|until| on <= until)
    }
}

/// Everything the program's disruptions close on `on`, sorted, each once.
pub fn closed_on(disruptions: &[Disruption], on: Date) -> Vec<String> {
    let mut closed: Vec<String> = disruptions
        .iter()
        .filter(|d| d.active_on(on))
        .flat_map(|d| d.closed.iter().map(|c| normalise(c)))
        .collect();
    closed.sort();
    closed.dedup();
    closed
}

/// A closure as stored: a passage's id, or a port's code in capitals.
pub fn normalise(closure: &str) -> String {
    match Passage::parse(closure) {
        Some(passage) => passage.id().to_owned(),
        None => closure.trim().to_ascii_uppercase(),
    }
}

/// Plans `lane` with `closed` closed.
pub fn plan(network: &Network, lane: &Lane, closed: &[String]) -> Result<PlannedRoute, RouteError> {
    let request = RouteRequest {
        from: lane.from.clone(),
        to: lane.to.clone(),
        mode: lane.mode,
        closed: closed.to_vec(),
        weight_kg: None,
    };
    preclear_route::plan(network, &request, &Assumptions::stated()).map(|r| PlannedRoute::of(&r))
}

/// A consignment's window before and after a route change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsignmentChange {
    /// Its reference.
    pub reference: String,
    /// Its state.
    pub state: crate::State,
    /// The projected delivery and risk on the route before.
    pub delivery_before: Option<Date>,
    /// The risk before.
    pub risk_before: WindowRisk,
    /// The projected delivery on the new route.
    pub delivery_after: Option<Date>,
    /// The risk after.
    pub risk_after: WindowRisk,
}

/// What a change of route does to a destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteChange {
    /// The destination.
    pub destination: String,
    /// The route before.
    pub before: PlannedRoute,
    /// The route after; `None` when every way is closed (`no_route` says why).
    pub after: Option<PlannedRoute>,
    /// Why there is no route after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_route: Option<String>,
    /// Days added (negative: saved), when there is a route after.
    pub added_days: Option<Decimal>,
    /// kg CO2e per tonne added.
    pub added_co2e_kg_per_tonne: Option<Decimal>,
    /// The consignments not yet past the closure (not arrived), each with its window risk.
    pub consignments: Vec<ConsignmentChange>,
    /// Whether the import position holds, and why.
    pub import_position: String,
    /// What the operator must decide.
    pub decisions: Vec<String>,
}

/// What moving `position` from its route to `after` does: the figures and, for each of
/// `consignments` that has not arrived, the window forecast on `now` before and after.
pub fn change(
    position: &Position,
    after: Result<PlannedRoute, String>,
    consignments: &[&Consignment],
    remaining: &Remaining,
    now: Micros,
) -> Option<RouteChange> {
    let before = position.routing.route.clone()?;
    let added_days = after.as_ref().ok().map(|a| a.transit_days - before.transit_days);
    let added_co2e =
        after.as_ref().ok().and_then(|a| Some(a.co2e_kg_per_tonne? - before.co2e_kg_per_tonne?));
    let mut moved = position.clone();
    if let Ok(route) = &after {
        moved.transit_days = route.transit_whole_days;
    }
    let changes = consignments
        .iter()
        .filter(|c| !c.state.is_done() && !c.state.has_arrived())
        .map(|c| {
            let was = forecast(c, position, remaining, now);
            let will = if after.is_ok() {
                forecast(c, &moved, remaining, now)
            } else {
                crate::sla::Forecast { delivery: None, delivered: false, risk: WindowRisk::Unknown }
            };
            ConsignmentChange {
                reference: c.reference.clone(),
                state: c.state,
                delivery_before: was.delivery,
                risk_before: was.risk,
                delivery_after: will.delivery,
                risk_after: will.risk,
            }
        })
        .collect();
    let import_position = match &after {
        Ok(route) if route.arrival() == before.arrival() => format!(
            "holds: the cargo still arrives at {} in {}, so the importer, the consignee, the approvals and the assessment are unchanged",
            route.arrival().unwrap_or("-"),
            position.destination
        ),
        Ok(route) => format!(
            "holds for the country: the cargo now arrives at {} instead of {} (same destination {}); tell the broker and the consignee the new port of entry",
            route.arrival().unwrap_or("-"),
            before.arrival().unwrap_or("-"),
            position.destination
        ),
        Err(_) => "unchanged until the cargo can move".to_owned(),
    };
    let mut decisions = Vec::new();
    match &after {
        Ok(_) => {
            decisions.push("accept the new route (the forecast already counts it)".to_owned());
            decisions.push("switch to air for the consignments the window cannot wait for: the Incoterm must suit air (not FOB, CFR, CIF or FAS) and the transport document becomes an air waybill; re-assess them".to_owned());
            decisions.push("hold at origin until the closure lifts".to_owned());
        }
        Err(_) => {
            decisions.push("switch to air, or hold at origin until the closure lifts".to_owned());
        }
    }
    let (after, no_route) = match after {
        Ok(route) => (Some(route), None),
        Err(reason) => (None, Some(reason)),
    };
    Some(RouteChange {
        destination: position.destination.clone(),
        before,
        after,
        no_route,
        added_days,
        added_co2e_kg_per_tonne: added_co2e,
        consignments: changes,
        import_position,
        decisions,
    })
}

/// A destination's emissions on its route in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationEmissions {
    /// The destination.
    pub destination: String,
    /// kg CO2e per tonne on the route in force.
    pub kg_per_tonne: Option<Decimal>,
    /// kg CO2e of its consignments (not withdrawn) with a known weight, to a tenth.
    pub kg: Decimal,
    /// Consignments counted.
    pub consignments: usize,
    /// Consignments left out: no gross weight on their request.
    pub without_weight: usize,
    /// Consignments left out: switched to another mode than the lane's (their own route is
    /// not planned).
    pub other_mode: usize,
}

/// The program's emissions: per routed destination, and their total (kg CO2e, tank-to-wheel,
/// docs/routing.md), counting each consignment's gross weight on its destination's route.
pub fn emissions(
    program: &Program,
    consignments: &[Consignment],
) -> (Vec<DestinationEmissions>, Decimal) {
    let mut rows = Vec::new();
    for position in &program.positions {
        let Some(route) = &position.routing.route else { continue };
        let mut row = DestinationEmissions {
            destination: position.destination.clone(),
            kg_per_tonne: route.co2e_kg_per_tonne,
            kg: Decimal::ZERO,
            consignments: 0,
            without_weight: 0,
            other_mode: 0,
        };
        let lane_mode = position.routing.lane.as_ref().map(|l| l.mode.as_str());
        for c in consignments.iter().filter(|c| c.destination == position.destination) {
            if matches!(c.state, crate::State::Returned | crate::State::ReExported) {
                continue;
            }
            if c.assessment.transport_mode.is_some()
                && c.assessment.transport_mode.as_deref() != lane_mode
            {
                row.other_mode += 1;
                continue;
            }
            match (c.assessment.gross_weight_kg, route.co2e_kg_per_tonne) {
                (Some(kg), Some(per_tonne)) => {
                    row.kg += kg / Decimal::from(1000) * per_tonne;
                    row.consignments += 1;
                }
                _ => row.without_weight += 1,
            }
        }
        row.kg =
            row.kg.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        rows.push(row);
    }
    let total = rows.iter().map(|r| r.kg).sum();
    (rows, total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn disruption(closed: &[&str], from: &str, until: Option<&str>) -> Disruption {
        Disruption {
            id: Uuid::nil(),
            closed: closed.iter().map(|c| normalise(c)).collect(),
            from: day(from),
            until: until.map(day),
            source: "test".into(),
            recorded_by: "test".into(),
            recorded_at: 0,
            lifted_at: None,
            decisions: Vec::new(),
        }
    }

    #[test]
    fn a_disruption_closes_between_its_dates_until_lifted() {
        let d = disruption(&["Suez", "nlrtm"], "2027-01-10", Some("2027-02-01"));
        assert_eq!(d.closed, ["suez", "NLRTM"]);
        assert!(!d.active_on(day("2027-01-09")));
        assert!(d.active_on(day("2027-01-10")) && d.active_on(day("2027-02-01")));
        assert!(!d.active_on(day("2027-02-02")));
        let open = disruption(&["bab-el-mandeb"], "2027-01-01", None);
        let lifted =
            Disruption { lifted_at: Some(1), ..disruption(&["hormuz"], "2027-01-01", None) };
        let all = [d, open, lifted];
        assert_eq!(closed_on(&all, day("2027-01-15")), ["NLRTM", "babalmandab", "suez"]);
        assert_eq!(closed_on(&all, day("2027-03-01")), ["babalmandab"]);
    }

    #[test]
    fn a_route_is_touched_by_its_passages_and_the_ports_it_calls_at() {
        let network = Network::bundled();
        let lane = Lane { from: "NLRTM".into(), to: "SGSIN".into(), mode: Mode::Sea };
        let route = plan(network, &lane, &[]).unwrap();
        assert!(route.touches(&["suez".into()]));
        assert!(route.touches(&["SGSIN".into()]));
        assert!(!route.touches(&["panama".into(), "USNYC".into()]));
        assert_eq!(route.arrival(), Some("SGSIN"));
        assert_eq!(route.transit_whole_days, 26);
        let cape = plan(network, &lane, &["suez".into()]).unwrap();
        assert!(cape.passages.contains(&"south_africa".to_owned()));
        assert_eq!(cape.closed, ["suez"]);
    }
}
