//! `/api/v1/ior-entities`, `/evidence`, `/programs`, `/consignments`: the programs API. Each
//! handler reads its input and calls `programs`, where the decisions and the changes are.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Op, Principal};
use crate::body::{Json, Params, RawBody, json_response as json};
use crate::clock::{date_of, now_micros};
use crate::error::ApiError;
use crate::programs::{
    self, NewApproval, NewConsignee, NewCredential, NewEntity, NewProgram, NewTransition,
};
use preclear_service::program_routes::{
    self, DisruptionReport, ModeSwitch, NewDecision, NewDisruption, NewLane, NewMode,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ior-entities", get(list_entities).post(create_entity))
        .route("/ior-entities/alerts", get(alerts))
        .route("/ior-entities/{id}", get(fetch_entity))
        .route("/ior-entities/{id}/credentials", post(add_credential))
        .route("/evidence", post(upload_evidence))
        .route("/evidence/{sha256}", get(download_evidence))
        .route("/programs", get(list_programs).post(create_program))
        .route("/programs/{id}", get(rollout))
        .route("/programs/{id}/positions/{destination}/entity", post(assign_entity))
        .route("/programs/{id}/positions/{destination}/consignee", post(set_consignee))
        .route("/programs/{id}/positions/{destination}/approvals", post(record_approval))
        .route("/programs/{id}/positions/{destination}/route", post(set_route))
        .route("/programs/{id}/disruptions", post(record_disruption))
        .route("/programs/{id}/disruptions/{disruption}/lift", post(lift_disruption))
        .route("/programs/{id}/disruptions/{disruption}/decisions", post(decide_disruption))
        .route("/programs/{id}/consignments", get(list_consignments).post(create_consignment))
        .route("/programs/{id}/kb-impact", get(impact))
        .route("/programs/{id}/export/{file}", get(export))
        .route("/consignments/{id}", get(fetch_consignment))
        .route("/consignments/{id}/transitions", post(transition))
        .route("/consignments/{id}/mode", post(switch_mode))
}

fn created(body: &impl serde::Serialize) -> Result<Response, ApiError> {
    json(StatusCode::CREATED, body)
}

const PROBLEM: &str = "application/problem+json";

