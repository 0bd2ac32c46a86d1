//! Captures: taken from the session's browser over the recorder's private channel once the
//! recorder has proved it is alive, checked against the session and the person's profiles,
//! and stored whole and signed; shown with their signature and digests checked; exported as
//! files named from the capture's number and kind only; judged by the worker.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use triangulate_capture::scroll::{ScrollOptions, ScrollProgress};
use triangulate_capture::take::{SessionFacts, TakeOptions, take};
use triangulate_core::evidence::JudgementInput;
use triangulate_core::scrolling::ScrollLimits;
use triangulate_evidence::{DocumentResponse, FullPageInfo, Manifest, TrailEvent, sha256_hex, verify_manifest};
use triangulate_store::{CaptureRecord, SessionRecord, Store};

use crate::error::{AppError, Result};
use crate::host::Host;
use crate::progress::{Tracker, Work, tracked};

/// A page taller than the policy's limit, cut there: both heights, said wherever the capture
/// is (its command's output, `capture show`, the session's panel, the capture's page).
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct CutAtLimit {
    /// The page's whole height, in CSS pixels.
    pub page_height_css: f64,
    /// How much of it the full-page picture holds, from the top.
    pub captured_height_css: f64,
    /// The policy's `capture.full_page_max_css_px` when it was taken.
    pub limit_css_px: f64,
    /// The same in words.
    pub summary: String,
}

/// What a capture's signed manifest (as read by `show`) says of its full-page picture: read
/// from that part alone, never the whole manifest again.
pub fn full_page_of(manifest: Option<&Manifest>) -> Option<&FullPageInfo> {
    manifest.map(|m| &m.provenance.full_page)
}

/// Whether the full-page picture was cut at the policy's limit.
pub fn cut_at_limit(full_page: &FullPageInfo) -> Option<CutAtLimit> {
    if !full_page.capped {
        return None;
    }
    let px = |value: f64| value.round() as u64;
    Some(CutAtLimit {
        page_height_css: full_page.page_height_css,
        captured_height_css: full_page.captured_height_css,
        limit_css_px: full_page.limit_css_px,
        summary: format!(
            "Cut at the policy's limit: the page is {} CSS px tall; the full-page picture holds its first {} CSS px",
            px(full_page.page_height_css),
            px(full_page.captured_height_css)
        ),
    })
}

/// Which way a capture's full-page picture was taken, as its signed manifest says: at one
/// moment, or composed from screens while scrolling (and then why, and what stopped it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct TakenWay {
    /// `all_at_once` or `scrolling`.
    pub method: String,
    /// "the page at one moment" or "composed from N screens while scrolling".
    pub label: String,
    /// Screens taken while scrolling; 0 when taken at once.
    pub screens: u32,
    /// Why it was taken by scrolling: the worker asked, or the page changes as it is scrolled.
    pub chosen: Option<String>,
    /// What stopped the scrolling ("reached 1 June 2026: a post dated 29 May 2026 appeared").
    pub stopped: Option<String>,
    /// A limit or the worker stopped it before the page's end or the date.
    pub cut_short: bool,
    /// How the page's dates were found, or that the limits alone applied.
    pub dates: Option<String>,
    /// Set when the page was found to change as it is scrolled, so that no picture of it at
    /// one moment shows it whole: the worker is told.
    pub scroll_dependent: Option<String>,
}

/// The label of a picture taken at once.
pub const AT_ONE_MOMENT: &str = "the page at one moment";

/// Which way a capture's full page was taken, from its signed manifest (a manifest from
/// before scrolling captures was taken at once).
pub fn taken_way(full_page: &FullPageInfo) -> TakenWay {
    match &full_page.scrolling {
        Some(scrolling) => TakenWay {
            method: "scrolling".into(),
            label: scrolling.label.clone(),
            screens: scrolling.screens,
            chosen: Some(scrolling.chosen.clone()),
            stopped: Some(scrolling.stopped.clone()),
            cut_short: scrolling.cut_short,
            dates: Some(scrolling.dates.clone()),
            scroll_dependent: full_page.scroll_dependent.clone(),
        },
        None => TakenWay {
            method: "all_at_once".into(),
            label: AT_ONE_MOMENT.into(),
            screens: 0,
            chosen: None,
            stopped: None,
            cut_short: false,
            dates: None,
            scroll_dependent: full_page.scroll_dependent.clone(),
        },
    }
}

