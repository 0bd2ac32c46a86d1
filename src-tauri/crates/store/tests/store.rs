//! The store through its public API, on real SQLCipher files and the kernel keyring.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use triangulate_core::{Actor, ChainReport, WorkerProfileInput};
use triangulate_store::{DataDir, Keystore, RecoveryError, RecoveryPhrase, Store, StoreError};

const SUBJECT: &str = "Zofia Wiśniewska-Kowalczyk";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, minute, 0).unwrap()
}

fn keystore() -> Keystore {
    Keystore::kernel_keyring().expect("the kernel keyring is available")
}

struct Fixture {
    _temp: tempfile::TempDir,
    dir: DataDir,
    keystore: Keystore,
    store_id: String,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.keystore.delete_key(&self.store_id);
    }
}

fn setup() -> (Fixture, Store, RecoveryPhrase) {
    let temp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(temp.path().join("data"));
    let keystore = keystore();
    let (store, phrase) = Store::init(&dir, &keystore, at(0)).unwrap();
    let store_id = store.store_id().to_string();
    (Fixture { _temp: temp, dir, keystore, store_id }, store, phrase)
}

/// SHA-256 of every file in the data folder, to prove a refusal touched nothing.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            files.insert(path.clone(), hex::encode(Sha256::digest(std::fs::read(&path).unwrap())));
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_new_store_opens_again_with_its_schema_and_first_audit_event() {
    let (fixture, store, phrase) = setup();
    assert_eq!(phrase.words().len(), 12);
    assert_eq!(store.schema_version().unwrap(), triangulate_store::LATEST_SCHEMA_VERSION);
    drop(store);
    let store = Store::open(&fixture.dir, &fixture.keystore).unwrap();
    assert_eq!(store.audit_verify().unwrap(), ChainReport::Intact { events: 1 });
    assert_eq!(store.store_id(), fixture.store_id);
}

#[test]
fn an_existing_store_is_never_replaced() {
    let (fixture, mut store, _) = setup();
    store.add_person(Actor::System, SUBJECT, &[], None, at(1)).unwrap();
    drop(store);
    let before = snapshot(fixture.dir.root());
    let error = Store::init(&fixture.dir, &fixture.keystore, at(2)).unwrap_err();
    assert!(matches!(error, StoreError::AlreadyInitialised(_)), "{error}");
    assert_eq!(snapshot(fixture.dir.root()), before);
    // Even with its key gone, init refuses rather than starting afresh.
    fixture.keystore.delete_key(&fixture.store_id).unwrap();
    assert!(matches!(Store::init(&fixture.dir, &fixture.keystore, at(3)), Err(StoreError::AlreadyInitialised(_))));
    assert_eq!(snapshot(fixture.dir.root()), before);
}

#[test]
fn no_stored_value_is_in_plaintext_in_the_database_or_its_wal_and_shm() {
    let (fixture, mut store, _) = setup();
    let aliases = vec!["Zosia Kowalczyk".to_string()];
    store.add_person(Actor::System, SUBJECT, &aliases, Some("1990-04-01"), at(1)).unwrap();
    let profile =
        WorkerProfileInput { name: "Siân Ní Bhriain".into(), role: "aaw".into(), staff_id: Some("SW-90210".into()) };
    store.set_worker_profile(&profile.validate().unwrap(), at(2)).unwrap();
    // The store is still open: the change sits in the -wal file, not yet checkpointed.
    let files = ["triangulate.db", "triangulate.db-wal", "triangulate.db-shm"];
    let wal = std::fs::read(fixture.dir.root().join("triangulate.db-wal")).unwrap();
    assert!(wal.len() > 4096, "the WAL holds the change");
    for file in files {
        let bytes = std::fs::read(fixture.dir.root().join(file)).unwrap();
        for needle in [SUBJECT, "Wiśniewska", "Zosia", "1990-04-01", "Siân", "SW-90210", "persons", "worker_profile"]
        {
            assert!(!contains(&bytes, needle.as_bytes()), "{needle} is readable in {file}");
        }
    }
    // And it reads back through the key.
    assert_eq!(store.persons().unwrap()[0].name, SUBJECT);
    drop(store);
    let db = std::fs::read(fixture.dir.root().join("triangulate.db")).unwrap();
    assert!(!contains(&db, SUBJECT.as_bytes()));
    assert!(!contains(&db, b"SQLite format 3"), "even the header is encrypted");
    for file in ["store.json", "recovery-key.json"] {
        let text = std::fs::read_to_string(fixture.dir.root().join(file)).unwrap();
        assert!(!text.contains("Wiśniewska"), "{file}");
    }
}

#[test]
fn a_missing_key_refuses_touches_nothing_and_points_to_recover() {
    let (fixture, mut store, _) = setup();
    store.add_person(Actor::System, SUBJECT, &[], None, at(1)).unwrap();
    drop(store);
    assert!(fixture.keystore.delete_key(&fixture.store_id).unwrap());
    let before = snapshot(fixture.dir.root());
    let error = Store::open(&fixture.dir, &fixture.keystore).unwrap_err();
    assert!(matches!(error, StoreError::KeyMissing { .. }), "{error}");
    // The store names no command: the CLI adds `triangulate recover` (tests/cli/store.rs).
    assert!(error.to_string().contains("recovery phrase") && !error.to_string().contains('`'), "{error}");
    assert_eq!(snapshot(fixture.dir.root()), before);
}

