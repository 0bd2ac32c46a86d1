//! The command bodies: each turns what the UI sent into one call of the application layer
//! and returns the page. One function per command in `for_each_command!`, each
//! `fn(&dyn Host, Args) -> Result<Response>`; no rule lives here.

use std::collections::BTreeMap;
use triangulate_app::captures::{self, CaptureOrder};
use triangulate_app::people::StaffDirectory;
use triangulate_app::sessions::{self, BrowserChoice};
use triangulate_app::{PersonMatch, admin, log, people, pilot, register, requests};
use triangulate_core::workflow::DecisionInput;

use crate::args::*;
use crate::error::Result;
use triangulate_app::Host;

pub fn store_status(host: &dyn Host, _: NoArgs) -> Result<StoreStatus> {
    Ok(admin::status(host))
}

pub fn store_init(host: &dyn Host, _: NoArgs) -> Result<InitialisedStore> {
    let made = admin::init(host)?;
    Ok(InitialisedStore { recovery_phrase: made.phrase.words(), status: admin::status(host) })
}

/// A new recovery phrase for the store's key, replacing a lost or damaged recovery file.
pub fn store_renew_recovery(host: &dyn Host, _: NoArgs) -> Result<InitialisedStore> {
    let phrase = admin::renew_recovery_phrase(host)?;
    Ok(InitialisedStore { recovery_phrase: phrase.words(), status: admin::status(host) })
}

pub fn worker_profile_get(host: &dyn Host, _: NoArgs) -> Result<Option<WorkerRecord>> {
    Ok(people::profile(host)?)
}

pub fn worker_profile_set(host: &dyn Host, args: WorkerProfileArgs) -> Result<WorkerRecord> {
    Ok(people::set_profile(host, &args)?)
}

pub fn aaw_list(host: &dyn Host, _: NoArgs) -> Result<Vec<AawRecord>> {
    Ok(people::aaws(host)?)
}

pub fn aaw_register(host: &dyn Host, args: AawRegisterArgs) -> Result<AawRecord> {
    let trained = args.trained.to_text();
    Ok(people::register_aaw(
        host,
        &args.name,
        &args.decided_by,
        &args.evidence,
        trained.as_deref().unwrap_or_default(),
    )?)
}

pub fn staff_list(host: &dyn Host, _: NoArgs) -> Result<StaffDirectory> {
    Ok(people::staff(host)?)
}

pub fn staff_add(host: &dyn Host, args: StaffAddArgs) -> Result<StaffDirectory> {
    let given = |text: &str| Some(text.to_string()).filter(|t| !t.trim().is_empty());
    let input = triangulate_core::staff::StaffInput {
        name: args.name,
        roles: args.roles,
        staff_id: given(&args.staff_id),
        team: given(&args.team),
    };
    people::add_staff(host, &input)?;
    Ok(people::staff(host)?)
}

pub fn staff_import(host: &dyn Host, args: StaffImportArgs) -> Result<StaffDirectory> {
    if args.text.len() > people::MAX_STAFF_FILE_BYTES {
        return Err(triangulate_app::AppError::fields_error(vec![triangulate_core::FieldError::new(
            "file",
            "The staff file is too large",
        )])
        .into());
    }
    people::import_staff(host, &args.text)?;
    Ok(people::staff(host)?)
}

pub fn staff_update(host: &dyn Host, args: StaffUpdateArgs) -> Result<StaffDirectory> {
    let given = |text: &str| Some(text.to_string()).filter(|t| !t.trim().is_empty());
    let changes = people::StaffChanges {
        name: given(&args.name),
        roles: args.roles,
        staff_id: given(&args.staff_id),
        team: given(&args.team),
    };
    people::update_staff(host, &args.person, &changes)?;
    Ok(people::staff(host)?)
}

pub fn staff_leave(host: &dyn Host, args: StaffLeaveArgs) -> Result<StaffDirectory> {
    // The form asks for the day: left empty, it is a problem, not today.
    let on = args.on.to_text().unwrap_or_default();
    people::mark_left(host, &args.person, Some(&on))?;
    Ok(people::staff(host)?)
}

