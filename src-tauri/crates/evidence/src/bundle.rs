//! An evidence bundle's manifest, `triangulate-bundle/1`, and the check a legal team runs on
//! a bundle: every file listed with its SHA-256 and size, nothing missing and nothing extra,
//! the Ed25519 signature over the manifest's bytes, the request's own audit events as a
//! chain, the signing key's fingerprint against the one the council publishes, and, when
//! the manifest says the bundle is timestamped, the RFC 3161 timestamp over the manifest.
//!
//! No IO: the check reads the bundle through [`BundleSource`], which a ZIP reader or a
//! folder implements.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use crate::audit::{AuditEvent, ChainHead, ChainReport, verify_request_chain};
use crate::manifest::Manifest;
use crate::signing::{SigningKeyInfo, verify_signature};
use crate::timestamp::{MAX_RESPONSE_BYTES, TimestampInfo, certificates_from_pem, verify_response};

/// The bundle format this version writes; readers check it before anything else.
pub const BUNDLE_FORMAT: &str = "triangulate-bundle/1";
/// The manifest, and its detached signature (base64), at the bundle's root.
pub const MANIFEST_PATH: &str = "manifest.json";
pub const SIGNATURE_PATH: &str = "manifest.sig";
/// A time-stamping authority's answer (RFC 3161 `TimeStampResp`, DER) over the manifest's
/// SHA-256, when the manifest says there is one.
pub const TIMESTAMP_PATH: &str = "manifest.tsr";
/// The TSA's CA certificate (PEM), listed in the manifest like any other file.
pub const TIMESTAMP_CA_PATH: &str = "timestamp-ca.pem";
/// The largest manifest read: a bigger one is refused, not parsed.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// A bundle's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleManifest {
    /// Always `BUNDLE_FORMAT` when written by this version.
    pub format: String,
    /// The request's reference.
    pub request: String,
    /// When the bundle was made (RFC 3339).
    pub created_at: String,
    pub draft: bool,
    /// Every other file of the bundle but the signature, with its SHA-256 and size.
    pub files: Vec<BundleFile>,
    /// The manifest of each capture in the bundle, as signed: metadata, provenance and trail.
    pub captures: Vec<Manifest>,
    /// The request's decisions and authorisations, as the store records them.
    pub authorisation_chain: serde_json::Value,
    /// This request's own audit events and their head: a chain on its own.
    pub audit: BundleAudit,
    pub signing_key: SigningKeyInfo,
    /// Present when the bundle is timestamped: the answer is at [`TIMESTAMP_PATH`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<BundleTimestamp>,
    /// The redacted copies of the captures' pictures, each linked to its sealed original.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redactions: Vec<BundleRedaction>,
}

/// A redacted copy in a bundle: where its picture, its signed redaction manifest and that
/// manifest's signature are, and the original it was made from. All four are listed files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRedaction {
    pub capture_id: i64,
    pub redaction_id: i64,
    /// The sealed original picture.
    pub original: String,
    /// The redacted copy.
    pub copy: String,
    /// Its `triangulate-redaction-1` manifest (canonical JSON) and signature (base64).
    pub manifest: String,
    pub signature: String,
}

/// Where a bundle's timestamp comes from and what it is checked against. Written into the
/// manifest before the manifest is stamped, so a removed timestamp is seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleTimestamp {
    /// The time-stamping authority asked (its URL).
    pub authority: String,
    /// The listed file holding the CA certificate the answer chains to.
    pub ca_certificate: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleAudit {
    pub events: Vec<AuditEvent>,
    pub head: ChainHead,
}

/// What a bundle is read through: its entries' names (duplicates kept), and each entry's
/// content as a stream.
pub trait BundleSource {
    fn names(&self) -> Vec<String>;
    /// What is wrong with the container itself (a ZIP whose bytes are not all accounted for
    /// by the entries it lists, say): when anything is, nothing in it is read.
    fn problems(&self) -> Vec<String> {
        Vec::new()
    }
    /// Whether some name appears more than once (a ZIP's directory may say so).
    fn has_duplicates(&self) -> bool {
        false
    }
    fn open(&mut self, name: &str) -> std::io::Result<Box<dyn Read + '_>>;
}

/// One file's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub ok: bool,
}

