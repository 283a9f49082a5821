//! The validated knowledge base: what the engine reads. Built only by [`crate::load`]; every id
//! reference is resolved, every date range checked, every HS prefix known to the nomenclature.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use preclear_domain::{
    BatteryChemistry, BatteryPacking, Category, Condition, Confidence, Country, Currency, Date,
    Eccn, Encryption, HsCode, HsPrefix, Money, Percent, Purpose, RadioSet, Rounding, TransportMode,
};
use rust_decimal::Decimal;

use crate::hs::Nomenclature;

/// The content version of a knowledge base: a hash of every file's path and content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KbVersion(pub(crate) String);

impl KbVersion {
    /// The version as written in assessments (`sha256:0123456789abcdef`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KbVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A loaded, validated, immutable knowledge base.
#[derive(Debug)]
pub struct Kb {
    pub(crate) version: KbVersion,
    pub(crate) name: String,
    pub(crate) edition: String,
    pub(crate) markets: BTreeMap<Country, Market>,
    pub(crate) unions: Vec<Union>,
    pub(crate) agreements: Vec<Agreement>,
    pub(crate) regimes: Vec<ExportRegime>,
    pub(crate) categories: BTreeMap<Category, CategoryRule>,
    /// The words that name each category in descriptions, in the order they are tried.
    pub(crate) vocabulary: std::sync::Arc<preclear_domain::CategoryVocabulary>,
    /// Each vocabulary entry's provenance, by entry id.
    pub(crate) vocabulary_provenance: BTreeMap<String, Provenance>,
    /// The HS classifier, built from `hs/classification.toml`, the categories, the vocabulary
    /// and the nomenclature.
    pub(crate) classifier: std::sync::Arc<preclear_classify::Classifier>,
    pub(crate) shared_documents: Vec<DocumentRule>,
    pub(crate) nomenclature: Nomenclature,
    /// The exchange rates the KB carries (`fx/`): deployed, versioned and replayed with it.
    pub(crate) fx: preclear_fx::Rates,
}

impl Kb {
    /// The exchange rates (empty when the KB carries none).
    pub fn fx(&self) -> &preclear_fx::Rates {
        &self.fx
    }

    /// The content version.
    pub fn version(&self) -> &KbVersion {
        &self.version
    }

    /// The KB's name (from `kb.toml`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The KB's edition label (from `kb.toml`).
    pub fn edition(&self) -> &str {
        &self.edition
    }

    /// The market for a destination, if the KB has one.
    pub fn market(&self, country: Country) -> Option<&Market> {
        self.markets.get(&country)
    }

    /// Every market, by country code.
    pub fn markets(&self) -> impl Iterator<Item = &Market> {
        self.markets.values()
    }

    /// Every customs union, by id.
    pub fn unions(&self) -> &[Union] {
        &self.unions
    }

    /// The tariff-elimination agreements (`agreements/`), such as the WTO's Information
    /// Technology Agreement.
    pub fn agreements(&self) -> &[Agreement] {
        &self.agreements
    }

    /// The export-control regimes that apply to shipments leaving `origin`.
    pub fn regimes_for_origin(&self, origin: Country) -> impl Iterator<Item = &ExportRegime> {
        self.regimes.iter().filter(move |regime| regime.origins.contains(&origin))
    }

    /// Every export-control regime.
    pub fn regimes(&self) -> &[ExportRegime] {
        &self.regimes
    }

    /// The category rule (default HS code, expected prefixes).
    pub fn category(&self, category: Category) -> Option<&CategoryRule> {
        self.categories.get(&category)
    }

    /// Every category rule.
    pub fn categories(&self) -> impl Iterator<Item = &CategoryRule> {
        self.categories.values()
    }

    /// The words that name each category in descriptions (`hs/categories.toml`,
    /// `[[vocabulary]]`): what the import and the document audit infer categories with.
    pub fn category_vocabulary(&self) -> &std::sync::Arc<preclear_domain::CategoryVocabulary> {
        &self.vocabulary
    }

    /// The HS classifier (`hs/classification.toml` with the categories and the nomenclature).
    pub fn classifier(&self) -> &std::sync::Arc<preclear_classify::Classifier> {
        &self.classifier
    }

    /// The provenance of a vocabulary entry.
    pub fn vocabulary_provenance(&self, id: &str) -> Option<&Provenance> {
        self.vocabulary_provenance.get(id)
    }

