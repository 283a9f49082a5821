//! HS classification of descriptions with the KB in force: a batch of lines in, each line's
//! ranked candidates out, every candidate explained (the words, rules, legal notes and sources
//! behind it). Nothing is stored.

use preclear_domain::Category;
use serde::{Deserialize, Serialize};

use crate::access::Op;
use crate::auth::Principal;
use crate::{FieldError, Service, ServiceError};

/// The most lines one call classifies.
pub const MAX_LINES: usize = 1_000;
/// The longest description, in characters (as a request's).
pub const MAX_DESCRIPTION: usize = preclear_domain::text::MAX_TEXT_CHARS;

/// One line to classify.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LineToClassify {
    /// The description, as on the invoice or packing list.
    pub description: String,
    /// The line's hardware category (`server`, `switch`, …), when known.
    #[serde(default)]
    pub category: Option<String>,
    /// The line's model, when known.
    #[serde(default)]
    pub model: Option<String>,
}

/// One line's classification.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classified {
    /// The description classified.
    pub description: String,
    /// Its candidates, best first, each with `hs`, `text`, `points`, `confidence`, `reasons`
    /// and `notes` (empty when nothing in the line points anywhere).
    pub candidates: Vec<preclear_classify::Candidate>,
    /// The first candidate's subheading when the classifier is confident of it (`high`), else
    /// `null`: what an assessment would use for a line without a code.
    pub confident: Option<String>,
}

/// The answer to a batch.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classifications {
    /// The KB version classified with.
    pub kb_version: String,
    /// One per line, in order.
    pub lines: Vec<Classified>,
}

/// Classifies every line, or refuses the batch with every problem, each named by its field
/// (`lines[2].description`).
pub fn classify(
    service: &Service,
    principal: &Principal,
    lines: &[LineToClassify],
) -> Result<Classifications, ServiceError> {
    principal.may(Op::Classify)?;
    let mut problems = Vec::new();
    if lines.is_empty() || lines.len() > MAX_LINES {
        problems.push(FieldError {
            field: "lines".into(),
            message: format!("give 1 to {MAX_LINES} lines; {} given", lines.len()),
        });
    }
    let mut parsed = Vec::with_capacity(lines.len());
    for (idx, line) in lines.iter().enumerate().take(MAX_LINES) {
        let field = |name: &str| format!("lines[{idx}].{name}");
        let description = line.description.trim();
        if description.is_empty() {
            problems.push(FieldError {
                field: field("description"),
                message: "give the words of the invoice line".into(),
            });
        } else if let Some(problem) = preclear_domain::text::text_problem(
            description,
            MAX_DESCRIPTION,
            preclear_domain::text::Lines::Refused,
        ) {
            problems.push(FieldError { field: field("description"), message: problem });
        }
        if let Some(problem) = line.model.as_deref().and_then(|m| {
            preclear_domain::text::text_problem(m, 200, preclear_domain::text::Lines::Refused)
        }) {
            problems.push(FieldError { field: field("model"), message: problem });
        }
        let category = match line.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => match Category::parse(text) {
                Ok(category) => Some(category),
                Err(err) => {
                    problems
                        .push(FieldError { field: field("category"), message: err.to_string() });
                    None
                }
            },
        };
        parsed.push(category);
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let kb = service.kb();
    let classifier = kb.classifier();
    let lines = lines
        .iter()
        .zip(parsed)
        .map(|(line, category)| {
            let result = classifier.classify(&preclear_classify::Line {
                description: line.description.trim(),
                category,
                model: line.model.as_deref(),
                battery: None,
            });
            Classified {
                description: line.description.trim().to_owned(),
                confident: result.confident().map(|c| c.hs.clone()),
                candidates: result.candidates,
            }
        })
        .collect();
    Ok(Classifications { kb_version: kb.version().to_string(), lines })
}
