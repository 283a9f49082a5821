//! Programs in the web application: the program list and its creation form, the rollout view of
//! a program (totals, critical path, one section per destination with what its import position
//! lacks, and the forms that complete it), the consignment page with its lifecycle, the KB-change
//! impact, and the IOR entity registry.
//!
//! Every handler calls the `programs` service with the session's [`Principal`], exactly as the
//! API does (`programs_api`): the service checks roles, reads through the caller's visibility
//! and decides. A refusal the user can act on — invalid fields (`ApiError::Invalid`) or a
//! conflict such as a refused transition (`ApiError::Conflict`) — is shown on the page next to
//! the form, with what was entered kept; any other error goes to the error page.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Redirect, Response};
use jiff::civil::Date;
use preclear_program::sla::{ClockStatus, WindowRisk};
use preclear_program::{
    Evidence, NeedKind, Relationship, Remaining, State as LifecycleState, Validity,
};
use preclear_store::OrgKind;
use serde_json::Value;
use uuid::Uuid;

use super::session::{CsrfForm, CsrfMultipart, WebUser};
use super::{Nav, WebError, render, render_status, sees_clients, verdict_label};
use crate::AppState;
use crate::auth::{Op, Principal};
use crate::clock::{date_of, now_micros, rfc3339};
use crate::documents::multipart_error;
use crate::error::ApiError;
use crate::programs::{
    self, EvidenceInput, Impact, NewApproval, NewConsignee, NewCredential, NewDestination,
    NewEntity, NewProgram, NewTransition,
};

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// A problem shown next to a form: the field it is about (empty for the form as a whole), a
/// note placing it (`line 2`), and the message.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub field: String,
    pub note: String,
    pub message: String,
}

/// What a refused form gets back: which form, what was entered, and why it was refused.
#[derive(Debug, Clone, Default)]
pub(crate) struct Feedback {
    form: String,
    values: BTreeMap<String, String>,
    errors: Vec<Shown>,
}

impl Feedback {
    fn new(form: &str, values: BTreeMap<String, String>, errors: Vec<Shown>) -> Feedback {
        Feedback { form: form.to_owned(), values, errors }
    }

    /// The problems of `form` (none for another form).
    pub(crate) fn errors(&self, form: &str) -> &[Shown] {
        if self.form == form { &self.errors } else { &[] }
    }

    /// What was entered in `form`'s field `name`.
    pub(crate) fn val(&self, form: &str, name: &str) -> &str {
        if self.form == form { self.values.get(name).map_or("", String::as_str) } else { "" }
    }

    /// Whether `value` was chosen in `form`'s field `name`.
    pub(crate) fn chose(&self, form: &str, name: &str, value: &str) -> bool {
        self.val(form, name) == value
    }
}

/// The refusals a page shows on itself, with their status: invalid fields (422) and conflicts
/// (409). Anything else goes to the error page.
fn refusal(error: impl Into<ApiError>) -> Result<(StatusCode, Vec<Shown>), WebError> {
    match error.into() {
        ApiError::Invalid(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .into_iter()
                .map(|e| Shown { field: e.field, note: String::new(), message: e.message })
                .collect(),
        )),
        ApiError::Conflict(message) => Ok((
            StatusCode::CONFLICT,
            vec![Shown { field: String::new(), note: String::new(), message }],
        )),
        other => Err(other.into()),
    }
}

/// An id in a path; one that does not read is not found, as an unknown one.
fn path_id(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::from_str(text.trim()).map_err(|_| ApiError::NotFound(format!("{what} {text} not found")))
}

/// A form value, trimmed; `None` when empty.
fn given(fields: &BTreeMap<String, String>, name: &str) -> Option<String> {
    fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn text(fields: &BTreeMap<String, String>, name: &str) -> String {
    fields.get(name).cloned().unwrap_or_default()
}

fn form_map(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.entry(k).or_insert(v);
    }
    map
}

/// A country's name, or the code when the table does not know it.
fn country_name(code: &str) -> String {
    preclear_domain::Country::parse(code).map_or_else(|_| code.to_owned(), |c| c.name().to_owned())
}

/// The provider's operators and admins (who manage the registry and move consignments).
fn operates(principal: &Principal) -> bool {
    principal.can(Op::Transition)
}

fn lead_time(days: Option<(u32, u32)>) -> String {
    match days {
        None => "lead time unknown".to_owned(),
        Some((min, max)) if min == max => format!("{max} days"),
        Some((min, max)) => format!("{min}–{max} days"),
    }
}

fn remaining_text(r: &Remaining) -> String {
    let days = r.days.map_or_else(|| "no known lead time".to_owned(), |d| format!("{d} days"));
    if r.unknown == 0 {
        days
    } else {
        format!(
            "{days}, and {} item{} with an unknown lead time (so it may take longer)",
            r.unknown,
            if r.unknown == 1 { "" } else { "s" }
        )
    }
}

fn need_kind(kind: NeedKind) -> &'static str {
    match kind {
        NeedKind::Registration => "registration (held by the IOR entity)",
        NeedKind::Approval => "approval",
        NeedKind::SpecificationListOrigin => "specification list, origin confirmation",
        NeedKind::SpecificationListDestination => "specification list, destination confirmation",
    }
}

fn evidence_text(e: &Evidence) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &e.reference {
        parts.push(r.clone());
    }
    if let Some(d) = &e.document {
        parts.push(format!(
            "file {} ({} bytes, SHA-256 {}…)",
            d.file_name,
            d.size,
            d.sha256.get(..12).unwrap_or(&d.sha256)
        ));
    }
    if parts.is_empty() { "none".to_owned() } else { parts.join("; ") }
}

fn date_text(date: Option<Date>) -> String {
    date.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// A multipart form: its text fields and the one file it may carry.
#[derive(Debug, Default)]
struct Upload {
    fields: BTreeMap<String, String>,
    /// `(file name, content type, bytes)`, when a non-empty file was chosen.
    file: Option<(String, String, Vec<u8>)>,
}

/// Reads a multipart form whose file part is `file_field` (the service's body limit applies).
async fn read_upload(
    state: &AppState,
    mut multipart: Multipart,
    file_field: &str,
) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(state, &e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = field.file_name().unwrap_or("evidence").to_owned();
            let content_type =
                field.content_type().unwrap_or("application/octet-stream").to_owned();
            let bytes = field.bytes().await.map_err(|e| multipart_error(state, &e))?;
            if !bytes.is_empty() {
                upload.file = Some((file_name, content_type, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::bad_field(&name, format!("cannot be read: {e}")))?;
            upload.fields.entry(name).or_insert(text);
        }
    }
    Ok(upload)
}

/// Stores an uploaded evidence file, if one was chosen, and answers its SHA-256 for
/// `document_sha256`; the upload's own problems are named after the file field.
async fn store_evidence(
    state: &AppState,
    principal: &Principal,
    file: Option<(String, String, Vec<u8>)>,
    now: i64,
) -> Result<Option<String>, ApiError> {
    let Some((name, content_type, bytes)) = file else { return Ok(None) };
    match programs::upload_evidence(state, principal, &name, &content_type, bytes, now)
        .await
        .map_err(ApiError::from)
    {
        Ok(doc) => Ok(Some(doc.sha256)),
        Err(ApiError::Invalid(errors)) => Err(ApiError::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = "evidence_file".into();
                    e
                })
                .collect(),
        )),
        Err(other) => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// The program list and the new-program form

