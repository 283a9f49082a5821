//! Routes in programs (issue 22): a destination's lane and planned route (the window forecast
//! then counts the route's days), disruptions recorded on a program (which re-plan every
//! destination whose route they touch and say what each consignment loses), and their lifting.
//! Every change is audited with the routes before and after.

use preclear_program::routing::{self, Disruption, Lane, RouteChange};
use preclear_program::{Consignment, Program};
use preclear_route::{Mode, Network};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::Op;
use crate::auth::Principal;
use crate::clock::date_of;
use crate::error::{FieldError, ServiceError};
use crate::ops::event;
use crate::programs::{PositionContext, Problems, position_index, put_program, with_country};

/// The most closures one disruption names.
pub const MAX_CLOSED: usize = 16;

/// A lane as given.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLane {
    /// Port UN/LOCODE (or airport IATA code) of departure.
    pub from: String,
    /// Port UN/LOCODE (or airport IATA code) of arrival.
    pub to: String,
    /// `sea`, `air` or `road`.
    pub mode: Mode,
}

/// A disruption as given.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDisruption {
    /// Passages (`suez`, `babalmandab`, `hormuz`, `panama`, `malacca`…) and ports (UN/LOCODE)
    /// that close.
    pub closed: Vec<String>,
    /// From this day (YYYY-MM-DD).
    pub from: String,
    /// Until this day (YYYY-MM-DD, inclusive); open-ended when absent.
    #[serde(default)]
    pub until: Option<String>,
    /// Where the news comes from (a carrier's advisory, an authority's notice).
    pub source: String,
}

/// What a disruption (or its lifting) did to a program.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisruptionReport {
    /// The disruption.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub disruption: Disruption,
    /// Each destination whose route changed: the routes before and after, the days and
    /// emissions added, each consignment's window risk before and after, whether the import
    /// position holds, what to decide.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub changes: Vec<RouteChange>,
    /// Destinations with a route the disruption does not touch.
    pub unaffected: Vec<String>,
    /// Destinations without a lane (nothing to re-plan: set one to see the effect).
    pub without_route: Vec<String>,
}

/// Sets a destination's lane, plans its route with the program's disruptions active today, and
/// makes the window forecast count the route's days.
pub async fn set_route(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    destination: &str,
    lane: &NewLane,
    now: i64,
) -> Result<Program, ServiceError> {
    principal.may(Op::SetRoute)?;
    let mut ctx = PositionContext::load(state, principal, program_id, Some(destination)).await?;
    let index = position_index(&ctx.program, destination)?;
    let network = Network::bundled();
    let lane = Lane {
        from: lane.from.trim().to_ascii_uppercase(),
        to: lane.to.trim().to_ascii_uppercase(),
        mode: lane.mode,
    };
    let arrival_country = network
        .port(&lane.to)
        .map(|p| p.country.clone())
        .or_else(|| network.airport(&lane.to).map(|a| a.country.clone()));
    if arrival_country.as_deref().is_some_and(|c| c != destination) {
        return Err(ServiceError::invalid_field(
            "to",
            format!(
                "`{}` is in {}, not in the destination {destination}",
                lane.to,
                arrival_country.unwrap_or_default()
            ),
        ));
    }
    let field_error = |e: preclear_route::RouteError| {
        ServiceError::Invalid(vec![FieldError { field: e.field, message: e.message }])
    };
    let undisrupted = routing::plan(network, &lane, &[]).map_err(field_error)?;
    let closed = routing::closed_on(&ctx.program.disruptions, date_of(now));
    let route = routing::plan(network, &lane, &closed).map_err(field_error)?;
    let position = &mut ctx.program.positions[index];
    let before = json!({ "destination": destination, "lane": position.routing.lane,
        "transit_days": position.transit_days });
    position.transit_days = route.transit_whole_days;
    position.routing = routing::Routing {
        lane: Some(lane.clone()),
        route: Some(route.clone()),
        undisrupted: Some(undisrupted),
    };
    ctx.program.updated_at = now;
    let audit = event(
        ctx.program.org_id,
        &principal.actor,
        now,
        "position.route_set",
        ("program", ctx.program.id.to_string()),
        Some(before),
        Some(json!({ "destination": destination, "lane": lane, "route": route,
            "transit_days": route.transit_whole_days })),
    );
    put_program(state, &ctx.program, ctx.version + 1, with_country(audit, destination)).await?;
    Ok(ctx.program)
}

