//! End-to-end tests in a real browser: headless Chromium driven through chromedriver
//! (`support/webdriver.rs`) against `preclear serve`'s application on a local port. A client
//! user signs in, fails a validation, enters the PRODUCT.md example in the form and reads the
//! report (also at phone width, and by keyboard); another client cannot open it; the
//! provider's admin sees the dashboard, the KB, the audit log and the API keys. Each page is
//! saved as a screenshot under `test-output/browser/`.
//!
//! Skipped with a message when Chromium is not installed, unless `PRECLEAR_REQUIRE_BROWSER=1`
//! (CI sets it, and installs Chromium).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/sheets.rs"]
mod sheets;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::time::Duration;

use webdriver::{Browser, keys, screenshot_dir};

use common::PASSWORD;
const WAIT: Duration = Duration::from_secs(10);

/// Starts the application on a free local port; returns its base URL and the admin's password.
async fn start() -> (String, String) {
    let setup = common::TwoClients::open(common::sqlite_url("browser")).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = setup.app();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, setup.first.password)
}

async fn shot(browser: &Browser, name: &str) {
    let png = browser.screenshot(screenshot_dir().join(format!("{name}.png"))).await;
    assert!(png.len() > 5_000, "screenshot {name} is suspiciously small");
}

/// Sets a text control's value by typing it.
async fn type_into(browser: &Browser, id: &str, text: &str) {
    let input = browser.find(&format!("#{id}")).await;
    input.clear().await;
    if !text.is_empty() {
        input.send_keys(text).await;
    }
}

async fn sign_in(browser: &Browser, base: &str, user: &str, password: &str) {
    browser.goto(&format!("{base}/sign-in")).await;
    type_into(browser, "username", user).await;
    type_into(browser, "password", password).await;
    browser.find("form button[type=submit]").await.click().await;
    browser.wait_for("header.top", WAIT).await;
}

async fn sign_out(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/")).await;
    browser.wait_for("header.top", WAIT).await;
    browser.find("form[action='/sign-out'] button").await.click().await;
    browser.wait_for("#username", WAIT).await;
}

