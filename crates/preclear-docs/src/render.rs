//! The five PDF documents as layouts for `preclear-pdf`: each function maps [`ShipmentDocs`]
//! (and, for the report, the assessment) to blocks and tables. The wording of the documents
//! lives here and nowhere else.

use preclear_engine::Assessment;
use preclear_pdf::{Align, Block, Column, Document, Orientation, PartyBox, Table};

use crate::model::{DocLine, Entity, ShipmentDocs, country_name, weight_text};
use crate::{DocKind, PRODUCER};

const NOT_ASSIGNED: &str = "Importer of record not yet assigned";

fn col(header: &str, width: u32, align: Align) -> Column {
    Column { header: header.to_owned(), width, align }
}

fn importer_box(docs: &ShipmentDocs) -> PartyBox {
    PartyBox {
        title: "Importer of record".to_owned(),
        lines: match &docs.importer {
            Some(entity) => entity.lines(),
            None => vec![NOT_ASSIGNED.to_owned(), "(to be named before shipment)".to_owned()],
        },
    }
}

fn entity_box(title: &str, entity: Option<&Entity>) -> PartyBox {
    PartyBox {
        title: title.to_owned(),
        lines: entity.map(Entity::lines).unwrap_or_else(|| vec!["Not declared".to_owned()]),
    }
}

fn shipment_fields(docs: &ShipmentDocs) -> Vec<(String, String)> {
    vec![
        ("Reference".to_owned(), docs.reference.clone()),
        ("Date".to_owned(), docs.date.clone()),
        ("Country of export".to_owned(), country_name(&docs.origin)),
        ("Country of destination".to_owned(), country_name(&docs.destination)),
        ("Incoterm".to_owned(), docs.incoterm.clone()),
        ("Transport".to_owned(), docs.transport_mode.clone()),
        ("Currency".to_owned(), docs.currency.clone()),
        ("Purpose".to_owned(), docs.purpose.replace('_', " ")),
    ]
}

fn base(docs: &ShipmentDocs, kind: DocKind, orientation: Orientation) -> Document {
    Document {
        title: kind.title().to_owned(),
        subtitle: Some(format!("No. {} · {}", docs.reference, docs.date)),
        running_header: format!("{} {}", kind.title(), docs.reference),
        footer: format!("{PRODUCER} · KB {}", docs.kb_version),
        author: Some(PRODUCER.to_owned()),
        created: Some(docs.date.clone()),
        orientation,
        blocks: Vec::new(),
        attachments: Vec::new(),
    }
}

/// The shape the three lists share: three party boxes, the shipment's particulars, one table
/// under a heading, a note and signature lines.
fn list_document(
    docs: &ShipmentDocs,
    kind: DocKind,
    boxes: Vec<PartyBox>,
    heading: &str,
    table: Table,
    note: String,
    signatures: &[&str],
) -> Document {
    let mut doc = base(docs, kind, Orientation::Landscape);
    doc.blocks.push(Block::Boxes(boxes));
    doc.blocks.push(Block::Fields(shipment_fields(docs)));
    doc.blocks.push(Block::Heading(heading.to_owned()));
    doc.blocks.push(Block::Table(table));
    doc.blocks.push(Block::Note(note));
    doc.blocks.push(Block::Signature(signatures.iter().map(|s| (*s).to_owned()).collect()));
    doc
}

fn make_model(line: &DocLine) -> String {
    match (&line.manufacturer, &line.model) {
        (Some(make), Some(model)) => format!("{make} {model}"),
        (Some(make), None) => make.clone(),
        (None, Some(model)) => model.clone(),
        (None, None) => String::new(),
    }
}

fn opt(text: Option<&str>) -> String {
    text.unwrap_or("—").to_owned()
}

/// The description as invoiced: with the radios the line declares, so that the declaration
/// itself names every radio module.
fn invoice_description(line: &DocLine) -> String {
    match &line.radio {
        Some(radios) if !radios.is_empty() => {
            format!("{}\nRadio: {}", line.description, radios.join(", "))
        }
        _ => line.description.clone(),
    }
}

