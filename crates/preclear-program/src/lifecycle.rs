//! The consignment lifecycle: its states, the transitions allowed between them, and the guards
//! that refuse a transition whose preconditions do not hold (no release before the position is
//! pre-validated, no clearance without the declaration reference).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{Consignment, Micros, Transition};

/// Where a consignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Created, assessed, not yet accepted.
    Draft,
    /// Its assessment says it can clear (perhaps with conditions).
    PreQualified,
    /// Waiting for the import position's approvals or registrations.
    AwaitingApprovals,
    /// The position is pre-validated: cargo may be released.
    Ready,
    /// Handed over at origin (export cleared).
    ReleasedAtOrigin,
    /// Moving.
    InTransit,
    /// At the destination's port of entry.
    Arrived,
    /// Declared to customs.
    UnderClearance,
    /// Held by customs (inspection, query).
    Held,
    /// Released by customs.
    Cleared,
    /// Delivered to the consignee.
    Delivered,
    /// Finished: nothing more will happen.
    Closed,
    /// Sent back to origin.
    Returned,
    /// Sent on to a third country.
    ReExported,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 14] = [
        State::Draft,
        State::PreQualified,
        State::AwaitingApprovals,
        State::Ready,
        State::ReleasedAtOrigin,
        State::InTransit,
        State::Arrived,
        State::UnderClearance,
        State::Held,
        State::Cleared,
        State::Delivered,
        State::Closed,
        State::Returned,
        State::ReExported,
    ];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::PreQualified => "pre_qualified",
            State::AwaitingApprovals => "awaiting_approvals",
            State::Ready => "ready",
            State::ReleasedAtOrigin => "released_at_origin",
            State::InTransit => "in_transit",
            State::Arrived => "arrived",
            State::UnderClearance => "under_clearance",
            State::Held => "held",
            State::Cleared => "cleared",
            State::Delivered => "delivered",
            State::Closed => "closed",
            State::Returned => "returned",
            State::ReExported => "re_exported",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::PreQualified => "Pre-qualified",
            State::AwaitingApprovals => "Awaiting approvals",
            State::Ready => "Ready",
            State::ReleasedAtOrigin => "Released at origin",
            State::InTransit => "In transit",
            State::Arrived => "Arrived",
            State::UnderClearance => "Under clearance",
            State::Held => "Held / inspection",
            State::Cleared => "Cleared",
            State::Delivered => "Delivered",
            State::Closed => "Closed",
            State::Returned => "Returned",
            State::ReExported => "Re-exported",
        }
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [State] {
        use State::*;
        match self {
            Draft => &[PreQualified],
            PreQualified => &[AwaitingApprovals, Ready],
            AwaitingApprovals => &[Ready],
            Ready => &[ReleasedAtOrigin],
            ReleasedAtOrigin => &[InTransit],
            InTransit => &[Arrived],
            Arrived => &[UnderClearance, Returned],
            UnderClearance => &[Held, Cleared],
            Held => &[UnderClearance, Cleared, Returned, ReExported],
            Cleared => &[Delivered],
            Delivered => &[Closed, Returned],
            Returned | ReExported => &[Closed],
            Closed => &[],
        }
    }

    /// Whether the cargo has left origin.
    pub fn has_moved(self) -> bool {
        !matches!(
            self,
            State::Draft | State::PreQualified | State::AwaitingApprovals | State::Ready
        )
    }

    /// Whether it has reached the destination (arrived, in clearance, held or later): past
    /// every closure on its way.
    pub fn has_arrived(self) -> bool {
        self.has_moved() && !matches!(self, State::ReleasedAtOrigin | State::InTransit)
    }

    /// Whether nothing more is expected of it in the program (delivered or finished).
    pub fn is_done(self) -> bool {
        matches!(self, State::Delivered | State::Closed | State::Returned | State::ReExported)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::ALL.into_iter().find(|state| state.as_str() == s).ok_or_else(|| {
            format!(
                "unknown state `{s}`; expected one of {}",
                State::ALL.map(State::as_str).join(", ")
            )
        })
    }
}

/// What the guards look at.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The consignment's assessment verdict.
    pub verdict: &'a str,
    /// Whether its import position is pre-validated now.
    pub position_prevalidated: bool,
    /// What the position still lacks, for the refusal's reason.
    pub position_missing: usize,
    /// The declaration reference (the consignment's, or the one given with the transition).
    pub declaration_reference: Option<&'a str>,
}

