//! `preclear kb deploy`, `kb versions` and `kb rollback`: the KB as a dataset deployed to the
//! service's database at run time (`preclear_service::kb_deploy` has the mechanism).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use preclear_domain::Date;
use preclear_kb::Kb;
use preclear_service::Service;
use preclear_service::auth::Principal;
use preclear_service::bootstrap::{open_store, provider_org};
use preclear_service::clock::now_micros;
use preclear_service::kb_deploy;
use preclear_store::{DatasetKind, DeployAction, Role, Store};

use crate::Format;
use crate::kb::Strictness;
use crate::service::{DbArgs, api_error, runtime, shell_actor};

/// The KB the service serves now: the last deployed, else the bundled one.
pub(crate) async fn current_kb(store: &Store) -> anyhow::Result<Arc<Kb>> {
    let bundled = || -> anyhow::Result<Arc<Kb>> {
        preclear_kb_bundle::load()
            .map(Arc::new)
            .map_err(|errors| anyhow::anyhow!("the bundled knowledge base is invalid:\n{errors}"))
    };
    match store.current_deployment(DatasetKind::Kb).await? {
        None => bundled(),
        Some(current) => {
            let own = bundled()?;
            if own.version().as_str() == current.version {
                Ok(own)
            } else {
                Ok(Arc::new(kb_deploy::load_stored(store, &current.version).await?))
            }
        }
    }
}

/// `preclear kb deploy DIR`.
pub(crate) fn deploy(
    db: &DbArgs,
    dir: &Path,
    dry_run: bool,
    as_of: Date,
) -> anyhow::Result<ExitCode> {
    // The directory is read and loaded once; every problem is reported exactly as by `kb check`.
    let files = kb_deploy::read_kb_dir(dir)?;
    let candidate = match preclear_kb::load(&files) {
        Ok(kb) => Arc::new(kb),
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("not deployed: `{}` does not load", dir.display());
            return Ok(ExitCode::from(1));
        }
    };
    let label = dir.display().to_string();
    let strictness = Strictness { max_age: 365, deny_stale: false };
    if crate::kb::check_kb(&label, &candidate, as_of, strictness, Format::Text) != ExitCode::SUCCESS
    {
        eprintln!("not deployed: `{label}` does not pass `preclear kb check`");
        return Ok(ExitCode::from(1));
    }
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let provider = provider_org(&store, &config.provider_name).await?;
        let current = current_kb(&store).await?;
        let version = candidate.version().as_str().to_owned();
        if current.version().as_str() == version {
            outln!("KB {version} is already current: nothing to deploy");
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        outln!("impact of KB {version} (now {}) on the open consignments:", current.version());
        let principal =
            Principal { org: provider.clone(), role: Role::Admin, actor: shell_actor() };
        let state = Service::new(store.clone(), current, &config);
        crate::program::print_impact(
            &state,
            &principal,
            Some(Arc::clone(&candidate)),
            as_of,
            Format::Text,
        )
        .await?;
        if dry_run {
            outln!("dry run: KB {version} was not deployed");
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        let deployment = kb_deploy::deploy(
            &store,
            &shell_actor(),
            &provider,
            (&candidate, &files),
            DeployAction::Deploy,
            now_micros(),
        )
        .await
        .map_err(api_error)?;
        outln!(
            "deployed KB {} (deployment {}); each running instance serves it at its next look at the deployment log (kb_poll_seconds, 5 by default)",
            deployment.version, deployment.seq
        );
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// `preclear kb versions`.
pub(crate) fn versions(db: &DbArgs, format: Format) -> anyhow::Result<ExitCode> {
    deployment_log(
        db,
        DatasetKind::Kb,
        "no KB was deployed to this database yet (instances serve their own)",
        format,
    )
}

/// The deployment log of a dataset kind, oldest first, the last marked current (`kb versions`,
/// `lists versions`); `none` when it is empty.
pub(crate) fn deployment_log(
    db: &DbArgs,
    kind: DatasetKind,
    none: &str,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let log = store.deployments(kind).await?;
        store.close().await;
        match format {
            Format::Json => outln!("{}", serde_json::to_string_pretty(&log)?),
            Format::Text => {
                if log.is_empty() {
                    outln!("{none}");
                }
                for (i, d) in log.iter().enumerate() {
                    let at = jiff::Timestamp::from_microsecond(d.deployed_at)
                        .map(|t| t.to_string())
                        .unwrap_or_else(|_| d.deployed_at.to_string());
                    outln!(
                        "{:>4}  {}  {:<8}  {}  {}{}",
                        d.seq,
                        d.version,
                        d.action.as_str(),
                        at,
                        d.actor,
                        if i + 1 == log.len() { "  (current)" } else { "" }
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `preclear kb rollback VERSION`.
pub(crate) fn rollback(db: &DbArgs, version: &str) -> anyhow::Result<ExitCode> {
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let provider = provider_org(&store, &config.provider_name).await?;
        let result =
            kb_deploy::rollback(&store, &shell_actor(), &provider, version, now_micros()).await;
        store.close().await;
        let deployment = result.map_err(api_error)?;
        outln!(
            "KB {} is current again (deployment {}); each running instance serves it at its next look at the deployment log",
            deployment.version, deployment.seq
        );
        Ok(ExitCode::SUCCESS)
    })
}
