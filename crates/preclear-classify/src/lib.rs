//! HS classification of free text for IT and data-centre hardware.
//!
//! [`Classifier::classify`] reads a line — its description, and the fields a request line has
//! (category, model, battery) — and proposes HS 2022 subheadings, best first, each with the
//! points that ranked it and the **reasons** that earned them: the words that carried it, the
//! rule (a KB cue, the line's category, the category vocabulary, or the words of the HS 2022
//! text itself), the legal notes that decide it and their sources.
//!
//! The knowledge is the KB's (`kb/hs/classification.toml`: cues and legal notes, each with its
//! sources; `kb/hs/categories.toml`; `kb/hs/hs2022.csv`); this crate only reads and ranks, with
//! integer points, so the same line and KB give the same answer on every machine. How a word
//! counts depends on its role in the description (`text.rs`): the goods themselves earn full
//! points, attributes and components less, and the host a part is "for" none — but a parts cue
//! may require one.
//!
//! Pure: no IO, no clock.

pub mod evaluate;
mod index;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use preclear_domain::{
    Battery, BatteryChemistry, BatteryPacking, Category, CategoryVocabulary, Confidence,
};
use serde::Serialize;

use crate::text::{Role, Word};

/// At most this many candidates are returned.
pub const MAX_CANDIDATES: usize = 5;

/// A source a cue or note cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citation {
    /// What it is (a ruling with its number and date, a legal note, a heading text).
    pub title: String,
    /// Where to read it.
    pub url: Option<String>,
}

/// A word or phrase a cue looks for: folded and stemmed words, the last one a prefix when the
/// term was written with a trailing `*` (`qsfp*` finds `qsfp28`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    words: Vec<String>,
    prefix: bool,
}

impl Term {
    /// Reads a term as the KB writes it; `None` when it has no letters or digits.
    pub fn parse(text: &str) -> Option<Term> {
        let prefix = text.trim_end().ends_with('*');
        let folded = preclear_domain::text::fold_text(text);
        let words: Vec<String> = folded
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| if prefix { w.to_owned() } else { text::stem(w) })
            .collect();
        (!words.is_empty()).then_some(Term { words, prefix })
    }

    /// Every place the term occurs in `words` (consecutive words of one segment): the index of
    /// its first word.
    fn occurrences<'w>(&'w self, words: &'w [Word]) -> impl Iterator<Item = usize> + 'w {
        let n = self.words.len();
        let matches = move |i: usize, have: &Word, want: &String| {
            if self.prefix && i == n - 1 {
                have.folded.starts_with(want.as_str())
            } else {
                have.stem == *want
            }
        };
        (0..words.len().saturating_sub(n - 1)).filter(move |&start| {
            // The first word first: it rules out nearly every start.
            let window = &words[start..start + n];
            matches(0, &window[0], &self.words[0])
                && window.iter().all(|w| w.segment == window[0].segment)
                && window
                    .iter()
                    .zip(&self.words)
                    .enumerate()
                    .skip(1)
                    .all(|(i, (have, want))| matches(i, have, want))
        })
    }

    fn occurs(&self, words: &[Word]) -> bool {
        self.occurrences(words).next().is_some()
    }
}

/// A cue of the KB: words that point to a subheading.
#[derive(Debug, Clone)]
pub struct Cue {
    /// Its id (`cue.transceiver`).
    pub id: String,
    /// The HS 2022 subheading it points to (six digits).
    pub hs: String,
    /// The words or phrases, any of which triggers it.
    pub terms: Vec<Term>,
    /// When not empty, one of these must also occur in the line.
    pub with: Vec<Term>,
    /// None of these may occur among the words naming the goods (the head and the model).
    pub unless: Vec<Term>,
    /// None of these may occur anywhere in the line, attributes included ("1000 ft reel" makes
    /// a cable bulk cable wherever it is said).
    pub unless_line: Vec<Term>,
    /// When not empty, one of these must name the machine the goods are for (anywhere in the
    /// line: a parts cue).
    pub host: Vec<Term>,
    /// How decisive it is, 1 to 10.
    pub weight: u32,
    /// The legal notes that decide it (ids of [`LegalNote`]s).
    pub notes: Vec<String>,
    /// Its sources.
    pub citations: Vec<Citation>,
    /// How sure the KB is.
    pub confidence: Confidence,
    /// Why, in a sentence.
    pub says: String,
}

