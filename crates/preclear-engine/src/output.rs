//! The assessment: the engine's answer, and the stable JSON contract of `preclear assess --format
//! json` (fields may be added, never renamed or removed). Amounts are decimal strings, rates are
//! percentages as strings (`"20"`), dates are `YYYY-MM-DD`, and every collection has a fixed order,
//! so the same input and KB version serialise to the same bytes.

use std::sync::Arc;

use preclear_domain::{Confidence, Country, Currency, Date, DecimalText, HsCode, Percent};

pub use crate::closed::{
    EccnBasis, HsBasis, ImporterStructure, NeededBefore, Payer, RateSource, Recovery,
    RequirementHolder, RequirementScope, RequirementSide, RequirementStatus, ValuationBasis,
};
use rust_decimal::Decimal;
use serde::Serialize;

/// The verdict of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The verdict of an assessment.\n\n\
- `clearable`: nothing stands in the way.\n\
- `clearable_with_conditions`: clearable once the listed conditions are met.\n\
- `not_clearable`: cannot be cleared as requested.\n\
- `ior_not_suitable`: the goods may be clearable, but a non-resident IOR is not the right structure.\n\
- `not_assessable`: the knowledge base does not cover the destination: nothing is known to block the import, and nothing can be promised.")
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing stands in the way.
    Clearable,
    /// Clearable once the listed conditions are met.
    ClearableWithConditions,
    /// Cannot be cleared as requested.
    NotClearable,
    /// The goods may be clearable, but a non-resident IOR is not the right structure.
    IorNotSuitable,
    /// The KB does not cover the destination: nothing known blocks it, nothing can be promised.
    NotAssessable,
}

impl Verdict {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clearable => "clearable",
            Verdict::ClearableWithConditions => "clearable_with_conditions",
            Verdict::NotClearable => "not_clearable",
            Verdict::IorNotSuitable => "ior_not_suitable",
            Verdict::NotAssessable => "not_assessable",
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "How much a finding matters.\n\n\
- `blocker`: stops the shipment.\n\
- `condition`: must be satisfied (or confirmed) before the shipment moves or clears.\n\
- `warning`: worth the operator's attention; does not change the verdict.\n\
- `info`: for information.")
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Stops the shipment.
    Blocker,
    /// Must be satisfied (or confirmed) before the shipment moves or clears.
    Condition,
    /// Worth the operator's attention; does not change the verdict.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Condition => "condition",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A complete assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// The verdict.
    pub verdict: Verdict,
    /// One sentence explaining the verdict.
    pub summary: String,
    /// The KB version used.
    pub kb_version: String,
    /// The date the assessment is made for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(serialize_with = "date")]
    pub as_of: Date,
    /// The request's reference.
    pub reference: String,
    /// Origin country.
    pub origin: Country,
    /// Destination country.
    pub destination: Country,
    /// Everything the engine concluded, most severe first.
    pub findings: Vec<Finding>,
    /// What must be obtained, and by whom.
    pub requirements: Vec<RequirementResult>,
    /// Origin-side export-control determinations.
    pub export_controls: Vec<ExportControl>,
    /// The importer-of-record structure.
    pub importer: ImporterResult,
    /// The documents the shipment needs.
    pub documents: Vec<DocumentResult>,
    /// The landed cost.
    pub landed_cost: LandedCost,
    /// Per line: classification, value, duty, requirements.
    pub lines: Vec<LineResult>,
    /// The earliest date the cargo may leave; `null` when a lead time it depends on is unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, required = true))]
    #[serde(serialize_with = "opt_date")]
    pub earliest_ship_date: Option<Date>,
    /// How the earliest ship date was reached.
    pub timeline: Timeline,
    /// The provider's service charges (the IOR fee, brokerage…) under the price list the
    /// request was assessed with; absent without a price list. Apart from duties and taxes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_charges: Option<preclear_pricing::ServiceCharges>,
    /// The parties screened against the restricted-party lists, when the assessment was made
    /// with a screener (the service always; the CLI with `--screen`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<crate::screening::Screening>,
}

