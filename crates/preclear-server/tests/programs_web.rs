//! The program pages over HTTP, on SQLite always and on PostgreSQL when
//! `PRECLEAR_TEST_DATABASE_URL` is set. The issue's "done when", walked in the pages: an
//! operator registers an IOR entity for Türkiye without credentials, creates a program for a
//! client with TR and BR destinations and adds a refurbished-server consignment for TR; the
//! program page says TR is not pre-validated and lists what is missing; assigning the entity is
//! refused naming the TAREKS registration; the credential is added on the registry page, the
//! entity assigned, the consignee and approvals recorded, and TR is pre-validated; the
//! consignment is walked to delivered (a clearance without declaration reference refused, with
//! the reason on the page); the audit log lists the transitions. The client's user sees the
//! program but not the registry, and may not move consignments; another client sees nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::http::StatusCode;
use common::{Reply, postgres_url, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_store::Role;
use preclear_store::System;
use session::{Browser, Jar, csrf, pairs};

const REFURBISHED: &str = include_str!("../../../examples/shapes/refurbished-server.json");

fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    reply.headers["location"].to_str().unwrap().to_owned()
}

/// The text of the element with `id` up to its first closing tag.
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!(r#"id="{id}""#);
    let at = html.find(&marker).unwrap_or_else(|| panic!("no element {id} in {html}"));
    let rest = &html[at..];
    let end = rest.find("</").unwrap_or(rest.len());
    &rest[..end]
}

/// The `<div>` with `id`, to its end (the blocks it is used on hold no nested `div`).
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!(r#"id="{id}""#);
    let at = html.find(&marker).unwrap_or_else(|| panic!("no block {id} in {html}"));
    let rest = &html[at..];
    &rest[..rest.find("</div>").unwrap()]
}

/// A day `days` from today (UTC), as YYYY-MM-DD.
fn from_today(days: i64) -> String {
    let today = preclear_server::clock::date_of(preclear_server::clock::now_micros());
    today.checked_add(jiff::Span::new().days(days)).unwrap().to_string()
}

