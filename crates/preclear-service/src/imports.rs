//! Documents without HTTP: a packing list or invoice spreadsheet read into a shipment request
//! (every problem located), and the audit of one shipment's documents against each other and the
//! KB. The API (`POST /api/v1/imports`, `POST /api/v1/document-audits`) and the web pages read
//! the upload and call these.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use preclear_docs::{AuditOptions, AuditReport, InputFile, PriceBands};
use preclear_domain::Date;
use preclear_import::{Imported, Limits, MappingOverride, RequestDefaults};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Service;
use crate::clock::{date_of, now_micros};
use crate::error::ServiceError;

/// The most files one audit reads.
pub const MAX_AUDIT_FILES: usize = 20;

/// Query of `POST /imports`: how to read the sheet and what it lacks.
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The file's name (its extension helps tell CSV from XLSX).
    pub file_name: Option<String>,
    /// The sheet to read; else the one whose header is recognised best.
    pub sheet: Option<String>,
    /// The header row (1-based); else detected.
    pub header_row: Option<u32>,
    /// Column overrides, `field=column` separated by `;`, e.g. `quantity=D;unit_value=Preço`.
    pub map: Option<String>,
    /// Assess and store the request when it is valid (answer 201 with the assessment).
    pub assess: Option<bool>,
    /// The client organisation (name or id) when assessing; the caller's own when absent.
    pub org: Option<String>,
    /// The date to assess for (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<String>,
    /// Shipment reference, when the sheet has no invoice number.
    pub reference: Option<String>,
    /// Client's legal name.
    pub client_name: Option<String>,
    /// Client's country.
    pub client_country: Option<String>,
    /// Whether the client has its own entity in the destination.
    pub local_entity_in_destination: Option<bool>,
    /// Country of export.
    pub origin: Option<String>,
    /// Country of import.
    pub destination: Option<String>,
    /// Currency.
    pub currency: Option<String>,
    /// Transport mode.
    pub transport_mode: Option<String>,
    /// Incoterm.
    pub incoterm: Option<String>,
    /// Purpose.
    pub purpose: Option<String>,
    /// Freight.
    pub freight: Option<String>,
    /// Insurance.
    pub insurance: Option<String>,
    /// Consignee's legal name.
    pub consignee_name: Option<String>,
    /// Consignee's country.
    pub consignee_country: Option<String>,
    /// Consignee's address.
    pub consignee_address: Option<String>,
    /// Category of lines that state none.
    pub category: Option<String>,
    /// Condition of lines that state none.
    pub condition: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ImportQuery {
    /// From form fields (the web application's names are the query's).
    pub fn from_fields(fields: &BTreeMap<String, String>) -> ImportQuery {
        let get = |key: &str| fields.get(key).cloned();
        ImportQuery {
            file_name: get("file_name"),
            sheet: get("sheet"),
            header_row: get("header_row").and_then(|r| r.trim().parse().ok()),
            map: get("map"),
            assess: None,
            org: get("org"),
            as_of: get("as_of"),
            reference: get("reference"),
            client_name: get("client_name"),
            client_country: get("client_country"),
            local_entity_in_destination: get("local_entity_in_destination")
                .map(|v| v == "true" || v == "on"),
            origin: get("origin"),
            destination: get("destination"),
            currency: get("currency"),
            transport_mode: get("transport_mode"),
            incoterm: get("incoterm"),
            purpose: get("purpose"),
            freight: get("freight"),
            insurance: get("insurance"),
            consignee_name: get("consignee_name"),
            consignee_country: get("consignee_country"),
            consignee_address: get("consignee_address"),
            category: get("category"),
            condition: get("condition"),
        }
    }

    pub fn defaults(&self) -> RequestDefaults {
        RequestDefaults {
            reference: non_empty(&self.reference),
            client_name: non_empty(&self.client_name),
            client_country: non_empty(&self.client_country),
            origin: non_empty(&self.origin),
            destination: non_empty(&self.destination),
            currency: non_empty(&self.currency),
            transport_mode: non_empty(&self.transport_mode),
            incoterm: non_empty(&self.incoterm),
            purpose: non_empty(&self.purpose),
            freight: non_empty(&self.freight),
            insurance: non_empty(&self.insurance),
            consignee_name: non_empty(&self.consignee_name),
            consignee_country: non_empty(&self.consignee_country),
            consignee_address: non_empty(&self.consignee_address),
            category: non_empty(&self.category),
            condition: non_empty(&self.condition),
            local_entity_in_destination: self.local_entity_in_destination,
            audience: preclear_import::Audience::Api,
            // Set by `import_file` (and the audit) from the KB being served.
            vocabulary: std::sync::Arc::default(),
        }
    }

    pub fn overrides(&self) -> Result<MappingOverride, ServiceError> {
        let mut over = MappingOverride {
            sheet: non_empty(&self.sheet),
            header_row: self.header_row,
            columns: Vec::new(),
            audience: preclear_import::Audience::Api,
        };
        for part in self
            .map
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            over.columns.push(
                preclear_import::parse_override(part)
                    .map_err(|e| ServiceError::invalid_field("map", format!("`{part}`: {e}")))?,
            );
        }
        Ok(over)
    }
}

/// A problem of an import, located.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// Where (`Packing list!D7 (Qty)`), when known.
    pub at: Option<String>,
    /// The request field, when known (`items[3].quantity`).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// One column of the mapping.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappedColumn {
    /// Column letter.
    pub column: String,
    /// Header text.
    pub header: String,
    /// The field it is read as; `null` when not used.
    pub field: Option<&'static str>,
}

