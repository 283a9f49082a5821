//! `preclear kb check` and `preclear kb show`: reading a KB directory and printing what it holds.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use preclear_domain::Country;
use preclear_kb::{
    Kb, Known, Provenance, RateValue, RestrictionEffect, SourceFile, ValuationBasis,
};

/// Loads the KB from `dir`, or the bundled one. A KB that fails to load is reported in full.
pub(crate) fn load(dir: Option<&Path>) -> anyhow::Result<Result<Kb, preclear_kb::KbErrors>> {
    match dir {
        None => Ok(preclear_kb_bundle::load()),
        Some(dir) => Ok(preclear_kb::load(&read_dir(dir)?)),
    }
}

/// Reads every file below `dir`, with paths relative to it.
pub(crate) fn read_dir(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        bail!("`{}` is not a knowledge-base directory", dir.display());
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries =
            fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?;
        for entry in entries {
            let path = entry.with_context(|| format!("reading {}", current.display()))?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            files.push(SourceFile { path: relative, text });
        }
    }
    Ok(files)
}

pub(crate) fn check(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let label = dir
        .map_or_else(|| "the bundled knowledge base".to_owned(), |dir| dir.display().to_string());
    match load(dir)? {
        Ok(kb) => {
            let n_levies: usize = kb.markets().map(|market| market.levies.len()).sum();
            let n_requirements: usize = kb.markets().map(|market| market.requirements.len()).sum();
            println!(
                "{label}: ok\nversion {}\n{} markets ({}), {} levies, {} requirements, {} export-control regimes, {} HS nomenclature entries",
                kb.version(),
                kb.markets().count(),
                kb.markets().map(|market| market.country.as_str()).collect::<Vec<_>>().join(" "),
                n_levies,
                n_requirements,
                kb.regimes().len(),
                kb.nomenclature().len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!(
                "{label}: {} problem{}",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(1))
        }
    }
}

pub(crate) fn show(market: &str, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let country = Country::parse(&market.to_ascii_uppercase()).map_err(anyhow::Error::msg)?;
    let kb = match load(dir)? {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let Some(market) = kb.market(country) else {
        let known: Vec<&str> = kb.markets().map(|market| market.country.as_str()).collect();
        bail!("the knowledge base has no market `{country}`; it has: {}", known.join(", "));
    };
    print!("{}", describe_market(&kb, market));
    Ok(ExitCode::SUCCESS)
}

fn describe_market(kb: &Kb, market: &preclear_kb::Market) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}), currency {}  [{}; KB {}]",
        market.name,
        market.country,
        market.currency,
        market.file,
        kb.version()
    );
    let _ = writeln!(
        out,
        "\nRounding: {}  {}",
        market.rounding.value,
        provenance(&market.rounding.provenance)
    );
    let basis = match market.valuation.value.basis {
        Known::Known(ValuationBasis::Cif) => "CIF",
        Known::Known(ValuationBasis::Fob) => "FOB",
        Known::Unknown => "unknown",
    };
    let landing = market
        .valuation
        .value
        .landing_charge
        .map(|p| format!(" + {p}% landing charge"))
        .unwrap_or_default();
    let _ =
        writeln!(out, "Valuation: {basis}{landing}  {}", provenance(&market.valuation.provenance));
    if let Some(de_minimis) = &market.de_minimis {
        let value = match &de_minimis.value.value {
            Known::Known(Some(money)) => money.to_string(),
            Known::Known(None) => "none".to_owned(),
            Known::Unknown => "unknown".to_owned(),
        };
        let _ = writeln!(out, "De minimis: {value}  {}", provenance(&de_minimis.provenance));
    }
    let allowed = match market.importer.value.non_resident_allowed {
        Known::Known(true) => "yes",
        Known::Known(false) => "no",
        Known::Unknown => "unknown",
    };
    let _ = writeln!(
        out,
        "Non-resident may be importer of record: {allowed}. {}  {}",
        market.importer.value.route,
        provenance(&market.importer.provenance)
    );
    for rule in &market.ior_unsuitable {
        let purposes: Vec<&str> = rule.purposes.iter().map(|p| p.as_str()).collect();
        let _ = writeln!(
            out,
            "IOR not suitable for {}: {} → {}  [{}] {}",
            purposes.join(", "),
            rule.reason,
            rule.recommendation,
            rule.id,
            provenance(&rule.provenance)
        );
    }
    let _ = writeln!(out, "\nLevies, in order of computation:");
    for levy in &market.levies {
        let base: Vec<String> = levy
            .base
            .iter()
            .map(|component| match component {
                preclear_kb::BaseComponent::CustomsValue => "customs value".to_owned(),
                preclear_kb::BaseComponent::Levy(idx) => {
                    market.levies.get(*idx).map_or_else(String::new, |l| l.id.to_string())
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "  [{}] {} ({}, {:?} on {})  {}",
            levy.id,
            levy.name,
            levy.kind.as_str(),
            levy.method,
            base.join(" + "),
            provenance(&levy.provenance)
        );
        for rate in &levy.rates {
            let value = match &rate.value {
                RateValue::Percent(percent) => format!("{percent}%"),
                RateValue::Amount(money) => money.to_string(),
                RateValue::Unknown => "unknown".to_owned(),
            };
            let hs =
                rate.hs.as_ref().map_or_else(|| "all lines".to_owned(), |hs| format!("HS {hs}"));
            let origins = rate
                .origins
                .as_ref()
                .map(|o| {
                    format!(
                        ", origin {}",
                        o.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("/")
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(out, "      {hs}{origins}: {value}  {}", provenance(&rate.provenance));
        }
    }
    let _ = writeln!(out, "\nRequirements:");
    for requirement in &market.requirements {
        let lead = match requirement.lead_time {
            Known::Known(days) => format!("{}–{} days", days.min, days.max),
            Known::Unknown => "lead time unknown".to_owned(),
        };
        let _ = writeln!(
            out,
            "  [{}] {} — {} ({}, {lead})  {}",
            requirement.id,
            requirement.name,
            requirement.authority,
            requirement.kind.as_str(),
            provenance(&requirement.provenance)
        );
    }
    let _ = writeln!(out, "\nRestrictions:");
    for restriction in &market.restrictions {
        let effect = match restriction.effect {
            RestrictionEffect::Prohibited => "prohibited".to_owned(),
            RestrictionEffect::Licensed(idx) => {
                format!("licensed ({})", market.requirements.get(idx).map_or("", |r| &*r.id))
            }
        };
        let _ = writeln!(
            out,
            "  [{}] {} — {effect}  {}",
            restriction.id,
            restriction.name,
            provenance(&restriction.provenance)
        );
    }
    let _ = writeln!(out, "\nDocuments (beyond the shared list):");
    for document in &market.documents {
        let _ = writeln!(
            out,
            "  [{}] {}  {}",
            document.id,
            document.name,
            provenance(&document.provenance)
        );
    }
    out
}

fn provenance(provenance: &Provenance) -> String {
    let period = match (provenance.effective_from, provenance.effective_to) {
        (None, None) => String::new(),
        (Some(from), None) => format!(", from {from}"),
        (None, Some(to)) => format!(", until {to}"),
        (Some(from), Some(to)) => format!(", {from} to {to}"),
    };
    format!(
        "({} confidence, as of {}{period}; {})",
        provenance.confidence,
        provenance.as_of,
        provenance.source()
    )
}