/// What the check found: `problems` is empty when the bundle is intact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    pub request: Option<String>,
    /// Whether the bundle says it is a draft (made before the log was finalised).
    pub draft: Option<bool>,
    /// Whether the signing key was checked against an expected fingerprint.
    pub pinned: bool,
    /// The signing key's fingerprint (hex of the SHA-256 of the raw public key).
    pub fingerprint: Option<String>,
    pub files: Vec<FileCheck>,
    pub audit_events: u64,
    /// Redacted copies whose link to their original verified.
    pub redactions: u64,
    /// The timestamp, when there is one and it verifies.
    pub timestamp: Option<TimestampInfo>,
    pub problems: Vec<String>,
}

impl BundleReport {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A name a bundle may not hold: absolute, climbing out (`..`), with a drive or a backslash,
/// empty parts or control characters.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.starts_with('/') || name.starts_with('\\') || name.as_bytes().get(1) == Some(&b':') {
        return Some("an absolute path");
    }
    if name.contains('\\') {
        return Some("a backslash in the path");
    }
    if name.chars().any(char::is_control) {
        return Some("a control character in the name");
    }
    if name.split('/').any(|part| part == ".." || part == "." || part.is_empty()) {
        return Some("a path that climbs out of the bundle or has an empty part");
    }
    None
}

/// Reads an entry whole, up to `limit` bytes; more is an error.
fn read_limited(source: &mut dyn BundleSource, name: &str, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let reader = source.open(name).map_err(|e| format!("{name} cannot be read: {e}"))?;
    reader.take(limit + 1).read_to_end(&mut bytes).map_err(|e| format!("{name} cannot be read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{name} is larger than {limit} bytes: it is not read"));
    }
    Ok(bytes)
}