    /// Documents that every destination requires.
    pub fn shared_documents(&self) -> &[DocumentRule] {
        &self.shared_documents
    }

    /// The HS 2022 nomenclature.
    pub fn nomenclature(&self) -> &Nomenclature {
        &self.nomenclature
    }
}

/// A source that facts cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its id in its file.
    pub id: String,
    /// What it is.
    pub title: String,
    /// Where to read it.
    pub url: Option<String>,
    /// A document reference, when there is no URL.
    pub document: Option<String>,
}

impl Source {
    /// The URL, or else the document reference, or else the title.
    pub fn reference(&self) -> &str {
        self.url.as_deref().or(self.document.as_deref()).unwrap_or(&self.title)
    }
}

/// Where a fact comes from and how sure the KB is of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The sources cited (at least one).
    pub sources: Vec<Arc<Source>>,
    /// How sure the KB is.
    pub confidence: Confidence,
    /// When the fact was last checked.
    pub as_of: Date,
    /// First day in force (inclusive).
    pub effective_from: Option<Date>,
    /// Day it stops being in force (exclusive).
    pub effective_to: Option<Date>,
    /// The day by which the fact must be checked again: a temporary rate, an annually indexed
    /// fee, a sunset clause. `kb check` warns once it has passed.
    pub review_by: Option<Date>,
    /// A note for the operator.
    pub note: Option<String>,
    /// Where the fact is written.
    pub location: Location,
}

impl Provenance {
    /// Whether the fact is law on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.effective_from.is_none_or(|from| from <= date)
            && self.effective_to.is_none_or(|to| date < to)
    }

    /// The first source's reference (URL or document).
    pub fn source(&self) -> &str {
        self.sources.first().map_or("", |source| source.reference())
    }
}

/// A file and line in the KB.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// File, relative to the KB root.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A value that the KB may record as not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    /// The value.
    Known(T),
    /// Not established: the engine asks the operator.
    Unknown,
}

impl<T> Known<T> {
    /// The value, if known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Known::Known(value) => Some(value),
            Known::Unknown => None,
        }
    }
}

/// A value with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// Its provenance.
    pub provenance: Provenance,
}

/// Everything the KB knows about one destination market.
#[derive(Debug)]
pub struct Market {
    /// The country.
    pub country: Country,
    /// Its name.
    pub name: String,
    /// Its currency.
    pub currency: Currency,
    /// How duty and tax amounts are rounded.
    pub rounding: Fact<Rounding>,
    /// The basis of the customs value.
    pub valuation: Fact<Valuation>,
    /// The de minimis threshold, if recorded.
    pub de_minimis: Option<Fact<DeMinimis>>,
    /// Who may be the importer of record.
    pub importer: Fact<ImporterRule>,
    /// Who can recover the import VAT/GST, and how; `None` where the KB does not say.
    pub vat_recovery: Option<Fact<VatRecovery>>,
    /// Purposes for which a non-resident IOR is not the right structure.
    pub ior_unsuitable: Vec<IorUnsuitable>,
    /// Duties, taxes and fees in computation order.
    pub levies: Vec<Levy>,
    /// Pre-import requirements.
    pub requirements: Vec<Requirement>,
    /// Restrictions and prohibitions.
    pub restrictions: Vec<Restriction>,
    /// Documents beyond the shared ones.
    pub documents: Vec<DocumentRule>,
    /// Topics on which the market's law has nothing (no VAT, no IMEI registration…), each a
    /// sourced fact, so that "no rule" is never confused with "not researched".
    pub absences: Vec<Absence>,
    /// The customs union the market belongs to (`EU`), whose common rules come first in
    /// `levies`, `requirements`, `restrictions`, `documents` and `absences`.
    pub union: Option<Arc<str>>,
    /// The file it was loaded from.
    pub file: Arc<str>,
}

impl Market {
    /// A requirement by id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|requirement| &*requirement.id == id)
    }
}

/// A customs union (`unions/<ID>.toml`): one tariff and common rules for its members, whose
/// market files give what is national (VAT, registrations). The union's rules are merged into each
/// member's [`Market`], so the engine sees one market.
#[derive(Debug, Clone)]
pub struct Union {
    /// Its id (`EU`), the file name.
    pub id: Arc<str>,
    /// Its name.
    pub name: String,
    /// The member countries.
    pub members: Vec<Country>,
    /// The file it was loaded from.
    pub file: Arc<str>,
}

