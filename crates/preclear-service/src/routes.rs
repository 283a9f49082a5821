//! Routes on the bundled sea, air and road networks: a request (from, to, mode, what is
//! closed, the weight) in, the route out with its legs, distance, transit days, passages,
//! emissions, assumptions and network version. Nothing is stored.

use preclear_route::{Assumptions, Network, Route, RouteRequest};

use crate::access::Op;
use crate::auth::Principal;
use crate::{FieldError, ServiceError};

/// Plans the route of `request`, or names the field that stops it (`from`, `to`, `closed[1]`,
/// `weight_kg`).
pub fn plan(principal: &Principal, request: &RouteRequest) -> Result<Route, ServiceError> {
    principal.may(Op::PlanRoute)?;
    preclear_route::plan(Network::bundled(), request, &Assumptions::stated()).map_err(|error| {
        ServiceError::Invalid(vec![FieldError { field: error.field, message: error.message }])
    })
}
