//! The capture manifest, `triangulate-capture-manifest/1`, as Rust types: what was captured,
//! when, in which session and request, by whom, the artefacts' digests, the provenance, the
//! trail so far and the key that signs it. The manifest is signed as canonical JSON, so these
//! types keep the wire format exactly: every key below is always written (as `null` when
//! there is nothing), except `provenance.outside_scope_reason`, which is written only when
//! the worker gave one.

use serde::{Deserialize, Serialize};

use crate::artefact::ArtefactRecord;
use crate::canonical::canonical_json;
use crate::signing::SigningKeyInfo;
use crate::trail::TrailEvent;

/// The manifest format this version writes; readers check it before anything else.
pub const MANIFEST_FORMAT: &str = "triangulate-capture-manifest/1";

/// A capture's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `MANIFEST_FORMAT` when written by this version.
    pub format: String,
    pub capture_id: i64,
    /// When the capture was stored (RFC 3339, seconds).
    pub stored_at: String,
    /// The request's reference.
    pub request: String,
    /// The subject's position in the request, from 1.
    pub subject: usize,
    pub person_id: Option<i64>,
    pub session: ManifestSession,
    pub account: ManifestAccount,
    /// The worker profile of the laptop, if there is one.
    pub worker: Option<ManifestWorker>,
    pub artefacts: Vec<ArtefactRecord>,
    pub provenance: Provenance,
    /// The session's trail up to the capture.
    pub trail: Vec<TrailEvent>,
    pub signing_key: SigningKeyInfo,
}

/// The access session a capture was taken in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSession {
    pub id: i64,
    pub started_at: String,
    /// The browser the session opened, as it named itself.
    pub browser: String,
}

/// The sanctioned account the page was seen through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestAccount {
    pub id: i64,
    pub platform: String,
    pub handle: String,
}

/// The worker who took the capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestWorker {
    pub name: String,
    pub staff_id: Option<String>,
}

/// Where a capture came from and how it was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The document's address when it was captured.
    pub url: String,
    /// The address asked for, before redirects.
    pub original_url: String,
    pub title: String,
    /// The DevTools target id of the tab.
    pub tab: String,
    /// RFC 3339, milliseconds.
    pub capture_started_at: String,
    /// RFC 3339, milliseconds.
    pub capture_ended_at: String,
    /// The document's HTTP response as the recorder saw it (`known: true`), or what is not
    /// known and why (`known: false`). Mirrors the browser's own structures.
    pub http: serde_json::Value,
    /// The TLS facts of an HTTPS document (`https: true`), or `{"https": false}`.
    pub tls: serde_json::Value,
    pub browser: BrowserInfo,
    pub viewport: ViewportInfo,
    pub full_page: FullPageInfo,
    pub operating_system: OperatingSystemInfo,
    pub app: AppInfo,
    /// Written as `null` when the worker made no statement.
    pub worker_statement: Option<WorkerStatement>,
    /// Why a page outside the person's listed profiles belongs to them; absent unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_scope_reason: Option<String>,
    /// The web archive written beside the pictures; `null` in manifests made before it.
    #[serde(default)]
    pub archive: Option<ArchiveInfo>,
}

/// The browser as it reports its version over DevTools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserInfo {
    pub product: String,
    pub revision: String,
    pub protocol_version: String,
    pub user_agent: String,
}

/// The visible viewport, in CSS pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewportInfo {
    pub width: i64,
    pub height: i64,
    pub device_scale_factor: f64,
}

/// The page's size and how much of it the full-page image holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FullPageInfo {
    pub page_width_css: f64,
    pub page_height_css: f64,
    pub captured_height_css: f64,
    /// Whether the page was taller than the limit and was cut there.
    pub capped: bool,
    /// The limit in device pixels (the policy's limit times the device scale factor).
    pub cap_device_px: f64,
    /// The policy's limit, in CSS pixels. Absent from manifests made before tiles.
    #[serde(default)]
    pub limit_css_px: f64,
    /// The tiles the picture was taken in, top to bottom, each exactly as rendered.
    #[serde(default)]
    pub tiles: Vec<TileInfo>,
    /// Whether the tiles are joined into the one `full_page_png`; if not, each tile is its own
    /// artefact, `full_page_tile_0001` and on, in page order.
    #[serde(default)]
    pub joined: bool,
    /// How the picture was taken: `"all_at_once"` (the page at one moment, in tiles) or
    /// `"scrolling"` (composed from screens taken while scrolling, described in `scrolling`).
    /// `null` in manifests made before scrolling captures, which were all taken at once.
    #[serde(default)]
    pub method: Option<String>,
    /// Why the page was found to change as it is scrolled (so that no picture of it at one
    /// moment shows it whole); `null` when it was not found to.
    #[serde(default)]
    pub scroll_dependent: Option<String>,
    /// How the picture was composed while scrolling; `null` when it was taken at once.
    #[serde(default)]
    pub scrolling: Option<ScrollingInfo>,
}