#[derive(Debug)]
pub(crate) struct ProgramRow {
    id: Uuid,
    reference: String,
    name: String,
    client: String,
    destinations: usize,
    codes: String,
}

#[derive(Debug)]
pub(crate) struct ClientChoice {
    id: String,
    name: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "programs.html")]
pub(crate) struct ProgramsPage {
    nav: Nav,
    programs: Vec<ProgramRow>,
    /// Client organisations to choose from (provider staff); empty for a client's users.
    clients: Vec<ClientChoice>,
    can_create: bool,
    fb: Feedback,
}

async fn programs_page(
    state: &AppState,
    user: &WebUser,
    fb: Feedback,
) -> Result<ProgramsPage, WebError> {
    let p = &user.principal;
    let programs = programs::programs(state, p)
        .await?
        .into_iter()
        .map(|program| ProgramRow {
            id: program.id,
            destinations: program.positions.len(),
            codes: program
                .positions
                .iter()
                .map(|pos| pos.destination.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            reference: program.reference,
            name: program.name,
            client: program.client_name,
        })
        .collect();
    let clients = if sees_clients(p) {
        state
            .store
            .orgs(p.visibility())
            .await?
            .into_iter()
            .filter(|o| o.kind == OrgKind::Client)
            .map(|o| ClientChoice { id: o.id.to_string(), name: o.name })
            .collect()
    } else {
        vec![]
    };
    Ok(ProgramsPage {
        nav: Nav::new(user, "programs", state),
        programs,
        clients,
        can_create: p.can(Op::CreateProgram),
        fb,
    })
}

/// `GET /programs`.
pub(crate) async fn list(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    render(&programs_page(&state, &user, Feedback::default()).await?)
}

/// Reads the destinations textarea: one destination a line, `CC, window start, window end,
/// clearance target hours, transit days` (the last two optional). Answers the destinations,
/// the line each came from, and the problems only the form can have (a number that does not
/// read, too many values); everything else is the service's to judge.
fn destinations(text: &str) -> (Vec<NewDestination>, Vec<usize>, Vec<Shown>) {
    let mut found = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let i = found.len();
        let parts: Vec<&str> = line.split(',').map(str::trim).collect();
        let part = |k: usize| parts.get(k).copied().unwrap_or_default();
        let note = format!("line {}", n + 1);
        if parts.len() > 5 {
            problems.push(Shown {
                field: format!("destinations[{i}]"),
                note: note.clone(),
                message: format!(
                    "has {} values; expected country, window start, window end, clearance \
                     target hours, transit days",
                    parts.len()
                ),
            });
        }
        let mut number = |k: usize, name: &str| -> Option<u32> {
            let value = part(k);
            if value.is_empty() {
                return None;
            }
            match value.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(Shown {
                        field: format!("destinations[{i}].{name}"),
                        note: note.clone(),
                        message: format!("`{value}` is not a whole number"),
                    });
                    None
                }
            }
        };
        let clearance_target_hours = number(3, "clearance_target_hours");
        let transit_days = number(4, "transit_days");
        found.push(NewDestination {
            country: part(0).to_owned(),
            window_start: part(1).to_owned(),
            window_end: part(2).to_owned(),
            clearance_target_hours,
            transit_days,
        });
        lines.push(n + 1);
    }
    (found, lines, problems)
}

/// `POST /programs`.
pub(crate) async fn create(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let fields = form_map(pairs);
    let (list, lines, local) = destinations(&text(&fields, "destinations"));
    let (status, errors) = if local.is_empty() {
        let new = NewProgram {
            reference: text(&fields, "reference"),
            name: text(&fields, "name"),
            client: given(&fields, "client"),
            destinations: list,
        };
        match programs::create_program(&state, &user.principal, &new, now_micros()).await {
            Ok(program) => {
                return Ok(Redirect::to(&format!("/programs/{}", program.id)).into_response());
            }
            Err(e) => refusal(e)?,
        }
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, local)
    };
    // Place each destination's problem on its line of the textarea.
    let errors = errors
        .into_iter()
        .map(|mut e| {
            if e.note.is_empty()
                && let Some(i) = e
                    .field
                    .strip_prefix("destinations[")
                    .and_then(|rest| rest.split(']').next())
                    .and_then(|i| i.parse::<usize>().ok())
                && let Some(line) = lines.get(i)
            {
                e.note = format!("line {line}");
            }
            e
        })
        .collect();
    let page = programs_page(&state, &user, Feedback::new("program", fields, errors)).await?;
    render_status(status, &page)
}

// ---------------------------------------------------------------------------------------------
// The rollout view

#[derive(Debug)]
pub(crate) struct Count {
    label: String,
    count: usize,
}

#[derive(Debug)]
pub(crate) struct StepRow {
    what: String,
    days: String,
}

#[derive(Debug)]
pub(crate) struct CriticalView {
    destination: String,
    consignment: String,
    finishes_on: String,
    steps: Vec<StepRow>,
}

#[derive(Debug)]
pub(crate) struct MissingRow {
    part: String,
    what: String,
    lead: String,
}

#[derive(Debug)]
pub(crate) struct ItemRow {
    key: String,
    kind: &'static str,
    name: String,
    authority: String,
    lead: String,
    satisfied: bool,
    detail: String,
}

#[derive(Debug)]
pub(crate) struct Choice {
    value: String,
    label: String,
}

#[derive(Debug)]
pub(crate) struct RecordRow {
    item: String,
    status: &'static str,
    reference: String,
    evidence: String,
    expires_on: String,
    updated: String,
}

#[derive(Debug)]
pub(crate) struct ConsigneeView {
    legal_name: String,
    tax_id: String,
    address: String,
    check: String,
}

#[derive(Debug)]
pub(crate) struct AlertRow {
    code: String,
    reference: String,
    message: String,
}

/// One destination of the rollout with its forms.
#[derive(Debug)]
pub(crate) struct DestinationSection {
    cc: String,
    name: String,
    window: String,
    clearance_target_hours: u32,
    transit_days: u32,
    entity: String,
    prevalidated: bool,
    missing: Vec<MissingRow>,
    remaining: String,
    items: Vec<ItemRow>,
    approval_items: Vec<Choice>,
    consignee: Option<ConsigneeView>,
    records: Vec<RecordRow>,
    consignments: usize,
    by_state: Vec<Count>,
    sla: Vec<Count>,
    window_risk: &'static str,
    last_delivery: String,
    /// The lane and the route in force, in words; empty without a lane.
    route: String,
    /// The same route without disruptions, when the route in force differs from it.
    undisrupted: String,
    alerts: Vec<AlertRow>,
    fb: Feedback,
}

