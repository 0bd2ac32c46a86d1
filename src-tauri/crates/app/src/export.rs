//! PDFs for the care record: the request (Appendix 1) with its authorisation chain, the log
//! (Appendix 2), and the care-record PDF — a cover, both of those and every capture judged
//! relevant as an exhibit with its provenance, trail, judgement and digests. What goes in and
//! the rules before it (a final export needs a finalised log and every capture judged) are
//! decided here, once; `triangulate-pdf` lays it out. Each export is recorded with its
//! SHA-256 in the audit chain, and so is its filing in the care record.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use triangulate_core::evidence::Attribution;
use triangulate_core::export::{FilingInput, NotReady, PdfKind};
use triangulate_core::local_time::{CAPTURED_AT, captured_at, long_date, uk_time, uk_time_seconds};
use triangulate_core::log::{InvestigationLog, ShareRecipient};
use triangulate_core::request::{ConsentStatus, Scope, SubjectRole};
use triangulate_evidence::{Manifest, verify_manifest};
use triangulate_pdf::{Attachment, Block, DocumentInfo};
use triangulate_store::{
    AuthorisationKind, CaptureRecord, FilingRecord, LogRecord, NewPdfExport, PdfExportRecord, RequestRecord, Store,
};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::host::Host;
use crate::progress::{Tracker, Work, tracked};

/// What the worker asks for.
#[derive(Debug, Clone)]
pub struct PdfOrder {
    pub reference: String,
    /// The file to write; an existing file is never replaced.
    pub out: PathBuf,
    /// Allowed before the log is finalised and while captures are unjudged; every page says DRAFT.
    pub draft: bool,
    /// Only the request or only the log; the whole care record when `None`.
    pub only: Option<PdfKind>,
}

/// A PDF written and recorded.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PdfExported {
    pub path: String,
    pub export: PdfExportRecord,
}

/// A capture of the request as the care record treats it.
struct Exhibit {
    number: usize,
    record: CaptureRecord,
    manifest: Manifest,
    /// The last trail event the exhibit before it in the same session showed.
    trail_after: Option<chrono::DateTime<chrono::Utc>>,
}

/// Everything a document is made from, read from the store once.
struct Sources {
    request: RequestRecord,
    log: Option<LogRecord>,
    captures: Vec<CaptureRecord>,
    authorisations: Vec<triangulate_store::AuthorisationRecord>,
    accounts: BTreeMap<i64, String>,
    fingerprint: String,
    worker: Option<String>,
    sessions: Vec<triangulate_store::SessionRecord>,
    /// Disputes of the request's captures and findings: they travel with what they dispute.
    disputes: Vec<triangulate_store::DisputeRecord>,
    /// The redacted copy shown for each capture's picture (`captures::redaction_for`):
    /// documents show it, never the original beneath its boxes.
    redactions: BTreeMap<(i64, String), triangulate_store::RedactionRecord>,
}

/// A document ready to render: its metadata, blocks and attachments, and what it holds.
pub(crate) struct Prepared {
    pub reference: String,
    pub info: DocumentInfo,
    pub blocks: Vec<Block>,
    pub attachments: Vec<Attachment>,
    exhibits: Vec<Exhibit>,
    sources: Sources,
}

impl Prepared {
    /// The captures shown, with their manifests as signed.
    pub fn exhibit_records(&self) -> impl Iterator<Item = (&CaptureRecord, &Manifest)> {
        self.exhibits.iter().map(|e| (&e.record, &e.manifest))
    }

    pub fn request(&self) -> &RequestRecord {
        &self.sources.request
    }

    pub fn authorisations(&self) -> &[triangulate_store::AuthorisationRecord] {
        &self.sources.authorisations
    }

    pub fn fingerprint(&self) -> &str {
        &self.sources.fingerprint
    }
}

/// Reads what a PDF of the request holds and checks the rules before a final one (the log
/// finalised; for the care record, every capture judged), then composes it.
pub(crate) fn prepare(
    host: &dyn Host,
    store: &mut Store,
    reference: &str,
    draft: bool,
    kind: PdfKind,
    timer: std::time::Instant,
    tracker: &mut Tracker<'_>,
) -> Result<Prepared> {
    let policy = host.policy()?;
    let now = host.now();
    let sources = read_sources(store, reference, now)?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "request, log and captures read");
    let reference = sources.request.reference.clone();
    let finalised = sources.log.as_ref().is_some_and(|l| l.version.finalised_at.is_some());
    let unjudged: Vec<i64> = sources.captures.iter().filter(|c| c.judgement.is_none()).map(|c| c.id).collect();
    match triangulate_core::export::ready(kind, draft, finalised, &unjudged) {
        Ok(()) => {}
        Err(not_ready @ NotReady::LogNotFinalised) => return Err(AppError::LogNotFinalised(not_ready.message(&reference))),
        Err(NotReady::CapturesUnjudged(captures)) => {
            let message = NotReady::CapturesUnjudged(captures.clone()).message(&reference);
            return Err(AppError::CapturesUnjudged { message, captures });
        }
    }
    let mut exhibits: Vec<Exhibit> = Vec::new();
    if kind == PdfKind::CareRecord {
        let relevant = sources.captures.iter().filter(|c| c.judgement.as_ref().is_some_and(|j| j.relevant));
        let mut last_shown: BTreeMap<i64, chrono::DateTime<chrono::Utc>> = BTreeMap::new();
        for (k, record) in relevant.enumerate() {
            let manifest = Manifest::read(&record.manifest).map_err(|e| {
                AppError::Internal(format!("the manifest of capture {} cannot be read: {e}", record.id))
            })?;
            let trail_after = last_shown.get(&record.session_id).copied();
            if let Some(last) = manifest.trail.iter().map(|e| e.at).max() {
                last_shown.insert(record.session_id, last);
            }
            exhibits.push(Exhibit { number: k + 1, record: record.clone(), manifest, trail_after });
        }
    }

    let draft_line = draft.then(|| {
        if finalised { "DRAFT".to_string() } else { "DRAFT: the investigation log is not finalised".to_string() }
    });
    let title = match kind {
        PdfKind::CareRecord => format!("Care record: {reference}"),
        PdfKind::Request => format!("Investigation request (Appendix 1): {reference}"),
        PdfKind::Log => format!("Investigation log (Appendix 2): {reference}"),
    };
    let info = DocumentInfo {
        title: title.clone(),
        author: policy.organisation.clone(),
        subject: reference.clone(),
        keywords: vec![kind.label().to_string(), sources.request.request.case_reference.clone()],
        creator: format!("Triangulate {}", env!("CARGO_PKG_VERSION")),
        created: now,
        marking: policy.protective_marking.clone(),
        draft: draft_line,
    };
    let mut blocks = Vec::new();
    if kind == PdfKind::CareRecord {
        cover(&mut blocks, &title, &sources, &exhibits, &unjudged, &policy.organisation, now);
    }
    if kind != PdfKind::Log {
        request_blocks(&mut blocks, &sources);
    }
    if kind != PdfKind::Request {
        log_blocks(&mut blocks, &sources, &exhibits);
    }
    let wanted: Vec<_> = exhibits.iter().flat_map(pictures_wanted).collect();
    tracker.next(match wanted.len() {
        0 => "Reading the pictures: none to read".to_string(),
        1 => "Reading the picture".to_string(),
        n => format!("Reading the {n} pictures"),
    });
    let mut pictures = read_pictures(host, store, wanted)?;
    // A redacted copy replaces its original in the document; it is checked against its own
    // signed manifest, which names the original's digest.
    for ((id, kind), redaction) in &sources.redactions {
        if let Some(entry) = pictures.get_mut(&(*id, kind.clone())) {
            let bytes = store.redaction_png(redaction.id)?;
            let original = sources
                .captures
                .iter()
                .find(|c| c.id == *id)
                .and_then(|c| c.artefacts.iter().find(|a| &a.kind == kind))
                .map(|a| a.sha256.as_str());
            let verified = redacted_copy_verifies(redaction, &bytes, original);
            *entry = (Arc::new(bytes), verified);
        }
    }
    // The request and the log as stored: the exact text of every page before, whatever a
    // font could not draw.
    let mut attachments = Vec::new();
    if kind != PdfKind::Log {
        let request = serde_json::json!({ "request": sources.request, "authorisations": sources.authorisations });
        attachments.push(Attachment {
            name: format!("request-{reference}.json"),
            media_type: "application/json".into(),
            description: "The investigation request as stored, with its decisions and authorisations".into(),
            bytes: serde_json::to_vec_pretty(&request).expect("a request serialises"),
        });
    }
    if let (true, Some(log)) = (kind != PdfKind::Request, &sources.log) {
        attachments.push(Attachment {
            name: format!("log-{reference}-version-{}.json", log.version.version),
            media_type: "application/json".into(),
            description: "The investigation log as stored, in the version shown".into(),
            bytes: serde_json::to_vec_pretty(&log.version).expect("a log serialises"),
        });
    }
    for exhibit in &exhibits {
        exhibit_blocks(&mut blocks, &pictures, exhibit, &sources)?;
        let (number, id) = (exhibit.number, exhibit.record.id);
        for ((_, kind), r) in sources.redactions.range((id, String::new())..).take_while(|((c, _), _)| *c == id) {
            for (extension, media_type, bytes) in
                [("json", "application/json", r.manifest.clone()), ("sig", "text/plain", format!("{}\n", r.signature))]
            {
                attachments.push(Attachment {
                    name: format!("capture-{id}-{}-redaction-{}.{extension}", kind.replace('_', "-"), r.id),
                    media_type: media_type.into(),
                    description: format!(
                        "Exhibit {number}: the signed manifest of the redacted {kind} and its signature"
                    ),
                    bytes: bytes.into_bytes(),
                });
            }
        }
        let files = [
            (
                "json",
                "application/json",
                "the signed manifest of capture {id} (canonical JSON, exactly as signed)",
                exhibit.record.manifest.clone(),
            ),
            (
                "sig",
                "text/plain",
                "the Ed25519 signature (base64) over capture {id}'s manifest",
                format!("{}\n", exhibit.record.signature),
            ),
        ];
        for (extension, media_type, what, text) in files {
            attachments.push(Attachment {
                name: format!("capture-{id}-manifest.{extension}"),
                media_type: media_type.into(),
                description: format!("Exhibit {number}: {}", what.replace("{id}", &id.to_string())),
                bytes: text.into_bytes(),
            });
        }
    }

    drop(pictures);
    Ok(Prepared { reference, info, blocks, attachments, exhibits, sources })
}

