//! The spreadsheet importer on XLSX bytes: a request, problems or an error; never a panic,
//! whatever the archive holds (the limits bound what it may expand to).
#![no_main]

use libfuzzer_sys::fuzz_target;
use preclear_import::{Limits, MappingOverride, RequestDefaults, import};

fuzz_target!(|data: &[u8]| {
    let _ = import(
        "list.xlsx",
        data,
        &MappingOverride::default(),
        &RequestDefaults::default(),
        &Limits::default(),
    );
});