/// A planned route in words: lane, km, days, passages, CO2e per tonne.
fn route_words(route: &preclear_program::routing::PlannedRoute) -> String {
    let lane = route
        .legs
        .iter()
        .map(|l| format!("{} {} → {}", l.mode.as_str(), l.from, l.to))
        .collect::<Vec<_>>()
        .join(", ");
    let via = if route.passages.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = route
            .passages
            .iter()
            .map(|p| {
                preclear_route::Passage::parse(p).map_or_else(|| p.clone(), |x| x.name().to_owned())
            })
            .collect();
        format!(", via {}", names.join(", "))
    };
    let co2e =
        route.co2e_kg_per_tonne.map(|kg| format!("; {kg} kg CO2e per tonne")).unwrap_or_default();
    let closed = if route.closed.is_empty() {
        String::new()
    } else {
        format!(" (planned with {} closed)", route.closed.join(", "))
    };
    format!("{lane}: {} km, {} days{via}{co2e}{closed}", route.distance_km, route.transit_days)
}

#[derive(Debug)]
pub(crate) struct ConsignmentRow {
    id: Uuid,
    reference: String,
    destination: String,
    state: &'static str,
    verdict: &'static str,
    verdict_class: &'static str,
}

#[derive(Debug)]
pub(crate) struct ChangedConsignment {
    id: Uuid,
    reference: String,
    destination: String,
    state: &'static str,
    kb_version: String,
    changes: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct ChangedPosition {
    destination: String,
    added: String,
    removed: String,
}

#[derive(Debug)]
pub(crate) struct ImpactView {
    kb_version: String,
    as_of: String,
    checked: usize,
    consignments: Vec<ChangedConsignment>,
    positions: Vec<ChangedPosition>,
}

fn list_text(items: &[String]) -> String {
    if items.is_empty() { "—".to_owned() } else { items.join(", ") }
}

fn impact_view(impact: Impact) -> ImpactView {
    let consignments = impact
        .consignments
        .into_iter()
        .map(|c| {
            let ch = &c.change;
            let mut changes = Vec::new();
            if let Some((old, new)) = &ch.verdict {
                changes.push(format!("verdict {old} → {new}"));
            }
            if !ch.requirements_added.is_empty() {
                changes.push(format!("requirements added: {}", ch.requirements_added.join(", ")));
            }
            if !ch.requirements_removed.is_empty() {
                changes
                    .push(format!("requirements removed: {}", ch.requirements_removed.join(", ")));
            }
            if !ch.findings_added.is_empty() {
                changes.push(format!("findings added: {}", ch.findings_added.join(", ")));
            }
            if !ch.findings_removed.is_empty() {
                changes.push(format!("findings removed: {}", ch.findings_removed.join(", ")));
            }
            if let Some((old, new)) = &ch.landed_cost {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "incomplete".into());
                changes.push(format!("landed cost {} → {}", show(old), show(new)));
            }
            if let Some((old, new)) = &ch.earliest_ship_date {
                let show = |d: &Option<Date>| {
                    d.map_or_else(|| "not established".into(), |d| d.to_string())
                };
                changes.push(format!("earliest ship date {} → {}", show(old), show(new)));
            }
            ChangedConsignment {
                id: c.id,
                reference: c.reference,
                destination: c.destination,
                state: c.state.label(),
                kb_version: c.kb_version,
                changes,
            }
        })
        .collect();
    let positions = impact
        .positions
        .into_iter()
        .map(|p| ChangedPosition {
            destination: p.destination,
            added: list_text(&p.change.added),
            removed: list_text(&p.change.removed),
        })
        .collect();
    ImpactView {
        kb_version: impact.kb_version,
        as_of: impact.as_of.to_string(),
        checked: impact.checked,
        consignments,
        positions,
    }
}

#[derive(Debug, askama::Template)]
#[template(path = "program.html")]
pub(crate) struct ProgramPage {
    nav: Nav,
    /// The program's disruptions, newest first, in words.
    disruptions: Vec<String>,
    id: Uuid,
    reference: String,
    name: String,
    client: String,
    as_of: String,
    destinations_total: usize,
    prevalidated: usize,
    consignments_total: usize,
    by_state: Vec<Count>,
    sla_breached: usize,
    window_late: usize,
    last_delivery: String,
    critical: Option<CriticalView>,
    /// Emissions on the routes in force, one line per routed destination, and the total.
    emissions: Vec<String>,
    emissions_total: String,
    destinations: Vec<DestinationSection>,
    consignments: Vec<ConsignmentRow>,
    /// The provider's operators: assign entities.
    can_operate: bool,
    /// Submitters: record consignees and approvals, add consignments.
    can_submit: bool,
    /// The registry, for the entity choice (operators only).
    entities: Vec<Choice>,
    impact: Option<ImpactView>,
    fb: Feedback,
    /// The client's stored assessments that could become consignments (to a destination of the
    /// program, their reference not yet a consignment's), newest first.
    candidates: Vec<CandidateRow>,
    /// What the last action did.
    notice: Option<String>,
    /// Every lifecycle state, for moving several consignments at once.
    states: Vec<Choice>,
}

/// A stored assessment that could become a consignment.
#[derive(Debug)]
pub(crate) struct CandidateRow {
    id: Uuid,
    reference: String,
    destination: String,
    verdict: &'static str,
    verdict_class: &'static str,
    created: String,
}

