//! The preclear pre-qualification engine.
//!
//! [`assess`] is a pure function of (knowledge base, shipment, as-of date): no IO, no clock, no
//! randomness, so the same input and KB version always give the same [`Assessment`], byte for
//! byte once serialised, and an old decision can be replayed. It determines, per line, the HS
//! code, duty, requirements, restrictions and export controls; per shipment, the landed cost with
//! the destination's tax cascade, the importer-of-record structure, the documents and the
//! earliest ship date; and one [`Verdict`], with every [`Finding`] tied to the rule, source and
//! confidence that produced it.
//!
//! ```
//! let kb = preclear_kb_bundle::load().expect("the bundled KB is valid");
//! let request = include_str!("../../../examples/product-example.json");
//! let shipment = preclear_domain::request::parse_shipment_request(request).expect("valid request");
//! let as_of: preclear_domain::Date = "2026-11-21".parse().unwrap();
//! let assessment = preclear_engine::assess(&kb, &shipment, as_of);
//! assert_eq!(assessment.kb_version, kb.version().as_str());
//! println!("{}", preclear_engine::render_text(&assessment));
//! ```

mod classify;
mod closed;
pub mod compare;
mod conditions;
mod export;
mod findings;
mod fx;
mod levies;
#[cfg(feature = "openapi")]
mod openapi;
mod output;
pub mod probe;
mod recovery;
mod report;
mod rules;
pub mod scenario;
pub mod screening;

use std::sync::Arc;

use preclear_domain::{Confidence, Date, Shipment};
use preclear_kb::Kb;

use crate::conditions::LineView;
use crate::findings::Findings;
pub use crate::output::*;
pub use crate::report::render_text;

/// Assesses a shipment against the knowledge base as of a date.
pub fn assess(kb: &Kb, shipment: &Shipment, as_of: Date) -> Assessment {
    assess_priced(kb, shipment, as_of, None)
}

/// [`assess`], with the provider's service charges under `prices` (the IOR fee, brokerage…),
/// converted into the request's currency like every other amount.
pub fn assess_priced(
    kb: &Kb,
    shipment: &Shipment,
    as_of: Date,
    prices: Option<&preclear_pricing::PriceList>,
) -> Assessment {
    assess_screened(kb, shipment, as_of, prices, None)
}

/// [`assess_priced`], with the parties screened against the restricted-party lists of
/// `screen`, taking the operators' decisions into account (a match is a blocker, a possible
/// match a condition; `Assessment::screening`).
pub fn assess_screened(
    kb: &Kb,
    shipment: &Shipment,
    as_of: Date,
    prices: Option<&preclear_pricing::PriceList>,
    screen: Option<screening::Screen<'_>>,
) -> Assessment {
    let (mut assessment, differing) = assess_once(kb, shipment, as_of, prices, screen);
    if !differing.is_empty() {
        // What the classifier's codes would change: the same shipment assessed with them.
        let other = classify::reclassified(shipment, &differing);
        let (theirs, _) = assess_once(kb, &other, as_of, None, None);
        if classify::cross_check(&mut assessment, &theirs, &differing) {
            let findings = std::mem::take(&mut assessment.findings);
            let (findings, verdict, summary) = judge(findings);
            assessment.findings = findings;
            assessment.verdict = verdict;
            assessment.summary = summary;
        }
    }
    assessment
}