/// A legal note or rule of the Harmonized System that decides between subheadings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalNote {
    /// Its id (`note.xvi-2`).
    pub id: String,
    /// Its name (`Section XVI, Note 2`).
    pub title: String,
    /// What it says, in short.
    pub text: String,
    /// Its sources.
    pub sources: Vec<Citation>,
}

/// A hardware category's usual code, as the KB states it.
#[derive(Debug, Clone)]
pub struct CategoryDefault {
    /// The category.
    pub category: Category,
    /// Its usual subheading (six digits).
    pub hs: String,
    /// Its sources.
    pub citations: Vec<Citation>,
    /// How sure the KB is.
    pub confidence: Confidence,
}

/// What the classifier is built from.
#[derive(Debug, Default)]
pub struct Knowledge<'a> {
    /// The cues, in the KB's order.
    pub cues: Vec<Cue>,
    /// The legal notes.
    pub notes: Vec<LegalNote>,
    /// The HS 2022 nomenclature: `(code, text)` for chapters, headings and subheadings.
    pub nomenclature: Vec<(&'a str, &'a str)>,
    /// The categories' usual codes.
    pub categories: Vec<CategoryDefault>,
    /// The words that name categories.
    pub vocabulary: Arc<CategoryVocabulary>,
}

/// The classifier: the KB's knowledge, indexed once.
#[derive(Debug, Default)]
pub struct Classifier {
    cues: Vec<Cue>,
    /// The cues with a term whose first word is this stem (a single-word prefix term is in
    /// `prefixed` instead): only they can apply to a line without it.
    by_first: HashMap<String, Vec<usize>>,
    prefixed: Vec<usize>,
    /// The words a vocabulary entry can start with (folded): a line with none of them is named
    /// by no entry.
    vocabulary_first: std::collections::HashSet<String>,
    /// Single-word terms (stems), and the first two words of longer terms ("line card"): a
    /// line holding none of them holds no cue term.
    single_terms: std::collections::HashSet<String>,
    bigrams: std::collections::HashSet<String>,
    notes: BTreeMap<String, LegalNote>,
    /// The HS texts' word index, built on the first classification that needs it: a process
    /// that only checks declared codes (`names_goods`) never pays for it.
    index: std::sync::OnceLock<index::Index>,
    texts: HashMap<String, String>,
    categories: HashMap<Category, CategoryDefault>,
    vocabulary: Arc<CategoryVocabulary>,
}

/// A line to classify.
#[derive(Debug, Clone, Copy, Default)]
pub struct Line<'a> {
    /// The description, as on the invoice.
    pub description: &'a str,
    /// The request's category, when it gives one (`other` says nothing).
    pub category: Option<Category>,
    /// The model, when given.
    pub model: Option<&'a str>,
    /// The battery, when the line has one.
    pub battery: Option<&'a Battery>,
}

/// Why a candidate earned points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// The rule: a cue's id, `category.<id>`, a vocabulary entry's id, `battery.standalone`
    /// or `hs2022.text`.
    pub rule: String,
    /// The words of the line that carried it.
    pub words: Vec<String>,
    /// Where in the line they stood: `goods`, `model`, `attribute`, `component`, or `field`
    /// (a field of the request).
    pub role: &'static str,
    /// The points it gave.
    pub points: u32,
    /// What it says, in a sentence.
    pub says: String,
    /// How sure the KB is of it.
    pub confidence: Confidence,
    /// Its sources.
    pub sources: Vec<Citation>,
}

/// One proposed subheading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    /// The HS 2022 subheading, six digits.
    pub hs: String,
    /// Its text in the HS 2022 nomenclature.
    pub text: String,
    /// Its heading's text.
    pub heading_text: String,
    /// The points that ranked it (the sum of its reasons').
    pub points: u32,
    /// How sure the classifier is of it: `high` or `medium` only for the first candidate, with
    /// a clear lead over the second and words of the description behind it; the engine decides
    /// a code only on `high`.
    pub confidence: Confidence,
    /// Why.
    pub reasons: Vec<Reason>,
    /// The legal notes its cues rest on.
    pub notes: Vec<LegalNote>,
}

