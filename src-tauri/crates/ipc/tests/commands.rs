//! The commands headless: a real encrypted store in a temporary folder, the kernel keyring
//! and a fixed clock, driven the way the UI drives them.

use chrono::{DateTime, TimeZone, Utc};
use triangulate_app::{DataDir, Host, KeptStore, Keystore, OpenStore, RecorderOrder};
use triangulate_core::authorisation::AuthorisationState;
use triangulate_core::home::DueKind;
use triangulate_core::request::{ConsentStatus, Reason, Scope, SubjectRole};
use triangulate_core::request_form::{DateParts, RequestForm, SubjectForm};
use triangulate_core::workflow::{RequestState, Step};
use triangulate_ipc::args::*;
use triangulate_ipc::commands::*;
use triangulate_ipc::{ErrorCode, IpcError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

/// A fixed clock (moved on by whole days when a test says so) and the store kept open;
/// these commands start no recorder.
struct FixedHost {
    data_dir: DataDir,
    store: KeptStore,
    days_later: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl FixedHost {
    fn move_on(&self, days: i64) {
        self.days_later.fetch_add(days, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Host for FixedHost {
    fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn clock(&self) -> triangulate_app::host::Clock {
        let days = self.days_later.clone();
        std::sync::Arc::new(move || now() + chrono::Duration::days(days.load(std::sync::atomic::Ordering::SeqCst)))
    }

    fn store(&self) -> triangulate_app::Result<OpenStore<'_>> {
        self.store.open(&self.data_dir)
    }

    fn start_recorder(&self, _: &RecorderOrder) -> triangulate_app::Result<()> {
        Err(triangulate_app::AppError::Internal("no recorder in these tests".into()))
    }
}

struct Fixture {
    _temp: tempfile::TempDir,
    host: FixedHost,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Ok(store) = self.host.store() {
            let _ = Keystore::kernel_keyring().unwrap().delete_key(store.store_id());
        }
    }
}

fn setup() -> Fixture {
    // SAFETY: every test sets the same value before it opens a store.
    unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
    let temp = tempfile::tempdir().unwrap();
    let host = FixedHost {
        data_dir: DataDir::new(temp.path().join("data")),
        store: KeptStore::default(),
        days_later: Default::default(),
    };
    Fixture { _temp: temp, host }
}

fn fields(error: IpcError) -> Vec<String> {
    assert_eq!(error.code, ErrorCode::InvalidFields, "{}", error.message);
    error.fields.into_iter().map(|f| f.field).collect()
}

fn date(day: &str, month: &str, year: &str) -> DateParts {
    DateParts { day: day.into(), month: month.into(), year: year.into() }
}

fn form() -> RequestForm {
    let mut form = RequestForm { case_reference: "CS-4410".into(), ..Default::default() };
    form.originating_worker.name = "Rhian Evans".into();
    form.originating_worker.team = "Assessment".into();
    form.team_manager.name = "Tom Manager".into();
    form.reason = Some(Reason::PersonPosingRisk);
    form.concern = "A man said to be living at the home".into();
    form.triangulation = "Against the health visitor's notes".into();
    form.scope = Some(Scope::OneOff);
    form.period.from = date("1", "10", "2026");
    form.period.to = date("20", "11", "2026");
    form.consent.status = Some(ConsentStatus::NotSought);
    form.consent.reason = "Telling the family would put the child at risk".into();
    form.subjects = vec![
        SubjectForm { role: Some(SubjectRole::Subject), name: "Jane Doe".into(), ..Default::default() },
        SubjectForm { role: Some(SubjectRole::Associate), name: "John Roe".into(), ..Default::default() },
        SubjectForm {
            role: Some(SubjectRole::SuspectedAssociate),
            description: "Man with a red car".into(),
            ..Default::default()
        },
    ];
    form
}

/// The people who take part, in the staff directory.
const STAFF: &str = "staff_id,name,roles,team\nE1,Ada Worker,aaw,Access\nE2,Rhian Evans,osw,Assessment\nE3,Tom Manager,tm,Assessment\nE4,Sue Director,sd,\nE5,Jo Price,sm,\n";

fn directory(host: &FixedHost) {
    let directory = staff_import(host, StaffImportArgs { text: STAFF.into() }).unwrap();
    assert_eq!(directory.staff.len(), 5);
}

fn step(reference: &str, step: Step, by: &str, evidence: &str, note: &str, conditions: &str) -> RequestStepArgs {
    RequestStepArgs {
        reference: reference.into(),
        step,
        decided_by: by.into(),
        evidence: evidence.into(),
        note: note.into(),
        conditions: conditions.into(),
        decided_on: DateParts::default(),
    }
}

#[test]
fn a_request_is_drafted_created_changed_submitted_and_authorised_through_the_commands() {
    let fixture = setup();
    let host = &fixture.host;
    assert_eq!(store_status(host, NoArgs {}).unwrap().state, triangulate_app::StoreState::NotInitialised);
    assert_eq!(store_init(host, NoArgs {}).unwrap().recovery_phrase.len(), 12);
    assert!(worker_profile_get(host, NoArgs {}).unwrap().is_none());
    assert_eq!(draft_start(host, DraftStartArgs::default()).unwrap_err().code, ErrorCode::Refused, "no profile");
    let bad = WorkerProfileArgs { name: " ".into(), role: "boss".into(), staff_id: None };
    assert_eq!(fields(worker_profile_set(host, bad).unwrap_err()), ["name", "role"]);
    directory(host);
    let profile = WorkerProfileArgs { name: "Ada Worker".into(), role: "aaw".into(), staff_id: Some("E1".into()) };
    worker_profile_set(host, profile).unwrap();

    // A draft with the period the wrong way round is kept, and named on commit.
    let draft = draft_start(host, DraftStartArgs::default()).unwrap();
    let mut typed = form();
    typed.period.to = date("1", "9", "2026");
    draft_save(host, DraftSaveArgs { id: draft.id, form: typed }).unwrap();
    let check = draft_check(host, DraftIdArgs { id: draft.id }).unwrap();
    assert_eq!(check.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["period.to"]);
    let refused = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap_err();
    assert_eq!(fields(refused), ["period.to"]);
    let listed = request_list(host, RequestListArgs { query: "cs-4410".into() }).unwrap();
    assert_eq!((listed.requests.len(), listed.drafts.len()), (0, 1));

    draft_save(host, DraftSaveArgs { id: draft.id, form: form() }).unwrap();
    let page = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap();
    let reference = page.record.reference.clone();
    assert_eq!(page.record.state, RequestState::Draft);
    assert!(page.can_change);
    let steps: Vec<Step> = page.next_steps.iter().map(|n| n.step).collect();
    assert_eq!(steps, [Step::Submit, Step::Withdraw]);
    assert!(page.next_steps.iter().all(|n| !n.primary), "Ada, an access worker, has nothing of hers to offer first");
    let submit = &page.next_steps[0];
    assert!(!submit.yours && submit.needs_evidence, "the social worker's step, recorded for her with evidence");
    let waits: Vec<&str> = submit.waits_for.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(waits, ["Rhian Evans (social worker, staff ID E2)"]);
    assert_eq!(submit.waits_for[0].value, "E2");

    // Search by reference, case or name; drafts of new requests are listed beside them.
    for query in ["REQ-2026", "john roe", "red car"] {
        let found = request_list(host, RequestListArgs { query: query.into() }).unwrap();
        assert_eq!(found.requests.len(), 1, "{query}");
        assert!(found.drafts.is_empty(), "the draft became the request");
    }
    assert!(request_list(host, RequestListArgs { query: "nobody".into() }).unwrap().requests.is_empty());

    // Changes in progress hold back the submission until saved or discarded.
    let change = draft_start(host, DraftStartArgs { reference: Some(reference.clone()), linked: None }).unwrap();
    let page = request_get(host, ReferenceArgs { reference: reference.clone() }).unwrap();
    assert_eq!(page.draft, Some(change.id));
    assert!(!page.next_steps[0].missing.is_empty());
    let held = request_step(host, step(&reference, Step::Submit, "Rhian Evans", "Email 18/11", "", "")).unwrap_err();
    assert_eq!(held.code, ErrorCode::Refused);
    draft_discard(host, DraftIdArgs { id: change.id }).unwrap();
    let own = request_step(host, step(&reference, Step::Submit, "Ada Worker", "", "", "")).unwrap_err();
    assert_eq!(own.code, ErrorCode::GuardRefused);
    assert_eq!(own.guards, ["not_the_requests_social_worker"]);
    let unknown = request_step(host, step(&reference, Step::Submit, "Rhian Evens", "", "", "")).unwrap_err();
    assert_eq!(unknown.code, ErrorCode::UnknownStaff);
    assert!(unknown.fields[0].message.contains("Did you mean Rhian Evans (staff ID E2)?"), "{:?}", unknown.fields);
    let unproved = request_step(host, step(&reference, Step::Submit, "Rhian Evans", "", "", "")).unwrap_err();
    assert_eq!(fields(unproved), ["evidence"], "recorded for someone else: the email it came in");
    let submitted = RequestStepArgs {
        decided_on: date("18", "11", "2026"),
        ..step(&reference, Step::Submit, "rhian  EVANS", "Email 18/11", "", "")
    };
    let page = request_step(host, submitted).unwrap();
    assert_eq!(page.record.state, RequestState::Submitted);
    assert!(!page.can_change);
    assert_eq!(
        draft_start(host, DraftStartArgs { reference: Some(reference.clone()), linked: None }).unwrap_err().code,
        ErrorCode::Refused
    );

    // Each decision asks for what it needs.
    let no_evidence = request_step(host, step(&reference, Step::Agree, "Tom Manager", "", "", "")).unwrap_err();
    assert_eq!(fields(no_evidence), ["evidence"]);
    let future = RequestStepArgs {
        decided_on: date("24", "11", "2026"),
        ..step(&reference, Step::Agree, "Tom Manager", "Email", "", "")
    };
    assert_eq!(fields(request_step(host, future).unwrap_err()), ["decided_on"]);
    let agreed = RequestStepArgs {
        decided_on: date("20", "11", "2026"),
        ..step(&reference, Step::Agree, "Tom Manager", "Email 20/11", "", "")
    };
    let page = request_step(host, agreed).unwrap();
    let decision = page.record.decisions.last().unwrap();
    assert_eq!(decision.decided_on.unwrap().to_string(), "2026-11-20", "decided by email three days before");
    assert!(decision.at.starts_with("2026-11-23"), "recorded today");
    let earlier = RequestStepArgs {
        decided_on: date("19", "11", "2026"),
        ..step(&reference, Step::Permit, "Sue Director", "Memo", "", "")
    };
    assert_eq!(fields(request_step(host, earlier).unwrap_err()), ["decided_on"], "not before the step it follows");
    let page =
        request_step(host, step(&reference, Step::Permit, "Sue Director", "Memo 21/11", "", "One look only")).unwrap();
    assert_eq!(page.record.decisions.last().unwrap().conditions.as_deref(), Some("One look only"));
    let confirm = page.next_steps.iter().find(|n| n.step == Step::ConfirmLegitimacy).unwrap();
    assert!(!confirm.yours && confirm.not_yours[0].contains("not in the register"), "{:?}", confirm.not_yours);
    assert!(confirm.waits_for.is_empty(), "no access worker is registered yet");
    assert!(page.next_steps.iter().all(|n| !n.primary), "nothing to offer first while it is missing");
    let registration = |decided_by: &str, evidence: &str, trained: DateParts| AawRegisterArgs {
        name: "Ada Worker".into(),
        decided_by: decided_by.into(),
        evidence: evidence.into(),
        trained,
    };
    let future = registration("Sue Director", "SD memo 12", date("1", "1", "2027"));
    assert_eq!(fields(aaw_register(host, future).unwrap_err()), ["trained"]);
    let bad = registration("Sue Director", "SD memo 12", date("31", "2", "2026"));
    assert_eq!(fields(aaw_register(host, bad).unwrap_err()), ["trained"]);
    let nothing = registration("", "", date("", "", ""));
    assert_eq!(fields(aaw_register(host, nothing).unwrap_err()), ["decided_by", "evidence", "trained"]);
    let manager = registration("Tom Manager", "TM memo", date("2", "10", "2026"));
    assert_eq!(fields(aaw_register(host, manager).unwrap_err()), ["decided_by"], "the service director's decision");
    assert!(aaw_list(host, NoArgs {}).unwrap().is_empty(), "nothing registered on any problem");
    aaw_register(host, registration("E4", "SD memo 12", date("2", "10", "2026"))).unwrap();
    let register = aaw_list(host, NoArgs {}).unwrap();
    assert_eq!(register.len(), 1);
    assert!(!register[0].incomplete);
    assert_eq!(register[0].decided_by.as_ref().unwrap().name, "Sue Director");
    let page = request_step(host, step(&reference, Step::ConfirmLegitimacy, "Ada Worker", "", "", "")).unwrap();
    assert_eq!(page.record.state, RequestState::LegitimacyConfirmed);
    let access = page.access.as_ref().expect("ready for access");
    assert_eq!(access.fixes, [FixPlace::SanctionedAccounts], "no sanctioned account yet: {:?}", access.missing);
    let illegal = request_step(host, step(&reference, Step::Agree, "Tom Manager", "x", "", "")).unwrap_err();
    assert_eq!(illegal.code, ErrorCode::IllegalStep);

    // Accounts and a CHIS authorisation with its dates.
    let missing = account_add(
        host,
        AccountAddArgs { platform: "facebook".into(), handle: "".into(), identifiable_as_council: None },
    )
    .unwrap_err();
    assert_eq!(fields(missing), ["handle", "identifiable_as_council"]);
    let account = account_add(
        host,
        AccountAddArgs {
            platform: "facebook".into(),
            handle: "council.check.1".into(),
            identifiable_as_council: Some(false),
        },
    )
    .unwrap();
    let chis = |granted: DateParts| AuthorisationAddArgs {
        request: reference.clone(),
        kind: Some(AuthorisationKind::Chis),
        reference: "URN-1".into(),
        officer: "Sue Director".into(),
        granted,
        review: DateParts::default(),
        expires: DateParts::default(),
        person: None,
        account: Some(account.id),
        approved: DateParts::default(),
        urgent: false,
        confidential_likely: true,
    };
    assert_eq!(fields(authorisation_add(host, chis(DateParts::default())).unwrap_err()), ["granted"]);
    let page = authorisation_add(host, chis(date("22", "11", "2026"))).unwrap();
    assert_eq!(page.authorisations.len(), 1);
    assert_eq!(page.authorisations[0].expires.to_string(), "2027-02-22", "the policy's three-month term");

    // The register: awaiting a magistrate's approval until one is recorded, then in force; its
    // review falls due within Home's notice period and is overdue after its day.
    let state = |entries: Vec<RegisterEntry>| entries[0].state;
    assert_eq!(state(authorisation_register(host, NoArgs {}).unwrap()), AuthorisationState::AwaitingApproval);
    let approve = |day: &str| AuthorisationApproveArgs {
        reference: "URN-1".into(),
        approved: date(day, "11", "2026"),
        by: "Legal Services".into(),
    };
    assert_eq!(fields(authorisation_approve(host, approve("24")).unwrap_err()), ["approved"], "not after today");
    assert_eq!(fields(authorisation_approve(host, approve("21")).unwrap_err()), ["approved"], "not before the grant");
    assert_eq!(state(authorisation_approve(host, approve("23")).unwrap()), AuthorisationState::InForce);
    let review_due = authorisation_register(host, NoArgs {}).unwrap()[0].authorisation.review_due.unwrap();
    assert_eq!(review_due.to_string(), "2026-12-20", "28 days after the grant");
    let notice = triangulate_core::Policy::default().home.notice_days as i64;
    let until_due = (review_due - now().date_naive()).num_days() - notice;
    host.move_on(until_due - 1);
    assert_eq!(state(authorisation_register(host, NoArgs {}).unwrap()), AuthorisationState::InForce);
    host.move_on(1);
    assert_eq!(state(authorisation_register(host, NoArgs {}).unwrap()), AuthorisationState::ReviewDue);
    host.move_on(notice + 1);
    assert_eq!(state(authorisation_register(host, NoArgs {}).unwrap()), AuthorisationState::ReviewOverdue);
    let review = AuthorisationReviewArgs {
        reference: "URN-1".into(),
        by: "Sue Director".into(),
        outcome: "Still necessary and proportionate".into(),
        next: DateParts::default(),
    };
    let reviewed = authorisation_review(host, review).unwrap();
    assert_eq!(reviewed[0].state, AuthorisationState::InForce, "the next review is the policy's interval away");
    assert_eq!(reviewed[0].authorisation.reviews.len(), 1);
    let cancel = |reason: &str| AuthorisationCancelArgs {
        reference: "URN-1".into(),
        by: "Sue Director".into(),
        reason: reason.into(),
    };
    assert_eq!(fields(authorisation_cancel(host, cancel(" ")).unwrap_err()), ["reason"]);
    let cancelled = authorisation_cancel(host, cancel("The check is finished")).unwrap();
    assert_eq!(cancelled[0].state, AuthorisationState::Cancelled);
    assert_eq!(cancelled[0].authorisation.cancel_reason.as_deref(), Some("The check is finished"));

    let store = host.store().unwrap();
    assert_eq!(
        store.audit_verify().unwrap().to_string(),
        format!("intact: {} events", store.audit_head().unwrap().count)
    );
}

#[test]
fn a_pdf_is_exported_as_a_draft_until_the_log_is_finalised_and_a_draft_is_never_filed() {
    let fixture = setup();
    let host = &fixture.host;
    store_init(host, NoArgs {}).unwrap();
    directory(host);
    let profile = WorkerProfileArgs { name: "Ada Worker".into(), role: "aaw".into(), staff_id: None };
    worker_profile_set(host, profile).unwrap();
    let draft = draft_start(host, DraftStartArgs::default()).unwrap();
    draft_save(host, DraftSaveArgs { id: draft.id, form: form() }).unwrap();
    let reference = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap().record.reference;
    let folder = fixture._temp.path();
    let args = |name: &str, draft: bool, only: Option<PdfKind>| ExportPdfArgs {
        reference: reference.clone(),
        path: folder.join(name).display().to_string(),
        draft,
        only,
    };

    let refused = export_pdf(host, args("final.pdf", false, None)).unwrap_err();
    assert_eq!(refused.code, ErrorCode::LogNotFinalised, "{}", refused.message);
    assert!(!folder.join("final.pdf").exists());
    let draft = export_pdf(host, args("draft.pdf", true, Some(PdfKind::Request))).unwrap();
    assert!(draft.export.draft);
    assert_eq!(draft.export.kind, PdfKind::Request);
    assert!(std::fs::read(folder.join("draft.pdf")).unwrap().starts_with(b"%PDF-1.7"));
    assert_eq!(fields(export_pdf(host, args("draft.pdf", true, None)).unwrap_err()), ["out"], "never over a file");

    // The file the worker chooses is read for its SHA-256: the same the export gave.
    let chosen = export_file_digest(host, ExportFileDigestArgs { path: folder.join("draft.pdf").display().to_string() });
    let chosen = chosen.unwrap();
    assert_eq!((chosen.sha256.as_str(), chosen.name.as_str()), (draft.export.sha256.as_str(), "draft.pdf"));
    assert_eq!(chosen.size, std::fs::metadata(folder.join("draft.pdf")).unwrap().len());
    let missing = ExportFileDigestArgs { path: folder.join("filed.pdf").display().to_string() };
    assert_eq!(fields(export_file_digest(host, missing).unwrap_err()), ["path"]);
    let folder_given = ExportFileDigestArgs { path: folder.display().to_string() };
    assert_eq!(fields(export_file_digest(host, folder_given).unwrap_err()), ["path"]);
    let filed = |sha256: &str, place: &str| ExportFiledArgs {
        reference: reference.clone(),
        sha256: sha256.into(),
        place: place.into(),
        record_reference: "ASM-1".into(),
        by: "Ada Worker".into(),
    };
    assert_eq!(fields(export_filed(host, filed(&draft.export.sha256, "Mosaic")).unwrap_err()), ["sha256"]);
    assert_eq!(fields(export_filed(host, filed("nope", "")).unwrap_err()), ["sha256", "where"]);
    // A draft's digest with a field left blank: every problem in one answer, the draft's too.
    let both = export_filed(host, filed(&draft.export.sha256, " ")).unwrap_err();
    assert_eq!(fields(both.clone()), ["where", "sha256"]);
    assert!(both.fields.iter().any(|f| f.message.contains("only a final PDF is filed")), "{:?}", both.fields);
    let missing = export_file_digest(host, ExportFileDigestArgs { path: folder.join("filed.pdf").display().to_string() }).unwrap_err();
    assert!(missing.fields[0].message.ends_with("could not be read: there is no such file"), "{:?}", missing.fields);
    assert!(request_get(host, ReferenceArgs { reference: reference.clone() }).unwrap().record.filed.is_empty());

    // The evidence bundle: a draft until the log is finalised, and it verifies on its own.
    let bundle = |name: &str, draft: bool| ExportBundleArgs {
        reference: reference.clone(),
        path: folder.join(name).display().to_string(),
        draft,
    };
    assert_eq!(export_bundle(host, bundle("final.zip", false)).unwrap_err().code, ErrorCode::LogNotFinalised);
    let made = export_bundle(host, bundle("draft.zip", true)).unwrap();
    assert!(made.draft);
    let report = triangulate_app::bundle::verify(&folder.join("draft.zip"), Some(&made.fingerprint)).unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    // request.create and the draft PDF's export.pdf (the form's drafts came before the request).
    assert_eq!(report.audit_events, 2, "the request's own events");
}

/// A request permitted and confirmed legitimate by a registered AAW, with one account.
fn ready_for_access(host: &FixedHost) -> (String, i64) {
    store_init(host, NoArgs {}).unwrap();
    directory(host);
    let profile = WorkerProfileArgs { name: "Ada Worker".into(), role: "aaw".into(), staff_id: None };
    worker_profile_set(host, profile).unwrap();
    let registration = AawRegisterArgs {
        name: "Ada Worker".into(),
        decided_by: "Sue Director".into(),
        evidence: "SD memo 12".into(),
        trained: date("2", "10", "2026"),
    };
    let registered = aaw_register(host, registration).unwrap();
    assert!(!registered.incomplete);
    assert_eq!(registered.trained_on.unwrap().to_string(), "2026-10-02");
    let draft = draft_start(host, DraftStartArgs::default()).unwrap();
    draft_save(host, DraftSaveArgs { id: draft.id, form: form() }).unwrap();
    let reference = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap().record.reference;
    request_step(host, step(&reference, Step::Submit, "Rhian Evans", "Email 18/11", "", "")).unwrap();
    request_step(host, step(&reference, Step::Agree, "Tom Manager", "Email 20/11", "", "")).unwrap();
    request_step(host, step(&reference, Step::Permit, "Sue Director", "Memo 21/11", "", "")).unwrap();
    request_step(host, step(&reference, Step::ConfirmLegitimacy, "Ada Worker", "", "", "")).unwrap();
    let account = AccountAddArgs {
        platform: "facebook".into(),
        handle: "council.check.1".into(),
        identifiable_as_council: Some(true),
    };
    (reference, account_add(host, account).unwrap().id)
}

#[test]
fn the_log_is_kept_finalised_shared_corrected_and_compared_through_the_commands() {
    let fixture = setup();
    let host = &fixture.host;
    let (reference, account) = ready_for_access(host);
    let get = |version: Option<u32>, compare: Option<u32>| {
        log_get(host, LogGetArgs { reference: reference.clone(), version, compare }).unwrap()
    };
    let page = get(None, None);
    assert!(page.shown.is_none(), "no log before the first search");
    assert!(page.actions.add_search && !page.actions.add_finding && !page.actions.complete);
    assert_eq!(page.accounts.len(), 1);
    assert_eq!(page.worker.as_ref().unwrap().name, "Ada Worker");

    // Every mistake at once, each on its field; nothing recorded.
    let search = |form: SearchForm| log_add_search(host, LogSearchArgs { reference: reference.clone(), search: form });
    let bad = SearchForm { time: "25:00".into(), date: date("23", "11", "2026"), ..Default::default() };
    assert_eq!(fields(search(bad).unwrap_err()), ["time", "account", "searched", "result"]);
    assert!(get(None, None).shown.is_none());
    let typed = SearchForm {
        account: Some(account),
        searched: "Jane Doe".into(),
        result: "Profile found; photos public".into(),
        ..Default::default()
    };
    let page = search(typed).unwrap();
    assert_eq!(page.state, RequestState::InProgress);
    let log = &page.shown.as_ref().unwrap().log;
    assert_eq!(log.searches[0].platform, "facebook", "the account's platform");
    assert!(page.actions.add_finding && page.actions.complete && !page.actions.finalise && !page.actions.share);

    let finding = |text: &str, captures: Vec<i64>| {
        log_add_finding(host, LogFindingArgs { reference: reference.clone(), text: text.into(), captures })
    };
    assert_eq!(fields(finding(" ", vec![]).unwrap_err()), ["text"]);
    assert_eq!(fields(finding("A photo", vec![99]).unwrap_err()), ["captures"], "no such capture");
    finding("A photo with the man, dated 3 November", vec![]).unwrap();
    let disagree = LogDisagreeArgs {
        reference: reference.clone(),
        by: "Ada Worker".into(),
        about: "The social worker holds the photo is not relevant".into(),
    };
    log_disagree(host, disagree).unwrap();
    let settle = |n: u32| LogSettleArgs {
        reference: reference.clone(),
        disagreement: n,
        by: "Jo Price".into(),
        outcome: "Relevant: keep it".into(),
    };
    assert_eq!(fields(log_settle(host, settle(2)).unwrap_err()), ["disagreement"]);
    let page = log_settle(host, settle(1)).unwrap();
    assert_eq!(page.shown.unwrap().log.disagreements[0].outcome.as_ref().unwrap().by, "Jo Price");

    let page = log_complete(
        host,
        LogSignArgs { reference: reference.clone(), by: "Ada Worker".into(), evidence: String::new() },
    )
    .unwrap();
    assert_eq!(page.state, RequestState::LogCompleted);
    assert!(page.actions.finalise && !page.actions.add_search && !page.actions.complete);
    let finalise = |rating: &str| LogFinaliseArgs {
        reference: reference.clone(),
        by: "Rhian Evans".into(),
        evidence: "Email 24/11".into(),
        rating: rating.into(),
        assessment: "It helped".into(),
    };
    assert_eq!(fields(log_finalise(host, finalise("")).unwrap_err()), ["rating"]);
    let page = log_finalise(host, finalise("considerable")).unwrap();
    assert_eq!(page.state, RequestState::Finalised);
    assert!(page.actions.share && page.actions.correct && !page.actions.add_finding && !page.actions.disagree);
    let share = |with: Vec<&str>| LogShareArgs {
        reference: reference.clone(),
        by: "Rhian Evans".into(),
        evidence: "Email 25/11".into(),
        with: with.into_iter().map(String::from).collect(),
    };
    assert_eq!(fields(log_share(host, share(vec![])).unwrap_err()), ["with"]);
    let page = log_share(host, share(vec!["tm", "sm", "sd"])).unwrap();
    assert_eq!(page.state, RequestState::Shared);
    assert!(page.actions.close);
    let closing = request_get(host, ReferenceArgs { reference: reference.clone() }).unwrap();
    assert!(closing.next_steps.iter().any(|n| n.step == Step::Close), "the request page offers closing");

    // A correction is a new version; the first stays readable, and the two compare.
    let note = |text: &str| LogCorrectArgs { reference: reference.clone(), note: text.into() };
    assert_eq!(fields(log_correct(host, note("")).unwrap_err()), ["note"]);
    let page = log_correct(host, note("The photo's date was wrong")).unwrap();
    assert_eq!(page.versions, [1, 2]);
    assert!(page.actions.add_finding && page.actions.finalise && !page.actions.correct);
    finding("The photo is dated 4 November", vec![]).unwrap();
    log_finalise(host, finalise("some")).unwrap();
    let first = get(Some(1), None);
    assert!(!first.latest, "an earlier version is only read");
    assert!(!first.actions.correct && !first.actions.share);
    assert_eq!(first.shown.as_ref().unwrap().log.findings.len(), 1);
    let compared = get(Some(1), Some(2)).comparison.unwrap();
    assert_eq!((compared.from, compared.to), (1, 2));
    let parts: Vec<&str> = compared.differences.iter().map(|d| d.part.as_str()).collect();
    assert_eq!(parts, ["Finding 2", "Assessment", "Why this version corrects the last"]);
    let missing = log_get(host, LogGetArgs { reference: reference.clone(), version: Some(7), compare: None });
    assert_eq!(missing.unwrap_err().code, ErrorCode::NotFound);

    let page = request_step(host, step(&reference, Step::Close, "Tom Manager", "Email 30/11", "", "")).unwrap();
    assert_eq!(page.record.state, RequestState::Closed);
}

#[test]
fn home_groups_requests_by_whom_they_wait_for_and_the_trail_and_settings_read_back() {
    let fixture = setup();
    let host = &fixture.host;
    let (reference, account) = ready_for_access(host);
    let section = |page: &HomePage, reference: &str| {
        page.sections.iter().find(|s| s.requests.iter().any(|r| r.reference == reference)).map(|s| s.group)
    };
    let home = home_get(host, NoArgs {}).unwrap();
    assert_eq!(home.sections.len(), 8, "every group, even an empty one");
    assert_eq!(section(&home, &reference), Some(triangulate_core::home::HomeGroup::AccessWorker));
    assert_eq!(home.waiting_for_you.len(), 1, "an AAW's request ready for access waits for them");
    assert_eq!(home.waiting_for_you[0].waited, "since today");
    assert_eq!(home.worker.as_ref().unwrap().name, "Ada Worker");
    assert!(home.due.is_empty());

    let search = SearchForm {
        account: Some(account),
        searched: "Jane Doe".into(),
        result: "Found".into(),
        ..Default::default()
    };
    log_add_search(host, LogSearchArgs { reference: reference.clone(), search }).unwrap();
    // Twenty days on, the request has had no change for longer than the policy's 14 days;
    // a finding is a change, and it is no longer idle.
    host.move_on(20);
    let home = home_get(host, NoArgs {}).unwrap();
    assert_eq!(home.due.len(), 1, "{:?}", home.due);
    assert_eq!(home.due[0].kind, triangulate_core::home::DueKind::Idle);
    assert_eq!(home.sections.iter().flat_map(|s| &s.requests).next().unwrap().waited, "20 days");
    let finding = LogFindingArgs { reference: reference.clone(), text: "A photo".into(), captures: vec![] };
    log_add_finding(host, finding).unwrap();
    assert!(home_get(host, NoArgs {}).unwrap().due.is_empty(), "a change to the log is a change to the request");
    log_complete(host, LogSignArgs { reference: reference.clone(), by: "Ada Worker".into(), evidence: String::new() })
        .unwrap();
    let home = home_get(host, NoArgs {}).unwrap();
    assert_eq!(section(&home, &reference), Some(triangulate_core::home::HomeGroup::Assessment));
    assert!(home.waiting_for_you.is_empty(), "the assessment waits for the social worker, not the AAW");
    assert_eq!(home.due.len(), 1);
    assert_eq!(home.due[0].kind, triangulate_core::home::DueKind::LogAssessment);

    // The trail in words: who, what, and the decision each step recorded.
    let trail = audit_trail_get(host, ReferenceArgs { reference: reference.clone() }).unwrap();
    assert!(trail.request_chain_intact && trail.store_chain_intact, "{}", trail.store_chain_message);
    assert!(trail.store_events > trail.events.len() as u64, "the store holds more than this request's events");
    let whats: Vec<&str> = trail.events.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(whats[0], "Created the request");
    assert!(whats.contains(&"Recorded a search in the log") && whats.contains(&"Completed the log"), "{whats:?}");
    assert!(trail.events.iter().all(|e| e.who == "Ada Worker"), "recorded through Ada's profile");
    let agreed = trail.events.iter().filter_map(|e| e.detail.as_deref()).collect::<Vec<_>>();
    assert_eq!(
        agreed,
        [
            "Submit to team manager: Rhian Evans (social worker) submitted the request on 23 November 2026, by Email 18/11; recorded by Ada Worker on 23 November 2026",
            "Record team manager's agreement: Tom Manager (team manager) agreed on 23 November 2026, by Email 20/11; recorded by Ada Worker on 23 November 2026",
            "Record service director's permission: Sue Director (service director) permitted on 23 November 2026, by Memo 21/11; recorded by Ada Worker on 23 November 2026",
            "Confirm the request is legitimate: Ada Worker (Authorised Access Worker) confirmed the request is legitimate on 23 November 2026",
            "Start access session: Ada Worker (Authorised Access Worker) started the access on 23 November 2026",
            "Complete investigation log: Ada Worker (Authorised Access Worker) completed version 1 of the log on 13 December 2026",
        ]
    );
    assert!(trail.events.iter().all(|e| e.when.ends_with(" GMT") && e.when.contains(" 2026 ")), "UK time");

    // Settings: the policy in force, where each value came from, the key's fingerprint.
    let settings = settings_get(host, NoArgs {}).unwrap();
    assert!(settings.policy_file.is_none() && settings.policy_problem.is_none());
    assert_eq!(
        policy_platforms(host, NoArgs {}).unwrap().allowed.len(),
        triangulate_core::scope::KNOWN_PLATFORMS.len()
    );
    assert!(settings.policy.iter().all(|e| !e.from_local_file));
    assert_eq!(settings.fingerprint.len(), 64);
    assert_eq!(settings.aaws.len(), 1);
    let policy_file = host.data_dir.policy_file();
    std::fs::write(&policy_file, "[home]\nidle_days = 30\n[platforms]\nallowed = [\"facebook\"]\n").unwrap();
    assert_eq!(policy_platforms(host, NoArgs {}).unwrap().allowed, ["facebook"]);
    std::fs::write(
        &policy_file,
        "[platforms]\nallowed = [\"reddit\", \"localforum\"]\n[platforms.defined.localforum]\nname = \"Reading Community Forum\"\nhosts = [\"forum.example.org\"]\n",
    )
    .unwrap();
    let offered = policy_platforms(host, NoArgs {}).unwrap().platforms;
    let offered: Vec<(&str, &str)> = offered.iter().map(|p| (p.key.as_str(), p.name.as_str())).collect();
    assert_eq!(offered, [("reddit", "Reddit"), ("localforum", "Reading Community Forum")]);
    std::fs::write(&policy_file, "[home]\nidle_days = 30\n[platforms]\nallowed = [\"facebook\"]\n").unwrap();
    let settings = settings_get(host, NoArgs {}).unwrap();
    let idle = settings.policy.iter().find(|e| e.key == "home.idle_days").unwrap();
    assert_eq!((idle.value.as_str(), idle.from_local_file), ("30", true));
    assert_eq!(home_get(host, NoArgs {}).unwrap().idle_days, 30);
    std::fs::write(&policy_file, "[home]\nidle_days = 0\n").unwrap();
    let settings = settings_get(host, NoArgs {}).unwrap();
    assert!(settings.policy_problem.unwrap().contains("home.idle_days"), "a bad file is named, not hidden");
    assert!(settings.policy.iter().all(|e| !e.from_local_file), "the defaults are shown as in force");
}

#[test]
fn retention_lists_what_falls_due_on_the_day_a_hold_keeps_it_and_disposal_leaves_a_tombstone() {
    let fixture = setup();
    let host = &fixture.host;
    store_init(host, NoArgs {}).unwrap();
    directory(host);
    worker_profile_set(host, WorkerProfileArgs { name: "Rhian Evans".into(), role: "osw".into(), staff_id: None })
        .unwrap();
    let draft = draft_start(host, DraftStartArgs::default()).unwrap();
    draft_save(host, DraftSaveArgs { id: draft.id, form: form() }).unwrap();
    let reference = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap().record.reference;
    request_step(host, step(&reference, Step::Withdraw, "Rhian Evans", "", "The family moved away", "")).unwrap();

    // Kept 365 days after the withdrawal (the default): due on the 365th day after, not before.
    host.move_on(364);
    assert!(retention_get(host, NoArgs {}).unwrap().due.is_empty(), "still within its period");
    host.move_on(1);
    let page = retention_get(host, NoArgs {}).unwrap();
    assert_eq!(page.due.len(), 1);
    assert_eq!(page.due[0].id, reference);

    let missing =
        retention_hold(host, RetentionHoldArgs { reference: reference.clone(), by: " ".into(), reason: " ".into() })
            .unwrap_err();
    assert_eq!(fields(missing), ["by", "reason"]);
    let held = retention_hold(
        host,
        RetentionHoldArgs { reference: reference.clone(), by: "Legal Services".into(), reason: "A complaint".into() },
    )
    .unwrap();
    assert!(held.due.is_empty());
    assert_eq!(held.held, [reference.clone()]);
    assert_eq!(held.holds[0].placed_by, "Legal Services");
    let kept = retention_dispose(host, RetentionDisposeArgs { by: "Ann Officer".into() }).unwrap();
    assert!(kept.disposals.is_empty(), "a hold stops disposal");
    assert!(request_get(host, ReferenceArgs { reference: reference.clone() }).is_ok());

    retention_release(
        host,
        RetentionHoldArgs { reference: reference.clone(), by: "Legal Services".into(), reason: "Resolved".into() },
    )
    .unwrap();
    assert_eq!(fields(retention_dispose(host, RetentionDisposeArgs { by: "".into() }).unwrap_err()), ["by"]);
    let done = retention_dispose(host, RetentionDisposeArgs { by: "Ann Officer".into() }).unwrap();
    assert!(done.due.is_empty());
    assert_eq!(done.disposals.len(), 1);
    assert_eq!(done.disposals[0].object, reference);
    assert_eq!(done.disposals[0].disposed_by, "Ann Officer");
    assert_eq!(request_get(host, ReferenceArgs { reference }).unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn home_asks_for_the_feedback_until_given_and_the_recheck_six_months_after_finalisation() {
    let fixture = setup();
    let host = &fixture.host;
    let (reference, account) = ready_for_access(host);
    let search = SearchForm {
        account: Some(account),
        searched: "Jane Doe".into(),
        result: "Profile found".into(),
        ..Default::default()
    };
    log_add_search(host, LogSearchArgs { reference: reference.clone(), search }).unwrap();
    log_complete(host, LogSignArgs { reference: reference.clone(), by: "Ada Worker".into(), evidence: String::new() })
        .unwrap();
    let finalise = LogFinaliseArgs {
        reference: reference.clone(),
        by: "Rhian Evans".into(),
        evidence: "Email 24/11".into(),
        rating: "some".into(),
        assessment: "It helped".into(),
    };
    log_finalise(host, finalise).unwrap();
    let due = |kind: DueKind| {
        home_get(host, NoArgs {}).unwrap().due.iter().filter(|d| d.kind == kind && d.request == reference).count()
    };
    assert_eq!(due(DueKind::Feedback), 1, "asked for once the log is finalised");
    assert_eq!(due(DueKind::Recheck), 0);

    let give = |minutes: &str, useful: &str, unique: &str| FeedbackGiveArgs {
        reference: reference.clone(),
        time_minutes: minutes.into(),
        useful: useful.into(),
        unique: unique.into(),
        rating: Some(triangulate_core::log::Contribution::Considerable),
        comments: String::new(),
        by: "Rhian Evans".into(),
    };
    assert_eq!(fields(feedback_give(host, give("half an hour", "2", "")).unwrap_err()), ["time_minutes"]);
    assert_eq!(fields(feedback_give(host, give("", "2", "")).unwrap_err()), ["time_minutes", "unique"]);
    let held = feedback_give(host, give("30", "2", "1")).unwrap();
    assert_eq!(held.feedback.unwrap().time_minutes, 30);
    assert_eq!(due(DueKind::Feedback), 0, "no longer asked for once given");

    // Six months after finalisation (the policy's default), the re-check is asked for.
    let finalised_on = held.finalised_on.unwrap();
    let recheck_on = finalised_on.checked_add_months(chrono::Months::new(6)).unwrap();
    host.move_on((recheck_on - now().date_naive()).num_days() - 1);
    assert_eq!(due(DueKind::Recheck), 0, "not the day before");
    host.move_on(1);
    assert_eq!(due(DueKind::Recheck), 1);
    let recheck = FeedbackRecheckArgs {
        reference: reference.clone(),
        rating: Some(triangulate_core::log::Contribution::Significant),
        comments: "It shaped the plan".into(),
        by: "Rhian Evans".into(),
    };
    feedback_recheck(host, recheck).unwrap();
    assert_eq!(due(DueKind::Recheck), 0);
    let report =
        pilot_report(host, PilotReportArgs { from: DateParts::default(), to: DateParts::default(), imports: vec![] })
            .unwrap();
    assert_eq!(report.report.ratings_at_six_months[3].count, 1);
    assert!(report.pilot_period, "the policy's pilot period when none is given");
}

#[test]
fn with_no_capture_running_its_progress_says_so_and_a_stop_is_refused() {
    let f = setup();
    let progress = capture_progress(&f.host, SessionIdArgs { id: 4 }).unwrap();
    assert!(!progress.capturing && !progress.scrolling && progress.screens == 0, "{progress:?}");
    let refused = capture_stop(&f.host, SessionIdArgs { id: 4 }).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Refused, "{refused:?}");
    assert!(refused.message.contains("no capture is being taken in access session 4"), "{}", refused.message);
}

#[test]
fn separation_of_duties_reaches_the_screen_as_guard_codes_with_why_and_what_would_allow_it() {
    let fixture = setup();
    let host = &fixture.host;
    store_init(host, NoArgs {}).unwrap();
    let staff = "staff_id,name,roles,team\nE1,Ada Worker,aaw,Access\nE2,Rhian Evans,osw,Assessment\nE3,Tom Manager,tm;sd,Assessment\nE4,Sue Director,sd,\n";
    staff_import(host, StaffImportArgs { text: staff.into() }).unwrap();
    worker_profile_set(host, WorkerProfileArgs { name: "Ada Worker".into(), role: "aaw".into(), staff_id: None })
        .unwrap();
    let draft = draft_start(host, DraftStartArgs::default()).unwrap();
    draft_save(host, DraftSaveArgs { id: draft.id, form: form() }).unwrap();
    let reference = draft_commit(host, DraftCommitArgs { id: draft.id, settlements: vec![] }).unwrap().record.reference;
    request_step(host, step(&reference, Step::Submit, "Rhian Evans", "Email 1", "", "")).unwrap();
    let page = request_step(host, step(&reference, Step::Agree, "Tom Manager", "Email 2", "", "")).unwrap();
    let permit = page.next_steps.iter().find(|n| n.step == Step::Permit).unwrap();
    let waits: Vec<&str> = permit.waits_for.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        waits,
        ["Sue Director (service director, staff ID E4)"],
        "not the manager who agreed, though a director too"
    );
    let refused = request_step(host, step(&reference, Step::Permit, "Tom Manager", "Memo", "", "")).unwrap_err();
    assert_eq!(refused.code, ErrorCode::GuardRefused);
    assert_eq!(refused.guards, ["same_manager_agrees_and_permits"]);
    assert!(refused.refusals[0].reason.starts_with("Tom Manager agreed this request as team manager"));
    assert!(refused.refusals[0].remedy.contains("service director who gave it"));
    // Ada's task list: nothing of hers until legitimacy is hers to confirm.
    assert!(home_get(host, NoArgs {}).unwrap().tasks.is_empty());
    // The form's leaver: neither the person nor the day is every problem at once, and a day
    // not given is not today.
    let neither = staff_leave(host, StaffLeaveArgs { person: " ".into(), on: DateParts::default() }).unwrap_err();
    assert_eq!(fields(neither), ["person", "on"]);
    let no_day = staff_leave(host, StaffLeaveArgs { person: "Sue Director".into(), on: DateParts::default() }).unwrap_err();
    assert_eq!(fields(no_day), ["on"]);
    let today = DateParts::from_date(triangulate_app::Host::today(host));
    let left = staff_leave(host, StaffLeaveArgs { person: "Sue Director".into(), on: today }).unwrap();
    assert!(left.staff.iter().any(|s| s.name == "Sue Director" && s.left_on.is_some()));
    let refused = request_step(host, step(&reference, Step::Permit, "E4", "Memo", "", "")).unwrap_err();
    assert_eq!(refused.guards, ["staff_member_left"]);
}

#[test]
fn every_command_is_dispatched_by_name_with_the_same_answer_as_its_body() {
    let fixture = setup();
    let host = &fixture.host;
    store_init(host, NoArgs {}).unwrap();
    directory(host);
    // Each name of the contract reaches a command (arguments that do not read are the
    // caller's problem, said as such), and no other name does.
    for name in triangulate_ipc::COMMANDS {
        let answer = triangulate_ipc::dispatch::dispatch(host, name, serde_json::json!({ "not": "its arguments" }));
        let answer = answer.unwrap_or_else(|| panic!("{name} is not dispatched"));
        if let Err(error) = answer {
            assert!(
                error.code != ErrorCode::Internal,
                "{name}: arguments that do not read are invalid input, not a fault: {}",
                error.message
            );
        }
    }
    assert!(triangulate_ipc::dispatch::dispatch(host, "store_drop", serde_json::json!({})).is_none());
    // The same JSON as the body's own answer, and the same error.
    let by_name = triangulate_ipc::dispatch::dispatch(host, "staff_list", serde_json::Value::Null).unwrap().unwrap();
    assert_eq!(by_name, serde_json::to_value(staff_list(host, NoArgs {}).unwrap()).unwrap());
    let refused = triangulate_ipc::dispatch::dispatch(host, "request_get", serde_json::json!({ "reference": "REQ-2026-0404" }));
    let direct = request_get(host, ReferenceArgs { reference: "REQ-2026-0404".into() }).unwrap_err();
    assert_eq!(
        serde_json::to_value(refused.unwrap().unwrap_err()).unwrap(),
        serde_json::to_value(direct).unwrap()
    );
    let unread = triangulate_ipc::dispatch::dispatch(host, "request_get", serde_json::json!({ "reference": 7 }));
    let unread = unread.unwrap().unwrap_err();
    assert_eq!(unread.code, ErrorCode::InvalidInput);
    assert!(unread.message.starts_with("the arguments of request_get could not be read"), "{}", unread.message);
}