/// One assessment, and the lines whose declared code differs from a confident classification:
/// `(line, declared, classified)`.
fn assess_once(
    kb: &Kb,
    shipment: &Shipment,
    as_of: Date,
    prices: Option<&preclear_pricing::PriceList>,
    screen: Option<screening::Screen<'_>>,
) -> (Assessment, Vec<(usize, preclear_domain::HsCode, preclear_domain::HsCode)>) {
    let mut findings = Findings::default();
    let screening = screen.map(|s| screening::screen(s, shipment, as_of, &mut findings));
    let mut memo = classify::Memo::default();
    let classes: Vec<classify::LineClass> = shipment
        .items
        .iter()
        .enumerate()
        .map(|(idx, item)| classify::classify(kb, item, idx, &mut memo, &mut findings))
        .collect();
    let differing: Vec<(usize, preclear_domain::HsCode, preclear_domain::HsCode)> = classes
        .iter()
        .enumerate()
        .filter_map(|(idx, class)| Some((idx, class.hs.clone()?, class.differs.clone()?)))
        .collect();
    let codes: Vec<Option<&preclear_domain::HsCode>> =
        classes.iter().map(|class| class.hs.as_ref()).collect();
    let totals =
        conditions::Totals::new(shipment, &codes, fx::Converter::new(kb.fx(), shipment, as_of));
    let lines: Vec<LineView<'_>> = shipment
        .items
        .iter()
        .zip(&classes)
        .enumerate()
        .map(|(index, (item, class))| LineView {
            index,
            item,
            hs: class.hs.as_ref(),
            totals: &totals,
        })
        .collect();

    let mut export = export::assess(kb, shipment, &lines, as_of, &mut findings);

    let Some(market) = kb.market(shipment.destination) else {
        // Thresholds may have converted an amount even here; their rates are stated.
        let mut fx = fx::Converter::new(kb.fx(), shipment, as_of);
        fx.absorb(&totals.fx.borrow());
        let rates = fx.finish(&mut findings);
        let extras = Extras { exchange_rates: rates, screening };
        return (uncovered(kb, shipment, as_of, findings, &classes, export, extras), differing);
    };

    let mut fx = fx::Converter::new(kb.fx(), shipment, as_of);
    let mut levies =
        levies::compute(market, shipment, &lines, as_of, levies::Pick::Low, &mut fx, &mut findings);
    if !levies.by_subdivision.is_empty() {
        // The request does not say where in the destination the goods go, and a rate depends
        // on it: the same computation with the highest rates gives the range's high end.
        let mut scratch = Findings::default();
        let mut fx_high = fx::Converter::new(kb.fx(), shipment, as_of);
        let high = levies::compute(
            market,
            shipment,
            &lines,
            as_of,
            levies::Pick::High,
            &mut fx_high,
            &mut scratch,
        );
        levies::merge_high(&mut levies.landed_cost, &high.landed_cost);
        let names: Vec<&str> = levies
            .by_subdivision
            .iter()
            .filter_map(|id| market.levies.iter().find(|l| l.id == *id))
            .map(|l| l.name.as_str())
            .collect();
        let range = match &levies.landed_cost.total_high {
            Some(high) => {
                format!("from {} to {high} {}", levies.landed_cost.total, shipment.currency)
            }
            None => format!("{} {}", levies.landed_cost.total, shipment.currency),
        };
        findings.push(
            Severity::Condition,
            "levy.subdivision_needed",
            format!(
                "{} depends on the state or province of {} the goods go to, which the request does not give: the landed cost is {range} over the rates the knowledge base knows. Give `destination_subdivision` (ISO 3166-2, e.g. {}-…) for one figure.",
                names.join(", "),
                market.name,
                market.country
            ),
            vec![],
        );
    }
    let service_charges = prices.and_then(|list| {
        let cost = &levies.landed_cost;
        let figures = preclear_pricing::Figures {
            destination: shipment.destination,
            currency: shipment.currency,
            customs_value: cost.customs_value.parse().unwrap_or_default(),
            goods_value: cost.goods_value.parse().unwrap_or_default(),
            lines: shipment.items.len(),
            rounding: levies.rounding,
            paid_by: cost.duties_and_taxes_paid_by.as_str(),
        };
        let charges =
            preclear_pricing::charges(list, &figures, &mut |money| fx.in_request_currency(money));
        if charges.is_none() {
            findings.push(Severity::Info, "pricing.market_not_priced", format!("The price list {} ({}) has no prices for {} and no default: no service charges are shown.", list.label, list.provider, market.name), vec![]);
        }
        charges
    });
    if let Some(report) = shipment.report_currency.filter(|c| *c != shipment.currency) {
        let cost = &mut levies.landed_cost;
        match fx.report_rate(report) {
            Some(rate) => {
                let rounding = preclear_domain::Rounding {
                    mode: levies.rounding.mode,
                    decimal_places: report.minor_units(),
                };
                // Amounts in the request's currency, converted and rounded to the report's.
                let at = |text: &str| -> String {
                    text.parse::<rust_decimal::Decimal>()
                        .ok()
                        .and_then(|amount| rate.convert(amount))
                        .map(|value| rounding.apply(value).to_string())
                        .unwrap_or_default()
                };
                cost.in_report_currency = Some(ReportAmounts {
                    currency: report,
                    customs_value: at(&cost.customs_value),
                    total: at(&cost.total),
                    total_high: cost.total_high.as_deref().map(at),
                    rate: fx::exchange_rate(&rate),
                });
            }
            None => findings.push(
                Severity::Warning,
                "fx.report_currency_unavailable",
                format!("The landed cost cannot be shown in {report}: preclear has no rate from {} to {report} for {as_of}. Give it in `fx_rates`.", shipment.currency),
                vec![],
            ),
        }
    }
    let importer = rules::importer(market, shipment, as_of, &mut findings);
    levies.landed_cost.vat_recovery =
        Some(recovery::assess(market, shipment, &importer, &levies.landed_cost, as_of));

    let licences = rules::licences_of_restrictions(market);
    let mut destination = rules::evaluate_requirements(
        &market.requirements,
        &licences,
        RequirementSide::Destination,
        shipment,
        &lines,
        as_of,
    );
    rules::evaluate_restrictions(market, shipment, &lines, as_of, &mut destination, &mut findings);
    let mut applicable = destination;
    for regime in &export.regimes {
        applicable.extend(rules::evaluate_requirements(
            &regime.requirements,
            &[],
            RequirementSide::Origin,
            shipment,
            &lines,
            as_of,
        ));
    }
    let requirements = rules::report_requirements(&applicable, &mut findings);
    let documents =
        rules::documents(kb.shared_documents(), market, shipment, &lines, &requirements, as_of);
    let (earliest_ship_date, timeline, later_unknown) = rules::timeline(as_of, &applicable);
    match (earliest_ship_date, later_unknown) {
        (None, _) => findings.push(Severity::Condition, "timeline.unknown_lead_time", format!("The earliest ship date cannot be computed: the lead time of {} is not established.", timeline.critical_requirement.as_deref().unwrap_or("a requirement")), vec![]),
        // The goods may leave, but the date they can clear is not settled: say so.
        (Some(date), Some(rule)) => findings.push(Severity::Warning, "timeline.clearance_date_unknown", format!("The goods may leave on {date}, but when everything needed for arrival and clearance will be in hand cannot be computed: the lead time of {rule} is not established. Obtain it before the goods arrive, or they wait in customs."), vec![]),
        (Some(_), None) => {}
    }

    // Every rule has been evaluated: the rates thresholds were converted at are the landed
    // cost's too.
    fx.absorb(&totals.fx.borrow());
    levies.landed_cost.exchange_rates = fx.finish(&mut findings);

    // Each line's requirements, in one pass over the requirements (not one per line).
    let mut line_requirements: Vec<Vec<Arc<str>>> = vec![Vec::new(); shipment.items.len()];
    for requirement in &requirements {
        let rule: Arc<str> = Arc::from(requirement.rule.as_str());
        for &idx in &requirement.lines {
            if let Some(list) = line_requirements.get_mut(idx) {
                list.push(rule.clone());
            }
        }
    }
    let line_results = shipment
        .items
        .iter()
        .zip(&classes)
        .enumerate()
        .map(|(idx, (item, class))| {
            let mut line = line_result(kb, idx, item, class);
            line.value = levies.rounding.apply(line.value);
            line.customs_value = levies
                .line_customs_values
                .get(idx)
                .map(|value| levies.rounding.apply(*value))
                .unwrap_or_default();
            line.duty = levies
                .line_duty
                .get(idx)
                .copied()
                .flatten()
                .map(|duty| levies.rounding.apply(duty));
            line.levies = levies.line_levies.get_mut(idx).map(std::mem::take).unwrap_or_default();
            line.requirements =
                line_requirements.get_mut(idx).map(std::mem::take).unwrap_or_default();
            line.eccn = export.line_eccns.get_mut(idx).map(std::mem::take).unwrap_or_default();
            if let Some(classification) = &mut line.classification
                && let Some(first) = classification.candidates.first()
            {
                classification.national_lines = classify::national_lines(market, &first.hs, as_of);
            }
            line
        })
        .collect();

    let assessment = finish(
        kb,
        shipment,
        as_of,
        findings,
        Parts {
            requirements,
            export_controls: export.controls,
            importer,
            documents,
            landed_cost: levies.landed_cost,
            lines: line_results,
            earliest_ship_date,
            timeline,
            service_charges,
            screening,
        },
    );
    (assessment, differing)
}

