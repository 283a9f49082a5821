//! Every fact of a KB as a flat list, each with a stable key and a one-line description of its
//! value: what `preclear kb check` scans for stale facts, `preclear kb diff` compares between two
//! versions, and the reference pages list.
//!
//! A union's rules are merged into each member market by the loader; here they are listed once,
//! under the union.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::model::{
    AgreementList, AgreementScope, AnyOr, BaseComponent, Conditions, Kb, Known, Levy, LevyMethod,
    LevyRate, Market, Provenance, RateValue, Requirement, RestrictionEffect, Source,
    ValuationBasis,
};

/// One fact.
#[derive(Debug, Clone)]
pub struct FactEntry<'k> {
    /// Where it belongs: a market (`TR`), a union (`EU`), an export-control regime (`us-ear`),
    /// `categories` or `documents` (the shared files).
    pub scope: String,
    /// What it is: `levy`, `rate`, `requirement`, `restriction`, `document`, `importer`, …
    pub section: &'static str,
    /// Its key, unique in its scope: a rule id, `tr.kdv rate HS 8471`, `[valuation]`.
    pub label: String,
    /// Its value in one line (without provenance).
    pub value: String,
    /// Its provenance.
    pub provenance: &'k Provenance,
}

/// Every fact, grouped by scope (unions, then markets, regimes and shared files).
pub fn facts(kb: &Kb) -> Vec<FactEntry<'_>> {
    let mut out = Vec::new();
    let mut seen_union_files = HashSet::new();
    for market in kb.markets() {
        let union_file = market.union.as_ref().and_then(|id| {
            kb.unions().iter().find(|union| &union.id == id).map(|union| (id, &union.file))
        });
        let scope_of = |provenance: &Provenance| match union_file {
            Some((id, file)) if &provenance.location.file == file => id.to_string(),
            _ => market.country.as_str().to_owned(),
        };
        let mut market_facts = Vec::new();
        market_entries(market, &mut |section, label, value, provenance| {
            market_facts.push(FactEntry {
                scope: scope_of(provenance),
                section,
                label,
                value,
                provenance,
            });
        });
        for fact in market_facts {
            // A union's facts appear in every member; keep the first.
            if fact.scope != market.country.as_str()
                && !seen_union_files.insert((fact.scope.clone(), fact.label.clone()))
            {
                continue;
            }
            out.push(fact);
        }
    }
    for regime in kb.regimes() {
        let scope = regime.id.to_string();
        let mut push = |section, label: String, value: String, provenance| {
            out.push(FactEntry { scope: scope.clone(), section, label, value, provenance });
        };
        let origins: Vec<&str> = regime.origins.iter().map(|c| c.as_str()).collect();
        push(
            "regime",
            "[regime]".to_owned(),
            format!("{}; origins {}", regime.name, origins.join(" ")),
            &regime.provenance,
        );
        for group in regime.groups.values() {
            let countries: Vec<&str> = group.countries.iter().map(|c| c.as_str()).collect();
            push(
                "country group",
                format!("group {}", group.id),
                format!("{}: {}", group.name, countries.join(" ")),
                &group.provenance,
            );
        }
        for rule in &regime.classifications {
            let eccn = rule.eccn.as_ref().map_or("not listed", |eccn| eccn.as_str());
            push(
                "classification",
                rule.id.to_string(),
                format!(
                    "{eccn}{}: {}",
                    applicability(rule.when.as_ref(), rule.unless.as_ref()),
                    rule.determination
                ),
                &rule.provenance,
            );
        }
        for rule in &regime.licence_rules {
            let destinations = if rule.all_destinations {
                "all destinations".to_owned()
            } else {
                rule.destinations.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" ")
            };
            let required = match rule.licence_required {
                Known::Known(true) => "licence required",
                Known::Known(false) => "no licence required",
                Known::Unknown => "licence requirement unknown",
            };
            let exception = rule.exception.as_ref().map(|e| format!(" ({e})")).unwrap_or_default();
            push(
                "licence rule",
                rule.id.to_string(),
                format!("{} to {destinations}: {required}{exception}", rule.eccns.join(", ")),
                &rule.provenance,
            );
        }
        for rule in &regime.embargoes {
            let destinations: Vec<&str> = rule.destinations.iter().map(|c| c.as_str()).collect();
            push(
                "embargo",
                rule.id.to_string(),
                format!(
                    "{} ({}){}",
                    rule.name,
                    destinations.join(" "),
                    applicability(rule.when.as_ref(), rule.unless.as_ref())
                ),
                &rule.provenance,
            );
        }
        for rule in &regime.requirements {
            push("requirement", rule.id.to_string(), requirement(rule), &rule.provenance);
        }
    }
    for agreement in kb.agreements() {
        let scope = agreement.id.to_string();
        let mut push = |section, label: String, value: String, provenance| {
            out.push(FactEntry { scope: scope.clone(), section, label, value, provenance });
        };
        push("agreement", "[agreement]".to_owned(), agreement.name.clone(), &agreement.provenance);
        for participant in &agreement.participants {
            let lists = match (participant.original, participant.expansion) {
                (true, true) => "original agreement and expansion",
                (true, false) => "original agreement",
                (false, true) => "expansion only",
                (false, false) => "neither list",
            };
            let complete = participant
                .expansion_complete
                .map(|date| format!("; expansion staging complete {date}"))
                .unwrap_or_default();
            push(
                "participant",
                format!("participant {}", participant.member),
                format!("{lists}{complete}"),
                &participant.provenance,
            );
        }
        for product in &agreement.products {
            let list = match product.list {
                AgreementList::Original => "original agreement",
                AgreementList::Expansion => "expansion",
            };
            let scope = match product.scope {
                AgreementScope::Full => "every product",
                AgreementScope::Ex => "some products (ex)",
            };
            push(
                "product",
                format!("product {}", product.hs),
                format!("{list}: {scope}"),
                &product.provenance,
            );
        }
        for deviation in &agreement.deviations {
            let prefixes: Vec<&str> = deviation.hs.iter().map(|p| p.as_str()).collect();
            push(
                "deviation",
                format!("deviation {} {}", deviation.member, prefixes.join(" ")),
                format!("duties above 0% on HS {}", prefixes.join(", ")),
                &deviation.provenance,
            );
        }
    }
    for category in kb.categories() {
        let expected: Vec<&str> = category.expected_hs.iter().map(|p| p.as_str()).collect();
        out.push(FactEntry {
            scope: "categories".to_owned(),
            section: "category",
            label: category.category.as_str().to_owned(),
            value: format!("default HS {}; expected {}", category.default_hs, expected.join(" ")),
            provenance: &category.provenance,
        });
    }
    for document in kb.shared_documents() {
        out.push(FactEntry {
            scope: "documents".to_owned(),
            section: "document",
            label: document.id.to_string(),
            value: format!(
                "{}{}",
                document.name,
                applicability(document.when.as_ref(), document.unless.as_ref())
            ),
            provenance: &document.provenance,
        });
    }
    out
}

