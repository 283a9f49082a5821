//! `preclear kb diff OLD NEW`: what changed between two versions of a knowledge base, per scope
//! (market, union, export-control regime, shared file) and rule, for a reviewer (text) or a tool
//! (JSON). Facts are matched by their key (`facts::FactEntry::label`), so a renamed rule shows as
//! one removed and one added.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use preclear_kb::Kb;
use preclear_kb::facts::{self, FactEntry};
use serde::Serialize;

use crate::Format;

/// One field of a fact that differs.
#[derive(Debug, Serialize)]
struct FieldChange {
    field: &'static str,
    old: String,
    new: String,
}

/// One fact added, removed or changed.
#[derive(Debug, Serialize)]
struct Change {
    rule: String,
    section: &'static str,
    change: &'static str,
    /// For added and removed facts: the value; for changed ones: empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldChange>,
    file: String,
}

#[derive(Debug, Serialize)]
struct ScopeChanges {
    scope: String,
    name: String,
    changes: Vec<Change>,
}

#[derive(Debug, Serialize)]
struct Diff {
    old_version: String,
    new_version: String,
    added: usize,
    removed: usize,
    changed: usize,
    scopes: Vec<ScopeChanges>,
}

pub(crate) fn run(
    old_dir: &Path,
    new_dir: Option<&Path>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let (Some(old), Some(new)) = (load(Some(old_dir))?, load(new_dir)?) else {
        return Ok(ExitCode::from(1));
    };
    let diff = diff(&old, &new);
    match format {
        Format::Json => {
            outln!("{}", serde_json::to_string_pretty(&diff).context("serialising the diff")?);
        }
        Format::Text => out!("{}", render(&diff)),
    }
    Ok(ExitCode::SUCCESS)
}

fn load(dir: Option<&Path>) -> anyhow::Result<Option<Kb>> {
    match crate::kb::load(dir)? {
        Ok(kb) => Ok(Some(kb)),
        Err(errors) => {
            let label =
                dir.map_or_else(|| "the bundled KB".to_owned(), |d| d.display().to_string());
            eprintln!("{errors}");
            eprintln!("{label} does not load: {} problems", errors.0.len());
            Ok(None)
        }
    }
}

fn fields(fact: &FactEntry<'_>) -> [(&'static str, String); 6] {
    let provenance = fact.provenance;
    let period = facts::period(provenance).unwrap_or_else(|| "always".to_owned());
    [
        ("value", fact.value.clone()),
        ("confidence", provenance.confidence.as_str().to_owned()),
        ("in force", period),
        ("as_of", provenance.as_of.to_string()),
        ("sources", facts::sources(provenance)),
        ("note", provenance.note.clone().unwrap_or_default()),
    ]
}

fn diff(old: &Kb, new: &Kb) -> Diff {
    let index = |kb| -> BTreeMap<(String, String), FactEntry<'_>> {
        facts::facts(kb)
            .into_iter()
            .map(|fact| ((fact.scope.clone(), fact.label.clone()), fact))
            .collect()
    };
    let old_facts = index(old);
    let new_facts = index(new);
    let mut scopes: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for (key, fact) in &old_facts {
        if !new_facts.contains_key(key) {
            removed += 1;
            scopes.entry(key.0.clone()).or_default().push(Change {
                rule: key.1.clone(),
                section: fact.section,
                change: "removed",
                value: Some(fact.value.clone()),
                fields: Vec::new(),
                file: fact.provenance.location.to_string(),
            });
        }
    }
    for (key, fact) in &new_facts {
        let Some(before) = old_facts.get(key) else {
            added += 1;
            scopes.entry(key.0.clone()).or_default().push(Change {
                rule: key.1.clone(),
                section: fact.section,
                change: "added",
                value: Some(fact.value.clone()),
                fields: Vec::new(),
                file: fact.provenance.location.to_string(),
            });
            continue;
        };
        let field_changes: Vec<FieldChange> = fields(before)
            .into_iter()
            .zip(fields(fact))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, old), (_, new))| FieldChange { field, old, new })
            .collect();
        if !field_changes.is_empty() {
            changed += 1;
            scopes.entry(key.0.clone()).or_default().push(Change {
                rule: key.1.clone(),
                section: fact.section,
                change: "changed",
                value: None,
                fields: field_changes,
                file: fact.provenance.location.to_string(),
            });
        }
    }
    let name_of = |scope: &str| {
        preclear_domain::Country::parse(scope)
            .ok()
            .and_then(|country| new.market(country).or_else(|| old.market(country)))
            .map(|market| market.name.clone())
            .or_else(|| {
                new.unions()
                    .iter()
                    .chain(old.unions())
                    .find(|u| &*u.id == scope)
                    .map(|u| u.name.clone())
            })
            .or_else(|| {
                new.regimes()
                    .iter()
                    .chain(old.regimes())
                    .find(|r| &*r.id == scope)
                    .map(|r| r.name.clone())
            })
            .or_else(|| {
                new.agreements()
                    .iter()
                    .chain(old.agreements())
                    .find(|a| &*a.id == scope)
                    .map(|a| a.name.clone())
            })
            .unwrap_or_else(|| scope.to_owned())
    };
    let scopes = scopes
        .into_iter()
        .map(|(scope, mut changes)| {
            changes.sort_by(|a, b| (a.change, &a.rule).cmp(&(b.change, &b.rule)));
            ScopeChanges { name: name_of(&scope), scope, changes }
        })
        .collect();
    Diff {
        old_version: old.version().to_string(),
        new_version: new.version().to_string(),
        added,
        removed,
        changed,
        scopes,
    }
}

fn render(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "KB {} → {}: {} added, {} removed, {} changed",
        diff.old_version, diff.new_version, diff.added, diff.removed, diff.changed
    );
    for scope in &diff.scopes {
        let _ = writeln!(out, "\n{} ({})", scope.scope, scope.name);
        for change in &scope.changes {
            let mark = match change.change {
                "added" => '+',
                "removed" => '-',
                _ => '~',
            };
            let _ = writeln!(out, "  {mark} {} [{}]  {}", change.rule, change.section, change.file);
            if let Some(value) = &change.value {
                let _ = writeln!(out, "      {value}");
            }
            for field in &change.fields {
                let _ = writeln!(
                    out,
                    "      {}: {} → {}",
                    field.field,
                    or_none(&field.old),
                    or_none(&field.new)
                );
            }
        }
    }
    out
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "(none)" } else { text }
}
