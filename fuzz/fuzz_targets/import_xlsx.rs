//! The spreadsheet importer on XLSX bytes: a request, problems or an error; never a panic that
//! escapes, whatever the archive holds (the limits bound what it may expand to).
//!
//! The importer catches a panic of the third-party XLSX reader and refuses the file
//! (`preclear_import::read_workbook`). libfuzzer-sys's panic hook would abort on that caught
//! panic too, so the target restores Rust's default hook once: a caught panic is then only
//! printed, and a panic that escapes the importer still aborts the run (libfuzzer-sys catches it
//! and aborts), which is what this target looks for.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use preclear_import::{Limits, MappingOverride, RequestDefaults, import};

static DEFAULT_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let _ = import(
        "list.xlsx",
        data,
        &MappingOverride::default(),
        &RequestDefaults::default(),
        &Limits::default(),
    );
});
