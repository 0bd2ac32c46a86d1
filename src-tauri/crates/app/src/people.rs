//! The people who take part: the staff directory (added one at a time or imported from a
//! CSV file, marked when they leave), the worker profile of the person using this laptop —
//! one of them — and the register of Authorised Access Workers, the service director's
//! decision.

use serde::Serialize;
use triangulate_core::FieldError;
use triangulate_core::WorkerProfileInput;
use triangulate_core::staff::{StaffInput, split_roles};
use triangulate_store::{AawRecord, StaffRecord, WorkerRecord};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::host::Host;

pub fn profile(host: &dyn Host) -> Result<Option<WorkerRecord>> {
    Ok(host.store()?.worker_profile()?)
}

pub fn set_profile(host: &dyn Host, input: &WorkerProfileInput) -> Result<WorkerRecord> {
    let profile = input.validate().map_err(AppError::fields_error)?;
    Ok(host.store()?.set_worker_profile(&profile, host.now())?)
}

/// The directory, with the person using this laptop marked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StaffDirectory {
    pub staff: Vec<StaffRecord>,
    /// How many entries are flagged for review.
    pub to_review: usize,
}

pub fn staff(host: &dyn Host) -> Result<StaffDirectory> {
    let staff = host.store()?.staff()?;
    let to_review = staff.iter().filter(|s| s.review.is_some()).count();
    Ok(StaffDirectory { staff, to_review })
}

/// The person `typed` names (a staff ID or a name, however spelt), or the field's problem
/// with the close matches.
pub fn find(host: &dyn Host, field: &str, typed: &str) -> Result<StaffRecord> {
    if triangulate_core::validation::is_blank(typed) {
        return Err(AppError::fields_error(vec![FieldError::new(
            field,
            "Enter who: their name or staff ID, as the staff directory has it",
        )]));
    }
    Ok(host.store()?.find_staff(field, typed)?)
}

pub fn add_staff(host: &dyn Host, input: &StaffInput) -> Result<StaffRecord> {
    let person = input.validate().map_err(AppError::fields_error)?;
    let mut added = host.store()?.add_staff(&[(String::new(), person)], host.now())?;
    added.pop().ok_or_else(|| AppError::Internal("nobody was added".into()))
}

/// What changes in a person's entry: what is left out stays as it is.
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
pub struct StaffChanges {
    pub name: Option<String>,
    /// The roles they hold now, replacing those recorded; none given keeps them.
    pub roles: Vec<String>,
    pub staff_id: Option<String>,
    pub team: Option<String>,
}

/// Changes a person's entry (their review flag is cleared); `person` names them.
pub fn update_staff(host: &dyn Host, person: &str, changes: &StaffChanges) -> Result<StaffRecord> {
    let found = find(host, "person", person)?;
    let input = StaffInput {
        name: changes.name.clone().unwrap_or_else(|| found.name.clone()),
        roles: if changes.roles.is_empty() {
            found.roles.iter().map(|r| r.as_str().to_string()).collect()
        } else {
            changes.roles.clone()
        },
        staff_id: changes.staff_id.clone().or_else(|| found.staff_id.clone()),
        team: changes.team.clone().or_else(|| found.team.clone()),
    };
    let new = input.validate().map_err(AppError::fields_error)?;
    Ok(host.store()?.update_staff(found.id, &new, host.now())?)
}

/// Marks that a person left on `on` (`2026-03-31`; today when the door leaves it out, as the
/// command line may; a day asked for and not given is a problem). Every problem at once: the
/// person's and the day's.
pub fn mark_left(host: &dyn Host, person: &str, on: Option<&str>) -> Result<StaffRecord> {
    let mut errors = Vec::new();
    let on = match on {
        None => Some(host.today()),
        Some(text) if text.trim().is_empty() => {
            errors.push(FieldError::new("on", "Enter the day they left"));
            None
        }
        Some(text) => triangulate_core::validation::iso_date(&mut errors, "on", "The day they left", text),
    };
    let found = match find(host, "person", person) {
        Ok(found) => found,
        Err(error) if errors.is_empty() => return Err(error),
        Err(error) if matches!(error.code(), ErrorCode::InvalidFields | ErrorCode::UnknownStaff) => {
            let mut all = error.fields();
            all.append(&mut errors);
            return Err(AppError::fields_error(all));
        }
        Err(error) => return Err(error),
    };
    match on {
        Some(on) if errors.is_empty() => Ok(host.store()?.mark_left(found.id, on, host.now())?),
        _ => Err(AppError::fields_error(errors)),
    }
}

/// The largest staff file read.
pub const MAX_STAFF_FILE_BYTES: usize = 4 * 1024 * 1024;

/// What an import did: the people added and those already there brought up to date.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StaffImported {
    pub added: Vec<StaffRecord>,
    pub updated: Vec<StaffRecord>,
}