/// A plurilateral agreement by which its participants bind their duty on a list of products at
/// zero: the WTO's Information Technology Agreement (ITA, 1996) and its 2015 expansion. Where a
/// participant's own tariff rate for a fully covered subheading is not established, the loader
/// derives the 0% the agreement binds into the market's tariff (`load::agreements`), at no more
/// than medium confidence, citing the agreement and the participation.
#[derive(Debug, Clone)]
pub struct Agreement {
    /// Its id (`ita`), the file name.
    pub id: Arc<str>,
    /// Its name.
    pub name: String,
    /// Who takes part.
    pub participants: Vec<Participant>,
    /// The products it covers.
    pub products: Vec<AgreementProduct>,
    /// Participants' recorded departures from it.
    pub deviations: Vec<Deviation>,
    /// The agreement's own text.
    pub provenance: Provenance,
}

/// A participant in an [`Agreement`]: a country or a customs union (`EU`, for its members).
#[derive(Debug, Clone)]
pub struct Participant {
    /// A country code or a union id.
    pub member: Arc<str>,
    /// Whether it takes part in the original agreement (ITA-I).
    pub original: bool,
    /// Whether it takes part in the expansion (the 2015 ITA expansion).
    pub expansion: bool,
    /// The day its expansion staging ended (its last cut), where known: the expansion's 0% is
    /// derived from that day only.
    pub expansion_complete: Option<Date>,
    /// Provenance of the participation.
    pub provenance: Provenance,
}

/// Which list of an [`Agreement`] covers a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementList {
    /// The original agreement (ITA-I, 1996).
    Original,
    /// The expansion (2015).
    Expansion,
}

/// How much of a subheading an [`Agreement`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementScope {
    /// Every product of the subheading.
    Full,
    /// Only some products ("ex"): no rate is derived from it.
    Ex,
}

/// A subheading an [`Agreement`] covers.
#[derive(Debug, Clone)]
pub struct AgreementProduct {
    /// The HS 2022 subheading.
    pub hs: HsPrefix,
    /// The list that covers it.
    pub list: AgreementList,
    /// Whether it covers all of it.
    pub scope: AgreementScope,
    /// Provenance of the coverage.
    pub provenance: Provenance,
}

/// A participant's recorded departure from an [`Agreement`] (a duty above 0% on covered
/// products, found or alleged at the WTO): nothing is derived for it on these prefixes.
#[derive(Debug, Clone)]
pub struct Deviation {
    /// A country code or a union id.
    pub member: Arc<str>,
    /// The HS prefixes concerned.
    pub hs: Vec<HsPrefix>,
    /// Provenance of the record.
    pub provenance: Provenance,
}

/// What the KB must say about every market, one way or another: the rows of `preclear kb
/// coverage`. The `[[absent]]` table can state that a market's law has nothing on the last six.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// The basis of the customs value (`[valuation]`).
    Valuation,
    /// Whether a non-resident may be importer of record (`[importer]`).
    Importer,
    /// Customs duty on the IT headings ([`IT_HEADINGS`]).
    Duty,
    /// VAT, GST or sales tax on importation (levies of kind `tax`).
    Vat,
    /// Radio and telecom type approval (requirements of kind `type_approval`, or any requirement
    /// whose `when` names a radio, such as the EU's Radio Equipment Directive conformity).
    Radio,
    /// Product safety and conformity schemes (requirements of kind `conformity`).
    Safety,
    /// IMEI registration of cellular devices (requirements of kind `imei`).
    Imei,
    /// Import rules for encryption (requirements of kind `encryption`, or any rule whose `when`
    /// names an encryption class).
    Encryption,
    /// Rules on used and refurbished goods (requirements, restrictions, levies and documents whose
    /// `when` names a condition other than new).
    Used,
}

