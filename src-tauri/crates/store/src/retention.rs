//! Retention in the store: the facts the core's rules read, legal holds, and disposal that
//! really removes. Disposal deletes the records in one transaction per record, leaves a
//! tombstone (kind, id, the digests it had, the rule, when, by whom) and an audit event of ids
//! and digests only, then checkpoints the journal: with `secure_delete` on, the pages that
//! held the records are zeroed, so no byte of them is left in the database, its journal or
//! its free pages.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::local_time::uk_date;
use triangulate_core::retention::{
    AuditEventFacts, CaptureFacts, DraftFacts, Due, Facts, IncidentFacts, RecordKind, RequestFacts, SessionFacts,
};
use triangulate_core::workflow::RequestState;
use triangulate_core::{Actor, NewAuditEvent};
use triangulate_evidence::sha256_hex;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;
use crate::sessions::stored_time;

/// A legal hold on a request, placed and perhaps released.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HoldRecord {
    pub request: String,
    pub placed_by: String,
    pub reason: String,
    pub placed_at: String,
    pub released_by: Option<String>,
    pub release_reason: Option<String>,
    pub released_at: Option<String>,
}

/// What a disposal left: no personal data, only what the record was and the digests it had.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DisposalRecord {
    pub kind: RecordKind,
    pub object: String,
    pub request: Option<String>,
    pub digests: Vec<String>,
    pub rule: triangulate_core::retention::Rule,
    pub trigger_on: NaiveDate,
    pub due_on: NaiveDate,
    pub disposed_at: String,
    pub disposed_by: String,
    /// Whose clock dated it: `laptop_clock` (this laptop's own, unchecked) or `tsa` (a
    /// time-stamping authority's answer, kept with the tombstone, agreed within a day).
    pub time_source: String,
    /// The time the authority gave, when `time_source` is `tsa`.
    pub timestamped_at: Option<String>,
}

/// How a disposal is dated.
#[derive(Debug, Clone)]
pub enum DisposalDating {
    /// The laptop's own clock, which nothing checked.
    LaptopClock,
    /// A time-stamping authority's answer over the list disposed of.
    Authority(DisposalStamp),
}

/// A time-stamping authority's RFC 3161 answer over [`Store::disposal_list`]'s document.
#[derive(Debug, Clone)]
pub struct DisposalStamp {
    /// The canonical JSON that was stamped, exactly.
    pub document: String,
    /// The authority's answer (a DER `TimeStampResp`), as received and verified.
    pub answer: Vec<u8>,
    pub authority: String,
    pub stamped_at: DateTime<Utc>,
}

/// A disposal's stamp as kept with its tombstones.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DisposalStampRecord {
    pub id: i64,
    pub document: String,
    /// The answer, base64.
    pub answer: String,
    pub authority: String,
    pub stamped_at: String,
    pub laptop_time: String,
}

/// What a disposal reaches outside the database: the pages each account's browser visited
/// in the sessions disposed of, and the files exported from the requests disposed of.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// Per account: the addresses visited (the trail's and the captures').
    pub pages: Vec<(i64, Vec<String>)>,
    pub files: Vec<KnownFile>,
}

/// A file the app wrote: a PDF or an exported file with its SHA-256, or a bundle with its
/// size; or a folder an export made (removed only once empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFile {
    pub path: String,
    pub sha256: Option<String>,
    pub bytes: u64,
    pub folder: bool,
}

/// The format of the list a time-stamping authority stamps before a disposal.
pub const DISPOSAL_LIST_FORMAT: &str = "triangulate-disposal-list/1";

fn stamp_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn day_of(stored: &str) -> NaiveDate {
    uk_date(stored_time(stored))
}

fn kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Request => "request",
        RecordKind::Capture => "capture",
        RecordKind::SessionTrail => "session_trail",
        RecordKind::Draft => "draft",
        RecordKind::AuditEvents => "audit_events",
        RecordKind::Incident => "incident",
    }
}

type Tx<'a> = rusqlite::Transaction<'a>;

