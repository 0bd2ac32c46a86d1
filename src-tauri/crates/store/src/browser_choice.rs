//! The browser this laptop's captures use, as its worker chose it: kept in the store, so
//! that the choice and its audit event are one transaction, and only a person of the staff
//! directory (the laptop's worker) makes it. Whether the file is there is the application
//! layer's check, before it calls here.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::{Actor, NewAuditEvent};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::{StaffRef, stamp};

/// The browser chosen for captures on this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BrowserChoiceRecord {
    /// The browser's program, as it was chosen.
    pub path: String,
    pub chosen_at: String,
    /// The laptop's worker who chose it.
    pub chosen_by: StaffRef,
}

/// What the audit event's digest covers: the path, when, and who (by their directory id).
#[derive(Serialize)]
struct Change<'a> {
    path: Option<&'a str>,
    at: &'a str,
    staff: i64,
}

impl Store {
    pub fn browser_choice(&self) -> Result<Option<BrowserChoiceRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.path, c.chosen_at, s.id, s.staff_id, s.name
                 FROM browser_choice c JOIN staff s ON s.id = c.chosen_by WHERE c.id = 1",
                [],
                |row| {
                    Ok(BrowserChoiceRecord {
                        path: row.get(0)?,
                        chosen_at: row.get(1)?,
                        chosen_by: StaffRef { id: row.get(2)?, staff_id: row.get(3)?, name: row.get(4)? },
                    })
                },
            )
            .optional()?)
    }

    /// Keeps `path` as the browser for this laptop's captures, in the laptop worker's name,
    /// replacing an earlier choice; audited as `browser.choose`.
    pub fn choose_browser(&mut self, path: &str, now: DateTime<Utc>) -> Result<BrowserChoiceRecord> {
        let worker = self.recorder()?;
        let person = self.laptop_worker()?;
        let at = stamp(now);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO browser_choice (id, path, chosen_at, chosen_by) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET path = excluded.path, chosen_at = excluded.chosen_at,
                 chosen_by = excluded.chosen_by",
                rusqlite::params![path, at, person.id],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "browser.choose",
                vec!["browser:1".into(), format!("staff:{}", person.id)],
                &Change { path: Some(path), at: &at, staff: person.id },
            );
            let record = BrowserChoiceRecord {
                path: path.to_string(),
                chosen_at: at.clone(),
                chosen_by: StaffRef {
                    id: Some(person.id),
                    staff_id: person.staff_id.clone(),
                    name: person.name.clone(),
                },
            };
            Ok((record, event))
        })
    }

    /// Forgets the browser chosen for this laptop, in the laptop worker's name; audited as
    /// `browser.forget`. Refused, and nothing written, when none was chosen.
    pub fn forget_browser(&mut self, now: DateTime<Utc>) -> Result<BrowserChoiceRecord> {
        let Some(chosen) = self.browser_choice()? else {
            return Err(StoreError::Refused("no browser has been chosen for captures on this laptop".into()));
        };
        let worker = self.recorder()?;
        let person = self.laptop_worker()?;
        let at = stamp(now);
        self.write(now, |tx| {
            tx.execute("DELETE FROM browser_choice WHERE id = 1", [])?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "browser.forget",
                vec!["browser:1".into(), format!("staff:{}", person.id)],
                &Change { path: None, at: &at, staff: person.id },
            );
            Ok((chosen, event))
        })
    }
}
