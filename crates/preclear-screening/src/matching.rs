//! Matching a name against the lists: candidates from an index of name tokens, then each
//! candidate name scored token by token and explained.
//!
//! **Candidates.** Every listed name's tokens are indexed by the whole token and by its first
//! and last three letters, so a typo in one part of a word still finds it. The names that share
//! most keys with the query (at most [`MAX_CANDIDATES`]) are scored; the rest of the lists is
//! never looked at.
//!
//! **Score.** Each query token is paired with the most similar unused token of the name
//! (Jaro-Winkler; a pair below [`TOKEN_FLOOR`] does not count). Each token weighs by its
//! rarity in the lists (inverse document frequency: "trading" weighs less than "badege"). The
//! score is the weighted similarity of the pairs over the weight of both names' tokens, so a
//! token on either side with no partner lowers it. A weak alias scores 0.9 of the same. When the
//! query gives a country and the entry has countries, agreement adds 0.02 and conflict takes
//! 0.05.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use crate::lists::{Entry, EntryKind, ListId};
use crate::normalize::{Normalized, normalize, phonetic};

/// At least this is a match (a blocker).
pub const STRONG: f64 = 0.90;
/// At least this is a possible match (for an operator to decide).
pub const POSSIBLE: f64 = 0.80;
/// A token pair less similar than this does not count.
pub const TOKEN_FLOOR: f64 = 0.80;
/// The similarity of two tokens spelt apart that sound alike ([`crate::normalize::phonetic`]).
pub const PHONETIC: f64 = 0.90;
/// The least spelling similarity at which two tokens are compared by sound.
const SOUND_FLOOR: f64 = 0.70;
/// The most candidate names scored for one query.
pub const MAX_CANDIDATES: usize = 400;
/// The most hits answered.
pub const MAX_HITS: usize = 20;
/// The most screened names remembered (the same client and consignee come back on every
/// shipment); the memory is emptied when full.
pub const MAX_REMEMBERED: usize = 10_000;

/// One query token and the listed token it was paired with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenMatch {
    /// The query's token (normalised).
    pub query: String,
    /// The listed name's token; `None` when nothing was similar enough.
    pub listed: Option<String>,
    /// Their Jaro-Winkler similarity (0 without a partner).
    pub similarity: f64,
    /// The token's weight (its rarity in the lists).
    pub weight: f64,
}

/// A listed entry the query may be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The list.
    pub list: ListId,
    /// The list's name for people.
    pub list_title: &'static str,
    /// The entry's id on the list.
    pub entry_id: String,
    /// A fingerprint of the entry as listed ([`crate::identity::entry_fingerprint`]): a
    /// decision on the hit holds while it is the same.
    pub entry_fingerprint: String,
    /// What it is.
    pub kind: EntryKind,
    /// Its programs.
    pub programs: Vec<String>,
    /// The entry's primary name.
    pub entry_name: String,
    /// The name or alias that matched.
    pub matched_name: String,
    /// Whether that name is the primary name or a strong alias.
    pub strong_name: bool,
    /// The score, 0 to 1.
    pub score: f64,
    /// `match` (at least [`STRONG`]) or `possible`.
    pub band: &'static str,
    /// Each query token and its partner.
    pub tokens: Vec<TokenMatch>,
    /// Tokens of the listed name no query token was paired with.
    pub unmatched_listed: Vec<String>,
    /// Legal-form words left out of the comparison (the query's and the name's).
    pub legal_forms_ignored: Vec<String>,
    /// What the country did: `agrees (Russia)`, `conflicts (listed: Cuba)`, or empty.
    pub country: String,
}

/// The lists, indexed for screening.
#[derive(Debug)]
pub struct Screener {
    entries: Vec<Entry>,
    /// Each entry's countries as compared ([`country_key`]), in the entry's order.
    country_keys: Vec<Vec<String>>,
    /// Every name: (entry, name index in the entry, normalised).
    names: Vec<(u32, u16, Normalized)>,
    /// Index key → names (positions in `names`).
    index: HashMap<String, Vec<u32>>,
    /// Token → weight.
    weights: HashMap<String, f64>,
    /// The weight of a token the lists do not have (the rarest).
    unseen_weight: f64,
    /// Answers already computed, by name and country (the lists never change in a screener).
    remembered: Mutex<HashMap<Remembered, Vec<Hit>>>,
}

/// A screened name and country, as remembered.
type Remembered = (String, Option<String>);

/// A country as compared: its ISO code when it reads as a country (`CN`, `China`, `Turkey`,
/// `Türkiye`, `Korea, North`: the EU, BIS and CSL files give codes, the UN, OFAC and UK files
/// names, each in its own spelling), else its normalised words.
fn country_key(text: &str) -> String {
    match preclear_domain::country_from_text(text) {
        Ok(country) => country.as_str().to_owned(),
        Err(_) => normalize(text).tokens.join(" "),
    }
}

