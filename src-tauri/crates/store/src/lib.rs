//! The encrypted store: SQLCipher opened with a raw 32-byte key kept in the OS credential
//! store, versioned migrations, the recovery phrase, and the audit chain every change goes
//! through.
//!
//! Invariants: an existing store is never replaced by a new one; a missing or wrong key
//! refuses and changes nothing; every change is written in one transaction together with
//! its audit event; no key, phrase or stored value appears in an error or a log line.

mod accounts;
mod audit;
mod browser_choice;
pub mod browser_history;
mod captures;
mod data_dir;
mod drafts;
mod error;
mod exports;
mod head;
mod incidents;
mod keystore;
mod logging;
mod logs;
mod migrations;
mod persons;
pub mod pilot;
pub mod private;
mod recovery;
mod requests;
mod retention;
mod secrets;
mod sessions;
mod staff;
mod status;
mod subject_access;
mod trail;
mod workers;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};
use serde::{Deserialize, Serialize};
use triangulate_core::{Actor, AuditEvent, ChainHead, ChainReport, NewAuditEvent, Policy};

pub use accounts::{
    AccountRecord, AuthorisationInput, AuthorisationKind, AuthorisationRecord, AuthorisationReview, Renewal,
};
pub use browser_choice::BrowserChoiceRecord;
pub use captures::{ArtefactRecord, CaptureRecord, Manifest, NewArtefact, Provenance, RedactionManifest, RedactionRecord, verify_manifest};
pub use data_dir::{DATA_DIR_ENV, DataDir};
pub use drafts::{DraftCheck, DraftRecord, DraftSummary};
pub use error::{Acceptance, ErrorKind, RecoveryError, Result, StoreError};
pub use exports::{FilingRecord, NewBundleExport, NewPdfExport, PdfExportRecord};
pub use head::{HeadCopy, RollbackKind, missing_head_warning};
pub use incidents::{DisputeRecord, DisputeTarget, IncidentRecord};
pub use keystore::{KEYSTORE_ENV, Keystore, KeystoreKind};
pub use logging::init_logging;
pub use logs::{LogRecord, LogVersion};
pub use migrations::LATEST as LATEST_SCHEMA_VERSION;
pub use persons::PersonRecord;
pub use recovery::RecoveryPhrase;
pub use requests::{
    AawRecord, DecisionRecord, DutyParties, EarlierRequest, PersonMatch, PossibleMatch, RequestRecord, RequestSummary,
    StaffRef, SubjectLink,
};
pub use retention::{
    DISPOSAL_LIST_FORMAT, DisposalDating, DisposalRecord, DisposalStamp, DisposalStampRecord, HoldRecord, KnownFile,
    Reach,
};
pub use secrets::SigningKeyInfo;
pub use sessions::{SessionBrowser, SessionRecord};
pub use staff::StaffRecord;
pub use status::{AuditSummary, StoreState, StoreStatus, store_status};
pub use subject_access::SubjectAccessFacts;
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
    keystore: Keystore,
    /// Which journal file this connection writes through, to notice it being deleted.
    journal: Option<FileIdentity>,
}

/// A store accepted as it stands while a copy of its recorded head was missing: who, why,
/// the database's head then, and which copies were missing (both are made again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedHead {
    pub by: String,
    pub reason: String,
    /// The database's head when it was accepted.
    pub database: ChainHead,
    /// The copies of the head that were missing or could not be read.
    pub missing: Vec<HeadCopy>,
    /// The head after the acceptance's own event, now in both copies.
    pub head: ChainHead,
}

/// What a writer's turn is for: which standings it may go on from and which copies of the
/// head it writes afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// A change: refused on a rolled-back database; the copies that are there follow it.
    Change,
    /// The first event of a new store: both copies are made.
    Initialise,
    /// A person accepts a database apart from its recorded head: both copies are made.
    AcceptRestore,
    /// A person accepts a database whose recorded head is missing a copy: both are made.
    AcceptHead,
}

