//! The service as a process: killed with SIGKILL under load it loses no acknowledged
//! assessment and its audit trail verifies; two instances on one PostgreSQL database keep each
//! organisation's chain intact under concurrent writes (when `PRECLEAR_TEST_DATABASE_URL` is
//! set).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use preclear_loadgen::{Client, LoadConfig, run, shipment_request};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

const PRECLEAR: &str = env!("CARGO_BIN_EXE_preclear");

struct Server {
    child: Child,
    base: String,
    /// The first admin's API key, when this start made it.
    key: Option<String>,
}

async fn start(db: &[&str]) -> Server {
    let mut child = Command::new(PRECLEAR)
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(db)
        .env("PRECLEAR_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut key = None;
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(k) = line.trim().strip_prefix("API key:") {
                key = Some(k.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("preclear serve: http://") {
                return rest.split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("the server stopped before listening");
    };
    let address =
        tokio::time::timeout(Duration::from_secs(60), read).await.expect("the server starts");
    Server { child, base: format!("http://{address}"), key }
}

async fn stored_ids(base: &str, key: &str) -> HashSet<String> {
    let client = Client::new();
    let mut ids = HashSet::new();
    let mut cursor = String::new();
    loop {
        let url = format!("{base}/api/v1/assessments?limit=200{cursor}");
        let page: serde_json::Value =
            serde_json::from_str(&client.get(&url, key).await.unwrap().text).unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.insert(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

fn verify(db: &[&str]) -> String {
    let output = std::process::Command::new(PRECLEAR)
        .args(["audit"])
        .args(db)
        .arg("verify")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "audit verify failed:\n{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

fn load(base: &str, key: &str, seconds: u64) -> LoadConfig {
    LoadConfig {
        url: format!("{base}/api/v1/assessments"),
        key: key.to_owned(),
        body: shipment_request(20),
        connections: 8,
        duration: Duration::from_secs(seconds),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_assessment() {
    let dir = std::env::temp_dir().join(format!("preclear-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_string_lossy().into_owned();
    let db = ["--data-dir", data.as_str()];
    let mut server = start(&db).await;
    let key = server.key.clone().expect("a first start prints an API key");
    let running = tokio::spawn(run(load(&server.base, &key, 4)));
    tokio::time::sleep(Duration::from_millis(2000)).await;
    server.child.start_kill().unwrap(); // SIGKILL
    server.child.wait().await.unwrap();
    let report = running.await.unwrap();
    assert!(report.acknowledged > 20, "the load ran before the kill: {report:?}");
    assert!(report.errors > 0, "the kill interrupted the load");

    let restarted = start(&db).await;
    assert!(restarted.key.is_none(), "a restart makes no new admin");
    let stored = stored_ids(&restarted.base, &key).await;
    let lost: Vec<&String> = report.ids.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged assessments lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
    drop(restarted);
    let verified = verify(&db);
    assert!(verified.contains("audit trail intact"), "{verified}");
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_keep_the_chain_intact() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!("skipped: set PRECLEAR_TEST_DATABASE_URL to run two instances on PostgreSQL");
        return;
    };
    let schema = format!("twoinst_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    )))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");
    let db = ["--database-url", url.as_str()];
    let first = start(&db).await;
    let key = first.key.clone().expect("a first start prints an API key");
    let second = start(&db).await;
    assert!(second.key.is_none());
    let (a, b) = tokio::join!(run(load(&first.base, &key, 3)), run(load(&second.base, &key, 3)));
    assert!(a.acknowledged > 0 && b.acknowledged > 0, "both instances took writes: {a:?} {b:?}");
    assert_eq!(a.errors + b.errors, 0, "{:?} {:?}", a.first_error, b.first_error);
    let verified = verify(&db);
    // The provider's chain: the organisation, the admin, the first key, then every assessment.
    let expected = format!("IOR Provider: {} events", 3 + a.acknowledged + b.acknowledged);
    assert!(verified.contains(&expected), "expected `{expected}` in:\n{verified}");
}
