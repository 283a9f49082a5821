//! The content of a shipment's documents, computed once from the validated shipment and its
//! assessment: every document (PDF or XLSX) is a view of this, so an invoice and a packing list
//! generated together cannot disagree. It is also what a generated PDF carries as its attached
//! data, so that an audit can read a preclear PDF back exactly.
//!
//! Amounts are exact decimals. A line's value is `unit value × quantity` rounded half-up to the
//! currency's minor units (the one rounding step); the totals are exact sums of the line values
//! as printed, so the totals always match the lines.

use preclear_domain::{Currency, Rounding, RoundingMode, Shipment};
use preclear_engine::Assessment;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Version of [`ShipmentDocs`]' JSON form; bumped when a field changes meaning.
pub const FORMAT: u32 = 1;

/// A legal entity named on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Entity {
    /// Legal name.
    pub name: String,
    /// Country (ISO 3166 alpha-2), when known.
    pub country: Option<String>,
    /// Postal address, when known.
    pub address: Option<String>,
    /// Tax or trade registry number, when known.
    pub tax_id: Option<String>,
}

impl Entity {
    /// The lines to print in an address box.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.name.clone()];
        out.extend(self.address.clone());
        if let Some(country) = &self.country {
            out.push(country_name(country));
        }
        if let Some(tax_id) = &self.tax_id {
            out.push(format!("Tax / registry no.: {tax_id}"));
        }
        out
    }
}

/// The parties the caller supplies: the assessment says whether a non-resident importer of
/// record is needed, not which legal entity acts as one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parties {
    /// The entity that acts as importer of record; `None` when not yet assigned (the documents
    /// then say so and the pre-qualification report lists it as open).
    pub importer: Option<Entity>,
    /// The customs broker the power of attorney is given to, when known.
    pub broker: Option<Entity>,
    /// The consignee recorded for the destination (a program's import position, with its tax
    /// id and address), which wins over the request's own consignee.
    pub consignee: Option<Entity>,
}

/// One line of the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocLine {
    /// 1-based line number.
    pub line: usize,
    /// Description as declared.
    pub description: String,
    /// Hardware category (contract spelling).
    pub category: String,
    /// Manufacturer (make).
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// The HS code used: declared, or the engine's classification.
    pub hs_code: Option<String>,
    /// Where the HS code comes from (`declared`, `category default`, …).
    pub hs_basis: String,
    /// The HS subheading text, when known.
    pub hs_description: Option<String>,
    /// The ECCN: declared, or else the one the engine determined under the US EAR.
    pub eccn: Option<String>,
    /// The export classification under every regime of the origin, as the engine determined
    /// it (`us-ear: 5A992.c; eu-dual-use: not listed`).
    pub export_classification: Option<String>,
    /// Country of origin (ISO alpha-2).
    pub country_of_origin: String,
    /// `new`, `refurbished` or `used`.
    pub condition: String,
    /// Units.
    pub quantity: u32,
    /// Value of one unit, as declared.
    pub unit_value: Decimal,
    /// `unit_value × quantity`, rounded to the currency's minor units.
    pub line_value: Decimal,
    /// Net weight of one unit in kg, when declared.
    pub unit_weight_kg: Option<Decimal>,
    /// `unit_weight_kg × quantity`, when declared.
    pub line_weight_kg: Option<Decimal>,
    /// Radio technologies; `None` when the request did not say.
    pub radio: Option<Vec<String>>,
    /// Encryption class; `None` when the request did not say.
    pub encryption: Option<String>,
    /// Technical parameters for the specification list (from the description and the item's
    /// declared attributes: radios, encryption, battery, GPU figures).
    pub parameters: String,
    /// Serial numbers.
    pub serials: Vec<String>,
}

/// Totals over the lines, exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of quantities.
    pub quantity: u64,
    /// Sum of line values.
    pub goods_value: Decimal,
    /// Goods value plus the declared freight and insurance.
    pub invoice_total: Decimal,
    /// Sum of line weights; `None` when a line has no weight.
    pub net_weight_kg: Option<Decimal>,
}