/// What the worker asks of a capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureOrder {
    /// Go to this address first; otherwise the tab the worker is looking at, as it is.
    pub url: Option<String>,
    /// The worker's statement that the page was visible without friending or interacting.
    pub statement: Option<String>,
    /// Why a page outside the person's listed profiles belongs to this person.
    pub outside_scope_reason: Option<String>,
    /// Take the whole page by scrolling, whatever it is ("Capture the whole timeline").
    pub scroll: bool,
    /// Follow a feed that loads more as it is scrolled, back to the request's period start
    /// (or `until_date`), or the policy's limits.
    pub follow: bool,
    /// Follow it back to this date (`YYYY-MM-DD`) instead; implies `follow`.
    pub until_date: Option<String>,
    /// Fewer screens than the policy's limit.
    pub max_screens: Option<u32>,
}

pub struct Taken {
    pub record: CaptureRecord,
    /// The page's address when it was captured.
    pub url: String,
    /// Set when the page was taller than the policy's limit and was cut there.
    pub cut: Option<CutAtLimit>,
    /// Which way the full page was taken.
    pub way: TakenWay,
}

/// How far the capture being taken in a session has got.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct CaptureProgress {
    /// A capture is being taken in the session now.
    pub capturing: bool,
    /// It is scrolling the page, screen by screen.
    pub scrolling: bool,
    pub screens: u32,
    /// How far down the page it has got, in CSS pixels.
    pub reached_css: u32,
    /// The worker asked it to stop: the screens so far are being composed and stored.
    pub stop_asked: bool,
}

struct StoreFacts<'a> {
    store: &'a Store,
    session: &'a SessionRecord,
    outside_scope_reason: Option<&'a str>,
}

impl SessionFacts for StoreFacts<'_> {
    fn document_response(&self, tab: &str, url: &str, just_loaded: bool) -> Option<DocumentResponse> {
        // The recorder stores a response a moment after the page loads.
        let tries = if just_loaded { 40 } else { 1 };
        for attempt in 0..tries {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(25));
            }
            if let Ok(Some(found)) = self.store.document_response(self.session.id, tab, url) {
                return Some(found);
            }
        }
        None
    }

    fn trail(&self) -> Vec<TrailEvent> {
        self.store.trail(self.session.id).unwrap_or_default()
    }

    fn may_capture(&self, url: &str) -> std::result::Result<(), triangulate_capture::CaptureError> {
        self.store
            .check_capture(self.session, url, self.outside_scope_reason)
            .map_err(|e| triangulate_capture::CaptureError::Refused(Box::new(e)))
    }
}

/// The sessions with a capture being taken now, in this process: a screen shows it while
/// the button or the shortcut's capture runs, and a second one waits for none.
/// Sessions are numbered per store: each is known by its data folder and its number.
/// Each with how far it has got, and the worker's stop.
type Running = Vec<((PathBuf, i64), Arc<ScrollProgress>)>;
static CAPTURING: std::sync::Mutex<Running> = std::sync::Mutex::new(Vec::new());

/// Marks a session as capturing until dropped.
struct Capturing((PathBuf, i64), Arc<ScrollProgress>);

impl Capturing {
    fn begin(host: &dyn Host, session: i64) -> Result<Capturing> {
        let key = (host.data_dir().root().to_path_buf(), session);
        let mut running = CAPTURING.lock().unwrap_or_else(|e| e.into_inner());
        if running.iter().any(|(k, _)| *k == key) {
            return Err(AppError::Refused(format!(
                "a capture is already being taken in access session {session}: wait for it"
            )));
        }
        let progress = Arc::new(ScrollProgress::default());
        running.push((key.clone(), progress.clone()));
        Ok(Capturing(key, progress))
    }
}

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.lock().unwrap_or_else(|e| e.into_inner()).retain(|(s, _)| *s != self.0);
    }
}