/// Writes a PDF of a request and records it. Refused, with nothing written: while the log is
/// not finalised or a capture of the request is unjudged, unless it is a draft; when the file
/// exists.
///
/// Its progress, in six steps: reading the request, the pictures, laying out, drawing the
/// pages, writing the file, recording the export.
pub fn export_pdf(host: &dyn Host, order: &PdfOrder) -> Result<PdfExported> {
    let tracker =
        Tracker::start(host, Work::ExportPdf, order.reference.trim(), 6, "Reading the request, log and captures");
    tracked(
        tracker,
        |done: &PdfExported| format!("PDF written: {} pages", done.export.pages),
        |tracker| export_pdf_tracked(host, order, tracker),
    )
}

fn export_pdf_tracked(host: &dyn Host, order: &PdfOrder, tracker: &mut Tracker<'_>) -> Result<PdfExported> {
    let timer = std::time::Instant::now();
    check_destination(&order.out)?;
    let mut store = host.store()?;
    let kind = order.only.unwrap_or(PdfKind::CareRecord);
    let Prepared { reference, info, blocks, attachments, exhibits, sources, .. } =
        prepare(host, &mut store, &order.reference, order.draft, kind, timer, tracker)?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "exhibits read from the store");
    tracker.next("Laying out the pages");
    let (written, rendered) =
        write_new_pdf(&order.out, &info, &blocks, &attachments, &mut |stage| pdf_stage(tracker, stage))?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "PDF written and synced");
    tracker.next("Recording the export in the audit trail");
    let export = NewPdfExport {
        kind,
        draft: order.draft,
        sha256: written.sha256.clone(),
        bytes: written.bytes,
        pages: rendered.pages,
        log_version: sources.log.as_ref().map(|l| l.version.version),
        exhibits: exhibits.iter().map(|e| e.record.id).collect(),
        path: written.path.display().to_string(),
    };
    match store.record_pdf_export(&reference, &export, host.now()) {
        Ok(export) => {
            tracing::info!(request = %reference, pages = rendered.pages, bytes = written.bytes, "PDF exported");
            Ok(PdfExported { path: written.path.display().to_string(), export })
        }
        Err(error) => {
            // An export that is not in the audit chain does not exist.
            let _ = std::fs::remove_file(&written.path);
            Err(error.into())
        }
    }
}

/// The PDF crate's stages as steps: drawing the pages once their number is known, then writing.
pub(crate) fn pdf_stage(tracker: &mut Tracker<'_>, stage: triangulate_pdf::Stage) {
    match stage {
        triangulate_pdf::Stage::LaidOut { pages: 1 } => tracker.next("Drawing 1 page"),
        triangulate_pdf::Stage::LaidOut { pages } => tracker.next(format!("Drawing {pages} pages")),
        triangulate_pdf::Stage::Drawn => tracker.next("Writing the PDF"),
    }
}

/// Records that a PDF exported from this request was filed in the care record system.
/// Every problem at once: the fields', and whether the digest given names a final PDF
/// exported from this request.
pub fn record_filing(host: &dyn Host, reference: &str, input: &FilingInput) -> Result<FilingRecord> {
    let mut store = host.store()?;
    match input.validate() {
        Ok(filing) => Ok(store.record_filing(reference, &filing, host.now())?),
        Err(mut problems) => {
            if !problems.iter().any(|p| p.field == "sha256")
                && let Some(problem) = store.filing_digest_problem(reference, &input.digest())?
            {
                problems.push(problem);
            }
            Err(AppError::fields_error(problems))
        }
    }
}

/// A file the worker chose, as the care record will hold it: its name, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct FileDigest {
    pub path: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// Why a file could not be read, in words a person reads.
fn why_not_read(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".into(),
        std::io::ErrorKind::PermissionDenied => "this account may not read it".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        other => format!("the system said: {other}"),
    }
}

