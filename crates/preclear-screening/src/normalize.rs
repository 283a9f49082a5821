//! Names as they are compared: transliterated to Latin letters (`deunicode`: Cyrillic, Greek,
//! Arabic and CJK among others), lower case, punctuation and diacritics gone, split into
//! tokens; legal-form words (Ltd, GmbH, A.Ş., LLC, OOO, 有限公司 once transliterated…) set
//! apart, because they say what kind of company a name is, not which.
//!
//! What transliteration cannot do: it writes one Latin spelling per script (a Russian name may
//! be written Sheremetyevo or Sheremetevo in a document, `deunicode` gives one of them; the
//! token similarity then has to bridge the rest), Arabic without vowels stays without them, and
//! Chinese comes out as pinyin syllables without tones, split per character.

use deunicode::deunicode;

/// Words that name a legal form or a generic company word, in several languages, as they read
/// after normalisation. They are kept out of the comparison.
const LEGAL_FORMS: &[&str] = &[
    "ltd",
    "limited",
    "llc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "mbh",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "as",
    "ab",
    "oy",
    "plc",
    "pte",
    "pvt",
    "private",
    "public",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "tov",
    "llp",
    "lp",
    "sdn",
    "bhd",
    "tbk",
    "pt",
    "cv",
    "fze",
    "fzco",
    "fzc",
    "youxian",
    "gongsi",
    "youxiangongsi",
    "kabushiki",
    "kaisha",
    "sirketi",
    "sti",
    "anonim",
    "ve",
    "ticaret",
];

/// A name, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    /// The tokens compared, in order.
    pub tokens: Vec<String>,
    /// Legal-form words found and set apart.
    pub legal_forms: Vec<String>,
}

/// Transliterated, lower case, letters and digits only, as tokens; legal forms set apart.
pub fn normalize(name: &str) -> Normalized {
    let latin = deunicode(name).to_lowercase();
    // Runs of single letters are one initialism: `A.Ş.` is `as`, `L.L.C.` is `llc`.
    let mut words: Vec<String> = Vec::new();
    let mut run = String::new();
    for word in latin.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()) {
        if word.len() == 1 {
            run.push_str(word);
            continue;
        }
        if !run.is_empty() {
            words.push(std::mem::take(&mut run));
        }
        words.push(word.to_owned());
    }
    if !run.is_empty() {
        words.push(run);
    }
    let mut tokens = Vec::new();
    let mut legal_forms = Vec::new();
    for token in words {
        if LEGAL_FORMS.contains(&token.as_str()) {
            legal_forms.push(token);
        } else {
            tokens.push(token);
        }
    }
    // A name that is nothing but legal-form words keeps them (it has nothing else to match).
    if tokens.is_empty() {
        tokens = std::mem::take(&mut legal_forms);
    }
    Normalized { tokens, legal_forms }
}

/// A token's sound, for names spelt after different transliterations (`kuba`/`cuba`,
/// `nasional`/`nacional`, `muhammad`/`mohamed`, `sheremetevo`/`sheremetyevo`): `c` before
/// e, i or y and `z` sound as `s`, other `c`, `q` and `ck` as `k`, `ph` as `f`, `w` as `v`,
/// `kh` as `h`, `dzh`/`dj` as `j`; every vowel (and `y`) is one sound, `h` after a letter is
/// silent, and a sound repeated is written once. Digits stay as they are.
pub fn phonetic(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut sounds: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let (sound, skip) = match (c, next) {
            ('p', Some('h')) => ('f', 2),
            ('c', Some('k')) => ('k', 2),
            ('k', Some('h')) => ('h', 2),
            ('d', Some('j')) => ('j', 2),
            ('d', Some('z')) if chars.get(i + 2) == Some(&'h') => ('j', 3),
            ('c', Some('e' | 'i' | 'y')) => ('s', 1),
            ('c' | 'q', _) => ('k', 1),
            ('z', _) => ('s', 1),
            ('w', _) => ('v', 1),
            (other, _) => (other, 1),
        };
        sounds.push(sound);
        i += skip;
    }
    let mut key = String::with_capacity(sounds.len());
    for (at, sound) in sounds.iter().enumerate() {
        let sound = match sound {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' => 'a',
            'h' if at > 0 => continue,
            other => *other,
        };
        if key.ends_with(sound) {
            continue;
        }
        key.push(sound);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_transliterated_and_legal_forms_set_apart() {
        let n = normalize("Anadolu Veri Merkezi A.Ş.");
        assert_eq!(n.tokens, ["anadolu", "veri", "merkezi"]);
        assert_eq!(n.legal_forms, ["as"], "A.Ş. is one initialism, a legal form");
        assert_eq!(normalize("ООО Ромашка").tokens, ["romashka"]);
        assert_eq!(normalize("ООО Ромашка").legal_forms, ["ooo"]);
        assert_eq!(normalize("Müller GmbH & Co. KG").tokens, ["muller"]);
        assert_eq!(normalize("Ελληνική Εταιρεία").tokens, ["ellenike", "etaireia"]);
        assert_eq!(normalize("LTD").tokens, ["ltd"], "a name of legal forms only keeps them");
    }

    #[test]
    fn transliterations_of_a_name_sound_alike() {
        for (a, b) in [
            ("kuba", "cuba"),
            ("nasional", "nacional"),
            ("sheremetevo", "sheremetyevo"),
            ("muhammad", "mohamed"),
            ("filip", "philip"),
            ("dzhamil", "jamil"),
            ("khalil", "halil"),
        ] {
            assert_eq!(phonetic(a), phonetic(b), "{a} ~ {b}");
        }
        for (a, b) in [("banco", "bank"), ("nasional", "national"), ("petrov", "petrova")] {
            assert_ne!(phonetic(a), phonetic(b), "{a} !~ {b}");
        }
    }
}
