//! Collecting findings: each tied, where a rule produced it, to the rule's id, source and
//! confidence.

use preclear_kb::Provenance;

use crate::output::{Finding, Severity};

/// The findings of one assessment, in the order the engine made them (sorted at the end).
#[derive(Debug, Default)]
pub(crate) struct Findings(pub(crate) Vec<Finding>);

impl Findings {
    /// A finding produced by a KB fact: carries the rule id (or, for facts without an id such as
    /// `[valuation]`, the fact's file and line), its source and its confidence.
    pub(crate) fn push_rule(
        &mut self,
        severity: Severity,
        code: &str,
        message: String,
        rule: Option<&str>,
        provenance: &Provenance,
        lines: Vec<usize>,
    ) {
        self.0.push(Finding {
            severity,
            code: code.to_owned(),
            message,
            rule: rule.map(str::to_owned).or_else(|| Some(format!("{}", provenance.location))),
            source: Some(provenance.source().to_owned()),
            confidence: Some(provenance.confidence),
            lines,
        });
    }

    /// A finding of the engine itself (no KB rule behind it).
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &str,
        message: String,
        lines: Vec<usize>,
    ) {
        self.0.push(Finding {
            severity,
            code: code.to_owned(),
            message,
            rule: None,
            source: None,
            confidence: None,
            lines,
        });
    }
}
