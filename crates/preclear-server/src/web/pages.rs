//! The dashboard, the assessment list, the new-assessment form and upload, the report, and the
//! HS-code lookup.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use preclear_domain::{Country, Date};
use preclear_store::{AssessmentFilter, AssessmentSummary, Org};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::form::{LineView, Section, ShipmentForm, ShownError};
use super::session::{CsrfForm, CsrfMultipart, WebUser};
use super::svg::{self, Bar, Segment, Task};
use super::view::{AssessmentView, FindingView, is_link};
use super::{
    Nav, VERDICTS, WebError, form_value, render, render_status, sees_clients, verdict_label,
};
use crate::AppState;
use crate::assessments::{assess_and_store, load, visible_org};
use crate::auth::Op;
use crate::clock::{date_of, now_micros, rfc3339};
use crate::error::ApiError;

/// A country's name, or the code when the table does not know it.
pub(crate) fn country_name(code: &str) -> String {
    Country::parse(code).map_or_else(|_| code.to_owned(), |c| c.name().to_owned())
}

/// An engine amount (decimal text) with thousands separators, keeping its decimals.
pub(crate) fn amount(text: &str) -> String {
    match Decimal::from_str_exact(text) {
        Ok(d) => svg::money(d, d.scale()),
        Err(_) => text.to_owned(),
    }
}

fn when(micros: i64) -> String {
    let text = rfc3339(micros);
    text.get(..16).map_or(text.clone(), |t| t.replace('T', " "))
}

/// One assessment in a table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub id: Uuid,
    pub reference: String,
    pub client: String,
    pub route: String,
    pub destination: String,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
    pub created: String,
    pub total: String,
}

/// The most characters of a stored text a list shows: input is bounded now, but a row stored
/// before the bounds (or by other means) must not make every list that shows it huge.
const LIST_TEXT_CHARS: usize = 120;

