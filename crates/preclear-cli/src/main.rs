//! `preclear`: the command line. Parses arguments, reads files, calls the engine and prints.
//! This is the only crate that knows argv, the file system layout of a KB directory and exit codes:
//!
//! - 0: the command did its job (for `assess`: an assessment was produced, whatever its verdict);
//! - 1: the knowledge base is invalid (`kb check` found problems, or a `--kb` directory failed to load);
//! - 2: the input is bad (a malformed request, an unknown market, a missing file, bad arguments).

mod assess;
mod kb;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Pre-qualifies imports of IT hardware: can a shipment clear in its destination, what will it
/// cost, what must happen first, and who is liable.
#[derive(Debug, Parser)]
#[command(name = "preclear", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess a shipment request (JSON, as in PRODUCT.md) against the knowledge base.
    Assess {
        /// The shipment request file; `-` reads standard input.
        file: PathBuf,
        /// Output format: a readable report, or the JSON assessment contract.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The date the assessment is made for (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Work with a knowledge base.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Debug, Subcommand)]
enum KbCommand {
    /// Validate a knowledge base and report every problem with its file and line.
    Check {
        /// The KB directory; default: the bundled KB.
        dir: Option<PathBuf>,
    },
    /// Print what the knowledge base knows about a market, with sources.
    Show {
        /// The market's ISO 3166-1 alpha-2 code (e.g. TR).
        market: String,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
}

/// How to print an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A report for a person.
    Text,
    /// The JSON assessment contract.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Assess { file, format, as_of, kb } => {
            assess::run(&file, format, as_of.as_deref(), kb.as_deref())
        }
        Command::Kb { command: KbCommand::Check { dir } } => kb::check(dir.as_deref()),
        Command::Kb { command: KbCommand::Show { market, kb } } => kb::show(&market, kb.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("preclear: {err:#}");
            ExitCode::from(2)
        }
    }
}