/// The parts of an assessment other than the verdict and findings.
/// What an uncovered market's assessment still carries: the rates thresholds were converted at,
/// and the parties' screening.
struct Extras {
    exchange_rates: Vec<ExchangeRate>,
    screening: Option<screening::Screening>,
}

struct Parts {
    service_charges: Option<preclear_pricing::ServiceCharges>,
    screening: Option<screening::Screening>,
    requirements: Vec<RequirementResult>,
    export_controls: Vec<ExportControl>,
    importer: ImporterResult,
    documents: Vec<DocumentResult>,
    landed_cost: LandedCost,
    lines: Vec<LineResult>,
    earliest_ship_date: Option<Date>,
    timeline: Timeline,
}

/// The assessment of a shipment to a destination the KB does not cover: export controls are
/// still assessed, but nothing about the import can be said.
fn uncovered(
    kb: &Kb,
    shipment: &Shipment,
    as_of: Date,
    mut findings: Findings,
    classes: &[classify::LineClass],
    export: export::ExportResult<'_>,
    extras: Extras,
) -> Assessment {
    let Extras { exchange_rates, screening } = extras;
    let covered: Vec<&str> = kb.markets().map(|market| market.country.as_str()).collect();
    findings.push(Severity::Condition, "market.not_covered", format!("The knowledge base has no data for {} ({}): the import cannot be pre-qualified, but nothing known blocks it either. Markets covered: {}.", shipment.destination.name(), shipment.destination, covered.join(", ")), vec![]);
    let zero = |amount: rust_decimal::Decimal| amount.to_string();
    let goods: rust_decimal::Decimal =
        shipment.items.iter().map(|item| item.line_value().amount()).sum();
    let lines = shipment
        .items
        .iter()
        .zip(classes)
        .enumerate()
        .map(|(idx, (item, class))| {
            let mut line = line_result(kb, idx, item, class);
            line.eccn = export.line_eccns.get(idx).cloned().unwrap_or_default();
            line
        })
        .collect();
    finish(
        kb,
        shipment,
        as_of,
        findings,
        Parts {
            requirements: Vec::new(),
            export_controls: export.controls,
            importer: ImporterResult {
                non_resident_ior_needed: !shipment.client.local_entity_in_destination,
                non_resident_allowed: None,
                route: String::new(),
                ior_suitable: false,
                rule: None,
                source: None,
            },
            documents: Vec::new(),
            landed_cost: LandedCost {
                total_high: None,
                currency: shipment.currency,
                valuation_basis: ValuationBasis::Unknown,
                goods_value: zero(goods),
                freight: shipment.freight.map(|m| zero(m.amount())),
                insurance: shipment.insurance.map(|m| zero(m.amount())),
                customs_value: zero(goods),
                duties: Vec::new(),
                taxes: Vec::new(),
                fees: Vec::new(),
                total: zero(goods),
                exchange_rates,
                complete: false,
                in_report_currency: None,
                duties_and_taxes_paid_by: levies::payer(
                    shipment.incoterm.seller_pays_import_duties(),
                ),
                freight_paid_by: levies::payer(shipment.incoterm.seller_pays_main_carriage()),
                rounding: "none: the market is not covered".to_owned(),
                vat_recovery: None,
            },
            lines,
            earliest_ship_date: None,
            timeline: Timeline {
                critical_requirement: None,
                days_to_departure: None,
                all_requirements_by: None,
            },
            service_charges: None,
            screening,
        },
    )
}