/// The classifier's answer for a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// Best first; empty when nothing in the line points anywhere.
    pub candidates: Vec<Candidate>,
}

impl Classification {
    /// The first candidate when the classifier is confident of it: `high` only. (On the
    /// held-out rulings a `high` first candidate is right 15 times in 16, a `medium` one about
    /// two times in three: good as a suggestion, not to decide a code.)
    pub fn confident(&self) -> Option<&Candidate> {
        self.candidates.first().filter(|c| c.confidence == Confidence::High)
    }

    /// The candidate for a subheading, if it is one.
    pub fn candidate(&self, hs: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.hs == hs)
    }
}

impl Candidate {
    /// The candidate for a message: "8517.62 (its text, confidence high): the reasons".
    pub fn summary(&self) -> String {
        format!(
            "{} ({}, confidence {}): {}",
            dotted(&self.hs),
            self.text,
            self.confidence,
            self.explain()
        )
    }

    /// The reasons in a sentence for a person: "the words 'sfp', 'transceiver' (cue.transceiver:
    /// …); Section XVI, Note 2".
    pub fn explain(&self) -> String {
        let mut parts: Vec<String> = self
            .reasons
            .iter()
            .map(|r| {
                if r.words.is_empty() {
                    format!("{} ({})", r.says, r.rule)
                } else {
                    let words: Vec<String> = r.words.iter().map(|w| format!("'{w}'")).collect();
                    format!("{}: {} ({})", words.join(", "), r.says, r.rule)
                }
            })
            .collect();
        if !self.notes.is_empty() {
            let notes: Vec<&str> = self.notes.iter().map(|n| n.title.as_str()).collect();
            parts.push(format!("decided by {}", notes.join("; ")));
        }
        parts.join("; ")
    }
}

impl Classifier {
    /// Indexes the knowledge.
    pub fn new(knowledge: Knowledge<'_>) -> Classifier {
        let texts = knowledge
            .nomenclature
            .iter()
            .filter(|(code, _)| matches!(code.len(), 4 | 6))
            .map(|(code, text)| ((*code).to_owned(), (*text).to_owned()))
            .collect();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prefixed = Vec::new();
        for (idx, cue) in knowledge.cues.iter().enumerate() {
            for term in &cue.terms {
                match term.words.as_slice() {
                    [_] if term.prefix => prefixed.push(idx),
                    [first, ..] => by_first.entry(first.clone()).or_default().push(idx),
                    [] => {}
                }
            }
        }
        for list in by_first.values_mut() {
            list.dedup();
        }
        prefixed.dedup();
        let (mut single_terms, mut bigrams) =
            (std::collections::HashSet::new(), std::collections::HashSet::new());
        for term in knowledge.cues.iter().flat_map(|cue| cue.terms.iter()) {
            match term.words.as_slice() {
                [only] if !term.prefix => {
                    single_terms.insert(only.clone());
                }
                [first, second, ..] if !(term.prefix && term.words.len() == 2) => {
                    bigrams.insert(format!("{first} {second}"));
                }
                [first, ..] if term.words.len() > 1 => {
                    single_terms.insert(first.clone());
                }
                _ => {}
            }
        }
        let vocabulary_first = knowledge
            .vocabulary
            .entries
            .iter()
            .flat_map(|entry| {
                entry.words.iter().chain(entry.phrases.iter().filter_map(|phrase| phrase.first()))
            })
            .cloned()
            .collect();
        Classifier {
            vocabulary_first,
            single_terms,
            bigrams,
            index: std::sync::OnceLock::new(),
            by_first,
            prefixed,
            cues: knowledge.cues,
            notes: knowledge.notes.into_iter().map(|n| (n.id.clone(), n)).collect(),
            texts,
            categories: knowledge.categories.into_iter().map(|c| (c.category, c)).collect(),
            vocabulary: knowledge.vocabulary,
        }
    }

    fn index(&self) -> &index::Index {
        self.index.get_or_init(|| {
            index::Index::build(
                self.texts.iter().map(|(code, text)| (code.as_str(), text.as_str())),
            )
        })
    }

    /// The HS 2022 text of a heading or subheading.
    pub fn text(&self, code: &str) -> Option<&str> {
        self.texts.get(code).map(String::as_str)
    }