async fn programs_story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let (store, provider, nordwind) = (setup.store.clone(), &setup.provider, &setup.nordwind);
    let password = common::PASSWORD;
    let shell = Actor("shell:test".into());
    ops::create_user(&store, &shell, provider, "olga", Some(password), Role::Operator, 1)
        .await
        .unwrap();
    let app = setup.app();

    // The operator signs in: programs and the registry are in the navigation.
    let mut olga = Browser { app: &app, jar: Jar::default() };
    assert_eq!(olga.sign_in("olga", password).await.status, StatusCode::SEE_OTHER);
    let page = olga.get("/programs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(r#"<a href="/programs" aria-current="page">Programs</a>"#));
    assert!(page.text.contains(r#"href="/ior-entities""#));
    assert!(page.text.contains("No programs yet."));
    let token = csrf(&page.text);

    // The registry: an undisclosed partner is refused with the field named, the input kept;
    // then an own entity for TR, without credentials.
    let registry = olga.get("/ior-entities").await;
    assert_eq!(registry.status, StatusCode::OK);
    assert!(registry.text.contains("No IOR entity is registered yet."));
    let refused = olga
        .post(
            "/ior-entities",
            &pairs(&[
                ("_csrf", &token),
                ("name", "Istanbul Partner Ltd"),
                ("country", "TR"),
                ("relationship", "partner"),
                ("registry_number", "123"),
            ]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = element(&refused.text, "entity-errors");
    assert!(refused.text.contains("<code>disclosed</code>"), "{errors}");
    assert!(refused.text.contains("undisclosed sub-agent cannot act as importer of record"));
    assert!(refused.text.contains(r#"value="Istanbul Partner Ltd""#), "the input is kept");
    let created = olga
        .post(
            "/ior-entities",
            &pairs(&[
                ("_csrf", &token),
                ("name", "Anadolu Ithalat A.S."),
                ("country", "TR"),
                ("relationship", "own"),
                ("registry_number", "MERSIS 0123456789000015"),
            ]),
        )
        .await;
    let at = location(&created);
    let entity_id = at.strip_prefix("/ior-entities#entity-").unwrap().to_owned();
    let registry = olga.get("/ior-entities").await;
    assert!(registry.text.contains("Anadolu Ithalat A.S."));
    assert!(registry.text.contains("No credentials recorded."));
    assert!(registry.text.contains("No credential expires within 60 days"));

    // A program for the client: a window that ends before it starts is named by its field and
    // line, with the input kept; then TR and BR.
    let bad = olga
        .post(
            "/programs",
            &pairs(&[
                ("_csrf", &token),
                ("reference", "REFRESH-2026"),
                ("name", "Server refresh"),
                ("client", &nordwind.id.to_string()),
                ("destinations", "TR, 2027-01-01, 2027-03-31\n\nBR, 2027-03-01, 2027-01-31, 96"),
            ]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let errors = element(&bad.text, "program-errors");
    assert!(bad.text.contains("<code>destinations[1].window_end</code> (line 3)"), "{errors}");
    assert!(bad.text.contains("must not be before window_start"));
    assert!(bad.text.contains(r#"value="REFRESH-2026""#));
    assert!(bad.text.contains("BR, 2027-03-01, 2027-01-31, 96</textarea>"));
    let no_client = olga
        .post(
            "/programs",
            &pairs(&[
                ("_csrf", &token),
                ("reference", "REFRESH-2026"),
                ("name", "Server refresh"),
                ("destinations", "TR, 2027-01-01, 2027-03-31"),
            ]),
        )
        .await;
    assert_eq!(no_client.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_client.text.contains("<code>client</code>: a program is made for a client"));
    let created = olga
        .post(
            "/programs",
            &pairs(&[
                ("_csrf", &token),
                ("reference", "REFRESH-2026"),
                ("name", "Server refresh"),
                ("client", &nordwind.id.to_string()),
                ("destinations", "TR, 2027-01-01, 2027-03-31, 72, 7\nBR, 2027-01-01, 2027-03-31"),
            ]),
        )
        .await;
    let program_url = location(&created);
    let list = olga.get("/programs").await;
    assert!(list.text.contains("REFRESH-2026") && list.text.contains("Nordwind Systems GmbH"));
    assert!(list.text.contains("2 <span class=\"muted\">(TR, BR)</span>"), "{}", list.text);
    let page = olga.get(&program_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("no consignment to TR has been assessed yet"));

    // A consignment for TR, pasted as JSON: broken JSON and a destination outside the program
    // are refused on the page; the refurbished server is assessed and stored as a draft.
    let consignments = format!("{program_url}/consignments");
    let broken =
        olga.post(&consignments, &pairs(&[("_csrf", &token), ("request", "{\"origin\": ")])).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.text.contains("<code>request</code>: is not valid JSON"));
    let elsewhere = REFURBISHED.replace("\"destination\": \"TR\"", "\"destination\": \"DE\"");
    let outside = olga
        .post(
            &consignments,
            &pairs(&[("_csrf", &token), ("request", &elsewhere), ("as_of", "2026-11-21")]),
        )
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outside.text.contains("<code>request.destination</code>: `DE` is not a destination"));
    let added = olga
        .post(
            &consignments,
            &pairs(&[("_csrf", &token), ("request", REFURBISHED), ("as_of", "2026-11-21")]),
        )
        .await;
    let consignment_url = location(&added);
    assert!(consignment_url.starts_with("/consignments/"));

    // TR is not pre-validated: the entity, the consignee and the approvals are missing, each
    // said; BR has no consignment yet.
    let page = olga.get(&program_url).await;
    let html = &page.text;
    assert!(element(html, "status-TR").contains("not pre-validated"));
    let missing = block(html, "missing-TR");
    for expected in [
        "no IOR entity is assigned",
        "no validated consignee (legal name, tax id, address) is recorded",
        "Importer defined in TAREKS",
        "TAREKS import inspection of CE-marked products",
        "Ministry of Trade permit for used or refurbished goods",
        "lead time unknown",
    ] {
        assert!(missing.contains(expected), "missing lacks {expected:?}: {missing}");
    }
    assert!(element(html, "remaining-TR").contains("with an unknown lead time"));
    assert!(html.contains("<code>tr.tareks-company</code>"));
    assert!(html.contains(r#"<option value="tr.tareks-ce""#));
    assert!(html.contains(r#"<option value="tr.used-permit""#));
    assert!(
        !html.contains(r#"<option value="tr.tareks-company""#),
        "a registration is no approval"
    );
    assert!(html.contains("no consignment to BR has been assessed yet"));
    assert!(element(html, "total-prevalidated").contains("0 of 2"));
    assert!(html.contains("SHAPE-REFURBISHED-SERVER"));
    assert!(html.contains("Clearable with conditions"));
    assert!(html.contains(r#"id="critical-path""#));

    // The KB-change impact: the current KB changes nothing.
    let impact = olga.get(&format!("{program_url}/kb-impact")).await;
    assert_eq!(impact.status, StatusCode::OK);
    assert!(impact.text.contains("1 open consignment re-assessed"), "{}", impact.text);
    assert!(impact.text.contains("No open consignment would change."));

    // Assigning the entity is refused, naming the TAREKS registration; nothing changes.
    let assign = format!("{program_url}/positions/TR/entity");
    let refused = olga.post(&assign, &pairs(&[("_csrf", &token), ("entity_id", &entity_id)])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let errors = element(&refused.text, "entity-errors-TR");
    assert!(errors.contains("The entity was not assigned"), "{errors}");
    let reasons = block(&refused.text, "entity-errors-TR");
    assert!(reasons.contains("<code>entity_id</code>"));
    assert!(reasons.contains("(tr.tareks-company, Ministry of Trade"), "{reasons}");
    assert!(reasons.contains("Anadolu Ithalat A.S. does not hold it"), "{reasons}");
    assert!(element(&refused.text, "entity-TR").contains("none assigned"));

    // The credential, on the registry page: an unknown requirement is refused; then the TAREKS
    // registration with its evidence file, expiring within the alert window.
    let credentials = format!("/ior-entities/{entity_id}/credentials");
    let expires = from_today(30);
    let wrong = olga
        .upload(
            &credentials,
            &[
                ("_csrf", &token),
                ("requirement", "tr.no-such-rule"),
                ("name", "TAREKS company registration"),
                ("number", "TAREKS-0042"),
                ("issuer", "Ministry of Trade"),
                ("evidence_reference", "https://tareks.ticaret.gov.tr/firm/0042"),
            ],
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.text);
    let errors = element(&wrong.text, &format!("credential-errors-{entity_id}"));
    assert!(errors.contains("The credential was not added"));
    assert!(
        wrong
            .text
            .contains("<code>requirement</code>: `tr.no-such-rule` is not a requirement of TR")
    );
    assert!(wrong.text.contains(r#"value="TAREKS-0042""#), "the input is kept");
    // The form offers the market's importer registrations as a choice; an approval for goods
    // (a shipment-scope rule) is refused with where it belongs.
    let select = wrong.text.find(&format!(r#"id="r-{entity_id}""#)).unwrap();
    let choice = &wrong.text[select..select + wrong.text[select..].find("</select>").unwrap()];
    assert!(choice.contains(r#"<option value="tr.tareks-company""#), "{choice}");
    assert!(choice.contains(r#"<option value="tr.sshyb""#), "{choice}");
    assert!(!choice.contains("tr.tareks-radio"), "not an entity's registration: {choice}");
    let approval = olga
        .upload(
            &credentials,
            &[
                ("_csrf", &token),
                ("requirement", "tr.tareks-radio"),
                ("name", "TAREKS radio"),
                ("number", "R-1"),
                ("issuer", "Ministry of Trade"),
                ("evidence_reference", "https://tareks.ticaret.gov.tr/firm/0042"),
            ],
            &[],
        )
        .await;
    assert_eq!(approval.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", approval.text);
    assert!(
        approval.text.contains("recorded on a program&#39;s position")
            || approval.text.contains("recorded on a program's position"),
        "{}",
        element(&approval.text, &format!("credential-errors-{entity_id}"))
    );
    let added = olga
        .upload(
            &credentials,
            &[
                ("_csrf", &token),
                ("requirement", "tr.tareks-company"),
                ("name", "TAREKS company registration"),
                ("number", "TAREKS-0042"),
                ("issuer", "Ministry of Trade"),
                ("evidence_reference", "https://tareks.ticaret.gov.tr/firm/0042"),
                ("valid_from", "2025-01-01"),
                ("expires_on", &expires),
            ],
            &[("evidence_file", "tareks-0042.pdf", b"%PDF-1.4 TAREKS registration")],
        )
        .await;
    assert_eq!(location(&added), format!("/ior-entities#entity-{entity_id}"));
    let registry = olga.get("/ior-entities").await;
    let html = &registry.text;
    assert!(html.contains("<code>tr.tareks-company</code>"));
    assert!(html.contains("file tareks-0042.pdf (28 bytes"), "{html}");
    assert!(html.contains(r#"<span class="verdict v-clearable">valid</span>"#));
    let alerts = &html[html.find(r#"id="expiry-alerts""#).unwrap()..];
    assert!(alerts.contains("TAREKS company registration TAREKS-0042"));
    assert!(alerts.contains(&expires));
    assert!(alerts.contains(r#"<td class="num">30</td>"#), "{alerts}");

    // Now the entity is assigned.
    let assigned =
        olga.post(&assign, &pairs(&[("_csrf", &token), ("entity_id", &entity_id)])).await;
    assert_eq!(location(&assigned), format!("{program_url}#dest-TR"));
    let page = olga.get(&program_url).await;
    assert!(element(&page.text, "entity-TR").contains("Anadolu Ithalat A.S."));
    assert!(!block(&page.text, "missing-TR").contains("no IOR entity is assigned"));

    // The consignee: a VKN has 10 digits.
    let consignee = format!("{program_url}/positions/TR/consignee");
    let wrong = olga
        .post(
            &consignee,
            &pairs(&[
                ("_csrf", &token),
                ("legal_name", "Local Data Centre Ltd"),
                ("tax_id", "12345"),
                ("address", "Maslak, Istanbul"),
            ]),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&wrong.text, "consignee-errors-TR").contains("The consignee was not recorded"));
    assert!(wrong.text.contains(
        "<code>consignee.tax_id</code>: `12345` is not a Turkish tax number (VKN): \
         expected 10 digits"
    ));
    assert!(wrong.text.contains(r#"value="Maslak, Istanbul""#));
    let recorded = olga
        .post(
            &consignee,
            &pairs(&[
                ("_csrf", &token),
                ("legal_name", "Local Data Centre Ltd"),
                ("tax_id", "1234567890"),
                ("address", "Maslak, Istanbul"),
            ]),
        )
        .await;
    location(&recorded);

    // The approvals the page lists: granted without evidence is refused; the TAREKS inspection
    // by the operator with a reference, the used-goods permit by the client's user with a file.
    let approvals = format!("{program_url}/positions/TR/approvals");
    let no_evidence = olga
        .upload(
            &approvals,
            &[
                ("_csrf", &token),
                ("item", "tr.tareks-ce"),
                ("status", "granted"),
                ("reference", "TSE-2026-77"),
            ],
            &[],
        )
        .await;
    assert_eq!(no_evidence.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        element(&no_evidence.text, "approval-errors-TR").contains("The approval was not recorded")
    );
    assert!(
        no_evidence
            .text
            .contains("<code>evidence</code>: give a reference or an uploaded document")
    );
    let granted = olga
        .upload(
            &approvals,
            &[
                ("_csrf", &token),
                ("item", "tr.tareks-ce"),
                ("status", "granted"),
                ("reference", "TSE-2026-77"),
                ("evidence_reference", "TAREKS file 2026/77"),
            ],
            &[("evidence_file", "", b"")],
        )
        .await;
    location(&granted);
    let page = olga.get(&program_url).await;
    assert!(
        element(&page.text, "status-TR").contains("not pre-validated"),
        "the permit is missing"
    );

    let mut lena = Browser { app: &app, jar: Jar::default() };
    assert_eq!(lena.sign_in("lena", password).await.status, StatusCode::SEE_OTHER);
    let seen = lena.get(&program_url).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.text.contains("Assign the IOR entity"), "clients do not assign entities");
    assert!(!seen.text.contains(r#"href="/ior-entities""#));
    let lena_token = csrf(&seen.text);
    let permit = lena
        .upload(
            &approvals,
            &[
                ("_csrf", &lena_token),
                ("item", "tr.used-permit"),
                ("status", "granted"),
                ("reference", "MoT-USED-2026-19"),
                ("evidence_reference", "Ministry of Trade letter 19"),
            ],
            &[("evidence_file", "used-permit.pdf", b"%PDF-1.4 permit")],
        )
        .await;
    location(&permit);

    // Pre-validated.
    let page = olga.get(&program_url).await;
    let html = &page.text;
    assert!(
        element(html, "status-TR").contains(">pre-validated"),
        "{}",
        element(html, "status-TR")
    );
    assert!(html.contains("The import position in TR is pre-validated: cargo may move."));
    assert!(!html.contains(r#"id="missing-TR""#));
    assert!(element(html, "total-prevalidated").contains("1 of 2"));
    assert!(html.contains("file used-permit.pdf"));
    assert!(html.contains("granted: TSE-2026-77"));
    assert!(html.contains("Local Data Centre Ltd, tax id 1234567890"));

    // The consignment, walked on its page.
    let page = olga.get(&consignment_url).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.text;
    assert!(element(html, "state").contains("Draft"));
    assert!(html.contains(r#"href="/assessments/"#) && html.contains("Clearable with conditions"));
    assert!(html.contains(r#"<option value="pre_qualified""#), "the next states are offered");
    let transitions = format!("{consignment_url}/transitions");
    // The time is a date-time control with a time zone: a time that is no date, or one in the
    // future, is refused on the form in its words, what was typed kept.
    assert!(
        html.contains(r#"type="datetime-local""#) && html.contains(r#"<option value="+05:30""#)
    );
    let not_a_time = olga
        .post(
            &transitions,
            &pairs(&[
                ("_csrf", &token),
                ("to", "pre_qualified"),
                ("at_local", "2026-13-40T10:00"),
                ("at_offset", "+05:30"),
            ]),
        )
        .await;
    assert_eq!(not_a_time.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_a_time.text);
    assert!(not_a_time.text.contains("<code>When</code>: `2026-13-40T10:00` is not a date"));
    assert!(not_a_time.text.contains(r#"value="2026-13-40T10:00""#), "what was typed is kept");
    assert!(not_a_time.text.contains(r#"<option value="+05:30" selected>"#), "the zone is kept");
    let future = olga
        .post(
            &transitions,
            &pairs(&[
                ("_csrf", &token),
                ("to", "pre_qualified"),
                ("at_local", "2099-01-01T09:00"),
                ("at_offset", "+01:00"),
            ]),
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", future.text);
    assert!(
        future.text.contains("<code>When</code>: must not be in the future"),
        "{}",
        future.text
    );
    let skip = olga.post(&transitions, &pairs(&[("_csrf", &token), ("to", "delivered")])).await;
    assert_eq!(skip.status, StatusCode::CONFLICT);
    assert!(skip.text.contains("a consignment cannot go from draft to delivered"));
    for (to, label) in [
        ("pre_qualified", "Pre-qualified"),
        ("ready", "Ready"),
        ("released_at_origin", "Released at origin"),
        ("in_transit", "In transit"),
        ("arrived", "Arrived"),
        ("under_clearance", "Under clearance"),
    ] {
        let moved = olga
            .post(
                &transitions,
                &pairs(&[("_csrf", &token), ("to", to), ("note", &format!("to {to}"))]),
            )
            .await;
        assert_eq!(location(&moved), consignment_url);
        let page = olga.get(&consignment_url).await;
        assert!(
            element(&page.text, "state").contains(label),
            "{to}: {}",
            element(&page.text, "state")
        );
    }
    let page = olga.get(&consignment_url).await;
    assert!(
        element(&page.text, "clock").contains("running")
            || element(&page.text, "clock").contains("at risk")
    );
    let refused = olga
        .post(&transitions, &pairs(&[("_csrf", &token), ("to", "cleared"), ("note", "released")]))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let errors = element(&refused.text, "transition-errors");
    assert!(errors.contains("The transition was refused; nothing changed"));
    assert!(refused.text.contains(
        "a consignment cannot be cleared without the customs declaration reference \
         (declaration_reference)"
    ));
    assert!(element(&refused.text, "state").contains("Under clearance"), "nothing changed");
    assert!(refused.text.contains(r#"value="released""#), "the input is kept");
    let cleared = olga
        .post(
            &transitions,
            &pairs(&[
                ("_csrf", &token),
                ("to", "cleared"),
                ("declaration_reference", "26341300IM000123"),
            ]),
        )
        .await;
    location(&cleared);
    let delivered =
        olga.post(&transitions, &pairs(&[("_csrf", &token), ("to", "delivered")])).await;
    location(&delivered);
    let page = olga.get(&consignment_url).await;
    let html = &page.text;
    assert!(element(html, "state").contains("Delivered"));
    assert!(element(html, "declaration").contains("26341300IM000123"));
    assert!(element(html, "clock").contains("met"));
    assert!(html.contains("Under clearance → Cleared"));
    assert!(html.contains("(created) → Draft"));
    assert!(html.contains("user:olga"));
    assert!(html.contains("to in_transit"));
    let program = olga.get(&program_url).await;
    assert!(program.text.contains("Delivered: 1"), "{}", element(&program.text, "totals"));

    // The audit log lists the transitions, in the client's chain.
    let audit = olga.get(&format!("/audit?org={}", nordwind.id)).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_eq!(audit.text.matches("consignment.transition").count(), 8, "{}", audit.text);
    for action in [
        "consignment.created",
        "position.entity_assigned",
        "position.consignee_recorded",
        "position.approval_recorded",
        "program.created",
    ] {
        assert!(audit.text.contains(action), "the audit log lacks {action}");
    }

    // The client's user: the program, yes; the registry and transitions, no.
    let seen = lena.get(&program_url).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.text.contains("REFRESH-2026") && seen.text.contains(">pre-validated"));
    let registry = lena.get("/ior-entities").await;
    assert_eq!(registry.status, StatusCode::FORBIDDEN);
    assert!(registry.text.contains("may not list the IOR entity registry"), "{}", registry.text);
    let page = lena.get(&consignment_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("Move the consignment"));
    let denied = lena.post(&transitions, &pairs(&[("_csrf", &lena_token), ("to", "closed")])).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.text.contains("may not move consignments"));
    assert!(element(&olga.get(&consignment_url).await.text, "state").contains("Delivered"));
    let forged = olga.post(&transitions, &pairs(&[("_csrf", "00"), ("to", "closed")])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "a form without the session's token");

    // Consignments from stored assessments: the client's shipments assessed through the API,
    // one added from its report, two at once from the program page; a repeat is refused by
    // name; through the API, by `assessment_id`.
    let (_, key) = ops::create_key(
        &store,
        &Actor("shell:test".into()),
        nordwind,
        Role::ClientSubmitter,
        "k",
        2,
    )
    .await
    .unwrap();
    let auth = format!("Bearer {key}");
    let mut assessed = Vec::new();
    for reference in ["C-REPORT", "C-BULK-1", "C-BULK-2", "C-API"] {
        let mut request: serde_json::Value = serde_json::from_str(REFURBISHED).unwrap();
        request["reference"] = serde_json::json!(reference);
        let reply = common::call_bytes(
            &app,
            "POST",
            "/api/v1/assessments?as_of=2026-11-21",
            &[("authorization", &auth)],
            Some(("application/json", request.to_string().into_bytes())),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assessed.push(reply.json()["id"].as_str().unwrap().to_owned());
    }
    let program_id = program_url.rsplit('/').next().unwrap().to_owned();
    let report = lena.get(&format!("/assessments/{}", assessed[0])).await;
    assert!(report.text.contains(r#"id="to-program""#), "the report offers the program");
    assert!(report.text.contains(&format!(r#"<option value="{program_id}">"#)));
    let added = lena
        .post(
            &format!("/assessments/{}/consignment", assessed[0]),
            &pairs(&[("_csrf", &lena_token), ("program", &program_id)]),
        )
        .await;
    let from_report = location(&added);
    assert!(from_report.starts_with("/consignments/"), "{from_report}");
    assert!(lena.get(&from_report).await.text.contains("C-REPORT"));
    let page = lena.get(&program_url).await;
    let candidates = element(&page.text, "candidate-list");
    assert!(!page.text.contains(&format!(r#"value="{}""#, assessed[0])), "already a consignment");
    assert!(page.text.contains(&format!(r#"value="{}""#, assessed[1])), "{candidates}");
    let bulk = lena
        .post(
            &format!("{program_url}/consignments/from-assessments"),
            &pairs(&[
                ("_csrf", &lena_token),
                ("assessment", &assessed[1]),
                ("assessment", &assessed[2]),
            ]),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text);
    assert!(element(&bulk.text, "bulk-notice").contains("2 consignments added."));
    let again = lena
        .post(
            &format!("{program_url}/consignments/from-assessments"),
            &pairs(&[("_csrf", &lena_token), ("assessment", &assessed[1])]),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("already has a consignment `C-BULK-1`"), "{}", again.text);
    let by_api = common::call_bytes(
        &app,
        "POST",
        &format!("/api/v1/programs/{program_id}/consignments"),
        &[("authorization", &auth)],
        Some((
            "application/json",
            serde_json::json!({ "assessment_id": assessed[3] }).to_string().into_bytes(),
        )),
    )
    .await;
    assert_eq!(by_api.status, StatusCode::CREATED, "{}", by_api.text);
    assert_eq!(by_api.json()["reference"], "C-API");
    let both = common::call_bytes(
        &app,
        "POST",
        &format!("/api/v1/programs/{program_id}/consignments"),
        &[("authorization", &auth)],
        Some((
            "application/json",
            serde_json::json!({ "assessment_id": assessed[3], "request": {} })
                .to_string()
                .into_bytes(),
        )),
    )
    .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", both.text);
    // Another client's assessment does not join this client's program, even for an operator.
    let (_, other_key) =
        ops::create_key(&store, &shell, &setup.other, Role::ClientSubmitter, "o", 2).await.unwrap();
    let mut request: serde_json::Value = serde_json::from_str(REFURBISHED).unwrap();
    request["reference"] = serde_json::json!("OTHER-1");
    let theirs = common::call_bytes(
        &app,
        "POST",
        "/api/v1/assessments?as_of=2026-11-21",
        &[("authorization", &format!("Bearer {other_key}"))],
        Some(("application/json", request.to_string().into_bytes())),
    )
    .await
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, operator_key) =
        ops::create_key(&store, &shell, provider, Role::Operator, "op", 2).await.unwrap();
    let mixed = common::call_bytes(
        &app,
        "POST",
        &format!("/api/v1/programs/{program_id}/consignments"),
        &[("authorization", &format!("Bearer {operator_key}"))],
        Some((
            "application/json",
            serde_json::json!({ "assessment_id": theirs }).to_string().into_bytes(),
        )),
    )
    .await;
    assert_eq!(mixed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", mixed.text);
    assert!(mixed.text.contains("of another organisation"), "{}", mixed.text);

    // An operator moves several consignments at once: each is checked on its own, the two
    // drafts move, the delivered one is refused by name.
    let page = olga.get(&program_url).await;
    let id_of = |html: &str, reference: &str| -> String {
        let end = html.find(&format!("\">{reference}</a>")).unwrap();
        let start = html[..end].rfind("/consignments/").unwrap() + "/consignments/".len();
        html[start..end].to_owned()
    };
    let (bulk_1, bulk_2) = (id_of(&page.text, "C-BULK-1"), id_of(&page.text, "C-BULK-2"));
    let delivered = consignment_url.rsplit('/').next().unwrap().to_owned();
    let moved = olga
        .post(
            &format!("{program_url}/consignments/transitions"),
            &pairs(&[
                ("_csrf", &token),
                ("to", "pre_qualified"),
                ("consignment", &bulk_1),
                ("consignment", &bulk_2),
                ("consignment", &delivered),
            ]),
        )
        .await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", moved.text);
    assert!(element(&moved.text, "bulk-notice").contains("2 consignments moved."));
    assert!(
        moved.text.contains("SHAPE-REFURBISHED-SERVER: a consignment cannot go from delivered"),
        "{}",
        moved.text
    );
    assert!(lena.get(&format!("/consignments/{bulk_1}")).await.text.contains("Pre-qualified"));
    let not_mine = olga
        .post(
            &format!("{program_url}/consignments/transitions"),
            &pairs(&[("_csrf", &token), ("to", "ready"), ("consignment", "not-an-id")]),
        )
        .await;
    assert!(not_mine.text.contains("`not-an-id` is not a consignment of this program"));
    // A client's user sees no boxes to move consignments with.
    assert!(!lena.get(&program_url).await.text.contains(r#"id="bulk-move""#));

    // The rollout view downloads as CSV (a row per destination) and XLSX.
    let csv = lena.get(&format!("{program_url}/export/rollout.csv")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("Destination,Window start,Window end,IOR entity,Pre-validated"));
    assert_eq!(lines.len(), 3, "a header and TR, BR: {}", csv.text);
    assert!(
        lines.iter().any(|l| l.starts_with("TR,2027-01-01,2027-03-31,") && l.contains(",yes,")),
        "{}",
        csv.text
    );
    let xlsx = lena.get(&format!("{program_url}/export/rollout.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let workbook = preclear_import::read_workbook(
        "rollout.xlsx",
        &xlsx.bytes,
        &preclear_import::Limits::default(),
    )
    .unwrap();
    let cells = format!("{:?}", workbook.sheets[0].rows);
    assert!(
        cells.contains("Rollout of program REFRESH-2026") && cells.contains("\"BR\""),
        "{cells}"
    );
    assert_eq!(
        lena.get(&format!("{program_url}/export/rollout.pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    // Another client sees nothing of it.
    let mut otto = Browser { app: &app, jar: Jar::default() };
    assert_eq!(otto.sign_in("otto", password).await.status, StatusCode::SEE_OTHER);
    assert_eq!(otto.get(&program_url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(otto.get(&consignment_url).await.status, StatusCode::NOT_FOUND);
    assert!(otto.get("/programs").await.text.contains("No programs yet."));

    let report = store.verify_audit(System::Audit).await.unwrap();
    assert!(report.ok(), "{report:?}");
}

#[tokio::test]
async fn programs_story_on_sqlite() {
    programs_story(sqlite_url("programs-web")).await;
}

#[tokio::test]
async fn programs_story_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!(
            "PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL programs story is skipped"
        );
        return;
    };
    programs_story(postgres_url(&base, "programs_web").await).await;
}