pub fn request_list(host: &dyn Host, args: RequestListArgs) -> Result<RequestList> {
    Ok(requests::search(host, &args.query)?)
}

pub fn request_get(host: &dyn Host, args: ReferenceArgs) -> Result<RequestPage> {
    Ok(requests::page(host, &args.reference)?)
}

pub fn request_step(host: &dyn Host, args: RequestStepArgs) -> Result<RequestPage> {
    let given = |text: &str| Some(text.to_string()).filter(|t| !t.trim().is_empty());
    let input = DecisionInput {
        decided_by: args.decided_by.clone(),
        evidence: given(&args.evidence),
        note: given(&args.note),
        conditions: given(&args.conditions),
        decided_on: args.decided_on.to_text(),
    };
    Ok(requests::take_step(host, &args.reference, args.step, &input)?)
}

pub fn draft_start(host: &dyn Host, args: DraftStartArgs) -> Result<DraftRecord> {
    match args.linked {
        Some(linked) => Ok(requests::start_linked_draft(host, &linked.parent, &linked.url)?),
        None => Ok(requests::start_draft(host, args.reference.as_deref())?),
    }
}

pub fn draft_get(host: &dyn Host, args: DraftIdArgs) -> Result<DraftRecord> {
    Ok(requests::draft(host, args.id)?)
}

pub fn draft_save(host: &dyn Host, args: DraftSaveArgs) -> Result<DraftSaved> {
    let saved = requests::save_draft(host, args.id, &args.form)?;
    Ok(DraftSaved { id: saved.id, updated_at: saved.updated_at })
}

pub fn draft_check(host: &dyn Host, args: DraftIdArgs) -> Result<DraftCheck> {
    Ok(requests::check_draft(host, args.id)?)
}

pub fn draft_commit(host: &dyn Host, args: DraftCommitArgs) -> Result<RequestPage> {
    let settled: BTreeMap<usize, PersonMatch> = args
        .settlements
        .iter()
        .map(|s| (s.subject as usize, s.same_person.map(PersonMatch::Same).unwrap_or(PersonMatch::New)))
        .collect();
    Ok(requests::commit_draft(host, args.id, &settled)?)
}

pub fn draft_discard(host: &dyn Host, args: DraftIdArgs) -> Result<Done> {
    requests::discard_draft(host, args.id)?;
    Ok(Done {})
}

pub fn account_list(host: &dyn Host, _: NoArgs) -> Result<Vec<AccountRecord>> {
    Ok(register::accounts(host)?)
}

pub fn account_add(host: &dyn Host, args: AccountAddArgs) -> Result<AccountRecord> {
    Ok(register::add_account(host, &args.platform, &args.handle, args.identifiable_as_council)?)
}

pub fn authorisation_add(host: &dyn Host, args: AuthorisationAddArgs) -> Result<RequestPage> {
    let granted = args.granted.to_text().unwrap_or_default();
    let review = args.review.to_text();
    let expires = args.expires.to_text();
    let approved = args.approved.to_text();
    let input = register::NewAuthorisation {
        request: &args.request,
        kind: args.kind.map(AuthorisationKind::as_str).unwrap_or(""),
        reference: &args.reference,
        officer: &args.officer,
        granted: &granted,
        review: review.as_deref(),
        expires: expires.as_deref(),
        person: args.person.map(|p| p as usize),
        account: args.account,
        approved: approved.as_deref(),
        urgent: args.urgent,
        confidential_likely: args.confidential_likely,
    };
    register::add_authorisation(host, &input)?;
    Ok(requests::page(host, &args.request)?)
}

pub fn authorisation_register(host: &dyn Host, _: NoArgs) -> Result<Vec<RegisterEntry>> {
    Ok(register::register(host)?)
}

pub fn authorisation_approve(host: &dyn Host, args: AuthorisationApproveArgs) -> Result<Vec<RegisterEntry>> {
    let approved = args.approved.to_text().unwrap_or_default();
    register::approve_authorisation(host, &args.reference, &approved, &args.by)?;
    Ok(register::register(host)?)
}

