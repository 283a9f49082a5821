//! Engine tests, one binary: the fictional market Zedland on tiny inline knowledge bases (so real
//! changes in law never break them), and the scenario corpus on the real bundled KB.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken fixtures"
)]

mod classification;
mod contract;
mod probe;
mod scenarios;
mod screening;
mod support;
mod zedland;
