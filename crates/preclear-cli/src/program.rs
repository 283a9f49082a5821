//! `preclear program …`: programs from the shell, on the service's database, acting as the
//! provider's administrator (audited as `shell:<user>`). The same operations as the API
//! (`preclear_service::programs`), so the shell, the pages and the API act alike; and `impact
//! --kb DIR`, which checks a candidate KB against every open consignment before it is deployed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Subcommand;
use preclear_service::Service;
use preclear_service::auth::Principal;
use preclear_service::bootstrap::open_store;
use preclear_service::clock::now_micros;
use preclear_service::programs::{self, NewTransition};
use preclear_store::System;
use preclear_store::{OrgKind, Role};
use uuid::Uuid;

use crate::service::{DbArgs, api_error, shell_actor};

#[derive(Debug, Subcommand)]
pub(crate) enum ProgramCommand {
    /// List the programs.
    List,
    /// The rollout view of a program: per destination the position's standing and what is
    /// missing, consignments by state, SLA and window risk; the critical path.
    Show {
        /// The program's reference or id.
        program: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::Format,
    },
    /// Credentials of the IOR entity registry expired or expiring soon.
    Alerts {
        /// Days ahead.
        #[arg(long, default_value_t = 60)]
        within_days: u32,
    },
    /// The open consignments and positions a KB change affects: each re-assessed with its own
    /// KB version and with the new KB (the bundled one, or a candidate `--kb DIR`), on one date.
    Impact {
        /// A candidate KB directory (default: the KB this binary carries).
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        /// The date both assessments are made for (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::Format,
    },
    /// Move a consignment to another state (refused with the reason when a guard does not hold).
    Transition {
        /// The consignment's id.
        consignment: Uuid,
        /// The state to enter (`ready`, `released_at_origin`, `cleared`…).
        to: String,
        /// When it happened (RFC 3339); now when omitted.
        #[arg(long)]
        at: Option<String>,
        /// The customs declaration reference (needed for `cleared`).
        #[arg(long)]
        declaration_reference: Option<String>,
        /// A note for the file.
        #[arg(long)]
        note: Option<String>,
    },
}

/// `preclear program …`.
pub(crate) fn program(db: &DbArgs, command: ProgramCommand) -> anyhow::Result<ExitCode> {
    let config = db.resolve(None)?;
    let candidate = match &command {
        ProgramCommand::Impact { kb: Some(dir), .. } => match crate::assess::load_kb(Some(dir))? {
            Ok(kb) => Some(Arc::new(kb)),
            Err(code) => return Ok(code),
        },
        _ => None,
    };
    crate::service::runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let kb = crate::kb_deploy::current_kb(&store).await?;
        let orgs = store.all_orgs(System::Shell).await?;
        let providers: Vec<_> = orgs.into_iter().filter(|o| o.kind == OrgKind::Provider).collect();
        let [provider] = providers.as_slice() else {
            anyhow::bail!(
                "the database has {} provider organisations; expected one",
                providers.len()
            )
        };
        let principal =
            Principal { org: provider.clone(), role: Role::Admin, actor: shell_actor() };
        let state = Service::new(store.clone(), kb, &config);
        let now = now_micros();
        let result = run(&state, &principal, command, candidate, now).await;
        store.close().await;
        result
    })
}

async fn find(state: &Service, principal: &Principal, key: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = key.parse::<Uuid>() {
        return Ok(id);
    }
    let all = programs::programs(state, principal).await.map_err(api_error)?;
    all.iter()
        .find(|p| p.reference == key)
        .map(|p| p.id)
        .with_context(|| format!("there is no program with reference `{key}`"))
}

