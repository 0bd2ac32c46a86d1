//! Incidents and disputes, as recorded: each once, with its audit event, never changed.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::incident::Incident;
use triangulate_core::{Actor, NewAuditEvent};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct IncidentRecord {
    pub id: i64,
    pub incident: Incident,
    pub recorded_at: String,
}

/// What a dispute is about: a capture, or a finding of a request's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DisputeTarget {
    Capture { id: i64 },
    Finding { number: u32 },
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DisputeRecord {
    pub id: i64,
    pub target: DisputeTarget,
    pub request: String,
    pub disputed_by: String,
    pub text: String,
    pub recorded_at: String,
}

impl Store {
    pub fn record_incident(&mut self, incident: &Incident, now: DateTime<Utc>) -> Result<IncidentRecord> {
        let worker = self.recorder()?;
        if let Some(reference) = &incident.request {
            self.request(reference)?;
        }
        let content = serde_json::to_string(incident).expect("an incident serialises");
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO incidents (content, request, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![content, incident.request, stamp(now), worker],
            )?;
            let id = tx.last_insert_rowid();
            let mut ids = vec![format!("incident:{id}")];
            ids.extend(incident.request.iter().map(|r| format!("request:{r}")));
            Ok((id, NewAuditEvent::of_change(Actor::Worker(worker), "incident.record", ids, &content)))
        })?;
        Ok(self.incidents()?.into_iter().find(|i| i.id == id).expect("just recorded"))
    }

    /// Every incident, newest first.
    pub fn incidents(&self) -> Result<Vec<IncidentRecord>> {
        let mut statement = self.conn.prepare("SELECT id, content, recorded_at FROM incidents ORDER BY id DESC")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, content, recorded_at)| {
                let incident = serde_json::from_str(&content).map_err(|e| StoreError::Damaged {
                    data_dir: self.data_dir.root().to_path_buf(),
                    reason: format!("incident {id} cannot be read: {e}"),
                })?;
                Ok(IncidentRecord { id, incident, recorded_at })
            })
            .collect()
    }

    /// Records a dispute against a capture, or a finding of `request`'s current log.
    pub fn record_dispute(
        &mut self,
        request: Option<&str>,
        target: DisputeTarget,
        by: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<DisputeRecord> {
        let worker = self.recorder()?;
        let reference = match target {
            DisputeTarget::Capture { id } => {
                let capture = self.capture(id)?;
                self.session(capture.session_id)?.request
            }
            DisputeTarget::Finding { number } => {
                let reference =
                    request.ok_or_else(|| StoreError::Refused("a finding is named with its request".into()))?;
                let log = self.log(reference, None)?;
                if !log.version.log.findings.iter().any(|f| f.number == number) {
                    return Err(StoreError::NotFound { what: "finding", id: format!("{number} of {reference}") });
                }
                log.request
            }
        };
        let (capture_id, finding) = match target {
            DisputeTarget::Capture { id } => (Some(id), None),
            DisputeTarget::Finding { number } => (None, Some(number)),
        };
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO disputes (target, capture_id, finding, request, disputed_by, text, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    if capture_id.is_some() { "capture" } else { "finding" },
                    capture_id,
                    finding,
                    reference,
                    by,
                    text,
                    stamp(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let object = match target {
                DisputeTarget::Capture { id } => format!("capture:{id}"),
                DisputeTarget::Finding { number } => format!("finding:{reference}#{number}"),
            };
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "dispute.record",
                vec![format!("dispute:{id}"), object, format!("request:{reference}")],
                &(by, text),
            );
            Ok((id, event))
        })?;
        Ok(self.disputes(None)?.into_iter().find(|d| d.id == id).expect("just recorded"))
    }

    /// Every dispute, or a request's, oldest first.
    pub fn disputes(&self, request: Option<&str>) -> Result<Vec<DisputeRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT id, capture_id, finding, request, disputed_by, text, recorded_at FROM disputes
             WHERE ?1 IS NULL OR request = ?1 ORDER BY id",
        )?;
        let rows = statement
            .query_map([request], |row| {
                let capture: Option<i64> = row.get(1)?;
                let finding: Option<u32> = row.get(2)?;
                let target = match (capture, finding) {
                    (Some(id), _) => DisputeTarget::Capture { id },
                    (None, number) => DisputeTarget::Finding { number: number.unwrap_or_default() },
                };
                Ok(DisputeRecord {
                    id: row.get(0)?,
                    target,
                    request: row.get(3)?,
                    disputed_by: row.get(4)?,
                    text: row.get(5)?,
                    recorded_at: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The disputes of one capture.
    pub fn capture_disputes(&self, capture: i64) -> Result<Vec<DisputeRecord>> {
        let request: Option<String> = self
            .conn
            .query_row(
                "SELECT r.reference FROM captures c JOIN access_sessions s ON s.id = c.session_id JOIN requests r ON r.id = s.request_id WHERE c.id = ?1",
                [capture],
                |row| row.get(0),
            )
            .optional()?;
        Ok(self
            .disputes(request.as_deref())?
            .into_iter()
            .filter(|d| d.target == DisputeTarget::Capture { id: capture })
            .collect())
    }
}