/// A line's result with what every assessment knows of it: classification and value (the
/// customs value is the value until a market says otherwise; duty unknown; no levies yet).
fn line_result(
    kb: &Kb,
    idx: usize,
    item: &preclear_domain::Item,
    class: &classify::LineClass,
) -> LineResult {
    LineResult {
        line: idx,
        description: item.description.clone(),
        hs_code: class.hs.clone(),
        hs_basis: class.basis,
        classification: class.classification.clone(),
        hs_description: class
            .hs
            .as_ref()
            .and_then(|hs| kb.nomenclature().description_shared(hs.subheading())),
        value: item.line_value().amount(),
        customs_value: item.line_value().amount(),
        duty: None,
        levies: Vec::new(),
        requirements: Vec::new(),
        eccn: Vec::new(),
    }
}

/// Orders the findings, decides the verdict and assembles the assessment.
fn finish(
    kb: &Kb,
    shipment: &Shipment,
    as_of: Date,
    findings: Findings,
    parts: Parts,
) -> Assessment {
    let mut findings = findings.0;
    surface_weak_facts(&mut findings);
    let (findings, verdict, summary) = judge(findings);
    Assessment {
        verdict,
        summary,
        kb_version: kb.version().to_string(),
        as_of,
        reference: shipment.reference.clone(),
        origin: shipment.origin,
        destination: shipment.destination,
        findings,
        requirements: parts.requirements,
        export_controls: parts.export_controls,
        importer: parts.importer,
        documents: parts.documents,
        landed_cost: parts.landed_cost,
        lines: parts.lines,
        earliest_ship_date: parts.earliest_ship_date,
        timeline: parts.timeline,
        service_charges: parts.service_charges,
        screening: parts.screening,
    }
}

