//! Programs: hardware rollouts to many destinations at once.
//!
//! A **program** has a client and destinations, each with a deployment window and an **import
//! position**: the IOR entity (from the provider's registry, holding the registrations the
//! market requires), the validated consignee, the approvals the assessments require and the
//! specification-list confirmations. **Consignments** belong to a program and a destination,
//! carry their assessment, and follow a guarded lifecycle.
//!
//! This crate decides; it does no IO and reads no clock ("now" and "on" are parameters):
//! - `position` — what a destination needs (from its consignments' assessments), whether an
//!   entity may be assigned, whether the position is pre-validated and what is missing;
//! - `lifecycle` — the states, the transitions allowed and their guards;
//! - `sla` — the clearance clock and the deployment-window forecast;
//! - `rollout` — the program view and its critical path;
//! - `impact` — what a KB change does to an assessment and to a position's needs;
//! - `consignee` — the consignee's checks (tax identifier forms per destination);
//! - `routing` — destinations' lanes and planned routes, disruptions and what they change.

pub mod consignee;
pub mod impact;
pub mod lifecycle;
pub mod model;
pub mod position;
pub mod rollout;
pub mod routing;
pub mod sla;

pub use crate::lifecycle::State;
pub use crate::model::*;
pub use crate::position::{
    ExpiryAlert, Missing, Need, NeedKind, PositionStatus, Remaining, Required, entity_gaps,
    expiry_alerts, needs,
};
pub use crate::rollout::{Rollout, consignment_status, position_standing, rollout};
