//! An asset's lifecycle: from deployed at a site to redeployed, sold or recycled, through its
//! recovery, return, grading and refurbishment. Each transition is allowed only from the states
//! that lead to it, and guarded by what must be known first (a grade before grading is done, a
//! valuation before it is offered, the e-waste handover before it is recycled).

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Microseconds since the Unix epoch (UTC).
pub type Micros = i64;

/// Where an asset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetState {
    /// Delivered and in service at a site.
    Deployed,
    /// Taken out of service at its site.
    Decommissioned,
    /// On a recovery order, waiting for collection.
    AwaitingRecovery,
    /// On a return consignment to the refurbishment hub.
    InReturnTransit,
    /// Received at the hub.
    ReceivedAtHub,
    /// Graded (A, B, C or scrap).
    Graded,
    /// Being refurbished.
    Refurbishing,
    /// Refurbished and valued: may be offered for redeployment.
    ReadyForRedeployment,
    /// On an outbound consignment again.
    Redeployed,
    /// Sold.
    Sold,
    /// Handed over for recycling as e-waste.
    Recycled,
}

/// Every state, in lifecycle order.
pub const STATES: [AssetState; 11] = [
    AssetState::Deployed,
    AssetState::Decommissioned,
    AssetState::AwaitingRecovery,
    AssetState::InReturnTransit,
    AssetState::ReceivedAtHub,
    AssetState::Graded,
    AssetState::Refurbishing,
    AssetState::ReadyForRedeployment,
    AssetState::Redeployed,
    AssetState::Sold,
    AssetState::Recycled,
];

impl AssetState {
    /// `deployed`, `awaiting_recovery`…
    pub fn as_str(self) -> &'static str {
        match self {
            AssetState::Deployed => "deployed",
            AssetState::Decommissioned => "decommissioned",
            AssetState::AwaitingRecovery => "awaiting_recovery",
            AssetState::InReturnTransit => "in_return_transit",
            AssetState::ReceivedAtHub => "received_at_hub",
            AssetState::Graded => "graded",
            AssetState::Refurbishing => "refurbishing",
            AssetState::ReadyForRedeployment => "ready_for_redeployment",
            AssetState::Redeployed => "redeployed",
            AssetState::Sold => "sold",
            AssetState::Recycled => "recycled",
        }
    }

    /// Parses [`AssetState::as_str`].
    pub fn parse(text: &str) -> Option<AssetState> {
        STATES.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// The states it may move to.
    pub fn next(self) -> &'static [AssetState] {
        use AssetState::*;
        match self {
            Deployed => &[Decommissioned],
            Decommissioned => &[AwaitingRecovery, Recycled, Sold],
            AwaitingRecovery => &[InReturnTransit, Decommissioned],
            InReturnTransit => &[ReceivedAtHub],
            ReceivedAtHub => &[Graded],
            Graded => &[Refurbishing, Sold, Recycled],
            Refurbishing => &[ReadyForRedeployment, Recycled],
            ReadyForRedeployment => &[Redeployed, Sold, Recycled],
            Redeployed => &[Deployed],
            Sold | Recycled => &[],
        }
    }

    /// Whether nothing more happens to it.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }
}

impl fmt::Display for AssetState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of an asset's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetEvent {
    /// The state left (`None` when the asset was first recorded).
    pub from: Option<AssetState>,
    /// The state entered.
    pub to: AssetState,
    /// When.
    pub at: Micros,
    /// Who.
    pub actor: String,
    /// The consignment it moved with (a return or a redeployment), if any.
    pub consignment: Option<Uuid>,
    /// A note (the e-waste handover reference, the buyer).
    pub note: Option<String>,
}

/// What a transition brings with it, for its guards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Move {
    /// The consignment it moves with.
    pub consignment: Option<Uuid>,
    /// A note.
    pub note: Option<String>,
}

/// Checks a transition of `asset` to `to`: `Err` is the reason, for the operator.
pub fn check(asset: &crate::Asset, to: AssetState, with: &Move) -> Result<(), String> {
    let from = asset.state;
    if !from.next().contains(&to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Err(if allowed.is_empty() {
            format!("asset {} is {from}: nothing more happens to it", asset.serial)
        } else {
            format!(
                "asset {} is {from}: it may move to {} only, not to {to}",
                asset.serial,
                allowed.join(", ")
            )
        });
    }
    let note = with.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    match to {
        AssetState::InReturnTransit | AssetState::Redeployed if with.consignment.is_none() => {
            Err(format!("asset {} moves to {to} with a consignment: name it", asset.serial))
        }
        AssetState::Graded if asset.grade.is_none() => {
            Err(format!("asset {} has no grade yet: grade it first", asset.serial))
        }
        AssetState::ReadyForRedeployment if asset.valuation.is_none() => Err(format!(
            "asset {} has no valuation: value it by a stated method first (customs needs a defensible value for used goods)",
            asset.serial
        )),
        AssetState::Recycled if note.is_none() => Err(format!(
            "asset {} is e-waste once recycled: record the handover to the licensed recycler (its reference) in the note",
            asset.serial
        )),
        AssetState::Sold if note.is_none() => {
            Err(format!("asset {} is sold to someone: name the buyer in the note", asset.serial))
        }
        _ => Ok(()),
    }
}

/// Applies a checked transition.
pub fn apply(
    asset: &mut crate::Asset,
    to: AssetState,
    with: Move,
    at: Micros,
    actor: &str,
) -> Result<(), String> {
    check(asset, to, &with)?;
    if let Some(last) = asset.events.last()
        && at < last.at
    {
        return Err(format!(
            "the transition's time precedes asset {}'s last one ({})",
            asset.serial, last.to
        ));
    }
    asset.events.push(AssetEvent {
        from: Some(asset.state),
        to,
        at,
        actor: actor.to_owned(),
        consignment: with.consignment,
        note: with.note,
    });
    asset.state = to;
    Ok(())
}
