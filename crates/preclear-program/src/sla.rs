//! SLA clocks and deployment-window risk, computed from a consignment's events and the time
//! "now" given by the caller (this crate never reads the clock).
//!
//! - The **clearance clock** runs from arrival to customs release (or to the cargo leaving
//!   again): over the position's `clearance_target_hours` it is breached; past 75 % of it while
//!   running, at risk.
//! - The **window forecast** projects the delivery date from the consignment's state: what the
//!   position still lacks (its longest known lead time), the planned transit, the clearance
//!   target and a day for delivery. Delivered after the window's end is a breach; projected after
//!   it is late; within two days of it, at risk.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::lifecycle::State;
use crate::model::{Consignment, Micros, Position};
use crate::position::Remaining;

const HOUR: Micros = 3_600_000_000;
const DAY: Micros = 24 * HOUR;

/// The UTC date of an instant.
pub fn date_of(at: Micros) -> Date {
    Timestamp::from_microsecond(at)
        .map(|t| t.to_zoned(TimeZone::UTC).date())
        .unwrap_or(Date::constant(1970, 1, 1))
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Not started.
    NotStarted,
    /// Stopped within its target.
    Met,
    /// Running, within its target.
    Running,
    /// Running, past 75 % of its target.
    AtRisk,
    /// Over its target (running or stopped).
    Breached,
}

/// The clearance clock of a consignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Where it stands.
    pub status: ClockStatus,
    /// The target, in hours.
    pub target_hours: u32,
    /// Hours elapsed (to now, or to when it stopped); `None` before it starts.
    pub elapsed_hours: Option<i64>,
}

/// The clearance clock: from arrival to clearance, or to the cargo being returned or re-exported.
pub fn clearance_clock(consignment: &Consignment, target_hours: u32, now: Micros) -> Clock {
    let Some(started) = consignment.entered(State::Arrived) else {
        return Clock { status: ClockStatus::NotStarted, target_hours, elapsed_hours: None };
    };
    let stopped = [State::Cleared, State::Returned, State::ReExported]
        .into_iter()
        .filter_map(|s| consignment.entered(s))
        .min();
    let end = stopped.unwrap_or(now).max(started);
    let elapsed = end.saturating_sub(started);
    let target = i64::from(target_hours).saturating_mul(HOUR);
    let status = if elapsed > target {
        ClockStatus::Breached
    } else if stopped.is_some() {
        ClockStatus::Met
    } else if elapsed.saturating_mul(4) >= target.saturating_mul(3) {
        ClockStatus::AtRisk
    } else {
        ClockStatus::Running
    };
    Clock { status, target_hours, elapsed_hours: Some(elapsed / HOUR) }
}

/// How a consignment stands against its destination's deployment window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowRisk {
    /// No consignment to the destination yet (a destination's risk before its first one).
    NotStarted,
    /// Delivered within the window, or projected well inside it.
    OnTrack,
    /// Delivered, or projected, before the window opens: the goods wait for the site (storage,
    /// a site not ready), which the operator must arrange.
    Early,
    /// Projected within two days of the window's end.
    AtRisk,
    /// The projection cannot be made: a lead time is unknown.
    Unknown,
    /// Projected after the window's end.
    Late,
    /// Delivered after the window's end.
    Breached,
    /// Returned or re-exported: it will not be delivered in this program.
    Withdrawn,
}

impl WindowRisk {
    /// The risk as people read it.
    pub fn label(self) -> &'static str {
        match self {
            WindowRisk::NotStarted => "not started (no consignment yet)",
            WindowRisk::OnTrack => "on track",
            WindowRisk::Early => "early (before the window opens: storage, site not ready)",
            WindowRisk::AtRisk => "at risk",
            WindowRisk::Unknown => "unknown (a lead time is not known)",
            WindowRisk::Late => "late (projected after the window)",
            WindowRisk::Breached => "breached (delivered after the window)",
            WindowRisk::Withdrawn => "withdrawn (returned or re-exported)",
        }
    }
}

impl ClockStatus {
    /// The status as people read it.
    pub fn label(self) -> &'static str {
        match self {
            ClockStatus::NotStarted => "not started",
            ClockStatus::Met => "met",
            ClockStatus::Running => "running",
            ClockStatus::AtRisk => "at risk",
            ClockStatus::Breached => "breached",
        }
    }
}

/// The delivery forecast of a consignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Forecast {
    /// The delivery date: actual once delivered, else projected; `None` when a lead time it
    /// depends on is unknown.
    pub delivery: Option<Date>,
    /// Whether `delivery` is the actual date.
    pub delivered: bool,
    /// Against the window.
    pub risk: WindowRisk,
}

/// The days each remaining stage takes, from a consignment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stages {
    /// Days for the position's missing items (longest known lead time); `None` when one is
    /// unknown.
    pub approvals: Option<u32>,
    /// Days of transit left.
    pub transit: u32,
    /// Days of clearance left.
    pub clearance: u32,
    /// The day of delivery.
    pub delivery: u32,
}

impl Stages {
    /// Their sum, when known.
    pub fn total(&self) -> Option<u32> {
        self.approvals.map(|a| a + self.transit + self.clearance + self.delivery)
    }
}