/// Calls `push(section, label, value, provenance)` for every fact of a market, in file order.
fn market_entries<'m>(
    market: &'m Market,
    push: &mut impl FnMut(&'static str, String, String, &'m Provenance),
) {
    push(
        "rounding",
        "[rounding]".to_owned(),
        market.rounding.value.to_string(),
        &market.rounding.provenance,
    );
    let basis = match market.valuation.value.basis {
        Known::Known(ValuationBasis::Cif) => "CIF",
        Known::Known(ValuationBasis::Fob) => "FOB",
        Known::Unknown => "unknown",
    };
    let landing = market
        .valuation
        .value
        .landing_charge
        .map(|p| format!(" + {p}% landing charge"))
        .unwrap_or_default();
    push(
        "valuation",
        "[valuation]".to_owned(),
        format!("{basis}{landing}"),
        &market.valuation.provenance,
    );
    if let Some(de_minimis) = &market.de_minimis {
        let value = match &de_minimis.value.value {
            Known::Known(Some(money)) => money.to_string(),
            Known::Known(None) => "none".to_owned(),
            Known::Unknown => "unknown".to_owned(),
        };
        let mut waives = Vec::new();
        if de_minimis.value.waives_duty {
            waives.push("duty");
        }
        if de_minimis.value.waives_tax {
            waives.push("tax");
        }
        let waives = if waives.is_empty() {
            String::new()
        } else {
            format!(", waives {}", waives.join(" and "))
        };
        push(
            "de minimis",
            "[de_minimis]".to_owned(),
            format!("{value}{waives}"),
            &de_minimis.provenance,
        );
    }
    let allowed = match market.importer.value.non_resident_allowed {
        Known::Known(true) => "yes",
        Known::Known(false) => "no",
        Known::Unknown => "unknown",
    };
    push(
        "importer",
        "[importer]".to_owned(),
        format!(
            "non-resident may be importer of record: {allowed}. {}",
            market.importer.value.route
        ),
        &market.importer.provenance,
    );
    if let Some(recovery) = &market.vat_recovery {
        let case = |recovery: &crate::Recovery| {
            let mechanism = match recovery.mechanism {
                Known::Known(mechanism) => mechanism.as_str(),
                Known::Unknown => "unknown",
            };
            match recovery.days {
                Known::Known(days) => format!("{mechanism}, {} to {} days", days.min, days.max),
                Known::Unknown => format!("{mechanism}, days unknown"),
            }
        };
        let levies: Vec<&str> = recovery.value.levies.iter().map(|id| &**id).collect();
        push(
            "vat recovery",
            "[vat_recovery]".to_owned(),
            format!(
                "import VAT/GST levies: {}; a registered importer established here: {}; a non-resident importer of record: {}",
                if levies.is_empty() { "none".to_owned() } else { levies.join(", ") },
                case(&recovery.value.registered),
                case(&recovery.value.non_resident)
            ),
            &recovery.provenance,
        );
    }
    for rule in &market.ior_unsuitable {
        let purposes: Vec<&str> = rule.purposes.iter().map(|p| p.as_str()).collect();
        push(
            "ior unsuitable",
            rule.id.to_string(),
            format!(
                "for {}: {} Instead: {}",
                purposes.join(", "),
                rule.reason,
                rule.recommendation
            ),
            &rule.provenance,
        );
    }
    for levy in &market.levies {
        let method = match levy.method {
            LevyMethod::Percent => "percent of",
            LevyMethod::Inclusive => "tax-inclusive (por dentro) percent of",
            LevyMethod::Fixed => "fixed amount per shipment",
        };
        let mut value =
            format!("{} ({}): {method} {}", levy.name, levy.kind.as_str(), levy_base(market, levy));
        if let Some(minimum) = &levy.minimum {
            let _ = write!(value, "; minimum {minimum}");
        }
        if let Some(maximum) = &levy.maximum {
            let _ = write!(value, "; maximum {maximum}");
        }
        if !levy.maximum_bands.is_empty() {
            value.push_str("; maximum by base:");
            for band in &levy.maximum_bands {
                let _ = match band.up_to {
                    Some(up_to) => write!(value, " up to {up_to}, {};", band.amount),
                    None => write!(value, " above, {}", band.amount),
                };
            }
        }
        value.push_str(&applicability(levy.when.as_ref(), levy.unless.as_ref()));
        push("levy", levy.id.to_string(), value.trim_end().to_owned(), &levy.provenance);
        for rate in &levy.rates {
            push("rate", rate_label(&levy.id, rate), rate_value(&rate.value), &rate.provenance);
        }
    }
    for rule in &market.requirements {
        push("requirement", rule.id.to_string(), requirement(rule), &rule.provenance);
    }
    for rule in &market.restrictions {
        let effect = match rule.effect {
            RestrictionEffect::Prohibited => "prohibited".to_owned(),
            RestrictionEffect::Licensed(idx) => {
                format!("licensed: {}", market.requirements.get(idx).map_or("", |r| &*r.id))
            }
        };
        let exceptions =
            rule.exceptions.as_ref().map(|e| format!("; exceptions: {e}")).unwrap_or_default();
        push(
            "restriction",
            rule.id.to_string(),
            format!(
                "{} ({effect}){}{exceptions}",
                rule.name,
                applicability(rule.when.as_ref(), rule.unless.as_ref())
            ),
            &rule.provenance,
        );
    }
    for document in &market.documents {
        push(
            "document",
            document.id.to_string(),
            format!(
                "{}{}",
                document.name,
                applicability(document.when.as_ref(), document.unless.as_ref())
            ),
            &document.provenance,
        );
    }
    for absence in &market.absences {
        push(
            "absent",
            format!("absent {}", absence.topic),
            absence.provenance.note.clone().unwrap_or_default(),
            &absence.provenance,
        );
    }
}

