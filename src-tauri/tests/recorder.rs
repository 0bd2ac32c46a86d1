//! The desktop binary records sessions itself: its recorder mode (`--record-session`) opens
//! no window, owns the session's browser and stores the trail, through the same application
//! calls as the CLI. Driven through the IPC command bodies, as the window drives them.

#[path = "../../tests/cli/fixture_site.rs"]
#[allow(dead_code)]
mod fixture_site;

use std::collections::BTreeMap;
use triangulate_app::{DataDir, Host, Keystore, admin, people, register, requests};
use triangulate_core::WorkerProfileInput;
use triangulate_core::workflow::{DecisionInput, Step};
use triangulate_desktop::DesktopHost;
use triangulate_ipc::args::{CaptureTakeArgs, SessionIdArgs, SessionStartArgs};
use triangulate_ipc::commands::{capture_take, session_end, session_get, session_start};

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
    // SAFETY: set once, before any store is opened; the recorder inherits it.
    unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
    let site = fixture_site::start();
    let temp = tempfile::tempdir().unwrap();
    let host = DesktopHost::with_executable(
        DataDir::new(temp.path().join("data")),
        env!("CARGO_BIN_EXE_triangulate-desktop").into(),
    );
    admin::init(&host).unwrap();
    people::set_profile(&host, &WorkerProfileInput { name: "Sam Patel".into(), role: "aaw".into(), staff_id: None })
        .unwrap();
    people::register_aaw(&host, "Sam Patel", Some("SD memo 12"), Some("2026-10-01")).unwrap();
    let mut file: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/request-example.json")).unwrap();
    file["subjects"][0]["profiles"] =
        serde_json::json!([{ "platform": "facebook", "url": format!("{}/profile/jane", site.base) }]);
    let reference = requests::create(&host, &file.to_string(), &BTreeMap::new(), None).unwrap().reference;
    requests::take_step(&host, &reference, Step::Submit, &decision("Rhian Evans", None)).unwrap();
    requests::take_step(&host, &reference, Step::Agree, &decision("Gwen Thomas", Some("email"))).unwrap();
    requests::take_step(&host, &reference, Step::Permit, &decision("Director", Some("memo"))).unwrap();
    requests::take_step(&host, &reference, Step::ConfirmLegitimacy, &decision("Sam Patel", None)).unwrap();
    let account = register::add_account(&host, "fixture", "council.checks", Some(true)).unwrap();

    let page = session_start(&host, SessionStartArgs { reference, subject: 1, account: account.id, headless: true })
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
