//! The HS classifier on the bundled KB: the packing-list lines the issue names, parts against
//! their host, the evaluation against labelled rulings (a floor, so a regression fails), and
//! the classifier in the assessment (a line without a code, a declared code it disagrees with).

use std::path::Path;

use preclear_classify::{Line, evaluate};
use preclear_domain::Confidence;
use preclear_engine::{HsBasis, Severity, assess};
use serde_json::json;

fn kb() -> preclear_kb::Kb {
    preclear_kb_bundle::load().unwrap_or_else(|errors| panic!("bundled KB invalid:\n{errors}"))
}

fn first(kb: &preclear_kb::Kb, description: &str) -> preclear_classify::Candidate {
    let result = kb.classifier().classify(&Line { description, ..Line::default() });
    result.candidates.first().cloned().unwrap_or_else(|| panic!("no candidate for {description}"))
}

#[test]
fn packing_list_lines_classify_with_their_reasons() {
    let kb = kb();
    for (description, hs, cue) in [
        ("Dell PowerEdge R760, 2x Xeon, 512 GB, refurbished", "847150", "cue.server-families"),
        ("SFP-10G-SR transceiver", "851762", "cue.transceiver"),
        ("APC Smart-UPS SRT 5000", "850440", "cue.ups"),
        ("QSFP28 DAC 3m", "851762", "cue.direct-attach"),
        ("Cat6A patch cord 2m, RJ45", "854442", "cue.copper-cable"),
        ("LC-LC OM4 fibre patch cord 3m", "854470", "cue.fibre-cable"),
        ("Samsung PM9A3 3.84TB NVMe SSD U.2", "852351", "cue.solid-state-storage"),
        ("Seagate Exos 18TB SAS hard drive", "847170", "cue.storage-unit"),
    ] {
        let top = first(&kb, description);
        assert_eq!(top.hs, hs, "{description}: {}", top.explain());
        assert!(
            matches!(top.confidence, Confidence::High | Confidence::Medium),
            "{description}: {:?}",
            top.confidence
        );
        assert!(top.reasons.iter().any(|r| r.rule == cue), "{description}: {}", top.explain());
        assert!(
            !top.notes.is_empty() && !top.reasons[0].sources.is_empty(),
            "{description}: notes and sources"
        );
    }
}

#[test]
fn a_line_whose_words_no_cue_knows_is_not_classified_at_all() {
    let kb = kb();
    let line = |description, model| Line { description, model, ..Line::default() };
    assert!(!kb.classifier().names_goods(&line("Line 17", Some("M-1"))));
    assert!(!kb.classifier().names_goods(&line("Pos. 4711", None)));
    assert!(kb.classifier().names_goods(&line("Line card, 48x 10G", None)));
    assert!(kb.classifier().names_goods(&line("Item 3", Some("PowerEdge R760"))));
}

#[test]
fn a_part_is_not_the_machine_it_is_for() {
    let kb = kb();
    assert_eq!(first(&kb, "Rail kit for PowerEdge R740").hs, "847330");
    assert_eq!(
        first(&kb, "Netzteil 750W für Server, Hot-Plug").hs,
        "850440",
        "a power supply is 85.04 even as a part (Section XVI, Note 2(a))"
    );
    assert_eq!(
        first(&kb, "1U rack server, 2x Xeon Gold 6430, 512 GB RAM, dual 800 W PSU").hs,
        "847150",
        "the parts listed after the server do not outweigh it"
    );
    assert_eq!(first(&kb, "Fan tray for Catalyst 9500 switch").hs, "851779");
    // Bulk packaging said anywhere in the line makes a cable one without connectors.
    assert_eq!(first(&kb, "Cat6 U/UTP cable 23AWG, 1000ft reel").hs, "854449");
    assert_eq!(first(&kb, "Cat6 patch cable, RJ45, 3m").hs, "854442");
}

#[test]
fn the_held_out_rulings_are_classified_at_least_as_well_as_recorded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/classification");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    let mut examples = Vec::new();
    for path in paths {
        let set = path.file_stem().unwrap().to_str().unwrap().to_owned();
        examples.extend(evaluate::read(&set, &std::fs::read_to_string(&path).unwrap()).unwrap());
    }
    assert!(examples.len() >= 400, "the labelled set: {}", examples.len());
    let it = examples.iter().filter(|e| e.set != "general").count();
    assert!(it >= 300, "IT descriptions: {it}");
    let kb = kb();
    // The engine skips classifying a declared line whose words no cue or vocabulary entry
    // knows: such a line is never classified with confidence.
    for example in &examples {
        let line = Line { description: &example.description, ..Line::default() };
        assert!(
            kb.classifier().names_goods(&line)
                || kb.classifier().classify(&line).confident().is_none(),
            "{}: {}",
            example.id,
            example.description
        );
    }
    let report = evaluate::evaluate(kb.classifier(), &examples);
    // The figures docs/BENCHMARKS.md records; raise the floor when they improve.
    let held = &report.held_out_it;
    assert!(held.n >= 90, "held out: {}", held.n);
    assert!(held.top1 * 1000 >= held.n * 530, "held-out top-1 fell: {} of {}", held.top1, held.n);
    assert!(held.top3 * 1000 >= held.n * 540, "held-out top-3 fell: {} of {}", held.top3, held.n);
}

