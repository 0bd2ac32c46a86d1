//! Subject access: everything the store holds about one person, read together, and the
//! audit event that records each export of it.

use chrono::{DateTime, Utc};
use triangulate_core::{Actor, NewAuditEvent};

use crate::error::{Result, StoreError};
use crate::{CaptureRecord, DisposalRecord, PersonRecord, RequestRecord, SessionRecord, Store};

/// What is held about one person.
pub struct SubjectAccessFacts {
    pub person: PersonRecord,
    /// Each request that names them, with their position in it (from 1).
    pub requests: Vec<(RequestRecord, usize)>,
    /// The access sessions on their pages: those started on them, and those in which a page
    /// of theirs was captured.
    pub sessions: Vec<SessionRecord>,
    /// The captures of their own pages (the listed profile a page falls within says whose it
    /// is, not the person the session was started on), in any session of their requests.
    pub captures: Vec<CaptureRecord>,
    /// Captures taken in sessions started on them that are of another person's page: held,
    /// but not theirs.
    pub others_captures: Vec<CaptureRecord>,
    /// What was disposed of from their requests.
    pub disposals: Vec<DisposalRecord>,
}

impl Store {
    pub fn subject_access_facts(&self, person: i64) -> Result<SubjectAccessFacts> {
        let found = self
            .persons()?
            .into_iter()
            .find(|p| p.id == person)
            .ok_or_else(|| StoreError::NotFound { what: "person", id: person.to_string() })?;
        let mut statement = self.conn.prepare(
            "SELECT r.reference, s.position FROM request_subjects s JOIN requests r ON r.id = s.request_id
             WHERE s.person_id = ?1 ORDER BY r.id, s.position",
        )?;
        let links = statement
            .query_map([person], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut requests = Vec::new();
        for (reference, position) in links {
            requests.push((self.request(&reference)?, position as usize));
        }
        let mut sessions = Vec::new();
        let mut captures = Vec::new();
        let mut others_captures = Vec::new();
        for (record, _) in &requests {
            let profiles: Vec<Vec<String>> = record
                .request
                .subjects
                .iter()
                .map(|subject| subject.profiles.iter().map(|p| p.url.clone()).collect())
                .collect();
            let person_at = |position: usize| record.subjects.iter().find(|l| l.subject == position)?.person_id;
            let mut statement =
                self.conn.prepare("SELECT id FROM access_sessions WHERE request_id = ?1 ORDER BY id")?;
            let session_ids =
                statement.query_map([record.id], |row| row.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            for id in session_ids {
                let session = self.session(id)?;
                let on_them = session.person_id == Some(person);
                let mut theirs_here = false;
                for capture in self.session_capture_ids(id)? {
                    let capture = self.capture(capture)?;
                    let url = capture.url();
                    let owner = triangulate_core::scope::page_owner(&url, session.subject, &profiles);
                    if person_at(owner) == Some(person) {
                        theirs_here = true;
                        captures.push(capture);
                    } else if on_them {
                        others_captures.push(capture);
                    }
                }
                if on_them || theirs_here {
                    sessions.push(session);
                }
            }
        }
        let references: Vec<&str> = requests.iter().map(|(r, _)| r.reference.as_str()).collect();
        let disposals = self
            .disposals()?
            .into_iter()
            .filter(|d| d.request.as_deref().is_some_and(|r| references.contains(&r)))
            .collect();
        Ok(SubjectAccessFacts { person: found, requests, sessions, captures, others_captures, disposals })
    }

    /// Records that what is held about a person left the store: the PDF's digest and how many
    /// original files went with it (ids and digests only in the chain).
    pub fn record_subject_access(
        &mut self,
        person: i64,
        pdf_sha256: &str,
        files: usize,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let worker = self.recorder()?;
        self.write(now, |_| {
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "subject_access.export",
                vec![format!("person:{person}")],
                &(pdf_sha256, files),
            );
            Ok(((), event))
        })
    }
}
