//! Several destinations side by side: from the new-assessment form ("Compare destinations") and
//! from any report. Every destination is assessed and stored by the service's
//! `compare_and_store` (the API's path), and the page shows one row each.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use preclear_engine::compare::ComparisonRow;
use preclear_service::ServiceError;
use preclear_service::assessments::{StoredComparison, compare_and_store, parse_destinations};
use preclear_service::comparisons::{Loaded, comparison_file, load_comparison};
use serde_json::Value;
use uuid::Uuid;

use super::pages::{amount, country_name};
use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render_status, verdict_label};
use crate::AppState;
use crate::assessments::load;
use crate::auth::Op;
use crate::error::ApiError;

/// The label of the destinations field, as the pages show it.
pub(crate) const FIELD: &str = "Compare with other destinations";

#[derive(Debug, askama::Template)]
#[template(path = "compare.html")]
pub(crate) struct ComparePage {
    nav: Nav,
    reference: String,
    currency: String,
    as_of: String,
    kb_version: String,
    rows: Vec<RowView>,
    /// Problems with the destinations asked (in the page's words), when nothing was compared.
    errors: Vec<String>,
    /// The report a comparison was asked from, for the form to try again.
    from: Option<Uuid>,
    asked: String,
    /// The stored comparison, for its address and its files.
    id: Option<Uuid>,
}

#[derive(Debug)]
pub(crate) struct RowView {
    id: Uuid,
    destination: String,
    name: String,
    verdict: &'static str,
    verdict_class: &'static str,
    landed_cost: String,
    complete: bool,
    share: String,
    ship: String,
    set_by: String,
    blockers: Vec<String>,
    uncomputed: Vec<String>,
}

impl RowView {
    fn new(row: &ComparisonRow, id: Uuid) -> RowView {
        let (verdict, verdict_class) = verdict_label(row.verdict.as_str());
        RowView {
            id,
            destination: row.destination.to_string(),
            name: country_name(row.destination.as_str()),
            verdict,
            verdict_class,
            landed_cost: match &row.landed_cost_high {
                Some(high) => format!("{} – {}", amount(&row.landed_cost), amount(high)),
                None => amount(&row.landed_cost),
            },
            complete: row.landed_cost_complete,
            share: row
                .duties_and_taxes_percent_of_goods
                .as_deref()
                .map_or_else(|| "—".to_owned(), |p| format!("{p} %")),
            ship: row
                .earliest_ship_date
                .map_or_else(|| "not established".to_owned(), |d| d.to_string()),
            set_by: row.critical_requirement.clone().unwrap_or_else(|| "—".to_owned()),
            blockers: row.blockers.clone(),
            uncomputed: row.uncomputed_charges.clone(),
        }
    }
}