/// The answer of an import.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportAnswer {
    /// Whether the request is a valid shipment request.
    pub valid: bool,
    /// The sheet read.
    pub sheet: String,
    /// The header row (1-based).
    pub header_row: u32,
    /// Every column of the header row, mapped or not.
    pub columns: Vec<MappedColumn>,
    /// The shipment request built (valid or not).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub request: Value,
    /// Inferences made (a category from a description, a unit converted).
    pub notes: Vec<String>,
    /// Problems of reading the rows and of validating the request, each located.
    pub problems: Vec<ImportProblem>,
    /// The assessment, when `assess=true` and the request was valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<String>,
}

/// Reads a spreadsheet into a shipment request; every problem located.
pub async fn import_file(
    limits: Limits,
    name: String,
    bytes: Vec<u8>,
    query: &ImportQuery,
    audience: preclear_import::Audience,
    vocabulary: std::sync::Arc<preclear_domain::CategoryVocabulary>,
) -> Result<ImportAnswer, ServiceError> {
    let mut over = query.overrides()?;
    let mut defaults = query.defaults();
    // The messages name what is missing in the words of who reads them.
    over.audience = audience;
    defaults.audience = audience;
    // Categories are inferred with the vocabulary of the KB being served.
    defaults.vocabulary = vocabulary;
    let imported = tokio::task::spawn_blocking(move || {
        preclear_import::import(&name, &bytes, &over, &defaults, &limits)
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(|e| ServiceError::invalid_field("file", e.to_string()))?;
    Ok(answer(&imported))
}

fn answer(imported: &Imported) -> ImportAnswer {
    let mapping = &imported.table.mapping;
    let mut columns: Vec<MappedColumn> = mapping
        .columns
        .iter()
        .map(|c| MappedColumn {
            column: preclear_import::column_letters(c.index),
            header: c.header.clone(),
            field: Some(c.field.as_str()),
        })
        .chain(mapping.unmapped.iter().map(|(index, header)| MappedColumn {
            column: preclear_import::column_letters(*index),
            header: header.clone(),
            field: None,
        }))
        .collect();
    columns.sort_by_key(|c| (c.column.len(), c.column.clone()));
    let shown = |p: &preclear_import::Problem| ImportProblem {
        severity: if p.is_error() { "error" } else { "warning" },
        at: p.at.as_ref().map(ToString::to_string),
        field: p.field.clone(),
        message: p.message.clone(),
    };
    // Warnings of reading, then every error (of reading and of validation, each once).
    let mut problems: Vec<ImportProblem> =
        imported.table.problems.iter().filter(|p| !p.is_error()).map(shown).collect();
    let valid = match imported.validate() {
        Ok(_) => true,
        Err(preclear_import::ImportError::Problems(errors)) => {
            problems.extend(errors.iter().map(shown));
            false
        }
        Err(other) => {
            problems.push(ImportProblem {
                severity: "error",
                at: None,
                field: None,
                message: other.to_string(),
            });
            false
        }
    };
    ImportAnswer {
        valid,
        sheet: mapping.sheet.clone(),
        header_row: mapping.header_row,
        columns,
        request: imported.request.clone(),
        notes: imported.notes.clone(),
        problems,
        assessment_id: None,
    }
}

/// The files and fields of an audit upload.
#[derive(Debug, Default)]
pub struct AuditUpload {
    /// The documents.
    pub files: Vec<InputFile>,
    /// The text fields, each with every value given.
    pub fields: BTreeMap<String, Vec<String>>,
}

impl AuditUpload {
    /// A field's first non-blank value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// Runs an audit of uploaded documents with the current KB.
pub async fn run_audit(
    service: &Service,
    limits: Limits,
    upload: AuditUpload,
) -> Result<AuditReport, ServiceError> {
    if upload.files.is_empty() {
        return Err(ServiceError::invalid_field(
            "file",
            "no documents: upload the files of one shipment",
        ));
    }
    let as_of = match upload.field("as_of") {
        Some(text) => Date::from_str(text.trim()).map_err(|_| {
            ServiceError::invalid_field("as_of", format!("`{text}` is not a date (YYYY-MM-DD)"))
        })?,
        None => date_of(now_micros()),
    };
    let request = match upload.field("request") {
        Some(text) => Some(preclear_domain::json::parse(text).map_err(|e| {
            ServiceError::invalid_field("request", preclear_domain::json::error_sentence(&e))
        })?),
        None => None,
    };
    let usd_rates = upload
        .fields
        .get("usd_rate")
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            preclear_docs::parse_usd_rate(t).map_err(|e| ServiceError::invalid_field("usd_rate", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let flat: BTreeMap<String, String> = upload
        .fields
        .iter()
        .filter_map(|(k, v)| v.first().map(|f| (k.clone(), f.clone())))
        .collect();
    let defaults = ImportQuery::from_fields(&flat).defaults();
    let kb = service.kb();
    tokio::task::spawn_blocking(move || {
        let bands = PriceBands::bundled();
        let options =
            AuditOptions { kb: &kb, as_of, bands: &bands, usd_rates, request, defaults, limits };
        preclear_docs::audit(&upload.files, &options)
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(|e| ServiceError::invalid_field("file", e.to_string()))
}