/// Fills the form with the PRODUCT.md example, field by field, as a person would.
async fn enter_example(browser: &Browser) {
    for (id, text) in [
        ("f-reference", "RF-2026-014"),
        ("f-origin", "NL"),
        ("f-destination", "TR"),
        ("f-currency", "EUR"),
        ("f-freight", "1850.00"),
        ("f-insurance", "95.00"),
        ("f-client-name", "Nordwind Systems GmbH"),
        ("f-client-country", "DE"),
        ("f-consignee-name", "Anadolu Veri Merkezi A.S."),
        ("f-consignee-country", "TR"),
        ("f-consignee-address", "Istanbul"),
        ("f-end_user-name", "Anadolu Veri Merkezi A.S."),
        ("f-end_user-country", "TR"),
        ("f-items-0-description", "1U rack server, 2x Xeon Gold 6430, 512 GB RAM, dual 800 W PSU"),
        ("f-items-0-hs_code", "847150"),
        ("f-items-0-manufacturer", "Dell"),
        ("f-items-0-model", "PowerEdge R660"),
        ("f-items-0-country_of_origin", "CN"),
        ("f-items-0-quantity", "10"),
        ("f-items-0-unit_value", "9800.00"),
        ("f-items-0-unit_weight_kg", "18.2"),
        ("f-items-0-eccn", "5A992.c"),
    ] {
        type_into(browser, id, text).await;
    }
    for (id, value) in [
        ("f-transport_mode", "air"),
        ("f-incoterm", "DDP"),
        ("f-purpose", "business_use"),
        ("f-client-local_entity_in_destination", "false"),
        ("f-items-0-category", "server"),
        ("f-items-0-condition", "new"),
        ("f-items-0-encryption", "mass_market"),
    ] {
        browser.find(&format!("#{id}")).await.select_by_value(value).await;
    }
    let no_radio = browser.find("input[name='items[0].radio'][value='none']").await;
    if !no_radio.is_selected().await {
        no_radio.click().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_enters_a_shipment_and_reads_its_report() {
    let Some(browser) = Browser::launch("a_client_enters_a_shipment_and_reads_its_report").await
    else {
        return;
    };
    let (base, admin_password) = start().await;

    // A page asked for before signing in leads to the sign-in page, then back.
    browser.goto(&format!("{base}/assessments/new")).await;
    browser.wait_for("#username", WAIT).await;
    shot(&browser, "01-sign-in").await;
    type_into(&browser, "username", "lena").await;
    type_into(&browser, "password", "wrong password!").await;
    browser.find("form button[type=submit]").await.click().await;
    let error = browser.wait_for("#signin-error", WAIT).await;
    assert!(error.text().await.contains("not correct"));
    type_into(&browser, "password", PASSWORD).await;
    browser.find("form button[type=submit]").await.click().await;
    browser.wait_for("#shipment-form", WAIT).await;
    assert!(browser.current_url().await.ends_with("/assessments/new"));

    // A failed validation: the summary takes focus and each problem sits by its field.
    type_into(&browser, "f-reference", "RF-2026-014").await;
    type_into(&browser, "f-origin", "NL").await;
    type_into(&browser, "f-items-0-quantity", "ten").await;
    browser.find("#assess").await.click().await;
    let summary = browser.wait_for("#error-summary", WAIT).await;
    assert!(summary.text().await.contains("problems"));
    let active = browser.active_element().await;
    assert_eq!(active.attr("id").await.as_deref(), Some("error-summary"), "focus on the summary");
    let destination_error = browser.find("#f-destination-error").await;
    assert!(destination_error.is_displayed().await);
    assert!(browser.find("#f-items-0-quantity-error").await.text().await.contains("whole number"));
    assert_eq!(
        browser.find("#f-destination").await.attr("aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        browser.find("#f-reference").await.property("value").await.unwrap(),
        "RF-2026-014",
        "what was entered is kept"
    );
    shot(&browser, "02-validation-errors").await;

    // The example entered in the form.
    enter_example(&browser).await;
    shot(&browser, "03-form-filled").await;
    browser.find("#assess").await.click().await;
    let verdict = browser.wait_for(".verdict-banner h1", WAIT).await;
    assert_eq!(verdict.text().await, "Clearable with conditions");
    let report_url = browser.current_url().await;
    assert_eq!(browser.find("#earliest-ship-date").await.text().await.len(), 10);
    let page = browser.page_source().await;
    for expected in
        ["What must happen first", "Ministry of Trade", "Landed cost (EUR)", "Documents checklist"]
    {
        assert!(page.contains(expected), "the report lacks {expected:?}");
    }
    assert!(browser.find_all("svg.chart").await.len() >= 2, "cost and timeline charts");
    browser.set_window_size(1280, 3200).await;
    shot(&browser, "04-report").await;

    // From the report, the same goods compared with two other destinations.
    browser.find("#f-compare_with").await.send_keys("BR, IN").await;
    browser.find("form[action$='/compare'] button[type=submit]").await.click().await;
    browser.wait_for("#comparison", WAIT).await;
    let rows = browser.find_all("#comparison tbody tr").await;
    assert_eq!(rows.len(), 3, "TR and the two asked");
    assert!(rows[0].text().await.starts_with("Türkiye"), "the report's own destination first");
    shot(&browser, "04b-comparison").await;
    browser.goto(&report_url).await;
    browser.wait_for(".verdict-banner h1", WAIT).await;

    // At phone width the report fits the screen: nothing scrolls sideways but tables.
    browser.set_window_size(390, 844).await;
    let overflow = browser
        .execute("return document.documentElement.scrollWidth - window.innerWidth;", &[])
        .await;
    assert!(overflow.as_i64().unwrap() <= 0, "the page is wider than the phone: {overflow}");
    shot(&browser, "05-report-phone").await;
    browser.set_window_size(1280, 1000).await;

    // The keyboard reaches the skip link first, and it leads to the content.
    browser.goto(&format!("{base}/")).await;
    browser.wait_for("main", WAIT).await;
    browser.send_keys_to_active(keys::TAB).await;
    assert_eq!(browser.active_element().await.text().await, "Skip to content");
    shot(&browser, "06-dashboard-client").await;
    sign_out(&browser, &base).await;

    // Another client cannot open the report.
    sign_in(&browser, &base, "otto", PASSWORD).await;
    browser.goto(&report_url).await;
    let title = browser.wait_for("h1", WAIT).await;
    assert_eq!(title.text().await, "Not found");
    shot(&browser, "07-other-client-not-found").await;
    sign_out(&browser, &base).await;

    // The provider's admin: dashboard by client, KB, audit log, API keys.
    sign_in(&browser, &base, "admin", &admin_password).await;
    browser.set_window_size(1280, 1600).await;
    assert!(browser.page_source().await.contains("By client"));
    shot(&browser, "08-dashboard-operator").await;
    for (path, name, heading) in [
        ("/kb", "09-knowledge-base", "Knowledge base"),
        ("/kb/TR", "10-kb-market", "Türkiye (TR)"),
        ("/audit", "11-audit-log", "Audit log"),
        ("/admin/keys", "12-api-keys", "API keys"),
        ("/hs?q=portable+data", "13-hs-lookup", "HS code lookup"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        assert_eq!(browser.wait_for("main h1", WAIT).await.text().await, heading, "{path}");
        shot(&browser, name).await;
    }
    browser.quit().await;
}

/// The story in a real browser: a client uploads a spreadsheet packing list, confirms
/// the columns and supplies what the sheet lacks, gets an assessment with its documents, and the
/// document audit catches a planted quantity and an omitted LTE module.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_imports_a_packing_list_and_audits_its_documents() {
    let Some(browser) =
        Browser::launch("a_client_imports_a_packing_list_and_audits_its_documents").await
    else {
        return;
    };
    let (base, _) = start().await;
    let dir = screenshot_dir().join("fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.canonicalize().unwrap().display().to_string()
    };
    let packing = write("lista-de-empaque.xlsx", sheets::packing_list());
    let invoice = write("invoice.xlsx", sheets::invoice());
    let planted = write("packing-list.xlsx", sheets::planted_packing_list());
    let spec = write("spec-list.xlsx", sheets::specification_list_with_modem());

    sign_in(&browser, &base, "lena", PASSWORD).await;
    browser.set_window_size(1280, 1600).await;
    browser.goto(&format!("{base}/assessments/new")).await;
    browser.wait_for("#u-file", WAIT).await.send_keys(&packing).await;
    type_into(&browser, "u-as_of", "").await;
    browser.find("form[action='/assessments/upload'] button[type=submit]").await.click().await;
    browser.wait_for("#import-form", WAIT).await;
    assert!(
        browser
            .find("#import-status")
            .await
            .text()
            .await
            .contains("not make a valid shipment request yet")
    );
    assert_eq!(
        browser.find("#map_G").await.property("value").await.unwrap(),
        "quantity",
        "Cantidad is the quantity"
    );
    // What the sheet lacks is asked for in the page's words, never as a shell flag.
    let problems = browser.find("#import-problems").await.text().await;
    assert!(problems.contains("fill in “Client country”"), "{problems}");
    assert!(!problems.contains("--"), "{problems}");
    shot(&browser, "14-import-mapping").await;

    type_into(&browser, "d-client_country", "DE").await;
    for (id, value) in [
        ("d-local_entity_in_destination", "false"),
        ("d-transport_mode", "air"),
        ("d-purpose", "business_use"),
    ] {
        browser.find(&format!("#{id}")).await.select_by_value(value).await;
    }
    browser.find("#import-assess").await.click().await;
    let verdict = browser.wait_for(".verdict-banner h1", WAIT).await;
    assert!(!verdict.text().await.is_empty());
    let report_url = browser.current_url().await;
    let page = browser.page_source().await;
    assert!(page.contains("PL-2026-88") && page.contains("Generated documents"));
    for slug in ["commercial-invoice.pdf", "packing-list.pdf", "specification-list.pdf"] {
        let href = format!("/documents/{slug}");
        let link = browser.find(&format!("a[href$='{href}']")).await;
        assert!(link.attr("href").await.unwrap().starts_with(report_url.trim_start_matches(&base)));
    }
    shot(&browser, "15-import-report").await;

    // A German sheet whose headings preclear does not know, with a totals row: the page shows
    // the first rows as a grid; the user picks the header row and the columns, reads again, and
    // the totals row is left out with a note.
    let grid_sheet = write(
        "lieferschein.csv",
        "Lieferschein 4711\n\nPos-Text;Anz.X;Betrag-EUR\nServer PowerEdge R660;2;9800,00\nSwitch S5248F;4;3200,00\nSumme;6;32400,00\n"
            .as_bytes()
            .to_vec(),
    );
    browser.goto(&format!("{base}/assessments/new")).await;
    browser.wait_for("#u-file", WAIT).await.send_keys(&grid_sheet).await;
    browser.find("form[action='/assessments/upload'] button[type=submit]").await.click().await;
    browser.wait_for("#import-grid", WAIT).await;
    let error = browser.find("#import-error").await.text().await;
    assert!(error.contains("choose the header row") && !error.contains("--map"), "{error}");
    shot(&browser, "15a-import-grid").await;
    browser.find("#header-3").await.click().await;
    for (column, field) in [("A", "description"), ("B", "quantity"), ("C", "unit_value")] {
        browser.find(&format!("#map_{column}")).await.select_by_value(field).await;
    }
    browser.find("#grid-read").await.click().await;
    browser.wait_for("#import-form", WAIT).await;
    let lede = browser.find(".lede").await.text().await;
    assert!(lede.contains("header on row 3, 2 lines"), "the totals row is not a line: {lede}");
    assert_eq!(browser.find("#map_B").await.property("value").await.unwrap(), "quantity");
    shot(&browser, "15b-import-grid-read").await;

    browser.goto(&format!("{base}/documents/audit")).await;
    browser
        .wait_for("#a-files", WAIT)
        .await
        .send_keys(&format!("{invoice}\n{planted}\n{spec}"))
        .await;
    browser.find("#audit-form button[type=submit]").await.click().await;
    let outcome = browser.wait_for("#audit-outcome", WAIT).await;
    assert!(outcome.text().await.starts_with("Blocked"));
    let findings = browser.find("#audit-findings").await.text().await;
    assert!(
        findings.contains("quantity 2 on invoice.xlsx but 3 on packing-list.xlsx"),
        "{findings}"
    );
    assert!(findings.contains("NIM-LTEA-EA") && findings.contains("cellular"), "{findings}");
    shot(&browser, "16-document-audit").await;
    browser.quit().await;
}
