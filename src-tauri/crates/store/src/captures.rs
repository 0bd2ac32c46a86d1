//! Captures: artefacts with their SHA-256 digests and a manifest signed with the
//! installation's key, stored in one transaction so that a capture exists whole or not at
//! all; and the worker's judgement of each.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::evidence::Judgement;
use triangulate_core::{Actor, NewAuditEvent};
use triangulate_evidence::{
    MANIFEST_FORMAT, ManifestAccount, ManifestSession, ManifestWorker, SigningKeyInfo, sign_manifest,
};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;
use crate::sessions::SessionRecord;

/// The artefacts, the manifest and its check belong to the evidence.
pub use triangulate_evidence::{ArtefactRecord, Manifest, NewArtefact, Provenance, verify_manifest};
pub use triangulate_evidence::redaction::RedactionManifest;

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

impl CaptureRecord {
    /// Its signed manifest, read into the evidence crate's types; `None` while the capture is
    /// being written (its manifest is empty until it is signed).
    pub fn read_manifest(&self) -> Option<Manifest> {
        Manifest::read(&self.manifest).ok()
    }

    /// The address the capture was taken at, from its manifest; empty while it is written.
    pub fn url(&self) -> String {
        self.read_manifest().map(|m| m.provenance.url).unwrap_or_default()
    }
}

impl RedactionRecord {
    /// Its signed manifest, read into the evidence crate's types.
    pub fn read_manifest(&self) -> Option<RedactionManifest> {
        RedactionManifest::read(&self.manifest).ok()
    }
}

impl Store {
    /// Stores a capture whole: the artefacts' digests are computed here from the bytes, the
    /// manifest (canonical JSON) names them with the provenance, and is signed; all of it in
    /// one transaction with its audit event.
    pub fn store_capture(
        &mut self,
        session: &SessionRecord,
        provenance: Provenance,
        artefacts: Vec<NewArtefact>,
        now: DateTime<Utc>,
    ) -> Result<CaptureRecord> {
        let key = self.signing_key(now)?;
        let request = self.request(&session.request)?;
        let account = self.account(session.account_id)?;
        let worker = self.worker_profile()?;
        let mut manifest = Manifest {
            format: MANIFEST_FORMAT.to_string(),
            // The capture's id is known once its row is written, below.
            capture_id: 0,
            stored_at: stamp(now),
            request: request.reference.clone(),
            subject: session.subject,
            person_id: session.person_id,
            session: ManifestSession {
                id: session.id,
                started_at: session.started_at.clone(),
                browser: session.browser.clone(),
            },
            account: ManifestAccount { id: account.id, platform: account.platform, handle: account.handle },
            worker: worker.map(|w| ManifestWorker { name: w.name, staff_id: w.staff_id }),
            artefacts: artefacts.iter().map(NewArtefact::record).collect(),
            provenance,
            trail: self.trail(session.id)?,
            signing_key: SigningKeyInfo::of(&key),
        };
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO captures (session_id, manifest, signature, created_at) VALUES (?1, '', '', ?2)",
                rusqlite::params![session.id, stamp(now)],
            )?;
            let id = tx.last_insert_rowid();
            manifest.capture_id = id;
            let text = manifest.to_canonical_json();
            let signature = sign_manifest(&key, &text);
            tx.execute(
                "UPDATE captures SET manifest = ?1, signature = ?2 WHERE id = ?3",
                rusqlite::params![text, signature, id],
            )?;
            for (artefact, record) in artefacts.iter().zip(&manifest.artefacts) {
                tx.execute(
                    "INSERT INTO capture_artefacts (capture_id, kind, media_type, sha256, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![id, artefact.kind, artefact.media_type, record.sha256, artefact.bytes],
                )?;
            }
            let actor = Actor::Worker(session.worker_id);
            let ids = vec![format!("capture:{id}"), format!("session:{}", session.id), format!("request:{}", request.reference)];
            let event = NewAuditEvent::of_change(actor, "capture.store", ids, &text);
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
        let artefacts = Manifest::read(&manifest).map(|m| m.artefacts).unwrap_or_default();
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

    /// Records that a capture was opened on screen: every view of an exhibit is in the audit
    /// chain (the capture's id only).
    pub fn record_capture_view(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let worker = self.recorder()?;
        self.write(now, |_| {
            let event =
                NewAuditEvent::of_change(Actor::Worker(worker), "capture.view", vec![format!("capture:{id}")], &id);
            Ok(((), event))
        })
    }

