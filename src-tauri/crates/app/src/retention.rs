//! Retention and disposal: what falls due under the local policy (listing deletes nothing),
//! disposing of exactly that, and legal holds that stop it. The rules are the core's; the
//! removal, the tombstones and the checkpoint are the store's.

use triangulate_core::FieldError;
use triangulate_core::retention::Review;
use triangulate_store::{DisposalRecord, HoldRecord};

use crate::error::{AppError, Result};
use crate::host::Host;

/// What falls due today (the host's clock), and which requests a hold keeps.
pub fn review(host: &dyn Host) -> Result<Review> {
    let policy = host.policy()?;
    let facts = host.store()?.retention_facts()?;
    Ok(triangulate_core::retention::review(&policy.retention, &facts, host.today()))
}

fn required(errors: &mut Vec<FieldError>, field: &str, what: &str, value: &str) {
    triangulate_core::validation::required_text(errors, field, what, value, 200);
}

/// Disposes of exactly what `review` lists today, recorded as done by `by`.
pub fn dispose(host: &dyn Host, by: &str) -> Result<Vec<DisposalRecord>> {
    let mut errors = Vec::new();
    required(&mut errors, "by", "who disposes of the records", by);
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let due = review(host)?.due;
    tracing::info!(records = due.len(), "disposing of the records due under the retention policy");
    Ok(host.store()?.dispose(&due, by.trim(), host.now())?)
}

fn hold_fields(by: &str, reason: &str) -> Result<()> {
    let mut errors = Vec::new();
    required(&mut errors, "by", "who decided", by);
    triangulate_core::validation::required_paragraphs(&mut errors, "reason", "why", reason, 2000);
    if errors.is_empty() { Ok(()) } else { Err(AppError::fields_error(errors)) }
}

/// A legal hold (court proceedings, a complaint): nothing of the request is disposed of.
pub fn hold(host: &dyn Host, reference: &str, by: &str, reason: &str) -> Result<HoldRecord> {
    hold_fields(by, reason)?;
    Ok(host.store()?.place_hold(reference, by.trim(), reason.trim(), host.now())?)
}

pub fn release(host: &dyn Host, reference: &str, by: &str, reason: &str) -> Result<HoldRecord> {
    hold_fields(by, reason)?;
    Ok(host.store()?.release_hold(reference, by.trim(), reason.trim(), host.now())?)
}