fn running(host: &dyn Host, session: i64) -> Option<Arc<ScrollProgress>> {
    let key = (host.data_dir().root().to_path_buf(), session);
    CAPTURING.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(k, _)| *k == key).map(|(_, p)| p.clone())
}

/// How far the capture being taken in a session has got (nothing, when none is).
pub fn progress(host: &dyn Host, session: i64) -> CaptureProgress {
    match running(host, session) {
        Some(p) => CaptureProgress {
            capturing: true,
            scrolling: p.scrolling.load(Ordering::SeqCst),
            screens: p.screens.load(Ordering::SeqCst),
            reached_css: u32::try_from(p.reached_css.load(Ordering::SeqCst)).unwrap_or(u32::MAX),
            stop_asked: p.stop.load(Ordering::SeqCst),
        },
        None => CaptureProgress { capturing: false, scrolling: false, screens: 0, reached_css: 0, stop_asked: false },
    }
}

/// Stops the scrolling of the capture being taken in a session: the screens taken so far
/// are composed and stored, and the capture says it was stopped by the worker. Refused when
/// no capture is being taken.
pub fn stop(host: &dyn Host, session: i64) -> Result<CaptureProgress> {
    let Some(p) = running(host, session) else {
        return Err(AppError::Refused(format!("no capture is being taken in access session {session}")));
    };
    p.stop.store(true, Ordering::SeqCst);
    Ok(progress(host, session))
}

/// Whether a capture is being taken in this session now.
/// The redacted copy documents show for a capture's picture `kind`: the latest copy of that
/// picture, or else the latest copy of another of its pictures that is the same file (a page
/// no taller than the window has one picture for both, and a copy of either hides both).
pub(crate) fn redaction_for<'a>(
    copies: &'a [triangulate_store::RedactionRecord],
    capture: &CaptureRecord,
    kind: &str,
) -> Option<&'a triangulate_store::RedactionRecord> {
    let latest = |wanted: &dyn Fn(&triangulate_store::RedactionRecord) -> bool| {
        copies.iter().filter(|r| wanted(r)).max_by_key(|r| r.id)
    };
    latest(&|r| r.artefact == kind).or_else(|| {
        let digest = &capture.artefacts.iter().find(|a| a.kind == kind)?.sha256;
        latest(&|r| {
            r.read_manifest().is_some_and(|m| &m.original_sha256 == digest)
        })
    })
}

/// One of a capture's pictures (`full_page_png` or `viewport_png`), to draw redaction boxes
/// on. Opening the capture's page is the audit event of the view.
pub fn picture(host: &dyn Host, id: i64, artefact: &str) -> Result<Vec<u8>> {
    if !["full_page_png", "viewport_png"].contains(&artefact) {
        return Err(AppError::fields_error(vec![triangulate_core::FieldError::new(
            "artefact",
            "Choose the full page or the viewport",
        )]));
    }
    Ok(host.store()?.capture_artefact(id, artefact)?.0)
}

pub fn capturing(host: &dyn Host, session: i64) -> bool {
    running(host, session).is_some()
}

/// Captures the tab the worker is looking at in a session (or goes to `order.url` first).
///
/// Its progress, in four steps: checking the session, waiting for the recorder, taking the
/// page (with the screens so far while it scrolls), storing and signing the capture.
pub fn take_capture(host: &dyn Host, session_id: i64, order: &CaptureOrder) -> Result<Taken> {
    // A second capture in the session is refused before it reports anything: the progress
    // shown is the first one's.
    let capturing = Capturing::begin(host, session_id)?;
    let tracker =
        Tracker::start(host, Work::Capture, format!("access session {session_id}"), 4, "Checking the session");
    tracked(
        tracker,
        |taken: &Taken| format!("Capture {} stored", taken.record.id),
        |tracker| take_capture_tracked(host, session_id, order, &capturing, tracker),
    )
}

