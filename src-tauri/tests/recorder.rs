//! The desktop binary records sessions itself: its recorder mode (`--record-session`) opens
//! no window, owns the session's browser and stores the trail, through the same application
//! calls as the CLI. Driven through the IPC command bodies, as the window drives them.

#[path = "../../tests/cli/fixture_site.rs"]
#[allow(dead_code)]
mod fixture_site;

use std::collections::BTreeMap;
use triangulate_app::{DataDir, Host, Keystore, admin, people, register, requests};
use triangulate_core::WorkerProfileInput;
use triangulate_core::evidence::{Attribution, JudgementInput};
use triangulate_core::workflow::{DecisionInput, Step};
use triangulate_desktop::DesktopHost;
use triangulate_ipc::ErrorCode;
use triangulate_ipc::args::{
    BoxArgs, CaptureIdArgs, CaptureJudgeArgs, CaptureRedactArgs, CaptureTakeArgs, DraftStartArgs, LinkedDraftArgs,
    SessionCheckArgs, SessionIdArgs, SessionStartArgs,
};
use triangulate_ipc::commands::{
    capture_get, capture_judge, capture_redact, capture_take, draft_start, session_check, session_end, session_get,
    session_start,
};

fn decision(by: &str, evidence: Option<&str>) -> DecisionInput {
    DecisionInput {
        decided_by: by.into(),
        evidence: evidence.map(Into::into),
        note: None,
        conditions: None,
        decided_on: None,
    }
}

