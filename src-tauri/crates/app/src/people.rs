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

pub fn register_aaw(host: &dyn Host, name: &str) -> Result<AawRecord> {
    Ok(host.store()?.register_aaw(name, host.now())?)
}
