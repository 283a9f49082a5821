//! The spreadsheet importer on CSV bytes (any encoding, any separator).
#![no_main]

use libfuzzer_sys::fuzz_target;
use preclear_import::{Limits, MappingOverride, RequestDefaults, import};

fuzz_target!(|data: &[u8]| {
    let _ = import(
        "list.csv",
        data,
        &MappingOverride::default(),
        &RequestDefaults::default(),
        &Limits::default(),
    );
});
