//! The audit of one shipment's documents: the commercial invoice against the packing list and
//! the specification list, declared values against plausible price bands, refurbished goods
//! against their condition and valuation declarations, and the set of documents against what
//! the destination requires. Findings use the assessment's severities:
//!
//! - `blocker`: the declaration would be wrong (lines, quantities, values, HS codes, currency or
//!   totals disagree; a component of the specification list — a radio module above all — is not
//!   declared; the invoice calls refurbished goods new);
//! - `condition`: must be fixed before the goods move (a required document is missing, weights
//!   or serial numbers disagree, refurbished goods without a valuation method);
//! - `warning`: worth checking (a value outside its plausible band, a national HS extension
//!   differs, a cell could not be read);
//! - `info`: what was not checked and why.
//!
//! Documents are read from XLSX or CSV (through `preclear-import`) or from PDFs that preclear
//! generated (through their attached data). Lines are matched across documents by model, part
//! number or description (in that order), in document order among equals.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use preclear_domain::Date;
use preclear_engine::Severity;
use preclear_import::{
    Limits, MappingOverride, RequestDefaults, fold_text, parse_condition, parse_radio,
};
use preclear_kb::Kb;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::bands::PriceBands;
use crate::model::{ShipmentDocs, money_text, radio_label};
use crate::{ATTACHMENT_NAME, Attached, DocKind};

/// One file given to the audit.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The file's name (used to name it in findings and to recognise its kind).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What the audit needs besides the documents.
#[derive(Debug, Clone)]
pub struct AuditOptions<'a> {
    /// The knowledge base, for the documents the destination requires.
    pub kb: &'a Kb,
    /// The date to assess the destination's requirements for.
    pub as_of: Date,
    /// Price bands.
    pub bands: &'a PriceBands,
    /// US dollars per unit of a currency (`EUR` → `1.08`), supplied by the operator, for the
    /// price-band check of documents not in USD.
    pub usd_rates: Vec<(String, Decimal)>,
    /// The shipment request, when the caller has it (otherwise it is taken from a preclear PDF's
    /// data, or built from the invoice with `defaults`).
    pub request: Option<serde_json::Value>,
    /// What a spreadsheet invoice lacks to become a shipment request (origin, destination…).
    pub defaults: RequestDefaults,
    /// Bounds for reading spreadsheets; `limits.max_unpacked_bytes` also bounds a PDF's data.
    pub limits: Limits,
}

/// A document as the audit read it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditedDocument {
    /// File name.
    pub file: String,
    /// The kind recognised; `None` when it could not be told.
    pub kind: Option<DocKind>,
    /// How the kind was recognised (`attached data`, `title "PACKING LIST"`, `file name`,
    /// `columns`).
    pub recognised_by: String,
    /// Lines read.
    pub lines: usize,
    /// Currency, when stated.
    pub currency: Option<String>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFinding {
    /// How much it matters.
    pub severity: Severity,
    /// Stable code (`docs.quantity_mismatch`).
    pub code: &'static str,
    /// What is wrong, with the values.
    pub message: String,
    /// The files concerned.
    pub documents: Vec<String>,
    /// Where, as precisely as known (`invoice.xlsx: Goods!F9 (Qty)`).
    pub at: Vec<String>,
    /// The basis of the check, where it is not the documents themselves (a price band).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Confidence of that basis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
}

/// The audit's answer.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// `blocked` (a blocker), `conditions` (conditions, no blocker) or `consistent`.
    pub outcome: &'static str,
    /// The documents read.
    pub documents: Vec<AuditedDocument>,
    /// Findings, most severe first, then in the order found.
    pub findings: Vec<AuditFinding>,
    /// The reference of the shipment, when a document states it.
    pub reference: Option<String>,
    /// The destination whose required documents were checked, when known.
    pub destination: Option<String>,
    /// KB version used for the required documents, when they were checked.
    pub kb_version: Option<String>,
}

impl AuditReport {
    /// Findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Parses an exchange rate for the price bands, `CUR=RATE`: US dollars per unit of the
/// currency (`EUR=1.08`), as the CLI's `--usd-rate` and the API's `usd_rate` take it.
pub fn parse_usd_rate(text: &str) -> Result<(String, Decimal), String> {
    let (currency, rate) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected CUR=RATE, e.g. EUR=1.08"))?;
    let currency =
        preclear_domain::Currency::parse(currency.trim()).map_err(|e| format!("`{text}`: {e}"))?;
    let rate = preclear_domain::parse_decimal(rate.trim())
        .ok()
        .filter(|r| *r > Decimal::ZERO)
        .ok_or_else(|| format!("`{text}`: the rate must be a positive decimal"))?;
    Ok((currency.to_string(), rate))
}

/// Why an audit could not run at all (a single unreadable document is a finding instead).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// No files.
    #[error("no documents to audit")]
    Empty,
}

/// A line as read from any document.
#[derive(Debug, Clone, Default)]
struct Line {
    at: String,
    description: String,
    model: Option<String>,
    part_number: Option<String>,
    category: Option<String>,
    hs_code: Option<String>,
    quantity: Option<Decimal>,
    unit_value: Option<Decimal>,
    weight_kg: Option<Decimal>,
    condition: Option<String>,
    valuation_method: Option<String>,
    radio: Option<String>,
    specification: Option<String>,
    serials: Vec<String>,
}

