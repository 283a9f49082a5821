//! `preclear import` (a packing list or invoice spreadsheet → a shipment request) and
//! `preclear docs generate|audit`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;
use preclear_docs::{AuditOptions, DocKind, Entity, InputFile, Parties, PriceBands, ShipmentDocs};
use preclear_domain::Date;
use preclear_engine::Severity;
use preclear_import::{Limits, MappingOverride, RequestDefaults};

use crate::Format;

/// What a spreadsheet lacks to make a shipment request: each flag fills a field the sheet does
/// not state (a flag that contradicts the sheet is an error).
#[derive(Debug, Args, Default)]
pub(crate) struct RequestFlags {
    /// The shipment reference (else the sheet's invoice number).
    #[arg(long)]
    reference: Option<String>,
    /// The client's legal name (the seller / owner of the goods).
    #[arg(long)]
    client_name: Option<String>,
    /// The client's country (ISO 3166 alpha-2).
    #[arg(long, value_name = "CC")]
    client_country: Option<String>,
    /// Whether the client has its own legal entity in the destination (true or false).
    #[arg(long, value_name = "BOOL")]
    local_entity_in_destination: Option<bool>,
    /// Country of export (ISO 3166 alpha-2).
    #[arg(long, value_name = "CC")]
    origin: Option<String>,
    /// Country of import (ISO 3166 alpha-2).
    #[arg(long, value_name = "CC")]
    destination: Option<String>,
    /// Currency of the values (ISO 4217).
    #[arg(long, value_name = "CUR")]
    currency: Option<String>,
    /// air | sea | road | rail | courier.
    #[arg(long, value_name = "MODE")]
    transport_mode: Option<String>,
    /// Incoterm (DDP, DAP, CIF…).
    #[arg(long)]
    incoterm: Option<String>,
    /// business_use | resale | consumer_sale | temporary_import | return_for_repair.
    #[arg(long)]
    purpose: Option<String>,
    /// Freight (decimal).
    #[arg(long)]
    freight: Option<String>,
    /// Insurance (decimal).
    #[arg(long)]
    insurance: Option<String>,
    /// Consignee's legal name.
    #[arg(long)]
    consignee_name: Option<String>,
    /// Consignee's country.
    #[arg(long, value_name = "CC")]
    consignee_country: Option<String>,
    /// Consignee's address.
    #[arg(long)]
    consignee_address: Option<String>,
    /// Category of lines that state none and whose description does not tell.
    #[arg(long)]
    category: Option<String>,
    /// Condition of lines that state none (new | refurbished | used).
    #[arg(long)]
    condition: Option<String>,
}

impl RequestFlags {
    /// The flags as defaults, categories inferred with `kb`'s vocabulary.
    fn defaults(&self, kb: &preclear_kb::Kb) -> RequestDefaults {
        RequestDefaults {
            vocabulary: kb.category_vocabulary().clone(),
            reference: self.reference.clone(),
            client_name: self.client_name.clone(),
            client_country: self.client_country.clone(),
            origin: self.origin.clone(),
            destination: self.destination.clone(),
            currency: self.currency.clone(),
            transport_mode: self.transport_mode.clone(),
            incoterm: self.incoterm.clone(),
            purpose: self.purpose.clone(),
            freight: self.freight.clone(),
            insurance: self.insurance.clone(),
            consignee_name: self.consignee_name.clone(),
            consignee_country: self.consignee_country.clone(),
            consignee_address: self.consignee_address.clone(),
            category: self.category.clone(),
            condition: self.condition.clone(),
            local_entity_in_destination: self.local_entity_in_destination,
            audience: preclear_import::Audience::Shell,
        }
    }
}

/// How to read the sheet: which sheet, which header row, which column is which field.
#[derive(Debug, Args, Default)]
pub(crate) struct MappingFlags {
    /// The sheet to read (else the one whose header is recognised best).
    #[arg(long)]
    sheet: Option<String>,
    /// The header row, 1-based (else detected).
    #[arg(long, value_name = "ROW")]
    header_row: Option<u32>,
    /// Map a field to a column by letter or header text, e.g. `--map quantity=D` or
    /// `--map "unit_value=Preço Unitário"`; repeatable.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
}