/// A levy's base in words: `customs value + tr.duty`.
fn levy_base(market: &Market, levy: &Levy) -> String {
    let parts: Vec<String> = levy
        .base
        .iter()
        .map(|component| match component {
            BaseComponent::CustomsValue => "customs value".to_owned(),
            BaseComponent::GoodsValue => "goods value".to_owned(),
            BaseComponent::FreightAndInsurance => "freight and insurance".to_owned(),
            BaseComponent::Levy(idx) => {
                market.levies.get(*idx).map_or_else(String::new, |l| l.id.to_string())
            }
        })
        .collect();
    parts.join(" + ")
}

/// `tr.kdv rate HS 8471 origin CN from 2023-07-10`: unique within a levy.
fn rate_label(levy: &str, rate: &LevyRate) -> String {
    let mut label = format!("{levy} rate");
    match &rate.hs {
        Some(hs) => {
            let _ = write!(label, " HS {hs}");
        }
        None => label.push_str(" all lines"),
    }
    if let Some(origins) = &rate.origins {
        let origins: Vec<&str> = origins.iter().map(|c| c.as_str()).collect();
        let _ = write!(label, " origin {}", origins.join("/"));
    }
    if let Some(from) = rate.provenance.effective_from {
        let _ = write!(label, " from {from}");
    }
    label
}

