//! Access sessions: the guards, the one-session-per-account rule, the sanctioned browser
//! opened by the session's recorder (which alone holds its DevTools pipe), the trail, and
//! the proof before each use that the recorder is alive. A session whose recorder has gone
//! says so in its trail and takes no capture until it is resumed or ended.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use triangulate_capture::bridge::recorder_status;
use triangulate_store::{SessionRecord, TrailEvent};

use crate::error::{AppError, Result};
use crate::host::{Host, RecorderOrder};

/// How to open the session's browser.
#[derive(Debug, Clone, Default)]
pub struct BrowserChoice {
    /// The browser's executable, given to the door; otherwise the one `browser::resolve`
    /// decides on (the environment's, the worker's choice for this laptop, or the first
    /// installed).
    pub executable: Option<PathBuf>,
    /// No window, for scripts and tests.
    pub headless: bool,
    /// Tests against a fixture site only: accept a self-signed certificate. Recorded with
    /// the session and in every manifest.
    pub ignore_certificate_errors_for_tests: bool,
}

pub struct StartedSession {
    pub session: SessionRecord,
    /// What the worker should know before going on (the guards' warnings).
    pub warnings: Vec<String>,
}

/// How long a recorder has to open the browser and start recording.
const RECORDER_START: Duration = Duration::from_secs(20);
/// How long the recorder has to answer the round trip that proves it is alive.
const RECORDER_ANSWER: Duration = Duration::from_secs(5);

/// Every guard a session start runs, without starting one: what the worker should know
/// before going on (at the repeat-viewing limit, the count and the window), or the refusal.
pub fn check(host: &dyn Host, reference: &str, subject: usize, account: i64) -> Result<Vec<String>> {
    let policy = host.policy()?;
    let store = host.store()?;
    store.account(account)?;
    let (_, warnings, _) = store.check_session_start(reference, subject, account, &policy, host.today(), host.now())?;
    Ok(warnings)
}

/// The service director's conditions on the request, which the worker confirms when a
/// session starts.
pub fn conditions(host: &dyn Host, reference: &str) -> Result<Option<String>> {
    Ok(crate::requests::permit_conditions(&host.store()?.request(reference)?))
}