/// The SHA-256 of a file the worker chose (the PDF that was filed), read in pieces so that a
/// large one is not held whole; a path that is not a readable file is an error on `path`.
pub fn file_digest(path: &Path) -> Result<FileDigest> {
    use std::io::Read;
    let not_read = |why: String| {
        AppError::fields_error(vec![triangulate_core::FieldError::new("path", format!("{} could not be read: {why}", path.display()))])
    };
    let metadata = std::fs::metadata(path).map_err(|e| not_read(why_not_read(&e)))?;
    if metadata.is_dir() {
        return Err(not_read("it is a folder, not a file".into()));
    }
    if !metadata.is_file() {
        return Err(not_read("it is not a file".into()));
    }
    let mut file = std::fs::File::open(path).map_err(|e| not_read(why_not_read(&e)))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(|e| not_read(why_not_read(&e)))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok(FileDigest {
        path: path.display().to_string(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        size,
        sha256: format!("{:x}", hasher.finalize()),
    })
}


/// The refusal of a destination that exists, on the field that named it.
pub(crate) fn already_exists(out: &Path) -> AppError {
    AppError::fields_error(vec![triangulate_core::FieldError::new(
        "out",
        format!("{} already exists: an export never replaces a file; choose a new name", out.display()),
    )])
}

/// The temporary file an export is written to, beside its destination, named so that no
/// other export shares it; removed when dropped, whatever failed (it holds personal data).
pub(crate) struct Temporary(pub(crate) std::path::PathBuf);

impl Temporary {
    pub(crate) fn beside(out: &Path) -> Temporary {
        let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Temporary(folder.join(format!(".{name}.{}.{nanos}.partial", std::process::id())))
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Puts a finished temporary file at `out`, never over a file (`AlreadyExists` if one is
/// there, whenever it appeared): a hard link where the file system has them; elsewhere (FAT,
/// some network shares) a copy into a file created new, synced.
pub(crate) fn place_new(temporary: &Path, out: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(temporary, out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            let mut target = triangulate_store::private::options().write(true).create_new(true).open(out)?;
            let copied =
                std::io::copy(&mut std::fs::File::open(temporary)?, &mut target).and_then(|_| target.sync_all());
            if copied.is_err() {
                drop(target);
                let _ = std::fs::remove_file(out);
            }
            copied
        }
    }
}

pub(crate) fn check_destination(out: &Path) -> Result<()> {
    let field = |message: String| AppError::fields_error(vec![triangulate_core::FieldError::new("out", message)]);
    if out.as_os_str().is_empty() {
        return Err(field("Enter the file to write the PDF to".into()));
    }
    if out.exists() || out.symlink_metadata().is_ok() {
        return Err(field(format!(
            "{} already exists: an export never replaces a file; choose a new name",
            out.display()
        )));
    }
    let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(field(format!("The folder {} does not exist", folder.display())));
    }
    Ok(())
}

pub(crate) struct Written {
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
    pub(crate) bytes: u64,
}

/// Counts what passes through to the file and hands it, in large pieces, to a thread that
/// hashes it meanwhile.
struct HashingWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
    hasher: std::sync::mpsc::SyncSender<Vec<u8>>,
    bytes: u64,
}

const HASH_PIECE: usize = 4 << 20;

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buffer)?;
        self.pending.extend_from_slice(&buffer[..n]);
        if self.pending.len() >= HASH_PIECE {
            let piece = std::mem::replace(&mut self.pending, Vec::with_capacity(HASH_PIECE * 2));
            let _ = self.hasher.send(piece);
        }
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Renders a PDF into a new file (as [`write_new_file`] writes it).
pub(crate) fn write_new_pdf(
    out: &Path,
    info: &triangulate_pdf::DocumentInfo,
    blocks: &[triangulate_pdf::Block],
    attachments: &[triangulate_pdf::Attachment],
    stage: &mut dyn FnMut(triangulate_pdf::Stage),
) -> Result<(Written, triangulate_pdf::Rendered)> {
    write_new_file(out, |w| {
        triangulate_pdf::render_with(info, blocks, attachments, w, stage).map_err(|e| match e {
            triangulate_pdf::PdfError::Write(io) => io,
            other => std::io::Error::other(other.to_string()),
        })
    })
}

/// Writes a new file, owner-only, through a temporary file beside it that is synced and then
/// linked in place (never over a file that appeared meanwhile); a failure leaves no file.
pub(crate) fn write_new_file<T>(
    out: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<(Written, T)> {
    let temporary = Temporary::beside(out);
    let failed = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28) {
            AppError::Refused(format!("{} cannot be written: the disk is full", out.display()))
        } else {
            AppError::Refused(format!("{} cannot be written: {e}", out.display()))
        }
    };
    let file = triangulate_store::private::options().write(true).create_new(true).open(&temporary.0).map_err(failed)?;
    let (sender, pieces) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    let hashing = std::thread::spawn(move || {
        let mut hasher = Sha256::new();
        for piece in pieces {
            hasher.update(&piece);
        }
        hex::encode(hasher.finalize())
    });
    let mut writer = HashingWriter {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        pending: Vec::with_capacity(HASH_PIECE * 2),
        hasher: sender,
        bytes: 0,
    };
    let result = fill(&mut writer).map_err(failed)?;
    writer.flush().map_err(failed)?;
    let HashingWriter { inner, pending, hasher, bytes } = writer;
    let _ = hasher.send(pending);
    drop(hasher);
    let file = inner.into_inner().map_err(|e| failed(e.into_error()))?;
    file.sync_all().map_err(failed)?;
    drop(file);
    let sha256 = hashing.join().map_err(|_| AppError::Internal("hashing the PDF failed".into()))?;
    match place_new(&temporary.0, out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(already_exists(out)),
        Err(e) => return Err(failed(e)),
    }
    drop(temporary);
    let path = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    Ok((Written { path, sha256, bytes }, result))
}

fn read_sources(store: &mut Store, reference: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Sources> {
    let request = store.request(reference)?;
    let log = store.latest_log(&request.reference)?;
    let captures = store.captures_of_request(&request.reference)?;
    let authorisations =
        store.authorisations()?.into_iter().filter(|a| a.request == request.reference).collect::<Vec<_>>();
    let accounts = store.accounts()?.into_iter().map(|a| (a.id, format!("{} ({})", a.handle, a.platform))).collect();
    let fingerprint = store.signing_key_info(now)?.fingerprint;
    let worker = store.worker_profile()?.map(|w| format!("{} ({})", w.name, w.role.title()));
    let disputes = store.disputes(Some(&request.reference))?;
    let sessions = store.sessions_of_request(&request.reference)?;
    let mut redactions = BTreeMap::new();
    for capture in &captures {
        let copies = store.redactions(capture.id)?;
        for kind in ["full_page_png", "viewport_png"] {
            if let Some(r) = crate::captures::redaction_for(&copies, capture, kind) {
                redactions.insert((capture.id, kind.to_string()), r.clone());
            }
        }
    }
    Ok(Sources {
        request,
        log,
        captures,
        authorisations,
        accounts,
        fingerprint,
        worker,
        sessions,
        disputes,
        redactions,
    })
}

fn row(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_string(), value.into())
}

fn or_none(value: Option<&str>) -> String {
    value.filter(|v| !v.trim().is_empty()).unwrap_or("None given").to_string()
}

fn role_label(role: SubjectRole) -> &'static str {
    match role {
        SubjectRole::Subject => "Subject of the check",
        SubjectRole::Associate => "Associate",
        SubjectRole::SuspectedAssociate => "Suspected associate",
    }
}

fn person_names(request: &RequestRecord) -> String {
    let names: Vec<String> = request
        .request
        .subjects
        .iter()
        .enumerate()
        .map(|(k, s)| format!("{}. {} ({})", k + 1, s.display_name(), role_label(s.role).to_lowercase()))
        .collect();
    names.join("\n")
}

