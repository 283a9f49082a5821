//! Load errors: each names its file and line. The loader collects all of them.

use std::fmt;

/// One problem in a knowledge-base file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KbError {
    /// The file, relative to the KB root.
    pub file: String,
    /// The 1-based line.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Every problem found while loading a knowledge base, sorted by file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbErrors(pub Vec<KbError>);

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl fmt::Display for KbErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (idx, error) in self.0.iter().enumerate() {
            if idx > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KbError {}
impl std::error::Error for KbErrors {}
