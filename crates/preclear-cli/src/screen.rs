//! `preclear screen`: a party's name checked against the bundled list snapshots, and two names
//! compared, each hit with its explanation. The lists are the snapshots in
//! `crates/preclear-screening/data` (SOURCE.md): not current lists.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use preclear_screening::{Hit, Screener, lists};

use crate::Format;

fn screener() -> anyhow::Result<Screener> {
    let entries = lists::bundled().context("reading the bundled list snapshots")?;
    Ok(Screener::new(entries))
}

fn explain(hit: &Hit) -> String {
    let mut out = format!(
        "{} {:.3}  {} `{}` ({}; {})\n  matched {}{}\n",
        hit.band,
        hit.score,
        hit.list_title,
        hit.entry_id,
        hit.entry_name,
        if hit.programs.is_empty() { "no program".to_owned() } else { hit.programs.join(", ") },
        hit.matched_name,
        if hit.strong_name { "" } else { " (a weak alias: 0.9 of its score)" },
    );
    for token in &hit.tokens {
        match &token.listed {
            Some(listed) => out.push_str(&format!(
                "    {} ~ {}: {:.3} (weight {:.2})\n",
                token.query, listed, token.similarity, token.weight
            )),
            None => out.push_str(&format!(
                "    {}: no similar token (weight {:.2}, lowers the score)\n",
                token.query, token.weight
            )),
        }
    }
    if !hit.unmatched_listed.is_empty() {
        out.push_str(&format!("    listed tokens unpaired: {}\n", hit.unmatched_listed.join(", ")));
    }
    if !hit.legal_forms_ignored.is_empty() {
        out.push_str(&format!(
            "    legal forms left out: {}\n",
            hit.legal_forms_ignored.join(", ")
        ));
    }
    if !hit.country.is_empty() {
        out.push_str(&format!("    country {}\n", hit.country));
    }
    out
}

/// `preclear screen party --name NAME [--country CC]`. Exit status 1 when a hit is a match.
pub(crate) fn party(name: &str, country: Option<&str>, format: Format) -> anyhow::Result<ExitCode> {
    let country_name = match country {
        Some(code) => Some(
            preclear_domain::Country::parse(code.trim())
                .map_err(|e| anyhow::anyhow!("--country: {e}"))?
                .name()
                .to_owned(),
        ),
        None => None,
    };
    let screener = screener()?;
    let hits = screener.screen(name, country_name.as_deref());
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({ "name": name, "hits": hits }),
            )?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            if hits.is_empty() {
                writeln!(
                    out,
                    "no listed party resembles `{name}` ({} entries screened)",
                    screener.len()
                )?;
            }
            for hit in &hits {
                out.write_all(explain(hit).as_bytes())?;
            }
            writeln!(
                out,
                "lists: bundled snapshots (UN 2026-02-27, OFAC SDN 2021/2025, OFAC non-SDN 2025); replace them with current lists before relying on a clear result"
            )?;
        }
    }
    let matched = hits.iter().any(|h| h.band == "match");
    Ok(if matched { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `preclear screen match NAME1 NAME2`: the score of two names and its explanation.
pub(crate) fn compare(a: &str, b: &str, format: Format) -> anyhow::Result<ExitCode> {
    let hit = screener()?.compare(a, b);
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &hit)?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            writeln!(
                out,
                "{:.3} ({})",
                hit.score,
                if hit.score >= preclear_screening::matching::POSSIBLE {
                    hit.band
                } else {
                    "no match"
                }
            )?;
            for token in &hit.tokens {
                match &token.listed {
                    Some(listed) => writeln!(
                        out,
                        "    {} ~ {}: {:.3} (weight {:.2})",
                        token.query, listed, token.similarity, token.weight
                    )?,
                    None => writeln!(out, "    {}: no similar token", token.query)?,
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