/// One conclusion, tied to the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Blocker, condition, warning or info.
    pub severity: Severity,
    /// A stable code (`requirement.applies`, `hs.defaulted`…).
    pub code: String,
    /// What it means, in a sentence.
    pub message: String,
    /// The KB rule id, when a rule produced it.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub rule: Option<String>,
    /// The rule's source (URL or document), when a rule produced it.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub source: Option<String>,
    /// The confidence of the rule's fact.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub confidence: Option<Confidence>,
    /// The lines concerned (0-based indexes into `items`); empty for the shipment as a whole.
    pub lines: Vec<usize>,
}

/// Lead time in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Days {
    /// Fewest days.
    pub min: u32,
    /// Most days.
    pub max: u32,
}

/// A requirement that applies (or may apply) to the shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementResult {
    /// The rule id (also the requirement's id).
    pub rule: String,
    /// `applies` or `possible` (depends on a fact the request did not give).
    pub status: RequirementStatus,
    /// Kind (`type_approval`, `conformity`…).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::RequirementKindValue))]
    pub kind: &'static str,
    /// Name.
    pub name: String,
    /// Granting authority.
    pub authority: String,
    /// `destination` or `origin`.
    pub side: RequirementSide,
    /// `shipment`, `model` or `importer`.
    pub scope: RequirementScope,
    /// Who applies for and holds it.
    pub holder: RequirementHolder,
    /// Lead time; `null` when unknown.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub lead_time_days: Option<Days>,
    /// `departure`, `arrival` or `clearance`.
    pub needed_before: NeededBefore,
    /// Documents it produces.
    pub documents: Vec<String>,
    /// Lines concerned.
    pub lines: Vec<usize>,
    /// Source.
    pub source: String,
    /// Confidence.
    pub confidence: Confidence,
}

/// An export-control determination for some lines under one regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportControl {
    /// Regime id (`us-ear`).
    pub regime: String,
    /// The ECCN; `null` when the item is not listed in the regime's control list.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub eccn: Option<String>,
    /// `declared` or `determined`.
    pub eccn_basis: EccnBasis,
    /// Why this classification and this licence answer.
    pub determination: String,
    /// Whether a licence is required; `null` when not determined.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub licence_required: Option<bool>,
    /// The licence exception or basis (ENC, NLR, EU001…).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub exception: Option<String>,
    /// The licence rule (or classification rule when no licence rule matched).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub rule: Option<String>,
    /// Source.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub source: Option<String>,
    /// Confidence.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub confidence: Option<Confidence>,
    /// Lines concerned.
    pub lines: Vec<usize>,
}

/// Who is the importer, and is the IOR structure right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImporterResult {
    /// Whether the client needs a non-resident IOR (it has no entity in the destination).
    pub non_resident_ior_needed: bool,
    /// Whether a non-resident may import in its own name; `null` when unknown.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub non_resident_allowed: Option<bool>,
    /// How the import must be structured.
    pub route: String,
    /// Whether IOR is a suitable structure for this purpose.
    pub ior_suitable: bool,
    /// The rule.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub rule: Option<String>,
    /// Source.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub source: Option<String>,
}

/// A document the shipment needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentResult {
    /// Name.
    pub name: String,
    /// The rule that requires it (a document rule or a requirement).
    pub rule: String,
    /// Source.
    pub source: String,
}

/// An exchange rate the landed cost used: an amount the KB states in another currency (a fixed
/// fee, a levy's minimum or maximum, a de minimis threshold) converted into the request's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeRate {
    /// The currency converted from.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "BRL"))]
    pub from: Currency,
    /// The request's currency.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "EUR"))]
    pub to: Currency,
    /// Units of `to` per unit of `from`, as a decimal string.
    pub rate: String,
    /// The day the rate was published for (a monthly rate: its month's first day).
    pub published: String,
    /// `ecb` (ECB euro reference rate), `hmrc` (HMRC monthly customs rate) or `request` (the
    /// request's `fx_rates`).
    pub source: RateSource,
    /// Days between the rate's day (a monthly rate: its month's end) and the assessment date.
    pub age_days: i32,
}

/// The landed cost in a second currency (the request's `report_currency`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportAmounts {
    /// The currency.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "USD"))]
    pub currency: Currency,
    /// The rate from the request's currency, with its source and date.
    pub rate: ExchangeRate,
    /// The customs value, converted and rounded to the currency's minor units.
    pub customs_value: String,
    /// The landed-cost total, converted and rounded likewise.
    pub total: String,
    /// The high end of a range by state or province, converted likewise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_high: Option<String>,
}

