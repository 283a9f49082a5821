//! `preclear assess`: read a request, load the KB, assess, print.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use preclear_domain::request::{MAX_REQUEST_BYTES, parse_shipment_request, parse_shipment_value};
use preclear_domain::{Date, Shipment};
use serde_json::Value;

use crate::Format;

pub(crate) fn run(
    file: &Path,
    format: Format,
    as_of: Date,
    kb_dir: Option<&Path>,
    price_list: Option<&Path>,
    screen: bool,
) -> anyhow::Result<ExitCode> {
    let prices = match read_price_list(price_list)? {
        Ok(prices) => prices,
        Err(code) => return Ok(code),
    };
    // The lists are read and indexed beside the request and the KB, only when asked for.
    let screener = screen.then(|| std::thread::spawn(preclear_screening::Lists::bundled));
    let (shipment, kb) = match read_shipment_and_kb(file, kb_dir)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let screener = match screener.map(std::thread::JoinHandle::join) {
        Some(Ok(Ok(screener))) => Some(screener),
        Some(Ok(Err(error))) => bail!("the bundled sanctions lists do not read: {error}"),
        Some(Err(_)) => bail!("reading the sanctions lists failed"),
        None => None,
    };
    let mut assessment = preclear_engine::assess_screened(
        &kb,
        &shipment,
        as_of,
        prices.as_ref(),
        screener.as_ref().map(preclear_engine::screening::Screen::undecided),
    );
    drop(shipment);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match format {
        // Streamed: a 20,000-line assessment is 26 MB of JSON, never held as one string (its
        // lines are rendered a few thousand at a time, on two threads).
        Format::Json => {
            crate::pretty::write_assessment(&mut out, &mut assessment)
                .context("writing the assessment")?;
            out.write_all(b"\n").context("writing the assessment")?;
        }
        Format::Text => out
            .write_all(preclear_engine::render_text(&assessment).as_bytes())
            .context("writing the assessment")?,
    }
    out.flush().context("writing the assessment")?;
    // The process ends here: freeing a large assessment and the KB piece by piece would take
    // longer than the exit that returns their memory at once.
    std::mem::forget(assessment);
    std::mem::forget(kb);
    Ok(ExitCode::SUCCESS)
}

