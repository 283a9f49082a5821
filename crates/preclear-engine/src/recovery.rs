//! Import VAT/GST: a cost, or recoverable, and by whom.
//!
//! Whether the tax an importer pays at the border is a cost depends on who the importer is and
//! whether it can get it back. The import structure the assessment found decides which of the
//! KB's two cases applies: a VAT-registered importer established in the market (the client's
//! own entity, or a local importer-of-record company) or a non-resident importer of record.
//! The landed cost then shows what is paid in cash at import and what the shipment costs once
//! the tax is recovered, and says who reclaims it, how and when.

use preclear_domain::Shipment;
use preclear_kb::{Known, Market, Recovery, RecoveryMechanism};
use rust_decimal::Decimal;

use crate::output::{Days, ImporterResult, ImporterStructure, LandedCost, VatRecoveryResult};

/// The recovery of the import VAT in `cost` for the structure in `importer`, as the KB says it
/// on the assessment date. A market whose KB says nothing answers with the mechanism, amounts
/// and source `null`, and an explanation that says so.
pub(crate) fn assess(
    market: &Market,
    shipment: &Shipment,
    importer: &ImporterResult,
    cost: &LandedCost,
    as_of: preclear_domain::Date,
) -> VatRecoveryResult {
    let (structure, who) = if shipment.client.local_entity_in_destination {
        (
            ImporterStructure::ClientLocalEntity,
            format!("{}'s own entity in {}", shipment.client.name, market.name),
        )
    } else {
        match importer.non_resident_allowed {
            Some(true) => (
                ImporterStructure::NonResidentIor,
                "the non-resident importer of record".to_owned(),
            ),
            Some(false) => (
                ImporterStructure::LocalIor,
                format!("the importer of record (a company established in {})", market.name),
            ),
            None => (ImporterStructure::Unknown, "the importer of record".to_owned()),
        }
    };
    let Some(fact) = market.vat_recovery.as_ref().filter(|fact| fact.provenance.in_force(as_of))
    else {
        return VatRecoveryResult {
            importer: structure,
            mechanism: None,
            recoverable: None,
            levies: Vec::new(),
            amount: None,
            cash_out: None,
            net_cost: None,
            days: None,
            explanation: format!(
                "Whether {who} can recover the import VAT/GST of {} is not established in the knowledge base: treat it as a cost until confirmed.",
                market.name
            ),
            note: None,
            source: None,
            confidence: None,
        };
    };
    let recovery: Option<Recovery> = match structure {
        ImporterStructure::ClientLocalEntity | ImporterStructure::LocalIor => {
            Some(fact.value.registered)
        }
        ImporterStructure::NonResidentIor => Some(fact.value.non_resident),
        ImporterStructure::Unknown => None,
    };
    let levies: Vec<String> = fact.value.levies.iter().map(|id| id.to_string()).collect();
    // The tax's amount: the sum of its charges in the landed cost (a levy that does not apply
    // to this shipment is not among them); unknown if one of them is.
    let mut amount = Some(Decimal::ZERO);
    for charge in cost.taxes.iter().chain(&cost.duties).chain(&cost.fees) {
        if levies.contains(&charge.rule) {
            let part = charge.amount.as_deref().and_then(|text| text.parse::<Decimal>().ok());
            amount = amount.zip(part).and_then(|(sum, part)| sum.checked_add(part));
        }
    }
    let total = if cost.complete { cost.total.parse::<Decimal>().ok() } else { None };
    let mechanism = recovery.and_then(|recovery| match recovery.mechanism {
        Known::Known(mechanism) => Some(mechanism),
        Known::Unknown => None,
    });
    let days = recovery.and_then(|recovery| match recovery.days {
        Known::Known(days) => Some(Days { min: days.min, max: days.max }),
        Known::Unknown => None,
    });
    let (cash_out, net_cost) = match (mechanism, total, amount) {
        (Some(mechanism), Some(total), Some(amount)) => {
            let after = total.checked_sub(amount);
            // Zero days from the import to the recovery: the tax never leaves (postponed
            // accounting, or a registration that brings it).
            let never_out = !mechanism.paid_at_import()
                || (mechanism.recovers() && days == Some(Days { min: 0, max: 0 }));
            let cash_out = if never_out { after } else { Some(total) };
            let net = if mechanism.recovers() { after } else { Some(total) };
            (cash_out, net)
        }
        _ => (None, None),
    };
    let when = match days {
        Some(Days { min: 0, max: 0 }) => {
            "in the same return that declares it (no cash goes out for it)".to_owned()
        }
        Some(Days { min, max }) if min == max => format!("about {min} days after the import"),
        Some(Days { min, max }) => format!("{min} to {max} days after the import"),
        None => "after a time the knowledge base does not know".to_owned(),
    };
    // `who` at the start of a sentence.
    let subject = capitalised(&who);
    let names = if levies.is_empty() { "no import VAT/GST".to_owned() } else { levies.join(", ") };
    let explanation = match mechanism {
        None => format!(
            "Whether and how {who} can recover the import VAT/GST ({names}) is not established: treat it as a cost until confirmed."
        ),
        Some(RecoveryMechanism::None) if levies.is_empty() => {
            format!("{} charges no import VAT/GST: nothing to recover.", market.name)
        }
        Some(RecoveryMechanism::None) => format!(
            "{subject} cannot recover the import VAT/GST ({names}): it is a cost of the shipment."
        ),
        Some(RecoveryMechanism::Deduction) => format!(
            "{subject} pays the import VAT/GST ({names}) at clearance and deducts it as input tax in its return, {when}."
        ),
        Some(RecoveryMechanism::PostponedAccounting) => format!(
            "{subject} declares the import VAT/GST ({names}) in its return instead of paying it at clearance, and deducts it in the same return: no cash goes out for it."
        ),
        Some(RecoveryMechanism::Deferment) => format!(
            "{subject} pays the import VAT/GST ({names}) later than clearance, through a deferment account, and deducts it as input tax, {when}."
        ),
        Some(RecoveryMechanism::Refund) => format!(
            "{subject} pays the import VAT/GST ({names}) at clearance and claims it back as a refund, {when}."
        ),
        Some(RecoveryMechanism::Registration) => format!(
            "{subject} recovers the import VAT/GST ({names}) only once registered for VAT in {}; then it deducts it as input tax, {when}.",
            market.name
        ),
    };
    VatRecoveryResult {
        importer: structure,
        mechanism: mechanism.map(|mechanism| match mechanism {
            RecoveryMechanism::Deduction => crate::Recovery::Deduction,
            RecoveryMechanism::PostponedAccounting => crate::Recovery::PostponedAccounting,
            RecoveryMechanism::Deferment => crate::Recovery::Deferment,
            RecoveryMechanism::Refund => crate::Recovery::Refund,
            RecoveryMechanism::Registration => crate::Recovery::Registration,
            RecoveryMechanism::None => crate::Recovery::None,
        }),
        recoverable: mechanism.map(RecoveryMechanism::recovers),
        levies,
        amount,
        cash_out,
        net_cost,
        days,
        explanation,
        note: fact.provenance.note.clone(),
        source: Some(fact.provenance.source().to_owned()),
        confidence: Some(fact.provenance.confidence),
    }
}

/// `text` with its first letter upper-case (a name keeps its own case).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
