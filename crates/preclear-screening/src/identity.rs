//! What a decision on a hit is remembered by: the party as screened (its name normalised, and
//! its country) and the listed entry as it was (a fingerprint of everything the list says of
//! it). An operator's decision holds while both are the same; a party renamed or moved, or an
//! entry amended on a new version of its list, is screened afresh.

use crate::lists::Entry;
use crate::normalize::normalize;

/// The party's identity for decisions: its normalised tokens and legal forms, and its country
/// code (`banco nacional de cuba|CH`). Spelling, case, accents and punctuation do not change
/// it; another word, another legal form or another country does.
pub fn party_key(name: &str, country: &str) -> String {
    let normalized = normalize(name);
    let mut words = normalized.tokens;
    words.extend(normalized.legal_forms);
    format!("{}|{}", words.join(" "), country.trim().to_ascii_uppercase())
}

/// A fingerprint of everything the list says of an entry (list, id, kind, names with their
/// strength, countries, programs): 16 hex digits of FNV-1a, stable across builds and machines.
pub fn entry_fingerprint(entry: &Entry) -> String {
    let mut hash = Fnv::default();
    hash.field(entry.list.title());
    hash.field(&entry.id);
    hash.field(&format!("{:?}", entry.kind));
    for name in &entry.names {
        hash.field(&name.text);
        hash.field(if name.strong { "strong" } else { "weak" });
    }
    hash.field("countries");
    for country in &entry.countries {
        hash.field(country);
    }
    hash.field("programs");
    for program in &entry.programs {
        hash.field(program);
    }
    format!("{:016x}", hash.0)
}

/// FNV-1a, 64 bits, each field followed by a separator byte no text holds.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn field(&mut self, text: &str) {
        for byte in text.bytes().chain([0xff]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::{EntryKind, EntryName, ListId};

    fn entry() -> Entry {
        Entry {
            list: ListId::OfacSdn,
            id: "306".into(),
            kind: EntryKind::Entity,
            names: vec![EntryName { text: "BANCO NACIONAL DE CUBA".into(), strong: true }],
            countries: vec!["Switzerland".into()],
            programs: vec!["CUBA".into()],
        }
    }

    #[test]
    fn a_party_is_the_same_however_it_is_spelt_and_another_when_it_changes() {
        let key = party_key("Banco Nacional de Cuba", "ch");
        assert_eq!(key, "banco nacional de cuba|CH");
        assert_eq!(party_key("BANCO NACIONAL DE CUBA.", "CH"), key);
        assert_ne!(party_key("Banco Nacional de Cuba", "TR"), key, "another country");
        assert_ne!(party_key("Banco Nacional de Cuba S.A.", "CH"), key, "another legal form");
        assert_ne!(party_key("Banco Nacional", "CH"), key, "another name");
    }

    #[test]
    fn the_fingerprint_changes_with_anything_the_list_says() {
        let base = entry_fingerprint(&entry());
        assert_eq!(base.len(), 16);
        assert_eq!(entry_fingerprint(&entry()), base, "deterministic");
        let mut renamed = entry();
        renamed.names.push(EntryName { text: "BNC".into(), strong: false });
        assert_ne!(entry_fingerprint(&renamed), base);
        let mut weakened = entry();
        if let Some(name) = weakened.names.first_mut() {
            name.strong = false;
        }
        assert_ne!(entry_fingerprint(&weakened), base);
        let mut moved = entry();
        moved.countries.push("Cuba".into());
        assert_ne!(entry_fingerprint(&moved), base);
        let mut listed = entry();
        listed.programs.push("SDGT".into());
        assert_ne!(entry_fingerprint(&listed), base);
        // Fields do not run into each other.
        let mut a = entry();
        a.countries = vec!["ab".into(), "c".into()];
        let mut b = entry();
        b.countries = vec!["a".into(), "bc".into()];
        assert_ne!(entry_fingerprint(&a), entry_fingerprint(&b));
    }
}