fn take_capture_tracked(
    host: &dyn Host,
    session_id: i64,
    order: &CaptureOrder,
    capturing: &Capturing,
    tracker: &mut Tracker<'_>,
) -> Result<Taken> {
    let timer = Instant::now();
    let session = host.store()?.session(session_id)?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "store open, session read");
    host.store()?.check_capture_session(&session)?;
    triangulate_core::evidence::check_worker_text(order.statement.as_deref(), order.outside_scope_reason.as_deref())
        .map_err(AppError::fields_error)?;
    let scroll = scroll_options(host, &session, order)?;
    if let Some(url) = &order.url {
        // Before the browser goes anywhere: a visit to a page that may not be captured would
        // enter the trail, and a file on this laptop is no page of a person's at all.
        triangulate_core::evidence::check_capture_address(url).map_err(AppError::fields_error)?;
        host.store()?.check_capture(&session, url, order.outside_scope_reason.as_deref())?;
    }
    tracker.next("Waiting for the session's recorder");
    crate::sessions::ensure_recording(host, &session)?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "the recorder answered");
    let private_url = session.private_url().expect("a recorded session has a private channel");
    let mut store = host.store()?;
    let facts =
        StoreFacts { store: &store, session: &session, outside_scope_reason: order.outside_scope_reason.as_deref() };
    let options = TakeOptions {
        navigate_to: order.url.as_deref(),
        statement: order.statement.as_deref(),
        outside_scope_reason: order.outside_scope_reason.as_deref(),
        full_page_max_css_px: f64::from(host.policy()?.capture.full_page_max_css_px),
        scroll,
        progress: Some(&capturing.1),
    };
    tracker.next("Taking the page");
    let runtime = crate::runtime()?;
    // While the page is taken, the screens so far are said as it scrolls.
    let (taking, ended) = std::sync::mpsc::channel::<()>();
    let taken = std::thread::scope(|scope| {
        let scrolled = &capturing.1;
        let tracker = &mut *tracker;
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = ended.recv_timeout(SCROLL_REPORTS) {
                if scrolled.scrolling.load(Ordering::SeqCst) {
                    tracker.detail(scrolling_words(
                        scrolled.screens.load(Ordering::SeqCst),
                        scrolled.stop.load(Ordering::SeqCst),
                    ));
                }
            }
        });
        let result = runtime.block_on(take(&private_url, &options, &facts, host.clock()));
        drop(taking);
        result
    })?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "capture taken, connection included");
    tracker.next("Storing and signing the capture");
    let full_page = taken.provenance.full_page.clone();
    let record = store.store_capture(&session, taken.provenance, taken.artefacts, host.now())?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, capture = record.id, "capture stored");
    let cut = cut_at_limit(&full_page);
    if let Some(cut) = &cut {
        tracing::warn!(
            capture = record.id,
            page = cut.page_height_css,
            kept = cut.captured_height_css,
            "a page cut at the policy's limit"
        );
    }
    let way = taken_way(&full_page);
    if let Some(why) = &way.scroll_dependent {
        tracing::warn!(capture = record.id, %why, "a page that changes as it is scrolled, taken by scrolling");
    }
    Ok(Taken { record, url: taken.url, cut, way })
}

/// How often a capture that scrolls says how many screens it has taken.
const SCROLL_REPORTS: Duration = Duration::from_millis(250);

/// The step of a capture while it scrolls, in words.
fn scrolling_words(screens: u32, stop_asked: bool) -> String {
    let screens = match screens {
        1 => "1 screen".to_string(),
        n => format!("{n} screens"),
    };
    if stop_asked {
        format!("Taking the page by scrolling: stopped at {screens}, putting them together")
    } else {
        format!("Taking the page by scrolling: {screens} so far")
    }
}

