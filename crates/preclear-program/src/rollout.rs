//! The near-simultaneous rollout view: for every destination of a program, the position's
//! standing, its consignments by state, SLA status and window risk; and the critical path to
//! the program's last delivery.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::lifecycle::State;
use crate::model::{Consignment, Entity, EntityRef, Micros, Position, Program, Window};
use crate::position::{Need, PositionStatus, needs, status};
use crate::sla::{
    Clock, ClockStatus, Forecast, WindowRisk, clearance_clock, date_of, forecast, stages,
};

/// The rollout view of a program at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollout {
    /// The program's id.
    pub program_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// Its name.
    pub name: String,
    /// The client.
    pub client_name: String,
    /// The date the view is computed for (UTC date of "now").
    pub as_of: Date,
    /// Program totals.
    pub totals: Totals,
    /// One row per destination, in the program's order.
    pub destinations: Vec<DestinationView>,
    /// The chain of remaining steps that sets the last delivery.
    pub critical_path: Option<CriticalPath>,
    /// Emissions on the routes in force, per routed destination (kg CO2e, tank-to-wheel).
    pub emissions: Vec<crate::routing::DestinationEmissions>,
    /// Their total, kg CO2e.
    pub emissions_total_kg: rust_decimal::Decimal,
}

/// Counts over the whole program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Destinations.
    pub destinations: usize,
    /// Destinations whose position is pre-validated.
    pub prevalidated: usize,
    /// Consignments.
    pub consignments: usize,
    /// Consignments by state (only states with any).
    pub by_state: BTreeMap<State, usize>,
    /// Consignments whose clearance SLA is breached.
    pub sla_breached: usize,
    /// Consignments delivered after, or projected after, their window.
    pub window_late: usize,
    /// The last delivery, actual or projected; `None` when one cannot be projected.
    pub last_delivery: Option<Date>,
}

/// One destination of the rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationView {
    /// The destination.
    pub destination: String,
    /// Its deployment window.
    pub window: Window,
    /// The clearance SLA target in hours.
    pub clearance_target_hours: u32,
    /// The assigned IOR entity.
    pub entity: Option<EntityRef>,
    /// The position's standing.
    pub position: PositionStatus,
    /// Consignments.
    pub consignments: usize,
    /// By state.
    pub by_state: BTreeMap<State, usize>,
    /// Clearance clocks by status.
    pub sla: BTreeMap<ClockStatus, usize>,
    /// The worst window risk of its consignments (`not_started` with none).
    pub window_risk: WindowRisk,
    /// Its last delivery, actual or projected; `None` when it cannot be projected or there are
    /// no consignments.
    pub last_delivery: Option<Date>,
    /// Consignments that need attention: an SLA breached or at risk, a window missed or at risk.
    pub alerts: Vec<Alert>,
}

/// When a destination finishes: nothing to deliver, on a date, or not projectable (which ranks
/// last, since it cannot be bounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Finish {
    Nothing,
    On(Date),
    Unknown,
}

/// A consignment that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The consignment.
    pub consignment_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// `clearance_sla_breached`, `clearance_sla_at_risk`, `window_breached`, `window_late`,
    /// `window_at_risk`.
    pub code: &'static str,
    /// A sentence for the operator.
    pub message: String,
}

/// How one consignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConsignmentStatus {
    /// The clearance clock.
    pub clearance: Clock,
    /// The delivery forecast.
    pub forecast: Forecast,
}

/// The remaining steps to the program's last delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriticalPath {
    /// The destination that finishes last.
    pub destination: String,
    /// The consignment that finishes last there.
    pub consignment: Option<String>,
    /// When it finishes; `None` when a step's duration is unknown.
    pub finishes_on: Option<Date>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A step of the critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What must happen.
    pub what: String,
    /// How many days it takes; `None` when unknown.
    pub days: Option<u32>,
}