#[derive(Debug, Clone)]
struct Doc {
    file: String,
    kind: Option<DocKind>,
    recognised_by: String,
    currency: Option<String>,
    reference: Option<String>,
    /// The destination country a document states (ISO code), when it states one.
    destination: Option<String>,
    lines: Vec<Line>,
    /// The content, for a preclear PDF.
    data: Option<ShipmentDocs>,
    /// The file itself, for a spreadsheet invoice that may become a shipment request.
    bytes: Option<Vec<u8>>,
}

struct Findings(Vec<AuditFinding>);

impl Findings {
    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        documents: &[&Doc],
        at: Vec<String>,
    ) {
        self.0.push(AuditFinding {
            severity,
            code,
            message,
            documents: documents.iter().map(|d| d.file.clone()).collect(),
            at,
            basis: None,
            confidence: None,
        });
    }
}

/// Audits the documents of one shipment.
pub fn audit(files: &[InputFile], options: &AuditOptions<'_>) -> Result<AuditReport, AuditError> {
    if files.is_empty() {
        return Err(AuditError::Empty);
    }
    let mut findings = Findings(Vec::new());
    let mut docs = Vec::new();
    for file in files {
        if let Some(doc) = read(file, options, &mut findings) {
            docs.push(doc);
        }
    }
    let invoices: Vec<&Doc> =
        docs.iter().filter(|d| d.kind == Some(DocKind::CommercialInvoice)).collect();
    let packing: Vec<&Doc> = docs.iter().filter(|d| d.kind == Some(DocKind::PackingList)).collect();
    let specs: Vec<&Doc> =
        docs.iter().filter(|d| d.kind == Some(DocKind::SpecificationList)).collect();

    check_currencies(&docs, &mut findings);
    check_same_shipment(&docs, &mut findings);
    if let Some(invoice) = invoices.first() {
        for other in invoices.iter().skip(1).chain(&packing) {
            compare_declared(invoice, other, &mut findings);
        }
        for spec in &specs {
            compare_specification(invoice, spec, &mut findings);
        }
        for invoice in &invoices {
            check_refurbished(invoice, &docs, &mut findings);
            check_bands(invoice, options, &mut findings);
        }
    } else if let (Some(first), rest) = (packing.first(), packing.get(1..).unwrap_or_default()) {
        for other in rest {
            compare_declared(first, other, &mut findings);
        }
    }
    let (destination, kb_version) = check_required(&docs, options, &mut findings);

    let mut findings = findings.0;
    findings.sort_by_key(|f| f.severity);
    let outcome = if findings.iter().any(|f| f.severity == Severity::Blocker) {
        "blocked"
    } else if findings.iter().any(|f| f.severity == Severity::Condition) {
        "conditions"
    } else {
        "consistent"
    };
    Ok(AuditReport {
        outcome,
        reference: docs.iter().find_map(|d| d.reference.clone()),
        documents: docs
            .iter()
            .map(|d| AuditedDocument {
                file: d.file.clone(),
                kind: d.kind,
                recognised_by: d.recognised_by.clone(),
                lines: d.lines.len(),
                currency: d.currency.clone(),
            })
            .collect(),
        findings,
        destination,
        kb_version,
    })
}

// ---------------------------------------------------------------------------------------------
// Reading

fn read(file: &InputFile, options: &AuditOptions<'_>, findings: &mut Findings) -> Option<Doc> {
    let unreadable = |findings: &mut Findings, message: String| {
        findings.0.push(AuditFinding {
            severity: Severity::Condition,
            code: "docs.unreadable",
            message,
            documents: vec![file.name.clone()],
            at: Vec::new(),
            basis: None,
            confidence: None,
        });
    };
    if file.bytes.starts_with(b"%PDF-") {
        let max = usize::try_from(options.limits.max_unpacked_bytes).unwrap_or(usize::MAX);
        return match preclear_pdf::attachments(&file.bytes, max) {
            Ok(attachments) => {
                let data = attachments.into_iter().find(|a| a.name == ATTACHMENT_NAME);
                match data.map(|a| serde_json::from_slice::<Attached>(&a.data)) {
                    Some(Ok(attached)) if attached.preclear == "preclear-document" => {
                        Some(from_preclear_pdf(&file.name, attached))
                    }
                    Some(Ok(_)) | Some(Err(_)) => {
                        unreadable(
                            findings,
                            format!("{}: its attached preclear data is not readable", file.name),
                        );
                        None
                    }
                    None => {
                        unreadable(
                            findings,
                            format!(
                                "{}: this PDF carries no preclear document data, so its lines cannot be read; supply the document as XLSX or CSV (only PDFs generated by preclear are read)",
                                file.name
                            ),
                        );
                        None
                    }
                }
            }
            Err(err) => {
                unreadable(findings, format!("{}: {err}", file.name));
                None
            }
        };
    }
    let workbook = match preclear_import::read_workbook(&file.name, &file.bytes, &options.limits) {
        Ok(workbook) => workbook,
        Err(err) => {
            unreadable(findings, format!("{}: {err}", file.name));
            return None;
        }
    };
    let mapping = match preclear_import::detect(&workbook, &MappingOverride::default()) {
        Ok(mapping) => mapping,
        Err(err) => {
            unreadable(findings, format!("{}: {err}", file.name));
            return None;
        }
    };
    let table = preclear_import::read_table(&workbook, &mapping, &options.limits);
    for problem in &table.problems {
        let at = problem.at.as_ref().map(|at| format!("{}: {at}", file.name)).into_iter().collect();
        // A totals row that disagrees with its lines is a wrong declaration (weights: a
        // condition); any other problem is a cell the audit could not read.
        let (severity, code) = match problem.field.as_deref() {
            Some("totals.value" | "totals.quantity") => (Severity::Blocker, "docs.total_mismatch"),
            Some(field) if field.starts_with("totals.") => {
                (Severity::Condition, "docs.total_mismatch")
            }
            _ => (Severity::Warning, "docs.cell"),
        };
        findings.0.push(AuditFinding {
            severity,
            code,
            message: format!("{}: {}", file.name, problem.message),
            documents: vec![file.name.clone()],
            at,
            basis: None,
            confidence: None,
        });
    }
    Some(from_table(file, &table))
}