/// Records a disruption and re-plans every destination whose route it touches.
pub async fn record_disruption(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    new: &NewDisruption,
    now: i64,
) -> Result<DisruptionReport, ServiceError> {
    principal.may(Op::RecordDisruption)?;
    let network = Network::bundled();
    let mut p = Problems::default();
    if new.closed.is_empty() || new.closed.len() > MAX_CLOSED {
        p.push("closed", format!("name 1 to {MAX_CLOSED} passages or ports"));
    }
    let closed: Vec<String> = new.closed.iter().map(|c| routing::normalise(c)).collect();
    if let Err(e) = preclear_route::closures(network, &new.closed) {
        p.push(e.field, e.message);
    }
    let from = p.date("from", Some(&new.from));
    if new.from.trim().is_empty() {
        p.push("from", "give the day the closure starts (YYYY-MM-DD)");
    }
    let until = p.date("until", new.until.as_deref());
    if let (Some(from), Some(until)) = (from, until)
        && until < from
    {
        p.push("until", "must not be before `from`");
    }
    let source = p.text("source", &new.source);
    p.done()?;
    let from = from.ok_or_else(|| ServiceError::invalid_field("from", "is required"))?;
    let mut ctx = PositionContext::load(state, principal, program_id, None).await?;
    let mut closed_sorted = closed;
    closed_sorted.sort();
    closed_sorted.dedup();
    let disruption = Disruption {
        id: Uuid::now_v7(),
        closed: closed_sorted,
        from,
        until,
        source,
        recorded_by: principal.actor.0.clone(),
        recorded_at: now,
        lifted_at: None,
        decisions: Vec::new(),
    };
    ctx.program.disruptions.push(disruption.clone());
    let on = from.max(date_of(now));
    let report = replan(&mut ctx, &disruption, on, now, |route| route.touches(&disruption.closed))?;
    let audit = event(
        ctx.program.org_id,
        &principal.actor,
        now,
        "program.disruption_recorded",
        ("program", ctx.program.id.to_string()),
        None,
        Some(json!({ "disruption": disruption, "changes": report.changes })),
    );
    ctx.program.updated_at = now;
    put_program(state, &ctx.program, ctx.version + 1, audit).await?;
    Ok(report)
}

/// A decision as given.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// The destination (ISO 3166 alpha-2) the decision is for.
    pub destination: String,
    /// `accept`, `switch_mode` or `hold`.
    pub decision: String,
    /// Why, or what follows.
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the operator's decision for a destination a disruption re-routed: accept the new
/// route, switch mode, or hold at origin. Audited; kept on the disruption.
pub async fn decide(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    disruption_id: Uuid,
    new: &NewDecision,
    now: i64,
) -> Result<Disruption, ServiceError> {
    principal.may(Op::RecordDisruption)?;
    let mut p = Problems::default();
    let kind = routing::DecisionKind::parse(&new.decision);
    if kind.is_none() {
        p.push(
            "decision",
            format!("`{}` is not a decision: accept, switch_mode or hold", new.decision.trim()),
        );
    }
    let note = p.opt_text("note", new.note.as_deref());
    p.done()?;
    let (mut program, version) = crate::programs::program(state, principal, program_id).await?;
    let destination = new.destination.trim().to_ascii_uppercase();
    let index = position_index(&program, &destination).map_err(|_| {
        ServiceError::invalid_field(
            "destination",
            format!("`{destination}` is not a destination of program {}", program.reference),
        )
    })?;
    if program.positions[index].routing.lane.is_none() {
        return Err(ServiceError::invalid_field(
            "destination",
            format!("{destination} has no lane: a disruption does not re-route it"),
        ));
    }
    let Some(disruption) = program.disruptions.iter_mut().find(|d| d.id == disruption_id) else {
        return Err(ServiceError::NotFound(format!(
            "program {} has no disruption {disruption_id}",
            program.reference
        )));
    };
    if disruption.lifted_at.is_some() {
        return Err(ServiceError::Conflict(format!(
            "disruption {disruption_id} is lifted: nothing to decide"
        )));
    }
    let decision = routing::Decision {
        destination: destination.clone(),
        decision: kind.unwrap_or(routing::DecisionKind::Accept),
        note,
        by: principal.actor.0.clone(),
        at: now,
    };
    disruption.decisions.push(decision.clone());
    let recorded = disruption.clone();
    program.updated_at = now;
    let audit = event(
        program.org_id,
        &principal.actor,
        now,
        "program.disruption_decision",
        ("program", program.id.to_string()),
        None,
        Some(
            json!({ "disruption": disruption_id, "closed": recorded.closed, "decision": decision }),
        ),
    );
    put_program(state, &program, version + 1, with_country(audit, &destination)).await?;
    Ok(recorded)
}

