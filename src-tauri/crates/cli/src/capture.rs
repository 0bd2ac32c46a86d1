//! `session start|end|show` and `capture`: the sanctioned browser, the trail recorded by a
//! recorder process the session leaves running, and captures stored whole and signed.

use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;
use triangulate_app::browser::{self, BrowserSource};
use triangulate_app::captures::{self, CaptureOrder};
use triangulate_app::sessions::{self, BrowserChoice};
use triangulate_app::{AppError, Host};
use triangulate_core::FieldError;
use triangulate_core::evidence::{Attribution, JudgementInput};

use crate::out::{esay, inline, say};
use crate::{CliHost, Result, print_json, uk_time};

/// How to open the session's browser.
#[derive(Args)]
pub struct BrowserArgs {
    /// No window, for scripts and tests
    #[arg(long)]
    headless: bool,
    /// The browser's executable (default: TRIANGULATE_BROWSER, else the one chosen with
    /// `browser set`, else Edge, Chrome or Chromium as installed)
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// Tests against a fixture site only: accept a self-signed certificate. Recorded with the session
    #[arg(long, hide = true)]
    ignore_certificate_errors_for_tests: bool,
}

impl BrowserArgs {
    fn choice(self) -> BrowserChoice {
        BrowserChoice {
            executable: self.browser,
            headless: self.headless,
            ignore_certificate_errors_for_tests: self.ignore_certificate_errors_for_tests,
        }
    }
}

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
        #[command(flatten)]
        browser: BrowserArgs,
        /// Confirm the service director's conditions, which `request show` prints: needed
        /// when the permission has any
        #[arg(long)]
        confirm_conditions: bool,
        #[arg(long)]
        json: bool,
    },
    /// Start recording a session again after its recorder stopped: the browser opens again
    /// with the account's profile
    Resume {
        id: i64,
        #[command(flatten)]
        browser: BrowserArgs,
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
    /// The recorder a session leaves running (started by `session start`): it owns the
    /// browser and reads its order on standard input
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
    /// Take the whole page by scrolling, one screen at a time, whatever it is (a page found to
    /// change as it is scrolled is taken so anyway)
    #[arg(long)]
    scroll: bool,
    /// Follow a feed that loads more as it is scrolled, back to the start of the request's
    /// period (or --until-date), or to the policy's limits
    #[arg(long)]
    follow: bool,
    /// Follow the feed until posts older than this date (YYYY-MM-DD) appear
    #[arg(long, value_name = "DATE")]
    until_date: Option<String>,
    /// Take at most this many screens (no more than the policy's limit)
    #[arg(long, value_name = "N")]
    max_screens: Option<u32>,
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
    /// Redact a picture of a capture: a new copy with the boxes painted over, signed and
    /// linked to its sealed original (never changed); documents then show the copy
    Redact {
        id: i64,
        /// full-page or viewport
        #[arg(long, value_name = "PICTURE")]
        picture: String,
        /// A box to paint over, in the picture's own pixels: X,Y,WIDTH,HEIGHT (repeat for each)
        #[arg(long = "box", value_name = "X,Y,W,H", required = true)]
        boxes: Vec<String>,
        /// Why it is redacted
        #[arg(long)]
        reason: String,
        /// Who redacts it
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
}

/// The browser for this laptop's captures.
#[derive(Subcommand)]
pub enum BrowserCommand {
    /// Show the browser a session opens and why: --browser first, then TRIANGULATE_BROWSER,
    /// then the one chosen for this laptop, then the first Edge, Chrome or Chromium installed
    /// (exit 1 when none would open)
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Choose the browser's program for this laptop's captures, in the worker's name
    Set {
        /// The browser's program file, such as C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe
        path: String,
        #[arg(long)]
        json: bool,
    },
    /// Forget the browser chosen for this laptop: sessions then use the first one installed
    Forget {
        #[arg(long)]
        json: bool,
    },
}

pub fn browser(command: BrowserCommand, host: &CliHost) -> Result<()> {
    let (setting, json, done) = match command {
        BrowserCommand::Show { json } => (browser::show(host)?, json, None),
        BrowserCommand::Set { path, json } => {
            (browser::choose(host, &path)?, json, Some("The browser for captures on this laptop is chosen."))
        }
        BrowserCommand::Forget { json } => {
            (browser::forget(host)?, json, Some("The browser chosen for this laptop is forgotten."))
        }
    };
    if json {
        print_json(&serde_json::to_value(&setting).expect("serialises"));
    } else {
        if let Some(done) = done {
            say!("{done}");
        }
        if let Some(in_use) = &setting.in_use {
            say!("{}.", inline(&in_use.in_words));
            say!(
                "{}",
                match in_use.source {
                    BrowserSource::Given => "It is the one given.",
                    BrowserSource::Environment =>
                        "It is the one TRIANGULATE_BROWSER names, which comes before the choice for this laptop.",
                    BrowserSource::Chosen => "It is the one chosen for this laptop.",
                    BrowserSource::Found => "It was found installed on this laptop.",
                }
            );
        }
        if let Some(chosen) = &setting.chosen {
            say!(
                "Chosen for this laptop: {} at {}, by {} on {}{}.",
                chosen.browser.name,
                inline(&chosen.browser.path),
                inline(&chosen.chosen_by.name),
                uk_time(&chosen.chosen_at),
                if chosen.present { "" } else { " (no longer there)" }
            );
        }
        if let Some(found) = &setting.found {
            say!("Found installed: {} at {}.", found.name, inline(&found.path));
        }
    }
    match (setting.problem, done) {
        (None, _) => Ok(()),
        // Nothing would open: `show` says so by its exit code; a change made says so in words.
        (Some(problem), None) => Err(AppError::Browser(problem)),
        (Some(problem), Some(_)) => {
            esay!("Warning: {problem}.");
            Ok(())
        }
    }
}

pub fn session(command: SessionCommand, host: &CliHost) -> Result<()> {
    match command {
        SessionCommand::Start { reference, subject, account, browser, confirm_conditions, json } => {
            let started = sessions::start(host, &reference, subject, account, &browser.choice(), confirm_conditions)?;
            let session = &started.session;
            for warning in &started.warnings {
                esay!("Warning: {warning}.");
            }
            if json {
                print_json(&json!({
                    "session_id": session.id,
                    "devtools_url": session.devtools_url,
                    "browser": session.browser,
                    "warnings": started.warnings,
                    "conditions_confirmed": session.conditions_confirmed,
                }));
            } else {
                say!("Access session {} started: the browser is open and its trail is being recorded.", session.id);
                say!("DevTools: private to this session's recorder ({})", session.devtools_url);
            }
            Ok(())
        }
        SessionCommand::Resume { id, browser } => {
            sessions::resume(host, id, &browser.choice())?;
            say!("Access session {id} is being recorded again: the browser is open.");
            Ok(())
        }
        SessionCommand::End { id, json } => {
            let session = sessions::end(host, id)?;
            if json {
                print_json(&serde_json::to_value(&session).expect("serialises"));
            } else {
                say!("Access session {id} ended at {}.", session.ended_at.as_deref().unwrap_or(""));
            }
            Ok(())
        }
        SessionCommand::Show { id, json } => {
            let view = sessions::show(host, id)?;
            let session = &view.session;
            if json {
                print_json(&json!({ "session": session, "trail": view.trail }));
            } else {
                say!(
                    "Access session {id} on request {}, person {}: started {}",
                    session.request,
                    session.subject,
                    session.started_at
                );
                if let Some(stopped) = &session.recording_stopped_at {
                    say!("Recording stopped {stopped}: nothing can be captured until it is resumed");
                }
                if let Some(ended) = &session.ended_at {
                    say!("Ended {ended} ({})", session.end_reason.as_deref().unwrap_or(""));
                }
                for event in &view.trail {
                    say!(
                        "{}  {:<16} {:?}",
                        event.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        event.kind,
                        event.url
                    );
                }
            }
            Ok(())
        }
        SessionCommand::Record { id: _ } => triangulate_app::recorder::run_from_stdin(host.data_dir(), host.clock()),
    }
}

fn yes_no(field: &str, value: Option<String>) -> Result<Option<bool>> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        Some(_) => Err(AppError::fields_error(vec![FieldError::new(field, format!("--{field} must be yes or no"))])),
    }
}