#[test]
fn a_wrong_key_gives_a_clear_error_and_touches_nothing() {
    let (first, mut store, _) = setup();
    store.add_person(Actor::System, SUBJECT, &[], None, at(1)).unwrap();
    drop(store);
    let (second, other, _) = setup();
    drop(other);
    // The first folder now names the second store's key.
    std::fs::copy(second.dir.store_file(), first.dir.store_file()).unwrap();
    let before = snapshot(first.dir.root());
    let error = Store::open(&first.dir, &first.keystore).unwrap_err();
    assert!(matches!(error, StoreError::WrongKey { .. }), "{error}");
    assert!(error.to_string().contains("does not open"), "{error}");
    assert_eq!(snapshot(first.dir.root()), before);
    let key_text = format!("{error:?}");
    assert!(!key_text.contains("x'"), "no key material in the error: {key_text}");
}

#[test]
fn recovery_after_losing_the_keyring_entry_reads_the_data_back() {
    let (fixture, mut store, phrase) = setup();
    store.add_person(Actor::System, SUBJECT, &[], None, at(1)).unwrap();
    drop(store);
    fixture.keystore.delete_key(&fixture.store_id).unwrap();

    // A phrase of another store unlocks nothing and leaves the key missing.
    let (_other_fixture, _other, other_phrase) = setup();
    let error = Store::recover(&fixture.dir, &fixture.keystore, &other_phrase, at(2)).unwrap_err();
    assert!(matches!(error, StoreError::Recovery(RecoveryError::WrongPhrase)), "{error}");
    assert!(matches!(Store::open(&fixture.dir, &fixture.keystore), Err(StoreError::KeyMissing { .. })));

    let typed = RecoveryPhrase::parse(&phrase.as_str().to_uppercase()).unwrap();
    let recovered = Store::recover(&fixture.dir, &fixture.keystore, &typed, at(3)).unwrap();
    assert_eq!(recovered.persons().unwrap()[0].name, SUBJECT);
    drop(recovered);
    let store = Store::open(&fixture.dir, &fixture.keystore).unwrap();
    assert_eq!(store.persons().unwrap().len(), 1);
    assert_eq!(store.audit_verify().unwrap(), ChainReport::Intact { events: 3 });
}

#[test]
fn recovery_replaces_a_wrong_key_and_restores_a_lost_store_file() {
    let (first, store, phrase) = setup();
    drop(store);
    let (second, other, _) = setup();
    drop(other);
    std::fs::copy(second.dir.store_file(), first.dir.store_file()).unwrap();
    assert!(matches!(Store::open(&first.dir, &first.keystore), Err(StoreError::WrongKey { .. })));
    // The recovery file knows the store's own id; put store.json right and the key back.
    std::fs::remove_file(first.dir.store_file()).unwrap();
    first.keystore.delete_key(&first.store_id).unwrap();
    Store::recover(&first.dir, &first.keystore, &phrase, at(1)).unwrap();
    assert!(first.dir.store_file().exists());
    assert!(Store::open(&first.dir, &first.keystore).is_ok());
}

#[test]
fn two_data_folders_never_share_a_key() {
    let (first, a, _) = setup();
    let (second, b, _) = setup();
    assert_ne!(a.store_id(), b.store_id());
    drop((a, b));
    second.keystore.delete_key(&second.store_id).unwrap();
    assert!(Store::open(&first.dir, &first.keystore).is_ok());
    assert!(matches!(Store::open(&second.dir, &second.keystore), Err(StoreError::KeyMissing { .. })));
}

#[test]
fn a_schema_newer_than_this_version_is_refused() {
    let (fixture, store, _) = setup();
    store.connection_for_tests().pragma_update(None, "user_version", 99).unwrap();
    drop(store);
    let error = Store::open(&fixture.dir, &fixture.keystore).unwrap_err();
    assert!(matches!(error, StoreError::NewerSchema { found: 99, .. }), "{error}");
}

fn tampered(tamper: &str) -> ChainReport {
    let (fixture, mut store, _) = setup();
    for minute in 1..=5 {
        store.add_person(Actor::Worker(1), &format!("Person {minute}"), &[], None, at(minute)).unwrap();
    }
    assert_eq!(store.audit_verify().unwrap(), ChainReport::Intact { events: 6 });
    store.connection_for_tests().execute_batch(tamper).unwrap();
    drop(store);
    // Checked afresh, as `triangulate audit verify` would.
    Store::open(&fixture.dir, &fixture.keystore).unwrap().audit_verify().unwrap()
}

fn broken_at(report: ChainReport) -> (u64, String) {
    match report {
        ChainReport::Broken { event, reason } => (event, reason),
        intact => panic!("tampering not detected: {intact}"),
    }
}

#[test]
fn editing_an_event_is_detected() {
    let (event, reason) = broken_at(tampered("UPDATE audit_events SET actor = 'worker:2' WHERE seq = 3"));
    assert_eq!(event, 3);
    assert!(reason.contains("changed after it was written"), "{reason}");
}

#[test]
fn deleting_an_event_is_detected() {
    let (event, reason) = broken_at(tampered("DELETE FROM audit_events WHERE seq = 4"));
    assert_eq!(event, 4);
    assert!(reason.contains("missing"), "{reason}");
}

#[test]
fn reordering_events_is_detected() {
    let (event, reason) = broken_at(tampered(
        "UPDATE audit_events SET seq = 100 WHERE seq = 2;
         UPDATE audit_events SET seq = 2 WHERE seq = 3;
         UPDATE audit_events SET seq = 3 WHERE seq = 100;",
    ));
    assert_eq!(event, 2);
    assert!(reason.contains("does not link"), "{reason}");
}

#[test]
fn truncating_the_chain_is_detected() {
    let (event, reason) = broken_at(tampered("DELETE FROM audit_events WHERE seq >= 5"));
    assert_eq!(event, 5);
    assert!(reason.contains("removed from the end"), "{reason}");
}