fn condition_text(line: &DocLine) -> String {
    match line.condition.as_str() {
        "new" => "new".to_owned(),
        other => format!("{other}; valuation method to be declared"),
    }
}

/// The commercial invoice: seller, importer of record, consignee, lines with HS code, origin,
/// quantity, unit and line value; goods total, freight, insurance and invoice total.
pub fn commercial_invoice(docs: &ShipmentDocs) -> Document {
    let rows = docs
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line.to_string(),
                invoice_description(l),
                make_model(l),
                opt(l.hs_code.as_deref()),
                l.country_of_origin.clone(),
                condition_text(l),
                l.quantity.to_string(),
                docs.money(l.unit_value),
                docs.money(l.line_value),
            ]
        })
        .collect();
    let currency = &docs.currency;
    let mut footer = vec![total_row(
        9,
        "Goods total",
        docs.totals.quantity,
        docs.money(docs.totals.goods_value),
    )];
    if let Some(freight) = docs.freight {
        footer.push(amount_row(9, "Freight", docs.money(freight)));
    }
    if let Some(insurance) = docs.insurance {
        footer.push(amount_row(9, "Insurance", docs.money(insurance)));
    }
    footer.push(amount_row(
        9,
        &format!("Invoice total ({currency})"),
        docs.money(docs.totals.invoice_total),
    ));
    let table = Table {
        columns: vec![
            col("#", 3, Align::Right),
            col("Description", 24, Align::Left),
            col("Make / model", 13, Align::Left),
            col("HS code", 7, Align::Left),
            col("Origin", 5, Align::Center),
            col("Condition", 9, Align::Left),
            col("Qty", 5, Align::Right),
            col(&format!("Unit value ({currency})"), 10, Align::Right),
            col(&format!("Line value ({currency})"), 11, Align::Right),
        ],
        rows,
        footer,
    };
    list_document(
        docs,
        DocKind::CommercialInvoice,
        vec![
            entity_box("Seller / exporter", Some(&docs.seller)),
            importer_box(docs),
            entity_box("Consignee", docs.consignee.as_ref()),
        ],
        "Goods",
        table,
        format!(
            "Values in {currency}. Line value = unit value × quantity, rounded half-up to the currency's minor units; totals are the exact sums of the line values shown. The importer of record named above is the importer for customs purposes."
        ),
        &["Signature and stamp of the seller", "Place and date"],
    )
}

/// A totals row: label in the description column, quantity and amount in the last columns.
fn total_row(width: usize, label: &str, quantity: u64, amount: String) -> Vec<String> {
    let mut row = vec![String::new(); width];
    if let Some(cell) = row.get_mut(1) {
        *cell = label.to_owned();
    }
    if let Some(cell) = row.get_mut(width.saturating_sub(3)) {
        *cell = quantity.to_string();
    }
    if let Some(cell) = row.last_mut() {
        *cell = amount;
    }
    row
}

fn amount_row(width: usize, label: &str, amount: String) -> Vec<String> {
    let mut row = vec![String::new(); width];
    if let Some(cell) = row.get_mut(1) {
        *cell = label.to_owned();
    }
    if let Some(cell) = row.last_mut() {
        *cell = amount;
    }
    row
}

