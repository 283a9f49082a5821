//! A description as the classifier reads it: segments (split at commas, semicolons and
//! brackets), each segment's words folded and stemmed, and each word's **role** — what the word
//! says of the goods.
//!
//! - The **head** is the first segment that names goods (the one a cue matches in first); it
//!   says what the goods are.
//! - Other segments are **attributes** ("2x Xeon", "512 GB", "refurbished").
//! - Words after "with" (mit, con, avec, com, incl…) are **components** of the goods.
//! - Words after "for" (für, para, pour, per, voor, dla, compatible…; not as a segment's first
//!   word, where it is a name: "Para Systems") — or before the Turkish "için" — name the **host**, the machine the goods are for: they do not say what the goods
//!   are ("rail kit for PowerEdge R740" is a rail kit, not a server), but the parts cues read
//!   them.

use preclear_domain::text::fold_text;

/// What a word says of the goods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The segment that names the goods.
    Head,
    /// The line's model field.
    Model,
    /// Another segment: a property of the goods.
    Attribute,
    /// A component the goods come with.
    Component,
    /// The machine the goods are for.
    Host,
}

impl Role {
    /// The points a cue of weight 1 earns in this role.
    pub(crate) fn points(self) -> u32 {
        match self {
            Role::Head => 10,
            Role::Model => 6,
            Role::Attribute => 4,
            Role::Component => 2,
            Role::Host => 0,
        }
    }

    /// The role's name in explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Head => "goods",
            Role::Model => "model",
            Role::Attribute => "attribute",
            Role::Component => "component",
            Role::Host => "host",
        }
    }
}

/// One word of a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Folded.
    pub folded: String,
    /// Folded and stemmed.
    pub stem: String,
    /// Its segment (0-based; the model field is its own segment after the description's).
    pub segment: usize,
    /// Its role; `Attribute` until the head is known.
    pub role: Role,
}

/// The longest description read, in characters (a request's text fields are at most 500).
pub const MAX_CHARS: usize = 1_000;

/// Words that introduce the host the goods are for.
const HOST_MARKERS: &[&str] = &[
    "for",
    "fur",
    "fuer",
    "para",
    "pour",
    "per",
    "voor",
    "dla",
    "compatible",
    "fits",
    "fit",
    "suitable",
    "til",
    "zu",
];
/// Words that introduce the components the goods come with.
const COMPONENT_MARKERS: &[&str] = &[
    "with",
    "mit",
    "con",
    "avec",
    "com",
    "incl",
    "including",
    "inkl",
    "met",
    "w",
    "z",
    "includes",
];

/// The stem a word is compared by: folded, with an English or Romance plural `s`/`es` taken
/// off (`servers` → `server`, `switches` → `switch`); words with digits and short words kept.
pub fn stem(word: &str) -> String {
    stem_str(word).to_owned()
}

/// [`stem`] without an allocation: every stem is a prefix of its word.
pub fn stem_str(word: &str) -> &str {
    if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
        return word;
    }
    for suffix in ["ches", "shes", "xes", "sses"] {
        if word.ends_with(suffix) {
            // `switches` → `switch`, `boxes` → `box`, `classes` → `class`: the `es` goes.
            return &word[..word.len() - 2];
        }
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return &word[..word.len() - 1];
    }
    word
}

