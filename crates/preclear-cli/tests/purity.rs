//! The pure crates stay pure (ARCHITECTURE.md): domain, fx, pricing, kb, engine, program, import,
//! pdf, docs, classify, screening, route and assets do no IO, read no clock and know no runtime, database
//! or HTTP. A tidy test over their manifests and sources, so that a change that breaks the rule
//! fails here, with the line.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::path::{Path, PathBuf};

const PURE: [&str; 12] = [
    "domain",
    "fx",
    "pricing",
    "kb",
    "engine",
    "program",
    "import",
    "pdf",
    "docs",
    "classify",
    "screening",
    "route",
];

/// Dependencies a pure crate may not have.
const FORBIDDEN_DEPENDENCIES: [&str; 10] = [
    "tokio",
    "sqlx",
    "axum",
    "hyper",
    "tower",
    "tokio-postgres",
    "deadpool-postgres",
    "preclear-store",
    "preclear-server",
    "reqwest",
];

/// Source text a pure crate may not contain outside its tests.
const FORBIDDEN_CODE: [&str; 12] = [
    "std::fs",
    "std::net",
    "std::process",
    "std::env::var",
    "tokio::",
    "sqlx::",
    "axum::",
    "Zoned::now",
    "Timestamp::now",
    "SystemTime::now",
    "Instant::now",
    "File::open",
];

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(format!("preclear-{name}"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The `[dependencies]` table's names (not dev- or build-dependencies).
fn dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside && let Some((name, _)) = line.split_once(['=', '.']) {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// The lines of a source file that are not test code: everything before a module-level
/// `#[cfg(test)]` or `#[cfg(all(test, …))]` (tests come last in this code base).
fn non_test_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().take_while(|(_, line)| {
        !line.starts_with("#[cfg(test)]") && !line.starts_with("#[cfg(all(test")
    })
}

#[test]
fn pure_crates_depend_on_no_runtime_database_or_http() {
    let mut problems = Vec::new();
    for name in PURE {
        let manifest = std::fs::read_to_string(crate_dir(name).join("Cargo.toml")).unwrap();
        for dependency in dependencies(&manifest) {
            if FORBIDDEN_DEPENDENCIES.contains(&dependency.as_str()) {
                problems.push(format!("preclear-{name} depends on {dependency}"));
            }
        }
    }
    assert!(problems.is_empty(), "pure crates must stay pure:\n{}", problems.join("\n"));
}

/// The application layer knows no HTTP: its operations answer `ServiceError`, not statuses.
#[test]
fn the_service_crate_depends_on_no_http() {
    let manifest = std::fs::read_to_string(crate_dir("service").join("Cargo.toml")).unwrap();
    let http: Vec<String> = dependencies(&manifest)
        .into_iter()
        .filter(|d| {
            [
                "axum",
                "hyper",
                "hyper-util",
                "tower",
                "http",
                "http-body-util",
                "askama",
                "preclear-server",
            ]
            .contains(&d.as_str())
        })
        .collect();
    assert!(http.is_empty(), "preclear-service depends on {http:?}");
    for file in rust_files(&crate_dir("service").join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in non_test_lines(&text) {
            for forbidden in ["axum::", "hyper::", "StatusCode", "http::"] {
                assert!(
                    !line.contains(forbidden),
                    "{}:{}: {forbidden}",
                    file.display(),
                    number + 1
                );
            }
        }
    }
}

#[test]
fn pure_crates_do_no_io_and_read_no_clock() {
    let mut problems = Vec::new();
    for name in PURE {
        for file in rust_files(&crate_dir(name).join("src")) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (number, line) in non_test_lines(&text) {
                let code = line.split("//").next().unwrap_or_default();
                for forbidden in FORBIDDEN_CODE {
                    if code.contains(forbidden) {
                        problems.push(format!("{}:{}: {forbidden}", file.display(), number + 1));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "pure crates must stay pure:\n{}", problems.join("\n"));
}

#[test]
fn the_tidy_checks_see_what_they_forbid() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\ntokio.workspace = true\nserde = \"1\"\n[dev-dependencies]\nsqlx = \"0.9\"\n";
    assert_eq!(dependencies(manifest), ["tokio", "serde"]);
    let source = "use std::fs;\nfn f() {}\n#[cfg(test)]\nmod tests { use std::fs; }\n";
    let lines: Vec<_> = non_test_lines(source).map(|(n, _)| n).collect();
    assert_eq!(lines, [0, 1]);
}
