//! The encrypted store: SQLCipher opened with a raw 32-byte key kept in the OS credential
//! store, versioned migrations, the recovery phrase, and the audit chain every change goes
//! through.
//!
//! Invariants: an existing store is never replaced by a new one; a missing or wrong key
//! refuses and changes nothing; every change is written in one transaction together with
//! its audit event; no key, phrase or stored value appears in an error or a log line.

mod accounts;
mod audit;
mod captures;
mod data_dir;
mod drafts;
mod error;
mod keystore;
mod logging;
mod logs;
mod migrations;
mod persons;
mod recovery;
mod requests;
mod secrets;
mod sessions;
mod status;
mod trail;
mod workers;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};
use serde::{Deserialize, Serialize};
use triangulate_core::{Actor, ChainHead, ChainReport, NewAuditEvent, Policy};

pub use accounts::{AccountRecord, AuthorisationInput, AuthorisationKind, AuthorisationRecord, Renewal};
pub use captures::{ArtefactRecord, CaptureRecord, NewArtefact, Provenance, verify_manifest};
pub use data_dir::{DATA_DIR_ENV, DataDir};
pub use drafts::{DraftCheck, DraftRecord, DraftSummary};
pub use error::{ErrorKind, RecoveryError, Result, StoreError};
pub use keystore::{KEYSTORE_ENV, Keystore, KeystoreKind};
pub use logging::init_logging;
pub use logs::{LogRecord, LogVersion};
pub use migrations::LATEST as LATEST_SCHEMA_VERSION;
pub use persons::PersonRecord;
pub use recovery::RecoveryPhrase;
pub use requests::{AawRecord, DecisionRecord, PersonMatch, PossibleMatch, RequestRecord, RequestSummary, SubjectLink};
pub use secrets::SigningKeyInfo;
pub use sessions::{SessionBrowser, SessionRecord};
pub use status::{AuditSummary, StoreState, StoreStatus, store_status};
pub use trail::{DocumentResponse, TrailEvent};
pub use workers::WorkerRecord;

use data_dir::write_atomically;
use keystore::DatabaseKey;

const STORE_FILE_FORMAT: u32 = 1;

/// `store.json`: the store's id (which names its key in the credential store). No secret.
#[derive(Serialize, Deserialize)]
struct StoreFile {
    format: u32,
    store_id: String,
    created_at: String,
}

/// An open, unlocked store.
pub struct Store {
    conn: Connection,
    data_dir: DataDir,
    store_id: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("data_dir", &self.data_dir).field("store_id", &self.store_id).finish()
    }
}

impl Store {
    /// Creates a new store in an empty data folder: a random key into the credential store,
    /// the key wrapped by a new recovery phrase into the recovery file, the schema, and the
    /// first audit event. The phrase is returned to be shown once.
    pub fn init(data_dir: &DataDir, keystore: &Keystore, now: DateTime<Utc>) -> Result<(Store, RecoveryPhrase)> {
        if data_dir.database().exists() {
            return Err(StoreError::AlreadyInitialised(data_dir.root().to_path_buf()));
        }
        data_dir.create()?;
        let store_id = uuid::Uuid::new_v4().to_string();
        let key = DatabaseKey::random()?;
        let phrase = RecoveryPhrase::generate()?;

        // Recovery file first, key second, database last. Until the first audit event is
        // committed there is nothing to lose: on any failure the pieces are taken away again
        // so that `init` can simply be run again.
        let created = (|| {
            let wrapped = recovery::wrap(&key, &phrase, &store_id)?;
            recovery::write_file(&data_dir.recovery_file(), &wrapped)?;
            let store_file = StoreFile {
                format: STORE_FILE_FORMAT,
                store_id: store_id.clone(),
                created_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            };
            write_atomically(&data_dir.store_file(), &serde_json::to_vec_pretty(&store_file).expect("serialises"))?;
            keystore.set_key(&store_id, &key)?;
            let conn = open_connection(data_dir, keystore, &key, true)?;
            let mut store = Store { conn, data_dir: data_dir.clone(), store_id: store_id.clone() };
            migrations::migrate(&mut store.conn).map_err(|e| store.map_error(e))?;
            store.write(now, |tx| {
                tx.execute("INSERT INTO store_meta (key, value) VALUES ('store_id', ?1)", [&store_id])?;
                Ok((
                    (),
                    NewAuditEvent::of_change(
                        Actor::System,
                        "store.initialise",
                        vec![format!("store:{store_id}")],
                        &store_id,
                    ),
                ))
            })?;
            Ok(store)
        })();
        match created {
            Ok(store) => {
                tracing::info!(store_id = %store.store_id, keystore = keystore.label(), "store created");
                Ok((store, phrase))
            }
            Err(error) => {
                // Nothing was stored yet: take the half-made store away so `init` can be run again.
                let pieces = [
                    data_dir.database(),
                    wal_file(data_dir),
                    shm_file(data_dir),
                    data_dir.store_file(),
                    data_dir.recovery_file(),
                ];
                for path in pieces {
                    let _ = std::fs::remove_file(path);
                }
                let _ = keystore.delete_key(&store_id);
                Err(error)
            }
        }
    }