/// The words of a description (and the line's model, when given), with their segments; roles
/// other than host and component are assigned later, once the head is known.
pub fn words(description: &str, model: Option<&str>) -> Vec<Word> {
    let description: String = description.chars().take(MAX_CHARS).collect();
    let mut out = Vec::new();
    let mut segment = 0;
    for part in split_segments(&description) {
        let folded = fold_text(part);
        let raw: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if raw.is_empty() {
            continue;
        }
        // Turkish "için" follows its host: the words before it are the host.
        let icin = raw.iter().position(|w| *w == "icin");
        let mut role = Role::Attribute;
        for (idx, word) in raw.iter().enumerate() {
            if HOST_MARKERS.contains(word) && idx > 0 && idx + 1 < raw.len() {
                role = Role::Host;
                continue;
            }
            if COMPONENT_MARKERS.contains(word)
                && idx > 0
                && idx + 1 < raw.len()
                && role != Role::Host
            {
                role = Role::Component;
                continue;
            }
            if Some(idx) == icin {
                continue;
            }
            let this = if icin.is_some_and(|at| idx < at) { Role::Host } else { role };
            out.push(Word { folded: (*word).to_owned(), stem: stem(word), segment, role: this });
        }
        segment += 1;
    }
    if let Some(model) = model {
        let model: String = model.chars().take(MAX_CHARS).collect();
        for word in fold_text(&model).split(' ').filter(|w| !w.is_empty()) {
            out.push(Word {
                folded: word.to_owned(),
                stem: stem(word),
                segment,
                role: Role::Model,
            });
        }
    }
    out
}

/// Splits at `,`, `;`, brackets, `|`, line breaks and a dash between spaces.
fn split_segments(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (idx, ch) in text.char_indices() {
        let dash = matches!(ch, '-' | '–' | '—')
            && idx > 0
            && bytes.get(idx - 1) == Some(&b' ')
            && text[idx + ch.len_utf8()..].starts_with(' ');
        if matches!(ch, ',' | ';' | '(' | ')' | '[' | ']' | '|' | '\n' | '\r') || dash {
            parts.push(&text[start..idx]);
            start = idx + ch.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Makes the first segment whose words earned a cue the head; the other description segments
/// stay attributes. `named` says whether a segment names goods.
pub(crate) fn assign_head(words: &mut [Word], named: impl Fn(usize) -> bool) {
    let head = words
        .iter()
        .filter(|w| w.role == Role::Attribute)
        .map(|w| w.segment)
        .find(|&segment| named(segment));
    if let Some(head) = head {
        for word in words.iter_mut() {
            if word.segment == head && word.role == Role::Attribute {
                word.role = Role::Head;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(String, Role)> {
        words(text, None).into_iter().map(|w| (w.stem, w.role)).collect()
    }

    #[test]
    fn stems_take_plurals_off_but_keep_part_numbers_and_short_words() {
        assert_eq!(stem("servers"), "server");
        assert_eq!(stem("switches"), "switch");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("ups"), "ups");
        assert_eq!(stem("gbps"), "gbp");
        assert_eq!(stem("10gbs"), "10gbs");
        assert_eq!(stem("class"), "class");
        assert_eq!(stem("chassis"), "chassi");
    }

    #[test]
    fn words_after_for_name_the_host_and_after_with_a_component() {
        let got = roles("Rail kit for PowerEdge R740, 2 units");
        assert_eq!(got[0], ("rail".to_owned(), Role::Attribute));
        assert_eq!(got[2], ("poweredge".to_owned(), Role::Host));
        assert_eq!(got[3], ("r740".to_owned(), Role::Host));
        assert_eq!(got[4].1, Role::Attribute, "a new segment ends the host");
        let got = roles("Server mit 2 Netzteilen");
        assert_eq!(got[0].1, Role::Attribute);
        assert_eq!(got[2], ("netzteilen".to_owned(), Role::Component));
        let got = roles("sunucu için ray kiti");
        assert_eq!(got[0], ("sunucu".to_owned(), Role::Host));
        assert_eq!(got[1].1, Role::Attribute);
        assert!(
            roles("server for").iter().all(|(_, role)| *role == Role::Attribute),
            "a marker at the end is a word"
        );
    }

    #[test]
    fn segments_split_at_punctuation_and_spaced_dashes_only() {
        assert_eq!(
            split_segments("SFP-10G-SR - 10 km, LC (duplex)"),
            vec!["SFP-10G-SR ", " 10 km", " LC ", "duplex", ""]
        );
        let long = "x".repeat(5_000);
        assert!(words(&long, None)[0].stem.len() <= MAX_CHARS);
    }
}