pub fn authorisation_review(host: &dyn Host, args: AuthorisationReviewArgs) -> Result<Vec<RegisterEntry>> {
    let next = args.next.to_text();
    register::review_authorisation(host, &args.reference, &args.by, &args.outcome, next.as_deref())?;
    Ok(register::register(host)?)
}

pub fn authorisation_cancel(host: &dyn Host, args: AuthorisationCancelArgs) -> Result<Vec<RegisterEntry>> {
    register::cancel_authorisation(host, &args.reference, &args.by, &args.reason)?;
    Ok(register::register(host)?)
}

pub fn authorisation_central_record(host: &dyn Host, args: CentralRecordArgs) -> Result<CentralRecord> {
    Ok(register::central_record(host, std::path::Path::new(&args.path))?)
}

fn session_page(host: &dyn Host, view: sessions::SessionView, warnings: Vec<String>) -> Result<SessionPage> {
    let sessions::SessionView { session, trail, person, account, profiles, outside_profiles, captures, capturing } =
        view;
    Ok(SessionPage {
        id: session.id,
        request: session.request,
        subject: session.subject as u32,
        account_id: session.account_id,
        browser: session.browser,
        started_at: session.started_at,
        ended_at: session.ended_at,
        end_reason: session.end_reason,
        recording_stopped_at: session.recording_stopped_at,
        trail: trail
            .into_iter()
            .map(|e| TrailStep {
                at: e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                kind: e.kind,
                tab: e.tab,
                url: e.url,
            })
            .collect(),
        warnings,
        person,
        account,
        profiles,
        captures: captures
            .iter()
            .map(|c| {
                let manifest = c.read_manifest();
                let provenance = manifest.as_ref().map(|m| &m.provenance);
                CaptureItem {
                    id: c.id,
                    url: provenance.map(|p| p.url.clone()).unwrap_or_default(),
                    title: provenance.map(|p| p.title.clone()).unwrap_or_default(),
                    captured_at: provenance.map(|p| p.capture_started_at.clone()).unwrap_or_default(),
                    relevant: c.judgement.as_ref().map(|j| j.relevant),
                    cut_at_limit: captures::full_page_of(manifest.as_ref()).and_then(captures::cut_at_limit),
                    outside_profiles: outside_profiles.contains(&c.id),
                }
            })
            .collect(),
        capturing,
        shortcut: host.policy()?.capture.shortcut,
    })
}

/// The browser is decided by the application layer (`browser::resolve`): the one the
/// environment names, else the worker's choice for this laptop, else the first installed.
fn browser_choice(headless: bool) -> BrowserChoice {
    BrowserChoice { executable: None, headless, ignore_certificate_errors_for_tests: false }
}

pub fn session_check(host: &dyn Host, args: SessionCheckArgs) -> Result<SessionCheck> {
    Ok(SessionCheck {
        warnings: sessions::check(host, &args.reference, args.subject as usize, args.account)?,
        conditions: sessions::conditions(host, &args.reference)?,
    })
}

pub fn session_start(host: &dyn Host, args: SessionStartArgs) -> Result<SessionPage> {
    let started = sessions::start(
        host,
        &args.reference,
        args.subject as usize,
        args.account,
        &browser_choice(args.headless),
        args.conditions_confirmed,
    )?;
    let view = sessions::show(host, started.session.id)?;
    session_page(host, view, started.warnings)
}

pub fn session_get(host: &dyn Host, args: SessionIdArgs) -> Result<SessionPage> {
    let view = sessions::show(host, args.id)?;
    session_page(host, view, Vec::new())
}

pub fn session_resume(host: &dyn Host, args: SessionIdArgs) -> Result<SessionPage> {
    sessions::resume(host, args.id, &browser_choice(false))?;
    session_get(host, args)
}

pub fn session_end(host: &dyn Host, args: SessionIdArgs) -> Result<SessionPage> {
    sessions::end(host, args.id)?;
    session_get(host, args)
}

fn artefact_summary(a: &triangulate_app::ArtefactRecord) -> ArtefactSummary {
    ArtefactSummary { kind: a.kind.clone(), sha256: a.sha256.clone(), size: a.size, width: a.width, height: a.height }
}

