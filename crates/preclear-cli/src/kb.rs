//! `preclear kb check`, `show`, `coverage` and `test`: reading a KB directory and reporting on it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use preclear_domain::{Country, Date};
use preclear_engine::scenario::{self, Scenario};
use preclear_kb::{
    Kb, Known, Provenance, RateValue, RestrictionEffect, SourceFile, Topic, ValuationBasis,
    coverage, facts,
};

use crate::Format;

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

pub(crate) fn check(
    dir: Option<&Path>,
    as_of: Date,
    max_age: u32,
    deny_stale: bool,
) -> anyhow::Result<ExitCode> {
    let label = dir
        .map_or_else(|| "the bundled knowledge base".to_owned(), |dir| dir.display().to_string());
    let kb = match load(dir)? {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("{label}: {}", count(errors.0.len(), "problem"));
            return Ok(ExitCode::from(1));
        }
    };
    // A market topic with neither a rule nor an `[[absent]]` statement is a gap: an error.
    let mut problems = Vec::new();
    for row in coverage::coverage(&kb, as_of) {
        let file = kb.market(row.country).map_or_else(String::new, |m| m.file.to_string());
        for topic in row.missing() {
            problems.push(format!("{file}: topic `{topic}` of {} is missing on {as_of}: add the rules (or a rule of unknown confidence), or an [[absent]] statement that the law has none", row.country));
        }
    }
    let oldest = as_of.checked_sub(jiff::Span::new().days(i64::from(max_age))).unwrap_or(as_of);
    let stale: Vec<String> = facts::facts(&kb)
        .into_iter()
        .filter(|fact| fact.provenance.as_of < oldest)
        .map(|fact| {
            format!(
                "{}: {} was last checked on {}, more than {max_age} days before {as_of}",
                fact.provenance.location, fact.label, fact.provenance.as_of
            )
        })
        .collect();
    for problem in &problems {
        eprintln!("{problem}");
    }
    for fact in &stale {
        eprintln!("{}: {fact}", if deny_stale { "error" } else { "warning" });
    }
    let failed = !problems.is_empty() || (deny_stale && !stale.is_empty());
    let n_levies: usize = kb.markets().map(|market| market.levies.len()).sum();
    let n_requirements: usize = kb.markets().map(|market| market.requirements.len()).sum();
    let summary = format!(
        "version {}\n{} markets ({}), {} unions, {} levies, {} requirements, {} export-control regimes, {} HS nomenclature entries\n{} stale (older than {max_age} days on {as_of})",
        kb.version(),
        kb.markets().count(),
        kb.markets().map(|market| market.country.as_str()).collect::<Vec<_>>().join(" "),
        kb.unions().len(),
        n_levies,
        n_requirements,
        kb.regimes().len(),
        kb.nomenclature().len(),
        count(stale.len(), "fact"),
    );
    if failed {
        eprintln!(
            "{label}: {}\n{summary}",
            count(problems.len() + if deny_stale { stale.len() } else { 0 }, "problem")
        );
        return Ok(ExitCode::from(1));
    }
    println!("{label}: ok\n{summary}");
    Ok(ExitCode::SUCCESS)
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `preclear kb coverage`: markets × topics.
pub(crate) fn coverage(
    dir: Option<&Path>,
    as_of: Date,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let kb = match load(dir)? {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let rows = coverage::coverage(&kb, as_of);
    match format {
        Format::Json => {
            let markets: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let topics: serde_json::Map<String, serde_json::Value> = row
                        .cells
                        .iter()
                        .map(|cell| {
                            let rules: Vec<&str> = cell.rules.iter().map(|rule| &**rule).collect();
                            (
                                cell.topic.as_str().to_owned(),
                                serde_json::json!({ "status": cell.status.label(), "rules": rules }),
                            )
                        })
                        .collect();
                    serde_json::json!({ "country": row.country.as_str(), "name": row.name, "topics": topics })
                })
                .collect();
            let out = serde_json::json!({
                "kb_version": kb.version().as_str(),
                "as_of": as_of.to_string(),
                "markets": markets,
            });
            println!("{}", serde_json::to_string_pretty(&out).context("serialising the coverage")?);
        }
        Format::Text => {
            println!("Coverage of {} on {as_of} (KB {})\n", kb.name(), kb.version());
            print!("{}", coverage_table(&rows));
            println!("\n{COVERAGE_LEGEND}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the cells of the coverage table mean.
pub(crate) const COVERAGE_LEGEND: &str = "high / medium / low: rules exist, at the weakest confidence among them; unknown: a rule exists but a fact it needs is not established (the engine asks the operator); none:<confidence>: a sourced statement that the market's law has nothing on the topic; MISSING: neither (kb check fails).";

/// The coverage rows as an aligned text table.
pub(crate) fn coverage_table(rows: &[coverage::MarketCoverage]) -> String {
    let mut header = vec!["market".to_owned()];
    header.extend(Topic::ALL.iter().map(|topic| topic.as_str().to_owned()));
    let mut table = vec![header];
    for row in rows {
        let mut cells = vec![format!("{} {}", row.country, row.name)];
        cells.extend(row.cells.iter().map(|cell| cell.status.label()));
        table.push(cells);
    }
    let widths: Vec<usize> = (0..table.first().map_or(0, Vec::len))
        .map(|col| {
            table.iter().map(|row| row.get(col).map_or(0, |c| c.chars().count())).max().unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let line: Vec<String> =
            row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// `preclear kb test`: the scenario corpus against a KB.
pub(crate) fn test(paths: &[PathBuf], dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let kb = match load(dir)? {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let default = [PathBuf::from("tests/scenarios")];
    let roots = if paths.is_empty() { &default[..] } else { paths };
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            let mut pending = vec![root.clone()];
            while let Some(current) = pending.pop() {
                for entry in fs::read_dir(&current)
                    .with_context(|| format!("reading {}", current.display()))?
                {
                    let path =
                        entry.with_context(|| format!("reading {}", current.display()))?.path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if path.extension().is_some_and(|ext| ext == "json") {
                        files.push(path);
                    }
                }
            }
        } else if root.is_file() {
            files.push(root.clone());
        } else {
            bail!("`{}` is neither a scenario file nor a directory", root.display());
        }
    }
    files.sort();
    let mut failed = 0;
    for file in &files {
        let text =
            fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let problems = match serde_json::from_str::<Scenario>(&text) {
            Ok(scenario) => scenario::check(&kb, &scenario),
            Err(err) => vec![format!("not a scenario: {err}")],
        };
        if problems.is_empty() {
            println!("ok    {}", file.display());
        } else {
            failed += 1;
            println!("FAIL  {}", file.display());
            for problem in problems {
                println!("        {problem}");
            }
        }
    }
    println!(
        "\n{} of {} passed (KB {})",
        files.len() - failed,
        count(files.len(), "scenario"),
        kb.version()
    );
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
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
        let base = facts::levy_base(market, levy);
        let _ = writeln!(
            out,
            "  [{}] {} ({}, {:?} on {})  {}",
            levy.id,
            levy.name,
            levy.kind.as_str(),
            levy.method,
            base,
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