/// A restore from a copy, accepted: who accepted it, why, and both heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedRestore {
    pub by: String,
    pub reason: String,
    /// The restored database's head when it was accepted.
    pub database: ChainHead,
    /// The head recorded outside the database before.
    pub recorded: ChainHead,
    /// The head after the acceptance's own event.
    pub head: ChainHead,
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
        if data_dir.store_files().iter().any(|file| file.exists()) {
            return Err(StoreError::AlreadyInitialised(data_dir.root().to_path_buf()));
        }
        data_dir.create()?;
        data_dir.make_private();
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
            // Made owner-only before SQLite opens it: its journal files take its permissions.
            private::write_new(&data_dir.database(), b"").map_err(StoreError::io(data_dir.database()))?;
            let conn = open_connection(data_dir, keystore, &key, true)?;
            let mut store = Store {
                conn,
                data_dir: data_dir.clone(),
                store_id: store_id.clone(),
                keystore: keystore.clone(),
                journal: None,
            };
            migrations::migrate(&mut store.conn).map_err(|e| store.map_error(e))?;
            store.write_turn(now, Turn::Initialise, |tx| {
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
                for path in data_dir.store_files() {
                    let _ = std::fs::remove_file(path);
                }
                let _ = keystore.delete_key(&store_id);
                let _ = keystore.delete_head(&store_id);
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
        let store = Store::open_with_key(data_dir, keystore, &key, store_id)?;
        store.check_head()?;
        tracing::debug!(store_id = %store.store_id, "store opened");
        Ok(store)
    }

    /// Opens the database with this key, proves it is this store's, and brings its schema
    /// up to date; the audit head is not looked at.
    fn open_with_key(data_dir: &DataDir, keystore: &Keystore, key: &DatabaseKey, store_id: String) -> Result<Store> {
        let conn = open_connection(data_dir, keystore, key, false)?;
        let found: Option<String> = conn
            .query_row("SELECT value FROM store_meta WHERE key = 'store_id'", [], |row| row.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                rusqlite::Error::SqliteFailure(..) => Ok(None),
                other => Err(other),
            })?;
        if found.as_deref() != Some(store_id.as_str()) {
            return Err(StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: format!(
                    "its database file {} opens with this store's key but is not this store's database; nothing was changed. Restore the data folder from a backup",
                    data_dir.database().display()
                ),
            });
        }
        data_dir.make_private();
        let mut store = Store { conn, data_dir: data_dir.clone(), store_id, keystore: keystore.clone(), journal: None };
        migrations::migrate(&mut store.conn).map_err(|e| store.map_error(e))?;
        store.journal = FileIdentity::of(&data_dir.journal_file());
        Ok(store)
    }

    /// Compares the database's audit head with the one recorded outside it, and brings the
    /// copies that are there up where the database is at it or one interrupted write past
    /// it. A missing copy is not made again (see `head.rs`).
    fn check_head(&self) -> Result<()> {
        let _turn = head::take_turn(&self.data_dir)?;
        let database = audit::head(&self.conn)?;
        let recorded = head::recorded(&self.data_dir, &self.keystore, &self.store_id)?;
        let standing = head::standing(&self.conn, &database, recorded.head())?;
        if let Some(refusal) = standing.refusal(&self.data_dir) {
            tracing::info!(database = database.count, recorded = ?recorded.head().map(|h| h.count), "the database is not at its recorded audit head");
            return Err(refusal);
        }
        if !recorded.present_hold(&database) {
            if standing == head::Standing::OneAhead {
                tracing::warn!(count = database.count, "the last change's audit head was not recorded; recorded now");
            }
            head::record(&self.data_dir, &self.keystore, &self.store_id, &database, &recorded.present())?;
        }
        Ok(())
    }

    /// The copies of the audit chain's head (kept outside the database) that are missing or
    /// cannot be read: while any is, a rollback to an earlier copy cannot be ruled out.
    pub fn missing_head_copies(&self) -> Result<Vec<HeadCopy>> {
        Ok(head::recorded(&self.data_dir, &self.keystore, &self.store_id)?.missing())
    }

    /// What to tell a person while a copy of the head is missing, if one is.
    pub fn missing_head_warning(&self) -> Result<Option<String>> {
        Ok(head::missing_head_warning(&self.missing_head_copies()?, &self.keystore))
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
            return Err(missing_database(data_dir));
        }
        let file = recovery::read_file(&data_dir.recovery_file())?;
        if let Some(named) = store_file_id(data_dir)?
            && named != file.store_id
        {
            return Err(StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: format!(
                    "store.json names store {named}, but the recovery file belongs to store {}; nothing was changed. Put back this store's own store.json from a backup, or remove store.json and recover again: it is then written anew from the recovery file",
                    file.store_id
                ),
            });
        }
        let key = recovery::unwrap(&file, phrase)?;
        // Proves the key opens this database, and that the database is this store's, before
        // the key goes anywhere.
        drop(Store::open_with_key(data_dir, keystore, &key, file.store_id.clone()).map_err(|error| match error {
            StoreError::WrongKey { .. } => StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: "the recovery file unlocks a key that does not open this database: the recovery file belongs to another store".into(),
            },
            other => other,
        })?);
        keystore.set_key(&file.store_id, &key)?;
        if !data_dir.store_file().exists() {
            let store_file = StoreFile {
                format: STORE_FILE_FORMAT,
                store_id: file.store_id.clone(),
                created_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            };
            write_atomically(&data_dir.store_file(), &serde_json::to_vec_pretty(&store_file).expect("serialises"))?;
        }
        // Success is only claimed for a store that opens the way every command opens it.
        let mut store = Store::open(data_dir, keystore)?;
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

    /// Makes a new recovery phrase for this store's key and replaces the recovery file with
    /// it: the way back when the recovery file was lost or damaged, or the phrase exposed.
    /// The old phrase unlocks nothing afterwards. The new phrase is returned to be shown once.
    pub fn renew_recovery_phrase(&mut self, now: DateTime<Utc>) -> Result<RecoveryPhrase> {
        let key = self.keystore.get_key(&self.store_id)?.ok_or_else(|| StoreError::KeyMissing {
            data_dir: self.data_dir.root().to_path_buf(),
            keystore: self.keystore.label().into(),
        })?;
        let phrase = RecoveryPhrase::generate()?;
        let wrapped = recovery::wrap(&key, &phrase, &self.store_id)?;
        let store_id = self.store_id.clone();
        let path = self.data_dir.recovery_file();
        self.write(now, |_| {
            // Written inside the turn: if it fails, no event claims it was made.
            recovery::write_file(&path, &wrapped)?;
            Ok((
                (),
                NewAuditEvent::of_change(
                    Actor::System,
                    "store.renew_recovery",
                    vec![format!("store:{store_id}")],
                    &store_id,
                ),
            ))
        })?;
        tracing::info!(store_id = %self.store_id, "recovery phrase renewed");
        Ok(phrase)
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
        self.write_turn(now, Turn::Change, change).map(|(value, _)| value)
    }

    /// Accepts the store as it stands while a copy of its recorded head is missing (lost
    /// with the kernel keyring at a restart, or deleted): who accepts it and why, the
    /// database's head and the missing copies go into the store and its audit chain, and both
    /// copies are made again. Refused when both copies are there (nothing to accept) and when
    /// the copy that is there shows a rollback (that is `accept_restore`'s).
    pub fn accept_head(
        data_dir: &DataDir,
        keystore: &Keystore,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(Store, AcceptedHead)> {
        // Opened without the head's check, so that a rollback the copy that is there shows is
        // refused with what to do instead.
        let (mut store, by, reason) = Store::open_to_accept(
            data_dir,
            keystore,
            (by, "who accepts the store"),
            (reason, "why the store is accepted as it stands"),
        )?;
        let id = store.store_id.clone();
        let (accepted, _) = store.write_turn(now, Turn::AcceptHead, |tx| {
            let database = audit::head(tx)?;
            let missing = head::recorded(data_dir, keystore, &id)?.missing();
            tx.execute(
                "INSERT INTO accepted_heads (accepted_at, accepted_by, reason, database_count, database_hash, missing)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    now.to_rfc3339_opts(SecondsFormat::Micros, true),
                    by,
                    reason,
                    database.count as i64,
                    database.hash,
                    serde_json::to_string(&missing).expect("serialises"),
                ],
            )?;
            let row = tx.last_insert_rowid();
            let accepted =
                AcceptedHead { by: by.clone(), reason: reason.clone(), database, missing, head: ChainHead::empty() };
            let event = NewAuditEvent::of_change(
                Actor::System,
                "store.accept_head",
                vec![format!("store:{id}"), format!("accepted_head:{row}")],
                &accepted,
            );
            Ok((accepted, event))
        })?;
        let head = store.audit_head()?;
        tracing::info!(database = accepted.database.count, missing = ?accepted.missing, "the store was accepted as it stands");
        Ok((store, AcceptedHead { head, ..accepted }))
    }

    /// Who accepts a store's state and why (each given, or a field error), and the store opened
    /// with its key without the check of its recorded head: the start of both acceptances.
    fn open_to_accept(
        data_dir: &DataDir,
        keystore: &Keystore,
        (by, who): (&str, &str),
        (reason, why): (&str, &str),
    ) -> Result<(Store, String, String)> {
        let mut errors = Vec::new();
        let by = triangulate_core::validation::required_text(&mut errors, "by", who, by, 200);
        let reason = triangulate_core::validation::required_text(&mut errors, "reason", why, reason, 2000);
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let store_id = existing_store_id(data_dir)?;
        let key = keystore.get_key(&store_id)?.ok_or_else(|| StoreError::KeyMissing {
            data_dir: data_dir.root().to_path_buf(),
            keystore: keystore.label().into(),
        })?;
        let store = Store::open_with_key(data_dir, keystore, &key, store_id)?;
        Ok((store, by, reason))
    }

    /// Accepts a database restored from a copy: who accepts it and why, with both heads, go
    /// into the store and its audit chain, and the chain goes on from the restored head.
    /// Refused when the database is at its recorded head: there is nothing to accept.
    pub fn accept_restore(
        data_dir: &DataDir,
        keystore: &Keystore,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(Store, AcceptedRestore)> {
        let (mut store, by, reason) = Store::open_to_accept(
            data_dir,
            keystore,
            (by, "who accepts the restore"),
            (reason, "why the restore is accepted"),
        )?;
        let id = store.store_id.clone();
        let (accepted, _) = store.write_turn(now, Turn::AcceptRestore, |tx| {
            let database = audit::head(tx)?;
            let recorded = head::recorded(data_dir, keystore, &id)?.head().cloned().unwrap_or_else(ChainHead::empty);
            tx.execute(
                "INSERT INTO accepted_restores (accepted_at, accepted_by, reason, database_count, database_hash, recorded_count, recorded_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    now.to_rfc3339_opts(SecondsFormat::Micros, true),
                    by,
                    reason,
                    database.count as i64,
                    database.hash,
                    recorded.count as i64,
                    recorded.hash,
                ],
            )?;
            let row = tx.last_insert_rowid();
            let accepted = AcceptedRestore {
                by: by.clone(),
                reason: reason.clone(),
                database,
                recorded,
                head: ChainHead::empty(),
            };
            let event = NewAuditEvent::of_change(
                Actor::System,
                "store.accept_restore",
                vec![format!("store:{id}"), format!("restore:{row}")],
                &accepted,
            );
            Ok((accepted, event))
        })?;
        let head = store.audit_head()?;
        tracing::info!(
            database = accepted.database.count,
            recorded = accepted.recorded.count,
            "a restored database was accepted"
        );
        Ok((store, AcceptedRestore { head, ..accepted }))
    }

    /// One writer's turn: the database must be at its recorded head (or, when accepting a
    /// restore, must not be); the change and its audit event are committed together; the new
    /// head is recorded outside the database before the turn passes on, in the copies that
    /// are there (in both for a new store or a person's acceptance).
    fn write_turn<T>(
        &mut self,
        now: DateTime<Utc>,
        turn: Turn,
        change: impl FnOnce(&Transaction) -> Result<(T, NewAuditEvent)>,
    ) -> Result<(T, ChainHead)> {
        self.heal_journal()?;
        let outcome = (|| {
            let _turn = head::take_turn(&self.data_dir)?;
            // Immediate: another process (a session's recorder) may be writing too.
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let before = audit::head(&tx)?;
            let recorded = head::recorded(&self.data_dir, &self.keystore, &self.store_id)?;
            let standing = head::standing(&tx, &before, recorded.head())?;
            match (standing.refusal(&self.data_dir), turn) {
                (None, Turn::AcceptRestore) => {
                    let message = format!(
                        "the database is at the audit head recorded when the store was last changed ({} events): there is no restore to accept",
                        before.count
                    );
                    return Err(if recorded.missing().is_empty() {
                        StoreError::Refused(message)
                    } else {
                        StoreError::AcceptInstead {
                            message: format!("{message}; a copy of that head is missing, which accepting the store as it stands (saying who and why) accepts"),
                            instead: Acceptance::Head,
                        }
                    });
                }
                (Some(refusal), Turn::AcceptHead) => {
                    return Err(StoreError::AcceptInstead {
                        message: format!(
                            "{refusal}; the store cannot be accepted as it stands while a copy of its head shows it was put back: if it was put back on purpose, accept the restore, saying who and why"
                        ),
                        instead: Acceptance::Restore,
                    });
                }
                (None, Turn::AcceptHead) if recorded.missing().is_empty() => {
                    return Err(StoreError::Refused(format!(
                        "both copies of the audit chain's head are there and the database is at them ({} events): there is nothing to accept",
                        before.count
                    )));
                }
                (Some(refusal), Turn::Change | Turn::Initialise) => return Err(refusal),
                _ => {}
            }
            let copies = match turn {
                Turn::Change => recorded.present(),
                Turn::Initialise | Turn::AcceptRestore | Turn::AcceptHead => head::BOTH.to_vec(),
            };
            let (value, event) = change(&tx)?;
            let sealed = audit::append(&tx, now, event)?;
            tx.commit()?;
            tracing::info!(seq = sealed.seq, action = %sealed.action, "change recorded");
            let after = ChainHead { count: sealed.seq, hash: sealed.hash };
            if let Err(error) = head::record(&self.data_dir, &self.keystore, &self.store_id, &after, &copies) {
                // The change is committed; the next open or change records its head.
                tracing::error!(%error, "the audit head could not be recorded outside the database");
            }
            Ok((value, after))
        })();
        outcome.map_err(|e| self.map_error(e))
    }

    /// Notices that the journal file this connection writes through was deleted (or replaced)
    /// while it was open, as a careless clean-up or a sync tool may do. Every change is still
    /// in the deleted file, which this connection holds open: it is written back into the
    /// database, and the connection reopened on a new journal, so that other processes can
    /// open the store again. Long-lived holders (a session's recorder) call it when idle too.
    pub fn heal_journal(&mut self) -> Result<()> {
        let Some(held) = self.journal else {
            self.journal = FileIdentity::of(&self.data_dir.journal_file());
            return Ok(());
        };
        if FileIdentity::of(&self.data_dir.journal_file()) == Some(held) {
            return Ok(());
        }
        tracing::warn!(folder = %self.data_dir.root().display(), "the store's journal file was deleted while open: writing it back");
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| self.map_error(e.into()))?;
        let key = self.keystore.get_key(&self.store_id)?.ok_or_else(|| StoreError::KeyMissing {
            data_dir: self.data_dir.root().to_path_buf(),
            keystore: self.keystore.label().into(),
        })?;
        let fresh = open_connection(&self.data_dir, &self.keystore, &key, false)?;
        drop(std::mem::replace(&mut self.conn, fresh));
        self.journal = FileIdentity::of(&self.data_dir.journal_file());
        tracing::info!("the store's journal is whole again");
        Ok(())
    }

    /// Checks the whole audit chain against its head.
    pub fn audit_verify(&self) -> Result<ChainReport> {
        audit::verify(&self.conn).map_err(|e| self.map_error(e))
    }

    pub fn audit_head(&self) -> Result<ChainHead> {
        audit::head(&self.conn)
    }

    /// A request's own audit events, in order, with their head: a chain that verifies on its
    /// own (`triangulate_core::audit::verify_request_chain`) and holds no other request's.
    pub fn request_audit_events(&self, reference: &str) -> Result<(Vec<AuditEvent>, ChainHead)> {
        let reference = self.request(reference)?.reference;
        audit::request_events(&self.conn, &reference)
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
    match std::fs::read(&path) {
        Ok(bytes) => {
            let policy =
                Policy::from_file_bytes(&bytes).map_err(|error| StoreError::Policy { path: path.clone(), error })?;
            Ok((policy, Some(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Policy::default(), None)),
        Err(e) => Err(StoreError::Io { path, source: e }),
    }
}

/// A file's identity (device and inode) on Unix, to tell a file from one made in its place.
/// Elsewhere an open file cannot be deleted, so there is nothing to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity(u64, u64);

impl FileIdentity {
    #[cfg(unix)]
    fn of(path: &std::path::Path) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| FileIdentity(m.dev(), m.ino()))
    }

    #[cfg(not(unix))]
    fn of(_path: &std::path::Path) -> Option<FileIdentity> {
        None
    }
}