#[test]
fn the_desktop_binary_starts_and_stops_a_recorder_and_the_trail_is_stored() {
    let (_temp, site, host) = desktop();
    let (reference, account) = ready_request(&host, &site.base);

    let page = session_start(
        &host,
        SessionStartArgs { reference, subject: 1, account, headless: true, conditions_confirmed: false },
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    let session = host.store().unwrap().session(page.id).unwrap();
    let recorder = session.recorder_pid.expect("the recorder's process");
    let command = std::fs::read(format!("/proc/{recorder}/cmdline")).unwrap();
    let command = String::from_utf8_lossy(&command).replace('\0', " ");
    assert!(
        command.contains("triangulate-desktop") && command.contains(triangulate_desktop::RECORD_SESSION_FLAG),
        "the desktop binary is the recorder: {command}"
    );

    let taken = capture_take(
        &host,
        CaptureTakeArgs {
            session: page.id,
            url: format!("{}/profile/jane", site.base),
            statement: "Visible without logging in".into(),
            outside_scope_reason: String::new(),
            whole_timeline: None,
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    let mut kinds: Vec<&str> = taken.artefacts.iter().map(|a| a.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["full_page_png", "mhtml", "viewport_png", "warc"]);

    let ended = session_end(&host, SessionIdArgs { id: page.id }).unwrap();
    assert!(ended.ended_at.is_some());
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::read_to_string(format!("/proc/{recorder}/stat")).map(|t| t.contains(") Z ")).unwrap_or(true)
    });
    assert!(gone, "the recorder stops when the session ends");
    let trail = session_get(&host, SessionIdArgs { id: page.id }).unwrap().trail;
    assert!(trail.iter().any(|e| e.kind == "recording_started"), "{trail:?}");
    assert!(trail.iter().any(|e| e.kind == "navigation" && e.url.ends_with("/profile/jane")), "{trail:?}");
    let store_id = host.store().unwrap().store_id().to_string();
    let _ = Keystore::kernel_keyring().unwrap().delete_key(&store_id);
}

/// The fixture site, and a desktop host on a new data folder whose recorders are the
/// desktop binary itself.
fn desktop() -> (tempfile::TempDir, fixture_site::Site, DesktopHost) {
    // SAFETY: set before any store is opened, the same value by every test; recorders inherit it.
    unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
    let site = fixture_site::start();
    let temp = tempfile::tempdir().unwrap();
    let host = DesktopHost::with_executable(
        DataDir::new(temp.path().join("data")),
        env!("CARGO_BIN_EXE_triangulate-desktop").into(),
    );
    (temp, site, host)
}

/// A store with Sam Patel as a registered access worker, a request whose first person's one
/// profile is on the fixture site, authorised and confirmed, and a sanctioned account.
fn ready_request(host: &DesktopHost, base: &str) -> (String, i64) {
    admin::init(host).unwrap();
    people::import_staff(host, include_str!("../../tests/fixtures/staff-example.csv")).unwrap();
    people::set_profile(host, &WorkerProfileInput { name: "Sam Patel".into(), role: "aaw".into(), staff_id: None })
        .unwrap();
    people::register_aaw(host, "Sam Patel", "Director", "SD memo 12", "2026-10-01").unwrap();
    let mut file: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/request-example.json")).unwrap();
    file["subjects"][0]["profiles"] =
        serde_json::json!([{ "platform": "facebook", "url": format!("{base}/profile/jane") }]);
    let reference = requests::create(host, &file.to_string(), &BTreeMap::new(), None).unwrap().reference;
    requests::take_step(host, &reference, Step::Submit, &decision("Rhian Evans", Some("email 19/11"))).unwrap();
    requests::take_step(host, &reference, Step::Agree, &decision("Gwen Thomas", Some("email"))).unwrap();
    requests::take_step(host, &reference, Step::Permit, &decision("Director", Some("memo"))).unwrap();
    requests::take_step(host, &reference, Step::ConfirmLegitimacy, &decision("Sam Patel", None)).unwrap();
    let account = register::add_account(host, "fixture", "council.checks", Some(true)).unwrap();
    (reference, account.id)
}

#[test]
fn the_session_panels_commands_check_open_the_first_profile_capture_judge_and_refuse_with_remedies() {
    let (_temp, site, host) = desktop();
    let (reference, account) = ready_request(&host, &site.base);
    let profile = format!("{}/profile/jane", site.base);
    let check = |subject| session_check(&host, SessionCheckArgs { reference: reference.clone(), subject, account });
    assert!(check(1).unwrap().warnings.is_empty(), "a first view needs no warning");

    // The browser opens on the person's first listed profile.
    let started = session_start(
        &host,
        SessionStartArgs {
            reference: reference.clone(),
            subject: 1,
            account,
            headless: true,
            conditions_confirmed: false,
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    assert!(
        started.trail.iter().any(|e| e.kind == "navigation" && e.url == profile),
        "opened on the first profile: {:?}",
        started.trail
    );
    assert_eq!(started.person, "Anna Kowalska");
    assert_eq!(started.profiles, [profile.clone()]);
    assert_eq!(started.shortcut, "CommandOrControl+Shift+F9", "the policy's shortcut");
    assert!(!started.capturing && started.captures.is_empty());

    // The tab the worker is looking at, as it is: no address given.
    let taken = capture_take(
        &host,
        CaptureTakeArgs {
            session: started.id,
            url: String::new(),
            statement: String::new(),
            outside_scope_reason: String::new(),
            whole_timeline: None,
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(taken.url, profile);
    let shown = capture_get(&host, CaptureIdArgs { id: taken.capture_id }).unwrap();
    assert!(shown.signature_valid && shown.stored_hashes_match, "{:?}", shown.signature_problem);
    let row = |label: &str| shown.provenance.iter().find(|r| r.label == label).map(|r| r.value.clone());
    assert_eq!(row("Address as finally served").as_deref(), Some(profile.as_str()));
    assert_eq!(row("HTTP status").as_deref(), Some("200 OK"));
    assert_eq!(row("Person").as_deref(), Some("1. Anna Kowalska"));
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shown.thumbnail.strip_prefix("data:image/png;base64,").expect("a PNG data address"))
        .unwrap();
    let viewport = shown.artefacts.iter().find(|a| a.kind == "viewport_png").unwrap();
    assert_eq!(triangulate_evidence::sha256_hex(&png), viewport.sha256, "the thumbnail is the viewport picture itself");
    assert!(shown.judgement.is_none());

    // Judging: every missing answer named; then saved, and the session lists it.
    let missing = capture_judge(&host, CaptureJudgeArgs { id: taken.capture_id, judgement: JudgementInput::default() })
        .unwrap_err();
    let fields: Vec<String> = missing.fields.iter().map(|f| f.field.clone()).collect();
    assert_eq!(fields, ["relevant", "useful_and_unique", "attribution"]);
    // Not relevant, not useful, unverified: with these tags.
    let judge = |tags: &[&str]| {
        let judgement = JudgementInput {
            relevant: Some(false),
            useful_and_unique: Some(false),
            attribution: Some(Attribution::Unverified),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..JudgementInput::default()
        };
        capture_judge(&host, CaptureJudgeArgs { id: taken.capture_id, judgement }).unwrap()
    };
    let judged = judge(&[]);
    assert_eq!(judged.judgement.map(|j| j.relevant), Some(false));
    assert!(!judged.blurred, "not tagged distressing: it opens as it is");
    let distressing = judge(&["Distressing"]);
    assert!(distressing.blurred, "the policy opens a capture tagged distressing blurred");

    let views = host.store().unwrap().connection_for_tests().query_row(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'capture.view'",
        [],
        |row| row.get::<_, i64>(0),
    );
    assert_eq!(views.unwrap(), 3, "every view of the capture is in the audit chain");

    // A redacted copy of the viewport: signed, linked to its sealed original.
    let redact = |boxes: Vec<BoxArgs>| {
        capture_redact(
            &host,
            CaptureRedactArgs {
                id: taken.capture_id,
                artefact: "viewport_png".into(),
                boxes,
                reason: "Another child's face".into(),
                by: "Sam Patel".into(),
            },
        )
    };
    let outside = redact(vec![BoxArgs { x: 0, y: 0, width: 100_000, height: 10 }]).unwrap_err();
    assert_eq!(outside.code, ErrorCode::InvalidFields, "a box outside the picture");
    let redacted = redact(vec![BoxArgs { x: 10, y: 10, width: 120, height: 80 }]).unwrap();
    assert_eq!(redacted.redactions.len(), 1);
    assert!(redacted.redactions[0].signature_valid);
    assert_eq!(redacted.redactions[0].original_sha256, viewport.sha256);
    assert!(redacted.signature_valid && redacted.stored_hashes_match, "the original still verifies");
    let listed = session_get(&host, SessionIdArgs { id: started.id }).unwrap();
    assert_eq!(listed.captures.len(), 1);
    assert_eq!(listed.captures[0].relevant, Some(false));

    // A page outside the profiles: refused with its address, nothing captured; the page
    // can become a linked request flagged for the service director.
    let elsewhere = format!("{}/elsewhere/page", site.base);
    let outside = capture_take(
        &host,
        CaptureTakeArgs {
            session: started.id,
            url: elsewhere.clone(),
            statement: String::new(),
            outside_scope_reason: String::new(),
            whole_timeline: None,
        },
    )
    .unwrap_err();
    assert_eq!(outside.code, ErrorCode::OutsideScope);
    assert_eq!(outside.url.as_deref(), Some(elsewhere.as_str()));
    assert_eq!(session_get(&host, SessionIdArgs { id: started.id }).unwrap().captures.len(), 1, "nothing captured");
    let linked = draft_start(
        &host,
        DraftStartArgs {
            reference: None,
            linked: Some(LinkedDraftArgs { parent: reference.clone(), url: elsewhere.clone() }),
        },
    )
    .unwrap();
    assert_eq!(linked.parent.as_deref(), Some(reference.as_str()));
    assert_eq!(linked.form.case_reference, "CASE-88231");
    assert_eq!(linked.form.subjects[0].profiles[0].url, elsewhere);
    assert!(linked.form.concern.contains(&reference), "{}", linked.form.concern);
    let bad = draft_start(
        &host,
        DraftStartArgs {
            reference: None,
            linked: Some(LinkedDraftArgs { parent: reference.clone(), url: "file:///etc/passwd".into() }),
        },
    )
    .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidFields, "only a web page's address");

    let ended = session_end(&host, SessionIdArgs { id: started.id }).unwrap();
    assert!(ended.ended_at.is_some());

    // The second view warns with the count and the window; after it, a third is refused with
    // its code, why, and what would allow it.
    let second = check(1).unwrap().warnings;
    assert_eq!(second.len(), 1);
    assert!(second[0].contains("view 2 of this person within 30 days"), "{second:?}");
    let again = session_start(
        &host,
        SessionStartArgs {
            reference: reference.clone(),
            subject: 1,
            account,
            headless: true,
            conditions_confirmed: false,
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    session_end(&host, SessionIdArgs { id: again.id }).unwrap();
    let refused = check(1).unwrap_err();
    assert_eq!(refused.code, ErrorCode::GuardRefused);
    assert_eq!(refused.refusals.len(), 1);
    assert_eq!(refused.refusals[0].code, "repeat_viewing_limit");
    assert_eq!(
        refused.refusals[0].remedy,
        "a directed surveillance authorisation covering this person must be recorded"
    );
    let store_id = host.store().unwrap().store_id().to_string();
    let _ = Keystore::kernel_keyring().unwrap().delete_key(&store_id);
}