/// The digests of a capture: each artefact's and the signed manifest's.
fn capture_digests(tx: &rusqlite::Connection, capture: i64) -> Result<Vec<String>> {
    let manifest: String = tx.query_row("SELECT manifest FROM captures WHERE id = ?1", [capture], |row| row.get(0))?;
    let mut statement = tx.prepare("SELECT sha256 FROM capture_artefacts WHERE capture_id = ?1 ORDER BY kind")?;
    let mut digests: Vec<String> =
        statement.query_map([capture], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    digests.push(sha256_hex(manifest.as_bytes()));
    Ok(digests)
}

fn delete_capture(tx: &Tx, capture: i64) -> Result<()> {
    delete_file_exports(tx, "captures", &capture)?;
    tx.execute("DELETE FROM disputes WHERE capture_id = ?1", [capture])?;
    tx.execute("DELETE FROM redactions WHERE capture_id = ?1", [capture])?;
    tx.execute("DELETE FROM capture_artefacts WHERE capture_id = ?1", [capture])?;
    tx.execute("DELETE FROM captures WHERE id = ?1", [capture])?;
    Ok(())
}

/// The digest of a session's trail and recorded responses, as stored: each row's fields
/// joined by tabs, the trail's rows then the responses', each in the order stored.
fn trail_digest(tx: &rusqlite::Connection, session: i64) -> Result<String> {
    let mut statement = tx.prepare(
        "SELECT line FROM (
             SELECT 0 AS part, id, at || char(9) || kind || char(9) || tab || char(9) || url || char(9) || detail AS line
               FROM trail_events WHERE session_id = ?1
             UNION ALL
             SELECT 1, id, at || char(9) || tab || char(9) || url || char(9) || response
               FROM document_responses WHERE session_id = ?1)
         ORDER BY part, id",
    )?;
    let rows = statement.query_map([session], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(sha256_hex(rows.join("\n").as_bytes()))
}

fn delete_trail(tx: &Tx, session: i64) -> Result<()> {
    tx.execute("DELETE FROM trail_events WHERE session_id = ?1", [session])?;
    tx.execute("DELETE FROM document_responses WHERE session_id = ?1", [session])?;
    // The private channel's secret is of no use once the trail is gone.
    tx.execute("UPDATE access_sessions SET channel_secret = NULL WHERE id = ?1", [session])?;
    Ok(())
}

fn ids(tx: &rusqlite::Connection, sql: &str, id: i64) -> Result<Vec<i64>> {
    let mut statement = tx.prepare(sql)?;
    let found = statement.query_map([id], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(found)
}

/// A request's id and the digests it has: its content's, each capture's and each trail's.
fn request_digests(conn: &rusqlite::Connection, reference: &str) -> Result<(i64, Vec<String>)> {
    let (id, content): (i64, String) = conn
        .query_row("SELECT id, content FROM requests WHERE reference = ?1", [reference], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "request", id: reference.to_string() })?;
    let mut digests = vec![sha256_hex(content.as_bytes())];
    for session in ids(conn, "SELECT id FROM access_sessions WHERE request_id = ?1 ORDER BY id", id)? {
        for capture in ids(conn, "SELECT id FROM captures WHERE session_id = ?1 ORDER BY id", session)? {
            digests.extend(capture_digests(conn, capture)?);
        }
        digests.push(trail_digest(conn, session)?);
    }
    Ok((id, digests))
}

/// The digests a due record has, read without changing anything: what its tombstone will
/// keep (for audit events, the hash of the last event cut).
fn record_digests(conn: &rusqlite::Connection, item: &Due) -> Result<Vec<String>> {
    let content = |table: &str, what: &'static str| -> Result<Vec<String>> {
        let content: String = conn
            .query_row(&format!("SELECT content FROM {table} WHERE id = ?1"), [number(item, what)?], |row| row.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what, id: item.id.clone() })?;
        Ok(vec![sha256_hex(content.as_bytes())])
    };
    Ok(match item.kind {
        RecordKind::Request => request_digests(conn, &item.id)?.1,
        RecordKind::Capture => capture_digests(conn, number(item, "capture")?)?,
        RecordKind::SessionTrail => vec![trail_digest(conn, number(item, "session")?)?],
        RecordKind::Draft => content("request_drafts", "draft")?,
        RecordKind::Incident => content("incidents", "incident")?,
        RecordKind::AuditEvents => {
            let hash: String = conn
                .query_row("SELECT hash FROM audit_events WHERE seq = ?1", [number(item, "audit event")?], |row| {
                    row.get(0)
                })
                .optional()?
                .ok_or_else(|| StoreError::NotFound { what: "audit event", id: item.id.clone() })?;
            vec![hash]
        }
    })
}

