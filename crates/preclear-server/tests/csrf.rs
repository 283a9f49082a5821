//! Every page route that changes something checks its CSRF token through one of the two
//! extractors (`CsrfForm`, `CsrfMultipart`), never by a call a handler could forget: a tidy test
//! over the routes of `src/web/mod.rs` and the handlers' signatures. (Sign-in has no session
//! yet and checks its own pre-session token.)

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::path::Path;

fn source(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web").join(file))
        .unwrap()
}

/// The `module::handler` of every `post(…)` route.
fn post_handlers(routes: &str) -> Vec<(String, String)> {
    let mut handlers = Vec::new();
    for piece in routes.split("post(").skip(1) {
        let target = piece.split(')').next().unwrap_or_default();
        if let Some((module, handler)) = target.split_once("::") {
            handlers.push((module.trim().to_owned(), handler.trim().to_owned()));
        }
    }
    handlers
}

/// The parameter list of `handler` in `text`.
fn signature<'t>(text: &'t str, handler: &str) -> Option<&'t str> {
    let start = text.find(&format!("async fn {handler}("))?;
    let rest = &text[start..];
    Some(&rest[..rest.find(") ->")?])
}

#[test]
fn every_state_changing_page_takes_a_csrf_extractor() {
    let routes = source("mod.rs");
    let handlers = post_handlers(&routes);
    assert!(handlers.len() >= 15, "the scan finds the POST routes: {handlers:?}");
    let mut unchecked = Vec::new();
    for (module, handler) in handlers {
        if (module.as_str(), handler.as_str()) == ("session", "sign_in") {
            continue;
        }
        let text = source(&format!("{module}.rs"));
        let params = signature(&text, &handler)
            .unwrap_or_else(|| panic!("no handler `{handler}` in web/{module}.rs"));
        if !params.contains(": CsrfForm") && !params.contains(": CsrfMultipart") {
            unchecked.push(format!("{module}::{handler}"));
        }
    }
    assert!(unchecked.is_empty(), "POST pages without a CSRF extractor: {unchecked:?}");
}