/// The packing list: lines with quantities, net weights and serial numbers.
pub fn packing_list(docs: &ShipmentDocs) -> Document {
    let rows = docs
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line.to_string(),
                l.description.clone(),
                make_model(l),
                opt(l.hs_code.as_deref()),
                l.quantity.to_string(),
                l.unit_weight_kg.map(weight_text).unwrap_or_else(|| "not declared".to_owned()),
                l.line_weight_kg.map(weight_text).unwrap_or_else(|| "not declared".to_owned()),
                if l.serials.is_empty() { "—".to_owned() } else { l.serials.join(", ") },
            ]
        })
        .collect();
    let mut total = vec![String::new(); 8];
    total[1] = "Total".to_owned();
    total[4] = docs.totals.quantity.to_string();
    total[6] = docs
        .totals
        .net_weight_kg
        .map(weight_text)
        .unwrap_or_else(|| "incomplete: a line has no weight".to_owned());
    let table = Table {
        columns: vec![
            col("#", 3, Align::Right),
            col("Description", 24, Align::Left),
            col("Make / model", 13, Align::Left),
            col("HS code", 7, Align::Left),
            col("Qty", 5, Align::Right),
            col("Unit net kg", 8, Align::Right),
            col("Net kg", 8, Align::Right),
            col("Serial numbers", 20, Align::Left),
        ],
        rows,
        footer: vec![total],
    };
    list_document(
        docs,
        DocKind::PackingList,
        vec![
            entity_box("Shipper", Some(&docs.seller)),
            importer_box(docs),
            entity_box("Consignee", docs.consignee.as_ref()),
        ],
        "Contents",
        table,
        "Net weights as declared per unit; gross weights and package dimensions are added by the forwarder when the cargo is packed.".to_owned(),
        &["Signature of the shipper", "Place and date"],
    )
}

/// The Exporter-of-Record equipment specification list: per line make, model, technical
/// parameters, HS code with its basis, ECCN, origin, condition, quantity and serials — the list
/// origin and destination authorities may both confirm before departure.
pub fn specification_list(docs: &ShipmentDocs) -> Document {
    let rows = docs
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line.to_string(),
                opt(l.manufacturer.as_deref()),
                opt(l.model.as_deref()),
                l.parameters.clone(),
                match &l.hs_code {
                    Some(code) => format!("{code} ({})", l.hs_basis),
                    None => "not classified".to_owned(),
                },
                eccn_text(l),
                l.country_of_origin.clone(),
                l.condition.clone(),
                l.quantity.to_string(),
                if l.serials.is_empty() { "—".to_owned() } else { l.serials.join(", ") },
            ]
        })
        .collect();
    let mut total = vec![String::new(); 10];
    total[3] = "Total units".to_owned();
    total[8] = docs.totals.quantity.to_string();
    let table = Table {
        columns: vec![
            col("#", 3, Align::Right),
            col("Make", 7, Align::Left),
            col("Model", 9, Align::Left),
            col("Technical parameters", 30, Align::Left),
            col("HS code (basis)", 10, Align::Left),
            col("ECCN", 8, Align::Left),
            col("Origin", 5, Align::Center),
            col("Condition", 7, Align::Left),
            col("Qty", 4, Align::Right),
            col("Serial numbers", 14, Align::Left),
        ],
        rows,
        footer: vec![total],
    };
    list_document(
        docs,
        DocKind::SpecificationList,
        vec![
            entity_box("Exporter of record", Some(&docs.seller)),
            importer_box(docs),
            entity_box("End user", docs.end_user.as_ref().or(docs.consignee.as_ref())),
        ],
        "Equipment",
        table,
        "Every component with a radio (Wi-Fi, Bluetooth, cellular modem, GNSS…) must appear here and on the declaration; a radio module left out of the declaration is a reason to stop the shipment.".to_owned(),
        &["Exporter of record", "Confirmed by the origin authority", "Confirmed by the destination authority"],
    )
}