/// A destination's needs and position standing, from its consignments.
pub fn position_standing(
    position: &Position,
    entity: Option<&Entity>,
    consignments: &[&Consignment],
    on: Date,
) -> (Vec<Need>, PositionStatus) {
    let needs = needs(consignments.iter().map(|c| c.assessment.requirements.as_slice()));
    let standing = status(position, entity, &needs, consignments.len(), on);
    (needs, standing)
}

/// How one consignment stands now.
pub fn consignment_status(
    consignment: &Consignment,
    position: &Position,
    standing: &PositionStatus,
    now: Micros,
) -> ConsignmentStatus {
    ConsignmentStatus {
        clearance: clearance_clock(consignment, position.clearance_target_hours, now),
        forecast: forecast(consignment, position, &standing.remaining, now),
    }
}

/// The rollout view of `program` at `now`, from its consignments and the registry's entities.
pub fn rollout(
    program: &Program,
    entities: &[Entity],
    consignments: &[Consignment],
    now: Micros,
) -> Rollout {
    let on = date_of(now);
    let entities: HashMap<Uuid, &Entity> = entities.iter().map(|e| (e.id, e)).collect();
    let mut by_destination: HashMap<&str, Vec<&Consignment>> = HashMap::new();
    for c in consignments {
        by_destination.entry(c.destination.as_str()).or_default().push(c);
    }
    let mut totals = Totals {
        destinations: program.positions.len(),
        prevalidated: 0,
        consignments: 0,
        by_state: BTreeMap::new(),
        sla_breached: 0,
        window_late: 0,
        last_delivery: None,
    };
    let mut destinations = Vec::with_capacity(program.positions.len());
    // The destination that finishes last: (its finish, index, consignment).
    let mut latest: Option<(Finish, usize, Option<&Consignment>)> = None;
    for (index, position) in program.positions.iter().enumerate() {
        let list = by_destination.get(position.destination.as_str()).map_or(&[][..], |v| v);
        let entity = position.entity.as_ref().and_then(|e| entities.get(&e.id).copied());
        let (_, standing) = position_standing(position, entity, list, on);
        if standing.prevalidated {
            totals.prevalidated += 1;
        }
        let mut row = DestinationView {
            destination: position.destination.clone(),
            window: position.window,
            clearance_target_hours: position.clearance_target_hours,
            entity: position.entity.clone(),
            position: standing,
            consignments: list.len(),
            by_state: BTreeMap::new(),
            sla: BTreeMap::new(),
            window_risk: WindowRisk::NotStarted,
            last_delivery: None,
            alerts: Vec::new(),
        };
        let mut finish = Finish::Nothing;
        let mut finisher: Option<&Consignment> = None;
        for c in list {
            let s = consignment_status(c, position, &row.position, now);
            *row.by_state.entry(c.state).or_default() += 1;
            *totals.by_state.entry(c.state).or_default() += 1;
            *row.sla.entry(s.clearance.status).or_default() += 1;
            if s.forecast.risk != WindowRisk::Withdrawn {
                row.window_risk = row.window_risk.max(s.forecast.risk);
            }
            alerts(c, &s, position, &mut row.alerts);
            if s.clearance.status == ClockStatus::Breached {
                totals.sla_breached += 1;
            }
            if matches!(s.forecast.risk, WindowRisk::Late | WindowRisk::Breached) {
                totals.window_late += 1;
            }
            let this = match (s.forecast.risk, s.forecast.delivery) {
                (WindowRisk::Withdrawn, _) => Finish::Nothing,
                (_, None) => Finish::Unknown,
                (_, Some(d)) => Finish::On(d),
            };
            if this > finish {
                finish = this;
                finisher = Some(c);
            }
        }
        row.last_delivery = match finish {
            Finish::On(d) => Some(d),
            _ => None,
        };
        totals.consignments += list.len();
        if latest.as_ref().is_none_or(|(best, _, _)| finish > *best) {
            latest = Some((finish, index, finisher));
        }
        destinations.push(row);
    }
    totals.last_delivery = match latest {
        Some((Finish::On(d), _, _)) => Some(d),
        _ => None,
    };
    let critical_path = latest.map(|(finish, index, consignment)| {
        let finishes_on = match finish {
            Finish::On(d) => Some(d),
            _ => None,
        };
        critical_path(
            &program.positions[index],
            &destinations[index],
            consignment,
            finishes_on,
            now,
        )
    });
    let (emissions, emissions_total_kg) = crate::routing::emissions(program, consignments);
    Rollout {
        program_id: program.id,
        reference: program.reference.clone(),
        name: program.name.clone(),
        client_name: program.client_name.clone(),
        as_of: on,
        totals,
        destinations,
        critical_path,
        emissions,
        emissions_total_kg,
    }
}