#[test]
fn emptying_the_chain_is_detected() {
    let (event, _) = broken_at(tampered("DELETE FROM audit_events"));
    assert_eq!(event, 1);
}

// Drafts of the Appendix 1 form.

use triangulate_core::Policy;
use triangulate_core::request::{ConsentStatus, Reason, Scope, SubjectRole};
use triangulate_core::request_form::{DateParts, RequestForm, SubjectForm};
use triangulate_core::workflow::{Decision, RequestState, Step};
use triangulate_store::PersonMatch;

fn with_profile(store: &mut Store) {
    let profile = WorkerProfileInput { name: "Ada Worker".into(), role: "osw".into(), staff_id: None };
    store.set_worker_profile(&profile.validate().unwrap(), at(1)).unwrap();
}

fn date(day: &str, month: &str, year: &str) -> DateParts {
    DateParts { day: day.into(), month: month.into(), year: year.into() }
}

fn complete_form(subject: &str) -> RequestForm {
    let mut form = RequestForm { case_reference: "CS-77".into(), ..Default::default() };
    form.originating_worker.name = "Ada Worker".into();
    form.originating_worker.team = "Assessment".into();
    form.team_manager.name = "Tom Manager".into();
    form.reason = Some(Reason::RiskyBehaviour);
    form.concern = "Parties at the home".into();
    form.triangulation = "Against the school's account".into();
    form.scope = Some(Scope::OneOff);
    form.period.from = date("1", "9", "2026");
    form.period.to = date("31", "10", "2026");
    form.consent.status = Some(ConsentStatus::Informed);
    form.subjects = vec![
        SubjectForm { role: Some(SubjectRole::Subject), name: subject.into(), ..Default::default() },
        SubjectForm {
            role: Some(SubjectRole::SuspectedAssociate),
            description: "Man in a red car".into(),
            ..Default::default()
        },
    ];
    form
}

fn policy() -> Policy {
    Policy::from_toml("").unwrap()
}

fn today() -> chrono::NaiveDate {
    at(0).date_naive()
}

/// A request made from a complete draft (started, saved and committed at 2, 3 and 4).
fn created(store: &mut Store) -> triangulate_store::RequestRecord {
    created_from(store, 2)
}

/// The same, started at `minute` and committed two minutes later: the chain's times run forward.
fn created_from(store: &mut Store, minute: u32) -> triangulate_store::RequestRecord {
    let draft = store.start_draft(None, at(minute)).unwrap();
    store.save_draft(draft.id, &complete_form(SUBJECT), at(minute + 1)).unwrap();
    store.commit_draft(draft.id, &BTreeMap::new(), &policy(), today(), at(minute + 2)).unwrap()
}

fn audit_actions(store: &Store) -> Vec<String> {
    let conn = store.connection_for_tests();
    let mut statement = conn.prepare("SELECT action FROM audit_events ORDER BY seq").unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_draft_keeps_what_was_typed_across_a_reopen_and_becomes_a_request_when_complete() {
    let (fixture, mut store, _) = setup();
    assert!(matches!(store.start_draft(None, at(1)), Err(StoreError::Refused(_))), "no profile yet");
    with_profile(&mut store);
    let draft = store.start_draft(None, at(2)).unwrap();
    let mut form = RequestForm { case_reference: "CS-7".into(), ..Default::default() };
    form.subjects.push(SubjectForm { name: SUBJECT.into(), ..Default::default() });
    form.period.to = date("3", "", "");
    store.save_draft(draft.id, &form, at(3)).unwrap();
    drop(store);

    let mut store = Store::open(&fixture.dir, &fixture.keystore).unwrap();
    assert_eq!(store.draft(draft.id).unwrap().form, form, "every box as typed, even a part-typed date");
    assert_eq!(store.drafts().unwrap()[0].title, "CS-7");
    let check = store.check_draft(draft.id, &policy(), today()).unwrap();
    let fields: Vec<&str> = check.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"reason") && fields.contains(&"period.to") && fields.contains(&"subjects[1].role"));
    let refused = store.commit_draft(draft.id, &BTreeMap::new(), &policy(), today(), at(4));
    assert!(matches!(refused, Err(StoreError::Fields(_))));
    assert_eq!(store.requests().unwrap().len(), 0, "an incomplete draft creates nothing");

    store.save_draft(draft.id, &complete_form(SUBJECT), at(5)).unwrap();
    assert!(store.check_draft(draft.id, &policy(), today()).unwrap().errors.is_empty());
    let record = store.commit_draft(draft.id, &BTreeMap::new(), &policy(), today(), at(6)).unwrap();
    assert_eq!(record.reference, "REQ-2026-0001");
    assert_eq!(record.state, RequestState::Draft);
    assert_eq!(record.request.subjects[1].description.as_deref(), Some("Man in a red car"));
    assert!(matches!(store.draft(draft.id), Err(StoreError::NotFound { .. })), "the draft is gone");
    assert_eq!(
        audit_actions(&store)[2..],
        ["draft.start", "draft.save", "draft.save", "request.create"].map(String::from)
    );
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { events: 6 }));
}