pub fn capture_take(host: &dyn Host, args: CaptureTakeArgs) -> Result<CaptureSummary> {
    let given = |text: String| Some(text).filter(|t| !t.trim().is_empty());
    let order = CaptureOrder {
        url: given(args.url),
        statement: given(args.statement),
        outside_scope_reason: given(args.outside_scope_reason),
        scroll: args.whole_timeline == Some(true),
        follow: args.whole_timeline == Some(true),
        ..CaptureOrder::default()
    };
    let taken = captures::take_capture(host, args.session, &order)?;
    Ok(CaptureSummary {
        capture_id: taken.record.id,
        url: taken.url,
        artefacts: taken.record.artefacts.iter().map(artefact_summary).collect(),
        cut_at_limit: taken.cut,
        taken: taken.way,
    })
}

/// How far the capture being taken in a session has got: screens, how far down, stop asked.
pub fn capture_progress(host: &dyn Host, args: SessionIdArgs) -> Result<captures::CaptureProgress> {
    Ok(captures::progress(host, args.id))
}

/// Stops the scrolling of the capture being taken in a session; what it took is kept.
pub fn capture_stop(host: &dyn Host, args: SessionIdArgs) -> Result<captures::CaptureProgress> {
    Ok(captures::stop(host, args.id)?)
}

pub fn capture_get(host: &dyn Host, args: CaptureIdArgs) -> Result<CapturePage> {
    let page = captures::page(host, args.id)?;
    let record = &page.view.record;
    let provenance = page.view.manifest.as_ref().map(|m| &m.provenance);
    let said = |part: fn(&triangulate_app::Provenance) -> &String| provenance.map(part).cloned().unwrap_or_default();
    let full_page = captures::full_page_of(page.view.manifest.as_ref());
    use base64::Engine as _;
    Ok(CapturePage {
        id: record.id,
        session: record.session_id,
        request: page.request.clone(),
        url: said(|p| &p.url),
        title: said(|p| &p.title),
        captured_at: said(|p| &p.capture_started_at),
        captured_at_text: triangulate_core::local_time::captured_at(&said(|p| &p.capture_started_at)),
        provenance: page
            .provenance
            .iter()
            .map(|(label, value)| ProvenanceRow { label: label.clone(), value: value.clone() })
            .collect(),
        artefacts: record.artefacts.iter().map(artefact_summary).collect(),
        signature_valid: page.view.signature.is_ok(),
        signature_problem: page.view.signature.as_ref().err().cloned(),
        stored_hashes_match: page.view.stored_hashes_match,
        thumbnail: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&page.viewport_png)
        ),
        judgement: record.judgement.clone(),
        blurred: page.blurred,
        disputes: page.disputes.clone(),
        redactions: page.redactions.iter().map(redaction_view).collect(),
        cut_at_limit: full_page.and_then(captures::cut_at_limit),
        taken: full_page.map(captures::taken_way),
        card: page.card.clone(),
        if_not_relevant: page.if_not_relevant.clone(),
        findings: page
            .findings
            .iter()
            .map(|(number, text)| FindingRef { number: *number, text: text.clone() })
            .collect(),
    })
}

fn redaction_view(copy: &captures::RedactedCopy) -> RedactionView {
    use base64::Engine as _;
    let (r, m) = (&copy.record, copy.manifest.as_ref());
    RedactionView {
        id: r.id,
        artefact: r.artefact.clone(),
        sha256: r.sha256.clone(),
        original_sha256: m.map(|m| m.original_sha256.clone()).unwrap_or_default(),
        boxes: m.map_or(0, |m| m.boxes.len() as u32),
        reason: m.map(|m| m.reason.clone()).unwrap_or_default(),
        redacted_by: m.map(|m| m.redacted_by.clone()).unwrap_or_default(),
        redacted_at: r.created_at.clone(),
        signature_valid: copy.verified,
        picture: format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&copy.png)),
    }
}

