//! HS classification per line: the declared code, checked against the nomenclature and against the
//! item's category; or the category's default, flagged as such; or none, which the operator must
//! supply.

use preclear_domain::{Category, HsCode, Item};
use preclear_kb::Kb;

use crate::findings::Findings;
use crate::output::Severity;

/// The HS code the engine uses for a line, and how it got it.
#[derive(Debug, Clone)]
pub(crate) struct LineClass {
    pub(crate) hs: Option<HsCode>,
    pub(crate) basis: crate::HsBasis,
}

pub(crate) fn classify(kb: &Kb, item: &Item, line: usize, findings: &mut Findings) -> LineClass {
    let rule = kb.category(item.category);
    let rule_id = || format!("category.{}", item.category);
    let Some(declared) = &item.hs_code else {
        return match rule {
            Some(rule) => {
                findings.push_rule(
                    Severity::Warning,
                    "hs.defaulted",
                    format!("No HS code declared; the usual code for a {} ({}) is used. Confirm the classification before filing.", category_words(item.category), rule.default_hs),
                    Some(&rule_id()),
                    &rule.provenance,
                    vec![line],
                );
                LineClass {
                    hs: Some(rule.default_hs.clone()),
                    basis: crate::HsBasis::CategoryDefault,
                }
            }
            None => {
                findings.push(Severity::Condition, "hs.missing", format!("No HS code declared and category `{}` has no default: declare the HS code so that duty and requirements can be determined.", item.category), vec![line]);
                LineClass { hs: None, basis: crate::HsBasis::None }
            }
        };
    };
    if !kb.nomenclature().is_empty() && !kb.nomenclature().contains(declared) {
        findings.push(
            Severity::Condition,
            "hs.not_in_nomenclature",
            format!("Declared HS code {declared}: subheading {} does not exist in the HS 2022 nomenclature. Correct the code before the goods move.", declared.subheading()),
            vec![line],
        );
        return LineClass { hs: Some(declared.clone()), basis: crate::HsBasis::Declared };
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
    LineClass { hs: Some(declared.clone()), basis: crate::HsBasis::Declared }
}

fn category_words(category: Category) -> String {
    category.as_str().replace('_', " ")
}