/// Lifts a disruption: every destination whose route it had changed is planned again with what
/// is still closed (the original route, when nothing else is).
pub async fn lift_disruption(
    state: &Service,
    principal: &Principal,
    program_id: Uuid,
    disruption_id: Uuid,
    now: i64,
) -> Result<DisruptionReport, ServiceError> {
    principal.may(Op::RecordDisruption)?;
    let mut ctx = PositionContext::load(state, principal, program_id, None).await?;
    let Some(found) = ctx.program.disruptions.iter_mut().find(|d| d.id == disruption_id) else {
        return Err(ServiceError::NotFound(format!(
            "program {} has no disruption {disruption_id}",
            ctx.program.reference
        )));
    };
    if found.lifted_at.is_some() {
        return Err(ServiceError::Conflict(format!(
            "disruption {disruption_id} is already lifted"
        )));
    }
    found.lifted_at = Some(now);
    let disruption = found.clone();
    let report = replan(&mut ctx, &disruption, date_of(now), now, |route| {
        route.closed.iter().any(|c| disruption.closed.contains(c))
    })?;
    let audit = event(
        ctx.program.org_id,
        &principal.actor,
        now,
        "program.disruption_lifted",
        ("program", ctx.program.id.to_string()),
        None,
        Some(json!({ "disruption": disruption, "changes": report.changes })),
    );
    ctx.program.updated_at = now;
    put_program(state, &ctx.program, ctx.version + 1, audit).await?;
    Ok(report)
}

/// Plans again every destination whose route in force `affected` says is touched, with what the
/// program's disruptions close on `on`; records the new routes on the program and reports.
fn replan(
    ctx: &mut PositionContext,
    disruption: &Disruption,
    on: jiff::civil::Date,
    now: i64,
    affected: impl Fn(&routing::PlannedRoute) -> bool,
) -> Result<DisruptionReport, ServiceError> {
    let network = Network::bundled();
    let closed = routing::closed_on(&ctx.program.disruptions, on);
    let mut changes = Vec::new();
    let (mut unaffected, mut without_route) = (Vec::new(), Vec::new());
    for index in 0..ctx.program.positions.len() {
        let position = &ctx.program.positions[index];
        let destination = position.destination.clone();
        let (Some(lane), Some(route)) = (&position.routing.lane, &position.routing.route) else {
            without_route.push(destination);
            continue;
        };
        if !affected(route) {
            unaffected.push(destination);
            continue;
        }
        let after = routing::plan(network, lane, &closed).map_err(|e| e.message);
        // Planned again to the same legs (a route set while the closure was already in force):
        // nothing changes for it but the record of what was closed.
        if let Ok(same) = &after
            && same.legs == route.legs
            && same.passages == route.passages
        {
            let same = same.clone();
            ctx.program.positions[index].routing.route = Some(same);
            unaffected.push(destination);
            continue;
        }
        let (_, standing) = ctx.standing(&destination, date_of(now))?;
        let list: Vec<&Consignment> =
            ctx.consignments.iter().filter(|c| c.destination == destination).collect();
        if let Some(change) =
            routing::change(position, after.clone(), &list, &standing.remaining, now)
        {
            changes.push(change);
        }
        if let Ok(route) = after {
            let position = &mut ctx.program.positions[index];
            position.transit_days = route.transit_whole_days;
            position.routing.route = Some(route);
        }
    }
    Ok(DisruptionReport { disruption: disruption.clone(), changes, unaffected, without_route })
}

/// A change of transport mode for a consignment not yet released at origin.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMode {
    /// `air`, `sea`, `road`, `rail` or `courier`, as a shipment request's `transport_mode`.
    pub transport_mode: String,
    /// A new Incoterm, when the current one does not suit the new mode (FOB, FAS, CFR and CIF
    /// are for sea only).
    #[serde(default)]
    pub incoterm: Option<String>,
    /// The assessment date (YYYY-MM-DD); today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
}

/// What a mode switch did.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModeSwitch {
    /// The consignment, with its new assessment.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub consignment: Consignment,
    /// The mode and Incoterm before.
    pub before: (String, String),
    /// The mode and Incoterm after.
    pub after: (String, String),
    /// Documents the new assessment asks for that the old did not (an air waybill for a bill
    /// of lading).
    pub documents_added: Vec<String>,
    /// Documents the old assessment asked for that the new does not.
    pub documents_dropped: Vec<String>,
    /// The verdict before and after.
    pub verdict: (String, String),
}