/// Forgets the exported files of a request (by reference) or a capture (by id): their
/// records name where a disposed record's copies were, and go with it.
fn delete_file_exports(tx: &Tx, column: &str, value: &dyn rusqlite::ToSql) -> Result<()> {
    let holding = format!(
        "SELECT e.id FROM file_exports e WHERE EXISTS (SELECT 1 FROM json_each(e.{column}) j WHERE j.value = ?1)"
    );
    tx.execute(&format!("DELETE FROM file_export_paths WHERE export_id IN ({holding})"), [value])?;
    tx.execute(&format!("DELETE FROM file_exports WHERE id IN ({holding})"), [value])?;
    Ok(())
}

/// Removes a whole request and everything of it; returns the digests it had: its content's,
/// each capture's and each trail's.
fn delete_request(tx: &Tx, reference: &str) -> Result<Vec<String>> {
    let (id, digests) = request_digests(tx, reference)?;
    let sessions = ids(tx, "SELECT id FROM access_sessions WHERE request_id = ?1 ORDER BY id", id)?;
    for session in &sessions {
        for capture in ids(tx, "SELECT id FROM captures WHERE session_id = ?1 ORDER BY id", *session)? {
            delete_capture(tx, capture)?;
        }
        delete_trail(tx, *session)?;
    }
    delete_file_exports(tx, "requests", &reference)?;
    for (table, column) in [
        ("access_sessions", "request_id"),
        ("pilot_feedback", "request_id"),
        ("pilot_rechecks", "request_id"),
        ("pilot_process_ratings", "request_id"),
        ("repeat_viewing_events", "request_id"),
        ("care_record_filings", "request_id"),
        ("pdf_exports", "request_id"),
        ("bundle_exports", "request_id"),
        ("investigation_logs", "request_id"),
        ("decisions", "request_id"),
        ("authorisations", "request_id"),
        ("request_subjects", "request_id"),
        ("request_drafts", "request_id"),
        ("request_drafts", "parent_id"),
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE {column} = ?1"), [id])?;
    }
    tx.execute("UPDATE requests SET parent_id = NULL WHERE parent_id = ?1", [id])?;
    tx.execute("DELETE FROM disputes WHERE request = ?1", [reference])?;
    tx.execute("DELETE FROM requests WHERE id = ?1", [id])?;
    // A person named in no other request, authorisation or session is not kept for nothing.
    tx.execute(
        "DELETE FROM persons WHERE id NOT IN (SELECT person_id FROM request_subjects WHERE person_id IS NOT NULL)
           AND id NOT IN (SELECT person_id FROM authorisations WHERE person_id IS NOT NULL)
           AND id NOT IN (SELECT person_id FROM access_sessions WHERE person_id IS NOT NULL)",
        [],
    )?;
    Ok(digests)
}

/// Removes one row of a table with a `content` column (a draft, an incident); returns the
/// content's digest.
fn delete_content_row(tx: &Tx, table: &str, what: &'static str, item: &Due) -> Result<String> {
    let id = number(item, what)?;
    let content: String = tx
        .query_row(&format!("SELECT content FROM {table} WHERE id = ?1"), [id], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what, id: item.id.clone() })?;
    tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
    Ok(sha256_hex(content.as_bytes()))
}

/// A due record's number: a capture's, a session's, a draft's or an incident's.
fn number(item: &Due, what: &'static str) -> Result<i64> {
    item.id.parse().map_err(|_| StoreError::NotFound { what, id: item.id.clone() })
}

