//! `preclear kb check`, `show`, `coverage` and `test`: reading a KB directory and reporting on it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use preclear_domain::{Country, Date};
use preclear_engine::probe;
use preclear_engine::scenario::{self, Scenario};
use preclear_kb::{Kb, SourceFile, Topic, coverage, depth, facts};

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
    preclear_service::kb_deploy::read_kb_dir(dir)
}

/// Every file below `dir`, at any depth.
fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in
            fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?
        {
            let path = entry.with_context(|| format!("reading {}", current.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// How strict `kb check` is about facts that have aged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strictness {
    /// Facts checked longer ago than this many days are stale.
    pub(crate) max_age: u32,
    /// Stale and overdue facts fail the check instead of warning.
    pub(crate) deny_stale: bool,
}

pub(crate) fn check(
    dir: Option<&Path>,
    as_of: Date,
    strictness: Strictness,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let label = dir
        .map_or_else(|| "the bundled knowledge base".to_owned(), |dir| dir.display().to_string());
    match load(dir)? {
        Ok(kb) => Ok(check_kb(&label, &kb, as_of, strictness, format)),
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("{label}: {}", count(errors.0.len(), "problem"));
            Ok(ExitCode::from(1))
        }
    }
}

/// `kb check` of a loaded KB: missing topics are errors; facts not re-checked for `max_age`
/// days, past their `review_by` date, or of high confidence without an official source or two
/// sources are warnings (errors with `--deny-stale`); then the summary and depth figures.
pub(crate) fn check_kb(
    label: &str,
    kb: &Kb,
    as_of: Date,
    strictness: Strictness,
    format: Format,
) -> ExitCode {
    let Strictness { max_age, deny_stale } = strictness;
    // A market topic with neither a rule nor an `[[absent]]` statement is a gap: an error.
    let mut problems = Vec::new();
    for row in coverage::coverage(kb, as_of) {
        let file = kb.market(row.country).map_or_else(String::new, |m| m.file.to_string());
        for topic in row.missing() {
            problems.push(format!("{file}: topic `{topic}` of {} is missing on {as_of}: add the rules (or a rule of unknown confidence), or an [[absent]] statement that the law has none", row.country));
        }
    }
    // Provenance that has aged or is weaker than its confidence claims: one pass over the facts.
    let oldest = as_of.checked_sub(jiff::Span::new().days(i64::from(max_age))).unwrap_or(as_of);
    let (mut stale, mut overdue, mut weak) = (0, 0, 0);
    let mut warnings = Vec::new();
    for fact in facts::facts(kb) {
        let (at, what, checked) = (&fact.provenance.location, &fact.label, fact.provenance.as_of);
        if let Some(review_by) = fact.provenance.review_by.filter(|day| *day <= as_of) {
            overdue += 1;
            warnings.push(format!(
                "{at}: {what} was to be reviewed by {review_by} (checked {checked})"
            ));
        }
        if checked < oldest {
            stale += 1;
            warnings.push(format!("{at}: {what} was last checked on {checked}, more than {max_age} days before {as_of}"));
        }
        if fact.provenance.confidence == preclear_domain::Confidence::High
            && !depth::high_confidence_backed(fact.provenance)
        {
            weak += 1;
            warnings.push(format!("{at}: {what} is of high confidence but rests on one source that is not official: cite the official text, a second independent source, or lower the confidence"));
        }
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    for warning in &warnings {
        eprintln!("{}: {warning}", if deny_stale { "error" } else { "warning" });
    }
    let failed = !problems.is_empty() || (deny_stale && !warnings.is_empty());
    let n_levies: usize = kb.markets().map(|market| market.levies.len()).sum();
    let n_requirements: usize = kb.markets().map(|market| market.requirements.len()).sum();
    let (ecb_last, hmrc_last) = kb.fx().coverage();
    let or_none = |d: Option<preclear_domain::Date>, f: fn(preclear_domain::Date) -> String| {
        d.map_or_else(|| "none".to_owned(), f)
    };
    let fx = format!(
        "exchange rates: ECB daily to {}, HMRC monthly to {}",
        or_none(ecb_last, |d| d.to_string()),
        or_none(hmrc_last, |d| d.strftime("%Y-%m").to_string()),
    );
    let summary = format!(
        "version {}\n{} markets ({}), {} unions, {} levies, {} requirements, {} export-control regimes, {} tariff agreements, {} HS nomenclature entries\n{fx}\n{} stale (older than {max_age} days on {as_of}), {} past their review date, {} of high confidence without an official source or a second one",
        kb.version(),
        kb.markets().count(),
        kb.markets().map(|market| market.country.as_str()).collect::<Vec<_>>().join(" "),
        kb.unions().len(),
        n_levies,
        n_requirements,
        kb.regimes().len(),
        kb.agreements().len(),
        kb.nomenclature().len(),
        count(stale, "fact"),
        overdue,
        weak,
    );
    if failed {
        eprintln!(
            "{label}: {}\n{summary}",
            count(problems.len() + if deny_stale { warnings.len() } else { 0 }, "problem")
        );
        return ExitCode::from(1);
    }
    let depth = depth::depth(kb, as_of);
    let probe = probe::probe(kb, as_of);
    match format {
        Format::Text => outln!("{label}: ok\n{summary}\n{}", depth_text(&depth, &probe, as_of)),
        Format::Json => {
            outln!("{}", depth_json(kb, &depth, &probe, as_of, [stale, overdue, weak]))
        }
    }
    ExitCode::SUCCESS
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    // Integer arithmetic, one decimal: figures for people, not money.
    let tenths = part * 1000 / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// `part of whole what (percent)`.
fn of(part: usize, whole: usize, what: &str) -> String {
    format!("{part} of {whole} {what} ({})", percent(part, whole))
}

/// The depth figures of issue "KB depth and truth", in words.
fn depth_text(depth: &depth::Depth, probe: &probe::ProbeFigures, as_of: Date) -> String {
    let mut out = format!("depth on {as_of}:\n");
    let _ = writeln!(
        out,
        "  sources: {}",
        of(depth.urls_official, depth.urls_cited, "cited URLs are official")
    );
    let _ = writeln!(
        out,
        "  duty: {}",
        of(depth.duty_cells_known, depth.duty_cells, "market x IT-subheading cells known")
    );
    let _ = writeln!(
        out,
        "  import VAT/GST recovery: {}",
        of(
            depth.vat_recovery_known,
            depth.markets,
            "markets say how a registered importer recovers it"
        )
    );
    let _ = writeln!(
        out,
        "  lead times: {}; {}",
        of(depth.requirements_lead_known, depth.requirements, "requirements in force known"),
        of(probe.requirements_lead_known, probe.requirements, "reported by the probe assessments")
    );
    let markets: Vec<&str> = probe.incomplete_markets.iter().map(|c| c.as_str()).collect();
    let _ = write!(
        out,
        "  landed cost: complete in {}; incomplete in {}{}",
        of(probe.landed_complete, probe.assessments, "probe assessments"),
        count(markets.len(), "market"),
        if markets.is_empty() { String::new() } else { format!(": {}", markets.join(" ")) }
    );
    out
}

fn depth_json(
    kb: &Kb,
    depth: &depth::Depth,
    probe: &probe::ProbeFigures,
    as_of: Date,
    [stale, overdue, weak]: [usize; 3],
) -> String {
    let value = serde_json::json!({
        "version": kb.version().as_str(),
        "as_of": as_of.to_string(),
        "markets": kb.markets().count(),
        "stale_facts": stale,
        "facts_past_review": overdue,
        "high_confidence_without_official_or_second_source": weak,
        "sources": { "urls_cited": depth.urls_cited, "urls_official": depth.urls_official },
        "vat_recovery": { "markets": depth.markets, "known": depth.vat_recovery_known },
        "duty": {
            "cells": depth.duty_cells,
            "known": depth.duty_cells_known,
            "unknown": depth.duty_unknown.iter().map(|(country, cells)| (country.as_str().to_owned(), serde_json::Value::from(cells.clone()))).collect::<serde_json::Map<_, _>>(),
        },
        "lead_times": {
            "requirements": depth.requirements,
            "known": depth.requirements_lead_known,
            "probe_reported": probe.requirements,
            "probe_known": probe.requirements_lead_known,
            "probe_unknown_rules": probe.unknown_lead_rules.iter().map(|(rule, n)| (rule.clone(), serde_json::Value::from(*n))).collect::<serde_json::Map<_, _>>(),
        },
        "landed_cost": {
            "probe_assessments": probe.assessments,
            "complete": probe.landed_complete,
            "incomplete_markets": probe.incomplete_markets.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        },
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
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
            outln!("{}", serde_json::to_string_pretty(&out).context("serialising the coverage")?);
        }
        Format::Text => {
            outln!("Coverage of {} on {as_of} (KB {})\n", kb.name(), kb.version());
            out!("{}", coverage_table(&rows));
            outln!("\n{COVERAGE_LEGEND}");
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
            let below = files_below(root)?;
            files.extend(
                below.into_iter().filter(|path| path.extension().is_some_and(|e| e == "json")),
            );
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
            outln!("ok    {}", file.display());
        } else {
            failed += 1;
            outln!("FAIL  {}", file.display());
            for problem in problems {
                outln!("        {problem}");
            }
        }
    }
    outln!(
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
    out!("{}", describe_market(&kb, market));
    Ok(ExitCode::SUCCESS)
}

/// Every fact of the market (its union's included), one per line, with its provenance.
fn describe_market(kb: &Kb, market: &preclear_kb::Market) -> String {
    let mut out = String::new();
    let union = market.union.as_ref().map(|id| format!(", member of the {id} customs union"));
    let _ = writeln!(
        out,
        "{} ({}), currency {}{}  [{}; KB {}]",
        market.name,
        market.country,
        market.currency,
        union.unwrap_or_default(),
        market.file,
        kb.version()
    );
    let scopes = [Some(market.country.as_str()), market.union.as_deref()];
    let mut section = "";
    for fact in facts::facts(kb).iter().filter(|fact| scopes.contains(&Some(fact.scope.as_str()))) {
        if fact.section != section && fact.section != "rate" {
            section = fact.section;
            let _ = writeln!(out, "\n{}:", facts::heading(section));
        }
        let indent = if fact.section == "rate" { "      " } else { "  " };
        let period = facts::period(fact.provenance).map(|p| format!(", {p}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}{} {}  ({} confidence, as of {}{period}; {})",
            if fact.label.starts_with('[') {
                fact.label.clone()
            } else {
                format!("[{}]", fact.label)
            },
            fact.value,
            fact.provenance.confidence,
            fact.provenance.as_of,
            fact.provenance.source()
        );
    }
    out
}
