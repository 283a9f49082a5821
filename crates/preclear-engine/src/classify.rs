//! HS classification per line: the declared code, checked against the nomenclature, against the
//! item's category and against the classifier's reading of the description; or, without a
//! declared code, the classifier's first candidate when it is confident, else the category's
//! default (flagged), else none (a condition). `cross_check` then says what a disagreement
//! between a declared code and a confident classification would change.

use std::collections::HashMap;

use preclear_classify::{Classification, Classifier, Line, dotted};
use preclear_domain::{Category, Confidence, HsCode, Item, Shipment};
use preclear_kb::Kb;

use crate::findings::Findings;
use crate::output::{Finding, Severity};
use crate::{Assessment, LineClassification};

/// The HS code the engine uses for a line, and how it got it.
#[derive(Debug, Clone)]
pub(crate) struct LineClass {
    pub(crate) hs: Option<HsCode>,
    pub(crate) basis: crate::HsBasis,
    /// The classifier's reading, kept where it decided the code or disagrees with the
    /// declared one.
    pub(crate) classification: Option<LineClassification>,
    /// A confident classification at HS-6 that differs from the declared code.
    pub(crate) differs: Option<HsCode>,
}

/// The classifications of one assessment, by what the classifier reads: a packing list of
/// 20,000 lines names a few hundred distinct goods.
#[derive(Default)]
pub(crate) struct Memo<'a> {
    seen: HashMap<(&'a str, Category, Option<&'a str>), std::rc::Rc<Classification>>,
}

fn line_of(item: &Item) -> Line<'_> {
    Line {
        description: &item.description,
        category: Some(item.category),
        model: item.model.as_deref(),
        battery: item.battery.as_ref(),
    }
}

impl<'a> Memo<'a> {
    fn classify(&mut self, classifier: &Classifier, item: &'a Item) -> std::rc::Rc<Classification> {
        let key = (item.description.as_str(), item.category, item.model.as_deref());
        self.seen
            .entry(key)
            .or_insert_with(|| std::rc::Rc::new(classifier.classify(&line_of(item))))
            .clone()
    }

    /// The classification of a line with a declared code, only where it can be confident:
    /// a line whose words no cue and no vocabulary entry knows ("Line 17") is not classified.
    fn check(
        &mut self,
        classifier: &Classifier,
        item: &'a Item,
    ) -> Option<std::rc::Rc<Classification>> {
        let key = (item.description.as_str(), item.category, item.model.as_deref());
        if let Some(known) = self.seen.get(&key) {
            return Some(known.clone());
        }
        if !classifier.names_goods(&line_of(item)) {
            return None;
        }
        Some(self.classify(classifier, item))
    }
}

/// The part of a classification an assessment keeps: the first three candidates.
fn kept(classification: &Classification) -> LineClassification {
    LineClassification {
        candidates: classification.candidates.iter().take(3).cloned().collect(),
        national_lines: Vec::new(),
    }
}