#[test]
fn a_linked_draft_becomes_a_request_linked_to_its_parent_and_flagged_for_the_service_director() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let parent = created(&mut store);
    let linked = store.start_linked_draft(&parent.reference, "https://facebook.com/the.other.man", at(4)).unwrap();
    assert_eq!(linked.parent.as_deref(), Some(parent.reference.as_str()));
    assert_eq!(linked.request, None, "a new request, not a change to the parent");
    assert_eq!(linked.form.subjects[0].profiles[0].url, "https://facebook.com/the.other.man");
    let mut form = linked.form.clone();
    form.subjects[0].description = "The man in the photos".into();
    form.triangulation = "Against the police's account".into();
    form.scope = complete_form(SUBJECT).scope;
    form.consent = complete_form(SUBJECT).consent;
    store.save_draft(linked.id, &form, at(5)).unwrap();
    assert_eq!(store.draft(linked.id).unwrap().parent.as_deref(), Some(parent.reference.as_str()), "kept across saves");
    let record = store.commit_draft(linked.id, &BTreeMap::new(), &policy(), today(), at(6)).unwrap();
    assert_eq!(record.parent.as_deref(), Some(parent.reference.as_str()));
    assert!(record.flagged_for_sd);
    assert!(!store.request(&parent.reference).unwrap().flagged_for_sd, "the parent is not flagged");
    assert!(matches!(
        store.start_linked_draft("REQ-2026-0099", "https://facebook.com/x", at(7)),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn a_request_is_changed_through_a_draft_until_it_is_submitted() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let created = created(&mut store);
    let person = created.subjects[0].person_id.unwrap();

    let change = store.start_draft(Some(&created.reference), at(5)).unwrap();
    assert_eq!(change.form, complete_form(SUBJECT), "the form is filled in from the request");
    assert_eq!(store.start_draft(Some(&created.reference), at(6)).unwrap().id, change.id, "one draft per request");
    let mut form = change.form.clone();
    form.concern = "Parties and a new partner".into();
    store.save_draft(change.id, &form, at(7)).unwrap();
    assert!(store.check_draft(change.id, &policy(), today()).unwrap().possible_matches.is_empty(), "its own person");
    let changed = store.commit_draft(change.id, &BTreeMap::new(), &policy(), today(), at(8)).unwrap();
    assert_eq!(changed.reference, created.reference);
    assert_eq!(changed.request.concern, "Parties and a new partner");
    assert_eq!(changed.subjects[0].person_id, Some(person), "the same person, not a copy");
    assert_eq!(store.persons().unwrap().len(), 1);

    let submit =
        Decision { decided_by: "Ada Worker".into(), evidence: None, note: None, conditions: None, decided_on: None };
    store.take_step(&created.reference, Step::Submit, store.laptop_worker().unwrap().id, &submit, at(9)).unwrap();
    let refused = store.start_draft(Some(&created.reference), at(10));
    assert!(matches!(refused, Err(StoreError::Refused(ref m)) if m.contains("submitted")), "{refused:?}");
}

#[test]
fn a_person_who_may_be_known_must_be_settled_before_a_draft_is_saved_as_a_request() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let first = store.start_draft(None, at(2)).unwrap();
    store.save_draft(first.id, &complete_form(SUBJECT), at(3)).unwrap();
    let earlier = store.commit_draft(first.id, &BTreeMap::new(), &policy(), today(), at(4)).unwrap();
    let known = earlier.subjects[0].person_id.unwrap();

    let second = store.start_draft(None, at(5)).unwrap();
    store.save_draft(second.id, &complete_form(SUBJECT), at(6)).unwrap();
    let check = store.check_draft(second.id, &policy(), today()).unwrap();
    assert_eq!(check.possible_matches.len(), 1);
    assert_eq!((check.possible_matches[0].subject, check.possible_matches[0].person.id), (1, known));
    let named_in: Vec<&str> = check.possible_matches[0].earlier_requests.iter().map(|r| r.reference.as_str()).collect();
    assert_eq!(named_in, [earlier.reference.as_str()], "the earlier request that names the person");
    let unsettled = store.commit_draft(second.id, &BTreeMap::new(), &policy(), today(), at(7));
    assert!(matches!(unsettled, Err(StoreError::Refused(_))));
    assert!(store.draft(second.id).is_ok(), "a refused commit keeps the draft");
    let settled = BTreeMap::from([(1, PersonMatch::Same(known))]);
    let record = store.commit_draft(second.id, &settled, &policy(), today(), at(8)).unwrap();
    assert_eq!(record.subjects[0].person_id, Some(known));
}

#[test]
fn a_decision_with_a_step_this_version_does_not_know_is_damage_not_a_submission() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let created = created(&mut store);
    let submit =
        Decision { decided_by: "Ada Worker".into(), evidence: None, note: None, conditions: None, decided_on: None };
    store.take_step(&created.reference, Step::Submit, store.laptop_worker().unwrap().id, &submit, at(5)).unwrap();
    assert_eq!(store.request(&created.reference).unwrap().decisions[0].step, Step::Submit);

    store.connection_for_tests().execute_batch("UPDATE decisions SET step = 'launch-the-rockets'").unwrap();
    let read = store.request(&created.reference);
    assert!(
        matches!(read, Err(StoreError::Damaged { ref reason, .. }) if reason.contains("step") && reason.contains(&created.reference)),
        "{read:?}"
    );
}

use triangulate_evidence::{
    AppInfo, BrowserInfo, FullPageInfo, MANIFEST_FORMAT, Manifest, NewArtefact, OperatingSystemInfo, Provenance,
    TrailEvent, ViewportInfo, canonical_json, verify_manifest,
};