    /// The number of cues.
    pub fn cues(&self) -> usize {
        self.cues.len()
    }

    /// Whether anything in the line's words can make the classifier sure: a cue's term or the
    /// category vocabulary. Without either, no candidate can be more than `low` (the category
    /// alone, or the HS texts' words, never are), so a caller that only acts on a confident
    /// classification may skip [`classify`](Self::classify) — a tenth of its cost.
    pub fn names_goods(&self, line: &Line<'_>) -> bool {
        // First without allocating a word: is any word where a cue term or a vocabulary entry
        // could start? Most lines of a large shipment with declared codes stop here.
        let folded = preclear_domain::text::fold_text(line.description);
        let model = line.model.map(preclear_domain::text::fold_text).unwrap_or_default();
        let raw: Vec<&str> =
            folded.split(' ').chain(model.split(' ')).filter(|w| !w.is_empty()).collect();
        let may = raw.iter().enumerate().any(|(idx, w)| {
            let stem = text::stem_str(w);
            self.single_terms.contains(stem)
                || self.vocabulary_first.contains(*w)
                || raw.get(idx + 1).is_some_and(|next| {
                    self.by_first.contains_key(stem)
                        && self.bigrams.contains(&format!("{stem} {}", text::stem_str(next)))
                })
                || self.prefixed.iter().filter_map(|&idx| self.cues.get(idx)).any(|cue| {
                    cue.terms.iter().any(|t| {
                        t.prefix && t.words.len() == 1 && w.starts_with(t.words[0].as_str())
                    })
                })
        });
        if !may {
            return false;
        }
        let words = text::words(line.description, line.model);
        let cue_term = words.iter().any(|word| {
            self.by_first.get(&word.stem).is_some_and(|cues| {
                cues.iter().filter_map(|&idx| self.cues.get(idx)).any(|cue| {
                    cue.terms.iter().any(|term| {
                        term.occurrences(&words)
                            .any(|at| words.get(at).is_some_and(|w| w.role != Role::Host))
                    })
                })
            })
        }) || self
            .prefixed
            .iter()
            .filter_map(|&idx| self.cues.get(idx))
            .any(|cue| cue.terms.iter().any(|term| term.occurs(&words)));
        cue_term || {
            let goods: Vec<&str> =
                words.iter().filter(|w| w.role != Role::Host).map(|w| w.folded.as_str()).collect();
            self.vocabulary.infer(&goods.join(" ")).is_some()
        }
    }

    /// Classifies a line.
    pub fn classify(&self, line: &Line<'_>) -> Classification {
        let mut words = text::words(line.description, line.model);
        // The cues that can apply: those with a term starting with one of the line's words.
        let mut possible = self.prefixed.clone();
        for word in &words {
            possible.extend(self.by_first.get(&word.stem).into_iter().flatten().copied());
        }
        possible.sort_unstable();
        possible.dedup();
        let cues: Vec<&Cue> = possible.iter().filter_map(|&idx| self.cues.get(idx)).collect();
        // Which segments name goods: the first of them is the head.
        let matched: Vec<usize> = cues
            .iter()
            .flat_map(|cue| cue.terms.iter())
            .flat_map(|term| term.occurrences(&words).collect::<Vec<_>>())
            .filter_map(|at| words.get(at).filter(|w| w.role == Role::Attribute).map(|w| w.segment))
            .collect();
        text::assign_head(&mut words, |segment| matched.contains(&segment));

        // `unless` reads what the goods are (the head and the model), not their attributes: a
        // "tablet PC, Li-ion battery" is still a tablet.
        let has_head = words.iter().any(|w| w.role == Role::Head);
        let named: Vec<Word> = words
            .iter()
            .filter(|w| !has_head || matches!(w.role, Role::Head | Role::Model))
            .cloned()
            .collect();
        let mut by_code: BTreeMap<String, Vec<Reason>> = BTreeMap::new();
        for cue in cues {
            if let Some(reason) = self.cue_reason(cue, &words, &named) {
                by_code.entry(cue.hs.clone()).or_default().push(reason);
            }
        }
        self.field_reasons(line, &words, &mut by_code);
        self.text_reasons(&words, &mut by_code);
        self.rank(by_code)
    }

