//! The quality measurement of docs/BENCHMARKS.md "Screening quality": labelled name pairs built
//! from the bundled lists, scored by preclear, precision and recall per class.
//!
//!     cargo run --release -p preclear-screening --example quality -- [PAIRS.csv]
//!
//! Writes the pairs (query, listed, label, class, preclear's score) to PAIRS.csv (default
//! `target/screening-pairs.csv`) for `tools/nomenklatura-quality.py` to score the same pairs.
//!
//! The pairs, deterministic (a fixed seed), from the entries of every bundled list:
//! - positives: `alias` (another strong name of the same entry against its primary name),
//!   `typo` (one letter of the longest word changed, dropped or doubled), `cyrillic` (the name
//!   written in Cyrillic letters, as a Russian-language document would), `word_order` (the
//!   words reversed, as surname-first lists write people), `legal_form` (a legal form added:
//!   `LLC`, `GmbH`, `OOO`…);
//! - negatives: `near_miss` (another entry's name sharing a word with this one), `other`
//!   (another entry's name at random).

#![allow(
    clippy::float_arithmetic,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "a measurement tool: scores are floats, failures are bugs to see"
)]

use std::collections::HashMap;
use std::fmt::Write as _;

use preclear_screening::matching::{POSSIBLE, STRONG};
use preclear_screening::{Entry, Lists};

/// A small deterministic generator (xorshift64*), so the pairs are the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const PER_CLASS: usize = 400;

fn cyrillic(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::new();
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let digraph = match two.as_str() {
            "sh" => Some("ш"),
            "ch" => Some("ч"),
            "zh" => Some("ж"),
            "kh" => Some("х"),
            "ts" => Some("ц"),
            "ya" => Some("я"),
            "yu" => Some("ю"),
            _ => None,
        };
        if let Some(d) = digraph {
            out.push_str(d);
            i += 2;
            continue;
        }
        let c = chars[i];
        let mapped = match c {
            'a' => "а",
            'b' => "б",
            'c' => "к",
            'd' => "д",
            'e' => "е",
            'f' => "ф",
            'g' => "г",
            'h' => "х",
            'i' => "и",
            'j' => "дж",
            'k' => "к",
            'l' => "л",
            'm' => "м",
            'n' => "н",
            'o' => "о",
            'p' => "п",
            'q' => "к",
            'r' => "р",
            's' => "с",
            't' => "т",
            'u' => "у",
            'v' => "в",
            'w' => "в",
            'x' => "кс",
            'y' => "й",
            'z' => "з",
            other => {
                out.push(other);
                i += 1;
                continue;
            }
        };
        out.push_str(mapped);
        i += 1;
    }
    out
}

fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (at, longest) = words.iter().enumerate().max_by_key(|(_, w)| w.chars().count())?;
    let chars: Vec<char> = longest.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let pos = 1 + rng.below(chars.len() - 2);
    let mut changed: Vec<char> = chars.clone();
    match rng.below(3) {
        0 => {
            changed.remove(pos);
        }
        1 => changed.insert(pos, chars[pos]),
        _ => {
            let letters = "aeioustrnl";
            let replacement = letters.chars().nth(rng.below(letters.len())).unwrap();
            if changed[pos].to_ascii_lowercase() == replacement {
                return None;
            }
            changed[pos] = if chars[pos].is_uppercase() {
                replacement.to_ascii_uppercase()
            } else {
                replacement
            };
        }
    }
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    out[at] = changed.into_iter().collect();
    Some(out.join(" "))
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "target/screening-pairs.csv".to_owned());
    let lists = Lists::bundled().unwrap();
    let entries: Vec<Entry> = preclear_screening::lists::bundled().unwrap();
    let latin = |s: &str| s.is_ascii() && s.split_whitespace().count() >= 2;
    let named: Vec<&Entry> =
        entries.iter().filter(|e| e.names.first().is_some_and(|n| latin(&n.text))).collect();
    let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in named.iter().enumerate() {
        for w in e.names[0].text.to_lowercase().split_whitespace().filter(|w| w.len() >= 4) {
            by_word.entry(w.to_owned()).or_default().push(i);
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pairs: Vec<(String, String, bool, &str)> = Vec::new();
    let mut count: HashMap<&str, usize> = HashMap::new();
    let legal = ["LLC", "GmbH", "OOO", "Ltd", "JSC", "S.A."];
    let mut guard = 0;
    while count.values().copied().min().unwrap_or(0) < PER_CLASS || count.len() < 7 {
        guard += 1;
        if guard > 2_000_000 {
            break;
        }
        let i = rng.below(named.len());
        let e = named[i];
        let primary = e.names[0].text.clone();
        let class = ["alias", "typo", "cyrillic", "word_order", "legal_form", "near_miss", "other"]
            [rng.below(7)];
        if count.get(class).copied().unwrap_or(0) >= PER_CLASS {
            continue;
        }
        let pair = match class {
            "alias" => e
                .names
                .iter()
                .skip(1)
                .find(|n| n.strong && latin(&n.text))
                .map(|n| (n.text.clone(), primary, true)),
            "typo" => typo(&primary, &mut rng).map(|t| (t, primary, true)),
            "cyrillic" => Some((cyrillic(&primary), primary, true)),
            "word_order" => {
                let words: Vec<&str> = primary.split_whitespace().collect();
                (words.len() >= 2).then(|| {
                    (
                        words.iter().rev().copied().collect::<Vec<_>>().join(" "),
                        primary.clone(),
                        true,
                    )
                })
            }
            "legal_form" => {
                Some((format!("{primary} {}", legal[rng.below(legal.len())]), primary, true))
            }
            "near_miss" => {
                let words: Vec<String> = primary
                    .to_lowercase()
                    .split_whitespace()
                    .filter(|w| w.len() >= 4)
                    .map(str::to_owned)
                    .collect();
                words.get(rng.below(words.len())).and_then(|w| by_word.get(w)).and_then(|others| {
                    let other = others[rng.below(others.len())];
                    (other != i && named[other].id != e.id)
                        .then(|| (named[other].names[0].text.clone(), primary, false))
                })
            }
            _ => {
                let other = rng.below(named.len());
                (named[other].id != e.id)
                    .then(|| (named[other].names[0].text.clone(), primary, false))
            }
        };
        if let Some((query, listed, label)) = pair {
            if query.trim().is_empty() || query == listed && !label {
                continue;
            }
            *count.entry(class).or_default() += 1;
            pairs.push((query, listed, label, class));
        }
    }
    let mut csv = String::from("query,listed,label,class,preclear\n");
    let scored: Vec<(f64, bool, &str)> = pairs
        .iter()
        .map(|(q, l, label, class)| {
            let score = lists.screener.compare(q, l).score;
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            let _ = writeln!(
                csv,
                "{},{},{},{},{score:.3}",
                quote(q),
                quote(l),
                u8::from(*label),
                class
            );
            (score, *label, *class)
        })
        .collect();
    std::fs::write(&path, csv).unwrap();
    println!("{} pairs written to {path}", pairs.len());
    report("preclear", &scored, &[POSSIBLE, STRONG]);
}

/// Precision and recall at each threshold, over all pairs and per positive class (recall) /
/// negative class (false positives).
fn report(who: &str, scored: &[(f64, bool, &str)], thresholds: &[f64]) {
    for &t in thresholds {
        let tp = scored.iter().filter(|(s, l, _)| *l && *s >= t).count();
        let fp = scored.iter().filter(|(s, l, _)| !*l && *s >= t).count();
        let pos = scored.iter().filter(|(_, l, _)| *l).count();
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        let recall = tp as f64 / pos.max(1) as f64;
        println!(
            "{who} at {t:.2}: precision {precision:.3}, recall {recall:.3} ({tp} of {pos} positives, {fp} false positives)"
        );
        let mut classes: Vec<&str> = scored.iter().map(|(_, _, c)| *c).collect();
        classes.sort_unstable();
        classes.dedup();
        for class in classes {
            let in_class: Vec<&(f64, bool, &str)> =
                scored.iter().filter(|(_, _, c)| *c == class).collect();
            let hit = in_class.iter().filter(|(s, _, _)| *s >= t).count();
            let label = in_class.first().is_some_and(|(_, l, _)| *l);
            println!(
                "    {class:<11} {} {hit} of {}",
                if label { "found" } else { "alerted (false positives)" },
                in_class.len()
            );
        }
    }
}