/// The pre-qualification report: the verdict, conditions, approvals with lead times, export
/// controls, importer structure, landed cost and documents, each with its rule and source.
pub fn prequalification_report(docs: &ShipmentDocs, assessment: &Assessment) -> Document {
    let mut doc = base(docs, DocKind::PrequalificationReport, Orientation::Portrait);
    let b = &mut doc.blocks;
    b.push(Block::Fields(vec![
        ("Verdict".to_owned(), assessment.verdict.as_str().replace('_', " ")),
        ("Reference".to_owned(), docs.reference.clone()),
        ("Client".to_owned(), docs.seller.name.clone()),
        (
            "Route".to_owned(),
            format!("{} → {}", country_name(&docs.origin), country_name(&docs.destination)),
        ),
        ("Assessed as of".to_owned(), docs.date.clone()),
        ("Knowledge base".to_owned(), docs.kb_version.clone()),
        (
            "Earliest ship date".to_owned(),
            assessment
                .earliest_ship_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "not established".to_owned()),
        ),
        (
            "Importer of record".to_owned(),
            docs.importer
                .as_ref()
                .map(|e| e.name.clone())
                .unwrap_or_else(|| NOT_ASSIGNED.to_owned()),
        ),
    ]));
    b.push(Block::Paragraph(assessment.summary.clone()));
    b.push(Block::Heading("Findings".to_owned()));
    b.push(Block::Table(Table {
        columns: vec![
            col("Severity", 8, Align::Left),
            col("Finding", 40, Align::Left),
            col("Rule", 12, Align::Left),
            col("Confidence", 8, Align::Left),
        ],
        rows: assessment
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.severity.as_str().to_owned(),
                    match &f.source {
                        Some(source) => format!("{}\nSource: {source}", f.message),
                        None => f.message.clone(),
                    },
                    opt(f.rule.as_deref()),
                    f.confidence.map(|c| c.as_str().to_owned()).unwrap_or_else(|| "—".to_owned()),
                ]
            })
            .collect(),
        footer: Vec::new(),
    }));
    b.push(Block::Heading("Approvals and registrations".to_owned()));
    b.push(Block::Table(Table {
        columns: vec![
            col("Requirement", 22, Align::Left),
            col("Authority", 12, Align::Left),
            col("Holder", 8, Align::Left),
            col("Lead time", 8, Align::Left),
            col("Needed before", 8, Align::Left),
            col("Source", 14, Align::Left),
        ],
        rows: assessment
            .requirements
            .iter()
            .map(|r| {
                vec![
                    format!("{} ({})", r.name, r.status),
                    r.authority.clone(),
                    r.holder.as_str().replace('_', " "),
                    r.lead_time_days
                        .map(|d| format!("{}–{} days", d.min, d.max))
                        .unwrap_or_else(|| "not established".to_owned()),
                    r.needed_before.to_string(),
                    format!("{} ({})", r.source, r.confidence.as_str()),
                ]
            })
            .collect(),
        footer: Vec::new(),
    }));
    b.push(Block::Heading("Export controls".to_owned()));
    b.push(Block::Table(Table {
        columns: vec![
            col("Regime", 10, Align::Left),
            col("ECCN", 8, Align::Left),
            col("Determination", 30, Align::Left),
            col("Licence", 8, Align::Left),
            col("Lines", 6, Align::Left),
        ],
        rows: assessment
            .export_controls
            .iter()
            .map(|e| {
                vec![
                    e.regime.clone(),
                    e.eccn
                        .clone()
                        .map(|c| format!("{c} ({})", e.eccn_basis))
                        .unwrap_or_else(|| "—".to_owned()),
                    e.determination.clone(),
                    match (e.licence_required, &e.exception) {
                        (_, Some(exception)) => format!("exception {exception}"),
                        (Some(true), None) => "required".to_owned(),
                        (Some(false), None) => "not required".to_owned(),
                        (None, None) => "not established".to_owned(),
                    },
                    line_list(&e.lines),
                ]
            })
            .collect(),
        footer: Vec::new(),
    }));
    b.push(Block::Heading("Importer of record".to_owned()));
    b.push(Block::Paragraph(assessment.importer.route.clone()));
    let cost = &assessment.landed_cost;
    b.push(Block::Heading(format!(
        "Landed cost ({}, {} basis)",
        cost.currency, cost.valuation_basis
    )));
    b.push(landed_cost_table(docs, cost, false));
    b.push(Block::Note(format!("Rounding: {}.", cost.rounding)));
    b.push(Block::Heading("Documents required".to_owned()));
    b.push(Block::Table(Table {
        columns: vec![col("Document", 40, Align::Left), col("Rule", 12, Align::Left)],
        rows: assessment.documents.iter().map(|d| vec![d.name.clone(), d.rule.clone()]).collect(),
        footer: Vec::new(),
    }));
    doc
}

