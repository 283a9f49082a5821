//! The assessment as a report for a person: verdict first, then what to do, what it costs, the
//! export controls, the documents and the lines, each conclusion with its rule and source.

use std::fmt::Write as _;

use crate::output::{Assessment, Charge, RequirementStatus, Severity};

/// Renders an assessment as plain text.
pub fn render_text(assessment: &Assessment) -> String {
    let mut out = String::new();
    let a = assessment;
    let _ = writeln!(
        out,
        "preclear assessment {}  {} → {}  as of {}",
        if a.reference.is_empty() { "(no reference)" } else { &a.reference },
        a.origin,
        a.destination,
        a.as_of
    );
    let _ = writeln!(out, "Knowledge base {}", a.kb_version);
    let _ = writeln!(out, "\nVERDICT: {}", a.verdict.as_str().to_uppercase().replace('_', " "));
    let _ = writeln!(out, "{}", a.summary);

    for (severity, title) in [
        (Severity::Blocker, "Blockers"),
        (Severity::Condition, "Conditions to meet or confirm"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Information"),
    ] {
        let group: Vec<_> =
            a.findings.iter().filter(|finding| finding.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for finding in group {
            let lines = if finding.lines.is_empty() {
                String::new()
            } else {
                format!(
                    " [lines {}]",
                    finding
                        .lines
                        .iter()
                        .map(|l| (l + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(out, "  - {}{lines}", finding.message);
            let mut basis = Vec::new();
            if let Some(rule) = &finding.rule {
                basis.push(format!("rule {rule}"));
            }
            if let Some(confidence) = finding.confidence {
                basis.push(format!("{confidence} confidence"));
            }
            if let Some(source) = &finding.source {
                basis.push(source.clone());
            }
            if !basis.is_empty() {
                let _ = writeln!(out, "      ({})", basis.join("; "));
            }
        }
    }

    let c = &a.landed_cost;
    let _ = writeln!(
        out,
        "\nLanded cost ({}; valuation {}; duties and taxes paid by the {}):",
        c.currency, c.valuation_basis, c.duties_and_taxes_paid_by
    );
    let _ = writeln!(out, "  {:<44} {:>16}", "Goods value", c.goods_value);
    if let Some(freight) = &c.freight {
        let _ = writeln!(out, "  {:<44} {:>16}", "Freight", freight);
    }
    if let Some(insurance) = &c.insurance {
        let _ = writeln!(out, "  {:<44} {:>16}", "Insurance", insurance);
    }
    let _ = writeln!(out, "  {:<44} {:>16}", "Customs value", c.customs_value);
    for charge in c.duties.iter().chain(&c.taxes).chain(&c.fees) {
        let amount = charge.amount.as_deref().unwrap_or("unknown");
        let _ = match &charge.amount_high {
            Some(high) => writeln!(
                out,
                "  {:<44} {:>16} to {high} (by state or province)",
                charge_label(charge),
                amount
            ),
            None => writeln!(out, "  {:<44} {:>16}", charge_label(charge), amount),
        };
    }
    let _ = match &c.total_high {
        Some(high) => writeln!(
            out,
            "  {:<44} {:>16} to {high}{}",
            "Total landed cost",
            c.total,
            if c.complete { "" } else { "  (lower bounds: some charges unknown)" }
        ),
        None => writeln!(
            out,
            "  {:<44} {:>16}{}",
            "Total landed cost",
            c.total,
            if c.complete { "" } else { "  (lower bound: some charges unknown)" }
        ),
    };
    let _ = writeln!(out, "  Rounding: {}", c.rounding);
    if let Some(report) = &c.in_report_currency {
        let total = match &report.total_high {
            Some(high) => format!("{} to {high}", report.total),
            None => report.total.clone(),
        };
        let _ = writeln!(
            out,
            "  In {}: customs value {}, landed cost {total} (1 {} = {} {}, {} of {})",
            report.currency,
            report.customs_value,
            report.rate.from,
            report.rate.rate,
            report.currency,
            report.rate.source.title(),
            report.rate.published
        );
    }
    if let Some(recovery) = &c.vat_recovery {
        let _ = writeln!(out, "  Import VAT/GST: {}", recovery.explanation);
        if let (Some(cash_out), Some(net)) = (recovery.cash_out, recovery.net_cost)
            && recovery.recoverable == Some(true)
        {
            let _ = writeln!(
                out,
                "  {:<44} {:>16}\n  {:<44} {:>16}",
                "Cash out at import",
                cash_out.to_string(),
                "Net cost after recovery",
                net.to_string()
            );
        }
    }
    if let Some(service) = &a.service_charges {
        let _ = writeln!(
            out,
            "\nService charges ({}, price list {} {}; {} prices; paid by the {}):",
            service.provider,
            service.price_list,
            service.price_list_version,
            service.section,
            service.charges.first().map_or("seller", |c| c.paid_by)
        );
        for charge in &service.charges {
            let _ = writeln!(
                out,
                "  {:<44} {:>16}  ({}{})",
                charge.name,
                charge.amount.as_deref().unwrap_or("unknown"),
                charge.basis,
                if charge.estimate { "; estimate" } else { "" }
            );
        }
        let _ = writeln!(
            out,
            "  {:<44} {:>16}{}",
            "Total service charges",
            service.total,
            if service.complete { "" } else { "  (lower bound: an amount could not be converted)" }
        );
    }
    for rate in &c.exchange_rates {
        let _ = writeln!(
            out,
            "  Exchange rate: 1 {} = {} {} ({} of {}{})",
            rate.from,
            rate.rate,
            rate.to,
            rate.source.title(),
            rate.published,
            if rate.age_days > 0 {
                format!(", {} days before the assessment date", rate.age_days)
            } else {
                String::new()
            }
        );
    }

    if !a.requirements.is_empty() {
        let _ = writeln!(out, "\nRequirements:");
        for r in &a.requirements {
            let lead = r.lead_time_days.map_or_else(
                || "lead time unknown".to_owned(),
                |days| format!("{}–{} days", days.min, days.max),
            );
            let _ = writeln!(
                out,
                "  - {} ({}, {}): {}; {}; holder: {}; before {}{}",
                r.name,
                r.side,
                r.status,
                r.authority,
                lead,
                r.holder,
                r.needed_before,
                if r.status == RequirementStatus::Possible {
                    " — depends on an undeclared fact"
                } else {
                    ""
                }
            );
        }
    }

    if !a.export_controls.is_empty() {
        let _ = writeln!(out, "\nExport controls:");
        for e in &a.export_controls {
            let licence = match e.licence_required {
                Some(true) => "licence required",
                Some(false) => "no licence required",
                None => "licence requirement not determined",
            };
            let _ = writeln!(
                out,
                "  - {} {} ({}): {}{}",
                e.regime,
                e.eccn.as_deref().unwrap_or("not listed"),
                e.eccn_basis,
                licence,
                e.exception.as_deref().map(|x| format!(", {x}")).unwrap_or_default()
            );
        }
    }

    let i = &a.importer;
    let _ = writeln!(
        out,
        "\nImporter of record: {}{}",
        if i.non_resident_ior_needed {
            "a non-resident IOR is needed. "
        } else {
            "the client has a local entity. "
        },
        i.route
    );

    if !a.documents.is_empty() {
        let _ = writeln!(out, "\nDocuments:");
        for d in &a.documents {
            let _ = writeln!(out, "  [ ] {}", d.name);
        }
    }

    let _ = writeln!(out, "\nLines:");
    for line in &a.lines {
        let _ = writeln!(
            out,
            "  {}. {} — HS {} ({}), value {}, duty {}",
            line.line + 1,
            line.description,
            line.hs_code.as_ref().map_or("?", |hs| hs.as_str()),
            line.hs_basis.as_str().replace('_', " "),
            line.value,
            line.duty.map_or_else(|| "unknown".to_owned(), |duty| duty.to_string())
        );
    }

    let _ = writeln!(
        out,
        "\nEarliest ship date: {}",
        a.earliest_ship_date.map_or_else(
            || "not determined (a lead time is unknown)".to_owned(),
            |date| {
                a.timeline.critical_requirement.as_deref().map_or_else(
                    || format!("{date} (nothing to wait for before departure)"),
                    |rule| format!("{date} (waiting for {rule})"),
                )
            }
        )
    );
    out
}

fn charge_label(charge: &Charge) -> String {
    match (&charge.rate, &charge.rate_high) {
        (Some(rate), Some(high)) => format!("{} {rate}-{high}%", charge.name),
        (Some(rate), None) => format!("{} {rate}%", charge.name),
        (None, _) => charge.name.clone(),
    }
}
