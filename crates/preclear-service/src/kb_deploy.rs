//! Knowledge deployed at run time. The KB is a **dataset**: a kind (`kb`), a content-hash version,
//! a stored body (the files, as JSON, in `kb_versions`) and a log of deployments in the database,
//! the latest of which is current. Every instance follows that log (see [`follow`]): a deploy
//! made with `preclear kb deploy DIR` on any machine reaches every instance sharing the database
//! within `kb_poll_seconds`, without a restart. An assessment records the version it used, and
//! replay loads that version's stored body, so a deploy never changes an old answer.
//!
//! An instance starts with its own KB (the bundled one, or `--kb DIR`); if that version was
//! never deployed to this database, starting deploys it (`start`, by `system:start`): a new
//! build's KB becomes current when it first starts, and an old instance restarting does not take
//! the current version back. Every deployment joins the provider organisation's audit chain.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use preclear_kb::{Kb, SourceFile};
use preclear_store::{Change, DatasetKind, DeployAction, Deployment, Micros, Mutation, Org, Store};
use serde_json::json;

use crate::Service;
use crate::bootstrap::snapshot_json;
use crate::error::ServiceError;
use crate::ops::{Actor, event};

/// The most files and bytes a KB directory may have: far above the bundled KB (about 70 files,
/// 3 MB), far below what would strain a server.
const MAX_KB_FILES: usize = 2_000;
const MAX_KB_BYTES: u64 = 64 * 1024 * 1024;

