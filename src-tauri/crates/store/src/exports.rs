//! PDFs exported from a request, each recorded with its digest in the audit chain, and the
//! record that one was filed in the care record system.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::export::{Filing, PdfKind};
use triangulate_core::{Actor, FieldError, NewAuditEvent};

use crate::Store;
use crate::captures::CaptureRecord;
use crate::error::{Result, StoreError};
use crate::requests::stamp;

/// A PDF as it was written.
#[derive(Debug, Clone)]
pub struct NewPdfExport {
    pub kind: PdfKind,
    pub draft: bool,
    pub sha256: String,
    pub bytes: u64,
    pub pages: usize,
    pub log_version: Option<u32>,
    /// The captures shown as exhibits, in order.
    pub exhibits: Vec<i64>,
    pub path: String,
}

/// An evidence bundle as it was written.
#[derive(Debug, Clone)]
pub struct NewBundleExport {
    pub draft: bool,
    /// SHA-256 of the bundle's `manifest.json`, which its signature covers.
    pub manifest_sha256: String,
    pub bytes: u64,
    pub files: usize,
    pub path: String,
    /// The time a time-stamping authority gave the manifest, when the bundle is timestamped.
    pub timestamped_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PdfExportRecord {
    pub id: i64,
    pub kind: PdfKind,
    pub draft: bool,
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
    pub log_version: Option<u32>,
    pub exhibits: Vec<i64>,
    pub path: String,
    pub exported_at: String,
}

/// A PDF filed in the care record system.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FilingRecord {
    pub id: i64,
    pub export_id: i64,
    pub sha256: String,
    pub kind: PdfKind,
    /// Where it was filed.
    pub place: String,
    /// The care record's reference.
    pub record_reference: String,
    pub filed_by: String,
    pub recorded_at: String,
}

fn kind_from(text: String) -> rusqlite::Result<PdfKind> {
    match text.as_str() {
        "care_record" => Ok(PdfKind::CareRecord),
        "request" => Ok(PdfKind::Request),
        "log" => Ok(PdfKind::Log),
        _ => Err(rusqlite::Error::InvalidColumnType(0, text, rusqlite::types::Type::Text)),
    }
}

