//! Evidence bundles for a legal team: one ZIP with the care-record PDF, every original
//! artefact of every capture judged relevant with its signed manifest, `README.txt`, the
//! installation's public key, and `manifest.json` — each file's SHA-256 and size, the
//! captures' metadata and trails, the authorisation chain and the request's own audit events
//! — signed with the installation's key (`manifest.sig`); and, when the policy names a
//! time-stamping authority, its RFC 3161 timestamp over the manifest (`manifest.tsr`),
//! verified before it is written. Checked by [`verify`], which needs no store and no key.

use serde::Serialize;
use std::path::Path;
use triangulate_bundle::BundleWriter;
use triangulate_bundle::bundle::{
    BUNDLE_FORMAT, BundleAudit, BundleManifest, BundleReport, BundleTimestamp, TIMESTAMP_CA_PATH,
};
/// The report as people read it, for the doors.
pub use triangulate_bundle::report_lines;
use triangulate_core::export::PdfKind;
use triangulate_store::NewBundleExport;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::export::{Prepared, Temporary, already_exists, check_destination, place_new, prepare};
use crate::host::Host;
use crate::progress::{Tracker, Work, tracked};
use crate::timestamping::Authority;

/// A bundle written and recorded.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleExported {
    pub path: String,
    /// SHA-256 of `manifest.json`: what the audit chain records.
    pub manifest_sha256: String,
    pub bytes: u64,
    /// The files the manifest lists.
    pub files: u32,
    /// The signing key's fingerprint (hex of the SHA-256 of the raw public key).
    pub fingerprint: String,
    pub draft: bool,
    /// When the time-stamping authority says it saw the manifest (RFC 3339), if the policy
    /// names one.
    pub timestamped_at: Option<String>,
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "application/warc" => "warc",
        _ => "mhtml",
    }
}

/// Writes the evidence bundle of a request. The rules are the care record's: a final bundle
/// needs the log finalised and every capture judged, unless it is a draft.
///
/// Its progress: the audit chain checked, the request and its pictures read, the care record
/// laid out, drawn and written, each capture's files written, the manifest signed (and
/// time-stamped when the policy names an authority), the bundle finished, the export recorded.
pub fn export_bundle(host: &dyn Host, reference: &str, out: &Path, draft: bool) -> Result<BundleExported> {
    let tracker = Tracker::start(host, Work::Bundle, reference.trim(), BUNDLE_STEPS, "Checking the audit chain");
    tracked(
        tracker,
        |done: &BundleExported| format!("Evidence bundle written: {} files", done.files),
        |tracker| export_bundle_tracked(host, reference, out, draft, tracker),
    )
}

/// A bundle's steps before its captures (and its timestamp) are counted.
const BUNDLE_STEPS: u32 = 9;

