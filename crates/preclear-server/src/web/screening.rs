//! Restricted-party screening on the web, for the provider's operators: the hits awaiting a
//! decision, each with a form to decide it (false positive, with a reason; or true match), and
//! the decisions taken. The operations are `preclear_service::screening`, as for the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use preclear_service::ServiceError;
use preclear_service::clock::now_micros;
use preclear_service::screening::{self, NewDecision, OpenHit};
use preclear_store::ScreeningDecision;

use super::session::{CsrfForm, WebUser};
use super::{Nav, WebError, form_value, render, render_status};
use crate::AppState;
use crate::clock::rfc3339;

#[derive(askama::Template)]
#[template(path = "screening.html")]
pub(crate) struct QueuePage {
    nav: Nav,
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
    let open = screening::queue(state, &user.principal).await?;
    let decisions = screening::decisions(state, &user.principal).await?;
    Ok(QueuePage {
        nav: Nav::new(user, "screening", state),
        open,
        decisions: decisions.iter().map(DecisionRow::of).collect(),
        errors,
        notice,
    })
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    render(&page(&state, &user, Vec::new(), None).await?)
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