/// The stages left for a consignment (none once delivered).
pub fn stages(
    consignment: &Consignment,
    position: &Position,
    remaining: &Remaining,
    now: Micros,
) -> Stages {
    let clearance_days = position.clearance_target_hours.div_ceil(24);
    let state = consignment.state;
    if state.is_done() {
        return Stages { approvals: Some(0), transit: 0, clearance: 0, delivery: 0 };
    }
    let approvals = if state.has_moved() {
        Some(0)
    } else if remaining.unknown > 0 {
        None
    } else {
        Some(remaining.days.unwrap_or(0))
    };
    let since = |s: State| consignment.entered(s).map(|at| now.saturating_sub(at) / DAY);
    let elapsed_days = |s: State| u32::try_from(since(s).unwrap_or(0).max(0)).unwrap_or(u32::MAX);
    let (transit, clearance) = match state {
        State::Draft | State::PreQualified | State::AwaitingApprovals | State::Ready => {
            (position.transit_days, clearance_days)
        }
        State::ReleasedAtOrigin | State::InTransit => (
            position.transit_days.saturating_sub(elapsed_days(State::ReleasedAtOrigin)),
            clearance_days,
        ),
        State::Arrived | State::UnderClearance | State::Held => {
            (0, clearance_days.saturating_sub(elapsed_days(State::Arrived)).max(1))
        }
        _ => (0, 0),
    };
    Stages { approvals, transit, clearance, delivery: 1 }
}

/// The delivery forecast against the position's window.
pub fn forecast(
    consignment: &Consignment,
    position: &Position,
    remaining: &Remaining,
    now: Micros,
) -> Forecast {
    let (start, end) = (position.window.start, position.window.end);
    if let Some(at) = consignment.entered(State::Delivered) {
        let delivery = date_of(at);
        let risk = if delivery > end {
            WindowRisk::Breached
        } else if delivery < start {
            WindowRisk::Early
        } else {
            WindowRisk::OnTrack
        };
        return Forecast { delivery: Some(delivery), delivered: true, risk };
    }
    if consignment.state.is_done() {
        return Forecast { delivery: None, delivered: false, risk: WindowRisk::Withdrawn };
    }
    let total = stages(consignment, position, remaining, now).total();
    let delivery =
        total.and_then(|days| date_of(now).checked_add(jiff::Span::new().days(days)).ok());
    let risk = match delivery {
        None => WindowRisk::Unknown,
        Some(d) if d > end => WindowRisk::Late,
        Some(d) if crate::position::days_between(d, end) < 2 => WindowRisk::AtRisk,
        Some(d) if d < start => WindowRisk::Early,
        Some(_) => WindowRisk::OnTrack,
    };
    Forecast { delivery, delivered: false, risk }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::model::{AssessedAs, Transition, Window};

    fn micros(date: Date) -> Micros {
        date.to_zoned(TimeZone::UTC).unwrap().timestamp().as_microsecond()
    }

    fn position() -> Position {
        Position {
            destination: "TR".to_owned(),
            window: Window {
                start: Date::constant(2026, 12, 20),
                end: Date::constant(2027, 1, 31),
            },
            clearance_target_hours: 72,
            transit_days: 4,
            entity: None,
            consignee: None,
            records: Vec::new(),
            routing: crate::routing::Routing::default(),
        }
    }

    fn delivered_on(date: Date) -> Consignment {
        let at = micros(date);
        Consignment {
            id: uuid::Uuid::nil(),
            program_id: uuid::Uuid::nil(),
            org_id: uuid::Uuid::nil(),
            reference: "RF-1".to_owned(),
            destination: "TR".to_owned(),
            state: State::Delivered,
            assessment: AssessedAs {
                id: uuid::Uuid::nil(),
                verdict: "clearable".to_owned(),
                kb_version: "sha256:0".to_owned(),
                as_of: date,
                requirements: Vec::new(),
                gross_weight_kg: None,
                transport_mode: None,
            },
            declaration_reference: None,
            events: vec![Transition {
                from: Some(State::Cleared),
                to: State::Delivered,
                at,
                actor: "ops".to_owned(),
                note: None,
            }],
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_delivery_before_the_window_opens_is_early_not_on_track() {
        let remaining = Remaining { days: Some(0), unknown: 0 };
        for (date, risk) in [
            (Date::constant(2026, 12, 10), WindowRisk::Early),
            (Date::constant(2026, 12, 20), WindowRisk::OnTrack),
            (Date::constant(2027, 1, 31), WindowRisk::OnTrack),
            (Date::constant(2027, 2, 2), WindowRisk::Breached),
        ] {
            let consignment = delivered_on(date);
            let forecast = forecast(&consignment, &position(), &remaining, micros(date));
            assert_eq!(forecast.risk, risk, "delivered on {date}");
            assert_eq!(forecast.delivery, Some(date));
        }
        assert!(WindowRisk::NotStarted < WindowRisk::OnTrack, "any consignment outranks none");
        assert!(WindowRisk::OnTrack < WindowRisk::Early && WindowRisk::Early < WindowRisk::AtRisk);
    }
}
