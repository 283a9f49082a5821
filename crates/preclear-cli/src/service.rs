//! `preclear serve`, `preclear admin …` and `preclear audit …`: the service and its
//! administration from the shell, on the same database.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use preclear_server::{AppState, error::ApiError};
use preclear_service::audit::{ExportFormat, export};
use preclear_service::bootstrap::open_store;
use preclear_service::clock::{now_micros, start_of};
use preclear_service::config::{Config, FileConfig, Overrides};
use preclear_service::ops::{self, Actor};
use preclear_store::System;
use preclear_store::{EventFilter, OrgKind, Role, Store, redact};

/// Where the database is: flags, else environment, else the configuration file, else the
/// default SQLite file.
#[derive(Debug, Clone, Args)]
pub(crate) struct DbArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "PRECLEAR_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// Directory of the default SQLite database (`preclear.db`); default:
    /// `$XDG_DATA_HOME/preclear`, else `~/.local/share/preclear`.
    #[arg(long, env = "PRECLEAR_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A TOML configuration file (see docs/service.md).
    #[arg(long, env = "PRECLEAR_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
}

impl DbArgs {
    pub(crate) fn resolve(&self, listen: Option<String>) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => FileConfig::read(path)?,
            None => FileConfig::default(),
        };
        Config::resolve(
            file,
            Overrides {
                listen,
                database_url: self.database_url.clone(),
                data_dir: self.data_dir.clone(),
                kb_dir: None,
            },
        )
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Organisations: the IOR provider and its clients.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Users who sign in with a password.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum OrgCommand {
    /// Create an organisation.
    Create {
        /// Its unique name.
        name: String,
        /// `client` (a company whose goods are imported) or `provider` (the IOR provider).
        #[arg(long, value_parser = ["client", "provider"])]
        kind: String,
        /// For a client: the provider that serves it (default: the only provider).
        #[arg(long, value_name = "NAME")]
        provider: Option<String>,
    },
    /// List organisations.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create a user; prints the password made for it unless `--password-stdin` gives one.
    Create {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// The sign-in name.
        #[arg(long)]
        username: String,
        /// `client_viewer`, `client_submitter`, `operator` or `admin`.
        #[arg(long)]
        role: String,
        /// Read the password (at least 12 characters) from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Create an API key and print it — only it — on standard output, once.
    Create {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// `client_viewer`, `client_submitter`, `operator` or `admin`.
        #[arg(long)]
        role: String,
        /// A label for people.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke an API key by its prefix (`pck_…`, the part before the second `_`).
    Revoke {
        /// The key's prefix.
        prefix: String,
    },
    /// List API keys (prefixes, roles, state; never secrets).
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Recompute every organisation's hash chain and compare every stored object with the state
    /// its chain recorded; report the first broken link. Exit 1 if any.
    Verify {
        /// Also check each chain against heads recorded earlier by `preclear audit heads`
        /// (kept outside the database): events removed or rewritten up to them are found.
        #[arg(long)]
        anchor: Option<std::path::PathBuf>,
    },
    /// Print every chain's head (organisation, number of events, last hash) as JSON, to keep
    /// outside the database for `preclear audit verify --anchor`.
    Heads,
    /// Export an organisation's audit trail as JSON Lines or CSV.
    Export {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// `jsonl` or `csv`.
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
        /// From this date (YYYY-MM-DD, inclusive).
        #[arg(long)]
        from: Option<String>,
        /// To this date (YYYY-MM-DD, exclusive).
        #[arg(long)]
        to: Option<String>,
        /// Only events about this destination country.
        #[arg(long)]
        country: Option<String>,
        /// Only events about this business unit.
        #[arg(long)]
        business_unit: Option<String>,
        /// Only events about this hardware category.
        #[arg(long)]
        category: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PRECLEAR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// `preclear serve`.
pub(crate) fn serve(
    db: &DbArgs,
    listen: Option<String>,
    kb: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    init_logging();
    let mut config = db.resolve(listen)?;
    if kb.is_some() {
        config.kb_dir = kb;
    }
    runtime()?.block_on(async {
        let opened = preclear_service::bootstrap::open(&config).await?;
        let store = opened.store.clone();
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let address = listener.local_addr().context("reading the bound address")?;
        if let Some(admin) = &opened.first_admin {
            let org = store
                .org_by_name(System::Shell, &admin.org)
                .await?
                .context("the provider organisation made on first start is missing")?;
            let actor = Actor("system:first-start".into());
            let (_, key) = ops::create_key(&store, &actor, &org, Role::Admin, "first admin", now_micros())
                .await
                .map_err(api_error)?;
            outln!("First start: made organisation `{}` (provider) and its admin.", admin.org);
            outln!("  user:     {}", admin.username);
            outln!("  password: {}", admin.password);
            outln!("  API key:  {key}");
            outln!("These are shown once and stored only as hashes. Keep them now.");
        }
        outln!(
            "preclear serve: http://{address}  (web application: open it and sign in; API /api/v1, docs /api/v1/docs; database {}; KB {})",
            redact(&config.database_url),
            opened.kb.version()
        );
        let _ = std::io::stdout().flush();
        let state = AppState::new(store.clone(), Arc::clone(&opened.kb), &config);
        preclear_server::serve(listener, state).await?;
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// An operation's refusal as the shell's message (the service's, or the API's for operations
/// that still live in the server).
pub(crate) fn api_error(error: impl Into<ApiError>) -> anyhow::Error {
    match error.into() {
        ApiError::Invalid(errors) | ApiError::BadRequest(errors) => {
            anyhow::anyhow!("{}", preclear_service::FieldError::sentence(&errors))
        }
        ApiError::Conflict(what) | ApiError::NotFound(what) | ApiError::Forbidden(what) => {
            anyhow::anyhow!(what)
        }
        other => anyhow::anyhow!("{other:?}"),
    }
}

pub(crate) fn shell_actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor(format!("shell:{user}"))
}

async fn org_named(store: &Store, name: &str) -> anyhow::Result<preclear_store::Org> {
    store
        .org_by_name(System::Shell, name)
        .await?
        .with_context(|| format!("there is no organisation named `{name}`"))
}

/// `preclear admin …`.
pub(crate) fn admin(db: &DbArgs, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let actor = shell_actor();
        let now = now_micros();
        match command {
            AdminCommand::Org { command: OrgCommand::Create { name, kind, provider } } => {
                let kind: OrgKind = kind.parse().map_err(anyhow::Error::msg)?;
                let provider_id = match &provider {
                    Some(p) => Some(org_named(&store, p).await?.id),
                    None => None,
                };
                let org = ops::create_org(&store, &actor, &name, kind, provider_id, now)
                    .await
                    .map_err(api_error)?;
                outln!("{}", org.id);
                eprintln!("made {} organisation `{}`", kind.as_str(), org.name);
            }
            AdminCommand::Org { command: OrgCommand::List } => {
                let orgs = store.all_orgs(System::Shell).await?;
                for org in &orgs {
                    let served_by = match org.provider_id {
                        Some(p) => orgs
                            .iter()
                            .find(|o| o.id == p)
                            .map_or_else(String::new, |o| format!("  served by {}", o.name)),
                        None => String::new(),
                    };
                    outln!("{}  {:8}  {}{served_by}", org.id, org.kind.as_str(), org.name);
                }
            }
            AdminCommand::User {
                command: UserCommand::Create { org, username, role, password_stdin },
            } => {
                let org = org_named(&store, &org).await?;
                let role: Role = role.parse().map_err(anyhow::Error::msg)?;
                let password = if password_stdin {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line).context("reading the password")?;
                    Some(line.trim_end_matches(['\r', '\n']).to_owned())
                } else {
                    None
                };
                let (user, made) = ops::create_user(
                    &store,
                    &actor,
                    &org,
                    &username,
                    password.as_deref(),
                    role,
                    now,
                )
                .await
                .map_err(api_error)?;
                match made {
                    Some(password) => outln!("{password}"),
                    None => outln!("{}", user.id),
                }
                eprintln!("made user `{}` ({role}) in `{}`", user.username, org.name);
            }
            AdminCommand::Key { command: KeyCommand::Create { org, role, label } } => {
                let org = org_named(&store, &org).await?;
                let role: Role = role.parse().map_err(anyhow::Error::msg)?;
                let (_, full) = ops::create_key(&store, &actor, &org, role, &label, now)
                    .await
                    .map_err(api_error)?;
                outln!("{full}");
            }
            AdminCommand::Key { command: KeyCommand::Revoke { prefix } } => {
                let key = store
                    .api_key_by_prefix(System::Shell, &prefix)
                    .await?
                    .with_context(|| format!("there is no API key `{prefix}`"))?;
                ops::revoke_key(&store, &actor, &key, now).await.map_err(api_error)?;
                eprintln!("revoked {prefix}");
            }
            AdminCommand::Key { command: KeyCommand::List } => {
                let orgs = store.all_orgs(System::Shell).await?;
                for org in &orgs {
                    for key in store.api_keys(preclear_store::Visibility::Own(org.id)).await? {
                        let state = if key.revoked_at.is_some() { "revoked" } else { "active" };
                        outln!(
                            "{}  {:16}  {:7}  {}  {}",
                            key.prefix,
                            key.role.as_str(),
                            state,
                            org.name,
                            key.label
                        );
                    }
                }
            }
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

fn date_bound(flag: &str, text: Option<&str>) -> anyhow::Result<Option<i64>> {
    text.map(|t| {
        t.parse::<preclear_domain::Date>()
            .ok()
            .and_then(start_of)
            .with_context(|| format!("--{flag} `{t}` is not a date such as 2026-11-21"))
    })
    .transpose()
}

/// `preclear audit …`.
pub(crate) fn audit(db: &DbArgs, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let code = match command {
            AuditCommand::Heads => {
                let heads = store.audit_heads(System::Audit).await?;
                outln!("{}", serde_json::to_string_pretty(&heads)?);
                ExitCode::SUCCESS
            }
            AuditCommand::Verify { anchor } => {
                let anchors: Vec<preclear_store::audit::Anchor> = match &anchor {
                    None => Vec::new(),
                    Some(path) => {
                        let text = std::fs::read_to_string(path)
                            .with_context(|| format!("reading `{}`", path.display()))?;
                        serde_json::from_str(&text).with_context(|| {
                            format!(
                                "`{}` is not a list of heads as `preclear audit heads` prints them",
                                path.display()
                            )
                        })?
                    }
                };
                let report = store.verify_audit_against(System::Audit, &anchors).await?;
                for chain in &report.chains {
                    match &chain.broken {
                        None => outln!("ok      {}: {} events", chain.org_name, chain.events),
                        Some(link) => outln!(
                            "BROKEN  {}: first broken link at event {}: {}",
                            chain.org_name,
                            link.seq,
                            link.reason
                        ),
                    }
                }
                if report.ok() {
                    outln!("audit trail intact: {} organisations", report.chains.len());
                    ExitCode::SUCCESS
                } else {
                    outln!("audit trail BROKEN");
                    ExitCode::from(1)
                }
            }
            AuditCommand::Export {
                org,
                format,
                from,
                to,
                country,
                business_unit,
                category,
                out,
            } => {
                let org = org_named(&store, &org).await?;
                let Some(format) = ExportFormat::parse(&format) else {
                    bail!("--format must be jsonl or csv")
                };
                let filter = EventFilter {
                    from: date_bound("from", from.as_deref())?,
                    to: date_bound("to", to.as_deref())?,
                    country,
                    business_unit,
                    category,
                };
                let count = match &out {
                    Some(path) => {
                        let file = std::fs::File::create(path)
                            .with_context(|| format!("creating `{}`", path.display()))?;
                        let mut writer = std::io::BufWriter::new(file);
                        let n = export(&store, org.id, &filter, format, &mut writer).await?;
                        writer.flush().context("writing the export")?;
                        n
                    }
                    None => {
                        let mut writer = std::io::BufWriter::new(std::io::stdout().lock());
                        let n = export(&store, org.id, &filter, format, &mut writer).await?;
                        writer.flush().context("writing the export")?;
                        n
                    }
                };
                eprintln!("exported {count} events of `{}`", org.name);
                ExitCode::SUCCESS
            }
        };
        store.close().await;
        Ok(code)
    })
}