fn export_bundle_tracked(
    host: &dyn Host,
    reference: &str,
    out: &Path,
    draft: bool,
    tracker: &mut Tracker<'_>,
) -> Result<BundleExported> {
    let timer = std::time::Instant::now();
    check_destination(out)?;
    let now = host.now();
    let mut store = host.store()?;
    // The request's events are signed into the bundle as a complete chain: only from a store
    // whose whole chain verifies (a removed event would otherwise go unseen).
    if let triangulate_core::ChainReport::Broken { event, reason } = store.audit_verify()? {
        return Err(AppError::Refused(format!(
            "the audit chain is broken at event {event} ({reason}): no bundle is signed from it"
        )));
    }
    // The time-stamping authority and its CA, if the policy names one: checked before any work.
    let authority = Authority::from_policy(host, "no bundle is made")?;
    if authority.is_some() {
        tracker.add_steps(1);
    }
    tracker.next("Reading the request, log and captures");
    let prepared = prepare(host, &mut store, reference, draft, PdfKind::CareRecord, timer, tracker)?;
    let Prepared { reference, info, blocks, attachments, .. } = &prepared;
    let exhibits = prepared.exhibit_records().count();
    tracker.add_steps(u32::try_from(exhibits).unwrap_or(u32::MAX));
    tracker.next("Laying out the care record");
    let mut pdf = Vec::new();
    triangulate_pdf::render_with(info, blocks, attachments, &mut pdf, &mut |stage| {
        crate::export::pdf_stage(tracker, stage)
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;

    let temporary = Temporary::beside(out);
    let failed = |why: String| AppError::Refused(format!("{} cannot be written: {why}", out.display()));
    let file = triangulate_store::private::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&temporary.0)
        .map_err(|e| failed(e.to_string()))?;
    let mut writer = BundleWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    writer.add("care-record.pdf", &pdf).map_err(failed)?;
    drop(pdf);
    let mut captures = Vec::new();
    let mut redactions = Vec::new();
    for (k, (record, manifest)) in prepared.exhibit_records().enumerate() {
        tracker.next(format!("Writing capture {}'s files ({} of {exhibits})", record.id, k + 1));
        // Every artefact the signed manifest names, each checked against its signed digest:
        // nothing the store lost or changed is signed again.
        for artefact in &manifest.artefacts {
            let (bytes, _) = store.capture_artefact(record.id, &artefact.kind)?;
            if triangulate_evidence::sha256_hex(&bytes) != artefact.sha256 {
                return Err(AppError::Refused(format!(
                    "capture {}'s {} does not match the digest its signed manifest gives: the store was changed or damaged, and no bundle is made",
                    record.id, artefact.kind
                )));
            }
            let path = format!(
                "captures/{}/{}.{}",
                record.id,
                artefact.kind.replace('_', "-"),
                extension(&artefact.media_type)
            );
            writer.add(&path, &bytes).map_err(failed)?;
        }
        writer.add(&format!("captures/{}/manifest.json", record.id), record.manifest.as_bytes()).map_err(failed)?;
        writer
            .add(&format!("captures/{}/manifest.sig", record.id), format!("{}\n", record.signature).as_bytes())
            .map_err(failed)?;
        // Each redacted copy beside its sealed original, with the signed manifest that links them.
        for copy in store.redactions(record.id)? {
            let png = store.redaction_png(copy.id)?;
            let signed = triangulate_evidence::redaction::verify_redaction(&copy.manifest, &copy.signature);
            if signed.is_err() || triangulate_evidence::sha256_hex(&png) != copy.sha256 {
                return Err(AppError::Refused(format!(
                    "the redacted copy {} of capture {} does not match its signed manifest: the store was changed or damaged, and no bundle is made",
                    copy.id, record.id
                )));
            }
            let base = format!("captures/{}/redacted-{}", record.id, copy.id);
            let entry = triangulate_bundle::bundle::BundleRedaction {
                capture_id: record.id,
                redaction_id: copy.id,
                original: format!("captures/{}/{}.png", record.id, copy.artefact.replace('_', "-")),
                copy: format!("{base}-{}.png", copy.artefact.replace('_', "-")),
                manifest: format!("{base}.json"),
                signature: format!("{base}.sig"),
            };
            writer.add(&entry.copy, &png).map_err(failed)?;
            writer.add(&entry.manifest, copy.manifest.as_bytes()).map_err(failed)?;
            writer.add(&entry.signature, format!("{}\n", copy.signature).as_bytes()).map_err(failed)?;
            redactions.push(entry);
        }
        captures.push(manifest.clone());
    }
    let fingerprint = prepared.fingerprint().to_string();
    writer
        .add(
            "README.txt",
            readme(reference, &fingerprint, draft, authority.as_ref().map(|a| a.url.as_str())).as_bytes(),
        )
        .map_err(failed)?;
    writer.add("verify.html", triangulate_bundle::verify_page().as_bytes()).map_err(failed)?;
    let (events, head) = store.request_audit_events(reference)?;
    let authorisation_chain = serde_json::json!({
        "decisions": prepared.request().decisions,
        "authorisations": prepared.authorisations(),
    });
    let key = store.signing_key_info(now)?;
    let key_text = format!(
        "Ed25519 public key (hex): {}\nFingerprint (hex of the SHA-256 of the public key): {}\n",
        key.public_key, key.fingerprint
    );
    writer.add("signing-key.txt", key_text.as_bytes()).map_err(failed)?;
    let stamp_with = match &authority {
        Some(authority) => {
            writer.add(TIMESTAMP_CA_PATH, &authority.pem).map_err(failed)?;
            Some(BundleTimestamp { authority: authority.url.clone(), ca_certificate: TIMESTAMP_CA_PATH.into() })
        }
        None => None,
    };
    let manifest = BundleManifest {
        format: BUNDLE_FORMAT.into(),
        request: reference.clone(),
        created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        draft,
        files: writer.listed().to_vec(),
        captures,
        authorisation_chain,
        audit: BundleAudit { events, head },
        signing_key: key,
        timestamp: stamp_with,
        redactions,
    };
    let files = manifest.files.len() as u32;
    tracker.next("Signing the manifest");
    let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    let (signature, _) = store.sign_with_installation_key(&text, now)?;
    let manifest_sha256 = triangulate_evidence::sha256_hex(text.as_bytes());
    let stamped = match &authority {
        Some(authority) => {
            tracker.next("Asking the time-stamping authority for a timestamp");
            Some(authority.stamp(host, text.as_bytes())?)
        }
        None => None,
    };
    tracker.next("Writing the bundle");
    let buffered = writer
        .finish(text.as_bytes(), &signature, stamped.as_ref().map(|(answer, _)| answer.as_slice()))
        .map_err(failed)?;
    let timestamped_at = stamped.map(|(_, info)| info.time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    let file = buffered.into_inner().map_err(|e| failed(e.to_string()))?;
    file.sync_all().map_err(|e| failed(e.to_string()))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    drop(file);
    place_new(&temporary.0, out).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => already_exists(out),
        _ => failed(e.to_string()),
    })?;
    drop(temporary);
    tracker.next("Recording the export in the audit trail");
    let path = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let record = NewBundleExport {
        draft,
        manifest_sha256: manifest_sha256.clone(),
        bytes,
        files: files as usize,
        path: path.display().to_string(),
        timestamped_at: timestamped_at.clone(),
    };
    if let Err(error) = store.record_bundle_export(reference, &record, host.now()) {
        let _ = std::fs::remove_file(&path);
        return Err(error.into());
    }
    tracing::info!(request = %reference, files, bytes, ms = timer.elapsed().as_millis() as u64, "bundle exported");
    Ok(BundleExported {
        path: path.display().to_string(),
        manifest_sha256,
        bytes,
        files,
        fingerprint,
        draft,
        timestamped_at,
    })
}

