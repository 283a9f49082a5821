//! Origin-side export controls: for each regime that governs the shipment's origin, the ECCN of
//! each line (declared, or determined from its attributes), whether the destination needs a
//! licence, and embargoes.

use std::collections::BTreeMap;

use preclear_domain::{Country, Date, Eccn, Shipment};
use preclear_kb::{Classification, ExportRegime, Kb, LicenceRule, ReviewPolicy};

use crate::conditions::{LineView, Tri, applies};
use crate::findings::Findings;
use crate::output::{EccnBasis, ExportControl, Severity};

/// What export control found: the determinations, each line's ECCNs, and the regimes assessed.
pub(crate) struct ExportResult<'k> {
    pub(crate) controls: Vec<ExportControl>,
    pub(crate) line_eccns: Vec<Vec<String>>,
    pub(crate) regimes: Vec<&'k ExportRegime>,
}

/// A line's classification under one regime.
enum LineEccn<'a> {
    /// The ECCN (or `None`: not listed), how it was found, and the rule if determined.
    Found { eccn: Option<&'a Eccn>, declared: bool, rule: Option<&'a Classification> },
    /// The attributes the request gives do not settle it.
    Undetermined(&'static str),
}

/// How lines are grouped into one determination: (ECCN, licence rule index, classification rule
/// index when no licence rule matched).
type GroupKey<'a> = (Option<&'a str>, Option<usize>, Option<usize>);

pub(crate) fn assess<'k>(
    kb: &'k Kb,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
    findings: &mut Findings,
) -> ExportResult<'k> {
    let mut controls = Vec::new();
    let mut line_eccns = vec![Vec::new(); lines.len()];
    let regimes: Vec<&ExportRegime> = kb.regimes_for_origin(shipment.origin).collect();
    if regimes.is_empty() {
        findings.push(Severity::Warning, "export.no_regime", format!("The knowledge base has no export-control regime for shipments leaving {} ({}): origin-side export controls are not assessed. Confirm them with the exporter of record.", shipment.origin.name(), shipment.origin), vec![]);
    }
    for regime in &regimes {
        embargoes(regime, shipment, lines, as_of, findings);
        // (ECCN, licence rule index or else classification rule index) → the control being built.
        // Indices, not addresses, so that the order of the output is deterministic.
        let mut groups: BTreeMap<GroupKey<'_>, ExportControl> = BTreeMap::new();
        for line in lines {
            let classification = classify(regime, shipment, *line, as_of, findings);
            let (eccn, declared, class_rule) = match classification {
                LineEccn::Found { eccn, declared, rule } => (eccn, declared, rule),
                LineEccn::Undetermined(what) => {
                    findings.push(Severity::Condition, "export.eccn_undetermined", format!("{}: the classification of this line cannot be determined without {}. Declare it, or declare the ECCN.", regime.name, what), vec![line.index]);
                    continue;
                }
            };
            let eccn_text = eccn.map(Eccn::as_str);
            if let Some(list) = line_eccns.get_mut(line.index) {
                list.push(format!("{}: {}", regime.id, eccn_text.unwrap_or("not listed")));
            }
            let licence_idx = eccn.and_then(|eccn| {
                regime.licence_rules.iter().position(|rule| {
                    rule.provenance.in_force(as_of) && rule.covers(eccn, shipment.destination)
                })
            });
            let licence = licence_idx.and_then(|idx| regime.licence_rules.get(idx));
            let class_idx = class_rule.and_then(|rule| {
                regime.classifications.iter().position(|candidate| std::ptr::eq(candidate, rule))
            });
            let key =
                (eccn_text, licence_idx, licence_idx.is_none().then_some(class_idx).flatten());
            let entry = groups.entry(key).or_insert_with(|| {
                control(regime, eccn, declared, class_rule, licence, shipment.destination)
            });
            entry.lines.push(line.index);
        }
        for control in groups.into_values() {
            report(regime, &control, shipment.destination, findings);
            controls.push(control);
        }
    }
    reexports(kb, shipment, lines, as_of, findings);
    ExportResult { controls, line_eccns, regimes }
}