impl Topic {
    /// Every topic, in table order.
    pub const ALL: [Topic; 9] = [
        Topic::Valuation,
        Topic::Importer,
        Topic::Duty,
        Topic::Vat,
        Topic::Radio,
        Topic::Safety,
        Topic::Imei,
        Topic::Encryption,
        Topic::Used,
    ];

    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Valuation => "valuation",
            Topic::Importer => "importer",
            Topic::Duty => "duty",
            Topic::Vat => "vat",
            Topic::Radio => "radio",
            Topic::Safety => "safety",
            Topic::Imei => "imei",
            Topic::Encryption => "encryption",
            Topic::Used => "used",
        }
    }

    /// Parses the KB spelling.
    pub fn parse(text: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|topic| topic.as_str() == text)
    }

    /// Whether an `[[absent]]` table may declare it (the others are facts every market has).
    pub fn may_be_absent(self) -> bool {
        !matches!(self, Topic::Valuation | Topic::Importer | Topic::Duty)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The HS headings of IT and data-centre hardware whose duty every market must state (rate or
/// "unknown"): computers, their parts, telecom and network apparatus, power converters, storage
/// media, cables, integrated circuits, monitors and printers.
pub const IT_HEADINGS: [&str; 9] =
    ["8471", "8473", "8517", "8504", "8523", "8544", "8542", "8528", "8443"];

/// A sourced statement that a market's law has nothing on a topic (`[[absent]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    /// The topic.
    pub topic: Topic,
    /// Provenance; its `note` (required here) says what was established, e.g. "no IMEI
    /// registration regime for imported devices". Never of unknown confidence: what is not known
    /// is written as a rule of unknown confidence, which the engine asks the operator to confirm.
    pub provenance: Provenance,
}

/// The basis of the customs value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValuationBasis {
    /// Cost, insurance and freight to the border of the destination.
    Cif,
    /// Free on board at export: international freight and insurance excluded.
    Fob,
}

/// How the customs value is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valuation {
    /// CIF, FOB, or unknown.
    pub basis: Known<ValuationBasis>,
    /// A percentage of the CIF value added as landing charges (India's 1 %), if any.
    pub landing_charge: Option<Percent>,
}

/// A de minimis threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeMinimis {
    /// The threshold; `None` inside `Known` when the market has no de minimis.
    pub value: Known<Option<Money>>,
    /// Whether duty falls away below it.
    pub waives_duty: bool,
    /// Whether taxes fall away below it.
    pub waives_tax: bool,
}

/// Who may be the importer of record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImporterRule {
    /// Whether a company with no entity in the market may import in its own name.
    pub non_resident_allowed: Known<bool>,
    /// How a non-resident imports: the route an operator must arrange.
    pub route: String,
}

/// A purpose for which a non-resident IOR is not the right structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IorUnsuitable {
    /// Rule id.
    pub id: Arc<str>,
    /// The purposes concerned.
    pub purposes: Vec<Purpose>,
    /// Why.
    pub reason: String,
    /// What to do instead.
    pub recommendation: String,
    /// Provenance.
    pub provenance: Provenance,
}

/// Whether a levy is a duty, a tax or a fee (the glossary's three words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LevyKind {
    /// A customs duty.
    Duty,
    /// A tax (VAT, GST, excise…).
    Tax,
    /// A fee or charge for a service (processing fees…).
    Fee,
}

impl LevyKind {
    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LevyKind::Duty => "duty",
            LevyKind::Tax => "tax",
            LevyKind::Fee => "fee",
        }
    }
}

/// How a levy is computed from its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevyMethod {
    /// base × rate.
    Percent,
    /// base × rate / (1 − rate): a tax included in its own base (Brazil's ICMS "por dentro").
    Inclusive,
    /// A fixed amount per shipment.
    Fixed,
}

/// One part of a levy's base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseComponent {
    /// The customs value.
    CustomsValue,
    /// The goods value, without transport or insurance (an FOB base on a CIF market).
    GoodsValue,
    /// The declared international freight and insurance (for a VAT base that adds them to an
    /// FOB customs value).
    FreightAndInsurance,
    /// An earlier levy of the same market, by index into `Market::levies`.
    Levy(usize),
}

/// A duty, tax or fee.
#[derive(Debug, Clone)]
pub struct Levy {
    /// Rule id.
    pub id: Arc<str>,
    /// Duty, tax or fee.
    pub kind: LevyKind,
    /// Its name.
    pub name: String,
    /// What the rate applies to.
    pub base: Vec<BaseComponent>,
    /// How it is computed.
    pub method: LevyMethod,
    /// Per-shipment minimum.
    pub minimum: Option<Money>,
    /// Per-shipment maximum.
    pub maximum: Option<Money>,
    /// Per-shipment maxima by the levy's base (Argentina's statistics fee: at most USD 180 on a
    /// base up to USD 10,000, …): the first band whose `up_to` the shipment's base for the
    /// levy does not exceed gives the maximum (`amount`). Empty when the levy has one maximum
    /// or none; never both.
    pub maximum_bands: Vec<Band>,
    /// The lines it applies to.
    pub when: Option<Conditions>,
    /// Lines it does not apply to.
    pub unless: Option<Conditions>,
    /// The rates, each a fact.
    pub rates: Vec<LevyRate>,
    /// Provenance of the levy itself (its existence and base).
    pub provenance: Provenance,
}