impl Store {
    /// Every capture taken in the request's sessions, in the order they were stored.
    pub fn captures_of_request(&self, reference: &str) -> Result<Vec<CaptureRecord>> {
        let request = self.request_id(reference)?;
        let mut statement = self.conn.prepare(
            "SELECT captures.id FROM captures JOIN access_sessions ON access_sessions.id = captures.session_id \
             WHERE access_sessions.request_id = ?1 ORDER BY captures.id",
        )?;
        let ids = statement.query_map([request], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        ids.into_iter().map(|id| self.capture(id)).collect()
    }

    /// Records a PDF written from a request, with an audit event naming its SHA-256.
    pub fn record_pdf_export(
        &mut self,
        reference: &str,
        export: &NewPdfExport,
        now: DateTime<Utc>,
    ) -> Result<PdfExportRecord> {
        let request = self.request_id(reference)?;
        let worker = self.worker_profile()?.map(|w| w.id);
        let actor = worker.map_or(Actor::System, Actor::Worker);
        let exhibits = serde_json::to_string(&export.exhibits).expect("ids serialise");
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO pdf_exports (request_id, kind, draft, sha256, bytes, pages, log_version, exhibits, path, \
                 exported_at, exported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                rusqlite::params![
                    request,
                    export.kind.as_str(),
                    export.draft,
                    export.sha256,
                    export.bytes as i64,
                    export.pages as i64,
                    export.log_version,
                    exhibits,
                    export.path,
                    stamp(now),
                    worker
                ],
            )?;
            let id = tx.last_insert_rowid();
            let ids = vec![
                format!("request:{}", reference.trim()),
                format!("pdf_export:{id}"),
                format!("sha256:{}", export.sha256),
            ];
            let change = serde_json::json!({
                "kind": export.kind, "draft": export.draft, "sha256": export.sha256, "bytes": export.bytes,
                "pages": export.pages, "log_version": export.log_version, "exhibits": export.exhibits,
            });
            Ok((id, NewAuditEvent::of_change(actor, "export.pdf", ids, &change)))
        })?;
        self.pdf_export(id)
    }

    fn pdf_export(&self, id: i64) -> Result<PdfExportRecord> {
        self.pdf_exports_where("pdf_exports.id = ?1", id)?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "PDF export", id: id.to_string() })
    }

    fn pdf_exports_where(&self, condition: &str, value: i64) -> Result<Vec<PdfExportRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT id, kind, draft, sha256, bytes, pages, log_version, exhibits, path, exported_at FROM pdf_exports \
             WHERE {condition} ORDER BY id"
        ))?;
        let rows = statement.query_map([value], |row| {
            Ok(PdfExportRecord {
                id: row.get(0)?,
                kind: kind_from(row.get(1)?)?,
                draft: row.get(2)?,
                sha256: row.get(3)?,
                bytes: row.get::<_, i64>(4)? as u64,
                pages: row.get(5)?,
                log_version: row.get(6)?,
                exhibits: serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default(),
                path: row.get(8)?,
                exported_at: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Why a PDF with this digest cannot be filed for this request, as a problem of the
    /// `sha256` field: none exported here, or a draft; `None` when a final one was.
    pub fn filing_digest_problem(&self, reference: &str, sha256: &str) -> Result<Option<FieldError>> {
        Ok(self.filed_export(reference, sha256)?.err())
    }

    /// The final export a digest names, or why there is none.
    fn filed_export(&self, reference: &str, sha256: &str) -> Result<std::result::Result<i64, FieldError>> {
        let request = self.request_id(reference)?;
        let export: Option<(i64, bool)> = self
            .conn
            .query_row(
                "SELECT id, draft FROM pdf_exports WHERE request_id = ?1 AND sha256 = ?2 ORDER BY draft, id DESC LIMIT 1",
                rusqlite::params![request, sha256],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(match export {
            None => Err(FieldError::new(
                "sha256",
                format!(
                    "No PDF of {} with this SHA-256 was exported here: check the digest, or export the PDF first",
                    reference.trim()
                ),
            )),
            Some((_, true)) => Err(FieldError::new("sha256", "That PDF is a draft: only a final PDF is filed in the care record")),
            Some((id, false)) => Ok(id),
        })
    }

    /// Records that a final PDF exported from this request was filed in the care record.
    /// The digest must be one this installation exported from this request, not a draft.
    pub fn record_filing(&mut self, reference: &str, filing: &Filing, now: DateTime<Utc>) -> Result<FilingRecord> {
        let request = self.request_id(reference)?;
        let export = self.filed_export(reference, &filing.sha256)?.map_err(|problem| StoreError::Fields(vec![problem]))?;
        let worker = self.recorder()?;
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO care_record_filings (request_id, export_id, place, record_reference, filed_by, \
                 recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![request, export, filing.place, filing.reference, filing.by, stamp(now), worker],
            )?;
            let id = tx.last_insert_rowid();
            let ids = vec![
                format!("request:{}", reference.trim()),
                format!("pdf_export:{export}"),
                format!("filing:{id}"),
                format!("sha256:{}", filing.sha256),
            ];
            Ok((id, NewAuditEvent::of_change(Actor::Worker(worker), "export.filed", ids, filing)))
        })?;
        Ok(self.filings_where("care_record_filings.id = ?1", id)?.pop().expect("just written"))
    }

    /// Records an evidence bundle written from a request, with an audit event naming the
    /// SHA-256 of its signed manifest.
    pub fn record_bundle_export(
        &mut self,
        reference: &str,
        bundle: &NewBundleExport,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let request = self.request_id(reference)?;
        let worker = self.worker_profile()?.map(|w| w.id);
        let actor = worker.map_or(Actor::System, Actor::Worker);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO bundle_exports (request_id, draft, manifest_sha256, bytes, files, path, exported_at, \
                 exported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    request,
                    bundle.draft,
                    bundle.manifest_sha256,
                    bundle.bytes as i64,
                    bundle.files as i64,
                    bundle.path,
                    stamp(now),
                    worker
                ],
            )?;
            let id = tx.last_insert_rowid();
            let ids = vec![
                format!("request:{}", reference.trim()),
                format!("bundle_export:{id}"),
                format!("sha256:{}", bundle.manifest_sha256),
            ];
            let mut change = serde_json::json!({
                "draft": bundle.draft, "manifest_sha256": bundle.manifest_sha256, "bytes": bundle.bytes, "files": bundle.files,
            });
            if let Some(at) = &bundle.timestamped_at {
                change["timestamped_at"] = serde_json::json!(at);
            }
            Ok((id, NewAuditEvent::of_change(actor, "export.bundle", ids, &change)))
        })
    }

    /// Where a request's PDFs were filed, oldest first.
    pub fn filings(&self, reference: &str) -> Result<Vec<FilingRecord>> {
        let request = self.request_id(reference)?;
        self.filings_where("care_record_filings.request_id = ?1", request)
    }

    pub(crate) fn filings_where(&self, condition: &str, value: i64) -> Result<Vec<FilingRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT care_record_filings.id, export_id, sha256, kind, place, record_reference, filed_by, recorded_at \
             FROM care_record_filings JOIN pdf_exports ON pdf_exports.id = care_record_filings.export_id \
             WHERE {condition} ORDER BY care_record_filings.id"
        ))?;
        let rows = statement.query_map([value], |row| {
            Ok(FilingRecord {
                id: row.get(0)?,
                export_id: row.get(1)?,
                sha256: row.get(2)?,
                kind: kind_from(row.get(3)?)?,
                place: row.get(4)?,
                record_reference: row.get(5)?,
                filed_by: row.get(6)?,
                recorded_at: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
