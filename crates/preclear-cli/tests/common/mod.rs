//! What the binary's tests share: running `preclear`, finding repository files, reading output.

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
