//! `session start|end|show` and `capture`: the sanctioned browser, the trail recorded by a
//! recorder process the session leaves running, and captures stored whole and signed.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use triangulate_capture::CaptureError;
use triangulate_capture::browser::{LaunchOptions, detach, find_browser, launch};
use triangulate_capture::recorder::{Clock, Record, StillWanted, record};
use triangulate_capture::take::{SessionFacts, take};
use triangulate_core::evidence::{Attribution, JudgementInput, sha256_hex};
use triangulate_store::{
    DataDir, DocumentResponse, SessionBrowser, SessionRecord, Store, StoreError, TrailEvent, load_policy,
    verify_manifest,
};

use crate::{open, print_json, uk_today};

#[derive(Subcommand)]
pub enum SessionCommand {
    /// Open the sanctioned browser for an access session; returns once it is open, leaving a
    /// recorder that stores the trail until `session end` or until the browser is closed
    Start {
        /// The request's reference
        reference: String,
        /// The person to check: their number in the request, from 1
        #[arg(long)]
        subject: usize,
        /// The sanctioned account's id (`account list`)
        #[arg(long)]
        account: i64,
        /// No window, for scripts and tests
        #[arg(long)]
        headless: bool,
        /// The browser's executable (default: TRIANGULATE_BROWSER, or Edge, Chrome or Chromium as installed)
        #[arg(long, value_name = "PATH")]
        browser: Option<PathBuf>,
        /// Tests against a fixture site only: accept a self-signed certificate. Recorded with the session
        #[arg(long, hide = true)]
        ignore_certificate_errors_for_tests: bool,
        #[arg(long)]
        json: bool,
    },
    /// End an access session and close its browser
    End {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// A session with its trail
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The recorder a session leaves running (started by `session start`)
    #[command(hide = true)]
    Record { id: i64 },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CaptureArgs {
    /// The access session whose browser to capture from
    #[arg(long)]
    session: Option<i64>,
    /// Go to this address first (otherwise the tab the worker is looking at is captured as it is)
    #[arg(long)]
    url: Option<String>,
    /// Why a page outside the person's listed profiles belongs to this person
    #[arg(long)]
    outside_scope_reason: Option<String>,
    /// The worker's statement that the page was visible without friending or interacting, in their words
    #[arg(long)]
    statement: Option<String>,
    #[command(subcommand)]
    command: Option<CaptureCommand>,
}

#[derive(Subcommand)]
pub enum CaptureCommand {
    /// A capture: its manifest, signature check, artefacts and judgement
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write the artefacts and the signed manifest to a folder, to hand one exhibit over
    Export {
        id: i64,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Record the worker's judgement of a capture
    Judge {
        id: i64,
        /// yes or no
        #[arg(long)]
        relevant: Option<String>,
        /// verified, probable or unverified
        #[arg(long)]
        attribution: Option<String>,
        /// Why the profile is believed to be the person's
        #[arg(long)]
        why: Option<String>,
        /// yes or no: adds useful information not available elsewhere
        #[arg(long)]
        useful: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Who else appears, and what was done about it
        #[arg(long)]
        collateral: Option<String>,
    },
}

fn browser_error(error: CaptureError) -> StoreError {
    match error {
        CaptureError::Store(error) => error,
        other => StoreError::Refused(other.to_string()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, StoreError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| StoreError::Refused(format!("the DevTools connection cannot start: {e}")))
}

fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

pub fn session(command: SessionCommand, data_dir: &DataDir, now: DateTime<Utc>) -> Result<(), StoreError> {
    match command {
        SessionCommand::Start {
            reference,
            subject,
            account,
            headless,
            browser,
            ignore_certificate_errors_for_tests,
            json,
        } => {
            let (policy, _) = load_policy(data_dir)?;
            let mut store = open(data_dir)?;
            let (request, warnings) =
                store.check_session_start(&reference, subject, account, &policy, uk_today(now), now)?;
            if let Some(open_session) = store.open_session_on_account(account)? {
                return Err(StoreError::Refused(format!(
                    "access session {open_session} is still open on this account: end it first with `triangulate session end {open_session}`"
                )));
            }
            let executable = find_browser(browser.as_deref()).map_err(browser_error)?;
            let profile_dir = data_dir.root().join("browser-profiles").join(format!("account-{account}"));
            let launched = launch(&LaunchOptions {
                executable: &executable,
                profile_dir: &profile_dir,
                headless,
                ignore_certificate_errors: ignore_certificate_errors_for_tests,
            })
            .map_err(browser_error)?;
            let product = runtime()?.block_on(async {
                let (browser, driver) = triangulate_capture::connect(&launched.devtools_url).await?;
                let version = browser.version().await?;
                driver.abort();
                Ok::<_, CaptureError>(version.product)
            });
            let mut product = product.map_err(browser_error)?;
            if ignore_certificate_errors_for_tests {
                product.push_str(" (certificate errors ignored: tests only)");
            }
            let session = store.start_session(
                &request,
                subject,
                account,
                &SessionBrowser { product: &product, devtools_url: &launched.devtools_url, pid: Some(launched.pid) },
                Utc::now(),
            )?;
            drop(store);
            start_recorder(data_dir, session.id)?;
            wait_for_recorder(data_dir, session.id)?;
            for warning in &warnings {
                eprintln!("Warning: {warning}.");
            }
            if json {
                print_json(
                    &json!({ "session_id": session.id, "devtools_url": session.devtools_url, "browser": session.browser, "warnings": warnings }),
                );
            } else {
                println!("Access session {} started: the browser is open and its trail is being recorded.", session.id);
                println!("DevTools: {}", session.devtools_url);
            }
            Ok(())
        }
        SessionCommand::End { id, json } => {
            let mut store = open(data_dir)?;
            let session = store.end_session(id, "ended by the worker", now)?;
            drop(store);
            close_browser(&session);
            if json {
                print_json(&serde_json::to_value(&session).expect("serialises"));
            } else {
                println!("Access session {id} ended at {}.", session.ended_at.as_deref().unwrap_or(""));
            }
            Ok(())
        }
        SessionCommand::Show { id, json } => {
            let store = open(data_dir)?;
            let session = store.session(id)?;
            let trail = store.trail(id)?;
            if json {
                print_json(&json!({ "session": session, "trail": trail }));
            } else {
                println!(
                    "Access session {id} on request {}, person {}: started {}",
                    session.request, session.subject, session.started_at
                );
                if let Some(ended) = &session.ended_at {
                    println!("Ended {ended} ({})", session.end_reason.as_deref().unwrap_or(""));
                }
                for event in trail {
                    println!(
                        "{}  {:<16} {}",
                        event.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        event.kind,
                        event.url
                    );
                }
            }
            Ok(())
        }
        SessionCommand::Record { id } => run_recorder(data_dir, id),
    }
}

fn start_recorder(data_dir: &DataDir, id: i64) -> Result<(), StoreError> {
    let exe =
        std::env::current_exe().map_err(|e| StoreError::Refused(format!("the recorder cannot be started: {e}")))?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.root().join("logs").join("recorder.log"))
        .ok();
    let mut command = Command::new(exe);
    command
        .arg("--data-dir")
        .arg(data_dir.root())
        .args(["session", "record", &id.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log.map(Stdio::from).unwrap_or_else(Stdio::null));
    detach(&mut command);
    command.spawn().map_err(|e| StoreError::Refused(format!("the recorder cannot be started: {e}")))?;
    Ok(())
}

/// Returns once the recorder has stored its first event: the trail is being recorded.
fn wait_for_recorder(data_dir: &DataDir, id: i64) -> Result<(), StoreError> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if open(data_dir)?.trail(id)?.iter().any(|e| e.kind == "recording_started") {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(StoreError::Refused(format!(
        "the browser is open but its recorder did not start within 20 seconds: end the session with `triangulate session end {id}` and see logs/recorder.log"
    )))
}

/// Closes the session's browser over DevTools; if it still answers after a few seconds, its
/// process is stopped.
fn close_browser(session: &SessionRecord) {
    let devtools_url = &session.devtools_url;
    let address = triangulate_capture::devtools_address(devtools_url).to_string();
    let alive = || {
        std::net::TcpStream::connect_timeout(&address.parse().expect("a socket address"), Duration::from_millis(300))
            .is_ok()
    };
    if !address.contains(':') || !alive() {
        return;
    }
    if let Ok(runtime) = runtime() {
        let _ = runtime.block_on(async {
            let (mut browser, driver) = triangulate_capture::connect(devtools_url).await?;
            let _ = tokio::time::timeout(Duration::from_secs(5), browser.close()).await;
            driver.abort();
            Ok::<_, CaptureError>(())
        });
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    if let (true, Some(pid)) = (alive(), session.browser_pid) {
        tracing::warn!(session = session.id, "the browser did not close over DevTools: stopping its process");
        stop_process(pid);
    }
}

fn stop_process(pid: u32) {
    #[cfg(unix)]
    let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    #[cfg(windows)]
    let _ = Command::new("taskkill").args(["/PID", &pid.to_string(), "/T", "/F"]).status();
}

/// The recorder process: stores each trail event and document response as it comes, and
/// ends the session when the browser closes.
fn run_recorder(data_dir: &DataDir, id: i64) -> Result<(), StoreError> {
    let session = open(data_dir)?.session(id)?;
    let (sender, receiver) = mpsc::channel::<Record>();
    let writer_dir = data_dir.clone();
    let writer = std::thread::spawn(move || -> Result<(), StoreError> {
        let mut store = open(&writer_dir)?;
        while let Ok(first) = receiver.recv() {
            let mut batch = vec![first];
            while let Ok(more) = receiver.try_recv() {
                batch.push(more);
            }
            let mut trail: Vec<TrailEvent> = Vec::new();
            for record in batch {
                match record {
                    Record::Trail(event) => trail.push(event),
                    Record::Response(response) => {
                        store.add_trail_events(id, &std::mem::take(&mut trail), Utc::now())?;
                        store.add_document_response(id, &response, Utc::now())?;
                    }
                }
            }
            store.add_trail_events(id, &trail, Utc::now())?;
        }
        Ok(())
    });
    let watch_dir = data_dir.clone();
    // Recording stops when the session is ended, or when its store is gone; a passing
    // failure to read the store does not stop it.
    let still_wanted: StillWanted = Arc::new(move || match open(&watch_dir).and_then(|store| store.session(id)) {
        Ok(session) => session.ended_at.is_none(),
        Err(StoreError::NotInitialised(_)) => false,
        Err(_) => true,
    });
    let outcome = runtime()?.block_on(record(&session.devtools_url, system_clock(), sender, still_wanted));
    let written = writer.join().unwrap_or_else(|_| Err(StoreError::Refused("the trail writer stopped".into())));
    let mut store = open(data_dir)?;
    if store.session(id)?.ended_at.is_none() {
        store.end_session(id, "browser closed", Utc::now())?;
    }
    written?;
    outcome.map_err(browser_error)
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

    fn may_capture(&self, url: &str) -> Result<(), StoreError> {
        self.store.check_capture(self.session, url, self.outside_scope_reason)
    }
}

pub fn capture(args: CaptureArgs, data_dir: &DataDir, now: DateTime<Utc>) -> Result<(), StoreError> {
    match args.command {
        Some(CaptureCommand::Show { id, json }) => show(data_dir, id, json),
        Some(CaptureCommand::Export { id, out }) => export(data_dir, id, &out),
        Some(CaptureCommand::Judge { id, relevant, attribution, why, useful, notes, tags, collateral }) => {
            let yes_no = |field: &str, value: Option<String>| -> Result<Option<bool>, StoreError> {
                match value.as_deref().map(str::trim) {
                    None => Ok(None),
                    Some("yes") => Ok(Some(true)),
                    Some("no") => Ok(Some(false)),
                    Some(_) => Err(StoreError::Fields(vec![triangulate_core::FieldError::new(
                        field,
                        format!("--{field} must be yes or no"),
                    )])),
                }
            };
            let attribution = match attribution.as_deref().map(str::trim) {
                None => None,
                Some("verified") => Some(Attribution::Verified),
                Some("probable") => Some(Attribution::Probable),
                Some("unverified") => Some(Attribution::Unverified),
                Some(_) => {
                    return Err(StoreError::Fields(vec![triangulate_core::FieldError::new(
                        "attribution",
                        "--attribution must be verified, probable or unverified",
                    )]));
                }
            };
            let input = JudgementInput {
                relevant: yes_no("relevant", relevant)?,
                notes,
                tags,
                attribution,
                attribution_reason: why,
                collateral_intrusion: collateral,
                useful_and_unique: yes_no("useful", useful)?,
            };
            let judgement = input.validate().map_err(StoreError::Fields)?;
            open(data_dir)?.judge_capture(id, &judgement, now)?;
            println!("Judgement of capture {id} recorded.");
            Ok(())
        }
        None => {
            let Some(session_id) = args.session else {
                return Err(StoreError::Fields(vec![triangulate_core::FieldError::new(
                    "session",
                    "Say which access session to capture from, with --session ID",
                )]));
            };
            let mut store = open(data_dir)?;
            let session = store.session(session_id)?;
            store.check_capture_session(&session)?;
            let facts = StoreFacts {
                store: &store,
                session: &session,
                outside_scope_reason: args.outside_scope_reason.as_deref(),
            };
            let timer = Instant::now();
            let taken = runtime()?
                .block_on(take(
                    &session.devtools_url,
                    args.url.as_deref(),
                    args.statement.as_deref(),
                    &facts,
                    system_clock(),
                ))
                .map_err(browser_error)?;
            tracing::debug!(ms = timer.elapsed().as_millis() as u64, "capture taken, connection included");
            let mut provenance = taken.provenance;
            if let Some(reason) = &args.outside_scope_reason {
                provenance["outside_scope_reason"] = json!(reason);
            }
            let timer = Instant::now();
            let record = store.store_capture(&session, provenance, taken.artefacts, Utc::now())?;
            tracing::debug!(ms = timer.elapsed().as_millis() as u64, capture = record.id, "capture stored");
            print_json(&json!({
                "capture_id": record.id,
                "url": taken.url,
                "artefacts": record.artefacts.iter().map(|a| json!({ "kind": a.kind, "sha256": a.sha256, "size": a.size, "width": a.width, "height": a.height })).collect::<Vec<_>>(),
            }));
            Ok(())
        }
    }
}

fn show(data_dir: &DataDir, id: i64, json: bool) -> Result<(), StoreError> {
    let store = open(data_dir)?;
    let record = store.capture(id)?;
    let signature = verify_manifest(&record.manifest, &record.signature);
    let mut stored_hashes_match = true;
    for artefact in &record.artefacts {
        let (bytes, stored) = store.capture_artefact(id, &artefact.kind)?;
        stored_hashes_match &= sha256_hex(&bytes) == stored && stored == artefact.sha256;
    }
    let manifest: serde_json::Value = serde_json::from_str(&record.manifest).unwrap_or_default();
    if json {
        print_json(&json!({
            "capture_id": record.id,
            "session_id": record.session_id,
            "created_at": record.created_at,
            "artefacts": record.artefacts,
            "manifest": manifest,
            "signature": record.signature,
            "signature_valid": signature.is_ok(),
            "signature_problem": signature.err(),
            "stored_hashes_match": stored_hashes_match,
            "judgement": record.judgement,
        }));
    } else {
        // Page titles and addresses are untrusted text: printed as data, never interpreted.
        println!("Capture {id} of {:?}", manifest["provenance"]["url"].as_str().unwrap_or(""));
        println!("Title: {:?}", manifest["provenance"]["title"].as_str().unwrap_or(""));
        for artefact in &record.artefacts {
            println!("  {:<14} sha256 {}  {} bytes", artefact.kind, artefact.sha256, artefact.size);
        }
        println!("Signature: {}", if signature.is_ok() { "valid" } else { "NOT VALID" });
    }
    Ok(())
}

fn export(data_dir: &DataDir, id: i64, out: &Path) -> Result<(), StoreError> {
    let store = open(data_dir)?;
    let record = store.capture(id)?;
    // File names come from the capture's number and kind only, never from page content.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for artefact in &record.artefacts {
        let (bytes, _) = store.capture_artefact(id, &artefact.kind)?;
        let extension = if artefact.media_type == "image/png" { "png" } else { "mhtml" };
        files.push((format!("capture-{id}-{}.{extension}", artefact.kind.replace('_', "-")), bytes));
    }
    files.push((format!("capture-{id}-manifest.json"), record.manifest.clone().into_bytes()));
    files.push((format!("capture-{id}-manifest.sig"), format!("{}\n", record.signature).into_bytes()));
    std::fs::create_dir_all(out).map_err(|e| StoreError::Refused(format!("{} cannot be made: {e}", out.display())))?;
    for (name, _) in &files {
        if out.join(name).exists() {
            return Err(StoreError::Refused(format!(
                "{} already exists: export to an empty folder",
                out.join(name).display()
            )));
        }
    }
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes)
            .map_err(|e| StoreError::Refused(format!("{name} cannot be written: {e}")))?;
    }
    println!("Capture {id} exported to {}: {} files.", out.display(), files.len());
    Ok(())
}