/// The scrolling the worker asked for, checked, with the policy's limits and the platform's
/// way of finding dates. Following a feed goes back to the request's period start unless
/// the worker gave another date.
fn scroll_options(host: &dyn Host, session: &SessionRecord, order: &CaptureOrder) -> Result<ScrollOptions> {
    use triangulate_core::FieldError;
    let policy = host.policy()?;
    let limits = &policy.capture;
    let mut errors = Vec::new();
    let until_date = order.until_date.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let until = match until_date {
        Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new(
                    "until_date",
                    format!("The date to follow the feed back to must be a date as 2026-08-01, not {text:?}"),
                ));
                None
            }
        },
        None => None,
    };
    let mut max_screens = limits.scroll_max_screens;
    if let Some(asked) = order.max_screens {
        if asked == 0 || asked > limits.scroll_max_screens {
            errors.push(FieldError::new(
                "max_screens",
                format!("The most screens to take must be between 1 and the policy's {}", limits.scroll_max_screens),
            ));
        } else {
            max_screens = asked;
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let follow = order.follow || until.is_some();
    let until = match (until, follow) {
        (Some(date), _) => Some(date),
        (None, true) => Some(host.store()?.request(&session.request)?.request.period.from),
        (None, false) => None,
    };
    let platform = host.store()?.account(session.account_id)?.platform.trim().to_lowercase();
    Ok(ScrollOptions {
        force: order.scroll || follow,
        follow,
        until,
        date_selector: limits.date_selectors.get(&platform).cloned(),
        platform,
        limits: ScrollLimits {
            max_screens,
            max_height_css: f64::from(limits.full_page_max_css_px),
            max_seconds: limits.scroll_max_seconds,
            screens_asked: max_screens < limits.scroll_max_screens,
        },
    })
}

/// A capture with its signature and stored digests checked.
pub struct CaptureView {
    pub record: CaptureRecord,
    /// Its signed manifest as read; `None` if it does not read (its signature then says why).
    pub manifest: Option<Manifest>,
    /// `Err` says why the signature does not verify.
    pub signature: std::result::Result<(), String>,
    /// Every artefact's stored bytes hash to the digest stored beside them and in the manifest.
    pub stored_hashes_match: bool,
}

pub fn show(host: &dyn Host, id: i64) -> Result<CaptureView> {
    let store = host.store()?;
    let record = store.capture(id)?;
    let signature = verify_manifest(&record.manifest, &record.signature);
    let mut stored_hashes_match = true;
    for artefact in &record.artefacts {
        let (bytes, stored) = store.capture_artefact(id, &artefact.kind)?;
        stored_hashes_match &= sha256_hex(&bytes) == stored && stored == artefact.sha256;
    }
    let manifest = record.read_manifest();
    Ok(CaptureView { record, manifest, signature, stored_hashes_match })
}

/// A capture as its own screen shows it: the checks, the provenance in the same rows as the
/// care-record PDF, the viewport picture, and the log's findings that rest on it.
pub struct CapturePage {
    pub view: CaptureView,
    pub request: String,
    pub provenance: Vec<(String, String)>,
    /// The viewport PNG, as captured.
    pub viewport_png: Vec<u8>,
    /// The current log version's findings that name this capture: number and text.
    pub findings: Vec<(u32, String)>,
    /// It opens blurred, as the policy says for its tags, until the worker reveals it.
    pub blurred: bool,
    /// Disputes of it, oldest first.
    pub disputes: Vec<triangulate_store::DisputeRecord>,
    /// Its redacted copies, newest first: each with its picture and whether its signed
    /// manifest verifies and names these bytes.
    pub redactions: Vec<RedactedCopy>,
    /// The facts its screen shows first, in words.
    pub card: ProvenanceCard,
    /// What judging it not relevant today would schedule.
    pub if_not_relevant: NotRelevantDisposal,
}

/// A capture's provenance in the words its screen shows first: who took it, through which
/// account, in which session, the whole page's digest, whose clock dates it, and whether the
/// page was outside the person's listed profiles.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct ProvenanceCard {
    /// The access worker who took it, by name: the session's runner in the staff directory,
    /// else the worker the signed manifest names; `None` when neither is recorded.
    pub worker: Option<String>,
    /// The sanctioned account as signed, in words: "council.check on Facebook, which cannot
    /// be identified as the council's".
    pub account: String,
    /// The access session in words: "Access session 2 on Jane Doe's pages, started 23
    /// November 2026 10:00 GMT, ended 23 November 2026 10:40 GMT".
    pub session: String,
    /// The SHA-256 of the whole page's picture; `None` when there is none (a page kept as
    /// tiles only).
    pub whole_page_sha256: Option<String>,
    /// Whether a trusted timestamp dates it, in words. No capture is stamped by a
    /// time-stamping authority: its time is the laptop's clock.
    pub timestamp: String,
    /// The page is within none of the session's person's listed profiles (it was captured
    /// with the worker's reason why it is theirs).
    pub outside_profiles: bool,
}