/// `text`, cut to [`LIST_TEXT_CHARS`] with an ellipsis.
fn clip(text: &str) -> String {
    match text.char_indices().nth(LIST_TEXT_CHARS) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

fn row(s: &AssessmentSummary) -> Row {
    let (verdict, verdict_class) = verdict_label(&s.verdict);
    Row {
        id: s.id,
        reference: if s.reference.is_empty() {
            "(no reference)".into()
        } else {
            clip(&s.reference)
        },
        client: clip(&s.client_name),
        route: format!("{} → {}", s.origin, s.destination),
        destination: country_name(&s.destination),
        verdict,
        verdict_class,
        created: when(s.created_at),
        total: list_total(s),
    }
}

/// The landed cost as the list shows it: one figure, a range, or "at least" a lower bound.
fn list_total(s: &AssessmentSummary) -> String {
    let money = |d: rust_decimal::Decimal| format!("{} {}", svg::money(d, d.scale()), s.currency);
    match (s.total_landed_cost, s.landed_cost) {
        (Some(total), _) => money(total),
        (None, Some(cost)) => {
            let range = match cost.high {
                Some(high) => format!("{} – {}", money(cost.low), money(high)),
                None => money(cost.low),
            };
            if cost.complete { range } else { format!("at least {range}") }
        }
        (None, None) => "incomplete".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

/// An assessment that cannot clear, with its blockers.
#[derive(Debug)]
pub(crate) struct Blocked {
    pub row: Row,
    pub reasons: Vec<FindingView>,
}

/// A requirement seen in recent assessments, with its longest lead time.
#[derive(Debug)]
pub(crate) struct LeadTime {
    pub name: String,
    pub authority: String,
    pub destination: String,
    pub days: String,
    pub max: Option<u32>,
    pub count: usize,
    pub source: String,
    pub source_is_link: bool,
}

#[derive(Debug, askama::Template)]
#[template(path = "dashboard.html")]
pub(crate) struct DashboardPage {
    nav: Nav,
    total: i64,
    verdict_chart: String,
    destination_chart: String,
    client_chart: Option<String>,
    recent: Vec<Row>,
    blocked: Vec<Blocked>,
    lead_times: Vec<LeadTime>,
    /// The restricted-party lists in force that are older than their limit (for the staff).
    stale_lists: Vec<String>,
}

/// How many recent assessments the dashboard reads for blockers and lead times.
const DASHBOARD_SAMPLE: u32 = 50;

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let vis = user.principal.visibility();
    let counts = state.store.assessment_counts(vis).await?;
    let orgs: BTreeMap<Uuid, String> =
        state.store.orgs(vis).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let mut by_verdict: BTreeMap<&str, i64> = BTreeMap::new();
    let mut by_destination: BTreeMap<&str, i64> = BTreeMap::new();
    let mut by_client: BTreeMap<Uuid, i64> = BTreeMap::new();
    for c in &counts {
        *by_verdict.entry(c.verdict.as_str()).or_default() += c.count;
        *by_destination.entry(c.destination.as_str()).or_default() += c.count;
        *by_client.entry(c.org_id).or_default() += c.count;
    }
    let verdict_bars: Vec<Bar> = VERDICTS
        .iter()
        .filter_map(|v| {
            let n = *by_verdict.get(v)?;
            let (label, class) = verdict_label(v);
            Some(Bar {
                label: label.to_owned(),
                value: Decimal::from(n),
                class: class.to_owned(),
                href: Some(format!("/assessments?verdict={v}")),
            })
        })
        .collect();
    let mut destinations: Vec<(&str, i64)> = by_destination.into_iter().collect();
    destinations.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let destination_bars: Vec<Bar> = destinations
        .iter()
        .take(12)
        .map(|(code, n)| Bar {
            label: format!("{} ({code})", country_name(code)),
            value: Decimal::from(*n),
            class: "destination".into(),
            href: Some(format!("/assessments?destination={code}")),
        })
        .collect();
    let client_chart = sees_clients(&user.principal).then(|| {
        let mut clients: Vec<(String, i64, Uuid)> = by_client
            .iter()
            .map(|(id, n)| (orgs.get(id).cloned().unwrap_or_else(|| id.to_string()), *n, *id))
            .collect();
        clients.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let bars: Vec<Bar> = clients
            .into_iter()
            .take(12)
            .map(|(name, n, id)| Bar {
                label: name,
                value: Decimal::from(n),
                class: "client".into(),
                href: Some(format!("/assessments?org={id}")),
            })
            .collect();
        svg::bar_chart("by-client", "Assessments by client", &bars, "")
    });

    let recent_summaries = state
        .store
        .assessments(
            vis,
            &AssessmentFilter { limit: DASHBOARD_SAMPLE, ..AssessmentFilter::default() },
        )
        .await?;
    let mut blocked = Vec::new();
    let mut lead: BTreeMap<(String, String), LeadTime> = BTreeMap::new();
    for summary in &recent_summaries {
        let Some(record) = state.store.assessment(summary.id, vis).await? else { continue };
        let Ok(view) = AssessmentView::parse(&record.result) else { continue };
        if matches!(summary.verdict.as_str(), "not_clearable" | "ior_not_suitable")
            && blocked.len() < 8
        {
            let reasons: Vec<FindingView> =
                view.findings.iter().filter(|f| f.severity == "blocker").cloned().collect();
            blocked.push(Blocked { row: row(summary), reasons });
        }
        for r in &view.requirements {
            let key = (view.destination.clone(), r.rule.clone());
            let entry = lead.entry(key).or_insert_with(|| LeadTime {
                name: r.name.clone(),
                authority: r.authority.clone(),
                destination: country_name(&view.destination),
                days: String::new(),
                max: Some(0),
                count: 0,
                source: r.source.clone(),
                source_is_link: is_link(&r.source),
            });
            entry.count += 1;
            entry.max = match (entry.max, r.lead_time_days) {
                (Some(m), Some(d)) => Some(m.max(d.max)),
                _ => None,
            };
        }
    }
    let mut lead_times: Vec<LeadTime> = lead.into_values().collect();
    for l in &mut lead_times {
        l.days = l.max.map_or_else(|| "not established".to_owned(), |d| format!("up to {d} days"));
    }
    // Longest first; an unknown lead time may be the longest of all, so it comes first.
    lead_times.sort_by(|a, b| match (a.max, b.max) {
        (None, None) => b.count.cmp(&a.count),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x).then(b.count.cmp(&a.count)),
    });
    lead_times.truncate(10);
    let page = DashboardPage {
        nav: Nav::new(&user, "dashboard", &state),
        total,
        verdict_chart: svg::bar_chart("by-verdict", "Assessments by verdict", &verdict_bars, ""),
        destination_chart: svg::bar_chart(
            "by-destination",
            "Assessments by destination",
            &destination_bars,
            "",
        ),
        client_chart,
        recent: recent_summaries.iter().take(10).map(row).collect(),
        blocked,
        lead_times,
        stale_lists: if user.principal.can(crate::auth::Op::ScreeningQueue) {
            let today = preclear_service::clock::date_of(preclear_service::clock::now_micros());
            preclear_service::screening::stale_lists(&state, today).await?
        } else {
            Vec::new()
        },
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------------
// Assessment list

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    org: Option<String>,
    destination: Option<String>,
    verdict: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

#[derive(Debug, askama::Template)]
#[template(path = "list.html")]
pub(crate) struct ListPage {
    nav: Nav,
    recent: Vec<Row>,
    orgs: Vec<Org>,
    org: String,
    destination: String,
    verdict: String,
    verdicts: Vec<(&'static str, &'static str)>,
    q: String,
    next: Option<String>,
}

const PAGE_SIZE: u32 = 50;

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let vis = user.principal.visibility();
    let org_id = match given(&query.org) {
        Some(key) => Some(visible_org(&state, &user.principal, &key).await?.id),
        None => None,
    };
    let before_id = match given(&query.before) {
        Some(text) => Some(
            Uuid::from_str(&text)
                .map_err(|_| ApiError::bad_field("before", "is not an assessment id"))?,
        ),
        None => None,
    };
    let filter = AssessmentFilter {
        org_id,
        destination: given(&query.destination).map(|d| d.to_uppercase()),
        verdict: given(&query.verdict),
        text: given(&query.q),
        before_id,
        limit: PAGE_SIZE,
        ..AssessmentFilter::default()
    };
    let summaries = state.store.assessments(vis, &filter).await?;
    let next =
        (summaries.len() == PAGE_SIZE as usize).then(|| summaries.last()).flatten().map(|last| {
            let mut query = url_query(&[
                ("org", org_id.map(|id| id.to_string()).unwrap_or_default().as_str()),
                ("destination", filter.destination.as_deref().unwrap_or_default()),
                ("verdict", filter.verdict.as_deref().unwrap_or_default()),
                ("q", filter.text.as_deref().unwrap_or_default()),
            ]);
            query.push_str(&format!("&before={}", last.id));
            format!("/assessments?{query}")
        });
    let orgs = if sees_clients(&user.principal) { state.store.orgs(vis).await? } else { vec![] };
    let page = ListPage {
        nav: Nav::new(&user, "assessments", &state),
        recent: summaries.iter().map(row).collect(),
        orgs,
        org: org_id.map(|id| id.to_string()).unwrap_or_default(),
        destination: filter.destination.unwrap_or_default(),
        verdict: filter.verdict.unwrap_or_default(),
        verdicts: VERDICTS.iter().map(|v| (*v, verdict_label(v).0)).collect(),
        q: filter.text.unwrap_or_default(),
        next,
    };
    render(&page)
}

/// `a=1&b=2`, percent-encoded.
pub(crate) fn url_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!("{k}={}", super::form_urlencoded_byte_serialize(v).collect::<String>())
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------------------------------------
// New assessment: the form and the upload

/// A country or currency for a datalist.
#[derive(Debug, Clone)]
pub(crate) struct Pick {
    pub code: String,
    pub name: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "new.html")]
pub(crate) struct NewPage {
    nav: Nav,
    sections: Vec<Section>,
    lines: Vec<LineView>,
    line_count: usize,
    errors: Vec<ShownError>,
    /// Organisations the assessment may be for (provider staff choose a client).
    orgs: Vec<Org>,
    org: String,
    as_of: String,
    countries: Vec<Pick>,
    markets: Vec<Pick>,
    currencies: Vec<Pick>,
    upload_error: Option<String>,
    notice: Option<String>,
    /// The destinations to compare with, as typed.
    compare_with: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    lines: Option<usize>,
    example: Option<String>,
}

const EXAMPLE: &str = include_str!("../../../../examples/product-example.json");

impl NewPage {
    async fn build(
        state: &AppState,
        user: &WebUser,
        form: &ShipmentForm,
        errors: Vec<ShownError>,
        org: String,
        as_of: String,
    ) -> Result<NewPage, WebError> {
        let orgs = if sees_clients(&user.principal) {
            state.store.orgs(user.principal.visibility()).await?
        } else {
            vec![]
        };
        let kb = state.kb();
        let mut currencies: Vec<Pick> = kb
            .markets()
            .map(|m| Pick { code: m.currency.to_string(), name: m.currency.name().to_owned() })
            .chain(["EUR", "USD", "GBP", "CHF", "JPY", "CNY"].iter().filter_map(|c| {
                preclear_domain::Currency::parse(c)
                    .ok()
                    .map(|c| Pick { code: c.to_string(), name: c.name().to_owned() })
            }))
            .collect();
        currencies.sort_by(|a, b| a.code.cmp(&b.code));
        currencies.dedup_by(|a, b| a.code == b.code);
        Ok(NewPage {
            nav: Nav::new(user, "new", state),
            sections: form.sections(&errors),
            lines: form.line_views(&errors),
            line_count: form.lines,
            errors,
            orgs,
            org,
            as_of,
            countries: Country::all()
                .map(|c| Pick { code: c.to_string(), name: c.name().to_owned() })
                .collect(),
            markets: kb
                .markets()
                .map(|m| Pick { code: m.country.to_string(), name: m.name.clone() })
                .collect(),
            currencies,
            upload_error: None,
            notice: None,
            compare_with: String::new(),
        })
    }
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateAssessment)?;
    let form = if query.example.is_some() {
        let value: Value = serde_json::from_str(EXAMPLE).map_err(ApiError::internal)?;
        ShipmentForm::from_request(&value)
    } else {
        ShipmentForm::empty(query.lines.unwrap_or(1))
    };
    let page = NewPage::build(&state, &user, &form, vec![], String::new(), String::new()).await?;
    render(&page)
}