/// Starts an access session: every guard, then the session recorded, then its recorder
/// started; returns once the recorder has opened the browser and recording has started,
/// and the browser has opened the person's first listed profile.
pub fn start(
    host: &dyn Host,
    reference: &str,
    subject: usize,
    account: i64,
    browser: &BrowserChoice,
    conditions_confirmed: bool,
) -> Result<StartedSession> {
    let policy = host.policy()?;
    let (order, warnings, first_profile) = {
        let mut store = host.store()?;
        let checked = store.check_session_start(reference, subject, account, &policy, host.today(), host.now());
        // A start refused by the repeat-viewing limit is a figure for the pilot.
        if let Err(triangulate_store::StoreError::Guarded { refusals, .. }) = &checked
            && refusals.iter().any(|r| r.code == triangulate_core::guards::code::REPEAT_VIEWING_LIMIT)
        {
            store.record_repeat_viewing(reference, true, host.now())?;
        }
        let (request, warnings, repeat_viewing_warned) = checked?;
        // The service director's conditions, confirmed by the worker, go with the session.
        let conditions = crate::requests::permit_conditions(&request);
        let confirmation =
            triangulate_core::guards::conditions_confirmation(conditions.as_deref(), conditions_confirmed);
        if !confirmation.is_allowed() {
            return Err(triangulate_store::StoreError::Guarded {
                what: "the access session cannot start".into(),
                refusals: confirmation.refusals().to_vec(),
            }
            .into());
        }
        let first_profile =
            request.request.subjects.get(subject - 1).and_then(|s| s.profiles.first()).map(|p| p.url.clone());
        // The browser is decided on before anything is written.
        let executable = crate::browser::resolve_in(&store, host, browser.executable.as_deref())?.path();
        let session = store.start_session(&request, subject, account, conditions.as_deref(), host.now())?;
        if repeat_viewing_warned {
            store.record_repeat_viewing(&request.reference, false, host.now())?;
        }
        let order = RecorderOrder {
            session: session.id,
            executable,
            headless: browser.headless,
            ignore_certificate_errors: browser.ignore_certificate_errors_for_tests,
        };
        (order, warnings, first_profile)
    };
    let id = order.session;
    if let Err(error) = host.start_recorder(&order) {
        let _ = host.store()?.end_session(id, "the recorder could not be started", host.now());
        return Err(error);
    }
    let session = wait_for_recording(host, id, 0)?;
    let mut warnings = warnings;
    if let (Some(url), Some(private)) = (first_profile, session.private_url()) {
        let trail = host.store()?.trail(id)?;
        let navigations = |trail: &[TrailEvent]| trail.iter().filter(|e| e.kind == "navigation").count();
        let before = navigations(&trail);
        let opened = crate::runtime()?.block_on(triangulate_capture::take::open_page(&private, &trail, &url));
        match opened {
            Err(error) => {
                tracing::warn!(session = id, "the first profile did not open: {error}");
                warnings.push(format!("the person's first profile did not finish loading: {error}"));
            }
            // The recorder stores the navigation as its browser reports it, on its own
            // connection: wait (briefly) until it has, so the session shown holds it.
            Ok(()) => {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
                while std::time::Instant::now() < deadline && navigations(&host.store()?.trail(id)?) == before {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
        }
    }
    Ok(StartedSession { session, warnings })
}

fn recordings_started(trail: &[TrailEvent]) -> usize {
    trail.iter().filter(|e| e.kind == "recording_started").count()
}

/// Returns once the recorder has stored its `recording_started` event number `before + 1`;
/// refuses if the session ends first (the recorder could not open the browser).
fn wait_for_recording(host: &dyn Host, id: i64, before: usize) -> Result<SessionRecord> {
    let deadline = Instant::now() + RECORDER_START;
    while Instant::now() < deadline {
        {
            let store = host.store()?;
            if recordings_started(&store.trail(id)?) > before {
                return Ok(store.session(id)?);
            }
            let session = store.session(id)?;
            if session.ended_at.is_some() {
                return Err(AppError::Browser(format!(
                    "access session {id} ended before recording started: {}",
                    session.end_reason.as_deref().unwrap_or("no reason was recorded")
                )));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(AppError::Browser(format!(
        "the recorder of access session {id} did not start recording within {} seconds: end the session and see logs/recorder.log",
        RECORDER_START.as_secs()
    )))
}

/// Proves the session's recorder is alive by a round trip over its private channel. When it
/// does not answer, the trail records that recording stopped, the session says so, its
/// browser (which can no longer be recorded) is closed, and the session is refused.
pub fn ensure_recording(host: &dyn Host, session: &SessionRecord) -> Result<()> {
    if let Some(stopped) = &session.recording_stopped_at {
        return Err(AppError::RecordingStopped {
            session: session.id,
            reason: format!("recording stopped at {stopped}"),
        });
    }
    let answer = match session.private_url() {
        None => Err("its recorder never opened the browser".to_string()),
        Some(url) => crate::runtime()?
            .block_on(recorder_status(&url, RECORDER_ANSWER))
            .map_err(|e| e.to_string())
            .and_then(|status| {
                if status["session"] == session.id && status["recording"] == true {
                    Ok(())
                } else {
                    Err(format!("its recorder answered for another session or is not recording ({status})"))
                }
            }),
    };
    let Err(reason) = answer else { return Ok(()) };
    tracing::warn!(session = session.id, "the session's recorder did not answer: recording stopped");
    host.store()?.mark_recording_stopped(session.id, &reason, host.now())?;
    if let Some(pid) = session.browser_pid {
        stop_process(pid);
    }
    Err(AppError::RecordingStopped { session: session.id, reason })
}

/// Starts a new recorder for an open session whose recorder has gone: it opens the browser
/// again with the account's profile, and the trail says recording resumed.
pub fn resume(host: &dyn Host, id: i64, browser: &BrowserChoice) -> Result<SessionRecord> {
    let session = host.store()?.session(id)?;
    if let Some(ended) = &session.ended_at {
        return Err(AppError::Refused(format!("access session {id} ended at {ended}: start a new one")));
    }
    if session.recording_stopped_at.is_none() && ensure_recording(host, &session).is_ok() {
        return Err(AppError::Refused(format!("access session {id} is being recorded: there is nothing to resume")));
    }
    let before = recordings_started(&host.store()?.trail(id)?);
    let executable = crate::browser::resolve(host, browser.executable.as_deref())?.path();
    host.start_recorder(&RecorderOrder {
        session: id,
        executable,
        headless: browser.headless,
        ignore_certificate_errors: browser.ignore_certificate_errors_for_tests,
    })?;
    wait_for_recording(host, id, before)
}

/// Ends a session and closes its browser; its recorder then stops.
pub fn end(host: &dyn Host, id: i64) -> Result<SessionRecord> {
    let session = host.store()?.end_session(id, "ended by the worker", host.now())?;
    close_browser(&session);
    Ok(session)
}

/// A session with its trail and captures. An open session's recorder is asked whether it
/// is alive, so that a session whose recording stopped says so.
pub struct SessionView {
    pub session: SessionRecord,
    pub trail: Vec<TrailEvent>,
    /// Who is being checked, as the request names them.
    pub person: String,
    /// The sanctioned account: its handle and platform.
    pub account: String,
    /// The person's listed profiles.
    pub profiles: Vec<String>,
    pub captures: Vec<triangulate_store::CaptureRecord>,
    /// The captures (by id) of a page within none of the person's listed profiles.
    pub outside_profiles: Vec<i64>,
    /// A capture is being taken in this session now (by the button or the shortcut).
    pub capturing: bool,
}

pub fn show(host: &dyn Host, id: i64) -> Result<SessionView> {
    let session = host.store()?.session(id)?;
    if session.ended_at.is_none() && session.recording_stopped_at.is_none() {
        // A refusal here is the answer itself: the session now says recording stopped.
        let _ = ensure_recording(host, &session);
    }
    let store = host.store()?;
    let session = store.session(id)?;
    let request = store.request(&session.request)?;
    let subject = request.request.subjects.get(session.subject - 1);
    let account = store.account(session.account_id)?;
    let captures: Vec<triangulate_store::CaptureRecord> =
        store.session_capture_ids(id)?.into_iter().map(|c| store.capture(c)).collect::<std::result::Result<_, _>>()?;
    let profiles: Vec<String> = subject.map(|s| s.profiles.iter().map(|p| p.url.clone()).collect()).unwrap_or_default();
    let outside_profiles = captures
        .iter()
        .filter(|c| {
            crate::captures::outside_listed_profiles(&c.url(), &profiles)
        })
        .map(|c| c.id)
        .collect();
    Ok(SessionView {
        trail: store.trail(id)?,
        person: subject.map(|s| s.display_name().to_string()).unwrap_or_default(),
        account: format!("{} ({})", account.handle, account.platform),
        profiles,
        outside_profiles,
        captures,
        capturing: crate::captures::capturing(host, id),
        session,
    })
}

/// Closes the session's browser over its private channel; if the browser is still there a
/// few seconds later, its process is stopped.
pub(crate) fn close_browser(session: &SessionRecord) {
    let Some(url) = session.private_url() else { return };
    let Ok(runtime) = crate::runtime() else { return };
    let alive =
        |runtime: &tokio::runtime::Runtime| runtime.block_on(recorder_status(&url, Duration::from_millis(500))).is_ok();
    if !alive(&runtime) {
        return;
    }
    let _ = runtime.block_on(async {
        let (mut browser, driver) = triangulate_capture::connect(&url).await?;
        let _ = tokio::time::timeout(Duration::from_secs(5), browser.close()).await;
        driver.abort();
        Ok::<_, triangulate_capture::CaptureError>(())
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(&runtime) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    if let (true, Some(pid)) = (alive(&runtime), session.browser_pid) {
        tracing::warn!(session = session.id, "the browser did not close over DevTools: stopping its process");
        stop_process(pid);
    }
}

pub(crate) fn stop_process(pid: u32) {
    #[cfg(unix)]
    let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    #[cfg(windows)]
    let _ = std::process::Command::new("taskkill").args(["/PID", &pid.to_string(), "/T", "/F"]).status();
}
