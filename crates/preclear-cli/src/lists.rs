//! `preclear lists update` and `lists versions`: the restricted-party lists as a dataset
//! deployed to the service's database at run time (`preclear_service::screening` has the
//! mechanism). An update replaces one list of the set in force (the deployed one, else the
//! bundled snapshots) with the publisher's files, checks that every list reads, says what
//! changed entry by entry, and deploys the new set; every instance screens with it at its next
//! look at the deployment log.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use preclear_screening::formats::ListFormat;
use preclear_screening::sets::SetList;
use preclear_service::bootstrap::{open_store, provider_org};
use preclear_service::clock::now_micros;
use preclear_service::screening::{self, Outcome};
use preclear_store::DatasetKind;

use crate::Format;
use crate::service::{DbArgs, api_error, runtime, shell_actor};

/// `preclear lists update --format F --published DATE FILE…`.
pub(crate) fn update(
    db: &DbArgs,
    format: &str,
    published: &str,
    files: &[PathBuf],
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let format: ListFormat = match format.parse() {
        Ok(format) => format,
        Err(error) => {
            eprintln!("--format: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut read = Vec::with_capacity(files.len());
    for path in files {
        let size =
            std::fs::metadata(path).with_context(|| format!("reading `{}`", path.display()))?.len();
        if size > preclear_screening::lists::MAX_LIST_BYTES as u64 {
            eprintln!(
                "{}: {size} bytes; a list file may have at most {} bytes",
                path.display(),
                preclear_screening::lists::MAX_LIST_BYTES
            );
            return Ok(ExitCode::from(2));
        }
        let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        read.push((name, bytes));
    }
    let list = match SetList::new(format, published, read) {
        Ok(list) => list,
        Err(error) => {
            let field = if error.0.contains("publication date") { "--published" } else { "FILE" };
            eprintln!("{field}: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let config = db.resolve(None)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database_url, &config.store).await?;
        let provider = provider_org(&store, &config.provider_name).await?;
        let result =
            screening::update(&store, &shell_actor(), &provider, list, dry_run, now_micros()).await;
        store.close().await;
        let update = match result {
            Ok(update) => update,
            Err(preclear_service::ServiceError::Invalid(errors)) => {
                for error in errors {
                    eprintln!("not deployed: {}", error.message);
                }
                return Ok(ExitCode::from(1));
            }
            Err(other) => return Err(api_error(other)),
        };
        for list in &update.lists {
            outln!("{} of {}: {} entries", list.format, list.published, list.entries);
            for left in &list.left_out {
                outln!("    left out: {left}");
            }
        }
        outln!(
            "against the lists in force: {} entries added, {} changed, {} removed",
            update.added,
            update.changed,
            update.removed
        );
        match update.outcome {
            Outcome::AlreadyCurrent => {
                outln!("lists {} are already current: nothing to deploy", update.version);
            }
            Outcome::DryRun => outln!("dry run: lists {} were not deployed", update.version),
            Outcome::Deployed => {
                outln!(
                    "deployed lists {} (deployment {}); each running instance screens with them at its next look at the deployment log (kb_poll_seconds, 5 by default)",
                    update.version,
                    update.deployment.unwrap_or_default()
                );
                outln!(
                    "re-screened {} parties of the newest assessments against the {} entries added or changed: {} new {} (the operators' screening queue)",
                    update.rescreened_parties,
                    update.added + update.changed,
                    update.alerts.len(),
                    if update.alerts.len() == 1 { "hit" } else { "hits" }
                );
                for alert in &update.alerts {
                    outln!(
                        "    {} `{}` ({}) may be {} `{}` ({}): {} {}",
                        alert.role.replace('_', " "),
                        alert.party_name,
                        alert.assessment_id,
                        alert.list,
                        alert.entry_id,
                        alert.entry_name,
                        alert.band,
                        alert.score
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `preclear lists versions`.
pub(crate) fn versions(db: &DbArgs, format: Format) -> anyhow::Result<ExitCode> {
    crate::kb_deploy::deployment_log(
        db,
        DatasetKind::Lists,
        "no lists were deployed to this database yet: the service screens with the bundled snapshots, which are not current lists",
        format,
    )
}