pub fn capture_redact(host: &dyn Host, args: CaptureRedactArgs) -> Result<CapturePage> {
    let boxes: Vec<triangulate_app::RedactionBox> = args
        .boxes
        .iter()
        .map(|b| triangulate_app::RedactionBox { x: b.x, y: b.y, width: b.width, height: b.height })
        .collect();
    captures::redact(host, args.id, &args.artefact, &boxes, &args.reason, &args.by)?;
    capture_get(host, CaptureIdArgs { id: args.id })
}

pub fn capture_picture(host: &dyn Host, args: CapturePictureArgs) -> Result<CapturePicture> {
    use base64::Engine as _;
    let png = captures::picture(host, args.id, &args.artefact)?;
    Ok(CapturePicture {
        data_url: format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&png)),
    })
}

pub fn capture_judge(host: &dyn Host, args: CaptureJudgeArgs) -> Result<CapturePage> {
    captures::judge(host, args.id, &args.judgement)?;
    capture_get(host, CaptureIdArgs { id: args.id })
}

/// Writes a PDF of a request (the care record, or only the request or the log).
pub fn export_pdf(host: &dyn Host, args: ExportPdfArgs) -> Result<PdfExported> {
    let order = triangulate_app::export::PdfOrder {
        reference: args.reference,
        out: args.path.into(),
        draft: args.draft,
        only: args.only,
    };
    Ok(triangulate_app::export::export_pdf(host, &order)?)
}

/// Records that a PDF was filed in the care record; returns the request with the filing.
pub fn export_filed(host: &dyn Host, args: ExportFiledArgs) -> Result<RequestPage> {
    let input = triangulate_core::export::FilingInput {
        sha256: args.sha256,
        place: args.place,
        reference: args.record_reference,
        by: args.by,
    };
    triangulate_app::export::record_filing(host, &args.reference, &input)?;
    Ok(requests::page(host, &args.reference)?)
}

/// The SHA-256 of a file the worker chose: the PDF that was filed.
pub fn export_file_digest(_: &dyn Host, args: ExportFileDigestArgs) -> Result<triangulate_app::export::FileDigest> {
    Ok(triangulate_app::export::file_digest(std::path::Path::new(&args.path))?)
}

/// Writes the evidence bundle of a request for a legal team.
pub fn export_bundle(host: &dyn Host, args: ExportBundleArgs) -> Result<BundleExported> {
    Ok(triangulate_app::bundle::export_bundle(host, &args.reference, std::path::Path::new(&args.path), args.draft)?)
}

fn log_page(host: &dyn Host, reference: &str) -> Result<LogPage> {
    Ok(log::page(host, reference, None, None)?)
}

pub fn log_get(host: &dyn Host, args: LogGetArgs) -> Result<LogPage> {
    Ok(log::page(host, &args.reference, args.version, args.compare)?)
}

pub fn log_add_search(host: &dyn Host, args: LogSearchArgs) -> Result<LogPage> {
    log::add_typed_search(host, &args.reference, &args.search)?;
    log_page(host, &args.reference)
}

pub fn log_add_finding(host: &dyn Host, args: LogFindingArgs) -> Result<LogPage> {
    log::add_finding(host, &args.reference, &args.text, &args.captures)?;
    log_page(host, &args.reference)
}

pub fn log_disagree(host: &dyn Host, args: LogDisagreeArgs) -> Result<LogPage> {
    log::disagree(host, &args.reference, &args.by, &args.about)?;
    log_page(host, &args.reference)
}

pub fn log_settle(host: &dyn Host, args: LogSettleArgs) -> Result<LogPage> {
    log::settle(host, &args.reference, args.disagreement, &args.by, &args.outcome)?;
    log_page(host, &args.reference)
}

pub fn log_complete(host: &dyn Host, args: LogSignArgs) -> Result<LogPage> {
    log::complete(host, &args.reference, &args.by, Some(args.evidence.as_str()).filter(|e| !e.trim().is_empty()))?;
    log_page(host, &args.reference)
}

