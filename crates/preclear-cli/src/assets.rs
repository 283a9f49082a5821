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
    let (assets, currency) = read_assets(file, Some(hub), on)?;
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

/// Reads a CSV of assets: `serial,manufacturer,model,category,hs_code` always; `eccn`,
/// `country_of_origin` optional; `grade,value,currency` for valued assets (required when
/// `at_hub` is given: they are ready at the hub); `country` (where each is deployed) otherwise.
fn read_assets(
    file: &Path,
    at_hub: Option<&str>,
    on: Date,
) -> anyhow::Result<(Vec<Asset>, String)> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", file.display()))?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let mut required = vec!["serial", "manufacturer", "model", "category", "hs_code"];
    match at_hub {
        Some(_) => required.extend(["grade", "value", "currency"]),
        None => required.push("country"),
    }
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
        let optional = |name: &str| Some(cell(name)).filter(|t| !t.is_empty());
        let serial = cell("serial");
        if serial.is_empty() {
            bail!("{}: the serial is empty", at("serial"));
        }
        let grade = optional("grade").map(|g| grade(&at("grade"), &g)).transpose()?;
        let valuation = match optional("value") {
            None => None,
            Some(text) => {
                let value = decimal(&at("value"), &text)?;
                let row_currency = cell("currency").to_ascii_uppercase();
                if row_currency.len() != 3 {
                    bail!("{}: give the ISO 4217 code of the value's currency", at("currency"));
                }
                if currency.is_empty() {
                    currency = row_currency.clone();
                } else if currency != row_currency {
                    bail!(
                        "{}: every asset must be valued in one currency ({currency} above)",
                        at("currency")
                    );
                }
                Some(Valuation {
                    value,
                    currency: row_currency,
                    grade: grade.unwrap_or(Grade::C),
                    method: "as given in the file".to_owned(),
                    basis: file.display().to_string(),
                    on,
                })
            }
        };
        let country = match at_hub {
            Some(hub) => hub.to_owned(),
            None => {
                let country = cell("country").to_ascii_uppercase();
                preclear_domain::Country::parse(&country)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", at("country")))?;
                country
            }
        };
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
            country,
            site: None,
            delivered_by: None,
            purchase: None,
            state: if at_hub.is_some() {
                AssetState::ReadyForRedeployment
            } else {
                AssetState::AwaitingRecovery
            },
            grade,
            valuation,
            events: Vec::new(),
        });
    }
    if assets.is_empty() {
        bail!("{} has no asset rows", file.display());
    }
    if currency.is_empty() {
        currency = "USD".to_owned();
    }
    Ok((assets, currency))
}

/// `preclear assets recover FILE --hub CC`: one return consignment per deployed country to the
/// hub, each assessed in reverse (the deployed country the origin, the hub the destination,
/// purpose `return_for_repair`, the goods used); `--out DIR` also writes each request.
#[allow(clippy::too_many_arguments, reason = "one flag each, as the command line gives them")]
pub(crate) fn recover(
    file: &Path,
    hub: &str,
    unvalued: &str,
    client: &str,
    client_country: &str,
    on: Date,
    out_dir: Option<&Path>,
    format: Format,
    kb_dir: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    preclear_domain::Country::parse(hub).map_err(|e| anyhow::anyhow!("--hub `{hub}`: {e}"))?;
    let unvalued = decimal("--value-if-unvalued", unvalued)?;
    let (assets, currency) = read_assets(file, None, on)?;
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
    let mut by_country: std::collections::BTreeMap<&str, Vec<&Asset>> =
        std::collections::BTreeMap::new();
    for asset in &assets {
        by_country.entry(asset.country.as_str()).or_default().push(asset);
    }
    let mut reports = Vec::new();
    let mut text = String::new();
    for (country, selected) in by_country {
        let reference = format!("RETURN-{country}");
        let request =
            preclear_assets::redeploy::return_request(&selected, &setup, &reference, unvalued)
                .map_err(|e| anyhow::anyhow!("{country}: {e}"))?;
        if let Some(dir) = out_dir {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join(format!("return-{}.json", country.to_ascii_lowercase()));
            std::fs::write(&path, serde_json::to_string_pretty(&request)? + "\n")
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let shipment = preclear_domain::request::parse_shipment_request(&request.to_string())
            .map_err(|e| anyhow::anyhow!("{country}: the return request does not read: {e}"))?;
        let assessment = preclear_engine::assess(&kb, &shipment, on);
        text.push_str(&preclear_engine::render_text(&assessment));
        text.push('\n');
        reports.push(assessment);
    }
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Text => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
