//! The KB loader on one market file: the first two bytes name the market (`markets/XX.toml`),
//! the rest is its text. A KB or the list of its errors with their lines, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use preclear_kb::{SourceFile, load};

/// The HS nomenclature of the chapters IT hardware is in (a smaller file loads faster).
static HS: LazyLock<String> = LazyLock::new(|| {
    let full = include_str!("../../kb/hs/hs2022.csv");
    let mut lines = full.lines();
    let header = lines.next().unwrap_or_default();
    let mut out = format!("{header}\n");
    let it_chapters = |line: &&str| {
        line.split(',').nth(1).is_some_and(|code| ["84", "85", "94"].iter().any(|c| code.starts_with(c)))
    };
    for line in lines.filter(it_chapters) {
        out.push_str(line);
        out.push('\n');
    }
    out
});

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (code, text) = data.split_at(2);
    let (Ok(code), Ok(text)) = (std::str::from_utf8(code), std::str::from_utf8(text)) else {
        return;
    };
    let files = vec![
        SourceFile { path: "kb.toml".into(), text: "name = \"fuzz\"\nedition = \"fuzz\"\n".into() },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.clone() },
        SourceFile { path: format!("markets/{code}.toml"), text: text.to_owned() },
    ];
    if let Err(errors) = load(&files) {
        assert!(!errors.to_string().is_empty(), "a refusal says why");
    }
});