/// A full-page picture composed from screens taken while scrolling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrollingInfo {
    /// "composed from N screens while scrolling".
    pub label: String,
    pub screens: u32,
    /// Why it was taken this way: the worker asked, or the page changes as it is scrolled.
    pub chosen: String,
    /// How much each screen overlaps the one before, in CSS pixels.
    pub overlap_css: f64,
    /// Every screen, top to bottom as taken.
    pub frames: Vec<FrameInfo>,
    /// Where each screen's rows were joined into the picture.
    pub joins: Vec<JoinInfo>,
    /// What stopped the scrolling, in words ("reached the policy's limit of 400 screens").
    pub stopped: String,
    /// Whether a limit or the worker stopped it before the page's end or the date.
    pub cut_short: bool,
    /// The date the page was followed back to (`YYYY-MM-DD`); `null` when none was asked.
    pub followed_until: Option<String>,
    /// How the page's dates were found, or that the limits alone applied.
    pub dates: String,
    /// The oldest date read on the page; `null` when none was read.
    pub oldest_date_seen: Option<String>,
    /// Changes made to the page while it was taken, each undone afterwards (fixed and sticky
    /// elements made transparent once drawn, so that they are drawn once).
    pub page_changes: Vec<String>,
    /// Where the page was scrolled back to afterwards (where the worker had it), CSS pixels.
    pub restored_scroll_x: f64,
    pub restored_scroll_y: f64,
}

/// One screen of a picture taken while scrolling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameInfo {
    /// From 1, in the order taken.
    pub index: u32,
    /// The page's scroll offset when it was taken, in CSS pixels.
    pub scroll_y_css: f64,
    /// RFC 3339, milliseconds.
    pub taken_at: String,
    pub width_px: u32,
    pub height_px: u32,
    /// SHA-256 of the screen's PNG as the browser gave it.
    pub sha256: String,
    /// Whether the page had finished drawing (network quiet, fonts and images decoded, no
    /// layout change for a moment) before the time allowed ran out.
    pub settled: bool,
}

/// Where one screen was joined into the composed picture, in device pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinInfo {
    /// The screen's index, from 1.
    pub frame: u32,
    /// The picture's row where the screen's rows begin.
    pub page_y_px: u64,
    /// The screen's first row used (the rows above it overlap the screen before).
    pub frame_y_px: u32,
    /// How many of its rows were used.
    pub rows_px: u32,
    /// Of the overlapping rows, how many differed from the screen before.
    pub overlap_rows_differing: u32,
}

/// One tile of a full-page picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileInfo {
    /// From 1, top to bottom.
    pub index: u32,
    /// Where the tile starts and how tall it is, in CSS pixels.
    pub y_css: f64,
    pub height_css: f64,
    /// Its picture's size, in device pixels.
    pub width_px: u32,
    pub height_px: u32,
    /// SHA-256 of the tile's PNG as the browser gave it.
    pub sha256: String,
}