/// SHA-256 and size of an entry, streamed, reading no more than `limit` bytes (one more than
/// the manifest says it has: a bigger entry, a ZIP bomb among them, is not read to its end).
fn digest(source: &mut dyn BundleSource, name: &str, limit: u64) -> Result<(String, u64), String> {
    let reader = source.open(name).map_err(|e| format!("{name} cannot be read: {e}"))?;
    let mut reader = reader.take(limit);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buffer).map_err(|e| format!("{name} cannot be read: {e}"))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Checks a bundle. `expect_fingerprint` pins the signing key (hex of the SHA-256 of the raw
/// public key, as the council publishes it).
pub fn verify_bundle(source: &mut dyn BundleSource, expect_fingerprint: Option<&str>) -> BundleReport {
    let mut report = BundleReport {
        request: None,
        draft: None,
        pinned: expect_fingerprint.is_some(),
        fingerprint: None,
        files: Vec::new(),
        audit_events: 0,
        redactions: 0,
        timestamp: None,
        problems: Vec::new(),
    };
    report.problems = source.problems();
    if !report.problems.is_empty() {
        return report;
    }
    let names = source.names();
    let mut seen = BTreeSet::new();
    for name in &names {
        if let Some(why) = unsafe_name(name) {
            report.problems.push(format!("the bundle holds {why}: {name:?}"));
        }
        if !seen.insert(name.clone()) {
            report.problems.push(format!("the bundle holds {name} twice"));
        }
    }
    if source.has_duplicates() {
        report.problems.push("the bundle holds a name twice".into());
    }
    if !report.problems.is_empty() {
        return report;
    }
    for required in [MANIFEST_PATH, SIGNATURE_PATH] {
        if !seen.contains(required) {
            report.problems.push(format!("{required} is missing: this is not a bundle, or it was changed"));
        }
    }
    if !report.problems.is_empty() {
        return report;
    }
    let manifest_bytes = match read_limited(source, MANIFEST_PATH, MAX_MANIFEST_BYTES) {
        Ok(bytes) => bytes,
        Err(why) => {
            report.problems.push(why);
            return report;
        }
    };
    let manifest: BundleManifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(manifest) => manifest,
        Err(e) => {
            report.problems.push(format!("{MANIFEST_PATH} cannot be read as a bundle manifest: {e}"));
            return report;
        }
    };
    if manifest.format != BUNDLE_FORMAT {
        report.problems.push(format!("the bundle's format is {:?}, not {BUNDLE_FORMAT}", manifest.format));
        return report;
    }
    report.request = Some(manifest.request.clone());
    report.draft = Some(manifest.draft);

    // The signature over the manifest's bytes, by the key it names, whose fingerprint it states.
    let key = &manifest.signing_key;
    let fingerprint = hex::decode(&key.public_key).map(|raw| hex::encode(Sha256::digest(raw))).unwrap_or_default();
    report.fingerprint = Some(fingerprint.clone());
    if fingerprint != key.fingerprint.to_ascii_lowercase() {
        report.problems.push("the manifest's key fingerprint is not the SHA-256 of its public key".into());
    }
    match read_limited(source, SIGNATURE_PATH, 1024) {
        Ok(signature) => {
            // Exactly the base64 signature and one line break: any other byte is a change.
            let text = String::from_utf8_lossy(&signature);
            let signature = text.strip_suffix('\n').unwrap_or(&text);
            if signature.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')) {
                report.problems.push(format!("{SIGNATURE_PATH} is not one base64 signature: it was changed"));
            } else if let Err(why) = verify_signature(&key.public_key, &manifest_bytes, signature) {
                report.problems.push(format!("{SIGNATURE_PATH}: {}", why.replace("the signed bytes", MANIFEST_PATH)));
            }
        }
        Err(why) => report.problems.push(why),
    }
    if let Some(expected) = expect_fingerprint {
        let expected: String = expected.chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
        if expected.to_ascii_lowercase() != fingerprint {
            report.problems.push(format!(
                "the bundle is signed with the key {fingerprint}, not the expected {}",
                expected.to_ascii_lowercase()
            ));
        }
    }

    // Every listed file present with its digest and size; nothing unlisted.
    let mut listed: BTreeMap<&str, &BundleFile> = BTreeMap::new();
    for file in &manifest.files {
        if let Some(why) = unsafe_name(&file.path) {
            report.problems.push(format!("the manifest lists {why}: {:?}", file.path));
        } else if [MANIFEST_PATH, SIGNATURE_PATH, TIMESTAMP_PATH].contains(&file.path.as_str()) {
            report.problems.push(format!("the manifest lists {} as a file of its own", file.path));
        } else if listed.insert(&file.path, file).is_some() {
            report.problems.push(format!("the manifest lists {} twice", file.path));
        }
    }
    for (path, file) in &listed {
        if !seen.contains(*path) {
            report.problems.push(format!("{path} is missing"));
            continue;
        }
        match digest(source, path, file.size.saturating_add(1)) {
            Ok((sha256, size)) => {
                let ok = sha256 == file.sha256.to_ascii_lowercase() && size == file.size;
                if !ok {
                    report.problems.push(format!("{path} has changed: its SHA-256 or size is not the manifest's"));
                }
                report.files.push(FileCheck { path: path.to_string(), sha256, size, ok });
            }
            Err(why) => report.problems.push(why),
        }
    }
    let stamped = manifest.timestamp.is_some();
    for name in &seen {
        if name != MANIFEST_PATH
            && name != SIGNATURE_PATH
            && !(stamped && name == TIMESTAMP_PATH)
            && !listed.contains_key(name.as_str())
            && !name.ends_with('/')
        {
            report.problems.push(format!("{name} is not in the manifest: it was added"));
        }
    }

    if let Some(timestamp) = &manifest.timestamp {
        check_timestamp(source, &seen, &listed, timestamp, &manifest_bytes, &mut report);
    }

    for redaction in &manifest.redactions {
        match check_redaction(source, &listed, &manifest, redaction) {
            Ok(()) => report.redactions += 1,
            Err(why) => report.problems.push(format!(
                "the redacted copy {} of capture {}: {why}",
                redaction.redaction_id, redaction.capture_id
            )),
        }
    }

    // The request's own audit chain.
    match verify_request_chain(&manifest.audit.events, &manifest.request, &manifest.audit.head) {
        ChainReport::Intact { events } => report.audit_events = events,
        ChainReport::Broken { event, reason } => {
            report.problems.push(format!("the request's audit chain is broken at its event {event}: {reason}"))
        }
    }
    report
}

/// A redacted copy's link: its manifest signed by the bundle's key, naming this capture, the
/// original's digest as the capture's signed manifest gives it and as the original file has
/// it, and the copy's digest as the copy file has it. The files' bytes are already checked
/// against the digests listed.
fn check_redaction(
    source: &mut dyn BundleSource,
    listed: &BTreeMap<&str, &BundleFile>,
    manifest: &BundleManifest,
    redaction: &BundleRedaction,
) -> Result<(), String> {
    let file = |path: &str| listed.get(path).copied().ok_or_else(|| format!("{path} is not a listed file"));
    let (original, copy) = (file(&redaction.original)?, file(&redaction.copy)?);
    let text = read_limited(source, &file(&redaction.manifest)?.path, 1 << 20)?;
    let signature = read_limited(source, &file(&redaction.signature)?.path, 1024)?;
    let text = String::from_utf8(text).map_err(|_| format!("{} is not UTF-8", redaction.manifest))?;
    let signed = crate::redaction::verify_redaction(&text, String::from_utf8_lossy(&signature).trim())?;
    if signed.signing_key.public_key != manifest.signing_key.public_key {
        return Err("it is signed with another key than the bundle's".into());
    }
    if (signed.capture_id, signed.redaction_id) != (redaction.capture_id, redaction.redaction_id) {
        return Err("its signed manifest names another capture or copy".into());
    }
    let sealed = manifest
        .captures
        .iter()
        .find(|c| c.capture_id == redaction.capture_id)
        .and_then(|c| c.artefacts.iter().find(|a| a.kind == signed.artefact))
        .ok_or("its capture's signed manifest has no such picture")?;
    if sealed.sha256 != signed.original_sha256 || original.sha256.to_ascii_lowercase() != signed.original_sha256 {
        return Err("it does not link to the sealed original: the digests differ".into());
    }
    if copy.sha256.to_ascii_lowercase() != signed.redacted_sha256 {
        return Err("the copy is not the picture its signed manifest names".into());
    }
    Ok(())
}