/// The landed cost as a table: goods and customs value, every charge with its rate and amount
/// (a range by state or province where the request gives none), and the total; with `payer`,
/// a column saying who pays each charge under the Incoterm.
fn landed_cost_table(
    docs: &ShipmentDocs,
    cost: &preclear_engine::LandedCost,
    payer: bool,
) -> Block {
    let blank = |cells: Vec<String>| {
        if payer {
            let mut cells = cells;
            cells.push(String::new());
            cells
        } else {
            cells
        }
    };
    let mut rows = vec![
        blank(vec!["Goods value".to_owned(), String::new(), docs.money_text(&cost.goods_value)]),
        blank(vec![
            "Customs value".to_owned(),
            String::new(),
            docs.money_text(&cost.customs_value),
        ]),
    ];
    for charge in cost.duties.iter().chain(&cost.taxes).chain(&cost.fees) {
        let mut row = vec![
            charge.name.clone(),
            match (&charge.rate, &charge.rate_high) {
                (Some(r), Some(h)) => format!("{r}-{h} %"),
                (Some(r), None) => format!("{r} %"),
                (None, _) => String::new(),
            },
            match (&charge.amount, &charge.amount_high) {
                (Some(a), Some(h)) => format!("{} to {}", docs.money_text(a), docs.money_text(h)),
                (Some(a), None) => docs.money_text(a),
                (None, _) => "unknown".to_owned(),
            },
        ];
        if payer {
            row.push(cost.duties_and_taxes_paid_by.to_string());
        }
        rows.push(row);
    }
    let mut columns = vec![
        col("Item", 30, Align::Left),
        col("Rate", 8, Align::Right),
        col("Amount", 12, Align::Right),
    ];
    if payer {
        columns.push(col("Paid by", 7, Align::Left));
    }
    Block::Table(Table {
        columns,
        rows,
        footer: vec![blank(vec![
            match (cost.complete, &cost.total_high) {
                (true, None) => "Total".to_owned(),
                (false, None) => "Total (at least: some amounts unknown)".to_owned(),
                (true, Some(_)) => "Total, by state or province".to_owned(),
                (false, Some(_)) => "Total, by state or province (at least)".to_owned(),
            },
            String::new(),
            match &cost.total_high {
                Some(high) => {
                    format!("{} to {}", docs.money_text(&cost.total), docs.money_text(high))
                }
                None => docs.money_text(&cost.total),
            },
        ])],
    })
}

/// How long a quote holds at most: it is void earlier when the KB, the rates or the prices change.
pub const QUOTE_VALID_DAYS: i32 = 30;

