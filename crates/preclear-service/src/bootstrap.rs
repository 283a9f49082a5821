//! Opening the service's database: connect, migrate, keep a snapshot of the bundled KB (so that
//! any assessment can be replayed against the KB version it used, years later), and on a new
//! database make the provider organisation and its first admin.

use std::sync::Arc;

use anyhow::Context as _;
use preclear_kb::{Kb, SourceFile};
use preclear_store::{Change, Mutation, System};
use preclear_store::{Org, OrgKind, Role, Store, StoreOptions, redact};
use serde_json::json;

use crate::clock::now_micros;
use crate::config::Config;
use crate::error::ServiceError;
use crate::kb_deploy;
use crate::ops::{self, Actor};

/// The first admin's credentials, printed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstAdmin {
    /// The provider organisation.
    pub org: String,
    /// Sign-in name.
    pub username: String,
    /// The password (not stored anywhere in the clear).
    pub password: String,
}

/// An opened, migrated database with the KB it serves.
#[derive(Debug)]
pub struct Opened {
    /// The database.
    pub store: Store,
    /// The current KB: the last deployed (on a new database, the instance's own).
    pub kb: Arc<Kb>,
    /// Set when this start made the first admin.
    pub first_admin: Option<FirstAdmin>,
}

/// Connects and migrates.
pub async fn open_store(url: &str, options: &StoreOptions) -> anyhow::Result<Store> {
    let store = Store::connect(url, options)
        .await
        .with_context(|| format!("opening database `{}`", redact(url)))?;
    store.migrate().await.context("bringing the database schema up to date")?;
    Ok(store)
}

/// The KB files as stored in a snapshot.
pub fn snapshot_json(files: &[SourceFile]) -> String {
    json!(files.iter().map(|f| json!({ "path": f.path, "text": f.text })).collect::<Vec<_>>())
        .to_string()
}

/// The KB files of a snapshot.
pub fn snapshot_files(text: &str) -> Result<Vec<SourceFile>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let list = value.as_array().ok_or("a KB snapshot is a JSON array")?;
    list.iter()
        .map(|f| {
            let field = |k: &str| f.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            match (field("path"), field("text")) {
                (Some(path), Some(text)) => Ok(SourceFile { path, text }),
                _ => Err("a KB snapshot entry needs `path` and `text`".to_owned()),
            }
        })
        .collect()
}

/// Opens the service's database and prepares it: migrates, makes the provider organisation and
/// its first admin on a new database, deploys the instance's own KB if the database never had
/// its version, and returns the current KB (see `kb_deploy`).
pub async fn open(config: &Config) -> anyhow::Result<Opened> {
    let store = open_store(&config.database_url, &config.store).await?;
    baseline_states(&store).await.context("recording the state of every stored object")?;
    let (files, own) = kb_deploy::own_kb(config.kb_dir.as_deref())?;
    let first_admin = first_admin(&store, &config.provider_name).await?;
    let provider = provider_org(&store, &config.provider_name).await?;
    let kb = kb_deploy::start(&store, &provider, (own, files), now_micros())
        .await
        .context("deploying the knowledge base")?;
    Ok(Opened { store, kb: Arc::new(kb), first_admin })
}

/// On a database from before audit events recorded the state of their objects (migration 5),
/// records once the state every stored object is found in, each in its organisation's chain
/// (`state.baseline`, by `system:upgrade`), so that `preclear audit verify` can compare every
/// object from then on. What was changed before the upgrade cannot be told apart; what changes
/// after can.
async fn baseline_states(store: &Store) -> anyhow::Result<()> {
    if store.states_recorded().await? {
        return Ok(());
    }
    let states = store.stored_states().await?;
    if states.is_empty() {
        return Ok(());
    }
    let actor = Actor("system:upgrade".into());
    let at = now_micros();
    let changes: Vec<Change> = states
        .into_iter()
        .map(|(org, state)| {
            let (kind, id) = state.object.0.split_once('/').unwrap_or(("object", &state.object.0));
            let (kind, id) = (kind.to_owned(), id.to_owned());
            Change {
                event: ops::event(org, &actor, at, "state.baseline", (&kind, id), None, None),
                mutation: Mutation::RecordState(state),
            }
        })
        .collect();
    for batch in changes.chunks(500) {
        store.commit(batch).await?;
    }
    tracing::info!(objects = changes.len(), "recorded the state of every stored object");
    Ok(())
}

/// The provider organisation whose chain records KB deployments: the one named in the
/// configuration, else the only provider there is.
pub async fn provider_org(store: &Store, name: &str) -> anyhow::Result<Org> {
    if let Some(org) = store.org_by_name(System::Startup, name).await? {
        return Ok(org);
    }
    let providers: Vec<Org> = store
        .all_orgs(System::Startup)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Provider)
        .collect();
    match <[Org; 1]>::try_from(providers) {
        Ok([one]) => Ok(one),
        Err(providers) if providers.is_empty() => anyhow::bail!(
            "the database has no provider organisation yet: run `preclear serve` once (its first start makes `{name}`), or `preclear admin org create NAME --kind provider`"
        ),
        Err(providers) => anyhow::bail!(
            "no provider organisation is named `{name}` (provider_name) and there are {} others: set provider_name to the one that deploys",
            providers.len()
        ),
    }
}

/// On a database without users, makes the provider organisation and an admin with a random
/// password. When several instances start at once, one wins and the others see its work.
async fn first_admin(store: &Store, provider_name: &str) -> anyhow::Result<Option<FirstAdmin>> {
    if store.count_users(System::Startup).await? > 0 {
        return Ok(None);
    }
    let actor = Actor("system:first-start".into());
    let at = now_micros();
    let org = match store.org_by_name(System::Startup, provider_name).await? {
        Some(org) => org,
        None => {
            match ops::create_org(store, &actor, provider_name, OrgKind::Provider, None, at).await {
                Ok(org) => org,
                Err(ServiceError::Conflict(_)) => return Ok(None),
                Err(other) => anyhow::bail!("creating the provider organisation: {other:?}"),
            }
        }
    };
    match ops::create_user(store, &actor, &org, "admin", None, Role::Admin, at).await {
        Ok((user, Some(password))) => {
            Ok(Some(FirstAdmin { org: org.name, username: user.username, password }))
        }
        Ok((_, None)) => Ok(None),
        Err(ServiceError::Conflict(_)) => Ok(None),
        Err(other) => anyhow::bail!("creating the first admin: {other:?}"),
    }
}
