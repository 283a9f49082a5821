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

    #[test]
    fn the_bundle_loads_whole_as_any_kb_and_its_rates_read_alike() {
        // `load` checks every rate; the bundle's `load` reads rows when asked: same answers.
        let checked = preclear_kb::load(&super::files()).expect("the bundled KB is valid");
        let bundled = super::load().expect("the bundled KB loads");
        assert_eq!(checked.version(), bundled.version());
        let c = |code: &str| preclear_domain::Currency::parse(code).expect("a currency");
        for day in ["2026-10-30", "2026-11-21", "2024-02-29", "2020-03-16"] {
            let on: preclear_domain::Date = day.parse().expect("a date");
            for (from, to) in [("EUR", "USD"), ("BRL", "USD"), ("TRY", "EUR"), ("GBP", "JPY")] {
                assert_eq!(
                    checked.fx().rate(c(from), c(to), on),
                    bundled.fx().rate(c(from), c(to), on),
                    "{from}->{to} on {day}"
                );
            }
        }
        assert_eq!(checked.fx().coverage(), bundled.fx().coverage());
    }
}