/// The one-page quote a procurement lead forwards: parties, goods, the landed cost by charge
/// with who pays, the exchange rates and their dates, what must happen first, the earliest ship
/// date, and how long the figures hold.
pub fn quote(docs: &ShipmentDocs, assessment: &Assessment) -> Document {
    let mut doc = base(docs, DocKind::Quote, Orientation::Portrait);
    let b = &mut doc.blocks;
    let valid_until = assessment
        .as_of
        .checked_add(jiff::Span::new().days(QUOTE_VALID_DAYS))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "—".to_owned());
    let units: u64 = docs.totals.quantity;
    let mut categories: Vec<String> =
        docs.lines.iter().map(|l| l.category.replace('_', " ")).collect();
    categories.sort();
    categories.dedup();
    b.push(Block::Fields(vec![
        ("Reference".to_owned(), docs.reference.clone()),
        (
            "Route".to_owned(),
            format!("{} → {}", country_name(&docs.origin), country_name(&docs.destination)),
        ),
        ("Incoterm".to_owned(), format!("{} ({})", docs.incoterm, docs.transport_mode)),
        ("Verdict".to_owned(), assessment.verdict.as_str().replace('_', " ")),
        (
            "Goods".to_owned(),
            format!(
                "{} line{}, {units} unit{}: {}",
                docs.lines.len(),
                if docs.lines.len() == 1 { "" } else { "s" },
                if units == 1 { "" } else { "s" },
                categories.join(", ")
            ),
        ),
        (
            "Earliest ship date".to_owned(),
            match (assessment.earliest_ship_date, &assessment.timeline.critical_requirement) {
                (Some(date), Some(rule)) => format!("{date} (set by {rule})"),
                (Some(date), None) => date.to_string(),
                (None, Some(rule)) => {
                    format!("not established: the lead time of {rule} is not known")
                }
                (None, None) => "not established".to_owned(),
            },
        ),
        ("Quoted on".to_owned(), docs.date.clone()),
        ("Valid until".to_owned(), valid_until.clone()),
    ]));
    b.push(Block::Boxes(vec![
        entity_box("Client", Some(&docs.seller)),
        importer_box(docs),
        entity_box("Consignee", docs.consignee.as_ref()),
    ]));
    let cost = &assessment.landed_cost;
    b.push(Block::Heading(format!("Landed cost ({})", cost.currency)));
    b.push(landed_cost_table(docs, cost, true));
    let mut notes = vec![format!(
        "Valuation on a {} basis; duties and taxes paid by the {}, the main carriage by the {} ({}). Rounding: {}.",
        cost.valuation_basis,
        cost.duties_and_taxes_paid_by,
        cost.freight_paid_by,
        docs.incoterm,
        cost.rounding
    )];
    for rate in &cost.exchange_rates {
        notes.push(format!(
            "Exchange rate: 1 {} = {} {} ({} of {}); customs convert at their own official rate.",
            rate.from,
            rate.rate,
            rate.to,
            rate.source.title(),
            rate.published
        ));
    }
    notes.push(match &cost.vat_recovery {
        Some(recovery) => {
            let mut text = format!("Import VAT/GST: {}", recovery.explanation);
            if let (Some(true), Some(cash_out), Some(net)) =
                (recovery.recoverable, recovery.cash_out, recovery.net_cost)
            {
                text.push_str(&format!(
                    " Cash out at import {}; net cost after recovery {}.",
                    docs.money(cash_out),
                    docs.money(net)
                ));
            }
            text
        }
        None => "Import VAT/GST: whether the importer of record can recover it is not assessed; the amounts above are cash paid at import.".to_owned(),
    });
    if assessment.service_charges.is_none() {
        notes.push("Service charges (the importer-of-record fee, brokerage, inspection, storage) are not included: no price list was applied.".to_owned());
    }
    for note in notes {
        b.push(Block::Note(note));
    }
    if let Some(service) = &assessment.service_charges {
        b.push(Block::Heading(format!(
            "Service charges ({}, price list {})",
            service.provider, service.price_list
        )));
        b.push(Block::Table(Table {
            columns: vec![
                col("Charge", 20, Align::Left),
                col("Basis", 18, Align::Left),
                col("Amount", 12, Align::Right),
                col("Paid by", 7, Align::Left),
            ],
            rows: service
                .charges
                .iter()
                .map(|c| {
                    vec![
                        if c.estimate { format!("{} (estimate)", c.name) } else { c.name.clone() },
                        c.basis.clone(),
                        c.amount
                            .as_deref()
                            .map(|a| docs.money_text(a))
                            .unwrap_or_else(|| "unknown".to_owned()),
                        c.paid_by.to_owned(),
                    ]
                })
                .collect(),
            footer: vec![vec![
                if service.complete {
                    "Total service charges".to_owned()
                } else {
                    "Total service charges (at least)".to_owned()
                },
                String::new(),
                docs.money_text(&service.total),
                String::new(),
            ]],
        }));
        b.push(Block::Note(format!(
            "Price list version {}: the quote records the prices it used.",
            service.price_list_version
        )));
    }
    let serious: Vec<&preclear_engine::Finding> = assessment
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.severity,
                preclear_engine::Severity::Blocker | preclear_engine::Severity::Condition
            )
        })
        .collect();
    if !serious.is_empty() {
        b.push(Block::Heading("Before the goods move".to_owned()));
        for finding in serious.iter().take(6) {
            b.push(Block::Paragraph(format!("{}: {}", finding.severity.as_str(), finding.message)));
        }
        let more = serious.len().saturating_sub(6);
        if more > 0 {
            b.push(Block::Note(format!("{more} more in the pre-qualification report.")));
        }
    }
    b.push(Block::Note(format!(
        "This quote holds until the knowledge base ({}), the exchange rates or the price list change, and at most until {valid_until}. Every figure is explained, with its rule and source, in the pre-qualification report of the same assessment.",
        docs.kb_version
    )));
    doc
}

