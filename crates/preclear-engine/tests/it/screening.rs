//! Screening with operators' decisions: a false positive stops alerting for that party and
//! entry, a true match blocks even a possible hit, and either stops holding when the party or
//! the listed entry changes. On a hand-made list, so that list updates never break the test.

use preclear_domain::request::parse_shipment_value;
use preclear_engine::Assessment;
use preclear_engine::screening::{HitDecision, HitVerdict, MaxAge, PriorDecision, Screen};
use preclear_screening::{Entry, EntryKind, EntryName, ListId, Lists, Screener};
use serde_json::json;

use crate::support::{kb, request, zedland};

fn entry(countries: &[&str]) -> Entry {
    Entry {
        list: ListId::OfacSdn,
        id: "9001".into(),
        kind: EntryKind::Entity,
        names: vec![EntryName { text: "ORION DYNAMICS TRADING".into(), strong: true }],
        countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        programs: vec!["TEST".into()],
    }
}

fn lists(entries: Vec<Entry>) -> Lists {
    Lists {
        version: "lists-test".into(),
        description: "a list written for the test".into(),
        published: vec![("un-xml".into(), "2026-12-05".into())],
        screener: Screener::new(entries),
    }
}

fn assess(screen: Screen<'_>, consignee: &str, country: &str) -> Assessment {
    let kb = kb(&zedland(""), None);
    let value =
        request(json!({ "consignee": { "name": consignee, "country": country } }), json!({}));
    let shipment = parse_shipment_value(&value).unwrap();
    preclear_engine::assess_screened(
        &kb,
        &shipment,
        "2026-12-07".parse().unwrap(),
        None,
        Some(screen),
    )
}

fn codes(a: &Assessment) -> Vec<&str> {
    a.findings
        .iter()
        .filter(|f| f.code.starts_with("screening."))
        .map(|f| f.code.as_str())
        .collect()
}

fn decided(a: &Assessment, verdict: HitVerdict) -> PriorDecision {
    let party = &a.screening.as_ref().unwrap().parties[1];
    let hit = &party.hits[0];
    PriorDecision {
        party_key: party.key.clone(),
        list: hit.list.clone(),
        entry_id: hit.entry_id.clone(),
        entry_fingerprint: hit.entry_fingerprint.clone(),
        decision: HitDecision {
            verdict,
            reason: "another company, registered in Zedland since 1990".into(),
            decided_by: "user:ana".into(),
            decided_on: "2026-12-07".into(),
        },
    }
}

#[test]
fn a_false_positive_stops_alerting_until_the_party_or_the_entry_changes() {
    let screener = lists(vec![entry(&["Cuba"])]);
    // A possible hit (the country conflicts): a condition for an operator's decision.
    let first = assess(Screen::undecided(&screener), "Orion Dinamik Trading", "NL");
    assert_eq!(codes(&first), ["screening.possible"]);
    let party = &first.screening.as_ref().unwrap().parties[1];
    assert_eq!(party.role, "consignee");
    assert_eq!(party.key, "orion dinamik trading|NL");
    assert_eq!(party.hits[0].band, "possible");
    assert!(party.hits[0].decision.is_none());

    // Decided a false positive: no condition; the hit still shows, with the decision.
    let decisions = [decided(&first, HitVerdict::FalsePositive)];
    let screen = Screen { decisions: &decisions, ..Screen::undecided(&screener) };
    let cleared = assess(screen, "ORION DINAMIK TRADING.", "NL");
    assert_eq!(codes(&cleared), ["screening.cleared"], "spelling does not change the party");
    let info = cleared.findings.iter().find(|f| f.code == "screening.cleared").unwrap();
    assert!(info.message.contains("user:ana") && info.message.contains("1990"), "{}", info.message);
    let hit = &cleared.screening.as_ref().unwrap().parties[1].hits[0];
    assert_eq!(hit.decision.as_ref().unwrap().verdict, HitVerdict::FalsePositive);
    assert_ne!(cleared.verdict, first.verdict, "the condition is gone");

    // Another party (another country) is screened afresh.
    let moved = assess(screen, "Orion Dinamik Trading", "DE");
    assert_eq!(codes(&moved), ["screening.possible"]);

    // The entry amended on the list (a country added): the decision no longer holds.
    let amended = lists(vec![entry(&["Cuba", "Netherlands"])]);
    let again = assess(
        Screen { decisions: &decisions, ..Screen::undecided(&amended) },
        "Orion Dinamik Trading",
        "NL",
    );
    assert!(!codes(&again).contains(&"screening.cleared"), "{:?}", codes(&again));
    assert!(again.screening.as_ref().unwrap().parties[1].hits[0].decision.is_none());
}

#[test]
fn a_true_match_blocks_even_a_possible_hit() {
    let screener = lists(vec![entry(&["Cuba"])]);
    let first = assess(Screen::undecided(&screener), "Orion Dinamik Trading", "NL");
    assert_eq!(codes(&first), ["screening.possible"]);
    let decisions = [decided(&first, HitVerdict::TrueMatch)];
    let blocked = assess(
        Screen { decisions: &decisions, ..Screen::undecided(&screener) },
        "Orion Dinamik Trading",
        "NL",
    );
    assert_eq!(codes(&blocked), ["screening.match"]);
    assert_eq!(blocked.verdict.as_str(), "not_clearable");
    let finding = blocked.findings.iter().find(|f| f.code == "screening.match").unwrap();
    assert!(finding.message.contains("decided a true match by user:ana"), "{}", finding.message);
}

#[test]
fn lists_older_than_their_limit_are_named_in_a_warning() {
    let screener = lists(vec![entry(&["Cuba"])]);
    let fresh = assess(Screen::undecided(&screener), "Nordwind Systems GmbH", "DE");
    assert!(codes(&fresh).is_empty(), "published 2 days before: {:?}", codes(&fresh));
    let strict_limit = MaxAge { default_days: 1, per_list: Default::default() };
    let strict = Screen { max_age: &strict_limit, ..Screen::undecided(&screener) };
    let stale = assess(strict, "Nordwind Systems GmbH", "DE");
    assert_eq!(codes(&stale), ["screening.stale_lists"]);
    let warning = stale.findings.iter().find(|f| f.code == "screening.stale_lists").unwrap();
    assert_eq!(warning.severity.as_str(), "warning");
    assert!(
        warning.message.contains("un-xml of 2026-12-05 (2 days, limit 1)"),
        "{}",
        warning.message
    );
    assert_eq!(stale.verdict, fresh.verdict, "a warning does not change the verdict");
    // A list with a limit of its own.
    let per_list = MaxAge { default_days: 1, per_list: [("un-xml".to_owned(), 5)].into() };
    let own = assess(
        Screen { max_age: &per_list, ..Screen::undecided(&screener) },
        "Nordwind Systems GmbH",
        "DE",
    );
    assert!(codes(&own).is_empty(), "{:?}", codes(&own));
    assert_eq!(own.screening.as_ref().unwrap().max_age_per_list.get("un-xml"), Some(&5));
    assert_eq!(stale.screening.as_ref().unwrap().max_age_days, 1);
}