fn from_preclear_pdf(file: &str, attached: Attached) -> Doc {
    let kind = DocKind::from_slug(&attached.kind);
    let docs = attached.docs;
    let shows_values = kind == Some(DocKind::CommercialInvoice);
    let shows_weights = kind == Some(DocKind::PackingList);
    let lines = docs
        .lines
        .iter()
        .map(|l| Line {
            at: format!("{file}: line {}", l.line),
            description: l.description.clone(),
            model: l.model.clone(),
            part_number: None,
            category: Some(l.category.clone()),
            hs_code: l.hs_code.clone(),
            quantity: Some(Decimal::from(l.quantity)),
            unit_value: shows_values.then_some(l.unit_value),
            weight_kg: if shows_weights { l.line_weight_kg } else { None },
            condition: Some(l.condition.clone()),
            valuation_method: None,
            radio: l
                .radio
                .as_ref()
                .map(|r| if r.is_empty() { "none".to_owned() } else { r.join(", ") }),
            specification: (kind == Some(DocKind::SpecificationList)).then(|| l.parameters.clone()),
            serials: l.serials.clone(),
        })
        .collect();
    Doc {
        file: file.to_owned(),
        kind,
        recognised_by: "attached preclear data".to_owned(),
        currency: Some(docs.currency.clone()),
        reference: Some(docs.reference.clone()),
        destination: Some(docs.destination.clone()),
        lines,
        data: Some(docs),
        bytes: None,
    }
}

fn from_table(file: &InputFile, table: &preclear_import::Table) -> Doc {
    let lines: Vec<Line> = table
        .lines
        .iter()
        .map(|l| Line {
            at: format!("{}: {}", file.name, l.at),
            description: l.description.clone().unwrap_or_default(),
            model: l.model.clone(),
            part_number: l.part_number.clone(),
            category: l.category.clone(),
            hs_code: l.hs_code.as_ref().map(|c| c.chars().filter(char::is_ascii_digit).collect()),
            quantity: l.quantity,
            unit_value: l.unit_value.or_else(|| {
                let (value, quantity) = (l.line_value?, l.quantity?);
                (quantity > Decimal::ZERO).then(|| value / quantity)
            }),
            weight_kg: l.line_weight_kg.or_else(|| Some(l.unit_weight_kg? * l.quantity?)),
            condition: l.condition.clone(),
            valuation_method: l.valuation_method.clone(),
            radio: l.radio.clone(),
            specification: l.specification.clone(),
            serials: l.serials.clone(),
        })
        .collect();
    let mapped: BTreeSet<preclear_import::Field> =
        table.mapping.columns.iter().map(|c| c.field).collect();
    let (kind, recognised_by) = recognise(table.title.as_deref(), &file.name, &mapped);
    let currency = table.currency.as_ref().map(|(c, _)| c.clone());
    Doc {
        file: file.name.clone(),
        kind,
        recognised_by,
        currency: currency.map(|c| c.to_uppercase()),
        reference: table
            .meta(&[
                "invoice no",
                "invoice number",
                "invoice",
                "reference",
                "ref",
                "fatura no",
                "factura no",
                "packing list no",
            ])
            .map(|(value, _, _)| value.trim().to_owned()),
        destination: table
            .meta(&[
                "destination",
                "country of destination",
                "destination country",
                "ship to country",
                "pais de destino",
                "destino",
                "varis ulkesi",
                "bestimmungsland",
                "pays de destination",
                "paese di destinazione",
                "land van bestemming",
                "kraj przeznaczenia",
            ])
            .and_then(|(value, _, _)| preclear_import::parse_country(value).ok())
            .map(|country| country.as_str().to_owned()),
        lines,
        data: None,
        bytes: Some(file.bytes.clone()),
    }
}

const INVOICE_WORDS: [&str; 6] =
    ["commercial invoice", "invoice", "factura", "fatura", "proforma", "pro forma"];
