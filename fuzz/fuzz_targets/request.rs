//! The shipment request parser: any text is read into a `Shipment` or into errors naming
//! fields, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(errors) = preclear_domain::request::parse_shipment_request(text) {
            assert!(!errors.0.is_empty(), "a refusal names at least one problem");
        }
    }
});