/// The offline check page, written alone for the council to publish with its SHA-256: the
/// same bytes as the `verify.html` in every bundle. Needs no store.
pub fn write_verify_page(out: &Path) -> Result<(String, String)> {
    check_destination(out)?;
    let page = triangulate_bundle::verify_page();
    triangulate_store::private::write_new(out, page.as_bytes())
        .map_err(|e| AppError::Refused(format!("{} cannot be written: {e}", out.display())))?;
    let path = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    Ok((path.display().to_string(), triangulate_evidence::sha256_hex(page.as_bytes())))
}

/// Checks a bundle (a ZIP, or the folder it was unzipped into): no store, no key.
pub fn verify(path: &Path, expect_fingerprint: Option<&str>) -> Result<BundleReport> {
    triangulate_bundle::verify_path(path, expect_fingerprint)
        .map_err(|why| AppError::fields_error(vec![triangulate_core::FieldError::new("bundle", why)]))
}

/// The bundle's README: what it proves and what it does not, in plain English.
fn readme(reference: &str, fingerprint: &str, draft: bool, authority: Option<&str>) -> String {
    let mut text = format!(
        "Evidence bundle for request {reference}\n\
         ======================================\n\n"
    );
    let (stamp_files, clock, stamp_check) = match authority {
        Some(url) => (
            format!(
                "- manifest.tsr: an RFC 3161 timestamp over manifest.json from the time-stamping authority at\n  {url}; timestamp-ca.pem: the certificate of the CA its answer is checked against.\n"
            ),
            "That the laptop's clock was right: the timestamp shows only that manifest.json existed, as it is,\n  by the time the authority gives.",
            "- With OpenSSL: openssl ts -verify -data manifest.json -in manifest.tsr -CAfile timestamp-ca.pem\n  (\"Verification: OK\"); compare timestamp-ca.pem with the authority's published certificate.\n",
        ),
        None => (String::new(), "That the laptop's clock was right: the bundle has no trusted timestamp.", ""),
    };
    if draft {
        text.push_str("THIS IS A DRAFT: the investigation log was not finalised when it was made.\n\n");
    }
    text.push_str(&format!(
        "What is in it\n\
         - care-record.pdf: the request, its authorisations, the investigation log and every capture judged relevant.\n\
         - captures/N/: each such capture's original files (full page, viewport, web page archive MHTML, web archive WARC)\n  and its signed manifest (manifest.json, manifest.sig); where a picture was redacted (faces of other children,\n  names of third parties), the redacted copy (redacted-N-*.png) with its signed manifest (redacted-N.json,\n  redacted-N.sig) giving the sealed original's SHA-256, the boxes, who, why and when. The original is unchanged.\n\
         - manifest.json: every other file's SHA-256 and size, the captures' details and trails, the authorisation chain,\n  and this request's own audit events; manifest.sig: its Ed25519 signature.\n\
         - signing-key.txt: the public key that checks the signature.\n\
         {stamp_files}\n\
         The signing key's fingerprint (hex of the SHA-256 of the public key):\n\
         {fingerprint}\n\
         Check it against the fingerprint the council publishes: a key inside the bundle proves nothing on its own.\n\n\
         What the bundle proves, once checked\n\
         - These files are byte for byte what this installation recorded, and nothing was added, removed or changed since.\n\
         - Each capture was taken at the time recorded, through the trail recorded, under the authorisations recorded,\n  as this installation's clock and records say.\n\
         - The request's audit events are complete and in order from its first to the last in the bundle.\n\n\
         What it does not prove\n\
         - That a page was genuine, or that an account belongs to the person it seems to.\n\
         - {clock}\n\n\
         How to check it\n\
         - In a browser, offline: open the copy of verify.html the council publishes with its hash (the copy in this\n  bundle is the same page, but one inside a bundle could be replaced along with it), enter the council's\n  fingerprint, and choose this ZIP or the folder it was unzipped into.\n\
         - triangulate-verify BUNDLE.zip --expect-fingerprint FINGERPRINT (or `triangulate verify`): exit 0 and\n  \"bundle intact\", or each changed, missing or extra file, a bad signature, a broken audit chain or a\n  timestamp that does not match named.\n{stamp_check}"
    ));
    text
}
