//! Access sessions: the guards before a browser opens (the request's state, the worker, the
//! account, legal advice, a prospective adopter's consent, repeat viewing of the person),
//! starting and ending a session, and the checks before a capture (the session and request
//! still open, the page within the person's listed profiles).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::guards::{DirectedSurveillance, GuardDecision, may_start_session, repeat_viewing};
use triangulate_core::scope::url_in_profiles;
use triangulate_core::workflow::{Decision, RequestState, Step};
use triangulate_core::{Actor, NewAuditEvent, Policy};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::{RequestRecord, record_step, stamp};

#[derive(Debug, Clone, Serialize)]
pub struct SessionRecord {
    pub id: i64,
    pub request: String,
    pub subject: usize,
    pub person_id: Option<i64>,
    pub account_id: i64,
    pub worker_id: i64,
    /// The browser's product and version, once its recorder opened it.
    pub browser: String,
    /// The recorder's private channel to the browser, without its secret (which is never
    /// shown): `ws://127.0.0.1:PORT/devtools/browser`.
    pub devtools_url: String,
    pub browser_pid: Option<u32>,
    pub recorder_pid: Option<u32>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    /// When the recorder was found gone; nothing is captured until recording resumes.
    pub recording_stopped_at: Option<String>,
    /// The access worker who ran it, from the staff directory.
    pub run_by: Option<crate::requests::StaffRef>,
    /// The service director's conditions as the worker confirmed them when it started.
    pub conditions_confirmed: Option<String>,
    #[serde(skip)]
    channel_secret: Option<String>,
}

impl SessionRecord {
    /// The private channel's address with its secret, for this installation's own processes.
    pub fn private_url(&self) -> Option<String> {
        match (&self.channel_secret, self.devtools_url.is_empty()) {
            (Some(secret), false) => Some(format!("{}/{secret}", self.devtools_url)),
            _ => None,
        }
    }
}

/// The browser a session's recorder opened, and the private channel it serves.
pub struct SessionBrowser<'a> {
    pub product: &'a str,
    /// The channel's address without the secret.
    pub endpoint: &'a str,
    pub secret: &'a str,
    pub browser_pid: Option<u32>,
    pub recorder_pid: u32,
}

/// A time as stored (RFC 3339), read back; the epoch for text that is not one.
pub(crate) fn stored_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn session_from_row(row: &rusqlite::Row) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: row.get(0)?,
        request: row.get(1)?,
        subject: row.get::<_, i64>(2)? as usize,
        person_id: row.get(3)?,
        account_id: row.get(4)?,
        worker_id: row.get(5)?,
        browser: row.get(6)?,
        devtools_url: row.get(7)?,
        browser_pid: row.get(8)?,
        recorder_pid: row.get(12)?,
        started_at: row.get(9)?,
        ended_at: row.get(10)?,
        end_reason: row.get(11)?,
        recording_stopped_at: row.get(13)?,
        channel_secret: row.get(14)?,
        run_by: match row.get::<_, Option<i64>>(15)? {
            Some(id) => Some(crate::requests::StaffRef { id: Some(id), name: row.get(16)?, staff_id: row.get(17)? }),
            None => None,
        },
        conditions_confirmed: row.get(18)?,
    })
}

const SESSION_COLUMNS: &str = "s.id, r.reference, s.subject, s.person_id, s.account_id, s.worker_id, s.browser, \
     s.devtools_url, s.browser_pid, s.started_at, s.ended_at, s.end_reason, s.recorder_pid, \
     s.recording_stopped_at, s.channel_secret, s.staff, \
     (SELECT name FROM staff WHERE id = s.staff), (SELECT staff_id FROM staff WHERE id = s.staff), s.conditions_confirmed";

fn refused(what: &str, decision: &GuardDecision) -> StoreError {
    StoreError::Guarded { what: what.to_string(), refusals: decision.refusals().to_vec() }
}