/// Which organisation the form is for: the chosen one (provider staff), or the user's own.
async fn chosen_org(state: &AppState, user: &WebUser, org: &str) -> Result<Org, WebError> {
    let org = org.trim();
    if org.is_empty() {
        return Ok(user.principal.org.clone());
    }
    Ok(visible_org(state, &user.principal, org).await?)
}

fn chosen_date(text: &str) -> Result<Option<Date>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Date::from_str(text)
        .map(Some)
        .map_err(|_| ApiError::bad_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)")))
}

/// Stores the request or, when the parser refuses it, says why (by field).
pub(crate) async fn try_assess(
    state: &AppState,
    user: &WebUser,
    org: &str,
    as_of: &str,
    value: &Value,
    text: String,
) -> Result<Result<Uuid, Vec<(String, String)>>, WebError> {
    let as_of = match chosen_date(as_of) {
        Ok(date) => date,
        Err(_) => {
            return Ok(Err(vec![(
                "as_of".into(),
                format!("`{}` is not a date (YYYY-MM-DD)", as_of.trim()),
            )]));
        }
    };
    let org = chosen_org(state, user, org).await?;
    match assess_and_store(state, &user.principal, &org, as_of, value, text).await {
        Ok(stored) => Ok(Ok(stored.summary.id)),
        Err(ApiError::Invalid(errors)) => {
            Ok(Err(errors.into_iter().map(|e| (e.field, e.message)).collect()))
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn submit_form(
    State(state): State<AppState>,
    CsrfForm { user, pairs }: CsrfForm,
) -> Result<Response, WebError> {
    user.principal.may(Op::CreateAssessment)?;
    let mut form = ShipmentForm::from_pairs(&pairs);
    let org = form_value(&pairs, "org").unwrap_or_default().to_owned();
    let as_of = form_value(&pairs, "as_of").unwrap_or_default().to_owned();
    let action = form_value(&pairs, "action").unwrap_or("assess");
    let mut errors = vec![];
    let mut status = StatusCode::OK;
    let compare_with = form_value(&pairs, "compare_with").unwrap_or_default().to_owned();
    // Amounts typed with a decimal comma are read first; one that reads two ways stops here.
    let amounts = form.read_amounts();
    if !amounts.is_empty() && (action == "assess" || action == "compare") {
        let errors = form.place_errors(amounts);
        let mut page = NewPage::build(&state, &user, &form, errors, org, as_of).await?;
        page.compare_with = compare_with;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if action == "add" {
        form.add_line();
    } else if action == "compare" {
        let value = form.to_request();
        let chosen = match chosen_date(&as_of) {
            Ok(date) => Ok(date),
            Err(_) => Err(vec![(
                "as_of".to_owned(),
                format!("`{}` is not a date (YYYY-MM-DD)", as_of.trim()),
            )]),
        };
        let outcome = match chosen {
            Ok(date) => {
                let chosen_org = chosen_org(&state, &user, &org).await?;
                super::compare::try_compare(&state, &user, &chosen_org, date, &value, &compare_with)
                    .await?
            }
            Err(problems) => Err(problems),
        };
        match outcome {
            Ok(stored) => {
                let page = super::compare::ComparePage::stored(&user, &state, &stored);
                return render(&page);
            }
            Err(found) => {
                let (mine, theirs): (Vec<_>, Vec<_>) =
                    found.into_iter().partition(|(field, _)| field == "compare_with");
                errors = form.place_errors(theirs);
                errors.extend(mine.into_iter().map(|(_, message)| ShownError {
                    path: super::compare::FIELD.to_owned(),
                    message,
                    anchor: Some("f-compare_with".to_owned()),
                }));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    } else if let Some(index) = action.strip_prefix("remove-").and_then(|i| i.parse().ok()) {
        form.remove_line(index);
    } else {
        let value = form.to_request();
        let text = serde_json::to_string_pretty(&value).map_err(ApiError::internal)?;
        match try_assess(&state, &user, &org, &as_of, &value, text).await? {
            Ok(id) => return Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
            Err(found) => {
                errors = form.place_errors(found);
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    }
    let mut page = NewPage::build(&state, &user, &form, errors, org, as_of).await?;
    page.compare_with = compare_with;
    render_status(status, &page)
}

/// A JSON request uploaded as a file or pasted (multipart; the service's body limit applies).
pub(crate) async fn upload(
    State(state): State<AppState>,
    CsrfMultipart { user, mut multipart }: CsrfMultipart,
) -> Result<Response, WebError> {
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_field("", format!("the upload cannot be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let filename = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(|e| {
                ApiError::bad_field("file", format!("the file cannot be read: {e}"))
            })?;
            if !bytes.is_empty() {
                file = Some((filename, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::bad_field(&name, format!("cannot be read: {e}")))?;
            fields.insert(name, text);
        }
    }
    user.principal.may(Op::CreateAssessment)?;
    let org = fields.get("org").cloned().unwrap_or_default();
    let as_of = fields.get("as_of").cloned().unwrap_or_default();
    let pasted = fields.get("json").map(|t| t.trim().to_owned()).unwrap_or_default();
    if let Some((name, bytes)) =
        file.take_if(|(name, bytes)| super::documents::is_spreadsheet(name, bytes))
    {
        fields.insert("file_name".to_owned(), name.clone());
        return super::documents::import_upload(&state, &user, &fields, name, bytes).await;
    }
    let (source, text) = match file {
        Some((name, bytes)) => match String::from_utf8(bytes) {
            Ok(text) => (format!("`{name}`"), text),
            Err(_) => {
                return upload_failed(
                    &state,
                    &user,
                    org,
                    as_of,
                    format!(
                        "`{name}` is not UTF-8 text; upload the shipment request as a JSON file"
                    ),
                )
                .await;
            }
        },
        None if !pasted.is_empty() => ("the pasted JSON".to_owned(), pasted),
        None => {
            return upload_failed(
                &state,
                &user,
                org,
                as_of,
                "Choose a JSON file or paste a request.".into(),
            )
            .await;
        }
    };
    let value: Value = match preclear_domain::json::parse(&text) {
        Ok(value) => value,
        Err(e) => {
            let message = format!(
                "{source} is not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            );
            return upload_failed(&state, &user, org, as_of, message).await;
        }
    };
    match try_assess(&state, &user, &org, &as_of, &value, text).await? {
        Ok(id) => Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
        Err(found) => {
            // Show the request in the form with each problem next to its field.
            let form = ShipmentForm::from_request(&value);
            let errors = form.place_errors(found);
            let mut page = NewPage::build(&state, &user, &form, errors, org, as_of).await?;
            page.notice = Some(format!(
                "{source} was read but is not a valid shipment request; it is shown in the form below with each problem next to its field."
            ));
            if value
                .get("items")
                .and_then(Value::as_array)
                .is_some_and(|i| i.len() > super::form::MAX_FORM_LINES)
            {
                page.notice = Some(format!(
                    "{source} is not a valid shipment request (see the problems below); it has more lines than the form shows, so correct the file and upload it again."
                ));
            }
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn upload_failed(
    state: &AppState,
    user: &WebUser,
    org: String,
    as_of: String,
    message: String,
) -> Result<Response, WebError> {
    let form = ShipmentForm::empty(1);
    let mut page = NewPage::build(state, user, &form, vec![], org, as_of).await?;
    page.upload_error = Some(message);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

// ---------------------------------------------------------------------------------------------
// The report

/// A requirement as the report lists it.
#[derive(Debug)]
pub(crate) struct RequirementRow {
    pub name: String,
    pub authority: String,
    pub kind: String,
    pub status: String,
    pub lead: String,
    pub holder: String,
    pub needed_before: String,
    pub side: String,
    pub documents: Vec<String>,
    pub lines: String,
    pub source: String,
    pub source_is_link: bool,
    pub confidence: String,
}

/// One row of the landed-cost table.
#[derive(Debug)]
pub(crate) struct CostRow {
    pub label: String,
    pub kind: &'static str,
    pub rate: String,
    pub base: String,
    pub amount: String,
    pub source: String,
    pub source_is_link: bool,
    pub confidence: String,
}

impl CostRow {
    /// A row that is an amount only (goods value, freight, subtotals, the total).
    fn value(label: String, kind: &'static str, value: &str) -> CostRow {
        CostRow {
            label,
            kind,
            rate: String::new(),
            base: String::new(),
            amount: amount(value),
            source: String::new(),
            source_is_link: false,
            confidence: String::new(),
        }
    }
}

/// A line of the shipment.
#[derive(Debug)]
pub(crate) struct ReportLine {
    pub number: usize,
    pub description: String,
    pub quantity: String,
    pub hs: String,
    pub hs_basis: String,
    pub hs_description: String,
    pub value: String,
    pub customs_value: String,
    pub eccn: String,
}

#[derive(Debug, askama::Template)]
#[template(path = "report.html")]
pub(crate) struct ReportPage {
    nav: Nav,
    id: Uuid,
    /// Programs of the assessment's client with a position in its destination: `(id, label)`,
    /// for adding the shipment as a consignment.
    programs: Vec<(String, String)>,
    a: AssessmentView,
    verdict: &'static str,
    verdict_class: &'static str,
    origin: String,
    destination: String,
    client: String,
    org: String,
    created: String,
    created_by: String,
    engine_version: String,
    conditions: Vec<FindingView>,
    notes: Vec<FindingView>,
    requirements: Vec<RequirementRow>,
    cost: Vec<CostRow>,
    currency: String,
    total: String,
    cost_chart: String,
    timeline_chart: String,
    lines: Vec<ReportLine>,
}

fn line_list(lines: &[usize]) -> String {
    if lines.is_empty() {
        return "whole shipment".into();
    }
    let numbers: Vec<String> = lines.iter().map(|l| (l + 1).to_string()).collect();
    format!("line {}", numbers.join(", "))
}

pub(crate) async fn report(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let vis = user.principal.visibility();
    let record = load(&state, &user.principal, &id).await?;
    let a = AssessmentView::parse(&record.result).map_err(ApiError::internal)?;
    let request: Value = serde_json::from_str(&record.request).unwrap_or(Value::Null);
    let (verdict, verdict_class) = verdict_label(&a.verdict);
    let org =
        state.store.org(record.summary.org_id, vis).await?.map_or_else(String::new, |o| o.name);
    let conditions: Vec<FindingView> = a
        .findings
        .iter()
        .filter(|f| matches!(f.severity.as_str(), "blocker" | "condition"))
        .cloned()
        .collect();
    let notes: Vec<FindingView> = a
        .findings
        .iter()
        .filter(|f| !matches!(f.severity.as_str(), "blocker" | "condition"))
        .cloned()
        .collect();
    let requirements = a
        .requirements
        .iter()
        .map(|r| RequirementRow {
            name: r.name.clone(),
            authority: r.authority.clone(),
            kind: r.kind.replace('_', " "),
            status: r.status.replace('_', " "),
            lead: r.lead_time_days.map_or_else(
                || "not established".to_owned(),
                |d| {
                    if d.min == d.max {
                        format!("{} days", d.max)
                    } else {
                        format!("{}–{} days", d.min, d.max)
                    }
                },
            ),
            holder: r.holder.replace('_', " "),
            needed_before: r.needed_before.replace('_', " "),
            side: r.side.clone(),
            documents: r.documents.clone(),
            lines: line_list(&r.lines),
            source: r.source.clone(),
            source_is_link: is_link(&r.source),
            confidence: r.confidence.clone(),
        })
        .collect();
    let c = &a.landed_cost;
    let mut cost = vec![CostRow::value("Goods value".into(), "value", &c.goods_value)];
    for (label, value) in [("Freight", &c.freight), ("Insurance", &c.insurance)] {
        if let Some(v) = value {
            cost.push(CostRow::value(label.into(), "value", v));
        }
    }
    let basis = format!("Customs value ({} basis)", c.valuation_basis);
    cost.push(CostRow::value(basis, "subtotal", &c.customs_value));
    let mut segments = vec![Segment {
        label: "Customs value".into(),
        value: dec(&c.customs_value),
        class: "value".into(),
    }];
    for (kind, charges) in [("duty", &c.duties), ("tax", &c.taxes), ("fee", &c.fees)] {
        for charge in charges {
            cost.push(CostRow {
                label: charge.name.clone(),
                kind,
                rate: match (&charge.rate, &charge.rate_high) {
                    (Some(r), Some(h)) => format!("{r}–{h} %"),
                    (Some(r), None) => format!("{r} %"),
                    (None, _) => "—".to_owned(),
                },
                base: charge.base.as_deref().map_or_else(|| "—".to_owned(), amount),
                amount: match (&charge.amount, &charge.amount_high) {
                    (Some(a), Some(h)) => format!("{} – {}", amount(a), amount(h)),
                    (Some(a), None) => amount(a),
                    (None, _) => "unknown".to_owned(),
                },
                source: charge.source.clone(),
                source_is_link: is_link(&charge.source),
                confidence: charge.confidence.clone(),
            });
            segments.push(Segment {
                label: charge.name.clone(),
                value: charge.amount.as_deref().and_then(dec),
                class: kind.to_owned(),
            });
        }
    }
    let total_label = match (c.complete, &c.total_high) {
        (true, None) => "Landed cost".to_owned(),
        (false, None) => "Landed cost (at least: some amounts unknown)".to_owned(),
        (true, Some(high)) => {
            format!("Landed cost: from this to {} by state or province", amount(high))
        }
        (false, Some(high)) => {
            format!("Landed cost (at least): from this to {} by state or province", amount(high))
        }
    };
    cost.push(CostRow::value(total_label, "total", &c.total));
    if let Some(recovery) = &c.vat_recovery
        && recovery.recoverable == Some(true)
        && let (Some(cash_out), Some(net)) = (&recovery.cash_out, &recovery.net_cost)
    {
        cost.push(CostRow::value("Cash out at import".to_owned(), "subtotal", cash_out));
        cost.push(CostRow::value(
            "Net cost after import VAT/GST is recovered".to_owned(),
            "total",
            net,
        ));
    }
    let cost_chart = svg::cost_chart(
        "landed-cost",
        "Landed cost breakdown",
        &c.currency,
        &segments,
        dec(&c.total).unwrap_or_default(),
    );
    let today = Date::from_str(&a.as_of).unwrap_or_else(|_| date_of(now_micros()));
    let ship = a.earliest_ship_date.as_deref().and_then(|d| Date::from_str(d).ok());
    let tasks: Vec<Task> = a
        .requirements
        .iter()
        .map(|r| Task {
            label: r.name.clone(),
            min_days: r.lead_time_days.map(|d| d.min),
            max_days: r.lead_time_days.map(|d| d.max),
            class: if r.needed_before == "departure" {
                "before-departure"
            } else {
                "before-clearance"
            }
            .to_owned(),
        })
        .collect();
    let timeline_chart =
        svg::timeline("timeline", "Timeline to the earliest ship date", today, ship, &tasks);
    let items = request.get("items").and_then(Value::as_array);
    let lines = a
        .lines
        .iter()
        .map(|l| ReportLine {
            number: l.line + 1,
            description: l.description.clone(),
            quantity: items
                .and_then(|items| items.get(l.line))
                .and_then(|i| i.get("quantity"))
                .map(Value::to_string)
                .unwrap_or_default(),
            hs: l.hs_code.clone().unwrap_or_else(|| "none".into()),
            hs_basis: l.hs_basis.replace('_', " "),
            hs_description: l.hs_description.clone().unwrap_or_default(),
            value: amount(&l.value),
            customs_value: amount(&l.customs_value),
            eccn: l.eccn.join("; "),
        })
        .collect();
    // Programs this shipment could join: the client's, with a position in its destination.
    let programs = if user.principal.can(Op::CreateConsignment) {
        match preclear_service::programs::programs(&state, &user.principal).await {
            Ok(list) => list
                .into_iter()
                .filter(|p| {
                    p.org_id == record.summary.org_id
                        && p.position(&record.summary.destination).is_some()
                })
                .map(|p| (p.id.to_string(), format!("{} — {}", p.reference, p.name)))
                .collect(),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let page = ReportPage {
        nav: Nav::new(&user, "assessments", &state),
        programs,
        id: record.summary.id,
        verdict,
        verdict_class,
        origin: country_name(&a.origin),
        destination: country_name(&a.destination),
        client: record.summary.client_name.clone(),
        org,
        created: when(record.summary.created_at),
        created_by: record.summary.created_by.clone(),
        engine_version: record.summary.engine_version.clone(),
        conditions,
        notes,
        requirements,
        currency: c.currency.clone(),
        total: match &c.total_high {
            Some(high) => format!("{} – {}", amount(&c.total), amount(high)),
            None => amount(&c.total),
        },
        cost,
        cost_chart,
        timeline_chart,
        lines,
        a,
    };
    render(&page)
}

fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str_exact(text).ok()
}

fn json_download(text: String, filename: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{filename}\"")),
        ],
        text,
    )
        .into_response()
}

pub(crate) async fn result_json(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = load(&state, &user.principal, &id).await?;
    Ok(json_download(record.result, format!("assessment-{}.json", record.summary.id)))
}

pub(crate) async fn request_json(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = load(&state, &user.principal, &id).await?;
    Ok(json_download(record.request, format!("request-{}.json", record.summary.id)))
}

// ---------------------------------------------------------------------------------------------
// HS lookup

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HsQuery {
    q: Option<String>,
}

/// One nomenclature entry found, or the classifier's suggestion for the words searched.
#[derive(Debug, serde::Serialize)]
pub(crate) struct HsHit {
    pub code: String,
    pub description: String,
    /// For a suggestion: the classifier's confidence and why (the words, rules, legal notes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

#[derive(Debug, askama::Template)]
#[template(path = "hs.html")]
pub(crate) struct HsPage {
    nav: Nav,
    q: String,
    suggestions: Vec<HsHit>,
    hits: Vec<HsHit>,
}

/// Words read as a packing-list line: the classifier's candidates (the operation
/// `classifications.create`, as the API's), those a cue or the vocabulary speaks for.
fn hs_suggest(state: &AppState, user: &WebUser, q: &str) -> Vec<HsHit> {
    if !q.chars().any(char::is_alphabetic) {
        return Vec::new();
    }
    let line = preclear_service::classification::LineToClassify {
        description: q.to_owned(),
        category: None,
        model: None,
    };
    let Ok(classified) =
        preclear_service::classification::classify(state, &user.principal, &[line])
    else {
        return Vec::new();
    };
    classified
        .lines
        .into_iter()
        .flat_map(|line| line.candidates)
        .filter(|c| c.reasons.iter().any(|r| r.rule != "hs2022.text"))
        .map(|c| HsHit {
            why: Some(c.explain()),
            confidence: Some(c.confidence.to_string()),
            code: c.hs,
            description: c.text,
        })
        .collect()
}

fn hs_search(state: &AppState, q: &str, limit: usize) -> Vec<HsHit> {
    state
        .kb()
        .nomenclature()
        .search(q, limit)
        .into_iter()
        .map(|(code, description)| HsHit {
            code: code.to_owned(),
            description: description.to_owned(),
            confidence: None,
            why: None,
        })
        .collect()
}

pub(crate) async fn hs_lookup(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<HsQuery>,
) -> Result<Response, WebError> {
    let q = query.q.unwrap_or_default();
    let (suggestions, hits) = if q.trim().is_empty() {
        (vec![], vec![])
    } else {
        (hs_suggest(&state, &user, &q), hs_search(&state, &q, 100))
    };
    render(&HsPage { nav: Nav::new(&user, "new", &state), q, suggestions, hits })
}

/// Suggestions for a code field: the classifier's candidates for the words typed, then the
/// nomenclature's entries that hold them (or start with the digits typed).
pub(crate) async fn hs_json(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<HsQuery>,
) -> Result<Response, WebError> {
    let q = query.q.as_deref().unwrap_or_default();
    let mut hits = hs_suggest(&state, &user, q);
    for hit in hs_search(&state, q, 20) {
        if !hits.iter().any(|h| h.code == hit.code) {
            hits.push(hit);
        }
    }
    hits.truncate(20);
    Ok(crate::body::json_response(StatusCode::OK, &hits)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_clip_long_stored_text() {
        assert_eq!(clip("RF-2026-014"), "RF-2026-014");
        let long = "é".repeat(10_000_000);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), LIST_TEXT_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip(&"x".repeat(LIST_TEXT_CHARS)), "x".repeat(LIST_TEXT_CHARS));
    }
}
