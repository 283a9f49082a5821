//! The other list readers (US CSL, BIS Denied Persons, EU, UK) through `formats::read` on any
//! bytes: the first byte chooses the format, the rest is its file(s) (split at 0xFF bytes for a
//! format of several files); whatever reads is indexed and screened.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preclear_screening::formats::{read, ListFile, ListFormat};
use preclear_screening::Screener;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else { return };
    let formats = ListFormat::ALL;
    let Some(&format) = formats.get(usize::from(choice) % formats.len()) else { return };
    let wanted = format.files().len();
    let parts: Vec<&[u8]> = rest.splitn(wanted, |b| *b == 0xFF).collect();
    let files: Vec<ListFile<'_>> = (0..wanted)
        .map(|at| ListFile { name: "fuzz", bytes: parts.get(at).copied().unwrap_or_default() })
        .collect();
    if let Ok(read) = read(format, &files) {
        let screener = Screener::new(read.entries);
        let _ = screener.screen("Rosoboronexport", Some("Russia"));
    }
});