/// The destination's national lines under a subheading: every rate of a levy in force on
/// `as_of` whose HS prefix is longer than six digits and falls under it.
pub(crate) fn national_lines(
    market: &preclear_kb::Market,
    hs6: &str,
    as_of: preclear_domain::Date,
) -> Vec<crate::NationalLine> {
    let mut lines: Vec<crate::NationalLine> = Vec::new();
    for levy in &market.levies {
        for rate in &levy.rates {
            let Some(prefix) = &rate.hs else { continue };
            let code = prefix.as_str();
            if code.len() <= 6 || !code.starts_with(hs6) || !rate.provenance.in_force(as_of) {
                continue;
            }
            let value = match &rate.value {
                preclear_kb::RateValue::Percent(percent) => format!("{percent}%"),
                _ => "see the levy".to_owned(),
            };
            let line = crate::NationalLine {
                code: code.to_owned(),
                levy: levy.id.to_string(),
                rate: value,
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines.sort_by(|a, b| (&a.code, &a.levy).cmp(&(&b.code, &b.levy)));
    lines
}

/// A finding on the classifier's first candidate: its first reason is the rule, its sources
/// the source.
fn classified_finding(
    severity: Severity,
    code: &str,
    message: String,
    candidate: &preclear_classify::Candidate,
    line: usize,
) -> Finding {
    let reason = candidate.reasons.first();
    Finding {
        severity,
        code: code.to_owned(),
        message,
        rule: reason.map(|r| r.rule.clone()),
        source: reason
            .and_then(|r| r.sources.first())
            .map(|s| s.url.clone().unwrap_or_else(|| s.title.clone())),
        confidence: Some(candidate.confidence),
        lines: vec![line],
    }
}

pub(crate) fn classify<'a>(
    kb: &Kb,
    item: &'a Item,
    line: usize,
    memo: &mut Memo<'a>,
    findings: &mut Findings,
) -> LineClass {
    let rule = kb.category(item.category);
    let rule_id = || format!("category.{}", item.category);
    let classifier = kb.classifier();
    let Some(declared) = &item.hs_code else {
        let classification = memo.classify(classifier, item);
        if let Some(top) = classification.confident()
            && let Ok(code) = HsCode::parse(&top.hs)
        {
            findings.0.push(classified_finding(
                Severity::Warning,
                "hs.classified",
                format!(
                    "No HS code declared; the description classifies as {}. Confirm the classification before filing.",
                    top.summary()
                ),
                top,
                line,
            ));
            return LineClass {
                hs: Some(code),
                basis: crate::HsBasis::Classified,
                classification: Some(kept(&classification)),
                differs: None,
            };
        }
        // A reading worth naming has words of the description behind it (a cue or the
        // vocabulary), not only the line's category or the HS texts' words: with a KB that has
        // no cues, a line reads exactly as it did before the classifier.
        let worded = classification
            .candidates
            .first()
            .filter(|c| c.reasons.iter().any(|r| r.role != "field" && r.rule != "hs2022.text"));
        let guess = worded
            .map(|c| {
                format!(
                    " The classifier's best reading, {} ({} points), is not sure enough to use.",
                    dotted(&c.hs),
                    c.points
                )
            })
            .unwrap_or_default();
        let kept_reading = worded.map(|_| kept(&classification));
        return match rule {
            Some(rule) => {
                findings.push_rule(
                    Severity::Warning,
                    "hs.defaulted",
                    format!("No HS code declared; the usual code for a {} ({}) is used.{guess} Confirm the classification before filing.", category_words(item.category), rule.default_hs),
                    Some(&rule_id()),
                    &rule.provenance,
                    vec![line],
                );
                LineClass {
                    hs: Some(rule.default_hs.clone()),
                    basis: crate::HsBasis::CategoryDefault,
                    classification: kept_reading,
                    differs: None,
                }
            }
            None => {
                findings.push(Severity::Condition, "hs.missing", format!("No HS code declared and category `{}` has no default: declare the HS code so that duty and requirements can be determined.{guess}", item.category), vec![line]);
                LineClass {
                    hs: None,
                    basis: crate::HsBasis::None,
                    classification: kept_reading,
                    differs: None,
                }
            }
        };
    };
    let declared_only = |classification, differs| LineClass {
        hs: Some(declared.clone()),
        basis: crate::HsBasis::Declared,
        classification,
        differs,
    };
    if !kb.nomenclature().is_empty() && !kb.nomenclature().contains(declared) {
        findings.push(
            Severity::Condition,
            "hs.not_in_nomenclature",
            format!("Declared HS code {declared}: subheading {} does not exist in the HS 2022 nomenclature. Correct the code before the goods move.", declared.subheading()),
            vec![line],
        );
        return declared_only(None, None);
    }
    if let Some(rule) = rule
        && !rule.expected_hs.iter().any(|prefix| declared.starts_with(prefix))
    {
        let expected: Vec<&str> = rule.expected_hs.iter().map(|prefix| prefix.as_str()).collect();
        findings.push_rule(
            Severity::Warning,
            "hs.category_mismatch",
            format!("Declared HS code {declared} is unusual for a {}, usually classified under {}. Review the classification.", category_words(item.category), expected.join(" or ")),
            Some(&rule_id()),
            &rule.provenance,
            vec![line],
        );
    }
    let Some(classification) = memo.check(classifier, item) else {
        return declared_only(None, None);
    };
    let Some(top) = classification.confident().filter(|top| top.hs != declared.subheading()) else {
        return declared_only(None, None);
    };
    let Ok(classified) = HsCode::parse(&top.hs) else { return declared_only(None, None) };
    let declared_reading = match classification.candidate(declared.subheading()) {
        Some(candidate) => format!(
            "the description supports it less ({} points against {}: {})",
            candidate.points,
            top.points,
            candidate.explain()
        ),
        None => "nothing in the description points to it".to_owned(),
    };
    findings.0.push(classified_finding(
        Severity::Warning,
        "hs.classification_differs",
        format!(
            "Declared HS code {} ({}) differs from the classification of the description, {}. For the declared code, {declared_reading}. Review the classification.",
            dotted(declared.subheading()),
            classifier.text(declared.subheading()).unwrap_or("not in HS 2022"),
            top.summary()
        ),
        top,
        line,
    ));
    declared_only(Some(kept(&classification)), Some(classified))
}

/// For every line whose declared code differs from a confident classification: the assessment
/// of the shipment with the classified codes instead (`other`, made by the caller) is compared
/// line by line, and a difference in duty rates or requirements is a condition naming it.
/// Returns whether a finding was added.
pub(crate) fn cross_check(
    assessment: &mut Assessment,
    other: &Assessment,
    differing: &[(usize, HsCode, HsCode)],
) -> bool {
    let mut added = false;
    for (line, declared, classified) in differing {
        let (Some(mine), Some(theirs)) = (assessment.lines.get(*line), other.lines.get(*line))
        else {
            continue;
        };
        let mut changes = Vec::new();
        let rate = |levies: &[crate::LineLevy], rule: &str| {
            levies.iter().find(|l| &*l.rule == rule).map(|l| match l.rate {
                Some(rate) => format!("{rate}%"),
                None => "not established".to_owned(),
            })
        };
        let mut rules: Vec<&str> =
            mine.levies.iter().chain(&theirs.levies).map(|l| &*l.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        for rule in rules {
            let (a, b) = (rate(&mine.levies, rule), rate(&theirs.levies, rule));
            if a != b {
                changes.push(format!(
                    "{rule} {} under {} against {} under {}",
                    b.unwrap_or_else(|| "does not apply".to_owned()),
                    dotted(classified.subheading()),
                    a.unwrap_or_else(|| "does not apply".to_owned()),
                    dotted(declared.subheading())
                ));
            }
        }
        let only = |a: &[std::sync::Arc<str>], b: &[std::sync::Arc<str>]| -> Vec<String> {
            a.iter().filter(|r| !b.contains(r)).map(|r| r.to_string()).collect()
        };
        let gained = only(&theirs.requirements, &mine.requirements);
        let lost = only(&mine.requirements, &theirs.requirements);
        if !gained.is_empty() {
            changes.push(format!(
                "{} would apply under {}",
                gained.join(", "),
                dotted(classified.subheading())
            ));
        }
        if !lost.is_empty() {
            changes.push(format!("{} would no longer apply", lost.join(", ")));
        }
        if changes.is_empty() {
            continue;
        }
        assessment.findings.push(Finding {
            severity: Severity::Condition,
            code: "hs.classification_matters".to_owned(),
            message: format!(
                "The classification of line {} decides the outcome: under the classified {} instead of the declared {}, {}. Settle the code (a binding ruling where the difference is material) before the goods move.",
                line + 1,
                dotted(classified.subheading()),
                dotted(declared.subheading()),
                changes.join("; ")
            ),
            rule: None,
            source: None,
            confidence: Some(Confidence::Medium),
            lines: vec![*line],
        });
        added = true;
    }
    added
}

fn category_words(category: Category) -> String {
    category.as_str().replace('_', " ")
}

/// The shipment with each differing line's code replaced by its classification.
pub(crate) fn reclassified(shipment: &Shipment, differing: &[(usize, HsCode, HsCode)]) -> Shipment {
    let mut other = shipment.clone();
    for (line, _, classified) in differing {
        if let Some(item) = other.items.get_mut(*line) {
            item.hs_code = Some(classified.clone());
        }
    }
    other
}