/// The timestamp over the manifest's SHA-256, checked against the CA certificate the signed
/// manifest lists (its bytes already checked against their digest).
fn check_timestamp(
    source: &mut dyn BundleSource,
    seen: &BTreeSet<String>,
    listed: &BTreeMap<&str, &BundleFile>,
    timestamp: &BundleTimestamp,
    manifest_bytes: &[u8],
    report: &mut BundleReport,
) {
    if !seen.contains(TIMESTAMP_PATH) {
        report.problems.push(format!("{TIMESTAMP_PATH} is missing: the manifest says the bundle is timestamped"));
        return;
    }
    let Some(ca) = listed.get(timestamp.ca_certificate.as_str()) else {
        report
            .problems
            .push(format!("the timestamp's CA certificate {} is not a listed file", timestamp.ca_certificate));
        return;
    };
    let trusted = match read_limited(source, &ca.path, 1 << 20).and_then(|pem| certificates_from_pem(&pem)) {
        Ok(trusted) => trusted,
        Err(why) => {
            report.problems.push(format!("{}: {why}", ca.path));
            return;
        }
    };
    let digest: [u8; 32] = Sha256::digest(manifest_bytes).into();
    match read_limited(source, TIMESTAMP_PATH, MAX_RESPONSE_BYTES as u64)
        .and_then(|answer| verify_response(&answer, &digest, &trusted, None))
    {
        Ok(info) => report.timestamp = Some(info),
        Err(why) => report.problems.push(format!("{TIMESTAMP_PATH}: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{GENESIS_HASH, NewAuditEvent, RequestLink, seal};
    use crate::signing::{SigningKey, sign_manifest};
    use chrono::{TimeZone, Utc};

    /// A bundle in memory: name → bytes, in order, duplicates allowed.
    struct Memory(Vec<(String, Vec<u8>)>);

    impl BundleSource for Memory {
        fn names(&self) -> Vec<String> {
            self.0.iter().map(|(n, _)| n.clone()).collect()
        }
        fn open(&mut self, name: &str) -> std::io::Result<Box<dyn Read + '_>> {
            let bytes = self
                .0
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.as_slice())
                .ok_or(std::io::ErrorKind::NotFound)?;
            Ok(Box::new(bytes))
        }
    }

    fn events(request: &str, n: u32) -> BundleAudit {
        let mut head = ChainHead::empty();
        let mut previous = GENESIS_HASH.to_string();
        let mut events = Vec::new();
        for i in 0..n {
            let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, i, 0).unwrap();
            let new =
                NewAuditEvent::of_change(crate::audit::Actor::System, "test", vec![format!("request:{request}")], &i);
            let event =
                seal(&head, at, new, Some(RequestLink { request: request.into(), prev_hash: previous.clone() }));
            previous = event.hash.clone();
            head = ChainHead { count: event.seq, hash: event.hash.clone() };
            events.push(event);
        }
        let head = ChainHead { count: events.len() as u64, hash: previous };
        BundleAudit { events, head }
    }

    fn bundle(key: &SigningKey, files: &[(&str, &[u8])]) -> Memory {
        let manifest = BundleManifest {
            format: BUNDLE_FORMAT.into(),
            request: "REQ-2026-0001".into(),
            created_at: "2026-11-29T10:00:00Z".into(),
            draft: false,
            files: files
                .iter()
                .map(|(path, bytes)| BundleFile {
                    path: path.to_string(),
                    sha256: hex::encode(Sha256::digest(bytes)),
                    size: bytes.len() as u64,
                })
                .collect(),
            captures: Vec::new(),
            authorisation_chain: serde_json::json!([]),
            audit: events("REQ-2026-0001", 3),
            signing_key: SigningKeyInfo::of(key),
            timestamp: None,
            redactions: Vec::new(),
        };
        let text = serde_json::to_string_pretty(&manifest).unwrap();
        let signature = sign_manifest(key, &text);
        let mut entries: Vec<(String, Vec<u8>)> = files.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        entries.push((MANIFEST_PATH.into(), text.into_bytes()));
        entries.push((SIGNATURE_PATH.into(), format!("{signature}\n").into_bytes()));
        Memory(entries)
    }

    const FILES: &[(&str, &[u8])] = &[
        ("care-record.pdf", b"%PDF-1.7 ..."),
        ("captures/1/full-page.png", b"\x89PNG..."),
        ("README.txt", b"What this proves"),
    ];

    #[test]
    fn an_untouched_bundle_is_intact_and_names_its_key() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let report = verify_bundle(&mut bundle(&key, FILES), None);
        assert!(report.intact(), "{:?}", report.problems);
        assert_eq!(report.files.len(), 3);
        assert_eq!(report.audit_events, 3);
        let fingerprint = SigningKeyInfo::of(&key).fingerprint;
        assert_eq!(report.fingerprint.as_deref(), Some(fingerprint.as_str()));
        let pinned = verify_bundle(&mut bundle(&key, FILES), Some(&fingerprint.to_uppercase()));
        assert!(pinned.intact(), "the fingerprint is accepted in either case");
    }

    #[test]
    fn every_changed_byte_missing_or_added_file_is_caught() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let good = bundle(&key, FILES);
        for (entry, (name, bytes)) in good.0.iter().enumerate() {
            for at in [0, bytes.len() / 2, bytes.len() - 1] {
                let mut changed = bundle(&key, FILES);
                changed.0[entry].1[at] ^= 0x01;
                let report = verify_bundle(&mut changed, None);
                assert!(!report.intact(), "a byte flipped at {at} in {name} went unseen");
            }
            let mut missing = bundle(&key, FILES);
            missing.0.remove(entry);
            assert!(!verify_bundle(&mut missing, None).intact(), "{name} removed went unseen");
        }
        let mut added = bundle(&key, FILES);
        added.0.push(("extra.txt".into(), b"x".to_vec()));
        let report = verify_bundle(&mut added, None);
        assert_eq!(report.problems, ["extra.txt is not in the manifest: it was added"]);
    }

    #[test]
    fn a_bundle_signed_with_another_key_fails_when_the_key_is_pinned() {
        let council = SigningKeyInfo::of(&SigningKey::from_bytes(&[7; 32])).fingerprint;
        let other = SigningKey::from_bytes(&[9; 32]);
        let mut resigned = bundle(&other, FILES);
        assert!(verify_bundle(&mut resigned, None).intact(), "valid on its own terms");
        let report = verify_bundle(&mut resigned, Some(&council));
        assert!(report.problems.iter().any(|p| p.contains("not the expected")), "{:?}", report.problems);
    }

    #[test]
    fn hostile_names_and_duplicates_are_refused_before_anything_is_read() {
        let key = SigningKey::from_bytes(&[7; 32]);
        for name in ["../escape.txt", "/etc/passwd", "C:\\x", "a/../../b", "a//b", "a\u{7}b"] {
            let mut hostile = bundle(&key, FILES);
            hostile.0.push((name.into(), b"x".to_vec()));
            let report = verify_bundle(&mut hostile, None);
            assert!(!report.intact() && report.files.is_empty(), "{name}: {:?}", report.problems);
        }
        let mut twice = bundle(&key, FILES);
        twice.0.push(("README.txt".into(), b"What this proves".to_vec()));
        assert!(verify_bundle(&mut twice, None).problems.iter().any(|p| p.contains("twice")));
    }

    #[test]
    fn a_huge_or_deeply_nested_manifest_is_refused_not_parsed() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut nested = bundle(&key, FILES);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        nested.0.iter_mut().find(|(n, _)| n == MANIFEST_PATH).unwrap().1 = deep.into_bytes();
        let report = verify_bundle(&mut nested, None);
        assert!(report.problems[0].contains("cannot be read as a bundle manifest"), "{:?}", report.problems);
        let mut huge = bundle(&key, FILES);
        huge.0.iter_mut().find(|(n, _)| n == MANIFEST_PATH).unwrap().1 = vec![b' '; MAX_MANIFEST_BYTES as usize + 1];
        let report = verify_bundle(&mut huge, None);
        assert!(report.problems[0].contains("larger than"), "{:?}", report.problems);
    }
}