fn cover(
    blocks: &mut Vec<Block>,
    title: &str,
    sources: &Sources,
    exhibits: &[Exhibit],
    unjudged: &[i64],
    organisation: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    let request = &sources.request;
    blocks.push(Block::Section(title.to_string()));
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut rows = vec![
        row("Request", request.reference.clone()),
        row("Case reference", request.request.case_reference.clone()),
        row("Organisation", organisation),
        row("Persons", person_names(request)),
        row("State", request.state_label),
        row(
            "Investigation log",
            match &sources.log {
                Some(log) => format!(
                    "This PDF carries version {} of {}.\n{}",
                    log.version.version,
                    log.versions.len(),
                    request.log_versions.iter().map(|v| v.in_words.clone()).collect::<Vec<_>>().join("\n")
                ),
                None => "No search has been logged".into(),
            },
        ),
        row(
            "Originating social worker",
            format!("{}, {}", request.request.originating_worker.name, request.request.originating_worker.team),
        ),
        row("Team manager", request.request.team_manager.name.clone()),
    ];
    let decisions: Vec<String> = request.decisions.iter().map(decision_line).collect();
    rows.push(row("Authorisations", if decisions.is_empty() { "None recorded".into() } else { decisions.join("\n") }));
    let ripa: Vec<String> = sources.authorisations.iter().map(authorisation_line).collect();
    rows.push(row("RIPA authorisations", if ripa.is_empty() { "None recorded".into() } else { ripa.join("\n") }));
    let sessions: Vec<String> = sources.sessions.iter().map(session_line).collect();
    rows.push(row("Access sessions", if sessions.is_empty() { "None".into() } else { sessions.join("\n") }));
    rows.push(row(
        "Signing key",
        format!(
            "Ed25519, fingerprint (SHA-256 of the public key):\n{}\nEach exhibit's manifest is signed with this installation's key; compare the fingerprint with the one the council publishes.",
            sources.fingerprint
        ),
    ));
    rows.push(row("Exported", format!("{} ({} UTC)", uk_time_seconds(&stamp), stamp)));
    rows.push(row("Exported by", sources.worker.clone().unwrap_or_else(|| "No worker profile on this laptop".into())));
    blocks.push(Block::Fields(rows));

    blocks.push(Block::Heading { text: "What this document contains".into(), outline: false });
    let relevant: Vec<i64> = exhibits.iter().map(|e| e.record.id).collect();
    let not_relevant: Vec<i64> =
        sources.captures.iter().filter(|c| c.judgement.as_ref().is_some_and(|j| !j.relevant)).map(|c| c.id).collect();
    let log = match &sources.log {
        Some(log) => {
            format!("2. The investigation log (Appendix 2), version {} of {}.", log.version.version, log.versions.len())
        }
        None => "2. The investigation log (Appendix 2): no search has been logged.".into(),
    };
    let mut contents = vec![
        "1. The investigation request (Appendix 1) with its authorisation chain and RIPA authorisations.".to_string(),
        log,
        match exhibits.len() {
            0 => "3. Exhibits: no capture has been judged relevant.".to_string(),
            n => format!(
                "3. Exhibits 1 to {n}: every capture judged relevant ({}), each with its full page, its viewport, its provenance, the trail that led to it, the worker's judgement and the SHA-256 of every file with the manifest's signature.",
                triangulate_core::export::captures_in_words(&relevant)
            ),
        },
    ];
    if !not_relevant.is_empty() {
        contents.push(format!(
            "Judged not relevant and not included, as the protocol asks: {}.",
            triangulate_core::export::captures_in_words(&not_relevant)
        ));
    }
    if !unjudged.is_empty() {
        contents.push(format!("Not yet judged and not included: {}.", triangulate_core::export::captures_in_words(unjudged)));
    }
    blocks.push(Block::Paragraph(contents.join("\n")));
    blocks.push(Block::Small(
        "Attached to this PDF: the request and the log as stored (JSON), and each exhibit's manifest exactly as signed (capture-N-manifest.json) with its signature (capture-N-manifest.sig). \
         Each picture is embedded exactly as captured, no pixel changed. A picture taller than a page is shown in strips, one a page, each exactly its band of the picture's rows, which its caption gives; a viewport taller than a page is drawn smaller to fit one page, its pixels unchanged, and says so. \
         The exact picture, the signed file whose SHA-256 each exhibit gives, is in the evidence bundle and in the capture's export. \
         A character that no font in this document has is shown as its code point, such as [U+AC04]; the exact text is in the attached files: the request, the log and each exhibit's manifest, as stored."
            .into(),
    ));
}

/// A session in one line: who ran it, when, and the service director's conditions as the
/// worker confirmed them when it started.
fn session_line(s: &triangulate_store::SessionRecord) -> String {
    let by = s.run_by.as_ref().map_or_else(|| "an access worker".to_string(), |p| p.name.clone());
    let conditions = match &s.conditions_confirmed {
        Some(c) => format!("; the service director's conditions confirmed at its start: {c}"),
        None => String::new(),
    };
    format!("Session {}, run by {by}, started {}{conditions}", s.id, uk_time(&s.started_at))
}

fn authorisation_line(a: &triangulate_store::AuthorisationRecord) -> String {
    let kind = match a.kind {
        AuthorisationKind::DirectedSurveillance => "Directed surveillance",
        AuthorisationKind::Chis => "CHIS",
        AuthorisationKind::NonRipa => "Non-RIPA",
    };
    let mut line = format!(
        "{kind} {} by {}, granted {}, expires {}",
        a.reference,
        a.officer,
        long_date(a.granted),
        long_date(a.expires)
    );
    match (a.kind.needs_approval(), a.approved) {
        (true, Some(approved)) => {
            line.push_str(&format!(", approved by a justice of the peace {}", long_date(approved)))
        }
        (true, None) => line.push_str(", no magistrate's approval recorded"),
        (false, _) => {}
    }
    if a.urgent {
        line.push_str(", urgent");
    }
    if a.confidential_likely {
        line.push_str(", confidential or privileged material likely");
    }
    if let Some(review) = a.review_due {
        line.push_str(&format!(", review due {}", long_date(review)));
    }
    for review in &a.reviews {
        line.push_str(&format!(", reviewed {} by {}: {}", long_date(review.reviewed_on), review.by, review.outcome));
    }
    for renewal in &a.renewals {
        line.push_str(&format!(", renewed by {} to {}", renewal.by, long_date(renewal.expires)));
    }
    if let Some(cancelled) = &a.cancelled_at {
        line.push_str(&format!(", cancelled {} by {}", uk_time(cancelled), a.cancelled_by.as_deref().unwrap_or("")));
        if let Some(reason) = &a.cancel_reason {
            line.push_str(&format!(": {reason}"));
        }
    }
    line
}

