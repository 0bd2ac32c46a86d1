//! The browser for captures through the application layer: which one a session opens (the
//! one given, else the environment's, else the worker's choice for this laptop, else the
//! first installed), a choice that is not a program refused by field with nothing changed,
//! the choice and its forgetting audited in the worker's name, and a session start with no
//! browser at all refused with where to choose one, before anything is written.

#[allow(dead_code)]
mod support;
use support::{TestHost, decision};

use chrono::{TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use triangulate_app::browser::{self, BrowserSource};
use triangulate_app::sessions::{self, BrowserChoice};
use triangulate_app::{ErrorCode, Host, OpenStore, RecorderOrder, admin, register, requests};
use triangulate_core::workflow::Step;

/// A test host whose machine has the browsers a test says, and whose recorders are only
/// noted (and refused, so no browser opens).
struct Machine {
    inner: TestHost,
    environment: Option<PathBuf>,
    installed: Option<PathBuf>,
    orders: Mutex<Vec<RecorderOrder>>,
}

impl Machine {
    fn new(dir: &Path) -> Machine {
        // SAFETY: set before any store is opened, to the same value by every test here.
        unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        Machine {
            inner: TestHost::new(&dir.join("data"), now),
            environment: None,
            installed: None,
            orders: Mutex::new(Vec::new()),
        }
    }

    /// The audit chain's events, last first: (actor, action).
    fn events(&self) -> Vec<(String, String)> {
        let store = self.store().unwrap();
        let mut statement =
            store.connection_for_tests().prepare("SELECT actor, action FROM audit_events ORDER BY seq DESC").unwrap();
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
    }
}

impl Host for Machine {
    fn data_dir(&self) -> &triangulate_app::DataDir {
        self.inner.data_dir()
    }

    fn clock(&self) -> triangulate_app::host::Clock {
        self.inner.clock()
    }

    fn store(&self) -> triangulate_app::Result<OpenStore<'_>> {
        self.inner.store()
    }

    fn start_recorder(&self, order: &RecorderOrder) -> triangulate_app::Result<()> {
        self.orders.lock().unwrap().push(order.clone());
        Err(triangulate_app::AppError::Refused("no recorder in this test".into()))
    }

    fn browser_from_environment(&self) -> Option<PathBuf> {
        self.environment.clone()
    }

    fn installed_browser(&self) -> Option<PathBuf> {
        self.installed.clone()
    }
}

