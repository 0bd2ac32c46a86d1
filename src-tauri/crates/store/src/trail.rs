//! The trail of an access session as the recorder saw it happen, and the documents'
//! HTTP responses, stored as they come.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use triangulate_core::{Actor, NewAuditEvent};

use crate::Store;
use crate::error::Result;
use crate::sessions::stored_time;

/// The trail's and the responses' types belong to the evidence a capture quotes.
pub use triangulate_evidence::{DocumentResponse, TrailEvent};

impl Store {
    /// Appends steps of the trail as they happen, in one transaction.
    pub fn add_trail_events(&mut self, session: i64, events: &[TrailEvent], now: DateTime<Utc>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let worker = self.session(session)?.worker_id;
        self.write(now, |tx| {
            for event in events {
                tx.execute(
                    "INSERT INTO trail_events (session_id, at, kind, tab, url, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![
                        session,
                        event.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        event.kind,
                        event.tab,
                        event.url,
                        event.detail.to_string()
                    ],
                )?;
            }
            let audit = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "session.trail",
                vec![format!("session:{session}")],
                &events,
            );
            Ok(((), audit))
        })
    }

    pub fn trail(&self, session: i64) -> Result<Vec<TrailEvent>> {
        let mut statement = self
            .conn
            .prepare("SELECT at, kind, tab, url, detail FROM trail_events WHERE session_id = ?1 ORDER BY id")?;
        let rows = statement
            .query_map([session], |row| {
                Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, tab, url, detail)| TrailEvent {
                at: stored_time(&at),
                kind,
                tab,
                url,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    pub fn add_document_response(
        &mut self,
        session: i64,
        response: &DocumentResponse,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let worker = self.session(session)?.worker_id;
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO document_responses (session_id, tab, url, at, response) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    session,
                    response.tab,
                    response.url,
                    response.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    response.response.to_string()
                ],
            )?;
            let audit = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "session.document",
                vec![format!("session:{session}")],
                response,
            );
            Ok(((), audit))
        })
    }

    /// The last response recorded for this document in this tab, if the recorder saw it load.
    pub fn document_response(&self, session: i64, tab: &str, url: &str) -> Result<Option<DocumentResponse>> {
        let row = self
            .conn
            .query_row(
                "SELECT at, tab, url, response FROM document_responses WHERE session_id = ?1 AND tab = ?2 AND url = ?3 ORDER BY id DESC LIMIT 1",
                rusqlite::params![session, tab, url],
                |row| Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get::<_, String>(3)?)),
            )
            .optional()?;
        Ok(row.map(|(at, tab, url, response)| DocumentResponse {
            at: stored_time(&at),
            tab,
            url,
            response: serde_json::from_str(&response).unwrap_or(serde_json::Value::Null),
        }))
    }
}