fn request(items: serde_json::Value) -> preclear_domain::Shipment {
    let request = json!({
        "reference": "CLS-1",
        "client": { "name": "Nordwind Systems GmbH", "country": "DE", "local_entity_in_destination": false },
        "origin": "NL", "destination": "TR", "transport_mode": "air", "incoterm": "DDP",
        "currency": "EUR", "freight": "500.00", "insurance": "20.00", "purpose": "business_use",
        "consignee": { "name": "Anadolu Veri Merkezi A.S.", "country": "TR" },
        "items": items
    });
    preclear_domain::request::parse_shipment_request(&request.to_string()).unwrap()
}

fn item(description: &str, category: &str, hs: Option<&str>) -> serde_json::Value {
    let mut item = json!({
        "description": description, "category": category, "country_of_origin": "CN",
        "condition": "new", "quantity": 4, "unit_value": "1000.00", "radio": [], "encryption": "none"
    });
    if let Some(hs) = hs {
        item["hs_code"] = json!(hs);
    }
    item
}

#[test]
fn a_line_without_a_code_gets_the_confident_classification_with_its_explanation() {
    let kb = kb();
    let shipment = request(json!([item("SFP-10G-SR transceiver, 10GBASE-SR, LC", "other", None)]));
    let assessment = assess(&kb, &shipment, "2026-12-07".parse().unwrap());
    let line = &assessment.lines[0];
    assert_eq!(
        (line.hs_code.as_ref().map(|h| h.as_str()), line.hs_basis),
        (Some("851762"), HsBasis::Classified)
    );
    assert_eq!(line.classification.as_ref().map(|c| c.candidates[0].hs.as_str()), Some("851762"));
    let finding =
        assessment.findings.iter().find(|f| f.code == "hs.classified").expect("hs.classified");
    assert_eq!(
        (finding.severity, finding.rule.as_deref()),
        (Severity::Warning, Some("cue.transceiver"))
    );
    assert!(
        finding.message.contains("'transceiver'") && finding.message.contains("8517.62"),
        "{}",
        finding.message
    );
    assert!(
        !assessment.findings.iter().any(|f| f.code == "hs.missing"),
        "category other, yet classified"
    );

    // In Brazil, whose tariff the KB knows line by line, the national lines under 8517.62.
    let mut to_brazil = shipment.clone();
    to_brazil.destination = preclear_domain::Country::parse("BR").unwrap();
    let assessment = assess(&kb, &to_brazil, "2026-12-07".parse().unwrap());
    let lines = &assessment.lines[0].classification.as_ref().unwrap().national_lines;
    assert!(!lines.is_empty(), "BR's NCM lines under 8517.62");
    assert!(lines.iter().all(|l| l.code.starts_with("851762") && l.code.len() == 8), "{lines:?}");
    assert!(lines.iter().any(|l| l.levy == "br.ii"), "{lines:?}");
}

#[test]
fn a_declared_code_the_description_contradicts_is_flagged_and_what_it_changes_is_a_condition() {
    let kb = kb();
    let shipment =
        request(json!([item("APC Smart-UPS SRT 5000VA, rack mount", "ups", Some("847150"))]));
    let assessment = assess(&kb, &shipment, "2026-12-07".parse().unwrap());
    let differs = assessment
        .findings
        .iter()
        .find(|f| f.code == "hs.classification_differs")
        .expect("differs");
    assert!(
        differs.message.contains("8471.50") && differs.message.contains("8504.40"),
        "{}",
        differs.message
    );
    let matters = assessment
        .findings
        .iter()
        .find(|f| f.code == "hs.classification_matters")
        .expect("matters");
    assert_eq!(matters.severity, Severity::Condition);
    assert!(matters.message.contains("under 8504.40"), "{}", matters.message);
    assert_eq!(
        assessment.lines[0].hs_basis,
        HsBasis::Declared,
        "the declared code stays the one used"
    );

    // A declared code the classifier agrees with: nothing to say, nothing kept.
    let agreed =
        request(json!([item("APC Smart-UPS SRT 5000VA, rack mount", "ups", Some("850440"))]));
    let assessment = assess(&kb, &agreed, "2026-12-07".parse().unwrap());
    assert!(!assessment.findings.iter().any(|f| f.code.starts_with("hs.classification")));
    assert!(assessment.lines[0].classification.is_none());
}