/// A program file named `name` in `dir`.
fn program(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, b"#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

/// A store with the example directory and Sam Patel, a registered access worker, at the laptop.
fn staffed(machine: &Machine) {
    admin::init(machine).unwrap();
    at_the_laptop(machine);
}

/// The example directory, and Sam Patel at the laptop.
fn at_the_laptop(machine: &Machine) {
    triangulate_app::people::import_staff(machine, include_str!("../../../../tests/fixtures/staff-example.csv"))
        .unwrap();
    triangulate_app::people::set_profile(
        machine,
        &triangulate_core::WorkerProfileInput { name: "Sam Patel".into(), role: "aaw".into(), staff_id: None },
    )
    .unwrap();
}

#[test]
fn a_session_opens_the_given_browser_then_the_environments_then_the_chosen_one_then_the_first_installed() {
    let temp = tempfile::tempdir().unwrap();
    let (given, env, chosen, edge) = (
        program(temp.path(), "given-browser"),
        program(temp.path(), "env-browser"),
        program(temp.path(), "chromium.exe"),
        program(temp.path(), "msedge.exe"),
    );
    let mut machine = Machine::new(temp.path());
    staffed(&machine);

    // Nothing installed, nothing chosen: nothing would open, and the settings say why.
    let shown = browser::show(&machine).unwrap();
    assert_eq!(shown.in_use, None);
    assert!(shown.problem.as_deref().unwrap().contains("install Microsoft Edge or Google Chrome"));

    machine.installed = Some(edge.clone());
    let shown = browser::show(&machine).unwrap();
    let in_use = shown.in_use.unwrap();
    assert_eq!((in_use.source, in_use.browser.name.as_str()), (BrowserSource::Found, "Microsoft Edge"));
    assert_eq!(in_use.in_words, format!("Captures will use Microsoft Edge at {}", edge.display()));
    assert_eq!(shown.found.unwrap().path, edge.display().to_string());

    browser::choose(&machine, chosen.to_str().unwrap()).unwrap();
    let in_use = browser::resolve(&machine, None).unwrap();
    assert_eq!((in_use.source, in_use.path()), (BrowserSource::Chosen, chosen.clone()));
    assert_eq!(in_use.browser.name, "Chromium");

    machine.environment = Some(env.clone());
    let in_use = browser::resolve(&machine, None).unwrap();
    assert_eq!((in_use.source, in_use.path()), (BrowserSource::Environment, env.clone()));
    let shown = browser::show(&machine).unwrap();
    assert_eq!(shown.in_use.unwrap().source, BrowserSource::Environment, "the settings agree with a session");
    assert_eq!(shown.chosen.unwrap().browser.path, chosen.display().to_string(), "the choice is kept behind it");

    let in_use = browser::resolve(&machine, Some(&given)).unwrap();
    assert_eq!((in_use.source, in_use.path()), (BrowserSource::Given, given.clone()));

    // The session start takes its browser from the same place: its recorder is told the
    // chosen program once the environment names none.
    machine.environment = None;
    let reference = legitimate_request(&machine);
    let account = register::add_account(&machine, "fixture", "council.checks", Some(true)).unwrap();
    let refused = sessions::start(&machine, &reference, 1, account.id, &BrowserChoice::default(), false).err().unwrap();
    assert_eq!(refused.code(), ErrorCode::Refused, "the recorder was refused here: {refused}");
    let orders = machine.orders.lock().unwrap().clone();
    assert_eq!(orders.iter().map(|o| o.executable.clone()).collect::<Vec<_>>(), [chosen.clone()]);

    // A chosen program that has gone is said, and a session refuses rather than opening another.
    std::fs::remove_file(&chosen).unwrap();
    let shown = browser::show(&machine).unwrap();
    assert_eq!(shown.in_use, None);
    assert!(!shown.chosen.unwrap().present);
    assert!(shown.problem.as_deref().unwrap().contains("is no longer on this laptop"), "{:?}", shown.problem);
    let refused = browser::resolve(&machine, None).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::BrowserFailed);
}

#[test]
fn a_choice_that_is_not_a_program_is_refused_by_its_field_and_changes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let chrome = program(temp.path(), "chrome.exe");
    let machine = Machine::new(temp.path());
    staffed(&machine);
    browser::choose(&machine, chrome.to_str().unwrap()).unwrap();
    let events = machine.events().len();

    let folder = temp.path().join("Application");
    std::fs::create_dir(&folder).unwrap();
    let missing = temp.path().join("msedge.exe");
    let mut bad = vec![
        ("   ".to_string(), "Choose the browser's program file"),
        (missing.display().to_string(), "There is no file at"),
        (folder.display().to_string(), "is a folder"),
    ];
    #[cfg(unix)]
    {
        let text = temp.path().join("notes.txt");
        std::fs::write(&text, "not a program").unwrap();
        bad.push((text.display().to_string(), "is not a program"));
    }
    for (typed, says) in bad {
        let refused = browser::choose(&machine, &typed).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidFields, "{typed}: {refused}");
        let fields = refused.fields();
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "path");
        assert!(fields[0].message.contains(says), "{typed}: {}", fields[0].message);
    }
    assert_eq!(machine.events().len(), events, "nothing was written");
    let kept = browser::show(&machine).unwrap().chosen.unwrap();
    assert_eq!(kept.browser.path, chrome.display().to_string(), "the earlier choice stands");
}