impl Store {
    /// What the retention rules read: each request's state, end and last activity, holds,
    /// captures' judgements, sessions with a trail, and drafts.
    pub fn retention_facts(&self) -> Result<Facts> {
        let mut facts = Facts::default();
        let mut statement = self.conn.prepare(
            "SELECT r.reference, r.state,
                    (SELECT MAX(d.at) FROM decisions d WHERE d.request_id = r.id AND d.to_state IN ('refused', 'withdrawn', 'closed') AND d.from_state <> d.to_state),
                    MAX(r.updated_at,
                        COALESCE((SELECT MAX(s.started_at) FROM access_sessions s WHERE s.request_id = r.id), ''),
                        COALESCE((SELECT MAX(c.created_at) FROM captures c JOIN access_sessions s ON s.id = c.session_id WHERE s.request_id = r.id), '')),
                    EXISTS (SELECT 1 FROM legal_holds h WHERE h.request = r.reference AND h.released_at IS NULL),
                    EXISTS (SELECT 1 FROM access_sessions s WHERE s.request_id = r.id AND s.ended_at IS NULL)
             FROM requests r ORDER BY r.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, bool>(4)?,
                row.get::<_, bool>(5)?,
            ))
        })?;
        for row in rows {
            let (reference, state, ended, last, on_hold, session_open) = row?;
            let state = RequestState::parse(&state)
                .ok_or_else(|| StoreError::Refused(format!("request {reference} has an unknown state {state}")))?;
            facts.requests.push(RequestFacts {
                reference,
                state,
                ended_on: ended.as_deref().map(day_of),
                last_activity: day_of(&last),
                on_hold,
                session_open,
            });
        }
        let mut statement = self.conn.prepare(
            "SELECT c.id, r.reference, c.judgement, COALESCE(c.judged_at, c.created_at)
             FROM captures c JOIN access_sessions s ON s.id = c.session_id JOIN requests r ON r.id = s.request_id ORDER BY c.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (id, request, judgement, judged_at) = row?;
            let relevant = judgement
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
                .and_then(|j| j["relevant"].as_bool());
            facts.captures.push(CaptureFacts { id, request, judged: relevant.map(|r| (r, day_of(&judged_at))) });
        }
        let mut statement = self.conn.prepare(
            "SELECT s.id, r.reference,
                    EXISTS (SELECT 1 FROM trail_events t WHERE t.session_id = s.id)
                    OR EXISTS (SELECT 1 FROM document_responses d WHERE d.session_id = s.id)
             FROM access_sessions s JOIN requests r ON r.id = s.request_id ORDER BY s.id",
        )?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, bool>(2)?)))?;
        for row in rows {
            let (id, request, has_trail) = row?;
            facts.sessions.push(SessionFacts { id, request, has_trail });
        }
        let mut statement = self.conn.prepare(
            "SELECT d.id, COALESCE(r.reference, p.reference), d.updated_at
             FROM request_drafts d LEFT JOIN requests r ON r.id = d.request_id LEFT JOIN requests p ON p.id = d.parent_id
             ORDER BY d.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (id, request, updated) = row?;
            facts.drafts.push(DraftFacts { id, request, updated_on: day_of(&updated) });
        }
        let mut statement = self.conn.prepare("SELECT id, request, recorded_at FROM incidents ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (id, request, recorded) = row?;
            facts.incidents.push(IncidentFacts { id, request, recorded_on: day_of(&recorded) });
        }
        let mut statement = self.conn.prepare(
            "SELECT e.seq, e.at, e.request IS NOT NULL AND EXISTS (SELECT 1 FROM requests r WHERE r.reference = e.request)
             FROM audit_events e ORDER BY e.seq",
        )?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, bool>(2)?)))?;
        for row in rows {
            let (seq, at, request_kept) = row?;
            facts.audit.push(AuditEventFacts { seq: seq as u64, on: day_of(&at), request_kept });
        }
        Ok(facts)
    }

    fn open_hold(&self, reference: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM legal_holds WHERE request = ?1 AND released_at IS NULL ORDER BY id DESC LIMIT 1",
                [reference],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Places a legal hold on a request: nothing of it is disposed of until it is released.
    pub fn place_hold(&mut self, reference: &str, by: &str, reason: &str, now: DateTime<Utc>) -> Result<HoldRecord> {
        let worker = self.recorder()?;
        let request = self.request(reference)?;
        if self.open_hold(&request.reference)?.is_some() {
            return Err(StoreError::Refused(format!("request {} is already on legal hold", request.reference)));
        }
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO legal_holds (request, placed_by, reason, placed_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![request.reference, by, reason, stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "retention.hold",
                vec![format!("request:{}", request.reference)],
                &(by, reason),
            );
            Ok(((), event))
        })?;
        self.holds().map(|h| h.into_iter().rev().find(|h| h.request == request.reference).expect("just placed"))
    }

    /// Releases a request's legal hold: its records fall due again under the policy.
    pub fn release_hold(&mut self, reference: &str, by: &str, reason: &str, now: DateTime<Utc>) -> Result<HoldRecord> {
        let worker = self.recorder()?;
        let Some(hold) = self.open_hold(reference)? else {
            return Err(StoreError::Refused(format!("request {reference} is not on legal hold")));
        };
        self.write(now, |tx| {
            tx.execute(
                "UPDATE legal_holds SET released_by = ?1, release_reason = ?2, released_at = ?3 WHERE id = ?4",
                rusqlite::params![by, reason, stamp(now), hold],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "retention.release",
                vec![format!("request:{reference}")],
                &(by, reason),
            );
            Ok(((), event))
        })?;
        self.holds().map(|h| h.into_iter().rev().find(|h| h.request == reference).expect("just released"))
    }

    /// Every legal hold, placed and released, oldest first.
    pub fn holds(&self) -> Result<Vec<HoldRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT request, placed_by, reason, placed_at, released_by, release_reason, released_at FROM legal_holds ORDER BY id",
        )?;
        let holds = statement
            .query_map([], |row| {
                Ok(HoldRecord {
                    request: row.get(0)?,
                    placed_by: row.get(1)?,
                    reason: row.get(2)?,
                    placed_at: row.get(3)?,
                    released_by: row.get(4)?,
                    release_reason: row.get(5)?,
                    released_at: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(holds)
    }

    /// Disposes of each record listed as due: removed in one transaction each, with its
    /// tombstone and audit event; then the journal is checkpointed so that no page of what
    /// was removed is left anywhere in the store's files.
    /// `dating` says whose clock `now` is: the laptop's own, or one a time-stamping authority
    /// confirmed, whose answer is kept (with the list it covers) beside the tombstones.
    pub fn dispose(
        &mut self,
        due: &[Due],
        by: &str,
        now: DateTime<Utc>,
        dating: &DisposalDating,
    ) -> Result<Vec<DisposalRecord>> {
        let worker = self.recorder()?;
        let key = match due.iter().any(|d| d.kind == RecordKind::AuditEvents) {
            true => Some(self.signing_key(now)?),
            false => None,
        };
        let (time_source, stamp_id) = match dating {
            DisposalDating::Authority(stamp) if !due.is_empty() => ("tsa", Some(self.keep_stamp(stamp, worker, now)?)),
            _ => ("laptop_clock", None),
        };
        let timestamped_at = match dating {
            DisposalDating::Authority(stamp) => Some(stamp_time(stamp.stamped_at)),
            DisposalDating::LaptopClock => None,
        };
        let mut done = Vec::new();
        for item in due {
            let record = self.write(now, |tx| {
                let digests = match item.kind {
                    RecordKind::Request => delete_request(tx, &item.id)?,
                    RecordKind::Capture => {
                        let id = number(item, "capture")?;
                        let digests = capture_digests(tx, id)?;
                        delete_capture(tx, id)?;
                        digests
                    }
                    RecordKind::SessionTrail => {
                        let id = number(item, "session")?;
                        let digest = trail_digest(tx, id)?;
                        delete_trail(tx, id)?;
                        vec![digest]
                    }
                    RecordKind::Draft => vec![delete_content_row(tx, "request_drafts", "draft", item)?],
                    RecordKind::Incident => vec![delete_content_row(tx, "incidents", "incident", item)?],
                    RecordKind::AuditEvents => {
                        let through = number(item, "audit event")? as u64;
                        let key = key.as_ref().expect("the key is taken when audit events are due");
                        crate::audit::prune(tx, through, item.due_on, key, by, now)?
                    }
                };
                let record = DisposalRecord {
                    kind: item.kind,
                    object: item.id.clone(),
                    request: item.request.clone(),
                    digests,
                    rule: item.rule,
                    trigger_on: item.trigger_on,
                    due_on: item.due_on,
                    disposed_at: stamp(now),
                    disposed_by: by.to_string(),
                    time_source: time_source.to_string(),
                    timestamped_at: timestamped_at.clone(),
                };
                tx.execute(
                    "INSERT INTO disposals (kind, object, request, digests, rule, trigger_on, due_on, disposed_at, disposed_by,
                     time_source, stamp_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    rusqlite::params![
                        kind_name(item.kind),
                        record.object,
                        record.request,
                        serde_json::to_string(&record.digests).expect("digests serialise"),
                        serde_json::to_value(item.rule).expect("a rule serialises").as_str().unwrap_or_default(),
                        item.trigger_on.to_string(),
                        item.due_on.to_string(),
                        record.disposed_at,
                        record.disposed_by,
                        time_source,
                        stamp_id,
                    ],
                )?;
                let event = NewAuditEvent::of_change(
                    Actor::Worker(worker),
                    "retention.dispose",
                    vec![format!("{}:{}", kind_name(item.kind), item.id)],
                    &record,
                );
                Ok((record, event))
            })?;
            done.push(record);
        }
        if !done.is_empty() {
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(done)
    }

    /// The list a time-stamping authority is asked to stamp before `due` is disposed of, as
    /// canonical JSON: each record's kind, id, request, rule, dates and the digests its
    /// tombstone will keep, and the laptop's time. Ids and digests only, like the tombstones.
    pub fn disposal_list(&self, due: &[Due], now: DateTime<Utc>) -> Result<String> {
        let mut records = Vec::new();
        for item in due {
            records.push(serde_json::json!({
                "kind": kind_name(item.kind),
                "object": item.id,
                "request": item.request,
                "rule": item.rule,
                "trigger_on": item.trigger_on.to_string(),
                "due_on": item.due_on.to_string(),
                "digests": record_digests(&self.conn, item)?,
            }));
        }
        let list = serde_json::json!({
            "format": DISPOSAL_LIST_FORMAT,
            "laptop_time": stamp_time(now),
            "records": records,
        });
        Ok(triangulate_evidence::canonical_json(&list))
    }

    fn keep_stamp(&mut self, stamp: &DisposalStamp, worker: i64, now: DateTime<Utc>) -> Result<i64> {
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO disposal_stamps (document, answer, authority, stamped_at, laptop_time) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![stamp.document, stamp.answer, stamp.authority, stamp_time(stamp.stamped_at), stamp_time(now)],
            )?;
            let id = tx.last_insert_rowid();
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "retention.timestamped",
                vec![format!("disposal_stamp:{id}"), format!("sha256:{}", sha256_hex(stamp.document.as_bytes()))],
                &(stamp_time(stamp.stamped_at), stamp_time(now), sha256_hex(&stamp.answer)),
            );
            Ok((id, event))
        })
    }

    /// The time-stamping authorities' answers kept with tombstones, oldest first.
    pub fn disposal_stamps(&self) -> Result<Vec<DisposalStampRecord>> {
        use base64::Engine;
        let mut statement = self.conn.prepare(
            "SELECT id, document, answer, authority, stamped_at, laptop_time FROM disposal_stamps ORDER BY id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok(DisposalStampRecord {
                    id: row.get(0)?,
                    document: row.get(1)?,
                    answer: base64::engine::general_purpose::STANDARD.encode(row.get::<_, Vec<u8>>(2)?),
                    authority: row.get(3)?,
                    stamped_at: row.get(4)?,
                    laptop_time: row.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The time of the latest audit event, as recorded: a clock earlier than it is wrong.
    pub fn latest_event_time(&self) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = self
            .conn
            .query_row("SELECT at FROM audit_events ORDER BY seq DESC LIMIT 1", [], |row| row.get(0))
            .optional()?;
        Ok(at.as_deref().map(stored_time))
    }

    /// Records what an export other than a PDF or a bundle wrote — each file with its digest
    /// and each folder it made — and which requests and captures it holds, with an audit event
    /// of ids and digests (`subject` names what was exported: `capture:N`, `person:N`).
    pub fn record_file_export(
        &mut self,
        kind: &str,
        subject: &str,
        requests: &[String],
        captures: &[i64],
        files: &[KnownFile],
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let worker = self.worker_profile()?.map(|w| w.id);
        let actor = worker.map_or(Actor::System, Actor::Worker);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO file_exports (kind, requests, captures, exported_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    kind,
                    serde_json::to_string(requests).expect("references serialise"),
                    serde_json::to_string(captures).expect("ids serialise"),
                    stamp(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            for file in files {
                tx.execute(
                    "INSERT INTO file_export_paths (export_id, path, sha256, bytes, folder) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![id, file.path, file.sha256, file.bytes as i64, file.folder],
                )?;
            }
            let digests: Vec<&str> = files.iter().filter_map(|f| f.sha256.as_deref()).collect();
            let event = NewAuditEvent::of_change(
                actor,
                "export.files",
                vec![subject.to_string(), format!("file_export:{id}")],
                &serde_json::json!({ "kind": kind, "files": digests, "folders": files.len() - digests.len() }),
            );
            Ok((id, event))
        })
    }

    /// What disposing of `due` will reach outside the database; read before it is disposed of.
    pub fn disposal_reach(&self, due: &[Due]) -> Result<Reach> {
        let mut sessions: Vec<i64> = Vec::new();
        let mut reach = Reach::default();
        for item in due {
            match item.kind {
                RecordKind::SessionTrail => sessions.extend(item.id.parse::<i64>().ok()),
                RecordKind::Request => {
                    let mut statement = self.conn.prepare(
                        "SELECT s.id FROM access_sessions s JOIN requests r ON r.id = s.request_id WHERE r.reference = ?1",
                    )?;
                    let found = statement
                        .query_map([&item.id], |row| row.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    sessions.extend(found);
                    let mut statement = self.conn.prepare(
                        "SELECT e.path, e.sha256, e.bytes FROM pdf_exports e JOIN requests r ON r.id = e.request_id WHERE r.reference = ?1
                         UNION ALL
                         SELECT b.path, NULL, b.bytes FROM bundle_exports b JOIN requests r ON r.id = b.request_id WHERE r.reference = ?1",
                    )?;
                    let files = statement
                        .query_map([&item.id], |row| {
                            Ok(KnownFile {
                                path: row.get(0)?,
                                sha256: row.get(1)?,
                                bytes: row.get::<_, i64>(2)? as u64,
                                folder: false,
                            })
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    reach.files.extend(files);
                    reach.files.extend(self.exported_files("requests", &item.id)?);
                }
                RecordKind::Capture => {
                    reach.files.extend(self.exported_files("captures", &number(item, "capture")?)?);
                }
                RecordKind::Draft | RecordKind::AuditEvents | RecordKind::Incident => {}
            }
        }
        let mut seen = std::collections::HashSet::new();
        reach.files.retain(|f| seen.insert(f.path.clone()));
        for session in sessions {
            let account: i64 =
                self.conn
                    .query_row("SELECT account_id FROM access_sessions WHERE id = ?1", [session], |row| row.get(0))?;
            let mut statement = self.conn.prepare(
                "SELECT DISTINCT url FROM trail_events WHERE session_id = ?1 AND url <> ''
                 UNION SELECT DISTINCT url FROM document_responses WHERE session_id = ?1",
            )?;
            let mut urls =
                statement.query_map([session], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            let mut manifests = self.conn.prepare("SELECT manifest FROM captures WHERE session_id = ?1")?;
            for manifest in manifests.query_map([session], |row| row.get::<_, String>(0))? {
                if let Ok(read) = crate::captures::Manifest::read(&manifest?) {
                    urls.push(read.provenance.url);
                    urls.push(read.provenance.original_url);
                }
            }
            match reach.pages.iter_mut().find(|(a, _)| *a == account) {
                Some((_, known)) => known.extend(urls),
                None => reach.pages.push((account, urls)),
            }
        }
        for (_, urls) in &mut reach.pages {
            urls.sort();
            urls.dedup();
        }
        Ok(reach)
    }

    /// Every file and folder of the exports that hold the request (`requests`, by reference)
    /// or the capture (`captures`, by id).
    fn exported_files(&self, column: &str, value: &dyn rusqlite::ToSql) -> Result<Vec<KnownFile>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT p.path, p.sha256, p.bytes, p.folder FROM file_export_paths p JOIN file_exports e ON e.id = p.export_id
             WHERE EXISTS (SELECT 1 FROM json_each(e.{column}) j WHERE j.value = ?1) ORDER BY p.id"
        ))?;
        let files = statement
            .query_map([value], |row| {
                Ok(KnownFile {
                    path: row.get(0)?,
                    sha256: row.get(1)?,
                    bytes: row.get::<_, i64>(2)? as u64,
                    folder: row.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(files)
    }

    /// Keeps pages to remove from an account's browser once it is closed.
    pub fn defer_browser_cleanup(&mut self, account: i64, urls: &[String], now: DateTime<Utc>) -> Result<()> {
        let worker = self.recorder()?;
        let text = serde_json::to_string(urls).expect("addresses serialise");
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO browser_cleanups (account_id, urls, created_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![account, text, stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "retention.browser_deferred",
                vec![format!("account:{account}")],
                &sha256_hex(text.as_bytes()),
            );
            Ok(((), event))
        })
    }

    /// The pages waiting to be removed from each account's browser; taken, so that each is
    /// done once (the caller puts back what it could not do).
    pub fn take_browser_cleanups(&mut self) -> Result<Vec<(i64, Vec<String>)>> {
        let mut statement = self.conn.prepare("SELECT account_id, urls FROM browser_cleanups ORDER BY id")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(statement);
        if !rows.is_empty() {
            self.conn.execute("DELETE FROM browser_cleanups", [])?;
        }
        Ok(rows.into_iter().map(|(a, urls)| (a, serde_json::from_str(&urls).unwrap_or_default())).collect())
    }

    /// Every tombstone, oldest first.
    pub fn disposals(&self) -> Result<Vec<DisposalRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT d.kind, d.object, d.request, d.digests, d.rule, d.trigger_on, d.due_on, d.disposed_at, d.disposed_by,
                    d.time_source, s.stamped_at
             FROM disposals d LEFT JOIN disposal_stamps s ON s.id = d.stamp_id ORDER BY d.id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                    (row.get::<_, String>(9)?, row.get::<_, Option<String>>(10)?),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(kind, object, request, digests, rule, trigger_on, due_on, disposed_at, disposed_by, dating)| {
                let damaged = |what: &str| StoreError::Refused(format!("a tombstone's {what} cannot be read"));
                Ok(DisposalRecord {
                    kind: serde_json::from_value(serde_json::Value::String(kind)).map_err(|_| damaged("kind"))?,
                    object,
                    request,
                    digests: serde_json::from_str(&digests).map_err(|_| damaged("digests"))?,
                    rule: serde_json::from_value(serde_json::Value::String(rule)).map_err(|_| damaged("rule"))?,
                    trigger_on: trigger_on.parse().map_err(|_| damaged("trigger"))?,
                    due_on: due_on.parse().map_err(|_| damaged("due date"))?,
                    disposed_at,
                    disposed_by,
                    time_source: dating.0,
                    timestamped_at: dating.1,
                })
            })
            .collect()
    }
}