fn alerts(c: &Consignment, s: &ConsignmentStatus, position: &Position, out: &mut Vec<Alert>) {
    let mut push = |code: &'static str, message: String| {
        out.push(Alert { consignment_id: c.id, reference: c.reference.clone(), code, message });
    };
    let hours = s.clearance.elapsed_hours.unwrap_or(0);
    match s.clearance.status {
        ClockStatus::Breached => push(
            "clearance_sla_breached",
            format!("clearance took {hours} h against a target of {} h", s.clearance.target_hours),
        ),
        ClockStatus::AtRisk => push(
            "clearance_sla_at_risk",
            format!("{hours} h since arrival, target {} h", s.clearance.target_hours),
        ),
        _ => {}
    }
    let end = position.window.end;
    let when = s.forecast.delivery.map(|d| d.to_string()).unwrap_or_default();
    match s.forecast.risk {
        WindowRisk::Breached => {
            push("window_breached", format!("delivered on {when}, after the window's end {end}"))
        }
        WindowRisk::Late => push(
            "window_late",
            format!("projected delivery {when} is after the window's end {end}"),
        ),
        WindowRisk::AtRisk => push(
            "window_at_risk",
            format!("projected delivery {when} is close to the window's end {end}"),
        ),
        WindowRisk::Early => push(
            "window_early",
            format!(
                "{} {when}, before the window opens on {}: arrange storage until the site is ready",
                if s.forecast.delivered { "delivered" } else { "projected delivery" },
                position.window.start
            ),
        ),
        _ => {}
    }
}

fn critical_path(
    position: &Position,
    row: &DestinationView,
    consignment: Option<&Consignment>,
    finishes_on: Option<Date>,
    now: Micros,
) -> CriticalPath {
    let mut steps = Vec::new();
    let Some(c) = consignment else {
        steps.push(Step {
            what: format!("create and assess the first consignment to {}", position.destination),
            days: None,
        });
        return CriticalPath {
            destination: position.destination.clone(),
            consignment: None,
            finishes_on,
            steps,
        };
    };
    let stages = stages(c, position, &row.position.remaining, now);
    if !c.state.has_moved() {
        for missing in &row.position.missing {
            steps.push(Step {
                what: format!("position {}: {}", position.destination, missing.what),
                days: missing.lead_time_days.map(|(_, max)| max),
            });
        }
        steps.sort_by_key(|s| std::cmp::Reverse(s.days));
        steps.push(Step { what: "release at origin".into(), days: Some(0) });
    }
    if stages.transit > 0 {
        steps.push(Step { what: "transit to arrival".into(), days: Some(stages.transit) });
    }
    if stages.clearance > 0 {
        steps.push(Step { what: "customs clearance".into(), days: Some(stages.clearance) });
    }
    if stages.delivery > 0 {
        steps.push(Step { what: "delivery to the consignee".into(), days: Some(stages.delivery) });
    }
    CriticalPath {
        destination: position.destination.clone(),
        consignment: Some(c.reference.clone()),
        finishes_on,
        steps,
    }
}
