//! Restricted-party screening on the web: a one-off check of a party, for everyone; and for the
//! provider's operators the hits awaiting a decision, each with a form to decide it (false
//! positive, with a reason; or true match), and the decisions taken. The operations are `preclear_service::screening`, as for the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use preclear_service::ServiceError;
use preclear_service::clock::now_micros;
use preclear_service::screening::{self, Checked, NewDecision, OpenHit};
use preclear_store::ScreeningDecision;

use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render, render_status};
use crate::AppState;
use crate::auth::Op;
use crate::clock::rfc3339;

#[derive(askama::Template)]
#[template(path = "screening.html")]
pub(crate) struct QueuePage {
    nav: Nav,
    /// Whether the caller decides hits (the provider's operators and admins): the queue and the
    /// decisions are shown.
    staff: bool,
    /// The one-off check's name and country as typed, its result, and its problem.
    check_name: String,
    check_country: String,
    checked: Option<Checked>,
    check_error: Option<String>,
    open: Vec<OpenHit>,
    decisions: Vec<DecisionRow>,
    /// Problems of a submitted decision, in the page's words.
    errors: Vec<String>,
    /// What the last decision did.
    notice: Option<String>,
}

/// A decision as the page lists it.
#[derive(Debug)]
pub(crate) struct DecisionRow {
    pub party: String,
    pub entry: String,
    pub verdict: &'static str,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
    pub assessment_id: String,
}

impl DecisionRow {
    fn of(d: &ScreeningDecision) -> DecisionRow {
        DecisionRow {
            party: d.party_name.clone(),
            entry: format!("{} `{}` ({})", d.list, d.entry_id, d.entry_name),
            verdict: verdict_words(&d.verdict),
            reason: d.reason.clone(),
            decided_by: d.decided_by.clone(),
            decided_at: rfc3339(d.decided_at),
            assessment_id: d.assessment_id.to_string(),
        }
    }
}

fn verdict_words(verdict: &str) -> &'static str {
    match verdict {
        "true_match" => "True match",
        _ => "False positive",
    }
}

/// The form's label for a field the service names.
fn label(field: &str) -> &str {
    match field {
        "verdict" => "Decision",
        "reason" => "Reason",
        "role" => "Party",
        "entry_id" => "Listed entry",
        other => other,
    }
}

async fn page(
    state: &AppState,
    user: &WebUser,
    errors: Vec<String>,
    notice: Option<String>,
) -> Result<QueuePage, WebError> {
    let staff = user.principal.can(Op::ScreeningQueue);
    let (open, decisions) = if staff {
        (
            screening::queue(state, &user.principal).await?,
            screening::decisions(state, &user.principal).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(QueuePage {
        nav: Nav::new(user, "screening", state),
        staff,
        check_name: String::new(),
        check_country: String::new(),
        checked: None,
        check_error: None,
        open,
        decisions: decisions.iter().map(DecisionRow::of).collect(),
        errors,
        notice,
    })
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    user: WebUser,
    axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let mut page = page(&state, &user, Vec::new(), None).await?;
    let Some(name) = query.get("name") else { return render(&page) };
    page.check_name = name.clone();
    page.check_country = query.get("country").cloned().unwrap_or_default();
    let country = Some(page.check_country.as_str()).filter(|c| !c.trim().is_empty());
    match screening::check(&state, &user.principal, name, country).await {
        Ok(checked) => {
            page.checked = Some(checked);
            render(&page)
        }
        Err(ServiceError::Invalid(errors)) => {
            page.check_error = Some(
                errors
                    .into_iter()
                    .map(|e| {
                        let field = if e.field == "country" { "Country" } else { "Name" };
                        format!("{field}: {}", e.message)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    let field = |name: &str| form_value(&pairs, name).unwrap_or_default().to_owned();
    let new = NewDecision {
        assessment_id: field("assessment_id"),
        role: field("role"),
        list: field("list"),
        entry_id: field("entry_id"),
        verdict: field("verdict"),
        reason: field("reason"),
    };
    match screening::decide(&state, &user.principal, &new, now_micros()).await {
        Ok(decision) => {
            let notice = format!(
                "Decided: {} is {} of {} `{}`. Later assessments of this party take it into account while the entry is listed as it is now.",
                decision.party_name,
                if decision.verdict == "true_match" {
                    "the listed party"
                } else {
                    "not the listed party"
                },
                decision.list,
                decision.entry_id,
            );
            render(&page(&state, &user, Vec::new(), Some(notice)).await?)
        }
        Err(ServiceError::Invalid(errors)) => {
            let errors =
                errors.into_iter().map(|e| format!("{}: {}", label(&e.field), e.message)).collect();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &user, errors, None).await?,
            )
        }
        Err(other) => Err(other.into()),
    }
}
