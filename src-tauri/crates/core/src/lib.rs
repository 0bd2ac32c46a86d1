//! The domain of Triangulate: the local policy, the audit chain's rules, workers, the
//! investigation request (Appendix 1) and its workflow, the investigation log (Appendix 2),
//! the guards capture will call, and field-level validation.
//!
//! This crate does no IO and reads no clock: time is always passed in, so everything here is
//! tested with fixed values and builds without a database, a browser or a webview.

pub mod audit;
pub mod authorisation;
pub mod duties;
pub mod evidence;
pub mod export;
pub mod guards;
pub mod home;
pub mod incident;
pub mod local_time;
pub mod log;
pub mod pilot;
pub mod policy;
pub mod request;
pub mod request_form;
pub mod retention;
pub mod scope;
pub mod scrolling;
pub mod staff;
pub mod validation;
pub mod worker;
pub mod workflow;

pub use audit::{Actor, AuditEvent, ChainHead, ChainReport, NewAuditEvent};
pub use policy::{Policy, PolicyEntry, PolicyError, TimestampAuthority};
pub use validation::{FieldError, is_bidi_control, is_invisible};
pub use worker::{WorkerProfile, WorkerProfileInput, WorkerRole};