/// The web archive beside the pictures: what the browser received for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveInfo {
    /// Responses written with their bodies.
    pub responses: u32,
    /// Responses whose bodies could not be had, with why: never made up.
    pub bodies_missing: Vec<MissingBody>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingBody {
    pub url: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatingSystemInfo {
    pub family: String,
    pub arch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

/// The worker's statement about the page, in their words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerStatement {
    pub visible_without_friending_or_interacting: bool,
    pub words: String,
}

impl Manifest {
    /// A manifest as stored or carried (its canonical JSON), read into its types.
    pub fn read(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The manifest as signed: canonical JSON.
    pub fn to_canonical_json(&self) -> String {
        canonical_json(&serde_json::to_value(self).expect("a manifest serialises"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    fn trail() -> Vec<TrailEvent> {
        let at = |ms| Utc.with_ymd_and_hms(2026, 11, 23, 10, 5, 0).unwrap() + chrono::Duration::milliseconds(ms);
        vec![
            TrailEvent {
                at: at(0),
                kind: "attached".into(),
                tab: "T1".into(),
                url: "about:blank".into(),
                detail: json!({}),
            },
            TrailEvent {
                at: at(250),
                kind: "redirect".into(),
                tab: "T1".into(),
                url: "http://example.test/r".into(),
                detail: json!({ "to": "https://example.test/p", "status": 301 }),
            },
        ]
    }

    fn artefacts() -> Vec<ArtefactRecord> {
        vec![
            ArtefactRecord {
                kind: "full_page_png".into(),
                media_type: "image/png".into(),
                sha256: "ab".repeat(32),
                size: 123_456,
                width: Some(1280),
                height: Some(16_384),
            },
            ArtefactRecord {
                kind: "mhtml".into(),
                media_type: "multipart/related".into(),
                sha256: "cd".repeat(32),
                size: 42,
                width: None,
                height: None,
            },
        ]
    }

    fn key() -> SigningKeyInfo {
        SigningKeyInfo { algorithm: "Ed25519".into(), public_key: "01".repeat(32), fingerprint: "02".repeat(32) }
    }

    fn http_known() -> Value {
        json!({
            "known": true,
            "recorded_at": "2026-11-23T10:05:00.250Z",
            "status": 200,
            "status_text": "OK",
            "headers": { "Content-Type": "text/html", "X-Fixture": "triangulate" },
            "mime_type": "text/html",
            "protocol": "http/1.1",
            "remote_ip_address": "127.0.0.1",
            "remote_port": 8443,
            "security_state": "secure",
            "security_details": null,
        })
    }

    /// The provenance as a capture writes it today, as untyped JSON.
    fn provenance_json(statement: Option<&str>, outside_scope_reason: Option<&str>, scale: f64, height: f64) -> Value {
        let cap = 16_384.0;
        let cap_css = cap / scale;
        let mut provenance = json!({
            "url": "https://example.test/p",
            "original_url": "http://example.test/r",
            "title": "A \"page\" — é",
            "tab": "T1",
            "capture_started_at": "2026-11-23T10:05:01.000Z",
            "capture_ended_at": "2026-11-23T10:05:02.125Z",
            "http": http_known(),
            "tls": json!({ "https": false }),
            "browser": {
                "product": "Chrome/142.0.0.0",
                "revision": "@abc",
                "protocol_version": "1.3",
                "user_agent": "Mozilla/5.0",
            },
            "viewport": { "width": 1280, "height": 720, "device_scale_factor": scale },
            "full_page": {
                "page_width_css": 1280.0,
                "page_height_css": height,
                "captured_height_css": height.min(cap_css).floor(),
                "capped": height > cap_css,
                "cap_device_px": cap,
                "limit_css_px": cap_css,
                "tiles": [],
                "joined": true,
                "method": "all_at_once",
                "scroll_dependent": null,
                "scrolling": null,
            },
            "operating_system": { "family": "linux", "arch": "x86_64" },
            "app": { "name": "Triangulate", "version": "0.1.0" },
            "worker_statement": statement.map(|s| json!({ "visible_without_friending_or_interacting": true, "words": s })),
            "archive": null,
        });
        if let Some(reason) = outside_scope_reason {
            provenance["outside_scope_reason"] = json!(reason);
        }
        provenance
    }

    fn provenance(statement: Option<&str>, outside_scope_reason: Option<&str>, scale: f64, height: f64) -> Provenance {
        let cap = 16_384.0;
        let cap_css = cap / scale;
        Provenance {
            url: "https://example.test/p".into(),
            original_url: "http://example.test/r".into(),
            title: "A \"page\" — é".into(),
            tab: "T1".into(),
            capture_started_at: "2026-11-23T10:05:01.000Z".into(),
            capture_ended_at: "2026-11-23T10:05:02.125Z".into(),
            http: http_known(),
            tls: json!({ "https": false }),
            browser: BrowserInfo {
                product: "Chrome/142.0.0.0".into(),
                revision: "@abc".into(),
                protocol_version: "1.3".into(),
                user_agent: "Mozilla/5.0".into(),
            },
            viewport: ViewportInfo { width: 1280, height: 720, device_scale_factor: scale },
            full_page: FullPageInfo {
                page_width_css: 1280.0,
                page_height_css: height,
                captured_height_css: height.min(cap_css).floor(),
                capped: height > cap_css,
                cap_device_px: cap,
                limit_css_px: cap_css,
                tiles: Vec::new(),
                joined: true,
                method: Some("all_at_once".into()),
                scroll_dependent: None,
                scrolling: None,
            },
            operating_system: OperatingSystemInfo { family: "linux".into(), arch: "x86_64".into() },
            app: AppInfo { name: "Triangulate".into(), version: "0.1.0".into() },
            worker_statement: statement
                .map(|s| WorkerStatement { visible_without_friending_or_interacting: true, words: s.into() }),
            outside_scope_reason: outside_scope_reason.map(str::to_string),
            archive: None,
        }
    }

    /// The manifest as the store builds it today, as untyped JSON.
    fn manifest_json(worker: Option<(&str, Option<&str>)>, person_id: Option<i64>, provenance: Value) -> Value {
        json!({
            "format": MANIFEST_FORMAT,
            "capture_id": 7,
            "stored_at": "2026-11-23T10:05:03Z",
            "request": "REQ-2026-0001",
            "subject": 1usize,
            "person_id": person_id,
            "session": { "id": 3, "started_at": "2026-11-23T10:00:00Z", "browser": "Chrome/142.0.0.0" },
            "account": { "id": 2, "platform": "Facebook", "handle": "council.team" },
            "worker": worker.map(|(name, staff_id)| json!({ "name": name, "staff_id": staff_id })),
            "artefacts": artefacts(),
            "provenance": provenance,
            "trail": trail(),
            "signing_key": key(),
        })
    }

    fn manifest(worker: Option<(&str, Option<&str>)>, person_id: Option<i64>, provenance: Provenance) -> Manifest {
        Manifest {
            format: MANIFEST_FORMAT.into(),
            capture_id: 7,
            stored_at: "2026-11-23T10:05:03Z".into(),
            request: "REQ-2026-0001".into(),
            subject: 1,
            person_id,
            session: ManifestSession {
                id: 3,
                started_at: "2026-11-23T10:00:00Z".into(),
                browser: "Chrome/142.0.0.0".into(),
            },
            account: ManifestAccount { id: 2, platform: "Facebook".into(), handle: "council.team".into() },
            worker: worker
                .map(|(name, staff_id)| ManifestWorker { name: name.into(), staff_id: staff_id.map(Into::into) }),
            artefacts: artefacts(),
            provenance,
            trail: trail(),
            signing_key: key(),
        }
    }

    #[test]
    fn the_typed_manifest_writes_the_same_canonical_bytes_as_the_untyped_one() {
        let cases = [
            (None, None, None, None, 1.0, 900.0),
            (Some(("Ada Worker", None)), Some(4), Some("Visible to anyone"), None, 2.0, 40_000.5),
            (Some(("Ada Worker", Some("S-1"))), None, None, Some("Her second account"), 1.25, 13_107.2),
            (Some(("Ada Worker", Some("S-1"))), Some(4), Some("Public"), Some("Same photo"), 3.0, 0.0),
        ];
        for (worker, person_id, statement, reason, scale, height) in cases {
            let untyped = manifest_json(worker, person_id, provenance_json(statement, reason, scale, height));
            let typed = manifest(worker, person_id, provenance(statement, reason, scale, height));
            let text = typed.to_canonical_json();
            assert_eq!(text, canonical_json(&untyped), "{worker:?} {statement:?} {reason:?}");
            assert_eq!(serde_json::from_str::<Manifest>(&text).unwrap(), typed, "it reads back");
        }
    }

    #[test]
    fn a_manifest_from_before_scrolling_captures_still_reads_as_taken_at_once() {
        let mut old = manifest_json(None, None, provenance_json(None, None, 1.0, 900.0));
        for key in ["method", "scroll_dependent", "scrolling"] {
            old["provenance"]["full_page"].as_object_mut().unwrap().remove(key);
        }
        let read: Manifest = serde_json::from_value(old).unwrap();
        assert_eq!(read.provenance.full_page.method, None);
        assert_eq!(read.provenance.full_page.scrolling, None);
        assert_eq!(read.provenance.full_page.scroll_dependent, None);
    }

    #[test]
    fn absent_and_null_keys_are_as_the_format_has_them() {
        let text = manifest(None, None, provenance(None, None, 1.0, 900.0)).to_canonical_json();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["worker"], Value::Null);
        assert!(value.as_object().unwrap().contains_key("worker"), "worker is written as null");
        assert!(value.as_object().unwrap().contains_key("person_id"), "person_id is written as null");
        let provenance = value["provenance"].as_object().unwrap();
        assert!(provenance.contains_key("worker_statement") && provenance["worker_statement"].is_null());
        assert!(!provenance.contains_key("outside_scope_reason"), "absent unless given");
        assert!(text.contains(r#""cap_device_px":16384.0"#), "{text}");
        assert!(text.contains(r#""width":null"#), "an MHTML artefact has no width");
    }
}
