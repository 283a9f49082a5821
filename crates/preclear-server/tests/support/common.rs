//! What the server's test files share: calling the application in process, the configuration
//! of a test database, and fresh SQLite files or PostgreSQL schemas.

#![allow(dead_code, reason = "each test file uses a part")]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use preclear_server::config::{Config, FileConfig, Overrides};
use preclear_store::System;
use serde_json::Value;
use tower::ServiceExt as _;

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    /// The body as text (invalid UTF-8 replaced: see `bytes` for files).
    pub text: String,
    /// The body as bytes.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
}

/// Calls the application with headers and an optional body `(content type, text)`.
pub async fn call_with(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> Reply {
    let body = body.map(|(content_type, text)| (content_type, text.as_bytes().to_vec()));
    call_bytes(app, method, uri, headers, body).await
}

/// Calls the application with headers and an optional body `(content type, bytes)`.
pub async fn call_bytes(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        if !value.is_empty() {
            request = request.header(*name, *value);
        }
    }
    let request = match body {
        Some((content_type, bytes)) => {
            request.header("content-type", content_type).body(Body::from(bytes)).unwrap()
        }
        None => request.body(Body::empty()).unwrap(),
    };
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, text: String::from_utf8_lossy(&bytes).into_owned(), bytes }
}

/// Calls the application with `authorization` and a JSON body.
pub async fn call_json(app: &Router, method: &str, uri: &str, auth: &str, body: &Value) -> Reply {
    let body = Some(("application/json", body.to_string().into_bytes()));
    call_bytes(app, method, uri, &[("authorization", auth)], body).await
}

/// A multipart/form-data body: text fields, then files `(field, file name, bytes)`.
/// Whether the stored assessment `id` replays byte for byte (`POST …/replay` as `auth`).
pub async fn reproduced(app: &Router, auth: &str, id: &str) -> bool {
    let reply = call_bytes(
        app,
        "POST",
        &format!("/api/v1/assessments/{id}/replay"),
        &[("authorization", auth)],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["reproduced"] == true
}

/// The codes of a stored assessment's findings that start with `prefix` (`screening.`), in
/// order, leaving out `except`.
pub fn finding_codes(stored: &Value, prefix: &str, except: &[&str]) -> Vec<String> {
    stored["assessment"]["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with(prefix) && !except.contains(c))
        .map(str::to_owned)
        .collect()
}

pub fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "preclear-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The configuration of a test instance on `url`.
pub fn config(url: String) -> Config {
    let file = FileConfig { max_body_bytes: Some(1024 * 1024), ..FileConfig::default() };
    Config::resolve(file, Overrides { database_url: Some(url), ..Overrides::default() }).unwrap()
}

/// Runs SQL the application never would (tampering, test schemas).
pub async fn raw_sql(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        postgres_script(url, sql).await;
    }
}

/// Runs a script on PostgreSQL through its own connection, in the schema that the URL's
/// `options[search_path]` names (the form `postgres_url` makes).
pub async fn postgres_script(url: &str, sql: &str) {
    let (base, schema) = match url.split_once("options[search_path]=") {
        Some((base, schema)) => (base.trim_end_matches(['?', '&']), Some(schema)),
        None => (url, None),
    };
    let (client, connection) = tokio_postgres::connect(base, tokio_postgres::NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    if let Some(schema) = schema {
        client.batch_execute(&format!("SET search_path TO {schema}")).await.unwrap();
    }
    client.batch_execute(sql).await.unwrap();
    drop(client);
    connection.await.unwrap().unwrap();
}

/// A new SQLite file in a directory of its own.
pub fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("preclear-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite:{}", dir.join("preclear.db").display())
}

/// A fresh schema in the test PostgreSQL database; the URL that selects it.
pub async fn postgres_url(base: &str, name: &str) -> String {
    let schema = format!("{name}_{}", uuid::Uuid::new_v4().simple());
    raw_sql(base, &format!("CREATE SCHEMA {schema}")).await;
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options[search_path]={schema}")
}

/// The password of the test users `lena` and `otto`.
pub const PASSWORD: &str = "correct horse battery";

/// A service with its provider and two clients, each with a submitting user: `lena` at
/// Nordwind Systems GmbH and `otto` at Other Co (password [`PASSWORD`]).
pub struct TwoClients {
    pub config: Config,
    pub store: preclear_store::Store,
    pub kb: std::sync::Arc<preclear_kb::Kb>,
    pub first: preclear_server::bootstrap::FirstAdmin,
    pub provider: preclear_store::Org,
    pub nordwind: preclear_store::Org,
    pub other: preclear_store::Org,
}

impl TwoClients {
    /// Opens the service on `url` and creates the two clients and their users.
    pub async fn open(url: String) -> TwoClients {
        use preclear_server::ops::{self, Actor};
        use preclear_store::{OrgKind, Role};
        let config = config(url);
        let opened = preclear_server::open(&config).await.unwrap();
        let first = opened.first_admin.clone().unwrap();
        let store = opened.store.clone();
        let shell = Actor("shell:test".into());
        let provider = store.org_by_name(System::Shell, &first.org).await.unwrap().unwrap();
        let mut clients = Vec::new();
        for (name, user) in [("Nordwind Systems GmbH", "lena"), ("Other Co", "otto")] {
            let org = ops::create_org(&store, &shell, name, OrgKind::Client, Some(provider.id), 1)
                .await
                .unwrap();
            ops::create_user(&store, &shell, &org, user, Some(PASSWORD), Role::ClientSubmitter, 1)
                .await
                .unwrap();
            clients.push(org);
        }
        let other = clients.pop().unwrap();
        let nordwind = clients.pop().unwrap();
        TwoClients { config, store, kb: opened.kb, first, provider, nordwind, other }
    }

    /// An API key for `org` with `role`, made from the shell, as the `authorization` header.
    pub async fn bearer(&self, org: &preclear_store::Org, role: preclear_store::Role) -> String {
        let shell = preclear_server::ops::Actor("shell:test".into());
        let (_, key) = preclear_server::ops::create_key(&self.store, &shell, org, role, "test", 2)
            .await
            .unwrap();
        format!("Bearer {key}")
    }

    /// The application.
    pub fn app(&self) -> Router {
        preclear_server::app(preclear_server::AppState::new(
            self.store.clone(),
            self.kb.clone(),
            &self.config,
        ))
    }
}

/// The preclear data attached to a generated PDF: the documents' content (parties, lines,
/// totals), as the PDF states it.
pub fn attached_docs(pdf: &[u8]) -> Value {
    let files = preclear_pdf::attachments(pdf, 1 << 20).unwrap();
    let data = files.iter().find(|f| f.name == preclear_docs::ATTACHMENT_NAME).unwrap();
    serde_json::from_slice::<Value>(&data.data).unwrap()["docs"].clone()
}