/// A comparison of destinations as one PDF: the rows side by side, then per destination its
/// verdict, landed cost by charge with who pays, and earliest ship date. `each` holds every
/// destination's documents and assessment, in the comparison's order.
pub fn comparison(
    comparison: &preclear_engine::compare::Comparison,
    each: &[(ShipmentDocs, Assessment)],
) -> Option<Document> {
    let (first, _) = each.first()?;
    let mut doc = base(first, DocKind::Quote, Orientation::Landscape);
    doc.title = "Comparison of destinations".to_owned();
    doc.running_header = format!("Comparison of destinations {}", comparison.reference);
    let b = &mut doc.blocks;
    b.push(Block::Fields(vec![
        ("Reference".to_owned(), comparison.reference.clone()),
        ("Currency".to_owned(), comparison.currency.to_string()),
        ("Assessed as of".to_owned(), comparison.as_of.to_string()),
        ("Knowledge base".to_owned(), comparison.kb_version.clone()),
    ]));
    let money = |text: &str| first.money_text(text);
    b.push(Block::Table(Table {
        columns: vec![
            col("Destination", 14, Align::Left),
            col("Verdict", 14, Align::Left),
            col("Landed cost", 16, Align::Right),
            col("D&T % of goods", 8, Align::Right),
            col("Service charges", 10, Align::Right),
            col("Earliest ship date", 10, Align::Left),
            col("Set by", 14, Align::Left),
        ],
        rows: comparison
            .rows
            .iter()
            .map(|r| {
                let cost = match (&r.landed_cost_high, r.landed_cost_complete) {
                    (Some(high), _) => format!("{} to {}", money(&r.landed_cost), money(high)),
                    (None, true) => money(&r.landed_cost),
                    (None, false) => format!("at least {}", money(&r.landed_cost)),
                };
                vec![
                    country_name(r.destination.as_str()),
                    r.verdict.as_str().replace('_', " "),
                    cost,
                    r.duties_and_taxes_percent_of_goods.clone().unwrap_or_else(|| "—".to_owned()),
                    r.service_charges.as_deref().map(money).unwrap_or_else(|| "—".to_owned()),
                    r.earliest_ship_date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "not established".to_owned()),
                    opt(r.critical_requirement.as_deref()),
                ]
            })
            .collect(),
        footer: Vec::new(),
    }));
    for (docs, assessment) in each {
        b.push(Block::Heading(format!(
            "{}: {}",
            country_name(&docs.destination),
            assessment.verdict.as_str().replace('_', " ")
        )));
        b.push(Block::Paragraph(assessment.summary.clone()));
        b.push(landed_cost_table(docs, &assessment.landed_cost, true));
        for row in comparison.rows.iter().filter(|r| r.destination == assessment.destination) {
            for blocker in &row.blockers {
                b.push(Block::Paragraph(format!("blocker: {blocker}")));
            }
        }
    }
    b.push(Block::Note(
        "Each destination is a full assessment: its pre-qualification report and its quote give every finding, rule and source."
            .to_owned(),
    ));
    Some(doc)
}