/// The destinations a user typed: codes separated by commas or spaces.
pub(crate) fn codes(text: &str) -> Vec<String> {
    text.split([',', ' ', ';', '\n', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Compares `value`'s destination and `others`; the problems, in the page's words and keyed by
/// the form field they belong to (`compare_with`, or the request path), when it cannot.
pub(crate) async fn try_compare(
    state: &AppState,
    user: &WebUser,
    org: &preclear_store::Org,
    as_of: Option<preclear_domain::Date>,
    value: &Value,
    others: &str,
) -> Result<Result<StoredComparison, Vec<(String, String)>>, WebError> {
    let own = value.get("destination").and_then(Value::as_str).unwrap_or_default().to_owned();
    let others = codes(others);
    if others.is_empty() {
        return Ok(Err(vec![(
            "compare_with".into(),
            "name at least one other destination, e.g. BR, IN, TR".into(),
        )]));
    }
    let mut all = vec![own];
    all.extend(others);
    let destinations = match parse_destinations(&all) {
        Ok(destinations) => destinations,
        Err(ServiceError::Invalid(errors)) => {
            return Ok(Err(errors.into_iter().map(|e| (field_of(&e.field), e.message)).collect()));
        }
        Err(other) => return Err(ApiError::from(other).into()),
    };
    match compare_and_store(state, &user.principal, org, as_of, value, &destinations).await {
        Ok(stored) => Ok(Ok(stored)),
        Err(ServiceError::Invalid(errors)) => {
            Ok(Err(errors.into_iter().map(|e| (field_of(&e.field), e.message)).collect()))
        }
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// The form field a service error names: the first destination is the form's own.
fn field_of(field: &str) -> String {
    match field {
        "destinations[0]" => "destination".into(),
        f if f.starts_with("destinations") => "compare_with".into(),
        other => other.to_owned(),
    }
}

impl ComparePage {
    pub(crate) fn stored(
        user: &WebUser,
        state: &AppState,
        stored: &StoredComparison,
    ) -> ComparePage {
        let ids = stored.assessments.iter().map(|a| a.summary.id);
        ComparePage::of(Nav::new(user, "new", state), stored.id, &stored.comparison, ids)
    }

    /// A stored comparison, made again from its assessments.
    fn loaded(user: &WebUser, state: &AppState, loaded: &Loaded) -> ComparePage {
        let ids = loaded.assessments.iter().map(|(summary, _)| summary.id);
        ComparePage::of(Nav::new(user, "assessments", state), loaded.id, &loaded.comparison, ids)
    }

    /// A comparison's rows, each linked to its stored assessment (`ids`, in the rows' order).
    fn of(
        nav: Nav,
        id: Uuid,
        c: &preclear_engine::compare::Comparison,
        ids: impl Iterator<Item = Uuid>,
    ) -> ComparePage {
        ComparePage {
            nav,
            reference: c.reference.clone(),
            currency: c.currency.to_string(),
            as_of: c.as_of.to_string(),
            kb_version: c.kb_version.clone(),
            rows: c.rows.iter().zip(ids).map(|(row, id)| RowView::new(row, id)).collect(),
            errors: vec![],
            from: None,
            asked: String::new(),
            id: Some(id),
        }
    }
}

/// `POST /assessments/{id}/compare`: the stored request of a report compared with the
/// destinations asked.
pub(crate) async fn from_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateAssessment)?;
    let record = load(&state, &user.principal, &id).await?;
    let value: Value = serde_json::from_str(&record.request).map_err(ApiError::internal)?;
    let org = state
        .store
        .org(record.summary.org_id, user.principal.visibility())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("assessment `{id}` not found")))?;
    let as_of = record.summary.as_of.parse().ok();
    let asked = form_value(&pairs, "compare_with").unwrap_or_default().to_owned();
    match try_compare(&state, &user, &org, as_of, &value, &asked).await? {
        Ok(stored) => render_status(StatusCode::OK, &ComparePage::stored(&user, &state, &stored)),
        Err(problems) => {
            let page = ComparePage {
                nav: Nav::new(&user, "new", &state),
                reference: record.summary.reference.clone(),
                currency: record.summary.currency.clone(),
                as_of: record.summary.as_of.clone(),
                kb_version: record.summary.kb_version.clone(),
                rows: vec![],
                errors: problems
                    .into_iter()
                    .map(|(field, message)| match field.as_str() {
                        "compare_with" => format!("{FIELD}: {message}"),
                        other => format!("{other}: {message}"),
                    })
                    .collect(),
                from: Some(record.summary.id),
                asked,
                id: None,
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `GET /comparisons/{id}`: a stored comparison, its rows made again from its assessments.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let loaded = load_comparison(&state, &user.principal, &id).await?;
    super::render(&ComparePage::loaded(&user, &state, &loaded))
}

/// `GET /comparisons/{id}/{file}`: the comparison as one PDF or one XLSX.
pub(crate) async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (name, mime, bytes) = comparison_file(&state, &user.principal, &id, &file).await?;
    Ok(crate::documents::download(&name, mime, bytes))
}