/// Switches a consignment not yet released at origin to another transport mode (a disruption's
/// "switch to air"): its request is assessed again with the new mode (and Incoterm), and the new
/// assessment replaces the old on the consignment. An Incoterm for sea only with a mode that is
/// not sea is refused, naming `incoterm`.
pub async fn switch_mode(
    state: &Service,
    principal: &Principal,
    consignment_id: Uuid,
    new: &NewMode,
    now: i64,
) -> Result<ModeSwitch, ServiceError> {
    principal.may(Op::SwitchMode)?;
    let mut p = Problems::default();
    let as_of = p.date("as_of", new.as_of.as_deref());
    p.done()?;
    let (mut consignment, version) =
        crate::programs::consignment(state, principal, consignment_id).await?;
    if consignment.state.has_moved() {
        return Err(ServiceError::Conflict(format!(
            "consignment {} is already {}: its mode can no longer change",
            consignment.reference,
            consignment.state.label()
        )));
    }
    let (program, _) = crate::programs::program(state, principal, consignment.program_id).await?;
    let record =
        crate::assessments::load(state, principal, &consignment.assessment.id.to_string()).await?;
    let mut request: serde_json::Value =
        serde_json::from_str(&record.request).map_err(ServiceError::internal)?;
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned()
    };
    let before = (text(&request, "transport_mode"), text(&request, "incoterm"));
    request["transport_mode"] = json!(new.transport_mode.trim());
    if let Some(incoterm) = new.incoterm.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        request["incoterm"] = json!(incoterm);
    }
    let after = (text(&request, "transport_mode"), text(&request, "incoterm"));
    let switched_mode = after.0.clone();
    let org = crate::programs::org_of(state, &program).await?;
    let others = crate::programs::ior_entity_party(&program, &consignment.destination);
    let prepared = crate::assessments::prepare(
        state,
        principal,
        &org,
        as_of,
        &request,
        request.to_string(),
        now,
        &others,
    )
    .await?;
    let old: serde_json::Value =
        serde_json::from_str(&record.result).map_err(ServiceError::internal)?;
    let names = |documents: &serde_json::Value| -> Vec<String> {
        documents
            .as_array()
            .map(|list| list.iter().filter_map(|d| d["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let old_documents = names(&old["documents"]);
    let new_documents: Vec<String> =
        prepared.assessment.documents.iter().map(|d| d.name.clone()).collect();
    let summary = &prepared.stored.summary;
    let verdict = (consignment.assessment.verdict.clone(), summary.verdict.clone());
    let previous = consignment.assessment.id;
    consignment.assessment = preclear_program::AssessedAs {
        id: summary.id,
        verdict: summary.verdict.clone(),
        kb_version: summary.kb_version.clone(),
        as_of: prepared.assessment.as_of,
        requirements: prepared
            .assessment
            .requirements
            .iter()
            .map(preclear_program::Required::from)
            .collect(),
        gross_weight_kg: gross_weight_kg(&request),
        transport_mode: Some(switched_mode.clone()),
    };
    consignment.updated_at = now;
    let switched = ModeSwitch {
        documents_added: new_documents
            .iter()
            .filter(|d| !old_documents.contains(d))
            .cloned()
            .collect(),
        documents_dropped: old_documents
            .iter()
            .filter(|d| !new_documents.contains(d))
            .cloned()
            .collect(),
        consignment: consignment.clone(),
        before,
        after,
        verdict,
    };
    let audit = event(
        consignment.org_id,
        &principal.actor,
        now,
        "consignment.mode_switched",
        ("consignment", consignment.id.to_string()),
        Some(json!({ "transport_mode": switched.before.0, "incoterm": switched.before.1,
            "assessment": previous })),
        Some(json!({ "transport_mode": switched.after.0, "incoterm": switched.after.1,
            "assessment": summary.id, "verdict": summary.verdict,
            "documents_added": switched.documents_added, "documents_dropped": switched.documents_dropped })),
    );
    let record = crate::programs::consignment_record(&consignment, version + 1)?;
    state
        .store
        .commit(&[
            prepared.change,
            preclear_store::Change {
                mutation: preclear_store::Mutation::PutRecord(Box::new(record)),
                event: with_country(audit, &consignment.destination),
            },
        ])
        .await?;
    Ok(switched)
}

/// A request's gross weight in kg: every item's `unit_weight_kg` times its `quantity`; `None`
/// when an item gives no weight (its emissions are then not counted, and said so).
pub(crate) fn gross_weight_kg(request: &serde_json::Value) -> Option<rust_decimal::Decimal> {
    let items = request.get("items")?.as_array()?;
    let mut total = rust_decimal::Decimal::ZERO;
    for item in items {
        let weight = match item.get("unit_weight_kg")? {
            serde_json::Value::String(text) => text.trim().parse::<rust_decimal::Decimal>().ok()?,
            serde_json::Value::Number(number) => {
                number.to_string().parse::<rust_decimal::Decimal>().ok()?
            }
            _ => return None,
        };
        let quantity = item.get("quantity")?.as_u64()?;
        total += weight * rust_decimal::Decimal::from(quantity);
    }
    Some(total)
}