/// Every file below `dir`, at any depth, with paths relative to it (`markets/TR.toml`).
pub fn read_kb_dir(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        anyhow::bail!("`{}` is not a knowledge-base directory", dir.display());
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .with_context(|| format!("reading {}", current.display()))?;
        for entry in entries {
            let path = entry.with_context(|| format!("reading {}", current.display()))?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            total += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if files.len() >= MAX_KB_FILES || total > MAX_KB_BYTES {
                anyhow::bail!(
                    "`{}` is larger than a knowledge base may be ({MAX_KB_FILES} files, {} MiB)",
                    dir.display(),
                    MAX_KB_BYTES / 1024 / 1024
                );
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            files.push(SourceFile { path: relative, text });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The KB an instance starts with: `--kb DIR`, or the bundled one.
pub fn own_kb(dir: Option<&Path>) -> anyhow::Result<(Vec<SourceFile>, Kb)> {
    let (files, what) = match dir {
        Some(dir) => (read_kb_dir(dir)?, format!("the knowledge base in `{}`", dir.display())),
        None => (preclear_kb_bundle::files(), "the bundled knowledge base".to_owned()),
    };
    let kb = preclear_kb::load(&files)
        .map_err(|errors| anyhow::anyhow!("{what} is invalid:\n{errors}"))?;
    Ok((files, kb))
}

/// Deploys `kb` (whose files are `files`): stores its body if new, makes it current, and
/// records the deployment in `provider`'s audit chain.
pub async fn deploy(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    (kb, files): (&Kb, &[SourceFile]),
    action: DeployAction,
    at: Micros,
) -> Result<Deployment, ServiceError> {
    let previous = store.current_deployment(DatasetKind::Kb).await?;
    let deployment = Deployment {
        seq: 0,
        kind: DatasetKind::Kb,
        version: kb.version().as_str().to_owned(),
        action,
        actor: actor.0.clone(),
        deployed_at: at,
    };
    record(store, actor, provider, deployment, previous, Some(snapshot_json(files))).await
}

/// Makes an earlier deployed version current again.
pub async fn rollback(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    version: &str,
    at: Micros,
) -> Result<Deployment, ServiceError> {
    let log = store.deployments(DatasetKind::Kb).await?;
    if !log.iter().any(|d| d.version == version) {
        return Err(ServiceError::invalid_field(
            "version",
            format!("KB version {version} was never deployed here (see `preclear kb versions`)"),
        ));
    }
    let previous = log.last().cloned();
    if previous.as_ref().is_some_and(|d| d.version == version) {
        return Err(ServiceError::Conflict(format!("KB version {version} is already current")));
    }
    let deployment = Deployment {
        seq: 0,
        kind: DatasetKind::Kb,
        version: version.to_owned(),
        action: DeployAction::Rollback,
        actor: actor.0.clone(),
        deployed_at: at,
    };
    record(store, actor, provider, deployment, previous, None).await
}

async fn record(
    store: &Store,
    actor: &Actor,
    provider: &Org,
    deployment: Deployment,
    previous: Option<Deployment>,
    body: Option<String>,
) -> Result<Deployment, ServiceError> {
    let action = match deployment.action {
        DeployAction::Start => "kb.deployed_on_start",
        DeployAction::Deploy => "kb.deployed",
        DeployAction::Rollback => "kb.rolled_back",
    };
    let change = Change {
        event: event(
            provider.id,
            actor,
            deployment.deployed_at,
            action,
            ("kb_version", deployment.version.clone()),
            previous.as_ref().map(|d| json!({ "version": d.version })),
            Some(json!({ "version": deployment.version, "action": deployment.action.as_str() })),
        ),
        mutation: Mutation::Deploy { deployment: deployment.clone(), body },
    };
    store.commit(&[change]).await?;
    Ok(store.current_deployment(DatasetKind::Kb).await?.unwrap_or(deployment))
}

/// On start: deploys the instance's own KB if this database never had its version, then
/// returns the current KB (the instance's own, or the deployed one it loads from the store).
pub async fn start(
    store: &Store,
    provider: &Org,
    own: (Kb, Vec<SourceFile>),
    at: Micros,
) -> anyhow::Result<Kb> {
    let (kb, files) = own;
    let version = kb.version().as_str().to_owned();
    let log = store.deployments(DatasetKind::Kb).await?;
    if !log.iter().any(|d| d.version == version) {
        let actor = Actor("system:start".into());
        deploy(store, &actor, provider, (&kb, &files), DeployAction::Start, at)
            .await
            .map_err(|e| anyhow::anyhow!("deploying the instance's KB {version}: {e}"))?;
        return Ok(kb);
    }
    let current = store
        .current_deployment(DatasetKind::Kb)
        .await?
        .context("the KB deployment log is empty after a deployment")?;
    if current.version == version {
        return Ok(kb);
    }
    load_stored(store, &current.version).await
}

/// A stored KB version, loaded and validated.
pub async fn load_stored(store: &Store, version: &str) -> anyhow::Result<Kb> {
    let text = store
        .kb_version_files(version)
        .await?
        .with_context(|| format!("KB version {version} is deployed but not stored"))?;
    let files = crate::bootstrap::snapshot_files(&text).map_err(anyhow::Error::msg)?;
    let kb = tokio::task::spawn_blocking(move || preclear_kb::load(&files))
        .await?
        .map_err(|e| anyhow::anyhow!("stored KB version {version} does not load: {e}"))?;
    // The version is the hash of the files: a stored body that hashes otherwise was altered.
    if kb.version().as_str() != version {
        anyhow::bail!(
            "the stored files of KB version {version} hash to {}: the stored body was altered",
            kb.version()
        );
    }
    Ok(kb)
}

/// Follows the deployment log: every `every`, reads the current KB version (and the lists',
/// `screening::catch_up`) and, when it differs
/// from the one served, loads it (from the cache of recent versions or its stored body) and
/// makes it current. Errors are logged and retried at the next tick; the old KB keeps serving.
pub fn follow(state: Service, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // Price lists published by another instance are read again from here on.
            state.prices.clear();
            if let Err(error) = catch_up(&state).await {
                tracing::warn!(%error, "could not follow the KB deployment log");
            }
            // The restricted-party lists are a dataset too, followed the same way.
            if let Err(error) = crate::screening::catch_up(&state).await {
                tracing::warn!(%error, "could not follow the list deployment log");
            }
        }
    })
}

/// One look at the deployment log; returns whether the served KB changed.
pub async fn catch_up(state: &Service) -> anyhow::Result<bool> {
    let Some(current) = state.store.current_deployment(DatasetKind::Kb).await? else {
        return Ok(false);
    };
    let served = state.kb();
    if served.version().as_str() == current.version {
        return Ok(false);
    }
    let kb: Arc<Kb> =
        state.kb_version(&current.version).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    state.set_kb(kb);
    tracing::info!(
        from = served.version().as_str(),
        to = current.version.as_str(),
        by = current.actor.as_str(),
        "now serving the deployed KB"
    );
    Ok(true)
}
