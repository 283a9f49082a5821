//! The named passages of the sea network: the straits, canals and capes a closure names.

use serde::{Deserialize, Serialize};

/// A named passage. The network file tags the lanes through each one; closing a passage closes
/// them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Passage {
    /// The Suez Canal.
    Suez,
    /// The Strait of Bab-el-Mandeb, between the Red Sea and the Gulf of Aden.
    Babalmandab,
    /// The Strait of Hormuz.
    Hormuz,
    /// The Panama Canal.
    Panama,
    /// The Strait of Malacca.
    Malacca,
    /// The Sunda Strait.
    Sunda,
    /// The Strait of Gibraltar.
    Gibraltar,
    /// The Bosporus.
    Bosporus,
    /// The Dardanelles.
    Dardanelles,
    /// The lanes south of Africa, round the Cape of Good Hope.
    SouthAfrica,
    /// The lanes south of Chile: the Strait of Magellan, Cape Horn and the Drake Passage.
    Chile,
    /// The Bering Strait.
    Bering,
    /// The Northwest Passage (closed by default: ice, not a commercial lane).
    Northwest,
}

/// Every passage, in a stable order.
pub const PASSAGES: [Passage; 13] = [
    Passage::Suez,
    Passage::Babalmandab,
    Passage::Hormuz,
    Passage::Panama,
    Passage::Malacca,
    Passage::Sunda,
    Passage::Gibraltar,
    Passage::Bosporus,
    Passage::Dardanelles,
    Passage::SouthAfrica,
    Passage::Chile,
    Passage::Bering,
    Passage::Northwest,
];

impl Passage {
    /// The identifier a closure names (`suez`, `babalmandab`, `hormuz`…).
    pub fn id(self) -> &'static str {
        match self {
            Passage::Suez => "suez",
            Passage::Babalmandab => "babalmandab",
            Passage::Hormuz => "hormuz",
            Passage::Panama => "panama",
            Passage::Malacca => "malacca",
            Passage::Sunda => "sunda",
            Passage::Gibraltar => "gibraltar",
            Passage::Bosporus => "bosporus",
            Passage::Dardanelles => "dardanelles",
            Passage::SouthAfrica => "south_africa",
            Passage::Chile => "chile",
            Passage::Bering => "bering",
            Passage::Northwest => "northwest",
        }
    }

    /// Its name in a report.
    pub fn name(self) -> &'static str {
        match self {
            Passage::Suez => "Suez Canal",
            Passage::Babalmandab => "Bab-el-Mandeb",
            Passage::Hormuz => "Strait of Hormuz",
            Passage::Panama => "Panama Canal",
            Passage::Malacca => "Strait of Malacca",
            Passage::Sunda => "Sunda Strait",
            Passage::Gibraltar => "Strait of Gibraltar",
            Passage::Bosporus => "Bosporus",
            Passage::Dardanelles => "Dardanelles",
            Passage::SouthAfrica => "Cape of Good Hope",
            Passage::Chile => "Strait of Magellan and Cape Horn",
            Passage::Bering => "Bering Strait",
            Passage::Northwest => "Northwest Passage",
        }
    }

    /// The tag the network file uses (`ormuz`, `chili` are the file's spellings).
    pub(crate) fn from_tag(tag: &str) -> Option<Passage> {
        match tag {
            "ormuz" => Some(Passage::Hormuz),
            "chili" => Some(Passage::Chile),
            other => Passage::parse(other),
        }
    }

    /// A passage from what a user types: its identifier or a common spelling, any case
    /// (`suez`, `Bab-el-Mandeb`, `hormuz`, `cape`).
    pub fn parse(text: &str) -> Option<Passage> {
        let folded: String = text
            .trim()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let passage = match folded.as_str() {
            "suez" | "suezcanal" => Passage::Suez,
            "babalmandab" | "babelmandeb" | "babalmandeb" | "redsea" => Passage::Babalmandab,
            "hormuz" | "ormuz" | "straitofhormuz" => Passage::Hormuz,
            "panama" | "panamacanal" => Passage::Panama,
            "malacca" | "straitofmalacca" => Passage::Malacca,
            "sunda" | "sundastrait" => Passage::Sunda,
            "gibraltar" | "straitofgibraltar" => Passage::Gibraltar,
            "bosporus" | "bosphorus" => Passage::Bosporus,
            "dardanelles" => Passage::Dardanelles,
            "southafrica" | "cape" | "capeofgoodhope" => Passage::SouthAfrica,
            "chile" | "chili" | "magellan" | "capehorn" | "straitofmagellanandcapehorn" => {
                Passage::Chile
            }
            "bering" | "beringstrait" => Passage::Bering,
            "northwest" | "northwestpassage" => Passage::Northwest,
            _ => return None,
        };
        Some(passage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_passage_parses_from_its_id_and_name() {
        for passage in PASSAGES {
            assert_eq!(Passage::parse(passage.id()), Some(passage));
            assert_eq!(Passage::parse(passage.name()), Some(passage), "{}", passage.name());
        }
        assert_eq!(Passage::parse("Bab-el-Mandeb"), Some(Passage::Babalmandab));
        assert_eq!(Passage::parse("atlantis"), None);
        assert_eq!(Passage::from_tag("ormuz"), Some(Passage::Hormuz));
    }
}