/// Checks a transition. `Err` is the reason, a sentence for the operator.
pub fn check(from: State, to: State, facts: &Facts<'_>) -> Result<(), String> {
    if !from.next().contains(&to) {
        let allowed = from.next().iter().map(|s| s.as_str()).collect::<Vec<_>>();
        return Err(if allowed.is_empty() {
            format!("a consignment that is {} cannot change state", from.as_str())
        } else {
            format!(
                "a consignment cannot go from {} to {}; from {} it may go to {}",
                from.as_str(),
                to.as_str(),
                from.as_str(),
                allowed.join(", ")
            )
        });
    }
    match to {
        State::PreQualified
            if matches!(facts.verdict, "not_clearable" | "ior_not_suitable" | "not_assessable") =>
        {
            Err(format!(
                "the consignment's assessment is {}: it cannot be pre-qualified until the \
                 shipment is changed and re-assessed",
                facts.verdict
            ))
        }
        State::Ready | State::ReleasedAtOrigin if !facts.position_prevalidated => Err(format!(
            "the import position is not pre-validated ({} item(s) missing): cargo may not be {} \
             before it is",
            facts.position_missing,
            if to == State::Ready { "marked ready" } else { "released" }
        )),
        State::Cleared if facts.declaration_reference.is_none_or(|r| r.trim().is_empty()) => {
            Err("a consignment cannot be cleared without the customs declaration reference \
                 (declaration_reference)"
                .into())
        }
        _ => Ok(()),
    }
}

/// Applies a checked transition to a consignment. `at` must not precede its last transition; it
/// may precede the consignment's creation, so that a consignment already under way when it is
/// entered in preclear can have its history recorded as it happened.
pub fn apply(
    consignment: &mut Consignment,
    to: State,
    facts: &Facts<'_>,
    at: Micros,
    actor: &str,
    note: Option<String>,
) -> Result<(), String> {
    check(consignment.state, to, facts)?;
    if let Some(last) = consignment.events.iter().rev().find(|e| e.from.is_some())
        && at < last.at
    {
        return Err(format!(
            "the transition's time precedes the consignment's last transition ({} at {})",
            last.to,
            jiff::Timestamp::from_microsecond(last.at).map(|t| t.to_string()).unwrap_or_default()
        ));
    }
    if to == State::Cleared && consignment.declaration_reference.is_none() {
        consignment.declaration_reference = facts.declaration_reference.map(str::to_owned);
    }
    consignment.events.push(Transition {
        from: Some(consignment.state),
        to,
        at,
        actor: actor.to_owned(),
        note,
    });
    consignment.state = to;
    consignment.updated_at = at;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        verdict: &'static str,
        prevalidated: bool,
        declaration: Option<&'static str>,
    ) -> Facts<'static> {
        Facts {
            verdict,
            position_prevalidated: prevalidated,
            position_missing: usize::from(!prevalidated),
            declaration_reference: declaration,
        }
    }

    #[test]
    fn release_before_pre_validation_is_refused() {
        let err = check(State::Ready, State::ReleasedAtOrigin, &facts("clearable", false, None))
            .unwrap_err();
        assert!(err.contains("not pre-validated"), "{err}");
        assert!(
            check(State::Ready, State::ReleasedAtOrigin, &facts("clearable", true, None)).is_ok()
        );
    }

    #[test]
    fn clearance_needs_the_declaration_reference() {
        let f = facts("clearable", true, None);
        assert!(
            check(State::UnderClearance, State::Cleared, &f).unwrap_err().contains("declaration")
        );
        let f = facts("clearable", true, Some("  "));
        assert!(check(State::UnderClearance, State::Cleared, &f).is_err());
        let f = facts("clearable", true, Some("26341300IM000123"));
        assert!(check(State::UnderClearance, State::Cleared, &f).is_ok());
    }

    #[test]
    fn a_blocked_assessment_cannot_be_pre_qualified() {
        let err = check(State::Draft, State::PreQualified, &facts("not_clearable", true, None))
            .unwrap_err();
        assert!(err.contains("not_clearable"));
    }

    #[test]
    fn skipping_states_is_refused_and_names_the_allowed_ones() {
        let err = check(State::Draft, State::Delivered, &facts("clearable", true, Some("x")))
            .unwrap_err();
        assert_eq!(
            err,
            "a consignment cannot go from draft to delivered; from draft it may go to pre_qualified"
        );
        assert!(
            check(State::Closed, State::Draft, &facts("clearable", true, None))
                .unwrap_err()
                .contains("cannot change state")
        );
    }

    #[test]
    fn every_state_reads_back_from_its_spelling() {
        for state in State::ALL {
            assert_eq!(state.as_str().parse::<State>(), Ok(state));
        }
        assert!("shipped".parse::<State>().unwrap_err().contains("expected one of draft"));
    }

    #[test]
    fn every_state_but_closed_can_reach_closed() {
        for state in State::ALL {
            let mut seen = vec![state];
            let mut i = 0;
            while i < seen.len() {
                for next in seen[i].next() {
                    if !seen.contains(next) {
                        seen.push(*next);
                    }
                }
                i += 1;
            }
            assert!(seen.contains(&State::Closed), "{state} cannot reach closed");
        }
    }
}