    /// Opens the store with the key from the credential store; refuses, touching nothing,
    /// when the key is missing or wrong.
    pub fn open(data_dir: &DataDir, keystore: &Keystore) -> Result<Store> {
        let store_id = existing_store_id(data_dir)?;
        let key = keystore.get_key(&store_id)?.ok_or_else(|| StoreError::KeyMissing {
            data_dir: data_dir.root().to_path_buf(),
            keystore: keystore.label().into(),
        })?;
        let conn = open_connection(data_dir, keystore, &key, false)?;
        let mut store = Store { conn, data_dir: data_dir.clone(), store_id };
        migrations::migrate(&mut store.conn).map_err(|e| store.map_error(e))?;
        tracing::debug!(store_id = %store.store_id, "store opened");
        Ok(store)
    }

    /// Unwraps the database key with the recovery phrase, checks that it opens this store,
    /// and only then puts it in the credential store (replacing a wrong one).
    pub fn recover(
        data_dir: &DataDir,
        keystore: &Keystore,
        phrase: &RecoveryPhrase,
        now: DateTime<Utc>,
    ) -> Result<Store> {
        if !data_dir.database().exists() {
            return Err(StoreError::NotInitialised(data_dir.root().to_path_buf()));
        }
        let file = recovery::read_file(&data_dir.recovery_file())?;
        let key = recovery::unwrap(&file, phrase)?;
        let conn = open_connection(data_dir, keystore, &key, false).map_err(|error| match error {
            StoreError::WrongKey { .. } => StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: "the recovery file unlocks a key that does not open this database: the recovery file belongs to another store".into(),
            },
            other => other,
        })?;
        keystore.set_key(&file.store_id, &key)?;
        if !data_dir.store_file().exists() {
            let store_file = StoreFile {
                format: STORE_FILE_FORMAT,
                store_id: file.store_id.clone(),
                created_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            };
            write_atomically(&data_dir.store_file(), &serde_json::to_vec_pretty(&store_file).expect("serialises"))?;
        }
        let mut store = Store { conn, data_dir: data_dir.clone(), store_id: file.store_id.clone() };
        migrations::migrate(&mut store.conn).map_err(|e| store.map_error(e))?;
        let store_id = store.store_id.clone();
        store.write(now, |_| {
            Ok((
                (),
                NewAuditEvent::of_change(
                    Actor::System,
                    "store.recover_key",
                    vec![format!("store:{store_id}")],
                    &store_id,
                ),
            ))
        })?;
        tracing::info!(store_id = %store.store_id, keystore = keystore.label(), "database key recovered");
        Ok(store)
    }

    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    pub fn schema_version(&self) -> Result<i64> {
        migrations::schema_version(&self.conn)
    }

    /// Runs a change and appends its audit event in one transaction: both are written, or
    /// neither. The closure returns its result and the event that describes the change.
    pub fn write<T>(
        &mut self,
        now: DateTime<Utc>,
        change: impl FnOnce(&Transaction) -> Result<(T, NewAuditEvent)>,
    ) -> Result<T> {
        let outcome = (|| {
            // Immediate: another process (a session's recorder) may be writing too.
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let (value, event) = change(&tx)?;
            let sealed = audit::append(&tx, now, event)?;
            tx.commit()?;
            tracing::info!(seq = sealed.seq, action = %sealed.action, "change recorded");
            Ok(value)
        })();
        outcome.map_err(|e| self.map_error(e))
    }

    /// Checks the whole audit chain against its head.
    pub fn audit_verify(&self) -> Result<ChainReport> {
        audit::verify(&self.conn).map_err(|e| self.map_error(e))
    }

    pub fn audit_head(&self) -> Result<ChainHead> {
        audit::head(&self.conn)
    }

    /// Turns SQLite's disk-full into a clear error naming the folder.
    fn map_error(&self, error: StoreError) -> StoreError {
        map_disk_full(error, &self.data_dir)
    }

    /// The raw connection, for tests that tamper with the store as an attacker would.
    #[doc(hidden)]
    pub fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }
}