    /// The captures of one access session, in the order they were taken.
    pub fn session_capture_ids(&self, session: i64) -> Result<Vec<i64>> {
        let mut statement = self.conn.prepare("SELECT id FROM captures WHERE session_id = ?1 ORDER BY id")?;
        let ids = statement.query_map([session], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Records (or replaces) the worker's judgement of a capture; the signed manifest is not
    /// touched, and the audit chain keeps every version's digest.
    pub fn judge_capture(&mut self, id: i64, judgement: &Judgement, now: DateTime<Utc>) -> Result<CaptureRecord> {
        let capture = self.capture(id)?;
        let worker = self.recorder()?;
        let text = serde_json::to_string(judgement).expect("a judgement serialises");
        self.write(now, |tx| {
            tx.execute(
                "UPDATE captures SET judgement = ?1, judged_at = ?2 WHERE id = ?3",
                rusqlite::params![text, crate::requests::stamp(now), capture.id],
            )?;
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

/// A redacted copy of one of a capture's pictures, as stored.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RedactionRecord {
    pub id: i64,
    pub capture_id: i64,
    pub artefact: String,
    /// The signed manifest (canonical JSON) linking it to its original.
    pub manifest: String,
    pub signature: String,
    pub sha256: String,
    pub created_at: String,
}

impl Store {
    /// Stores a redacted copy of a capture's picture, with its manifest signed by the
    /// installation's key, in one transaction with its audit event. `png` is the redacted
    /// picture; the original is not touched.
    #[allow(clippy::too_many_arguments)]
    pub fn store_redaction(
        &mut self,
        capture: i64,
        artefact: &str,
        boxes: &[triangulate_evidence::redaction::RedactionBox],
        reason: &str,
        by: &str,
        png: &[u8],
        (width, height): (u32, u32),
        now: DateTime<Utc>,
    ) -> Result<RedactionRecord> {
        let worker = self.recorder()?;
        let record = self.capture(capture)?;
        let original = record
            .artefacts
            .iter()
            .find(|a| a.kind == artefact)
            .ok_or_else(|| StoreError::NotFound { what: "picture", id: format!("{artefact} of capture {capture}") })?
            .sha256
            .clone();
        let key = self.signing_key(now)?;
        let sha256 = triangulate_evidence::sha256_hex(png);
        let mut manifest = triangulate_evidence::redaction::RedactionManifest {
            format: triangulate_evidence::redaction::REDACTION_FORMAT.to_string(),
            redaction_id: 0,
            capture_id: capture,
            artefact: artefact.to_string(),
            original_sha256: original,
            boxes: boxes.to_vec(),
            reason: reason.to_string(),
            redacted_by: by.to_string(),
            redacted_at: crate::requests::stamp(now),
            redacted_sha256: sha256.clone(),
            width,
            height,
            signing_key: triangulate_evidence::SigningKeyInfo::of(&key),
        };
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO redactions (capture_id, artefact, manifest, signature, sha256, png, created_at)
                 VALUES (?1, ?2, '', '', ?3, ?4, ?5)",
                rusqlite::params![capture, artefact, sha256, png, crate::requests::stamp(now)],
            )?;
            let id = tx.last_insert_rowid();
            manifest.redaction_id = id;
            let text = manifest.to_canonical_json();
            let signature = sign_manifest(&key, &text);
            tx.execute(
                "UPDATE redactions SET manifest = ?1, signature = ?2 WHERE id = ?3",
                rusqlite::params![text, signature, id],
            )?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(worker),
                "capture.redact",
                vec![format!("redaction:{id}"), format!("capture:{capture}")],
                &text,
            );
            Ok((id, event))
        })?;
        Ok(self.redactions(capture)?.into_iter().find(|r| r.id == id).expect("just stored"))
    }

    /// A capture's redacted copies, oldest first.
    pub fn redactions(&self, capture: i64) -> Result<Vec<RedactionRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT id, capture_id, artefact, manifest, signature, sha256, created_at FROM redactions WHERE capture_id = ?1 ORDER BY id",
        )?;
        let rows = statement
            .query_map([capture], |row| {
                Ok(RedactionRecord {
                    id: row.get(0)?,
                    capture_id: row.get(1)?,
                    artefact: row.get(2)?,
                    manifest: row.get(3)?,
                    signature: row.get(4)?,
                    sha256: row.get(5)?,
                    created_at: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// A redacted copy's picture.
    pub fn redaction_png(&self, id: i64) -> Result<Vec<u8>> {
        self.conn
            .query_row("SELECT png FROM redactions WHERE id = ?1", [id], |row| row.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "redaction", id: id.to_string() })
    }
}
