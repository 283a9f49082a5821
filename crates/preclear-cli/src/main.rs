//! `preclear`: the command line. Parses arguments, reads files, calls the engine and prints.
//! This is the only crate that knows argv, the file system layout of a KB directory and exit codes:
//!
//! - 0: the command did its job (for `assess`: an assessment was produced, whatever its verdict);
//! - 1: the knowledge base is invalid (`kb check` found problems, or a `--kb` directory failed to load);
//! - 2: the input is bad (a malformed request, an unknown market, a missing file, bad arguments).

#[macro_use]
mod output;

mod assess;
mod assets;
mod classify;
mod docs;
mod kb;
mod kb_deploy;
mod kb_diff;
mod kb_pages;
mod lists;
mod pretty;
mod program;
mod route;
mod screen;
mod service;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use preclear_domain::Date;

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
        #[command(flatten)]
        pricing: PricingFlags,
        /// Also screen the client, consignee and end user against the restricted-party lists
        /// (the bundled snapshots; the service always screens): a match is a blocker.
        #[arg(long)]
        screen: bool,
    },
    /// Assess one shipment request for several destinations and compare them side by side:
    /// verdict, blockers, landed cost in the request's currency, duties and taxes as a share of
    /// the goods value, earliest ship date and the requirement that sets it.
    Compare {
        /// The shipment request file; `-` reads standard input. Its destination is replaced by
        /// each of `--destinations` in turn.
        file: PathBuf,
        /// The destinations to compare, comma-separated ISO 3166 codes (`BR,IN,TR`); at most 20.
        #[arg(long, value_name = "CC,CC,...", value_delimiter = ',', required = true)]
        destinations: Vec<String>,
        /// Also write the comparison as `comparison.pdf` and `comparison.xlsx`, and each
        /// destination's one-page quote as `quote-CC.pdf`, into this directory (created if absent).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Output format: a readable table, or the JSON comparison with every assessment.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The date the assessments are made for (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        #[command(flatten)]
        pricing: PricingFlags,
    },
    /// Propose the HS 2022 subheading of a description (or of every line of a CSV file), with
    /// the words, rules, legal notes and sources behind each candidate; `--evaluate DIR` measures
    /// the classifier against labelled rulings.
    Classify {
        /// The description, as on the invoice or packing list.
        #[arg(required_unless_present_any = ["file", "evaluate"])]
        description: Option<String>,
        /// The line's hardware category (server, switch, …), when known.
        #[arg(long)]
        category: Option<String>,
        /// The line's model, when known.
        #[arg(long)]
        model: Option<String>,
        /// A CSV file of lines (a `description` column; `category` and `model` optional): one
        /// row per line out, CSV (text format) or JSON.
        #[arg(long, value_name = "LINES.csv", conflicts_with_all = ["description", "evaluate"])]
        file: Option<PathBuf>,
        /// A directory of labelled sets (`tests/classification`): top-1 and top-3 accuracy on
        /// the held-out rulings and the tuning ones, by heading, with the confusions.
        #[arg(long, value_name = "DIR", conflicts_with = "description")]
        evaluate: Option<PathBuf>,
        /// With `--evaluate`: also list the tuning part's misses (never the held-out part's).
        #[arg(long, requires = "evaluate")]
        misses: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Reverse logistics by serial: value an asset by a stated method, and see where a list of
    /// refurbished, valued assets may be redeployed from the hub.
    Assets {
        #[command(subcommand)]
        command: AssetsCommand,
    },
    /// Route a consignment on the bundled networks: sea lanes between ports (UN/LOCODE) with
    /// closable passages, air between airports (IATA), road; legs, km, days, passages, CO2e.
    Route {
        /// Where the cargo starts: a port's UN/LOCODE (NLRTM) or an airport's IATA code (AMS).
        from: String,
        /// Where it goes, likewise.
        to: String,
        /// The main leg's mode: sea, air or road.
        #[arg(long, default_value = "sea")]
        mode: String,
        /// Closed passages (suez, babalmandab, hormuz, panama, malacca…) and ports (UN/LOCODE),
        /// comma-separated.
        #[arg(long, value_delimiter = ',')]
        closed: Vec<String>,
        /// The cargo's gross weight in kg, for its emissions.
        #[arg(long, value_name = "KG")]
        weight_kg: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The restricted-party lists the service screens with, as a dataset deployed to its
    /// database: update one list from its publisher's files, list the versions.
    Lists {
        #[command(subcommand)]
        command: ListsCommand,
    },
    /// Screen a party, or a file of parties, against the restricted-party lists (the bundled
    /// snapshots: UN, OFAC SDN and non-SDN, BIS), or compare two names; every hit explained.
    Screen {
        #[command(subcommand)]
        command: ScreenCommand,
    },
    /// Read a packing list or invoice (XLSX or CSV) into a shipment request, printed as JSON;
    /// the column mapping, notes and problems (each with sheet, row and column) go to standard
    /// error. Flags supply what the sheet lacks.
    Import {
        /// The spreadsheet.
        file: PathBuf,
        /// A KB directory whose category vocabulary infers the lines' categories (default: the
        /// bundled KB).
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        #[command(flatten)]
        mapping: docs::MappingFlags,
        #[command(flatten)]
        request: Box<docs::RequestFlags>,
    },
    /// Generate or audit a shipment's documents.
    Docs {
        #[command(subcommand)]
        command: DocsCommand,
    },
    /// Run the service: the API (and web application) on one database.
    Serve {
        /// Address to listen on; default 127.0.0.1:8080.
        #[arg(long, env = "PRECLEAR_LISTEN", value_name = "ADDR:PORT")]
        listen: Option<String>,
        /// A knowledge-base directory to start with instead of the bundled KB (deployed on
        /// start if the database never had its version; `preclear kb deploy` replaces it while
        /// serving).
        #[arg(long, env = "PRECLEAR_KB", value_name = "DIR")]
        kb: Option<PathBuf>,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// Administer organisations, users and API keys on the service's database.
    Admin {
        #[command(flatten)]
        db: service::DbArgs,
        #[command(subcommand)]
        command: service::AdminCommand,
    },
    /// Verify or export the audit trail.
    Audit {
        #[command(flatten)]
        db: service::DbArgs,
        #[command(subcommand)]
        command: service::AuditCommand,
    },
    /// Programs on the service's database: rollout view, credential alerts, KB-change impact,
    /// consignment transitions.
    Program {
        #[command(flatten)]
        db: service::DbArgs,
        #[command(subcommand)]
        command: program::ProgramCommand,
    },
    /// Print the service's OpenAPI 3.1 document.
    Openapi,
    /// Work with a knowledge base.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Debug, Subcommand)]
enum KbCommand {
    /// Validate a knowledge base: every problem with its file and line, every market topic with
    /// neither a rule nor an `[[absent]]` statement, and (as warnings) facts not re-checked for
    /// longer than `--max-age`.
    Check {
        /// The KB directory; default: the bundled KB.
        dir: Option<PathBuf>,
        /// Report facts whose `as_of` is more than this many days before the check date.
        #[arg(long, value_name = "DAYS", default_value_t = 365)]
        max_age: u32,
        /// The date the check is made for (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Fail (exit 1) when a fact is stale, not only warn.
        #[arg(long)]
        deny_stale: bool,
        /// Output format of the summary and depth figures (problems go to stderr either way).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A table of markets × topics: what the KB knows (and how surely), what it states is
    /// absent, and what is missing.
    Coverage {
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        /// Count the rules in force on this date (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What changed between two knowledge-base versions, per market and rule.
    Diff {
        /// The old KB directory.
        old: PathBuf,
        /// The new KB directory; default: the bundled KB.
        new: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Generate the KB reference pages (Markdown, one per market, union and regime) into a
    /// directory, or with `--check` verify that the pages there are up to date.
    Pages {
        /// The output directory (e.g. docs/kb).
        out: PathBuf,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        /// Compare instead of writing: exit 1 if a page is missing, stale or extra.
        #[arg(long)]
        check: bool,
    },
    /// Run scenario files (requests with hand-checked expectations) against a knowledge base.
    Test {
        /// Scenario files or directories of them; default: tests/scenarios.
        paths: Vec<PathBuf>,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Validate a KB directory (every problem, as `kb check`), show what it would change for
    /// the open consignments, store it in the service's database as a new version and make it
    /// current: every running instance serves it within `kb_poll_seconds`.
    Deploy {
        /// The KB directory.
        dir: PathBuf,
        /// Stop after the check and the impact: deploy nothing.
        #[arg(long)]
        dry_run: bool,
        /// The date of the check and the impact (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// The KB versions deployed to the service's database, oldest first; the last is current.
    Versions {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// Make a KB version deployed before current again.
    Rollback {
        /// The version (`sha256:…`, as `kb versions` lists it).
        version: String,
        #[command(flatten)]
        db: service::DbArgs,
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

#[derive(Debug, Subcommand)]
enum DocsCommand {
    /// Assess a shipment request and write its documents into a directory: commercial invoice,
    /// packing list, equipment specification list, pre-qualification report and power-of-attorney
    /// draft as PDF, and the three lists as XLSX.
    Generate {
        /// The shipment request (JSON).
        request: PathBuf,
        /// The directory to write into (created if absent).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The date of the assessment and the documents (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        #[command(flatten)]
        pricing: PricingFlags,
        #[command(flatten)]
        parties: docs::PartyFlags,
    },
    /// Audit the documents of one shipment (PDF generated by preclear, XLSX or CSV): invoice
    /// against packing list and specification list, values against price bands, refurbished
    /// goods' declarations, and the documents the destination requires.
    Audit {
        /// The documents.
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The date for the destination's requirements (YYYY-MM-DD); default: today (UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        #[command(flatten)]
        audit: docs::AuditFlags,
        #[command(flatten)]
        request: Box<docs::RequestFlags>,
    },
}

/// `--price-list`, where an assessment is made.
#[derive(Debug, clap::Args)]
struct PricingFlags {
    /// The provider's price list (TOML, see examples/price-list.toml): adds the service
    /// charges (IOR fee, brokerage…) apart from duties and taxes.
    #[arg(long, value_name = "FILE")]
    price_list: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ListsCommand {
    /// Replace one list of the set in force (the deployed one, else the bundled snapshots) with
    /// its publisher's files, say what changed, and deploy the new set.
    Update {
        /// The list's format: un-xml, ofac-sdn-csv, ofac-consolidated-csv (three files each:
        /// primary, alternate names, addresses), us-csl-csv, us-csl-csv-all, bis-dpl-txt,
        /// eu-fsf-xml, uk-sanctions-list-csv, uk-ofsi-csv.
        #[arg(long)]
        format: String,
        /// The day its publisher published it (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        published: String,
        /// The list's files, in the order its format takes them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Read and compare, but do not deploy.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// The list versions deployed to the service's database, oldest first; the last is current.
    Versions {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        db: service::DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ScreenCommand {
    /// A party's name against every list; exit status 1 when a hit is a match.
    Party {
        /// The party's name, in any script.
        #[arg(long)]
        name: String,
        /// The party's country (ISO 3166 alpha-2): agreement raises a hit, conflict lowers it.
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Screen with the lists deployed to the service's database (`lists update`) instead
        /// of the bundled snapshots.
        #[arg(long)]
        deployed: bool,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// Every party of a CSV file (a `name` column, and optionally `country` and `id`) against
    /// every list, on every core, with progress on standard error; one row per party out
    /// (CSV or JSON), exit status 1 when a party matches.
    Batch {
        /// The CSV file (UTF-8, comma-separated, a header row).
        file: PathBuf,
        /// `text` writes CSV (row, id, name, country, band, score, list, entry, matched name).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Screen with the lists deployed to the service's database (`lists update`) instead
        /// of the bundled snapshots.
        #[arg(long)]
        deployed: bool,
        #[command(flatten)]
        db: service::DbArgs,
    },
    /// Two names compared: the score and each token pair.
    Match {
        /// The first name (as a query).
        name1: String,
        /// The second name (as a listed name).
        name2: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum AssetsCommand {
    /// Value an asset of a model in a grade by a stated method (straight-line depreciation with
    /// a floor, or a residual percentage of the purchase value), with its basis.
    Value {
        /// The model (`R740`).
        #[arg(long)]
        model: String,
        /// A, B, C or scrap.
        #[arg(long)]
        grade: String,
        /// straight-line or residual.
        #[arg(long, default_value = "straight-line")]
        method: String,
        /// What it was bought for.
        #[arg(long, value_name = "AMOUNT", requires = "purchased")]
        purchase_value: Option<String>,
        /// The purchase currency (ISO 4217).
        #[arg(long, default_value = "USD")]
        currency: String,
        /// When it was bought (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD", requires = "purchase_value")]
        purchased: Option<String>,
        /// straight-line: years to depreciate over.
        #[arg(long, default_value_t = 5)]
        years: u32,
        /// straight-line: the floor, percent of the purchase value; residual: the percentage.
        #[arg(long, default_value = "10")]
        percent: String,
        /// The day of the valuation (today when absent).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Recover deployed assets to a refurbishment hub: one return consignment per country they
    /// are deployed in (a CSV with `serial,manufacturer,model,category,hs_code,country`, and
    /// optionally `eccn,country_of_origin,value,currency`), each assessed in reverse.
    Recover {
        /// The CSV of deployed assets.
        file: PathBuf,
        /// The hub's country (the destination).
        #[arg(long)]
        hub: String,
        /// The unit value declared for assets the file gives no value for.
        #[arg(long, value_name = "AMOUNT")]
        value_if_unvalued: String,
        /// The client who owns the assets.
        #[arg(long, default_value = "Asset owner")]
        client: String,
        /// The client's country.
        #[arg(long, default_value = "DE")]
        client_country: String,
        /// The day of the assessments (today when absent).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Also write each return consignment's request here (`return-br.json`…).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Where refurbished, valued assets may be redeployed: a CSV of assets (`serial,
    /// manufacturer,model,category,hs_code,eccn,country_of_origin,grade,value,currency`), each
    /// group assessed as a refurbished shipment from the hub to each destination.
    Redeploy {
        /// The CSV of assets.
        file: PathBuf,
        /// The hub's country (the origin).
        #[arg(long)]
        hub: String,
        /// The destinations, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        to: Vec<String>,
        /// The client who owns the assets.
        #[arg(long, default_value = "Asset owner")]
        client: String,
        /// The client's country.
        #[arg(long, default_value = "DE")]
        client_country: String,
        /// The day of the assessments (today when absent).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A knowledge-base directory to use instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
}

/// How to print an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A report for a person.
    Text,
    /// The JSON assessment contract.
    Json,
}

/// The date a command is made for: `--as-of`, or today (UTC). The CLI is the edge where the clock
/// may be read; the engine and the KB never do.
pub(crate) fn as_of_or_today(as_of: Option<&str>) -> anyhow::Result<Date> {
    match as_of {
        Some(text) => text
            .parse::<Date>()
            .ok()
            .filter(|_| text.len() == 10)
            .with_context(|| format!("--as-of `{text}` is not a date such as 2026-11-21")),
        #[expect(
            clippy::disallowed_methods,
            reason = "the CLI is the edge: it turns \"today\" into the as_of parameter"
        )]
        None => Ok(jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).date()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { listen, kb, db } => service::serve(&db, listen, kb),
        Command::Admin { db, command } => service::admin(&db, command),
        Command::Audit { db, command } => service::audit(&db, command),
        Command::Program { db, command } => program::program(&db, command),
        Command::Screen {
            command: ScreenCommand::Party { name, country, format, deployed, db },
        } => screen::party(&name, country.as_deref(), format, deployed.then_some(&db)),
        Command::Lists {
            command: ListsCommand::Update { format, published, files, dry_run, db },
        } => lists::update(&db, &format, &published, &files, dry_run),
        Command::Lists { command: ListsCommand::Versions { format, db } } => {
            lists::versions(&db, format)
        }
        Command::Screen { command: ScreenCommand::Batch { file, format, deployed, db } } => {
            screen::batch(&file, format, deployed.then_some(&db))
        }
        Command::Screen { command: ScreenCommand::Match { name1, name2, format } } => {
            screen::compare(&name1, &name2, format)
        }
        Command::Classify { description, category, model, file, evaluate, misses, format, kb } => {
            match (file, evaluate, description) {
                (Some(file), ..) => classify::file(&file, format, kb.as_deref()),
                (_, Some(dir), _) => classify::evaluate(&dir, format, misses, kb.as_deref()),
                (_, _, Some(text)) => classify::one(
                    &text,
                    category.as_deref(),
                    model.as_deref(),
                    format,
                    kb.as_deref(),
                ),
                (None, None, None) => {
                    Err(anyhow::anyhow!("give a description, --file or --evaluate"))
                }
            }
        }
        Command::Assets {
            command:
                AssetsCommand::Value {
                    model,
                    grade,
                    method,
                    purchase_value,
                    currency,
                    purchased,
                    years,
                    percent,
                    as_of,
                    format,
                },
        } => as_of_or_today(as_of.as_deref()).and_then(|on| {
            let purchase = purchase_value
                .as_deref()
                .zip(purchased.as_deref())
                .map(|(value, date)| (value, currency.as_str(), date));
            assets::value(&model, &grade, &method, purchase, years, &percent, on, format)
        }),
        Command::Assets {
            command:
                AssetsCommand::Redeploy { file, hub, to, client, client_country, as_of, format, kb },
        } => as_of_or_today(as_of.as_deref()).and_then(|on| {
            assets::redeploy(&file, &hub, &to, &client, &client_country, on, format, kb.as_deref())
        }),
        Command::Assets {
            command:
                AssetsCommand::Recover {
                    file,
                    hub,
                    value_if_unvalued,
                    client,
                    client_country,
                    as_of,
                    out,
                    format,
                    kb,
                },
        } => as_of_or_today(as_of.as_deref()).and_then(|on| {
            assets::recover(
                &file,
                &hub,
                &value_if_unvalued,
                &client,
                &client_country,
                on,
                out.as_deref(),
                format,
                kb.as_deref(),
            )
        }),
        Command::Route { from, to, mode, closed, weight_kg, format } => {
            route::run(&from, &to, &mode, &closed, weight_kg.as_deref(), format)
        }
        Command::Import { file, kb, mapping, request } => {
            docs::import(&file, &mapping, &request, kb.as_deref())
        }
        Command::Docs {
            command: DocsCommand::Generate { request, out, as_of, kb, pricing, parties },
        } => as_of_or_today(as_of.as_deref()).and_then(|as_of| {
            let prices = pricing.price_list.as_deref();
            docs::generate(&request, &out, as_of, kb.as_deref(), prices, &parties)
        }),
        Command::Docs {
            command: DocsCommand::Audit { files, format, as_of, kb, audit, request },
        } => as_of_or_today(as_of.as_deref())
            .and_then(|as_of| docs::audit(&files, format, as_of, kb.as_deref(), &audit, &request)),
        Command::Openapi => {
            outln!("{}", preclear_server::openapi::document());
            Ok(ExitCode::SUCCESS)
        }
        Command::Assess { file, format, as_of, kb, pricing, screen } => {
            as_of_or_today(as_of.as_deref()).and_then(|as_of| {
                let prices = pricing.price_list.as_deref();
                assess::run(&file, format, as_of, kb.as_deref(), prices, screen)
            })
        }
        Command::Compare { file, destinations, out, format, as_of, kb, pricing } => {
            as_of_or_today(as_of.as_deref()).and_then(|as_of| {
                assess::compare(
                    &file,
                    &destinations,
                    out.as_deref(),
                    format,
                    as_of,
                    kb.as_deref(),
                    pricing.price_list.as_deref(),
                )
            })
        }
        Command::Kb { command: KbCommand::Check { dir, max_age, as_of, deny_stale, format } } => {
            as_of_or_today(as_of.as_deref()).and_then(|as_of| {
                kb::check(dir.as_deref(), as_of, kb::Strictness { max_age, deny_stale }, format)
            })
        }
        Command::Kb { command: KbCommand::Coverage { kb, as_of, format } } => {
            as_of_or_today(as_of.as_deref())
                .and_then(|as_of| kb::coverage(kb.as_deref(), as_of, format))
        }
        Command::Kb { command: KbCommand::Test { paths, kb } } => kb::test(&paths, kb.as_deref()),
        Command::Kb { command: KbCommand::Diff { old, new, format } } => {
            kb_diff::run(&old, new.as_deref(), format)
        }
        Command::Kb { command: KbCommand::Pages { out, kb, check } } => {
            kb_pages::run(&out, kb.as_deref(), check)
        }
        Command::Kb { command: KbCommand::Show { market, kb } } => kb::show(&market, kb.as_deref()),
        Command::Kb { command: KbCommand::Deploy { dir, dry_run, as_of, db } } => {
            as_of_or_today(as_of.as_deref())
                .and_then(|as_of| kb_deploy::deploy(&db, &dir, dry_run, as_of))
        }
        Command::Kb { command: KbCommand::Versions { format, db } } => {
            kb_deploy::versions(&db, format)
        }
        Command::Kb { command: KbCommand::Rollback { version, db } } => {
            kb_deploy::rollback(&db, &version)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("preclear: {err:#}");
            ExitCode::from(2)
        }
    }
}