fn request_blocks(blocks: &mut Vec<Block>, sources: &Sources) {
    let record = &sources.request;
    let request = &record.request;
    blocks.push(Block::Section(format!("Investigation request (Appendix 1): {}", record.reference)));
    let scope = match request.scope {
        Scope::OneOff => "A one-off check".to_string(),
        Scope::Monitoring => format!(
            "Monitoring over the period\nWhy monitoring is needed: {}",
            or_none(request.monitoring_justification.as_deref())
        ),
    };
    let consent = match request.consent.status {
        ConsentStatus::Written => "Written consent obtained",
        ConsentStatus::Informed => "Informed, without written consent",
        ConsentStatus::NotSought => "Not sought",
    };
    let mut consent = consent.to_string();
    if let Some(reason) = request.consent.reason.as_deref() {
        consent.push_str(&format!("\nWhy: {reason}"));
    }
    if let Some(reference) = request.consent.reference.as_deref() {
        consent.push_str(&format!("\nReference: {reference}"));
    }
    let mut rows = vec![
        row("Request", record.reference.clone()),
        row("Case reference", request.case_reference.clone()),
        row("State", record.state_label),
        row(
            "Originating social worker",
            format!("{}, {}", request.originating_worker.name, request.originating_worker.team),
        ),
        row("Team manager", request.team_manager.name.clone()),
        row("Reason", request.reason.label()),
        row("The concern", request.concern.clone()),
        row("Triangulation", request.triangulation.clone()),
        row("Scope", scope),
        row("Period of interest", format!("{} to {}", long_date(request.period.from), long_date(request.period.to))),
        row("Consent", consent),
        row("Legal advice", or_none(request.legal_advice_reference.as_deref())),
        row("Created", uk_time(&record.created_at)),
    ];
    if let Some(parent) = &record.parent {
        rows.push(row(
            "Found during",
            format!("{parent}{}", if record.flagged_for_sd { " (flagged for the service director)" } else { "" }),
        ));
    }
    blocks.push(Block::Fields(rows));

    blocks.push(Block::Heading { text: "Persons".into(), outline: true });
    for (k, subject) in request.subjects.iter().enumerate() {
        let mut rows = vec![row("Person", format!("{}. {}", k + 1, subject.display_name()))];
        if subject.name.is_some()
            && let Some(description) = &subject.description
        {
            rows.push(row("Description", description.clone()));
        }
        if !subject.aliases.is_empty() {
            rows.push(row("Also known as", subject.aliases.join("\n")));
        }
        if let Some(born) = subject.date_of_birth {
            rows.push(row("Date of birth", long_date(born)));
        }
        rows.push(row("Relationship", or_none(subject.relationship.as_deref())));
        rows.push(row("Role", role_label(subject.role)));
        let profiles: Vec<String> = subject.profiles.iter().map(|p| format!("{}: {}", p.platform, p.url)).collect();
        rows.push(row("Profiles", if profiles.is_empty() { "None listed".into() } else { profiles.join("\n") }));
        blocks.push(Block::Fields(rows));
    }

    blocks.push(Block::Heading { text: "Authorisation chain".into(), outline: true });
    if record.decisions.is_empty() {
        blocks.push(Block::Paragraph("No decision has been recorded.".into()));
    }
    for decision in &record.decisions {
        let decided_by = match &decision.decider.staff_id {
            Some(id) => format!("{} (staff ID {id})", decision.decided_by),
            None => decision.decided_by.clone(),
        };
        let mut rows = vec![
            row("Decision", decision.step_label),
            row("In words", decision.in_words.clone()),
            row(
                "Decided by",
                match decision.decided_as {
                    Some(role) => format!("{decided_by}, {}", role.words()),
                    None => decided_by,
                },
            ),
            row(
                "Decided on",
                decision.decided_on.map(long_date).unwrap_or_else(|| "Not given: the day it was recorded".into()),
            ),
            row("Recorded", uk_time(&decision.at)),
            row("Recorded by", decision.recorded_by.clone()),
        ];
        if let Some(version) = decision.log_version {
            rows.push(row("Log version", version.to_string()));
        }
        if let Some(evidence) = &decision.evidence {
            rows.push(row("Evidence", evidence.clone()));
        }
        if let Some(conditions) = &decision.conditions {
            rows.push(row("Conditions", conditions.clone()));
        }
        if let Some(note) = &decision.note {
            rows.push(row("Note", note.clone()));
        }
        rows.push(row("Request moved", format!("{} to {}", decision.from_state.label(), decision.to_state.label())));
        blocks.push(Block::Fields(rows));
    }
    blocks.push(Block::Heading { text: "RIPA authorisations".into(), outline: true });
    if sources.authorisations.is_empty() {
        blocks.push(Block::Paragraph("None recorded.".into()));
    } else {
        blocks.push(Block::Paragraph(
            sources.authorisations.iter().map(authorisation_line).collect::<Vec<_>>().join("\n"),
        ));
    }
}

fn log_blocks(blocks: &mut Vec<Block>, sources: &Sources, exhibits: &[Exhibit]) {
    blocks.push(Block::Section(format!("Investigation log (Appendix 2): {}", sources.request.reference)));
    let Some(log) = &sources.log else {
        blocks.push(Block::Paragraph("No search has been logged: the log starts with the first search.".into()));
        return;
    };
    let version = &log.version;
    let mut about = format!("Version {} of the log", version.version);
    if version.version > 1 {
        about.push_str(&format!(
            "; earlier versions (1 to {}) exist and stay readable in Triangulate",
            version.version - 1
        ));
    }
    about.push_str(&match &version.finalised_at {
        Some(at) => format!(". Finalised {}.", uk_time(at)),
        None => ". Not finalised.".into(),
    });
    blocks.push(Block::Paragraph(about));
    let content: &InvestigationLog = &version.log;
    if let Some(note) = &content.correction_note {
        blocks.push(Block::Fields(vec![row("Why this version corrects the last", note.clone())]));
    }
    blocks.push(Block::Heading { text: "Searches".into(), outline: true });
    if content.searches.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    }
    for (k, search) in content.searches.iter().enumerate() {
        let stamp = search.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let account =
            sources.accounts.get(&search.account_id).cloned().unwrap_or_else(|| search.account_id.to_string());
        blocks.push(Block::Fields(vec![
            row("Search", (k + 1).to_string()),
            row("When", uk_time(&stamp)),
            row("Platform", search.platform.clone()),
            row("Sanctioned account", account),
            row("Searched", search.searched.clone()),
            row("Result", search.result.clone()),
        ]));
    }
    blocks.push(Block::Heading { text: "Findings".into(), outline: true });
    if content.findings.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    }
    let exhibit_of: BTreeMap<i64, usize> = exhibits.iter().map(|e| (e.record.id, e.number)).collect();
    for finding in &content.findings {
        let mut rows = vec![row("Finding", finding.number.to_string()), row("Text", finding.text.clone())];
        if !finding.captures.is_empty() {
            let rests: Vec<String> = finding
                .captures
                .iter()
                .map(|id| match exhibit_of.get(id) {
                    Some(n) => format!("Exhibit {n} (capture {id})"),
                    None if exhibits.is_empty() => format!("Capture {id}"),
                    None => format!("Capture {id} (not an exhibit: not judged relevant)"),
                })
                .collect();
            rows.push(row("Rests on", rests.join("\n")));
        }
        for d in sources
            .disputes
            .iter()
            .filter(|d| d.target == triangulate_store::DisputeTarget::Finding { number: finding.number })
        {
            rows.push(row("Disputed", format!("by {}, {}: {}", d.disputed_by, uk_time(&d.recorded_at), d.text)));
        }
        blocks.push(Block::Fields(rows));
    }
    if !content.disagreements.is_empty() {
        blocks.push(Block::Heading { text: "Disagreements about what is relevant".into(), outline: true });
        for d in &content.disagreements {
            let mut rows = vec![
                row("Disagreement", d.number.to_string()),
                row("About", d.about.clone()),
                row("Raised by", format!("{}, {}", d.raised_by, uk_time(&d.at.to_rfc3339()))),
            ];
            rows.push(match &d.outcome {
                Some(o) => row(
                    "Service manager's outcome",
                    format!("{}\n{}, {}", o.decision, o.by, uk_time(&o.at.to_rfc3339())),
                ),
                None => row("Service manager's outcome", "Not yet"),
            });
            blocks.push(Block::Fields(rows));
        }
    }
    blocks.push(Block::Heading { text: "Completion and assessment".into(), outline: true });
    let mut rows = vec![row(
        "Completed by the Authorised Access Worker",
        match &content.completed {
            Some(signed) => format!("{}, {}", signed.by, uk_time(&signed.at.to_rfc3339())),
            None => "Not yet".into(),
        },
    )];
    match &content.assessment {
        Some(assessment) => {
            rows.push(row("Contribution of the check", assessment.rating.label()));
            rows.push(row("Assessment", assessment.text.clone()));
            rows.push(row("Assessed by", format!("{}, {}", assessment.by, uk_time(&assessment.at.to_rfc3339()))));
        }
        None => rows.push(row("Assessment", "Not yet")),
    }
    let sharing: Vec<String> = content
        .shared
        .iter()
        .map(|s| {
            let with: Vec<&str> = s
                .with
                .iter()
                .map(|w| match w {
                    ShareRecipient::Tm => "team manager",
                    ShareRecipient::Sm => "service manager",
                    ShareRecipient::Sd => "service director",
                })
                .collect();
            format!("With the {} by {}, {}", with.join(", "), s.by, uk_time(&s.at.to_rfc3339()))
        })
        .collect();
    rows.push(row("Shared", if sharing.is_empty() { "Not yet".into() } else { sharing.join("\n") }));
    blocks.push(Block::Fields(rows));
}