fn provenance(outside_scope_reason: Option<&str>) -> Provenance {
    Provenance {
        url: "https://example.test/profile/jane".into(),
        original_url: "https://example.test/profile/jane".into(),
        title: "Jane".into(),
        tab: "T1".into(),
        capture_started_at: "2026-11-23T10:07:00.000Z".into(),
        capture_ended_at: "2026-11-23T10:07:01.500Z".into(),
        http: serde_json::json!({ "known": false, "why": "not seen", "status_from_navigation_timing": 200 }),
        tls: serde_json::json!({ "https": false }),
        browser: BrowserInfo {
            product: "Chrome/142.0".into(),
            revision: "@1".into(),
            protocol_version: "1.3".into(),
            user_agent: "Mozilla/5.0".into(),
        },
        viewport: ViewportInfo { width: 1280, height: 720, device_scale_factor: 1.0 },
        full_page: FullPageInfo {
            page_width_css: 1280.0,
            page_height_css: 2000.0,
            captured_height_css: 2000.0,
            capped: false,
            cap_device_px: 250_000.0,
            limit_css_px: 250_000.0,
            tiles: Vec::new(),
            joined: true,
            method: Some("all_at_once".into()),
            scroll_dependent: None,
            scrolling: None,
        },
        operating_system: OperatingSystemInfo { family: "linux".into(), arch: "x86_64".into() },
        app: AppInfo { name: "Triangulate".into(), version: "0.1.0".into() },
        worker_statement: None,
        outside_scope_reason: outside_scope_reason.map(str::to_string),
        archive: None,
    }
}

#[test]
fn a_capture_is_stored_with_a_typed_manifest_that_verifies_and_reads_back() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let request = created(&mut store);
    let account = store.add_account("fixture", "council.checks", Some(true), at(5)).unwrap();
    let session = store.start_session(&request, 1, account.id, None, at(6)).unwrap();
    let event = TrailEvent {
        at: at(6) + chrono::Duration::milliseconds(125),
        kind: "navigation".into(),
        tab: "T1".into(),
        url: "https://example.test/profile/jane".into(),
        detail: serde_json::json!({}),
    };
    store.add_trail_events(session.id, std::slice::from_ref(&event), at(6)).unwrap();

    let artefacts =
        || vec![NewArtefact { kind: "mhtml".into(), media_type: "multipart/related", bytes: b"MIME".to_vec() }];
    let plain = store.store_capture(&session, provenance(None), artefacts(), at(7)).unwrap();
    let reasoned = store.store_capture(&session, provenance(Some("Her second account")), artefacts(), at(8)).unwrap();

    for record in [&plain, &reasoned] {
        assert_eq!(verify_manifest(&record.manifest, &record.signature), Ok(()));
        let manifest: Manifest = serde_json::from_str(&record.manifest).unwrap();
        assert_eq!(manifest.to_canonical_json(), record.manifest, "the typed manifest writes the signed bytes");
        assert_eq!((manifest.format.as_str(), manifest.capture_id), (MANIFEST_FORMAT, record.id));
        assert_eq!(manifest.request, request.reference);
        assert_eq!(manifest.worker.as_ref().map(|w| w.name.as_str()), Some("Ada Worker"));
        assert_eq!(manifest.trail, std::slice::from_ref(&event));
        assert_eq!(manifest.artefacts, record.artefacts);
        assert_eq!(record.artefacts[0].sha256, triangulate_evidence::sha256_hex(b"MIME"));
    }
    let value = |record: &triangulate_store::CaptureRecord| -> serde_json::Value {
        serde_json::from_str(&record.manifest).unwrap()
    };
    assert!(!value(&plain)["provenance"].as_object().unwrap().contains_key("outside_scope_reason"));
    assert_eq!(value(&reasoned)["provenance"]["outside_scope_reason"], "Her second account");
    assert_eq!(canonical_json(&value(&plain)), plain.manifest);
    let key = store.signing_key_info(at(9)).unwrap();
    assert_eq!(value(&plain)["signing_key"]["public_key"], key.public_key.as_str(), "one installation key");
}

/// A request with a session, a trail and one capture whose pictures hold `marker`.
fn request_with_capture(store: &mut Store, marker: &[u8]) -> (String, triangulate_store::CaptureRecord) {
    with_profile(store);
    let request = created(store);
    let account = store.add_account("fixture", "council.checks", Some(true), at(5)).unwrap();
    let session = store.start_session(&request, 1, account.id, None, at(6)).unwrap();
    let event = TrailEvent {
        at: at(6),
        kind: "navigation".into(),
        tab: "T1".into(),
        url: "https://example.test/profile/trail-marker-5150".into(),
        detail: serde_json::json!({}),
    };
    store.add_trail_events(session.id, &[event], at(6)).unwrap();
    let mut png = b"\x89PNG fake picture ".to_vec();
    for _ in 0..200 {
        png.extend_from_slice(marker);
    }
    let artefacts = vec![
        NewArtefact { kind: "viewport_png".into(), media_type: "image/png", bytes: png },
        NewArtefact {
            kind: "mhtml".into(),
            media_type: "multipart/related",
            bytes: [b"MIME ".as_slice(), marker].concat(),
        },
    ];
    let capture = store.store_capture(&session, provenance(None), artefacts, at(7)).unwrap();
    (request.reference, capture)
}