async fn run(
    state: &Service,
    principal: &Principal,
    command: ProgramCommand,
    candidate: Option<Arc<preclear_kb::Kb>>,
    now: i64,
) -> anyhow::Result<ExitCode> {
    match command {
        ProgramCommand::List => {
            for p in programs::programs(state, principal).await.map_err(api_error)? {
                outln!(
                    "{}  {}  {}  {} destinations  ({})",
                    p.id,
                    p.reference,
                    p.client_name,
                    p.positions.len(),
                    p.name
                );
            }
        }
        ProgramCommand::Show { program, format } => {
            let id = find(state, principal, &program).await?;
            let (_, view) =
                programs::rollout(state, principal, id, now).await.map_err(api_error)?;
            match format {
                crate::Format::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
                crate::Format::Text => out!("{}", render(&view)),
            }
        }
        ProgramCommand::Alerts { within_days } => {
            let alerts =
                programs::alerts(state, principal, within_days, now).await.map_err(api_error)?;
            if alerts.is_empty() {
                outln!("no credential expires within {within_days} days");
            }
            for a in alerts {
                outln!(
                    "{}  {} ({})  {} {}  {}",
                    a.expires_on,
                    a.entity,
                    a.country,
                    a.credential,
                    a.number,
                    if a.expired {
                        "EXPIRED".to_owned()
                    } else {
                        format!("in {} days", a.days_left)
                    }
                );
            }
        }
        ProgramCommand::Impact { as_of, format, .. } => {
            let as_of = crate::as_of_or_today(as_of.as_deref())?;
            print_impact(state, principal, candidate, as_of, format).await?;
        }
        ProgramCommand::Transition { consignment, to, at, declaration_reference, note } => {
            let new = NewTransition { to, at, declaration_reference, note };
            let c = programs::transition(state, principal, consignment, &new, now)
                .await
                .map_err(api_error)?;
            outln!("{} is now {}", c.reference, c.state);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render(view: &preclear_program::Rollout) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let t = &view.totals;
    let _ = writeln!(
        out,
        "{} — {} ({}), as of {}\n{} destinations, {} pre-validated; {} consignments; {} clearance SLA breached; {} late for their window; last delivery {}",
        view.reference,
        view.name,
        view.client_name,
        view.as_of,
        t.destinations,
        t.prevalidated,
        t.consignments,
        t.sla_breached,
        t.window_late,
        t.last_delivery.map_or_else(|| "not projectable".to_owned(), |d| d.to_string())
    );
    for d in &view.destinations {
        let states: Vec<String> =
            d.by_state.iter().map(|(s, n)| format!("{} {n}", s.as_str())).collect();
        let _ = writeln!(
            out,
            "\n{}  window {}..{}  {}  entity {}  consignments: {}",
            d.destination,
            d.window.start,
            d.window.end,
            if d.position.prevalidated { "PRE-VALIDATED" } else { "NOT PRE-VALIDATED" },
            d.entity.as_ref().map_or("none", |e| e.name.as_str()),
            if states.is_empty() { "none".into() } else { states.join(", ") }
        );
        for m in &d.position.missing {
            let _ = writeln!(
                out,
                "  missing ({}): {}{}",
                m.part,
                m.what,
                m.lead_time_days.map_or_else(String::new, |(a, b)| format!(" [{a}–{b} days]"))
            );
        }
        if !d.position.missing.is_empty() {
            let r = &d.position.remaining;
            let _ = writeln!(
                out,
                "  longest remaining item: {}{}",
                r.days.map_or_else(|| "unknown".to_owned(), |n| format!("{n} days")),
                if r.unknown > 0 {
                    format!(" (at least; {} item(s) of unknown lead time)", r.unknown)
                } else {
                    String::new()
                }
            );
        }
        for a in &d.alerts {
            let _ = writeln!(out, "  alert {} {}: {}", a.code, a.reference, a.message);
        }
    }
    if let Some(path) = &view.critical_path {
        let _ = writeln!(
            out,
            "\ncritical path: {} {} finishing {}",
            path.destination,
            path.consignment.as_deref().unwrap_or(""),
            path.finishes_on.map_or_else(|| "(not projectable)".to_owned(), |d| d.to_string())
        );
        for s in &path.steps {
            let _ = writeln!(
                out,
                "  {} ({})",
                s.what,
                s.days.map_or_else(|| "unknown".to_owned(), |d| format!("{d} days"))
            );
        }
    }
    out
}

/// What `candidate` (the current KB when `None`) would change for every program's open
/// consignments on `as_of`, printed; returns how many consignments would change.
pub(crate) async fn print_impact(
    state: &Service,
    principal: &Principal,
    candidate: Option<Arc<preclear_kb::Kb>>,
    as_of: preclear_domain::Date,
    format: crate::Format,
) -> anyhow::Result<usize> {
    let mut reports = Vec::new();
    for p in programs::programs(state, principal).await.map_err(api_error)? {
        reports.push(
            programs::impact(state, principal, p.id, candidate.clone(), as_of)
                .await
                .map_err(api_error)?,
        );
    }
    match format {
        crate::Format::Json => outln!("{}", serde_json::to_string_pretty(&reports)?),
        crate::Format::Text => {
            for r in &reports {
                outln!(
                    "{}: {} open consignments checked against KB {} for {}; {} would change",
                    r.reference,
                    r.checked,
                    r.kb_version,
                    r.as_of,
                    r.consignments.len()
                );
                for c in &r.consignments {
                    outln!(
                        "  {} ({}, {}): {}",
                        c.reference,
                        c.destination,
                        c.state,
                        serde_json::to_string(&c.change)?
                    );
                }
                for p in &r.positions {
                    outln!(
                        "  position {}: needs {}",
                        p.destination,
                        serde_json::to_string(&p.change)?
                    );
                }
            }
        }
    }
    Ok(reports.iter().map(|r| r.consignments.len()).sum())
}