/// The program page. `fb` is a refused form: a destination's (`entity@TR`, `consignee@TR`,
/// `approval@TR`) or the page's own (`consignment`).
async fn program_page(
    state: &AppState,
    user: &WebUser,
    id: Uuid,
    fb: Feedback,
    impact: Option<ImpactView>,
    notice: Option<String>,
) -> Result<ProgramPage, WebError> {
    let p = &user.principal;
    let now = now_micros();
    let (ctx, view) = programs::rollout(state, p, id, now).await?;
    let can_operate = operates(p);
    let entities = if can_operate {
        programs::entities(state, p)
            .await?
            .into_iter()
            .map(|e| Choice {
                value: e.id.to_string(),
                label: format!("{} ({}, {})", e.name, e.country, e.relationship.as_str()),
            })
            .collect()
    } else {
        vec![]
    };
    let counts = |map: &BTreeMap<LifecycleState, usize>| {
        map.iter().map(|(s, n)| Count { label: s.label().to_owned(), count: *n }).collect()
    };
    let mut destinations = Vec::with_capacity(view.destinations.len());
    for d in &view.destinations {
        let position = ctx.program.position(&d.destination);
        let (form, cc) = fb.form.split_once('@').unwrap_or_default();
        let section_fb = if cc == d.destination {
            Feedback::new(form, fb.values.clone(), fb.errors.clone())
        } else {
            Feedback::default()
        };
        destinations.push(DestinationSection {
            cc: d.destination.clone(),
            name: country_name(&d.destination),
            window: format!("{} – {}", d.window.start, d.window.end),
            clearance_target_hours: d.clearance_target_hours,
            transit_days: position.map_or(0, |p| p.transit_days),
            route: position
                .and_then(|p| p.routing.route.as_ref())
                .map(route_words)
                .unwrap_or_default(),
            undisrupted: position
                .filter(|p| p.routing.route != p.routing.undisrupted)
                .and_then(|p| p.routing.undisrupted.as_ref())
                .map(route_words)
                .unwrap_or_default(),
            entity: d
                .entity
                .as_ref()
                .map_or_else(|| "none assigned".to_owned(), |e| e.name.clone()),
            prevalidated: d.position.prevalidated,
            missing: d
                .position
                .missing
                .iter()
                .map(|m| MissingRow {
                    part: m.part.replace('_', " "),
                    what: m.what.clone(),
                    lead: if m.item.is_some() || m.lead_time_days.is_some() {
                        lead_time(m.lead_time_days)
                    } else {
                        String::new()
                    },
                })
                .collect(),
            remaining: remaining_text(&d.position.remaining),
            items: d
                .position
                .items
                .iter()
                .map(|i| ItemRow {
                    key: i.need.key.clone(),
                    kind: need_kind(i.need.kind),
                    name: i.need.name(),
                    authority: i.need.requirement.authority.clone(),
                    lead: lead_time(i.need.requirement.lead_time_days),
                    satisfied: i.satisfied,
                    detail: i.detail.clone(),
                })
                .collect(),
            approval_items: d
                .position
                .items
                .iter()
                .filter(|i| i.need.kind != NeedKind::Registration)
                .map(|i| Choice {
                    value: i.need.key.clone(),
                    label: format!("{} — {}", i.need.key, i.need.name()),
                })
                .collect(),
            consignee: position.and_then(|p| p.consignee.as_ref()).map(|c| ConsigneeView {
                legal_name: c.legal_name.clone(),
                tax_id: c.tax_id.clone(),
                address: c.address.clone(),
                check: c.tax_id_check.clone(),
            }),
            records: position
                .map(|p| {
                    p.records
                        .iter()
                        .map(|r| RecordRow {
                            item: r.item.clone(),
                            status: r.status.as_str(),
                            reference: r.reference.clone(),
                            evidence: evidence_text(&r.evidence),
                            expires_on: date_text(r.expires_on),
                            updated: format!("{} by {}", rfc3339(r.updated_at), r.updated_by),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            consignments: d.consignments,
            by_state: counts(&d.by_state),
            sla: d
                .sla
                .iter()
                .map(|(s, n)| Count { label: ClockStatus::label(*s).to_owned(), count: *n })
                .collect(),
            window_risk: WindowRisk::label(d.window_risk),
            last_delivery: date_text(d.last_delivery),
            alerts: d
                .alerts
                .iter()
                .map(|a| AlertRow {
                    code: a.code.replace('_', " "),
                    reference: a.reference.clone(),
                    message: a.message.clone(),
                })
                .collect(),
            fb: section_fb,
        });
    }
    let critical = view.critical_path.as_ref().map(|c| CriticalView {
        destination: c.destination.clone(),
        consignment: c.consignment.clone().unwrap_or_else(|| "none yet".to_owned()),
        finishes_on: c.finishes_on.map_or_else(
            || "cannot be projected (a lead time is unknown)".into(),
            |d| d.to_string(),
        ),
        steps: c
            .steps
            .iter()
            .map(|s| StepRow {
                what: s.what.clone(),
                days: s.days.map_or_else(|| "unknown".to_owned(), |d| d.to_string()),
            })
            .collect(),
    });
    let consignments = ctx
        .consignments
        .iter()
        .map(|c| {
            let (verdict, verdict_class) = verdict_label(&c.assessment.verdict);
            ConsignmentRow {
                id: c.id,
                reference: c.reference.clone(),
                destination: c.destination.clone(),
                state: c.state.label(),
                verdict,
                verdict_class,
            }
        })
        .collect();
    let can_submit = p.can(Op::CreateConsignment);
    let candidates = if can_submit {
        let taken: Vec<&str> = ctx.consignments.iter().map(|c| c.reference.as_str()).collect();
        let filter = preclear_store::AssessmentFilter {
            org_id: Some(ctx.program.org_id),
            limit: 100,
            ..Default::default()
        };
        state
            .store
            .assessments(p.visibility(), &filter)
            .await?
            .into_iter()
            .filter(|a| {
                ctx.program.position(&a.destination).is_some()
                    && !taken.contains(&a.reference.as_str())
            })
            .map(|a| {
                let (verdict, verdict_class) = verdict_label(&a.verdict);
                CandidateRow {
                    id: a.id,
                    reference: a.reference,
                    destination: a.destination,
                    verdict,
                    verdict_class,
                    created: rfc3339(a.created_at),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let page_fb = if fb.form.contains('@') { Feedback::default() } else { fb };
    let disruptions = ctx
        .program
        .disruptions
        .iter()
        .rev()
        .map(|d| {
            let until =
                d.until.map_or_else(|| "until further notice".to_owned(), |u| format!("until {u}"));
            let mut state = String::new();
            for decision in &d.decisions {
                state.push_str(&format!(
                    "; {}: {}",
                    decision.destination,
                    decision.decision.label()
                ));
                if let Some(note) = &decision.note {
                    state.push_str(&format!(" ({note})"));
                }
            }
            if d.lifted_at.is_some() {
                state.push_str(" — lifted");
            }
            format!(
                "{} closed from {} {until} ({}; recorded by {}){state}",
                d.closed.join(", "),
                d.from,
                d.source,
                d.recorded_by
            )
        })
        .collect();
    let emissions = view
        .emissions
        .iter()
        .map(|e| {
            let per_tonne =
                e.kg_per_tonne.map(|kg| format!(" ({kg} kg per tonne)")).unwrap_or_default();
            let mut left_out = String::new();
            if e.without_weight > 0 {
                left_out.push_str(&format!(
                    "; {} without a gross weight not counted",
                    e.without_weight
                ));
            }
            if e.other_mode > 0 {
                left_out
                    .push_str(&format!("; {} switched to another mode not counted", e.other_mode));
            }
            format!(
                "{}: {} kg CO2e{per_tonne}, {} consignments{left_out}",
                e.destination, e.kg, e.consignments
            )
        })
        .collect();
    let emissions_total = format!("{} kg CO2e", view.emissions_total_kg);
    Ok(ProgramPage {
        nav: Nav::new(user, "programs", state),
        disruptions,
        emissions,
        emissions_total,
        id: ctx.program.id,
        reference: view.reference.clone(),
        name: view.name.clone(),
        client: view.client_name.clone(),
        as_of: view.as_of.to_string(),
        destinations_total: view.totals.destinations,
        prevalidated: view.totals.prevalidated,
        consignments_total: view.totals.consignments,
        by_state: counts(&view.totals.by_state),
        sla_breached: view.totals.sla_breached,
        window_late: view.totals.window_late,
        last_delivery: view
            .totals
            .last_delivery
            .map_or_else(|| "cannot be projected yet".to_owned(), |d| d.to_string()),
        critical,
        destinations,
        consignments,
        can_operate,
        can_submit,
        entities,
        impact,
        fb: page_fb,
        candidates,
        notice,
        states: LifecycleState::ALL
            .iter()
            .map(|s| Choice { value: s.as_str().to_owned(), label: s.label().to_owned() })
            .collect(),
    })
}

/// `GET /programs/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    render(&program_page(&state, &user, id, Feedback::default(), None, None).await?)
}

/// `GET /programs/{id}/kb-impact`: the program page with what the current KB would change.
pub(crate) async fn kb_impact(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let today = date_of(now_micros());
    let impact = programs::impact(&state, &user.principal, id, None, today).await?;
    render(
        &program_page(&state, &user, id, Feedback::default(), Some(impact_view(impact)), None)
            .await?,
    )
}

/// After a position's form: back to the destination, or the page again with the refusal.
async fn after_position_form(
    state: &AppState,
    user: &WebUser,
    id: Uuid,
    form: &str,
    destination: &str,
    fields: BTreeMap<String, String>,
    outcome: Result<(), ApiError>,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => {
            let anchor = if destination.bytes().all(|b| b.is_ascii_alphanumeric()) {
                format!("#dest-{destination}")
            } else {
                String::new()
            };
            Ok(Redirect::to(&format!("/programs/{id}{anchor}")).into_response())
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            let fb = Feedback::new(&format!("{form}@{destination}"), fields, errors);
            render_status(status, &program_page(state, user, id, fb, None, None).await?)
        }
    }
}

/// `POST /programs/{id}/positions/{cc}/entity`.
pub(crate) async fn assign_entity(
    State(state): State<AppState>,
    Path((id, destination)): Path<(String, String)>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let fields = form_map(pairs);
    let outcome = match given(&fields, "entity_id").map(|t| Uuid::from_str(&t)) {
        None => Err(ApiError::invalid_field("entity_id", "choose an IOR entity")),
        Some(Err(_)) => Err(ApiError::invalid_field("entity_id", "is not an IOR entity's id")),
        Some(Ok(entity)) => {
            programs::assign_entity(&state, &user.principal, id, &destination, entity, now_micros())
                .await
                .map(|_| ())
                .map_err(ApiError::from)
        }
    };
    after_position_form(&state, &user, id, "entity", &destination, fields, outcome).await
}

/// `POST /programs/{id}/positions/{cc}/consignee`.
pub(crate) async fn set_consignee(
    State(state): State<AppState>,
    Path((id, destination)): Path<(String, String)>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let fields = form_map(pairs);
    let new = NewConsignee {
        legal_name: text(&fields, "legal_name"),
        tax_id: text(&fields, "tax_id"),
        address: text(&fields, "address"),
    };
    let outcome =
        programs::set_consignee(&state, &user.principal, id, &destination, &new, now_micros())
            .await
            .map(|_| ())
            .map_err(ApiError::from);
    after_position_form(&state, &user, id, "consignee", &destination, fields, outcome).await
}

/// `POST /programs/{id}/positions/{cc}/route`: the destination's lane, planned on the networks.
pub(crate) async fn set_route(
    State(state): State<AppState>,
    Path((id, destination)): Path<(String, String)>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let fields = form_map(pairs);
    let outcome = match preclear_route::Mode::parse(&text(&fields, "mode")) {
        None => Err(ApiError::invalid_field("mode", "choose sea, air or road")),
        Some(mode) => {
            let lane = preclear_service::program_routes::NewLane {
                from: text(&fields, "from"),
                to: text(&fields, "to"),
                mode,
            };
            preclear_service::program_routes::set_route(
                &state,
                &user.principal,
                id,
                &destination,
                &lane,
                now_micros(),
            )
            .await
            .map(|_| ())
            .map_err(ApiError::from)
        }
    };
    after_position_form(&state, &user, id, "route", &destination, fields, outcome).await
}

/// `POST /programs/{id}/disruptions`: passages or ports closed; the routes they touch are
/// planned again and the page shows the effect.
pub(crate) async fn record_disruption(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let fields = form_map(pairs);
    let closed: Vec<String> = text(&fields, "closed")
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let new = preclear_service::program_routes::NewDisruption {
        closed,
        from: text(&fields, "from"),
        until: given(&fields, "until"),
        source: text(&fields, "source"),
    };
    match preclear_service::program_routes::record_disruption(
        &state,
        &user.principal,
        id,
        &new,
        now_micros(),
    )
    .await
    {
        Ok(report) => {
            let notice = format!(
                "Disruption recorded: {} re-routed ({}); {} unaffected",
                report.changes.len(),
                report
                    .changes
                    .iter()
                    .map(|c| match &c.added_days {
                        Some(days) => format!("{} {:+} days", c.destination, days),
                        None => format!("{}: no open route", c.destination),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                report.unaffected.len()
            );
            render(&program_page(&state, &user, id, Feedback::default(), None, Some(notice)).await?)
        }
        Err(e) => {
            let (status, errors) = refusal(ApiError::from(e))?;
            let fb = Feedback::new("disruption", fields, errors);
            render_status(status, &program_page(&state, &user, id, fb, None, None).await?)
        }
    }
}

/// `POST /programs/{id}/positions/{cc}/approvals` (multipart: the evidence file is optional).
pub(crate) async fn record_approval(
    State(state): State<AppState>,
    Path((id, destination)): Path<(String, String)>,
    CsrfMultipart { user, multipart }: CsrfMultipart,
) -> Result<Response, WebError> {
    let upload = read_upload(&state, multipart, "evidence_file").await?;
    let id = path_id(&id, "program")?;
    let now = now_micros();
    let fields = upload.fields;
    let outcome = async {
        let sha = store_evidence(&state, &user.principal, upload.file, now).await?;
        let new = NewApproval {
            item: text(&fields, "item"),
            status: text(&fields, "status"),
            reference: text(&fields, "reference"),
            evidence: EvidenceInput {
                reference: given(&fields, "evidence_reference"),
                document_sha256: sha,
            },
            expires_on: given(&fields, "expires_on"),
        };
        programs::record_approval(&state, &user.principal, id, &destination, &new, now)
            .await
            .map(|_| ())
            .map_err(ApiError::from)
    }
    .await;
    after_position_form(&state, &user, id, "approval", &destination, fields, outcome).await
}

/// `POST /programs/{id}/consignments`: a shipment request pasted as JSON, assessed and stored.
/// `POST /assessments/{id}/consignment`: a stored assessment added to one of its client's
/// programs as a consignment (its request assessed again with the current KB).
pub(crate) async fn consignment_from_report(
    State(state): State<AppState>,
    Path(assessment): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let fields = form_map(pairs);
    let program = path_id(&text(&fields, "program"), "program")?;
    let consignment = programs::consignment_from_assessment(
        &state,
        &user.principal,
        program,
        &assessment,
        None,
        now_micros(),
    )
    .await?;
    state.metrics.assessment(&consignment.assessment.verdict);
    Ok(Redirect::to(&format!("/consignments/{}", consignment.id)).into_response())
}

/// `POST /programs/{id}/consignments/from-assessments`: several stored assessments (the
/// `assessment` boxes ticked) added as consignments at once; each is created or refused on its
/// own, and the program page says which.
pub(crate) async fn consignments_from_assessments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let chosen: Vec<String> =
        pairs.iter().filter(|(k, _)| k == "assessment").map(|(_, v)| v.clone()).collect();
    let mut made = 0usize;
    let mut refused = Vec::new();
    for assessment in chosen.iter().take(MAX_BULK) {
        match programs::consignment_from_assessment(
            &state,
            &user.principal,
            id,
            assessment,
            None,
            now_micros(),
        )
        .await
        {
            Ok(consignment) => {
                state.metrics.assessment(&consignment.assessment.verdict);
                made += 1;
            }
            Err(
                error @ (preclear_service::ServiceError::Invalid(_)
                | preclear_service::ServiceError::Conflict(_)),
            ) => {
                refused.push(Shown {
                    field: String::new(),
                    note: String::new(),
                    message: error.to_string(),
                });
            }
            Err(other) => return Err(other.into()),
        }
    }
    if chosen.len() > MAX_BULK {
        refused.push(Shown {
            field: String::new(),
            note: String::new(),
            message: format!("at most {MAX_BULK} at once: the first {MAX_BULK} were taken"),
        });
    }
    if chosen.is_empty() {
        refused.push(Shown {
            field: String::new(),
            note: String::new(),
            message: "tick the assessments to add".to_owned(),
        });
    }
    let status = if refused.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let fb = Feedback::new("bulk", BTreeMap::new(), refused);
    let notice = (made > 0)
        .then(|| format!("{made} consignment{} added.", if made == 1 { "" } else { "s" }));
    render_status(status, &program_page(&state, &user, id, fb, None, notice).await?)
}

/// `POST /programs/{id}/consignments/transitions`: several consignments (the `consignment`
/// boxes ticked) moved to one state; each is checked against its own lifecycle and guards, and
/// moved or refused on its own, the program page saying which.
pub(crate) async fn bulk_transition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let to = form_value_of(&pairs, "to");
    let chosen: Vec<&str> =
        pairs.iter().filter(|(k, _)| k == "consignment").map(|(_, v)| v.as_str()).collect();
    let view = programs::rollout(&state, &user.principal, id, now_micros()).await?.0;
    let reference_of =
        |cid: Uuid| view.consignments.iter().find(|c| c.id == cid).map(|c| c.reference.clone());
    let mut moved = 0usize;
    let mut refused = Vec::new();
    let shown = |message: String| Shown { field: String::new(), note: String::new(), message };
    if chosen.is_empty() {
        refused.push(shown("tick the consignments to move".to_owned()));
    }
    for text in chosen.iter().take(MAX_BULK) {
        // Only this program's consignments: an id from elsewhere is named, never moved.
        let Some((cid, reference)) =
            Uuid::from_str(text).ok().and_then(|cid| Some((cid, reference_of(cid)?)))
        else {
            refused.push(shown(format!("`{text}` is not a consignment of this program")));
            continue;
        };
        let new =
            NewTransition { to: to.clone(), at: None, declaration_reference: None, note: None };
        match programs::transition(&state, &user.principal, cid, &new, now_micros()).await {
            Ok(_) => moved += 1,
            Err(
                error @ (preclear_service::ServiceError::Invalid(_)
                | preclear_service::ServiceError::Conflict(_)),
            ) => refused.push(shown(format!("{reference}: {error}"))),
            Err(other) => return Err(other.into()),
        }
    }
    let status = if refused.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let fb = Feedback::new("bulk", BTreeMap::new(), refused);
    let notice = (moved > 0)
        .then(|| format!("{moved} consignment{} moved.", if moved == 1 { "" } else { "s" }));
    render_status(status, &program_page(&state, &user, id, fb, None, notice).await?)
}

fn form_value_of(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// The most assessments added as consignments in one go.
const MAX_BULK: usize = 100;

pub(crate) async fn create_consignment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let fields = form_map(pairs);
    let outcome = async {
        let request: Value =
            serde_json::from_str(text(&fields, "request").trim()).map_err(|e| {
                ApiError::invalid_field(
                    "request",
                    format!("is not valid JSON: {e} (line {}, column {})", e.line(), e.column()),
                )
            })?;
        let as_of = given(&fields, "as_of");
        programs::create_consignment(
            &state,
            &user.principal,
            id,
            &request,
            as_of.as_deref(),
            now_micros(),
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    if let Ok(consignment) = &outcome {
        state.metrics.assessment(&consignment.assessment.verdict);
    }
    match outcome {
        Ok(consignment) => {
            Ok(Redirect::to(&format!("/consignments/{}", consignment.id)).into_response())
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            let fb = Feedback::new("consignment", fields, errors);
            render_status(status, &program_page(&state, &user, id, fb, None, None).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A consignment

#[derive(Debug)]
pub(crate) struct EventRow {
    from: String,
    to: String,
    at: String,
    actor: String,
    note: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "consignment.html")]
pub(crate) struct ConsignmentPage {
    /// The time zones a transition's time can be given in, and the one chosen.
    offsets: &'static [&'static str],
    chosen_offset: String,
    nav: Nav,
    id: Uuid,
    reference: String,
    program_id: Uuid,
    program_reference: String,
    destination: String,
    destination_name: String,
    window: String,
    state: &'static str,
    state_code: &'static str,
    assessment_id: Uuid,
    verdict: &'static str,
    verdict_class: &'static str,
    kb_version: String,
    assessed_as_of: String,
    declaration: String,
    events: Vec<EventRow>,
    clock: &'static str,
    clock_target: u32,
    clock_elapsed: String,
    delivery: String,
    delivered: bool,
    risk: &'static str,
    prevalidated: bool,
    missing: Vec<String>,
    next: Vec<Choice>,
    can_move: bool,
    fb: Feedback,
}

async fn consignment_page(
    state: &AppState,
    user: &WebUser,
    id: Uuid,
    fb: Feedback,
) -> Result<ConsignmentPage, WebError> {
    let p = &user.principal;
    let view = programs::consignment_view(state, p, id, now_micros()).await?;
    let (c, status, standing) = (&view.consignment, &view.status, &view.position);
    let (verdict, verdict_class) = verdict_label(&c.assessment.verdict);
    let chosen_offset = match fb.val("transition", "at_offset") {
        "" => "+00:00".to_owned(),
        given => given.to_owned(),
    };
    Ok(ConsignmentPage {
        offsets: UTC_OFFSETS,
        chosen_offset,
        nav: Nav::new(user, "programs", state),
        id: c.id,
        reference: c.reference.clone(),
        program_id: c.program_id,
        program_reference: view.program_reference.clone(),
        destination: c.destination.clone(),
        destination_name: country_name(&c.destination),
        window: format!("{} – {}", view.window.start, view.window.end),
        state: c.state.label(),
        state_code: c.state.as_str(),
        assessment_id: c.assessment.id,
        verdict,
        verdict_class,
        kb_version: c.assessment.kb_version.clone(),
        assessed_as_of: c.assessment.as_of.to_string(),
        declaration: c.declaration_reference.clone().unwrap_or_else(|| "—".to_owned()),
        events: c
            .events
            .iter()
            .map(|e| EventRow {
                from: e.from.map_or_else(|| "(created)".to_owned(), |s| s.label().to_owned()),
                to: e.to.label().to_owned(),
                at: rfc3339(e.at),
                actor: e.actor.clone(),
                note: e.note.clone().unwrap_or_default(),
            })
            .collect(),
        clock: ClockStatus::label(status.clearance.status),
        clock_target: status.clearance.target_hours,
        clock_elapsed: status
            .clearance
            .elapsed_hours
            .map_or_else(|| "—".to_owned(), |h| format!("{h} h")),
        delivery: date_text(status.forecast.delivery),
        delivered: status.forecast.delivered,
        risk: WindowRisk::label(status.forecast.risk),
        prevalidated: standing.prevalidated,
        missing: standing.missing.iter().map(|m| m.what.clone()).collect(),
        next: c
            .state
            .next()
            .iter()
            .map(|s| Choice { value: s.as_str().to_owned(), label: s.label().to_owned() })
            .collect(),
        can_move: operates(p),
        fb,
    })
}

/// `GET /consignments/{id}`.
pub(crate) async fn consignment(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id, "consignment")?;
    render(&consignment_page(&state, &user, id, Feedback::default()).await?)
}

/// `POST /consignments/{id}/transitions`: refused transitions are shown with their reason.
/// The UTC offsets a time can be given in (every offset in use, ISO 8601).
pub(crate) const UTC_OFFSETS: &[&str] = &[
    "-12:00", "-11:00", "-10:00", "-09:30", "-09:00", "-08:00", "-07:00", "-06:00", "-05:00",
    "-04:00", "-03:30", "-03:00", "-02:00", "-01:00", "+00:00", "+01:00", "+02:00", "+03:00",
    "+03:30", "+04:00", "+04:30", "+05:00", "+05:30", "+05:45", "+06:00", "+06:30", "+07:00",
    "+08:00", "+08:45", "+09:00", "+09:30", "+10:00", "+10:30", "+11:00", "+12:00", "+12:45",
    "+13:00", "+14:00",
];

/// The instant a date-time control and a time zone give, as RFC 3339 (`2026-11-21T10:00:00+03:00`);
/// `Ok(None)` when the time is left empty (now), an error in the page's words otherwise.
fn form_instant(local: Option<&str>, offset: Option<&str>) -> Result<Option<String>, String> {
    let Some(local) = local.map(str::trim).filter(|l| !l.is_empty()) else { return Ok(None) };
    let offset = offset.map(str::trim).filter(|o| !o.is_empty()).unwrap_or("+00:00");
    if !UTC_OFFSETS.contains(&offset) {
        return Err(format!("`{offset}` is not a time zone offset such as +03:00"));
    }
    // A date-time control sends `2026-11-21T10:00` (seconds when the step asks for them).
    let with_seconds = match local.len() {
        16 => format!("{local}:00"),
        _ => local.to_owned(),
    };
    let text = format!("{with_seconds}{offset}");
    match jiff::Timestamp::from_str(&text) {
        Ok(_) => Ok(Some(text)),
        Err(_) => Err(format!("`{local}` is not a date and time (day, month, year, hour, minute)")),
    }
}

pub(crate) async fn transition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let id = path_id(&id, "consignment")?;
    let fields = form_map(pairs);
    let at = match form_instant(
        fields.get("at_local").map(String::as_str),
        fields.get("at_offset").map(String::as_str),
    ) {
        Ok(at) => at,
        Err(message) => {
            let shown = vec![Shown { field: "When".to_owned(), note: String::new(), message }];
            let fb = Feedback::new("transition", fields, shown);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &consignment_page(&state, &user, id, fb).await?,
            );
        }
    };
    let new = NewTransition {
        to: text(&fields, "to"),
        at,
        declaration_reference: given(&fields, "declaration_reference"),
        note: given(&fields, "note"),
    };
    match programs::transition(&state, &user.principal, id, &new, now_micros()).await {
        Ok(_) => Ok(Redirect::to(&format!("/consignments/{id}")).into_response()),
        Err(e) => {
            let (status, mut errors) = refusal(e)?;
            // The form's labels, not the API's field names.
            for error in &mut errors {
                let label = match error.field.as_str() {
                    "to" => "New state",
                    "at" => "When",
                    "declaration_reference" => "Declaration reference",
                    "note" => "Note",
                    _ => continue,
                };
                error.field = label.to_owned();
            }
            let fb = Feedback::new("transition", fields, errors);
            render_status(status, &consignment_page(&state, &user, id, fb).await?)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The IOR entity registry

#[derive(Debug)]
pub(crate) struct ExpiryRow {
    entity: String,
    country: String,
    credential: String,
    number: String,
    requirement: String,
    expires_on: String,
    days_left: i32,
    expired: bool,
}

#[derive(Debug)]
pub(crate) struct CredentialRow {
    requirement: String,
    name: String,
    number: String,
    issuer: String,
    evidence: String,
    valid_from: String,
    expires_on: String,
    validity: &'static str,
    valid: bool,
}

#[derive(Debug)]
pub(crate) struct EntityView {
    id: Uuid,
    name: String,
    country: String,
    relationship: &'static str,
    registry_number: String,
    credentials: Vec<CredentialRow>,
    /// The requirements of its market held by an importer, for the credential form.
    requirements: Vec<Choice>,
    fb: Feedback,
}

#[derive(Debug, askama::Template)]
#[template(path = "entities.html")]
pub(crate) struct EntitiesPage {
    nav: Nav,
    alerts: Vec<ExpiryRow>,
    entities: Vec<EntityView>,
    today: String,
    fb: Feedback,
}

/// The registry page; `fb` is a refused form: `entity`, or `credential@<entity id>`.
async fn entities_page(
    state: &AppState,
    user: &WebUser,
    fb: Feedback,
) -> Result<EntitiesPage, WebError> {
    let p = &user.principal;
    let now = now_micros();
    let today = date_of(now);
    let list = programs::entities(state, p).await?;
    let alerts = programs::alerts(state, p, 60, now)
        .await?
        .into_iter()
        .map(|a| ExpiryRow {
            entity: a.entity,
            country: a.country,
            credential: a.credential,
            number: a.number,
            requirement: a.requirement.unwrap_or_default(),
            expires_on: a.expires_on.to_string(),
            days_left: a.days_left,
            expired: a.expired,
        })
        .collect();
    let kb = state.kb();
    let entities = list
        .into_iter()
        .map(|e| {
            let section_fb = match fb.form.split_once('@') {
                Some((form, id)) if id == e.id.to_string() => {
                    Feedback::new(form, fb.values.clone(), fb.errors.clone())
                }
                _ => Feedback::default(),
            };
            let requirements = preclear_domain::Country::parse(&e.country)
                .ok()
                .and_then(|c| kb.market(c))
                .map(|m| {
                    m.requirements
                        .iter()
                        .filter(|r| r.scope == preclear_kb::Scope::Importer)
                        .map(|r| Choice {
                            value: r.id.to_string(),
                            label: format!("{} ({})", r.name, r.id),
                        })
                        .collect()
                })
                .unwrap_or_default();
            EntityView {
                id: e.id,
                credentials: e
                    .credentials
                    .iter()
                    .map(|c| {
                        let validity = c.validity(today);
                        CredentialRow {
                            requirement: c.requirement.clone().unwrap_or_else(|| "—".into()),
                            name: c.name.clone(),
                            number: c.number.clone(),
                            issuer: c.issuer.clone(),
                            evidence: evidence_text(&c.evidence),
                            valid_from: date_text(c.valid_from),
                            expires_on: c
                                .expires_on
                                .map_or_else(|| "does not expire".to_owned(), |d| d.to_string()),
                            validity: match validity {
                                Validity::Valid => "valid",
                                Validity::NotYetValid => "not yet valid",
                                Validity::Expired => "expired",
                            },
                            valid: validity == Validity::Valid,
                        }
                    })
                    .collect(),
                relationship: match e.relationship {
                    Relationship::Own => "own entity",
                    Relationship::DisclosedPartner => "disclosed partner",
                },
                name: e.name,
                country: e.country,
                registry_number: e.registry_number,
                requirements,
                fb: section_fb,
            }
        })
        .collect();
    let page_fb = if fb.form.contains('@') { Feedback::default() } else { fb };
    Ok(EntitiesPage {
        nav: Nav::new(user, "entities", state),
        alerts,
        entities,
        today: today.to_string(),
        fb: page_fb,
    })
}

/// `GET /ior-entities` (the provider's operators and admins).
pub(crate) async fn entities(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    render(&entities_page(&state, &user, Feedback::default()).await?)
}

/// `POST /ior-entities`.
pub(crate) async fn create_entity(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let fields = form_map(pairs);
    let new = NewEntity {
        name: text(&fields, "name"),
        country: text(&fields, "country"),
        relationship: text(&fields, "relationship"),
        disclosed: fields.get("disclosed").is_some_and(|v| v == "true"),
        registry_number: text(&fields, "registry_number"),
    };
    match programs::create_entity(&state, &user.principal, &new, now_micros()).await {
        Ok(entity) => {
            Ok(Redirect::to(&format!("/ior-entities#entity-{}", entity.id)).into_response())
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            let page =
                entities_page(&state, &user, Feedback::new("entity", fields, errors)).await?;
            render_status(status, &page)
        }
    }
}

/// `POST /ior-entities/{id}/credentials` (multipart: the evidence file is optional).
pub(crate) async fn add_credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfMultipart { user, multipart }: CsrfMultipart,
) -> Result<Response, WebError> {
    let upload = read_upload(&state, multipart, "evidence_file").await?;
    let id = path_id(&id, "IOR entity")?;
    let now = now_micros();
    let fields = upload.fields;
    let outcome = async {
        // The entity must be the caller's before anything is stored for it.
        programs::entity(&state, &user.principal, id).await?;
        let sha = store_evidence(&state, &user.principal, upload.file, now).await?;
        let new = NewCredential {
            requirement: given(&fields, "requirement"),
            name: text(&fields, "name"),
            number: text(&fields, "number"),
            issuer: text(&fields, "issuer"),
            evidence: EvidenceInput {
                reference: given(&fields, "evidence_reference"),
                document_sha256: sha,
            },
            valid_from: given(&fields, "valid_from"),
            expires_on: given(&fields, "expires_on"),
        };
        programs::add_credential(&state, &user.principal, id, &new, now)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/ior-entities#entity-{id}")).into_response()),
        Err(e) => {
            let (status, errors) = refusal(e)?;
            let fb = Feedback::new(&format!("credential@{id}"), fields, errors);
            render_status(status, &entities_page(&state, &user, fb).await?)
        }
    }
}

/// `GET /programs/{id}/export/{file}`: the rollout view as CSV or XLSX.
pub(crate) async fn export(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = path_id(&id, "program")?;
    let (name, mime, bytes) =
        programs::rollout_export(&state, &user.principal, id, now_micros(), &file).await?;
    Ok(crate::documents::download(&name, mime, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_time_control_and_a_zone_make_one_instant() {
        assert_eq!(
            form_instant(Some("2026-11-21T10:00"), Some("+03:00")),
            Ok(Some("2026-11-21T10:00:00+03:00".to_owned()))
        );
        assert_eq!(
            form_instant(Some("2026-11-21T10:00:30"), Some("-09:30")),
            Ok(Some("2026-11-21T10:00:30-09:30".to_owned()))
        );
        assert_eq!(
            form_instant(Some("2026-11-21T10:00"), None),
            Ok(Some("2026-11-21T10:00:00+00:00".to_owned())),
            "UTC when no zone is chosen"
        );
        assert_eq!(form_instant(Some("  "), Some("+03:00")), Ok(None), "now when empty");
        assert!(form_instant(Some("2026-13-40T10:00"), Some("+03:00")).is_err());
        assert!(form_instant(Some("2026-11-21T10:00"), Some("+03:17")).is_err());
        assert!(form_instant(Some("tomorrow"), Some("+03:00")).is_err());
    }

    #[test]
    fn destination_lines_read_with_their_line_numbers() {
        let (list, lines, problems) =
            destinations("TR, 2026-12-01, 2026-12-20, 48, 5\n\nBR,2026-12-01,2027-01-15\n");
        assert_eq!(list.len(), 2);
        assert_eq!(lines, [1, 3]);
        assert!(problems.is_empty());
        assert_eq!(list[0].clearance_target_hours, Some(48));
        assert_eq!(list[1].country, "BR");
        assert_eq!(list[1].transit_days, None);
        let (_, _, problems) = destinations("TR, 2026-12-01, 2026-12-20, two days");
        assert_eq!(problems[0].field, "destinations[0].clearance_target_hours");
        assert_eq!(problems[0].note, "line 1");
    }

    #[test]
    fn feedback_belongs_to_its_form() {
        let values = BTreeMap::from([("tax_id".to_owned(), "123".to_owned())]);
        let fb = Feedback::new("consignee", values, vec![]);
        assert_eq!(fb.val("consignee", "tax_id"), "123");
        assert_eq!(fb.val("approval", "tax_id"), "");
        assert!(fb.chose("consignee", "tax_id", "123"));
    }
}