/// A picture read from the store, and whether its bytes hash to the digest the signed
/// manifest gives.
type Pictures = BTreeMap<(i64, String), (Arc<Vec<u8>>, bool)>;

/// The pictures each exhibit shows: the full page (or its tiles), and the viewport unless it
/// is the same file.
fn pictures_wanted(exhibit: &Exhibit) -> Vec<(i64, String, String)> {
    let record = &exhibit.record;
    let digest_of = |kind: &str| record.artefacts.iter().find(|a| a.kind == kind).map(|a| a.sha256.clone());
    let mut wanted: Vec<(i64, String, String)> = Vec::new();
    match digest_of("full_page_png") {
        Some(digest) => wanted.push((record.id, "full_page_png".into(), digest)),
        None => {
            for tile in record.artefacts.iter().filter(|a| a.kind.starts_with("full_page_tile_")) {
                wanted.push((record.id, tile.kind.clone(), tile.sha256.clone()));
            }
        }
    }
    if let Some(viewport) = digest_of("viewport_png")
        && digest_of("full_page_png").as_ref() != Some(&viewport)
    {
        wanted.push((record.id, "viewport_png".into(), viewport));
    }
    wanted
}

/// Reads the pictures, each hashed as it comes: half through the open store, half through the
/// `Host`'s second connection in another thread (decrypting is most of an export's work).
fn read_pictures(host: &dyn Host, store: &Store, wanted: Vec<(i64, String, String)>) -> Result<Pictures> {
    let read = |store: &Store, part: &[(i64, String, String)]| -> Result<Pictures> {
        let mut pictures = Pictures::new();
        for (id, kind, digest) in part {
            let (bytes, _) = store.capture_artefact(*id, kind)?;
            let matches = triangulate_evidence::sha256_hex(&bytes) == *digest;
            pictures.insert((*id, kind.clone()), (Arc::new(bytes), matches));
        }
        Ok(pictures)
    };
    let (mine, theirs) = wanted.split_at(wanted.len() / 2);
    let second = if theirs.is_empty() { None } else { host.reader().ok() };
    let Some(second) = second else { return read(store, &wanted) };
    std::thread::scope(|scope| {
        let other = scope.spawn(move || read(&second, theirs));
        let mut pictures = read(store, mine)?;
        pictures.extend(other.join().map_err(|_| AppError::Internal("reading the pictures failed".into()))??);
        Ok(pictures)
    })
}

/// A redacted copy verifies: its manifest is signed, names these bytes, and names the
/// original's digest as the capture's own signed manifest gives it.
fn redacted_copy_verifies(r: &triangulate_store::RedactionRecord, bytes: &[u8], original: Option<&str>) -> bool {
    triangulate_evidence::redaction::verify_redaction(&r.manifest, &r.signature).is_ok_and(|m| {
        m.redacted_sha256 == triangulate_evidence::sha256_hex(bytes) && original == Some(m.original_sha256.as_str())
    })
}

/// Says that a picture shown is a redacted copy, and of what (whether it verifies is the
/// exhibit's integrity section's to say, with every other picture).
fn redaction_note(blocks: &mut Vec<Block>, sources: &Sources, exhibit: &Exhibit, kind: &str) {
    let Some(r) = sources.redactions.get(&(exhibit.record.id, kind.to_string())) else { return };
    // What was redacted: this picture, or the same file shown as another.
    let what = if r.artefact == "full_page_png" { "full page" } else { "viewport" };
    let Some(m) = r.read_manifest() else {
        blocks.push(Block::Paragraph(format!(
            "The redacted copy of exhibit {}'s {what} has a manifest that cannot be read.",
            exhibit.number
        )));
        return;
    };
    blocks.push(Block::Paragraph(format!(
        "Redacted copy of exhibit {}'s {what} ({} box{}): the original is sealed, SHA-256 {}. Redacted by {} on {}: {}. The redacted copy's SHA-256 is {}.",
        exhibit.number,
        m.boxes.len(),
        if m.boxes.len() == 1 { "" } else { "es" },
        m.original_sha256,
        m.redacted_by,
        uk_time(&m.redacted_at),
        m.reason,
        m.redacted_sha256
    )));
}

/// Where a picture shown smaller to fit a page is to be had at its own size.
const EXACT_PICTURE: &str = "the exact picture, the signed file whose SHA-256 is given below, is in the evidence bundle and in the capture's export.";

