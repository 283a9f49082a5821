//! Knowledge deployed at run time, on a SQLite store: an instance's own KB is deployed on its
//! first start and not again; a deploy and a rollback move the current version; a stored body
//! that no longer hashes to its version is refused rather than served.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use preclear_kb::SourceFile;
use preclear_service::bootstrap::{open_store, snapshot_json};
use preclear_service::kb_deploy::{deploy, load_stored, rollback, start};
use preclear_service::ops::{Actor, create_org};
use preclear_store::{DatasetKind, DeployAction, OrgKind, StoreOptions};

/// The bundled KB and its files, as `start` takes them.
fn bundled() -> (preclear_kb::Kb, Vec<SourceFile>) {
    let files = preclear_kb_bundle::files();
    (preclear_kb::load(&files).unwrap(), files)
}

#[tokio::test]
async fn deployments_move_the_current_version_and_altered_bodies_are_refused() {
    let dir = std::env::temp_dir().join(format!("preclear-service-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("preclear.db").display());
    let store = open_store(&url, &StoreOptions::default()).await.unwrap();
    let actor = Actor("shell:test".into());
    let provider =
        create_org(&store, &actor, "Provider", OrgKind::Provider, None, 1).await.unwrap();

    // First start: the instance's KB is deployed; a second start deploys nothing.
    let (kb, files) = bundled();
    let version = kb.version().as_str().to_owned();
    start(&store, &provider, (kb, files.clone()), 2).await.unwrap();
    start(&store, &provider, bundled(), 3).await.unwrap();
    let log = store.deployments(DatasetKind::Kb).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].action, log[0].version.as_str()), (DeployAction::Start, version.as_str()));

    // A changed KB deployed, then rolled back.
    let mut changed = files.clone();
    let manifest = changed.iter_mut().find(|f| f.path == "kb.toml").unwrap();
    manifest.text.push_str("\n# a changed edition\n");
    let changed_kb = preclear_kb::load(&changed).unwrap();
    let deployed =
        deploy(&store, &actor, &provider, (&changed_kb, &changed), DeployAction::Deploy, 4)
            .await
            .unwrap();
    assert_eq!(deployed.version, changed_kb.version().as_str());
    // An older instance restarting does not take the current version back.
    let served = start(&store, &provider, bundled(), 5).await.unwrap();
    assert_eq!(served.version().as_str(), changed_kb.version().as_str());
    rollback(&store, &actor, &provider, &version, 6).await.unwrap();
    let current = store.current_deployment(DatasetKind::Kb).await.unwrap().unwrap();
    assert_eq!(
        (current.action, current.version.as_str()),
        (DeployAction::Rollback, version.as_str())
    );
    assert!(rollback(&store, &actor, &provider, &version, 7).await.is_err(), "already current");
    assert!(rollback(&store, &actor, &provider, "sha256:0000000000000000", 8).await.is_err());

    // A body stored under a version it does not hash to is refused.
    let mut altered = files.clone();
    altered[0].text.push_str("\n# altered\n");
    store.save_kb_version("sha256:00000000deadbeef", &snapshot_json(&altered), 9).await.unwrap();
    let error = load_stored(&store, "sha256:00000000deadbeef").await.unwrap_err().to_string();
    assert!(error.contains("altered"), "{error}");

    let report = store.verify_audit(preclear_store::System::Audit).await.unwrap();
    assert!(report.ok(), "each deployment joined the provider's chain");
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
