//! Engine tests, one binary: the fictional market Zedland on tiny inline knowledge bases (so real
//! changes in law never break them), and the scenario corpus on the real bundled KB.

mod scenarios;
mod support;
mod zedland;
