//! The impact of a KB change: the same shipment assessed on the same date with the old and the
//! new KB, compared on what an operator acts on — the verdict, the requirements, the blockers
//! and conditions, the landed cost and the earliest ship date. Findings are compared by code and
//! rule, not by wording, so a reworded message is not a change.

use std::collections::BTreeSet;

use jiff::civil::Date;
use preclear_engine::{Assessment, Severity};
use serde::Serialize;

use crate::position::{Need, Required};

/// What changed between two assessments of one shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentChange {
    /// The old and new verdicts, when different.
    pub verdict: Option<(String, String)>,
    /// Requirements the new KB adds (rule ids).
    pub requirements_added: Vec<String>,
    /// Requirements it no longer finds.
    pub requirements_removed: Vec<String>,
    /// Blockers and conditions it adds (`code` or `code (rule)`).
    pub findings_added: Vec<String>,
    /// Blockers and conditions it no longer finds.
    pub findings_removed: Vec<String>,
    /// The old and new landed-cost totals, when different (`None` means incomplete).
    pub landed_cost: Option<(Option<String>, Option<String>)>,
    /// The old and new earliest ship dates, when different.
    pub earliest_ship_date: Option<(Option<Date>, Option<Date>)>,
}

fn requirement_ids(a: &Assessment) -> BTreeSet<&str> {
    a.requirements.iter().map(|r| r.rule.as_str()).collect()
}

fn serious_findings(a: &Assessment) -> BTreeSet<String> {
    a.findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Blocker | Severity::Condition))
        .map(|f| match &f.rule {
            Some(rule) => format!("{} ({rule})", f.code),
            None => f.code.clone(),
        })
        .collect()
}

fn total(a: &Assessment) -> Option<String> {
    a.landed_cost.complete.then(|| match &a.landed_cost.total_high {
        Some(high) => format!("{} to {high}", a.landed_cost.total),
        None => a.landed_cost.total.clone(),
    })
}

/// What changed, or `None` when nothing an operator acts on did.
pub fn compare(old: &Assessment, new: &Assessment) -> Option<AssessmentChange> {
    let (old_req, new_req) = (requirement_ids(old), requirement_ids(new));
    let (old_find, new_find) = (serious_findings(old), serious_findings(new));
    let change = AssessmentChange {
        verdict: (old.verdict != new.verdict)
            .then(|| (old.verdict.as_str().to_owned(), new.verdict.as_str().to_owned())),
        requirements_added: new_req.difference(&old_req).map(|s| (*s).to_owned()).collect(),
        requirements_removed: old_req.difference(&new_req).map(|s| (*s).to_owned()).collect(),
        findings_added: new_find.difference(&old_find).cloned().collect(),
        findings_removed: old_find.difference(&new_find).cloned().collect(),
        landed_cost: (total(old) != total(new)).then(|| (total(old), total(new))),
        earliest_ship_date: (old.earliest_ship_date != new.earliest_ship_date)
            .then_some((old.earliest_ship_date, new.earliest_ship_date)),
    };
    let unchanged = change.verdict.is_none()
        && change.requirements_added.is_empty()
        && change.requirements_removed.is_empty()
        && change.findings_added.is_empty()
        && change.findings_removed.is_empty()
        && change.landed_cost.is_none()
        && change.earliest_ship_date.is_none();
    (!unchanged).then_some(change)
}

/// What a KB change does to a position's needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedsChange {
    /// Items the position will need that it did not (keys).
    pub added: Vec<String>,
    /// Items it will no longer need.
    pub removed: Vec<String>,
}

/// The position's needs under the old and new requirements, compared; `None` when equal.
pub fn compare_needs<'a>(
    old: impl IntoIterator<Item = &'a [Required]>,
    new: impl IntoIterator<Item = &'a [Required]>,
) -> Option<NeedsChange> {
    let keys = |needs: Vec<Need>| needs.into_iter().map(|n| n.key).collect::<BTreeSet<_>>();
    let (old, new) = (keys(crate::position::needs(old)), keys(crate::position::needs(new)));
    let change = NeedsChange {
        added: new.difference(&old).cloned().collect(),
        removed: old.difference(&new).cloned().collect(),
    };
    (!change.added.is_empty() || !change.removed.is_empty()).then_some(change)
}
