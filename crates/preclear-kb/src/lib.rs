//! The preclear knowledge base (KB): what the engine knows about law, as data.
//!
//! - [`load`] turns the KB's files (passed in as text: this crate does no IO) into a validated,
//!   immutable [`Kb`], or refuses with **every** problem found, each with its file and line.
//! - [`Kb`] holds the [`Market`]s (one per destination), the [`ExportRegime`]s (one per origin-side
//!   export-control regime), the category defaults and the HS 2022 [`Nomenclature`].
//! - Every fact carries its [`Provenance`]: sources, confidence, as-of date and the period it is
//!   law; [`KbVersion`] is the hash of the KB's content that every assessment records.
//!
//! The file format is documented in `docs/kb-format.md`.

pub mod coverage;
pub mod depth;
mod error;
pub mod facts;
mod hs;
mod load;
mod model;
mod reader;

pub use error::{KbError, KbErrors};
pub use hs::Nomenclature;
pub use load::{load, load_prehashed, version_of_files};
pub use model::*;
pub use reader::SourceFile;
