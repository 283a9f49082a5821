//! `preclear classify`: HS classification of free text with the KB's classifier — one
//! description, a file of lines (CSV with a `description` column, and optionally `category` and
//! `model`), or the evaluation against the labelled rulings of `tests/classification`.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use preclear_classify::evaluate::{self, Figures};
use preclear_classify::{Classification, Classifier, Line};
use preclear_domain::Category;

use crate::Format;

/// The longest file of lines read, in lines.
const MAX_LINES: usize = 1_000_000;

fn classifier(kb: Option<&Path>) -> anyhow::Result<Result<std::sync::Arc<Classifier>, ExitCode>> {
    Ok(crate::assess::load_kb(kb)?.map(|kb| kb.classifier().clone()))
}

fn category(text: Option<&str>) -> anyhow::Result<Option<Category>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| Category::parse(t.trim()).map_err(|err| anyhow::anyhow!("category `{t}`: {err}")))
        .transpose()
}

fn render(classification: &Classification, out: &mut String) {
    use std::fmt::Write as _;
    if classification.candidates.is_empty() {
        out.push_str("no candidate: nothing in the description points to a subheading\n");
    }
    for (rank, candidate) in classification.candidates.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {}  {} points, confidence {}\n   {}",
            rank + 1,
            preclear_classify::dotted(&candidate.hs),
            candidate.points,
            candidate.confidence,
            candidate.text,
        );
        for reason in &candidate.reasons {
            let words = if reason.words.is_empty() {
                String::new()
            } else {
                format!(
                    "{} ",
                    reason.words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", ")
                )
            };
            let _ = writeln!(
                out,
                "   +{:<3} {words}[{}] {} ({})",
                reason.points, reason.role, reason.says, reason.rule
            );
        }
        for note in &candidate.notes {
            let _ = writeln!(out, "   {}: {}", note.title, note.text);
        }
    }
}

/// `preclear classify DESCRIPTION`.
pub(crate) fn one(
    description: &str,
    category_text: Option<&str>,
    model: Option<&str>,
    format: Format,
    kb: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if description.trim().is_empty() {
        bail!("the description is empty: give the words of the invoice line");
    }
    let category = category(category_text)?;
    let classifier = match classifier(kb)? {
        Ok(classifier) => classifier,
        Err(code) => return Ok(code),
    };
    let result = classifier.classify(&Line { description, category, model, battery: None });
    let mut out = String::new();
    match format {
        Format::Json => out = serde_json::to_string_pretty(&result)? + "\n",
        Format::Text => render(&result, &mut out),
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `preclear classify --file LINES.csv`: one output row per line, CSV or JSON.
pub(crate) fn file(path: &Path, format: Format, kb: Option<&Path>) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(description) = find("description") else {
        bail!(
            "{} has no `description` column (its columns: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    };
    let (category_at, model_at) = (find("category"), find("model"));
    let mut lines = Vec::new();
    for (idx, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} row {}", path.display(), idx + 2))?;
        if lines.len() == MAX_LINES {
            bail!("{} has more than {MAX_LINES} lines: split it", path.display());
        }
        let cell = |at: Option<usize>| at.and_then(|at| record.get(at)).map(str::to_owned);
        let category = category(cell(category_at).as_deref())
            .with_context(|| format!("{} row {}", path.display(), idx + 2))?;
        lines.push((cell(Some(description)).unwrap_or_default(), category, cell(model_at)));
    }
    let classifier = match classifier(kb)? {
        Ok(classifier) => classifier,
        Err(code) => return Ok(code),
    };
    let progress = std::io::stderr().is_terminal() && lines.len() >= 1_000;
    let mut results = Vec::with_capacity(lines.len());
    for (idx, (description, category, model)) in lines.iter().enumerate() {
        results.push(classifier.classify(&Line {
            description,
            category: *category,
            model: model.as_deref(),
            battery: None,
        }));
        if progress && (idx + 1) % 1_000 == 0 {
            eprint!("\rclassified {} of {} lines", idx + 1, lines.len());
        }
    }
    if progress {
        eprintln!("\rclassified {} of {} lines", lines.len(), lines.len());
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = lines
                .iter()
                .zip(&results)
                .enumerate()
                .map(|(idx, ((description, ..), result))| serde_json::json!({ "line": idx + 1, "description": description, "classification": result }))
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        Format::Text => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "line",
                "description",
                "hs6",
                "confidence",
                "points",
                "second",
                "explanation",
            ])?;
            for (idx, ((description, ..), result)) in lines.iter().zip(&results).enumerate() {
                let first = result.candidates.first();
                writer.write_record([
                    (idx + 1).to_string(),
                    description.clone(),
                    first.map(|c| c.hs.clone()).unwrap_or_default(),
                    first.map(|c| c.confidence.to_string()).unwrap_or_default(),
                    first.map(|c| c.points.to_string()).unwrap_or_default(),
                    result.candidates.get(1).map(|c| c.hs.clone()).unwrap_or_default(),
                    first.map(|c| c.explain()).unwrap_or_default(),
                ])?;
            }
            writer.flush()?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `preclear classify --evaluate DIR`: the figures over every `*.csv` of `DIR`.
pub(crate) fn evaluate(
    dir: &Path,
    format: Format,
    misses: bool,
    kb: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let mut examples = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    for path in &paths {
        let set = path.file_stem().and_then(|s| s.to_str()).unwrap_or("set").to_owned();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        examples.extend(evaluate::read(&set, &text).map_err(|err| anyhow::anyhow!(err))?);
    }
    if examples.is_empty() {
        bail!("{} holds no labelled .csv set", dir.display());
    }
    let classifier = match classifier(kb)? {
        Ok(classifier) => classifier,
        Err(code) => return Ok(code),
    };
    let report = evaluate::evaluate(&classifier, &examples);
    let mut out = String::new();
    match format {
        Format::Json => out = serde_json::to_string_pretty(&report)? + "\n",
        Format::Text => {
            use std::fmt::Write as _;
            let line = |out: &mut String, name: &str, f: &Figures| {
                let _ = writeln!(
                    out,
                    "{name:<28} {:>4}  top-1 {:>6}  top-3 {:>6}  confident {:>6} of which right {:>6}",
                    f.n,
                    Figures::percent(f.top1, f.n),
                    Figures::percent(f.top3, f.n),
                    Figures::percent(f.confident, f.n),
                    Figures::percent(f.confident_right, f.confident),
                );
            };
            line(&mut out, "IT, held out", &report.held_out_it);
            line(&mut out, "IT, tuning", &report.tuning_it);
            line(&mut out, "general goods (all)", &report.general);
            out.push_str("\nby set:\n");
            for (name, f) in &report.by_set {
                line(&mut out, name, f);
            }
            out.push_str("\nheld-out IT by heading:\n");
            for (name, f) in &report.by_heading {
                line(&mut out, name, f);
            }
            out.push_str("\nheld-out IT confusions (ruling -> first candidate):\n");
            let mut confusions: Vec<_> = report.confusions.iter().collect();
            confusions.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (pair, n) in confusions {
                let _ = writeln!(out, "  {n:>3}  {pair}");
            }
            if misses {
                out.push_str("\ntuning misses:\n");
                for miss in &report.tuning_misses {
                    let _ = writeln!(
                        out,
                        "  {} {} -> {:<6} {}",
                        miss.id,
                        miss.expected,
                        if miss.got.is_empty() { "none" } else { &miss.got },
                        miss.description
                    );
                }
            }
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
