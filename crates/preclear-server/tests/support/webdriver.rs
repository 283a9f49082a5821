//! A small W3C WebDriver client for end-to-end browser tests: it starts `chromedriver` on a free
//! port, opens a headless Chromium session with a fresh profile, and speaks JSON over HTTP/1 with
//! hyper. Every command panics with the WebDriver error and the command that failed, because this
//! is test code and a failed command is a failed test.
//!
//! Include it from a test file with `#[path = "support/webdriver.rs"] mod webdriver;` (the test
//! file's `#![allow(clippy::unwrap_used, ...)]` then covers this module too).
//!
//! Environment:
//! - `PRECLEAR_CHROMIUM`: the Chromium binary (default `/usr/bin/chromium`);
//! - `PRECLEAR_CHROMEDRIVER`: the chromedriver binary (default `/usr/bin/chromedriver`);
//! - `PRECLEAR_REQUIRE_BROWSER=1`: a missing browser fails the test instead of skipping it.

#![allow(dead_code, reason = "each test file uses a different part of the client")]

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// The W3C web element identifier key.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long chromedriver gets to answer `GET /status` with `ready: true`.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
/// An upper bound on any single WebDriver command, so a wedged browser fails instead of hanging.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);
/// How often `wait_for` polls.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// WebDriver key codes (for `send_keys`, `send_keys_to_active`). Modifier keys (`SHIFT`,
/// `CONTROL`, `ALT`, `META`) are sticky: they stay pressed until sent again or the text ends.
pub mod keys {
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ALT: &str = "\u{E00A}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const PAGE_UP: &str = "\u{E00E}";
    pub const PAGE_DOWN: &str = "\u{E00F}";
    pub const END: &str = "\u{E010}";
    pub const HOME: &str = "\u{E011}";
    pub const LEFT: &str = "\u{E012}";
    pub const UP: &str = "\u{E013}";
    pub const RIGHT: &str = "\u{E014}";
    pub const DOWN: &str = "\u{E015}";
    pub const DELETE: &str = "\u{E017}";
    pub const META: &str = "\u{E03D}";
}

/// `<workspace root>/test-output/browser/`, where browser tests put screenshots (gitignored).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..").join("test-output").join("browser")
}

/// A WebDriver error reply.
#[derive(Debug, Clone)]
pub struct WdError {
    pub status: u16,
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.error, self.message)
    }
}

/// The HTTP side of one session: cheap to clone, shared by the browser and its elements.
#[derive(Clone)]
struct Session {
    client: Client<HttpConnector, Full<Bytes>>,
    /// `http://127.0.0.1:PORT`
    origin: String,
    /// The session id; empty before the session exists.
    id: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("origin", &self.origin)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Sends one command; `path` is relative to the driver root (`/status`, `/session/...`).
    /// Returns the reply's `value`, or the WebDriver error.
    async fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, WdError> {
        let uri = format!("{}{path}", self.origin);
        let payload = body.map_or_else(Vec::new, |b| b.to_string().into_bytes());
        let request = hyper::Request::builder()
            .method(method)
            .uri(&uri)
            .header("content-type", "application/json; charset=utf-8")
            .body(Full::new(Bytes::from(payload)))
            .unwrap_or_else(|e| panic!("building WebDriver request {method} {path}: {e}"));
        let reply = async {
            let response = self.client.request(request).await.map_err(|e| WdError {
                status: 0,
                error: "transport".to_owned(),
                message: format!("{e:?}"),
            })?;
            let status = response.status().as_u16();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| WdError {
                    status,
                    error: "transport".to_owned(),
                    message: e.to_string(),
                })?
                .to_bytes();
            Ok::<_, WdError>((status, bytes))
        };
        let (status, bytes) =
            tokio::time::timeout(COMMAND_TIMEOUT, reply).await.map_err(|_| WdError {
                status: 0,
                error: "timeout".to_owned(),
                message: format!("no reply within {COMMAND_TIMEOUT:?}"),
            })??;
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| WdError {
            status,
            error: "invalid reply".to_owned(),
            message: format!("{e}: {}", String::from_utf8_lossy(&bytes)),
        })?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let field =
            |name: &str| value.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        Err(WdError { status, error: field("error"), message: field("message") })
    }

    /// A command on this session (`suffix` like `/url`), panicking on error.
    async fn cmd(&self, method: &str, suffix: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, suffix, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {suffix} failed: {e}"))
    }

    /// A command on this session, returning the WebDriver error.
    async fn try_cmd(
        &self,
        method: &str,
        suffix: &str,
        body: Option<Value>,
    ) -> Result<Value, WdError> {
        let path = format!("/session/{}{suffix}", self.id);
        self.raw(method, &path, body.as_ref()).await
    }

    fn element(&self, value: &Value, context: &str) -> Element {
        let id = value
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{context}: not an element reference: {value}"));
        Element { session: self.clone(), id: id.to_owned() }
    }

    fn elements(&self, value: &Value, context: &str) -> Vec<Element> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("{context}: not an array: {value}"))
            .iter()
            .map(|v| self.element(v, context))
            .collect()
    }

    /// Finds under `scope` (`""` for the document, `/element/ID` for an element).
    async fn try_find(&self, scope: &str, css: &str) -> Option<Element> {
        let body = json!({"using": "css selector", "value": css});
        match self.try_cmd("POST", &format!("{scope}/element"), Some(body)).await {
            Ok(v) => Some(self.element(&v, css)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("WebDriver find `{css}` failed: {e}"),
        }
    }

    async fn find(&self, scope: &str, css: &str) -> Element {
        let body = json!({"using": "css selector", "value": css});
        let v = self.cmd("POST", &format!("{scope}/element"), Some(body)).await;
        self.element(&v, css)
    }

    async fn find_all(&self, scope: &str, css: &str) -> Vec<Element> {
        let body = json!({"using": "css selector", "value": css});
        let v = self.cmd("POST", &format!("{scope}/elements"), Some(body)).await;
        self.elements(&v, css)
    }
}