pub fn capture(args: CaptureArgs, host: &CliHost) -> Result<()> {
    match args.command {
        Some(CaptureCommand::Show { id, json }) => {
            let view = captures::show(host, id)?;
            let record = &view.record;
            let full_page = captures::full_page_of(view.manifest.as_ref());
            let provenance = view.manifest.as_ref().map(|m| &m.provenance);
            let said = |part: fn(&triangulate_app::Provenance) -> &String| provenance.map(part).cloned().unwrap_or_default();
            if json {
                print_json(&json!({
                    "capture_id": record.id,
                    "session_id": record.session_id,
                    "created_at": record.created_at,
                    "captured_at": provenance.map(|p| &p.capture_started_at),
                    "artefacts": record.artefacts,
                    "manifest": crate::out::as_signed(&record.manifest),
                    "signature": record.signature,
                    "signature_valid": view.signature.is_ok(),
                    "signature_problem": view.signature.as_ref().err(),
                    "stored_hashes_match": view.stored_hashes_match,
                    "judgement": record.judgement,
                    "cut_at_limit": full_page.and_then(captures::cut_at_limit),
                    "taken": full_page.map(captures::taken_way),
                }));
            } else {
                // Page titles and addresses are untrusted text: printed as data, never interpreted.
                say!("Capture {id} of {:?}", said(|p| &p.url));
                say!("Title: {:?}", said(|p| &p.title));
                say!(
                    "{}: {}",
                    triangulate_core::local_time::CAPTURED_AT,
                    triangulate_core::local_time::captured_at(&said(|p| &p.capture_started_at))
                );
                if let Some(cut) = full_page.and_then(captures::cut_at_limit) {
                    say!("{}", cut.summary);
                }
                if let Some(way) = full_page.map(captures::taken_way) {
                    match &way.stopped {
                        Some(stopped) => say!("Full page: {}; {stopped}", way.label),
                        None => say!("Full page: {}", way.label),
                    }
                }
                for artefact in &record.artefacts {
                    say!("  {:<14} sha256 {}  {} bytes", artefact.kind, artefact.sha256, artefact.size);
                }
                say!("Signature: {}", if view.signature.is_ok() { "valid" } else { "NOT VALID" });
            }
            Ok(())
        }
        Some(CaptureCommand::Export { id, out }) => {
            let written = captures::export(host, id, &out)?;
            say!("Capture {id} exported to {}: {} files.", out.display(), written.len());
            Ok(())
        }
        Some(CaptureCommand::Redact { id, picture, boxes, reason, by, json }) => {
            let artefact = match picture.trim() {
                "full-page" => "full_page_png",
                "viewport" => "viewport_png",
                _ => {
                    return Err(AppError::fields_error(vec![FieldError::new(
                        "picture",
                        "--picture must be full-page or viewport",
                    )]));
                }
            };
            let mut parsed = Vec::new();
            for (k, text) in boxes.iter().enumerate() {
                let numbers: Vec<Option<u32>> = text.split(',').map(|n| n.trim().parse().ok()).collect();
                match numbers.as_slice() {
                    [Some(x), Some(y), Some(width), Some(height)] => {
                        parsed.push(triangulate_app::RedactionBox { x: *x, y: *y, width: *width, height: *height })
                    }
                    _ => {
                        return Err(AppError::fields_error(vec![FieldError::new(
                            format!("boxes[{}]", k + 1),
                            format!("--box {text:?} is not X,Y,WIDTH,HEIGHT in whole pixels, such as 10,20,300,200"),
                        )]));
                    }
                }
            }
            let record = captures::redact(host, id, artefact, &parsed, &reason, &by)?;
            if json {
                print_json(&json!({
                    "redaction_id": record.id,
                    "capture_id": record.capture_id,
                    "picture": record.artefact,
                    "sha256": record.sha256,
                    "manifest": crate::out::as_signed(&record.manifest),
                    "signature": record.signature,
                }));
            } else {
                say!("Redaction {} of capture {id}'s {}: SHA-256 {}", record.id, picture.trim(), record.sha256);
            }
            Ok(())
        }
        Some(CaptureCommand::Judge { id, relevant, attribution, why, useful, notes, tags, collateral }) => {
            let attribution = match attribution.as_deref().map(str::trim) {
                None => None,
                Some("verified") => Some(Attribution::Verified),
                Some("probable") => Some(Attribution::Probable),
                Some("unverified") => Some(Attribution::Unverified),
                Some(_) => {
                    return Err(AppError::fields_error(vec![FieldError::new(
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
            captures::judge(host, id, &input)?;
            say!("Judgement of capture {id} recorded.");
            Ok(())
        }
        None => {
            let Some(session) = args.session else {
                return Err(AppError::fields_error(vec![FieldError::new(
                    "session",
                    "Say which access session to capture from, with --session ID",
                )]));
            };
            let order = CaptureOrder {
                url: args.url,
                statement: args.statement,
                outside_scope_reason: args.outside_scope_reason,
                scroll: args.scroll,
                follow: args.follow,
                until_date: args.until_date,
                max_screens: args.max_screens,
            };
            let taken = captures::take_capture(host, session, &order)?;
            if let Some(cut) = &taken.cut {
                esay!("Warning: {}.", cut.summary);
            }
            if let Some(why) = &taken.way.scroll_dependent {
                esay!(
                    "Warning: {why}: no picture of it at one moment would show it whole, so it was taken by scrolling ({}).",
                    taken.way.label
                );
            }
            if taken.way.cut_short {
                esay!(
                    "Warning: the scrolling {}: the picture holds the page only so far.",
                    taken.way.stopped.as_deref().unwrap_or("")
                );
            }
            print_json(&json!({
                "capture_id": taken.record.id,
                "url": taken.url,
                "cut_at_limit": taken.cut,
                "taken": taken.way,
                "artefacts": taken.record.artefacts.iter().map(|a| json!({ "kind": a.kind, "sha256": a.sha256, "size": a.size, "width": a.width, "height": a.height })).collect::<Vec<_>>(),
            }));
            Ok(())
        }
    }
}
