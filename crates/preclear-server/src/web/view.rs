//! A stored assessment as the pages read it: the fields of the engine's output contract
//! (`crates/preclear-engine/src/output.rs`, docs/assessment.md) that the report shows.
//!
//! The pages read the stored JSON rather than re-running the engine, so that the report shows
//! exactly what was decided, with the KB version it was decided on. Fields are optional or
//! defaulted: an assessment stored by an older engine still renders.

use serde::Deserialize;

/// The assessment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AssessmentView {
    pub verdict: String,
    pub summary: String,
    pub kb_version: String,
    pub as_of: String,
    pub reference: String,
    pub origin: String,
    pub destination: String,
    pub findings: Vec<FindingView>,
    pub requirements: Vec<RequirementView>,
    pub export_controls: Vec<ExportView>,
    pub importer: ImporterView,
    pub documents: Vec<DocumentView>,
    pub landed_cost: CostView,
    pub lines: Vec<LineView>,
    pub earliest_ship_date: Option<String>,
    pub timeline: TimelineView,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FindingView {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub rule: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub(crate) struct DaysView {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RequirementView {
    pub rule: String,
    pub status: String,
    pub kind: String,
    pub name: String,
    pub authority: String,
    pub side: String,
    pub scope: String,
    pub holder: String,
    pub lead_time_days: Option<DaysView>,
    pub needed_before: String,
    pub documents: Vec<String>,
    pub lines: Vec<usize>,
    pub source: String,
    pub confidence: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ExportView {
    pub regime: String,
    pub eccn: Option<String>,
    pub eccn_basis: String,
    pub determination: String,
    pub licence_required: Option<bool>,
    pub exception: Option<String>,
    pub rule: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ImporterView {
    pub non_resident_ior_needed: bool,
    pub non_resident_allowed: Option<bool>,
    pub route: String,
    pub ior_suitable: bool,
    pub rule: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DocumentView {
    pub name: String,
    pub rule: String,
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChargeView {
    pub rule: String,
    pub name: String,
    pub rate: Option<String>,
    pub rate_high: Option<String>,
    pub base: Option<String>,
    pub amount: Option<String>,
    pub amount_high: Option<String>,
    pub source: String,
    pub confidence: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CostView {
    pub currency: String,
    pub valuation_basis: String,
    pub goods_value: String,
    pub freight: Option<String>,
    pub insurance: Option<String>,
    pub customs_value: String,
    pub duties: Vec<ChargeView>,
    pub taxes: Vec<ChargeView>,
    pub fees: Vec<ChargeView>,
    pub total: String,
    pub total_high: Option<String>,
    pub in_report_currency: Option<ReportView>,
    pub complete: bool,
    pub duties_and_taxes_paid_by: String,
    pub freight_paid_by: String,
    pub rounding: String,
    pub exchange_rates: Vec<RateView>,
    pub vat_recovery: Option<VatRecoveryView>,
}

/// Whether the import VAT/GST comes back (`landed_cost.vat_recovery`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VatRecoveryView {
    pub recoverable: Option<bool>,
    pub cash_out: Option<String>,
    pub net_cost: Option<String>,
    pub explanation: String,
    pub source: Option<String>,
    pub confidence: Option<String>,
}

/// The landed cost in the request's `report_currency`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReportView {
    pub currency: String,
    pub rate: RateView,
    pub total: String,
    pub total_high: Option<String>,
}

/// An exchange rate the landed cost used.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RateView {
    pub from: String,
    pub to: String,
    pub rate: String,
    pub published: String,
    pub source: String,
    pub age_days: i64,
}

impl RateView {
    /// The source's name for people.
    pub(crate) fn source_name(&self) -> &'static str {
        match self.source.as_str() {
            "ecb" => "ECB euro reference rate",
            "hmrc" => "HMRC monthly customs rate",
            _ => "the request's own rate",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LineView {
    pub line: usize,
    pub description: String,
    pub hs_code: Option<String>,
    pub hs_basis: String,
    pub hs_description: Option<String>,
    pub value: String,
    pub customs_value: String,
    pub duty: Option<String>,
    pub eccn: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TimelineView {
    pub critical_requirement: Option<String>,
    pub days_to_departure: Option<u32>,
    pub all_requirements_by: Option<String>,
}

impl AssessmentView {
    /// Reads a stored assessment.
    pub(crate) fn parse(json: &str) -> Result<AssessmentView, serde_json::Error> {
        serde_json::from_str(json)
    }
}

/// Whether a source is a link (some sources are references to documents without an address).
pub(crate) fn is_link(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}