fn keys(token: &str) -> Vec<String> {
    let mut keys = vec![format!("={token}")];
    let chars: Vec<char> = token.chars().collect();
    if chars.len() >= 4 {
        keys.push(format!("^{}", chars.iter().take(3).collect::<String>()));
        keys.push(format!("{}$", chars.iter().skip(chars.len() - 3).collect::<String>()));
    }
    keys
}

impl Screener {
    /// Indexes the entries.
    pub fn new(entries: Vec<Entry>) -> Screener {
        let mut names = Vec::new();
        for (e, entry) in entries.iter().enumerate() {
            for (n, name) in entry.names.iter().enumerate() {
                let normalized = normalize(&name.text);
                if !normalized.tokens.is_empty() {
                    names.push((
                        u32::try_from(e).unwrap_or(u32::MAX),
                        u16::try_from(n).unwrap_or(u16::MAX),
                        normalized,
                    ));
                }
            }
        }
        let mut index: HashMap<String, Vec<u32>> = HashMap::new();
        let mut frequency: HashMap<String, u32> = HashMap::new();
        for (at, (_, _, normalized)) in names.iter().enumerate() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            let mut seen: Vec<&str> = Vec::new();
            for token in &normalized.tokens {
                if seen.contains(&token.as_str()) {
                    continue;
                }
                seen.push(token);
                *frequency.entry(token.clone()).or_default() += 1;
                for key in keys(token) {
                    let postings = index.entry(key).or_default();
                    if postings.last() != Some(&at) {
                        postings.push(at);
                    }
                }
            }
        }
        #[allow(clippy::cast_precision_loss, reason = "counts of names, far below 2^52")]
        let total = names.len() as f64 + 1.0;
        let weights = frequency
            .into_iter()
            .map(|(token, count)| (token, (total / (f64::from(count) + 1.0)).ln() + 1.0))
            .collect();
        let country_keys =
            entries.iter().map(|e| e.countries.iter().map(|c| country_key(c)).collect()).collect();
        Screener {
            entries,
            country_keys,
            names,
            index,
            weights,
            unseen_weight: total.ln() + 1.0,
            remembered: Mutex::new(HashMap::new()),
        }
    }

    /// How many entries are loaded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn weight(&self, token: &str) -> f64 {
        self.weights.get(token).copied().unwrap_or(self.unseen_weight)
    }

    /// The entries `name` may be, best first, at least [`POSSIBLE`], one hit per entry, at
    /// most [`MAX_HITS`]. `country` is the party's country as a name (`Russia`), when known.
    pub fn screen(&self, name: &str, country: Option<&str>) -> Vec<Hit> {
        let key = (name.to_owned(), country.map(str::to_owned));
        if let Some(hits) = self.remembered.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hits;
        }
        let hits = self.search(name, country);
        if let Ok(mut memory) = self.remembered.lock() {
            if memory.len() >= MAX_REMEMBERED {
                memory.clear();
            }
            memory.insert(key, hits.clone());
        }
        hits
    }

    /// [`Screener::screen`] without the memory of earlier answers: what a new name costs.
    pub fn search(&self, name: &str, country: Option<&str>) -> Vec<Hit> {
        let query = normalize(name);
        if query.tokens.is_empty() {
            return Vec::new();
        }
        let country = country.filter(|c| !c.trim().is_empty()).map(|c| (c, country_key(c)));
        let country = country.as_ref().map(|(c, key)| (*c, key.as_str()));
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for token in &query.tokens {
            for key in keys(token) {
                for &at in self.index.get(&key).map(Vec::as_slice).unwrap_or_default() {
                    *shared.entry(at).or_default() += 1;
                }
            }
        }
        let mut candidates: Vec<(u32, u32)> = shared.into_iter().collect();
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(MAX_CANDIDATES);
        let mut best: HashMap<u32, Hit> = HashMap::new();
        for (at, _) in candidates {
            let Some((entry_at, name_at, listed)) = self.names.get(at as usize) else { continue };
            let Some(entry) = self.entries.get(*entry_at as usize) else { continue };
            let Some(entry_name) = entry.names.get(usize::from(*name_at)) else { continue };
            let keys = self.country_keys.get(*entry_at as usize).map_or(&[][..], Vec::as_slice);
            let hit = self.score(
                &query,
                listed,
                (entry, keys),
                &entry_name.text,
                entry_name.strong,
                country,
            );
            if hit.score < POSSIBLE {
                continue;
            }
            match best.get(entry_at) {
                Some(old) if old.score >= hit.score => {}
                _ => {
                    best.insert(*entry_at, hit);
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then(a.list.cmp(&b.list)).then(a.entry_id.cmp(&b.entry_id))
        });
        hits.truncate(MAX_HITS);
        hits
    }

    /// The score of one query against one listed name, explained.
    fn score(
        &self,
        query: &Normalized,
        listed: &Normalized,
        (entry, entry_countries): (&Entry, &[String]),
        text: &str,
        strong: bool,
        country: Option<(&str, &str)>,
    ) -> Hit {
        let (tokens, unmatched, similarity) = self.align(&query.tokens, &listed.tokens);
        let mut score = if strong { similarity } else { similarity * 0.9 };
        let mut country_effect = String::new();
        if let Some((country, wanted)) = country
            && !entry.countries.is_empty()
        {
            if entry_countries.iter().any(|c| c == wanted) {
                score = (score + 0.02).min(1.0);
                country_effect = format!("agrees ({country})");
            } else {
                score = (score - 0.05).max(0.0);
                country_effect = format!("conflicts (listed: {})", entry.countries.join(", "));
            }
        }
        let mut legal = query.legal_forms.clone();
        legal.extend(listed.legal_forms.iter().cloned());
        Hit {
            list: entry.list,
            list_title: entry.list.title(),
            entry_id: entry.id.clone(),
            entry_fingerprint: crate::identity::entry_fingerprint(entry),
            kind: entry.kind,
            programs: entry.programs.clone(),
            entry_name: entry.names.first().map(|n| n.text.clone()).unwrap_or_default(),
            matched_name: text.to_owned(),
            strong_name: strong,
            band: if score >= STRONG { "match" } else { "possible" },
            score: (score * 1000.0).round() / 1000.0,
            tokens,
            unmatched_listed: unmatched,
            legal_forms_ignored: legal,
            country: country_effect,
        }
    }

    /// Pairs each query token with the most similar unused listed token; answers the pairs, the
    /// listed tokens left over and the weighted similarity.
    fn align(&self, query: &[String], listed: &[String]) -> (Vec<TokenMatch>, Vec<String>, f64) {
        let mut used = vec![false; listed.len()];
        let mut pairs = Vec::with_capacity(query.len());
        let mut matched = 0.0;
        for q in query {
            let sound = std::cell::OnceCell::new();
            let best = listed
                .iter()
                .enumerate()
                .filter(|(i, _)| !used.get(*i).copied().unwrap_or(true))
                .map(|(i, l)| {
                    let spelt = strsim::jaro_winkler(q, l);
                    // Two spellings of one sound (`dzhamil`, `jamil`) count as a close pair.
                    let sounds_alike = (SOUND_FLOOR..PHONETIC).contains(&spelt)
                        && q.len().min(l.len()) >= 3
                        && *sound.get_or_init(|| phonetic(q)) == phonetic(l);
                    (i, if sounds_alike { PHONETIC } else { spelt })
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            let weight = self.weight(q);
            match best {
                Some((i, similarity)) if similarity >= TOKEN_FLOOR => {
                    if let Some(flag) = used.get_mut(i) {
                        *flag = true;
                    }
                    let partner = listed.get(i).cloned().unwrap_or_default();
                    matched += similarity * (weight + self.weight(&partner)) / 2.0;
                    pairs.push(TokenMatch {
                        query: q.clone(),
                        listed: Some(partner),
                        similarity: (similarity * 1000.0).round() / 1000.0,
                        weight,
                    });
                }
                _ => pairs.push(TokenMatch {
                    query: q.clone(),
                    listed: None,
                    similarity: 0.0,
                    weight,
                }),
            }
        }
        let total = (query.iter().map(|t| self.weight(t)).sum::<f64>()
            + listed.iter().map(|t| self.weight(t)).sum::<f64>())
            / 2.0;
        let unmatched =
            listed.iter().zip(&used).filter(|(_, used)| !**used).map(|(t, _)| t.clone()).collect();
        let similarity = if total > 0.0 { (matched / total).min(1.0) } else { 0.0 };
        (pairs, unmatched, similarity)
    }

    /// The score of two names against each other, with these lists' token weights (for
    /// `screen match`): the first as the query, the second as the listed name.
    pub fn compare(&self, a: &str, b: &str) -> Hit {
        let entry = Entry {
            list: ListId::UnConsolidated,
            id: String::new(),
            kind: EntryKind::Entity,
            names: vec![crate::lists::EntryName { text: b.to_owned(), strong: true }],
            countries: Vec::new(),
            programs: Vec::new(),
        };
        self.score(&normalize(a), &normalize(b), (&entry, &[]), b, true, None)
    }
}
