//! The evaluation of the classifier against labelled descriptions from public classification
//! decisions (`tests/classification/*.csv`: each row a description, the HS-6 code a ruling gave,
//! another administration's code where they disagree, and the ruling's citation).
//!
//! A quarter of the rulings is **held out**: chosen by a hash of the ruling's number, so the
//! choice is fixed before anyone looks and both language variants of one ruling fall on the same
//! side. The cues are tuned on the rest only; the held-out figures are the ones reported.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Classifier, Line};

/// One labelled description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Its id (`net-012`).
    pub id: String,
    /// The set it comes from (`network`, `general`).
    pub set: String,
    /// The description.
    pub description: String,
    /// The HS-6 code the ruling gave.
    pub hs6: String,
    /// Another administration's code for such goods, also counted as right.
    pub also: Option<String>,
    /// The ruling cited.
    pub ruling: String,
}

impl Example {
    /// Whether the example is held out of tuning.
    pub fn held_out(&self) -> bool {
        held_out(&self.ruling)
    }

    fn right(&self, code: &str) -> bool {
        self.hs6 == code || self.also.as_deref() == Some(code)
    }
}

/// Whether a ruling is held out: FNV-1a (64-bit) of its number, upper case, without spaces and
/// without a leading `NY`/`HQ` before a letter, is divisible by four.
pub fn held_out(ruling: &str) -> bool {
    let mut key: String = ruling.to_uppercase().chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in ["NY", "HQ"] {
        if key.starts_with(prefix)
            && key[prefix.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            key = key[prefix.len()..].to_owned();
        }
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash.is_multiple_of(4)
}

/// Reads a labelled set (`id,description,hs6,also,authority,ruling,date,url,note`).
pub fn read(set: &str, text: &str) -> Result<Vec<Example>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|err| format!("{set}: {err}"))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| format!("{set}: no `{name}` column"))
    };
    let (id, description, hs6, also, ruling) =
        (column("id")?, column("description")?, column("hs6")?, column("also")?, column("ruling")?);
    let mut out = Vec::new();
    for (idx, record) in reader.records().enumerate() {
        let record = record.map_err(|err| format!("{set}: row {}: {err}", idx + 2))?;
        let cell = |at: usize| record.get(at).unwrap_or("").trim().to_owned();
        let code = cell(hs6);
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{set}: row {}: `hs6` is `{code}`, not six digits", idx + 2));
        }
        out.push(Example {
            id: cell(id),
            set: set.to_owned(),
            description: cell(description),
            hs6: code,
            also: Some(cell(also)).filter(|a| !a.is_empty()),
            ruling: cell(ruling),
        });
    }
    Ok(out)
}

/// Figures for a group of examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Examples.
    pub n: usize,
    /// The first candidate right.
    pub top1: usize,
    /// One of the first three right.
    pub top3: usize,
    /// The first candidate confident (`high`: what the engine would use).
    pub confident: usize,
    /// Confident and right.
    pub confident_right: usize,
}

impl Figures {
    fn add(&mut self, top1: bool, top3: bool, confident: bool) {
        self.n += 1;
        self.top1 += usize::from(top1);
        self.top3 += usize::from(top3);
        self.confident += usize::from(confident);
        self.confident_right += usize::from(confident && top1);
    }

    /// A share in per cent, one decimal, for reports.
    pub fn percent(part: usize, whole: usize) -> String {
        if whole == 0 {
            return "-".to_owned();
        }
        let tenths = (part * 1000 + whole / 2) / whole;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// A wrong first candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Miss {
    /// The example's id.
    pub id: String,
    /// The description.
    pub description: String,
    /// The ruling's code.
    pub expected: String,
    /// The classifier's first candidate (empty when none).
    pub got: String,
}

/// The evaluation of a set of examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// By (split, set): `held_out`/`tuning` × `computers`, `network`, …
    pub by_set: BTreeMap<String, Figures>,
    /// Held-out IT examples (every set but `general`) by the ruling's heading.
    pub by_heading: BTreeMap<String, Figures>,
    /// Held-out IT confusions: (ruling's code, first candidate) → count.
    pub confusions: BTreeMap<String, usize>,
    /// The misses of the tuning part (the held-out misses are counted, never listed).
    pub tuning_misses: Vec<Miss>,
    /// Held-out IT, all sets together.
    pub held_out_it: Figures,
    /// Tuning IT, all sets together.
    pub tuning_it: Figures,
    /// General goods (held out and tuning together: nothing is tuned on them).
    pub general: Figures,
}

/// Classifies every example and counts.
pub fn evaluate(classifier: &Classifier, examples: &[Example]) -> Report {
    let mut report = Report::default();
    for example in examples {
        let result =
            classifier.classify(&Line { description: &example.description, ..Line::default() });
        let first = result.candidates.first().map(|c| c.hs.as_str()).unwrap_or("");
        let top1 = example.right(first);
        let top3 = result.candidates.iter().take(3).any(|c| example.right(&c.hs));
        let confident = result.confident().is_some();
        let held = example.held_out();
        let split = if held { "held_out" } else { "tuning" };
        report
            .by_set
            .entry(format!("{split}/{}", example.set))
            .or_default()
            .add(top1, top3, confident);
        if example.set == "general" {
            report.general.add(top1, top3, confident);
            continue;
        }
        if held {
            report.held_out_it.add(top1, top3, confident);
            let heading = example.hs6.get(..4).unwrap_or("").to_owned();
            report.by_heading.entry(heading).or_default().add(top1, top3, confident);
            if !top1 {
                *report
                    .confusions
                    .entry(format!(
                        "{} -> {}",
                        example.hs6,
                        if first.is_empty() { "none" } else { first }
                    ))
                    .or_default() += 1;
            }
        } else {
            report.tuning_it.add(top1, top3, confident);
            if !top1 {
                report.tuning_misses.push(Miss {
                    id: example.id.clone(),
                    description: example.description.clone(),
                    expected: example.hs6.clone(),
                    got: first.to_owned(),
                });
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_held_out_choice_ignores_case_spaces_and_the_collection_prefix() {
        assert_eq!(held_out("NY N301717"), held_out("n301717"));
        assert_eq!(held_out("HQ H301234"), held_out("H301234"));
        let share = (0..4000).filter(|n| held_out(&format!("N{n}"))).count();
        assert!((800..1200).contains(&share), "about a quarter: {share}");
    }

    #[test]
    fn a_set_with_a_bad_code_is_refused_with_its_row() {
        let text =
            "id,description,hs6,also,authority,ruling,date,url,note\nx-1,fan,8414,,CBP,N1,,,\n";
        let err = read("power", text).unwrap_err();
        assert!(err.contains("row 2") && err.contains("hs6"), "{err}");
        let text = "id,description,hs6,also,authority,ruling,date,url,note\nx-1,fan,841459,841490,CBP,N1,,,\n";
        let rows = read("power", text).unwrap();
        assert_eq!(rows[0].also.as_deref(), Some("841490"));
        assert!(rows[0].right("841490") && rows[0].right("841459") && !rows[0].right("847330"));
    }
}