/// One duty, tax or fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Charge {
    /// The levy's rule id.
    pub rule: String,
    /// Name.
    pub name: String,
    /// The rate in percent when one rate applies to every line concerned; `null` for fixed or
    /// mixed rates (see `lines`).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub rate: Option<String>,
    /// When the rate depends on the destination's state or province and the request gives
    /// none: the highest possible rate (`rate` is then the lowest). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_high: Option<String>,
    /// The base the rate applies to (summed over lines).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub base: Option<String>,
    /// The amount, rounded per the market; `null` when it cannot be computed.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub amount: Option<String>,
    /// When the amount depends on the destination's state or province and the request gives
    /// none: the highest possible amount (`amount` is then the lowest). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_high: Option<String>,
    /// Source of the levy.
    pub source: String,
    /// The lowest confidence among the facts used.
    pub confidence: Confidence,
}

/// The landed cost, in the shipment currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LandedCost {
    /// The currency of every amount.
    pub currency: Currency,
    /// `CIF`, `FOB` or `unknown`.
    pub valuation_basis: ValuationBasis,
    /// Sum of the lines' values.
    pub goods_value: String,
    /// Declared international freight.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub freight: Option<String>,
    /// Declared insurance.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub insurance: Option<String>,
    /// The customs value.
    pub customs_value: String,
    /// Customs duties.
    pub duties: Vec<Charge>,
    /// Taxes.
    pub taxes: Vec<Charge>,
    /// Fees.
    pub fees: Vec<Charge>,
    /// Customs value plus every duty, tax and fee that could be computed.
    pub total: String,
    /// When a rate depends on the destination's state or province and the request gives none
    /// (`destination_subdivision`): the highest possible total, `total` being the lowest; both
    /// exact. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_high: Option<String>,
    /// The exchange rates used to convert amounts the KB states in other currencies.
    pub exchange_rates: Vec<ExchangeRate>,
    /// Whether every charge could be computed (if not, `total` is a lower bound).
    pub complete: bool,
    /// The landed cost in the request's `report_currency`, when it asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_report_currency: Option<ReportAmounts>,
    /// Who pays duties and taxes at destination under the Incoterm: `seller` (DDP) or `buyer`.
    pub duties_and_taxes_paid_by: Payer,
    /// Who pays the main carriage under the Incoterm.
    pub freight_paid_by: Payer,
    /// How the rounding was done.
    pub rounding: String,
    /// Whether the import VAT/GST in `taxes` comes back, to whom, how and when, for the import
    /// structure the assessment found. Absent for a market the KB does not cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_recovery: Option<VatRecoveryResult>,
}

/// Import VAT/GST: a cost, or recoverable, and by whom (the KB's `[vat_recovery]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VatRecoveryResult {
    /// Who is the importer of record, as the assessment found: `client_local_entity` (the
    /// client's own entity in the destination), `local_ior` (a local importer-of-record company),
    /// `non_resident_ior` (a non-resident importer of record, which the market allows), or
    /// `unknown` (whether a non-resident may import is not established).
    pub importer: ImporterStructure,
    /// How that importer gets the tax back: `deduction`, `postponed_accounting`, `deferment`,
    /// `refund`, `registration` (only once registered for VAT there), or `none`; `null` when not
    /// established.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub mechanism: Option<Recovery>,
    /// Whether the importer gets it back; `null` when not established.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub recoverable: Option<bool>,
    /// The levies that are import VAT/GST.
    pub levies: Vec<String>,
    /// Their amount in the landed cost; `null` when one of them is unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal_rounded")]
    pub amount: Option<Decimal>,
    /// What is paid in cash at import: the landed cost, less the tax accounted for in a return
    /// instead of paid (postponed accounting); `null` when not established.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal_rounded")]
    pub cash_out: Option<Decimal>,
    /// The landed cost after the importer recovers the tax; `null` when not established.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal_rounded")]
    pub net_cost: Option<Decimal>,
    /// Days from the import until the tax comes back; `null` when unknown.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub days: Option<Days>,
    /// Who reclaims it, how and when, in a sentence.
    pub explanation: String,
    /// The KB's note, when it has one.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub note: Option<String>,
    /// The source; `null` when the KB says nothing on it.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub source: Option<String>,
    /// Confidence; `null` when the KB says nothing on it.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub confidence: Option<Confidence>,
}