fn embargoes(
    regime: &ExportRegime,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
    findings: &mut Findings,
) {
    for embargo in regime.embargoes.iter().filter(|embargo| {
        embargo.provenance.in_force(as_of) && embargo.destinations.contains(&shipment.destination)
    }) {
        let mut yes = Vec::new();
        let mut maybe = Vec::new();
        for line in lines {
            match applies(embargo.when.as_ref(), embargo.unless.as_ref(), shipment, *line) {
                Tri::Yes => yes.push(line.index),
                Tri::Maybe(_) => maybe.push(line.index),
                Tri::No => {}
            }
        }
        if !yes.is_empty() {
            findings.push_rule(
                Severity::Blocker,
                "export.embargo",
                format!(
                    "{}: {} — export from {} to {} is prohibited for these lines.",
                    regime.name, embargo.name, shipment.origin, shipment.destination
                ),
                Some(&embargo.id),
                &embargo.provenance,
                yes,
            );
        }
        if !maybe.is_empty() {
            findings.push_rule(Severity::Condition, "export.embargo_possible", format!("{}: {} may prohibit these lines; declare their HS code and attributes to settle it.", regime.name, embargo.name), Some(&embargo.id), &embargo.provenance, maybe);
        }
    }
}

/// The line's ECCN under the regime: the declared one when the regime uses that numbering,
/// checked against the attributes; else the first classification rule that matches.
fn classify<'a>(
    regime: &'a ExportRegime,
    shipment: &Shipment,
    line: LineView<'a>,
    as_of: Date,
    findings: &mut Findings,
) -> LineEccn<'a> {
    let mut determined: Option<&Classification> = None;
    let mut undetermined: Option<&'static str> = None;
    for rule in regime.classifications.iter().filter(|rule| rule.provenance.in_force(as_of)) {
        match applies(rule.when.as_ref(), rule.unless.as_ref(), shipment, line) {
            Tri::Yes => {
                determined = Some(rule);
                break;
            }
            Tri::Maybe(what) => {
                undetermined = Some(what);
                break;
            }
            Tri::No => {}
        }
    }
    let declared = line.item.eccn.as_ref().filter(|eccn| regime_uses(regime, eccn));
    match (declared, determined) {
        (Some(declared), Some(rule)) => {
            let agrees = rule.eccn.as_ref().is_some_and(|eccn| eccn.base() == declared.base());
            if !agrees {
                let suggested = rule
                    .eccn
                    .as_ref()
                    .map_or_else(|| "not listed".to_owned(), |eccn| eccn.to_string());
                findings.push_rule(Severity::Condition, "export.eccn_mismatch", format!("{}: the declared ECCN {declared} does not match the item's attributes, which point to {suggested} ({}). Confirm the classification with the manufacturer.", regime.name, rule.determination), Some(&rule.id), &rule.provenance, vec![line.index]);
            }
            LineEccn::Found { eccn: Some(declared), declared: true, rule: Some(rule) }
        }
        (Some(declared), None) => {
            LineEccn::Found { eccn: Some(declared), declared: true, rule: None }
        }
        (None, Some(rule)) => {
            LineEccn::Found { eccn: rule.eccn.as_ref(), declared: false, rule: Some(rule) }
        }
        (None, None) => LineEccn::Undetermined(
            undetermined.unwrap_or("a classification rule that matches the item (none does)"),
        ),
    }
}

/// Whether the regime's rules use this ECCN's numbering (a US-only ECCN such as 5A992 means
/// nothing under the EU list, which then classifies from the attributes).
fn regime_uses(regime: &ExportRegime, eccn: &Eccn) -> bool {
    regime
        .classifications
        .iter()
        .any(|rule| rule.eccn.as_ref().is_some_and(|own| own.base() == eccn.base()))
        || regime
            .licence_rules
            .iter()
            .any(|rule| rule.eccns.iter().any(|prefix| eccn.as_str().starts_with(prefix.as_str())))
}