/// Orders the findings — most severe first; within a severity, by first line, then code: a
/// stable order — and decides the verdict.
fn judge(mut findings: Vec<Finding>) -> (Vec<Finding>, Verdict, String) {
    findings.sort_by(|a, b| {
        (a.severity, a.lines.first(), &a.code).cmp(&(b.severity, b.lines.first(), &b.code))
    });
    let (verdict, summary) = verdict(&findings);
    (findings, verdict, summary)
}

/// Makes every weak fact the assessment relies on visible: a rule of low confidence gets one
/// `kb.low_confidence` warning (to confirm before relying on it), and a rule of unknown confidence
/// behind a mere warning or information becomes a `kb.unknown_fact` condition, because what
/// rests on an unknown fact must be confirmed before the shipment moves.
fn surface_weak_facts(findings: &mut Vec<Finding>) {
    let mut warned: Vec<String> = findings
        .iter()
        .filter(|finding| finding.code == "kb.low_confidence")
        .filter_map(|finding| finding.rule.clone())
        .collect();
    let mut added = Vec::new();
    for finding in findings.iter() {
        let Some(rule) = &finding.rule else { continue };
        let source = finding.source.as_deref().unwrap_or("no source");
        // A finding about the fact behind `finding`, on the same rule and lines.
        let about = |severity, code: &str, message| Finding {
            severity,
            code: code.to_owned(),
            message,
            rule: Some(rule.clone()),
            source: finding.source.clone(),
            confidence: finding.confidence,
            lines: finding.lines.clone(),
        };
        match finding.confidence {
            Some(Confidence::Low) if !warned.contains(rule) => {
                warned.push(rule.clone());
                added.push(about(Severity::Warning, "kb.low_confidence", format!("{rule} rests on a low-confidence fact ({source}); confirm it before relying on it.")));
            }
            Some(Confidence::Unknown)
                if matches!(finding.severity, Severity::Warning | Severity::Info) =>
            {
                added.push(about(Severity::Condition, "kb.unknown_fact", format!("{rule} rests on a fact the knowledge base does not establish; confirm it before the shipment moves: {}", finding.message)));
            }
            _ => {}
        }
    }
    findings.extend(added);
}

/// A blocker makes the shipment not clearable; a destination the KB does not cover (and no
/// blocker, which export controls may still find) gives `not_assessable`; an unsuitable IOR
/// structure (and no other blocker) gives `ior_not_suitable`; any condition gives
/// `clearable_with_conditions`.
fn verdict(findings: &[Finding]) -> (Verdict, String) {
    let count =
        |severity: Severity| findings.iter().filter(|finding| finding.severity == severity).count();
    let goods_blockers: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker && f.code != "ior.unsuitable")
        .collect();
    if let Some(first) = goods_blockers.first() {
        let more = if goods_blockers.len() > 1 {
            format!(" ({} blockers in all)", goods_blockers.len())
        } else {
            String::new()
        };
        return (Verdict::NotClearable, format!("Not clearable: {}{more}", first.message));
    }
    if let Some(uncovered) = findings.iter().find(|f| f.code == "market.not_covered") {
        return (Verdict::NotAssessable, format!("Not assessable: {}", uncovered.message));
    }
    if let Some(unsuitable) = findings.iter().find(|f| f.code == "ior.unsuitable") {
        return (Verdict::IorNotSuitable, unsuitable.message.clone());
    }
    let n_conditions = count(Severity::Condition);
    if n_conditions > 0 {
        return (
            Verdict::ClearableWithConditions,
            format!(
                "Clearable once {n_conditions} condition{} {} met or confirmed.",
                if n_conditions == 1 { "" } else { "s" },
                if n_conditions == 1 { "is" } else { "are" }
            ),
        );
    }
    (Verdict::Clearable, "Clearable: no blocker and no condition found.".to_owned())
}