const PACKING_WORDS: [&str; 7] = [
    "packing list",
    "packing",
    "lista de empaque",
    "romaneio",
    "ceki listesi",
    "lista de embalagem",
    "packliste",
];
const SPEC_WORDS: [&str; 5] =
    ["specification", "especificac", "teknik", "spec list", "equipment list"];

fn kind_in(text: &str) -> Option<DocKind> {
    let text = fold_text(text);
    // Specification and packing before invoice: "specification list of invoice 7" is a list.
    if SPEC_WORDS.iter().any(|w| text.contains(w)) {
        Some(DocKind::SpecificationList)
    } else if PACKING_WORDS.iter().any(|w| text.contains(w)) {
        Some(DocKind::PackingList)
    } else if INVOICE_WORDS.iter().any(|w| text.contains(w)) {
        Some(DocKind::CommercialInvoice)
    } else {
        None
    }
}

fn recognise(
    title: Option<&str>,
    file_name: &str,
    mapped: &BTreeSet<preclear_import::Field>,
) -> (Option<DocKind>, String) {
    use preclear_import::Field;
    if let Some(title) = title
        && let Some(kind) = kind_in(title)
    {
        return (Some(kind), format!("title \"{}\"", title.trim()));
    }
    if let Some(kind) = kind_in(file_name) {
        return (Some(kind), "file name".to_owned());
    }
    if mapped.contains(&Field::UnitValue) || mapped.contains(&Field::LineValue) {
        (Some(DocKind::CommercialInvoice), "columns (values)".to_owned())
    } else if mapped.contains(&Field::Specification) || mapped.contains(&Field::Eccn) {
        (Some(DocKind::SpecificationList), "columns (technical parameters)".to_owned())
    } else if mapped.contains(&Field::LineWeight) || mapped.contains(&Field::Serial) {
        (Some(DocKind::PackingList), "columns (weights, serials)".to_owned())
    } else {
        (None, "not recognised".to_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// Matching

fn normalise(text: &str) -> String {
    fold_text(text).replace(' ', "")
}

fn key(line: &Line) -> String {
    [&line.model, &line.part_number]
        .into_iter()
        .flatten()
        .map(|t| normalise(t))
        .find(|k| !k.is_empty())
        .unwrap_or_else(|| normalise(&line.description))
}

/// A pairing of two documents' lines: `(Some(i), Some(j))` matched, `(Some(i), None)` only in
/// the first, `(None, Some(j))` only in the second.
type Pairs = Vec<(Option<usize>, Option<usize>)>;

/// Pairs the lines of `a` and `b` (see [`Pairs`]).
fn pair(a: &[Line], b: &[Line]) -> Pairs {
    let mut queue: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, line) in b.iter().enumerate().rev() {
        queue.entry(key(line)).or_default().push(j);
    }
    let mut used = vec![false; b.len()];
    let mut out = Vec::new();
    for (i, line) in a.iter().enumerate() {
        let found = queue.get_mut(&key(line)).and_then(Vec::pop);
        if let Some(j) = found
            && let Some(slot) = used.get_mut(j)
        {
            *slot = true;
        }
        out.push((Some(i), found));
    }
    for (j, was_used) in used.iter().enumerate() {
        if !was_used {
            out.push((None, Some(j)));
        }
    }
    out
}

fn label(line: &Line) -> String {
    let model = line.model.as_deref().or(line.part_number.as_deref());
    let description = if line.description.trim().is_empty() {
        line.specification.as_deref().unwrap_or_default()
    } else {
        &line.description
    };
    match model {
        Some(model) if description.trim().is_empty() => model.to_owned(),
        Some(model) if !description.contains(model) => format!("\"{description}\" ({model})"),
        _ => format!("\"{description}\""),
    }
}

fn number(value: Decimal) -> String {
    value.normalize().to_string()
}

// ---------------------------------------------------------------------------------------------
// Rules

/// Whether the documents belong to one shipment: two that state different destinations do not
/// (a blocker); two preclear documents with different shipment references do not either; two
/// spreadsheets with different numbers may (an invoice number and a packing-list number often
/// differ), so that is a condition to confirm.
fn check_same_shipment(docs: &[Doc], findings: &mut Findings) {
    let with_destination: Vec<&Doc> = docs.iter().filter(|d| d.destination.is_some()).collect();
    if let Some(first) = with_destination.first() {
        for other in with_destination.iter().skip(1) {
            if other.destination != first.destination {
                findings.add(
                    Severity::Blocker,
                    "docs.different_shipments",
                    format!(
                        "{} is for a shipment to {} and {} for one to {}: documents of different shipments cannot clear one",
                        first.file,
                        first.destination.as_deref().unwrap_or_default(),
                        other.file,
                        other.destination.as_deref().unwrap_or_default()
                    ),
                    &[first, other],
                    vec![],
                );
                return;
            }
        }
    }
    let with_reference: Vec<&Doc> = docs.iter().filter(|d| d.reference.is_some()).collect();
    let Some(first) = with_reference.first() else { return };
    for other in with_reference.iter().skip(1) {
        if fold(other.reference.as_deref()) == fold(first.reference.as_deref()) {
            continue;
        }
        let both_preclear = first.data.is_some() && other.data.is_some();
        findings.add(
            if both_preclear { Severity::Blocker } else { Severity::Condition },
            "docs.different_shipments",
            format!(
                "{} states the reference {} and {} the reference {}: {}",
                first.file,
                first.reference.as_deref().unwrap_or_default(),
                other.file,
                other.reference.as_deref().unwrap_or_default(),
                if both_preclear {
                    "documents of different shipments cannot clear one"
                } else {
                    "confirm that they belong to one shipment (an invoice and a packing list may be numbered apart)"
                }
            ),
            &[first, other],
            vec![],
        );
        return;
    }
}

fn fold(text: Option<&str>) -> Option<String> {
    text.map(preclear_import::fold_text)
}

fn check_currencies(docs: &[Doc], findings: &mut Findings) {
    let stated: Vec<&Doc> = docs.iter().filter(|d| d.currency.is_some()).collect();
    let currencies: BTreeSet<&str> = stated.iter().filter_map(|d| d.currency.as_deref()).collect();
    if currencies.len() > 1 {
        findings.add(
            Severity::Blocker,
            "docs.currency_mismatch",
            format!(
                "the documents are in different currencies: {}",
                stated
                    .iter()
                    .map(|d| format!("{} in {}", d.file, d.currency.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &stated,
            Vec::new(),
        );
    }
}

/// The invoice against another declaring document (a packing list or a second invoice).
fn compare_declared(invoice: &Doc, other: &Doc, findings: &mut Findings) {
    for (i, j) in pair(&invoice.lines, &other.lines) {
        match (i.and_then(|i| invoice.lines.get(i)), j.and_then(|j| other.lines.get(j))) {
            (Some(a), Some(b)) => compare_lines(invoice, a, other, b, findings),
            (Some(a), None) => findings.add(
                Severity::Blocker,
                "docs.line_missing",
                format!("{} {} is not on {}", invoice.file, label(a), other.file),
                &[invoice, other],
                vec![a.at.clone()],
            ),
            (None, Some(b)) => findings.add(
                Severity::Blocker,
                "docs.line_missing",
                format!("{} {} is not on {}", other.file, label(b), invoice.file),
                &[invoice, other],
                vec![b.at.clone()],
            ),
            (None, None) => {}
        }
    }
}

fn compare_lines(da: &Doc, a: &Line, db: &Doc, b: &Line, findings: &mut Findings) {
    let at = || vec![a.at.clone(), b.at.clone()];
    if let (Some(qa), Some(qb)) = (a.quantity, b.quantity)
        && qa != qb
    {
        findings.add(
            Severity::Blocker,
            "docs.quantity_mismatch",
            format!(
                "{}: quantity {} on {} but {} on {}",
                label(a),
                number(qa),
                da.file,
                number(qb),
                db.file
            ),
            &[da, db],
            at(),
        );
    }
    if let (Some(va), Some(vb)) = (a.unit_value, b.unit_value)
        && va.normalize() != vb.normalize()
    {
        findings.add(
            Severity::Blocker,
            "docs.value_mismatch",
            format!(
                "{}: unit value {} on {} but {} on {}",
                label(a),
                number(va),
                da.file,
                number(vb),
                db.file
            ),
            &[da, db],
            at(),
        );
    }
    if let (Some(ha), Some(hb)) = (&a.hs_code, &b.hs_code)
        && ha != hb
    {
        let same_subheading = ha.get(..6).is_some() && ha.get(..6) == hb.get(..6);
        findings.add(
            if same_subheading { Severity::Warning } else { Severity::Blocker },
            "docs.hs_mismatch",
            if same_subheading {
                format!(
                    "{}: national HS extension {ha} on {} but {hb} on {} (same subheading)",
                    label(a),
                    da.file,
                    db.file
                )
            } else {
                format!("{}: HS code {ha} on {} but {hb} on {}", label(a), da.file, db.file)
            },
            &[da, db],
            at(),
        );
    }
    if let (Some(wa), Some(wb)) = (a.weight_kg, b.weight_kg) {
        let larger = wa.max(wb);
        let tolerance = larger / Decimal::from(1000);
        if (wa - wb).abs() > tolerance {
            findings.add(
                Severity::Condition,
                "docs.weight_mismatch",
                format!(
                    "{}: net weight {} kg on {} but {} kg on {}",
                    label(a),
                    number(wa),
                    da.file,
                    number(wb),
                    db.file
                ),
                &[da, db],
                at(),
            );
        }
    }
    if !a.serials.is_empty() && !b.serials.is_empty() {
        let sa: BTreeSet<&str> = a.serials.iter().map(|s| s.trim()).collect();
        let sb: BTreeSet<&str> = b.serials.iter().map(|s| s.trim()).collect();
        if sa != sb {
            let only_a: Vec<&str> = sa.difference(&sb).copied().collect();
            let only_b: Vec<&str> = sb.difference(&sa).copied().collect();
            findings.add(
                Severity::Condition,
                "docs.serials_mismatch",
                format!(
                    "{}: serial numbers differ; only on {}: {}; only on {}: {}",
                    label(a),
                    da.file,
                    if only_a.is_empty() { "none".to_owned() } else { only_a.join(", ") },
                    db.file,
                    if only_b.is_empty() { "none".to_owned() } else { only_b.join(", ") }
                ),
                &[da, db],
                at(),
            );
        }
    }
}

/// The radio technologies a text names (the importer's vocabulary, as printed on documents), or
/// a generic "radio module" when it names a radio or modem module without its technology.
fn radios_in(text: &str) -> Vec<&'static str> {
    match parse_radio(text) {
        Ok(radios) => radios.into_iter().map(radio_label).collect(),
        Err(_) => {
            let folded = fold_text(text);
            if folded.contains("radio module") || folded.split(' ').any(|w| w == "modem") {
                vec![GENERIC_RADIO]
            } else {
                Vec::new()
            }
        }
    }
}

/// A radio whose technology is not named.
const GENERIC_RADIO: &str = "radio module";

/// What a line declares about radios: `Some(empty)` = declares none, `Some(list)` = declares
/// these, `None` = says nothing.
fn declared_radios(line: &Line) -> Option<Vec<&'static str>> {
    let from_field = line.radio.as_deref().map(|text| match parse_radio(text) {
        Ok(radios) => radios.into_iter().map(radio_label).collect(),
        Err(_) => vec![GENERIC_RADIO],
    });
    let from_text =
        radios_in(&format!("{} {}", line.description, line.specification.as_deref().unwrap_or("")));
    match from_field {
        Some(mut list) => {
            list.extend(from_text);
            list.sort_unstable();
            list.dedup();
            Some(list)
        }
        None if !from_text.is_empty() => Some(from_text),
        None => None,
    }
}

fn compare_specification(invoice: &Doc, spec: &Doc, findings: &mut Findings) {
    for (i, j) in pair(&invoice.lines, &spec.lines) {
        let declared = i.and_then(|i| invoice.lines.get(i));
        let Some(component) = j.and_then(|j| spec.lines.get(j)) else {
            if let Some(line) = declared {
                findings.add(
                    Severity::Condition,
                    "docs.spec_line_missing",
                    format!(
                        "{} {} is not on the specification list {}",
                        invoice.file,
                        label(line),
                        spec.file
                    ),
                    &[invoice, spec],
                    vec![line.at.clone()],
                );
            }
            continue;
        };
        let radios = declared_radios(component).unwrap_or_default();
        let Some(line) = declared else {
            let what = if radios.is_empty() {
                String::new()
            } else {
                format!(", a component with a radio ({})", radios.join(", "))
            };
            findings.add(
                Severity::Blocker,
                "docs.spec_component_undeclared",
                format!(
                    "{} lists {}{what}, which the invoice {} does not declare: goods on the specification list must be on the declaration",
                    spec.file,
                    label(component),
                    invoice.file
                ),
                &[invoice, spec],
                vec![component.at.clone()],
            );
            continue;
        };
        if !radios.is_empty() {
            let on_invoice = declared_radios(line).unwrap_or_default();
            // A radio of unnamed technology on one side matches any declared radio.
            let missing: Vec<&str> = radios
                .iter()
                .copied()
                .filter(|r| {
                    !on_invoice.contains(r) && (*r != GENERIC_RADIO || on_invoice.is_empty())
                })
                .collect();
            if !missing.is_empty() && !on_invoice.contains(&GENERIC_RADIO) {
                findings.add(
                    Severity::Blocker,
                    "docs.radio_undeclared",
                    format!(
                        "{}: the specification list {} gives it a radio module ({}) that the invoice {} does not declare{}; a radio module left off the declaration is a type-approval breach",
                        label(component),
                        spec.file,
                        missing.join(", "),
                        invoice.file,
                        match line.radio.as_deref() {
                            Some(text) if !text.trim().is_empty() => format!(" (it says \"{}\")", text.trim()),
                            _ => String::new(),
                        }
                    ),
                    &[invoice, spec],
                    vec![component.at.clone(), line.at.clone()],
                );
            }
        }
        compare_lines(invoice, line, spec, component, findings);
    }
}

/// A condition other than new that a free text names (`… refurbished R660 …`).
fn not_new_in_text(text: &str) -> Option<&'static str> {
    fold_text(text).split(' ').find_map(parse_condition).filter(|c| *c != "new")
}

fn check_refurbished(invoice: &Doc, docs: &[Doc], findings: &mut Findings) {
    let mut others: Vec<(&Doc, Pairs)> = Vec::new();
    for doc in docs.iter().filter(|d| d.file != invoice.file) {
        others.push((doc, pair(&invoice.lines, &doc.lines)));
    }
    for (i, line) in invoice.lines.iter().enumerate() {
        let own = line.condition.as_deref().and_then(parse_condition);
        let elsewhere: Option<(&Doc, &Line, &'static str)> =
            others.iter().find_map(|(doc, pairs)| {
                pairs.iter().find_map(|(a, b)| {
                    let other =
                        (a == &Some(i)).then_some(*b).flatten().and_then(|j| doc.lines.get(j))?;
                    let cond = other
                        .condition
                        .as_deref()
                        .and_then(parse_condition)
                        .or_else(|| other.specification.as_deref().and_then(not_new_in_text))
                        .filter(|c| *c != "new")?;
                    Some((*doc, other, cond))
                })
            });
        let not_new = own.filter(|c| *c != "new").or(elsewhere.map(|(_, _, c)| c));
        let Some(condition) = not_new else { continue };
        match (own, elsewhere) {
            (Some("new"), Some((doc, other, cond))) => findings.add(
                Severity::Blocker,
                "docs.condition_mismatch",
                format!(
                    "{}: the invoice {} declares it new but {} says {cond}",
                    label(line),
                    invoice.file,
                    doc.file
                ),
                &[invoice, doc],
                vec![line.at.clone(), other.at.clone()],
            ),
            (None, Some((doc, other, cond))) => findings.add(
                Severity::Condition,
                "docs.condition_undeclared",
                format!(
                    "{}: {} says {cond}, but the invoice {} does not declare its condition",
                    label(line),
                    doc.file,
                    invoice.file
                ),
                &[invoice, doc],
                vec![line.at.clone(), other.at.clone()],
            ),
            _ => {}
        }
        if line.valuation_method.as_deref().is_none_or(|m| m.trim().is_empty()) {
            findings.add(
                Severity::Condition,
                "docs.valuation_method_missing",
                format!(
                    "{}: {condition} goods on the invoice {} without a valuation method (the basis of the declared value of goods that are not new: e.g. a refurbisher's price list or an independent appraisal)",
                    label(line),
                    invoice.file
                ),
                &[invoice],
                vec![line.at.clone()],
            );
        }
    }
}

fn check_bands(invoice: &Doc, options: &AuditOptions<'_>, findings: &mut Findings) {
    let Some(currency) = invoice.currency.as_deref() else { return };
    let rate = if currency == "USD" {
        Some(Decimal::ONE)
    } else {
        options.usd_rates.iter().find(|(c, _)| c == currency).map(|(_, r)| *r)
    };
    let mut unconverted = false;
    for line in &invoice.lines {
        let (Some(value), Some(category)) = (line.unit_value, line.category.as_deref()) else {
            continue;
        };
        let condition = line.condition.as_deref().and_then(parse_condition);
        let Some(band) = options.bands.find(category, condition.unwrap_or("new")) else { continue };
        let Some(rate) = rate else {
            unconverted = true;
            continue;
        };
        let usd = value * rate;
        let (code, direction) = if usd < band.min_usd {
            ("docs.possible_undervaluation", "below")
        } else if usd > band.max_usd {
            ("docs.possible_overvaluation", "above")
        } else {
            continue;
        };
        let converted = if currency == "USD" {
            String::new()
        } else {
            format!(" (≈ USD {} at {rate} per {currency})", money_text(usd, "USD"))
        };
        findings.0.push(AuditFinding {
            severity: Severity::Warning,
            code,
            message: format!(
                "{}: unit value {} {}{converted} is {direction} the plausible band for {} {} (USD {} to {}){}",
                label(line),
                currency,
                money_text(value, currency),
                condition.unwrap_or("new (condition not declared)"),
                category.replace('_', " "),
                money_text(band.min_usd, "USD"),
                money_text(band.max_usd, "USD"),
                if code == "docs.possible_undervaluation" { "; customs may reject the transaction value" } else { "; duties and taxes would be overpaid" }
            ),
            documents: vec![invoice.file.clone()],
            at: vec![line.at.clone()],
            basis: Some(format!("{} (bands: {})", band.basis, options.bands.origin)),
            confidence: Some(band.confidence.clone()),
        });
    }
    if unconverted {
        findings.add(
            Severity::Info,
            "docs.band_not_compared",
            format!("{}: values in {currency} were not compared with the price bands (in USD): no exchange rate was given (pass one, e.g. --usd-rate {currency}=1.08)", invoice.file),
            &[invoice],
            Vec::new(),
        );
    }
}

/// The kind of a document the destination requires, when the audit can recognise it.
fn required_kind(rule: &str, name: &str) -> Option<DocKind> {
    let name = name.to_lowercase();
    if rule == "doc.commercial-invoice" {
        Some(DocKind::CommercialInvoice)
    } else if rule == "doc.packing-list" {
        Some(DocKind::PackingList)
    } else if name.contains("specification list") {
        Some(DocKind::SpecificationList)
    } else if rule.contains("power-of-attorney") || name.starts_with("power of attorney") {
        Some(DocKind::PowerOfAttorney)
    } else {
        None
    }
}

fn shipment_request(docs: &[Doc], options: &AuditOptions<'_>) -> Result<serde_json::Value, String> {
    if let Some(request) = &options.request {
        return Ok(request.clone());
    }
    if let Some(request) = docs.iter().find_map(|d| d.data.as_ref().and_then(|s| s.request.clone()))
    {
        return Ok(request);
    }
    let invoice = docs
        .iter()
        .find(|d| d.kind == Some(DocKind::CommercialInvoice) && d.bytes.is_some())
        .ok_or_else(|| {
            "no shipment request was given and no invoice spreadsheet to build one from".to_owned()
        })?;
    let bytes = invoice.bytes.as_deref().unwrap_or_default();
    // The categories are inferred with the audit's KB's vocabulary.
    let defaults = RequestDefaults {
        vocabulary: options.kb.category_vocabulary().clone(),
        ..options.defaults.clone()
    };
    let imported = preclear_import::import(
        &invoice.file,
        bytes,
        &MappingOverride::default(),
        &defaults,
        &options.limits,
    )
    .map_err(|e| format!("the invoice {} does not make a shipment request: {e}", invoice.file))?;
    Ok(imported.request)
}

fn check_required(
    docs: &[Doc],
    options: &AuditOptions<'_>,
    findings: &mut Findings,
) -> (Option<String>, Option<String>) {
    let request = shipment_request(docs, options).and_then(|value| {
        preclear_domain::request::parse_shipment_value(&value).map_err(|errors| {
            let list: Vec<String> =
                errors.0.iter().take(5).map(|e| format!("{}: {}", e.path, e.message)).collect();
            format!("the shipment request is not valid ({})", list.join("; "))
        })
    });
    let shipment = match request {
        Ok(shipment) => shipment,
        Err(why) => {
            findings.0.push(AuditFinding {
                severity: Severity::Info,
                code: "docs.required_not_checked",
                message: format!("the documents the destination requires were not checked: {why}"),
                documents: Vec::new(),
                at: Vec::new(),
                basis: None,
                confidence: None,
            });
            return (None, None);
        }
    };
    let assessment = preclear_engine::assess(options.kb, &shipment, options.as_of);
    let present: BTreeSet<DocKind> = docs.iter().filter_map(|d| d.kind).collect();
    let mut seen: BTreeMap<DocKind, ()> = BTreeMap::new();
    for required in &assessment.documents {
        match required_kind(&required.rule, &required.name) {
            Some(kind) if !present.contains(&kind) => {
                if seen.insert(kind, ()).is_none() {
                    findings.0.push(AuditFinding {
                        severity: Severity::Condition,
                        code: "docs.required_missing",
                        message: format!(
                            "{} requires: {}; it is not among the documents audited",
                            preclear_domain::Country::name(&shipment.destination),
                            required.name
                        ),
                        documents: Vec::new(),
                        at: Vec::new(),
                        basis: Some(format!("{} ({})", required.rule, required.source)),
                        confidence: None,
                    });
                }
            }
            Some(_) => {}
            None => findings.0.push(AuditFinding {
                severity: Severity::Info,
                code: "docs.required_not_audited",
                message: format!("also required, not checked by this audit: {}", required.name),
                documents: Vec::new(),
                at: Vec::new(),
                basis: Some(format!("{} ({})", required.rule, required.source)),
                confidence: None,
            }),
        }
    }
    (Some(shipment.destination.to_string()), Some(assessment.kb_version))
}

#[cfg(test)]
mod tests {
    use preclear_domain::Radio;

    use super::*;

    #[test]
    fn radios_are_found_by_word_not_inside_words() {
        assert_eq!(radios_in("Edge router with LTE modem"), vec![radio_label(Radio::Cellular)]);
        assert_eq!(radios_in("Radio: Wi-Fi, Bluetooth"), vec!["Wi-Fi", "Bluetooth"]);
        assert!(radios_in("Radio: none; Encryption: mass market").is_empty());
        assert!(radios_in("Ultra-slim 4GB DIMM").is_empty(), "4GB is not 4G");
        assert_eq!(radios_in("includes a radio module"), vec![GENERIC_RADIO]);
    }

    #[test]
    fn conditions_other_than_new_are_found_in_free_text() {
        assert_eq!(not_new_in_text("2x Xeon, refurbished, grade A"), Some("refurbished"));
        assert_eq!(not_new_in_text("Sunucu, yenilenmiş"), Some("refurbished"));
        assert_eq!(not_new_in_text("servidor usado"), Some("used"));
        assert_eq!(not_new_in_text("new 1U server"), None);
    }

    #[test]
    fn kinds_are_recognised_from_titles() {
        assert_eq!(kind_in("COMMERCIAL INVOICE"), Some(DocKind::CommercialInvoice));
        assert_eq!(kind_in("Çeki Listesi"), Some(DocKind::PackingList));
        assert_eq!(kind_in("packing-list-RF-7.xlsx"), Some(DocKind::PackingList));
        assert_eq!(kind_in("Equipment specification list"), Some(DocKind::SpecificationList));
        assert_eq!(kind_in("Fatura Comercial"), Some(DocKind::CommercialInvoice));
        assert_eq!(kind_in("notes"), None);
    }

    #[test]
    fn lines_pair_by_model_then_description_in_order() {
        let line = |model: Option<&str>, description: &str| Line {
            model: model.map(str::to_owned),
            description: description.to_owned(),
            ..Line::default()
        };
        let a = vec![line(Some("R660"), "server"), line(None, "Cable"), line(Some("X1"), "switch")];
        let b =
            vec![line(Some("r-660"), "Server 1U"), line(Some("Z9"), "modem"), line(None, "cable")];
        assert_eq!(
            pair(&a, &b),
            vec![(Some(0), Some(0)), (Some(1), Some(2)), (Some(2), None), (None, Some(1))]
        );
    }
}
