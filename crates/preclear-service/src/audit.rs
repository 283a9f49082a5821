//! The audit trail exported: an organisation's events that pass a filter, in chain order, as
//! JSON Lines or CSV (the API's `/api/v1/audit/events`, the audit page, `preclear audit export`).

use std::io::Write;

use preclear_store::System;
use preclear_store::audit::{CSV_HEADER, csv_row};
use preclear_store::{EventFilter, Store, StoreError};
use uuid::Uuid;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    JsonLines,
    /// RFC 4180 CSV with a header row.
    Csv,
}

impl ExportFormat {
    /// Parses `jsonl` or `csv`.
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text {
            "jsonl" | "ndjson" => Some(ExportFormat::JsonLines),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }
}

/// Writes an organisation's events that pass `filter`, in chain order. Returns the count.
pub async fn export(
    store: &Store,
    org: Uuid,
    filter: &EventFilter,
    format: ExportFormat,
    out: &mut impl Write,
) -> Result<u64, StoreError> {
    let io = |e: std::io::Error| StoreError::Invalid(format!("writing the export: {e}"));
    if format == ExportFormat::Csv {
        writeln!(out, "{CSV_HEADER}").map_err(io)?;
    }
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = store.audit_events(System::Audit, org, filter, after, 2000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in &page {
            match format {
                ExportFormat::JsonLines => {
                    let line = serde_json::to_string(event)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    writeln!(out, "{line}").map_err(io)?;
                }
                ExportFormat::Csv => writeln!(out, "{}", csv_row(event)).map_err(io)?,
            }
            count += 1;
        }
    }
    Ok(count)
}