impl MappingFlags {
    fn overrides(&self) -> anyhow::Result<MappingOverride> {
        let mut over = MappingOverride {
            sheet: self.sheet.clone(),
            header_row: self.header_row,
            columns: Vec::new(),
            audience: preclear_import::Audience::Shell,
        };
        for text in &self.map {
            let (field, column) = preclear_import::parse_override(text)
                .map_err(|e| anyhow::anyhow!("--map {text}: {e}"))?;
            over.columns.push((field, column));
        }
        Ok(over)
    }
}

fn read_file(path: &Path, limits: &Limits) -> anyhow::Result<Vec<u8>> {
    let size = std::fs::metadata(path).with_context(|| format!("`{}`", path.display()))?.len();
    if size > limits.max_file_bytes as u64 {
        bail!("`{}` is {size} bytes; the limit is {} bytes", path.display(), limits.max_file_bytes);
    }
    std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `preclear import FILE`: prints the shipment request as JSON on standard output, and the
/// mapping, notes and problems on standard error. Exit 2 when a problem is an error or the
/// request does not validate.
pub(crate) fn import(
    path: &Path,
    mapping: &MappingFlags,
    flags: &RequestFlags,
    kb_dir: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let kb = match crate::assess::load_kb(kb_dir)? {
        Ok(kb) => kb,
        Err(code) => return Ok(code),
    };
    let limits = Limits::default();
    let bytes = read_file(path, &limits)?;
    let name = file_name(path);
    let imported = match preclear_import::import(
        &name,
        &bytes,
        &mapping.overrides()?,
        &flags.defaults(&kb),
        &limits,
    ) {
        Ok(imported) => imported,
        Err(err) => {
            eprintln!("{name}: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let m = &imported.table.mapping;
    eprintln!("{name}: sheet `{}`, header on row {}", m.sheet, m.header_row);
    for column in &m.columns {
        eprintln!(
            "  {} \"{}\" → {}",
            preclear_import::column_letters(column.index),
            column.header,
            column.field.as_str()
        );
    }
    for (index, header) in &m.unmapped {
        eprintln!("  {} \"{header}\" → (not used)", preclear_import::column_letters(*index));
    }
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    for warning in imported.table.problems.iter().filter(|p| !p.is_error()) {
        eprintln!("{warning}");
    }
    let failed = match imported.validate() {
        Ok(_) => false,
        Err(preclear_import::ImportError::Problems(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            true
        }
        Err(other) => {
            eprintln!("{name}: {other}");
            true
        }
    };
    outln!("{}", serde_json::to_string_pretty(&imported.request)?);
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// The importer of record and broker named on generated documents.
#[derive(Debug, Args, Default)]
pub(crate) struct PartyFlags {
    /// The legal entity acting as importer of record.
    #[arg(long)]
    importer_name: Option<String>,
    /// Its address.
    #[arg(long)]
    importer_address: Option<String>,
    /// Its tax or trade registry number.
    #[arg(long)]
    importer_tax_id: Option<String>,
    /// The customs broker the power of attorney appoints.
    #[arg(long)]
    broker_name: Option<String>,
}

impl PartyFlags {
    fn parties(&self, destination: &str) -> Parties {
        Parties {
            importer: self.importer_name.clone().map(|name| Entity {
                name,
                country: Some(destination.to_owned()),
                address: self.importer_address.clone(),
                tax_id: self.importer_tax_id.clone(),
            }),
            broker: self.broker_name.clone().map(|name| Entity {
                name,
                country: Some(destination.to_owned()),
                address: None,
                tax_id: None,
            }),
            consignee: None,
        }
    }
}

/// `preclear docs generate REQUEST.json --out DIR`.
pub(crate) fn generate(
    request: &Path,
    out: &Path,
    as_of: Date,
    kb_dir: Option<&Path>,
    price_list: Option<&Path>,
    parties: &PartyFlags,
) -> anyhow::Result<ExitCode> {
    let prices = match crate::assess::read_price_list(price_list)? {
        Ok(prices) => prices,
        Err(code) => return Ok(code),
    };
    let (shipment, value) = match crate::assess::read_shipment(request)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let kb = match crate::assess::load_kb(kb_dir)? {
        Ok(kb) => kb,
        Err(code) => return Ok(code),
    };
    let assessment = preclear_engine::assess_priced(&kb, &shipment, as_of, prices.as_ref());
    let docs =
        ShipmentDocs::new(&shipment, &assessment, &parties.parties(shipment.destination.as_str()))
            .with_request(value);
    std::fs::create_dir_all(out).with_context(|| format!("creating `{}`", out.display()))?;
    for file in preclear_docs::generate_all(&docs, &assessment)? {
        let path = out.join(&file.file_name);
        std::fs::write(&path, &file.bytes)
            .with_context(|| format!("writing `{}`", path.display()))?;
        outln!("{} ({} bytes)", path.display(), file.bytes.len());
    }
    if docs.importer.is_none() {
        eprintln!(
            "note: no --importer-name: the documents say the importer of record is not yet assigned"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Options of `preclear docs audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditFlags {
    /// The shipment request, when the documents are spreadsheets that lack what the
    /// destination's requirements depend on.
    #[arg(long, value_name = "REQUEST.json")]
    request: Option<PathBuf>,
    /// US dollars per unit of a currency, for the price-band check, e.g. `--usd-rate EUR=1.08`;
    /// repeatable.
    #[arg(long = "usd-rate", value_name = "CUR=RATE")]
    usd_rates: Vec<String>,
    /// A price-bands file to use instead of the bundled bands (same TOML format).
    #[arg(long, value_name = "FILE")]
    bands: Option<PathBuf>,
}

/// `preclear docs audit FILE…`: exit 0 when the audit ran, whatever it found.
pub(crate) fn audit(
    files: &[PathBuf],
    format: Format,
    as_of: Date,
    kb_dir: Option<&Path>,
    flags: &AuditFlags,
    defaults: &RequestFlags,
) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    if files.is_empty() {
        bail!("no documents: name the files of one shipment");
    }
    let mut inputs = Vec::new();
    for path in files {
        inputs.push(InputFile { name: file_name(path), bytes: read_file(path, &limits)? });
    }
    let bands = match &flags.bands {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading `{}`", path.display()))?;
            PriceBands::parse(&text, &path.display().to_string()).map_err(anyhow::Error::msg)?
        }
        None => PriceBands::bundled(),
    };
    let request = match &flags.request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading `{}`", path.display()))?;
            Some(preclear_domain::json::parse(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{}: malformed JSON at line {} column {}",
                    path.display(),
                    e.line(),
                    e.column()
                )
            })?)
        }
        None => None,
    };
    let kb = match crate::assess::load_kb(kb_dir)? {
        Ok(kb) => kb,
        Err(code) => return Ok(code),
    };
    let options = AuditOptions {
        kb: &kb,
        as_of,
        bands: &bands,
        usd_rates: flags
            .usd_rates
            .iter()
            .map(|t| {
                preclear_docs::parse_usd_rate(t).map_err(|e| anyhow::anyhow!("--usd-rate {e}"))
            })
            .collect::<anyhow::Result<_>>()?,
        request,
        defaults: defaults.defaults(&kb),
        limits,
    };
    let report = preclear_docs::audit(&inputs, &options)?;
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => out!("{}", audit_text(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_text(report: &preclear_docs::AuditReport) -> String {
    let mut out = String::new();
    let outcome = match report.outcome {
        "blocked" => "BLOCKED: the documents must be corrected before the goods move",
        "conditions" => "CONDITIONS: open points must be settled before the goods move",
        _ => "CONSISTENT: no inconsistency found",
    };
    out.push_str(&format!("Document audit: {outcome}\n"));
    if let Some(reference) = &report.reference {
        out.push_str(&format!("Shipment {reference}"));
        if let Some(destination) = &report.destination {
            out.push_str(&format!(" to {destination}"));
        }
        out.push('\n');
    }
    out.push_str("\nDocuments\n");
    for d in &report.documents {
        out.push_str(&format!(
            "  {}: {} ({} lines{}; recognised by {})\n",
            d.file,
            d.kind.map(DocKind::title).unwrap_or("unrecognised"),
            d.lines,
            d.currency.as_deref().map(|c| format!(", {c}")).unwrap_or_default(),
            d.recognised_by
        ));
    }
    out.push_str(&format!(
        "\nFindings: {} blocker, {} condition, {} warning, {} info\n",
        report.count(Severity::Blocker),
        report.count(Severity::Condition),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    ));
    for f in &report.findings {
        out.push_str(&format!("  [{}] {} ({})\n", f.severity.as_str(), f.message, f.code));
        for at in &f.at {
            out.push_str(&format!("      at {at}\n"));
        }
        if let Some(basis) = &f.basis {
            out.push_str(&format!(
                "      basis: {basis}{}\n",
                f.confidence.as_deref().map(|c| format!(" (confidence {c})")).unwrap_or_default()
            ));
        }
    }
    out
}
