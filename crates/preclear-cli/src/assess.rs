//! `preclear assess`: read a request, load the KB, assess, print.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use preclear_domain::Date;
use preclear_domain::request::parse_shipment_request;

use crate::Format;

pub(crate) fn run(
    file: &Path,
    format: Format,
    as_of: Date,
    kb_dir: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let text = read_request(file)?;
    let shipment = match parse_shipment_request(&text) {
        Ok(shipment) => shipment,
        Err(errors) => {
            eprintln!("{}: the shipment request is invalid:", file.display());
            for error in &errors.0 {
                eprintln!("  {error}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let kb = match crate::kb::load(kb_dir)? {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("the knowledge base is invalid: {} problems", errors.0.len());
            return Ok(ExitCode::from(1));
        }
    };
    let assessment = preclear_engine::assess(&kb, &shipment, as_of);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&assessment).context("serialising the assessment")?
        ),
        Format::Text => print!("{}", preclear_engine::render_text(&assessment)),
    }
    Ok(ExitCode::SUCCESS)
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
