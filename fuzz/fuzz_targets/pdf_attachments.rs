//! The PDF attachment reader (how a document audit finds the request inside a PDF preclear
//! wrote): any bytes give attachments or an error, never a panic, within the size bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(attachments) = preclear_pdf::attachments(data, 1 << 20) {
        let total: usize = attachments.iter().map(|a| a.data.len()).sum();
        assert!(total <= 1 << 20, "the bound holds");
    }
});
