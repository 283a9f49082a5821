//! A sheet whose header preclear does not recognise is never a dead end on the web (issue 19,
//! item 1): the import page says so in its own words (no shell flag) and shows the sheet's first
//! rows as a grid; the user picks the header row and what each column holds, and reads again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

#[path = "support/common.rs"]
mod common;
#[path = "support/session.rs"]
mod session;

use axum::http::StatusCode;
use common::sqlite_url;
use session::{Browser, Jar, csrf, hidden, pairs};

#[tokio::test]
async fn an_unrecognised_header_is_picked_from_a_grid() {
    let setup = common::TwoClients::open(sqlite_url("import-grid")).await;
    let app = setup.app();
    let mut lena = Browser { app: &app, jar: Jar::default() };
    assert_eq!(lena.sign_in("lena", common::PASSWORD).await.status, StatusCode::SEE_OTHER);
    let page = lena.get("/assessments/new").await;
    let token = csrf(&page.text);
    // Headings no vocabulary knows: "Pos-Text", "Anz.X", "Betrag-EUR".
    let sheet = "Lieferschein 4711\n\nPos-Text;Anz.X;Betrag-EUR\nServer PowerEdge R660;2;9800,00\nSwitch S5248F;4;3200,00\n";
    let upload = lena
        .upload(
            "/assessments/upload",
            &[("_csrf", &token), ("as_of", "2026-11-21")],
            &[("file", "lieferschein.csv", sheet.as_bytes())],
        )
        .await;
    assert_eq!(upload.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", upload.text);
    let html = &upload.text;
    assert!(html.contains(r#"id="import-error""#) && html.contains("no header row found"));
    assert!(html.contains("choose the header row and what each column holds"), "{html}");
    assert!(!html.contains("--map"), "no shell flag on a web page");
    assert!(html.contains(r#"id="import-grid""#), "the grid is shown");
    assert!(html.contains("<td>Anz.X</td>") && html.contains("<td>Server PowerEdge R660</td>"));
    // Rows are numbered as a spreadsheet shows the file: the empty line is row 2.
    assert!(html.contains(r#"<input type="radio" name="header_row" value="3""#));
    let row_3 = html.split(r#"<th scope="row">3</th>"#).nth(1).unwrap();
    assert!(row_3.trim_start().starts_with("<td>Pos-Text</td>"), "{row_3}");

    // The user picks row 3 and says what columns A to C hold; the sheet is read again.
    let mut form: Vec<(String, String)> =
        ["_csrf", "file_name", "file_b64", "org", "as_of", "sheet"]
            .into_iter()
            .map(|name| (name.to_owned(), hidden(html, name)))
            .collect();
    form.extend(pairs(&[
        ("header_row", "3"),
        ("map_A", "description"),
        ("map_B", "quantity"),
        ("map_C", "unit_value"),
        ("action", "reread"),
    ]));
    let read = lena.post("/assessments/import", &form).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert!(read.text.contains("header on row 3, 2 lines"), "{}", read.text);
    assert!(read.text.contains(r#"<option value="quantity" selected>"#));
    let problems = read.text.split(r#"id="import-problems""#).nth(1).unwrap_or_default();
    let problems = &problems[..problems.find("</ul>").unwrap_or(problems.len())];
    assert!(problems.contains("fill in “"), "{problems}");
    assert!(!problems.contains("--"), "the problems speak the page's words: {problems}");
}