fn control(
    regime: &ExportRegime,
    eccn: Option<&Eccn>,
    declared: bool,
    class_rule: Option<&Classification>,
    licence: Option<&LicenceRule>,
    destination: Country,
) -> ExportControl {
    let class_text = class_rule.map(|rule| rule.determination.clone());
    match (eccn, licence) {
        (None, _) => ExportControl {
            regime: regime.id.to_string(),
            eccn: None,
            eccn_basis: EccnBasis::Determined,
            determination: class_text
                .unwrap_or_else(|| "Not listed in the regime's control list".to_owned()),
            licence_required: Some(false),
            exception: None,
            rule: class_rule.map(|rule| rule.id.to_string()),
            source: class_rule.map(|rule| rule.provenance.source().to_owned()),
            confidence: class_rule.map(|rule| rule.provenance.confidence),
            lines: Vec::new(),
        },
        (Some(eccn), Some(licence)) => ExportControl {
            regime: regime.id.to_string(),
            eccn: Some(eccn.to_string()),
            eccn_basis: if declared { EccnBasis::Declared } else { EccnBasis::Determined },
            determination: match class_text {
                Some(class) if !declared => format!("{class}. {}", licence.determination),
                _ => licence.determination.clone(),
            },
            licence_required: licence.licence_required.known().copied(),
            exception: licence.exception.clone(),
            rule: Some(licence.id.to_string()),
            source: Some(licence.provenance.source().to_owned()),
            confidence: Some(licence.provenance.confidence),
            lines: Vec::new(),
        },
        (Some(eccn), None) => ExportControl {
            regime: regime.id.to_string(),
            eccn: Some(eccn.to_string()),
            eccn_basis: if declared { EccnBasis::Declared } else { EccnBasis::Determined },
            determination: format!(
                "No licence rule of {} covers {eccn} to {destination}: the licence requirement is not determined.",
                regime.name
            ),
            licence_required: None,
            exception: None,
            rule: class_rule.map(|rule| rule.id.to_string()),
            source: class_rule.map(|rule| rule.provenance.source().to_owned()),
            confidence: Some(preclear_domain::Confidence::Unknown),
            lines: Vec::new(),
        },
    }
}

fn report(
    regime: &ExportRegime,
    control: &ExportControl,
    destination: Country,
    findings: &mut Findings,
) {
    let eccn = control.eccn.as_deref().unwrap_or("not listed");
    let denial = control
        .rule
        .as_deref()
        .and_then(|id| regime.licence_rules.iter().find(|rule| &*rule.id == id))
        .and_then(|rule| rule.review_policy)
        .filter(|policy| policy.blocks());
    let (severity, code, message) = match control.licence_required {
        Some(true) if denial.is_some() => (
            Severity::Blocker,
            "export.licence_denial_expected",
            format!(
                "{}: {eccn} to {destination} needs an export licence, and applications are reviewed under {}: the goods cannot be expected to leave. The licence is the only path ({}); apply only with a case for an exception. {}",
                regime.name,
                policy_words(denial),
                control.exception.as_deref().map_or_else(
                    || "no licence exception applies".to_owned(),
                    |exception| format!("see {exception}")
                ),
                control.determination
            ),
        ),
        Some(true) => (
            Severity::Condition,
            "export.licence_required",
            format!(
                "{}: {eccn} to {destination} needs an export licence ({}) before the goods leave. {}",
                regime.name,
                control.exception.as_deref().map_or_else(
                    || "no licence exception applies".to_owned(),
                    |exception| format!("see {exception}")
                ),
                control.determination
            ),
        ),
        Some(false) => (
            Severity::Info,
            "export.no_licence_required",
            format!(
                "{}: {eccn} to {destination}: no licence required{}. {}",
                regime.name,
                control.exception.as_deref().map(|e| format!(" ({e})")).unwrap_or_default(),
                control.determination
            ),
        ),
        None => (
            Severity::Condition,
            "export.licence_undetermined",
            format!("{}: {}", regime.name, control.determination),
        ),
    };
    findings.0.push(crate::output::Finding {
        severity,
        code: code.to_owned(),
        message,
        rule: control.rule.clone(),
        source: control.source.clone(),
        confidence: control.confidence,
        lines: control.lines.clone(),
    });
}