/// `20%`, `154.23 BRL` or `unknown`.
fn rate_value(value: &RateValue) -> String {
    match value {
        RateValue::Percent(percent) => format!("{percent}%"),
        RateValue::Amount(money) => money.to_string(),
        RateValue::Bands(bands) => bands
            .iter()
            .map(|band| match band.up_to {
                Some(limit) => format!("{} up to a customs value of {limit}", band.amount),
                None => format!("{} above", band.amount),
            })
            .collect::<Vec<_>>()
            .join("; "),
        RateValue::PerCode { shipment, steps } => {
            let mut from = 1u32;
            let scale: Vec<String> = steps
                .iter()
                .map(|step| {
                    let text = match step.up_to {
                        Some(to) => format!("codes {from}-{to}: {} each", step.amount),
                        None => format!("from code {from}: {} each", step.amount),
                    };
                    from = step.up_to.map_or(from, |to| to + 1);
                    text
                })
                .collect();
            format!("{shipment} per declaration + per distinct HS code ({})", scale.join("; "))
        }
        RateValue::Unknown => "unknown".to_owned(),
    }
}

/// A requirement in one line.
fn requirement(rule: &Requirement) -> String {
    let lead = match rule.lead_time {
        Known::Known(days) => format!("{}–{} days", days.min, days.max),
        Known::Unknown => "lead time unknown".to_owned(),
    };
    format!(
        "{} — {} ({}, {lead}, before {}, held by {}, per {}){}",
        rule.name,
        rule.authority,
        rule.kind.as_str(),
        rule.needed_before.as_str(),
        rule.holder.as_str(),
        rule.scope.as_str(),
        applicability(rule.when.as_ref(), rule.unless.as_ref())
    )
}

/// `; when radio: any; unless purpose: temporary_import`, or empty for a rule on every line.
fn applicability(when: Option<&Conditions>, unless: Option<&Conditions>) -> String {
    let mut out = String::new();
    if let Some(when) = when {
        let _ = write!(out, "; when {}", conditions(when));
    }
    if let Some(unless) = unless {
        let _ = write!(out, "; unless {}", conditions(unless));
    }
    out
}

