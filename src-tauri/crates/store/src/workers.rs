//! The worker profile of the person using this laptop.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::{Actor, NewAuditEvent, WorkerProfile, WorkerRole};

use crate::Store;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct WorkerRecord {
    pub id: i64,
    pub name: String,
    pub role: WorkerRole,
    pub staff_id: Option<String>,
    pub updated_at: String,
}

impl Store {
    /// Sets the profile of the person using this laptop; there is one.
    pub fn set_worker_profile(&mut self, profile: &WorkerProfile, now: DateTime<Utc>) -> Result<WorkerRecord> {
        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        self.write(now, |tx| {
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM worker_profile ORDER BY id LIMIT 1", [], |row| row.get(0)).optional()?;
            let id = match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE worker_profile SET name = ?1, role = ?2, staff_id = ?3, updated_at = ?4 WHERE id = ?5",
                        rusqlite::params![profile.name, profile.role.as_str(), profile.staff_id, at, id],
                    )?;
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO worker_profile (name, role, staff_id, updated_at) VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![profile.name, profile.role.as_str(), profile.staff_id, at],
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
