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
    assert!(error.to_string().contains("triangulate recover"), "{error}");
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