/// Everything the documents of one shipment show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentDocs {
    /// [`FORMAT`].
    pub format: u32,
    /// The shipment reference (the invoice number).
    pub reference: String,
    /// The documents' date: the assessment's as-of date (`YYYY-MM-DD`).
    pub date: String,
    /// KB version of the assessment.
    pub kb_version: String,
    /// The assessment's verdict.
    pub verdict: String,
    /// The client, as seller / exporter.
    pub seller: Entity,
    /// The importer of record, when assigned.
    pub importer: Option<Entity>,
    /// The customs broker, when known.
    pub broker: Option<Entity>,
    /// Consignee.
    pub consignee: Option<Entity>,
    /// End user.
    pub end_user: Option<Entity>,
    /// Origin country (alpha-2).
    pub origin: String,
    /// Destination country (alpha-2).
    pub destination: String,
    /// Transport mode.
    pub transport_mode: String,
    /// Incoterm.
    pub incoterm: String,
    /// Currency of every amount (ISO 4217).
    pub currency: String,
    /// Purpose of the import.
    pub purpose: String,
    /// Freight, when declared.
    pub freight: Option<Decimal>,
    /// Insurance, when declared.
    pub insurance: Option<Decimal>,
    /// The lines.
    pub lines: Vec<DocLine>,
    /// Totals.
    pub totals: Totals,
    /// The shipment request the documents were made from, when the caller attached it (it lets
    /// an audit of the PDFs alone re-assess the shipment for its required documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
}

/// The English name of a country code, or the code itself when unknown.
pub fn country_name(code: &str) -> String {
    preclear_domain::Country::parse(code)
        .map(|c| format!("{} ({code})", c.name()))
        .unwrap_or_else(|_| code.to_owned())
}

/// Formats an amount with exactly the currency's minor units (`9800.00`, JPY `1200`).
pub fn money_text(amount: Decimal, currency: &str) -> String {
    let places = Currency::parse(currency).map(|c| c.minor_units()).unwrap_or(2);
    let mut value = amount;
    if value.scale() < places {
        value.rescale(places);
    }
    group_thousands(&value.to_string())
}

/// `1234567.50` → `1,234,567.50`.
fn group_thousands(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Formats a weight in kg with at least three decimals.
pub fn weight_text(kg: Decimal) -> String {
    let mut value = kg.normalize();
    if value.scale() < 3 {
        value.rescale(3);
    }
    group_thousands(&value.to_string())
}

impl ShipmentDocs {
    /// Builds the documents' content from a validated shipment and its assessment.
    pub fn new(shipment: &Shipment, assessment: &Assessment, parties: &Parties) -> ShipmentDocs {
        let currency = shipment.currency;
        let rounding =
            Rounding { mode: RoundingMode::HalfUp, decimal_places: currency.minor_units() };
        let lines: Vec<DocLine> = shipment
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let result = assessment.lines.get(index);
                let quantity = Decimal::from(item.quantity);
                let line_value = rounding
                    .apply(item.unit_value.amount().checked_mul(quantity).unwrap_or_default());
                let line_weight_kg = item
                    .unit_weight_kg
                    .and_then(|w| w.checked_mul(quantity))
                    .map(|w| w.normalize());
                let export_classification = result.and_then(|r| {
                    let joined = r.eccn.join("; ");
                    (!joined.is_empty()).then_some(joined)
                });
                let eccn = item.eccn.as_ref().map(|e| e.as_str().to_owned()).or_else(|| {
                    result?.eccn.iter().find_map(|text| {
                        let code = text.strip_prefix("us-ear: ")?;
                        preclear_domain::Eccn::parse(code).ok().map(|e| e.as_str().to_owned())
                    })
                });
                DocLine {
                    line: index + 1,
                    description: item.description.clone(),
                    category: item.category.as_str().to_owned(),
                    manufacturer: item.manufacturer.clone(),
                    model: item.model.clone(),
                    hs_code: result
                        .and_then(|r| r.hs_code.as_ref())
                        .or(item.hs_code.as_ref())
                        .map(|c| c.as_str().to_owned()),
                    hs_basis: result
                        .map(|r| r.hs_basis.as_str().replace('_', " "))
                        .unwrap_or_else(|| "declared".to_owned()),
                    hs_description: result
                        .and_then(|r| r.hs_description.as_deref())
                        .map(str::to_owned),
                    eccn,
                    export_classification,
                    country_of_origin: item.country_of_origin.to_string(),
                    condition: item.condition.as_str().to_owned(),
                    quantity: item.quantity,
                    unit_value: item.unit_value.amount(),
                    line_value,
                    unit_weight_kg: item.unit_weight_kg,
                    line_weight_kg,
                    radio: item
                        .radio
                        .map(|set| set.iter().map(|r| r.as_str().to_owned()).collect()),
                    encryption: item.encryption.map(|e| e.as_str().to_owned()),
                    parameters: parameters(item),
                    serials: item.serials.clone(),
                }
            })
            .collect();
        let goods_value: Decimal = lines.iter().map(|l| l.line_value).sum();
        let freight = shipment.freight.map(|m| m.amount());
        let insurance = shipment.insurance.map(|m| m.amount());
        let invoice_total =
            goods_value + freight.unwrap_or_default() + insurance.unwrap_or_default();
        let net_weight_kg =
            lines.iter().map(|l| l.line_weight_kg).sum::<Option<Decimal>>().map(|w| w.normalize());
        let totals = Totals {
            quantity: lines.iter().map(|l| u64::from(l.quantity)).sum(),
            goods_value,
            invoice_total,
            net_weight_kg,
        };
        let party = |p: &preclear_domain::Party| Entity {
            name: p.name.clone(),
            country: Some(p.country.to_string()),
            address: p.address.clone(),
            tax_id: None,
        };
        ShipmentDocs {
            format: FORMAT,
            reference: shipment.reference.clone(),
            date: assessment.as_of.to_string(),
            kb_version: assessment.kb_version.clone(),
            verdict: assessment.verdict.as_str().to_owned(),
            seller: Entity {
                name: shipment.client.name.clone(),
                country: Some(shipment.client.country.to_string()),
                address: None,
                tax_id: None,
            },
            importer: parties.importer.clone(),
            broker: parties.broker.clone(),
            consignee: parties.consignee.clone().or_else(|| shipment.consignee.as_ref().map(party)),
            end_user: shipment.end_user.as_ref().map(party),
            origin: shipment.origin.to_string(),
            destination: shipment.destination.to_string(),
            transport_mode: shipment.transport_mode.as_str().to_owned(),
            incoterm: shipment.incoterm.as_str().to_owned(),
            currency: currency.to_string(),
            purpose: shipment.purpose.as_str().to_owned(),
            freight,
            insurance,
            lines,
            totals,
            request: None,
        }
    }

    /// Attaches the shipment request the documents were made from.
    pub fn with_request(mut self, request: serde_json::Value) -> ShipmentDocs {
        self.request = Some(request);
        self
    }

    /// An amount of this shipment, formatted.
    pub fn money(&self, amount: Decimal) -> String {
        money_text(amount, &self.currency)
    }
}

