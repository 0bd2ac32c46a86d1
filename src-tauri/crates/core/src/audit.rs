//! The audit chain's rules, from the evidence crate: a bundle's verifier checks a request's
//! events with the same code that sealed them.

pub use triangulate_evidence::audit::*;
