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

/// Loads the embedded knowledge base.
pub fn load() -> Result<Kb, KbErrors> {
    preclear_kb::load(&files())
}