/// The technical parameters of an item for the specification list: its description plus what
/// the request declares about radios, encryption, battery and GPU, each said explicitly (an
/// undeclared radio is printed as "not declared", never as "none").
fn parameters(item: &preclear_domain::Item) -> String {
    let mut parts = vec![item.description.clone()];
    parts.push(match &item.radio {
        None => "Radio: not declared".to_owned(),
        Some(set) if set.is_empty() => "Radio: none".to_owned(),
        Some(set) => {
            format!("Radio: {}", set.iter().map(radio_label).collect::<Vec<_>>().join(", "))
        }
    });
    parts.push(match item.encryption {
        None => "Encryption: not declared".to_owned(),
        Some(e) => format!("Encryption: {}", e.as_str().replace('_', " ")),
    });
    if let Some(battery) = &item.battery {
        parts.push(format!(
            "Battery: {} {} Wh, {}",
            battery.chemistry.as_str(),
            battery.wh.normalize(),
            battery.packing.as_str().replace('_', " ")
        ));
    }
    if let Some(gpu) = &item.gpu {
        let density = gpu
            .performance_density
            .map(|d| format!(", performance density {}", d.normalize()))
            .unwrap_or_default();
        parts.push(format!("GPU: TPP {}{density}", gpu.tpp.normalize()));
    }
    parts.join("; ")
}

/// The label of a radio technology as printed on documents.
pub fn radio_label(radio: preclear_domain::Radio) -> &'static str {
    use preclear_domain::Radio;
    match radio {
        Radio::Wifi => "Wi-Fi",
        Radio::Bluetooth => "Bluetooth",
        Radio::Cellular => "cellular (LTE/5G modem)",
        Radio::Lora => "LoRa",
        Radio::Zigbee => "Zigbee",
        Radio::Nfc => "NFC",
        Radio::Gnss => "GNSS receiver",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_the_currency_minor_units() {
        assert_eq!(money_text(Decimal::new(98000000, 2), "EUR"), "980,000.00");
        assert_eq!(money_text(Decimal::new(1200, 0), "JPY"), "1,200");
        assert_eq!(money_text(Decimal::new(5, 1), "USD"), "0.50");
        assert_eq!(money_text(Decimal::new(-123456, 3), "BHD"), "-123.456");
        assert_eq!(weight_text(Decimal::new(1820, 1)), "182.000");
    }
}
