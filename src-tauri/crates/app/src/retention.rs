//! Retention and disposal: what falls due under the local policy (listing deletes nothing),
//! disposing of exactly that, and legal holds that stop it. The rules are the core's; the
//! removal, the tombstones and the checkpoint are the store's.

use serde::Serialize;
use triangulate_core::FieldError;
use triangulate_core::retention::Review;
use triangulate_store::browser_history::{ProfileCleanup, forget_pages};
use triangulate_store::{DisposalDating, DisposalRecord, DisposalStamp, HoldRecord, KnownFile};

use crate::error::{AppError, Result};
use crate::host::Host;

/// What falls due today (the host's clock), and which requests a hold keeps.
pub fn review(host: &dyn Host) -> Result<Review> {
    let policy = host.policy()?;
    let facts = host.store()?.retention_facts()?;
    Ok(triangulate_core::retention::review(&policy.retention, &facts, host.today()))
}

/// Retention as its screen shows it: what is due, the holds in place, the tombstones, newest
/// first, and how a disposal now would be dated.
pub struct Overview {
    pub review: Review,
    pub holds: Vec<HoldRecord>,
    pub disposals: Vec<DisposalRecord>,
    pub clock: Clock,
}

/// How disposal decides the date: the laptop's clock, checked against the latest audit event
/// and, where the policy names a time-stamping authority, against the authority's time.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Clock {
    /// `laptop_clock` (nothing checks the laptop's clock but the latest event) or `tsa`.
    pub source: String,
    /// The laptop's time (RFC 3339, UTC) and its date in the UK: what is due is due by it.
    pub laptop_time: String,
    pub laptop_date: String,
    /// The authority asked, when the policy names one.
    pub authority: Option<String>,
}

fn clock(host: &dyn Host) -> Result<Clock> {
    let authority = host.policy()?.timestamp.url;
    Ok(Clock {
        source: if authority.is_some() { "tsa" } else { "laptop_clock" }.into(),
        laptop_time: host.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        laptop_date: host.today().to_string(),
        authority,
    })
}

pub fn overview(host: &dyn Host) -> Result<Overview> {
    let review = review(host)?;
    let clock = clock(host)?;
    let store = host.store()?;
    let holds = store.holds()?.into_iter().filter(|h| h.released_at.is_none()).collect();
    let mut disposals = store.disposals()?;
    disposals.reverse();
    Ok(Overview { review, holds, disposals, clock })
}

fn required(errors: &mut Vec<FieldError>, field: &str, what: &str, value: &str) {
    triangulate_core::validation::required_text(errors, field, what, value, 200);
}

/// A file (or a folder an export made) the app once wrote, and what disposal did with it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FileOutcome {
    pub path: String,
    /// `removed`; `not_found` (moved or deleted since); `changed` (not what was exported:
    /// left in place); `not_empty` (a folder holding files the app did not write, or a
    /// changed one: left in place); `failed` (it could not be removed: see `why`).
    pub outcome: String,
    pub why: Option<String>,
}

/// How a disposal was dated: the clock it used, and the time-stamping authority's time when
/// the policy names one.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Dating {
    /// `laptop_clock` or `tsa`.
    pub source: String,
    pub laptop_time: String,
    /// The UK date the laptop believes it is: what was due was due by it.
    pub laptop_date: String,
    pub authority: Option<String>,
    /// The authority's time, its answer (base64 of the DER `TimeStampResp`) and the list it
    /// covers, exactly as stamped (canonical JSON), as kept with the tombstones.
    pub timestamped_at: Option<String>,
    pub timestamp: Option<String>,
    pub stamped_list: Option<String>,
}

/// What a disposal did: the records (with their tombstones), each account's browser profile
/// cleaned of the disposed sessions' pages (or why not), and the files exported from the
/// disposed requests.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct Disposed {
    pub disposed: Vec<DisposalRecord>,
    pub browser_profiles: Vec<ProfileCleanup>,
    /// Accounts whose browser was open: their pages are kept (encrypted) and removed by the
    /// next disposal that finds the browser closed.
    pub browser_profiles_in_use: Vec<i64>,
    pub files: Vec<FileOutcome>,
    pub dating: Option<Dating>,
}