/// Every table of the database, decrypted with its key into a plain copy (`sqlcipher_export`).
fn plain_copy(store: &Store, dir: &Path) -> Vec<u8> {
    let plain = dir.join("plain-copy.db");
    let conn = store.connection_for_tests();
    conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [plain.to_str().unwrap()]).unwrap();
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).unwrap();
    conn.execute_batch("DETACH DATABASE plain").unwrap();
    std::fs::read(&plain).unwrap()
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn disposal_removes_every_byte_of_a_capture_leaves_a_tombstone_and_keeps_the_chain_whole() {
    let (fixture, mut store, _) = setup();
    let marker = b"disposed-picture-marker-0x5f3759df";
    let (reference, capture) = request_with_capture(&mut store, marker);
    let judgement = triangulate_core::evidence::JudgementInput {
        relevant: Some(false),
        useful_and_unique: Some(false),
        attribution: Some(triangulate_core::evidence::Attribution::Unverified),
        ..Default::default()
    }
    .validate()
    .unwrap();
    store.judge_capture(capture.id, &judgement, at(8)).unwrap();
    let copies = fixture.dir.root().parent().unwrap().to_path_buf();
    assert!(holds(&plain_copy(&store, &copies), marker), "the check finds the marker while it is held");
    std::fs::remove_file(copies.join("plain-copy.db")).unwrap();

    // Thirty days after the judgement (the default), the capture alone falls due.
    let retention = policy().retention;
    let facts = store.retention_facts().unwrap();
    let judged_on = at(8).date_naive();
    let due_on = judged_on + chrono::Days::new(u64::from(retention.not_relevant_capture_days));
    let before = triangulate_core::retention::review(&retention, &facts, due_on.pred_opt().unwrap());
    assert!(before.due.is_empty(), "not due the day before: {:?}", before.due);
    let review = triangulate_core::retention::review(&retention, &facts, due_on);
    assert_eq!(review.due.len(), 1);
    assert_eq!(review.due[0].id, capture.id.to_string());

    // A hold keeps it; its release lets it fall due again.
    store.place_hold(&reference, "Legal Services", "Care proceedings issued", at(9)).unwrap();
    let held = triangulate_core::retention::review(&retention, &store.retention_facts().unwrap(), due_on);
    assert!(held.due.is_empty());
    assert_eq!(held.held, std::slice::from_ref(&reference));
    assert!(matches!(store.place_hold(&reference, "x", "y", at(9)), Err(StoreError::Refused(_))), "one hold at a time");
    store.release_hold(&reference, "Legal Services", "Proceedings ended", at(10)).unwrap();
    let due = triangulate_core::retention::review(&retention, &store.retention_facts().unwrap(), due_on).due;

    let done = store.dispose(&due, "Ann Officer", at(40), &triangulate_store::DisposalDating::LaptopClock).unwrap();
    assert_eq!(done.len(), 1);
    let mut expected: Vec<String> = capture.artefacts.iter().map(|a| a.sha256.clone()).collect();
    expected.sort();
    expected.push(triangulate_evidence::sha256_hex(capture.manifest.as_bytes()));
    let mut kept = done[0].digests.clone();
    let manifest_digest = kept.pop().unwrap();
    kept.sort();
    kept.push(manifest_digest);
    assert_eq!(kept, expected, "the tombstone keeps every digest the capture had");
    assert_eq!(store.disposals().unwrap()[0].disposed_by, "Ann Officer");
    assert!(matches!(store.capture(capture.id), Err(StoreError::NotFound { .. })));

    // No byte of it anywhere: not in a decrypted copy, not in the journal.
    let plain = plain_copy(&store, &copies);
    assert!(!holds(&plain, marker), "the disposed picture's bytes are gone");
    assert!(holds(&plain, b"trail-marker-5150"), "what was not disposed is still there");
    let wal = fixture.dir.root().join("triangulate.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "the journal is checkpointed empty");
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }), "the chain verifies after disposal");

    // Once the request is closed, its session's trail goes later, and the whole request after
    // the request period: its number is never given again.
    let whole = triangulate_core::retention::Due {
        kind: triangulate_core::retention::RecordKind::Request,
        id: reference.clone(),
        request: Some(reference.clone()),
        rule: triangulate_core::retention::Rule::Closed,
        trigger_on: judged_on,
        due_on,
        why: "test".into(),
    };
    store.dispose(&[whole], "Ann Officer", at(41), &triangulate_store::DisposalDating::LaptopClock).unwrap();
    assert!(matches!(store.request(&reference), Err(StoreError::NotFound { .. })));
    assert!(!holds(&plain_copy_again(&store, &copies), SUBJECT.as_bytes()), "no name of the request is left");
    let next = store.start_draft(None, at(42)).unwrap();
    store.save_draft(next.id, &complete_form("Another Person"), at(42)).unwrap();
    let created = store.commit_draft(next.id, &BTreeMap::new(), &policy(), today(), at(43)).unwrap();
    assert_ne!(created.reference, reference, "a disposed request's number is not given again");
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }));
}

fn plain_copy_again(store: &Store, dir: &Path) -> Vec<u8> {
    let _ = std::fs::remove_file(dir.join("plain-copy.db"));
    plain_copy(store, dir)
}

/// The audit events retention lists on `day` under the default policy.
fn due_on_day(store: &Store, day: chrono::NaiveDate) -> Vec<triangulate_core::retention::Due> {
    let review = triangulate_core::retention::review(&policy().retention, &store.retention_facts().unwrap(), day);
    review.due.into_iter().filter(|d| d.kind == triangulate_core::retention::RecordKind::AuditEvents).collect()
}

fn whole_request(reference: &str, day: chrono::NaiveDate) -> triangulate_core::retention::Due {
    triangulate_core::retention::Due {
        kind: triangulate_core::retention::RecordKind::Request,
        id: reference.to_string(),
        request: Some(reference.to_string()),
        rule: triangulate_core::retention::Rule::Closed,
        trigger_on: day,
        due_on: day,
        why: "test".into(),
    }
}