/// A rate of a levy, for an HS prefix and origins, in force over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevyRate {
    /// The HS prefix it applies to; `None` for every line.
    pub hs: Option<HsPrefix>,
    /// The origins it applies to; `None` for every origin.
    pub origins: Option<Vec<Country>>,
    /// The states or provinces of the destination it applies to (`BR-SP`); `None` for all of
    /// them (a rate for the request's subdivision wins over a general one).
    pub subdivisions: Option<Vec<preclear_domain::Subdivision>>,
    /// The rate.
    pub value: RateValue,
    /// Provenance.
    pub provenance: Provenance,
}

/// The value of a levy rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateValue {
    /// A percentage of the base.
    Percent(Percent),
    /// A fixed amount per shipment.
    Amount(Money),
    /// A fixed amount per shipment by the shipment's customs value: the first band whose
    /// `up_to` is not below the value; the last band has none.
    Bands(Vec<Band>),
    /// A fixed amount per shipment plus an amount for each distinct HS code among its lines (a
    /// declaration's "additions"), by a scale: the k-th code pays the amount of the first step
    /// whose `up_to` is at least k; the last step has none.
    PerCode {
        /// The amount per shipment (per declaration).
        shipment: Money,
        /// The scale per code, in the same currency.
        steps: Vec<CodeStep>,
    },
    /// Not established.
    Unknown,
}

/// One step of a [`RateValue::PerCode`] scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeStep {
    /// The last code (counted from 1) the step's amount is paid for; `None` for the last step.
    pub up_to: Option<u32>,
    /// The amount per code in the step.
    pub amount: Money,
}

/// One band of a [`RateValue::Bands`] fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// The highest value of the band (inclusive): the customs value for a fee by band, the
    /// levy's base for a maximum by band; `None` for the last, open band.
    pub up_to: Option<Money>,
    /// The fee (or the maximum) in the band.
    pub amount: Money,
}

/// The kind of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequirementKind {
    /// Telecom or radio type approval.
    TypeApproval,
    /// A safety or conformity scheme.
    Conformity,
    /// A registration of the importer or the product.
    Registration,
    /// A filing before the goods are shipped.
    PreShipmentFiling,
    /// An after-sales service authorisation.
    AfterSales,
    /// An import licence or permit.
    ImportLicence,
    /// An encryption import permit or notification.
    Encryption,
    /// IMEI registration.
    Imei,
    /// An equipment specification list for origin or destination authorities.
    SpecificationList,
    /// Anything else.
    Other,
}

impl RequirementKind {
    /// Every kind.
    pub const ALL: [RequirementKind; 10] = [
        RequirementKind::TypeApproval,
        RequirementKind::Conformity,
        RequirementKind::Registration,
        RequirementKind::PreShipmentFiling,
        RequirementKind::AfterSales,
        RequirementKind::ImportLicence,
        RequirementKind::Encryption,
        RequirementKind::Imei,
        RequirementKind::SpecificationList,
        RequirementKind::Other,
    ];

    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementKind::TypeApproval => "type_approval",
            RequirementKind::Conformity => "conformity",
            RequirementKind::Registration => "registration",
            RequirementKind::PreShipmentFiling => "pre_shipment_filing",
            RequirementKind::AfterSales => "after_sales",
            RequirementKind::ImportLicence => "import_licence",
            RequirementKind::Encryption => "encryption",
            RequirementKind::Imei => "imei",
            RequirementKind::SpecificationList => "specification_list",
            RequirementKind::Other => "other",
        }
    }
}

/// For what a requirement is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// For each shipment.
    Shipment,
    /// Once per product model.
    Model,
    /// Held by the importer of record.
    Importer,
}

impl Scope {
    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Shipment => "shipment",
            Scope::Model => "model",
            Scope::Importer => "importer",
        }
    }
}