/// Imports people from CSV text with the header row `staff_id,name,roles,team` (roles joined
/// with `;`): a person already in the directory is brought up to date, anyone else added;
/// every bad row reported at once, by its line, and nothing changed on any error.
pub fn import_staff(host: &dyn Host, text: &str) -> Result<StaffImported> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header_error = |message: String| AppError::fields_error(vec![FieldError::new("file", message)]);
    let headers = reader.headers().map_err(|e| header_error(format!("The file is not CSV: {e}")))?.clone();
    let expected = ["staff_id", "name", "roles", "team"];
    let found: Vec<&str> = headers.iter().map(|h| h.trim().trim_start_matches('\u{FEFF}')).collect();
    if found != expected {
        return Err(header_error(format!(
            "The first row must be the header staff_id,name,roles,team; it is {}",
            found.join(",")
        )));
    }
    let mut errors = Vec::new();
    let mut people = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let prefix = format!("rows[{line}].");
        match row {
            Err(error) => {
                errors.push(FieldError::new(format!("rows[{line}]"), format!("Row {line} cannot be read: {error}")))
            }
            Ok(row) => {
                let input = StaffInput {
                    staff_id: row.get(0).map(String::from),
                    name: row.get(1).unwrap_or_default().to_string(),
                    roles: split_roles(row.get(2).unwrap_or_default()),
                    team: row.get(3).map(String::from),
                };
                match input.validate_as(&prefix) {
                    Ok(person) => people.push((prefix, person)),
                    Err(mut problems) => {
                        for problem in &mut problems {
                            problem.message = format!("Row {line}: {}", problem.message);
                        }
                        errors.extend(problems);
                    }
                }
            }
        }
    }
    if people.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("file", "The file has no one in it: one row per person after the header"));
    }
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let imported = host.store()?.import_staff(&people, host.now()).map_err(|error| match error {
        triangulate_store::StoreError::Fields(mut problems) => {
            for problem in &mut problems {
                if let Some(line) = problem.field.strip_prefix("rows[").and_then(|f| f.split(']').next()) {
                    problem.message = format!("Row {line}: {}", problem.message);
                }
            }
            AppError::fields_error(problems)
        }
        other => other.into(),
    })?;
    Ok(StaffImported { added: imported.0, updated: imported.1 })
}

/// Reads a staff file, never more than [`MAX_STAFF_FILE_BYTES`]; text that is not UTF-8 is
/// a field error that says where.
pub fn read_staff_file(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let file_error = |message: String| AppError::fields_error(vec![FieldError::new("file", message)]);
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_STAFF_FILE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| file_error(format!("{} cannot be read: {e}", path.display())))?;
    if bytes.len() > MAX_STAFF_FILE_BYTES {
        return Err(file_error(format!("The staff file is too large: it may be at most {MAX_STAFF_FILE_BYTES} bytes")));
    }
    String::from_utf8(bytes).map_err(|e| {
        file_error(format!(
            "The staff file is not UTF-8 text: byte {} cannot be read; save it as UTF-8",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

pub fn aaws(host: &dyn Host) -> Result<Vec<AawRecord>> {
    Ok(host.store()?.aaws()?)
}

/// The person `typed` (not blank) names for `field`, or `None` with the problem added to
/// `errors` (and `unknown` set, when the directory does not have them), so that every
/// problem of a form is reported at once.
fn looked_up(
    host: &dyn Host,
    field: &str,
    typed: &str,
    errors: &mut Vec<FieldError>,
    unknown: &mut bool,
) -> Result<Option<StaffRecord>> {
    if triangulate_core::validation::is_blank(typed) {
        return Ok(None);
    }
    match host.store()?.find_staff(field, typed) {
        Ok(person) => Ok(Some(person)),
        Err(triangulate_store::StoreError::UnknownStaff(problems)) => {
            *unknown = true;
            errors.extend(problems);
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// Registers an Authorised Access Worker (`name`, a person of the directory who holds the
/// role) on the service director's decision (`decided_by`, a service director), with its
/// evidence and the day they were trained (`2026-03-31`): all required. Completes a
/// registration made before these were asked for.
pub fn register_aaw(host: &dyn Host, name: &str, decided_by: &str, evidence: &str, trained: &str) -> Result<AawRecord> {
    let mut errors = Vec::new();
    if triangulate_core::validation::is_blank(name) {
        errors.push(FieldError::new("name", "Enter the access worker's name or staff ID"));
    }
    if triangulate_core::validation::is_blank(decided_by) {
        errors.push(FieldError::new(
            "decided_by",
            "Enter the service director whose decision it is: the register is their decision",
        ));
    }
    if triangulate_core::validation::is_blank(evidence) {
        errors.push(FieldError::new("evidence", "Enter the reference of the service director's decision"));
    }
    let trained = if triangulate_core::validation::is_blank(trained) {
        errors.push(FieldError::new("trained", "Enter the date they were trained in the protocol"));
        None
    } else {
        triangulate_core::validation::iso_date(&mut errors, "trained", "The date of training", trained)
    };
    let mut unknown = false;
    let worker = looked_up(host, "name", name, &mut errors, &mut unknown)?;
    let director = looked_up(host, "decided_by", decided_by, &mut errors, &mut unknown)?;
    match (worker, director, trained) {
        (Some(worker), Some(director), Some(trained)) if errors.is_empty() => {
            Ok(host.store()?.register_aaw(worker.id, director.id, evidence, trained, host.now())?)
        }
        _ if unknown => Err(AppError::Store(triangulate_store::StoreError::UnknownStaff(errors))),
        _ => Err(AppError::fields_error(errors)),
    }
}
