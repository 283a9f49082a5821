//! The HS 2022 texts as a search index: every subheading's words (its own text and its
//! heading's), each weighted by how rare it is. It proposes codes for descriptions no cue
//! knows — general goods — and says which words of the heading text it found.

use std::collections::HashMap;

use crate::text::stem_str;
use preclear_domain::text::fold_text;

/// Words that say nothing about what goods are, sorted (searched by bisection).
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "c", "e", "excluding", "for", "from", "g",
    "having", "heading", "headings", "i", "in", "including", "it", "its", "kind", "kinds", "n",
    "nes", "not", "of", "on", "or", "other", "subheading", "such", "than", "that", "the", "their",
    "thereof", "this", "to", "type", "used", "whether", "which", "with", "without",
];

/// A subheading's entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The 6-digit code.
    pub(crate) code: String,
}

/// The index: stems → the subheadings whose text holds them, with the stem's weight.
#[derive(Debug, Default, Clone)]
pub(crate) struct Index {
    pub(crate) entries: Vec<Entry>,
    postings: HashMap<String, (u32, Vec<u32>)>,
}

/// Whether a stem is worth indexing or searching.
pub(crate) fn content(stem: &str) -> bool {
    stem.len() > 1
        && STOPWORDS.binary_search(&stem).is_err()
        && !stem.bytes().all(|b| b.is_ascii_digit())
}

impl Index {
    /// Builds the index from `(code, text)` rows of the nomenclature (2-, 4- and 6-digit).
    pub(crate) fn build<'a>(rows: impl Iterator<Item = (&'a str, &'a str)>) -> Index {
        let rows: Vec<(&str, &str)> = rows.collect();
        let headings: HashMap<&str, &str> =
            rows.iter().filter(|(code, _)| code.len() == 4).copied().collect();
        let mut subheadings: Vec<(&str, &str)> =
            rows.iter().filter(|(code, _)| code.len() == 6).copied().collect();
        subheadings.sort();
        let mut index = Index::default();
        for (idx, (code, text)) in subheadings.iter().enumerate() {
            let heading = code.get(..4).and_then(|h| headings.get(h)).copied().unwrap_or("");
            let folded = fold_text(&format!("{text} {heading}"));
            let mut stems: Vec<&str> =
                folded.split(' ').map(stem_str).filter(|s| content(s)).collect();
            stems.sort();
            stems.dedup();
            let idx = u32::try_from(idx).unwrap_or(u32::MAX);
            for s in stems {
                match index.postings.get_mut(s) {
                    Some(slot) => slot.1.push(idx),
                    None => {
                        index.postings.insert(s.to_owned(), (0, vec![idx]));
                    }
                }
            }
            index.entries.push(Entry { code: (*code).to_owned() });
        }
        let total = u32::try_from(index.entries.len()).unwrap_or(u32::MAX).max(1);
        for (weight, list) in index.postings.values_mut() {
            // Integer rarity: log2 of how many times rarer than everywhere, plus one.
            let df = u32::try_from(list.len()).unwrap_or(u32::MAX).max(1);
            *weight = (total.saturating_mul(4) / df).max(1).ilog2() + 1;
        }
        index
    }

    /// The subheadings whose texts share the most (rarity-weighted) words with `stems`, best
    /// first, at most `limit`: `(entry index, points of 100, the stems found)`.
    pub(crate) fn search(&self, stems: &[&str], limit: usize) -> Vec<(usize, u32, Vec<String>)> {
        let mut query: Vec<&str> = stems.iter().copied().filter(|s| content(s)).collect();
        query.sort();
        query.dedup();
        let known: Vec<(&str, u32, &Vec<u32>)> = query
            .iter()
            .filter_map(|s| self.postings.get(*s).map(|(w, list)| (*s, *w, list)))
            .collect();
        // Words the nomenclature never uses (brands, part numbers) do not count against it.
        let total: u32 = known.iter().map(|(_, w, _)| w).sum();
        if total == 0 {
            return Vec::new();
        }
        // Per subheading: its points and which query words it holds (a bit per word).
        let mut scores: HashMap<u32, (u32, u64)> = HashMap::new();
        for (bit, (_, weight, list)) in known.iter().enumerate().take(64) {
            for &entry in *list {
                let slot = scores.entry(entry).or_default();
                slot.0 += weight;
                slot.1 |= 1 << bit;
            }
        }
        let mut ranked: Vec<(u32, u32, u64)> =
            scores.into_iter().map(|(entry, (score, words))| (entry, score, words)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(entry, score, words)| {
                let found = known
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| *bit < 64 && words & (1 << bit) != 0)
                    .map(|(_, (s, ..))| (*s).to_owned())
                    .collect();
                (entry as usize, score * 100 / total, found)
            })
            .collect()
    }
}
