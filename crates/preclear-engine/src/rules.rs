//! Requirements, restrictions, documents and the importer-of-record structure: which rules of the
//! destination market (and of the origin's export-control regime) apply to which lines.

use std::sync::Arc;

use preclear_domain::{Confidence, Date, Shipment};
use preclear_kb::{Holder, Known, Market, NeededBefore, Requirement, RestrictionEffect, Scope};

use crate::conditions::{LineView, Tri, applies};
use crate::findings::Findings;
use crate::output::{
    Days, DocumentResult, ImporterResult, RequirementHolder, RequirementResult, RequirementScope,
    RequirementSide, RequirementStatus, Severity,
};

/// A requirement and the lines it applies to, while the assessment is being built.
pub(crate) struct Applicable<'k> {
    pub(crate) requirement: &'k Requirement,
    pub(crate) side: RequirementSide,
    pub(crate) lines: Vec<usize>,
    pub(crate) maybe_lines: Vec<usize>,
    pub(crate) maybe_what: Option<&'static str>,
    /// The restriction that makes this requirement necessary, if any.
    pub(crate) because_of: Option<String>,
}

/// Evaluates a list of requirements against every line. A requirement that is the licence of a
/// restriction (`via_restriction[idx]`) applies only through that restriction, never on its own.
pub(crate) fn evaluate_requirements<'k>(
    requirements: &'k [Requirement],
    via_restriction: &[bool],
    side: RequirementSide,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
) -> Vec<Applicable<'k>> {
    requirements
        .iter()
        .enumerate()
        .map(|(idx, requirement)| {
            let mut applicable = Applicable {
                requirement,
                side,
                lines: Vec::new(),
                maybe_lines: Vec::new(),
                maybe_what: None,
                because_of: None,
            };
            if via_restriction.get(idx).copied().unwrap_or(false)
                || !requirement.provenance.in_force(as_of)
            {
                return applicable;
            }
            for line in lines {
                match applies(
                    requirement.when.as_ref(),
                    requirement.unless.as_ref(),
                    shipment,
                    *line,
                ) {
                    Tri::Yes => applicable.lines.push(line.index),
                    Tri::Maybe(what) => {
                        applicable.maybe_lines.push(line.index);
                        applicable.maybe_what.get_or_insert(what);
                    }
                    Tri::No => {}
                }
            }
            applicable
        })
        .collect()
}

/// Which of the market's requirements are the licence of a restriction.
pub(crate) fn licences_of_restrictions(market: &Market) -> Vec<bool> {
    let mut flags = vec![false; market.requirements.len()];
    for restriction in &market.restrictions {
        if let RestrictionEffect::Licensed(idx) = restriction.effect
            && let Some(flag) = flags.get_mut(idx)
        {
            *flag = true;
        }
    }
    flags
}

