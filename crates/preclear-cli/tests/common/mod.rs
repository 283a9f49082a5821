//! What the binary's tests share: running `preclear`, starting `preclear serve`, finding
//! repository files, reading output.

#![allow(dead_code, reason = "each test binary uses a part")]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `preclear` binary built for these tests.
pub fn preclear(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preclear")).args(args).output().expect("the binary runs")
}

/// A path of the repository, from its root.
pub fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).display().to_string()
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `preclear serve` process of a test, on 127.0.0.1 and a port the system chose.
pub struct Served {
    /// The process (killed when dropped).
    pub child: tokio::process::Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// The first admin's API key, when this start made it.
    pub key: Option<String>,
}

/// Starts `preclear serve --listen 127.0.0.1:0` with `args` and waits until it listens.
pub async fn serve(args: &[std::ffi::OsString]) -> Served {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_preclear"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("PRECLEAR_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary runs");
    let mut lines =
        tokio::io::BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let mut key = None;
    let read = async {
        while let Some(line) = lines.next_line().await.expect("the server's output is text") {
            if let Some(k) = line.trim().strip_prefix("API key:") {
                key = Some(k.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("preclear serve: http://") {
                return rest.split_whitespace().next().unwrap_or_default().to_owned();
            }
        }
        panic!("the server stopped before listening");
    };
    let address = tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .expect("the server starts");
    Served { child, address, key }
}