/// What judging a capture not relevant would schedule: the day it falls due for disposal
/// under the policy if judged so today, and whether a legal hold keeps it beyond that.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct NotRelevantDisposal {
    /// The day it falls due, as `2026-12-23`.
    pub due_on: String,
    /// The policy's period for captures judged not relevant, in days.
    pub kept_days: u32,
    /// Its request is on legal hold: nothing of it is disposed of while the hold lasts.
    pub held: bool,
}

/// Whether a page is within none of the listed profiles (an address that cannot be read is
/// within none).
pub fn outside_listed_profiles(url: &str, profiles: &[String]) -> bool {
    !matches!(triangulate_core::scope::url_in_profiles(url, profiles), Ok(Some(_)))
}

pub struct RedactedCopy {
    pub record: triangulate_store::RedactionRecord,
    pub manifest: Option<triangulate_evidence::redaction::RedactionManifest>,
    pub png: Vec<u8>,
    pub verified: bool,
}

/// A capture opened on screen: the view is an audit event.
pub fn page(host: &dyn Host, id: i64) -> Result<CapturePage> {
    let view = show(host, id)?;
    host.store()?.record_capture_view(id, host.now())?;
    let tags = view.record.judgement.as_ref().map(|j| j.tags.clone()).unwrap_or_default();
    let blurred = host.policy()?.viewing.blurred(&tags);
    let store = host.store()?;
    let session = store.session(view.record.session_id)?;
    let request = store.request(&session.request)?;
    let manifest: triangulate_evidence::Manifest = serde_json::from_str(&view.record.manifest)
        .map_err(|e| AppError::Internal(format!("capture {id}'s manifest cannot be read: {e}")))?;
    let person = request
        .request
        .subjects
        .get(manifest.subject.saturating_sub(1))
        .map(|s| s.display_name().to_string())
        .unwrap_or_default();
    let provenance = crate::export::provenance_rows(&manifest, &person);
    let viewport_png = store.capture_artefact(id, "viewport_png").map(|(bytes, _)| bytes).unwrap_or_default();
    let findings = match store.log(&request.reference, None) {
        Ok(log) => log
            .version
            .log
            .findings
            .iter()
            .filter(|f| f.captures.contains(&id))
            .map(|f| (f.number, f.text.clone()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let disputes = store.capture_disputes(id)?;
    let profiles: Vec<String> = request
        .request
        .subjects
        .get(session.subject.saturating_sub(1))
        .map(|s| s.profiles.iter().map(|p| p.url.clone()).collect())
        .unwrap_or_default();
    let session_person = request
        .request
        .subjects
        .get(session.subject.saturating_sub(1))
        .map(|s| s.display_name().to_string())
        .unwrap_or_default();
    let identifiable = store.account(session.account_id).ok().map(|a| a.identifiable_as_council);
    let policy = host.policy()?;
    let card = ProvenanceCard {
        worker: session
            .run_by
            .as_ref()
            .map(|r| r.name.clone())
            .or_else(|| manifest.worker.as_ref().map(|w| w.name.clone())),
        account: format!(
            "{} on {}{}",
            manifest.account.handle,
            policy.platforms.display_name(manifest.account.platform.trim()),
            match identifiable {
                Some(true) => ", which can be identified as the council's",
                Some(false) => ", which cannot be identified as the council's",
                None => "",
            }
        ),
        session: {
            use triangulate_core::local_time::uk_time;
            let mut words = format!(
                "Access session {} on {session_person}'s pages, started {}",
                session.id,
                uk_time(&session.started_at)
            );
            match (&session.ended_at, &session.recording_stopped_at) {
                (Some(ended), _) => words.push_str(&format!(", ended {}", uk_time(ended))),
                (None, Some(stopped)) => words.push_str(&format!(", recording stopped {}", uk_time(stopped))),
                (None, None) => words.push_str(", still open"),
            }
            words
        },
        whole_page_sha256: view.record.artefacts.iter().find(|a| a.kind == "full_page_png").map(|a| a.sha256.clone()),
        timestamp: if policy.timestamp.url.is_some() {
            "None on the capture itself: its time is this laptop's clock. The policy's time-stamping authority dates the evidence bundles made from it".into()
        } else {
            "None: its time is this laptop's clock, and the policy names no time-stamping authority".into()
        },
        outside_profiles: outside_listed_profiles(&manifest.provenance.url, &profiles),
    };
    let if_not_relevant = NotRelevantDisposal {
        due_on: triangulate_core::retention::not_relevant_capture_due(&policy.retention, host.today()).to_string(),
        kept_days: policy.retention.not_relevant_capture_days,
        held: store.holds()?.iter().any(|h| h.request == request.reference && h.released_at.is_none()),
    };
    let mut redactions = Vec::new();
    for record in store.redactions(id)?.into_iter().rev() {
        let png = store.redaction_png(record.id)?;
        let checked = triangulate_evidence::redaction::verify_redaction(&record.manifest, &record.signature);
        let verified = checked.as_ref().is_ok_and(|m| m.redacted_sha256 == sha256_hex(&png));
        redactions.push(RedactedCopy { manifest: checked.ok(), record, png, verified });
    }
    Ok(CapturePage {
        view,
        request: request.reference,
        provenance,
        viewport_png,
        findings,
        blurred,
        disputes,
        redactions,
        card,
        if_not_relevant,
    })
}

/// Writes a capture's artefacts and its signed manifest into `out` (made if missing), never
/// over a file already there. File names come from the capture's number and kind, never from
/// the page. Returns the files written.
pub fn export(host: &dyn Host, id: i64, out: &Path) -> Result<Vec<PathBuf>> {
    let store = host.store()?;
    let record = store.capture(id)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for artefact in &record.artefacts {
        let (bytes, _) = store.capture_artefact(id, &artefact.kind)?;
        let extension = match artefact.media_type.as_str() {
            "image/png" => "png",
            "application/warc" => "warc",
            _ => "mhtml",
        };
        files.push((format!("capture-{id}-{}.{extension}", artefact.kind.replace('_', "-")), bytes));
    }
    files.push((format!("capture-{id}-manifest.json"), record.manifest.clone().into_bytes()));
    files.push((format!("capture-{id}-manifest.sig"), format!("{}\n", record.signature).into_bytes()));
    if let Some(wacz) = wacz(host, &record, &files)? {
        files.push((format!("capture-{id}.wacz"), wacz));
    }
    let session = store.session(record.session_id)?;
    drop(store);
    let made = !out.exists();
    // Evidence is personal data: the folder made and the files written are the owner's only.
    triangulate_store::private::create_dir_all(out)
        .map_err(|e| AppError::Refused(format!("{} cannot be made: {e}", out.display())))?;
    for (name, _) in &files {
        if out.join(name).exists() {
            return Err(AppError::Refused(format!(
                "{} already exists: export to an empty folder",
                out.join(name).display()
            )));
        }
    }
    let mut written = Vec::new();
    for (name, bytes) in &files {
        let path = out.join(name);
        triangulate_store::private::write_new(&path, bytes)
            .map_err(|e| AppError::Refused(format!("{name} cannot be written: {e}")))?;
        written.push(path);
    }
    // Known for disposal: the files, and the folder if this export made it.
    let folders = if made { vec![out.to_path_buf()] } else { Vec::new() };
    let recorded = crate::tracked::record(
        host,
        "capture",
        &format!("capture:{id}"),
        &[session.request],
        &[id],
        &written,
        &folders,
    );
    if let Err(error) = recorded {
        for path in &written {
            let _ = std::fs::remove_file(path);
        }
        if made {
            let _ = std::fs::remove_dir(out);
        }
        return Err(error);
    }
    Ok(written)
}

/// The capture's web archive as WACZ, for Webrecorder's tools: its signed WARC byte for byte
/// with an index, the page and a datapackage. `None` for a capture without a WARC.
fn wacz(
    host: &dyn Host,
    record: &triangulate_store::CaptureRecord,
    files: &[(String, Vec<u8>)],
) -> Result<Option<Vec<u8>>> {
    let Some((_, warc)) = files.iter().find(|(name, _)| name.ends_with(".warc")) else {
        return Ok(None);
    };
    let manifest: triangulate_evidence::Manifest = serde_json::from_str(&record.manifest)
        .map_err(|e| AppError::Internal(format!("capture {}'s manifest cannot be read: {e}", record.id)))?;
    let provenance = &manifest.provenance;
    let captured_at = chrono::DateTime::parse_from_rfc3339(&provenance.capture_started_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| host.now());
    let page = triangulate_evidence::wacz::WaczPage {
        url: provenance.url.clone(),
        title: provenance.title.clone(),
        captured_at,
    };
    let software = format!("Triangulate {}", env!("CARGO_PKG_VERSION"));
    let package = triangulate_evidence::wacz::wacz_files(warc, &page, host.now(), &software)
        .and_then(|parts| triangulate_bundle::zip_stored(&parts))
        .map_err(|why| AppError::Internal(format!("capture {}'s web archive cannot be packaged: {why}", record.id)))?;
    Ok(Some(package))
}

/// Records (or replaces) the worker's judgement of a capture.
pub fn judge(host: &dyn Host, id: i64, input: &JudgementInput) -> Result<CaptureRecord> {
    let judgement = input.validate().map_err(AppError::fields_error)?;
    Ok(host.store()?.judge_capture(id, &judgement, host.now())?)
}

/// Redacts one of a capture's pictures: a new copy with the boxes painted over, linked to its
/// sealed original by a signed manifest. The original is not changed. `artefact` is
/// `full_page_png` or `viewport_png`; boxes are in that picture's own pixels.
pub fn redact(
    host: &dyn Host,
    id: i64,
    artefact: &str,
    boxes: &[triangulate_evidence::redaction::RedactionBox],
    reason: &str,
    by: &str,
) -> Result<triangulate_store::RedactionRecord> {
    use triangulate_core::FieldError;
    use triangulate_core::validation::{required_paragraphs, required_text};
    let mut errors = Vec::new();
    if !["full_page_png", "viewport_png"].contains(&artefact) {
        errors.push(FieldError::new("artefact", "Choose the picture to redact: the full page or the viewport"));
    }
    if boxes.is_empty() || boxes.len() > 200 {
        errors.push(FieldError::new("boxes", "Draw between 1 and 200 boxes over what is to be hidden"));
    }
    let reason = required_paragraphs(&mut errors, "reason", "why it is redacted", reason, 2000);
    let by = required_text(&mut errors, "by", "who redacts it", by, 200);
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let (original, _) = host.store()?.capture_artefact(id, artefact)?;
    let (png, width, height) = triangulate_evidence::redaction::redact_png(&original, boxes).map_err(|why| {
        AppError::fields_error(vec![FieldError::new("boxes", format!("The boxes cannot be drawn: {why}"))])
    })?;
    Ok(host.store()?.store_redaction(id, artefact, boxes, &reason, &by, &png, (width, height), host.now())?)
}