#[test]
fn the_choice_and_its_forgetting_are_audited_in_the_workers_name() {
    let temp = tempfile::tempdir().unwrap();
    let chrome = program(temp.path(), "google-chrome.exe");
    let machine = Machine::new(temp.path());
    admin::init(&machine).unwrap();

    // Nobody at the laptop yet: nobody to record it against, and nothing is written.
    let events = machine.events().len();
    let refused = browser::choose(&machine, chrome.to_str().unwrap()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Refused, "{refused}");
    assert!(refused.to_string().contains("no worker profile"), "{refused}");
    assert_eq!(machine.events().len(), events);

    at_the_laptop(&machine);
    let worker = triangulate_app::people::profile(&machine).unwrap().unwrap();
    let shown = browser::choose(&machine, chrome.to_str().unwrap()).unwrap();
    let chosen = shown.chosen.unwrap();
    assert_eq!(chosen.chosen_by.name, "Sam Patel");
    assert_eq!(chosen.chosen_by.staff_id.as_deref(), Some("S-104"));
    assert_eq!(chosen.chosen_at, "2026-12-01T10:00:00Z", "the host's clock");
    assert_eq!(chosen.browser.name, "Google Chrome");
    assert_eq!(machine.events()[0], (format!("worker:{}", worker.id), "browser.choose".to_string()));

    let shown = browser::forget(&machine).unwrap();
    assert_eq!(shown.chosen, None);
    assert_eq!(machine.events()[0], (format!("worker:{}", worker.id), "browser.forget".to_string()));
    let events = machine.events().len();
    let refused = browser::forget(&machine).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Refused, "nothing to forget: {refused}");
    assert_eq!(machine.events().len(), events);
    assert!(matches!(admin::audit_verify(&machine).unwrap().report, triangulate_core::ChainReport::Intact { .. }));
}

#[test]
fn with_no_browser_found_or_chosen_a_session_start_is_refused_naming_settings_and_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let machine = Machine::new(temp.path());
    staffed(&machine);
    let reference = legitimate_request(&machine);
    let account = register::add_account(&machine, "fixture", "council.checks", Some(true)).unwrap();
    let events = machine.events().len();

    let refused = sessions::start(&machine, &reference, 1, account.id, &BrowserChoice::default(), false).err().unwrap();
    assert_eq!(refused.code(), ErrorCode::BrowserFailed, "{refused}");
    let message = refused.to_string();
    assert!(message.contains("in Settings, under \"Browser for captures\""), "{message}");
    assert!(message.contains("install Microsoft Edge or Google Chrome"), "{message}");
    assert!(!message.contains("--"), "the message names no flag: {message}");
    assert_eq!(machine.events().len(), events, "no session was recorded");
    assert!(machine.orders.lock().unwrap().is_empty(), "no recorder was started");
    assert_eq!(
        requests::show(&machine, &reference).unwrap().state,
        triangulate_core::workflow::RequestState::LegitimacyConfirmed
    );
}

/// The example request, permitted and confirmed as legitimate by Sam Patel.
fn legitimate_request(machine: &Machine) -> String {
    triangulate_app::people::register_aaw(machine, "Sam Patel", "Director", "SD memo 12", "2026-10-01").unwrap();
    let mut file: serde_json::Value =
        serde_json::from_str(include_str!("../../../../tests/fixtures/request-example.json")).unwrap();
    file["subjects"][0]["profiles"] =
        serde_json::json!([{ "platform": "facebook", "url": "https://www.facebook.com/jane.example" }]);
    let reference = requests::create(machine, &file.to_string(), &Default::default(), None).unwrap().reference;
    for (step, by, evidence) in [
        (Step::Submit, "Rhian Evans", Some("email 19/11")),
        (Step::Agree, "Gwen Thomas", Some("email 20/11")),
        (Step::Permit, "Director", Some("memo SD/44")),
        (Step::ConfirmLegitimacy, "Sam Patel", None),
    ] {
        requests::take_step(machine, &reference, step, &decision(by, evidence)).unwrap();
    }
    reference
}