/// Evaluates the market's restrictions: prohibitions become blockers; licensed restrictions add
/// their licence to the requirements (`market_requirements` is indexed like `market.requirements`).
pub(crate) fn evaluate_restrictions(
    market: &Market,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    as_of: Date,
    market_requirements: &mut [Applicable<'_>],
    findings: &mut Findings,
) {
    for restriction in
        market.restrictions.iter().filter(|restriction| restriction.provenance.in_force(as_of))
    {
        let mut yes = Vec::new();
        let mut maybe = Vec::new();
        let mut maybe_what = None;
        for line in lines {
            match applies(restriction.when.as_ref(), restriction.unless.as_ref(), shipment, *line) {
                Tri::Yes => yes.push(line.index),
                Tri::Maybe(what) => {
                    maybe.push(line.index);
                    maybe_what.get_or_insert(what);
                }
                Tri::No => {}
            }
        }
        let exceptions = restriction
            .exceptions
            .as_deref()
            .map(|text| format!(" Exceptions: {text}."))
            .unwrap_or_default();
        match restriction.effect {
            RestrictionEffect::Prohibited => {
                if !yes.is_empty() {
                    findings.push_rule(
                        Severity::Blocker,
                        "restriction.prohibited",
                        format!("{}.{exceptions}", restriction.name),
                        Some(&restriction.id),
                        &restriction.provenance,
                        yes,
                    );
                }
                if !maybe.is_empty() {
                    findings.push_rule(Severity::Condition, "restriction.possible", format!("May be prohibited: {}. It depends on {}, which the request does not give: declare it.", restriction.name, maybe_what.unwrap_or("a fact")), Some(&restriction.id), &restriction.provenance, maybe);
                }
            }
            RestrictionEffect::Licensed(idx) => {
                let Some(applicable) = market_requirements.get_mut(idx) else { continue };
                if !yes.is_empty() {
                    findings.push_rule(
                        Severity::Condition,
                        "restriction.licensed",
                        format!(
                            "{}: obtain {} first.{exceptions}",
                            restriction.name, applicable.requirement.name
                        ),
                        Some(&restriction.id),
                        &restriction.provenance,
                        yes.clone(),
                    );
                    applicable.because_of = Some(restriction.id.to_string());
                    applicable.lines.extend(yes);
                    applicable.lines.sort_unstable();
                    applicable.lines.dedup();
                }
                if !maybe.is_empty() {
                    findings.push_rule(Severity::Condition, "restriction.possible", format!("May need {}: {}. It depends on {}, which the request does not give: declare it.", applicable.requirement.name, restriction.name, maybe_what.unwrap_or("a fact")), Some(&restriction.id), &restriction.provenance, maybe);
                }
            }
        }
    }
}

/// Turns the applicable requirements into findings and results.
pub(crate) fn report_requirements(
    applicable: &[Applicable<'_>],
    findings: &mut Findings,
) -> Vec<RequirementResult> {
    let mut results = Vec::new();
    for entry in applicable {
        let requirement = entry.requirement;
        let (status, lines) = if !entry.lines.is_empty() {
            (RequirementStatus::Applies, entry.lines.clone())
        } else if !entry.maybe_lines.is_empty() {
            (RequirementStatus::Possible, entry.maybe_lines.clone())
        } else if entry.because_of.is_some() {
            (RequirementStatus::Applies, Vec::new())
        } else {
            continue;
        };
        let lead = match requirement.lead_time {
            Known::Known(days) => format!("lead time {}–{} days", days.min, days.max),
            Known::Unknown => "lead time not established: confirm it with the authority".to_owned(),
        };
        let held = match requirement.scope {
            Scope::Shipment => "for this shipment",
            Scope::Model => "once per product model (skip if already held)",
            Scope::Importer => "once (skip if the importer already holds it)",
        };
        let message = if requirement.provenance.confidence == Confidence::Unknown {
            // The KB records that it does not know whether (or how) this applies: the operator
            // must find out, and nothing about it may be assumed.
            let note = requirement.provenance.note.as_deref().unwrap_or("");
            format!(
                "Not established: {} ({}) may be required for these lines. Confirm with the authority whether it applies, who must hold it and how long it takes, before the shipment moves. {note}",
                requirement.name, requirement.authority
            )
            .trim_end()
            .to_owned()
        } else if status == RequirementStatus::Applies {
            format!(
                "Obtain {} from {} — {}, {held}; {lead}; needed before {}.",
                requirement.name,
                requirement.authority,
                holder_words(requirement.holder),
                needed_words(requirement.needed_before)
            )
        } else {
            format!(
                "May need {} from {}: it depends on {}, which the request does not give. Declare it, or plan for it ({lead}).",
                requirement.name,
                requirement.authority,
                entry.maybe_what.unwrap_or("a fact")
            )
        };
        let code = match (requirement.provenance.confidence, status) {
            (Confidence::Unknown, _) => "requirement.unconfirmed",
            (_, RequirementStatus::Applies) => "requirement.applies",
            _ => "requirement.possible",
        };
        findings.push_rule(
            Severity::Condition,
            code,
            message,
            Some(&requirement.id),
            &requirement.provenance,
            lines.clone(),
        );
        results.push(RequirementResult {
            rule: requirement.id.to_string(),
            status,
            kind: requirement.kind.as_str(),
            name: requirement.name.clone(),
            authority: requirement.authority.clone(),
            side: entry.side,
            scope: match requirement.scope {
                Scope::Shipment => RequirementScope::Shipment,
                Scope::Model => RequirementScope::Model,
                Scope::Importer => RequirementScope::Importer,
            },
            holder: match requirement.holder {
                Holder::Importer => RequirementHolder::Importer,
                Holder::Manufacturer => RequirementHolder::Manufacturer,
                Holder::ImporterOrManufacturer => RequirementHolder::ImporterOrManufacturer,
                Holder::LocalEntity => RequirementHolder::LocalEntity,
                Holder::Exporter => RequirementHolder::Exporter,
                Holder::Anyone => RequirementHolder::Anyone,
            },
            lead_time_days: requirement
                .lead_time
                .known()
                .map(|days| Days { min: days.min, max: days.max }),
            needed_before: match requirement.needed_before {
                NeededBefore::Departure => crate::NeededBefore::Departure,
                NeededBefore::Arrival => crate::NeededBefore::Arrival,
                NeededBefore::Clearance => crate::NeededBefore::Clearance,
            },
            documents: requirement.documents.clone(),
            lines,
            source: requirement.provenance.source().to_owned(),
            confidence: requirement.provenance.confidence,
        });
    }
    results
}

/// The documents: the shared list and the market's, where their conditions hold for any line,
/// then those the applicable requirements produce.
pub(crate) fn documents(
    shared: &[preclear_kb::DocumentRule],
    market: &Market,
    shipment: &Shipment,
    lines: &[LineView<'_>],
    requirements: &[RequirementResult],
    as_of: Date,
) -> Vec<DocumentResult> {
    let mut out = Vec::new();
    for rule in
        shared.iter().chain(&market.documents).filter(|rule| rule.provenance.in_force(as_of))
    {
        let needed = lines.iter().any(|line| {
            applies(rule.when.as_ref(), rule.unless.as_ref(), shipment, *line) != Tri::No
        });
        if needed {
            out.push(DocumentResult {
                name: rule.name.clone(),
                rule: rule.id.to_string(),
                source: rule.provenance.source().to_owned(),
            });
        }
    }
    for requirement in requirements {
        for name in &requirement.documents {
            out.push(DocumentResult {
                name: name.clone(),
                rule: requirement.rule.clone(),
                source: requirement.source.clone(),
            });
        }
    }
    out
}

/// Who the importer is, and whether the IOR structure suits the purpose.
pub(crate) fn importer(
    market: &Market,
    shipment: &Shipment,
    as_of: Date,
    findings: &mut Findings,
) -> ImporterResult {
    let rule = &market.importer;
    let non_resident_needed = !shipment.client.local_entity_in_destination;
    let allowed = rule.value.non_resident_allowed.known().copied();
    let location = rule.provenance.location.to_string();
    if non_resident_needed {
        match allowed {
            Some(true) => findings.push_rule(Severity::Info, "ior.non_resident_allowed", format!("{} has no entity in {}; a non-resident may be importer of record here: {}", shipment.client.name, market.name, rule.value.route), Some(&location), &rule.provenance, vec![]),
            Some(false) => findings.push_rule(Severity::Info, "ior.local_importer_needed", format!("{} has no entity in {}, and a non-resident cannot be importer of record here: {}", shipment.client.name, market.name, rule.value.route), Some(&location), &rule.provenance, vec![]),
            None => findings.push_rule(Severity::Condition, "ior.non_resident_unknown", format!("Whether a non-resident can be importer of record in {} is not established. Confirm the import structure: {}", market.name, rule.value.route), Some(&location), &rule.provenance, vec![]),
        }
    } else {
        findings.push_rule(Severity::Info, "ior.client_has_local_entity", format!("{} has its own entity in {}, which may act as importer itself; an IOR service is optional.", shipment.client.name, market.name), Some(&location), &rule.provenance, vec![]);
    }
    let unsuitable = non_resident_needed
        .then(|| {
            market.ior_unsuitable.iter().find(|rule| {
                rule.purposes.contains(&shipment.purpose) && rule.provenance.in_force(as_of)
            })
        })
        .flatten();
    if let Some(unsuitable) = unsuitable {
        findings.push_rule(Severity::Blocker, "ior.unsuitable", format!("A non-resident importer of record is not a suitable structure for {}: {}. Instead: {}.", shipment.purpose.as_str().replace('_', " "), unsuitable.reason, unsuitable.recommendation), Some(&unsuitable.id), &unsuitable.provenance, vec![]);
    }
    ImporterResult {
        non_resident_ior_needed: non_resident_needed,
        non_resident_allowed: allowed,
        route: rule.value.route.clone(),
        ior_suitable: unsuitable.is_none(),
        rule: Some(unsuitable.map_or(location, |rule| rule.id.to_string())),
        source: Some(
            unsuitable.map_or(rule.provenance.source(), |rule| rule.provenance.source()).to_owned(),
        ),
    }
}

/// The earliest ship date: the assessment date plus the longest (worst-case) lead time of the
/// requirements needed before departure; `None` when one of them has no known lead time. Also
/// the first requirement needed later (before arrival or clearance) whose lead time is unknown:
/// the date everything is in hand then cannot be computed, even when the ship date can.
pub(crate) fn timeline(
    as_of: Date,
    applicable: &[Applicable<'_>],
) -> (Option<Date>, crate::output::Timeline, Option<Arc<str>>) {
    let mut departure_days: Option<u32> = Some(0);
    let mut critical: Option<String> = None;
    let mut critical_days = 0;
    // Once a departure requirement's lead time is unknown, it is the one the date waits for.
    let mut critical_unknown = false;
    let mut all_days: Option<u32> = Some(0);
    let mut later_unknown: Option<Arc<str>> = None;
    for entry in
        applicable.iter().filter(|entry| !entry.lines.is_empty() || entry.because_of.is_some())
    {
        let requirement = entry.requirement;
        let days = requirement.lead_time.known().map(|days| days.max);
        all_days = all_days.and_then(|all| days.map(|days| all.max(days)));
        if days.is_none() && requirement.needed_before != NeededBefore::Departure {
            later_unknown.get_or_insert_with(|| requirement.id.clone());
        }
        if requirement.needed_before == NeededBefore::Departure {
            departure_days = departure_days.and_then(|all| days.map(|days| all.max(days)));
            match days {
                Some(days) if !critical_unknown && (days > critical_days || critical.is_none()) => {
                    critical_days = days;
                    critical = Some(requirement.id.to_string());
                }
                None if !critical_unknown => {
                    critical_unknown = true;
                    critical = Some(requirement.id.to_string());
                }
                _ => {}
            }
        }
    }
    let add = |days: u32| as_of.checked_add(jiff::Span::new().days(i64::from(days))).ok();
    let earliest = departure_days.and_then(add);
    let timeline = crate::output::Timeline {
        critical_requirement: critical,
        days_to_departure: departure_days,
        all_requirements_by: all_days.and_then(add),
    };
    (earliest, timeline, later_unknown)
}

fn holder_words(holder: Holder) -> &'static str {
    match holder {
        Holder::Importer => "applied for and held by the importer of record",
        Holder::Manufacturer => "applied for and held by the manufacturer",
        Holder::ImporterOrManufacturer => "held by the importer or the manufacturer",
        Holder::LocalEntity => "only a locally established entity can hold it",
        Holder::Exporter => "the exporter's obligation at origin",
        Holder::Anyone => "anyone may apply",
    }
}

fn needed_words(needed: NeededBefore) -> &'static str {
    match needed {
        NeededBefore::Departure => "the goods leave origin",
        NeededBefore::Arrival => "the goods arrive",
        NeededBefore::Clearance => "customs clearance",
    }
}