#[test]
fn the_oldest_audit_events_are_pruned_behind_a_signed_checkpoint_and_the_rest_still_verifies() {
    use triangulate_core::retention::RecordKind;
    let (fixture, mut store, _) = setup();
    let (first, _) = request_with_capture(&mut store, b"pruned-marker");
    let today = at(0).date_naive();
    store
        .dispose(
            &[whole_request(&first, today)],
            "Ann Officer",
            at(41),
            &triangulate_store::DisposalDating::LaptopClock,
        )
        .unwrap();
    let second = created_from(&mut store, 42).reference;
    let (second_events, _) = store.request_audit_events(&second).unwrap();
    let head = store.audit_head().unwrap();

    let years = policy().retention.audit_years;
    let period_end = today.checked_add_months(chrono::Months::new(12 * years)).unwrap();
    assert!(due_on_day(&store, period_end.pred_opt().unwrap()).is_empty(), "kept for the audit period");
    let due = due_on_day(&store, period_end);
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].kind, RecordKind::AuditEvents);
    let through = second_events[0].seq - 1;
    assert_eq!(due[0].id, through.to_string(), "the prefix stops at the first event of a request still held");

    let done = store.dispose(&due, "Ann Officer", at(50), &triangulate_store::DisposalDating::LaptopClock).unwrap();
    assert_eq!((done[0].kind, done[0].digests.len()), (RecordKind::AuditEvents, 2));
    assert_eq!(
        store.audit_verify().unwrap(),
        ChainReport::Intact { events: head.count + 1 },
        "the kept events verify from the checkpoint, with the disposal's own event after them"
    );
    let (kept, kept_head) = store.request_audit_events(&second).unwrap();
    assert_eq!(kept, second_events, "the request still held keeps every event");
    assert_eq!(
        triangulate_core::audit::verify_request_chain(&kept, &second, &kept_head),
        ChainReport::Intact { events: kept.len() as u64 }
    );
    assert!(due_on_day(&store, period_end).is_empty(), "the disposal's own event is not yet past its period");

    // The checkpoint is signed: a changed one, or none, breaks the chain where the kept events start.
    let conn = store.connection_for_tests();
    let manifest: String = conn.query_row("SELECT manifest FROM audit_checkpoints", [], |r| r.get(0)).unwrap();
    let forged = manifest.replace("\"pruned_by\":\"Ann Officer\"", "\"pruned_by\":\"Someone Else\"");
    assert_ne!(forged, manifest);
    conn.execute("UPDATE audit_checkpoints SET manifest = ?1", [&forged]).unwrap();
    let (event, reason) = broken_at(store.audit_verify().unwrap());
    assert_eq!(event, through + 1);
    assert!(reason.contains("checkpoint") && reason.contains("does not verify"), "{reason}");
    let conn = store.connection_for_tests();
    conn.execute("UPDATE audit_checkpoints SET manifest = ?1", [&manifest]).unwrap();
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }));
    let conn = store.connection_for_tests();
    conn.execute("UPDATE audit_checkpoints SET through_seq = through_seq - 1", []).unwrap();
    assert!(broken_at(store.audit_verify().unwrap()).1.contains("moved"));
    let conn = store.connection_for_tests();
    conn.execute("UPDATE audit_checkpoints SET through_seq = through_seq + 1", []).unwrap();
    conn.execute_batch("CREATE TABLE kept AS SELECT * FROM audit_checkpoints; DELETE FROM audit_checkpoints;").unwrap();
    let (event, reason) = broken_at(store.audit_verify().unwrap());
    assert_eq!(event, 1);
    assert!(reason.contains("missing"), "{reason}");
    let conn = store.connection_for_tests();
    conn.execute_batch("INSERT INTO audit_checkpoints SELECT * FROM kept; DROP TABLE kept;").unwrap();
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }), "put back, it verifies");

    // A second pruning, once the second request is disposed of too, carries the first's
    // request heads on: the chain verifies from the newer checkpoint.
    store
        .dispose(
            &[whole_request(&second, today)],
            "Ann Officer",
            at(51),
            &triangulate_store::DisposalDating::LaptopClock,
        )
        .unwrap();
    let later = period_end.checked_add_months(chrono::Months::new(12)).unwrap();
    let due = due_on_day(&store, later);
    assert_eq!(due.len(), 1, "{due:?}");
    let second_through: u64 = due[0].id.parse().unwrap();
    assert!(second_through > through);
    store.dispose(&due, "Ann Officer", at(52), &triangulate_store::DisposalDating::LaptopClock).unwrap();
    let count: i64 =
        store.connection_for_tests().query_row("SELECT COUNT(*) FROM audit_checkpoints", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 2);
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }));
    drop(store);
    let reopened = Store::open(&fixture.dir, &fixture.keystore).unwrap();
    assert!(matches!(reopened.audit_verify().unwrap(), ChainReport::Intact { .. }), "and after a reopen");
}

fn known(path: &str, sha256: Option<&str>) -> triangulate_store::KnownFile {
    triangulate_store::KnownFile {
        path: path.into(),
        sha256: sha256.map(Into::into),
        bytes: 1,
        folder: sha256.is_none(),
    }
}

