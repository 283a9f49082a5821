//! Restricted-party screening, pure: the lists read from their official files ([`lists`] for the
//! UN and OFAC files, [`formats`] for the US CSL, BIS, EU and UK files and [`read`] for any by
//! its format's name),
//! names normalised and transliterated ([`normalize`]), candidates found through an index of
//! name tokens and scored token by token, every hit explained ([`matching`]).
//!
//! A name is matched against every name and alias of every entry: the query's tokens are
//! aligned with the name's tokens by Jaro-Winkler similarity, each token weighted by how rare it
//! is in the lists (a common word such as "trading" says less than a surname), legal-form words
//! (Ltd, GmbH, OOO…) left out and said so, and the country agreeing or conflicting raising or
//! lowering the score. A hit names the list, the entry, its programs, which name or alias
//! matched (a weak alias counts for less), and every token pair.
//!
//! Scores are similarities in [0, 1] (floating point: they are not money). At the default
//! thresholds a score of at least [`matching::STRONG`] is a match, at least
//! [`matching::POSSIBLE`] a possible match for an operator to decide.

#![allow(
    clippy::float_arithmetic,
    reason = "similarity scores and token weights, not money: Jaro-Winkler is defined on reals"
)]

pub mod formats;
pub mod identity;
pub mod lists;
pub mod matching;
pub mod normalize;
pub mod sets;

pub use formats::{ListFile, ListFormat, ListRead, Skipped, read};
pub use lists::{Entry, EntryKind, EntryName, ListError, ListId};
pub use matching::{Hit, Screener, TokenMatch};
pub use sets::{ListSet, Lists, SetList};
