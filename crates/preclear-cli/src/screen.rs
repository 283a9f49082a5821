//! `preclear screen`: a party's name checked against the bundled list snapshots, and two names
//! compared, each hit with its explanation. The lists are the snapshots in
//! `crates/preclear-screening/data` (SOURCE.md): not current lists.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use preclear_screening::{Hit, Lists, Screener};

use crate::Format;

fn bundled() -> anyhow::Result<Lists> {
    Lists::bundled().context("reading the bundled list snapshots")
}

/// The lists to screen with: those deployed to the service's database (`--deployed`: the set
/// in force there, as every instance screens with it), else the bundled snapshots.
fn lists(deployed: Option<&crate::service::DbArgs>) -> anyhow::Result<Lists> {
    let Some(db) = deployed else { return bundled() };
    let config = db.resolve(None)?;
    let set = crate::service::runtime()?.block_on(async {
        let store =
            preclear_service::bootstrap::open_store(&config.database_url, &config.store).await?;
        let set = preclear_service::screening::current_set(&store).await;
        store.close().await;
        set.map_err(crate::service::api_error)
    })?;
    Lists::load(&set).context("reading the deployed lists")
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
pub(crate) fn party(
    name: &str,
    country: Option<&str>,
    format: Format,
    deployed: Option<&crate::service::DbArgs>,
) -> anyhow::Result<ExitCode> {
    let country_name = match country {
        Some(code) => Some(
            preclear_domain::Country::parse(code.trim())
                .map_err(|e| anyhow::anyhow!("--country: {e}"))?
                .name()
                .to_owned(),
        ),
        None => None,
    };
    let lists = lists(deployed)?;
    let screener = &lists.screener;
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
            let advice = if deployed.is_none() {
                "; replace them with current lists (lists update, then --deployed) before relying on a clear result"
            } else {
                ""
            };
            writeln!(out, "lists: {} ({}){advice}", lists.description, lists.version)?;
        }
    }
    let matched = hits.iter().any(|h| h.band == "match");
    Ok(if matched { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `preclear screen match NAME1 NAME2`: the score of two names and its explanation.
pub(crate) fn compare(a: &str, b: &str, format: Format) -> anyhow::Result<ExitCode> {
    let hit = bundled()?.screener.compare(a, b);
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

/// The largest batch file read.
const MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;
/// The most parties of one batch.
const MAX_BATCH_ROWS: usize = 1_000_000;

/// One party of a batch, as read.
struct Party {
    /// The spreadsheet row (the header is row 1).
    row: usize,
    id: String,
    name: String,
    /// The country as written, and as screened (its name).
    country: Option<(String, String)>,
}

/// `preclear screen batch FILE.csv`: every party screened, on every core, with progress on
/// standard error. Every unreadable row is named (row and column) before anything is screened.
pub(crate) fn batch(
    file: &std::path::Path,
    format: Format,
    deployed: Option<&crate::service::DbArgs>,
) -> anyhow::Result<ExitCode> {
    let size =
        std::fs::metadata(file).with_context(|| format!("reading `{}`", file.display()))?.len();
    if size > MAX_BATCH_BYTES {
        anyhow::bail!("`{}` is {size} bytes; the limit is {MAX_BATCH_BYTES} bytes", file.display());
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading `{}`", file.display()))?;
    let parties = match read_parties(&bytes) {
        Ok(parties) => parties,
        Err(problems) => {
            eprintln!("{}: the parties cannot be screened:", file.display());
            for problem in problems.iter().take(50) {
                eprintln!("  {problem}");
            }
            if problems.len() > 50 {
                eprintln!("  … and {} more", problems.len() - 50);
            }
            return Ok(ExitCode::from(2));
        }
    };
    let lists = lists(deployed)?;
    let results = screen_all(&lists.screener, &parties);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = parties
                .iter()
                .zip(&results)
                .map(|(party, hits)| {
                    serde_json::json!({
                        "row": party.row,
                        "id": party.id,
                        "name": party.name,
                        "country": party.country.as_ref().map(|(written, _)| written),
                        "hits": hits,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({ "lists": lists.description, "version": lists.version, "parties": rows }),
            )?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record([
                "row",
                "id",
                "name",
                "country",
                "band",
                "score",
                "list",
                "entry_id",
                "entry_name",
                "matched_name",
                "explanation",
            ])?;
            for (party, hits) in parties.iter().zip(&results) {
                let country = party.country.as_ref().map_or("", |(written, _)| written.as_str());
                let row = party.row.to_string();
                match hits.first() {
                    None => csv.write_record([
                        row.as_str(),
                        &party.id,
                        &party.name,
                        country,
                        "clear",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ])?,
                    Some(hit) => {
                        let explanation = explain(hit).replace('\n', " ").trim().to_owned();
                        csv.write_record([
                            row.as_str(),
                            &party.id,
                            &party.name,
                            country,
                            hit.band,
                            &format!("{:.3}", hit.score),
                            hit.list_title,
                            &hit.entry_id,
                            &hit.entry_name,
                            &hit.matched_name,
                            &explanation,
                        ])?;
                    }
                }
            }
            csv.flush()?;
        }
    }
    out.flush()?;
    let matched = results.iter().filter(|hits| hits.first().is_some_and(|h| h.band == "match"));
    let (matched, possible) = (
        matched.count(),
        results.iter().filter(|hits| hits.first().is_some_and(|h| h.band == "possible")).count(),
    );
    eprintln!(
        "{} parties screened: {matched} match, {possible} possible ({})",
        parties.len(),
        lists.description
    );
    Ok(if matched > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The parties of a CSV file with a header: `name` (required), `country` (an ISO code or a
/// name), `id`; every problem named by row and column.
fn read_parties(bytes: &[u8]) -> Result<Vec<Party>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => return Err(vec![format!("row 1: the header does not read: {error}")]),
    };
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(wanted))
    };
    let Some(name_at) = column("name") else {
        return Err(vec![format!(
            "row 1: no `name` column (the header has: {}); name the parties' column `name`, and optionally `country` and `id`",
            headers.iter().collect::<Vec<_>>().join(", ")
        )]);
    };
    let (country_at, id_at) = (column("country"), column("id"));
    let mut parties = Vec::new();
    let mut problems = Vec::new();
    let breaks: Vec<usize> = line_breaks(bytes);
    for (at, record) in reader.records().enumerate() {
        // Rows as the file numbers them (the reader skips empty lines).
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let row = error.position().map_or(at + 2, |p| line_at(bytes, &breaks, p.byte()));
                problems.push(format!("row {row}: does not read as CSV: {error}"));
                continue;
            }
        };
        let row = record.position().map_or(at + 2, |p| line_at(bytes, &breaks, p.byte()));
        if parties.len() >= MAX_BATCH_ROWS {
            problems.push(format!("row {row}: a batch holds at most {MAX_BATCH_ROWS} parties"));
            break;
        }
        let cell = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or("").trim();
        let name = cell(Some(name_at));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if name.is_empty() {
            problems.push(format!("row {row}, column name: empty; every party needs a name"));
            continue;
        }
        if name.chars().count() > 500 || name.chars().any(char::is_control) {
            problems.push(format!("row {row}, column name: at most 500 characters, on one line"));
            continue;
        }
        let written = cell(country_at);
        let country = if written.is_empty() {
            None
        } else {
            match preclear_domain::country_from_text(written) {
                Ok(country) => Some((written.to_owned(), country.name().to_owned())),
                Err(error) => {
                    problems.push(format!("row {row}, column country: {error}"));
                    continue;
                }
            }
        };
        parties.push(Party { row, id: cell(id_at).to_owned(), name: name.to_owned(), country });
    }
    if parties.is_empty() && problems.is_empty() {
        problems.push("the file has no party under its header".to_owned());
    }
    if problems.is_empty() { Ok(parties) } else { Err(problems) }
}

/// Where each line break of the file is.
fn line_breaks(bytes: &[u8]) -> Vec<usize> {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(at, _)| at).collect()
}

/// The 1-based line a record starting at `byte` is on (a quoted value over two lines is on its
/// first). The reader gives a record's position from where it began reading, before the empty
/// lines it skipped: those are stepped over.
fn line_at(bytes: &[u8], breaks: &[usize], byte: u64) -> usize {
    let mut byte = usize::try_from(byte).unwrap_or(usize::MAX);
    while matches!(bytes.get(byte), Some(b'\n' | b'\r')) {
        byte += 1;
    }
    breaks.partition_point(|&at| at < byte) + 1
}

/// Every party screened, the file split between the cores; progress on standard error when it
/// is a terminal.
fn screen_all(screener: &Screener, parties: &[Party]) -> Vec<Vec<Hit>> {
    use std::io::IsTerminal as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, usize::from).max(1);
    let chunk = parties.len().div_ceil(threads).max(1);
    let done = AtomicUsize::new(0);
    let show = std::io::stderr().is_terminal();
    let total = parties.len();
    std::thread::scope(|scope| {
        let workers: Vec<_> = parties
            .chunks(chunk)
            .map(|part| {
                let done = &done;
                scope.spawn(move || {
                    part.iter()
                        .map(|party| {
                            let hits = screener.search(
                                &party.name,
                                party.country.as_ref().map(|(_, name)| name.as_str()),
                            );
                            let now = done.fetch_add(1, Ordering::Relaxed) + 1;
                            if show && (now.is_multiple_of(200) || now == total) {
                                eprint!("\rscreened {now} of {total} parties");
                            }
                            hits
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let results: Vec<Vec<Hit>> = workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        if show {
            eprintln!();
        }
        results
    })
}
