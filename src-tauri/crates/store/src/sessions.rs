//! Access sessions, the trail recorded as it happens, and captures: artefacts with their
//! SHA-256 digests and a manifest signed with the installation's Ed25519 key, stored in one
//! transaction so that a capture exists whole or not at all.

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use triangulate_core::evidence::{Judgement, MANIFEST_FORMAT, canonical_json, png_dimensions, sha256_hex};
use triangulate_core::guards::{DirectedSurveillance, GuardDecision, may_start_session, repeat_viewing};
use triangulate_core::scope::url_in_profiles;
use triangulate_core::workflow::{Decision, RequestState, Step};
use triangulate_core::{Actor, NewAuditEvent, Policy};
use zeroize::Zeroize;

use crate::error::{Result, StoreError};
use crate::requests::{RequestRecord, record_step, stamp};
use crate::{AuthorisationKind, Store};

const SIGNING_KEY_NAME: &str = "capture_signing_key";

#[derive(Debug, Clone, Serialize)]
pub struct SessionRecord {
    pub id: i64,
    pub request: String,
    pub subject: usize,
    pub person_id: Option<i64>,
    pub account_id: i64,
    pub worker_id: i64,
    pub browser: String,
    pub devtools_url: String,
    pub browser_pid: Option<u32>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
}

/// What a session start needs that the guards do not decide: the browser it opened.
pub struct SessionBrowser<'a> {
    pub product: &'a str,
    pub devtools_url: &'a str,
    pub pid: Option<u32>,
}

/// One step of the trail, as the recorder saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEvent {
    pub at: DateTime<Utc>,
    /// `navigation`, `redirect`, `same_document`, `new_tab`, `tab_closed`, `attached`.
    pub kind: String,
    /// The DevTools target id of the tab.
    pub tab: String,
    pub url: String,
    /// Event-specific facts: the redirect's status, the opener of a new tab.
    pub detail: serde_json::Value,
}

/// A document's HTTP response as the recorder saw it: status, headers, server address, TLS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentResponse {
    pub at: DateTime<Utc>,
    pub tab: String,
    pub url: String,
    pub response: serde_json::Value,
}

/// An artefact as captured: its bytes are hashed before they are stored.
pub struct NewArtefact {
    pub kind: &'static str,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArtefactRecord {
    pub kind: String,
    pub media_type: String,
    pub sha256: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaptureRecord {
    pub id: i64,
    pub session_id: i64,
    pub created_at: String,
    /// The manifest exactly as signed (canonical JSON).
    pub manifest: String,
    /// Ed25519 over the manifest's bytes, base64.
    pub signature: String,
    pub artefacts: Vec<ArtefactRecord>,
    pub judgement: Option<Judgement>,
}

/// The installation's public key, as an exhibit's reader needs it.
#[derive(Debug, Clone, Serialize)]
pub struct SigningKeyInfo {
    pub algorithm: &'static str,
    pub public_key: String,
    /// SHA-256 of the raw public key, hex.
    pub fingerprint: String,
}

/// Whether a manifest's signature verifies with the public key it names.
pub fn verify_manifest(manifest: &str, signature_base64: &str) -> std::result::Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| format!("the manifest is not JSON: {e}"))?;
    if value["format"] != MANIFEST_FORMAT {
        return Err(format!("the manifest's format is {}, not {MANIFEST_FORMAT}", value["format"]));
    }
    if canonical_json(&value) != manifest {
        return Err("the manifest is not in canonical form".into());
    }
    let key_hex = value["signing_key"]["public_key"].as_str().ok_or("the manifest names no public key")?;
    let key_bytes: [u8; 32] = hex::decode(key_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the manifest's public key is not 32 bytes of hex")?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|e| format!("the public key is not valid: {e}"))?;
    let signature_bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(signature_base64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64")?;
    key.verify(manifest.as_bytes(), &ed25519_dalek::Signature::from_bytes(&signature_bytes))
        .map_err(|_| "the signature does not match the manifest".to_string())
}

/// A time as stored (RFC 3339), read back; the epoch for text that is not one.
fn stored_time(text: &str) -> DateTime<Utc> {
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
        started_at: row.get(9)?,
        ended_at: row.get(10)?,
        end_reason: row.get(11)?,
    })
}