/// The classifier's reading of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineClassification {
    /// Best first, at most three.
    pub candidates: Vec<preclear_classify::Candidate>,
    /// The destination's national tariff lines under the first candidate's subheading that the
    /// KB distinguishes (each with a rate of its own), in force on the assessment's date: the
    /// line to declare is one of them. Empty when the KB has none.
    pub national_lines: Vec<NationalLine>,
}

/// A national tariff line of the destination under a subheading, as a levy's rate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NationalLine {
    /// The national code (more than six digits).
    pub code: String,
    /// The levy whose rate is set for it.
    pub levy: String,
    /// The rate (`12%`), or `see the levy` for a rate that is not a percentage.
    pub rate: String,
}

/// One line of the shipment. Values stay typed here and become strings only when serialised,
/// so that assessing a large shipment does not format thousands of numbers nobody reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineResult {
    /// 0-based index.
    pub line: usize,
    /// Description.
    pub description: String,
    /// The HS code used; `null` when none could be determined.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub hs_code: Option<HsCode>,
    /// `declared`, `classified`, `category_default` or `none`.
    pub hs_basis: HsBasis,
    /// The classifier's reading of the line (its first three candidates, each with the words,
    /// rules, legal notes and sources behind it), where it matters: the line declares no code
    /// and words of its description point somewhere, or it declares one the classifier
    /// confidently disagrees with. Absent otherwise, so that an assessment stored before the
    /// classifier existed replays byte for byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<LineClassification>,
    /// The HS 2022 description of the 6-digit subheading.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_arc_str")]
    pub hs_description: Option<Arc<str>>,
    /// Quantity × unit value, rounded like every amount of the assessment.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "decimal")]
    pub value: Decimal,
    /// The line's share of the customs value, rounded.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "decimal")]
    pub customs_value: Decimal,
    /// Duty on the line (all duty levies), rounded; `null` when unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal_rounded")]
    pub duty: Option<Decimal>,
    /// Each levy on the line.
    pub levies: Vec<LineLevy>,
    /// Requirement rule ids that apply to the line.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    #[serde(serialize_with = "arc_strs")]
    pub requirements: Vec<Arc<str>>,
    /// ECCN per regime (`us-ear: 5A992.c`).
    pub eccn: Vec<String>,
}

/// A levy on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineLevy {
    /// Rule id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "arc_str")]
    pub rule: Arc<str>,
    /// Rate in percent, when a percentage.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub rate: Option<Percent>,
    /// Base, unrounded.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal")]
    pub base: Option<Decimal>,
    /// Amount, unrounded; `null` when unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[serde(serialize_with = "opt_decimal")]
    pub amount: Option<Decimal>,
}

/// The timeline from the assessment date to the earliest ship date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeline {
    /// The requirement that sets the earliest ship date, if any.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub critical_requirement: Option<String>,
    /// The most days any requirement needed before departure takes (worst case).
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub days_to_departure: Option<u32>,
    /// The date by which every requirement (including those needed only at arrival or
    /// clearance) can be in hand, worst case; `null` when a lead time is unknown.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, required = true))]
    #[serde(serialize_with = "opt_date")]
    pub all_requirements_by: Option<Date>,
}

fn date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

fn opt_date<S: serde::Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

fn decimal<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(DecimalText::new(value).as_str())
}

/// Unrounded amounts are printed without trailing zeros (`1050`, not `1050.000000`).
fn opt_decimal<S: serde::Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_str(DecimalText::new(&value.normalize()).as_str()),
        None => serializer.serialize_none(),
    }
}

fn opt_decimal_rounded<S: serde::Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_str(DecimalText::new(value).as_str()),
        None => serializer.serialize_none(),
    }
}

fn arc_str<S: serde::Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

fn opt_arc_str<S: serde::Serializer>(
    value: &Option<Arc<str>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_str(value),
        None => serializer.serialize_none(),
    }
}

fn arc_strs<S: serde::Serializer>(values: &[Arc<str>], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(|value| &**value))
}