/// Who applies for and holds a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    /// The importer of record.
    Importer,
    /// The manufacturer.
    Manufacturer,
    /// The importer or the manufacturer.
    ImporterOrManufacturer,
    /// A legal entity established in the market.
    LocalEntity,
    /// The exporter (exporter of record) at origin.
    Exporter,
    /// Anyone.
    Anyone,
}

impl Holder {
    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Importer => "importer",
            Holder::Manufacturer => "manufacturer",
            Holder::ImporterOrManufacturer => "importer_or_manufacturer",
            Holder::LocalEntity => "local_entity",
            Holder::Exporter => "exporter",
            Holder::Anyone => "anyone",
        }
    }
}

/// By when a requirement must be in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NeededBefore {
    /// Before the goods leave origin.
    Departure,
    /// Before they arrive.
    Arrival,
    /// Before customs clearance.
    Clearance,
}

impl NeededBefore {
    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NeededBefore::Departure => "departure",
            NeededBefore::Arrival => "arrival",
            NeededBefore::Clearance => "clearance",
        }
    }
}

/// Whether and how import VAT/GST comes back to whoever paid it.
#[derive(Debug, Clone)]
pub struct VatRecovery {
    /// The levies that are import VAT/GST (ids of the market's levies).
    pub levies: Vec<Arc<str>>,
    /// For a VAT-registered importer established in the market (the client's local entity, or
    /// a local IOR entity).
    pub registered: Recovery,
    /// For a non-resident importer of record, where the market allows one.
    pub non_resident: Recovery,
}

/// How one kind of importer gets import VAT/GST back, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    pub mechanism: Known<RecoveryMechanism>,
    /// Days from the import to the VAT coming back (0 when it is never paid out).
    pub days: Known<LeadTime>,
}

/// The ways import VAT/GST is recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryMechanism {
    /// Paid at import, deducted as input tax in the importer's next returns.
    Deduction,
    /// Not paid at import: declared and deducted in the same return (postponed or reverse-charge
    /// accounting, an import VAT deferment licence).
    PostponedAccounting,
    /// Paid later than the goods clear (a deferment account), then deducted.
    Deferment,
    /// Paid, then refunded on a claim (a non-resident without a registration).
    Refund,
    /// Recoverable only once the importer registers for VAT in the market, then deducted.
    Registration,
    /// Not recoverable: a cost.
    None,
}

impl RecoveryMechanism {
    pub const ALL: [RecoveryMechanism; 6] = [
        RecoveryMechanism::Deduction,
        RecoveryMechanism::PostponedAccounting,
        RecoveryMechanism::Deferment,
        RecoveryMechanism::Refund,
        RecoveryMechanism::Registration,
        RecoveryMechanism::None,
    ];

    /// The word in the KB and the assessment.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryMechanism::Deduction => "deduction",
            RecoveryMechanism::PostponedAccounting => "postponed_accounting",
            RecoveryMechanism::Deferment => "deferment",
            RecoveryMechanism::Refund => "refund",
            RecoveryMechanism::Registration => "registration",
            RecoveryMechanism::None => "none",
        }
    }

    /// Whether the tax comes back to the importer (by whatever way).
    pub fn recovers(self) -> bool {
        !matches!(self, RecoveryMechanism::None)
    }

    /// Whether the tax is paid in cash at import.
    pub fn paid_at_import(self) -> bool {
        !matches!(self, RecoveryMechanism::PostponedAccounting)
    }
}

/// A range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTime {
    /// Fewest days.
    pub min: u32,
    /// Most days.
    pub max: u32,
}

/// Something that must be obtained before goods can clear.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Rule id.
    pub id: Arc<str>,
    /// Kind.
    pub kind: RequirementKind,
    /// Name.
    pub name: String,
    /// The authority that grants it.
    pub authority: String,
    /// Per shipment, model or importer.
    pub scope: Scope,
    /// Who holds it.
    pub holder: Holder,
    /// How long it takes.
    pub lead_time: Known<LeadTime>,
    /// By when it is needed.
    pub needed_before: NeededBefore,
    /// Documents it produces for the file.
    pub documents: Vec<String>,
    /// The lines it applies to.
    pub when: Option<Conditions>,
    /// Lines it does not apply to.
    pub unless: Option<Conditions>,
    /// Provenance.
    pub provenance: Provenance,
}

/// What a restriction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestrictionEffect {
    /// The goods may not be imported.
    Prohibited,
    /// The goods need the requirement at this index of `Market::requirements` first.
    Licensed(usize),
}