/// Regimes that follow their origins' goods (`[reexport]`, the US EAR) when the shipment leaves
/// another country: lines made in the regime's origins are classified and checked against its
/// licence rules and embargoes as a re-export; lines made elsewhere that would need the regime's
/// licence are flagged, because the regime may reach them too (de minimis content, foreign
/// direct product rules) and only the manufacturer can say.
fn reexports(
    kb: &Kb,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
    findings: &mut Findings,
) {
    let governing: Vec<&str> =
        kb.regimes_for_origin(shipment.origin).map(|regime| &*regime.id).collect();
    for regime in kb.regimes() {
        let Some(reexport) = regime.reexport.as_ref().filter(|r| r.provenance.in_force(as_of))
        else {
            continue;
        };
        if governing.contains(&&*regime.id) {
            continue;
        }
        let own: Vec<LineView<'_>> = lines
            .iter()
            .copied()
            .filter(|line| regime.origins.contains(&line.item.country_of_origin))
            .collect();
        if !own.is_empty() {
            embargoes(regime, shipment, &own, as_of, findings);
        }
        // Foreign-made lines matter only if some licence rule requires a licence to here.
        let any_licence = regime.licence_rules.iter().any(|rule| {
            rule.provenance.in_force(as_of)
                && rule.licence_required.known() == Some(&true)
                && (rule.all_destinations || rule.destinations.contains(&shipment.destination))
        });
        // (made in the regime's origins, ECCN, licence rule index) → lines; one finding each.
        let mut groups: BTreeMap<(bool, &str, Option<usize>), Vec<usize>> = BTreeMap::new();
        let mut undetermined: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for line in lines {
            let made_here = regime.origins.contains(&line.item.country_of_origin);
            if !made_here && !any_licence {
                continue;
            }
            let mut scratch = Findings::default();
            match classify(regime, shipment, *line, as_of, &mut scratch) {
                LineEccn::Found { eccn: Some(eccn), .. } => {
                    let licence = regime.licence_rules.iter().position(|rule| {
                        rule.provenance.in_force(as_of) && rule.covers(eccn, shipment.destination)
                    });
                    groups.entry((made_here, eccn.as_str(), licence)).or_default().push(line.index);
                }
                LineEccn::Undetermined(what) if made_here => {
                    undetermined.entry(what).or_default().push(line.index);
                }
                _ => {}
            }
        }
        let from = shipment.origin;
        let to = shipment.destination;
        let made_in = regime.origins.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("/");
        for (what, group) in undetermined {
            findings.push_rule(Severity::Condition, "export.reexport_undetermined", format!("{}: these items were made in {made_in} and stay subject to the regime when re-exported from {from}; their classification cannot be determined without {what}. Declare it, or the ECCN.", regime.name), None, &reexport.provenance, group);
        }
        for ((made_here, eccn, licence), group) in groups {
            let licence = licence.and_then(|idx| regime.licence_rules.get(idx));
            let rule_id = licence.map(|rule| &*rule.id);
            let provenance = licence.map_or(&reexport.provenance, |rule| &rule.provenance);
            let exception = licence
                .and_then(|rule| rule.exception.as_deref())
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            let denial = licence.and_then(|rule| rule.review_policy).filter(|p| p.blocks());
            match (made_here, licence.map(|rule| rule.licence_required.known().copied())) {
                (true, Some(Some(true))) if denial.is_some() => findings.push_rule(Severity::Blocker, "export.reexport_licence_denial_expected", format!("{}: made in {made_in}, these items stay subject to the regime when re-exported from {from}: {eccn} to {to} needs its licence{exception}, and applications are reviewed under {}, so the goods cannot be expected to leave. The licence is the only path: apply only with a case for an exception.", regime.name, policy_words(denial)), rule_id, provenance, group),
                (true, Some(Some(true))) => findings.push_rule(Severity::Condition, "export.reexport_licence", format!("{}: made in {made_in}, these items stay subject to the regime when re-exported from {from}: {eccn} to {to} needs its licence{exception}, in addition to {from}'s own export controls.", regime.name), rule_id, provenance, group),
                (true, Some(Some(false))) => findings.push_rule(Severity::Info, "export.reexport_no_licence", format!("{}: made in {made_in}, these items stay subject to the regime when re-exported from {from}; {eccn} to {to} needs no licence{exception}.", regime.name), rule_id, provenance, group),
                (true, _) => findings.push_rule(Severity::Condition, "export.reexport_undetermined", format!("{}: made in {made_in}, these items stay subject to the regime when re-exported from {from}; whether {eccn} needs its licence to {to} is not determined.", regime.name), rule_id, provenance, group),
                (false, Some(Some(true))) => {
                    let how = reexport.value.foreign_made.as_deref().unwrap_or("its re-export rules");
                    findings.push_rule(Severity::Warning, "export.foreign_made_may_be_subject", format!("{}: these items were not made in {made_in}, but as {eccn} they would need the regime's licence to {to}; the regime may still reach them through {how}. Confirm with the manufacturer before the goods leave.", regime.name), rule_id, provenance, group);
                }
                (false, _) => {}
            }
        }
    }
}

/// A review policy that blocks, in words.
fn policy_words(policy: Option<ReviewPolicy>) -> &'static str {
    match policy {
        Some(ReviewPolicy::Denial) => "a policy of denial",
        _ => "a presumption of denial",
    }
}