/// The ECCN cell of the specification list: the declared ECCN, and the classification under
/// each export regime of the origin.
fn eccn_text(line: &DocLine) -> String {
    let classification = line.export_classification.as_deref().unwrap_or_default();
    match &line.eccn {
        Some(eccn) if !classification.contains(eccn.as_str()) && classification.is_empty() => {
            format!("{eccn} (declared)")
        }
        Some(eccn) if !classification.contains(eccn.as_str()) => {
            format!("{eccn} (declared); {classification}")
        }
        _ if !classification.is_empty() => classification.to_owned(),
        _ => "not determined".to_owned(),
    }
}

fn line_list(lines: &[usize]) -> String {
    lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
}

impl ShipmentDocs {
    /// An amount the engine printed as text, regrouped for a document (unchanged if it does
    /// not parse).
    fn money_text(&self, text: &str) -> String {
        rust_decimal::Decimal::from_str_exact(text)
            .map(|d| self.money(d))
            .unwrap_or_else(|_| text.to_owned())
    }
}

/// The power-of-attorney draft: the importer of record appoints a customs broker to declare the
/// goods of this shipment in its name. A draft for the importer to review, complete and sign.
pub fn power_of_attorney(docs: &ShipmentDocs) -> Document {
    let mut doc = base(docs, DocKind::PowerOfAttorney, Orientation::Portrait);
    let importer =
        docs.importer.as_ref().map(|e| e.name.as_str()).unwrap_or("[importer of record]");
    let broker = docs.broker.as_ref().map(|e| e.name.as_str()).unwrap_or("[customs broker]");
    doc.blocks.push(Block::Note(
        "DRAFT for review: the wording must be checked against the destination's customs law and the broker's own form before signature.".to_owned(),
    ));
    doc.blocks.push(Block::Boxes(vec![
        importer_box(docs),
        PartyBox {
            title: "Customs broker (attorney)".to_owned(),
            lines: docs
                .broker
                .as_ref()
                .map(Entity::lines)
                .unwrap_or_else(|| vec!["To be named".to_owned()]),
        },
    ]));
    doc.blocks.push(Block::Paragraph(format!(
        "{importer}, acting as importer of record in {}, appoints {broker} to act in its name and on its behalf before the customs authorities of {} for the customs clearance of shipment {}: to lodge the import declaration and its supporting documents, to pay duties and taxes on the importer's account, and to receive notices concerning this shipment.",
        country_name(&docs.destination),
        country_name(&docs.destination),
        docs.reference
    )));
    doc.blocks.push(Block::Fields(vec![
        ("Shipment".to_owned(), docs.reference.clone()),
        ("Seller / exporter".to_owned(), docs.seller.name.clone()),
        ("Lines".to_owned(), docs.lines.len().to_string()),
        ("Units".to_owned(), docs.totals.quantity.to_string()),
        (
            "Invoice total".to_owned(),
            format!("{} {}", docs.currency, docs.money(docs.totals.invoice_total)),
        ),
        ("Valid".to_owned(), "for this shipment only, until its clearance is completed".to_owned()),
    ]));
    doc.blocks.push(Block::Paragraph(
        "The importer of record remains responsible for the accuracy of the declaration and for the goods' compliance with the destination's requirements. This power may be revoked in writing at any time.".to_owned(),
    ));
    doc.blocks.push(Block::Signature(vec![
        format!("For {importer}: name, title, signature"),
        "Place and date".to_owned(),
        format!("Accepted for {broker}"),
    ]));
    doc
}
