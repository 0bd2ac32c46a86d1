//! The worker profile of the person using this laptop, and the register of Authorised
//! Access Workers.

use triangulate_core::WorkerProfileInput;
use triangulate_store::{AawRecord, WorkerRecord};

use crate::error::{AppError, Result};
use crate::host::Host;

pub fn profile(host: &dyn Host) -> Result<Option<WorkerRecord>> {
    Ok(host.store()?.worker_profile()?)
}

pub fn set_profile(host: &dyn Host, input: &WorkerProfileInput) -> Result<WorkerRecord> {
    let profile = input.validate().map_err(AppError::fields_error)?;
    Ok(host.store()?.set_worker_profile(&profile, host.now())?)
}

pub fn aaws(host: &dyn Host) -> Result<Vec<AawRecord>> {
    Ok(host.store()?.aaws()?)
}

/// Registers an Authorised Access Worker, with the reference of the service director's
/// decision and the date they were trained (`2026-03-31`), where known: the register flags
/// a worker registered without them.
pub fn register_aaw(host: &dyn Host, name: &str, evidence: Option<&str>, trained: Option<&str>) -> Result<AawRecord> {
    let mut errors = Vec::new();
    let trained = trained
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| triangulate_core::validation::iso_date(&mut errors, "trained", "The date of training", t));
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    Ok(host.store()?.register_aaw(name, evidence.filter(|e| !e.trim().is_empty()), trained, host.now())?)
}