pub fn log_finalise(host: &dyn Host, args: LogFinaliseArgs) -> Result<LogPage> {
    log::finalise(
        host,
        &args.reference,
        &args.by,
        Some(args.evidence.as_str()).filter(|e| !e.trim().is_empty()),
        &args.rating,
        &args.assessment,
    )?;
    log_page(host, &args.reference)
}

pub fn log_share(host: &dyn Host, args: LogShareArgs) -> Result<LogPage> {
    log::share(
        host,
        &args.reference,
        &args.by,
        Some(args.evidence.as_str()).filter(|e| !e.trim().is_empty()),
        &args.with,
    )?;
    log_page(host, &args.reference)
}

pub fn log_correct(host: &dyn Host, args: LogCorrectArgs) -> Result<LogPage> {
    log::correct(host, &args.reference, &args.note)?;
    log_page(host, &args.reference)
}

/// The platforms whose profiles the policy allows, for the request form's choice.
pub fn policy_platforms(host: &dyn Host, _: NoArgs) -> Result<AllowedPlatforms> {
    let platforms = host.policy()?.platforms;
    let choices = platforms
        .allowed_definitions()
        .into_iter()
        .map(|p| PlatformChoice { key: p.key.clone(), name: p.name.clone(), hosts: p.hosts.clone() })
        .collect();
    Ok(AllowedPlatforms { allowed: platforms.allowed, platforms: choices })
}

pub fn home_get(host: &dyn Host, _: NoArgs) -> Result<HomePage> {
    Ok(triangulate_app::overview::home(host)?)
}

pub fn audit_trail_get(host: &dyn Host, args: ReferenceArgs) -> Result<AuditTrail> {
    Ok(triangulate_app::overview::audit_trail(host, &args.reference)?)
}

pub fn settings_get(host: &dyn Host, _: NoArgs) -> Result<SettingsPage> {
    Ok(triangulate_app::overview::settings(host)?)
}

/// The browser for captures: the one a session opens now and why, or why none would.
pub fn browser_get(host: &dyn Host, _: NoArgs) -> Result<triangulate_app::browser::BrowserSetting> {
    Ok(triangulate_app::browser::show(host)?)
}

pub fn browser_choose(host: &dyn Host, args: BrowserChooseArgs) -> Result<triangulate_app::browser::BrowserSetting> {
    Ok(triangulate_app::browser::choose(host, &args.path)?)
}

pub fn browser_forget(host: &dyn Host, _: NoArgs) -> Result<triangulate_app::browser::BrowserSetting> {
    Ok(triangulate_app::browser::forget(host)?)
}

pub fn retention_get(host: &dyn Host, _: NoArgs) -> Result<RetentionPage> {
    let triangulate_app::retention::Overview { review, holds, disposals, clock } =
        triangulate_app::retention::overview(host)?;
    Ok(RetentionPage { due: review.due, held: review.held, holds, disposals, clock })
}

pub fn retention_dispose(host: &dyn Host, args: RetentionDisposeArgs) -> Result<RetentionPage> {
    triangulate_app::retention::dispose(host, &args.by)?;
    retention_get(host, NoArgs::default())
}

pub fn retention_hold(host: &dyn Host, args: RetentionHoldArgs) -> Result<RetentionPage> {
    triangulate_app::retention::hold(host, &args.reference, &args.by, &args.reason)?;
    retention_get(host, NoArgs::default())
}

pub fn retention_release(host: &dyn Host, args: RetentionHoldArgs) -> Result<RetentionPage> {
    triangulate_app::retention::release(host, &args.reference, &args.by, &args.reason)?;
    retention_get(host, NoArgs::default())
}

pub fn incident_list(host: &dyn Host, _: NoArgs) -> Result<IncidentsPage> {
    Ok(IncidentsPage { incidents: triangulate_app::incidents::list(host)? })
}

pub fn incident_record(host: &dyn Host, args: IncidentRecordArgs) -> Result<IncidentsPage> {
    let input = triangulate_core::incident::IncidentInput {
        what: args.what,
        occurred_on: args.occurred_on.to_text().unwrap_or_default(),
        reported_by: args.reported_by,
        people: args.people.lines().map(str::to_string).collect(),
        action: args.action,
        request: Some(args.request).filter(|r| !r.trim().is_empty()),
    };
    triangulate_app::incidents::record(host, &input)?;
    incident_list(host, NoArgs::default())
}