/// The id of the store in this folder: from `store.json`, or from the recovery file if
/// `store.json` was lost.
fn existing_store_id(data_dir: &DataDir) -> Result<String> {
    if !data_dir.database().exists() {
        return Err(missing_database(data_dir));
    }
    match store_file_id(data_dir)? {
        Some(id) => Ok(id),
        None => {
            recovery::read_file(&data_dir.recovery_file()).map(|file| file.store_id).map_err(|_| StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: "store.json and the recovery file are both missing or unreadable, so the store's id is unknown"
                    .into(),
            })
        }
    }
}

/// The store id `store.json` names, or `None` when there is no `store.json`.
fn store_file_id(data_dir: &DataDir) -> Result<Option<String>> {
    let damaged = |reason: String| StoreError::Damaged { data_dir: data_dir.root().to_path_buf(), reason };
    match std::fs::read(data_dir.store_file()) {
        Ok(bytes) => {
            let file: StoreFile =
                serde_json::from_slice(&bytes).map_err(|e| damaged(format!("store.json cannot be read: {e}")))?;
            if file.format != STORE_FILE_FORMAT {
                return Err(damaged(format!(
                    "store.json is in format {}, which this version does not know (it knows format {STORE_FILE_FORMAT}); nothing was changed",
                    file.format
                )));
            }
            Ok(Some(file.store_id))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Io { path: data_dir.store_file(), source: e }),
    }
}

