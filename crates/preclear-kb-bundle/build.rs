//! Embeds every file under the repository's `kb/` directory: writes `bundle.rs`, a list of
//! `(relative path, include_str!(absolute path))` and the KB's content version (computed here,
//! once, as `preclear_kb::version_of_files` computes it; a test checks they agree), and asks
//! Cargo to rerun when `kb/` changes.

use std::fmt::Write as _;

use sha2::Digest as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let kb_dir = manifest_dir.join("../../kb").canonicalize()?;
    let mut files = Vec::new();
    walk(&kb_dir, &kb_dir, &mut files)?;
    files.sort();
    let mut out = String::from(
        "/// Every file of `kb/`: path relative to `kb/`, content.\npub(crate) static FILES: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in &files {
        writeln!(out, "    ({relative:?}, include_str!({absolute:?})),")
            .map_err(io::Error::other)?;
    }
    out.push_str("];\n");
    // The content version: the same hash as `preclear_kb::version_of_files`.
    let mut hasher = sha2::Sha256::new();
    for (relative, absolute) in &files {
        let text = fs::read(absolute)?;
        hasher.update((relative.len() as u64).to_le_bytes());
        hasher.update(relative.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(&text);
    }
    let hex = hex::encode(hasher.finalize());
    writeln!(
        out,
        "/// The content version of `FILES`.\npub(crate) const VERSION: &str = \"sha256:{}\";",
        hex.get(..16).unwrap_or(&hex)
    )
    .map_err(io::Error::other)?;
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out_dir.join("bundle.rs"), out)?;
    println!("cargo::rerun-if-changed={}", kb_dir.display());
    Ok(())
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> io::Result<()> {
    println!("cargo::rerun-if-changed={}", dir.display());
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, files)?;
        } else {
            println!("cargo::rerun-if-changed={}", path.display());
            let relative = path.strip_prefix(root).map_err(io::Error::other)?;
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.display().to_string()));
        }
    }
    Ok(())
}