/// A restriction on importing some goods.
#[derive(Debug, Clone)]
pub struct Restriction {
    /// Rule id.
    pub id: Arc<str>,
    /// What it does.
    pub effect: RestrictionEffect,
    /// What it says.
    pub name: String,
    /// Exceptions, for the operator.
    pub exceptions: Option<String>,
    /// The lines it applies to.
    pub when: Option<Conditions>,
    /// Lines it does not apply to.
    pub unless: Option<Conditions>,
    /// Provenance.
    pub provenance: Provenance,
}

/// A document the destination requires.
#[derive(Debug, Clone)]
pub struct DocumentRule {
    /// Rule id.
    pub id: Arc<str>,
    /// Its name.
    pub name: String,
    /// When it is required.
    pub when: Option<Conditions>,
    /// When it is not.
    pub unless: Option<Conditions>,
    /// Provenance.
    pub provenance: Provenance,
}

/// Which lines (or shipments) a rule applies to. Every key present must hold; a list matches any
/// of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// Item categories.
    pub category: Option<Vec<Category>>,
    /// HS prefixes.
    pub hs: Option<Vec<HsPrefix>>,
    /// Radio technologies (`Any` for any radio at all).
    pub radio: Option<AnyOr<RadioSet>>,
    /// Encryption classes.
    pub encryption: Option<Vec<Encryption>>,
    /// Battery chemistries (`Any` for any battery).
    pub battery: Option<AnyOr<Vec<BatteryChemistry>>>,
    /// Battery packings.
    pub battery_packing: Option<Vec<BatteryPacking>>,
    /// Conditions of the goods.
    pub condition: Option<Vec<Condition>>,
    /// Purposes of the shipment.
    pub purpose: Option<Vec<Purpose>>,
    /// Transport modes.
    pub transport_mode: Option<Vec<TransportMode>>,
    /// Countries of origin of the item.
    pub origin: Option<Vec<Country>>,
    /// Countries the shipment leaves from.
    pub shipped_from: Option<Vec<Country>>,
    /// Whether the item has GPU figures.
    pub gpu: Option<bool>,
    /// TPP at least this.
    pub gpu_tpp_min: Option<Decimal>,
    /// TPP below this.
    pub gpu_tpp_below: Option<Decimal>,
    /// Performance density at least this.
    pub gpu_density_min: Option<Decimal>,
    /// Performance density below this.
    pub gpu_density_below: Option<Decimal>,
    /// The value of the shipment's lines under the line's HS code, summed, above this amount:
    /// the Foreign Trade Regulations' "value per Schedule B number" (converted into the
    /// request's currency, the rate recorded).
    pub code_value_above: Option<Money>,
    /// The shipment's quantity (every line's units, summed) at most this.
    pub shipment_quantity_at_most: Option<u64>,
}

/// "any", or a specific set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyOr<T> {
    /// Anything at all.
    Any,
    /// One of these.
    Some(T),
}

/// A hardware category's default HS code and the prefixes consistent with it.
#[derive(Debug)]
pub struct CategoryRule {
    /// The category.
    pub category: Category,
    /// The code used when none is declared.
    pub default_hs: HsCode,
    /// Prefixes a declared code is expected to fall under.
    pub expected_hs: Vec<HsPrefix>,
    /// Provenance.
    pub provenance: Provenance,
}

/// An origin-side export-control regime.
#[derive(Debug)]
pub struct ExportRegime {
    /// Regime id (`us-ear`).
    pub id: Arc<str>,
    /// Its name.
    pub name: String,
    /// The origins it governs.
    pub origins: Vec<Country>,
    /// Country groups, by id.
    pub groups: BTreeMap<String, CountryGroup>,
    /// Classification rules, first match wins.
    pub classifications: Vec<Classification>,
    /// Licence rules, first match wins.
    pub licence_rules: Vec<LicenceRule>,
    /// Embargoes.
    pub embargoes: Vec<Embargo>,
    /// Origin-side requirements.
    pub requirements: Vec<Requirement>,
    /// Whether the regime follows goods of its origins when they are re-exported from another
    /// country (the US EAR does; the EU's and the UK's do not), and what may reach foreign-made items.
    pub reexport: Option<Fact<Reexport>>,
    /// Provenance of the regime.
    pub provenance: Provenance,
    /// The file.
    pub file: Arc<str>,
}