fn exhibit_blocks(blocks: &mut Vec<Block>, pictures: &Pictures, exhibit: &Exhibit, sources: &Sources) -> Result<()> {
    let record = &exhibit.record;
    let manifest = &exhibit.manifest;
    let provenance = &manifest.provenance;
    blocks.push(Block::Section(format!("Exhibit {}: capture {}", exhibit.number, record.id)));
    blocks.push(Block::Fields(vec![
        row("Page", provenance.title.clone()),
        row("Address", provenance.url.clone()),
        row(CAPTURED_AT, captured_at(&provenance.capture_started_at)),
    ]));
    // Each picture was checked against the digest in the signed manifest as it was read.
    let mut pictures_match = true;
    let mut picture = |kind: &str| -> Result<Arc<Vec<u8>>> {
        let (bytes, matches) = pictures
            .get(&(record.id, kind.to_string()))
            .ok_or_else(|| AppError::Internal(format!("capture {}'s {kind} was not read", record.id)))?;
        pictures_match &= *matches;
        Ok(bytes.clone())
    };
    let digest_of = |kind: &str| record.artefacts.iter().find(|a| a.kind == kind).map(|a| a.sha256.clone());
    let tiles: Vec<&str> =
        record.artefacts.iter().filter(|a| a.kind.starts_with("full_page_tile_")).map(|a| a.kind.as_str()).collect();
    let full_page = if digest_of("full_page_png").is_some() {
        vec![picture("full_page_png")?]
    } else {
        tiles.iter().map(|kind| picture(kind)).collect::<Result<Vec<_>>>()?
    };
    if !full_page.is_empty() {
        blocks.push(Block::Heading { text: format!("Exhibit {}: the full page", exhibit.number), outline: true });
        let covered = &provenance.full_page;
        let way = match &covered.scrolling {
            Some(scrolling) => format!("{}; {}", scrolling.label, scrolling.stopped),
            None => crate::captures::AT_ONE_MOMENT.to_string(),
        };
        let mut caption = format!(
            "The whole page as captured, {way}, {} CSS px tall, at the width of this page",
            covered.captured_height_css.round()
        );
        if covered.capped {
            caption.push_str(&format!(
                "; the page was {} CSS px tall and was cut at the policy's limit",
                covered.page_height_css.round()
            ));
        }
        if full_page.len() > 1 {
            caption.push_str(&format!("; in {} tiles, one below the other", full_page.len()));
        }
        blocks.push(Block::Picture { caption, pngs: full_page });
        redaction_note(blocks, sources, exhibit, "full_page_png");
    }
    if let Some(viewport) = digest_of("viewport_png") {
        blocks.push(Block::Heading { text: format!("Exhibit {}: the viewport", exhibit.number), outline: true });
        if digest_of("full_page_png").as_ref() == Some(&viewport) {
            // A page no taller than the window: the two pictures are the same file.
            blocks.push(Block::Paragraph(
                "The page fitted the browser's window: the viewport picture is the same file as the full page above (the same SHA-256), shown once."
                    .into(),
            ));
        } else {
            blocks.push(Block::WholePicture {
                caption: "What the worker saw in the browser's window when the capture was taken".into(),
                png: picture("viewport_png")?,
                exact: EXACT_PICTURE.into(),
            });
            redaction_note(blocks, sources, exhibit, "viewport_png");
        }
    }

    blocks.push(Block::Heading { text: format!("Exhibit {}: provenance", exhibit.number), outline: true });
    let person = sources
        .request
        .request
        .subjects
        .get(manifest.subject.saturating_sub(1))
        .map(|s| s.display_name().to_string())
        .unwrap_or_default();
    blocks.push(Block::Fields(provenance_rows(manifest, &person)));

    blocks
        .push(Block::Heading { text: format!("Exhibit {}: the trail that led to it", exhibit.number), outline: false });
    // The session's trail since the exhibit before it in the same session: what an earlier
    // exhibit shows is not repeated. The manifest attached holds the whole trail.
    let shown_up_to = exhibit.trail_after;
    let events: Vec<&triangulate_evidence::TrailEvent> =
        manifest.trail.iter().filter(|e| shown_up_to.is_none_or(|after| e.at > after)).collect();
    let earlier = manifest.trail.len() - events.len();
    if earlier > 0 {
        blocks.push(Block::Small(format!(
            "The session's {earlier} earlier events are shown with the exhibit before this one; the whole trail is in this exhibit's attached manifest."
        )));
    }
    if events.is_empty() {
        blocks.push(Block::Paragraph("No navigation was recorded since then.".into()));
    } else {
        let rows = events
            .iter()
            .map(|event| {
                let stamp = event.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                let mut what = format!("{} (tab {})\n{}", event.kind.replace('_', " "), event.tab, event.url);
                if let Some(to) = event.detail.get("to").and_then(|v| v.as_str()) {
                    what.push_str(&format!("\nto {to}"));
                }
                if let Some(status) = event.detail.get("status").and_then(|v| v.as_i64()) {
                    what.push_str(&format!("\nHTTP {status}"));
                }
                (uk_time_seconds(&stamp), what)
            })
            .collect();
        blocks.push(Block::Fields(rows));
    }

    blocks.push(Block::Heading { text: format!("Exhibit {}: the worker's judgement", exhibit.number), outline: false });
    if let Some(judgement) = &record.judgement {
        let attribution = match judgement.attribution {
            Attribution::Verified => "Verified",
            Attribution::Probable => "Probable",
            Attribution::Unverified => "Unverified",
        };
        blocks.push(Block::Fields(vec![
            row("Relevant", if judgement.relevant { "Yes" } else { "No" }),
            row("Useful and unique", if judgement.useful_and_unique { "Yes" } else { "No" }),
            row("Attribution", attribution),
            row("Why", or_none(judgement.attribution_reason.as_deref())),
            row("Notes", or_none(judgement.notes.as_deref())),
            row("Tags", if judgement.tags.is_empty() { "None".into() } else { judgement.tags.join(", ") }),
            row("Collateral intrusion", or_none(judgement.collateral_intrusion.as_deref())),
        ]));
    }
    let disputed: Vec<(String, String)> = sources
        .disputes
        .iter()
        .filter(|d| d.target == triangulate_store::DisputeTarget::Capture { id: record.id })
        .map(|d| row("Disputed", format!("by {}, {}: {}", d.disputed_by, uk_time(&d.recorded_at), d.text)))
        .collect();
    if !disputed.is_empty() {
        blocks.push(Block::Heading { text: format!("Exhibit {}: disputed", exhibit.number), outline: false });
        blocks.push(Block::Fields(disputed));
    }

    blocks.push(Block::Heading { text: format!("Exhibit {}: integrity", exhibit.number), outline: false });
    let mut rows: Vec<(String, String)> = record
        .artefacts
        .iter()
        .map(|a| {
            let size = match (a.width, a.height) {
                (Some(w), Some(h)) => format!("{} bytes, {w} × {h} px", a.size),
                _ => format!("{} bytes", a.size),
            };
            (
                artefact_label(&a.kind),
                format!("SHA-256 {}\n{size}, {}\nin the manifest as {}", a.sha256, a.media_type, a.kind),
            )
        })
        .collect();
    let manifest_digest = triangulate_evidence::sha256_hex(record.manifest.as_bytes());
    rows.push(row("Manifest", format!("SHA-256 {manifest_digest}\nattached as capture-{}-manifest.json", record.id)));
    let signature = match verify_manifest(&record.manifest, &record.signature) {
        Ok(()) => format!(
            "Valid: Ed25519, key fingerprint {}{}",
            manifest.signing_key.fingerprint,
            if manifest.signing_key.fingerprint == sources.fingerprint {
                " (this installation's key)"
            } else {
                " (NOT this installation's current key)"
            }
        ),
        Err(why) => format!("NOT VALID: {why}"),
    };
    rows.push(row("Signature", signature));
    rows.push(row(
        "Pictures",
        if pictures_match {
            "Each picture shown here hashes to its digest in the signed manifest"
        } else {
            "A PICTURE DOES NOT MATCH ITS DIGEST: the store has been changed or damaged"
        },
    ));
    blocks.push(Block::Fields(rows));
    Ok(())
}

/// An artefact's kind in words, as the capture screen names it.
fn artefact_label(kind: &str) -> String {
    match kind {
        "full_page_png" => "The whole page (PNG)".into(),
        "viewport_png" => "The window as seen (PNG)".into(),
        "mhtml" => "The page's snapshot (MHTML)".into(),
        "warc" => "The page's web archive (WARC)".into(),
        other => match other.strip_prefix("full_page_tile_").and_then(|n| n.parse::<u32>().ok()) {
            Some(n) => format!("Part {n} of the whole page (PNG)"),
            None => other.replace('_', " "),
        },
    }
}

