//! Retention and disposal: what falls due under the local policy (listing deletes nothing),
//! disposing of exactly that, and legal holds that stop it. The rules are the core's; the
//! removal, the tombstones and the checkpoint are the store's.

use serde::Serialize;
use triangulate_core::FieldError;
use triangulate_core::retention::Review;
use triangulate_store::browser_history::{ProfileCleanup, forget_pages};
use triangulate_store::{DisposalRecord, HoldRecord, KnownFile};

use crate::error::{AppError, Result};
use crate::host::Host;

/// What falls due today (the host's clock), and which requests a hold keeps.
pub fn review(host: &dyn Host) -> Result<Review> {
    let policy = host.policy()?;
    let facts = host.store()?.retention_facts()?;
    Ok(triangulate_core::retention::review(&policy.retention, &facts, host.today()))
}

/// Retention as its screen shows it: what is due, the holds in place, and the tombstones,
/// newest first.
pub struct Overview {
    pub review: Review,
    pub holds: Vec<HoldRecord>,
    pub disposals: Vec<DisposalRecord>,
}

pub fn overview(host: &dyn Host) -> Result<Overview> {
    let review = review(host)?;
    let store = host.store()?;
    let holds = store.holds()?.into_iter().filter(|h| h.released_at.is_none()).collect();
    let mut disposals = store.disposals()?;
    disposals.reverse();
    Ok(Overview { review, holds, disposals })
}

fn required(errors: &mut Vec<FieldError>, field: &str, what: &str, value: &str) {
    triangulate_core::validation::required_text(errors, field, what, value, 200);
}

/// A file the app once wrote, and what disposal did with it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FileOutcome {
    pub path: String,
    /// `removed`; `not_found` (moved or deleted since); `changed` (not what was exported:
    /// left in place); `failed` (it could not be removed: see `why`).
    pub outcome: String,
    pub why: Option<String>,
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
}

fn sha256_of_file(path: &std::path::Path) -> std::io::Result<String> {
    Ok(triangulate_evidence::sha256_hex(&std::fs::read(path)?))
}

/// Removes a file the app wrote, if it is still what was written.
fn remove_known(file: &KnownFile) -> FileOutcome {
    let path = std::path::Path::new(&file.path);
    let outcome =
        |outcome: &str, why: Option<String>| FileOutcome { path: file.path.clone(), outcome: outcome.into(), why };
    let Ok(meta) = std::fs::metadata(path) else { return outcome("not_found", None) };
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

/// Disposes of exactly what `review` lists today, recorded as done by `by`; then what it
/// reaches outside the store: the browser profiles' history and caches of the disposed
/// sessions' pages (not while that account's browser is open), and the files exported from
/// the disposed requests, where they are still as written.
pub fn dispose(host: &dyn Host, by: &str) -> Result<Disposed> {
    let mut errors = Vec::new();
    required(&mut errors, "by", "who disposes of the records", by);
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let due = review(host)?.due;
    tracing::info!(records = due.len(), "disposing of the records due under the retention policy");
    let reach = host.store()?.disposal_reach(&due)?;
    let mut done = Disposed { disposed: host.store()?.dispose(&due, by.trim(), host.now())?, ..Disposed::default() };
    // What an earlier disposal could not reach, then this one's: an open browser's pages wait.
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