#[test]
fn a_disposal_dated_by_an_authority_keeps_the_list_it_stamped_and_reaches_every_export_holding_what_goes() {
    use triangulate_core::retention::{Due, RecordKind, Rule};
    use triangulate_store::{DisposalDating, DisposalStamp};
    let (_fixture, mut store, _) = setup();
    let (reference, capture) = request_with_capture(&mut store, b"exported-marker");
    let next = store.start_draft(None, at(9)).unwrap();
    store.save_draft(next.id, &complete_form("Another Person"), at(9)).unwrap();
    let other = store.commit_draft(next.id, &BTreeMap::new(), &policy(), today(), at(9)).unwrap().reference;
    let id = capture.id;
    let subject = format!("capture:{id}");
    let own = [known("/out/capture-1.png", Some(&"a".repeat(64))), known("/out", None)];
    store.record_file_export("capture", &subject, std::slice::from_ref(&reference), &[id], &own, at(8)).unwrap();
    let both = [reference.clone(), other.clone()];
    let sar = [known("/sar/person-1.pdf", Some(&"b".repeat(64)))];
    store.record_file_export("subject_access", "person:1", &both, &[id], &sar, at(8)).unwrap();
    let register = [known("/central.csv", Some(&"c".repeat(64)))];
    store
        .record_file_export("central_record", "central_record", std::slice::from_ref(&other), &[], &register, at(8))
        .unwrap();

    // Disposing of the capture reaches its own export and the subject access export that holds
    // it, never an export that does not.
    let due = Due {
        kind: RecordKind::Capture,
        id: id.to_string(),
        request: Some(reference.clone()),
        rule: Rule::CaptureNotRelevant,
        trigger_on: today(),
        due_on: today(),
        why: "test".into(),
    };
    let reach = store.disposal_reach(std::slice::from_ref(&due)).unwrap();
    let paths: Vec<&str> = reach.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["/out/capture-1.png", "/out", "/sar/person-1.pdf"]);
    assert!(reach.files[1].folder && !reach.files[0].folder);

    // The list an authority stamps names what goes with the digests its tombstone keeps.
    let list = store.disposal_list(std::slice::from_ref(&due), at(40)).unwrap();
    let stamp = DisposalStamp {
        document: list.clone(),
        answer: b"the authority's answer".to_vec(),
        authority: "http://tsa.test/".into(),
        stamped_at: at(41),
    };
    let done =
        store.dispose(std::slice::from_ref(&due), "Ann Officer", at(40), &DisposalDating::Authority(stamp)).unwrap();
    let stamped: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(stamped["format"], triangulate_store::DISPOSAL_LIST_FORMAT);
    assert_eq!(stamped["records"][0]["object"], id.to_string());
    assert_eq!(stamped["records"][0]["digests"], serde_json::json!(done[0].digests));
    let tombstone = store.disposals().unwrap().pop().unwrap();
    assert_eq!((tombstone.time_source.as_str(), tombstone.timestamped_at.is_some()), ("tsa", true));
    let kept = store.disposal_stamps().unwrap();
    assert_eq!((kept.len(), kept[0].document.as_str()), (1, list.as_str()));

    // The records of the exports reached went with it: the request's disposal later reaches
    // only what is left, and no disposed export's path stays in the store.
    let reach = store.disposal_reach(&[whole_request(&reference, today())]).unwrap();
    assert!(reach.files.is_empty(), "{:?}", reach.files);
    let reach = store.disposal_reach(&[whole_request(&other, today())]).unwrap();
    assert_eq!(reach.files, register);
    store.dispose(&[whole_request(&other, today())], "Ann Officer", at(42), &DisposalDating::LaptopClock).unwrap();
    let last = store.disposals().unwrap().pop().unwrap();
    assert_eq!((last.time_source.as_str(), last.timestamped_at), ("laptop_clock", None));
    assert!(matches!(store.audit_verify().unwrap(), ChainReport::Intact { .. }));
}

#[test]
fn a_registration_from_before_the_service_directors_decision_allows_nothing_until_completed() {
    let (_fixture, mut store, _) = setup();
    with_profile(&mut store);
    let new = |name: &str, role: &str| {
        triangulate_core::staff::StaffInput { name: name.into(), roles: vec![role.into()], staff_id: None, team: None }
            .validate()
            .unwrap()
    };
    let people = [
        (String::new(), new("Tom Manager", "tm")),
        (String::new(), new("Sue Director", "sd")),
        (String::new(), new("Ivy Incomplete", "aaw")),
    ];
    let added = store.add_staff(&people, at(2)).unwrap();
    let (tm, sd, ivy) = (added[0].id, added[1].id, added[2].id);
    // As a store from before the directory left it: registered without the decision.
    store
        .connection_for_tests()
        .execute(
            "INSERT INTO aaw_register (name, name_key, registered_at, staff) VALUES ('Ivy Incomplete', 'ivy', 't', ?1)",
            [ivy],
        )
        .unwrap();
    assert_eq!(store.staff_member(ivy).unwrap().aaw, triangulate_core::duties::AawRegistration::Incomplete);
    let request = created_from(&mut store, 3);
    let by_email = |evidence: &str| Decision {
        decided_by: String::new(),
        evidence: Some(evidence.into()),
        note: None,
        conditions: None,
        decided_on: None,
    };
    let ada = store.laptop_worker().unwrap().id;
    store.take_step(&request.reference, Step::Submit, ada, &by_email("x"), at(6)).unwrap();
    store.take_step(&request.reference, Step::Agree, tm, &by_email("Email 1"), at(7)).unwrap();
    store.take_step(&request.reference, Step::Permit, sd, &by_email("Memo 2"), at(8)).unwrap();
    let refused = store.take_step(&request.reference, Step::ConfirmLegitimacy, ivy, &by_email("Email 3"), at(9));
    match refused {
        Err(StoreError::Guarded { refusals, .. }) => {
            assert_eq!(refusals.iter().map(|r| r.code).collect::<Vec<_>>(), ["aaw_registration_incomplete"])
        }
        other => panic!("{other:?}"),
    }
    let completed = store.register_aaw(ivy, sd, "SD memo 4", today(), at(10)).unwrap();
    assert!(!completed.incomplete && completed.decided_by.as_ref().unwrap().name == "Sue Director");
    assert_eq!(store.aaws().unwrap().len(), 1, "the same registration, completed");
    let record =
        store.take_step(&request.reference, Step::ConfirmLegitimacy, ivy, &by_email("Email 3"), at(11)).unwrap();
    assert_eq!(record.state, RequestState::LegitimacyConfirmed);
    let again = store.register_aaw(ivy, sd, "SD memo 5", today(), at(12));
    assert!(matches!(again, Err(StoreError::Refused(_))), "registered once");
}