#[utoipa::path(get, path = "/api/v1/ior-entities", tag = "programs",
    responses((status = 200, description = "The provider's IOR entities with their credentials", body = Object),
        (status = 403, description = "Not an operator of the provider", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn list_entities(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &programs::entities(&state, &principal).await?)
}

#[utoipa::path(post, path = "/api/v1/ior-entities", tag = "programs", request_body = NewEntity,
    responses((status = 201, description = "Registered", body = Object),
        (status = 422, description = "Invalid (an undisclosed partner is refused); each field named", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn create_entity(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewEntity>,
) -> Result<Response, ApiError> {
    created(&programs::create_entity(&state, &principal, &new, now_micros()).await?)
}

#[utoipa::path(get, path = "/api/v1/ior-entities/{id}", tag = "programs",
    params(("id" = Uuid, Path, description = "The entity")),
    responses((status = 200, description = "The entity", body = Object),
        (status = 404, description = "Not in the caller's registry", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn fetch_entity(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &programs::entity(&state, &principal, id).await?.0)
}

#[utoipa::path(post, path = "/api/v1/ior-entities/{id}/credentials", tag = "programs",
    params(("id" = Uuid, Path, description = "The entity")), request_body = NewCredential,
    responses((status = 201, description = "Added; the entity with its credentials", body = Object),
        (status = 422, description = "Invalid; each field named", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn add_credential(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Json(new): Json<NewCredential>,
) -> Result<Response, ApiError> {
    created(&programs::add_credential(&state, &principal, id, &new, now_micros()).await?)
}

/// How far ahead expiry alerts look.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertQuery {
    /// Days ahead (default 60).
    within_days: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/ior-entities/alerts", tag = "programs", params(AlertQuery),
    responses((status = 200, description = "Credentials expired or expiring within the window, soonest first", body = Object)),
    security(("api_key" = [])))]
pub(crate) async fn alerts(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<AlertQuery>,
) -> Result<Response, ApiError> {
    let within = query.within_days.unwrap_or(60);
    json(StatusCode::OK, &programs::alerts(&state, &principal, within, now_micros()).await?)
}

/// An evidence upload's name.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct EvidenceQuery {
    /// The file's name.
    file_name: String,
}

#[utoipa::path(post, path = "/api/v1/evidence", tag = "programs", params(EvidenceQuery),
    request_body(content = Vec<u8>, description = "The document's bytes", content_type = "application/octet-stream"),
    responses((status = 201, description = "Stored; cite `sha256` as `document_sha256` in evidence", body = Object),
        (status = 413, description = "Over the body limit", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn upload_evidence(
    State(state): State<AppState>,
    principal: Principal,
    Params(query): Params<EvidenceQuery>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let doc = programs::upload_evidence(
        &state,
        &principal,
        &query.file_name,
        &content_type,
        bytes,
        now_micros(),
    )
    .await?;
    created(&doc)
}

#[utoipa::path(get, path = "/api/v1/evidence/{sha256}", tag = "programs",
    params(("sha256" = String, Path, description = "The document's SHA-256")),
    responses((status = 200, description = "The document"),
        (status = 404, description = "No such document visible to the caller", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn download_evidence(
    State(state): State<AppState>,
    principal: Principal,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    principal.may(Op::ReadEvidence)?;
    let doc = state
        .store
        .evidence(&sha256, principal.visibility())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("evidence document {sha256} not found")))?;
    let name: String = doc
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
        .collect();
    Ok(crate::documents::download(&name, "application/octet-stream", doc.bytes))
}

#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, description = "The programs the caller may see", body = Object)),
    security(("api_key" = [])))]
pub(crate) async fn list_programs(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &programs::programs(&state, &principal).await?)
}

#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = NewProgram,
    responses((status = 201, description = "Created", body = Object),
        (status = 409, description = "The client has a program with this reference", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid; each field named (`destinations[1].window_end`)", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn create_program(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<NewProgram>,
) -> Result<Response, ApiError> {
    created(&programs::create_program(&state, &principal, &new, now_micros()).await?)
}

#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = Uuid, Path, description = "The program")),
    responses((status = 200, description = "The program and its rollout view: per destination the position's standing (what is missing, the longest remaining item), consignments by state, SLA status, window risk; the critical path to the last delivery", body = Object),
        (status = 404, description = "Not found", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn rollout(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (ctx, view) = programs::rollout(&state, &principal, id, now_micros()).await?;
    json(StatusCode::OK, &json!({ "program": ctx.program, "rollout": view }))
}

/// The IOR entity to assign.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Assign {
    /// The entity's id.
    entity_id: Uuid,
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/positions/{destination}/entity", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("destination" = String, Path, description = "The destination")),
    request_body = Assign,
    responses((status = 200, description = "Assigned; the program", body = Object),
        (status = 422, description = "Refused: each registration the entity lacks, with its reason", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn assign_entity(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, destination)): Path<(Uuid, String)>,
    Json(assign): Json<Assign>,
) -> Result<Response, ApiError> {
    let program = programs::assign_entity(
        &state,
        &principal,
        id,
        &destination,
        assign.entity_id,
        now_micros(),
    )
    .await?;
    json(StatusCode::OK, &program)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/positions/{destination}/consignee", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("destination" = String, Path, description = "The destination")),
    request_body = NewConsignee,
    responses((status = 200, description = "Recorded; the program", body = Object),
        (status = 422, description = "Invalid; each field named (the tax id's form per destination)", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn set_consignee(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, destination)): Path<(Uuid, String)>,
    Json(new): Json<NewConsignee>,
) -> Result<Response, ApiError> {
    let program =
        programs::set_consignee(&state, &principal, id, &destination, &new, now_micros()).await?;
    json(StatusCode::OK, &program)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/positions/{destination}/route", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("destination" = String, Path, description = "The destination")),
    request_body = NewLane,
    responses((status = 200, description = "The lane set and its route planned with the program's active disruptions; the destination's transit days now follow the route; the program", body = Object),
        (status = 422, description = "An unknown port or airport, an arrival outside the destination, no open route: named by its field", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn set_route(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, destination)): Path<(Uuid, String)>,
    Json(lane): Json<NewLane>,
) -> Result<Response, ApiError> {
    let program =
        program_routes::set_route(&state, &principal, id, &destination, &lane, now_micros())
            .await?;
    json(StatusCode::OK, &program)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/disruptions", tag = "programs",
    params(("id" = Uuid, Path, description = "The program")),
    request_body = NewDisruption,
    responses((status = 201, description = "Recorded and audited; every destination whose route it touches is planned again: the routes before and after, the days and emissions added, each consignment's window risk before and after, whether the import position holds, what to decide", body = DisruptionReport),
        (status = 422, description = "A closure that is neither a passage nor a port, a bad date, no source: named by its field", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn record_disruption(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Json(new): Json<NewDisruption>,
) -> Result<Response, ApiError> {
    let report =
        program_routes::record_disruption(&state, &principal, id, &new, now_micros()).await?;
    json(StatusCode::CREATED, &report)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/disruptions/{disruption}/lift", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("disruption" = Uuid, Path, description = "The disruption")),
    responses((status = 200, description = "Lifted and audited; the destinations it had re-routed planned again with what is still closed", body = DisruptionReport),
        (status = 409, description = "Already lifted", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn lift_disruption(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, disruption)): Path<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    let report =
        program_routes::lift_disruption(&state, &principal, id, disruption, now_micros()).await?;
    json(StatusCode::OK, &report)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/disruptions/{disruption}/decisions", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("disruption" = Uuid, Path, description = "The disruption")),
    request_body = NewDecision,
    responses((status = 200, description = "Recorded on the disruption and audited; the disruption with its decisions", body = Object),
        (status = 409, description = "The disruption is lifted", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "Not a decision, not a destination of the program, or a destination without a lane: named by its field", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn decide_disruption(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, disruption)): Path<(Uuid, Uuid)>,
    Json(new): Json<NewDecision>,
) -> Result<Response, ApiError> {
    let recorded =
        program_routes::decide(&state, &principal, id, disruption, &new, now_micros()).await?;
    json(StatusCode::OK, &recorded)
}

#[utoipa::path(post, path = "/api/v1/consignments/{id}/mode", tag = "programs",
    params(("id" = Uuid, Path, description = "The consignment")),
    request_body = NewMode,
    responses((status = 200, description = "Re-assessed with the new mode (and Incoterm); the new assessment replaces the old; the documents added and dropped (an air waybill for a bill of lading); audited", body = ModeSwitch),
        (status = 409, description = "Already released at origin", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "The request is invalid with the new mode: an Incoterm for sea only (FOB, FAS, CFR, CIF) with air, named `incoterm`", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn switch_mode(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Json(new): Json<NewMode>,
) -> Result<Response, ApiError> {
    let switched = program_routes::switch_mode(&state, &principal, id, &new, now_micros()).await?;
    json(StatusCode::OK, &switched)
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/positions/{destination}/approvals", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ("destination" = String, Path, description = "The destination")),
    request_body = NewApproval,
    responses((status = 200, description = "Recorded; the program", body = Object),
        (status = 422, description = "Invalid; each field named", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn record_approval(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, destination)): Path<(Uuid, String)>,
    Json(new): Json<NewApproval>,
) -> Result<Response, ApiError> {
    let program =
        programs::record_approval(&state, &principal, id, &destination, &new, now_micros()).await?;
    json(StatusCode::OK, &program)
}

#[utoipa::path(get, path = "/api/v1/programs/{id}/consignments", tag = "programs",
    params(("id" = Uuid, Path, description = "The program")),
    responses((status = 200, description = "Its consignments with their events", body = Object)),
    security(("api_key" = [])))]
pub(crate) async fn list_consignments(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (program, _) = programs::program(&state, &principal, id).await?;
    json(StatusCode::OK, &programs::consignments(&state, &principal, &program, None).await?)
}

/// A new consignment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewConsignment {
    /// The shipment request (its destination must be one of the program's); or else
    /// `assessment_id`.
    #[schema(value_type = Option<preclear_domain::openapi::ShipmentRequest>)]
    #[serde(default)]
    request: Option<Value>,
    /// A stored assessment of the program's client whose request the consignment is made from
    /// (assessed again with the current KB); or else `request`.
    #[serde(default)]
    assessment_id: Option<String>,
    /// The assessment date (YYYY-MM-DD); today when omitted.
    #[serde(default)]
    as_of: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/programs/{id}/consignments", tag = "programs",
    params(("id" = Uuid, Path, description = "The program")), request_body = NewConsignment,
    responses((status = 201, description = "Assessed and stored with its assessment, in state draft", body = Object),
        (status = 422, description = "The request is invalid (each field named, under `request`) or not for a destination of the program", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn create_consignment(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Json(new): Json<NewConsignment>,
) -> Result<Response, ApiError> {
    let (as_of, now) = (new.as_of.as_deref(), now_micros());
    let consignment = match (&new.request, &new.assessment_id) {
        (Some(request), None) => {
            programs::create_consignment(&state, &principal, id, request, as_of, now).await?
        }
        (None, Some(assessment)) => {
            programs::consignment_from_assessment(&state, &principal, id, assessment, as_of, now)
                .await?
        }
        _ => {
            return Err(ApiError::invalid_field(
                "request",
                "give the shipment `request` or the `assessment_id` of a stored assessment (one of the two)",
            ));
        }
    };
    state.metrics.assessment(&consignment.assessment.verdict);
    created(&consignment)
}

#[utoipa::path(get, path = "/api/v1/consignments/{id}", tag = "programs",
    params(("id" = Uuid, Path, description = "The consignment")),
    responses((status = 200, description = "The consignment with its events, SLA clock and window forecast", body = Object),
        (status = 404, description = "Not found", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn fetch_consignment(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &programs::consignment_view(&state, &principal, id, now_micros()).await?)
}

#[utoipa::path(post, path = "/api/v1/consignments/{id}/transitions", tag = "programs",
    params(("id" = Uuid, Path, description = "The consignment")), request_body = NewTransition,
    responses((status = 200, description = "Moved; the consignment", body = Object),
        (status = 409, description = "Refused by the lifecycle or a guard (not pre-validated, no declaration reference); the reason in `detail`", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid; each field named", body = crate::error::Problem, content_type = PROBLEM)),
    security(("api_key" = [])))]
pub(crate) async fn transition(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Json(new): Json<NewTransition>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &programs::transition(&state, &principal, id, &new, now_micros()).await?)
}

/// The date of the comparison.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImpactQuery {
    /// Both assessments are made for this date (YYYY-MM-DD); today when omitted.
    as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/programs/{id}/export/{file}", tag = "programs",
    params(
        ("id" = Uuid, Path, description = "The program"),
        ("file" = String, Path, description = "`rollout.csv` or `rollout.xlsx`: the rollout view, one row per destination"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "text/csv"),
        (status = 404, description = "No such program or file", body = crate::error::Problem, content_type = PROBLEM),
    ),
    security(("api_key" = [])))]
pub(crate) async fn export(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, file)): Path<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let (name, mime, bytes) =
        programs::rollout_export(&state, &principal, id, now_micros(), &file).await?;
    Ok(crate::documents::download(&name, mime, bytes))
}

#[utoipa::path(get, path = "/api/v1/programs/{id}/kb-impact", tag = "programs",
    params(("id" = Uuid, Path, description = "The program"), ImpactQuery),
    responses((status = 200, description = "The open consignments and positions whose assessment the current KB would change (each re-assessed with its own KB version and the current one, on the same date)", body = programs::Impact)),
    security(("api_key" = [])))]
pub(crate) async fn impact(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<Uuid>,
    Params(query): Params<ImpactQuery>,
) -> Result<Response, ApiError> {
    let as_of = match query.as_of.as_deref() {
        None => date_of(now_micros()),
        Some(text) => text.parse::<Date>().map_err(|_| {
            ApiError::bad_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)"))
        })?,
    };
    json(StatusCode::OK, &programs::impact(&state, &principal, id, None, as_of).await?)
}