/// The local policy: `policy.toml` in the data folder over the embedded defaults.
pub fn load_policy(data_dir: &DataDir) -> Result<(Policy, Option<std::path::PathBuf>)> {
    let path = data_dir.policy_file();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let policy = Policy::from_toml(&text).map_err(|error| StoreError::Policy { path: path.clone(), error })?;
            Ok((policy, Some(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Policy::default(), None)),
        Err(e) => Err(StoreError::Io { path, source: e }),
    }
}

fn wal_file(data_dir: &DataDir) -> std::path::PathBuf {
    data_dir.root().join("triangulate.db-wal")
}

fn shm_file(data_dir: &DataDir) -> std::path::PathBuf {
    data_dir.root().join("triangulate.db-shm")
}

/// The id of the store in this folder: from `store.json`, or from the recovery file if
/// `store.json` was lost.
fn existing_store_id(data_dir: &DataDir) -> Result<String> {
    if !data_dir.database().exists() {
        return Err(StoreError::NotInitialised(data_dir.root().to_path_buf()));
    }
    let damaged = |reason: String| StoreError::Damaged { data_dir: data_dir.root().to_path_buf(), reason };
    match std::fs::read(data_dir.store_file()) {
        Ok(bytes) => {
            let file: StoreFile =
                serde_json::from_slice(&bytes).map_err(|e| damaged(format!("store.json cannot be read: {e}")))?;
            Ok(file.store_id)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            recovery::read_file(&data_dir.recovery_file()).map(|file| file.store_id).map_err(|_| {
                damaged("store.json and the recovery file are both missing, so the store's id is unknown".into())
            })
        }
        Err(e) => Err(StoreError::Io { path: data_dir.store_file(), source: e }),
    }
}

fn map_disk_full(error: StoreError, data_dir: &DataDir) -> StoreError {
    match &error {
        StoreError::Database(rusqlite::Error::SqliteFailure(failure, _)) if failure.code == ErrorCode::DiskFull => {
            tracing::error!(folder = %data_dir.root().display(), "disk full: change not written");
            StoreError::DiskFull(data_dir.root().to_path_buf())
        }
        _ => error,
    }
}

/// Opens the database with the raw key and proves the key right before anything is written.
fn open_connection(data_dir: &DataDir, keystore: &Keystore, key: &DatabaseKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let path = data_dir.database();
    let conn = Connection::open_with_flags(&path, flags).map_err(|e| map_disk_full(e.into(), data_dir))?;
    // SQLCipher's own log would print decryption failures on standard error.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let statement = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", key.sqlcipher_raw_key().as_str()));
    conn.execute_batch(&statement)?;
    drop(statement);
    // The first read decrypts page 1: a wrong key fails here, before any write.
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0)) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(failure, _)) if failure.code == ErrorCode::NotADatabase => {
            return Err(StoreError::WrongKey {
                data_dir: data_dir.root().to_path_buf(),
                keystore: keystore.label().into(),
            });
        }
        Err(e) => return Err(e.into()),
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;",
    )
    .map_err(|e| map_disk_full(e.into(), data_dir))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