/// `preclear compare`: the request assessed for each destination, one row each.
pub(crate) fn compare(
    file: &Path,
    destinations: &[String],
    out_dir: Option<&Path>,
    format: Format,
    as_of: Date,
    kb_dir: Option<&Path>,
    price_list: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let prices = match read_price_list(price_list)? {
        Ok(prices) => prices,
        Err(code) => return Ok(code),
    };
    let mut parsed = Vec::with_capacity(destinations.len());
    for code in destinations {
        match preclear_domain::Country::parse(code.trim()) {
            Ok(country) => parsed.push(country),
            Err(err) => {
                eprintln!("--destinations: {err}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let (shipment, kb) = match read_shipment_and_kb(file, kb_dir)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    if let Err(err) = preclear_engine::compare::check_destinations(shipment.origin, &parsed) {
        eprintln!("--destinations: {err}");
        return Ok(ExitCode::from(2));
    }
    let (comparison, assessments) =
        preclear_engine::compare::compare_priced(&kb, &shipment, &parsed, as_of, prices.as_ref())
            .context("comparing the destinations")?;
    if let Some(dir) = out_dir {
        write_comparison(dir, &shipment, &comparison, &assessments)?;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match format {
        Format::Json => {
            let document = serde_json::json!({
                "comparison": comparison,
                "assessments": assessments,
            });
            serde_json::to_writer_pretty(&mut out, &document).context("writing the comparison")?;
            out.write_all(b"\n").context("writing the comparison")?;
        }
        Format::Text => out
            .write_all(preclear_engine::compare::render_comparison_text(&comparison).as_bytes())
            .context("writing the comparison")?,
    }
    out.flush().context("writing the comparison")?;
    Ok(ExitCode::SUCCESS)
}

/// `compare --out DIR`: the comparison as PDF and XLSX, and each destination's quote.
fn write_comparison(
    dir: &Path,
    shipment: &Shipment,
    comparison: &preclear_engine::compare::Comparison,
    assessments: &[preclear_engine::Assessment],
) -> anyhow::Result<()> {
    use preclear_docs::{DocKind, Parties, ShipmentDocs};
    std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    let parties = Parties::default();
    let each: Vec<(ShipmentDocs, preclear_engine::Assessment)> = assessments
        .iter()
        .map(|a| {
            let moved = preclear_engine::compare::redirected(shipment, a.destination);
            (ShipmentDocs::new(&moved, a, &parties), a.clone())
        })
        .collect();
    let write = |name: String, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing `{}`", path.display()))?;
        eprintln!("wrote {}", path.display());
        anyhow::Ok(())
    };
    if let Some(files) = preclear_docs::comparison_files(comparison, &each)? {
        write("comparison.pdf".to_owned(), &files.pdf)?;
        write("comparison.xlsx".to_owned(), &files.xlsx)?;
    }
    for (docs, assessment) in &each {
        let quote = preclear_docs::pdf(docs, assessment, DocKind::Quote)?;
        write(format!("quote-{}.pdf", assessment.destination), &quote)?;
    }
    Ok(())
}

/// Reads a price list (`--price-list`), or (after printing every problem) exit status 2.
pub(crate) fn read_price_list(
    file: Option<&Path>,
) -> anyhow::Result<Result<Option<preclear_pricing::PriceList>, ExitCode>> {
    let Some(file) = file else { return Ok(Ok(None)) };
    if !file.exists() {
        bail!("price list `{}` does not exist", file.display());
    }
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading price list `{}`", file.display()))?;
    match preclear_pricing::PriceList::parse(&text) {
        Ok(list) => Ok(Ok(Some(list))),
        Err(errors) => {
            eprintln!("{}: the price list is invalid:", file.display());
            for error in &errors.0 {
                eprintln!("  {error}");
            }
            Ok(Err(ExitCode::from(2)))
        }
    }
}

/// Reads and validates a shipment request file: the shipment and the request's JSON, or (after
/// printing every problem) exit status 2.
pub(crate) fn read_shipment(file: &Path) -> anyhow::Result<Result<(Shipment, Value), ExitCode>> {
    let text = read_request(file)?;
    // Parse the JSON once (the text is freed before the shipment is built); malformed or
    // oversized text goes to the request parser, for its message.
    let value = if text.len() <= MAX_REQUEST_BYTES {
        preclear_domain::json::parse(&text).ok()
    } else {
        None
    };
    let parsed = match value {
        Some(value) => {
            drop(text);
            parse_shipment_value(&value).map(|shipment| (shipment, value))
        }
        None => parse_shipment_request(&text).map(|shipment| (shipment, Value::Null)),
    };
    match parsed {
        Ok(read) => Ok(Ok(read)),
        Err(errors) => {
            print_request_errors(file, &errors);
            Ok(Err(ExitCode::from(2)))
        }
    }
}

/// Reads and validates a shipment request file and loads the KB, the two at once (the KB on a
/// second thread: each takes tens of milliseconds for a large shipment, and neither needs the
/// other). The request's problems are printed first, then the KB's.
pub(crate) fn read_shipment_and_kb(
    file: &Path,
    kb_dir: Option<&Path>,
) -> anyhow::Result<Result<(Shipment, preclear_kb::Kb), ExitCode>> {
    let (shipment, kb) = std::thread::scope(|scope| {
        let kb = scope.spawn(|| crate::kb::load(kb_dir));
        let shipment = read_request(file).map(|text| parse_shipment_request(&text));
        // A panic while loading is a bug, reported as one, never a half-read KB.
        let kb = kb.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (shipment, kb)
    });
    let shipment = match shipment? {
        Ok(shipment) => shipment,
        Err(errors) => {
            print_request_errors(file, &errors);
            return Ok(Err(ExitCode::from(2)));
        }
    };
    match kb? {
        Ok(kb) => Ok(Ok((shipment, kb))),
        Err(errors) => {
            print_kb_errors(&errors);
            Ok(Err(ExitCode::from(1)))
        }
    }
}

fn print_request_errors(file: &Path, errors: &preclear_domain::request::RequestErrors) {
    eprintln!("{}: the shipment request is invalid:", file.display());
    for error in &errors.0 {
        eprintln!("  {error}");
    }
}

fn print_kb_errors(errors: &preclear_kb::KbErrors) {
    eprintln!("{errors}");
    eprintln!("the knowledge base is invalid: {} problems", errors.0.len());
}

/// Loads the KB (bundled, or `kb_dir`), or (after printing its problems) exit status 1.
pub(crate) fn load_kb(kb_dir: Option<&Path>) -> anyhow::Result<Result<preclear_kb::Kb, ExitCode>> {
    match crate::kb::load(kb_dir)? {
        Ok(kb) => Ok(Ok(kb)),
        Err(errors) => {
            print_kb_errors(&errors);
            Ok(Err(ExitCode::from(1)))
        }
    }
}

fn read_request(file: &Path) -> anyhow::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the request from standard input")?;
        return Ok(text);
    }
    if !file.exists() {
        bail!("request file `{}` does not exist", file.display());
    }
    std::fs::read_to_string(file)
        .with_context(|| format!("reading request file `{}`", file.display()))
}