const SESSION_COLUMNS: &str = "s.id, r.reference, s.subject, s.person_id, s.account_id, s.worker_id, s.browser, \
     s.devtools_url, s.browser_pid, s.started_at, s.ended_at, s.end_reason";

fn refused(what: &str, decision: &GuardDecision) -> StoreError {
    let reasons: Vec<String> = decision.refusals().iter().map(|r| r.to_string()).collect();
    StoreError::Refused(format!("{what}: {}", reasons.join("; ")))
}

impl Store {
    /// Every check before a session opens a browser: the request's state, the worker, the
    /// account, legal advice, a prospective adopter's consent, and repeat viewing of the
    /// person. Returns the request and the warnings to show.
    pub fn check_session_start(
        &self,
        reference: &str,
        subject: usize,
        account_id: i64,
        policy: &Policy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(RequestRecord, Vec<String>)> {
        let request = self.request(reference)?;
        let link = request.subjects.iter().find(|s| s.subject == subject).ok_or_else(|| {
            StoreError::Fields(vec![triangulate_core::FieldError::new(
                "subject",
                format!("Request {} has no subject {subject}: it has {}", request.reference, request.subjects.len()),
            )])
        })?;
        let facts = self.session_facts(&request, account_id, policy, today)?;
        let mut decision = may_start_session(&facts);
        if let Some(person) = link.person_id {
            let earlier = self.earlier_views(person)?;
            let authorisations: Vec<DirectedSurveillance> = self
                .authorisations()?
                .into_iter()
                .filter(|a| a.kind == AuthorisationKind::DirectedSurveillance && a.person_id == Some(person))
                .map(|a| DirectedSurveillance {
                    reference: a.reference,
                    granted: a.granted,
                    review_due: a.review_due,
                    expires: a.expires,
                    cancelled_on: a.cancelled_at.as_deref().and_then(|c| c.get(..10)).and_then(|d| d.parse().ok()),
                })
                .collect();
            decision = decision.and(repeat_viewing(now, today, &policy.repeat_viewing, &earlier, &authorisations));
        }
        if !decision.is_allowed() {
            return Err(refused("the access session cannot start", &decision));
        }
        Ok((request, decision.warnings().to_vec()))
    }

    /// The starts of earlier access sessions in which this person's pages were opened.
    fn earlier_views(&self, person: i64) -> Result<Vec<DateTime<Utc>>> {
        let mut statement = self.conn.prepare("SELECT started_at FROM access_sessions WHERE person_id = ?1")?;
        let starts =
            statement.query_map([person], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(starts.iter().map(|s| stored_time(s)).collect())
    }

    /// Records a session whose browser is open; the request's first session starts its access.
    /// The caller ran `check_session_start` before opening the browser and passes its result.
    pub fn start_session(
        &mut self,
        request: &RequestRecord,
        subject: usize,
        account_id: i64,
        browser: &SessionBrowser,
        now: DateTime<Utc>,
    ) -> Result<SessionRecord> {
        let worker = self.recorder()?;
        let worker_name = self.worker_profile()?.map(|w| w.name).unwrap_or_default();
        let person_id = request.subjects.iter().find(|s| s.subject == subject).and_then(|s| s.person_id);
        let id = self.write(now, |tx| {
            if request.state == RequestState::LegitimacyConfirmed {
                let decision =
                    Decision { decided_by: worker_name, evidence: None, note: Some("access session started".into()), conditions: None };
                record_step(tx, request.id, request.state, RequestState::InProgress, Step::StartAccess, &decision, worker, now)?;
            }
            tx.execute(
                "INSERT INTO access_sessions (request_id, subject, person_id, account_id, worker_id, browser, devtools_url, browser_pid, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![
                    request.id,
                    subject as i64,
                    person_id,
                    account_id,
                    worker,
                    browser.product,
                    browser.devtools_url,
                    browser.pid,
                    stamp(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let mut ids = vec![format!("session:{id}"), format!("request:{}", request.reference), format!("account:{account_id}")];
            ids.extend(person_id.map(|p| format!("person:{p}")));
            let event = NewAuditEvent::of_change(Actor::Worker(worker), "session.start", ids, &(subject, browser.product));
            Ok((id, event))
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
            return Err(StoreError::Refused(format!(
                "{url} is not within the profiles listed for {} in request {}: record why it belongs to this person (--outside-scope-reason), or raise a new request for the other person linked to this one (`request create --parent {}`), which the service director will see",
                subject.display_name(),
                request.reference,
                request.reference
            )));
        }
        Ok(())
    }

    /// The installation's signing key, made on first use; its fingerprint goes into the audit
    /// chain when it is made.
    pub fn signing_key_info(&mut self, now: DateTime<Utc>) -> Result<SigningKeyInfo> {
        let key = self.signing_key(now)?;
        Ok(key_info(&key.verifying_key()))
    }

    fn signing_key(&mut self, now: DateTime<Utc>) -> Result<SigningKey> {
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT value FROM installation_secrets WHERE name = ?1", [SIGNING_KEY_NAME], |row| row.get(0))
            .optional()?;
        if let Some(mut bytes) = stored {
            let mut seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| StoreError::Damaged {
                data_dir: self.data_dir.root().to_path_buf(),
                reason: "the capture signing key is not 32 bytes".into(),
            })?;
            bytes.zeroize();
            let key = SigningKey::from_bytes(&seed);
            seed.zeroize();
            return Ok(key);
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| StoreError::Damaged {
            data_dir: self.data_dir.root().to_path_buf(),
            reason: format!("the operating system gave no random bytes for the signing key: {e}"),
        })?;
        let key = SigningKey::from_bytes(&seed);
        let info = key_info(&key.verifying_key());
        let actor = self.worker_profile()?.map(|w| Actor::Worker(w.id)).unwrap_or(Actor::System);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO installation_secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![SIGNING_KEY_NAME, seed.as_slice(), stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "signing_key.create",
                vec![format!("signing-key:ed25519:{}", info.fingerprint)],
                &info.public_key,
            );
            Ok(((), event))
        })?;
        seed.zeroize();
        Ok(key)
    }

    /// Stores a capture whole: the artefacts' digests are computed here from the bytes, the
    /// manifest (canonical JSON) names them with the provenance, and is signed; all of it in
    /// one transaction with its audit event.
    pub fn store_capture(
        &mut self,
        session: &SessionRecord,
        provenance: serde_json::Value,
        artefacts: Vec<NewArtefact>,
        now: DateTime<Utc>,
    ) -> Result<CaptureRecord> {
        let key = self.signing_key(now)?;
        let info = key_info(&key.verifying_key());
        let request = self.request(&session.request)?;
        let account = self.account(session.account_id)?;
        let worker = self.worker_profile()?;
        let trail = self.trail(session.id)?;
        let records: Vec<ArtefactRecord> = artefacts
            .iter()
            .map(|a| {
                let dimensions = png_dimensions(&a.bytes);
                ArtefactRecord {
                    kind: a.kind.to_string(),
                    media_type: a.media_type.to_string(),
                    sha256: sha256_hex(&a.bytes),
                    size: a.bytes.len() as u64,
                    width: dimensions.map(|d| d.0),
                    height: dimensions.map(|d| d.1),
                }
            })
            .collect();
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO captures (session_id, manifest, signature, created_at) VALUES (?1, '', '', ?2)",
                rusqlite::params![session.id, stamp(now)],
            )?;
            let id = tx.last_insert_rowid();
            let manifest = serde_json::json!({
                "format": MANIFEST_FORMAT,
                "capture_id": id,
                "stored_at": stamp(now),
                "request": request.reference,
                "subject": session.subject,
                "person_id": session.person_id,
                "session": { "id": session.id, "started_at": session.started_at, "browser": session.browser },
                "account": { "id": account.id, "platform": account.platform, "handle": account.handle },
                "worker": worker.as_ref().map(|w| serde_json::json!({ "name": w.name, "staff_id": w.staff_id })),
                "artefacts": records,
                "provenance": provenance,
                "trail": trail,
                "signing_key": info,
            });
            let manifest = canonical_json(&manifest);
            let signature = base64::engine::general_purpose::STANDARD.encode(key.sign(manifest.as_bytes()).to_bytes());
            tx.execute(
                "UPDATE captures SET manifest = ?1, signature = ?2 WHERE id = ?3",
                rusqlite::params![manifest, signature, id],
            )?;
            for (artefact, record) in artefacts.iter().zip(&records) {
                tx.execute(
                    "INSERT INTO capture_artefacts (capture_id, kind, media_type, sha256, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![id, artefact.kind, artefact.media_type, record.sha256, artefact.bytes],
                )?;
            }
            let actor = Actor::Worker(session.worker_id);
            let ids = vec![format!("capture:{id}"), format!("session:{}", session.id), format!("request:{}", request.reference)];
            let event = NewAuditEvent::of_change(actor, "capture.store", ids, &manifest);
            Ok((id, event))
        })?;
        self.capture(id)
    }

    pub fn capture(&self, id: i64) -> Result<CaptureRecord> {
        let row = self
            .conn
            .query_row(
                "SELECT session_id, manifest, signature, judgement, created_at FROM captures WHERE id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "capture", id: id.to_string() })?;
        let (session_id, manifest, signature, judgement, created_at) = row;
        let parsed: serde_json::Value = serde_json::from_str(&manifest).unwrap_or_default();
        let artefacts: Vec<ArtefactRecord> = serde_json::from_value(parsed["artefacts"].clone()).unwrap_or_default();
        Ok(CaptureRecord {
            id,
            session_id,
            created_at,
            manifest,
            signature,
            artefacts,
            judgement: judgement.and_then(|j| serde_json::from_str(&j).ok()),
        })
    }

    /// An artefact's stored bytes and the digest stored beside them.
    pub fn capture_artefact(&self, capture: i64, kind: &str) -> Result<(Vec<u8>, String)> {
        self.conn
            .query_row(
                "SELECT bytes, sha256 FROM capture_artefacts WHERE capture_id = ?1 AND kind = ?2",
                rusqlite::params![capture, kind],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "artefact", id: format!("{capture}/{kind}") })
    }

    /// Every capture's id, in the order they were stored.
    pub fn capture_ids(&self) -> Result<Vec<i64>> {
        let mut statement = self.conn.prepare("SELECT id FROM captures ORDER BY id")?;
        let ids = statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Records (or replaces) the worker's judgement of a capture; the signed manifest is not
    /// touched, and the audit chain keeps every version's digest.
    pub fn judge_capture(&mut self, id: i64, judgement: &Judgement, now: DateTime<Utc>) -> Result<CaptureRecord> {
        let capture = self.capture(id)?;
        let worker = self.recorder()?;
        let text = serde_json::to_string(judgement).expect("a judgement serialises");
        self.write(now, |tx| {
            tx.execute("UPDATE captures SET judgement = ?1 WHERE id = ?2", rusqlite::params![text, capture.id])?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "capture.judge",
                vec![format!("capture:{id}")],
                judgement,
            );
            Ok(((), event))
        })?;
        self.capture(id)
    }
}

fn key_info(key: &VerifyingKey) -> SigningKeyInfo {
    SigningKeyInfo {
        algorithm: "Ed25519",
        public_key: hex::encode(key.as_bytes()),
        fingerprint: sha256_hex(key.as_bytes()),
    }
}