fn text_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn unix_date(value: &serde_json::Value) -> Option<String> {
    let seconds = value.as_f64()?;
    chrono::DateTime::from_timestamp(seconds as i64, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .map(|t| uk_time(&t))
}

/// A capture's provenance in rows, as the care record and the capture's screen show it.
/// Which way the full page was taken, in words: at one moment, or composed from screens
/// while scrolling, with why, what stopped it, how dates were found and what was changed on
/// the page and undone.
fn full_page_taken(full_page: &triangulate_evidence::FullPageInfo) -> String {
    let Some(scrolling) = &full_page.scrolling else {
        let mut text =
            format!("All at once: {}, in {} tile(s)", crate::captures::AT_ONE_MOMENT, full_page.tiles.len().max(1));
        if let Some(why) = &full_page.scroll_dependent {
            text.push_str(&format!("\nThe page changes as it is scrolled: {why}"));
        }
        return text;
    };
    let mut lines = vec![
        format!("By scrolling: {}", scrolling.label),
        format!("Why: {}", scrolling.chosen),
        format!("Stopped: {}", scrolling.stopped),
        format!("Dates: {}", scrolling.dates),
        format!(
            "Each screen overlaps the one before by {} CSS px; {} joins, recorded with each screen's scroll offset, time and SHA-256 in the manifest",
            scrolling.overlap_css.round(),
            scrolling.joins.len()
        ),
    ];
    lines.extend(scrolling.page_changes.iter().cloned());
    lines.join("\n")
}

pub(crate) fn provenance_rows(manifest: &Manifest, person: &str) -> Vec<(String, String)> {
    let p = &manifest.provenance;
    let http = &p.http;
    let status = if http["known"].as_bool() == Some(true) {
        format!(
            "{} {}",
            text_of(&http["status"]).unwrap_or_default(),
            text_of(&http["status_text"]).unwrap_or_default()
        )
    } else {
        let mut text = format!("Not recorded: {}", text_of(&http["why"]).unwrap_or_default());
        if let Some(status) = text_of(&http["status_from_navigation_timing"]) {
            text.push_str(&format!("\nStatus from the page's own navigation timing: {status}"));
        }
        text
    };
    let server = match (text_of(&http["remote_ip_address"]), text_of(&http["remote_port"])) {
        (Some(ip), Some(port)) => format!("{ip} port {port}"),
        (Some(ip), None) => ip,
        _ => "Not recorded".into(),
    };
    let tls = &p.tls;
    let tls_text = if tls["https"].as_bool() == Some(true) {
        let mut lines = vec![format!(
            "{}{}",
            text_of(&tls["protocol"]).unwrap_or_else(|| "Protocol not recorded".into()),
            text_of(&tls["cipher"]).map(|c| format!(", {c}")).unwrap_or_default()
        )];
        if let Some(subject) = text_of(&tls["subject"]) {
            lines.push(format!("Certificate for {subject}"));
        }
        if let Some(issuer) = text_of(&tls["issuer"]) {
            lines.push(format!("Issued by {issuer}"));
        }
        if let (Some(from), Some(to)) = (unix_date(&tls["valid_from"]), unix_date(&tls["valid_to"])) {
            lines.push(format!("Valid from {from} to {to}"));
        }
        if let Some(fingerprint) = text_of(&tls["certificate_sha256"]) {
            lines.push(format!("Certificate SHA-256 {fingerprint}"));
        }
        lines.join("\n")
    } else {
        "Not HTTPS: the page came over an unencrypted connection".into()
    };
    let statement = match &p.worker_statement {
        Some(s) => format!(
            "{}{}",
            if s.visible_without_friending_or_interacting {
                "Visible without friending or interacting with anyone. "
            } else {
                ""
            },
            s.words
        ),
        None => "None made".into(),
    };
    let mut rows = vec![
        row("Address as visited", p.original_url.clone()),
        row("Address as finally served", p.url.clone()),
        row("Title", p.title.clone()),
        row(CAPTURED_AT, captured_at(&p.capture_started_at)),
        row("Capture completed", captured_at(&p.capture_ended_at)),
        row("Capture began and completed (UTC)", format!("{} to {}", p.capture_started_at, p.capture_ended_at)),
        row("HTTP status", status),
        row("Server address", server),
        row("Protocol", text_of(&http["protocol"]).unwrap_or_else(|| "Not recorded".into())),
        row("TLS", tls_text),
        row("Browser", format!("{} ({})", p.browser.product, p.browser.user_agent)),
        row(
            "Window",
            format!("{} × {} CSS px at {}×", p.viewport.width, p.viewport.height, p.viewport.device_scale_factor),
        ),
        row("Sanctioned account", format!("{} ({})", manifest.account.handle, manifest.account.platform)),
        row(
            "Worker",
            match &manifest.worker {
                Some(w) => format!(
                    "{}{}",
                    w.name,
                    w.staff_id.as_deref().map(|s| format!(", staff ID {s}")).unwrap_or_default()
                ),
                None => "No worker profile".into(),
            },
        ),
        row("Access session", format!("{}, started {}", manifest.session.id, uk_time(&manifest.session.started_at))),
        row("Statement", statement),
    ];
    if let Some(reason) = &p.outside_scope_reason {
        rows.push(row("Outside the listed profiles because", reason.clone()));
    }
    rows.push(row("Full page taken", full_page_taken(&p.full_page)));
    if let Some(archive) = &p.archive {
        let mut text = format!(
            "{} {} in the web archive (WARC)",
            archive.responses,
            if archive.responses == 1 { "response" } else { "responses" }
        );
        if !archive.bodies_missing.is_empty() {
            let missing = archive.bodies_missing.len();
            text.push_str(&format!("; {missing} {} could not be kept:", if missing == 1 { "body" } else { "bodies" }));
            for missing in &archive.bodies_missing {
                text.push_str(&format!("\n{} ({})", missing.url, missing.reason));
            }
        }
        rows.push(row("Web archive", text));
    }
    rows.push(row("Person", format!("{}. {person}", manifest.subject)));
    rows
}

/// A decision in one line: who decided what, in what role, when, on what evidence, and who
/// recorded it when that was someone else.
fn decision_line(d: &triangulate_store::DecisionRecord) -> String {
    format!("{}: {}", d.step_label, d.in_words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use triangulate_evidence::{FrameInfo, FullPageInfo, JoinInfo, ScrollingInfo};

    fn at_once() -> FullPageInfo {
        FullPageInfo {
            page_width_css: 1280.0,
            page_height_css: 3000.0,
            captured_height_css: 3000.0,
            capped: false,
            cap_device_px: 250_000.0,
            limit_css_px: 250_000.0,
            tiles: Vec::new(),
            joined: true,
            method: Some("all_at_once".into()),
            scroll_dependent: None,
            scrolling: None,
        }
    }

    #[test]
    fn the_provenance_says_which_way_the_full_page_was_taken() {
        assert_eq!(full_page_taken(&at_once()), "All at once: the page at one moment, in 1 tile(s)");
        let frame = |index: u32, y: f64| FrameInfo {
            index,
            scroll_y_css: y,
            taken_at: "2026-11-23T10:05:01.000Z".into(),
            width_px: 1280,
            height_px: 720,
            sha256: "ab".repeat(32),
            settled: true,
        };
        let join = |frame: u32, page_y_px: u64, frame_y_px: u32| JoinInfo {
            frame,
            page_y_px,
            frame_y_px,
            rows_px: 720 - frame_y_px,
            overlap_rows_differing: 0,
        };
        let scrolled = FullPageInfo {
            method: Some("scrolling".into()),
            scroll_dependent: Some(
                "the page changes as it is scrolled: 40 of its elements were added or removed".into(),
            ),
            scrolling: Some(ScrollingInfo {
                label: "composed from 2 screens while scrolling".into(),
                screens: 2,
                chosen: "the page changes as it is scrolled".into(),
                overlap_css: 90.0,
                frames: vec![frame(1, 0.0), frame(2, 630.0)],
                joins: vec![join(1, 0, 0), join(2, 720, 90)],
                stopped: "reached 1 August 2026: a post dated 29 July 2026 appeared".into(),
                cut_short: false,
                followed_until: Some("2026-08-01".into()),
                dates: "dates read from the elements matching \"time[datetime]\"".into(),
                oldest_date_seen: Some("2026-07-29".into()),
                page_changes: vec!["1 fixed or sticky elements were made transparent".into()],
                restored_scroll_x: 0.0,
                restored_scroll_y: 500.0,
            }),
            ..at_once()
        };
        let words = full_page_taken(&scrolled);
        assert!(words.starts_with("By scrolling: composed from 2 screens while scrolling\n"), "{words}");
        assert!(words.contains("Stopped: reached 1 August 2026: a post dated 29 July 2026 appeared"), "{words}");
        assert!(words.contains("overlaps the one before by 90 CSS px; 2 joins"), "{words}");
        assert!(words.ends_with("1 fixed or sticky elements were made transparent"), "{words}");
        assert!(!words.contains("one moment"), "never described as the page at one moment");
    }
}
