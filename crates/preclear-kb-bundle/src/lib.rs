//! The knowledge base of the repository's `kb/` directory, embedded at build time, so that the
//! `preclear` binary needs no files beside it. `build.rs` lists the files; [`load`] validates
//! them like any other KB.

use preclear_kb::{Kb, KbErrors, SourceFile};

include!(concat!(env!("OUT_DIR"), "/bundle.rs"));

/// The embedded files, as the loader takes them.
pub fn files() -> Vec<SourceFile> {
    FILES
        .iter()
        .map(|(path, text)| SourceFile { path: (*path).to_owned(), text: (*text).to_owned() })
        .collect()
}

/// Loads the embedded knowledge base (its content version was computed at build time).
pub fn load() -> Result<Kb, KbErrors> {
    preclear_kb::load_prehashed(&files(), VERSION)
}

/// The content version computed at build time.
pub fn version() -> &'static str {
    VERSION
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_computed_at_build_time_is_the_loaders() {
        assert_eq!(super::version(), preclear_kb::version_of_files(&super::files()));
    }
}