fn sha256_of_file(path: &std::path::Path) -> std::io::Result<String> {
    Ok(triangulate_evidence::sha256_hex(&std::fs::read(path)?))
}

/// Removes a file the app wrote, if it is still what was written.
fn remove_known(file: &KnownFile) -> FileOutcome {
    let path = std::path::Path::new(&file.path);
    let outcome =
        |outcome: &str, why: Option<String>| FileOutcome { path: file.path.clone(), outcome: outcome.into(), why };
    let Ok(meta) = std::fs::symlink_metadata(path) else { return outcome("not_found", None) };
    if file.folder {
        if !meta.is_dir() {
            return outcome("changed", Some("it is no longer the folder that was made: left in place".into()));
        }
        return match std::fs::remove_dir(path) {
            Ok(()) => outcome("removed", None),
            Err(_) if std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some()) => outcome(
                "not_empty",
                Some("it holds files the app did not write, or changed since: left in place".into()),
            ),
            Err(e) => outcome("failed", Some(e.to_string())),
        };
    }
    if !meta.is_file() {
        return outcome("changed", Some("it is no longer the file that was exported: left in place".into()));
    }
    let same = match &file.sha256 {
        Some(digest) => sha256_of_file(path).is_ok_and(|d| &d == digest),
        None => meta.len() == file.bytes,
    };
    if !same {
        return outcome("changed", Some("it is not the file that was exported: left in place".into()));
    }
    match std::fs::remove_file(path) {
        Ok(()) => outcome("removed", None),
        Err(e) => outcome("failed", Some(e.to_string())),
    }
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Decides the date of a disposal before anything is removed: the laptop's clock must not be
/// earlier than the latest audit event; where the policy names a time-stamping authority, it
/// stamps the list to be disposed of and its time must agree with the laptop's within a day.
fn date_disposal(
    host: &dyn Host,
    due: &[triangulate_core::retention::Due],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(DisposalDating, Dating)> {
    use triangulate_core::retention::{DisposalClockProblem, disposal_clock_problem};
    if let Some(DisposalClockProblem::BehindTheAuditTrail { latest }) =
        disposal_clock_problem(now, host.store()?.latest_event_time()?, None)
    {
        return Err(AppError::Refused(format!(
            "this laptop's clock says {}, earlier than the latest audit event ({}): the clock is wrong, and nothing is disposed of until it is put right",
            time(now),
            time(latest)
        )));
    }
    let mut dating = Dating {
        source: "laptop_clock".into(),
        laptop_time: time(now),
        laptop_date: triangulate_core::local_time::uk_date(now).to_string(),
        authority: None,
        timestamped_at: None,
        timestamp: None,
        stamped_list: None,
    };
    let authority = crate::timestamping::Authority::from_policy(host, "nothing is disposed of")?;
    let (Some(authority), false) = (authority, due.is_empty()) else {
        return Ok((DisposalDating::LaptopClock, dating));
    };
    let document = host.store()?.disposal_list(due, now)?;
    let (answer, info) = authority.stamp(host, document.as_bytes())?;
    if disposal_clock_problem(now, None, Some(info.time)).is_some() {
        return Err(AppError::Refused(format!(
            "this laptop's clock says {} but the time-stamping authority at {} says {}: they differ by more than a day, and nothing is disposed of until the clock is put right",
            time(now),
            authority.url,
            time(info.time)
        )));
    }
    use base64::Engine;
    dating.source = "tsa".into();
    dating.authority = Some(authority.url.clone());
    dating.timestamped_at = Some(time(info.time));
    dating.timestamp = Some(base64::engine::general_purpose::STANDARD.encode(&answer));
    dating.stamped_list = Some(document.clone());
    let stamp = DisposalStamp { document, answer, authority: authority.url.clone(), stamped_at: info.time };
    Ok((DisposalDating::Authority(stamp), dating))
}

/// Disposes of exactly what `review` lists today, recorded as done by `by`, once the date is
/// trusted (see [`date_disposal`]); then what it reaches outside the store: every file in the
/// browser profiles that holds a disposed session's page (not while that account's browser is
/// open), and the files and folders exported from the disposed records, where they are still
/// as written.
///
/// Its progress, in four steps: working out what is due, deleting it, clearing the browser
/// profiles' history of its pages, removing the exported files that held it.
pub fn dispose(host: &dyn Host, by: &str) -> Result<Disposed> {
    let tracker = crate::progress::Tracker::start(
        host,
        crate::progress::Work::Disposal,
        "records due",
        4,
        "Working out what is due",
    );
    crate::progress::tracked(
        tracker,
        |done: &Disposed| match done.disposed.len() {
            1 => "Disposed of 1 record".to_string(),
            n => format!("Disposed of {n} records"),
        },
        |tracker| dispose_tracked(host, by, tracker),
    )
}

fn dispose_tracked(host: &dyn Host, by: &str, tracker: &mut crate::progress::Tracker<'_>) -> Result<Disposed> {
    let mut errors = Vec::new();
    required(&mut errors, "by", "who disposes of the records", by);
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let now = host.now();
    let due = review(host)?.due;
    let (dating, said) = date_disposal(host, &due, now)?;
    tracing::info!(records = due.len(), source = %said.source, "disposing of the records due under the retention policy");
    let reach = host.store()?.disposal_reach(&due)?;
    tracker.next(match due.len() {
        1 => "Deleting what is due: 1 record".to_string(),
        n => format!("Deleting what is due: {n} records"),
    });
    let mut done = Disposed {
        disposed: host.store()?.dispose(&due, by.trim(), now, &dating)?,
        dating: Some(said),
        ..Disposed::default()
    };
    // What an earlier disposal could not reach, then this one's: an open browser's pages wait.
    tracker.next("Clearing the disposed pages from the browser profiles");
    let mut pages = host.store()?.take_browser_cleanups()?;
    pages.extend(reach.pages);
    for (account, urls) in pages {
        if host.store()?.open_session_on_account(account)?.is_some() {
            host.store()?.defer_browser_cleanup(account, &urls, host.now())?;
            if !done.browser_profiles_in_use.contains(&account) {
                done.browser_profiles_in_use.push(account);
            }
            continue;
        }
        match forget_pages(account, &host.data_dir().browser_profile(account), &urls) {
            Ok(cleaned) => done.browser_profiles.push(cleaned),
            Err(error) => {
                // Kept for the next disposal, and the failure said.
                host.store()?.defer_browser_cleanup(account, &urls, host.now())?;
                return Err(error.into());
            }
        }
    }
    tracker.next("Removing the exported files that held them");
    done.files = reach.files.iter().map(remove_known).collect();
    Ok(done)
}

fn hold_fields(by: &str, reason: &str) -> Result<()> {
    let mut errors = Vec::new();
    required(&mut errors, "by", "who decided", by);
    triangulate_core::validation::required_paragraphs(&mut errors, "reason", "why", reason, 2000);
    if errors.is_empty() { Ok(()) } else { Err(AppError::fields_error(errors)) }
}

/// A legal hold (court proceedings, a complaint): nothing of the request is disposed of.
pub fn hold(host: &dyn Host, reference: &str, by: &str, reason: &str) -> Result<HoldRecord> {
    hold_fields(by, reason)?;
    Ok(host.store()?.place_hold(reference, by.trim(), reason.trim(), host.now())?)
}

pub fn release(host: &dyn Host, reference: &str, by: &str, reason: &str) -> Result<HoldRecord> {
    hold_fields(by, reason)?;
    Ok(host.store()?.release_hold(reference, by.trim(), reason.trim(), host.now())?)
}
