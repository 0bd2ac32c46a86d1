//! The worker profile of the person using this laptop.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::{Actor, NewAuditEvent, WorkerProfile, WorkerRole};

use crate::Store;
use crate::error::{Result, StoreError};
use triangulate_core::FieldError;
use triangulate_core::staff::{NewStaff, StaffRole, name_key};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WorkerRecord {
    pub id: i64,
    pub name: String,
    pub role: WorkerRole,
    pub staff_id: Option<String>,
    pub updated_at: String,
}

impl Store {
    /// Sets the profile of the person using this laptop; there is one, and it is a person of
    /// the staff directory: the one with its staff ID, or else its name, in a role the
    /// directory gives them; added to the directory, with that role, when not there.
    pub fn set_worker_profile(&mut self, profile: &WorkerProfile, now: DateTime<Utc>) -> Result<WorkerRecord> {
        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        let role = StaffRole::from(profile.role);
        let staff = self.staff()?;
        let by_id = profile
            .staff_id
            .as_deref()
            .and_then(|id| staff.iter().find(|s| s.staff_id.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(id))));
        let by_name: Vec<&crate::StaffRecord> =
            staff.iter().filter(|s| name_key(&s.name) == name_key(&profile.name)).collect();
        let found = match (by_id, by_name.as_slice()) {
            (Some(person), _) => Some(person.clone()),
            (None, [one]) if one.staff_id.is_none() || profile.staff_id.is_none() => Some((*one).clone()),
            (None, []) => None,
            (None, _) => {
                return Err(StoreError::Fields(vec![FieldError::new(
                    "staff_id",
                    format!("Give the staff ID: the staff directory has more than one {}", profile.name),
                )]));
            }
        };
        if let Some(person) = &found
            && let Some(left) = person.left_on
        {
            return Err(StoreError::Refused(format!(
                "{} left on {left}, as the staff directory records, and cannot be this laptop's worker",
                person.name
            )));
        }
        // The profile's role is one the directory gives them: nobody takes a role by setting
        // up a laptop.
        if let Some(person) = found.as_ref().filter(|p| !p.roles.contains(&role)) {
            return Err(StoreError::Fields(vec![FieldError::new(
                "role",
                format!(
                    "{} is not {} {} in the staff directory: change their roles in the directory first",
                    person.name,
                    if role.words().starts_with('A') { "an" } else { "a" },
                    role.words()
                ),
            )]));
        }
        self.write(now, |tx| {
            let staff = match &found {
                Some(person) => {
                    tx.execute(
                        "UPDATE staff SET staff_id = COALESCE(staff_id, ?1) WHERE id = ?2",
                        rusqlite::params![profile.staff_id, person.id],
                    )?;
                    person.id
                }
                None => crate::staff::insert_staff(
                    tx,
                    &NewStaff {
                        name: profile.name.clone(),
                        roles: vec![role],
                        staff_id: profile.staff_id.clone(),
                        team: None,
                    },
                    Some("Added when this laptop's worker profile was set up, in the role given there: check it"),
                    &at,
                )?,
            };
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM worker_profile ORDER BY id LIMIT 1", [], |row| row.get(0)).optional()?;
            let id = match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE worker_profile SET name = ?1, role = ?2, staff_id = ?3, updated_at = ?4, staff = ?5 WHERE id = ?6",
                        rusqlite::params![profile.name, profile.role.as_str(), profile.staff_id, at, staff, id],
                    )?;
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO worker_profile (name, role, staff_id, updated_at, staff) VALUES (?1, ?2, ?3, ?4, ?5)",
                        rusqlite::params![profile.name, profile.role.as_str(), profile.staff_id, at, staff],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            let record = WorkerRecord {
                id,
                name: profile.name.clone(),
                role: profile.role,
                staff_id: profile.staff_id.clone(),
                updated_at: at.clone(),
            };
            let event = NewAuditEvent::of_change(
                Actor::Worker(id),
                "worker.set_profile",
                vec![format!("worker:{id}")],
                &record,
            );
            Ok((record, event))
        })
    }

    pub fn worker_profile(&self) -> Result<Option<WorkerRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, role, staff_id, updated_at FROM worker_profile ORDER BY id LIMIT 1",
                [],
                |row| {
                    let role: String = row.get(2)?;
                    Ok(WorkerRecord {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        role: role.parse().unwrap_or(WorkerRole::Osw),
                        staff_id: row.get(3)?,
                        updated_at: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }
}