/// No database: a folder never used, or a store whose database file was lost.
fn missing_database(data_dir: &DataDir) -> StoreError {
    if data_dir.store_file().exists() || data_dir.recovery_file().exists() {
        StoreError::Damaged {
            data_dir: data_dir.root().to_path_buf(),
            reason: format!(
                "its database file {} is missing, though the store's other files are there; nothing was changed. Restore the data folder from a backup (a new store is never made over an old one's files)",
                data_dir.database().display()
            ),
        }
    } else {
        StoreError::NotInitialised(data_dir.root().to_path_buf())
    }
}

fn map_disk_full(error: StoreError, data_dir: &DataDir) -> StoreError {
    match &error {
        StoreError::Database(rusqlite::Error::SqliteFailure(failure, _)) if failure.code == ErrorCode::DiskFull => {
            tracing::error!(folder = %data_dir.root().display(), "disk full: change not written");
            StoreError::DiskFull(data_dir.root().to_path_buf())
        }
        // The shared index says the journal holds changes, but the journal file is gone (or
        // was made again, empty): it was deleted while another process had it open.
        StoreError::Database(rusqlite::Error::SqliteFailure(failure, _))
            if failure.code == ErrorCode::SystemIoFailure
                && data_dir.shared_memory_file().exists()
                && std::fs::metadata(data_dir.journal_file()).map_or(true, |m| m.len() == 0) =>
        {
            tracing::error!(folder = %data_dir.root().display(), "the store's journal file was deleted while in use");
            StoreError::JournalMissing(data_dir.journal_file())
        }
        _ => error,
    }
}