pub fn dispute_record(host: &dyn Host, args: DisputeRecordArgs) -> Result<Done> {
    let input = triangulate_core::incident::DisputeInput { by: args.by, text: args.text };
    let target = match (args.capture, args.finding) {
        (Some(id), _) => triangulate_app::DisputeTarget::Capture { id },
        (None, Some(number)) => triangulate_app::DisputeTarget::Finding { number },
        (None, None) => return Err(crate::IpcError::internal("a dispute names a capture or a finding")),
    };
    triangulate_app::incidents::dispute(host, args.request.as_deref(), target, &input)?;
    Ok(Done::default())
}

pub fn subject_access_export(host: &dyn Host, args: SubjectAccessArgs) -> Result<SubjectAccessExported> {
    Ok(triangulate_app::subject_access::export(host, args.person, std::path::Path::new(&args.out))?)
}

pub fn pilot_feedback_get(host: &dyn Host, args: RequestRefArgs) -> Result<PilotFeedback> {
    Ok(pilot::feedback(host, &args.reference)?)
}

/// A number typed in a form: empty is `None` (the store says what is missing); anything else
/// that is not a whole number is a field error here.
fn typed_number(errors: &mut Vec<triangulate_core::FieldError>, field: &str, text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(triangulate_core::FieldError::new(field, "Enter a whole number, such as 3"));
            None
        }
    }
}

fn optional(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.trim().is_empty())
}

pub fn feedback_give(host: &dyn Host, args: FeedbackGiveArgs) -> Result<PilotFeedback> {
    let mut errors = Vec::new();
    let time_minutes = typed_number(&mut errors, "time_minutes", &args.time_minutes);
    let useful = typed_number(&mut errors, "useful", &args.useful);
    let unique = typed_number(&mut errors, "unique", &args.unique);
    if !errors.is_empty() {
        return Err(triangulate_app::AppError::fields_error(errors).into());
    }
    let rating = args.rating.map(|r| r.as_str()).unwrap_or("");
    let input =
        pilot::FeedbackInput { time_minutes, useful, unique, rating, comments: optional(&args.comments), by: &args.by };
    Ok(pilot::give_feedback(host, &args.reference, &input)?)
}

pub fn feedback_recheck(host: &dyn Host, args: FeedbackRecheckArgs) -> Result<PilotFeedback> {
    let rating = args.rating.map(|r| r.as_str()).unwrap_or("");
    Ok(pilot::give_recheck(host, &args.reference, rating, optional(&args.comments), &args.by)?)
}

pub fn feedback_process(host: &dyn Host, args: FeedbackProcessArgs) -> Result<PilotFeedback> {
    Ok(pilot::give_process_rating(
        host,
        &args.reference,
        args.ease,
        args.effectiveness,
        optional(&args.comments),
        &args.by,
    )?)
}

fn report_page(host: &dyn Host, args: &PilotReportArgs) -> Result<PilotReportPage> {
    let imports: Vec<std::path::PathBuf> = args.imports.iter().map(std::path::PathBuf::from).collect();
    let (from, to) = (args.from.to_text(), args.to.to_text());
    Ok(pilot::report(host, from.as_deref(), to.as_deref(), &imports)?)
}

pub fn pilot_report(host: &dyn Host, args: PilotReportArgs) -> Result<PilotReportPage> {
    report_page(host, &args)
}

pub fn pilot_report_write(host: &dyn Host, args: PilotReportWriteArgs) -> Result<ReportWritten> {
    let page = report_page(host, &args.report)?;
    let out = std::path::Path::new(&args.path);
    Ok(match args.format {
        ReportFormat::Csv => pilot::write_csv(&page, out)?,
        ReportFormat::Pdf => pilot::write_pdf(host, &page, out)?,
    })
}

pub fn pilot_export(host: &dyn Host, args: PilotExportArgs) -> Result<PilotExported> {
    Ok(pilot::export(host, std::path::Path::new(&args.path))?)
}
