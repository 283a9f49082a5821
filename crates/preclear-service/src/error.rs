//! What an operation can answer instead of its result. No HTTP here: the server maps each
//! variant to a status and a problem document in one place (`preclear-server`'s `error.rs`), the
//! shell to a message and an exit code.

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's path in the request (`items[0].quantity`), or the query parameter's name;
    /// empty for the document as a whole.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Why an operation did not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The input was read but is invalid: one entry per invalid field.
    #[error("{}", FieldError::sentence(.0))]
    Invalid(Vec<FieldError>),
    /// No credentials, or credentials that are not valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials that do not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or not one the caller may see.
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with what exists.
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts under this name or from this address: refused without being
    /// checked, until the lock passes.
    #[error("{message}")]
    Throttled {
        /// What to tell the caller.
        message: String,
        /// Seconds until an attempt is checked again.
        retry_after_seconds: u64,
    },
    /// A bounded resource is full (every hashing worker busy and the queue full): try again soon.
    #[error("{message}")]
    Busy {
        /// What to tell the caller.
        message: String,
        /// Seconds after which to try again.
        retry_after_seconds: u64,
    },
    /// A fault of ours; the cause is for the log, not for the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

impl FieldError {
    /// Invalid fields as one sentence for people: `field: message; …` (the message alone for the
    /// document as a whole).
    pub fn sentence(fields: &[FieldError]) -> String {
        fields
            .iter()
            .map(|e| {
                if e.field.is_empty() {
                    e.message.clone()
                } else {
                    format!("{}: {}", e.field, e.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl ServiceError {
    /// An invalid input, about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// An internal error with its cause.
    pub fn internal(cause: impl std::fmt::Display) -> ServiceError {
        ServiceError::Internal(cause.to_string())
    }
}

impl From<preclear_store::StoreError> for ServiceError {
    fn from(error: preclear_store::StoreError) -> Self {
        match error {
            preclear_store::StoreError::Conflict(what) => ServiceError::Conflict(what),
            preclear_store::StoreError::Invalid(what) => ServiceError::invalid_field("", what),
            other => ServiceError::internal(other),
        }
    }
}