/// `radio: any, category: server | switch`.
fn conditions(conditions: &Conditions) -> String {
    fn joined<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
        values.into_iter().map(|value| value.to_string()).collect::<Vec<_>>().join(" | ")
    }
    fn any_or<T>(value: Option<&AnyOr<T>>, some: impl Fn(&T) -> String) -> Option<String> {
        value.map(|value| match value {
            AnyOr::Any => "any".to_owned(),
            AnyOr::Some(values) => some(values),
        })
    }
    let c = conditions;
    let lists = [
        ("category", c.category.as_deref().map(joined)),
        ("HS", c.hs.as_deref().map(joined)),
        ("radio", any_or(c.radio.as_ref(), |set| joined(set.iter()))),
        ("encryption", c.encryption.as_deref().map(joined)),
        ("battery", any_or(c.battery.as_ref(), |values| joined(values))),
        ("battery packing", c.battery_packing.as_deref().map(joined)),
        ("condition", c.condition.as_deref().map(joined)),
        ("purpose", c.purpose.as_deref().map(joined)),
        ("transport", c.transport_mode.as_deref().map(joined)),
        ("origin", c.origin.as_deref().map(joined)),
        ("shipped from", c.shipped_from.as_deref().map(joined)),
        ("GPU", c.gpu.map(|gpu| if gpu { "yes" } else { "no" }.to_owned())),
    ];
    let mut parts: Vec<String> = lists
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| format!("{name}: {value}")))
        .collect();
    for (name, value) in [
        ("GPU TPP ≥", c.gpu_tpp_min),
        ("GPU TPP <", c.gpu_tpp_below),
        ("GPU density ≥", c.gpu_density_min),
        ("GPU density <", c.gpu_density_below),
    ] {
        if let Some(value) = value {
            parts.push(format!("{name} {value}"));
        }
    }
    if let Some(threshold) = &c.code_value_above {
        parts.push(format!("value per HS code > {threshold}"));
    }
    if let Some(units) = c.shipment_quantity_at_most {
        parts.push(format!("shipment quantity ≤ {units}"));
    }
    parts.join(", ")
}

/// The heading under which a section of facts is listed.
pub fn heading(section: &str) -> &str {
    match section {
        "rounding" => "Rounding",
        "valuation" => "Valuation",
        "de minimis" => "De minimis",
        "importer" => "Importer of record",
        "ior unsuitable" => "Where a non-resident importer of record is not suitable",
        "vat recovery" => "Import VAT/GST: who recovers it, how and when",
        "levy" => "Duties, taxes and fees, in order of computation",
        "requirement" => "Requirements",
        "restriction" => "Restrictions",
        "document" => "Documents",
        "absent" => "What the law does not have",
        "regime" => "Regime",
        "country group" => "Country groups",
        "classification" => "Classification (the first rule that matches wins)",
        "licence rule" => "Licence rules (the first rule that matches wins)",
        "embargo" => "Embargoes",
        "category" => "Hardware categories",
        "agreement" => "Agreement",
        "participant" => "Participants",
        "product" => "Products covered (HS 2022 subheadings)",
        "deviation" => "Recorded deviations (nothing is derived on these)",
        other => other,
    }
}

/// The period a fact is law, when it is bounded: `from 2026-01-01`, `until 2026-01-01
/// (exclusive)`, `2025-01-01 to 2026-01-01 (exclusive)`.
pub fn period(provenance: &Provenance) -> Option<String> {
    match (provenance.effective_from, provenance.effective_to) {
        (None, None) => None,
        (Some(from), None) => Some(format!("from {from}")),
        (None, Some(to)) => Some(format!("until {to} (exclusive)")),
        (Some(from), Some(to)) => Some(format!("{from} to {to} (exclusive)")),
    }
}

/// The references (URL or document) of a fact's sources, joined.
pub fn sources(provenance: &Provenance) -> String {
    provenance
        .sources
        .iter()
        .map(|source: &std::sync::Arc<Source>| source.reference())
        .collect::<Vec<_>>()
        .join(" ; ")
}