impl Store {
    /// Every check before a session opens a browser: the request's state, the worker, the
    /// account, legal advice, a prospective adopter's consent, and repeat viewing of the
    /// person. Returns the request, the warnings to show, and whether repeat viewing warned
    /// (a figure for the pilot once the session starts).
    pub fn check_session_start(
        &self,
        reference: &str,
        subject: usize,
        account_id: i64,
        policy: &Policy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(RequestRecord, Vec<String>, bool)> {
        let request = self.request(reference)?;
        let link = request.subjects.iter().find(|s| s.subject == subject).ok_or_else(|| {
            StoreError::Fields(vec![triangulate_core::FieldError::new(
                "subject",
                format!("Request {} has no subject {subject}: it has {}", request.reference, request.subjects.len()),
            )])
        })?;
        let mut facts = self.session_facts(&request, account_id, policy, today)?;
        // A session is on one person: only their directed surveillance authorisations count.
        facts.authorisations_not_in_force = self.authorisations_not_in_force(&request, link.person_id, today)?;
        let mut repeat_viewing_warned = false;
        let mut decision = may_start_session(&facts);
        // The local policy's consent rule: without written consent, a directed-surveillance
        // authorisation in force for the person.
        let written = request.request.consent.status == triangulate_core::request::ConsentStatus::Written;
        let ds_in_force = link.person_id.is_some()
            && self
                .authorisations()?
                .iter()
                .any(|a| a.kind.covers_a_person() && a.person_id == link.person_id && a.timeline().in_force(today));
        decision = decision.and(triangulate_core::guards::consent_rule(
            policy.consent.directed_surveillance_without_written_consent,
            written,
            ds_in_force,
        ));
        if let Some(person) = link.person_id {
            let earlier = self.earlier_views(person)?;
            let authorisations: Vec<DirectedSurveillance> = self
                .authorisations()?
                .into_iter()
                .filter(|a| a.kind.covers_a_person() && a.person_id == Some(person))
                .map(|a| DirectedSurveillance { timeline: a.timeline(), reference: a.reference })
                .collect();
            let viewing = repeat_viewing(now, today, &policy.repeat_viewing, &earlier, &authorisations);
            repeat_viewing_warned = viewing.is_allowed() && !viewing.warnings().is_empty();
            decision = decision.and(viewing);
        }
        if !decision.is_allowed() {
            return Err(refused("the access session cannot start", &decision));
        }
        Ok((request, decision.warnings().to_vec(), repeat_viewing_warned))
    }

    /// The starts of earlier access sessions in which this person's pages were opened.
    fn earlier_views(&self, person: i64) -> Result<Vec<DateTime<Utc>>> {
        let mut statement = self.conn.prepare("SELECT started_at FROM access_sessions WHERE person_id = ?1")?;
        let starts =
            statement.query_map([person], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(starts.iter().map(|s| stored_time(s)).collect())
    }

    /// Records a new session, before its recorder opens the browser; the request's first
    /// session starts its access. The caller ran `check_session_start` and passes its result.
    /// One session at a time per account: a profile folder serves one browser.
    pub fn start_session(
        &mut self,
        request: &RequestRecord,
        subject: usize,
        account_id: i64,
        conditions_confirmed: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SessionRecord> {
        if let Some(open) = self.open_session_on_account(account_id)? {
            return Err(StoreError::Refused(format!(
                "access session {open} is still open on this account: end it first"
            )));
        }
        let worker = self.recorder()?;
        let staff = self.laptop_worker()?;
        let starts = if request.state == RequestState::LegitimacyConfirmed {
            Some(self.check_duties(request, Step::StartAccess, request.state, staff.id, None, None, None, now)?)
        } else {
            None
        };
        let person_id = request.subjects.iter().find(|s| s.subject == subject).and_then(|s| s.person_id);
        let id = self.write(now, |tx| {
            if let Some(people) = &starts {
                let decision = Decision {
                    decided_by: staff.name.clone(),
                    evidence: None,
                    note: Some("access session started".into()),
                    conditions: None,
                    decided_on: None,
                };
                record_step(
                    tx,
                    request.id,
                    request.state,
                    RequestState::InProgress,
                    Step::StartAccess,
                    &decision,
                    worker,
                    people,
                    now,
                )?;
            }
            tx.execute(
                "INSERT INTO access_sessions (request_id, subject, person_id, account_id, worker_id, browser, devtools_url, started_at, conditions_confirmed, staff)
                 VALUES (?1, ?2, ?3, ?4, ?5, '', '', ?6, ?7, ?8)",
                rusqlite::params![request.id, subject as i64, person_id, account_id, worker, stamp(now), conditions_confirmed, staff.id],
            )?;
            let id = tx.last_insert_rowid();
            let mut ids = vec![format!("session:{id}"), format!("request:{}", request.reference), format!("account:{account_id}")];
            ids.extend(person_id.map(|p| format!("person:{p}")));
            let event = NewAuditEvent::of_change(Actor::Worker(worker), "session.start", ids, &subject);
            Ok((id, event))
        })?;
        self.session(id)
    }

    /// Records the browser a session's recorder opened and its private channel; recording
    /// (re)starts, so a stop recorded earlier is cleared.
    pub fn set_session_browser(
        &mut self,
        id: i64,
        browser: &SessionBrowser,
        now: DateTime<Utc>,
    ) -> Result<SessionRecord> {
        let session = self.session(id)?;
        self.write(now, |tx| {
            tx.execute(
                "UPDATE access_sessions SET browser = ?1, devtools_url = ?2, channel_secret = ?3, browser_pid = ?4,
                 recorder_pid = ?5, recording_stopped_at = NULL WHERE id = ?6",
                rusqlite::params![
                    browser.product,
                    browser.endpoint,
                    browser.secret,
                    browser.browser_pid,
                    browser.recorder_pid,
                    id
                ],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(session.worker_id),
                "session.browser",
                vec![format!("session:{id}")],
                &browser.product,
            );
            Ok(((), event))
        })?;
        self.session(id)
    }

    /// Records that a session's recorder was found gone: the trail says recording stopped,
    /// and the session takes no capture until recording resumes.
    pub fn mark_recording_stopped(&mut self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<SessionRecord> {
        let session = self.session(id)?;
        if session.recording_stopped_at.is_some() {
            return Ok(session);
        }
        self.write(now, |tx| {
            tx.execute(
                "UPDATE access_sessions SET recording_stopped_at = ?1 WHERE id = ?2",
                rusqlite::params![stamp(now), id],
            )?;
            tx.execute(
                "INSERT INTO trail_events (session_id, at, kind, tab, url, detail) VALUES (?1, ?2, 'recording_stopped', '', '', ?3)",
                rusqlite::params![
                    id,
                    now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    serde_json::json!({ "reason": reason }).to_string()
                ],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(session.worker_id),
                "session.recording_stopped",
                vec![format!("session:{id}")],
                &reason,
            );
            Ok(((), event))
        })?;
        self.session(id)
    }

    pub fn session(&self, id: i64) -> Result<SessionRecord> {
        self.conn
            .query_row(
                &format!("SELECT {SESSION_COLUMNS} FROM access_sessions s JOIN requests r ON r.id = s.request_id WHERE s.id = ?1"),
                [id],
                session_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "access session", id: id.to_string() })
    }

    /// Every access session of a request, in the order they started.
    pub fn sessions_of_request(&self, reference: &str) -> Result<Vec<SessionRecord>> {
        let id = self.request_id(reference)?;
        let mut statement = self.conn.prepare(&format!(
            "SELECT {SESSION_COLUMNS} FROM access_sessions s JOIN requests r ON r.id = s.request_id WHERE s.request_id = ?1 ORDER BY s.id"
        ))?;
        let rows = statement.query_map([id], session_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ends a session once; ending it again changes nothing and says when it ended.
    pub fn end_session(&mut self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<SessionRecord> {
        let session = self.session(id)?;
        if let Some(ended) = &session.ended_at {
            return Err(StoreError::Refused(format!("access session {id} already ended at {ended}")));
        }
        let worker = self.recorder()?;
        self.write(now, |tx| {
            tx.execute(
                "UPDATE access_sessions SET ended_at = ?1, end_reason = ?2 WHERE id = ?3 AND ended_at IS NULL",
                rusqlite::params![stamp(now), reason, id],
            )?;
            let event =
                NewAuditEvent::of_change(Actor::Worker(worker), "session.end", vec![format!("session:{id}")], &reason);
            Ok(((), event))
        })?;
        self.session(id)
    }

    /// The open session on this account, if there is one: a profile folder serves one browser.
    pub fn open_session_on_account(&self, account: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM access_sessions WHERE account_id = ?1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
                [account],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Before a capture: the session is open and its request's access is not over.
    pub fn check_capture_session(&self, session: &SessionRecord) -> Result<RequestRecord> {
        if let Some(ended) = &session.ended_at {
            return Err(StoreError::Refused(format!(
                "access session {} ended at {ended}: start a new session to capture",
                session.id
            )));
        }
        let request = self.request(&session.request)?;
        if request.state != RequestState::InProgress {
            return Err(StoreError::Refused(format!(
                "request {} is {} and no longer in progress: nothing more may be captured for it",
                request.reference,
                request.state_label.to_lowercase()
            )));
        }
        Ok(request)
    }

    /// Before a capture: `check_capture_session`, and the page is within the person's listed
    /// profiles or the worker said why it belongs to them.
    pub fn check_capture(&self, session: &SessionRecord, url: &str, outside_scope_reason: Option<&str>) -> Result<()> {
        let request = self.check_capture_session(session)?;
        let subject = &request.request.subjects[session.subject - 1];
        let profiles: Vec<String> = subject.profiles.iter().map(|p| p.url.clone()).collect();
        let within = url_in_profiles(url, &profiles)
            .map_err(|e| StoreError::Refused(format!("the page cannot be captured: {e}")))?;
        if within.is_none() && outside_scope_reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(StoreError::OutsideScope {
                url: url.to_string(),
                person: subject.display_name().to_string(),
                request: request.reference.clone(),
            });
        }
        Ok(())
    }
}
