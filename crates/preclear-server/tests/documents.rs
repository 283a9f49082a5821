//! Documents over HTTP, on SQLite always and on PostgreSQL when `PRECLEAR_TEST_DATABASE_URL` is
//! set. The issue's story: a client uploads a spreadsheet packing list in the web application,
//! confirms the columns and supplies what the sheet lacks, gets an assessment, downloads the
//! commercial invoice, packing list and specification list, and the audit catches a planted
//! inconsistency and an omitted radio module. Then the same through the API, with bad input:
//! a corrupt workbook, a password-protected one, a body over the limit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;
#[path = "support/sheets.rs"]
mod sheets;

use axum::http::StatusCode;
use common::{attached_docs, call_bytes, call_with, multipart_body, postgres_url, sqlite_url};
use preclear_server::ops::{self, Actor};
use preclear_store::Role;
use preclear_store::System;
use session::{Browser, Jar, csrf, hidden, pairs};

async fn documents_story(url: String) {
    let setup = common::TwoClients::open(url).await;
    let (store, first, provider, nordwind) =
        (setup.store.clone(), &setup.first, &setup.provider, &setup.nordwind);
    let shell = Actor("shell:test".into());
    let password = common::PASSWORD;
    let app = setup.app();

    // The web application: upload the spreadsheet on the new-assessment page.
    let mut lena = Browser { app: &app, jar: Jar::default() };
    assert_eq!(lena.sign_in("lena", password).await.status, StatusCode::SEE_OTHER);
    let page = lena.get("/assessments/new").await;
    let token = csrf(&page.text);
    let sheet = sheets::packing_list();
    let import = lena
        .upload(
            "/assessments/upload",
            &[("_csrf", &token), ("as_of", "2026-11-21")],
            &[("file", "lista-de-empaque.xlsx", &sheet)],
        )
        .await;
    assert_eq!(import.status, StatusCode::OK, "{}", import.text);
    let html = &import.text;
    assert!(
        html.contains("Sheet <strong>Lista de empaque</strong>, header on row 10, 2 lines"),
        "the two serial rows make one line"
    );
    assert!(
        html.contains(r#"<option value="quantity" selected>"#),
        "Cantidad is read as the quantity"
    );
    assert!(html.contains("does not make a valid shipment request yet"));
    assert!(html.contains("--client-country") || html.contains("client.country"), "{html}");
    let stored_count = store
        .assessments(
            preclear_store::Visibility::Provider(provider.id),
            &preclear_store::AssessmentFilter { limit: 200, ..Default::default() },
        )
        .await
        .unwrap()
        .len();

    // Confirm the mapping, supply what the sheet lacks, assess.
    let mut form: Vec<(String, String)> = Vec::new();
    for name in ["_csrf", "file_name", "file_b64", "org", "as_of", "sheet"] {
        form.push((name.to_owned(), hidden(html, name)));
    }
    for (letter, field) in [
        ("A", "description"),
        ("B", "manufacturer"),
        ("C", "model"),
        ("D", "hs_code"),
        ("E", "country_of_origin"),
        ("F", "condition"),
        ("G", "quantity"),
        ("H", "unit_value"),
        ("I", "line_weight"),
        ("J", "serial"),
    ] {
        form.push((format!("map_{letter}"), field.to_owned()));
    }
    form.extend(pairs(&[
        ("header_row", "10"),
        ("client_country", "DE"),
        ("local_entity_in_destination", "false"),
        ("transport_mode", "air"),
        ("purpose", "business_use"),
        ("action", "assess"),
    ]));
    let assessed = lena.post("/assessments/import", &form).await;
    assert_eq!(assessed.status, StatusCode::SEE_OTHER, "{}", assessed.text);
    let report_url = assessed.headers["location"].to_str().unwrap().to_owned();
    let report = lena.get(&report_url).await;
    assert!(report.text.contains("PL-2026-88"));
    assert!(report.text.contains("Generated documents"));

    // Download the commercial invoice, packing list and specification list as PDF.
    let mut pdfs = Vec::new();
    for slug in ["commercial-invoice", "packing-list", "specification-list"] {
        let pdf = lena.get(&format!("{report_url}/documents/{slug}.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK, "{slug}: {}", pdf.text);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(
            pdf.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("{slug}-PL-2026-88.pdf"))
        );
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        pdfs.push((format!("{slug}.pdf"), pdf.bytes));
    }
    let docs = attached_docs(&pdfs[0].1);
    assert_eq!(
        docs["importer"]["name"],
        first.org.as_str(),
        "the provider is named as importer of record"
    );
    assert_eq!(docs["lines"][0]["serials"], serde_json::json!(["SRV-001", "SRV-002"]));
    assert_eq!(docs["totals"]["goods_value"], "22001.00", "2 × 9800.00 + 2 × 1200.50");
    let xlsx = lena.get(&format!("{report_url}/documents/packing-list.xlsx")).await;
    assert!(xlsx.bytes.starts_with(b"PK\x03\x04"));
    assert_eq!(
        lena.get(&format!("{report_url}/documents/power-of-attorney.xlsx")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        lena.get(&format!("{report_url}/documents/nonsense.pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    // Another client cannot download them.
    let mut otto = Browser { app: &app, jar: Jar::default() };
    otto.sign_in("otto", password).await;
    assert_eq!(
        otto.get(&format!("{report_url}/documents/commercial-invoice.pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    // The audit: the generated invoice with a packing list whose quantity was changed, and the
    // intermediary's specification list with an LTE module the invoice omits.
    let page = lena.get("/documents/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = csrf(&page.text);
    let planted = sheets::planted_packing_list();
    let spec = sheets::specification_list_with_modem();
    let audited = lena
        .upload(
            "/documents/audit",
            &[("_csrf", &token)],
            &[
                ("file", "commercial-invoice.pdf", &pdfs[0].1),
                ("file", "packing-list.xlsx", &planted),
                ("file", "spec-list.xlsx", &spec),
            ],
        )
        .await;
    assert_eq!(audited.status, StatusCode::OK, "{}", audited.text);
    assert!(audited.text.contains("Blocked: correct the documents"));
    assert!(audited.text.contains("docs.quantity_mismatch"), "the planted quantity is caught");
    assert!(
        audited.text.contains("quantity 2 on commercial-invoice.pdf but 3 on packing-list.xlsx")
    );
    assert!(
        audited.text.contains("docs.spec_component_undeclared")
            && audited.text.contains("NIM-LTEA-EA"),
        "the omitted radio module is caught"
    );
    // Spreadsheets alone, with what they do not say given in the form: the destination's
    // required documents are checked too.
    let invoice = sheets::invoice();
    let from_sheets = lena
        .upload(
            "/documents/audit",
            &[
                ("_csrf", &token),
                ("client_name", "Nordwind Systems GmbH"),
                ("client_country", "DE"),
                ("local_entity_in_destination", "false"),
                ("transport_mode", "air"),
                ("incoterm", "DDP"),
                ("purpose", "business_use"),
            ],
            &[("file", "invoice.xlsx", &invoice), ("file", "spec-list.xlsx", &spec)],
        )
        .await;
    assert_eq!(from_sheets.status, StatusCode::OK, "{}", from_sheets.text);
    assert!(from_sheets.text.contains("Required documents checked for TR"), "{}", from_sheets.text);
    assert!(from_sheets.text.contains("docs.required_missing"), "the packing list is missing");
    let forged =
        lena.upload("/documents/audit", &[("_csrf", "00")], &[("file", "x.csv", b"a,b\n")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The API: import, import and assess, documents, audit; bad input.
    let (_, key) =
        ops::create_key(&store, &shell, nordwind, Role::ClientSubmitter, "docs", 2).await.unwrap();
    let auth = format!("Bearer {key}");
    let headers = [("authorization", auth.as_str())];
    let query = "file_name=lista.xlsx&client_country=DE&local_entity_in_destination=false&transport_mode=air&purpose=business_use";
    let read = call_bytes(
        &app,
        "POST",
        &format!("/api/v1/imports?{query}"),
        &headers,
        Some(("application/octet-stream", sheet.clone())),
    )
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let answer = read.json();
    assert_eq!(answer["valid"], true, "{answer:#}");
    assert_eq!(answer["request"]["items"][0]["quantity"], 2);
    assert_eq!(answer["request"]["items"][1]["unit_value"], "1200.50");
    let partial = call_bytes(
        &app,
        "POST",
        "/api/v1/imports?file_name=lista.xlsx",
        &headers,
        Some(("application/octet-stream", sheet.clone())),
    )
    .await;
    assert_eq!(partial.status, StatusCode::OK);
    let answer = partial.json();
    assert_eq!(answer["valid"], false);
    assert!(
        answer["problems"].as_array().unwrap().iter().any(|p| p["message"]
            .as_str()
            .unwrap()
            .contains("give the parameter `client_country`")),
        "{answer:#}"
    );
    let created = call_bytes(
        &app,
        "POST",
        &format!("/api/v1/imports?{query}&assess=true&as_of=2026-11-21"),
        &headers,
        Some(("application/octet-stream", sheet.clone())),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["assessment_id"].as_str().unwrap().to_owned();
    let list = call_with(
        &app,
        "GET",
        &format!("/api/v1/assessments/{id}/documents/specification-list.pdf"),
        &headers,
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(attached_docs(&list.bytes)["reference"], "PL-2026-88");
    let corrupt = call_bytes(
        &app,
        "POST",
        "/api/v1/imports?file_name=broken.xlsx",
        &headers,
        Some(("application/octet-stream", sheet[..sheet.len() / 2].to_vec())),
    )
    .await;
    assert_eq!(corrupt.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(corrupt.text.contains("file"), "{}", corrupt.text);
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(4096, 0);
    let locked = call_bytes(
        &app,
        "POST",
        "/api/v1/imports?file_name=locked.xlsx",
        &headers,
        Some(("application/octet-stream", encrypted)),
    )
    .await;
    assert_eq!(locked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(locked.text.contains("password"), "{}", locked.text);
    // The test service's body limit is 1 MiB.
    let huge = call_bytes(
        &app,
        "POST",
        "/api/v1/imports?file_name=huge.csv",
        &headers,
        Some(("text/csv", vec![b'a'; 2 * 1024 * 1024])),
    )
    .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", huge.text);
    let (content_type, body) = multipart_body(
        &[],
        &[("file", "commercial-invoice.pdf", &pdfs[0].1), ("file", "spec-list.xlsx", &spec)],
    );
    let report =
        call_bytes(&app, "POST", "/api/v1/document-audits", &headers, Some((&content_type, body)))
            .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let report = report.json();
    assert_eq!(report["outcome"], "blocked");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "docs.spec_component_undeclared" && f["severity"] == "blocker")
    );
    let (content_type, body) = multipart_body(&[], &[]);
    let empty =
        call_bytes(&app, "POST", "/api/v1/document-audits", &headers, Some((&content_type, body)))
            .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Nothing half-written: the failed imports stored nothing; the two assessments are there.
    let stored = store
        .assessments(
            preclear_store::Visibility::Provider(provider.id),
            &preclear_store::AssessmentFilter { limit: 200, ..Default::default() },
        )
        .await
        .unwrap()
        .len();
    assert_eq!(stored, stored_count + 2);
    assert!(store.verify_audit(System::Audit).await.unwrap().ok());
}

#[tokio::test]
async fn documents_story_on_sqlite() {
    documents_story(sqlite_url("documents")).await;
}

#[tokio::test]
async fn documents_story_on_postgres() {
    let Ok(base) = std::env::var("PRECLEAR_TEST_DATABASE_URL") else {
        eprintln!(
            "PRECLEAR_TEST_DATABASE_URL is not set: the PostgreSQL documents story is skipped"
        );
        return;
    };
    documents_story(postgres_url(&base, "documents").await).await;
}
