//! Incidents (breaches of the procedure, for the service manager to investigate, report on
//! and manage) and disputes (a person's dispute of a capture or finding, kept with it).

use triangulate_core::incident::{DisputeInput, IncidentInput};
use triangulate_store::{DisputeRecord, DisputeTarget, IncidentRecord};

use crate::error::{AppError, Result};
use crate::host::Host;

pub fn record(host: &dyn Host, input: &IncidentInput) -> Result<IncidentRecord> {
    let incident = input.validate(host.today()).map_err(AppError::fields_error)?;
    Ok(host.store()?.record_incident(&incident, host.now())?)
}

pub fn list(host: &dyn Host) -> Result<Vec<IncidentRecord>> {
    Ok(host.store()?.incidents()?)
}

/// Records a dispute of a capture, or of finding `number` of `request`'s log.
pub fn dispute(
    host: &dyn Host,
    request: Option<&str>,
    target: DisputeTarget,
    input: &DisputeInput,
) -> Result<DisputeRecord> {
    let (by, text) = input.validate().map_err(AppError::fields_error)?;
    Ok(host.store()?.record_dispute(request, target, &by, &text, host.now())?)
}

pub fn disputes(host: &dyn Host, request: Option<&str>) -> Result<Vec<DisputeRecord>> {
    Ok(host.store()?.disputes(request)?)
}