/// Refuses a database file that cannot be this store's: empty, or a plain SQLite file.
fn refuse_foreign_file(data_dir: &DataDir) -> Result<()> {
    use std::io::Read;
    let path = data_dir.database();
    let mut header = [0u8; 16];
    let read = std::fs::File::open(&path).and_then(|mut file| file.read(&mut header)).map_err(StoreError::io(&path))?;
    let damaged = |what: &str| StoreError::Damaged {
        data_dir: data_dir.root().to_path_buf(),
        reason: format!(
            "its database file {} {what}; nothing was changed. Restore it from a backup of the data folder",
            path.display()
        ),
    };
    if read == 0 {
        return Err(damaged("is empty"));
    }
    if &header == b"SQLite format 3\0" {
        return Err(damaged("is an unencrypted SQLite database, not this store's encrypted one"));
    }
    Ok(())
}

/// Opens the database with the raw key and proves the key right before anything is written.
fn open_connection(data_dir: &DataDir, keystore: &Keystore, key: &DatabaseKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let path = data_dir.database();
    if !create {
        refuse_foreign_file(data_dir)?;
    }
    let conn = Connection::open_with_flags(&path, flags).map_err(|e| map_disk_full(e.into(), data_dir))?;
    // SQLCipher's own log would print decryption failures on standard error.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let statement = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", key.sqlcipher_raw_key().as_str()));
    conn.execute_batch(&statement)?;
    drop(statement);
    // The first read decrypts page 1: a wrong key fails here, before any write.
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0)) {
        // An empty database would be made into a new one by the migrations: every record gone.
        Ok(0) if !create => {
            return Err(StoreError::Damaged {
                data_dir: data_dir.root().to_path_buf(),
                reason: format!(
                    "its database file {} is empty; nothing was changed. Restore it from a backup of the data folder",
                    path.display()
                ),
            });
        }
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(failure, _)) if failure.code == ErrorCode::NotADatabase => {
            return Err(StoreError::WrongKey {
                data_dir: data_dir.root().to_path_buf(),
                keystore: keystore.label().into(),
            });
        }
        Err(e) => return Err(map_disk_full(e.into(), data_dir)),
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;
         PRAGMA cache_size = -32768;",
    )
    .map_err(|e| map_disk_full(e.into(), data_dir))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
