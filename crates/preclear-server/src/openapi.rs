//! The OpenAPI 3.1 document, generated from the handlers' annotations and the engine's types,
//! at `/api/v1/openapi.json`, and Swagger UI at `/api/v1/docs`, served from the binary.

use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "preclear API",
        description = "Pre-qualification of IT and data-center hardware imports: assess a shipment request against the knowledge base, store it with its KB version, replay it, audit it. Authenticate with `Authorization: Bearer <API key>` (make one with `preclear admin key create`). Errors are RFC 9457 problem details.",
        license(name = "Apache-2.0")
    ),
    paths(
        crate::assessments::create,
        crate::assessments::list,
        crate::assessments::fetch,
        crate::assessments::replay,
        crate::assessments::rerun,
        crate::assessments::compare,
        crate::assessments::fetch_comparison,
        crate::assessments::comparison_file,
        crate::admin_api::me,
        crate::admin_api::list_orgs,
        crate::admin_api::create_org,
        crate::admin_api::list_users,
        crate::admin_api::create_user,
        crate::admin_api::list_keys,
        crate::admin_api::create_key,
        crate::admin_api::revoke_key,
        crate::admin_api::reset_password,
        crate::admin_api::deactivate_user,
        crate::admin_api::reactivate_user,
        crate::admin_api::search,
        crate::kb_api::summary,
        crate::kb_api::coverage_table,
        crate::kb_api::fact_list,
        crate::audit_api::events,
        crate::documents::import,
        crate::documents::document,
        crate::documents::audit,
        crate::programs_api::list_entities,
        crate::programs_api::create_entity,
        crate::programs_api::fetch_entity,
        crate::programs_api::add_credential,
        crate::programs_api::alerts,
        crate::programs_api::upload_evidence,
        crate::programs_api::download_evidence,
        crate::programs_api::list_programs,
        crate::programs_api::create_program,
        crate::programs_api::rollout,
        crate::programs_api::assign_entity,
        crate::programs_api::set_consignee,
        crate::programs_api::record_approval,
        crate::programs_api::set_route,
        crate::programs_api::record_disruption,
        crate::programs_api::lift_disruption,
        crate::programs_api::decide_disruption,
        crate::programs_api::switch_mode,
        crate::programs_api::list_consignments,
        crate::programs_api::create_consignment,
        crate::programs_api::fetch_consignment,
        crate::programs_api::transition,
        crate::programs_api::impact,
        crate::programs_api::export,
        crate::price_lists_api::list,
        crate::price_lists_api::fetch,
        crate::price_lists_api::publish,
        crate::price_lists_api::withdraw,
        crate::classification_api::create,
        crate::routes_api::create,
        crate::screening_api::check,
        crate::screening_api::queue,
        crate::screening_api::decisions,
        crate::screening_api::decide,
        crate::screening_api::update_list,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "assessments", description = "Assess, store, list, replay"),
        (name = "administration", description = "Organisations, users, API keys"),
        (name = "knowledge base", description = "Markets, rules, sources"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "documents", description = "Spreadsheet import, generated documents, document audit"),
        (name = "programs", description = "IOR entity registry, programs, import positions, consignments, rollout view, KB-change impact"),
        (name = "price lists", description = "The provider's price lists: the IOR fee and service charges every assessment is priced with"),
        (name = "classification", description = "HS classification of free text, explained"),
        (name = "routing", description = "Routes on the sea, air and road networks, with closures and emissions"),
        (name = "screening", description = "Restricted-party hits awaiting an operator's decision, and the decisions"),
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}

/// The document as JSON (for tests and `preclear openapi`).
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    /// Every parameter declared `in: path` appears in its path template, and every `{name}` of a
    /// template is declared in the path: query parameters derived with `IntoParams` default to
    /// the path unless they say otherwise.
    #[test]
    fn path_parameters_are_in_their_paths_and_query_parameters_are_not() {
        let doc: serde_json::Value = serde_json::from_str(&super::document()).unwrap();
        let mut wrong = Vec::new();
        let mut queries = 0;
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
                for parameter in &parameters {
                    let name = parameter["name"].as_str().unwrap();
                    match parameter["in"].as_str().unwrap() {
                        "path" if !path.contains(&format!("{{{name}}}")) => {
                            wrong.push(format!("{method} {path}: `{name}` is not in the path"));
                        }
                        "query" => queries += 1,
                        _ => {}
                    }
                }
                for segment in path.split('/').filter(|s| s.starts_with('{')) {
                    let name = segment.trim_matches(['{', '}']);
                    if !parameters.iter().any(|p| p["name"] == name && p["in"] == "path") {
                        wrong.push(format!("{method} {path}: `{name}` is not declared"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(queries >= 48, "the query parameters are declared as such: {queries}");
    }
}