/// A headless Chromium driven through chromedriver. Dropping it ends the session (best effort),
/// kills chromedriver and removes the temporary profile; `quit` does the same, asynchronously.
pub struct Browser {
    name: String,
    session: Session,
    driver: Child,
    profile_dir: PathBuf,
    /// Whether the WebDriver session is still open (so `Drop` must delete it).
    open: bool,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("name", &self.name)
            .field("session", &self.session)
            .field("profile_dir", &self.profile_dir)
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Creates a new, empty Chromium profile folder under the temp dir: the name mixes the process id,
/// a counter and a randomly seeded hash, and `create_dir` (not `_all`) guarantees it is fresh.
fn fresh_profile_dir() -> PathBuf {
    use std::hash::{BuildHasher as _, RandomState};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let salt = RandomState::new().hash_one((std::process::id(), n));
        let dir = std::env::temp_dir()
            .join(format!("preclear-chromium-{}-{n}-{salt:016x}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return dir,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => panic!("creating {}: {e}", dir.display()),
        }
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session, or returns `None` (after saying why
    /// on stderr) when Chromium or chromedriver is not installed. With
    /// `PRECLEAR_REQUIRE_BROWSER=1` a missing browser panics instead.
    pub async fn launch(name: &str) -> Option<Self> {
        let chromium = binary("PRECLEAR_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("PRECLEAR_CHROMEDRIVER", "/usr/bin/chromedriver");
        let missing: Vec<String> = [("Chromium", &chromium), ("chromedriver", &chromedriver)]
            .iter()
            .filter(|(_, path)| !path.is_file())
            .map(|(what, path)| format!("{what} ({})", path.display()))
            .collect();
        if !missing.is_empty() {
            let why = format!(
                "browser test `{name}`: {} {} not installed (apt-get install chromium \
                 chromium-driver), or set PRECLEAR_CHROMIUM/PRECLEAR_CHROMEDRIVER",
                missing.join(" and "),
                if missing.len() == 1 { "is" } else { "are" },
            );
            if std::env::var("PRECLEAR_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("PRECLEAR_REQUIRE_BROWSER=1 but cannot run {why}");
            }
            eprintln!("skipping {why}");
            return None;
        }

        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|e| panic!("picking a free port for chromedriver: {e}"))
            .port();
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));

        let mut session = Session {
            client: Client::builder(TokioExecutor::new()).build_http(),
            origin: format!("http://127.0.0.1:{port}"),
            id: String::new(),
        };
        let started = Instant::now();
        loop {
            if let Ok(status) = session.raw("GET", "/status", None).await
                && status.get("ready").and_then(Value::as_bool) == Some(true)
            {
                break;
            }
            if let Ok(Some(exit)) = driver.try_wait() {
                panic!(
                    "{} exited ({exit}) before it was ready on port {port}",
                    chromedriver.display()
                );
            }
            assert!(
                started.elapsed() < DRIVER_READY_TIMEOUT,
                "{} was not ready on port {port} within {DRIVER_READY_TIMEOUT:?}",
                chromedriver.display()
            );
            tokio::time::sleep(POLL_INTERVAL).await;
        }

        let profile_dir = fresh_profile_dir();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                    format!("--user-data-dir={}", profile_dir.display()),
                    "--window-size=1280,1000",
                ],
            },
        }}});
        let created =
            session.raw("POST", "/session", Some(&capabilities)).await.unwrap_or_else(|e| {
                let _ = std::fs::remove_dir_all(&profile_dir);
                panic!(
                    "creating a Chromium session ({}) through {}: {e}",
                    chromium.display(),
                    chromedriver.display()
                )
            });
        session.id = created
            .get("sessionId")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("new session reply without sessionId: {created}"))
            .to_owned();
        Some(Self { name: name.to_owned(), session, driver, profile_dir, open: true })
    }

    /// The name given to `launch` (handy for screenshot file names).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Navigates and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.session.cmd("POST", "/url", Some(json!({"url": url}))).await;
    }

    pub async fn current_url(&self) -> String {
        string(self.session.cmd("GET", "/url", None).await, "current url")
    }

    pub async fn title(&self) -> String {
        string(self.session.cmd("GET", "/title", None).await, "title")
    }

    pub async fn page_source(&self) -> String {
        string(self.session.cmd("GET", "/source", None).await, "page source")
    }

    /// The first element matching `css`; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        self.session.find("", css).await
    }

    /// All elements matching `css` (possibly none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.session.find_all("", css).await
    }

    /// The first element matching `css`, if any.
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        self.session.try_find("", css).await
    }

    /// Polls until an element matches `css`; panics (with the current URL) after `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let started = Instant::now();
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            if started.elapsed() >= timeout {
                let url = self.current_url().await;
                panic!("no element matched `{css}` within {timeout:?} on {url}");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Runs `script` as a function body (`arguments[i]` are `args`; use `Element::as_arg` to pass
    /// elements) and returns what it returns.
    pub async fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.session
            .cmd("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
            .await
    }

    /// Resizes the window (outer size; in headless Chromium the viewport follows).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.session
            .cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})))
            .await;
    }

    /// Saves a PNG of the viewport to `path` (creating its parent folders); returns the bytes.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Vec<u8> {
        let path = path.as_ref();
        let encoded = string(self.session.cmd("GET", "/screenshot", None).await, "screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_bytes())
            .unwrap_or_else(|e| panic!("screenshot is not base64: {e}"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
        }
        std::fs::write(path, &png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        png
    }

    /// The focused element (the body when nothing is focused).
    pub async fn active_element(&self) -> Element {
        let v = self.session.cmd("GET", "/element/active", None).await;
        self.session.element(&v, "active element")
    }

    /// Types `text` (which may contain `keys::*`) into whatever has focus, through the Actions
    /// API, so `keys::TAB` moves focus like a real keyboard. Modifiers are sticky until sent
    /// again or the text ends, as with element `send_keys`.
    pub async fn send_keys_to_active(&self, text: &str) {
        const MODIFIERS: [char; 8] = [
            '\u{E008}', '\u{E009}', '\u{E00A}', '\u{E03D}', '\u{E050}', '\u{E051}', '\u{E052}',
            '\u{E053}',
        ];
        let mut actions = Vec::new();
        let mut held: Vec<char> = Vec::new();
        for c in text.chars() {
            let key = c.to_string();
            if MODIFIERS.contains(&c) {
                if let Some(at) = held.iter().position(|h| *h == c) {
                    held.remove(at);
                    actions.push(json!({"type": "keyUp", "value": key}));
                } else {
                    held.push(c);
                    actions.push(json!({"type": "keyDown", "value": key}));
                }
            } else {
                actions.push(json!({"type": "keyDown", "value": key}));
                actions.push(json!({"type": "keyUp", "value": key}));
            }
        }
        for c in held.iter().rev() {
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.session.cmd("POST", "/actions", Some(body)).await;
    }

    /// Ends the session and stops chromedriver.
    pub async fn quit(mut self) {
        if self.open {
            self.open = false;
            if let Err(e) = self.session.try_cmd("DELETE", "", None).await {
                eprintln!("browser `{}`: ending the session: {e}", self.name);
            }
        }
        // Drop kills chromedriver and removes the profile.
    }

    /// Deletes the session with a blocking HTTP/1.1 request (Drop cannot await) and waits for
    /// the reply, which chromedriver sends once Chromium has exited. (chromedriver drops
    /// HTTP/1.0 requests without a reply, and keeps HTTP/1.1 connections open, so this reads
    /// exactly `Content-Length` bytes of body.)
    fn delete_session_blocking(&self) {
        let Some(addr) = self
            .session
            .origin
            .strip_prefix("http://")
            .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(15)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session.id
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return;
        }
        let mut reply = Vec::new();
        let mut chunk = [0_u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            reply.extend_from_slice(chunk.get(..n).unwrap_or_default());
            let text = String::from_utf8_lossy(&reply);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    return;
                }
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.open {
            self.open = false;
            self.delete_session_blocking();
        }
        let _ = self.driver.start_kill();
        for attempt in 0..5 {
            if std::fs::remove_dir_all(&self.profile_dir).is_ok() || !self.profile_dir.exists() {
                break;
            }
            if attempt < 4 {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn string(value: Value, what: &str) -> String {
    match value {
        Value::String(s) => s,
        other => panic!("{what}: expected a string, got {other}"),
    }
}

fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An element of the current page. It stays valid until the page changes.
#[derive(Debug, Clone)]
pub struct Element {
    session: Session,
    id: String,
}

impl Element {
    fn path(&self, suffix: &str) -> String {
        format!("/element/{}{suffix}", self.id)
    }

    async fn cmd(&self, method: &str, suffix: &str, body: Option<Value>) -> Value {
        self.session.cmd(method, &self.path(suffix), body).await
    }

    /// The element as a script argument for `Browser::execute`.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    pub async fn click(&self) {
        self.cmd("POST", "/click", Some(json!({}))).await;
    }

    /// Types `text` (which may contain `keys::*`) into the element.
    pub async fn send_keys(&self, text: &str) {
        self.cmd("POST", "/value", Some(json!({"text": text}))).await;
    }

    pub async fn clear(&self) {
        self.cmd("POST", "/clear", Some(json!({}))).await;
    }

    /// The rendered (visible) text.
    pub async fn text(&self) -> String {
        string(self.cmd("GET", "/text", None).await, "element text")
    }

    /// The HTML attribute, if present.
    pub async fn attr(&self, name: &str) -> Option<String> {
        match self.cmd("GET", &format!("/attribute/{name}"), None).await {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    /// The DOM property (`value`, `checked`, ...), if defined.
    pub async fn property(&self, name: &str) -> Option<Value> {
        match self.cmd("GET", &format!("/property/{name}"), None).await {
            Value::Null => None,
            other => Some(other),
        }
    }

    pub async fn tag_name(&self) -> String {
        string(self.cmd("GET", "/name", None).await, "tag name")
    }

    pub async fn is_displayed(&self) -> bool {
        self.cmd("GET", "/displayed", None).await.as_bool() == Some(true)
    }

    pub async fn is_selected(&self) -> bool {
        self.cmd("GET", "/selected", None).await.as_bool() == Some(true)
    }

    pub async fn is_enabled(&self) -> bool {
        self.cmd("GET", "/enabled", None).await.as_bool() == Some(true)
    }

    /// The first descendant matching `css`; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        self.session.find(&self.path(""), css).await
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.session.find_all(&self.path(""), css).await
    }

    pub async fn try_find(&self, css: &str) -> Option<Element> {
        self.session.try_find(&self.path(""), css).await
    }

    /// For a `<select>`: clicks its `<option value="...">`.
    pub async fn select_by_value(&self, value: &str) {
        let css = format!("option[value={}]", css_string(value));
        match self.try_find(&css).await {
            Some(option) => option.click().await,
            None => panic!("select has no option with value {value:?}"),
        }
    }
}