/// A regime's reach beyond shipments from its own origins (`[reexport]`): goods of its origins
/// stay subject to it wherever they are re-exported from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reexport {
    /// The rules that may also reach items made elsewhere (for the EAR: de minimis US content and
    /// the foreign direct product rules), for the operator to check with the manufacturer.
    pub foreign_made: Option<String>,
}

/// A named group of countries.
#[derive(Debug)]
pub struct CountryGroup {
    /// Group id (`D:5`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Members.
    pub countries: Vec<Country>,
    /// Provenance.
    pub provenance: Provenance,
}

/// How to find an item's classification from its attributes.
#[derive(Debug)]
pub struct Classification {
    /// Rule id.
    pub id: Arc<str>,
    /// The ECCN; `None` when the item is not listed in the regime's control list.
    pub eccn: Option<Eccn>,
    /// When it applies.
    pub when: Option<Conditions>,
    /// When it does not.
    pub unless: Option<Conditions>,
    /// Why, in words.
    pub determination: String,
    /// Provenance.
    pub provenance: Provenance,
}

/// Whether an ECCN needs a licence to some destinations.
#[derive(Debug)]
pub struct LicenceRule {
    /// Rule id.
    pub id: Arc<str>,
    /// ECCN prefixes (`5A992` matches `5A992.c`).
    pub eccns: Vec<String>,
    /// Destination countries (groups expanded); empty with `all_destinations`.
    pub destinations: Vec<Country>,
    /// Whether it covers every destination (`"*"`).
    pub all_destinations: bool,
    /// Whether a licence is required.
    pub licence_required: Known<bool>,
    /// The licence exception or basis (ENC, NLR, EU001…).
    pub exception: Option<String>,
    /// How the authority reviews an application for the licence, where the regime says.
    pub review_policy: Option<ReviewPolicy>,
    /// Why, in words.
    pub determination: String,
    /// Provenance.
    pub provenance: Provenance,
}

/// How an export-licence application is reviewed (the EAR's "licence review policy"). A policy of
/// denial, or a presumption of denial, makes a required licence a blocker, not a condition: the
/// goods cannot be expected to leave, and the licence is the exception to pursue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewPolicy {
    /// Applications are generally approved.
    Approval,
    /// Each application is decided on its merits.
    CaseByCase,
    /// Applications are presumed to be denied.
    PresumptionOfDenial,
    /// Applications are denied.
    Denial,
}

impl ReviewPolicy {
    /// The KB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewPolicy::Approval => "approval",
            ReviewPolicy::CaseByCase => "case_by_case",
            ReviewPolicy::PresumptionOfDenial => "presumption_of_denial",
            ReviewPolicy::Denial => "denial",
        }
    }

    /// Parses the KB spelling.
    pub fn parse(text: &str) -> Result<ReviewPolicy, String> {
        match text {
            "approval" => Ok(ReviewPolicy::Approval),
            "case_by_case" => Ok(ReviewPolicy::CaseByCase),
            "presumption_of_denial" => Ok(ReviewPolicy::PresumptionOfDenial),
            "denial" => Ok(ReviewPolicy::Denial),
            other => Err(format!(
                "`{other}` is not a review policy; expected approval, case_by_case, presumption_of_denial or denial"
            )),
        }
    }

    /// Whether the licence cannot be expected: denial or a presumption of denial.
    pub fn blocks(self) -> bool {
        matches!(self, ReviewPolicy::PresumptionOfDenial | ReviewPolicy::Denial)
    }
}

impl LicenceRule {
    /// Whether the rule covers this ECCN (`EAR99` matches only itself).
    pub fn covers(&self, eccn: &Eccn, destination: Country) -> bool {
        self.eccns.iter().any(|prefix| eccn.as_str().starts_with(prefix.as_str()))
            && (self.all_destinations || self.destinations.contains(&destination))
    }
}

/// An embargo on exports to some destinations.
#[derive(Debug)]
pub struct Embargo {
    /// Rule id.
    pub id: Arc<str>,
    /// Name.
    pub name: String,
    /// The destinations (groups expanded).
    pub destinations: Vec<Country>,
    /// The lines it applies to.
    pub when: Option<Conditions>,
    /// Lines it does not apply to.
    pub unless: Option<Conditions>,
    /// Provenance.
    pub provenance: Provenance,
}
