//! The list readers on any bytes: the first byte chooses the UN XML reader or OFAC's three CSV
//! files (split at 0xFF bytes); whatever reads is indexed and screened.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preclear_screening::lists::{ListId, read_ofac, read_un};
use preclear_screening::Screener;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else { return };
    let entries = if choice % 2 == 0 {
        read_un(rest)
    } else {
        let mut parts = rest.splitn(3, |b| *b == 0xFF);
        let (a, b, c) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        read_ofac(ListId::OfacSdn, a, b, c)
    };
    if let Ok(entries) = entries {
        let screener = Screener::new(entries);
        let _ = screener.screen("Banco Nacional de Cuba", Some("Cuba"));
    }
});
