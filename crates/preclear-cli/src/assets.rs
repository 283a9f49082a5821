//! `preclear assets`: reverse logistics by serial from the command line — value an asset by a
//! stated method, and see where a list of refurbished, valued assets may be redeployed from the
//! hub (each group assessed with the KB as a refurbished shipment to each destination).

use std::path::Path;
use std::process::ExitCode;
use std::str::FromStr as _;

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use preclear_assets::redeploy::{Setup, view};
use preclear_assets::{Asset, AssetState, Grade, Method, Purchase, Valuation};
use rust_decimal::Decimal;

use crate::Format;

/// The most asset rows one file may hold.
const MAX_ASSETS: usize = 1_000_000;

fn decimal(flag: &str, text: &str) -> anyhow::Result<Decimal> {
    Decimal::from_str(text.trim())
        .with_context(|| format!("{flag} `{text}` is not a decimal number"))
}

fn grade(flag: &str, text: &str) -> anyhow::Result<Grade> {
    Grade::parse(text).with_context(|| format!("{flag} `{text}`: give A, B, C or scrap"))
}

/// `preclear assets value`.
#[allow(clippy::too_many_arguments, reason = "one flag each, as the command line gives them")]
pub(crate) fn value(
    model: &str,
    grade_text: &str,
    method: &str,
    purchase: Option<(&str, &str, &str)>,
    years: u32,
    percent: &str,
    on: Date,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let grade = grade("--grade", grade_text)?;
    let purchase = match purchase {
        None => None,
        Some((value, currency, date)) => Some(Purchase {
            value: decimal("--purchase-value", value)?,
            currency: currency.trim().to_ascii_uppercase(),
            date: date.parse::<Date>().ok().with_context(|| {
                format!("--purchased `{date}` is not a date such as 2022-06-15")
            })?,
        }),
    };
    let method = match method {
        "straight-line" => {
            Method::StraightLine { years, floor_percent: decimal("--percent", percent)? }
        }
        "residual" => Method::Residual { percent: decimal("--percent", percent)? },
        other => bail!(
            "--method `{other}`: give straight-line or residual (a market-price table is configured by the provider)"
        ),
    };
    let valuation = preclear_assets::valuation::value(model, purchase.as_ref(), grade, &method, on)
        .map_err(|e| anyhow::anyhow!(e))?;
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&valuation)?),
        Format::Text => outln!(
            "{model} grade {} on {on}: {} {}\n  method: {}\n  basis: {}\n  grade {}: {}",
            grade.as_str(),
            valuation.value,
            valuation.currency,
            valuation.method,
            valuation.basis,
            grade.as_str(),
            grade.criteria()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `preclear assets redeploy FILE --hub CC --to CC,CC`: the file is a CSV of refurbished,
/// valued assets (`serial,manufacturer,model,category,hs_code,eccn,country_of_origin,grade,
/// value,currency`).
#[allow(clippy::too_many_arguments, reason = "one flag each, as the command line gives them")]
pub(crate) fn redeploy(
    file: &Path,
    hub: &str,
    destinations: &[String],
    client: &str,
    client_country: &str,
    on: Date,
    format: Format,
    kb_dir: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", file.display()))?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let required =
        ["serial", "manufacturer", "model", "category", "hs_code", "grade", "value", "currency"];
    let missing: Vec<&str> = required.iter().copied().filter(|c| find(c).is_none()).collect();
    if !missing.is_empty() {
        bail!(
            "{} lacks the column(s) {} (its columns: {})",
            file.display(),
            missing.join(", "),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    }
    let mut assets = Vec::new();
    let mut currency = String::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = record.with_context(|| format!("{} row {row}", file.display()))?;
        if assets.len() == MAX_ASSETS {
            bail!("{} has more than {MAX_ASSETS} assets: split it", file.display());
        }
        let cell = |name: &str| {
            find(name).and_then(|i| record.get(i)).unwrap_or_default().trim().to_owned()
        };
        let at = |what: &str| format!("{} row {row}, {what}", file.display());
        let grade = grade(&at("grade"), &cell("grade"))?;
        let value = decimal(&at("value"), &cell("value"))?;
        let row_currency = cell("currency").to_ascii_uppercase();
        if currency.is_empty() {
            currency = row_currency.clone();
        } else if currency != row_currency {
            bail!(
                "{}: every asset must be valued in one currency ({currency} above)",
                at("currency")
            );
        }
        let serial = cell("serial");
        if serial.is_empty() {
            bail!("{}: the serial is empty", at("serial"));
        }
        let optional = |name: &str| Some(cell(name)).filter(|t| !t.is_empty());
        assets.push(Asset {
            id: preclear_assets::asset_id(uuid::Uuid::nil(), &serial),
            serial,
            manufacturer: cell("manufacturer"),
            model: cell("model"),
            category: cell("category"),
            hs_code: optional("hs_code"),
            eccn: optional("eccn"),
            country_of_origin: optional("country_of_origin").unwrap_or_else(|| "CN".to_owned()),
            owner_org: uuid::Uuid::nil(),
            country: hub.to_owned(),
            site: None,
            delivered_by: None,
            purchase: None,
            state: AssetState::ReadyForRedeployment,
            grade: Some(grade),
            valuation: Some(Valuation {
                value,
                currency: row_currency,
                grade,
                method: "as given in the file".to_owned(),
                basis: file.display().to_string(),
                on,
            }),
            events: Vec::new(),
        });
    }
    if assets.is_empty() {
        bail!("{} has no asset rows", file.display());
    }
    let kb = match crate::assess::load_kb(kb_dir)? {
        Ok(kb) => kb,
        Err(code) => return Ok(code),
    };
    let setup = Setup {
        client_name: client.to_owned(),
        client_country: client_country.to_owned(),
        hub_country: hub.to_owned(),
        currency,
        as_of: on,
    };
    let destinations: Vec<&str> =
        destinations.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect();
    for d in &destinations {
        preclear_domain::Country::parse(d).map_err(|e| anyhow::anyhow!("--to `{d}`: {e}"))?;
    }
    preclear_domain::Country::parse(hub).map_err(|e| anyhow::anyhow!("--hub `{hub}`: {e}"))?;
    let offers = view(&kb, &assets, &destinations, &setup);
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&offers)?),
        Format::Text => {
            for offer in &offers {
                outln!(
                    "{} {} {} ({} assets) to {}: {} — {}",
                    offer.group.manufacturer,
                    offer.group.model,
                    offer.group.category,
                    offer.serials.len(),
                    offer.destination,
                    if offer.allowed { "may go" } else { "may not go" },
                    offer.reason
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