    /// What a cue gives the line, if it applies.
    fn cue_reason(&self, cue: &Cue, words: &[Word], named: &[Word]) -> Option<Reason> {
        let mut best: Option<(u32, Role, Vec<String>)> = None;
        for term in &cue.terms {
            for at in term.occurrences(words) {
                let Some(first) = words.get(at) else { continue };
                let points = cue.weight * first.role.points();
                if first.role == Role::Host || best.as_ref().is_some_and(|(p, ..)| *p >= points) {
                    continue;
                }
                let found =
                    words[at..at + term.words.len()].iter().map(|w| w.folded.clone()).collect();
                best = Some((points, first.role, found));
            }
        }
        let (points, role, found) = best?;
        let anywhere = |terms: &[Term]| terms.iter().any(|t| t.occurs(words));
        if cue.unless.iter().any(|t| t.occurs(named))
            || anywhere(&cue.unless_line)
            || (!cue.with.is_empty() && !anywhere(&cue.with))
            || (!cue.host.is_empty() && !anywhere(&cue.host))
        {
            return None;
        }
        Some(Reason {
            rule: cue.id.clone(),
            words: vec![found.join(" ")],
            role: role.as_str(),
            points,
            says: cue.says.clone(),
            confidence: cue.confidence,
            sources: cue.citations.clone(),
        })
    }

    /// What the request's fields and the category vocabulary give.
    fn field_reasons(
        &self,
        line: &Line<'_>,
        words: &[Word],
        by_code: &mut BTreeMap<String, Vec<Reason>>,
    ) {
        if let Some(category) = line.category.filter(|c| *c != Category::Other)
            && let Some(default) = self.categories.get(&category)
        {
            by_code.entry(default.hs.clone()).or_default().push(Reason {
                rule: format!("category.{category}"),
                words: Vec::new(),
                role: "field",
                points: 40,
                says: format!(
                    "the line's category is {}, usually {}",
                    category.as_str().replace('_', " "),
                    dotted(&default.hs)
                ),
                confidence: default.confidence,
                sources: default.citations.clone(),
            });
        }
        // The vocabulary reads what the goods are: the head and the model (every segment when
        // no cue found the head), not their attributes or the host they are for.
        let has_head = words.iter().any(|w| w.role == Role::Head);
        let goods: Vec<&str> = words
            .iter()
            .filter(|w| {
                matches!(w.role, Role::Head | Role::Model)
                    || (!has_head && w.role == Role::Attribute)
            })
            .map(|w| w.folded.as_str())
            .collect();
        if let Some(entry) = self.vocabulary.infer(&goods.join(" "))
            && let Some(default) = self.categories.get(&entry.category)
        {
            by_code.entry(default.hs.clone()).or_default().push(Reason {
                rule: entry.id.clone(),
                words: Vec::new(),
                role: "goods",
                points: 30,
                says: format!(
                    "the words name a {} (the category vocabulary), usually {}",
                    entry.category.as_str().replace('_', " "),
                    dotted(&default.hs)
                ),
                confidence: default.confidence,
                sources: default.citations.clone(),
            });
        }
        if let Some(battery) = line.battery
            && battery.packing == BatteryPacking::Standalone
            && battery.chemistry == BatteryChemistry::LiIon
        {
            by_code.entry("850760".to_owned()).or_default().push(Reason {
                rule: "battery.standalone".to_owned(),
                words: Vec::new(),
                role: "field",
                points: 40,
                says: "the line is a lithium-ion battery shipped on its own (heading 85.07)"
                    .to_owned(),
                confidence: Confidence::High,
                sources: vec![Citation {
                    title: "HS 2022, subheading 8507.60: lithium-ion accumulators".to_owned(),
                    url: None,
                }],
            });
        }
    }

    /// What the words of the HS 2022 texts give: at most 25 points, so that a cue outranks it.
    fn text_reasons(&self, words: &[Word], by_code: &mut BTreeMap<String, Vec<Reason>>) {
        let goods: Vec<&str> = words
            .iter()
            .filter(|w| matches!(w.role, Role::Head | Role::Attribute))
            .map(|w| w.stem.as_str())
            .collect();
        let index = self.index();
        for (entry, score, found) in index.search(&goods, 8) {
            let Some(entry) = index.entries.get(entry) else { continue };
            let points = score / 4;
            if points == 0 {
                continue;
            }
            by_code.entry(entry.code.clone()).or_default().push(Reason {
                rule: "hs2022.text".to_owned(),
                words: found,
                role: "goods",
                points,
                says: format!("words of the HS 2022 text of {}", dotted(&entry.code)),
                confidence: Confidence::Low,
                sources: vec![Citation {
                    title: format!("HS 2022 nomenclature, subheading {}", dotted(&entry.code)),
                    url: None,
                }],
            });
        }
    }

    /// Ranks the codes by points and says how sure the first is.
    fn rank(&self, by_code: BTreeMap<String, Vec<Reason>>) -> Classification {
        let mut ranked: Vec<(String, u32, Vec<Reason>)> = by_code
            .into_iter()
            .map(|(code, mut reasons)| {
                reasons.sort_by(|a, b| b.points.cmp(&a.points).then(a.rule.cmp(&b.rule)));
                // Words naming the goods add up; of the words in attributes and components only
                // the strongest counts, so that a list of parts after a server ("RAM, PSU, fans")
                // does not outweigh the server.
                let mut secondary = false;
                let points = reasons
                    .iter()
                    .filter(|r| {
                        let minor = matches!(r.role, "attribute" | "component");
                        let counted = !(minor && secondary);
                        secondary |= minor;
                        counted
                    })
                    .map(|r| r.points)
                    .sum();
                (code, points, reasons)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(MAX_CANDIDATES);
        let second = ranked.get(1).map_or(0, |c| c.1);
        let candidates = ranked
            .into_iter()
            .enumerate()
            .map(|(rank, (hs, points, reasons))| {
                let confidence =
                    if rank == 0 { confidence(points, second, &reasons) } else { Confidence::Low };
                let mut notes: Vec<LegalNote> = Vec::new();
                for reason in &reasons {
                    let cue = self.cues.iter().find(|c| c.id == reason.rule);
                    for id in cue.map(|c| c.notes.as_slice()).unwrap_or_default() {
                        if let Some(note) = self.notes.get(id)
                            && !notes.iter().any(|n| n.id == note.id)
                        {
                            notes.push(note.clone());
                        }
                    }
                }
                Candidate {
                    text: self.text(&hs).unwrap_or_default().to_owned(),
                    heading_text: hs
                        .get(..4)
                        .and_then(|h| self.text(h))
                        .unwrap_or_default()
                        .to_owned(),
                    hs,
                    points,
                    confidence,
                    reasons,
                    notes,
                }
            })
            .collect();
        Classification { candidates }
    }
}

/// How sure the first candidate is: high with 60 points or more and at least twice the
/// second's; medium with 40 or more and half again the second's; otherwise low. Never surer
/// than the surest rule behind it, and never more than low without words of the description
/// behind it (the HS texts' words alone, or the request's category alone).
fn confidence(points: u32, second: u32, reasons: &[Reason]) -> Confidence {
    let by_margin = if points >= 60 && points >= 2 * second {
        Confidence::High
    } else if points >= 40 && 2 * points >= 3 * second {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    let rank = |c: Confidence| match c {
        Confidence::High => 3,
        Confidence::Medium => 2,
        Confidence::Low => 1,
        Confidence::Unknown => 0,
    };
    let surest = reasons
        .iter()
        .filter(|r| r.rule != "hs2022.text")
        .map(|r| r.confidence)
        .max_by_key(|c| rank(*c))
        .unwrap_or(Confidence::Low);
    // The request's fields alone (its category) say no more than the category's default.
    if !reasons.iter().any(|r| r.role != "field" && r.rule != "hs2022.text") {
        return Confidence::Low;
    }
    if rank(surest) < rank(by_margin) { surest } else { by_margin }
}

/// `847150` → `8471.50`.
pub fn dotted(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}.{tail}"),
        _ => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(id: &str, hs: &str, weight: u32, terms: &[&str], host: &[&str], unless: &[&str]) -> Cue {
        let terms_of = |list: &[&str]| list.iter().filter_map(|t| Term::parse(t)).collect();
        Cue {
            id: id.to_owned(),
            hs: hs.to_owned(),
            terms: terms_of(terms),
            with: Vec::new(),
            host: terms_of(host),
            unless: terms_of(unless),
            unless_line: Vec::new(),
            weight,
            notes: vec!["note.x".to_owned()],
            citations: vec![Citation { title: "ruling".to_owned(), url: None }],
            confidence: Confidence::High,
            says: "says".to_owned(),
        }
    }

    fn classifier() -> Classifier {
        Classifier::new(Knowledge {
            cues: vec![
                cue("cue.server", "847150", 4, &["server"], &[], &["rail kit"]),
                cue(
                    "cue.rails",
                    "847330",
                    7,
                    &["rail kit", "rails"],
                    &["server", "poweredge"],
                    &[],
                ),
                cue("cue.qsfp", "851762", 7, &["qsfp*"], &[], &[]),
                cue("cue.psu", "850440", 6, &["psu"], &[], &[]),
            ],
            notes: vec![LegalNote {
                id: "note.x".to_owned(),
                title: "Note X".to_owned(),
                text: "t".to_owned(),
                sources: Vec::new(),
            }],
            nomenclature: vec![
                ("8471", "ADP machines"),
                ("847150", "Processing units"),
                ("847330", "Parts of 8471"),
                ("8517", "Telephone sets"),
                ("851762", "Machines for transmission"),
                ("8504", "Transformers"),
                ("850440", "Static converters"),
                ("9403", "Furniture"),
                ("940320", "Metal furniture"),
            ],
            categories: Vec::new(),
            vocabulary: Arc::default(),
        })
    }

    fn top(text: &str) -> Candidate {
        classifier().classify(&Line { description: text, ..Line::default() }).candidates.remove(0)
    }

    #[test]
    fn the_goods_outrank_their_host_and_their_attributes() {
        let rails = top("Rail kit for PowerEdge server");
        assert_eq!((rails.hs.as_str(), rails.points), ("847330", 70));
        assert_eq!(rails.confidence, Confidence::High);
        assert_eq!(rails.notes[0].title, "Note X");
        // The host alone does not vote: a rail kit without a host is not a part of anything.
        assert!(
            classifier()
                .classify(&Line { description: "rail kit", ..Line::default() })
                .candidates
                .iter()
                .all(|c| c.hs != "847330")
        );
        // An attribute counts less than the goods; only the strongest attribute counts.
        let server = top("rack server, dual PSU");
        assert_eq!((server.hs.as_str(), server.points), ("847150", 40));
        assert_eq!(server.reasons[0].role, "goods");
    }

    #[test]
    fn a_prefix_term_finds_its_family_and_nothing_points_nowhere() {
        let qsfp = top("QSFP28 100G SR4");
        assert_eq!(qsfp.hs, "851762");
        assert_eq!(qsfp.reasons[0].words, vec!["qsfp28".to_owned()]);
        let none = classifier().classify(&Line { description: "zzz 123", ..Line::default() });
        assert!(none.candidates.is_empty() && none.confident().is_none());
    }

    #[test]
    fn a_line_no_cue_names_is_never_confident_so_it_may_be_skipped() {
        let classifier = classifier();
        for text in [
            "Line 17",
            "rack server",
            "QSFP28 SR4",
            "rail kit for server",
            "rail kit",
            "Processing units",
        ] {
            let line = Line { description: text, ..Line::default() };
            let named = classifier.names_goods(&line);
            assert!(named || classifier.classify(&line).confident().is_none(), "{text}");
        }
        assert!(!classifier.names_goods(&Line { description: "Line 17", ..Line::default() }));
        assert!(classifier.names_goods(&Line { description: "QSFP28 SR4", ..Line::default() }));
        assert!(
            !classifier.names_goods(&Line { description: "adapter for server", ..Line::default() }),
            "the host alone"
        );
    }

    #[test]
    fn a_close_second_leaves_the_first_unsure() {
        // 40 (server, goods) against 60 (psu, goods): the PSU leads by less than twice.
        let result = classifier().classify(&Line { description: "server psu", ..Line::default() });
        assert_eq!(result.candidates[0].hs, "850440");
        assert_eq!(result.candidates[0].confidence, Confidence::Medium);
        assert_eq!(result.candidates[1].confidence, Confidence::Low);
    }
}
